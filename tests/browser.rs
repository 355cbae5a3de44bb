//! Built pages in a real browser: headless Chromium loads them from a local HTTP server, runs
//! their scripts (`--dump-dom` prints the document afterwards), and reports console messages.
//!
//! CI installs Debian's `chromium`. Elsewhere, set `SHENBAO_CHROMIUM` to a Chromium or Chrome
//! binary; without one these tests fail rather than pass silently, unless
//! `SHENBAO_SKIP_BROWSER=1` says to skip them.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The fixture site, built once for all tests, and the address serving it.
fn site() -> &'static (tempfile::TempDir, String) {
    static SITE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = common::fixture("site");
        let run = common::shenbao(dir.path(), &["build"]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let url = serve(dir.path().join("public"));
        (dir, url)
    })
}

/// A minimal static file server on a free port of 127.0.0.1, for as long as the tests run.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root));
        }
    });
    url
}

fn answer(mut stream: TcpStream, root: &Path) {
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let mut file = root.to_path_buf();
    let mut ok = true;
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        ok &= part != "..";
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let (status, file) = match std::fs::read(&file) {
        Ok(bytes) if ok => ("200 OK", (file, bytes)),
        _ => (
            "404 Not Found",
            (
                root.join("404.html"),
                std::fs::read(root.join("404.html")).unwrap_or_default(),
            ),
        ),
    };
    let (file, body) = file;
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SHENBAO_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// What the browser made of a page: the document after its scripts ran, and every console
/// message.
struct Loaded {
    dom: String,
    console: Vec<String>,
}

/// Load `path` (relative to the site) in headless Chromium. `None` when skipping is allowed.
fn load(path: &str) -> Option<Loaded> {
    let Some(browser) = chromium() else {
        if std::env::var_os("SHENBAO_SKIP_BROWSER").is_some() {
            eprintln!("skipped: no Chromium (SHENBAO_SKIP_BROWSER is set)");
            return None;
        }
        panic!(
            "no Chromium found: install chromium, set SHENBAO_CHROMIUM, or SHENBAO_SKIP_BROWSER=1"
        );
    };
    let (_, base) = site();
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            // Virtual time lets the page's fetch of the index finish before the dump.
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("{base}{path}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            panic!("chromium hung on {path}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
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
        let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(sorted(card_titles(&page.dom)), sorted(expected), "{url}");
        assert!(page.console.is_empty(), "{url}: {:?}", page.console);
    }
}

#[test]
fn without_filters_every_entry_is_listed_and_the_filters_show() {
    let Some(page) = load("entries/") else { return };
    assert_eq!(card_titles(&page.dom).len(), 5);
    // The form is hidden for browsers without scripts; the script reveals it.
    let form = page.dom.split("id=\"filters\"").nth(1).unwrap();
    assert!(
        !form.split('>').next().unwrap().contains("hidden"),
        "the filters stay hidden"
    );
}

#[test]
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
fn the_home_page_tells_the_deadline_state() {
    let Some(page) = load("") else { return };
    // The fixture's deadline, 2017, has passed: the script says so.
    assert!(page.dom.contains("申报已截止"), "{}", page.dom);
}
