//! `new`, `schema`, `status`, `roster` and `init` on real campaigns in temporary folders.

mod common;

use common::{diagnostics, fixture, shenbao, shenbao_env};

#[test]
fn new_writes_a_stub_with_every_field_and_section() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["new", "alpha", "网上工会建设"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rel = run.stdout.trim();
    assert_eq!(rel, "submissions/alpha/entry-1.md");
    let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
    for key in [
        "title:",
        "category:",
        "contact:",
        "phone:",
        "summary:",
        "started:",
        "implementing_unit:",
        "recognition:",
        "cover:",
        "attachments:",
        "draft:",
        "investment:",
    ] {
        assert!(
            text.contains(&format!("\n{key}")),
            "stub lacks {key}:\n{text}"
        );
    }
    for section in ["## 背景", "## 主要内容", "## 实施情况", "## 取得的效果"] {
        assert!(text.contains(section), "stub lacks {section}");
    }
    assert!(text.contains("# 联系电话，必填"));
    assert!(text.contains("title: \"网上工会建设\""));
    // The stub parses; what is left to fill in is reported on the stub itself.
    let check = shenbao(dir.path(), &["check", "--format", "json", rel]);
    let codes: Vec<String> = diagnostics(&check).into_iter().map(|d| d.code).collect();
    assert!(codes.contains(&"missing-field".to_string()), "{codes:?}");
    assert!(codes.contains(&"empty-section".to_string()), "{codes:?}");
    assert!(
        !codes
            .iter()
            .any(|c| c == "yaml-syntax" || c == "unknown-field"),
        "{codes:?}"
    );
}

#[test]
fn new_never_overwrites_and_picks_the_next_free_name() {
    let dir = fixture("valid");
    assert_eq!(
        shenbao(dir.path(), &["new", "alpha"]).stdout.trim(),
        "submissions/alpha/entry-1.md"
    );
    assert_eq!(
        shenbao(dir.path(), &["new", "alpha"]).stdout.trim(),
        "submissions/alpha/entry-2.md"
    );
    let before = std::fs::read(dir.path().join("submissions/alpha/good-entry.md")).unwrap();
    let run = shenbao(dir.path(), &["new", "alpha", "--slug", "good-entry"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("已经存在"), "{}", run.stderr);
    assert_eq!(
        before,
        std::fs::read(dir.path().join("submissions/alpha/good-entry.md")).unwrap()
    );
}

#[test]
fn new_uses_ascii_words_of_the_title_for_the_file_name() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["new", "alpha", "职工 App 2.0"]);
    assert_eq!(run.stdout.trim(), "submissions/alpha/app-2-0.md");
}

#[test]
fn new_refuses_unknown_units_and_subordinates() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["new", "alph"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("是否应为 `alpha`？"), "{}", run.stderr);
    let run = shenbao(dir.path(), &["new", "child"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("shenbao new alpha"), "{}", run.stderr);
}

#[test]
fn schema_is_json_schema_2020_12_of_the_campaign() {
    let dir = fixture("valid");
    let doc = shenbao(dir.path(), &["schema"]).json();
    assert_eq!(
        doc["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let required: Vec<&str> = doc["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        ["title", "category", "contact", "phone", "summary"]
    );
    assert_eq!(doc["properties"]["title"]["maxLength"], 60);
    assert_eq!(
        doc["properties"]["category"]["enum"],
        serde_json::json!(["1", 1, "12", 12])
    );
    // Optional: left empty, as check reads it, or a number.
    assert_eq!(
        doc["properties"]["investment"]["anyOf"][1]["type"],
        "number"
    );
    assert_eq!(doc["additionalProperties"], false);
}

#[test]
fn status_json_lists_every_unit_nothing_first() {
    let dir = fixture("valid");
    let doc = shenbao(dir.path(), &["status", "--format", "json"]).json();
    let units = doc["units"].as_array().unwrap();
    let ids: Vec<&str> = units.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["beta", "alpha", "child"]);
    let alpha = &units[1];
    assert_eq!(alpha["type"], "county");
    assert_eq!(alpha["minimum"], 2);
    assert_eq!(alpha["entries"], 2);
    assert_eq!(alpha["late"], 0);
    assert_eq!(alpha["roster_signed"], true);
    assert_eq!(alpha["state"], "met");
    assert_eq!(units[0]["state"], "none");
    // A subordinate counts its parent's entries that name it as implementing unit.
    assert_eq!(units[2]["entries"], 1);
    assert_eq!(units[2]["minimum"], 0);
}

/// One definition of who is expected to submit: a unit with a parent submits through it. `status`
/// asks nothing of it (no minimum, no signed roster, not among those behind), and the units it
/// finds behind are exactly those `check --final` finds short.
#[test]
fn status_and_check_agree_on_who_must_submit() {
    let dir = fixture("valid");
    // A second subordinate, with nothing forwarded for it, and the signed scan gone.
    let campaign = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&campaign).unwrap();
    std::fs::write(
        &campaign,
        text.replace(
            "  - {id: child, name: 丙厂工会, type: grassroots, parent: alpha}\n",
            "  - {id: child, name: 丙厂工会, type: grassroots, parent: alpha}\n  - {id: idle, name: 丁厂工会, type: grassroots, parent: alpha}\n",
        ),
    )
    .unwrap();
    let doc = shenbao(dir.path(), &["status", "--format", "json"]).json();
    let units = doc["units"].as_array().unwrap();
    let unit = |id: &str| units.iter().find(|u| u["id"] == id).unwrap().clone();
    for id in ["child", "idle"] {
        let u = unit(id);
        assert_eq!(u["parent"], "alpha", "{u}");
        assert_eq!(u["minimum"], 0, "{u}");
        assert_eq!(u["state"], "met", "nothing is owed: {u}");
        assert_eq!(u["roster_signed"], false, "{u}");
    }
    assert_eq!(unit("child")["entries"], 1);
    assert_eq!(unit("idle")["entries"], 0);
    assert_eq!(unit("alpha")["parent"], serde_json::Value::Null);

    let behind: Vec<&str> = units
        .iter()
        .filter(|u| u["state"] != "met")
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    let run = shenbao(dir.path(), &["check", "--final", "--format", "json"]);
    let short: Vec<String> = diagnostics(&run)
        .into_iter()
        .filter(|d| d.code == "quota-short")
        .map(|d| d.file.trim_start_matches("submissions/").to_string())
        .collect();
    assert_eq!(behind, short);
    assert_eq!(behind, ["beta"]);

    let table = shenbao(dir.path(), &["status"]).stdout;
    assert!(
        table.contains(
            "共 2 个单位应申报：已达数 1，未达数 0，未申报 1；另有 2 个单位经上级工会申报"
        ),
        "{table}"
    );
    let idle = table.lines().find(|l| l.contains("(idle)")).unwrap();
    assert!(
        idle.contains("无需") && idle.contains("经上级工会申报") && !idle.contains("未上传"),
        "{idle}"
    );
}

#[test]
fn status_table_shows_the_deadline_and_each_unit() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["status"]);
    assert_eq!(run.code, 0);
    // As people write it, in the campaign's time zone.
    assert!(
        run.stdout
            .contains("截止时间：2017年12月6日 23:59（已截止）"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("2017-12-06T23:59:59+08:00"));
    assert!(run.stdout.contains("甲区总工会 (alpha)"));
    assert!(run.stdout.contains("未申报"));
}

#[test]
fn roster_json_numbers_entries_across_the_roster() {
    let dir = fixture("valid");
    let doc = shenbao(dir.path(), &["roster", "--format", "json"]).json();
    let unit = &doc["units"][0];
    assert_eq!(unit["id"], "alpha");
    assert_eq!(unit["name"], "甲区总工会");
    let entries = unit["entries"].as_array().unwrap();
    assert_eq!(entries[0]["no"], 1);
    assert_eq!(entries[1]["no"], 2);
    assert_eq!(entries[0]["id"], "alpha/good-entry");
    assert_eq!(entries[0]["title"], "打造“指尖上的工会”网上服务平台");
    assert_eq!(entries[0]["category"], "12");
    assert_eq!(entries[0]["phone"], "3100137");
    assert_eq!(entries[1]["implementing_unit"], "丙厂工会");
}

#[test]
fn roster_csv_has_a_bom_for_excel() {
    let dir = fixture("valid");
    let out = dir.path().join("roster.csv");
    let run = shenbao(
        dir.path(),
        &["roster", "--format", "csv", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(out).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"));
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "序号,申报单位,项目名称,申报范围,联系人,联系电话,实施单位"
    );
    assert_eq!(
        lines[1],
        "1,甲区总工会,打造“指尖上的工会”网上服务平台,12. 网上工会,张三,\"=\"\"3100137\"\"\","
    );
}

#[test]
fn roster_for_one_unit() {
    let dir = fixture("valid");
    let doc = shenbao(
        dir.path(),
        &["roster", "--format", "json", "--unit", "beta"],
    )
    .json();
    assert_eq!(doc["units"].as_array().unwrap().len(), 0);
    assert_eq!(shenbao(dir.path(), &["roster", "--unit", "nobody"]).code, 2);
}

/// One numbering: a unit's roster (`--unit`) is its own 申报汇总表, numbered from 1 in CSV, JSON,
/// XLSX and on the printed sheet alike, as on the site's sheet; the whole roster numbers all
/// entries from 1.
#[test]
fn roster_for_one_unit_numbers_from_1_in_every_format() {
    let dir = fixture("site");
    let roster = |args: &[&str]| {
        let mut all = vec!["roster"];
        all.extend_from_slice(args);
        let run = shenbao(dir.path(), &all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let numbers = |unit: &serde_json::Value| -> Vec<(u64, String)> {
        unit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["no"].as_u64().unwrap(), e["id"].as_str().unwrap().into()))
            .collect()
    };
    let whole: serde_json::Value = serde_json::from_str(&roster(&["--format", "json"])).unwrap();
    let in_whole = whole["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "beta")
        .unwrap();
    let across = numbers(in_whole);
    assert!(across[0].0 > 1, "beta comes after alpha: {across:?}");

    let beta: serde_json::Value =
        serde_json::from_str(&roster(&["--format", "json", "--unit", "beta"])).unwrap();
    let units = beta["units"].as_array().unwrap();
    assert_eq!(units.len(), 1);
    let alone = numbers(&units[0]);
    let expected: Vec<u64> = (1..=across.len() as u64).collect();
    assert_eq!(alone.iter().map(|r| r.0).collect::<Vec<_>>(), expected);
    assert_eq!(
        alone.iter().map(|r| &r.1).collect::<Vec<_>>(),
        across.iter().map(|r| &r.1).collect::<Vec<_>>(),
        "the same rows in the same order"
    );

    let csv = roster(&["--format", "csv", "--unit", "beta"]);
    let csv_numbers: Vec<u64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(csv_numbers, expected, "{csv}");

    let xlsx = dir.path().join("beta.xlsx");
    roster(&[
        "--format",
        "xlsx",
        "--unit",
        "beta",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(xlsx_numbers(&xlsx), expected);

    // The sheet the unit signs, printed alone and on the site.
    let sheet_numbers = |html: &str| -> Vec<u64> {
        html.split(r#"<td class="num">"#)
            .skip(1)
            .map(|c| c.split('<').next().unwrap().parse().unwrap())
            .collect()
    };
    let printed = roster(&["--format", "html", "--unit", "beta"]);
    assert_eq!(sheet_numbers(&printed), expected);
    // A file alone: nothing in it points at a site that is not there.
    for gone in ["site.js", "roster/\"", "data-print", "favicon"] {
        assert!(!printed.contains(gone), "{gone}: {printed}");
    }
    assert!(!printed.contains("尚无已提交的项目"));
    let out = dir.path().join("out");
    shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    let site = std::fs::read_to_string(out.join("roster/beta/index.html")).unwrap();
    assert_eq!(sheet_numbers(&site), expected);

    // A slip of --out onto a file of another kind does not overwrite it.
    let campaign = std::fs::read(dir.path().join("campaign.yaml")).unwrap();
    let run = shenbao(dir.path(), &["roster", "--out", "campaign.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("不是 .csv 文件：没有覆盖它"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(dir.path().join("campaign.yaml")).unwrap(),
        campaign
    );
}

/// A unit that submits through its parent has no roster of its own: asking for one says where
/// its projects are, rather than printing an empty sheet.
#[test]
fn a_subordinate_units_roster_points_at_its_parents() {
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["roster", "--unit", "child"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("通过 `alpha`（甲区总工会）申报，没有自己的汇总表")
            && run.stderr.contains("shenbao roster --unit alpha"),
        "{}",
        run.stderr
    );
}

/// The numbers of an XLSX roster's first column (序号), from its first sheet.
fn xlsx_numbers(path: &std::path::Path) -> Vec<u64> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // Numeric cells of column A: `<c r="A2" s="3"><v>1</v></c>` (text cells have t="s").
    xml.split("<c r=\"A")
        .skip(1)
        .filter_map(|cell| {
            let head = &cell[..cell.find('>')?];
            if head.contains("t=") {
                return None;
            }
            let value = cell.split("<v>").nth(1)?.split('<').next()?;
            value.parse().ok()
        })
        .collect()
}

/// The roster a command writes and the one the site offers for download are the same file.
#[test]
fn roster_exports_are_the_builds_byte_for_byte() {
    let dir = fixture("site");
    let out = dir.path().join("out");
    let run = shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for format in ["csv", "json", "xlsx"] {
        let file = dir.path().join(format!("roster-command.{format}"));
        let run = shenbao(
            dir.path(),
            &[
                "roster",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let command = std::fs::read(&file).unwrap();
        let built = std::fs::read(out.join(format!("roster.{format}"))).unwrap();
        assert!(!command.is_empty());
        assert!(command == built, "roster.{format} differs from the build's");
    }
}

/// The terminal's status table and the site's status page call each column by one name.
#[test]
fn status_names_its_columns_as_the_site_does() {
    let dir = fixture("site");
    let out = dir.path().join("out");
    assert_eq!(
        shenbao(dir.path(), &["build", "--out", out.to_str().unwrap()]).code,
        0
    );
    let page = std::fs::read_to_string(out.join("status/index.html")).unwrap();
    for (lang, heads) in [
        (
            "zh-CN",
            [
                "申报单位",
                "单位类别",
                "应报数",
                "已报数",
                "逾期",
                "汇总表签章",
                "状态",
            ],
        ),
        (
            "en",
            [
                "Unit",
                "Unit type",
                "Minimum",
                "Submitted",
                "Late",
                "Signed roster",
                "State",
            ],
        ),
    ] {
        let table = shenbao(dir.path(), &["--lang", lang, "status"]).stdout;
        let head = table
            .lines()
            .find(|l| l.starts_with(heads[0]))
            .unwrap_or_else(|| panic!("no header row:\n{table}"));
        let found: Vec<&str> = head
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(found, heads);
        if lang == "zh-CN" {
            for h in heads {
                assert!(
                    page.contains(&format!(">{h}<")),
                    "the status page has no `{h}`"
                );
            }
        }
    }
}

#[test]
fn init_makes_a_campaign_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao(dir.path(), &["init", "new-campaign"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = dir.path().join("new-campaign");
    for file in [
        "campaign.yaml",
        "content/about.md",
        ".github/workflows/shenbao.yml",
        ".gitlab-ci.yml",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    assert_eq!(shenbao(&root, &["check"]).code, 0);
    // A second init changes nothing.
    let before = common::snapshot_tree(&root);
    assert_eq!(shenbao(dir.path(), &["init", "new-campaign"]).code, 2);
    assert_eq!(before, common::snapshot_tree(&root));
}

#[test]
fn a_new_entry_filled_in_passes() {
    let dir = fixture("valid");
    let rel = shenbao(dir.path(), &["new", "alpha", "填好的项目"])
        .stdout
        .trim()
        .to_string();
    let path = dir.path().join(&rel);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\ncategory:\n", "\ncategory: 12\n")
        .replace("\ncontact:\n", "\ncontact: 张三\n")
        .replace("\nphone:\n", "\nphone: 13912345678\n")
        .replace("\nsummary:\n", "\nsummary: 简介。\n")
        .replace("## 背景\n", "## 背景\n\n文字。\n")
        .replace("## 主要内容\n", "## 主要内容\n\n### 创新性\n\n文字。\n")
        .replace("## 实施情况\n", "## 实施情况\n\n文字。\n")
        .replace("## 取得的效果\n", "## 取得的效果\n\n文字。\n");
    std::fs::write(&path, text).unwrap();
    let run = shenbao(dir.path(), &["check", "--format", "json", &rel]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(diagnostics(&run), []);
}

/// What a spreadsheet makes of the exports: phone numbers stay text (a mobile number is not
/// 1.39E+10, a leading 0 is kept), the category reads as on the site, the workbook has its title.
#[test]
fn exports_keep_phones_as_text_write_categories_as_the_site_does_and_title_the_workbook() {
    use std::io::Read;
    let dir = fixture("valid");
    let run = shenbao(dir.path(), &["roster", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains("网上服务平台"))
        .unwrap()
        .to_string();
    assert!(row.contains(",\"=\"\"3100137\"\"\","), "{row}");
    assert!(row.contains(",12. 网上工会,"), "{row}");
    let other = run
        .stdout
        .lines()
        .find(|l| l.contains("第二个项目"))
        .unwrap();
    assert!(other.contains(",0312-1234567,"), "{other}");

    let out = dir.path().join("r.xlsx");
    let run = shenbao(
        dir.path(),
        &["roster", "--format", "xlsx", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let strings = read("xl/sharedStrings.xml");
    let sheet = read("xl/worksheets/sheet1.xml");
    assert!(strings.contains("测试创新奖申报汇总表"), "{strings}");
    assert!(strings.contains("12. 网上工会"), "{strings}");
    assert!(sheet.contains("<mergeCell ref=\"A1:G1\"/>"), "{sheet}");

    // In English: the CSV's head, the workbook's sheet, title and head.
    let run = shenbao(dir.path(), &["--lang", "en", "roster", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("\u{feff}No.,Unit,Title,Category,Contact,Phone,Implementing unit\r\n"),
        "{}",
        run.stdout
    );
    let run = shenbao(
        dir.path(),
        &[
            "--lang",
            "en",
            "roster",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let strings = read("xl/sharedStrings.xml");
    let book = read("xl/workbook.xml");
    assert!(
        strings.contains(" Summary roster<") && strings.contains("Implementing unit"),
        "{strings}"
    );
    assert!(
        !strings.contains("序号") && !strings.contains("申报汇总表"),
        "{strings}"
    );
    assert!(book.contains("name=\"Summary roster\""), "{book}");
}

/// `--root` is where to start looking, as the current folder is: a folder inside the campaign
/// finds the campaign.yaml above it.
#[test]
fn root_inside_the_campaign_finds_the_campaign_above_it() {
    let dir = fixture("valid");
    let outside = tempfile::tempdir().unwrap();
    let inside = dir.path().join("submissions");
    let run = shenbao(
        outside.path(),
        &[
            "--root",
            inside.to_str().unwrap(),
            "status",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"alpha\""), "{}", run.stdout);
    let run = shenbao(
        outside.path(),
        &["--root", outside.path().to_str().unwrap(), "check"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("campaign.yaml"), "{}", run.stderr);
}

/// The `valid` fixture in English (`language: en`).
fn english_fixture() -> tempfile::TempDir {
    let dir = fixture("valid");
    let path = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("language: zh-CN", "language: en")).unwrap();
    dir
}

/// Words of clap's English that a Chinese help must not show.
const CLAP_ENGLISH: &[&str] = &[
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Print help",
    "Print version",
    "[default:",
    "Possible values",
    "possible values",
    "[OPTIONS]",
];

#[test]
fn every_help_is_in_the_campaigns_language() {
    let zh = fixture("valid");
    let en = english_fixture();
    let commands: &[&[&str]] = &[
        &[],
        &["check"],
        &["build"],
        &["serve"],
        &["new"],
        &["schema"],
        &["status"],
        &["roster"],
        &["init"],
        &["portal"],
        &["portal", "invite"],
        &["remind"],
        &["codeowners"],
    ];
    for command in commands {
        let args: Vec<&str> = command.iter().copied().chain(["--help"]).collect();
        let run = shenbao(zh.path(), &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.contains("用法：shenbao"),
            "{args:?}:\n{}",
            run.stdout
        );
        assert!(run.stdout.contains("显示帮助"), "{args:?}:\n{}", run.stdout);
        assert!(
            run.stdout.contains("选项：\n")
                && !run.stdout.contains("选项:")
                && !run.stdout.contains("命令:"),
            "{args:?}: headings end with a full-width colon:\n{}",
            run.stdout
        );
        for english in CLAP_ENGLISH {
            assert!(
                !run.stdout.contains(english),
                "{args:?} says {english}:\n{}",
                run.stdout
            );
        }
        // Every line that describes something says it in Chinese.
        for line in run.stdout.lines().filter(|l| l.starts_with("  ")) {
            assert!(
                line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{args:?}: an English line: {line}"
            );
        }
        let run = shenbao(en.path(), &args);
        assert!(
            run.stdout.contains("Usage: shenbao"),
            "{args:?}:\n{}",
            run.stdout
        );
        assert!(!run.stdout.contains("用法"), "{args:?}:\n{}", run.stdout);
    }
    // `--lang` overrides the campaign, as it does for messages.
    let run = shenbao(zh.path(), &["--lang", "en", "check", "--help"]);
    assert!(
        run.stdout.contains("Usage: shenbao check"),
        "{}",
        run.stdout
    );
}

#[test]
fn outside_a_campaign_help_follows_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    let run = shenbao_env(dir.path(), &["--help"], &[("LANG", "C.UTF-8")]);
    assert!(run.stdout.contains("Usage: shenbao"), "{}", run.stdout);
    let run = shenbao_env(dir.path(), &["--help"], &[("LANG", "zh_CN.UTF-8")]);
    assert!(run.stdout.contains("用法：shenbao"), "{}", run.stdout);
    let run = shenbao_env(dir.path(), &["check"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("shenbao：这里不是申报活动"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_begin_in_the_campaigns_language() {
    let zh = fixture("valid");
    for (args, first) in [
        (
            &["check", "--frobnicate"][..],
            "错误：不认识的参数 `--frobnicate`",
        ),
        (&["chekc"][..], "错误：没有子命令 `chekc`"),
        (
            &["check", "--format", "xml"][..],
            "错误：参数 `--format <FORMAT>` 的值 `xml` 无效，可选值：human、json、github、sarif、gitlab",
        ),
        (&["new"][..], "错误：缺少必需的参数：<UNIT>"),
        (
            &["check", "--lang", "fr"][..],
            "错误：参数 `--lang <LANG>` 的值 `fr` 无效，应为 zh-CN 或 en",
        ),
        (
            &[][..],
            "错误：缺少子命令：请在 shenbao 后写明要做什么，如 shenbao check",
        ),
    ] {
        let run = shenbao(zh.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stderr.lines().next(), Some(first), "{}", run.stderr);
        assert!(
            !run.stderr.contains("For more information"),
            "{}",
            run.stderr
        );
    }
    let en = english_fixture();
    let run = shenbao(en.path(), &["check", "--frobnicate"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: unexpected argument '--frobnicate'"),
        "{}",
        run.stderr
    );
}

#[test]
fn command_errors_are_in_the_campaigns_language() {
    let zh = fixture("valid");
    let en = english_fixture();
    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("notes.txt"), "mine").unwrap();
    let out = foreign.path().to_str().unwrap();
    let file = foreign.path().join("notes.txt");
    let through = file.join("site");
    let (file, through) = (file.to_str().unwrap(), through.to_str().unwrap());
    let (zh_file, en_file) = (
        format!("：{file} 是文件，不是文件夹；请用 --out 另选一个文件夹"),
        format!(": {file} is a file, not a folder; choose another --out"),
    );
    let cases: [(&[&str], &str, &str); 7] = [
        (
            &["new", "nosuch"],
            "shenbao：`nosuch` 不是已登记的申报单位",
            "shenbao: `nosuch` is not a registered unit",
        ),
        (
            &["roster", "--unit", "alpah"],
            "shenbao：`alpah` 不是已登记的申报单位（是否应为 `alpha`？）",
            "shenbao: `alpah` is not a registered unit (did you mean `alpha`?)",
        ),
        (
            &["build", "--out", out],
            "shenbao：不能替换 ",
            "shenbao: refusing to replace ",
        ),
        // A file where the site would go, or on the way to it: named, and left alone.
        (
            &["build", "--out", file],
            "shenbao：不能把网站写到 ",
            "shenbao: cannot write the site to ",
        ),
        (
            &["build", "--out", through],
            "shenbao：不能把网站写到 ",
            "shenbao: cannot write the site to ",
        ),
        (
            &["check", "/"],
            "shenbao：/ 不在 ",
            "shenbao: / is not inside the campaign",
        ),
        // A typo in a CI script is not a check of nothing that passes.
        (
            &["check", "submissions/alpha/typo.md"],
            "shenbao：submissions/alpha/typo.md 不存在：没有这个文件或文件夹",
            "shenbao: submissions/alpha/typo.md: no such file or folder",
        ),
    ];
    for (args, zh_said, en_said) in cases {
        let names_file = args[0] == "build" && args[2] != out;
        let run = shenbao(zh.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(zh_said) && (!names_file || l.ends_with(&zh_file))),
            "{args:?}:\n{}",
            run.stderr
        );
        let run = shenbao(en.path(), args);
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(en_said) && (!names_file || l.ends_with(&en_file))),
            "{args:?}:\n{}",
            run.stderr
        );
    }
    // Nothing was made beside the file or in place of it.
    let names: Vec<_> = std::fs::read_dir(foreign.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(foreign.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn yaml_parser_messages_are_translated_and_keep_their_place() {
    let dir = fixture("valid");
    let file = "submissions/alpha/quote.md";
    let text = std::fs::read_to_string(dir.path().join("submissions/alpha/second-entry.md"))
        .unwrap()
        .replace("summary: 简介。", "summary: \"简介。");
    std::fs::write(dir.path().join(file), text).unwrap();
    for (lang, said) in [
        ("zh-CN", "YAML 语法错误：引号没有闭合"),
        ("en", "invalid YAML: unclosed quote"),
    ] {
        let run = shenbao(dir.path(), &["check", "--format", "json", "--lang", lang]);
        let json = run.json();
        let d = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["file"] == file)
            .unwrap()
            .clone();
        assert_eq!(d["code"], "yaml-syntax");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(6), Some(10))
        );
        let message = d["message"].as_str().unwrap();
        assert!(message.starts_with(said), "{message}");
        if lang == "zh-CN" {
            assert!(!message.contains("unclosed"), "{message}");
        }
    }
}

#[test]
fn a_photo_the_build_cannot_use_is_said_in_the_campaigns_language() {
    // The fixture's photo.jpg is a JPEG header and no picture.
    let zh = fixture("valid");
    let out = zh.path().join("out");
    let run = shenbao(zh.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.lines().any(|l| l.starts_with(
            "shenbao：警告：submissions/alpha/good-entry.md：照片 photo.jpg 无法使用（"
        ) && l.ends_with("），网站上不显示")),
        "{}",
        run.stderr
    );
    let en = english_fixture();
    let out = en.path().join("out");
    let run = shenbao(en.path(), &["build", "--out", out.to_str().unwrap()]);
    assert!(
        run.stderr.lines().any(|l| l.starts_with(
            "shenbao: warning: submissions/alpha/good-entry.md: the photo photo.jpg cannot be used ("
        )),
        "{}",
        run.stderr
    );
}

/// Output that cannot be written (a full disk: `/dev/full`) is an error said in the campaign's
/// language, exit 2, never a panic: `check` in every format, `build` reporting its errors,
/// `new`, and help.
#[test]
#[cfg(target_os = "linux")]
fn output_that_cannot_be_written_is_an_error_not_a_panic() {
    let valid = fixture("valid");
    let broken = fixture("broken");
    let cases: [(&std::path::Path, &[&str]); 6] = [
        (valid.path(), &["check"]),
        (valid.path(), &["check", "--format", "json"]),
        (valid.path(), &["check", "--format", "sarif"]),
        (
            broken.path(),
            &["build", "--out", "/nonexistent-shenbao-out"],
        ),
        (valid.path(), &["new", "alpha", "满盘"]),
        (valid.path(), &["--help"]),
    ];
    for (dir, args) in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shenbao"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("LANG", "C.UTF-8")
            .stdin(std::process::Stdio::null())
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        if args == ["--help"] {
            // Help has nowhere to go; nothing more to say.
            assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        } else {
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("磁盘已满"), "{args:?}: {stderr}");
        }
    }
}

/// The research office is told, before printing, which entries the roster leaves out (front
/// matter that cannot be read) or may show incomplete (a value that is not valid); drafts are
/// not its concern. The roster is still written.
#[test]
fn roster_names_the_entries_with_errors_it_leaves_out_or_may_show_incomplete() {
    let dir = fixture("valid");
    let alpha = dir.path().join("submissions/alpha");
    let good = std::fs::read_to_string(alpha.join("good-entry.md")).unwrap();
    // A full-width colon: the front matter cannot be read.
    std::fs::write(
        alpha.join("broken.md"),
        good.replacen("title:", "title：", 1),
    )
    .unwrap();
    // A phone that is not one.
    let phone = good
        .lines()
        .find(|l| l.starts_with("phone:"))
        .unwrap()
        .to_string();
    std::fs::write(
        alpha.join("bad-phone.md"),
        good.replace(&phone, "phone: \"abc\"")
            .replacen("title: ", "title: 另一个", 1),
    )
    .unwrap();
    std::fs::write(
        alpha.join("draft-bad.md"),
        good.replace(&phone, "phone: \"abc\"")
            .replacen("title: ", "draft: true\ntitle: 草稿", 1),
    )
    .unwrap();
    let run = shenbao(dir.path(), &["roster", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("shenbao：警告：2 个项目文件有错误，汇总表可能不完整"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\n  submissions/alpha/broken.md（未列入）"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("\n  submissions/alpha/bad-phone.md\n")
            || run.stderr.ends_with("\n  submissions/alpha/bad-phone.md\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("draft-bad"), "{}", run.stderr);
    // Another unit's roster is not its concern.
    let beta = shenbao(dir.path(), &["roster", "--unit", "beta"]);
    assert_eq!(beta.code, 0, "{}", beta.stderr);
    assert!(beta.stderr.is_empty(), "{}", beta.stderr);
}
