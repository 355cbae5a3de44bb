//! `shenbao check`: exit codes, output formats, languages, finding the campaign, never writing.

mod common;

use common::{diagnostics, fixture, shenbao, shenbao_env, snapshot_tree};

#[test]
fn the_sample_campaign_at_the_repository_root_passes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = shenbao(std::path::Path::new(root), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let summary = &run.json()["summary"];
    assert_eq!(summary["errors"], 0);
    assert!(summary["entries"].as_u64().unwrap() >= 25);
    assert!(summary["units"].as_u64().unwrap() >= 12);
}

#[test]
fn a_valid_campaign_exits_zero_with_warnings() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("quota-short"));
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = fixture("valid");
    assert_eq!(shenbao(dir.path(), &["check", "--deny-warnings"]).code, 1);
}

#[test]
fn final_makes_a_short_quota_an_error() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["check", "--final", "--format", "json"]);
    assert_eq!(run.code, 1);
    let quota = diagnostics(&run)
        .into_iter()
        .find(|d| d.code == "quota-short")
        .unwrap();
    assert_eq!(quota.severity, "error");
}

#[test]
fn errors_exit_one() {
    let dir = fixture("broken");
    assert_eq!(shenbao(dir.path(), &["check"]).code, 1);
}

#[test]
fn an_invalid_campaign_file_exits_two_with_its_position() {
    let dir = fixture("valid");
    let path = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("parent: alpha", "parent: nobody")).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    let d = &diagnostics(&run)[0];
    assert_eq!(
        (d.file.as_str(), d.line, d.code.as_str()),
        ("campaign.yaml", 20, "campaign-invalid")
    );
    assert_eq!(d.column, 55);
}

#[test]
fn broken_yaml_in_the_campaign_file_exits_two() {
    let dir = fixture("valid");
    std::fs::write(dir.path().join("campaign.yaml"), "title: [\n").unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("campaign.yaml"), "{}", run.stdout);
}

#[test]
fn outside_a_campaign_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a campaign"), "{}", run.stderr);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let dir = fixture("valid");
    assert_eq!(shenbao(dir.path(), &["check", "--frobnicate"]).code, 2);
}

#[test]
fn any_folder_inside_the_campaign_works_and_root_names_one() {
    let dir = fixture("valid");
    let inner = dir.path().join("submissions/alpha");
    assert_eq!(shenbao(&inner, &["check"]).code, 0);
    let elsewhere = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    assert_eq!(
        shenbao(elsewhere.path(), &["--root", root, "check"]).code,
        0
    );
}

#[test]
fn paths_limit_the_report_to_those_files() {
    let dir = fixture("broken");
    let run = shenbao(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "submissions/alpha/invalid-value.md",
        ],
    );
    let found = diagnostics(&run);
    assert!(
        found.iter().all(
            |d| d.file == "submissions/alpha/invalid-value.md" || d.file == "submissions/alpha"
        ),
        "{found:#?}"
    );
    assert!(found.iter().any(|d| d.code == "invalid-value"));
    assert_eq!(run.code, 1);
}

#[test]
fn check_never_modifies_the_campaign() {
    let dir = fixture("broken");
    let before = snapshot_tree(dir.path());
    for format in ["human", "json", "github", "sarif", "gitlab"] {
        shenbao(dir.path(), &["check", "--format", format]);
    }
    assert_eq!(before, snapshot_tree(dir.path()));
}

#[test]
fn the_same_campaign_gives_the_same_report() {
    let dir = fixture("broken");
    let a = shenbao(dir.path(), &["check", "--format", "json"]);
    let b = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn human_output_shows_the_line_with_a_caret_under_chinese_text() {
    let dir = fixture("broken");
    let run = shenbao(
        dir.path(),
        &[
            "check",
            "submissions/alpha/invalid-value.md",
            "submissions/alpha/too-long.md",
        ],
    );
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn english_messages_with_lang_en() {
    let dir = fixture("broken");
    let run = shenbao(
        dir.path(),
        &[
            "--lang",
            "en",
            "check",
            "submissions/alpha/invalid-value.md",
        ],
    );
    assert!(
        run.stdout
            .contains("`99` is not an allowed value of `category`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("expected one of `1 听党话跟党走`, `12 网上工会`"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_follows_the_contract() {
    let dir = fixture("broken");
    let run = shenbao(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "submissions/alpha/unknown-field.md",
        ],
    );
    let doc = run.json();
    let d = &doc["diagnostics"][0];
    for key in [
        "file", "line", "column", "severity", "code", "message", "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["help"], "是否应为 `title`？");
    for key in ["entries", "units", "errors", "warnings"] {
        assert!(doc["summary"][key].is_u64(), "summary.{key}");
    }
}

#[test]
fn github_format_puts_errors_first_escapes_and_writes_the_step_summary() {
    let dir = fixture("broken");
    let summary = dir.path().join("step-summary.md");
    let run = shenbao_env(
        dir.path(),
        &["check", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    let first_warning = lines
        .iter()
        .position(|l| l.starts_with("::warning"))
        .unwrap();
    let last_error = lines
        .iter()
        .rposition(|l| l.starts_with("::error"))
        .unwrap();
    assert!(last_error < first_warning);
    let line = lines
        .iter()
        .find(|l| l.contains("file=submissions/alpha/invalid-value.md"))
        .unwrap();
    assert!(line.starts_with("::error file=submissions/alpha/invalid-value.md,line=3,col=11,title=shenbao invalid-value::"), "{line}");
    // The help travels on an escaped second line.
    assert!(line.contains("%0A"), "{line}");
    let table = std::fs::read_to_string(summary).unwrap();
    assert!(
        table.contains(
            "| error | `submissions/alpha/invalid-value.md` | 3 | 11 | `invalid-value` |"
        ),
        "{table}"
    );
}

#[test]
fn sarif_is_version_2_1_0_with_locations() {
    let dir = fixture("broken");
    let doc = shenbao(dir.path(), &["check", "--format", "sarif"]).json();
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "invalid-value")
        .unwrap();
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(3), Some(11))
    );
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "invalid-value"
    );
}

#[test]
fn gitlab_fingerprints_are_unique() {
    let dir = fixture("broken");
    let doc = shenbao(dir.path(), &["check", "--format", "gitlab"]).json();
    let prints: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(prints.len(), unique.len());
    assert!(prints.len() > 20);
}

#[test]
fn crlf_and_a_bom_are_accepted() {
    let dir = fixture("valid");
    let path = dir.path().join("submissions/alpha/second-entry.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn drafts_are_checked_and_flagged() {
    let dir = fixture("valid");
    std::fs::write(
        dir.path().join("submissions/alpha/draft.md"),
        "---\ntitle: 草稿\ncategory: 99\ndraft: true\n---\n",
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let doc = run.json();
    let drafts: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "submissions/alpha/draft.md")
        .collect();
    assert!(drafts.iter().any(|d| d["code"] == "invalid-value"));
    assert!(drafts.iter().all(|d| d["draft"] == true));
}
