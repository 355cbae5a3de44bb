//! `cargo bench --bench check`: wall time of `shenbao check` on generated campaigns of 1,000,
//! 10,000 and 100,000 entries (`../shared/bench/gen_campaign.py`), warm page cache.
//!
//! Sizes can be chosen with `SHENBAO_BENCH_SIZES=1000,10000`. Generated campaigns are kept in
//! `target/bench-corpus/` between runs.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::ms;

const RUNS: usize = 7;
/// The bar of the foundation issue: 10,000 entries in half a second on two cores.
const BAR_10K: Duration = Duration::from_millis(500);

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we do not use.
    let sizes = corpus::sizes("1000,10000,100000");
    println!("shenbao check, {RUNS} runs each after one warm-up (wall time)");
    println!(
        "{:>8}  {:>8}  {:>9}  {:>9}  {:>12}",
        "entries", "binary", "median", "min", "µs / entry"
    );
    let binaries = corpus::binaries();
    for n in sizes {
        let Some(dir) = corpus::corpus(n) else { return };
        let all = measure(&dir, &binaries);
        for ((label, _), times) in binaries.iter().zip(&all) {
            println!(
                "{n:>8}  {label:>8}  {:>7.1}ms  {:>7.1}ms  {:>12.1}",
                ms(times[times.len() / 2]),
                ms(times[0]),
                times[times.len() / 2].as_secs_f64() * 1e6 / n as f64
            );
        }
        let median = all[0][all[0].len() / 2];
        if n == 10_000 {
            let verdict = if median <= BAR_10K { "meets" } else { "MISSES" };
            println!(
                "          10,000 entries: median {:.0} ms {verdict} the {} ms bar",
                ms(median),
                BAR_10K.as_millis()
            );
        }
    }
}

/// Each binary's sorted times, the binaries run in turns.
fn measure(dir: &Path, binaries: &[(&str, PathBuf)]) -> Vec<Vec<Duration>> {
    let run = |bin: &Path| {
        let start = Instant::now();
        let status = Command::new(bin)
            .args(["check", "--format", "json"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run shenbao");
        let elapsed = start.elapsed();
        assert_eq!(
            status.code(),
            Some(0),
            "the generated campaign must pass check"
        );
        elapsed
    };
    let mut all = vec![Vec::new(); binaries.len()];
    for (_, bin) in binaries {
        run(bin);
    }
    for _ in 0..RUNS {
        for (times, (_, bin)) in all.iter_mut().zip(binaries) {
            times.push(run(bin));
        }
    }
    for times in &mut all {
        times.sort();
    }
    all
}
