//! A large campaign is built without holding its entries' bodies: each is checked as it is
//! loaded, then rendered again from its file when its page is written. The site must be the
//! same bytes either way, and the same as `serve` makes it; a file that is no longer the text
//! that was checked is said, never published, never a panic.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shenbao_core::lang::Lang;
use shenbao_core::project::{self, Bodies, LoadOptions, Project};
use shenbao_core::summary::Summary;
use shenbao_site::BuildOptions;
use shenbao_site::live::Live;

fn load(root: &Path, bodies: Bodies) -> Project {
    project::load(
        root,
        LoadOptions {
            bodies,
            skip_git: true,
            ..LoadOptions::default()
        },
        &shenbao_core::history::NoHistory,
    )
    .unwrap()
}

fn options(drafts: bool) -> BuildOptions {
    BuildOptions {
        out: PathBuf::new(),
        base_url: Some("/".into()),
        drafts,
    }
}

fn build(project: &Project, drafts: bool) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let summary = Summary::of(project, drafts);
    let (report, memory) = shenbao_site::build_in_memory(project, &summary, &options(drafts), None)
        .map_err(|e| e.message(Lang::Zh))?;
    let files: BTreeMap<String, Vec<u8>> = memory
        .into_files()
        .into_iter()
        .map(|(k, v)| (k, v.to_vec()))
        .collect();
    // What `build` says it made: every page, the entries' own among them, the feed and sitemap.
    let pages = files
        .keys()
        .filter(|k| k.ends_with(".html") || *k == "feed.xml" || *k == "sitemap.xml")
        .count();
    assert_eq!(report.pages, pages);
    Ok(files)
}

/// The files that differ between two sites, or are in one only.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

#[test]
fn bodies_rendered_again_from_their_files_give_the_same_site() {
    for fixture in ["site", "valid"] {
        let dir = common::fixture(fixture);
        let held = load(dir.path(), Bodies::Rendered);
        let read_again = load(dir.path(), Bodies::Checked);
        assert!(held.entries.iter().all(|e| e.checked_text.is_none()));
        assert!(
            read_again
                .entries
                .iter()
                .all(|e| e.checked_text.is_some() && e.html.is_empty()),
            "the bodies are not held, so the build must read them again"
        );
        for drafts in [false, true] {
            let a = build(&held, drafts).unwrap();
            let b = build(&read_again, drafts).unwrap();
            assert!(
                a.keys().any(|k| k.starts_with("search/e/")) && a.len() > 20,
                "{fixture}: {:?}",
                a.keys().collect::<Vec<_>>()
            );
            assert_eq!(differences(&a, &b), Vec::<String>::new(), "{fixture}");
        }
    }
}

#[test]
fn a_build_gives_the_site_serve_makes() {
    let dir = common::fixture("site");
    let project = load(dir.path(), Bodies::Checked);
    let built = build(&project, false).unwrap();
    let held = load(dir.path(), Bodies::Rendered);
    let live = Live::build(&held, &Summary::of(&held, false), &options(false), None).unwrap();
    let served: BTreeMap<String, Vec<u8>> = live
        .files()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect();
    assert_eq!(differences(&built, &served), Vec::<String>::new());
}

#[test]
fn the_bodies_are_held_up_to_the_number_of_entries_given() {
    let dir = common::fixture("site");
    let count = load(dir.path(), Bodies::Checked).entries.len();
    assert!(count > 2);
    let within = |entries| Bodies::RenderedWithin {
        entries,
        bytes: usize::MAX,
    };
    let held = load(dir.path(), within(count));
    assert!(
        held.entries
            .iter()
            .all(|e| e.checked_text.is_none() && !e.html.is_empty())
    );
    let not = load(dir.path(), within(count - 1));
    assert!(not.entries.iter().all(|e| e.checked_text.is_some()));
}

/// A campaign of few entries may still have large bodies (an entry file may be 2 MB): the
/// bodies held stay within the bytes given, the others are rendered again from their files,
/// and the site is the same bytes.
#[test]
fn the_bodies_are_held_up_to_the_bytes_given() {
    let dir = common::fixture("site");
    let all = load(dir.path(), Bodies::Rendered);
    let sizes: Vec<usize> = all
        .entries
        .iter()
        .map(|e| e.html.len() + e.text.len())
        .collect();
    let total: usize = sizes.iter().sum();
    let smallest = *sizes.iter().min().unwrap();
    let within = |bytes| Bodies::RenderedWithin {
        entries: usize::MAX,
        bytes,
    };
    let kept = |p: &Project| -> usize {
        p.entries
            .iter()
            .filter(|e| e.checked_text.is_none())
            .map(|e| e.html.len() + e.text.len())
            .sum()
    };
    let expected = build(&all, false).unwrap();

    let every = load(dir.path(), within(total));
    assert!(every.entries.iter().all(|e| e.checked_text.is_none()));

    // Room for all but a byte: at least one body is not held, and what is held fits.
    let some = load(dir.path(), within(total - 1));
    assert!(kept(&some) < total);
    assert!(some.entries.iter().any(|e| e.checked_text.is_some()));
    assert!(some.entries.iter().any(|e| e.checked_text.is_none()));
    assert_eq!(
        differences(&expected, &build(&some, false).unwrap()),
        Vec::<String>::new()
    );

    // Room for less than any one body: none is held.
    let none = load(dir.path(), within(smallest - 1));
    assert!(
        none.entries
            .iter()
            .all(|e| e.checked_text.is_some() && e.html.is_empty() && e.text.is_empty())
    );
    assert_eq!(
        differences(&expected, &build(&none, false).unwrap()),
        Vec::<String>::new()
    );
}

#[test]
fn an_entry_edited_after_its_check_is_said_not_published_unchecked() {
    let dir = common::fixture("site");
    let root = dir.path();
    let project = load(root, Bodies::Checked);
    let file = "submissions/beta/dangjian.md";
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    // An edit the check never saw: a section taken out, a script put in.
    let edited = text.replacen("## ", "<script>alert(1)</script>\n\n### ", 1);
    assert_ne!(edited, text);
    std::fs::write(root.join(file), &edited).unwrap();
    let said = build(&project, false).unwrap_err();
    assert!(said.contains(file), "{said}");
    // Swapped for a link to another entry of the same unit: another text, refused too.
    std::fs::remove_file(root.join(file)).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("hostile.md", root.join(file)).unwrap();
        let said = build(&project, false).unwrap_err();
        assert!(said.contains(file), "{said}");
        std::fs::remove_file(root.join(file)).unwrap();
    }
    // The same text again: built.
    std::fs::write(root.join(file), &text).unwrap();
    build(&project, false).unwrap();
}

#[test]
fn an_entry_changed_after_its_check_is_said_and_not_followed_out() {
    let dir = common::fixture("site");
    let root = dir.path();
    let project = load(root, Bodies::Checked);
    let file = "submissions/beta/dangjian.md";
    std::fs::remove_file(root.join(file)).unwrap();
    let said = build(&project, false).unwrap_err();
    assert!(said.contains(file) && said.contains("重新运行"), "{said}");

    // Swapped for a link out of the campaign: not read.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: x\n---\n\n机密内容\n").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, root.join(file)).unwrap();
        let said = build(&project, false).unwrap_err();
        assert!(said.contains(file), "{said}");
    }
}
