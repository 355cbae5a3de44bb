//! `--format sarif`: SARIF 2.1.0, which code-scanning services read (GitHub among them).
//!
//! Every rule carries its descriptions from the problem catalogue, in the report's language;
//! every result a fingerprint that survives edits elsewhere in its file (`fingerprint`); every
//! location is a URI reference, its path percent-encoded. A unit short of its quota, whose folder
//! may not exist, is located at the unit's line in the registry of `campaign.yaml`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::Path;

use serde_json::{Value as Json, json};

use super::Context;
use super::fingerprint::fingerprints;
use crate::campaign::CAMPAIGN_FILE;
use crate::diagnostic::Diagnostic;
use crate::problem::{Kind, Problem, Severity};
use crate::source::{self, Pos};
use crate::{paths, yaml};

/// Where the project documents itself, every code included: the workspace's `repository` once
/// Cargo.toml declares one, else this address.
const HOME: &str = "https://github.com/shenbao/shenbao";

/// The key of shenbao's own fingerprint in `partialFingerprints`, versioned as SARIF advises.
const FINGERPRINT_KEY: &str = "shenbao/v1";

/// The category GitHub files the results under: the part of the id before its last `/`.
const AUTOMATION_ID: &str = "shenbao/check/";

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let mut kinds = BTreeMap::new();
    for d in diagnostics {
        kinds.insert(d.code(), d.problem.kind());
    }
    let rule_index: BTreeMap<&str, usize> =
        kinds.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules: Vec<Json> = kinds
        .values()
        .map(|kind| {
            let info = kind.info();
            let text = kind.description(ctx.lang);
            json!({
                "id": info.code,
                "shortDescription": {"text": text.short},
                "fullDescription": {"text": text.full},
                "help": {"text": text.help},
                "defaultConfiguration": {"level": level(info.severity)},
            })
        })
        .collect();

    // Read only when a unit short of its quota needs its line.
    let registry = if diagnostics
        .iter()
        .any(|d| d.problem.kind() == Kind::QuotaShort)
    {
        registry_lines(&ctx.root)
    } else {
        HashMap::new()
    };

    let results: Vec<Json> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics))
        .map(|(d, fingerprint)| {
            let mut text = d.message(ctx.lang);
            if let Some(help) = d.help(ctx.lang) {
                text.push('\n');
                text.push_str(&help);
            }
            let (file, pos) = location(d, &registry);
            json!({
                "ruleId": d.code(),
                "ruleIndex": rule_index[d.code()],
                "level": level(d.severity()),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": pos.line, "startColumn": pos.column},
                    }
                }],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
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
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": information_uri(),
                "rules": rules,
            }},
            "automationDetails": {"id": AUTOMATION_ID},
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

fn information_uri() -> String {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let home = if repository.is_empty() {
        HOME
    } else {
        repository
    };
    format!("{home}#readme")
}

/// Where a result points: the diagnostic's own place, but for a unit short of its quota, whose
/// folder may not exist, the unit's entry in the registry.
fn location<'a>(d: &'a Diagnostic, registry: &HashMap<String, Pos>) -> (&'a str, Pos) {
    if let Problem::QuotaShort { unit, .. } = &d.problem
        && d.file == paths::unit_folder(unit)
    {
        return (
            CAMPAIGN_FILE,
            registry.get(unit).copied().unwrap_or(Pos::START),
        );
    }
    (&d.file, d.pos)
}

/// Each registered unit's id with the position of that id in `campaign.yaml`. Empty when the file
/// cannot be read, which cannot happen once the campaign has loaded.
fn registry_lines(root: &Path) -> HashMap<String, Pos> {
    let mut lines = HashMap::new();
    let Some(node) = std::fs::read(root.join(CAMPAIGN_FILE))
        .ok()
        .and_then(|bytes| source::decode(bytes).ok())
        .and_then(|text| yaml::parse(&text, 1).ok())
    else {
        return lines;
    };
    let Some((_, units)) = node.get("units") else {
        return lines;
    };
    if let yaml::Value::Seq(units) = &units.value {
        for unit in units {
            if let Some((_, id)) = unit.get("id")
                && let Some(text) = id.as_text()
            {
                lines.entry(text).or_insert(id.pos);
            }
        }
    }
    lines
}

/// A path as a URI reference (RFC 3986): every byte but the unreserved characters and the `/`
/// between segments percent-encoded, so that spaces, `%`, `,`, `:` and Chinese names all survive.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri("submissions/alpha/中文 名.md"),
            "submissions/alpha/%E4%B8%AD%E6%96%87%20%E5%90%8D.md"
        );
        assert_eq!(
            uri("submissions/alpha/a,b%1.md"),
            "submissions/alpha/a%2Cb%251.md"
        );
        // A colon in the first segment would read as a scheme.
        assert_eq!(uri("a:b/c.md"), "a%3Ab/c.md");
        assert_eq!(
            uri("submissions/lianchi/wang-shang_1.md"),
            "submissions/lianchi/wang-shang_1.md"
        );
    }

    #[test]
    fn a_short_quota_points_at_the_registry() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CAMPAIGN_FILE),
            "title: x\nunits:\n  - {id: alpha, name: 甲, type: county}\n  - id: beta\n    name: 乙\n",
        )
        .unwrap();
        let registry = registry_lines(dir.path());
        assert_eq!(registry.get("alpha"), Some(&Pos::new(3, 10)));
        assert_eq!(registry.get("beta").map(|p| p.line), Some(4));
        let short = Diagnostic::new(
            "submissions/beta",
            Pos::START,
            Problem::QuotaShort {
                unit: "beta".into(),
                name: "乙公司工会".into(),
                count: 0,
                minimum: 1,
                fatal: false,
            },
        );
        assert_eq!(location(&short, &registry), (CAMPAIGN_FILE, Pos::new(4, 9)));
    }
}
