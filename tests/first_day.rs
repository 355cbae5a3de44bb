//! A new user's first day: `init`, then `new`, then `check`. The campaign `init` writes is
//! complete (a notice page among its pages), `new` leaves nothing `check` cannot explain (the
//! unit's card is stubbed beside the entry), and both say what to do next in the campaign's
//! language.

mod common;

use std::path::{Path, PathBuf};

use common::{Found, diagnostics, fixture, shenbao};

/// A fresh `shenbao init` campaign.
fn campaign() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao(dir.path(), &["init", "campaign"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = dir.path().join("campaign");
    (dir, root)
}

fn check(root: &Path) -> Vec<Found> {
    diagnostics(&shenbao(root, &["check", "--format", "json"]))
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

const CARD: &str = "submissions/example-union/unit.yaml";

#[test]
fn new_in_a_fresh_campaign_stubs_the_units_card_and_check_names_what_to_fill_in() {
    let (_dir, root) = campaign();
    let run = shenbao(&root, &["new", "example-union", "网上工会"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(written, ["submissions/example-union/entry-1.md", CARD]);

    let card = std::fs::read_to_string(root.join(CARD)).unwrap();
    let lines: Vec<&str> = card.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some((key, _)) = line.split_once(':').filter(|_| !line.starts_with('#')) {
            assert!(
                i > 0 && lines[i - 1].starts_with("# ") && has_chinese(lines[i - 1]),
                "`{key}` has no Chinese label:\n{card}"
            );
        }
    }

    // The card is no longer missing: what check says of it is what is left to fill in, at its line.
    let found = check(&root);
    assert!(
        !found.iter().any(|d| d.code == "unit-card-missing"),
        "{found:?}"
    );
    let on_card: Vec<(&str, u64)> = found
        .iter()
        .filter(|d| d.file == CARD && d.severity == "error")
        .map(|d| (d.code.as_str(), d.line))
        .collect();
    let leader = lines.iter().position(|l| *l == "leader:").unwrap() as u64 + 1;
    assert_eq!(on_card, [("unit-card-invalid", leader)]);

    // Filled in, the card has no error left.
    std::fs::write(
        root.join(CARD),
        card.replace("\nleader:\n", "\nleader: 张主席\n"),
    )
    .unwrap();
    let found = check(&root);
    assert!(
        !found
            .iter()
            .any(|d| d.file == CARD && d.severity == "error"),
        "{found:?}"
    );
}

#[test]
fn new_leaves_a_units_card_alone_even_a_dangling_link() {
    let dir = fixture("valid");
    let card = dir.path().join("submissions/alpha/unit.yaml");
    let before = std::fs::read(&card).unwrap();
    let run = shenbao(dir.path(), &["new", "alpha"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(std::fs::read(&card).unwrap(), before);

    let (_dir, root) = campaign();
    std::fs::create_dir_all(root.join("submissions/example-union")).unwrap();
    std::os::unix::fs::symlink("elsewhere.yaml", root.join(CARD)).unwrap();
    let run = shenbao(&root, &["new", "example-union"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(
        std::fs::read_link(root.join(CARD)).unwrap(),
        Path::new("elsewhere.yaml")
    );
    assert!(
        !root
            .join("submissions/example-union/elsewhere.yaml")
            .exists()
    );
}

#[test]
fn init_and_new_say_what_to_do_next_in_the_campaigns_language() {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao(dir.path(), &["init", "campaign"]);
    assert!(run.stderr.contains("下一步"), "{}", run.stderr);
    for step in [
        "campaign.yaml",
        "content/notice.md",
        "shenbao check",
        "shenbao new",
    ] {
        assert!(run.stderr.contains(step), "init does not mention {step}");
    }
    let root = dir.path().join("campaign");

    let run = shenbao(&root, &["new", "example-union"]);
    assert!(run.stderr.starts_with("下一步"), "{}", run.stderr);
    assert!(run.stderr.contains("submissions/example-union/entry-1.md"));
    assert!(run.stderr.contains(CARD) && run.stderr.contains("shenbao check"));
    // With the card already there, only the entry is to fill in.
    let run = shenbao(&root, &["new", "example-union"]);
    assert!(!run.stderr.contains("unit.yaml"), "{}", run.stderr);
    let run = shenbao(&root, &["--lang", "en", "new", "example-union"]);
    assert!(
        run.stderr.starts_with("Next:") && !has_chinese(&run.stderr),
        "{}",
        run.stderr
    );

    // An English campaign: the message and the card's labels in English.
    let config = root.join("campaign.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("language: zh-CN", "language: en")).unwrap();
    let run = shenbao(&root, &["new", "example-county"]);
    assert!(run.stderr.starts_with("Next:"), "{}", run.stderr);
    let card = std::fs::read_to_string(root.join("submissions/example-county/unit.yaml")).unwrap();
    let labels: Vec<&str> = card
        .lines()
        .filter(|l| l.starts_with('#'))
        .skip(1)
        .collect();
    assert!(
        !labels.is_empty() && labels.iter().all(|l| !has_chinese(l)),
        "{card}"
    );
}

#[test]
fn init_writes_a_notice_page_first_in_the_menu() {
    let (_dir, root) = campaign();
    let notice = std::fs::read_to_string(root.join("content/notice.md")).unwrap();
    assert!(notice.starts_with("---\n") && notice.contains("weight: 1"));
    let run = shenbao(&root, &["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(root.join("public/pages/notice/index.html").is_file());
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    let at = |href: &str| {
        home.find(&format!("pages/{href}/"))
            .unwrap_or_else(|| panic!("the menu has no {href}"))
    };
    assert!(at("notice") < at("guide") && at("guide") < at("about"));
}

#[test]
fn init_names_no_real_organisation() {
    let (_dir, root) = campaign();
    for (path, bytes) in common::snapshot_tree(&root) {
        let text = String::from_utf8(bytes).unwrap();
        for real in ["保定", "3100137", "bdszyjs"] {
            assert!(!text.contains(real), "{} names {real}", path.display());
        }
    }
}

#[test]
fn the_entry_stub_names_no_real_paper_and_its_example_left_as_is_is_flagged() {
    let (_dir, root) = campaign();
    let rel = shenbao(&root, &["new", "example-union"])
        .stdout
        .lines()
        .next()
        .unwrap()
        .to_string();
    let path = root.join(&rel);
    let stub = std::fs::read_to_string(&path).unwrap();
    for real in ["保定", "2017-09-12"] {
        assert!(!stub.contains(real), "the stub still names {real}");
    }
    // The recognition example, uncommented unchanged (its `#`s taken out, nothing else, as a
    // unit would): check points at its placeholder date.
    let example: Vec<&str> = stub
        .lines()
        .skip_while(|l| !l.starts_with("recognition:"))
        .skip(1)
        .take_while(|l| l.starts_with("#  "))
        .collect();
    assert!(example.len() >= 3, "{stub}");
    let mut uncommented = stub.clone();
    for line in &example {
        uncommented = uncommented.replace(&format!("{line}\n"), &format!("{}\n", &line[1..]));
    }
    std::fs::write(&path, &uncommented).unwrap();
    let date = uncommented
        .lines()
        .position(|l| l.trim_start().starts_with("date:"))
        .unwrap() as u64
        + 1;
    let found = diagnostics(&shenbao(&root, &["check", "--format", "json", &rel]));
    assert!(
        found
            .iter()
            .any(|d| d.code == "invalid-format" && d.line == date),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|d| d.code == "yaml-syntax" || d.code == "unknown-field"),
        "{found:?}"
    );
}

#[test]
fn init_with_lang_en_writes_an_english_campaign_that_new_check_and_schema_speak() {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao(dir.path(), &["--lang", "en", "init", "campaign"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("The campaign is created. Next:") && !has_chinese(&run.stderr),
        "{}",
        run.stderr
    );
    let root = dir.path().join("campaign");
    let config = std::fs::read_to_string(root.join("campaign.yaml")).unwrap();
    assert!(config.contains("\nlanguage: en\n"), "{config}");
    // Every file it writes, CI files and their scripts included, is in English.
    for (path, bytes) in common::snapshot_tree(&root) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!has_chinese(&text), "{} is not in English", path.display());
    }

    // The entry stub and the card, then what check says of them: English throughout.
    let run = shenbao(&root, &["new", "example-union", "Online union"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stub =
        std::fs::read_to_string(root.join("submissions/example-union/online-union.md")).unwrap();
    assert!(!has_chinese(&stub), "{stub}");
    assert!(
        stub.contains("# project title, required\ntitle: \"Online union\"\n"),
        "{stub}"
    );
    assert!(stub.contains("\n## Background\n"), "{stub}");
    let run = shenbao(&root, &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        !has_chinese(&run.stdout) && !has_chinese(&run.stderr),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("checked 1 entry of 1 unit: ") && !run.stdout.contains("(s)"),
        "{}",
        run.stdout
    );
    let found = check(&root);
    assert!(
        found.iter().all(|d| d.code != "campaign-invalid"),
        "{found:?}"
    );

    let schema = shenbao(&root, &["schema"]).json();
    assert_eq!(schema["properties"]["title"]["title"], "project title");
    // Its words (a phone's pattern still knows 转 and 分机, as check does).
    let schema_title = schema["title"].as_str().unwrap();
    assert!(!has_chinese(schema_title), "{schema_title}");
    for (key, field) in schema["properties"].as_object().unwrap() {
        for word in ["title", "description"] {
            let text = field[word].as_str().unwrap_or_default();
            assert!(!has_chinese(text), "{key}'s {word}: {text}");
        }
    }
}

#[test]
fn init_without_lang_writes_the_default_chinese_campaign_whatever_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::shenbao_env(
        dir.path(),
        &["init", "campaign"],
        &[("LANG", "en_US.UTF-8")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.starts_with("已创建征集活动"), "{}", run.stderr);
    let config = std::fs::read_to_string(dir.path().join("campaign/campaign.yaml")).unwrap();
    assert!(config.contains("\nlanguage: zh-CN\n"), "{config}");
}
