//! `--format gitlab`: GitLab Code Quality JSON, one issue per diagnostic with a unique fingerprint.

use std::collections::HashMap;

use serde_json::json;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::problem::Severity;

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let issues: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let message = d.message(ctx.lang);
            let base = fnv1a(&format!("{}\0{}\0{}\0{}", d.file, d.code(), d.pos.line, message));
            // Identical diagnostics on one line still need distinct fingerprints.
            let n = seen.entry(base).or_insert(0);
            let fingerprint = format!("{:016x}{:08x}", base, *n);
            *n += 1;
            json!({
                "description": message,
                "check_name": d.code(),
                "fingerprint": fingerprint,
                "severity": match d.severity() { Severity::Error => "major", Severity::Warning => "minor" },
                "location": {"path": d.file, "lines": {"begin": d.pos.line}},
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}

/// A hash that is the same on every machine and Rust version, unlike `DefaultHasher`.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
