//! The catalogue's promises (unique kebab-case codes, text in every language) and a record of what
//! every problem says, so a change to any user-visible string shows up in review.

use std::collections::HashSet;

use super::*;

/// The recorded text of `samples()`. Rewrite it with `SHENBAO_BLESS=1` after a deliberate change.
const RECORDED: &str = include_str!("every_problem.txt");

fn s(text: &str) -> String {
    text.to_string()
}

fn list(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("v{i}")).collect()
}

/// Every problem, once per way its text can go (with and without a suggestion, short and long
/// lists, each detail), with plausible data.
fn samples() -> Vec<Problem> {
    let mut all = vec![
        Problem::NotUtf8,
        Problem::InvalidCharacter {
            codepoint: 0x1F,
            key: None,
        },
        Problem::InvalidCharacter {
            codepoint: 0x0B,
            key: Some("title".into()),
        },
        Problem::FileTooLarge {
            size_mb: 25,
            max_mb: 20,
        },
        Problem::Unreadable {
            reason: s("permission denied"),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("mapping values are not allowed here")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("mapping values are not allowed in this context")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("unclosed quote")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("invalid u32")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("unexpected end of input")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("tabs disallowed within this context (block indentation)")),
        },
        Problem::CampaignInvalid {
            detail: CampaignDetail::Shape(s("invalid value: integer `-1`, expected u32")),
        },
        Problem::CampaignInvalid {
            detail: CampaignDetail::Shape(s(
                "unknown field `deadline_typo`, expected one of `title`, `issuer`, `deadline`",
            )),
        },
        Problem::CampaignInvalid {
            detail: CampaignDetail::Shape(s("missing field `title`")),
        },
        Problem::CampaignInvalid {
            detail: CampaignDetail::Shape(s("invalid type: string \"x\", expected u32")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("unexpected character: `@'")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("mismatched bracket '[' closed by '}'")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s("duplicate mapping key: title")),
        },
        Problem::YamlSyntax {
            detail: YamlError::Parser(s(
                "while parsing a quoted scalar, found unknown escape character",
            )),
        },
        Problem::YamlSyntax {
            detail: YamlError::TooLarge {
                limit: Limit::Nodes,
                max: 100_000,
            },
        },
        Problem::YamlSyntax {
            detail: YamlError::FullWidthColon { key: s("title") },
        },
        Problem::YamlSyntax {
            detail: YamlError::Unusable { codepoint: 0x96 },
        },
        Problem::YamlSyntax {
            detail: YamlError::ItemsAfterEmptyList {
                key: s("recognition"),
            },
        },
        Problem::CommentInValue {
            key: s("summary"),
            kept: s("本项目"),
            dropped: s("#1 试点"),
            label: None,
        },
        Problem::FrontMatterMissing { unclosed: false },
        Problem::FrontMatterMissing { unclosed: true },
        Problem::UnknownField {
            key: s("titel"),
            suggestion: Some(s("title")),
            valid: vec![s("title"), s("summary")],
        },
        Problem::UnknownField {
            key: s("zzz"),
            suggestion: None,
            valid: vec![s("title"), s("summary"), s("contact")],
        },
        Problem::MissingField {
            key: s("title"),
            label: s("项目名称"),
            misspelt: None,
            allowed: Vec::new(),
        },
        Problem::MissingField {
            key: s("category"),
            label: s("申报范围"),
            misspelt: None,
            allowed: vec![s("1 团结引领职工听党话跟党走"), s("12 网上工会")],
        },
        Problem::MissingField {
            key: s("category"),
            label: s("申报范围"),
            misspelt: Some(s("catgory")),
            allowed: vec![s("1 团结引领职工听党话跟党走"), s("12 网上工会")],
        },
        Problem::MissingField {
            key: s("recognition[0].kind"),
            label: s("形式"),
            misspelt: None,
            allowed: Vec::new(),
        },
        Problem::MissingField {
            key: s("investment"),
            label: s("投入经费（万元）"),
            misspelt: None,
            allowed: Vec::new(),
        },
        Problem::MissingField {
            key: s("contact"),
            label: s("联系人"),
            misspelt: Some(s("contcat")),
            allowed: Vec::new(),
        },
    ];
    for expected in [
        Expected::Text,
        Expected::Number,
        Expected::Integer,
        Expected::Bool,
        Expected::List,
        Expected::Mapping,
    ] {
        all.push(Problem::InvalidType {
            key: s("key"),
            expected,
            label: None,
        });
    }
    all.extend([
        Problem::InvalidType {
            key: s("front matter"),
            expected: Expected::Mapping,
            label: None,
        },
        Problem::InvalidValue {
            key: s("category"),
            value: s("帮扶类"),
            suggestion: Some(s("帮扶")),
            allowed: vec![s("帮扶"), s("助学")],
            label: None,
        },
        Problem::InvalidValue {
            key: s("category"),
            value: s("x"),
            suggestion: None,
            allowed: list(21),
            label: None,
        },
        // A recognition's kinds, named in the message's language.
        Problem::InvalidValue {
            key: s("recognition.kind"),
            value: s("medai"),
            suggestion: Some(s("media")),
            allowed: vec![s("speech"), s("media")],
            label: None,
        },
    ]);
    for format in [
        Format::Phone,
        Format::Date,
        Format::MonthOrDate,
        Format::Email,
        Format::Url,
        Format::Timestamp,
        Format::UnitId,
    ] {
        all.push(Problem::InvalidFormat {
            key: s("key"),
            value: s("oops"),
            format,
            label: None,
        });
    }
    all.extend([
        Problem::TooLong {
            key: s("summary"),
            length: 301,
            max: 300,
            label: None,
        },
        // A campaign's own field, named by its label.
        Problem::InvalidType {
            key: s("investment"),
            expected: Expected::Number,
            label: Some(s("投入经费（万元）")),
        },
        Problem::InvalidValue {
            key: s("level"),
            value: s("省"),
            suggestion: Some(s("省级")),
            allowed: vec![s("省级"), s("市级")],
            label: Some(s("获奖级别")),
        },
        Problem::InvalidFormat {
            key: s("hotline"),
            value: s("12345x"),
            format: Format::Phone,
            label: Some(s("服务热线")),
        },
        Problem::TooLong {
            key: s("note"),
            length: 51,
            max: 50,
            label: Some(s("备注")),
        },
        Problem::CommentInValue {
            key: s("note"),
            kept: s("第"),
            dropped: s("#2 期"),
            label: Some(s("备注")),
        },
        Problem::MissingSection {
            alternatives: vec![s("背景")],
            written: None,
            level: None,
        },
        Problem::MissingSection {
            alternatives: vec![s("成效"), s("效果")],
            written: None,
            level: None,
        },
        Problem::MissingSection {
            alternatives: vec![s("取得的效果"), s("工作成效")],
            written: Some(s("**四、工作成效**")),
            level: None,
        },
        Problem::MissingSection {
            alternatives: vec![s("背景")],
            written: Some(s("### 一、背景")),
            level: Some(3),
        },
        Problem::EmptySection { name: s("背景") },
        Problem::RecommendedSection {
            names: vec![s("经验")],
        },
        Problem::RecommendedSection {
            names: vec![s("创新性"), s("示范性"), s("科学性")],
        },
        Problem::AttachmentMissing {
            file: s("a/data.csv"),
            similar: None,
        },
        Problem::AttachmentMissing {
            file: s("huodong.jpg"),
            similar: Some(s("HuoDong.JPG")),
        },
        Problem::AttachmentType {
            file: s("a/run.exe"),
            allowed: vec![s("pdf"), s("jpg")],
            image_only: false,
        },
        Problem::AttachmentType {
            file: s("a/cover.pdf"),
            allowed: vec![s("jpg"), s("png")],
            image_only: true,
        },
        Problem::AttachmentTooLarge {
            file: s("a/big.csv"),
            size_kb: 2048,
            max_mb: 1,
        },
        Problem::PathEscape {
            path: s("../b/x.jpg"),
        },
        Problem::UnsafeHtml {
            what: s("`<script>`"),
        },
        Problem::NestedTooDeep { max: 32 },
        Problem::ExternalRequest {
            url: s("https://tracker.example/p.png"),
        },
        Problem::UnknownUnit {
            folder: s("alpah"),
            suggestion: Some(s("alpha")),
        },
        Problem::UnknownUnit {
            folder: s("zeta"),
            suggestion: None,
        },
        Problem::UnitCardMissing { unit: s("alpha") },
    ]);
    for detail in [
        CardDetail::Syntax(YamlError::Parser(s("did not find expected key"))),
        CardDetail::Syntax(YamlError::TooLarge {
            limit: Limit::Depth,
            max: 64,
        }),
        CardDetail::NotAMapping,
        CardDetail::UnknownKey {
            key: s("leadr"),
            suggestion: Some(s("leader")),
        },
        CardDetail::UnknownKey {
            key: s("zzz"),
            suggestion: None,
        },
        CardDetail::Missing { key: s("leader") },
        CardDetail::NotText {
            key: s("responsible"),
        },
        CardDetail::BadPhone { value: s("123") },
        CardDetail::FileMissing {
            file: s("roster.jpg"),
        },
        CardDetail::NotAScan {
            file: s("roster.html"),
        },
    ] {
        all.push(Problem::UnitCardInvalid { detail });
    }
    all.extend([
        Problem::UnitMismatch {
            value: s("beta"),
            folder: s("alpha"),
        },
        Problem::WrongChannel {
            unit: s("child"),
            parent: s("alpha"),
        },
        Problem::DuplicateEntry {
            title: s("爱心助学"),
            first: s("submissions/alpha/a.md"),
        },
        Problem::QuotaShort {
            unit: s("alpha"),
            name: s("甲区总工会"),
            count: 1,
            minimum: 3,
            fatal: false,
        },
        Problem::QuotaShort {
            unit: s("alpha"),
            name: s("甲区总工会"),
            count: 1,
            minimum: 3,
            fatal: true,
        },
        // One entry, in English.
        Problem::QuotaShort {
            unit: s("alpha"),
            name: s("甲区总工会"),
            count: 0,
            minimum: 1,
            fatal: false,
        },
        Problem::RosterUnsigned { unit: s("alpha") },
        Problem::RosterOutdated {
            unit: s("alpha"),
            file: s("huizongbiao.jpg"),
            later: vec![s("网上服务平台"), s("职工之家")],
        },
        Problem::NotAnEntry {
            unit: s("alpha"),
            name: s("项目.MD"),
        },
        Problem::NotAnEntry {
            unit: s("alpha"),
            name: s("项目.md.txt"),
        },
        Problem::NotAnEntry {
            unit: s("alpha"),
            name: s("申报表.docx"),
        },
        Problem::NotAnEntry {
            unit: s("alpha"),
            name: s("照片.jpg"),
        },
        Problem::NotAnEntry {
            unit: s("alpha"),
            name: s("2017/项目.md.txt"),
        },
        Problem::NotInUnitFolder {
            name: s("项目.MD")
        },
        // Committed at 01:30 UTC: 09:30 in the deadline's zone.
        Problem::LateSubmission {
            arrived: "2017-12-07T01:30:00Z".parse().unwrap(),
            deadline: crate::campaign::Deadline::parse("2017-12-06T23:59:59+08:00").unwrap(),
            commit: s("abc1234"),
        },
        Problem::OutsideOwnFolder {
            email: s("a@example.org"),
            commit: s("abc1234"),
            own: vec![],
        },
        Problem::OutsideOwnFolder {
            email: s("a@example.org"),
            commit: s("abc1234"),
            own: vec![s("alpha"), s("beta")],
        },
        Problem::ShallowClone,
    ]);
    for detail in [
        CampaignDetail::Shape(s("units: expected a list")),
        CampaignDetail::UnknownUnitType {
            unit: s("alpha"),
            unit_type: s("twon"),
            valid: vec![s("town"), s("school")],
        },
        CampaignDetail::UnknownParent {
            unit: s("alpha"),
            parent: s("omega"),
        },
        CampaignDetail::OwnParent { unit: s("alpha") },
        CampaignDetail::Duplicate {
            what: "unit",
            id: s("alpha"),
        },
        CampaignDetail::Duplicate {
            what: "unit type",
            id: s("county"),
        },
        CampaignDetail::BadValue {
            key: s("reminders.smtp.tls"),
            value: s("none"),
            expected: "wrapper | starttls (none only for localhost)",
        },
        CampaignDetail::BadUnitId { id: s("Alpha") },
        CampaignDetail::BadValue {
            key: s("lang"),
            value: s("fr"),
            expected: "zh-CN | en",
        },
        CampaignDetail::Empty { key: "categories" },
    ] {
        all.push(Problem::CampaignInvalid { detail });
    }
    all
}

/// What the samples say, as recorded in `every_problem.txt`.
fn render(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        let scope = if p.whole_file() { ", whole file" } else { "" };
        out.push_str(&format!(
            "== {} ({}{scope}): {p:?}\n",
            p.code(),
            p.severity().as_str()
        ));
        for lang in [Lang::Zh, Lang::En] {
            out.push_str(&format!("{lang}: {}\n", p.message(lang)));
        }
        for lang in [Lang::Zh, Lang::En] {
            if let Some(help) = p.help(lang) {
                out.push_str(&format!("{lang} help: {help}\n"));
            }
        }
    }
    // What each code is, as the rule lists of code-scanning tools (SARIF) show it.
    for kind in Kind::ALL {
        out.push_str(&format!("== rule {}\n", kind.info().code));
        for lang in [Lang::Zh, Lang::En] {
            let d = kind.description(lang);
            out.push_str(&format!("{lang} short: {}\n", d.short));
            out.push_str(&format!("{lang} full: {}\n", d.full));
            out.push_str(&format!("{lang} help: {}\n", d.help));
        }
    }
    out
}

#[test]
fn every_problem_reads_as_recorded() {
    let actual = render(&samples());
    if std::env::var_os("SHENBAO_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/problem/every_problem.txt");
        std::fs::write(path, &actual).unwrap();
        return;
    }
    // Line by line, so a failure names the string that changed.
    for (recorded, actual) in RECORDED.lines().zip(actual.lines()) {
        assert_eq!(
            actual, recorded,
            "a message changed; if on purpose, rerun with SHENBAO_BLESS=1"
        );
    }
    assert_eq!(RECORDED.lines().count(), actual.lines().count());
}

#[test]
fn the_samples_cover_every_kind() {
    let sampled: HashSet<Kind> = samples().iter().map(Problem::kind).collect();
    let missing: Vec<_> = Kind::ALL.iter().filter(|k| !sampled.contains(k)).collect();
    assert!(missing.is_empty(), "no sample of {missing:?}");
}

#[test]
fn codes_are_unique_and_kebab_case() {
    let mut seen = HashSet::new();
    for kind in Kind::ALL {
        let code = kind.info().code;
        assert!(seen.insert(code), "`{code}` twice");
        assert!(
            !code.is_empty()
                && !code.starts_with('-')
                && !code.ends_with('-')
                && !code.contains("--")
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "`{code}` is not kebab-case"
        );
    }
}

#[test]
fn every_problem_says_one_line_in_each_language() {
    for p in samples() {
        let (zh, en) = (p.message(Lang::Zh), p.message(Lang::En));
        for text in [&zh, &en] {
            assert!(!text.is_empty() && !text.contains('\n'), "{p:?}: {text:?}");
        }
        assert_ne!(zh, en, "{p:?} is not translated");
        // A help exists in both languages or in neither.
        match (p.help(Lang::Zh), p.help(Lang::En)) {
            (Some(zh), Some(en)) => assert!(!zh.is_empty() && !en.is_empty() && zh != en),
            (None, None) => {}
            other => panic!("{p:?}: help in one language only: {other:?}"),
        }
    }
}

/// Chinese typesetting sets Latin words apart from Chinese characters by a space: `应为 true 或
/// false`, not `应为true 或 false` (numbers in dates are written close: 2017年12月6日).
#[test]
fn chinese_messages_space_latin_words_from_chinese_characters() {
    fn cjk(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }
    let recorded = render(&samples());
    for line in recorded.lines().filter(|l| l.starts_with("zh-CN")) {
        let chars: Vec<char> = line.chars().collect();
        for pair in chars.windows(2) {
            let [a, b] = [pair[0], pair[1]];
            assert!(
                !(cjk(a) && b.is_ascii_alphabetic() || a.is_ascii_alphabetic() && cjk(b)),
                "no space between `{a}` and `{b}` in: {line}"
            );
        }
    }
}

#[test]
fn every_code_is_described_in_each_language() {
    for lang in [Lang::Zh, Lang::En] {
        let mut titles = HashSet::new();
        for kind in Kind::ALL {
            let d = kind.description(lang);
            for text in [d.short, d.full, d.help] {
                assert!(
                    !text.trim().is_empty() && !text.contains('\n'),
                    "{kind:?} in {lang}: {text:?}"
                );
            }
            assert!(
                titles.insert(d.short),
                "{kind:?}: the title {:?} twice",
                d.short
            );
        }
    }
    for kind in Kind::ALL {
        let (zh, en) = (kind.description(Lang::Zh), kind.description(Lang::En));
        assert!(
            zh.short != en.short && zh.full != en.full && zh.help != en.help,
            "{kind:?} is not translated"
        );
    }
}

#[test]
fn quota_short_is_an_error_only_when_final() {
    let p = |fatal| Problem::QuotaShort {
        unit: "a".into(),
        name: "甲".into(),
        count: 0,
        minimum: 1,
        fatal,
    };
    assert_eq!(p(false).severity(), Severity::Warning);
    assert_eq!(p(true).severity(), Severity::Error);
}

#[test]
fn closest_finds_typos_and_ignores_strangers() {
    let keys = ["title", "category", "contact", "phone", "summary"];
    assert_eq!(closest("titel", keys), Some("title".into()));
    assert_eq!(closest("catgory", keys), Some("category".into()));
    assert_eq!(closest("zzz", keys), None);
}
