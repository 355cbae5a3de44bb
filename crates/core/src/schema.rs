//! The entry front matter as JSON Schema (draft 2020-12), for editors and other tools: the field
//! catalogue and the campaign's own fields and vocabularies, exported.
//!
//! The schema accepts what `check`'s field rules (`rules::fields`) accept and nothing else, so an
//! editor never disagrees with CI: an empty optional field (null, blank text, an empty list) is
//! absent, numbers written bare count as text, and phones and dates follow `rules::formats`
//! exactly, as patterns. `tests/schema.rs` runs every fixture entry through both. What a schema
//! cannot see is left out: whether `unit` names the folder's own unit (it accepts any registered
//! unit), attachments on disk, the body. Values quoted with spaces around them are measured and
//! compared with their spaces (`check` trims them first), and a decimal written for a text field
//! is measured as a number.

use serde_json::{Value as Json, json};

use crate::campaign::{Campaign, ExtraType};
use crate::fields::{BUILT_IN, FieldKind, RECOGNITION_KINDS};
use crate::lang::Lang;

/// The front-matter schema as JSON Schema (draft 2020-12), its titles and descriptions in `lang`.
pub fn json_schema(campaign: &Campaign, lang: Lang) -> Json {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for field in BUILT_IN {
        let max = campaign.fields.max_length(field.key, field.max_length);
        let present = match field.kind {
            FieldKind::Text => text(max),
            FieldKind::Category => json!({
                "type": ["string", "number"],
                "enum": choices(campaign.categories.iter().map(|c| c.id.as_str())),
            }),
            FieldKind::Phone => phone(max),
            FieldKind::MonthOrDate => month_or_date(),
            FieldKind::Unit => json!({
                "type": ["string", "number"],
                "enum": choices(
                    campaign
                        .units
                        .iter()
                        .flat_map(|u| [u.id.as_str(), u.name.as_str()]),
                ),
            }),
            FieldKind::Recognition => list(json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["kind", "source"],
                "properties": {
                    "kind": {"enum": RECOGNITION_KINDS.iter().map(|k| k.0).collect::<Vec<_>>()},
                    "source": text(Some(100)),
                    "date": month_or_date(),
                    "title": {"type": ["string", "number"], "maxLength": 200},
                    "url": pattern(URL),
                },
            })),
            FieldKind::Image => json!({"type": ["string", "number"]}),
            FieldKind::Attachments => list(json!({
                "anyOf": [
                    {"type": ["string", "number"]},
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["file"],
                        "properties": {
                            "file": text(None),
                            "title": {"type": ["string", "number"], "maxLength": 100},
                        },
                    },
                ],
            })),
            FieldKind::Bool => json!({"type": "boolean"}),
        };
        // A list may be left empty or bare; `check` reads other empty values as absent.
        let lists = matches!(field.kind, FieldKind::Recognition | FieldKind::Attachments);
        let mut schema = if field.required || lists {
            present
        } else {
            optional(present)
        };
        schema["title"] = json!(field.label(lang));
        schema["description"] = json!(field.hint(lang));
        properties.insert(field.key.to_string(), schema);
        if field.required {
            required.push(field.key);
        }
    }
    for field in &campaign.fields.extra {
        let mut present = match field.field_type {
            ExtraType::Text => text(field.max_length),
            ExtraType::Number => json!({"type": "number"}),
            ExtraType::Integer => json!({"type": "integer"}),
            ExtraType::Bool => json!({"type": "boolean"}),
            ExtraType::Date => within(pattern(DATE), field.max_length),
            ExtraType::Url => within(pattern(URL), field.max_length),
            ExtraType::Email => within(pattern(EMAIL), field.max_length),
            ExtraType::Phone => phone(field.max_length),
        };
        if !field.values.is_empty() {
            present["enum"] = match field.field_type {
                // `check` compares the value as it prints it.
                ExtraType::Number | ExtraType::Integer => json!(numbers(&field.values)),
                ExtraType::Bool => json!(
                    [true, false]
                        .into_iter()
                        .filter(|b| field.values.contains(&b.to_string()))
                        .collect::<Vec<_>>()
                ),
                _ => json!(choices(field.values.iter().map(String::as_str))),
            };
        }
        let mut schema = if field.required {
            present
        } else {
            optional(present)
        };
        schema["title"] = json!(field.label);
        properties.insert(field.key.clone(), schema);
        if field.required {
            required.push(&field.key);
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "shenbao-entry.schema.json",
        "title": match lang {
            Lang::Zh => format!("{} 申报项目", campaign.title),
            Lang::En => format!("{}: an entry", campaign.title),
        },
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

/// What `check` reads as a field left out: null, blank text, an empty list.
fn absent() -> Json {
    json!({"anyOf": [
        {"type": "null"},
        {"type": "string", "pattern": r"^\s*$"},
        {"type": "array", "maxItems": 0},
    ]})
}

/// An optional field: absent, or as `present` says.
fn optional(present: Json) -> Json {
    json!({"anyOf": [absent(), present]})
}

/// A list of `item`s, or nothing at all (`key:` with no value).
fn list(item: Json) -> Json {
    json!({"anyOf": [{"type": "null"}, {"type": "array", "items": item}]})
}

/// Text that is not blank, within `max` characters; a bare number counts as text.
fn text(max: Option<usize>) -> Json {
    within(json!({"type": ["string", "number"], "pattern": r"\S"}), max)
}

/// A string matching `pattern`, with spaces around it allowed as `check` trims them.
fn pattern(pattern: &str) -> Json {
    json!({"type": "string", "pattern": format!(r"^\s*(?:{pattern})\s*$")})
}

/// `schema` within `max` characters: text by its length, a bare number by its digits.
fn within(mut schema: Json, max: Option<usize>) -> Json {
    let Some(max) = max else {
        return schema;
    };
    schema["maxLength"] = json!(max);
    // Beyond 19 digits no whole number is too long.
    if max < 19 {
        if max == 0 {
            schema["minimum"] = json!(1);
            schema["maximum"] = json!(0);
        } else {
            schema["maximum"] = json!(10_i64.pow(max as u32) - 1);
            schema["minimum"] = json!(-(10_i64.pow(max as u32 - 1) - 1));
        }
    }
    schema
}

/// A phone as `formats::is_phone` accepts it: written as text, or bare digits read as a number.
fn phone(max: Option<usize>) -> Json {
    within(
        json!({"anyOf": [
            pattern(PHONE),
            // A bare number: a mobile, or a local landline of 7 or 8 digits (a leading 1 makes
            // it a mobile, and a leading 0 keeps it text).
            {"type": "integer", "anyOf": [
                {"minimum": 2_000_000, "maximum": 9_999_999},
                {"minimum": 20_000_000, "maximum": 99_999_999},
                {"minimum": 13_000_000_000_i64, "maximum": 19_999_999_999_i64},
            ]},
        ]}),
        max,
    )
}

/// Allowed text values, each with the number a bare value would be read as: `12` for the
/// category `"12"`, but no number for `"012"` (YAML keeps a leading zero as text) nor `"1.50"`.
fn choices<'a>(values: impl Iterator<Item = &'a str>) -> Vec<Json> {
    let mut out = Vec::new();
    for v in values {
        for choice in std::iter::once(json!(v)).chain(number(v)) {
            if !out.contains(&choice) {
                out.push(choice);
            }
        }
    }
    out
}

/// The numbers among `values`, as `check` compares a number: by how it prints.
fn numbers(values: &[String]) -> Vec<Json> {
    values.iter().filter_map(|v| number(v)).collect()
}

/// `value` as a number, if a number prints as `value`.
fn number(value: &str) -> Option<Json> {
    if let Ok(i) = value.parse::<i64>() {
        return (i.to_string() == value).then(|| json!(i));
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && f.to_string() == value)
        .map(|f| json!(f))
}

/// The phone forms `formats::is_phone` accepts, as typed in ASCII (it also takes their full-width
/// forms, which an editor's pattern would make unreadable): `+86` or `86-` before a number; a
/// mobile, its digits grouped or not (`139 1234 5678`); an area code glued to, apart from or in
/// brackets before a local number; a local number alone (not starting with 1, which is a
/// mobile's), or with an extension, after a dash or after 转 or 分机.
/// A number that is not a mobile's: an area code glued to or apart from a local number, a local
/// number alone, either with an extension after a dash or a space.
macro_rules! landline {
    () => {
        concat!(
            r"0[0-9]{2,3}[1-9][0-9]{6,7}",
            r"|[2-9][0-9]{6,7}",
            r"|0[0-9]{2,3}[ -][1-9][0-9]{6,7}",
            r"|[1-9][0-9]{6,7}[ -][0-9]{1,6}",
            r"|0[0-9]{2,3}[ -][1-9][0-9]{6,7}[ -][0-9]{1,6}",
        )
    };
}

const PHONE: &str = concat!(
    r"(?:(?:\+86|86-)[ -]*)?1[ -]?[3-9](?:[ -]?[0-9]){9}",
    r"|(?:(?:\+86|86-)[ -]*)?(?:",
    landline!(),
    r")",
    r"|\(0[0-9]{2,3}\)[ -]*[1-9][0-9]{6,7}",
    r"|(?:(?:(?:\+86|86-)[ -]*)?(?:",
    landline!(),
    r")|\(0[0-9]{2,3}\)[ -]*[1-9][0-9]{6,7})[ -]*(?:转|分机)\s*[0-9]{1,6}",
);

/// A real calendar date, `YYYY-MM-DD`, leap years included (`formats::is_date`).
const DATE: &str = concat!(
    r"[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])",
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)",
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29",
);

/// `YYYY-MM` or a date (`formats::is_month_or_date`).
fn month_or_date() -> Json {
    pattern(&format!("[0-9]{{4}}-(?:0[1-9]|1[0-2])|{DATE}"))
}

/// An absolute web address (`formats::is_url`).
const URL: &str = r"https?://[^/?#\s]\S*";

/// A plausible email address (`formats::is_email`): one `@`, a dotted domain, no spaces.
const EMAIL: &str = r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]";
