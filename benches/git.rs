//! `cargo bench --bench git`: what reading git adds to `shenbao check` on 10,000 entries with a
//! 20,000-commit history (cold: `--no-cache`), against `git log --name-status` over the same
//! history, the one command Hugo runs for its GitInfo.
//!
//! The repository is made in seconds with `git fast-import` from the generated campaign: one
//! commit with the call and the unit cards, one per entry adding it, then one per entry editing
//! it, all dated before the deadline. `SHENBAO_BENCH_SIZES` and `SHENBAO_BENCH_COMMITS` change
//! the size.

mod corpus;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::ms;

const RUNS: usize = 5;

fn main() {
    let n = corpus::sizes("10000")[0];
    let commits: usize = std::env::var("SHENBAO_BENCH_COMMITS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(2 * n);
    let Some(campaign) = corpus::corpus(n) else {
        return;
    };
    let repo = repository(&campaign, n, commits);

    let binaries = corpus::binaries();
    let cases: [(&str, &Path, &[&str]); 3] = [
        (
            "check without git",
            &campaign,
            &["check", "--format", "json"],
        ),
        (
            "check, history read cold",
            &repo,
            &["check", "--format", "json", "--no-cache"],
        ),
        (
            "check, history from cache",
            &repo,
            &["check", "--format", "json"],
        ),
    ];
    // Each case's median per binary, the binaries run in turns.
    let medians: Vec<Vec<Duration>> = cases
        .iter()
        .map(|(_, dir, args)| {
            let bins: Vec<&str> = binaries.iter().map(|(_, b)| b.to_str().unwrap()).collect();
            medians(&bins, |bin| time(dir, bin, args))
        })
        .collect();
    let git_log = median(|| time(&repo, "git", &["log", "--name-status", "--no-renames"]));
    println!("{n} entries, {commits} commits, median of {RUNS} runs (wall time)");
    for ((name, _, _), per_binary) in cases.iter().zip(&medians) {
        for ((label, _), t) in binaries.iter().zip(per_binary) {
            println!("  {name:<28} {label:>8} {:>8.1} ms", ms(*t));
        }
    }
    let added = medians[1][0].saturating_sub(medians[0][0]);
    println!("  git adds (cold)              {:>8.1} ms", ms(added));
    println!("  git log --name-status        {:>8.1} ms", ms(git_log));
    let verdict = if added * 2 <= git_log {
        "meets"
    } else {
        "MISSES"
    };
    println!(
        "  {verdict} the bar: git costs check at most half of what git log --name-status takes"
    );
}

/// The median of `f` for each binary, after a warm-up, the binaries taking turns.
fn medians(binaries: &[&str], f: impl Fn(&str) -> Duration) -> Vec<Duration> {
    for bin in binaries {
        f(bin);
    }
    let mut all = vec![Vec::new(); binaries.len()];
    for _ in 0..RUNS {
        for (times, bin) in all.iter_mut().zip(binaries) {
            times.push(f(bin));
        }
    }
    all.into_iter()
        .map(|mut t| {
            t.sort();
            t[RUNS / 2]
        })
        .collect()
}

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..RUNS).map(|_| f()).collect();
    times.sort();
    times[RUNS / 2]
}

fn time(dir: &Path, program: &str, args: &[&str]) -> Duration {
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    let elapsed = start.elapsed();
    assert!(status.code().is_some(), "{program} was killed");
    elapsed
}

/// The campaign as a git repository of `commits` commits, next to the campaign.
fn repository(campaign: &Path, n: usize, commits: usize) -> PathBuf {
    let dir = campaign.with_file_name(format!("{n}-git-{commits}"));
    if dir.join(".git").is_dir() {
        return dir;
    }
    eprintln!(
        "making a {commits}-commit repository in {} …",
        dir.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);

    let mut base = Vec::new();
    let mut entries = Vec::new();
    for (rel, path) in files(campaign) {
        if rel.starts_with("submissions/") && rel.ends_with(".md") {
            entries.push((rel, path));
        } else {
            base.push((rel, path));
        }
    }
    entries.sort();

    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut out = std::io::BufWriter::new(child.stdin.take().unwrap());
    // 2017-11-01 08:00 +08:00; every commit a minute later, all well before the deadline.
    let start = 1_509_494_400i64;
    let mut mark = 0usize;
    let mut commit = |out: &mut dyn Write, files: &[(String, Vec<u8>)], message: &str| {
        mark += 1;
        let when = start + 60 * mark as i64;
        writeln!(out, "commit refs/heads/main\nmark :{mark}").unwrap();
        writeln!(out, "author bench <bench@example.org> {when} +0800").unwrap();
        writeln!(out, "committer bench <bench@example.org> {when} +0800").unwrap();
        writeln!(out, "data {}\n{message}", message.len()).unwrap();
        if mark > 1 {
            writeln!(out, "from :{}", mark - 1).unwrap();
        }
        for (rel, bytes) in files {
            writeln!(out, "M 100644 inline {rel}\ndata {}", bytes.len()).unwrap();
            out.write_all(bytes).unwrap();
            writeln!(out).unwrap();
        }
    };
    let read = |p: &PathBuf| std::fs::read(p).unwrap();
    let first: Vec<(String, Vec<u8>)> = base.iter().map(|(r, p)| (r.clone(), read(p))).collect();
    commit(&mut out, &first, "the call");
    let rest = commits.saturating_sub(1);
    let adding = rest.min(entries.len()).max(1);
    // The entries arrive over the first commits …
    for (i, chunk) in entries.chunks(entries.len().div_ceil(adding)).enumerate() {
        let files: Vec<_> = chunk.iter().map(|(r, p)| (r.clone(), read(p))).collect();
        commit(&mut out, &files, &format!("entries {i}"));
    }
    // … and the remaining commits edit them.
    for i in 0..rest.saturating_sub(adding) {
        let (rel, path) = &entries[i % entries.len()];
        let mut bytes = read(path);
        bytes.extend_from_slice(format!("\n补充说明{i}。\n").as_bytes());
        commit(&mut out, &[(rel.clone(), bytes)], &format!("edit {i}"));
    }
    drop(out);
    assert!(child.wait().unwrap().success(), "git fast-import failed");
    git(&dir, &["checkout", "-q", "-f", "main"]);
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

/// Every file of the campaign, relative path and path.
fn files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for item in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = item.path();
            if item.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, path));
            }
        }
    }
    out
}
