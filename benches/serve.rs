//! `cargo bench --bench serve`: the time from saving one entry to its rebuilt page being served
//! by `shenbao serve`, on the generated 10,000-entry campaign, and the server's memory over
//! successive edits (`SHENBAO_BENCH_EDITS`, default 50; the bar is flat over 1,000).
//! The bar (issue 13): at most 50 ms median from save to served.

mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::ms;

fn main() {
    let n = corpus::sizes("10000")[0];
    let edits: usize = std::env::var("SHENBAO_BENCH_EDITS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(50);
    let Some(campaign) = corpus::corpus(n) else {
        return;
    };
    // One server at a time: each binary's session runs alone, one after the other.
    for (label, bin) in corpus::binaries() {
        session(label, &bin, &campaign, n, edits);
    }
}

/// Serve the campaign with `bin`, edit one entry `edits` times, and print how fast each edit was
/// served and how the server's memory grew.
fn session(label: &str, bin: &std::path::Path, campaign: &std::path::Path, n: usize, edits: usize) {
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0"])
        .current_dir(campaign)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("shenbao serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep reading what the server prints, so that its output never blocks.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.split(" http://").nth(1) {
                let _ = tx.send(url.split('/').next().unwrap().to_string());
            }
        }
    });
    let addr = rx.recv().expect("the server says where it listens");
    let entry = first_entry(campaign);
    let page = format!("/entries/{}/", entry.0);
    let file = campaign.join("submissions").join(format!("{}.md", entry.0));
    let original = std::fs::read_to_string(&file).unwrap();

    let rss_before = rss(child.id());
    let mut times = Vec::new();
    for i in 0..edits {
        let marker = format!("修改标记{i}");
        std::fs::write(
            &file,
            original.replacen("\n## 背景\n", &format!("\n## 背景\n\n{marker}\n"), 1),
        )
        .unwrap();
        let start = Instant::now();
        loop {
            if get(&addr, &page).contains(&marker) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "edit {i} never served"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        times.push(start.elapsed());
        // A clerk pauses between saves: the server catches up on the lists meanwhile.
        std::thread::sleep(Duration::from_millis(600));
    }
    let rss_after = rss(child.id());
    std::fs::write(&file, &original).unwrap();
    let _ = child.kill();
    let _ = child.wait();

    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{label}: {n} entries, {edits} edits: save → served, median {:.0} ms, min {:.0} ms, max {:.0} ms",
        ms(median),
        ms(times[0]),
        ms(*times.last().unwrap())
    );
    println!(
        "server memory: {} MB after the first build, {} MB after {edits} edits",
        rss_before / 1024,
        rss_after / 1024
    );
    let verdict = if median <= Duration::from_millis(50) {
        "meets"
    } else {
        "MISSES"
    };
    println!("{verdict} the 50 ms bar");
}

/// `unit/slug` of the first entry of the campaign.
fn first_entry(campaign: &std::path::Path) -> (String,) {
    let mut units: Vec<_> = std::fs::read_dir(campaign.join("submissions"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    units.sort();
    let unit = &units[0];
    let mut slugs: Vec<_> = std::fs::read_dir(campaign.join("submissions").join(unit))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
        .collect();
    slugs.sort();
    (format!("{unit}/{}", slugs[0]),)
}

fn get(addr: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut body = Vec::new();
    let _ = stream.read_to_end(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

/// Resident memory of a process, in KB (Linux).
fn rss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
