//! `cargo bench --bench search`: the full-text search index on the generated campaigns
//! (`SHENBAO_BENCH_SIZES`, default 10000): how long it takes to build beside the whole `build`,
//! how large it is and how many files, how much a query loads (the shards of its grams and the
//! fragments of its first page of results) for common and rare queries and for the showcase's
//! filters (a category, a unit type, a unit, alone or with a query), and — where Chromium
//! and chromedriver are — how long each query takes in the browser, from pressing Enter on a
//! freshly loaded showcase (nothing cached) to the results shown, and how many it finds against
//! the entries that truly hold it.
//!
//! `SHENBAO_BENCH_NO_BROWSER=1` leaves the browser out; `SHENBAO_BENCH_INDEX_ONLY=1` only
//! builds the index in memory, ten times (to profile it).
//!
//! With `SHENBAO_BENCH_PAGEFIND=<pagefind binary>`, Pagefind indexes the same built site in the
//! same run (its entry pages, `--glob entries/*/*/index.html`), and the same queries are timed and
//! counted with its own browser API, for comparison (`npm install pagefind` ships its binary).

#[allow(dead_code)] // the browser tests use the rest of it
#[path = "../tests/common/chromium.rs"]
mod chromium;
#[allow(dead_code)] // other benchmarks compare binaries with it; this one runs one
mod corpus;
#[path = "../tests/common/serve.rs"]
mod serve;
#[allow(dead_code)] // the tests use the rest of it
#[path = "../tests/common/webdriver.rs"]
mod webdriver;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use shenbao_core::project::{self, LoadOptions};
use shenbao_site::search;

/// Common characters and words, phrases of the generated text, pieces that cross its word
/// boundaries (会工 in 各级工会工匠精神, 精神困难, 社区形成), digits in titles and table cells,
/// two terms, and words no entry holds.
const QUERIES: &[&str] = &[
    "的",
    "工会",
    "职工",
    "创新工作室",
    "会工",
    "精神困难",
    "社区形成",
    "525",
    "1869",
    "困难职工 帮扶",
    "保定市总工会",
    "回访",
    "5g",
];
const PER_PAGE: usize = 12;
/// Times each query is timed in the browser, each time on a freshly loaded page.
const ROUNDS: usize = 5;

fn main() {
    for n in corpus::sizes("10000") {
        let Some(dir) = corpus::corpus(n) else { return };
        bench(&dir, n);
    }
}

/// The CPU time this process has used, user and system, in seconds (Linux's clock ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<f64> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    (fields.get(10).unwrap_or(&0.0) + fields.get(11).unwrap_or(&0.0)) / 100.0
}

fn bench(dir: &Path, n: usize) {
    let options = LoadOptions {
        bodies: project::Bodies::Rendered,
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
    if std::env::var_os("SHENBAO_BENCH_INDEX_ONLY").is_some() {
        for _ in 0..10 {
            let (start, cpu) = (Instant::now(), cpu_seconds());
            search::Index::new(&model.entries)
                .write(&shenbao_site::output::Memory::default())
                .expect("the index");
            // CPU time too: it holds still while other work shares the cores.
            println!(
                "index built in {:.0} ms, {:.0} ms of CPU",
                corpus::ms(start.elapsed()),
                (cpu_seconds() - cpu) * 1000.0
            );
        }
        // What `serve` does after a save: one entry's body edited, the kept index brought up
        // to date (the grams it touched rewritten in their shards, its fragment).
        let mut index = search::Index::new(&model.entries);
        let mut entries = model.entries.clone();
        for i in 0..5 {
            let e = &model.entries[i * 97 % model.entries.len()];
            let edited = shenbao_site::entry::EntryView {
                path: e.path.clone(),
                title: e.title.clone(),
                summary: e.summary.clone(),
                text: format!("{}回访记录{i}", e.text).into(),
                unit: e.unit.clone(),
                unit_type: e.unit_type.clone(),
                unit_name: e.unit_name.clone(),
                category: e.category.clone(),
                category_name: e.category_name.clone(),
                implementing_unit: e.implementing_unit.clone(),
                ..Default::default()
            };
            entries[i * 97 % model.entries.len()] = std::sync::Arc::new(edited);
            let (start, memory) = (Instant::now(), shenbao_site::output::Memory::default());
            assert!(index.update(&entries, &memory).expect("the update"));
            println!(
                "index brought up to date after one entry's edit in {:.1} ms ({} files)",
                corpus::ms(start.elapsed()),
                memory.into_files().len()
            );
        }
        return;
    }
    for _ in 0..3 {
        let memory = shenbao_site::output::Memory::default();
        let start = Instant::now();
        search::Index::new(&model.entries)
            .write(&memory)
            .expect("the index");
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

    // On tmpfs when there is one, as the other build benchmarks: the disk's noise is not ours.
    let shm = Path::new("/dev/shm");
    let out = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    // The whole build, by this binary and (`SHENBAO_BENCH_BASELINE`, e.g. the commit before the
    // search) another, in turns: medians of 3 of wall time and peak memory.
    let mut runs: Vec<(&str, Vec<(f64, u64)>)> = Vec::new();
    for _ in 0..3 {
        for (name, binary) in corpus::binaries() {
            let target = out.path().join(format!("public-{name}"));
            let _ = std::fs::remove_dir_all(&target);
            let start = Instant::now();
            let run = Command::new("/usr/bin/time")
                .arg("-v")
                .arg(&binary)
                .args(["build", "--out"])
                .arg(&target)
                .current_dir(dir)
                .output()
                .unwrap();
            let took = start.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(run.status.success(), "{stderr}");
            let peak = peak_mb(&stderr).parse().unwrap_or(0);
            match runs.iter_mut().find(|r| r.0 == name) {
                Some(r) => r.1.push((took, peak)),
                None => runs.push((name, vec![(took, peak)])),
            }
        }
    }
    let median = |v: &[(f64, u64)]| {
        let mut t: Vec<f64> = v.iter().map(|r| r.0).collect();
        let mut m: Vec<u64> = v.iter().map(|r| r.1).collect();
        t.sort_by(f64::total_cmp);
        m.sort();
        (t[t.len() / 2], m[m.len() / 2])
    };
    println!(
        "{n} entries: index built in {:.0} ms (median of 3, in memory); {} files, {:.1} MB ({} shards, the largest {:.0} KB)",
        corpus::ms(index),
        files.len(),
        bytes as f64 / 1e6,
        shards.len(),
        largest as f64 / 1e3
    );
    for (name, r) in &runs {
        let (wall, peak) = median(r);
        println!("  build ({name}): {:.0} ms, peak {peak} MB", wall * 1e3);
    }
    if let [(_, this), (_, base)] = runs.as_slice() {
        let ((a, pa), (b, pb)) = (median(this), median(base));
        println!(
            "  build with the index against the baseline: {:+.0}% wall (bar: +20%), {:+} MB peak",
            100.0 * (a - b) / b,
            pa as i64 - pb as i64
        );
    }
    let _ = std::fs::rename(out.path().join("public-this"), out.path().join("public"));

    // What each query loads, and which entries truly hold it.
    let by_path: BTreeMap<&str, &Vec<u8>> = files.iter().map(|(p, b)| (p.as_str(), b)).collect();
    let count = shards.len() as u32;
    let texts: Vec<[String; 4]> = model.entries.iter().map(|e| fields(e)).collect();
    let mut loads = Vec::new();
    let mut truth = Vec::new();
    for q in QUERIES {
        let (loaded, hits) = query(&by_path, count, q, &[]);
        let holding = texts.iter().filter(|t| holds(t, q)).count();
        println!(
            "  query {q:<12} loads {:>6.1} KB, {hits} candidates, {holding} entries hold it",
            loaded as f64 / 1e3
        );
        loads.push(loaded);
        truth.push(holding);
    }
    loads.sort();
    println!(
        "  p95 of the query set: {:.1} KB (bar: 150 KB)",
        p95(&loads) as f64 / 1e3
    );
    let views = filter_views(&model.entries);
    let mut filter_loads = Vec::new();
    let mut filter_truth = Vec::new();
    // A unit the address names is named in the select by its cards; with none, by the list
    // of units. (A view with candidates but no card after the check against the text loads it
    // too: none of these views with a unit has a term to check.)
    let units = std::fs::metadata(out.path().join("public/entries/units.json"))
        .expect("entries/units.json")
        .len() as usize;
    for view in &views {
        let (mut loaded, hits) = query(&by_path, count, &view.q, &view.grams());
        if hits == 0 && view.filters.iter().any(|(k, _)| *k == "unit") {
            loaded += units;
        }
        let holding = model
            .entries
            .iter()
            .zip(&texts)
            .filter(|(e, t)| view.admits(e) && holds(t, &view.q))
            .count();
        println!(
            "  view ?{:<32} loads {:>6.1} KB, {hits} candidates, {holding} entries in it",
            view.search(),
            loaded as f64 / 1e3
        );
        filter_loads.push(loaded);
        filter_truth.push(holding);
    }
    println!(
        "  largest load of the filtered views: {:.1} KB (bar: 150 KB)",
        filter_loads.iter().max().copied().unwrap_or(0) as f64 / 1e3
    );

    let site = out.path().join("public");
    // `cfg(chromedriver)`: build.rs found Chromium and its WebDriver.
    let browser = (cfg!(chromedriver) && std::env::var_os("SHENBAO_BENCH_NO_BROWSER").is_none())
        .then(webdriver::Browser::start);
    let url = serve::serve(site.clone());
    let labels: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();
    match &browser {
        Some(browser) => {
            let timed = time_queries(browser, &format!("{url}entries/"), OURS, &labels);
            report("shenbao", &labels, &timed, &truth);
            // A filter chosen on the showcase: the address changes and the view is made from
            // the index, as when the reader goes back or forward to it.
            let searches: Vec<String> = views.iter().map(|v| format!("?{}", v.search())).collect();
            let timed = time_queries(browser, &format!("{url}entries/"), OURS, &searches);
            report("shenbao", &searches, &timed, &filter_truth);
        }
        None => println!("  (no chromium/chromedriver: the queries are not timed in a browser)"),
    }

    if let Some(pagefind) = std::env::var_os("SHENBAO_BENCH_PAGEFIND") {
        // Its index holds the entry pages only (`entries/<unit>/<entry>/`), as ours: the
        // showcase's listing pages (`entries/page/<n>/`) stand aside meanwhile.
        let listings = site.join("entries/page");
        let aside = out.path().join("listings-aside");
        let _ = std::fs::rename(&listings, &aside);
        let start = Instant::now();
        let run = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(pagefind)
            .args(["--glob", "entries/*/*/index.html", "--site"])
            .arg(&site)
            .output()
            .unwrap();
        let took = start.elapsed();
        let _ = std::fs::rename(&aside, &listings);
        assert!(
            run.status.success(),
            "pagefind: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let (n_files, size) = tree_size(&site.join("pagefind"));
        println!(
            "  Pagefind on the same site: indexed in {:.1} s, peak {} MB, {} files, {:.1} MB",
            took.as_secs_f64(),
            peak_mb(&String::from_utf8_lossy(&run.stderr)),
            n_files,
            size as f64 / 1e6
        );
        if let Some(browser) = &browser {
            // Pagefind runs WebAssembly, which the site's pages forbid (their CSP): it gets a
            // page of its own.
            std::fs::write(
                site.join("pagefind-bench.html"),
                "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>.</title><body></body></html>",
            )
            .unwrap();
            let timed = time_queries(
                browser,
                &format!("{url}pagefind-bench.html"),
                PAGEFIND,
                &labels,
            );
            report("Pagefind", &labels, &timed, &truth);
        }
    }
}

/// Times a query in the page at `address` (loaded afresh each time, nothing cached): the
/// script is given the query and resolves to `[milliseconds, results, estimated]`.
///
/// Nothing is cached because the server says `no-store` of every file, not by the browser's
/// developer tools: with their network domain on (as until 2026-12-02), every request is
/// recorded for them, which costs a reader nothing and a query of fourteen files 10–30 ms on a
/// 2-core machine. Each query checks that every file it read came over the network.
fn time_queries(
    browser: &webdriver::Browser,
    address: &str,
    script: &str,
    queries: &[String],
) -> Vec<(f64, usize, bool)> {
    let mut out = Vec::new();
    for q in queries {
        let mut times = Vec::new();
        let (mut found, mut estimated) = (0, false);
        for _ in 0..ROUNDS {
            browser.go(address);
            // A reader types once the page has loaded.
            browser.execute(
                "return new Promise(function (r) { if (document.readyState === 'complete') r(); else addEventListener('load', function () { r(); }); });",
                serde_json::json!([]),
            );
            let answer = browser.execute(script, serde_json::json!([q]));
            let cached = browser.execute(CACHED, serde_json::json!([]));
            assert_eq!(cached, 0, "{q}: files read from the browser's cache");
            times.push(answer[0].as_f64().unwrap_or(f64::NAN));
            found = answer[1].as_u64().unwrap_or(0) as usize;
            estimated = answer[2].as_bool().unwrap_or(false);
        }
        times.sort_by(f64::total_cmp);
        out.push((times[ROUNDS / 2], found, estimated));
    }
    out
}

fn report(who: &str, queries: &[String], timed: &[(f64, usize, bool)], truth: &[usize]) {
    let mut all: Vec<f64> = timed.iter().map(|t| t.0).collect();
    for ((q, (ms, found, estimated)), holding) in queries.iter().zip(timed).zip(truth) {
        let about = if *estimated { "about " } else { "" };
        println!(
            "  {who}: {q:<12} {ms:>6.1} ms (median of {ROUNDS}), finds {about}{found} of {holding}"
        );
    }
    all.sort_by(f64::total_cmp);
    let recall: usize = timed.iter().map(|t| t.1).sum();
    let holding: usize = truth.iter().sum();
    println!(
        "  {who}: p95 {:.1} ms (bar: 100 ms); found {recall} of the {holding} entries holding the queries",
        all[((all.len() as f64 * 0.95).ceil() as usize - 1).min(all.len() - 1)]
    );
}

/// How many of the files the page read came from the browser's cache (none came over the
/// network: nothing crossed it). Same-origin files report their size.
const CACHED: &str = "return performance.getEntriesByType('resource').filter(function (r) { return r.transferSize === 0; }).length;";

/// Our showcase: type the query, press Enter; or, for a view of the filters (`?category=1…`),
/// the address changes to it and the page makes it, as when the reader goes back or forward to
/// it. Done when the results line is written (not the line that says it is searching or
/// filtering). The count, and whether it is an estimate (`约 N`: not every candidate was checked
/// against its text before the first page was full).
const OURS: &str = r#"
var q = arguments[0];
var form = document.getElementById("filters"), results = document.getElementById("results");
return new Promise(function (done) {
  var t0 = performance.now();
  new MutationObserver(function (m, o) {
    var line = results.textContent;
    if (line === form.dataset.searching || line === form.dataset.filtering) return;
    o.disconnect();
    var about = line.indexOf(form.dataset.about) === 0;
    done([performance.now() - t0, parseInt(line.replace(/^\D*/, ""), 10) || 0, about]);
  }).observe(results, { childList: true, characterData: true, subtree: true });
  if (q.charAt(0) === "?") {
    history.pushState(null, "", q);
    dispatchEvent(new PopStateEvent("popstate"));
    return;
  }
  form.elements.q.value = q;
  form.dispatchEvent(new Event("submit", { cancelable: true }));
});
"#;

/// Pagefind's own API, as its default UI uses it: the search, then the data of the first
/// page of results (what a page of results shows).
const PAGEFIND: &str = r#"
var q = arguments[0];
var t0 = performance.now();
return import("/pagefind/pagefind.js").then(async function (pf) {
  await pf.init();
  var s = await pf.search(q);
  await Promise.all(s.results.slice(0, 12).map(function (r) { return r.data(); }));
  return [performance.now() - t0, s.results.length];
}).catch(function (e) { return [NaN, 0, String(e)]; });
"#;

fn peak_mb(time_report: &str) -> String {
    time_report
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|k| k.parse::<u64>().ok())
        .map_or("?".into(), |k| (k / 1024).to_string())
}

fn p95(sorted: &[usize]) -> usize {
    sorted[((sorted.len() as f64 * 0.95).ceil() as usize - 1).min(sorted.len() - 1)]
}

/// An entry's title, summary, unit/category/recognition and body, normalised.
fn fields(e: &shenbao_site::entry::EntryView) -> [String; 4] {
    let meta = search::meta_text(e);
    [&*e.title, &*e.summary, &*meta, &*e.text].map(search::normalise)
}

/// Whether an entry holds every term of `q` in one of its fields.
fn holds(fields: &[String; 4], q: &str) -> bool {
    q.split_whitespace()
        .map(search::normalise)
        .all(|term| fields.iter().any(|text| search::holds(text, &term)))
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

/// A view of the showcase narrowed by its filters (`(field, value)`: `category`, `type`,
/// `unit`), with a query or none.
struct View {
    filters: Vec<(&'static str, String)>,
    q: String,
}

impl View {
    /// The view's address after `?`.
    fn search(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", self.q));
        }
        parts.extend(self.filters.iter().map(|(k, v)| format!("{k}={v}")));
        parts.join("&")
    }

    /// The grams of its filters, as the index names them.
    fn grams(&self) -> Vec<String> {
        self.filters
            .iter()
            .map(|(k, v)| format!("f:{}:{v}", &k[..1]))
            .collect()
    }

    fn admits(&self, e: &shenbao_site::entry::EntryView) -> bool {
        self.filters.iter().all(|(k, v)| {
            v == match *k {
                "category" => &e.category,
                "type" => &e.unit_type,
                _ => &e.unit,
            }
        })
    }
}

/// The filtered views a reader makes most: the largest category, unit type and unit (the
/// most entries to page through), a category within a unit type, and a category with a query.
fn filter_views(entries: &[std::sync::Arc<shenbao_site::entry::EntryView>]) -> Vec<View> {
    fn largest<'a>(values: impl Iterator<Item = &'a str>) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for v in values {
            *counts.entry(v).or_default() += 1;
        }
        // The first of the largest, for the same views each run.
        let most = counts.values().copied().max().unwrap_or(0);
        counts
            .into_iter()
            .find(|c| c.1 == most)
            .map_or(String::new(), |c| c.0.to_string())
    }
    let category = largest(entries.iter().map(|e| e.category.as_str()));
    let unit_type = largest(entries.iter().map(|e| e.unit_type.as_str()));
    let unit = largest(entries.iter().map(|e| e.unit.as_str()));
    let view = |filters: &[(&'static str, &String)], q: &str| View {
        filters: filters.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        q: q.to_string(),
    };
    vec![
        view(&[("category", &category)], ""),
        view(&[("type", &unit_type)], ""),
        view(&[("unit", &unit)], ""),
        view(&[("category", &category), ("type", &unit_type)], ""),
        view(&[("category", &category)], "工会"),
    ]
}

/// The bytes a query loads as `showcase.js` does it (meta, the shards of its grams and of its
/// filters' grams, the fragments of its first page of candidates), and how many candidates it
/// has.
fn query(
    files: &BTreeMap<&str, &Vec<u8>>,
    shards: u32,
    q: &str,
    filters: &[String],
) -> (usize, usize) {
    let meta = files["search/meta.json"];
    let mut loaded = meta.len();
    // The folders of the shards and of the fragments are named for the index's numbering, as
    // the page reads it from `meta.json`.
    let meta: serde_json::Value = serde_json::from_slice(meta).expect("search/meta.json");
    let numbering = meta["numbering"].as_str().expect("the index's numbering");
    let (g, e) = (
        format!("search/g/{numbering}-{shards}"),
        format!("search/e/{numbering}"),
    );
    let mut seen_shards = std::collections::BTreeSet::new();
    let mut sets: Vec<std::collections::BTreeSet<u32>> = Vec::new();
    // Each gram looked up (a word's as a prefix), the filters' exactly.
    let mut lookups: Vec<(String, bool)> = filters.iter().map(|f| (f.clone(), false)).collect();
    for term in q.split_whitespace() {
        let norm = search::normalise(term);
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
    }
    for (gram, prefix) in lookups {
        let shard = search::shard_of(&gram, shards);
        let bytes = files[format!("{g}/{shard}.bin").as_str()];
        if seen_shards.insert(shard) {
            loaded += bytes.len();
        }
        sets.push(postings(bytes, &gram, prefix));
    }
    let mut found: Vec<u32> = sets
        .first()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    found.retain(|d| sets.iter().all(|s| s.contains(d)));
    for doc in found.iter().take(PER_PAGE) {
        loaded += files[format!("{e}/{doc}.txt").as_str()].len();
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
        let size = varint(&mut at) as usize;
        let end = at + size;
        let count = varint(&mut at);
        let flags = bytes[at];
        at += 1;
        let wanted = if prefix {
            g.starts_with(gram)
        } else {
            g == gram
        };
        let mut docs = Vec::new();
        if flags & 1 != 0 {
            let mut end = 0;
            for _ in 0..varint(&mut at) {
                let start = end + varint(&mut at);
                let len = varint(&mut at) + 1;
                docs.extend(start..start + len);
                end = start + len;
            }
        } else {
            let mut last = 0;
            for _ in 0..count {
                last += varint(&mut at);
                docs.push(last);
            }
        }
        if flags & 4 != 0 {
            for _ in 0..4 {
                let mode = bytes[at];
                at += 1;
                match mode {
                    2 | 3 => {
                        for _ in 0..varint(&mut at) {
                            varint(&mut at);
                        }
                    }
                    4 => at += (count as usize).div_ceil(8),
                    _ => {}
                }
            }
        } else if flags & 2 != 0 {
            for _ in 0..varint(&mut at) {
                varint(&mut at);
                at += 1;
            }
        } else {
            at += (count as usize).div_ceil(2);
        }
        assert_eq!(at, end, "a record's size is its length");
        if wanted {
            out.extend(docs);
        }
    }
    out
}
