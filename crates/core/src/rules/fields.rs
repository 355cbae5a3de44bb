//! Rules on an entry's front matter: known keys, required fields, types, allowed values, formats
//! and lengths. Reading and checking are one walk, so every value is checked where it is read.

use crate::campaign::{Campaign, ExtraField, ExtraType};
use crate::fields::{self, FieldKind};
use crate::model::{Attachment, Entry, Recognition};
use crate::problem::{Expected, Format, Problem, closest};
use crate::rules::Sink;
use crate::rules::formats;
use crate::source::Pos;
use crate::yaml::{Node, Value};

/// A file path written in the front matter, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathRef {
    pub path: String,
    pub pos: Pos,
    /// Must be an image (the cover).
    pub image: bool,
}

/// Read the front matter into `entry`; returns the file paths it names, for the attachment rules.
pub fn read(front: &Node, campaign: &Campaign, entry: &mut Entry, sink: &mut Sink) -> Vec<PathRef> {
    let mut paths = Vec::new();
    let map: &[(Node, Node)] = match &front.value {
        Value::Map(m) => m,
        Value::Null => &[],
        _ => {
            sink.at(
                front.pos,
                Problem::InvalidType {
                    key: "front matter".into(),
                    expected: Expected::Mapping,
                    label: None,
                },
            );
            return paths;
        }
    };
    let keys = campaign.entry_keys();
    // Unknown keys that look like a valid one: (the valid key, as written, where).
    let mut misspelt: Vec<(String, String, Pos)> = Vec::new();
    for (key_node, value) in map {
        let Some(key) = key_node.as_text() else {
            sink.at(
                key_node.pos,
                Problem::InvalidType {
                    key: "key".into(),
                    expected: Expected::Text,
                    label: None,
                },
            );
            continue;
        };
        if key == "title" {
            entry.title_pos = key_node.pos;
        }
        if let Some(def) = fields::built_in(&key) {
            let max = campaign.fields.max_length(def.key, def.max_length);
            read_built_in(
                def.kind, &key, max, value, campaign, entry, sink, &mut paths,
            );
        } else if let Some(extra) = campaign.fields.extra(&key) {
            let before = sink.diagnostics.len();
            let read = read_extra(extra, value, sink);
            // Named by the label the campaign gave it, as its form and sheet name it.
            for d in &mut sink.diagnostics[before..] {
                d.problem.name_field(&extra.label);
            }
            if let Some(text) = read {
                entry.extra.push((key, text));
            }
        } else {
            let suggestion = closest(&key, keys.iter().copied());
            if let Some(s) = &suggestion {
                misspelt.push((s.clone(), key.clone(), key_node.pos));
            }
            sink.at(
                key_node.pos,
                Problem::UnknownField {
                    suggestion,
                    valid: keys.iter().map(|k| k.to_string()).collect(),
                    key,
                },
            );
        }
    }
    // Required fields: absent ones point at the opening `---`, empty ones at their key.
    let required = fields::BUILT_IN
        .iter()
        .filter(|f| f.required)
        .map(|f| (f.key, f.label))
        .chain(
            campaign
                .fields
                .extra
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.key.as_str(), f.label.as_str())),
        );
    // Absent because misspelt: at the misspelt key, naming it.
    for (key, label) in required {
        let present = map.iter().find(|(k, _)| k.as_str() == Some(key));
        let problem = |misspelt: Option<String>| Problem::MissingField {
            key: key.into(),
            label: label.into(),
            misspelt,
            allowed: allowed(campaign, key),
        };
        match present {
            Some((_, v)) if !v.is_empty() => {}
            Some((k, _)) => sink.at(k.pos, problem(None)),
            None => match misspelt.iter().find(|(valid, _, _)| valid == key) {
                Some((_, written, pos)) => sink.at(*pos, problem(Some(written.clone()))),
                None => sink.at(Pos::START, problem(None)),
            },
        }
    }
    entry.extra.sort_by_key(|(k, _)| {
        campaign
            .fields
            .extra
            .iter()
            .position(|f| &f.key == k)
            .unwrap_or(usize::MAX)
    });
    paths
}

/// A required key of a list item, absent or empty.
fn missing(key: &str, label: &str) -> Problem {
    Problem::MissingField {
        key: key.into(),
        label: label.into(),
        misspelt: None,
        allowed: Vec::new(),
    }
}

/// The values a required field may take, where they are few and fixed: the categories, or an
/// extra field's choices.
fn allowed(campaign: &Campaign, key: &str) -> Vec<String> {
    if key == "category" {
        return categories(campaign);
    }
    campaign
        .fields
        .extra(key)
        .map(|f| f.values.clone())
        .unwrap_or_default()
}

/// The categories as a help lists them: `12 网上工会`.
fn categories(campaign: &Campaign) -> Vec<String> {
    campaign
        .categories
        .iter()
        .map(|c| format!("{} {}", c.id, c.name))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn read_built_in(
    kind: FieldKind,
    key: &str,
    max: Option<usize>,
    value: &Node,
    campaign: &Campaign,
    entry: &mut Entry,
    sink: &mut Sink,
    paths: &mut Vec<PathRef>,
) {
    if value.is_empty() && !matches!(kind, FieldKind::Recognition | FieldKind::Attachments) {
        // Reported by the required-field pass if required; an empty optional field is absent.
        return;
    }
    match kind {
        FieldKind::Text => {
            if let Some(text) = text(key, value, max, sink) {
                match key {
                    "title" => entry.title = text,
                    "contact" => entry.contact = text,
                    "summary" => entry.summary = text,
                    "implementing_unit" => entry.implementing_unit = Some(text),
                    _ => {}
                }
            }
        }
        FieldKind::Category => {
            if let Some(id) = text(key, value, None, sink) {
                if campaign.category(&id).is_some() {
                    entry.category = id;
                } else {
                    // `１２` typed on a Chinese keyboard: the id it is in ASCII digits.
                    let narrow: String = id.chars().map(super::formats::half_width).collect();
                    let suggestion = if narrow != id && campaign.category(&narrow).is_some() {
                        Some(narrow)
                    } else {
                        closest(&id, campaign.categories.iter().map(|c| c.id.as_str()))
                            .filter(|_| id.parse::<u32>().is_err())
                    };
                    sink.at(
                        value.pos,
                        Problem::InvalidValue {
                            key: key.into(),
                            suggestion,
                            allowed: categories(campaign),
                            value: id,
                            label: None,
                        },
                    );
                }
            }
        }
        FieldKind::Phone => {
            if let Some(phone) = text(key, value, None, sink) {
                if formats::is_phone(&phone) {
                    entry.phone = phone;
                } else {
                    bad_format(sink, value, key, phone, Format::Phone);
                }
            }
        }
        FieldKind::MonthOrDate => {
            if let Some(date) = text(key, value, None, sink) {
                if formats::is_month_or_date(&date) {
                    entry.started = Some(date);
                } else {
                    bad_format(sink, value, key, date, Format::MonthOrDate);
                }
            }
        }
        FieldKind::Unit => {
            if let Some(unit) = text(key, value, None, sink) {
                let folder = campaign.unit(&entry.unit);
                let agrees = unit == entry.unit || folder.is_some_and(|u| u.name == unit);
                if !agrees {
                    sink.at(
                        value.pos,
                        Problem::UnitMismatch {
                            value: unit,
                            folder: entry.unit.clone(),
                        },
                    );
                }
            }
        }
        FieldKind::Recognition => {
            for item in list(key, value, sink) {
                if let Some(r) = recognition(key, item, sink) {
                    entry.recognition.push(r);
                }
            }
        }
        FieldKind::Image => {
            if let Some(path) = text(key, value, None, sink) {
                paths.push(PathRef {
                    path: path.clone(),
                    pos: value.pos,
                    image: true,
                });
                entry.cover = Some(path);
            }
        }
        FieldKind::Attachments => {
            for item in list(key, value, sink) {
                if let Some(a) = attachment(key, item, sink) {
                    paths.push(PathRef {
                        path: a.file.clone(),
                        pos: item.get("file").map_or(item.pos, |(_, v)| v.pos),
                        image: false,
                    });
                    entry.attachments.push(a);
                }
            }
        }
        FieldKind::Bool => match value.value {
            Value::Bool(b) => entry.draft = b,
            _ => invalid_type(sink, value, key, Expected::Bool),
        },
    }
}

fn is_null(value: &Node) -> bool {
    matches!(value.value, Value::Null)
}

/// A scalar as text within `max` characters; numbers count as text since users write them bare.
fn text(key: &str, value: &Node, max: Option<usize>, sink: &mut Sink) -> Option<String> {
    let Some(text) = value.as_text() else {
        invalid_type(sink, value, key, Expected::Text);
        return None;
    };
    let text = text.trim().to_string();
    if let Some(max) = max {
        let length = text.chars().count();
        if length > max {
            sink.at(
                value.pos,
                Problem::TooLong {
                    key: key.into(),
                    length,
                    max,
                    label: None,
                },
            );
        }
    }
    Some(text)
}

fn list<'a>(key: &str, value: &'a Node, sink: &mut Sink) -> &'a [Node] {
    match &value.value {
        Value::Seq(items) => items,
        Value::Null => &[],
        _ => {
            invalid_type(sink, value, key, Expected::List);
            &[]
        }
    }
}

fn recognition(key: &str, item: &Node, sink: &mut Sink) -> Option<Recognition> {
    let Some(map) = item.as_map() else {
        invalid_type(sink, item, key, Expected::Mapping);
        return None;
    };
    let mut r = Recognition::default();
    for (k, v) in map {
        let name = k.as_text().unwrap_or_default();
        let path = format!("{key}.{name}");
        match name.as_str() {
            // Required and left empty: said missing below, once, not also of the wrong type.
            "kind" | "source" if is_null(v) => {}
            "kind" => {
                let Some(kind) = text(&path, v, None, sink) else {
                    continue;
                };
                let kinds = fields::RECOGNITION_KINDS.iter().map(|k| k.0);
                if kinds.clone().any(|k| k == kind) {
                    r.kind = kind;
                } else {
                    sink.at(
                        v.pos,
                        Problem::InvalidValue {
                            key: path,
                            suggestion: closest(&kind, kinds.clone()),
                            allowed: fields::RECOGNITION_KINDS
                                .iter()
                                // Named in the message's language when it is said.
                                .map(|(id, _, _)| id.to_string())
                                .collect(),
                            value: kind,
                            label: None,
                        },
                    );
                }
            }
            "source" => r.source = text(&path, v, Some(100), sink).unwrap_or_default(),
            "title" => r.title = text(&path, v, Some(200), sink),
            "date" => {
                if let Some(d) = text(&path, v, None, sink) {
                    if formats::is_date(&d) || formats::is_month_or_date(&d) {
                        r.date = Some(d);
                    } else {
                        bad_format(sink, v, &path, d, Format::Date);
                    }
                }
            }
            "url" => {
                if let Some(u) = text(&path, v, None, sink) {
                    if formats::is_url(&u) {
                        r.url = Some(u);
                    } else {
                        bad_format(sink, v, &path, u, Format::Url);
                    }
                }
            }
            _ => sink.at(
                k.pos,
                Problem::UnknownField {
                    suggestion: closest(&name, fields::RECOGNITION_KEYS.iter().copied()),
                    valid: fields::RECOGNITION_KEYS
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    key: path,
                },
            ),
        }
    }
    for (required, value) in [("kind", &r.kind), ("source", &r.source)] {
        if value.is_empty()
            && !map
                .iter()
                .any(|(k, v)| k.as_str() == Some(required) && !v.is_empty())
        {
            sink.at(
                item.pos,
                missing(
                    &format!("{key}.{required}"),
                    if required == "kind" {
                        "形式"
                    } else {
                        "来源"
                    },
                ),
            );
        }
    }
    Some(r)
}

fn attachment(key: &str, item: &Node, sink: &mut Sink) -> Option<Attachment> {
    if let Some(file) = item.as_text() {
        return Some(Attachment { file, title: None });
    }
    let Some(map) = item.as_map() else {
        invalid_type(sink, item, key, Expected::Mapping);
        return None;
    };
    let mut a = Attachment::default();
    for (k, v) in map {
        let name = k.as_text().unwrap_or_default();
        let path = format!("{key}.{name}");
        match name.as_str() {
            // Left empty (`- file:`): said missing below, once, not also of the wrong type.
            "file" if is_null(v) => {}
            "file" => a.file = text(&path, v, None, sink).unwrap_or_default(),
            "title" => a.title = text(&path, v, Some(100), sink),
            _ => sink.at(
                k.pos,
                Problem::UnknownField {
                    suggestion: closest(&name, fields::ATTACHMENT_KEYS.iter().copied()),
                    valid: fields::ATTACHMENT_KEYS
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    key: path,
                },
            ),
        }
    }
    if a.file.is_empty() {
        sink.at(item.pos, missing(&format!("{key}.file"), "文件"));
        return None;
    }
    Some(a)
}

/// An extra field's value as display text, if valid.
fn read_extra(field: &ExtraField, value: &Node, sink: &mut Sink) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let key = field.key.as_str();
    let text = match field.field_type {
        ExtraType::Number => match value.value {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => {
                invalid_type(sink, value, key, Expected::Number);
                return None;
            }
        },
        ExtraType::Integer => match value.value {
            Value::Int(i) => i.to_string(),
            _ => {
                invalid_type(sink, value, key, Expected::Integer);
                return None;
            }
        },
        ExtraType::Bool => match value.value {
            Value::Bool(b) => b.to_string(),
            _ => {
                invalid_type(sink, value, key, Expected::Bool);
                return None;
            }
        },
        ExtraType::Text
        | ExtraType::Date
        | ExtraType::Url
        | ExtraType::Email
        | ExtraType::Phone => {
            let text = text(key, value, field.max_length, sink)?;
            let format = match field.field_type {
                ExtraType::Date => Some((formats::is_date as fn(&str) -> bool, Format::Date)),
                ExtraType::Url => Some((formats::is_url as fn(&str) -> bool, Format::Url)),
                ExtraType::Email => Some((formats::is_email as fn(&str) -> bool, Format::Email)),
                ExtraType::Phone => Some((formats::is_phone as fn(&str) -> bool, Format::Phone)),
                _ => None,
            };
            if let Some((ok, format)) = format
                && !ok(&text)
            {
                bad_format(sink, value, key, text, format);
                return None;
            }
            text
        }
    };
    if !field.values.is_empty() && !field.values.contains(&text) {
        sink.at(
            value.pos,
            Problem::InvalidValue {
                key: key.into(),
                suggestion: closest(&text, field.values.iter().map(String::as_str)),
                allowed: field.values.clone(),
                value: text,
                label: None,
            },
        );
        return None;
    }
    Some(text)
}

fn invalid_type(sink: &mut Sink, value: &Node, key: &str, expected: Expected) {
    sink.at(
        value.pos,
        Problem::InvalidType {
            key: key.into(),
            expected,
            label: None,
        },
    );
}

fn bad_format(sink: &mut Sink, value: &Node, key: &str, text: String, format: Format) {
    sink.at(
        value.pos,
        Problem::InvalidFormat {
            key: key.into(),
            value: text,
            format,
            label: None,
        },
    );
}
