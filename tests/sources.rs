//! One entry is checked the same wherever its files are: on disk (a checkout), in memory (an
//! upload the portal has not committed yet) or in a git commit (what a pull request brings).

mod common;

use std::path::Path;

use shenbao_core::campaign::{self, Campaign};
use shenbao_core::diagnostic::Diagnostic;
use shenbao_core::files::{Disk, Files, Memory};
use shenbao_core::rules;
use shenbao_core::submissions;
use shenbao_git::tree::Tree;

fn commit_all(dir: &Path) {
    common::git(dir, &["init", "-q", "-b", "main"]);
    common::git(dir, &["add", "-A"]);
    common::git(dir, &["commit", "-q", "-m", "entries"]);
}

/// Every regular file under `submissions/`, as an upload would hold them.
fn in_memory(root: &Path) -> Memory {
    fn add(memory: &mut Memory, root: &Path, dir: &Path) {
        for item in std::fs::read_dir(dir).unwrap() {
            let item = item.unwrap();
            let kind = item.file_type().unwrap();
            if kind.is_dir() {
                add(memory, root, &item.path());
            } else if kind.is_file() {
                let rel = item.path().strip_prefix(root).unwrap().to_owned();
                let rel = rel.to_string_lossy().replace('\\', "/");
                memory.insert(rel, std::fs::read(item.path()).unwrap());
            }
        }
    }
    let mut memory = Memory::new();
    add(&mut memory, root, &root.join("submissions"));
    memory
}

/// Each entry's and each card's diagnostics, checked from `files`.
fn check(campaign: &Campaign, files: &dyn Files) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for folder in submissions::scan(&campaign.root).unwrap().folders {
        for slug in &folder.entries {
            all.extend(rules::check_entry(campaign, files, &folder.id, slug, true).diagnostics);
        }
        if folder.has_card {
            all.extend(rules::card::check_card(files, &folder.id).1);
        }
    }
    all
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(String, &'static str)> {
    diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.code()))
        .collect()
}

#[test]
fn disk_memory_and_a_commit_give_the_same_diagnostics() {
    for fixture in ["broken", "valid", "site"] {
        let dir = common::fixture(fixture);
        let root = dir.path();
        commit_all(root);
        let campaign = campaign::load(root).unwrap();

        let on_disk = check(&campaign, &Disk::new(root));
        let uploaded = check(&campaign, &in_memory(root));
        let committed = check(&campaign, &Tree::open(root, "HEAD").unwrap());

        assert!(!on_disk.is_empty() || fixture != "broken");
        assert_eq!(on_disk, uploaded, "{fixture}: disk and memory differ");
        assert_eq!(on_disk, committed, "{fixture}: disk and the commit differ");
    }
}

#[test]
fn the_broken_fixture_finds_its_attachment_problems_from_every_source() {
    let dir = common::fixture("broken");
    let root = dir.path();
    commit_all(root);
    let campaign = campaign::load(root).unwrap();
    for files in [
        &Disk::new(root) as &dyn Files,
        &in_memory(root),
        &Tree::open(root, "HEAD").unwrap(),
    ] {
        let found = codes(&check(&campaign, files));
        for (file, code) in [
            (
                "submissions/alpha/attachment-missing.md",
                "attachment-missing",
            ),
            ("submissions/alpha/attachment-type.md", "attachment-type"),
            ("submissions/alpha/path-escape.md", "path-escape"),
        ] {
            assert!(
                found.contains(&(file.to_string(), code)),
                "{code} not found in {file}: {found:?}"
            );
        }
    }
}

/// Git stores symlinks, so a pull request can carry one: the commit must be judged as the
/// checkout of it is.
#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_entry_folder_escapes_on_disk_and_in_the_commit() {
    let dir = common::fixture("valid");
    let root = dir.path();
    let folder = root.join("submissions/alpha/good-entry");
    std::os::unix::fs::symlink("../../../campaign.yaml", folder.join("leak.csv")).unwrap();
    std::os::unix::fs::symlink("data.csv", folder.join("same.csv")).unwrap();
    std::os::unix::fs::symlink("/etc", folder.join("etc")).unwrap();
    let entry = folder.with_extension("md");
    let text = std::fs::read_to_string(&entry).unwrap();
    let text = text.replacen(
        "\n---\n",
        "\n---\n\n[泄露](leak.csv) [同一个](same.csv) [系统](etc/passwd.csv)\n",
        1,
    );
    std::fs::write(&entry, text).unwrap();
    commit_all(root);
    let campaign = campaign::load(root).unwrap();

    let on_disk = check(&campaign, &Disk::new(root));
    let committed = check(&campaign, &Tree::open(root, "HEAD").unwrap());
    assert_eq!(on_disk, committed);
    let escapes: Vec<_> = on_disk
        .iter()
        .filter(|d| d.code() == "path-escape")
        .collect();
    assert_eq!(escapes.len(), 2, "{on_disk:?}");
    assert!(
        !on_disk.iter().any(|d| d.code() == "attachment-missing"),
        "a link inside the folder is followed: {on_disk:?}"
    );
}
