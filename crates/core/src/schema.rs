//! The entry front matter as JSON Schema (draft 2020-12), for editors and other tools: the field
//! catalogue and the campaign's own fields and vocabularies, exported.

use serde_json::{Value as Json, json};

use crate::campaign::{Campaign, ExtraType};
use crate::fields::{BUILT_IN, FieldKind, RECOGNITION_KINDS};

/// The front-matter schema as JSON Schema (draft 2020-12).
pub fn json_schema(campaign: &Campaign) -> Json {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for field in BUILT_IN {
        let max = campaign.fields.max_length(field.key, field.max_length);
        let mut schema = match field.kind {
            FieldKind::Text => json!({"type": "string", "minLength": 1}),
            FieldKind::Category => json!({
                "type": ["string", "integer"],
                "enum": campaign.categories.iter().flat_map(|c| {
                    let mut v = vec![json!(c.id)];
                    if let Ok(n) = c.id.parse::<i64>() { v.push(json!(n)); }
                    v
                }).collect::<Vec<_>>(),
            }),
            FieldKind::Phone => json!({
                "type": ["string", "integer"],
                "pattern": PHONE_PATTERN,
            }),
            FieldKind::MonthOrDate => json!({
                "type": "string",
                "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
            }),
            FieldKind::Unit => json!({
                "type": "string",
                "enum": campaign.units.iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
            }),
            FieldKind::Recognition => json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["kind", "source"],
                    "properties": {
                        "kind": {"enum": RECOGNITION_KINDS.iter().map(|k| k.0).collect::<Vec<_>>()},
                        "source": {"type": "string", "minLength": 1},
                        "date": {"type": "string", "format": "date"},
                        "title": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
            }),
            FieldKind::Image => json!({"type": "string", "minLength": 1}),
            FieldKind::Attachments => json!({
                "type": "array",
                "items": {
                    "oneOf": [
                        {"type": "string", "minLength": 1},
                        {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "minLength": 1},
                                "title": {"type": "string"},
                            },
                        },
                    ],
                },
            }),
            FieldKind::Bool => json!({"type": "boolean"}),
        };
        if let Some(max) = max {
            schema["maxLength"] = json!(max);
        }
        schema["title"] = json!(field.label);
        schema["description"] = json!(field.hint);
        properties.insert(field.key.to_string(), schema);
        if field.required {
            required.push(field.key);
        }
    }
    for field in &campaign.fields.extra {
        let mut schema = match field.field_type {
            ExtraType::Text => json!({"type": "string"}),
            ExtraType::Number => json!({"type": "number"}),
            ExtraType::Integer => json!({"type": "integer"}),
            ExtraType::Bool => json!({"type": "boolean"}),
            ExtraType::Date => json!({"type": "string", "format": "date"}),
            ExtraType::Url => json!({"type": "string", "format": "uri"}),
            ExtraType::Email => json!({"type": "string", "format": "email"}),
            ExtraType::Phone => json!({"type": ["string", "integer"], "pattern": PHONE_PATTERN}),
        };
        if !field.values.is_empty() {
            schema["enum"] = json!(field.values);
        }
        if let Some(max) = field.max_length {
            schema["maxLength"] = json!(max);
        }
        schema["title"] = json!(field.label);
        properties.insert(field.key.clone(), schema);
        if field.required {
            required.push(&field.key);
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "shenbao-entry.schema.json",
        "title": format!("{} 申报项目", campaign.title),
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

/// The phone forms `formats::is_phone` accepts, for tools that read the schema.
const PHONE_PATTERN: &str = r"^(\+?86[ -]?)?(1[3-9][0-9]{9}|0[0-9]{2,3}[ -]?[1-9][0-9]{6,7}([ -][0-9]{1,6})?|[1-9][0-9]{6,7})$";
