//! An entry as a form, and back: the fields a clerk fills in, read from an entry file and
//! written as the same Markdown with front matter a git user would write. Writing remembers on
//! which lines each field landed, so that `check`'s diagnostics (which point at lines) can be
//! shown next to the field concerned.

use shenbao_core::campaign::{Campaign, ExtraType};
use shenbao_core::rules::body::section_name;
use shenbao_core::source;
use shenbao_core::yaml::{self, Node, Value};

/// One recognition row (实效性证明).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecognitionRow {
    pub kind: String,
    pub source: String,
    pub date: String,
    pub title: String,
    pub url: String,
}

impl RecognitionRow {
    fn is_blank(&self) -> bool {
        [&self.kind, &self.source, &self.date, &self.title, &self.url]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// One attachment row: a file of the entry's folder and its title.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AttachmentRow {
    pub file: String,
    pub title: String,
}

/// One section of the body: its heading and text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    pub name: String,
    pub text: String,
}

/// Everything the entry form holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EntryForm {
    pub title: String,
    pub category: String,
    pub contact: String,
    pub phone: String,
    pub summary: String,
    pub started: String,
    pub implementing_unit: String,
    pub recognition: Vec<RecognitionRow>,
    pub cover: String,
    pub attachments: Vec<AttachmentRow>,
    /// The campaign's extra fields, by key, in the campaign's order.
    pub extra: Vec<(String, String)>,
    /// Text before the first section heading.
    pub intro: String,
    pub sections: Vec<Section>,
    pub draft: bool,
}

/// Which form field a line of the written file belongs to.
#[derive(Clone, Debug, Default)]
pub struct FieldLines {
    /// (first line, last line, field name as the form names it), 1-based, in the whole file.
    spans: Vec<(u32, u32, String)>,
}

impl FieldLines {
    /// The first line of form field `field`, if the file writes it.
    pub fn line_of(&self, field: &str) -> Option<u32> {
        self.spans
            .iter()
            .find(|(_, _, name)| name == field)
            .map(|(first, _, _)| *first)
    }

    /// The form field that line `line` belongs to.
    pub fn field_at(&self, line: u32) -> Option<&str> {
        self.spans
            .iter()
            .filter(|(a, b, _)| *a <= line && line <= *b)
            .map(|(_, _, f)| f.as_str())
            .next_back()
    }
}

impl EntryForm {
    /// Nothing filled in, with a slot for each of the campaign's extra fields.
    fn empty(campaign: &Campaign) -> Self {
        EntryForm {
            extra: campaign
                .fields
                .extra
                .iter()
                .map(|f| (f.key.clone(), String::new()))
                .collect(),
            ..Default::default()
        }
    }

    /// A new entry's form: the campaign's sections, empty.
    pub fn blank(campaign: &Campaign) -> Self {
        let mut form = EntryForm {
            draft: true,
            ..Self::empty(campaign)
        };
        form.add_missing_sections(campaign);
        form
    }

    /// Every required and recommended section the form lacks, added empty, in the campaign's
    /// order.
    fn add_missing_sections(&mut self, campaign: &Campaign) {
        let has = |form: &EntryForm, names: &[String]| {
            form.sections
                .iter()
                .any(|s| names.iter().any(|n| section_name(&s.name) == n))
        };
        for alternatives in &campaign.sections.required {
            if !has(self, alternatives) {
                self.sections.push(Section {
                    name: alternatives[0].clone(),
                    text: String::new(),
                });
            }
        }
        for name in &campaign.sections.recommended {
            if !has(self, std::slice::from_ref(name)) {
                self.sections.push(Section {
                    name: name.clone(),
                    text: String::new(),
                });
            }
        }
    }

    /// The form of an entry file as stored. A file whose front matter cannot be read gives what
    /// could be read; its body is kept.
    pub fn from_file(campaign: &Campaign, text: &str) -> Self {
        let mut form = Self::empty(campaign);
        let (front, body) = match source::split_front_matter(text) {
            Ok(f) => (Some(f.yaml), f.body),
            Err(_) => (None, text),
        };
        if let Some(node) = front.and_then(|y| yaml::parse(y, source::YAML_FIRST_LINE).ok()) {
            form.read_front(&node);
        }
        form.read_body(body);
        form.add_missing_sections(campaign);
        form
    }

    fn read_front(&mut self, node: &Node) {
        let text = |n: &Node| match &n.value {
            Value::Bool(b) => b.to_string(),
            _ => n.as_text().unwrap_or_default(),
        };
        let Some(map) = node.as_map() else { return };
        for (k, v) in map {
            let Some(key) = k.as_str() else { continue };
            match key {
                "title" => self.title = text(v),
                "category" => self.category = text(v),
                "contact" => self.contact = text(v),
                "phone" => self.phone = text(v),
                "summary" => self.summary = text(v),
                "started" => self.started = text(v),
                "implementing_unit" => self.implementing_unit = text(v),
                "cover" => self.cover = text(v),
                "draft" => self.draft = matches!(v.value, Value::Bool(true)),
                "recognition" => {
                    if let Value::Seq(items) = &v.value {
                        for item in items {
                            let get =
                                |k: &str| item.get(k).map(|(_, v)| text(v)).unwrap_or_default();
                            self.recognition.push(RecognitionRow {
                                kind: get("kind"),
                                source: get("source"),
                                date: get("date"),
                                title: get("title"),
                                url: get("url"),
                            });
                        }
                    }
                }
                "attachments" => {
                    if let Value::Seq(items) = &v.value {
                        for item in items {
                            let get =
                                |k: &str| item.get(k).map(|(_, v)| text(v)).unwrap_or_default();
                            // The short form, `- photo.jpg`, names the file alone.
                            let row = match item.as_map() {
                                Some(_) => AttachmentRow {
                                    file: get("file"),
                                    title: get("title"),
                                },
                                None => AttachmentRow {
                                    file: text(item),
                                    title: String::new(),
                                },
                            };
                            self.attachments.push(row);
                        }
                    }
                }
                other => {
                    if let Some(slot) = self.extra.iter_mut().find(|(k, _)| k == other) {
                        slot.1 = text(v);
                    }
                }
            }
        }
    }

    fn read_body(&mut self, body: &str) {
        let mut current: Option<Section> = None;
        let mut intro = String::new();
        for line in body.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                if let Some(s) = current.take() {
                    self.sections.push(s);
                }
                current = Some(Section {
                    name: heading.trim().to_string(),
                    text: String::new(),
                });
                continue;
            }
            let into = match &mut current {
                Some(s) => &mut s.text,
                None => &mut intro,
            };
            into.push_str(line);
            into.push('\n');
        }
        if let Some(s) = current.take() {
            self.sections.push(s);
        }
        for s in &mut self.sections {
            s.text = typed_lines(s.text.trim());
        }
        self.intro = typed_lines(intro.trim());
    }

    /// The form as posted: `pairs` in the order the browser sent them.
    pub fn from_pairs(campaign: &Campaign, pairs: &[(String, String)]) -> Self {
        let mut form = Self::empty(campaign);
        for (name, value) in pairs {
            // The text areas keep their lines; every other field is one line.
            let lines = || typed(value).trim().to_string();
            let line = || one_line(value);
            match name.as_str() {
                "title" => form.title = line(),
                "category" => form.category = line(),
                "contact" => form.contact = line(),
                "phone" => form.phone = half_width(&line()),
                "summary" => form.summary = lines(),
                "started" => form.started = as_month(&line()),
                "implementing_unit" => form.implementing_unit = line(),
                "cover" => form.cover = line(),
                "intro" => form.intro = lines(),
                _ => {
                    if let Some(rest) = name.strip_prefix("extra.") {
                        if let Some(slot) = form.extra.iter_mut().find(|(k, _)| k == rest) {
                            slot.1 = lines();
                        }
                    } else if let Some((i, key)) = indexed(name, "recognition.") {
                        let row = row_at(&mut form.recognition, i);
                        let v = line();
                        match key {
                            "kind" => row.kind = v,
                            "source" => row.source = v,
                            "date" => row.date = as_month(&v),
                            "title" => row.title = v,
                            "url" => row.url = v,
                            _ => {}
                        }
                    } else if let Some((i, key)) = indexed(name, "attachment.") {
                        let row = row_at(&mut form.attachments, i);
                        match key {
                            "file" => row.file = line(),
                            "title" => row.title = line(),
                            _ => {}
                        }
                    } else if let Some((i, key)) = indexed(name, "section.") {
                        let row = row_at(&mut form.sections, i);
                        match key {
                            "name" => row.name = line(),
                            "text" => row.text = lines(),
                            _ => {}
                        }
                    }
                }
            }
        }
        form.recognition.retain(|r| !r.is_blank());
        form.attachments.retain(|a| !a.file.is_empty());
        form.sections.retain(|s| !s.name.is_empty());
        form.add_missing_sections(campaign);
        form
    }

    /// The entry file, and where each field's lines are.
    pub fn to_file(&self, campaign: &Campaign) -> (String, FieldLines) {
        let mut w = Writer::default();
        w.line("---", None);
        let scalars = [
            ("title", &self.title),
            ("category", &self.category),
            ("contact", &self.contact),
            ("phone", &self.phone),
            ("summary", &self.summary),
        ];
        for (key, value) in scalars {
            w.line(&format!("{key}: {}", quoted(value)), Some(key));
        }
        if !self.started.is_empty() {
            w.line(
                &format!("started: {}", quoted(&self.started)),
                Some("started"),
            );
        }
        if !self.implementing_unit.is_empty() {
            w.line(
                &format!("implementing_unit: {}", quoted(&self.implementing_unit)),
                Some("implementing_unit"),
            );
        }
        if !self.recognition.is_empty() {
            w.line("recognition:", Some("recognition"));
            for (i, r) in self.recognition.iter().enumerate() {
                let mut first = true;
                for (key, value) in [
                    ("kind", &r.kind),
                    ("source", &r.source),
                    ("date", &r.date),
                    ("title", &r.title),
                    ("url", &r.url),
                ] {
                    if value.is_empty() && !(key == "kind" || key == "source") {
                        continue;
                    }
                    let lead = if first { "  - " } else { "    " };
                    first = false;
                    w.line(
                        &format!("{lead}{key}: {}", quoted(value)),
                        Some(&format!("recognition.{i}.{key}")),
                    );
                }
            }
        }
        if !self.cover.is_empty() {
            w.line(&format!("cover: {}", quoted(&self.cover)), Some("cover"));
        }
        if !self.attachments.is_empty() {
            w.line("attachments:", Some("attachments"));
            for (i, a) in self.attachments.iter().enumerate() {
                w.line(
                    &format!("  - file: {}", quoted(&a.file)),
                    Some(&format!("attachment.{i}.file")),
                );
                if !a.title.is_empty() {
                    w.line(
                        &format!("    title: {}", quoted(&a.title)),
                        Some(&format!("attachment.{i}.title")),
                    );
                }
            }
        }
        for field in &campaign.fields.extra {
            let value = self
                .extra
                .iter()
                .find(|(k, _)| *k == field.key)
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            if value.is_empty() {
                continue;
            }
            let number = as_number(value);
            let written = match field.field_type {
                ExtraType::Number if number.parse::<f64>().is_ok_and(f64::is_finite) => number,
                ExtraType::Integer if number.parse::<i64>().is_ok() => number,
                ExtraType::Bool if value == "true" || value == "false" => value.into(),
                _ => quoted(value),
            };
            let name = format!("extra.{}", field.key);
            w.line(&format!("{}: {written}", field.key), Some(&name));
        }
        if self.draft {
            w.line("draft: true", Some("draft"));
        }
        w.line("---", None);
        if !self.intro.is_empty() {
            w.line("", None);
            w.block(&self.intro, "intro");
        }
        let required: Vec<&String> = campaign.sections.required.iter().flatten().collect();
        for (i, s) in self.sections.iter().enumerate() {
            let name = section_name(&s.name);
            let needed = required.iter().any(|r| *r == name);
            if s.text.is_empty() && !needed {
                continue;
            }
            let field = format!("section.{i}.text");
            w.line("", None);
            w.line(&format!("## {}", s.name), Some(&field));
            if !s.text.is_empty() {
                w.line("", Some(&field));
                w.block(&s.text, &field);
            }
        }
        (w.text, w.lines)
    }
}

/// `recognition.3.kind` → (3, "kind").
fn indexed<'a>(name: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let (i, key) = name.strip_prefix(prefix)?.split_once('.')?;
    let i: usize = i.parse().ok()?;
    // A form has a few dozen rows at most; a posted index far beyond is not a row.
    (i < 200).then_some((i, key))
}

fn row_at<T: Default>(rows: &mut Vec<T>, i: usize) -> &mut T {
    while rows.len() <= i {
        rows.push(T::default());
    }
    &mut rows[i]
}

/// A YAML scalar that reads back as exactly `s`: a JSON string is a YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[derive(Default)]
struct Writer {
    text: String,
    line: u32,
    lines: FieldLines,
}

impl Writer {
    fn line(&mut self, text: &str, field: Option<&str>) {
        self.line += 1;
        if let Some(f) = field {
            self.lines.spans.push((self.line, self.line, f.to_string()));
        }
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn block(&mut self, text: &str, field: &str) {
        let first = self.line + 1;
        let mut previous = "";
        let mut fenced = false;
        for l in text.lines() {
            let l = l.trim_end();
            // Code is written as typed.
            let fence = l.trim_start();
            if fence.starts_with("```") || fence.starts_with("~~~") {
                fenced = !fenced;
            }
            // A line of dashes or equals signs under a line of text (a separator pasted from
            // Word) would make that line a heading, and the section look empty: set apart by a
            // blank line, dashes are a rule and equals signs text, as they looked when typed.
            if !fenced && !previous.trim().is_empty() && is_underline(l) {
                self.line += 1;
                self.text.push('\n');
            }
            // A line of text straight under another stays a line of its own, as typed (a list
            // pasted from Word, 1．… 2．…): Markdown would run them into one paragraph. It
            // ends the line above with a hard break (`\`); reading the file back takes it off.
            // (A line already ending in an odd number of backslashes ends in a hard break.)
            if !fenced
                && prose(previous)
                && prose(l)
                && backslashes_at_end(previous).is_multiple_of(2)
            {
                self.text.insert(self.text.len() - 1, '\\');
            }
            self.line += 1;
            self.text.push_str(l);
            self.text.push('\n');
            previous = if fenced { "" } else { l };
        }
        self.lines
            .spans
            .push((first, self.line.max(first), field.to_string()));
    }
}

/// A number as a clerk types it on a Chinese keyboard, written as YAML reads a number:
/// full-width digits, point and signs as ASCII, and no thousands separators (`１２，０００` is
/// 12000). Anything else is left for `check` to refuse.
fn as_number(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .map(|c| match c {
            '．' | '。' => '.',
            c => shenbao_core::rules::formats::half_width(c),
        })
        .collect()
}

/// A month or a date as a clerk types one — `2017年3月`, `2017.3`, `2017/03/05`, full-width
/// digits — written as the campaign's format (`2017-03`, `2017-03-05`). Anything else is left
/// as typed, for `check` to refuse with the format it wants.
pub fn as_month(value: &str) -> String {
    // `2017 年 3 月`, `2017年3月份`: spaces and 份 are how people write a month, not part of it.
    let digits: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(shenbao_core::rules::formats::half_width)
        .collect();
    let parts: Vec<&str> = digits
        .trim_end_matches(['日', '号', '份'])
        .split(['年', '月', '.', '/', '-', '．', '／'])
        .collect();
    fn number(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<&str> {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
    }
    let written = match parts.as_slice() {
        [y, m] | [y, m, ""] => number(y, 4..=4)
            .zip(number(m, 1..=2))
            .map(|(y, m)| format!("{y}-{m:0>2}")),
        [y, m, d] => number(y, 4..=4)
            .zip(number(m, 1..=2))
            .zip(number(d, 1..=2))
            .map(|((y, m), d)| format!("{y}-{m:0>2}-{d:0>2}")),
        _ => None,
    };
    match written {
        Some(w) if shenbao_core::rules::formats::is_month_or_date(&w) => w,
        _ => value.to_string(),
    }
}

/// What a field of several lines was typed as: its line ends as `\n`; a vertical tab or form
/// feed, the line break of text pasted from a slide or a document, as one too; and no other
/// control character no one sees (`check` refuses a value holding one, and the unit could not
/// find it to delete).
pub fn typed(value: &str) -> String {
    let value = value.replace("\r\n", "\n");
    value
        .chars()
        .filter_map(|c| match c {
            '\r' | '\u{b}' | '\u{c}' => Some('\n'),
            c if shenbao_core::source::is_invisible_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// What a field of one line was typed as: as [`typed`], each line break a space (a name or a
/// title pasted with one is still one line in the roster and on the page), trimmed.
pub fn one_line(value: &str) -> String {
    typed(value).replace('\n', " ").trim().to_string()
}

/// A phone number typed with full-width digits (`１３９…`, `０３１２－…`) as ASCII, as the rule
/// reads it and as the roster and its exports should print it.
pub fn half_width(value: &str) -> String {
    value
        .chars()
        .map(shenbao_core::rules::formats::half_width)
        .collect()
}

/// Whether `line` is a line of running text, which Markdown would join to the line above: not
/// blank, not the start of a heading, list item, quote, code or rule, and not a table's row
/// (any line with a `|`: a table's rows need not start with one).
fn prose(line: &str) -> bool {
    let body = line.trim_start_matches(' ');
    if body.is_empty()
        || line.len() - body.len() >= 4
        || line.starts_with('\t')
        || is_underline(line)
    {
        return false;
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0
        && matches!(body.as_bytes().get(digits), Some(b'.' | b')'))
        && matches!(body.as_bytes().get(digits + 1), None | Some(b' ' | b'\t'));
    !numbered && !body.contains('|') && !body.starts_with(['#', '>', '-', '*', '+', '`', '~', '<'])
}

/// How many backslashes end `line`: an odd number is a hard break, an even one escaped ones.
fn backslashes_at_end(line: &str) -> usize {
    line.bytes().rev().take_while(|&b| b == b'\\').count()
}

/// A section's text as the form shows it: the hard breaks the form wrote between lines of text
/// taken off again (see [`Writer::block`]).
fn typed_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut fenced = false;
    for (i, l) in lines.iter().enumerate() {
        let fence = l.trim_start();
        if fence.starts_with("```") || fence.starts_with("~~~") {
            fenced = !fenced;
        }
        let next = lines.get(i + 1).copied().unwrap_or("");
        match l.strip_suffix('\\') {
            Some(kept)
                if !fenced
                    && prose(l)
                    && prose(next)
                    && !backslashes_at_end(l).is_multiple_of(2) =>
            {
                out.push_str(kept)
            }
            _ => out.push_str(l),
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// Whether Markdown would read `line`, under a paragraph's line, as making it a heading (a
/// setext underline: up to three spaces, then only `=` or only `-`).
fn is_underline(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    let body = rest.trim_end();
    line.len() - rest.len() <= 3
        && !body.is_empty()
        && (body.bytes().all(|b| b == b'-') || body.bytes().all(|b| b == b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A month typed as people write one is written as the format `check` wants; what is not a
    /// month is kept for `check` to refuse.
    #[test]
    fn a_month_is_written_as_the_format_wants() {
        for (typed, written) in [
            ("2017-03", "2017-03"),
            ("2017年3月", "2017-03"),
            ("２０１７年３月", "2017-03"),
            ("2017.3", "2017-03"),
            ("2017/03", "2017-03"),
            ("2017年3月5日", "2017-03-05"),
            ("2017-3-5", "2017-03-05"),
            ("2017 年 3 月", "2017-03"),
            ("2017年3月份", "2017-03"),
            ("2017.9.12", "2017-09-12"),
            ("2017年13月", "2017年13月"),
            ("2017年2月30日", "2017年2月30日"),
            ("17年3月", "17年3月"),
            ("三月", "三月"),
            ("", ""),
        ] {
            assert_eq!(as_month(typed), written, "{typed}");
        }
    }

    /// A separator line pasted under a line of text stays a separator: the line above does not
    /// become a heading (which would split the section and leave it looking empty).
    #[test]
    fn a_line_of_dashes_under_text_does_not_make_a_heading() {
        let c = campaign();
        let mut form = EntryForm::blank(&c);
        form.sections[0].text =
            "一、总体情况\n---\n车间远离图书室。\n二、做法\n====\n建书屋。".into();
        let (text, _) = form.to_file(&c);
        assert!(
            text.contains("一、总体情况\n\n---\n车间远离图书室。\\\n二、做法\n\n====\n建书屋。"),
            "{text}"
        );
        let want = shenbao_core::body::Want {
            html: true,
            text: false,
        };
        let html = shenbao_core::body::parse(&text[text.find("## ").unwrap()..], None, want).html;
        assert!(
            !html.contains("<h2>一、") && !html.contains("<h1>二、"),
            "{html}"
        );
        assert!(html.contains("<hr"), "{html}");
        // Nor inside code, which is written as typed.
        form.sections[0].text = "```\n标题\n---\n```".into();
        let (text, _) = form.to_file(&c);
        assert!(text.contains("```\n标题\n---\n```"), "{text}");
        // Lines that are not underlines are left as they are.
        for line in ["- 列表", "| --- |", "    ---", "-- 注"] {
            assert!(!is_underline(line), "{line}");
        }
    }

    fn campaign() -> Campaign {
        let text = "title: t\nissuer: i\ncategories:\n  - {id: \"12\", name: a}\nunit_types:\n  - {id: county, name: 县, minimum: 1}\nunits:\n  - {id: lianchi, name: 莲池区总工会, type: county}\nfields:\n  extra:\n    - {key: investment, label: 投入经费, type: number}\n";
        shenbao_core::campaign::parse(std::path::Path::new("."), text.as_bytes().to_vec()).unwrap()
    }

    /// A file written by hand with the short form of attachments (`- photo.jpg`) shows its
    /// files in the form, not empty rows.
    #[test]
    fn the_short_form_of_attachments_names_its_files() {
        let c = campaign();
        let text = "---\ntitle: 甲\nattachments:\n  - a.jpg\n  - file: b.pdf\n    title: 乙\n---\n";
        let form = EntryForm::from_file(&c, text);
        let rows: Vec<(&str, &str)> = form
            .attachments
            .iter()
            .map(|a| (a.file.as_str(), a.title.as_str()))
            .collect();
        assert_eq!(rows, [("a.jpg", ""), ("b.pdf", "乙")]);
    }

    #[test]
    fn a_form_written_and_read_back_is_the_same_form() {
        let c = campaign();
        let mut form = EntryForm::blank(&c);
        form.title = "打造\"指尖上的工会\"：网上平台".into();
        form.category = "12".into();
        form.phone = "0312-1234567".into();
        form.summary = "一行\n两行 # 不是注释".into();
        form.recognition.push(RecognitionRow {
            kind: "media".into(),
            source: "保定日报".into(),
            date: "2017-09-12".into(),
            ..Default::default()
        });
        form.extra[0].1 = "12.5".into();
        form.sections[0].text = "第一段。\n\n- 列表".into();
        let (text, lines) = form.to_file(&c);
        assert!(text.contains("investment: 12.5\n"), "{text}");
        assert_eq!(EntryForm::from_file(&c, &text), form);
        assert_eq!(lines.field_at(2), Some("title"));
        let kind_line = text.lines().position(|l| l.contains("kind:")).unwrap() as u32 + 1;
        assert_eq!(lines.field_at(kind_line), Some("recognition.0.kind"));
        let body_line = text.lines().position(|l| l == "第一段。").unwrap() as u32 + 1;
        assert_eq!(lines.field_at(body_line), Some("section.0.text"));
    }

    /// Lines typed one under another (a list pasted from Word) stay lines on the page: each
    /// ends with a hard break in the file, which the form does not show; Markdown's own lists,
    /// tables, headings and code are written as typed.
    #[test]
    fn lines_typed_one_under_another_stay_lines() {
        let c = campaign();
        let mut form = EntryForm::blank(&c);
        let typed = "做法如下：\n• 建设微信平台；\n• 开设入会通道\n1．建立联动机制\n2．每周开展活动\n\n- 列表一\n- 列表二\n\n| 年份 | 人数 |\n| --- | --- |\n| 2017 | 12 |\n\n```\n代码一\n代码二\n```\n末段。";
        form.sections[0].text = typed.into();
        let (text, _) = form.to_file(&c);
        assert!(
            text.contains("做法如下：\\\n• 建设微信平台；\\\n• 开设入会通道\\\n1．建立联动机制\\\n2．每周开展活动\n\n- 列表一\n- 列表二\n\n| 年份 | 人数 |\n| --- | --- |\n| 2017 | 12 |\n\n```\n代码一\n代码二\n```\n末段。"),
            "{text}"
        );
        assert_eq!(EntryForm::from_file(&c, &text).sections[0].text, typed);
        // Each line its own on the page.
        let body = text.split("---\n").nth(2).unwrap();
        let html = shenbao_core::body::parse(body, None, shenbao_core::body::Want::HTML).html;
        assert_eq!(html.matches("<br").count(), 4, "{html}");
        // Saved again from the form, the file is the same.
        let again = EntryForm::from_file(&c, &text).to_file(&c).0;
        assert_eq!(again, text);
        // Backslashes typed at a line's end, escaped or not, and a table without outer pipes:
        // saving twice writes the same file, and a table row gets no break.
        for typed in [
            "路径 C:\\\\\n下一行",
            "斜杠\\\n下一行",
            "年份 | 人数\n--- | ---\n2017 | 12\n2018 | 13",
        ] {
            let mut form = EntryForm::blank(&c);
            form.sections[0].text = typed.into();
            let once = form.to_file(&c).0;
            let twice = EntryForm::from_file(&c, &once).to_file(&c).0;
            assert_eq!(once, twice, "{typed}");
            assert!(!once.contains("12\\"), "{once}");
        }
    }

    /// A number typed with full-width digits or thousands separators is written as a number,
    /// which `check` takes; text that is not a number stays text, for `check` to refuse.
    #[test]
    fn numbers_typed_on_a_chinese_keyboard_are_written_as_numbers() {
        let c = campaign();
        for (typed, written) in [
            ("１２．５", "investment: 12.5\n"),
            ("12,000", "investment: 12000\n"),
            ("１２，０００", "investment: 12000\n"),
            ("十二", "investment: \"十二\"\n"),
        ] {
            let mut form = EntryForm::blank(&c);
            form.extra[0].1 = typed.into();
            let (text, _) = form.to_file(&c);
            assert!(text.contains(written), "{typed}: {text}");
        }
    }

    #[test]
    fn posted_rows_are_read_by_index_and_blank_rows_dropped() {
        let c = campaign();
        let pairs: Vec<(String, String)> = [
            ("title", "甲"),
            ("recognition.1.kind", "speech"),
            ("recognition.1.source", "市总"),
            ("recognition.1.date", "2017年9月12日"),
            ("phone", "１３９１２３４５６７８"),
            ("recognition.0.kind", ""),
            ("section.0.name", "背景"),
            ("section.0.text", "a\r\nb"),
            ("extra.investment", "3"),
            ("extra.nosuch", "x"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let form = EntryForm::from_pairs(&c, &pairs);
        assert_eq!(form.recognition.len(), 1);
        assert_eq!(form.recognition[0].kind, "speech");
        // Dates and phones as people type them, written as the rules read them.
        assert_eq!(form.recognition[0].date, "2017-09-12");
        assert_eq!(form.phone, "13912345678");
        assert_eq!(form.sections[0].text, "a\nb");
        assert_eq!(form.extra, [("investment".to_string(), "3".to_string())]);
    }
}
