//! `shenbao serve` as a clerk uses it: the real binary on a temporary campaign, pages fetched
//! over HTTP, an entry edited, broken and fixed, and paths that try to leave the site.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server, stopped when the test ends however it ends.
struct Server {
    child: Child,
    addr: String,
    /// Every line the server printed so far.
    said: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["serve", "--port", "0"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start shenbao serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let said = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = said.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.split(" http://").nth(1) {
                let _ = tx.send(url.split('/').next().unwrap().to_string());
            }
            kept.lock().unwrap().push(line);
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it listens");
    Server { child, addr, said }
}

/// A raw GET, so that paths reach the server exactly as written.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Fetch `path` until `wanted` holds, for at most `within`.
fn until(addr: &str, path: &str, within: Duration, wanted: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (_, body) = get(addr, path);
        if wanted(&body) {
            return body;
        }
        assert!(
            start.elapsed() < within,
            "not served within {within:?}; last page:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_edit_is_served_a_broken_entry_shows_the_overlay_and_a_fix_removes_it() {
    let dir = common::fixture("site");
    let server = start(dir.path());
    let page = "/entries/alpha/weiquan/";
    let (status, body) = get(&server.addr, page);
    assert_eq!(status, 200);
    assert!(body.contains("劳动争议调解进车间"));
    assert!(body.contains("livereload"), "pages reload themselves");
    assert!(!body.contains("shenbao-overlay"));

    let file = dir.path().join("submissions/alpha/weiquan.md");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        original.replace("劳动争议调解进车间", "劳动争议调解进班组"),
    )
    .unwrap();
    until(&server.addr, page, Duration::from_secs(1) + DEBOUNCE, |b| {
        b.contains("劳动争议调解进班组")
    });

    std::fs::write(&file, original.replace("category: 5", "category: 99")).unwrap();
    let broken = until(&server.addr, page, Duration::from_secs(1) + DEBOUNCE, |b| {
        b.contains("shenbao-overlay")
    });
    assert!(
        broken.contains("submissions/alpha/weiquan.md:3:11"),
        "{broken}"
    );
    assert!(broken.contains("invalid-value"));
    // Every page carries it, the last good site underneath.
    let (_, home) = get(&server.addr, "/");
    assert!(home.contains("shenbao-overlay") && home.contains("测试创新奖"));

    std::fs::write(&file, &original).unwrap();
    until(&server.addr, page, Duration::from_secs(1) + DEBOUNCE, |b| {
        !b.contains("shenbao-overlay") && b.contains("劳动争议调解进车间")
    });

    // Files in a brand-new folder are found.
    let folder = dir.path().join("submissions/gamma/xin");
    std::fs::create_dir_all(&folder).unwrap();
    let entry = std::fs::read_to_string(dir.path().join("submissions/gamma/yuanqu.md")).unwrap();
    std::fs::write(
        dir.path().join("submissions/gamma/xin.md"),
        entry.replace("园区工会联合会“一站式”服务", "新建的项目"),
    )
    .unwrap();
    until(
        &server.addr,
        "/entries/gamma/xin/",
        Duration::from_secs(1) + DEBOUNCE,
        |b| b.contains("新建的项目"),
    );
}

/// The watcher waits this long for a burst of changes to settle before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(200);

#[test]
fn no_path_leaves_the_site() {
    let dir = common::fixture("site");
    // A symlink in the campaign pointing outside it is not followed either: files are served
    // from the built site in memory, never from a folder.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", dir.path().join("submissions/alpha/etc")).unwrap();
    let server = start(dir.path());
    for path in [
        "/../campaign.yaml",
        "/%2e%2e/campaign.yaml",
        "/%2E%2E%2Fcampaign.yaml",
        "/entries/..%2f..%2fcampaign.yaml",
        "/entries/../../campaign.yaml",
        "/./campaign.yaml",
        "/campaign.yaml",
        "/submissions/alpha/unit.yaml",
        "/submissions/alpha/etc/passwd",
        "/..%5c..%5ccampaign.yaml",
        "//etc/passwd",
        "/%00",
    ] {
        let (status, body) = get(&server.addr, path);
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(
            !body.contains("organisers") && !body.contains("root:"),
            "{path} leaked:\n{body}"
        );
    }
    let (status, _) = get(&server.addr, "/static/style.css");
    assert_eq!(status, 200);
}

/// A raw request with the given `Host`.
fn get_as(addr: &str, host: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A web page open beside the preview can make a name of its own resolve to 127.0.0.1 (DNS
/// rebinding) and read the drafts and phone numbers: the server answers only addresses and
/// localhost.
#[test]
fn a_request_for_another_host_name_is_refused() {
    let dir = common::fixture("site");
    let server = start(dir.path());
    let port = server.addr.rsplit(':').next().unwrap();
    assert_eq!(
        get_as(&server.addr, &format!("127.0.0.1:{port}"), "/roster/"),
        200
    );
    assert_eq!(
        get_as(&server.addr, &format!("localhost:{port}"), "/roster/"),
        200
    );
    for host in [
        format!("rebind.evil.example:{port}"),
        "rebind.evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
    ] {
        assert_eq!(get_as(&server.addr, &host, "/roster/"), 421, "{host}");
    }
}

/// A client that dribbles its request head is cut off, and others are answered meanwhile: a few
/// hundred such connections must not stop the preview.
#[test]
fn slow_request_heads_are_timed_out_and_do_not_block_others() {
    let dir = common::fixture("site");
    let server = start(dir.path());
    // Bounded: 300 connections, each one partial line.
    let mut slow: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(&server.addr).ok())
        .collect();
    for stream in &mut slow {
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: 127");
    }
    let started = Instant::now();
    let (status, _) = get(&server.addr, "/");
    assert_eq!(status, 200, "answered while 300 heads dribble");
    // Each slow connection is closed by the server once its head is late.
    let first = &mut slow[0];
    first
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = first.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(20),
        "the slow connection was never closed"
    );
}

/// The preview sends its pages with a policy that loads nothing from other sites, in place of
/// the pages' own (which would forbid the preview's reload script).
#[test]
fn pages_are_served_with_a_content_security_policy() {
    let dir = common::fixture("site");
    let server = start(dir.path());
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let policy = response
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("content-security-policy:")
        })
        .unwrap_or_else(|| panic!("no policy in:\n{response}"));
    assert!(policy.contains("img-src 'self' data:"), "{policy}");
    assert!(policy.contains("frame-src 'none'"), "{policy}");
    assert!(
        !response.contains("http-equiv=\"Content-Security-Policy\""),
        "the served page keeps its meta policy"
    );
}

/// Wait until the server has printed a line holding `wanted`; everything it printed.
fn printed(server: &Server, wanted: &str) -> String {
    let start = Instant::now();
    loop {
        let all = server.said.lock().unwrap().join("\n");
        if all.contains(wanted) {
            return all;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never printed {wanted:?}:\n{all}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_terminal_says_where_a_broken_entry_or_campaign_yaml_is_wrong_in_the_campaigns_language() {
    let dir = common::fixture("site");
    let server = start(dir.path());
    let file = dir.path().join("submissions/alpha/weiquan.md");
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replace("category: 5", "category: 99")).unwrap();
    let said = printed(&server, "错误 1 个");
    // An entry's error is the entry's, said as check says it; not campaign.yaml's.
    assert!(said.contains("submissions/alpha/weiquan.md:3:11"), "{said}");
    assert!(!said.contains("campaign.yaml 有"), "{said}");
    std::fs::write(&file, &original).unwrap();

    let campaign = dir.path().join("campaign.yaml");
    let text = std::fs::read_to_string(&campaign).unwrap();
    std::fs::write(&campaign, format!("{text}deadline_typo: 1\n")).unwrap();
    let said = printed(&server, "改正后会自动重试");
    // Where in campaign.yaml, in Chinese.
    assert!(said.contains("campaign.yaml:"), "{said}");
    assert!(said.contains("未知字段 `deadline_typo`，可选："), "{said}");
    // And where it listens.
    assert!(
        said.lines()
            .any(|l| l.starts_with("shenbao：网站预览在 http://")),
        "{said}"
    );
    assert!(said.contains("campaign.yaml 有 1 个错误"), "{said}");

    // A theme's broken template: said in the terminal and on the page, in Chinese too.
    std::fs::write(&campaign, &text).unwrap();
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("status.html"), "{% if x %}坏了\n").unwrap();
    let said = printed(&server, "模板错误：");
    assert!(said.contains("shenbao：模板错误："), "{said}");
    let page = until(&server.addr, "/", Duration::from_secs(20), |p| {
        p.contains("模板错误：")
    });
    assert!(!page.contains("template error"), "{page}");
}

/// A file in the campaign written again and again, never closed (a log kept there, say), must
/// not hold back the rebuild of a save beside it.
#[test]
fn a_file_written_without_pause_does_not_hold_back_a_save() {
    let dir = common::fixture("site");
    let server = start(dir.path());
    let page = "/entries/alpha/weiquan/";
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writing = {
        let (stop, log) = (stop.clone(), dir.path().join("notes.log"));
        std::thread::spawn(move || {
            let mut log = std::fs::File::create(log).unwrap();
            // Bounded: 20 s at most, whatever happens to the test.
            for i in 0..4000 {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                writeln!(log, "line {i}").unwrap();
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let file = dir.path().join("submissions/alpha/weiquan.md");
    common::edit(&file, "劳动争议调解进车间", "劳动争议调解进班组");
    until(&server.addr, page, Duration::from_secs(5), |b| {
        b.contains("劳动争议调解进班组")
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writing.join().unwrap();
}

/// An entry committed while `serve` runs arrives then, though no file of the campaign changes:
/// its page says when, as a build after the commit would (git's folder is otherwise not
/// watched).
#[test]
fn a_commit_while_serving_gives_the_entry_its_arrival() {
    let dir = common::fixture("site");
    let d = dir.path();
    common::git(d, &["init", "-q", "-b", "main"]);
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "the call"]);
    let source = std::fs::read_to_string(d.join("submissions/gamma/yuanqu.md")).unwrap();
    std::fs::write(
        d.join("submissions/gamma/xin.md"),
        source.replace("园区工会联合会“一站式”服务", "刚写好的项目"),
    )
    .unwrap();
    let server = start(d);
    let page = until(
        &server.addr,
        "/entries/gamma/xin/",
        Duration::from_secs(20),
        |p| p.contains("刚写好的项目"),
    );
    assert!(!page.contains("首次提交"), "not yet committed: {page}");
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "an entry"]);
    until(
        &server.addr,
        "/entries/gamma/xin/",
        Duration::from_secs(20),
        |p| p.contains("首次提交"),
    );
}
