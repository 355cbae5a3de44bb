//! Sessions and cross-site request protection. A session is a signed cookie: which login token
//! it came from (by hash, so revoking the token ends the session), when it was issued, and a
//! random nonce; HMAC-SHA256 with the repository's session key signs it. Nothing is kept on the
//! server for a session, so a restart or a second portal process knows every one; only a
//! session ended by logging out is remembered (by nonce, beside the accounts) until it would
//! have expired.
//!
//! Every form carries a CSRF token derived from the session's nonce; a state-changing request
//! without the right one, or sent from another site (`Sec-Fetch-Site`, `Origin`), is refused.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::accounts::{self, hex};

pub const COOKIE: &str = "shenbao_portal";
/// How long a login lasts.
pub const LIFETIME_SECS: i64 = 30 * 24 * 3600;

type HmacSha256 = Hmac<Sha256>;

/// A verified session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The hash of the login token it came from.
    pub token_hash: String,
    pub issued: i64,
    pub nonce: String,
}

#[derive(Clone)]
pub struct Keys {
    key: [u8; 32],
}

impl Keys {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self, parts: &[&str]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        for p in parts {
            mac.update(p.as_bytes());
            mac.update(b"\n");
        }
        mac
    }

    /// A new session for a login token's hash, as the cookie's value.
    pub fn issue(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(Session, String), accounts::AccountsError> {
        let nonce = hex(&accounts::random_bytes::<16>()?);
        let issued = now.to_string();
        let tag = hex(&self
            .mac(&["session", token_hash, &issued, &nonce])
            .finalize()
            .into_bytes());
        let value = format!("{token_hash}.{issued}.{nonce}.{tag}");
        Ok((
            Session {
                token_hash: token_hash.into(),
                issued: now,
                nonce,
            },
            value,
        ))
    }

    /// The session a cookie value carries, if its signature holds and it has not expired.
    pub fn verify(&self, value: &str, now: i64) -> Option<Session> {
        let mut parts = value.split('.');
        let (hash, issued, nonce, tag) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let tag = unhex(tag)?;
        self.mac(&["session", hash, issued, nonce])
            .verify_slice(&tag)
            .ok()?;
        let issued_at: i64 = issued.parse().ok()?;
        if now - issued_at > LIFETIME_SECS || issued_at > now + 60 {
            return None;
        }
        Some(Session {
            token_hash: hash.into(),
            issued: issued_at,
            nonce: nonce.into(),
        })
    }

    /// The CSRF token of a session: what its forms carry.
    pub fn csrf(&self, session: &Session) -> String {
        hex(&self.mac(&["csrf", &session.nonce]).finalize().into_bytes())
    }

    /// Whether `given` is the session's CSRF token (compared in constant time).
    pub fn csrf_ok(&self, session: &Session, given: &str) -> bool {
        unhex(given).is_some_and(|tag| {
            self.mac(&["csrf", &session.nonce])
                .verify_slice(&tag)
                .is_ok()
        })
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The `Set-Cookie` value for a session (or, with `None`, one that ends it).
pub fn set_cookie(value: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match value {
        Some(v) => {
            format!("{COOKIE}={v}; Path=/; HttpOnly; SameSite=Lax; Max-Age={LIFETIME_SECS}{secure}")
        }
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The session cookie's value among a request's `Cookie` headers.
pub fn cookie_value<'a>(headers: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    headers
        .flat_map(|h| h.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_verifies_and_a_changed_one_does_not() {
        let keys = Keys::new([7; 32]);
        let (session, value) = keys.issue("abcd", 1000).unwrap();
        assert_eq!(keys.verify(&value, 1001), Some(session.clone()));
        // Another token's hash with the same signature.
        let forged = value.replacen("abcd", "abce", 1);
        assert_eq!(keys.verify(&forged, 1001), None);
        // Another key.
        assert_eq!(Keys::new([8; 32]).verify(&value, 1001), None);
        // Expired.
        assert_eq!(keys.verify(&value, 1000 + LIFETIME_SECS + 1), None);
        assert_eq!(keys.verify("", 1), None);
        assert_eq!(keys.verify("a.b.c.zz", 1), None);
    }

    #[test]
    fn cookies_are_http_only_same_site_and_secure_behind_https() {
        let plain = set_cookie(Some("v"), false);
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        assert!(set_cookie(Some("v"), true).ends_with("; Secure"));
        assert!(set_cookie(None, true).contains("Max-Age=0"));
    }

    #[test]
    fn the_csrf_token_belongs_to_its_session() {
        let keys = Keys::new([7; 32]);
        let (a, _) = keys.issue("abcd", 1000).unwrap();
        let (b, _) = keys.issue("abcd", 1000).unwrap();
        assert!(keys.csrf_ok(&a, &keys.csrf(&a)));
        assert!(!keys.csrf_ok(&a, &keys.csrf(&b)));
        assert!(!keys.csrf_ok(&a, ""));
        assert!(!keys.csrf_ok(&a, "not hex"));
    }
}
