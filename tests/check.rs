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
    assert!(run.stdout.contains("campaign.yaml"), "{}", run.stdout); // An empty file, as an editor leaves one: said in the campaign's (default) language.
    std::fs::write(dir.path().join("campaign.yaml"), "").unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("内容是空的") && !run.stdout.contains("unexpected"),
        "{}",
        run.stdout
    );
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
    // The summary speaks the campaign's language, as the annotations do.
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(table.starts_with("## shenbao 检查\n"), "{table}");
    assert!(
        table.contains("| 级别 | 文件 | 行 | 列 | 代码 | 说明 |"),
        "{table}"
    );
    assert!(
        table
            .contains("| 错误 | `submissions/alpha/invalid-value.md` | 3 | 11 | `invalid-value` |"),
        "{table}"
    );
    std::fs::remove_file(&summary).unwrap();
    shenbao_env(
        dir.path(),
        &["--lang", "en", "check", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table.contains(
            "| error | `submissions/alpha/invalid-value.md` | 3 | 11 | `invalid-value` |"
        ) && !table.contains("(s)"),
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

/// The diagnostics of `check --format json` in `dir`, whole (message and help included).
fn json_diagnostics(dir: &std::path::Path, lang: &str) -> Vec<serde_json::Value> {
    let run = shenbao(dir, &["check", "--format", "json", "--lang", lang]);
    run.json()["diagnostics"].as_array().unwrap().clone()
}

fn of_file<'a>(all: &'a [serde_json::Value], file: &str) -> Vec<&'a serde_json::Value> {
    all.iter().filter(|d| d["file"] == file).collect()
}

/// A valid entry of the `valid` fixture, with `from` replaced by `to`.
fn entry_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/valid/submissions/alpha/second-entry.md"),
    )
    .unwrap();
    assert!(text.contains(from), "{from}");
    text.replace(from, to)
}

#[test]
fn a_misspelt_key_is_named_by_the_missing_field_at_its_place() {
    let dir = fixture("valid");
    let file = "submissions/alpha/misspelt.md";
    std::fs::write(
        dir.path().join(file),
        entry_with("category: \"1\"", "catgory: \"1\""),
    )
    .unwrap();
    for (lang, words) in [
        ("zh-CN", "`catgory` 是否拼错了？应为 `category`"),
        ("en", "is `catgory` a misspelling of `category`?"),
    ] {
        let all = json_diagnostics(dir.path(), lang);
        let here = of_file(&all, file);
        let codes: Vec<_> = here.iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["missing-field", "unknown-field"], "{here:#?}");
        // Both at the misspelt key (line 3), not the missing one at line 1.
        for d in &here {
            assert_eq!((&d["line"], &d["column"]), (&3.into(), &1.into()), "{d}");
        }
        let help = here[0]["help"].as_str().unwrap();
        assert!(help.contains(words), "{help}");
        // And what category may be.
        assert!(help.contains("`12 网上工会`"), "{help}");
    }
}

/// Slips of a clerk's keyboard are pointed at where they were made: a key typed with the
/// full-width colon of a Chinese keyboard (the first key too, which the YAML parser itself
/// reports on the next line), a key indented with a tab (which it reports on the line before),
/// an invisible character pasted into a quoted value (which it reports where the value begins,
/// asking for quotes), and, in a file of front matter alone without a final line end, the
/// closing fence.
#[test]
fn keyboard_slips_are_pointed_at_where_they_are() {
    let dir = fixture("valid");
    let cases = [
        (
            "colon-first.md",
            entry_with("title: 第二个项目", "title：第二个项目"),
            "yaml-syntax",
            (2, 6),
            "字段 `title` 后面是全角冒号“：”",
        ),
        (
            "colon-later.md",
            entry_with("contact: 李四", "contact： 李四"),
            "yaml-syntax",
            (4, 8),
            "字段 `contact` 后面是全角冒号“：”",
        ),
        (
            "tab.md",
            entry_with("contact: 李四", "\tcontact: 李四"),
            "yaml-syntax",
            (4, 1),
            "制表符（Tab）",
        ),
        (
            "pasted.md",
            entry_with("title: 第二个项目", "title: \"第二个项目\u{96}\""),
            "yaml-syntax",
            (2, 14),
            "含不可见的字符 U+0096",
        ),
        (
            "fence-only.md",
            entry_with("", "")
                .split_once("\n---\n")
                .map(|(front, _)| format!("{front}\n---"))
                .unwrap(),
            "missing-section",
            (8, 1),
            "缺少必需的章节",
        ),
    ];
    for (name, text, ..) in &cases {
        std::fs::write(dir.path().join("submissions/alpha").join(name), text).unwrap();
    }
    let all = json_diagnostics(dir.path(), "zh-CN");
    for (name, _, code, (line, column), words) in cases {
        let here = of_file(&all, &format!("submissions/alpha/{name}"));
        let d = here
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{name}: {here:#?}"));
        assert_eq!(
            (&d["line"], &d["column"]),
            (&line.into(), &column.into()),
            "{name}: {d}"
        );
        let message = d["message"].as_str().unwrap();
        assert!(message.contains(words), "{name}: {message}");
    }
}

/// A file named in another case than it has (`PHOTO.jpg` for `photo.jpg`) opens on Windows but
/// not on the published site: the help names the file that is there.
#[test]
fn an_attachment_named_in_another_case_is_pointed_at_the_file_that_is_there() {
    let dir = fixture("valid");
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("cover: photo.jpg", "cover: PHOTO.jpg")).unwrap();
    let all = json_diagnostics(dir.path(), "zh-CN");
    let here = of_file(&all, "submissions/alpha/good-entry.md");
    let missing = here
        .iter()
        .find(|d| d["code"] == "attachment-missing")
        .unwrap_or_else(|| panic!("{here:#?}"));
    let help = missing["help"].as_str().unwrap();
    assert!(help.contains("是否指 `photo.jpg`？"), "{help}");
}

/// A folder of a unit that submits through its parent is `wrong-channel`, and not also asked
/// for a card it must not have.
#[test]
fn a_subordinate_units_folder_is_one_problem_not_two() {
    let dir = fixture("valid");
    let folder = dir.path().join("submissions/child");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("own.md"), entry_with("", "")).unwrap();
    let all = json_diagnostics(dir.path(), "zh-CN");
    let codes: Vec<&str> = of_file(&all, "submissions/child")
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["wrong-channel"], "{all:#?}");
}

/// A heading typed so that Markdown reads text — no space after `##`, full-width `＃＃`, a
/// full-width or Word's no-break space, or a bold line — is pointed at where it was typed,
/// saying how a heading is written, not reported missing at the body's start.
#[test]
fn a_heading_markdown_does_not_read_is_pointed_at_where_it_was_typed() {
    let dir = fixture("valid");
    for (name, typed) in [
        ("no-space", "##一、背景"),
        ("full-width", "＃＃ 一、背景"),
        ("ideographic", "##\u{3000}一、背景"),
        ("word", "##\u{a0}一、背景"),
        ("bold", "**一、背景**"),
    ] {
        std::fs::write(
            dir.path().join(format!("submissions/alpha/{name}.md")),
            entry_with("## 一、背景", typed),
        )
        .unwrap();
    }
    let all = json_diagnostics(dir.path(), "zh-CN");
    for name in ["no-space", "full-width", "ideographic", "word", "bold"] {
        let here = of_file(&all, &format!("submissions/alpha/{name}.md"));
        let missing: Vec<_> = here
            .iter()
            .filter(|d| d["code"] == "missing-section")
            .collect();
        assert_eq!(missing.len(), 1, "{name}: {here:#?}");
        let d = missing[0];
        // The line of `## 一、背景` in the fixture.
        assert_eq!(
            (&d["line"], &d["column"]),
            (&10.into(), &1.into()),
            "{name}: {d}"
        );
        assert!(
            d["message"].as_str().unwrap().contains("不是标题"),
            "{name}: {d}"
        );
        assert!(
            d["help"]
                .as_str()
                .unwrap()
                .contains("二级标题写成 `## 背景`"),
            "{name}: {d}"
        );
    }
}

/// A required key of a list item left empty (`- file:`, `source:`), as a unit leaves the stub's
/// example half filled, is said missing once, where the item is: not also of the wrong type.
#[test]
fn a_required_item_key_left_empty_is_said_missing_once() {
    let dir = fixture("valid");
    let file = "submissions/alpha/half-filled.md";
    std::fs::write(
        dir.path().join(file),
        entry_with(
            "implementing_unit: 丙厂工会\n",
            "implementing_unit: 丙厂工会\nrecognition:\n  - kind: media\n    source:\nattachments:\n  - file:\n    title: 数据\n",
        ),
    )
    .unwrap();
    let all = json_diagnostics(dir.path(), "zh-CN");
    let found: Vec<(String, u64)> = of_file(&all, file)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("missing-field".to_string(), 9),
            ("missing-field".to_string(), 12)
        ],
        "{all:#?}"
    );
}

/// A required section written as a heading of another level (`# 背景`, `### 背景`) is pointed
/// at where it stands, naming its level, not reported missing at the body's start.
#[test]
fn a_section_heading_at_another_level_is_pointed_at_with_its_level() {
    let dir = fixture("valid");
    for (name, typed, level) in [
        ("one", "# 一、背景", "一级"),
        ("three", "### 一、背景", "三级"),
    ] {
        let file = format!("submissions/alpha/{name}.md");
        std::fs::write(dir.path().join(&file), entry_with("## 一、背景", typed)).unwrap();
        let all = json_diagnostics(dir.path(), "zh-CN");
        let here = of_file(&all, &file);
        let missing: Vec<_> = here
            .iter()
            .filter(|d| d["code"] == "missing-section")
            .collect();
        assert_eq!(missing.len(), 1, "{name}: {here:#?}");
        let d = missing[0];
        assert_eq!((&d["line"], &d["column"]), (&10.into(), &1.into()), "{d}");
        assert_eq!(
            d["message"],
            format!("`{typed}` 是{level}标题，必需的章节须用二级标题"),
            "{d}"
        );
        assert!(
            d["help"]
                .as_str()
                .unwrap()
                .contains("改成二级标题 `## 背景`"),
            "{d}"
        );
        std::fs::remove_file(dir.path().join(&file)).unwrap();
    }
}

/// A value written without quotes that holds ` #` loses what follows, which YAML reads as a
/// comment: a warning at the `#`, naming what was lost and how to keep it.
#[test]
fn a_value_cut_by_a_comment_says_what_it_lost() {
    let dir = fixture("valid");
    let file = "submissions/alpha/cut.md";
    std::fs::write(
        dir.path().join(file),
        entry_with("summary: 简介。", "summary: 本项目 #1 试点"),
    )
    .unwrap();
    let all = json_diagnostics(dir.path(), "zh-CN");
    let here = of_file(&all, file);
    let d = here
        .iter()
        .find(|d| d["code"] == "comment-in-value")
        .unwrap_or_else(|| panic!("{here:#?}"));
    assert_eq!(d["severity"], "warning");
    assert_eq!((&d["line"], &d["column"]), (&6.into(), &14.into()), "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("`#1 试点` 被当作注释"),
        "{d}"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("summary: \"本项目 #1 试点\""),
        "{d}"
    );
}

#[test]
fn a_missing_or_invalid_category_lists_the_valid_ones() {
    let dir = fixture("valid");
    let absent = "submissions/alpha/no-category.md";
    let wrong = "submissions/alpha/wrong-category.md";
    std::fs::write(dir.path().join(absent), entry_with("category: \"1\"\n", "")).unwrap();
    std::fs::write(
        dir.path().join(wrong),
        entry_with("category: \"1\"", "category: 网上"),
    )
    .unwrap();
    for lang in ["zh-CN", "en"] {
        let all = json_diagnostics(dir.path(), lang);
        for (file, code) in [(absent, "missing-field"), (wrong, "invalid-value")] {
            let d = of_file(&all, file)
                .into_iter()
                .find(|d| d["code"] == code)
                .unwrap_or_else(|| panic!("no {code} in {file}: {all:#?}"));
            let help = d["help"].as_str().unwrap_or_default();
            assert!(
                help.contains("`1 听党话跟党走`") && help.contains("`12 网上工会`"),
                "{lang} {code}: {help}"
            );
        }
    }
    // Full-width digits from a Chinese keyboard: the id they mean, in ASCII.
    std::fs::write(
        dir.path().join(wrong),
        entry_with("category: \"1\"", "category: １２"),
    )
    .unwrap();
    let all = json_diagnostics(dir.path(), "zh-CN");
    let d = of_file(&all, wrong)
        .into_iter()
        .find(|d| d["code"] == "invalid-value")
        .unwrap_or_else(|| panic!("{all:#?}"));
    let help = d["help"].as_str().unwrap_or_default();
    assert!(help.contains("`12`"), "{help}");
}

#[test]
fn missing_recommended_sections_are_one_warning_at_the_main_content() {
    let dir = fixture("valid");
    let campaign = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&campaign).unwrap();
    std::fs::write(
        &campaign,
        text.replace(
            "recommended: [创新性]",
            "recommended: [创新性, 示范性, 实效性, 科学性]",
        ),
    )
    .unwrap();
    let file = "submissions/alpha/second-entry.md";
    let main_content = std::fs::read_to_string(dir.path().join(file))
        .unwrap()
        .lines()
        .position(|l| l == "## 二、主要内容")
        .unwrap() as u64
        + 1;
    for (lang, words) in [
        ("zh-CN", "建议写明“示范性”“实效性”“科学性”"),
        (
            "en",
            "the recommended sections “示范性”, “实效性”, “科学性”",
        ),
    ] {
        let all = json_diagnostics(dir.path(), lang);
        let warned: Vec<_> = of_file(&all, file)
            .into_iter()
            .filter(|d| d["code"] == "recommended-section")
            .collect();
        assert_eq!(warned.len(), 1, "{warned:#?}");
        assert_eq!(warned[0]["line"], main_content, "{}", warned[0]);
        let message = warned[0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{message}");
        assert!(!message.contains("创新性"), "it has 创新性: {message}");
    }
}

#[test]
fn a_unit_card_says_the_phone_format_and_the_key_it_meant() {
    let dir = fixture("valid");
    let card = "submissions/alpha/unit.yaml";
    std::fs::write(
        dir.path().join(card),
        "leader: 李四\nresponsible: 王五\nresponsible_phone: 12345\nroster_signed: signed.jpg\nleadr_note: x\nzzz: 1\n",
    )
    .unwrap();
    for (lang, phone, meant, keys) in [
        ("zh-CN", "0312-1234567", "是否应为 `leader`？", "可选值："),
        (
            "en",
            "0312-1234567",
            "did you mean `leader`?",
            "expected one of",
        ),
    ] {
        let all = json_diagnostics(dir.path(), lang);
        let here = of_file(&all, card);
        let help = |line: u64| {
            here.iter()
                .find(|d| d["line"] == line)
                .and_then(|d| d["help"].as_str())
                .unwrap_or_else(|| panic!("no help at line {line}: {here:#?}"))
        };
        assert!(help(3).contains(phone), "{lang}: {}", help(3));
        assert!(help(5).contains(meant), "{lang}: {}", help(5));
        assert!(help(6).contains(keys) && help(6).contains("`responsible_phone`"));
    }
}

#[test]
fn a_signed_roster_that_is_not_there_is_one_diagnostic() {
    let dir = fixture("valid");
    let card = "submissions/alpha/unit.yaml";
    let text = std::fs::read_to_string(dir.path().join(card)).unwrap();
    std::fs::write(
        dir.path().join(card),
        text.replace("signed.jpg", "nosuch.jpg"),
    )
    .unwrap();
    let all = json_diagnostics(dir.path(), "zh-CN");
    let here = of_file(&all, card);
    let codes: Vec<_> = here.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["unit-card-invalid"], "{here:#?}");
    assert!(here[0]["message"].as_str().unwrap().contains("nosuch.jpg"));
}

#[test]
fn a_failed_build_and_check_end_with_the_errors_and_their_count() {
    let dir = fixture("broken");
    for command in ["build", "check"] {
        let run = shenbao(dir.path(), &[command]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let first_error = run.stdout.find("error[").expect("an error");
        let last_warning = run.stdout.rfind("warning[").expect("a warning");
        assert!(
            last_warning < first_error,
            "{command}: a warning after the first error:\n{}",
            run.stdout
        );
        let last = run.stdout.trim_end().lines().last().unwrap();
        assert!(last.contains("错误") && last.contains("警告"), "{last}");
    }
    let run = shenbao(dir.path(), &["build"]);
    let errors = run.stdout.matches("error[").count();
    assert!(
        run.stderr
            .contains(&format!("有 {errors} 个错误，未生成网站")),
        "{}",
        run.stderr
    );
}

#[test]
fn an_invalid_campaign_file_is_reported_in_its_own_language() {
    let dir = fixture("valid");
    let path = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = format!("{text}deadline_typo: 1\n");
    std::fs::write(&path, &broken).unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("结构有误：未知字段 `deadline_typo`"),
        "{}",
        run.stdout
    );
    std::fs::write(&path, broken.replace("language: zh-CN", "language: en")).unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("campaign.yaml is malformed: unknown field `deadline_typo`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("campaign.yaml has 1 error"),
        "{}",
        run.stdout
    );
    // A file saved in GBK, or naming a language shenbao does not know, is answered in the
    // default language, Chinese, and not in the machine's locale (the tests' is English).
    let gbk = [b"# \xb1\xa3\xb6\xa8\n", text.as_bytes()].concat();
    std::fs::write(&path, gbk).unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("文件不是 UTF-8 编码"), "{}", run.stdout);
    std::fs::write(&path, text.replace("language: zh-CN", "language: fr")).unwrap();
    let run = shenbao(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("campaign.yaml 有 1 个错误"),
        "{}",
        run.stdout
    );
}

/// A file in a unit's folder that nothing reads — an entry saved by Notepad as `.md.txt`, with
/// an upper-case `.MD`, or sent as a Word file — is pointed out, with how to mend it; the
/// card's signed roster, pictures and PDFs (perhaps more of it), hidden files and the systems'
/// own files are not. A warning: the campaign still passes.
#[test]
fn files_in_a_unit_folder_that_are_not_entries_are_pointed_out() {
    let dir = fixture("valid");
    let alpha = dir.path().join("submissions/alpha");
    // A picture or a PDF may be the signed roster (not yet named, or a second page): not flagged.
    for name in [
        "项目.md.txt",
        "upper.MD",
        "申报表.docx",
        "data.csv",
        "第二页.jpg",
        "汇总表.pdf",
        "Thumbs.db",
        ".hidden",
    ] {
        std::fs::write(alpha.join(name), "x").unwrap();
    }
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let all = json_diagnostics(dir.path(), "zh-CN");
    let mut found: Vec<(String, String)> = all
        .iter()
        .filter(|d| d["code"] == "not-an-entry")
        .map(|d| {
            assert_eq!(d["severity"], "warning");
            (
                d["file"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let expected = [
        (
            "submissions/alpha/data.csv",
            "submissions/alpha/<项目文件名>/",
        ),
        ("submissions/alpha/upper.MD", "把扩展名改成小写：upper.md"),
        (
            "submissions/alpha/申报表.docx",
            "`shenbao new alpha` 可生成模板",
        ),
        ("submissions/alpha/项目.md.txt", "改名为 项目.md"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((file, help), (want_file, want_help)) in found.iter().zip(expected) {
        assert_eq!(file, want_file);
        assert!(help.contains(want_help), "{file}: {help}");
    }
    let en = json_diagnostics(dir.path(), "en");
    let message = en
        .iter()
        .find(|d| d["file"] == "submissions/alpha/项目.md.txt")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("is not an entry"), "{message}");
}

/// An entry put beside the unit folders, or in a subfolder of its unit's that is no entry's
/// own (a unit sorting its entries by year), is read by nothing: said, so that a unit does not
/// believe it submitted. The README `shenbao init` writes there, and `.md` attachments in an
/// entry's own folder, are left alone.
#[test]
fn an_entry_put_outside_its_units_folder_is_pointed_out() {
    let dir = fixture("valid");
    let submissions = dir.path().join("submissions");
    let entry = std::fs::read_to_string(submissions.join("alpha/good-entry.md")).unwrap();
    std::fs::create_dir_all(submissions.join("alpha/2017")).unwrap();
    std::fs::create_dir_all(submissions.join("alpha/good-entry")).unwrap();
    for (rel, text) in [
        ("放错位置.md", entry.as_str()),
        ("README.md", "# 申报文件夹说明"),
        ("alpha/2017/按年份.md", entry.as_str()),
        ("alpha/2017/照片.jpg", "x"),
        ("alpha/good-entry/说明.md", "附件"),
    ] {
        std::fs::write(submissions.join(rel), text).unwrap();
    }
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let found: Vec<(String, String, String)> = json_diagnostics(dir.path(), "zh-CN")
        .iter()
        .filter(|d| d["code"] == "not-an-entry")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    let (file, message, help) = &found[0];
    assert_eq!(file, "submissions/alpha/2017/按年份.md");
    assert!(message.contains("在子文件夹中"), "{message}");
    assert!(help.contains("submissions/alpha/按年份.md"), "{help}");
    let (file, message, help) = &found[1];
    assert_eq!(file, "submissions/放错位置.md");
    assert!(message.contains("不在任何单位的文件夹中"), "{message}");
    assert!(help.contains("submissions/<单位>/放错位置.md"), "{help}");
    // Checking the file alone, as a unit would, says so too.
    let run = shenbao(dir.path(), &["check", "submissions/放错位置.md"]);
    assert!(
        run.stdout.contains("不在任何单位的文件夹中"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_campaigns_own_field_is_named_by_its_label() {
    let dir = fixture("valid");
    let entry = dir.path().join("submissions/alpha/good-entry.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(
        &entry,
        text.replace("investment: 12.5", "investment: 很多 #约十万"),
    )
    .unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json"]);
    let messages: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "submissions/alpha/good-entry.md")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m == "投入经费（万元）（`investment`）应为数字"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("投入经费（万元）（`investment`）在 ` #` 处被截断")),
        "{messages:?}"
    );
    // The human report and the English one say it too.
    let human = shenbao(dir.path(), &["check"]);
    assert!(
        human
            .stdout
            .contains("投入经费（万元）（`investment`）应为数字")
    );
    let en = shenbao(dir.path(), &["--lang", "en", "check"]);
    assert!(
        en.stdout
            .contains("`investment` (投入经费（万元）) must be a number"),
        "{}",
        en.stdout
    );
}
