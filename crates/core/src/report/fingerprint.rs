//! Fingerprints: what identifies a diagnostic across edits, for the tools that track problems
//! from one run to the next (GitLab's Code Quality, SARIF's `partialFingerprints`).
//!
//! A fingerprint hashes the file, the code and the subject of the problem — the offending key,
//! file, section, unit or text — and never its line: an edit elsewhere in the file moves a
//! problem without making it a new one. Identical subjects in one file are told apart by their
//! order. The hash is SHA-256, whole: the same on every machine and Rust version.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::problem::{CampaignDetail, CardDetail, Problem};

/// One fingerprint per diagnostic, in their order: 64 hexadecimal digits.
pub fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, String), u32> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let subject = subject(&d.problem);
            let n = seen
                .entry((d.file.as_str(), d.code(), subject.clone()))
                .or_insert(0);
            let print = hex(&sha256(
                format!("{}\0{}\0{}\0{}", d.file, d.code(), subject, n).as_bytes(),
            ));
            *n += 1;
            print
        })
        .collect()
}

/// What the problem is about, whatever line it stands on and whatever language it is told in.
/// Every problem is listed, so that a new one must say what identifies it.
fn subject(problem: &Problem) -> String {
    match problem {
        Problem::UnknownField { key, .. }
        | Problem::MissingField { key, .. }
        | Problem::InvalidType { key, .. }
        | Problem::InvalidValue { key, .. }
        | Problem::InvalidFormat { key, .. }
        | Problem::TooLong { key, .. } => key.clone(),
        Problem::MissingSection { alternatives } => alternatives.join("|"),
        Problem::EmptySection { name } | Problem::RecommendedSection { name } => name.clone(),
        Problem::AttachmentMissing { file }
        | Problem::AttachmentType { file, .. }
        | Problem::AttachmentTooLarge { file, .. } => file.clone(),
        Problem::PathEscape { path } => path.clone(),
        Problem::UnsafeHtml { what } => what.clone(),
        Problem::ExternalRequest { url } => url.clone(),
        Problem::InvalidCharacter { codepoint } => format!("U+{codepoint:04X}"),
        Problem::UnknownUnit { folder, .. } => folder.clone(),
        Problem::UnitCardMissing { unit }
        | Problem::WrongChannel { unit, .. }
        | Problem::QuotaShort { unit, .. }
        | Problem::RosterUnsigned { unit } => unit.clone(),
        Problem::UnitMismatch { .. } => "unit".into(),
        Problem::DuplicateEntry { title, .. } => title.clone(),
        Problem::OutsideOwnFolder { email, .. } => email.clone(),
        Problem::UnitCardInvalid { detail } => match detail {
            CardDetail::Syntax(_) => "syntax".into(),
            CardDetail::NotAMapping => "not-a-mapping".into(),
            CardDetail::UnknownKey { key, .. } => format!("unknown:{key}"),
            CardDetail::Missing { key } => format!("missing:{key}"),
            CardDetail::NotText { key } => format!("not-text:{key}"),
            CardDetail::BadPhone { .. } => "phone".into(),
            CardDetail::FileMissing { file } => format!("file-missing:{file}"),
            CardDetail::NotAScan { file } => format!("not-a-scan:{file}"),
        },
        Problem::CampaignInvalid { detail } => match detail {
            CampaignDetail::Shape(detail) => format!("shape:{detail}"),
            CampaignDetail::UnknownUnitType { unit, .. } => format!("unit-type:{unit}"),
            CampaignDetail::UnknownParent { unit, .. } => format!("parent:{unit}"),
            CampaignDetail::OwnParent { unit } => format!("own-parent:{unit}"),
            CampaignDetail::Duplicate { what, id } => format!("duplicate:{what}:{id}"),
            CampaignDetail::BadUnitId { id } => format!("unit-id:{id}"),
            CampaignDetail::BadValue { key, .. } => format!("value:{key}"),
            CampaignDetail::Empty { key } => format!("empty:{key}"),
        },
        // One of a kind in its file: the file and the code say it all.
        Problem::NotUtf8
        | Problem::FileTooLarge { .. }
        | Problem::Unreadable { .. }
        | Problem::YamlSyntax { .. }
        | Problem::FrontMatterMissing { .. }
        | Problem::NestedTooDeep { .. }
        | Problem::LateSubmission { .. }
        | Problem::ShallowClone => String::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 (FIPS 180-4). Written out rather than taken from a crate: it is small, pinned by the
/// standard's test vectors below, and the core keeps its dependencies few.
fn sha256(message: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    // Padding: a 1 bit, zeros to 56 bytes modulo 64, then the length in bits, big-endian.
    let mut data = message.to_vec();
    let bits = (message.len() as u64).wrapping_mul(8);
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&bits.to_be_bytes());

    for block in data.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;

    #[test]
    fn sha256_gives_the_standard_test_vectors() {
        let cases: [(&[u8], &str); 4] = [
            (
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
            ),
        ];
        for (message, digest) in cases {
            assert_eq!(hex(&sha256(message)), digest);
        }
        let million = vec![b'a'; 1_000_000];
        assert_eq!(
            hex(&sha256(&million)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    fn phone(line: u32, value: &str) -> Diagnostic {
        Diagnostic::new(
            "submissions/alpha/a.md",
            Pos::new(line, 8),
            Problem::InvalidFormat {
                key: "phone".into(),
                value: value.into(),
                format: crate::problem::Format::Phone,
            },
        )
    }

    #[test]
    fn a_problem_keeps_its_fingerprint_when_it_moves_down_a_line() {
        assert_eq!(
            fingerprints(&[phone(5, "12345")]),
            fingerprints(&[phone(6, "12345")])
        );
        assert_eq!(fingerprints(&[phone(5, "12345")])[0].len(), 64);
    }

    #[test]
    fn identical_subjects_in_one_file_are_told_apart() {
        let prints = fingerprints(&[phone(5, "1"), phone(9, "2")]);
        assert_ne!(prints[0], prints[1]);
    }
}
