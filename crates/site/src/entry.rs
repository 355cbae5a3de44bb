//! An entry as the site shows it, declared once: the fields of `EntryView`, and derived from
//! that one declaration the object templates read, `entries.json` and the showcase's index.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Serde, Value};
use serde::Serialize;

use crate::model::Model;

/// Declares `EntryView` with its fields, and from the same list the names and values a template
/// reads: a field added here is in the page, the export and the templates at once.
/// The `internal` fields are for the site's own use, not shown to templates or exported.
macro_rules! entry_view {
    (
        shown { $( $(#[doc = $doc:literal])* $field:ident : $ty:ty, )* }
        internal { $( $(#[doc = $idoc:literal])* $ifield:ident : $ity:ty, )* }
    ) => {
        /// One published entry with everything its pages show.
        #[derive(Debug, Default, Serialize)]
        pub struct EntryView {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            $( $(#[doc = $idoc])* #[serde(skip)] pub $ifield: $ity, )*
        }

        impl EntryView {
            /// Every field, by name, in declaration order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// A field as a template reads it.
            fn field(&self, name: &str) -> Option<Value> {
                match name {
                    $( stringify!($field) => Some(TemplateValue::value(&self.$field)), )*
                    _ => None,
                }
            }
        }
    };
}

entry_view! {
    shown {
        id: String,
        unit: String,
        slug: String,
        /// The entry's page, relative to the site root (`entries/<unit>/<slug>/`).
        path: String,
        unit_name: String,
        unit_type: String,
        unit_type_name: String,
        title: String,
        category: String,
        category_name: String,
        category_path: String,
        contact: String,
        phone: String,
        summary: String,
        started: Option<String>,
        implementing_unit: Option<String>,
        recognition: Vec<RecognitionView>,
        cover: Option<Photo>,
        photos: Vec<Photo>,
        videos: Vec<FileView>,
        files: Vec<FileView>,
        extra: Vec<(String, String)>,
        /// Shared with the loaded entry: bodies are the bulk of a site's text.
        body: Arc<str>,
        draft: bool,
        /// From git, when it is read.
        first_submitted: Option<String>,
        last_changed: Option<String>,
        /// For the feed (RFC 3339): git's last change, else the latest date the entry records
        /// (`Entry::updated`).
        updated: Option<String>,
    }
    internal {
        /// The registered unit `implementing_unit` names, when the entry is a project forwarded
        /// for a unit that submits through this entry's unit.
        implementing_unit_id: Option<String>,
        /// The instant of `updated`, in seconds, to find the newest.
        updated_at: Option<i64>,
        /// Where the unit stands in the campaign's registry.
        unit_position: Option<usize>,
        /// Where the category stands in the campaign's list.
        category_position: Option<usize>,
        /// The body's plain text, for the search index (empty for a draft: its body is never
        /// in a public index).
        text: Arc<str>,
        /// `None` when `body` and `text` are the entry's, rendered as it was checked; else they
        /// are empty, and its page renders them from its file, whose text this was when checked
        /// (length, CRC-32; a large campaign's build).
        checked_text: Option<(usize, u32)>,
    }
}

#[derive(Debug, Serialize)]
pub struct RecognitionView {
    pub kind: String,
    pub kind_name: String,
    pub source: String,
    pub date: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Photo {
    /// The full-size photo, relative to the site root.
    pub path: String,
    pub thumb: String,
    pub width: u32,
    pub height: u32,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct FileView {
    pub path: String,
    pub name: String,
    pub title: String,
    pub ext: String,
    pub size: String,
}

/// How one field of a view reaches a template: text as text without a copy, lists and
/// structures through serde.
trait TemplateValue {
    fn value(&self) -> Value;
}

impl TemplateValue for String {
    fn value(&self) -> Value {
        Value::from(self.as_str())
    }
}

impl TemplateValue for Option<String> {
    fn value(&self) -> Value {
        Value::from(self.as_deref())
    }
}

impl TemplateValue for bool {
    fn value(&self) -> Value {
        Value::from(*self)
    }
}

/// Sanitised HTML; templates insert it with `| safe`.
impl TemplateValue for Arc<str> {
    fn value(&self) -> Value {
        Value::from(Arc::clone(self))
    }
}

impl TemplateValue for Option<Photo> {
    fn value(&self) -> Value {
        Value::from(Serde(self))
    }
}

impl<T: Serialize> TemplateValue for Vec<T> {
    fn value(&self) -> Value {
        Value::from(Serde(self))
    }
}

/// Entries reach templates as objects read field by field when a template asks, not converted
/// whole up front: a card reads six fields of thirty, and 10,000 conversions add up.
impl Object for EntryView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.field(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(EntryView::FIELDS)
    }
}

/// `entries.json`: every published entry with its fields, for anyone who wants the data.
pub(crate) fn entries_json(model: &Model) -> Vec<u8> {
    #[derive(Serialize)]
    struct Export<'a> {
        id: &'a str,
        unit: &'a str,
        unit_name: &'a str,
        url: String,
        title: &'a str,
        category: &'a str,
        category_name: &'a str,
        contact: &'a str,
        phone: &'a str,
        summary: &'a str,
        started: Option<&'a str>,
        implementing_unit: Option<&'a str>,
        recognition: &'a [RecognitionView],
        attachments: Vec<String>,
        first_submitted: Option<&'a str>,
        last_changed: Option<&'a str>,
    }
    let base = &model.site.base;
    let list: Vec<Export<'_>> = model
        .entries
        .iter()
        .map(|e| Export {
            id: &e.id,
            unit: &e.unit,
            unit_name: &e.unit_name,
            url: format!("{base}{}", e.path),
            title: &e.title,
            category: &e.category,
            category_name: &e.category_name,
            contact: &e.contact,
            phone: &e.phone,
            summary: &e.summary,
            started: e.started.as_deref(),
            implementing_unit: e.implementing_unit.as_deref(),
            recognition: &e.recognition,
            attachments: e
                .photos
                .iter()
                .map(|p| format!("{base}{}", p.path))
                .chain(
                    e.videos
                        .iter()
                        .chain(&e.files)
                        .map(|f| format!("{base}{}", f.path)),
                )
                .collect(),
            first_submitted: e.first_submitted.as_deref(),
            last_changed: e.last_changed.as_deref(),
        })
        .collect();
    #[derive(Serialize)]
    struct All<'a> {
        entries: Vec<Export<'a>>,
    }
    // Compact, and serialised straight from the structs: at 10,000 entries an intermediate JSON
    // tree or indentation would cost more than the rest of the file.
    let mut out = serde_json::to_vec(&All { entries: list }).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `entries/units.json`: the units the showcase's filters offer, `[id, name, type]` each, in
/// the registry's order: those with an entry on the site. The filters themselves act on the
/// search index's filter grams, so that a filtered view reads a few small files, not a list of
/// every entry (26 MB at 100,000 entries).
pub(crate) fn showcase_units(model: &Model) -> Vec<u8> {
    let mut shown = vec![false; model.units.len()];
    for position in model.entries.iter().filter_map(|e| e.unit_position) {
        if let Some(shown) = shown.get_mut(position) {
            *shown = true;
        }
    }
    let units: Vec<[&str; 3]> = model
        .units
        .iter()
        .zip(&shown)
        .filter(|(_, shown)| **shown)
        .map(|(u, _)| [u.id.as_str(), u.name.as_str(), u.unit_type.as_str()])
        .collect();
    serde_json::to_vec(&units).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::value::DynObject;

    #[test]
    fn an_entry_object_answers_every_field_as_its_serialised_form_does() {
        let entry = EntryView {
            id: "u/a".into(),
            title: "标题".into(),
            started: Some("2017-03".into()),
            body: "<p>x</p>".into(),
            extra: vec![("投入".into(), "18.5".into())],
            ..Default::default()
        };
        let serialised = Value::from(Serde(&entry));
        let object = Value::from_dyn_object(DynObject::new(Arc::new(entry)));
        let keys: Vec<String> = serialised
            .try_iter()
            .unwrap()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(keys.len(), EntryView::FIELDS.len());
        for key in keys {
            let a = serialised.get_attr(&key).unwrap();
            let b = object.get_attr(&key).unwrap();
            assert_eq!(a.to_string(), b.to_string(), "{key}");
        }
    }
}
