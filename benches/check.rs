//! `cargo bench --bench check`: wall time of `shenbao check` on generated campaigns of 1,000,
//! 10,000 and 100,000 entries (`../shared/bench/gen_campaign.py`), warm page cache.
//!
//! Sizes can be chosen with `SHENBAO_BENCH_SIZES=1000,10000`. Generated campaigns are kept in
//! `target/bench-corpus/` between runs.

mod corpus;

use std::path::Path;
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
        "{:>8}  {:>9}  {:>9}  {:>12}",
        "entries", "median", "min", "µs / entry"
    );
    for n in sizes {
        let Some(dir) = corpus::corpus(n) else { return };
        let times = measure(&dir);
        let median = times[times.len() / 2];
        let min = times[0];
        println!(
            "{n:>8}  {:>7.1}ms  {:>7.1}ms  {:>12.1}",
            ms(median),
            ms(min),
            median.as_secs_f64() * 1e6 / n as f64
        );
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

fn measure(dir: &Path) -> Vec<Duration> {
    let run = || {
        let start = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_shenbao"))
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
    run();
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    times.sort();
    times
}
