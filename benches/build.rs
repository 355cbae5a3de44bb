//! `cargo bench --bench build`: wall time of `shenbao build` on generated campaigns of 100 to
//! 100,000 entries, into a fresh folder on tmpfs (`/dev/shm`) when there is one, so the figure is
//! shenbao's work and not the disk's. Hugo on the same text: `benches/vs_hugo.sh`.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::ms;

fn main() {
    let sizes = corpus::sizes("100,1000,10000,100000");
    let tmp = if Path::new("/dev/shm").is_dir() {
        Path::new("/dev/shm").to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
    };
    println!(
        "shenbao build, median of runs after one warm-up (wall time), output in {}",
        tmp.display()
    );
    println!(
        "{:>8}  {:>8}  {:>9}  {:>9}  {:>12}",
        "entries", "binary", "median", "min", "µs / entry"
    );
    let binaries = corpus::binaries();
    for n in sizes {
        let Some(dir) = corpus::corpus(n) else { return };
        let out = tmp.join(format!("shenbao-bench-build-{n}"));
        let runs = if n >= 100_000 { 3 } else { 7 };
        let all = measure(&dir, &out, runs, &binaries);
        for ((label, _), times) in binaries.iter().zip(&all) {
            let median = times[times.len() / 2];
            println!(
                "{n:>8}  {label:>8}  {:>7.1}ms  {:>7.1}ms  {:>12.1}",
                ms(median),
                ms(times[0]),
                median.as_secs_f64() * 1e6 / n as f64
            );
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// Each binary's sorted times, the binaries run in turns.
fn measure(
    dir: &Path,
    out: &Path,
    runs: usize,
    binaries: &[(&str, PathBuf)],
) -> Vec<Vec<Duration>> {
    let run = |bin: &Path| {
        let _ = std::fs::remove_dir_all(out);
        let start = Instant::now();
        let status = Command::new(bin)
            .arg("build")
            .arg("--out")
            .arg(out)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run shenbao");
        let elapsed = start.elapsed();
        assert_eq!(status.code(), Some(0), "the generated campaign must build");
        elapsed
    };
    let mut all = vec![Vec::new(); binaries.len()];
    for (_, bin) in binaries {
        run(bin);
    }
    for _ in 0..runs {
        for (times, (_, bin)) in all.iter_mut().zip(binaries) {
            times.push(run(bin));
        }
    }
    for times in &mut all {
        times.sort();
    }
    all
}
