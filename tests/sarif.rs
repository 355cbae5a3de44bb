//! `check --format sarif` against the OASIS SARIF 2.1.0 schema (`tests/schemas/`), validated
//! with the `jsonschema` crate, and against what GitHub's code scanning asks beyond it: rules
//! described, URI references percent-encoded, fingerprints, a category.

mod common;

use std::path::Path;

use common::{fixture, shenbao};
use serde_json::{Value as Json, json};

/// The validator of the vendored schema. The schema is draft-04, which has no `uri-reference`
/// format; later drafts and GitHub check it, so it is checked here too (RFC 3986).
fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Json = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_format("uri-reference", is_uri_reference)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// RFC 3986 `URI-reference`: only unreserved, reserved and percent-encoded characters, and no
/// colon in the first segment of a relative reference (it would read as a scheme).
fn is_uri_reference(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    let first = s.split(['/', '?', '#']).next().unwrap_or("");
    match first.split_once(':') {
        None => true,
        // A scheme: a letter, then letters, digits, `+`, `-`, `.`.
        Some((scheme, _)) => {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
    }
}

fn errors(doc: &Json) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn sarif(dir: &Path, extra: &[&str]) -> Json {
    let mut args = vec!["check", "--format", "sarif"];
    args.extend_from_slice(extra);
    shenbao(dir, &args).json()
}

/// The broken fixture with two entries whose names need encoding in a URI.
fn defective() -> tempfile::TempDir {
    let dir = fixture("broken");
    let alpha = dir.path().join("submissions/alpha");
    let entry = std::fs::read_to_string(alpha.join("invalid-format.md")).unwrap();
    std::fs::write(alpha.join("中文 名.md"), &entry).unwrap();
    std::fs::write(alpha.join("a,b%1.md"), &entry).unwrap();
    dir
}

fn results(doc: &Json) -> &Vec<Json> {
    doc["runs"][0]["results"].as_array().unwrap()
}

fn uri(result: &Json) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
}

#[test]
fn the_sample_campaign_gives_valid_sarif() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for extra in [&[][..], &["--final"], &["--lang", "en"]] {
        let doc = sarif(root, extra);
        assert_eq!(errors(&doc), Vec::<String>::new(), "{extra:?}");
    }
}

#[test]
fn a_defective_campaign_gives_valid_sarif_in_both_languages() {
    let dir = defective();
    for lang in ["zh-CN", "en"] {
        let doc = sarif(dir.path(), &["--lang", lang, "--final"]);
        assert!(results(&doc).len() > 20);
        assert_eq!(errors(&doc), Vec::<String>::new(), "{lang}");
    }
}

#[test]
fn file_names_are_percent_encoded_into_uri_references() {
    let dir = defective();
    let doc = sarif(dir.path(), &[]);
    let uris: Vec<&str> = results(&doc).iter().map(uri).collect();
    assert!(
        uris.contains(&"submissions/alpha/%E4%B8%AD%E6%96%87%20%E5%90%8D.md"),
        "{uris:?}"
    );
    assert!(uris.contains(&"submissions/alpha/a%2Cb%251.md"), "{uris:?}");
    for u in uris {
        assert!(is_uri_reference(u), "{u}");
    }
}

#[test]
fn every_rule_is_described_in_the_report_language() {
    let dir = defective();
    for (lang, short) in [("zh-CN", "缺少必填字段"), ("en", "Required field missing")] {
        let doc = sarif(dir.path(), &["--lang", lang]);
        let driver = &doc["runs"][0]["tool"]["driver"];
        assert!(
            driver["informationUri"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        let rules = driver["rules"].as_array().unwrap();
        assert!(rules.len() > 15);
        for rule in rules {
            for key in ["shortDescription", "fullDescription", "help"] {
                let text = rule[key]["text"].as_str().unwrap_or_default();
                assert!(!text.is_empty(), "{} lacks {key}", rule["id"]);
            }
        }
        let missing = rules.iter().find(|r| r["id"] == "missing-field").unwrap();
        assert_eq!(missing["shortDescription"]["text"], short);
    }
}

#[test]
fn results_carry_fingerprints_and_the_run_a_category() {
    let dir = defective();
    let doc = sarif(dir.path(), &[]);
    assert_eq!(doc["runs"][0]["automationDetails"]["id"], "shenbao/check/");
    let prints: Vec<&str> = results(&doc)
        .iter()
        .map(|r| r["partialFingerprints"]["shenbao/v1"].as_str().unwrap())
        .collect();
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len());
    assert!(prints.iter().all(|p| p.len() == 64));
}

#[test]
fn a_unit_short_of_its_quota_points_at_its_registry_line() {
    let dir = defective();
    let doc = sarif(dir.path(), &[]);
    let short: Vec<&Json> = results(&doc)
        .iter()
        .filter(|r| r["ruleId"] == "quota-short")
        .collect();
    // beta has a folder, gamma none: both point at their line of campaign.yaml.
    let places: Vec<(&str, u64)> = short
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (uri(r), location["region"]["startLine"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(places, [("campaign.yaml", 19), ("campaign.yaml", 21)]);
    let yaml = std::fs::read_to_string(dir.path().join("campaign.yaml")).unwrap();
    let lines: Vec<&str> = yaml.lines().collect();
    assert!(lines[18].contains("id: beta") && lines[20].contains("id: gamma"));
}

/// What a planted defect is, and how to plant it.
type Defect = (&'static str, fn(&mut Json));

/// The validator can fail: SARIF broken in the ways GitHub rejects is refused by it.
#[test]
fn the_validator_rejects_planted_defects() {
    let dir = defective();
    let good = sarif(dir.path(), &[]);
    assert!(errors(&good).is_empty());
    let plant = |f: fn(&mut Json)| {
        let mut doc = good.clone();
        f(&mut doc);
        errors(&doc)
    };
    let defects: [Defect; 6] = [
        ("a raw path as URI", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("submissions/alpha/中文 名.md");
        }),
        ("a stray % in a URI", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("submissions/alpha/a,b%1.md");
        }),
        ("no version", |d| {
            d.as_object_mut().unwrap().remove("version");
        }),
        ("an unknown level", |d| {
            d["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("a line 0", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0);
        }),
        ("a relative informationUri", |d| {
            d["runs"][0]["tool"]["driver"]["informationUri"] = json!("README.md#diagnostics");
        }),
    ];
    for (what, defect) in defects {
        assert!(!plant(defect).is_empty(), "{what} was accepted");
    }
}
