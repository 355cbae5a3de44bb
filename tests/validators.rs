//! The validators users' tools apply, on every page type of the sample campaign's site and of the
//! portal: axe-core in headless Chromium finds no serious or critical accessibility violation,
//! and the Nu Html Checker no error. Each run also meets a page with planted defects and must
//! find them there, so a validator that silently checks nothing fails the test.
//!
//! The tools: `sudo apt-get install chromium chromium-driver default-jre-headless` and
//! `npm ci --ignore-scripts` in `tools/` (see `tests/common/validators.rs`); without them these
//! tests are listed as ignored, saying so. CI installs them (`.ci/run`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::portal::{Client, ENTRY, Portal, repository, request, start, with};
use common::shenbao;

/// The sample campaign at the repository's root, built into a temporary folder.
fn sample_site() -> &'static (tempfile::TempDir, PathBuf) {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let run = shenbao(root, &["build", "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        (dir, out)
    })
}

/// One page of each type the site has (an entry with photos, a unit, a category…).
const SITE_PAGES: &[&str] = &[
    "",
    "entries/",
    "entries/lianchi/zhijian-gonghui/",
    "categories/",
    "categories/12/",
    "units/",
    "units/lianchi/",
    "status/",
    "roster/",
    "roster/lianchi/",
    "pages/notice/",
    "pages/guide/",
    "no/such/page/",
];

/// The valid fixture as a repository, its portal, and login tokens of unit `alpha` and of the
/// research office.
fn portal() -> (tempfile::TempDir, Portal, String, String) {
    let dir = repository(true);
    let run = shenbao(
        dir.path(),
        &[
            "portal",
            "invite",
            "alpha",
            "--organiser",
            "office@example.org",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tokens: Vec<String> = run
        .stdout
        .lines()
        .map(|l| l.rsplit('/').next().unwrap().to_string())
        .collect();
    let portal = start(dir.path(), &[]);
    (dir, portal, tokens[0].clone(), tokens[1].clone())
}

/// Save an entry through the portal as `action` (`draft` or `submit`), with `phone`; where
/// the portal sends the clerk next.
fn save(alpha: &Client, title: &str, phone: &str, action: &str) -> String {
    let csrf = alpha.csrf("/entries/new");
    let form = with(
        ENTRY,
        &[
            ("csrf", csrf.as_str()),
            ("base", "new"),
            ("title", title),
            ("phone", phone),
            ("action", action),
        ],
    );
    let r = alpha.post("/entries/new", &form);
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location").unwrap().to_string()
}

/// The portal's pages a unit and the office see, as (name, path, whose): the login page,
/// the unit's home, an empty form, a form with its errors shown, an entry with a photo, the
/// receipt, the card, the roster sheet, the office's pages, and the not-found page.
fn portal_pages(alpha: &Client) -> Vec<(&'static str, String, &'static str)> {
    let with_errors = save(alpha, "带错误的草稿", "123", "draft");
    let receipt = save(alpha, "已提交的项目", "0312-1234567", "submit");
    assert!(receipt.contains("/receipt"), "{receipt}");
    vec![
        ("home", "/".into(), "alpha"),
        ("new", "/entries/new".into(), "alpha"),
        ("errors", with_errors, "alpha"),
        ("photo", "/entries/good-entry".into(), "alpha"),
        ("receipt", receipt, "alpha"),
        ("card", "/card".into(), "alpha"),
        ("roster", "/roster".into(), "alpha"),
        ("not-found", "/no/such/page".into(), "alpha"),
        ("office", "/office".into(), "office"),
        ("reminders", "/office/reminders".into(), "office"),
    ]
}

/// A report of the blocking violations of each page, empty when there are none.
fn blocking(found: &[(String, Vec<common::validators::Violation>)]) -> String {
    let mut out = String::new();
    for (page, violations) in found {
        for v in violations.iter().filter(|v| v.blocking()) {
            out.push_str(&format!(
                "{page}: {} ({}): {}\n    {}\n",
                v.rule,
                v.impact,
                v.help,
                v.nodes.join("\n    ")
            ));
        }
    }
    out
}

/// Every rule found, with how many pages break it, for the test's log.
fn tally(found: &[(String, Vec<common::validators::Violation>)]) -> String {
    let mut rules = std::collections::BTreeMap::<String, usize>::new();
    for (_, violations) in found {
        for v in violations {
            *rules
                .entry(format!("{} ({})", v.rule, v.impact))
                .or_default() += 1;
        }
    }
    format!("{rules:?}")
}

#[test]
#[cfg_attr(
    not(all(chromedriver, axe)),
    ignore = "needs Chromium, its WebDriver and axe-core: sudo apt-get install chromium chromium-driver; (cd tools && npm ci --ignore-scripts), or set SHENBAO_AXE"
)]
fn axe_finds_no_serious_violation_on_any_page_of_the_site_and_finds_a_planted_one() {
    let browser = common::webdriver::Browser::start();
    // The planted page first: axe must see low contrast and an unlabelled input there.
    let planted = tempfile::tempdir().unwrap();
    let page = common::validators::plant(planted.path());
    browser.go(&format!("file://{}", page.display()));
    let rules: Vec<String> = common::validators::axe(&browser)
        .into_iter()
        .filter(|v| v.blocking())
        .map(|v| v.rule)
        .collect();
    for rule in ["color-contrast", "label", "image-alt"] {
        assert!(
            rules.contains(&rule.to_string()),
            "{rule} not found: {rules:?}"
        );
    }

    let (_, public) = sample_site();
    let base = common::serve::serve(public.clone());
    let mut found = Vec::new();
    // A phone's width and a desktop's: some parts show in one only.
    for (width, height) in [(390, 844), (1280, 900)] {
        browser.resize(width, height);
        for path in SITE_PAGES {
            browser.go(&format!("{base}{path}"));
            found.push((
                format!("{width}px /{path}"),
                common::validators::axe(&browser),
            ));
        }
    }
    eprintln!(
        "axe on the site, every rule broken (pages): {}",
        tally(&found)
    );
    let report = blocking(&found);
    assert!(report.is_empty(), "{report}");
}

#[test]
#[cfg_attr(
    not(all(chromedriver, axe)),
    ignore = "needs Chromium, its WebDriver and axe-core: sudo apt-get install chromium chromium-driver; (cd tools && npm ci --ignore-scripts), or set SHENBAO_AXE"
)]
fn axe_finds_no_serious_violation_on_any_page_of_the_portal_nor_does_one_overflow_a_phone() {
    let (_dir, portal, alpha_token, office_token) = portal();
    let base = format!("http://{}", portal.addr);
    let alpha = Client::login(&portal.addr, &alpha_token);
    let pages = portal_pages(&alpha);
    let browser = common::webdriver::Browser::start();
    browser.resize(390, 844);
    let mut found = Vec::new();
    // Before logging in: the signed-out page and the login link's page.
    browser.go(&format!("{base}/"));
    found.push(("signed-out".to_string(), common::validators::axe(&browser)));
    for (token, whose) in [(&alpha_token, "alpha"), (&office_token, "office")] {
        browser.go(&format!("{base}/login/{token}"));
        found.push((format!("login {whose}"), common::validators::axe(&browser)));
        browser.press("登录");
        browser.wait_for("//main//h1");
        for (name, path, who) in pages.iter().filter(|p| p.2 == whose) {
            browser.go(&format!("{base}{path}"));
            found.push((format!("{name} {who}"), common::validators::axe(&browser)));
            // A clerk's phone: no page runs off its right edge.
            let sizes = browser.execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                serde_json::json!([]),
            );
            assert!(
                sizes[0].as_u64() <= sizes[1].as_u64(),
                "{name} is wider than the phone: {sizes}"
            );
        }
    }
    eprintln!(
        "axe on the portal, every rule broken (pages): {}",
        tally(&found)
    );
    let report = blocking(&found);
    assert!(report.is_empty(), "{report}");
}

#[test]
#[cfg_attr(
    not(vnu),
    ignore = "needs the Nu Html Checker and Java: sudo apt-get install default-jre-headless; (cd tools && npm ci --ignore-scripts), or set SHENBAO_VNU"
)]
fn the_nu_html_checker_finds_no_error_in_the_site_or_the_portal_and_finds_a_planted_one() {
    // Every page the sample campaign's site has (a hundred, in one run of the checker).
    let (_, public) = sample_site();
    // The portal's pages as its server sends them.
    let (_dir, portal, alpha_token, office_token) = portal();
    let saved = tempfile::tempdir().unwrap();
    let signed_out = request(&portal.addr, "GET", "/", &[], b"");
    let login = request(
        &portal.addr,
        "GET",
        &format!("/login/{alpha_token}"),
        &[],
        b"",
    );
    let mut bodies = vec![
        ("signed-out".to_string(), signed_out.body),
        ("login".to_string(), login.body),
    ];
    let alpha = Client::login(&portal.addr, &alpha_token);
    let office = Client::login(&portal.addr, &office_token);
    for (name, path, who) in portal_pages(&alpha) {
        let client = if who == "office" { &office } else { &alpha };
        let page = client.get(&path);
        assert!(
            page.header("content-type")
                .is_some_and(|t| t.starts_with("text/html")),
            "{name}: {page:?}"
        );
        bodies.push((name.to_string(), page.body));
    }
    for (name, body) in &bodies {
        std::fs::write(saved.path().join(format!("portal-{name}.html")), body).unwrap();
    }
    let planted = tempfile::tempdir().unwrap();
    let planted_page = common::validators::plant(planted.path());

    let errors = common::validators::vnu(&[public, saved.path(), planted.path()]);
    let (in_planted, others): (Vec<_>, Vec<_>) = errors
        .into_iter()
        .partition(|e| e.file.ends_with("planted.html"));
    // The checker reads the files: the planted page's defects are found.
    let said: Vec<&str> = in_planted.iter().map(|e| e.message.as_str()).collect();
    assert!(
        said.iter().any(|m| m.contains("alt")) && said.iter().any(|m| m.contains("scope")),
        "{}: {said:?}",
        planted_page.display()
    );
    let report: Vec<String> = others
        .iter()
        .map(|e| format!("{}:{}: {}", e.file, e.line, e.message))
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}
