//! `cargo bench --bench search`: the full-text search index on the generated campaigns
//! (`SHENBAO_BENCH_SIZES`, default 10000): how long it takes to build beside the whole `build`,
//! how large it is and how many files, and how much a query loads (the shards of its grams and
//! the fragments of its first page of results) for common and rare queries. With
//! `SHENBAO_BENCH_PAGEFIND=<pagefind binary>`, Pagefind indexes the same built site in the same
//! run, for comparison (`npm install pagefind` ships its binary).

#[allow(dead_code)] // other benchmarks compare binaries with it; this one runs one
mod corpus;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use shenbao_core::project::{self, LoadOptions};
use shenbao_site::search;

const QUERIES: &[&str] = &[
    "的",
    "工会",
    "职工",
    "保定市总工会",
    "服务",
    "回访",
    "5g",
    "2017",
    "困难职工 帮扶",
];
const PER_PAGE: usize = 12;

fn main() {
    for n in corpus::sizes("10000") {
        let Some(dir) = corpus::corpus(n) else { return };
        bench(&dir, n);
    }
}

fn bench(dir: &Path, n: usize) {
    let options = LoadOptions {
        render_bodies: true,
        skip_git: true,
        ..LoadOptions::default()
    };
    let project = project::load(dir, options, &shenbao_git::Git).expect("load");
    let summary = shenbao_core::summary::Summary::of(&project, false);
    let model = shenbao_site::model::assemble(
        &project,
        &summary,
        &shenbao_site::media::Media::default(),
        &shenbao_site::model::ModelOptions {
            no_media: true,
            ..Default::default()
        },
        &shenbao_site::model::Reuse::default(),
    );
    let mut times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..3 {
        let memory = shenbao_site::output::Memory::default();
        let start = Instant::now();
        search::write(&model, &memory).expect("the index");
        times.push(start.elapsed());
        let mut all: Vec<(String, Vec<u8>)> = memory
            .into_files()
            .into_iter()
            .map(|(p, b)| (p, b.to_vec()))
            .collect();
        all.sort();
        files = all;
    }
    times.sort();
    let index = times[1];
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let shards: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("search/g/"))
        .collect();
    let largest = shards.iter().map(|(_, b)| b.len()).max().unwrap_or(0);

    // The whole build, with the index in it, by the binary.
    // On tmpfs when there is one, as the other build benchmarks: the disk's noise is not ours.
    let shm = Path::new("/dev/shm");
    let out = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let start = Instant::now();
    let run = Command::new(env!("CARGO_BIN_EXE_shenbao"))
        .args(["build", "--out"])
        .arg(out.path().join("public"))
        .current_dir(dir)
        .output()
        .unwrap();
    let build = start.elapsed();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    println!(
        "{n} entries: index built in {:.0} ms (median of 3) — {:.0}% of the build's {:.0} ms without it; {} files, {:.1} MB ({} shards, the largest {:.0} KB)",
        corpus::ms(index),
        100.0 * index.as_secs_f64() / (build - index).as_secs_f64(),
        corpus::ms(build - index),
        files.len(),
        bytes as f64 / 1e6,
        shards.len(),
        largest as f64 / 1e3
    );

    // What each query loads.
    let by_path: BTreeMap<&str, &Vec<u8>> = files.iter().map(|(p, b)| (p.as_str(), b)).collect();
    let count = shards.len() as u32;
    let mut loads = Vec::new();
    for q in QUERIES {
        let (loaded, hits) = query(&by_path, count, q);
        println!(
            "  query {q:<12} loads {:>6.1} KB, {hits} candidates",
            loaded as f64 / 1e3
        );
        loads.push(loaded);
    }
    loads.sort();
    let p95 = loads[((loads.len() as f64 * 0.95).ceil() as usize - 1).min(loads.len() - 1)];
    println!(
        "  p95 of the query set: {:.1} KB (bar: 150 KB)",
        p95 as f64 / 1e3
    );

    if let Some(pagefind) = std::env::var_os("SHENBAO_BENCH_PAGEFIND") {
        let start = Instant::now();
        let run = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(pagefind)
            .args(["--site"])
            .arg(out.path().join("public"))
            .output()
            .unwrap();
        let took = start.elapsed();
        let report = String::from_utf8_lossy(&run.stderr);
        let peak = report
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
            .unwrap_or("?");
        let (n_files, size) = tree_size(&out.path().join("public/pagefind"));
        println!(
            "  Pagefind on the same site: {:.1} s, peak {} MB, {} files, {:.1} MB",
            took.as_secs_f64(),
            peak.parse::<u64>()
                .map_or("?".into(), |k| (k / 1024).to_string()),
            n_files,
            size as f64 / 1e6
        );
    }
}

fn tree_size(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut size = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                let (f, s) = tree_size(&p);
                files += f;
                size += s;
            } else {
                files += 1;
                size += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    (files, size)
}

/// The bytes a query loads as `showcase.js` does it (meta, the shards of its grams, the
/// fragments of its first page of candidates), and how many candidates it has.
fn query(files: &BTreeMap<&str, &Vec<u8>>, shards: u32, q: &str) -> (usize, usize) {
    let mut loaded = files["search/meta.json"].len();
    let mut seen_shards = std::collections::BTreeSet::new();
    let mut sets: Vec<std::collections::BTreeSet<u32>> = Vec::new();
    for term in q.split_whitespace() {
        let norm = search::normalise(term);
        let mut lookups: Vec<(String, bool)> = Vec::new();
        for run in norm.split(' ') {
            let chars: Vec<char> = run.chars().collect();
            if chars.iter().all(|c| search::is_han(*c)) {
                if chars.len() == 1 {
                    lookups.push((format!("c:{}", chars[0]), false));
                }
                for w in chars.windows(2) {
                    lookups.push((format!("c:{}{}", w[0], w[1]), false));
                }
            } else {
                lookups.push((format!("w:{run}"), true));
            }
        }
        for (gram, prefix) in lookups {
            let shard = search::shard_of(&gram, shards);
            let bytes = files[format!("search/g/{shard}.bin").as_str()];
            if seen_shards.insert(shard) {
                loaded += bytes.len();
            }
            sets.push(postings(bytes, &gram, prefix));
        }
    }
    let mut found: Vec<u32> = sets
        .first()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    found.retain(|d| sets.iter().all(|s| s.contains(d)));
    for doc in found.iter().take(PER_PAGE) {
        loaded += files[format!("search/e/{doc}.json").as_str()].len();
    }
    (loaded, found.len())
}

fn postings(bytes: &[u8], gram: &str, prefix: bool) -> std::collections::BTreeSet<u32> {
    let mut out = std::collections::BTreeSet::new();
    let mut at = 0;
    let varint = |at: &mut usize| {
        let (mut n, mut shift) = (0u32, 0);
        loop {
            let b = bytes[*at];
            *at += 1;
            n |= u32::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return n;
            }
        }
    };
    while at < bytes.len() {
        let len = bytes[at] as usize;
        let g = std::str::from_utf8(&bytes[at + 1..at + 1 + len]).unwrap_or("");
        at += 1 + len;
        let count = varint(&mut at);
        let wanted = if prefix {
            g.starts_with(gram)
        } else {
            g == gram
        };
        let mut last = 0;
        for _ in 0..count {
            last += varint(&mut at);
            if wanted {
                out.insert(last);
            }
        }
        at += (count as usize).div_ceil(2);
    }
    out
}
