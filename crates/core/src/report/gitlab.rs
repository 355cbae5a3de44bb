//! `--format gitlab`: GitLab Code Quality JSON, one issue per diagnostic. Its fingerprint (see
//! `fingerprint`) stays the same when an edit moves the problem to another line, so a merge
//! request shows only the problems it really fixes or brings.

use serde_json::json;

use super::Context;
use super::fingerprint::fingerprints;
use crate::diagnostic::Diagnostic;
use crate::problem::Severity;

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let issues: Vec<_> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics))
        .map(|(d, fingerprint)| {
            json!({
                "description": d.message(ctx.lang),
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
