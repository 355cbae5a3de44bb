//! `check --format gitlab`: Code Quality fingerprints that follow a problem, not its line, so a
//! merge request shows as fixed or new only what it really fixed or brought.

mod common;

use std::path::Path;

use common::{fixture, shenbao};
use serde_json::Value as Json;

fn issues(dir: &Path) -> Vec<Json> {
    shenbao(dir, &["check", "--format", "gitlab"])
        .json()
        .as_array()
        .unwrap()
        .clone()
}

/// The issue of `code` in `path`: its fingerprint and line.
fn find(issues: &[Json], path: &str, code: &str) -> (String, u64) {
    let issue = issues
        .iter()
        .find(|i| i["location"]["path"] == path && i["check_name"] == code)
        .unwrap_or_else(|| panic!("no {code} in {path}"));
    (
        issue["fingerprint"].as_str().unwrap().to_string(),
        issue["location"]["lines"]["begin"].as_u64().unwrap(),
    )
}

#[test]
fn a_line_added_above_a_problem_keeps_its_fingerprint() {
    let dir = fixture("broken");
    let path = "submissions/alpha/invalid-format.md";
    let (before, line) = find(&issues(dir.path()), path, "invalid-format");

    let file = dir.path().join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replacen("---\n", "---\n# 新加的一行\n", 1);
    std::fs::write(&file, text).unwrap();

    let (after, moved) = find(&issues(dir.path()), path, "invalid-format");
    assert_eq!(moved, line + 1, "the problem did not move");
    assert_eq!(after, before);
}

#[test]
fn different_problems_have_different_full_length_fingerprints() {
    let dir = fixture("broken");
    let file = dir.path().join("submissions/alpha/invalid-format.md");
    // A second problem in the same file: an unknown field under the bad phone.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("phone: 12345", "phone: 12345\nunknown: 1", 1),
    )
    .unwrap();
    let issues = issues(dir.path());
    let prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(prints.len(), unique.len(), "{prints:?}");
    assert!(prints.len() > 20);
    // The whole SHA-256, not 64 bits of a hash.
    assert!(
        prints
            .iter()
            .all(|p| p.len() == 64 && p.bytes().all(|b| b.is_ascii_hexdigit())),
        "{prints:?}"
    );
    let path = "submissions/alpha/invalid-format.md";
    assert_ne!(
        find(&issues, path, "invalid-format").0,
        find(&issues, path, "unknown-field").0
    );
}
