//! `--format json`: one object, as the contract shows.

use serde_json::json;

use super::Context;
use crate::diagnostic::Diagnostic;

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "file": d.file,
                "line": d.pos.line,
                "column": d.pos.column,
                "severity": d.severity().as_str(),
                "code": d.code(),
                "message": d.message(ctx.lang),
                "help": d.help(ctx.lang),
                "draft": d.in_draft,
            })
        })
        .collect();
    let s = ctx.summary;
    let doc = json!({
        "diagnostics": items,
        "summary": {"entries": s.entries, "units": s.units, "errors": s.errors, "warnings": s.warnings},
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
