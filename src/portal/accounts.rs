//! Who may log in: the portal's accounts, kept under `.git/shenbao/` (never in the work tree,
//! never committed). A login token is 128 random bits shown once, in the invitation link; only
//! its SHA-256 is stored, so a copy of the repository's state gives no one a way in.
//!
//! The file is rewritten whole (to a temporary file, then renamed) under a lock, so that
//! `portal invite` beside a running portal, or two portals, never lose an account.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::state::{self, StateError};

/// Whose account it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Account {
    /// A submitting unit, by id.
    Unit(String),
    /// The research office, by e-mail.
    Organiser(String),
}

impl Account {
    /// What `invite` prints before the link: the unit id or the e-mail.
    pub fn name(&self) -> &str {
        match self {
            Account::Unit(id) | Account::Organiser(id) => id,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Token hash (hex) → account.
    tokens: BTreeMap<String, Account>,
    /// Sessions ended by logging out, by nonce → when they were issued: a copy of the cookie
    /// (a shared office computer, a forwarded request) no longer gets in. Kept until they would
    /// have expired anyway.
    #[serde(default)]
    ended: BTreeMap<String, i64>,
}

const FILE: &str = "accounts.json";

/// The accounts file's bytes as last read, and what they say.
type Cached = (Vec<u8>, Stored);

/// The accounts of one repository.
#[derive(Clone, Debug)]
pub struct Accounts {
    dir: PathBuf,
    /// The file as last read, its bytes and what they say: every request asks who its session
    /// belongs to, and the file changes only when a link is made or revoked or a session ended
    /// (by this process or another). Told apart by its bytes, not by its modification time and
    /// size: a logout written in the same tick of the clock as the write before, and as long,
    /// would have left the session open.
    cache: std::sync::Arc<std::sync::Mutex<Option<Cached>>>,
}

#[derive(Debug)]
pub enum AccountsError {
    State(StateError),
    Random,
}

impl AccountsError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: shenbao_core::lang::Lang) -> String {
        match self {
            AccountsError::State(e) => e.message(lang),
            AccountsError::Random => lang
                .pick("系统的随机数来源出错", "the system's random source failed")
                .into(),
        }
    }
}

impl std::fmt::Display for AccountsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(shenbao_core::lang::Lang::En))
    }
}

impl From<StateError> for AccountsError {
    fn from(e: StateError) -> Self {
        AccountsError::State(e)
    }
}

impl std::error::Error for AccountsError {}

/// 16 random bytes from the system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AccountsError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| AccountsError::Random)?;
    Ok(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

impl Accounts {
    /// The accounts kept in `state_dir` (`.git/shenbao`).
    pub fn new(state_dir: &Path) -> Self {
        Self {
            dir: state_dir.to_path_buf(),
            cache: Default::default(),
        }
    }

    fn file(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn read(&self) -> Result<Stored, AccountsError> {
        Ok(state::read_json(&self.dir, FILE)?)
    }

    /// Run `change` on the stored accounts under the lock and write the result.
    fn update<T>(&self, change: impl FnOnce(&mut Stored) -> T) -> Result<T, AccountsError> {
        Ok(state::update_json(&self.dir, FILE, change)?)
    }

    /// A new login token for `account` (earlier ones stay valid until revoked).
    pub fn invite(&self, account: &Account) -> Result<String, AccountsError> {
        let token = hex(&random_bytes::<16>()?);
        let hash = token_hash(&token);
        self.update(|s| {
            s.tokens.insert(hash, account.clone());
        })?;
        Ok(token)
    }

    /// End every token of `account`; how many there were.
    pub fn revoke(&self, account: &Account) -> Result<usize, AccountsError> {
        self.update(|s| {
            let before = s.tokens.len();
            s.tokens.retain(|_, a| a != account);
            before - s.tokens.len()
        })
    }

    /// End the session of `nonce`, issued at `issued`, for good (logging out); sessions that
    /// have expired since are forgotten.
    pub fn end_session(&self, nonce: &str, issued: i64, now: i64) -> Result<(), AccountsError> {
        self.update(|s| {
            s.ended
                .retain(|_, at| *at + crate::portal::session::LIFETIME_SECS >= now);
            s.ended.insert(nonce.to_string(), issued);
        })
    }

    /// The account a session belongs to: that of its login token, unless the token was revoked
    /// or the session ended.
    pub fn of_session(
        &self,
        session: &crate::portal::session::Session,
    ) -> Result<Option<Account>, AccountsError> {
        self.with_stored(|stored| {
            if stored.ended.contains_key(&session.nonce) {
                return None;
            }
            stored.tokens.get(&session.token_hash).cloned()
        })
    }

    /// The account a token hash belongs to, if it is still valid.
    pub fn by_hash(&self, hash: &str) -> Result<Option<Account>, AccountsError> {
        self.with_stored(|stored| stored.tokens.get(hash).cloned())
    }

    /// `look` at the stored accounts, parsed again only when the file's bytes changed (a few
    /// kilobytes, read at each request).
    fn with_stored<T>(
        &self,
        look: impl Fn(&Stored) -> Option<T>,
    ) -> Result<Option<T>, AccountsError> {
        let path = self.file();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::Io(path, e).into()),
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, stored)) = &*cache
            && *seen == bytes
        {
            return Ok(look(stored));
        }
        let stored: Stored = state::parse_json(&path, &bytes)?;
        let found = look(&stored);
        *cache = Some((bytes, stored));
        Ok(found)
    }

    /// Every account that has a valid token, once each, sorted.
    pub fn all(&self) -> Result<Vec<Account>, AccountsError> {
        let mut all: Vec<Account> = self.read()?.tokens.into_values().collect();
        all.sort();
        all.dedup();
        Ok(all)
    }

    /// The key that signs session cookies, made on first use and kept beside the accounts, so
    /// that a restart or a second portal process keeps everyone logged in.
    pub fn session_key(&self) -> Result<[u8; 32], AccountsError> {
        let path = self.dir.join("session.key");
        let io = |e| AccountsError::State(StateError::Io(path.clone(), e));
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => {
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
                return Ok(key);
            }
            Ok(_) => {
                return Err(StateError::Corrupt(path, "not a 32-byte key".into()).into());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        state::private_dir(&self.dir)?;
        let key = random_bytes::<32>()?;
        let temp = self.dir.join(format!("session.key.{}", std::process::id()));
        state::write_private(&temp, &key)?;
        // Two processes starting at once: the first key to land wins, and both read it.
        match std::fs::hard_link(&temp, &path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(e)),
        }
        let _ = std::fs::remove_file(&temp);
        self.session_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_stored_only_as_its_hash_and_revoking_ends_it() {
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::new(dir.path());
        let unit = Account::Unit("lianchi".into());
        let token = accounts.invite(&unit).unwrap();
        assert_eq!(token.len(), 32, "128 bits in hex");
        let stored = std::fs::read_to_string(dir.path().join("accounts.json")).unwrap();
        assert!(!stored.contains(&token));
        assert_eq!(
            accounts.by_hash(&token_hash(&token)).unwrap(),
            Some(unit.clone())
        );
        assert_ne!(accounts.invite(&unit).unwrap(), token, "each token is new");
        assert_eq!(accounts.revoke(&unit).unwrap(), 2);
        assert_eq!(accounts.by_hash(&token_hash(&token)).unwrap(), None);
    }

    /// An ended session stays ended while it could be used, and is forgotten once it would
    /// have expired: the file does not grow with every logout for ever.
    #[test]
    fn an_ended_session_is_refused_and_forgotten_after_its_lifetime() {
        use crate::portal::session::{LIFETIME_SECS, Session};
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::new(dir.path());
        let unit = Account::Unit("lianchi".into());
        let hash = token_hash(&accounts.invite(&unit).unwrap());
        let session = |nonce: &str, issued| Session {
            token_hash: hash.clone(),
            issued,
            nonce: nonce.into(),
        };
        let (old, new) = (session("ended-first", 1000), session("ended-later", 5000));
        accounts.end_session("ended-first", 1000, 1000).unwrap();
        assert_eq!(accounts.of_session(&old).unwrap(), None);
        assert_eq!(accounts.of_session(&new).unwrap(), Some(unit.clone()));
        accounts
            .end_session("ended-later", 5000, 1000 + LIFETIME_SECS + 1)
            .unwrap();
        let stored = std::fs::read_to_string(dir.path().join("accounts.json")).unwrap();
        assert!(
            !stored.contains("ended-first") && stored.contains("ended-later"),
            "{stored}"
        );
        assert_eq!(accounts.of_session(&new).unwrap(), None);
    }

    #[test]
    fn a_revocation_by_another_process_is_seen_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let portal = Accounts::new(dir.path());
        let unit = Account::Unit("lianchi".into());
        let token = portal.invite(&unit).unwrap();
        assert_eq!(
            portal.by_hash(&token_hash(&token)).unwrap(),
            Some(unit.clone())
        );
        // `portal invite --revoke` is another process with its own handle.
        Accounts::new(dir.path()).revoke(&unit).unwrap();
        assert_eq!(portal.by_hash(&token_hash(&token)).unwrap(), None);
    }

    /// A logout written in the same tick of the file system's clock as the write before it,
    /// and as long, is still seen: the file is told apart by what it holds.
    #[test]
    fn a_session_ended_in_the_same_tick_and_length_is_refused() {
        use crate::portal::session::Session;
        let dir = tempfile::tempdir().unwrap();
        let portal = Accounts::new(dir.path());
        let unit = Account::Unit("lianchi".into());
        let hash = token_hash(&portal.invite(&unit).unwrap());
        let file = dir.path().join(FILE);
        let write = |ended: &str| {
            let stored = Stored {
                tokens: BTreeMap::from([(hash.clone(), unit.clone())]),
                ended: BTreeMap::from([(ended.to_string(), 1000)]),
            };
            std::fs::write(&file, serde_json::to_vec(&stored).unwrap()).unwrap();
        };
        let session = Session {
            token_hash: hash.clone(),
            issued: 1000,
            nonce: "mine".into(),
        };
        write("else");
        let tick = std::fs::metadata(&file).unwrap().modified().unwrap();
        assert_eq!(portal.of_session(&session).unwrap(), Some(unit.clone()));
        // The same length, and the same modification time, as the clock's tick can give.
        write("mine");
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(tick)
            .unwrap();
        assert_eq!(portal.of_session(&session).unwrap(), None);
    }

    #[test]
    fn the_session_key_is_kept_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let a = Accounts::new(dir.path()).session_key().unwrap();
        let b = Accounts::new(dir.path()).session_key().unwrap();
        assert_eq!(a, b);
    }
}
