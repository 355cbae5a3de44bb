//! Built pages in a real browser: headless Chromium loads them from a local HTTP server, runs
//! their scripts (`--dump-dom` prints the document afterwards), and reports console messages.
//!
//! CI installs Debian's `chromium`. Elsewhere, set `SHENBAO_CHROMIUM` to a Chromium or Chrome
//! binary; without one, `build.rs` has these tests listed as ignored, saying what to install.

mod common;

use shenbao_site::search;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The fixture site, built once for all tests, and the address serving it.
fn site() -> &'static (tempfile::TempDir, String) {
    static SITE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = common::fixture("site");
        let run = common::shenbao(dir.path(), &["build"]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let url = common::serve::serve(dir.path().join("public"));
        (dir, url)
    })
}

/// What the browser made of a page: the document after its scripts ran, and every console
/// message.
struct Loaded {
    dom: String,
    console: Vec<String>,
}

/// The page shows exactly the cards titled `expected`, and said nothing on the console.
fn shows_exactly(page: &Loaded, expected: &[&str], what: &str) {
    let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    assert_eq!(sorted(card_titles(&page.dom)), sorted(expected), "{what}");
    assert!(page.console.is_empty(), "{what}: {:?}", page.console);
}

/// Load `path` (relative to the site) in headless Chromium. `None` when skipping is allowed.
fn load(path: &str) -> Option<Loaded> {
    load_from(&site().1, path)
}

/// Load `path` relative to `base` in headless Chromium.
fn load_from(base: &str, path: &str) -> Option<Loaded> {
    let url = format!("{base}{path}");
    let out = common::chromium::headless(
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            // Virtual time lets the page's fetch of the index finish before the dump.
            "--virtual-time-budget=5000".into(),
            "--dump-dom".into(),
            url.clone(),
        ],
        &url,
    );
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "no document for {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Some(Loaded { dom, console })
}

/// The titles of the cards the showcase shows.
fn card_titles(dom: &str) -> Vec<String> {
    dom.split("class=\"card-title\"")
        .skip(1)
        .filter_map(|rest| {
            let link = rest.split_once("<a")?.1;
            let text = link.split_once('>')?.1;
            Some(text.split_once("</a>")?.0.to_string())
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn a_filtered_showcase_url_shows_exactly_the_matching_cards() {
    let cases: &[(&str, &[&str])] = &[
        (
            "entries/?category=12",
            &["“指尖上的工会”网上服务平台", "园区工会联合会“一站式”服务"],
        ),
        (
            "entries/?type=county",
            &["“指尖上的工会”网上服务平台", "劳动争议调解进车间"],
        ),
        (
            "entries/?category=12&type=devzone",
            &["园区工会联合会“一站式”服务"],
        ),
        (
            "entries/?unit=beta",
            &["不安全的正文会被清理", "党建带工建“双向培养”"],
        ),
        ("entries/?q=%E8%B0%83%E8%A7%A3", &["劳动争议调解进车间"]),
        ("entries/?category=1&type=devzone", &[]),
    ];
    for (url, expected) in cases {
        let Some(page) = load(url) else { return };
        shows_exactly(&page, expected, url);
    }
}

#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn without_filters_every_entry_is_listed_and_the_filters_show() {
    let Some(page) = load("entries/") else { return };
    assert_eq!(card_titles(&page.dom).len(), 5);
    // The filters (in their fold) are hidden for browsers without scripts; the script reveals
    // them.
    let fold = page.dom.split("id=\"filters-fold\"").nth(1).unwrap();
    assert!(
        !fold.split('>').next().unwrap().contains("hidden"),
        "the filters stay hidden"
    );
}

/// A reader whose browser runs no scripts, following a link to a search, is told that the list
/// is every entry and not the search's answer; with scripts the note is not shown.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs chromedriver: sudo apt-get install chromium-driver"
)]
fn without_scripts_a_searchs_address_says_the_list_is_not_its_answer() {
    let hint = "搜索和筛选需要浏览器启用 JavaScript；下面按顺序列出全部项目。";
    let url = format!("{}entries/?q=%E8%B0%83%E8%A7%A3", site().1);
    let browser = common::webdriver::Browser::start();
    browser.cdp(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    );
    browser.go(&url);
    // The DOM as the browser built it, read without a script (the page may run none). A
    // document the browser replaced between the two commands (seen on a loaded machine) no
    // longer has the node asked for: it is asked for again.
    let dom = (0..50)
        .find_map(|_| {
            let root = browser.cdp("DOM.getDocument", serde_json::json!({}));
            let dom = browser.try_cdp(
                "DOM.getOuterHTML",
                serde_json::json!({"nodeId": root["root"]["nodeId"]}),
            );
            if dom.is_err() {
                std::thread::sleep(Duration::from_millis(100));
            }
            dom.ok()
        })
        .expect("the page's HTML, within five seconds");
    let dom = dom["outerHTML"].as_str().expect("the page's HTML");
    assert_eq!(card_titles(dom).len(), 5, "every entry is listed");
    let note = dom.split("<noscript>").nth(1).expect("a noscript block");
    assert!(
        note.starts_with(&format!("<p class=\"results\">{hint}</p>")),
        "{note}"
    );
    // With scripts the search answers, and the note is not shown.
    browser.cdp(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": false}),
    );
    browser.go(&url);
    browser.wait_for("//p[@class='card-snippet']/mark[.='调解']");
    let shown = browser.execute("return document.body.innerText", serde_json::json!([]));
    let shown = shown.as_str().expect("the page's text");
    assert!(
        !shown.contains(hint),
        "the note shows with scripts on: {shown}"
    );
}

#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn no_page_has_a_console_error_and_hostile_scripts_do_not_run() {
    for path in [
        "",
        "pages/notice/",
        "pages/about/",
        "entries/",
        "entries/alpha/wangshang/",
        "entries/beta/hostile/",
        "categories/",
        "categories/12/",
        "units/",
        "units/alpha/",
        "roster/",
        "roster/alpha/",
        "status/",
        "404.html",
    ] {
        let Some(page) = load(path) else { return };
        assert!(page.console.is_empty(), "/{path}: {:?}", page.console);
        assert!(!page.dom.contains("pwned"), "/{path}: a hostile script ran");
    }
}

#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn the_home_page_tells_the_deadline_state() {
    let Some(page) = load("") else { return };
    // The fixture's deadline, 2017, has passed: the script says so.
    assert!(page.dom.contains("申报已截止"), "{}", page.dom);
}

/// A campaign whose entries are written for the search: every query's answer is known.
fn search_site() -> &'static (tempfile::TempDir, String) {
    static SITE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = common::fixture("valid");
        let d = dir.path();
        // No unit or category name holds the words searched for.
        let path = d.join("campaign.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("甲区总工会", "甲区")
            .replace("乙公司工会", "乙公司")
            .replace("丙厂工会", "丙厂");
        std::fs::write(&path, text).unwrap();
        for old in ["good-entry.md", "second-entry.md"] {
            std::fs::remove_file(d.join("submissions/alpha").join(old)).unwrap();
        }
        let entry_with = |slug: &str, title: &str, summary: &str, background: &str, extra: &str| {
            let text = format!(
                "---\ntitle: {title}\ncategory: \"1\"\ncontact: 张三\nphone: 0312-1234567\nsummary: {summary}\n{extra}---\n\n## 背景\n\n{background}\n\n## 主要内容\n\n内容。\n\n### 创新性\n\n要点。\n\n## 实施情况\n\n实施。\n\n## 取得的效果\n\n效果。\n"
            );
            std::fs::write(d.join("submissions/alpha").join(format!("{slug}.md")), text).unwrap();
        };
        let entry = |slug: &str, title: &str, background: &str, extra: &str| {
            entry_with(slug, title, "一句话简介。", background, extra)
        };
        entry("shi-zong", "保定市总工会的服务", "说明。", "");
        entry("huan-hang", "跨行的词", "推动基层工\n会建设。", "");
        entry("biao-ge", "表格里的词", "| 项目 | 方式 |\n| --- | --- |\n| 职工 | 回访 |", "");
        entry(
            "la-ding",
            "拉丁字母与数字",
            "投入320万元，收到金点子20个，占比 8.6%。建成 5G 网络，编号 12345。The night school of the plant: a 5G network built in \
             2017, open to every workshop and to the apprentices of the training centre.",
            "",
        );
        entry("fen-kai", "分开的字", "总工程师参加工会活动。", "");
        entry("hui-fang", "回访制度", "每月开展。", "");
        entry("cao-gao", "还没提交", "草稿里的秘密词。", "draft: true\n");
        entry("bu-an-quan", "正文里的尖括号", "原文写着 `<script>alert(1)</script>` 回访记录。", "");
        // Seventy entries holding the pieces of 女职工之家, apart, and 职工活动 whole; 温暖 in
        // every body, in every third summary and in three titles (so that its fields are
        // written as a list of entries and as a bit per entry).
        for n in 1..=70 {
            entry_with(
                &format!("tian-chong-{n}"),
                &if n % 10 == 0 && n <= 30 {
                    format!("温暖填充项目{n}")
                } else {
                    format!("填充项目{n}")
                },
                if n % 3 == 0 { "温暖的一句话简介。" } else { "一句话简介。" },
                "开展女职工活动，工之余，之家温暖。",
                "",
            );
        }
        let run = common::shenbao(d, &["build"]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let url = common::serve::serve(d.join("public"));
        (dir, url)
    })
}

/// `q` as it stands in an address: letters and digits as they are, every other byte escaped.
fn encoded(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn search(q: &str) -> Option<Loaded> {
    load_from(&search_site().1, &format!("entries/?q={}", encoded(q)))
}

#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn search_finds_every_entry_holding_the_query_and_no_other() {
    let cases: &[(&str, &[&str])] = &[
        // In 保定市总工会 (a segmenter would cut 总工|会), and across a line break.
        ("工会", &["保定市总工会的服务", "跨行的词", "分开的字"]),
        ("总工会", &["保定市总工会的服务"]),
        // Only in a table cell; in a title ranks first.
        ("回访", &["回访制度", "表格里的词", "正文里的尖括号"]),
        ("5g", &["拉丁字母与数字"]),
        ("5G", &["拉丁字母与数字"]),
        ("12345", &["拉丁字母与数字"]),
        ("123", &["拉丁字母与数字"]),
        // Not the beginning of a word.
        ("234", &[]),
        // One digit: every word it begins (7 and 70; a word is filed under two characters).
        ("7", &["填充项目7", "填充项目70"]),
        // Pairs each in one entry (their lists are read entry by entry; a common one's, as
        // 回访's beside 表格's below, as a bitset over all entries).
        ("程师参", &["分开的字"]),
        // Several terms: all of them, set apart by a space or as the items of a list.
        ("回访 表格", &["表格里的词"]),
        ("回访、表格", &["表格里的词"]),
        ("回访，表格", &["表格里的词"]),
        // A draft's body is never in the index.
        ("秘密词", &[]),
    ];
    for (q, expected) in cases {
        let Some(page) = search(q) else { return };
        shows_exactly(&page, expected, q);
    }
    // Ranking: the title match first.
    let Some(page) = search("回访") else { return };
    assert_eq!(card_titles(&page.dom)[0], "回访制度");
    // A pair in seventy entries (found exactly by its postings) is counted whole, and each
    // page shows its own twelve, the last page the ten after the first sixty.
    let pages: Vec<Vec<String>> = [1, 2, 6]
        .iter()
        .filter_map(|n| {
            let page = load_from(
                &search_site().1,
                &format!("entries/?q=%E4%B9%8B%E5%AE%B6&page={n}"),
            )?;
            let results = page
                .dom
                .split("id=\"results\"")
                .nth(1)?
                .split("</p>")
                .next()?;
            assert!(
                results.ends_with(">70 个项目符合条件"),
                "page {n}: {results}"
            );
            Some(card_titles(&page.dom))
        })
        .collect();
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [12, 12, 10]);
    let all: std::collections::BTreeSet<&String> = pages.iter().flatten().collect();
    assert_eq!(all.len(), 34, "no card shows on two pages: {pages:?}");
    // 温暖, in seventy bodies, ranks the three titles holding it first, then the 22 other
    // summaries holding it, then the bodies alone.
    let ranked: Vec<String> = [1, 2, 3]
        .iter()
        .filter_map(|n| {
            load_from(
                &search_site().1,
                &format!("entries/?q=%E6%B8%A9%E6%9A%96&page={n}"),
            )
        })
        .flat_map(|page| card_titles(&page.dom))
        .collect();
    if ranked.is_empty() {
        return;
    }
    let number = |title: &str| -> u32 {
        title
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap()
    };
    let rank = |title: &str| {
        if title.starts_with("温暖") {
            0
        } else if number(title) % 3 == 0 {
            1
        } else {
            2
        }
    };
    assert_eq!(ranked.len(), 36, "{ranked:?}");
    let ranks: Vec<u32> = ranked.iter().map(|t| rank(t)).collect();
    assert_eq!(ranks.iter().filter(|&&r| r == 0).count(), 3, "{ranked:?}");
    assert_eq!(ranks.iter().filter(|&&r| r == 1).count(), 22, "{ranked:?}");
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranked:?}");
}

#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn a_search_result_shows_the_passage_with_the_query_marked_as_text() {
    let Some(page) = search("回访") else { return };
    let snippets: Vec<&str> = page
        .dom
        .split("class=\"card-snippet\"")
        .skip(1)
        .map(|s| s.split("</p>").next().unwrap())
        .collect();
    assert!(
        snippets.iter().any(|s| s.contains("<mark>回访</mark>")),
        "{snippets:?}"
    );
    // The entry's text `<script>` is shown as text, never made an element.
    assert!(
        snippets.iter().any(|s| s.contains("&lt;script&gt;")),
        "{snippets:?}"
    );
    assert!(
        !page.dom.contains("<script>alert"),
        "no script from an entry"
    );
    // A digit query is marked where it begins a word, as it was matched: 20个, not 320万.
    let snippet_of = |q: &str| {
        let page = search(q).unwrap();
        let snippet = page
            .dom
            .split("class=\"card-snippet\"")
            .nth(1)
            .map(|s| s.split("</p>").next().unwrap().to_string());
        snippet.unwrap_or_default()
    };
    let twenty = snippet_of("20");
    assert!(
        twenty.contains("<mark>20</mark>个") && !twenty.contains("3<mark>"),
        "{twenty}"
    );
    // A term with a mark inside it (8.6 is matched as `8 6`) is marked as written.
    let decimal = snippet_of("8.6");
    assert!(decimal.contains("<mark>8.6</mark>"), "{decimal}");
}

#[test]
fn the_search_index_is_the_same_bytes_in_two_builds_and_holds_no_draft() {
    let (dir, _) = search_site();
    let site = dir.path().join("public/search");
    let other = tempfile::tempdir().unwrap();
    common::copy_tree(dir.path(), other.path());
    std::fs::remove_dir_all(other.path().join("public")).unwrap();
    assert_eq!(common::shenbao(other.path(), &["build"]).code, 0);
    assert_eq!(
        common::snapshot_tree(&site),
        common::snapshot_tree(&other.path().join("public/search"))
            .into_iter()
            .map(|(p, b)| (
                site.join(p.strip_prefix(other.path().join("public/search")).unwrap()),
                b
            ))
            .collect::<Vec<_>>()
    );
    let mut ways = std::collections::BTreeSet::new();
    for (path, bytes) in common::snapshot_tree(&site) {
        // A result's fragment is in UTF-16 after a byte-order mark where that is shorter.
        let text = match bytes.as_slice() {
            [0xFF, 0xFE, rest @ ..] => {
                ways.insert("UTF-16");
                String::from_utf16_lossy(
                    &rest
                        .chunks(2)
                        .map(|u| u16::from_le_bytes([u[0], u[1]]))
                        .collect::<Vec<_>>(),
                )
            }
            _ => {
                if path.starts_with(site.join("e")) {
                    ways.insert("UTF-8");
                }
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        assert!(!text.contains("秘密词"), "{}", path.display());
    }
    // Both ways are read by the browser tests' searches (a Chinese body, an English one).
    assert_eq!(ways.into_iter().collect::<Vec<_>>(), ["UTF-16", "UTF-8"]);
}

/// A reader types into the search box: the cards and their snippets follow, the URL carries
/// the query, and reloading the page restores the same results.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn typing_a_query_searches_keeps_it_in_the_url_and_a_reload_restores_it() {
    let browser = common::webdriver::Browser::start();
    let base = &search_site().1;
    browser.go(&format!("{base}entries/"));
    // On a phone the filters are folded: the reader opens them first.
    let fold = browser.wait_for("//details[@id='filters-fold'][not(@hidden)]/summary");
    browser.click(&fold);
    let input = browser.wait_for("//input[@name='q']");
    browser.type_in(&input, "回访");
    browser.wait_for("//p[@class='card-snippet']/mark[.='回访']");
    let titles = || sorted(card_titles(&browser.source()));
    let found = titles();
    assert_eq!(
        found,
        sorted(vec![
            "回访制度".into(),
            "表格里的词".into(),
            "正文里的尖括号".into()
        ])
    );
    let url = browser.url();
    assert!(url.contains("q=%E5%9B%9E%E8%AE%BF"), "{url}");
    // One count shows: the search's, not beside it the heading's count of every entry.
    let shown = |xpath: &str| {
        browser.execute(
            "var e = document.evaluate(arguments[0], document, null, 9, null).singleNodeValue;\
             return !!e && e.offsetParent !== null;",
            serde_json::json!([xpath]),
        ) == serde_json::json!(true)
    };
    let heading_count = "//span[@id='count']";
    assert!(
        !shown(heading_count),
        "the heading's count shows beside the search's"
    );
    assert!(shown("//p[@id='results'][.='3 个项目符合条件']"));
    browser.go(&url);
    browser.wait_for("//p[@class='card-snippet']/mark[.='回访']");
    assert_eq!(titles(), found);
    // Cleared, the heading's count is back.
    browser.go(&format!("{base}entries/"));
    browser.wait_for("//div[@id='cards']");
    assert!(until(
        &browser,
        "document.getElementById('count').offsetParent !== null"
    ));
}

/// A search whose index cannot be fetched (the phone went offline, the site is being
/// replaced) says so, shows no list that could pass for its answer, and finds once the files
/// are back and the reader tries again.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_search_that_cannot_fetch_its_index_says_so_and_tries_again() {
    let copy = tempfile::tempdir().unwrap();
    let site = copy.path().join("public");
    common::copy_tree(&search_site().0.path().join("public"), &site);
    // A file or folder of the site taken away, and put back.
    let away =
        |part: &str| std::fs::rename(site.join(part), site.join(format!("{part}-away"))).unwrap();
    let back =
        |part: &str| std::fs::rename(site.join(format!("{part}-away")), site.join(part)).unwrap();
    let base = common::serve::serve(site.clone());
    let browser = common::webdriver::Browser::start();
    let failed = "//p[@id='results'][starts-with(., '搜索未能完成：网络中断，或网站正在更新。')]/button[.='重试']";
    // The shards are gone: what the server answers (its 404 page) is not read as one.
    away("search/g");
    browser.go(&format!("{base}entries/?q=%E5%9B%9E%E8%AE%BF"));
    browser.wait_for(failed);
    assert!(card_titles(&browser.source()).is_empty());
    // The shards are back, the entries' fragments gone: the second try fails further on (a
    // 404 page read as a fragment would show a card).
    back("search/g");
    away("search/e");
    browser.click(&browser.wait_for(failed));
    browser.wait_for(failed);
    assert!(card_titles(&browser.source()).is_empty());
    // All back: the third try finds (neither failure was kept).
    back("search/e");
    browser.click(&browser.wait_for(failed));
    browser.wait_for("//p[@id='results'][.='3 个项目符合条件']");
    assert_eq!(
        sorted(card_titles(&browser.source())),
        sorted(vec![
            "回访制度".into(),
            "表格里的词".into(),
            "正文里的尖括号".into()
        ])
    );
    // The index's size the same way; and filters alone, which read the same index.
    away("search/meta.json");
    browser.go(&format!("{base}entries/?q=%E5%9B%9E%E8%AE%BF"));
    browser.wait_for(failed);
    back("search/meta.json");
    away("search/g");
    // A view of the filters alone says so as filtering, which is what the reader did.
    let filter_failed = "//p[@id='results'][starts-with(., '筛选未能完成：网络中断，或网站正在更新。')]/button[.='重试']";
    browser.go(&format!("{base}entries/?category=1"));
    browser.click(&browser.wait_for(filter_failed));
    browser.wait_for(filter_failed);
    assert!(card_titles(&browser.source()).is_empty());
    // A theme's own showcase.html from before the filtering words: the searching ones, not
    // "undefined".
    browser.execute(
        "var f = document.forms.filters; delete f.dataset.filtering; delete f.dataset.filterFailed;\
         history.pushState(null, '', '?category=2'); dispatchEvent(new PopStateEvent('popstate'));",
        serde_json::json!([]),
    );
    browser.wait_for(failed);
    browser.go(&format!("{base}entries/?category=1"));
    browser.wait_for(filter_failed);
    back("search/g");
    browser.click(&browser.wait_for(filter_failed));
    browser.wait_for("//p[@id='results'][contains(., '个项目符合条件')]");
    assert!(!card_titles(&browser.source()).is_empty());
}

/// A copy of the search site, served, and a browser with 回访's results open on it: the index's
/// size, its one shard and three fragments are in the page's memory.
fn a_page_open_on_a_copy() -> (tempfile::TempDir, common::webdriver::Browser, String) {
    let copy = tempfile::tempdir().unwrap();
    common::copy_tree(search_site().0.path(), copy.path());
    let base = common::serve::serve(copy.path().join("public"));
    let browser = common::webdriver::Browser::start();
    browser.go(&format!("{base}entries/?q=%E5%9B%9E%E8%AE%BF"));
    browser.wait_for("//p[@id='results'][.='3 个项目符合条件']");
    (copy, browser, base)
}

/// The site in `copy` built again with an entry that comes first (every other entry's number
/// moves), `background` its first section.
fn publish_an_entry_first(copy: &std::path::Path, background: &str) {
    std::fs::write(
        copy.join("submissions/alpha/a-xin-lai.md"),
        format!("---\ntitle: 新来的项目\ncategory: \"1\"\ncontact: 张三\nphone: 0312-1234567\nsummary: 一句话简介。\n---\n\n## 背景\n\n{background}\n\n## 主要内容\n\n内容。\n\n### 创新性\n\n要点。\n\n## 实施情况\n\n实施。\n\n## 取得的效果\n\n效果。\n"),
    )
    .unwrap();
    let run = common::shenbao(copy, &["build"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

/// Search `q` from the page's form, as a reader does.
fn search_in_page(browser: &common::webdriver::Browser, q: &str) {
    browser.execute(
        "var form = document.getElementById('filters');\
         form.elements.q.value = arguments[0];\
         form.dispatchEvent(new Event('submit', { cancelable: true }));",
        serde_json::json!([q]),
    );
}

/// The site is built again, with an entry that comes first (every other entry's number
/// moves), while a reader's page is open: the page's next search reads the new index whole,
/// not the old one's numbers in the new one's files, and needs no retry.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_search_on_a_page_open_while_the_site_was_replaced_reads_the_new_index() {
    let (copy, browser, base) = a_page_open_on_a_copy();
    publish_an_entry_first(copy.path(), "工会每月开展。");
    // 工会, whose cards the page has not fetched yet.
    search_in_page(&browser, "工会");
    browser.wait_for("//p[@id='results'][.='4 个项目符合条件']");
    let found = sorted(card_titles(&browser.source()));
    assert_eq!(
        found,
        sorted(vec![
            "新来的项目".into(),
            "保定市总工会的服务".into(),
            "跨行的词".into(),
            "分开的字".into()
        ])
    );
    // What a page opened now finds.
    browser.go(&format!("{base}entries/?q=%E5%B7%A5%E4%BC%9A"));
    browser.wait_for("//p[@id='results'][.='4 个项目符合条件']");
    assert_eq!(sorted(card_titles(&browser.source())), found);
}

/// A page left open while the site is published again with an entry added, then searched
/// again for a query whose every file it still holds: after a pause it reads the index's size
/// again and finds the new entry, where it showed the old site's three.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_search_after_a_pause_on_a_page_open_while_the_site_was_replaced_finds_the_new_entries() {
    let (copy, browser, _) = a_page_open_on_a_copy();
    publish_an_entry_first(copy.path(), "每月回访。");
    // Another query and back within the minute: the page's own files, the old site's.
    search_in_page(&browser, "表格");
    browser.wait_for("//p[@id='results'][.='1 个项目符合条件']");
    search_in_page(&browser, "回访");
    browser.wait_for("//p[@id='results'][.='3 个项目符合条件']");
    // Two minutes later, as the page's clock tells it.
    browser.execute(
        "var now = Date.now; Date.now = function () { return now() + 120000; };",
        serde_json::json!([]),
    );
    search_in_page(&browser, "回访");
    browser.wait_for("//p[@id='results'][.='4 个项目符合条件']");
    assert!(card_titles(&browser.source()).contains(&"新来的项目".to_string()));
}

/// A search the reader has left (the query cleared before its files arrived) does not put its
/// results over the list the reader went back to.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_search_the_reader_left_does_not_replace_the_list() {
    let browser = common::webdriver::Browser::start();
    let base = &search_site().1;
    browser.go(&format!("{base}entries/"));
    let listed = card_titles(&browser.source());
    assert!(!listed.is_empty());
    browser.execute(
        "var form = document.getElementById('filters');\
         form.elements.q.value = '回访';\
         form.dispatchEvent(new Event('submit', { cancelable: true }));\
         form.elements.q.value = '';\
         form.dispatchEvent(new Event('submit', { cancelable: true }));",
        serde_json::json!([]),
    );
    // Its shards arrive; then it would have fetched its fragments and shown three cards.
    assert!(until(
        &browser,
        "performance.getEntriesByType('resource').some(e => e.name.includes('/search/g/'))"
    ));
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(card_titles(&browser.source()), listed);
    let line = browser.execute(
        "return document.getElementById('results').textContent;",
        serde_json::json!([]),
    );
    assert_eq!(line, "");
}

/// Poll `script` (a JavaScript expression) until it is true, for at most five seconds.
fn until(browser: &common::webdriver::Browser, script: &str) -> bool {
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        if browser.execute(&format!("return !!({script});"), serde_json::json!([])) == true {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A later page of a search found exactly by its postings fetches the cards of that page
/// alone, not those of the pages before it.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_later_page_of_a_search_fetches_only_its_own_cards() {
    let browser = common::webdriver::Browser::start();
    let base = &search_site().1;
    // 之家, in seventy entries: page 6 shows the ten after the first sixty.
    browser.go(&format!("{base}entries/?q=%E4%B9%8B%E5%AE%B6&page=6"));
    browser.wait_for("//p[@id='results'][.='70 个项目符合条件']");
    assert_eq!(card_titles(&browser.source()).len(), 10);
    let fetched = browser.execute(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/search/e/')).length;",
        serde_json::json!([]),
    );
    assert_eq!(fetched, 10);
}

/// Filters alone read the search index's lists of their category and unit and the cards of
/// their own page, never a list of every entry (26 MB at 100,000 entries), nor of every unit
/// (190 KB at 100,000): the unit in the address is chosen, named by its cards, whatever the
/// unit type. The list of units comes when the select is reached, the unit still chosen in it;
/// a view of a unit with no cards takes its name from that list.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_filtered_view_fetches_its_lists_and_its_own_cards_only() {
    let browser = common::webdriver::Browser::start();
    let base = &search_site().1;
    browser.go(&format!(
        "{base}entries/?category=1&type=county&unit=alpha&page=2"
    ));
    browser.wait_for("//p[@id='results'][.='77 个项目符合条件']");
    assert_eq!(card_titles(&browser.source()).len(), 12);
    let unit = "document.forms.filters.elements.unit";
    assert!(until(
        &browser,
        &format!(
            "{unit}.value === 'alpha' && {unit}.selectedOptions[0].textContent === '甲区' && !{unit}.selectedOptions[0].hidden"
        )
    ));
    let fetched = || -> Vec<String> {
        let fetched = browser.execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            serde_json::json!([]),
        );
        let fetched: Vec<String> = serde_json::from_value(fetched).unwrap();
        fetched
            .iter()
            .map(|url| url.strip_prefix(base.as_str()).unwrap_or(url).to_string())
            .collect()
    };
    // Nothing more comes after the cards.
    std::thread::sleep(Duration::from_millis(300));
    let files = fetched();
    assert_eq!(
        files.iter().filter(|f| f.starts_with("search/e/")).count(),
        12,
        "{files:?}"
    );
    for file in &files {
        assert!(
            file.starts_with("static/") || file.starts_with("search/"),
            "{file} fetched"
        );
    }
    // Reached, the select lists every unit with entries, the address's still chosen.
    browser.execute(
        "document.getElementById('filters').elements.unit.focus();",
        serde_json::json!([]),
    );
    assert!(until(
        &browser,
        &format!(
            "{unit}.options.length === 2 && {unit}.options[1].dataset.type === 'county' && {unit}.value === 'alpha' && {unit}.selectedOptions[0].textContent === '甲区'"
        )
    ));
    assert!(fetched().iter().any(|f| f == "entries/units.json"));

    // A unit's view with no cards (秘密 is only in a draft) names it from the list.
    browser.go(&format!("{base}entries/?q=%E7%A7%98%E5%AF%86&unit=alpha"));
    browser.wait_for("//p[@id='results'][.='没有符合条件的项目。']");
    assert!(until(
        &browser,
        &format!("{unit}.value === 'alpha' && {unit}.selectedOptions[0].textContent === '甲区'")
    ));

    // The address's unit, named by its cards.
    let alpha = || {
        browser.go(&format!("{base}entries/?unit=alpha"));
        assert!(until(
            &browser,
            &format!("{unit}.selectedOptions[0].textContent === '甲区'")
        ));
    };
    // A view without a unit does not offer the one before it alone.
    alpha();
    browser.execute(
        "history.pushState(null, '', '?category=1'); dispatchEvent(new PopStateEvent('popstate'));",
        serde_json::json!([]),
    );
    assert!(until(&browser, &format!("{unit}.options.length === 1")));
    // Choosing a unit type keeps the address's unit if it is of that type, and drops it if not
    // (its type comes with the list of units).
    let choose_type = |t: &str| {
        alpha();
        browser.execute(
            "var t = document.forms.filters.elements.type; t.value = arguments[0]; t.dispatchEvent(new Event('change', {bubbles: true}));",
            serde_json::json!([t]),
        );
    };
    choose_type("county");
    assert!(until(
        &browser,
        "location.search === '?type=county&unit=alpha'"
    ));
    choose_type("grassroots");
    assert!(until(&browser, "location.search === '?type=grassroots'"));
    assert!(until(&browser, &format!("{unit}.value === ''")));
}

/// A phrase whose pieces stand in many entries and whole in none is checked against a bounded
/// number of them, and the page says how many are left, with a button to look further; a
/// phrase in all of them is counted as an estimate until every one is checked.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_search_checks_a_bounded_number_and_says_what_it_left() {
    let browser = common::webdriver::Browser::start();
    let base = &search_site().1;
    let fetched = || {
        browser.execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/search/e/')).length;",
            serde_json::json!([]),
        )
    };
    // 女职工之家
    browser.go(&format!(
        "{base}entries/?q=%E5%A5%B3%E8%81%8C%E5%B7%A5%E4%B9%8B%E5%AE%B6"
    ));
    let results = browser.wait_for("//p[@id='results'][contains(., '尚未核对')]");
    assert_eq!(
        browser.text(&results),
        "暂未找到；另有 10 个项目可能符合，尚未核对。继续查找"
    );
    assert_eq!(fetched(), 60);
    browser.click(&browser.wait_for("//p[@id='results']/button"));
    browser.wait_for("//p[@id='results'][.='没有符合条件的项目。']");
    assert_eq!(fetched(), 70);
    // 职工活动: in all seventy. Page 1 checks twelve; the last page checks them all.
    browser.go(&format!(
        "{base}entries/?q=%E8%81%8C%E5%B7%A5%E6%B4%BB%E5%8A%A8"
    ));
    browser.wait_for("//p[@id='results'][.='约 70 个项目符合条件']");
    assert_eq!(card_titles(&browser.source()).len(), 12);
    browser.go(&format!(
        "{base}entries/?q=%E8%81%8C%E5%B7%A5%E6%B4%BB%E5%8A%A8&page=6"
    ));
    browser.wait_for("//p[@id='results'][.='70 个项目符合条件']");
    assert_eq!(card_titles(&browser.source()).len(), 10);
}

/// Text for a generated campaign, the same on every run.
struct Draw(common::Rng);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    fn han(&mut self, chars: &[char], len: usize) -> String {
        (0..len).map(|_| chars[self.below(chars.len())]).collect()
    }

    /// Runs of Han characters and words, apart (a space, or a list's comma).
    fn text(&mut self, chars: &[char], runs: usize) -> String {
        let mut out = String::new();
        for i in 0..runs {
            if i > 0 {
                out.push_str(["", " ", "，"][self.below(3)]);
            }
            if self.below(5) == 0 {
                out.push_str(&format!(
                    " {} ",
                    SEARCHED_WORDS[self.below(SEARCHED_WORDS.len())]
                ));
            } else {
                let len = 1 + self.below(6);
                out.push_str(&self.han(chars, len));
            }
        }
        out
    }
}

/// Characters no fixture text holds (nor do the few planted below): what the search finds of
/// them is all in the entries the test writes.
const SEARCHED_HAN: [char; 10] = ['鑫', '淼', '犇', '焱', '垚', '磊', '森', '晶', '品', '驫'];
const SEARCHED_WORDS: [&str; 6] = ["alpha", "alpine", "beta", "betray", "gamma", "delta"];

/// The page's reading of the index against a reading of every entry. 640 entries of ten
/// characters and a few words, with lists planted for every way the index writes one (entries
/// as gaps or runs; fields as nibbles, runs, or field by field: in all, all but these, these,
/// a bit per entry), some read as arrays and some as bitsets; then queries of each kind the
/// page looks up (one character, a pair, several terms, a phrase it must check against the
/// text, words and their beginnings, with a category, on a later page). Each shows the count
/// that reading gives, and the cards it ranks on that page (title, summary, unit and
/// category, body; then in entry order), or for a phrase only entries holding it. Breaking
/// any one decoding branch of `showcase.js` fails it (each was tried).
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn a_search_shows_what_reading_every_entry_finds() {
    // A list is read as arrays below one entry in 32 (20 here), as bitsets above.
    const ENTRIES: usize = 640;
    let dir = common::fixture("valid");
    let d = dir.path();
    for old in ["good-entry.md", "second-entry.md"] {
        std::fs::remove_file(d.join("submissions/alpha").join(old)).unwrap();
    }
    let mut draw = Draw(common::Rng(0x5eed_5eed_1234_5678));
    // Each entry's title, summary, implementing unit and body as the index reads them, its
    // category, and its title as its card shows it.
    let mut entries: Vec<([String; 4], &str, String)> = Vec::new();
    for n in 0..ENTRIES {
        // A body draws on four characters that change every forty entries (runs of
        // neighbours), sometimes on any; 驫 and gamma end nearly every body.
        let near: Vec<char> = (0..4).map(|i| SEARCHED_HAN[(n / 40 + i) % 9]).collect();
        let chars: &[char] = if draw.below(10) == 0 {
            &SEARCHED_HAN
        } else {
            &near
        };
        let runs = 2 + draw.below(6);
        let mut body = draw.text(chars, runs);
        if n % 7 != 3 {
            body.push_str("，驫 gamma");
        }
        let mut title = if n % 25 == 0 {
            format!("驫{}", draw.text(&SEARCHED_HAN, 1))
        } else {
            let runs = 1 + draw.below(2);
            draw.text(&SEARCHED_HAN, runs)
        };
        let mut summary = if n % 3 == 0 {
            format!("{}。", draw.text(&SEARCHED_HAN, 2).trim())
        } else {
            "一句话简介。".to_string()
        };
        // 驫 in every summary but thirteen (its summaries written as "all but these").
        if n % 50 != 7 {
            summary.insert(0, '驫');
        }
        let implementing = if n % 4 == 1 {
            format!("{}厂", draw.han(&SEARCHED_HAN, 3))
        } else {
            String::new()
        };
        // Lists planted for each way a list is written (see `Posting::record`). 琦瑶: two
        // bodies, then twelve neighbours' titles (runs of entries; fields as runs).
        if n == 50 || n == 51 {
            body.push_str("，琦瑶");
        }
        if (100..112).contains(&n) {
            title.push_str("琦瑶");
        }
        // 瑾璐: nineteen bodies far apart and all their summaries but one (field by field).
        if (n % 31 == 6 && n < 31 * 18) || n == 50 {
            body.push_str("，瑾璐");
            if n != 37 {
                summary.insert_str(0, "瑾璐");
            }
        }
        // 珂玥: nineteen bodies, and every other one's title (a bit per entry).
        if n % 29 == 4 && n < 29 * 19 {
            body.push_str("，珂玥");
            if n % 2 == 0 {
                title.push_str("珂玥");
            }
        }
        // 璇琳: five entries, each in other fields (a nibble each).
        match n {
            200 | 202 => title.push_str("璇琳"),
            203 => summary.insert_str(0, "璇琳"),
            _ => {}
        }
        if [201, 202, 205].contains(&n) {
            body.push_str("，璇琳");
        }
        // 瑛珏: forty bodies, and all their summaries but two (field by field, read as
        // bitsets).
        if n % 16 == 5 {
            body.push_str("，瑛珏");
            if n != 21 && n != 53 {
                summary.insert_str(0, "瑛珏");
            }
        }
        // omega: in every body but a few (runs of entries), and in runs of twenty titles in
        // the second half (fields as runs, read as bitsets).
        if n % 100 != 50 {
            body.push_str(" omega");
            if n >= ENTRIES / 2 && n % 40 < 20 {
                title.insert_str(0, "omega ");
            }
        }
        // Unique, and found by no query: the title's number.
        let title = format!("{}{n:03}", title.trim());
        let category = if draw.below(3) == 0 { "12" } else { "1" };
        let implementing_line = if implementing.is_empty() {
            String::new()
        } else {
            format!("implementing_unit: {implementing}\n")
        };
        std::fs::write(
            d.join(format!("submissions/alpha/e{n:03}.md")),
            format!(
                "---\ntitle: \"{title}\"\ncategory: \"{category}\"\ncontact: 张三\nphone: 0312-1234567\nsummary: \"{summary}\"\n{implementing_line}---\n\n## 背景\n\n{body}\n\n## 主要内容\n\n内容。\n\n### 创新性\n\n要点。\n\n## 实施情况\n\n实施。\n\n## 取得的效果\n\n效果。\n"
            ),
        )
        .unwrap();
        let shown = title.clone();
        entries.push((
            [title, summary, implementing, body].map(|f| search::normalise(&f)),
            category,
            shown,
        ));
    }
    let run = common::shenbao(d, &["build"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let base = common::serve::serve(d.join("public"));

    // Each query, its category, and the page of its results looked at.
    let mut queries: Vec<(String, Option<&str>, usize)> = Vec::new();
    for c in SEARCHED_HAN {
        queries.push((c.to_string(), None, 1));
    }
    for i in 0..12 {
        let pair = draw.han(&SEARCHED_HAN, 2);
        queries.push((pair.clone(), [None, Some("12")][i % 2], 1));
        let len = 1 + draw.below(2);
        let other = draw.han(&SEARCHED_HAN, len);
        queries.push((format!("{pair} {other}"), None, 1));
    }
    // Phrases of three and four characters taken from bodies (so that most have answers).
    for _ in 0..8 {
        let at = draw.below(ENTRIES);
        let body: Vec<char> = entries[at].0[3].chars().collect();
        let len = 3 + draw.below(2);
        let at = draw.below(body.len().saturating_sub(len).max(1));
        let phrase: String = body[at..(at + len).min(body.len())].iter().collect();
        if phrase.chars().count() == len && phrase.chars().all(search::is_han) {
            queries.push((phrase, None, 1));
        }
    }
    for q in [
        "alpha",
        "alp",
        "a",
        "bet",
        "beta",
        "gamma",
        "delta",
        "alpha 驫",
        "gamma 鑫淼",
        "琦瑶",
        "瑾璐",
        "珂玥",
        "璇琳",
        "瑛珏",
        "omega",
        "om",
        "琦瑶 瑾璐",
        "瑾璐 珂玥",
        "omega 琦瑶",
        "璇琳 驫",
    ] {
        queries.push((q.to_string(), None, 1));
    }
    queries.push(("gamma".to_string(), Some("12"), 1));
    for q in ["omega", "驫", "瑛珏"] {
        queries.push((q.to_string(), None, 2));
    }

    let browser = common::webdriver::Browser::start();
    for (q, category, page) in &queries {
        let terms: Vec<String> = q.split(' ').map(search::normalise).collect();
        // Where each entry holds every term, the sum of where it holds each (title 0, summary
        // 1, unit and category 2, body 3): the page lists by that, then in the showcase's
        // order (here, numbers).
        let mut expected: Vec<(usize, usize)> = entries
            .iter()
            .enumerate()
            .filter(|(_, (_, c, _))| category.is_none_or(|want| *c == want))
            .filter_map(|(n, (fields, _, _))| {
                terms
                    .iter()
                    .map(|t| fields.iter().position(|f| search::holds(f, t)))
                    .sum::<Option<usize>>()
                    .map(|rank| (rank, n))
            })
            .collect();
        expected.sort();
        let title_of = |n: usize| entries[n].2.clone();
        let mut url = format!("{base}entries/?q={}", encoded(q));
        if let Some(c) = category {
            url.push_str(&format!("&category={c}"));
        }
        if *page > 1 {
            url.push_str(&format!("&page={page}"));
        }
        browser.go(&url);
        let shown = wait_for_results(&browser, &url);
        let (text, titles) = (&shown[0], &shown[1..]);
        let phrase = terms
            .iter()
            .any(|t| t.chars().count() > 2 && t.chars().all(search::is_han));
        let what =
            format!("{q} {category:?} page {page}: {text} {titles:?}, expected {expected:?}");
        assert!(!text.contains("未能完成"), "{what}");
        // A phrase's candidates are checked against their text a bounded number at a time:
        // until all are, the page says how many are left, or gives an estimate.
        let estimate = phrase && (text.starts_with("约") || text.contains("尚未核对"));
        if estimate {
            assert!(
                !expected.is_empty() || text.starts_with("暂未找到"),
                "{what}"
            );
        } else if expected.is_empty() {
            assert_eq!(text, "没有符合条件的项目。", "{what}");
        } else {
            assert_eq!(
                text,
                &format!("{} 个项目符合条件", expected.len()),
                "{what}"
            );
        }
        if phrase {
            // Checked against each card's text: what shows holds it, in the order of ranks
            // of its pairs (not of the phrase: within one rank of those, in entry order).
            let holding: Vec<String> = expected.iter().map(|&(_, n)| title_of(n)).collect();
            for t in titles {
                assert!(holding.contains(t), "{t} does not hold it: {what}");
            }
            if !estimate {
                assert_eq!(titles.len(), expected.len().min(12), "{what}");
            }
        } else {
            let on_page: Vec<String> = expected
                .iter()
                .skip((page - 1) * 12)
                .take(12)
                .map(|&(_, n)| title_of(n))
                .collect();
            assert_eq!(titles, &on_page[..], "{what}");
        }
    }
}

/// The text of the search's results line and the titles of its cards, once the search ended.
fn wait_for_results(browser: &common::webdriver::Browser, what: &str) -> Vec<String> {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let found = browser.execute(
            "var r = document.getElementById('results'), f = document.forms.filters;\
             if (!r || !f || r.textContent === '' || r.textContent === f.dataset.searching || r.textContent === f.dataset.filtering) return null;\
             return [r.textContent].concat(Array.from(document.querySelectorAll('.card-title a'), a => a.textContent));",
            serde_json::json!([]),
        );
        if let Some(found) = found.as_array() {
            return found
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect();
        }
        assert!(Instant::now() < end, "{what}: no results");
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// A unit in the address stays chosen through the next change; each search or filter change
/// is a step Back returns from; letters an input method is still composing are not searched.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn the_address_filters_and_back_keep_the_readers_steps() {
    let browser = common::webdriver::Browser::start();
    let base = &search_site().1;
    browser.go(&format!("{base}entries/?q=%E5%9B%9E%E8%AE%BF&unit=alpha"));
    browser.wait_for("//p[@class='card-snippet']/mark[.='回访']");
    assert!(
        until(
            &browser,
            "document.forms.filters.elements.unit.value === 'alpha'"
        ),
        "the unit from the address is shown chosen"
    );
    browser.execute(
        "var c = document.forms.filters.elements.category; c.value = '1'; c.dispatchEvent(new Event('change', {bubbles: true}));",
        serde_json::json!([]),
    );
    assert!(until(&browser, "location.search.includes('category=1')"));
    let url = browser.url();
    assert!(url.contains("unit=alpha"), "the unit stays: {url}");
    browser.execute("history.back();", serde_json::json!([]));
    assert!(until(
        &browser,
        "!location.search.includes('category') && location.search.includes('unit=alpha')"
    ));
    assert!(until(
        &browser,
        "document.forms.filters.elements.category.value === ''"
    ));

    browser.go(&format!("{base}entries/"));
    browser.wait_for("//input[@name='q']");
    browser.execute(
        "var q = document.forms.filters.elements.q; q.value = 'hui'; q.dispatchEvent(new InputEvent('input', {isComposing: true, bubbles: true}));",
        serde_json::json!([]),
    );
    std::thread::sleep(Duration::from_millis(600));
    assert!(!browser.url().contains("q="), "{}", browser.url());
    browser.execute(
        "var q = document.forms.filters.elements.q; q.value = '回访'; q.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true}));",
        serde_json::json!([]),
    );
    browser.wait_for("//p[@class='card-snippet']/mark[.='回访']");
    assert!(browser.url().contains("q=%E5%9B%9E%E8%AE%BF"));
}

/// The page sizes (width, height in points) of `path` printed to PDF by headless Chromium, as
/// a clerk's "print" gives it.
fn printed_pages(path: &str) -> Vec<(f64, f64)> {
    let (_profile, pdf) = print(&format!("{}{path}", site().1));
    let bytes = std::fs::read(&pdf).unwrap();
    // Each page object names its size: `/MediaBox [0 0 width height]`.
    String::from_utf8_lossy(&bytes)
        .split("/MediaBox [")
        .skip(1)
        .map(|rest| {
            let n: Vec<f64> = rest
                .split(']')
                .next()
                .unwrap()
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            (n[2] - n[0], n[3] - n[1])
        })
        .collect()
}

/// The text of each printed page of the page at `url` (as `pdftotext` reads it).
fn printed_text(url: &str) -> Vec<String> {
    let (_profile, pdf) = print(url);
    let out = Command::new(std::env::var_os("SHENBAO_PDFTOTEXT").unwrap_or("pdftotext".into()))
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8(out.stdout).unwrap();
    text.split('\u{c}')
        .filter(|page| !page.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The page at `url` printed to PDF by Chromium, as a user prints it (no browser header or
/// footer): the PDF, in a folder that lives as long as the first value.
fn print(url: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = tempfile::tempdir().unwrap();
    let pdf = folder.path().join("printed.pdf");
    let out = common::chromium::headless(
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
            url.into(),
        ],
        url,
    );
    assert!(
        pdf.is_file(),
        "no PDF of {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (folder, pdf)
}

/// The whole roster (six columns) and the status page (seven) print landscape; a unit's roster
/// and an entry's form (one column of labels) print portrait, as the notice's annexes are.
#[test]
#[cfg_attr(
    not(chromium),
    ignore = "needs Chromium: sudo apt-get install chromium (or set SHENBAO_CHROMIUM)"
)]
fn the_whole_roster_prints_landscape_and_the_sheets_portrait() {
    // The status page too (seven columns).
    for path in ["roster/", "status/"] {
        let pages = printed_pages(path);
        assert!(!pages.is_empty());
        assert!(pages.iter().all(|(w, h)| w > h), "{path}: {pages:?}");
    }
    for path in ["roster/alpha/", "entries/alpha/wangshang/"] {
        let pages = printed_pages(path);
        assert!(!pages.is_empty());
        assert!(pages.iter().all(|(w, h)| w < h), "{path}: {pages:?}");
    }
}

/// Every printed page is numbered, page of pages: a signed roster of several sheets cannot lose
/// or swap one unseen.
#[test]
#[cfg_attr(
    not(all(chromium, pdftotext)),
    ignore = "needs Chromium and pdftotext: sudo apt-get install chromium poppler-utils"
)]
fn printed_pages_are_numbered_page_of_pages() {
    for path in ["roster/", "roster/alpha/", "entries/alpha/wangshang/"] {
        let pages = printed_text(&format!("{}{path}", site().1));
        assert!(!pages.is_empty(), "{path}");
        let n = pages.len();
        for (i, page) in pages.iter().enumerate() {
            // pdftotext reads `1 / 2` without its spaces.
            let number = format!("{}/{n}", i + 1);
            assert!(
                page.lines().any(|l| l.replace(' ', "") == number),
                "{path}: page {} lacks {number}: {page}",
                i + 1
            );
        }
    }
}

/// A unit's sheet whose entries fill its first page does not put the lines to sign alone on a
/// second: the page that is signed shows what is signed (the sheet's last row, under its
/// head). (A sheet whose table itself runs onto a second page can still: see the README.) At
/// any length the lines themselves are never split between pages.
#[test]
#[cfg_attr(
    not(all(chromium, pdftotext, cjk_font)),
    ignore = "needs Chromium, pdftotext and a Chinese font: sudo apt-get install chromium poppler-utils fonts-noto-cjk"
)]
fn the_lines_to_sign_do_not_go_alone_onto_a_second_page() {
    let dir = common::fixture("valid");
    let entry =
        std::fs::read_to_string(dir.path().join("submissions/alpha/second-entry.md")).unwrap();
    let sheet = dir.path().join("sheet.html");
    let mut spilled = 0;
    for n in 1..=20 {
        std::fs::write(
            dir.path().join(format!("submissions/alpha/more-{n:02}.md")),
            entry.replace(
                "title: 第二个项目",
                &format!("title: 第{n}个项目：推进职工服务阵地建设的创新实践"),
            ),
        )
        .unwrap();
        if n < 10 {
            continue;
        }
        let run = common::shenbao(
            dir.path(),
            &[
                "roster",
                "--format",
                "html",
                "--unit",
                "alpha",
                "--out",
                "sheet.html",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let pages = printed_text(&format!("file://{}", sheet.display()));
        // The lines to sign are one piece, however many pages the sheet runs to.
        let signed = pages
            .iter()
            .find(|page| page.contains("主要领导签字"))
            .unwrap_or_else(|| panic!("{n} entries: no lines to sign"));
        assert!(
            signed.contains("单位公章") && signed.contains("日期"),
            "{n} entries: the lines to sign split across pages: {pages:?}"
        );
        // Past two pages the table itself ran over a page, where the lines may stand alone on
        // the last (the README says so): the promise is for a sheet whose rows fill one page.
        if pages.len() == 2 {
            spilled += 1;
            assert!(
                signed.contains("序号"),
                "{n} entries: the lines to sign alone: {signed}"
            );
        }
    }
    assert!(
        spilled > 0,
        "no sheet ran onto exactly a second page: the test tests nothing"
    );
}

/// A printed application form is signed on the page that holds the form: the box for the unit's
/// opinion closes the form, above the materials, whatever their length. (Below them, a body
/// that filled its page put the box alone onto the next, with nothing of what it signs.)
#[test]
#[cfg_attr(
    not(all(chromium, pdftotext, cjk_font)),
    ignore = "needs Chromium, pdftotext and a Chinese font: sudo apt-get install chromium poppler-utils fonts-noto-cjk"
)]
fn a_printed_form_is_signed_on_the_page_that_holds_it() {
    let dir = common::fixture("site");
    let entry = dir.path().join("submissions/alpha/weiquan.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    // Bodies that end near the foot of the first, second and third pages, and short ones.
    let lengths = [4, 8, 21, 24, 27, 30, 33, 50];
    for n in lengths {
        // A heading before every third paragraph: some fall near a page's foot.
        let paragraphs: Vec<String> = (1..=n)
            .map(|i| {
                let heading = if i % 3 == 0 {
                    format!("### 小节{i}\n\n")
                } else {
                    String::new()
                };
                format!("{heading}第{i}段：在车间设立调解室，争议当天化解，职工满意度明显提升。")
            })
            .collect();
        std::fs::write(
            dir.path().join(format!("submissions/alpha/long-{n:02}.md")),
            text.replace("劳动争议调解进车间", &format!("长项目{n}"))
                .replace("示例内容。", &paragraphs.join("\n\n")),
        )
        .unwrap();
    }
    let run = common::shenbao(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = common::serve::serve(dir.path().join("public"));
    let mut pages_seen = Vec::new();
    for n in lengths {
        let pages = printed_text(&format!("{url}entries/alpha/long-{n:02}/"));
        pages_seen.push(pages.len());
        let signed: Vec<&String> = pages
            .iter()
            .filter(|p| p.contains("主要领导签字"))
            .collect();
        assert_eq!(signed.len(), 1, "{n} paragraphs: {pages:?}");
        assert!(
            signed[0].contains("项目名称") && signed[0].contains(&format!("长项目{n}")),
            "{n} paragraphs: the lines to sign without the form: {}",
            signed[0]
        );
        assert!(
            pages.last().unwrap().contains(&format!("第{n}段")),
            "{n} paragraphs: the materials do not end the form"
        );
        // No heading is left alone at a page's foot (the page number follows the last line).
        for page in &pages {
            let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
            let last = lines.iter().rev().nth(1).unwrap_or(&"");
            assert!(
                !last.starts_with("小节"),
                "{n} paragraphs: a heading alone at the foot: {page}"
            );
        }
    }
    assert!(
        pages_seen.iter().any(|&p| p >= 3),
        "no form ran to a third page: {pages_seen:?}"
    );
}

/// The whole roster printed names each entry's unit on the row, on every page: a unit with more
/// entries than a page holds starts where the last unit ended (it used to move whole to the next
/// page, half a page blank before it) and its rows on the next page still say whose they are.
/// The unit's own sheet names it at the head of every page after the first.
#[test]
#[cfg_attr(
    not(all(chromium, pdftotext, cjk_font)),
    ignore = "needs Chromium, pdftotext and a Chinese font: sudo apt-get install chromium poppler-utils fonts-noto-cjk"
)]
fn a_printed_roster_names_the_unit_on_every_row_of_every_page() {
    let dir = common::fixture("site");
    let text = std::fs::read_to_string(dir.path().join("submissions/alpha/weiquan.md")).unwrap();
    for n in 1..=40 {
        std::fs::write(
            dir.path().join(format!("submissions/alpha/more-{n:02}.md")),
            text.replace("劳动争议调解进车间", &format!("调解进车间第{n}项")),
        )
        .unwrap();
    }
    let run = common::shenbao(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = common::serve::serve(dir.path().join("public"));
    let pages = printed_text(&format!("{url}roster/"));
    assert!(pages.len() >= 2, "the roster fits one page: {pages:?}");
    let mut rows = 0;
    for (i, page) in pages.iter().enumerate() {
        let titles = page.matches("调解进车间第").count();
        let units = page.matches("甲区总工会").count();
        assert!(
            units >= titles,
            "page {}: {titles} of the unit's rows, its name {units} times: {page}",
            i + 1
        );
        rows += titles;
        if i == 0 {
            assert!(
                titles >= 5,
                "page 1 holds {titles} of the unit's rows: {page}"
            );
        }
    }
    assert_eq!(rows, 40, "rows lost or repeated");
    // The unit's own sheet, over several pages: each page after the first names the unit at
    // its head (the first has it under the title), so that a page photographed alone says
    // whose it is.
    let pages = printed_text(&format!("{url}roster/alpha/"));
    assert!(pages.len() >= 2, "the sheet fits one page: {pages:?}");
    for (i, page) in pages.iter().enumerate().skip(1) {
        assert!(
            page.contains("甲区总工会 · 申报汇总表"),
            "page {} does not name the unit: {page}",
            i + 1
        );
    }
    assert!(
        !pages[0].contains("甲区总工会 · 申报汇总表"),
        "page 1 has the title already: {}",
        pages[0]
    );
}

/// What a reader on a phone (390 CSS pixels wide) relies on: no page runs off the right edge
/// (an entry's body with a long address, a long number and a table of eight columns neither:
/// the text wraps, the table scrolls on its own) or hides a table's columns of the site's in a
/// sideways scroll, and the menu shows the item of the page they are on.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn on_a_phone_no_page_runs_off_the_screen_and_the_menu_shows_where_one_is() {
    let browser = common::webdriver::Browser::start();
    browser.resize(390, 844);
    let base = &site().1;
    for path in [
        "",
        "pages/notice/",
        "entries/",
        "entries/alpha/wangshang/",
        "entries/beta/hostile/",
        "categories/",
        "categories/12/",
        "units/",
        "units/alpha/",
        "roster/",
        "roster/alpha/",
        "status/",
        "404.html",
    ] {
        browser.go(&format!("{base}{path}"));
        // A page just loaded was now and then measured 648 pixels wide, with no element wider
        // than the window a moment later (also before 2026-12-02): its width is what it
        // settles to, or the assertion below says what it stayed at.
        let _ = until(
            &browser,
            "document.documentElement.scrollWidth <= window.innerWidth",
        );
        let sizes = browser.execute(
            "var d = document.documentElement; return [d.scrollWidth, window.innerWidth];",
            serde_json::json!([]),
        );
        assert!(
            sizes[0].as_u64() <= sizes[1].as_u64(),
            "/{path} is wider than the phone: {sizes}"
        );
        // Nor is a table's column hidden in a scrolling box (the status page's state was).
        let hidden = browser.execute(
            "return [...document.querySelectorAll('.table-scroll')]\
             .filter(e => e.scrollWidth > e.clientWidth).length;",
            serde_json::json!([]),
        );
        assert_eq!(hidden, 0, "/{path} scrolls a table sideways");
        // The current menu item (none on a sheet or the 404 page) is wholly on the screen.
        let current = browser.execute(
            "var a = document.querySelector('.nav a[aria-current]'); if (!a) return null;\
             var r = a.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom, window.innerWidth, window.innerHeight];",
            serde_json::json!([]),
        );
        if let Some(r) = current.as_array() {
            let r: Vec<f64> = r.iter().map(|x| x.as_f64().unwrap()).collect();
            assert!(
                r[0] >= 0.0 && r[1] <= r[4] && r[2] >= 0.0 && r[3] <= r[5],
                "/{path}: the current menu item is off the screen: {r:?}"
            );
        }
    }
}

/// A print button works by script: without scripts the pages do not show it (it would do
/// nothing); with them it shows.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn print_buttons_show_only_where_a_script_makes_them_work() {
    let (dir, base) = site();
    let browser = common::webdriver::Browser::start();
    let boxed = |on: bool, path: &str| {
        browser.cdp(
            "Emulation.setScriptExecutionDisabled",
            serde_json::json!({"value": !on}),
        );
        browser.go(&format!("{base}{path}"));
        // Read without a script (the page may run none): whether the button has a box drawn.
        (0..50).find_map(|_| {
            let root = browser.cdp("DOM.getDocument", serde_json::json!({}));
            let node = browser
                .try_cdp(
                    "DOM.querySelector",
                    serde_json::json!({"nodeId": root["root"]["nodeId"], "selector": "[data-print]"}),
                )
                .ok()?;
            let drawn = browser
                .try_cdp("DOM.getBoxModel", serde_json::json!({"nodeId": node["nodeId"]}))
                .is_ok();
            if on && !drawn {
                // The script may not have run yet.
                std::thread::sleep(Duration::from_millis(100));
                return None;
            }
            Some(drawn)
        })
    };
    for path in ["entries/alpha/wangshang/", "roster/", "roster/alpha/"] {
        assert_eq!(
            boxed(false, path),
            Some(false),
            "/{path}: a print button shows without scripts"
        );
        assert_eq!(
            boxed(true, path),
            Some(true),
            "/{path}: no print button with scripts"
        );
        let html = std::fs::read_to_string(dir.path().join("public").join(path).join("index.html"))
            .unwrap();
        let buttons: Vec<&str> = html
            .split("<button")
            .skip(1)
            .filter(|b| b.contains("data-print"))
            .collect();
        assert!(!buttons.is_empty(), "/{path} has no print button");
        for b in buttons {
            assert!(
                b.split('>').next().unwrap().contains(" hidden"),
                "/{path}: {b}"
            );
        }
    }
}

/// On a phone the showcase's filters are folded, so that the first screen shows an entry; a tap
/// opens them. On a desktop they are open.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn the_filters_fold_on_a_phone_and_the_first_screen_shows_an_entry() {
    let browser = common::webdriver::Browser::start();
    let base = &site().1;
    browser.resize(390, 844);
    browser.go(&format!("{base}entries/"));
    browser.wait_for("//details[@id='filters-fold'][not(@hidden)]");
    let state = browser.execute(
        "var f = document.getElementById('filters-fold'); var c = document.querySelector('#cards .card');\
         return [f.open, c.getBoundingClientRect().top, window.innerHeight];",
        serde_json::json!([]),
    );
    assert_eq!(state[0], false, "{state}");
    assert!(
        state[1].as_f64() < state[2].as_f64(),
        "no entry on the first screen: {state}"
    );
    let summary = browser.wait_for("//details[@id='filters-fold']/summary");
    browser.click(&summary);
    let search = browser.wait_for("//input[@name='q']");
    browser.type_in(&search, "调解");
    browser.wait_for("//h3[@class='card-title']/a[.='劳动争议调解进车间']");
    // A filtered address opens them, whatever the width; so does a desktop's.
    browser.go(&format!("{base}entries/?category=12"));
    browser.wait_for("//details[@id='filters-fold'][@open]");
    browser.resize(1280, 900);
    browser.go(&format!("{base}entries/"));
    browser.wait_for("//details[@id='filters-fold'][@open]");
}

/// The footer reaches the bottom of the window on a page shorter than it.
#[test]
#[cfg_attr(
    not(chromedriver),
    ignore = "needs Chromium and its WebDriver: sudo apt-get install chromium chromium-driver"
)]
fn the_footer_sits_at_the_bottom_of_a_short_page() {
    let browser = common::webdriver::Browser::start();
    browser.resize(1280, 1400);
    for path in ["404.html", "categories/"] {
        browser.go(&format!("{}{path}", site().1));
        // As on a phone (above): the layout it settles to.
        let _ = until(
            &browser,
            "Math.abs(document.querySelector('footer').getBoundingClientRect().bottom - window.innerHeight) < 1",
        );
        let at = browser.execute(
            "var f = document.querySelector('footer').getBoundingClientRect();\
             return [f.bottom, window.innerHeight, document.documentElement.scrollHeight];",
            serde_json::json!([]),
        );
        let (bottom, height, scroll) = (
            at[0].as_f64().unwrap(),
            at[1].as_f64().unwrap(),
            at[2].as_f64().unwrap(),
        );
        assert!(scroll <= height, "/{path} is not short at this size: {at}");
        assert!((bottom - height).abs() < 1.0, "/{path}: {at}");
    }
}
