//! `cargo bench --bench floor`: the least any generator must do for this site, beside
//! `shenbao build`, in one run (`SHENBAO_BENCH_SIZES`, default 10000 entries).
//!
//! The floor reads every entry, splits off its front matter, renders its Markdown with
//! pulldown-cmark, and writes the tree `shenbao build` writes — the same paths, each file the
//! same size — on both cores, into a fresh folder on tmpfs. It parses no YAML, checks nothing,
//! runs no template, makes no thumbnail, export or index: whatever shenbao spends beyond it is
//! the price of what it does beyond that. Printed: the medians of 5 runs of each (3 at 100,000
//! entries), taken in turns, their peak memory, and the ratio.

#[allow(dead_code)] // other benchmarks compare binaries with it
mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let tmp = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target")
    };
    for n in corpus::sizes("10000") {
        let Some(dir) = corpus::corpus(n) else { return };
        let work = tempfile::tempdir_in(&tmp).unwrap();
        // The tree to write: what the build writes (one build, which also warms the cache).
        let reference = work.path().join("reference");
        build(&dir, &reference);
        let mut tree = Vec::new();
        list(&reference, &reference, &mut tree);
        let bytes: u64 = tree.iter().map(|t| t.1).sum();
        std::fs::remove_dir_all(&reference).unwrap();
        let runs = if n >= 100_000 { 3 } else { 5 };
        let (mut floor, mut ours) = (Vec::new(), Vec::new());
        for i in 0..runs {
            let out = work.path().join(format!("floor-{i}"));
            let start = Instant::now();
            write_floor(&dir, &tree, &out);
            floor.push(start.elapsed().as_secs_f64());
            std::fs::remove_dir_all(&out).unwrap();
            let out = work.path().join(format!("build-{i}"));
            ours.push(build(&dir, &out));
            std::fs::remove_dir_all(&out).unwrap();
        }
        floor.sort_by(f64::total_cmp);
        ours.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (f, (b, peak)) = (floor[runs / 2], ours[runs / 2]);
        println!(
            "{n} entries, {} files, {:.0} MB: floor {:.0} ms, shenbao build {:.0} ms (peak {peak} MB): {:.2}× the floor (bar: 2×)",
            tree.len(),
            bytes as f64 / 1e6,
            f * 1e3,
            b * 1e3,
            b / f
        );
    }
}

/// `shenbao build` into `out`: wall seconds and peak memory in MB.
fn build(campaign: &Path, out: &Path) -> (f64, u64) {
    let start = Instant::now();
    let run = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_shenbao"))
        .args(["build", "--out"])
        .arg(out)
        .current_dir(campaign)
        .output()
        .unwrap();
    let took = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let peak = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or(0);
    (took, peak / 1024)
}

/// Every file under `dir`: its path relative to `root`, and its size.
fn list(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, u64)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        let kind = e.file_type().unwrap();
        if kind.is_dir() {
            list(root, &path, out);
        } else {
            let size = e.metadata().unwrap().len();
            out.push((path.strip_prefix(root).unwrap().to_path_buf(), size));
        }
    }
}

fn entries(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if e.file_type().unwrap().is_dir() {
            entries(&path, out);
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
}

/// The floor: read, split, render, write the same tree.
fn write_floor(campaign: &Path, tree: &[(PathBuf, u64)], out: &Path) {
    let mut files = Vec::new();
    entries(&campaign.join("submissions"), &mut files);
    let html: Vec<String> = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let body = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("\n---\n"))
                .map_or(text.as_str(), |(_, body)| body);
            let mut html = String::with_capacity(body.len() * 2);
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
            html
        })
        .collect();
    // What is written: the rendered pages' bytes, as many as each file of the tree has.
    let largest = tree.iter().map(|t| t.1).max().unwrap_or(0) as usize;
    let mut filler: Vec<u8> = Vec::with_capacity(largest);
    while filler.len() < largest {
        for page in &html {
            filler.extend_from_slice(page.as_bytes());
            if filler.len() >= largest {
                break;
            }
        }
    }
    let mut dirs: Vec<PathBuf> = tree
        .iter()
        .filter_map(|(rel, _)| rel.parent().map(|p| out.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).unwrap();
    }
    tree.par_iter().for_each(|(rel, size)| {
        std::fs::write(out.join(rel), &filler[..*size as usize]).unwrap();
    });
}
