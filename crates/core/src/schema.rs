//! The entry schema: the built-in front-matter fields, their labels and limits, and the JSON Schema
//! that editors and other tools can use.

use serde_json::{Value as Json, json};

use crate::campaign::{Campaign, ExtraType};
use crate::lang::Lang;

/// What a built-in field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A category id of the campaign.
    Category,
    Phone,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    MonthOrDate,
    /// The unit's id or name; must agree with the folder.
    Unit,
    /// A list of recognitions (实效性证明).
    Recognition,
    /// One image in the attachment folder.
    Image,
    /// A list of files in the attachment folder.
    Attachments,
    Bool,
}

/// One built-in front-matter field.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    pub key: &'static str,
    /// The notice's term, e.g. 项目名称.
    pub label: &'static str,
    pub label_en: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Default length limit in characters; `fields.<key>.max_length` in campaign.yaml overrides it.
    pub max_length: Option<usize>,
    /// What to write, for the stub `shenbao new` makes.
    pub hint: &'static str,
}

impl FieldDef {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.label, self.label_en)
    }
}

/// The built-in fields, in the order a stub lists them.
pub const BUILT_IN: &[FieldDef] = &[
    FieldDef {
        key: "title",
        label: "项目名称",
        label_en: "project title",
        kind: FieldKind::Text,
        required: true,
        max_length: Some(60),
        hint: "项目名称，必填",
    },
    FieldDef {
        key: "category",
        label: "申报范围",
        label_en: "category",
        kind: FieldKind::Category,
        required: true,
        max_length: None,
        hint: "申报范围编号，必填",
    },
    FieldDef {
        key: "contact",
        label: "联系人",
        label_en: "contact person",
        kind: FieldKind::Text,
        required: true,
        max_length: Some(30),
        hint: "联系人姓名，必填",
    },
    FieldDef {
        key: "phone",
        label: "联系电话",
        label_en: "phone",
        kind: FieldKind::Phone,
        required: true,
        max_length: None,
        hint: "联系电话，必填：固定电话如 0312-1234567，手机如 13912345678",
    },
    FieldDef {
        key: "summary",
        label: "项目简介",
        label_en: "summary",
        kind: FieldKind::Text,
        required: true,
        max_length: Some(200),
        hint: "项目简介，必填：一句话介绍项目做了什么、效果如何",
    },
    FieldDef {
        key: "started",
        label: "实施时间",
        label_en: "started",
        kind: FieldKind::MonthOrDate,
        required: false,
        max_length: None,
        hint: "实施时间，选填：YYYY-MM 或 YYYY-MM-DD",
    },
    FieldDef {
        key: "implementing_unit",
        label: "实施单位",
        label_en: "implementing unit",
        kind: FieldKind::Text,
        required: false,
        max_length: Some(60),
        hint: "实施单位，选填：代下级单位申报时填写",
    },
    FieldDef {
        key: "unit",
        label: "申报单位",
        label_en: "submitting unit",
        kind: FieldKind::Unit,
        required: false,
        max_length: None,
        hint: "申报单位，选填：须与所在文件夹一致",
    },
    FieldDef {
        key: "recognition",
        label: "实效性证明",
        label_en: "recognition",
        kind: FieldKind::Recognition,
        required: false,
        max_length: None,
        hint: "实效性证明，选填：上级文件、典型发言、现场会、领导批示、媒体报道",
    },
    FieldDef {
        key: "cover",
        label: "封面图片",
        label_en: "cover image",
        kind: FieldKind::Image,
        required: false,
        max_length: None,
        hint: "封面图片，选填：附件文件夹中的一张图片",
    },
    FieldDef {
        key: "attachments",
        label: "附件",
        label_en: "attachments",
        kind: FieldKind::Attachments,
        required: false,
        max_length: None,
        hint: "附件，选填：照片、视频、数据等，放在与本文件同名的文件夹中",
    },
    FieldDef {
        key: "draft",
        label: "草稿",
        label_en: "draft",
        kind: FieldKind::Bool,
        required: false,
        max_length: None,
        hint: "草稿，选填：true 表示暂不发布",
    },
];

/// 实效性证明的形式: how a project was recognised.
pub const RECOGNITION_KINDS: &[(&str, &str, &str)] = &[
    ("document", "上级工会发文推介", "endorsed in a document"),
    ("speech", "典型发言", "presented as a model speech"),
    ("site_meeting", "现场会", "shown at an on-site meeting"),
    (
        "instruction",
        "领导肯定性批示",
        "praised in a leader's written instruction",
    ),
    (
        "media",
        "市以上媒体刊发",
        "reported by city-level or higher media",
    ),
];

/// The keys of one recognition item.
pub const RECOGNITION_KEYS: &[&str] = &["kind", "source", "date", "title", "url"];

/// The keys of one attachment item.
pub const ATTACHMENT_KEYS: &[&str] = &["file", "title"];

/// Image extensions, for covers and galleries.
pub const IMAGE_TYPES: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// Video extensions, which have their own size limit.
pub const VIDEO_TYPES: &[&str] = &["mp4", "webm", "mov", "m4v"];

pub fn built_in(key: &str) -> Option<&'static FieldDef> {
    BUILT_IN.iter().find(|f| f.key == key)
}

/// Every key an entry may have in this campaign.
pub fn all_keys(campaign: &Campaign) -> Vec<&str> {
    BUILT_IN
        .iter()
        .map(|f| f.key)
        .chain(campaign.fields.extra.iter().map(|f| f.key.as_str()))
        .collect()
}

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
