//! `cargo bench --bench portal`: the submission portal under load, on a copy of the sample
//! campaign (its 19 units).
//!
//! 1. 200 clients at once (`SHENBAO_BENCH_CLIENTS`), each logging in and submitting an entry with
//!    a 1 MB photo: new draft, upload, submit — three commits each. Every submission must be in
//!    the history and `check` clean. Prints throughput and p50/p95 latency.
//! 2. Two portal processes on clones of one bare remote (`--remote origin`), half the clients
//!    each: every submission must reach the remote.
//! 3. One 200 MB upload: how much the portal's peak memory grows (bar: under 32 MB).
//!
//! All traffic goes to 127.0.0.1.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::git;
use common::portal::{Client, Portal, start};

fn main() {
    let clients: usize = std::env::var("SHENBAO_BENCH_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    // Saves queue behind each other: a clerk's browser waits minutes, not seconds.
    common::portal::READ_TIMEOUT_SECS.store(600, std::sync::atomic::Ordering::Relaxed);
    one_portal(clients);
    two_portals(clients);
    big_upload();
}

/// The sample campaign at the repository's root, copied into a new repository.
fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["campaign.yaml", "content", "submissions"] {
        let from = root.join(part);
        if from.is_dir() {
            common::copy_tree(&from, &dir.path().join(part));
        } else {
            std::fs::copy(&from, dir.path().join(part)).unwrap();
        }
    }
    common::portal::commit_the_call(dir.path());
    dir
}

/// One login token per unit of the registry.
fn tokens(dir: &Path) -> Vec<String> {
    let run = common::shenbao(dir, &["portal", "invite", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .map(|l| l.rsplit('/').next().unwrap().to_string())
        .collect()
}

/// A JPEG of exactly `size` bytes: a real photo, padded after its end.
fn photo(size: usize) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bytes =
        std::fs::read(root.join("tests/fixtures/valid/submissions/alpha/good-entry/photo.jpg"))
            .unwrap();
    bytes.resize(size, 0);
    bytes
}

fn form<'a>(
    csrf: &'a str,
    base: &'a str,
    title: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    common::portal::with(
        common::portal::ENTRY,
        &[
            ("csrf", csrf),
            ("base", base),
            ("title", title),
            ("summary", "压力测试：职工在手机上办理入会和求助。"),
            ("action", action),
        ],
    )
}

/// One clerk's whole submission: log in, new draft, upload the photo, submit. Its duration.
fn submit(addr: &str, token: &str, title: &str, photo: &[u8]) -> Duration {
    let start = Instant::now();
    let client = Client::login(addr, token);
    let csrf = client.csrf("/entries/new");
    // A unit without its card fills it in first, as the home page asks.
    if client.get("/").body.contains("请先填写单位信息") {
        let r = client.post(
            "/card",
            &[
                ("csrf", &csrf),
                ("leader", "李主席"),
                ("responsible", "王干事"),
                ("responsible_phone", "13912345678"),
            ],
        );
        assert_eq!(r.status, 303, "card: {}", r.body);
    }
    let r = client.post("/entries/new", &form(&csrf, "new", title, "draft"));
    assert_eq!(r.status, 303, "draft of {title}: {}", r.body);
    let slug = r
        .header("location")
        .unwrap()
        .trim_start_matches("/entries/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let r = client.upload(
        &format!("/entries/{slug}/files"),
        &csrf,
        &[("files", "photo.jpg", photo)],
    );
    assert_eq!(r.status, 303, "upload of {title}: {}", r.body);
    let page = client.get(&format!("/entries/{slug}")).body;
    let base = page
        .split("name=\"base\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut fields = form(&csrf, &base, title, "submit");
    fields.push(("attachment.0.file", "photo.jpg"));
    fields.push(("cover", "photo.jpg"));
    let r = client.post(&format!("/entries/{slug}"), &fields);
    assert_eq!(r.status, 303, "submission of {title}: {}", r.body);
    start.elapsed()
}

/// `clients` clerks at once, spread over `portals` (address, tokens); their durations.
fn load(portals: &[(String, Vec<String>)], clients: usize, tag: &str) -> (Duration, Vec<Duration>) {
    let photo = Arc::new(photo(1024 * 1024));
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (addr, tokens) = portals[i % portals.len()].clone();
            let photo = photo.clone();
            let title = format!("{tag}压力测试项目{i}");
            std::thread::spawn(move || submit(&addr, &tokens[i % tokens.len()], &title, &photo))
        })
        .collect();
    let mut times: Vec<Duration> = threads
        .into_iter()
        .map(|t| t.join().expect("a clerk failed"))
        .collect();
    let wall = start.elapsed();
    times.sort();
    (wall, times)
}

fn report(what: &str, clients: usize, wall: Duration, times: &[Duration]) {
    let pct = |p: f64| {
        times[((times.len() as f64 * p).ceil() as usize)
            .saturating_sub(1)
            .min(times.len() - 1)]
    };
    println!(
        "{what}: {clients} submissions in {:.1} s = {:.1} submissions/s; per submission (login, draft, 1 MB photo, submit) p50 {:.0} ms, p95 {:.0} ms",
        wall.as_secs_f64(),
        clients as f64 / wall.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.95).as_secs_f64() * 1e3,
    );
}

/// Every submission's commit is in `log`.
fn all_there(log: &str, tag: &str, clients: usize) {
    let missing: Vec<usize> = (0..clients)
        .filter(|i| !log.contains(&format!("提交项目《{tag}压力测试项目{i}》")))
        .collect();
    assert!(missing.is_empty(), "lost submissions: {missing:?}");
}

fn one_portal(clients: usize) {
    let dir = sample();
    let tokens = tokens(dir.path());
    let portal = start(dir.path(), &[]);
    let (wall, times) = load(&[(portal.addr.clone(), tokens)], clients, "甲");
    report("one portal", clients, wall, &times);
    drop(portal);
    let log = git(dir.path(), &["log", "--format=%s"]);
    all_there(&log, "甲", clients);
    let run = common::shenbao(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        run.json()["summary"]["errors"],
        0,
        "check is not clean: {}",
        run.stdout
    );
    println!(
        "  history: {} commits, check: 0 errors, none lost",
        log.lines().count()
    );
}

fn two_portals(clients: usize) {
    let dir = sample();
    let host = tempfile::tempdir().unwrap();
    let bare = host.path().join("campaign.git");
    git(
        dir.path(),
        &["clone", "-q", "--bare", ".", bare.to_str().unwrap()],
    );
    let mut portals: Vec<Portal> = Vec::new();
    let mut targets = Vec::new();
    for name in ["a", "b"] {
        let clone = host.path().join(name);
        git(
            host.path(),
            &[
                "clone",
                "-q",
                bare.to_str().unwrap(),
                clone.to_str().unwrap(),
            ],
        );
        let tokens = tokens(&clone);
        let portal = start(&clone, &["--remote", "origin"]);
        targets.push((portal.addr.clone(), tokens));
        portals.push(portal);
    }
    let (wall, times) = load(&targets, clients, "乙");
    report("two portals, one bare remote", clients, wall, &times);
    drop(portals);
    let log = git(
        host.path(),
        &["--git-dir", bare.to_str().unwrap(), "log", "--format=%s"],
    );
    all_there(&log, "乙", clients);
    println!("  remote: {} commits, none lost", log.lines().count());
}

fn peak_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn big_upload() {
    let dir = sample();
    let tokens = tokens(dir.path());
    let portal = start(dir.path(), &[]);
    let client = Client::login(&portal.addr, &tokens[0]);
    let csrf = client.csrf("/entries/new");
    let r = client.post("/entries/new", &form(&csrf, "new", "大文件测试", "draft"));
    let slug = r
        .header("location")
        .unwrap()
        .trim_start_matches("/entries/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let pid = portal.child.id();
    let before = peak_kb(pid);
    let video = vec![0u8; 200 * 1024 * 1024];
    let start = Instant::now();
    let r = client.upload(
        &format!("/entries/{slug}/files"),
        &csrf,
        &[("files", "video.mp4", &video)],
    );
    let took = start.elapsed();
    assert_eq!(r.status, 303, "{}", r.body);
    let after = peak_kb(pid);
    let file: PathBuf = dir.path().join(format!(
        "submissions/{}/{slug}/video.mp4",
        unit_of(&dir, &slug)
    ));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 200 * 1024 * 1024);
    println!(
        "200 MB upload: {:.1} s; the portal's peak memory {} MB → {} MB (+{} MB; bar: under 32 MB)",
        took.as_secs_f64(),
        before / 1024,
        after / 1024,
        after.saturating_sub(before) / 1024
    );
}

/// The unit folder holding `slug`.
fn unit_of(dir: &tempfile::TempDir, slug: &str) -> String {
    std::fs::read_dir(dir.path().join("submissions"))
        .unwrap()
        .flatten()
        .find(|u| u.path().join(format!("{slug}.md")).is_file())
        .map(|u| u.file_name().to_string_lossy().into_owned())
        .expect("the entry's unit")
}
