//! The site `serve` keeps in memory, brought up to date entry by entry, must be the site a whole
//! build gives for the same files.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shenbao_core::project::{self, LoadOptions};
use shenbao_core::summary::Summary;
use shenbao_site::BuildOptions;
use shenbao_site::live::Live;

fn options() -> BuildOptions {
    BuildOptions {
        out: PathBuf::new(),
        base_url: Some("/".into()),
        drafts: false,
    }
}

fn load(root: &Path) -> project::Project {
    project::load(
        root,
        LoadOptions {
            bodies: project::Bodies::Rendered,
            ..LoadOptions::default()
        },
        &shenbao_git::Git,
    )
    .unwrap()
}

fn summary(project: &project::Project) -> Summary {
    Summary::of(project, options().drafts)
}

fn files(live: &Live) -> BTreeMap<String, Vec<u8>> {
    live.files()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_vec()))
        .collect()
}

/// Catch up and make the search index as serve does, then compare the site with a whole build
/// of the same files. Whether the index kept from before was brought up to date by rewriting
/// what the edit changed (not made whole).
fn caught_up_is_whole(live: &mut Live, root: &Path, what: &str) -> bool {
    assert!(
        live.catch_up().unwrap(),
        "an update leaves the lists and downloads for later"
    );
    // The search index is made apart, as serve makes it.
    let made = live.search_job().run().unwrap();
    let patched = made.patched();
    assert!(live.set_search(made), "{what}");
    let fresh = load(root);
    let whole = Live::build(&fresh, &summary(&fresh), &options(), None).unwrap();
    let (a, b) = (files(live), files(&whole));
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(differ.is_empty(), "after {what}, these differ: {differ:?}");
    patched
}

/// A change to the campaign's files.
type Edit = Box<dyn Fn(&Path)>;

#[test]
fn entry_by_entry_updates_give_the_same_site_as_a_whole_build() {
    let dir = common::fixture("site");
    let root = dir.path();
    // A unit that submits through alpha: its page shows the projects alpha forwards for it.
    let campaign = root.join("campaign.yaml");
    let delta = "  - {id: delta, name: 丁区总工会, type: county}\n";
    common::edit(
        &campaign,
        delta,
        &format!("{delta}  - {{id: wu, name: 戊厂工会, type: grassroots, parent: alpha}}\n"),
    );
    let mut project = load(root);
    let mut live = Live::build(&project, &summary(&project), &options(), None).unwrap();

    let edits: Vec<(&str, Edit)> = vec![
        (
            "a new title",
            Box::new(|root: &Path| {
                let f = root.join("submissions/alpha/weiquan.md");
                common::edit(&f, "劳动争议调解进车间", "劳动争议调解进班组");
            }),
        ),
        (
            "a project forwarded for a subordinate",
            Box::new(|root: &Path| {
                let f = root.join("submissions/alpha/weiquan.md");
                common::edit(
                    &f,
                    "started: 2017-03\n",
                    "started: 2017-03\nimplementing_unit: 戊厂工会\n",
                );
            }),
        ),
        (
            "its title changed",
            Box::new(|root: &Path| {
                let f = root.join("submissions/alpha/weiquan.md");
                common::edit(&f, "劳动争议调解进班组", "劳动争议调解进工段");
            }),
        ),
        (
            "forwarded no more",
            Box::new(|root: &Path| {
                let f = root.join("submissions/alpha/weiquan.md");
                common::edit(&f, "implementing_unit: 戊厂工会\n", "");
            }),
        ),
        (
            "another category",
            Box::new(|root: &Path| {
                let f = root.join("submissions/gamma/yuanqu.md");
                common::edit(&f, "category: 12", "category: 1");
            }),
        ),
        (
            "an entry added",
            Box::new(|root: &Path| {
                let t = std::fs::read_to_string(root.join("submissions/gamma/yuanqu.md")).unwrap();
                std::fs::write(
                    root.join("submissions/alpha/aaa-first.md"),
                    t.replace("园区工会联合会“一站式”服务", "排在最前的新项目"),
                )
                .unwrap();
            }),
        ),
        (
            "an entry removed",
            Box::new(|root: &Path| {
                std::fs::remove_file(root.join("submissions/beta/dangjian.md")).unwrap();
            }),
        ),
        (
            "a draft published",
            Box::new(|root: &Path| {
                let f = root.join("submissions/alpha/caogao.md");
                common::edit(&f, "draft: true\n", "");
            }),
        ),
    ];
    let changed = [
        "submissions/alpha/weiquan.md",
        "submissions/alpha/weiquan.md",
        "submissions/alpha/weiquan.md",
        "submissions/alpha/weiquan.md",
        "submissions/gamma/yuanqu.md",
        "submissions/alpha/aaa-first.md",
        "submissions/beta/dangjian.md",
        "submissions/alpha/caogao.md",
    ];
    // Entries edited in place have their page shown first; added, removed or published ones not.
    let in_place = [true, true, true, true, true, false, false, false];
    let mut patched = Vec::new();
    for (((what, edit), path), in_place) in edits.iter().zip(changed).zip(in_place) {
        edit(root);
        assert!(project.recheck(&[path.to_string()]), "{what}");
        let shown = live.preview(&project, &[path.to_string()]).unwrap();
        assert_eq!(shown.is_some(), in_place, "{what}");
        let early: Vec<(String, Vec<u8>)> = shown
            .unwrap_or_default()
            .into_iter()
            .map(|file| {
                let bytes = live.files().get(&file).unwrap().to_vec();
                (file, bytes)
            })
            .collect();
        assert_eq!(early.len(), usize::from(in_place), "{what}");
        live.update(&project, &summary(&project), Some(&[path.to_string()]))
            .unwrap();
        // The page shown first is the page the update makes.
        for (file, bytes) in &early {
            assert_eq!(
                Some(bytes),
                files(&live).get(file),
                "after {what}, {file} shown first"
            );
        }
        patched.push(caught_up_is_whole(&mut live, root, what));
        // And the checks agree with a whole load.
        assert_eq!(project.diagnostics, load(root).diagnostics, "{what}");
    }
    // The index made with the site is kept: an entry edited in place rewrites only what it
    // changed, and one added, removed or published makes it whole again.
    assert_eq!(
        patched,
        [true, true, true, true, true, false, false, false],
        "{:?}",
        edits.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    // A page shown first, from an edit the update then never made (it failed, say): the entry
    // saved back as it was looks unchanged, yet its page must be made again.
    let path = "submissions/alpha/weiquan.md";
    let f = root.join(path);
    let kept = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, kept.replace("劳动争议调解进工段", "一次没有生效的修改")).unwrap();
    assert!(project.recheck(&[path.to_string()]));
    assert!(
        live.preview(&project, &[path.to_string()])
            .unwrap()
            .is_some()
    );
    std::fs::write(&f, &kept).unwrap();
    assert!(project.recheck(&[path.to_string()]));
    live.update(&project, &summary(&project), Some(&[path.to_string()]))
        .unwrap();
    caught_up_is_whole(&mut live, root, "an edit previewed, then saved back");
    // Two saves without a pause between them, in two units: the lists are caught up once, for
    // both. Updated without saying which entries changed, every entry is compared.
    for (path, from, to) in [
        (
            "submissions/alpha/weiquan.md",
            "劳动争议调解进工段",
            "劳动争议调解进车间",
        ),
        (
            "submissions/gamma/yuanqu.md",
            "园区工会联合会“一站式”服务",
            "园区一站式服务",
        ),
    ] {
        common::edit(&root.join(path), from, to);
        assert!(project.recheck(&[path.to_string()]));
        live.update(&project, &summary(&project), None).unwrap();
    }
    caught_up_is_whole(&mut live, root, "two saves without a pause");
    // An index made before an update is not served after it.
    let stale = live.search_job().run().unwrap();
    live.update(&project, &summary(&project), None).unwrap();
    assert!(!live.set_search(stale));
    // It was dropped: the next index is made whole, and kept.
    assert!(!caught_up_is_whole(
        &mut live,
        root,
        "a stale index dropped"
    ));
    // Changed files made from an index whose files were replaced meanwhile are not served.
    let older = live.search_job().run().unwrap();
    assert!(older.patched());
    let newer = live.search_job().run().unwrap();
    assert!(
        !newer.patched(),
        "the kept index was taken by the first job"
    );
    assert!(live.set_search(newer));
    assert!(
        !live.set_search(older),
        "its changes apply to files since replaced"
    );
    let f = root.join("submissions/alpha/weiquan.md");
    common::edit(&f, "劳动争议调解进车间", "劳动争议调解进车间一线");
    assert!(project.recheck(&["submissions/alpha/weiquan.md".to_string()]));
    live.update(&project, &summary(&project), None).unwrap();
    assert!(caught_up_is_whole(
        &mut live,
        root,
        "an edit after a whole index"
    ));
}

/// Every showcase page says how many entries there are: an entry added after the first page,
/// or removed from after it, changes the first page too.
#[test]
fn an_entry_added_or_removed_on_a_later_page_counts_on_the_first() {
    let dir = common::fixture("site");
    let root = dir.path();
    let source = std::fs::read_to_string(root.join("submissions/gamma/yuanqu.md")).unwrap();
    // Past the first showcase page (48 cards).
    for i in 0..60 {
        std::fs::write(
            root.join(format!("submissions/gamma/m{i:02}.md")),
            source.replace("园区工会联合会“一站式”服务", &format!("第{i}个示例项目")),
        )
        .unwrap();
    }
    let mut project = load(root);
    let mut live = Live::build(&project, &summary(&project), &options(), None).unwrap();
    let last = "submissions/gamma/zz-last.md";
    for (what, add) in [
        ("an entry added last", true),
        ("the last entry removed", false),
    ] {
        if add {
            std::fs::write(
                root.join(last),
                source.replace("园区工会联合会“一站式”服务", "排在最后的项目"),
            )
            .unwrap();
        } else {
            std::fs::remove_file(root.join(last)).unwrap();
        }
        assert!(project.recheck(&[last.to_string()]), "{what}");
        live.update(&project, &summary(&project), Some(&[last.to_string()]))
            .unwrap();
        caught_up_is_whole(&mut live, root, what);
    }
}

/// An entry come or gone beside a folder of its name changes what that folder's `.md` files
/// are (its attachments, or entries nothing reads): checked again alone, the folder would keep
/// its old verdict, so the campaign is read again instead, as serve does when told so.
#[test]
fn an_entry_named_like_a_folder_is_not_checked_again_alone() {
    let dir = common::fixture("site");
    let root = dir.path();
    let folder = root.join("submissions/gamma/2017");
    std::fs::create_dir_all(&folder).unwrap();
    let source = std::fs::read_to_string(root.join("submissions/gamma/yuanqu.md")).unwrap();
    std::fs::write(folder.join("an-nian-fen.md"), &source).unwrap();
    let mut project = load(root);
    let nested = |p: &project::Project| {
        p.diagnostics
            .iter()
            .any(|d| d.file == "submissions/gamma/2017/an-nian-fen.md")
    };
    assert!(nested(&project), "{:#?}", project.diagnostics);
    let entry = "submissions/gamma/2017.md";
    std::fs::write(
        root.join(entry),
        source.replace("园区工会联合会“一站式”服务", "二〇一七"),
    )
    .unwrap();
    assert!(
        !project.recheck(&[entry.to_string()]),
        "an entry beside its folder"
    );
    let project = load(root);
    assert!(!nested(&project), "{:#?}", project.diagnostics);
    // An entry edited in place beside its folder is checked again alone, as any.
    let mut project = project;
    common::edit(&root.join(entry), "二〇一七", "二〇一七年");
    assert!(project.recheck(&[entry.to_string()]));
}
