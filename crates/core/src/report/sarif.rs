//! `--format sarif`: SARIF 2.1.0, which code-scanning services read.

use std::collections::BTreeMap;

use serde_json::json;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::problem::Severity;

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let mut rules = BTreeMap::new();
    for d in diagnostics {
        rules.entry(d.code()).or_insert_with(|| {
            json!({
                "id": d.code(),
                "defaultConfiguration": {"level": level(d.severity())},
            })
        });
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message(ctx.lang);
            if let Some(help) = d.help(ctx.lang) {
                text.push('\n');
                text.push_str(&help);
            }
            json!({
                "ruleId": d.code(),
                "ruleIndex": rule_index[d.code()],
                "level": level(d.severity()),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": d.pos.line, "startColumn": d.pos.column},
                    }
                }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "shenbao",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
