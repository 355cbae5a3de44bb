//! Hostile input: each answered with a diagnostic, never a panic or a hang.

mod common;

use common::{diagnostics, fixture, shenbao};

fn check_one(file_name: &str, bytes: &[u8]) -> Vec<common::Found> {
    let dir = fixture("valid");
    let path = dir.path().join("submissions/alpha").join(file_name);
    std::fs::write(&path, bytes).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let rel = format!("submissions/alpha/{file_name}");
    diagnostics(&run)
        .into_iter()
        .filter(|d| d.file == rel)
        .collect()
}

#[test]
fn an_alias_bomb_is_a_yaml_error() {
    let mut text = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("---\n");
    let found = check_one("bomb.md", text.as_bytes());
    assert_eq!(found[0].code, "yaml-syntax", "{found:?}");
}

#[test]
fn deep_nesting_is_a_yaml_error() {
    let text = format!(
        "---\ntitle: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let found = check_one("deep.md", text.as_bytes());
    assert_eq!(found[0].code, "yaml-syntax", "{found:?}");
    assert_eq!(found[0].line, 2);
}

#[test]
fn a_20_mb_entry_is_refused_unread() {
    let mut text = b"---\ntitle: x\n---\n".to_vec();
    text.resize(20 * 1024 * 1024, b'a');
    let found = check_one("huge.md", &text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "file-too-large");
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let found = check_one("gbk.md", b"---\ntitle: \xb1\xa3\xb6\xa8\n---\n");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].code.as_str(), found[0].line, found[0].column),
        ("not-utf8", 2, 8)
    );
}

#[test]
fn a_nul_byte_is_located() {
    let found = check_one("nul.md", b"---\ntitle: a\0b\n---\n");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].code.as_str(), found[0].line, found[0].column),
        ("invalid-character", 2, 9)
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_entry_leading_out_of_the_campaign_is_not_read() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: secret\n---\n").unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("submissions/alpha/link.md")).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let found = diagnostics(&run);
    let link: Vec<_> = found
        .iter()
        .filter(|d| d.file == "submissions/alpha/link.md")
        .collect();
    assert_eq!(link.len(), 1, "{found:?}");
    assert_eq!(link[0].code, "path-escape");
    assert!(!run.stdout.contains("secret"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_attachment_leading_out_is_a_path_escape() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.jpg"), b"jpeg").unwrap();
    let photo = dir.path().join("submissions/alpha/good-entry/photo.jpg");
    std::fs::remove_file(&photo).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.jpg"), &photo).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let found = diagnostics(&run);
    let cover = found
        .iter()
        .find(|d| d.file == "submissions/alpha/good-entry.md" && d.line == 13)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!((cover.code.as_str(), cover.column), ("path-escape", 8));
}
