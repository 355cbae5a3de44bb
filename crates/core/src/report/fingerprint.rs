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
        Problem::MissingSection { alternatives, .. } => alternatives.join("|"),
        Problem::EmptySection { name } => name.clone(),
        // One per entry, whichever sections it still lacks: adding one is no new problem.
        Problem::RecommendedSection { .. } => String::new(),
        Problem::AttachmentMissing { file, .. }
        | Problem::AttachmentType { file, .. }
        | Problem::AttachmentTooLarge { file, .. } => file.clone(),
        Problem::PathEscape { path } => path.clone(),
        Problem::UnsafeHtml { what } => what.clone(),
        Problem::CommentInValue { key, .. } => key.clone(),
        Problem::ExternalRequest { url } => url.clone(),
        Problem::InvalidCharacter { codepoint, key } => match key {
            None => format!("U+{codepoint:04X}"),
            Some(key) => format!("{key} U+{codepoint:04X}"),
        },
        Problem::UnknownUnit { folder, .. } => folder.clone(),
        Problem::NotAnEntry { name, .. } | Problem::NotInUnitFolder { name } => name.clone(),
        Problem::UnitCardMissing { unit }
        | Problem::WrongChannel { unit, .. }
        | Problem::QuotaShort { unit, .. }
        | Problem::RosterUnsigned { unit }
        | Problem::RosterOutdated { unit, .. } => unit.clone(),
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

/// SHA-256, from the RustCrypto implementation the workspace already uses for the portal.
fn sha256(message: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(message).into()
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
                label: None,
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
