//! Every diagnostic code of the contract, produced on the `broken` fixture at the right place.

mod common;

use std::sync::OnceLock;

use common::{Found, diagnostics, fixture, shenbao};

/// One run of `check --format json` on the broken campaign, shared by the tests below.
fn found() -> &'static [Found] {
    static FOUND: OnceLock<Vec<Found>> = OnceLock::new();
    FOUND.get_or_init(|| {
        let dir = fixture("broken");
        // Made here rather than committed: a 2 MB attachment over the fixture's 1 MB limit.
        std::fs::create_dir_all(dir.path().join("submissions/alpha/attachment-too-large")).unwrap();
        std::fs::write(
            dir.path()
                .join("submissions/alpha/attachment-too-large/big.csv"),
            "1,2\n".repeat(512 * 1024),
        )
        .unwrap();
        let run = shenbao(dir.path(), &["check", "--format", "json"]);
        assert_eq!(run.code, 1, "errors exit 1: {}", run.stderr);
        diagnostics(&run)
    })
}

fn assert_at(file: &str, line: u64, column: u64, code: &str) {
    let hit = found()
        .iter()
        .find(|d| d.file == file && d.code == code)
        .unwrap_or_else(|| panic!("no `{code}` in {file}; found:\n{:#?}", found()));
    assert_eq!((hit.line, hit.column), (line, column), "`{code}` in {file}");
}

/// The severity the JSON report gives `code`, exactly as written there.
fn severity(code: &str) -> &str {
    let d = found()
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no `{code}` found"));
    match d.severity.as_str() {
        s @ ("error" | "warning") => s,
        other => panic!("`{code}` has the severity `{other}`, neither error nor warning"),
    }
}

#[test]
fn yaml_syntax_points_at_the_parser_position() {
    assert_at("submissions/alpha/yaml-syntax.md", 4, 8, "yaml-syntax");
}

#[test]
fn front_matter_missing_points_at_the_first_line() {
    assert_at(
        "submissions/alpha/front-matter-missing.md",
        1,
        1,
        "front-matter-missing",
    );
}

#[test]
fn unknown_field_points_at_the_key() {
    assert_at("submissions/alpha/unknown-field.md", 7, 1, "unknown-field");
}

#[test]
fn missing_field_points_at_the_opening_fence() {
    assert_at("submissions/alpha/missing-field.md", 1, 1, "missing-field");
}

#[test]
fn invalid_type_points_at_the_value() {
    assert_at("submissions/alpha/invalid-type.md", 2, 8, "invalid-type");
}

#[test]
fn invalid_value_points_at_the_category() {
    assert_at("submissions/alpha/invalid-value.md", 3, 11, "invalid-value");
}

#[test]
fn invalid_format_points_at_the_phone() {
    assert_at(
        "submissions/alpha/invalid-format.md",
        5,
        8,
        "invalid-format",
    );
}

#[test]
fn too_long_counts_characters() {
    assert_at("submissions/alpha/too-long.md", 2, 8, "too-long");
}

#[test]
fn missing_section_points_at_the_body() {
    assert_at(
        "submissions/alpha/missing-section.md",
        9,
        1,
        "missing-section",
    );
}

#[test]
fn empty_section_points_at_its_heading() {
    assert_at("submissions/alpha/empty-section.md", 9, 1, "empty-section");
}

#[test]
fn recommended_section_is_a_warning_at_the_main_content() {
    assert_at(
        "submissions/alpha/recommended-section.md",
        13,
        1,
        "recommended-section",
    );
    assert_eq!(severity("recommended-section"), "warning");
}

#[test]
fn attachment_missing_points_at_the_cover() {
    assert_at(
        "submissions/alpha/attachment-missing.md",
        7,
        8,
        "attachment-missing",
    );
}

#[test]
fn attachment_type_points_at_the_file() {
    assert_at(
        "submissions/alpha/attachment-type.md",
        8,
        11,
        "attachment-type",
    );
}

#[test]
fn attachment_too_large_points_at_the_file() {
    assert_at(
        "submissions/alpha/attachment-too-large.md",
        8,
        11,
        "attachment-too-large",
    );
}

#[test]
fn path_escape_points_at_the_path() {
    assert_at("submissions/alpha/path-escape.md", 7, 8, "path-escape");
}

#[test]
fn unsafe_html_points_at_the_tag() {
    assert_at("submissions/alpha/unsafe-html.md", 27, 1, "unsafe-html");
    assert_eq!(severity("unsafe-html"), "warning");
}

#[test]
fn unknown_unit_names_the_folder() {
    assert_at("submissions/stray", 1, 1, "unknown-unit");
}

#[test]
fn unit_card_missing_names_the_folder() {
    assert_at("submissions/beta", 1, 1, "unit-card-missing");
}

#[test]
fn unit_card_invalid_points_at_the_key() {
    assert_at("submissions/alpha/unit.yaml", 2, 1, "unit-card-invalid");
}

#[test]
fn unit_mismatch_points_at_the_value() {
    assert_at("submissions/alpha/unit-mismatch.md", 7, 7, "unit-mismatch");
}

#[test]
fn wrong_channel_names_the_subordinate_folder() {
    assert_at("submissions/child", 1, 1, "wrong-channel");
}

#[test]
fn duplicate_entry_is_reported_on_the_later_file() {
    assert_at("submissions/alpha/dup-b.md", 2, 1, "duplicate-entry");
    assert!(!found().iter().any(|d| d.file.ends_with("dup-a.md")));
    assert_eq!(severity("duplicate-entry"), "warning");
}

#[test]
fn quota_short_names_units_without_a_folder_too() {
    assert_at("submissions/gamma", 1, 1, "quota-short");
    assert_at("submissions/beta", 1, 1, "quota-short");
    assert_eq!(severity("quota-short"), "warning");
}

#[test]
fn roster_unsigned_names_the_card() {
    assert_at("submissions/alpha/unit.yaml", 1, 1, "roster-unsigned");
}

#[test]
fn a_valid_entry_in_a_broken_campaign_has_no_diagnostics() {
    // Files with one planted problem carry that problem only (plus warnings shared by all).
    let files_with_errors: Vec<_> = found()
        .iter()
        .filter(|d| d.severity == "error" && d.file.ends_with(".md"))
        .map(|d| {
            (
                d.file
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".md")
                    .to_string(),
                d.code.clone(),
            )
        })
        .collect();
    for (stem, code) in &files_with_errors {
        if stem != "own-entry" {
            assert_eq!(stem, code, "{stem}.md has an unplanned `{code}`");
        }
    }
}
