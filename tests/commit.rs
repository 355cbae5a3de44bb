//! What the portal will save: a unit's files written as one commit on the main line, without a
//! checkout, read back by git itself and checked from the commit before anyone checks it out.

mod common;

use std::path::Path;
use std::process::Command;

use common::git;

use shenbao_core::campaign;
use shenbao_core::rules;
use shenbao_git::commit::{self, Author, Change, CommitError, Content};
use shenbao_git::tree::Tree;

fn fixture_file(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid")
        .join(rel)
}

fn alpha() -> Author {
    Author {
        name: "甲区总工会".into(),
        email: "alpha@example.org".into(),
    }
}

fn repository() -> tempfile::TempDir {
    let dir = common::fixture("valid");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "the call"]);
    dir
}

#[test]
fn an_upload_becomes_one_commit_with_the_units_files() {
    let dir = repository();
    let root = dir.path();
    let entry = std::fs::read(fixture_file("submissions/alpha/good-entry.md")).unwrap();
    let photo = std::fs::read(fixture_file("submissions/alpha/good-entry/photo.jpg")).unwrap();
    let id = commit::commit(
        root,
        "main",
        &[
            Change {
                path: "submissions/alpha/uploaded.md".into(),
                content: Content::Bytes(entry.clone()),
            },
            Change {
                path: "submissions/alpha/uploaded/photo.jpg".into(),
                content: Content::Bytes(photo.clone()),
            },
            Change {
                path: "submissions/alpha/uploaded/data.csv".into(),
                content: Content::Bytes(b"year,count\n2017,12\n".to_vec()),
            },
            Change {
                path: "submissions/alpha/second-entry.md".into(),
                content: Content::Delete,
            },
        ],
        &alpha(),
        "门户：甲区总工会提交 uploaded",
    )
    .unwrap();

    assert_eq!(git(root, &["rev-parse", "main"]).trim(), id.to_string());
    assert_eq!(
        git(root, &["log", "-1", "--format=%an <%ae>%n%s", "main"]),
        "甲区总工会 <alpha@example.org>\n门户：甲区总工会提交 uploaded\n"
    );
    let changed = git(root, &["show", "--name-status", "--format=", "main"]);
    assert_eq!(
        changed,
        "D\tsubmissions/alpha/second-entry.md\nA\tsubmissions/alpha/uploaded.md\nA\tsubmissions/alpha/uploaded/data.csv\nA\tsubmissions/alpha/uploaded/photo.jpg\n"
    );
    let written = Command::new("git")
        .args(["show", "main:submissions/alpha/uploaded/photo.jpg"])
        .current_dir(root)
        .output()
        .unwrap()
        .stdout;
    assert!(
        written == photo,
        "the photo's bytes are committed as uploaded"
    );
    assert_eq!(git(root, &["fsck", "--strict"]), "");

    // Checked from the commit, before any checkout: the entry and its photo are found.
    let campaign = campaign::load(root).unwrap();
    let tree = Tree::open(root, "main").unwrap();
    let outcome = rules::check_entry(&campaign, &tree, "alpha", "uploaded", false);
    assert_eq!(outcome.diagnostics, [], "the committed entry is valid");
    assert!(outcome.entry.is_some());
}

#[test]
fn a_path_out_of_the_campaign_or_nothing_new_is_refused() {
    let dir = repository();
    let root = dir.path();
    let before = git(root, &["rev-parse", "main"]);
    for bad in ["../outside.md", "/etc/passwd", "submissions/../../x", ""] {
        let result = commit::commit(
            root,
            "main",
            &[Change {
                path: bad.into(),
                content: Content::Bytes(b"x".to_vec()),
            }],
            &alpha(),
            "x",
        );
        assert!(
            matches!(result, Err(CommitError::BadPath(_))),
            "{bad}: {result:?}"
        );
    }
    let same = std::fs::read(root.join("submissions/alpha/good-entry.md")).unwrap();
    let result = commit::commit(
        root,
        "main",
        &[Change {
            path: "submissions/alpha/good-entry.md".into(),
            content: Content::Bytes(same),
        }],
        &alpha(),
        "unchanged",
    );
    assert!(matches!(result, Err(CommitError::Empty)), "{result:?}");
    assert_eq!(
        git(root, &["rev-parse", "main"]),
        before,
        "main did not move"
    );
}

#[test]
fn a_campaign_in_a_subfolder_is_committed_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("award/2017");
    common::copy_tree(&fixture_file(""), &root);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "the call"]);
    commit::commit(
        &root,
        "main",
        &[Change {
            path: "submissions/alpha/unit.yaml".into(),
            content: Content::Bytes("leader: 张三\n".into()),
        }],
        &alpha(),
        "card",
    )
    .unwrap();
    assert_eq!(
        git(
            dir.path(),
            &["show", "main:award/2017/submissions/alpha/unit.yaml"]
        ),
        "leader: 张三\n"
    );
}

/// A clone of a bare copy of the fixture, for pushing.
fn clone_of(host: &Path, bare: &Path, name: &str) -> std::path::PathBuf {
    let to = host.join(name);
    git(
        host,
        &["clone", "-q", bare.to_str().unwrap(), to.to_str().unwrap()],
    );
    to
}

fn entry(path: &str, text: &str) -> Change {
    Change {
        path: path.into(),
        content: Content::Bytes(text.as_bytes().to_vec()),
    }
}

#[test]
fn a_push_refused_because_another_writer_went_first_is_replayed_on_their_tip() {
    let dir = repository();
    let host = tempfile::tempdir().unwrap();
    let bare = host.path().join("campaign.git");
    git(
        dir.path(),
        &["clone", "-q", "--bare", ".", bare.to_str().unwrap()],
    );
    let (a, b) = (
        clone_of(host.path(), &bare, "a"),
        clone_of(host.path(), &bare, "b"),
    );
    let portal = Author {
        name: "shenbao portal".into(),
        email: "portal@shenbao.invalid".into(),
    };
    let wa = commit::Writer::open(&a).unwrap();
    let wb = commit::Writer::open(&b).unwrap();
    let start = wb.tip().unwrap();
    // a goes first.
    let first = [entry("submissions/alpha/a.md", "a\n")];
    let id = wa
        .commit_onto(start, &first, &alpha(), &portal, "a")
        .unwrap();
    assert!(wa.push_commit("origin", id).unwrap());
    wa.fast_forward(id, &first).unwrap();
    // b, made on the tip it knew, is refused: nothing is lost, nothing forced, and b's branch
    // has not moved (it never holds what the remote refused).
    let change = [entry("submissions/beta/b.md", "b\n")];
    let stale = wb
        .commit_onto(start, &change, &alpha(), &portal, "b")
        .unwrap();
    assert!(
        !wb.push_commit("origin", stale).unwrap(),
        "the remote moved on: refused"
    );
    assert_eq!(wb.tip().unwrap(), start);
    // Replayed as the portal does it: on their tip, pushed, then the branch follows.
    let theirs = wb.fetch("origin").unwrap();
    let id = wb
        .commit_onto(Some(theirs), &change, &alpha(), &portal, "b")
        .unwrap();
    assert!(wb.push_commit("origin", id).unwrap());
    wb.fast_forward(id, &change).unwrap();
    let subjects = git(
        host.path(),
        &["--git-dir", bare.to_str().unwrap(), "log", "--format=%s %p"],
    );
    let lines: Vec<&str> = subjects.lines().collect();
    assert!(
        lines[0].starts_with("b ") && lines[1].starts_with("a "),
        "{subjects}"
    );
    // b's work tree has a's file too, and nothing uncommitted.
    assert!(b.join("submissions/alpha/a.md").exists());
    assert_eq!(git(&b, &["status", "--porcelain"]), "");
}
