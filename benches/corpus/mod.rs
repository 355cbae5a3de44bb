//! Generated campaigns for the benchmarks (`../shared/bench/gen_campaign.py`), kept in
//! `target/bench-corpus/<N>/` between runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The binaries to time: this build's, and with `SHENBAO_BENCH_BASELINE=<path to another
/// shenbao>` that one too, run in turns with this one so that both meet the same machine state:
/// a change is compared side by side in one run.
pub fn binaries() -> Vec<(&'static str, PathBuf)> {
    let mut out = vec![("this", PathBuf::from(env!("CARGO_BIN_EXE_shenbao")))];
    if let Some(baseline) = std::env::var_os("SHENBAO_BENCH_BASELINE") {
        out.push(("baseline", PathBuf::from(baseline)));
    }
    out
}

/// The sizes to run: `SHENBAO_BENCH_SIZES=1000,10000` or the given default.
pub fn sizes(default: &str) -> Vec<usize> {
    std::env::var("SHENBAO_BENCH_SIZES")
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The campaign of `n` entries, generated on first use; `None` without the generator.
pub fn corpus(n: usize) -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = manifest.join("../shared/bench/gen_campaign.py");
    if !generator.is_file() {
        eprintln!("skipped: {} not found", generator.display());
        return None;
    }
    let dir = manifest.join("target/bench-corpus").join(n.to_string());
    if !dir.join("campaign.yaml").is_file() {
        eprintln!("generating {n} entries in {} …", dir.display());
        let status = Command::new("python3")
            .arg(&generator)
            .arg(&dir)
            .arg(n.to_string())
            .status()
            .expect("python3");
        assert!(status.success(), "gen_campaign.py failed");
    }
    Some(dir)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
