//! Validation: every rule of the contract, each producing diagnostics as values.
//!
//! `entry` checks one entry file on its own (so entries are checked in parallel); `units` checks
//! what needs all of them: folders, cards, channels, quotas, duplicates.

pub mod attachments;
pub mod body;
pub mod card;
pub mod deadline;
pub mod fields;
pub mod formats;
pub mod units;

use crate::body::Want;
use crate::campaign::Campaign;
use crate::diagnostic::Diagnostic;
use crate::files::{Files, Looked, Stat};
use crate::model::Entry;
use crate::paths;
use crate::problem::Problem;
use crate::source::{self, FrontMatterError, Pos};
use crate::yaml;

/// Entry files larger than this are refused unread: no real entry comes near it, and a huge file
/// must not stall a check.
pub const MAX_ENTRY_BYTES: u64 = 2 * 1024 * 1024;

/// Collects the diagnostics of one file.
pub struct Sink {
    file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn new(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            diagnostics: Vec::new(),
        }
    }

    pub fn at(&mut self, pos: Pos, problem: Problem) {
        self.diagnostics
            .push(Diagnostic::new(self.file.clone(), pos, problem));
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == crate::problem::Severity::Error)
    }
}

/// The result of checking one entry file: the entry if its front matter could be read at all.
pub struct EntryOutcome {
    pub entry: Option<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The text of a unit's file (an entry, its card), judged before it is read: a link out of
/// `within` is path-escape, a file over `MAX_ENTRY_BYTES` is refused unread, and the text must
/// be UTF-8. `None` when a diagnostic says why not.
pub(crate) fn read_text(
    files: &dyn Files,
    rel: &str,
    within: &str,
    sink: &mut Sink,
) -> Option<String> {
    let read = match files.stat_and_read(rel, within, MAX_ENTRY_BYTES) {
        Looked::Escapes => {
            sink.at(Pos::START, Problem::PathEscape { path: rel.into() });
            return None;
        }
        Looked::TooLarge { size } => {
            sink.at(Pos::START, too_large(size));
            return None;
        }
        Looked::Read(read) => read,
    };
    let bytes = match read {
        // It grew past the limit since it was looked at: said with its size now (what was read
        // stops past the limit).
        Ok(b) if b.len() as u64 > MAX_ENTRY_BYTES => {
            let size = match files.stat(rel, within) {
                Stat::File { size } => size.max(b.len() as u64),
                _ => b.len() as u64,
            };
            sink.at(Pos::START, too_large(size));
            return None;
        }
        Ok(b) => b,
        Err(reason) => {
            sink.at(Pos::START, Problem::Unreadable { reason });
            return None;
        }
    };
    match source::decode(bytes) {
        Ok(t) => Some(t),
        Err(source::NotUtf8(pos)) => {
            sink.at(pos, Problem::NotUtf8);
            None
        }
    }
}

fn too_large(size: u64) -> Problem {
    Problem::FileTooLarge {
        size_mb: size.div_ceil(1024 * 1024),
        max_mb: MAX_ENTRY_BYTES / (1024 * 1024),
    }
}

/// Read and check `submissions/<unit>/<slug>.md` and the files it names, all from `files`; with
/// `render`, the entry also carries its body as safe HTML (parsed once for both).
pub fn check_entry(
    campaign: &Campaign,
    files: &dyn Files,
    unit: &str,
    slug: &str,
    render: bool,
) -> EntryOutcome {
    let render = if render {
        Render::Always
    } else {
        Render::Never
    };
    check_entry_rendering(campaign, files, unit, slug, render)
}

/// [`check_entry`], the body rendered and kept while `held` has room for it: where it has not,
/// the entry carries only what tells its text again ([`Entry::checked_text`]), as when not
/// rendering.
pub fn check_entry_within(
    campaign: &Campaign,
    files: &dyn Files,
    unit: &str,
    slug: &str,
    held: &HeldBodies,
) -> EntryOutcome {
    check_entry_rendering(campaign, files, unit, slug, Render::Within(held))
}

/// Room for the bodies a load keeps rendered, in bytes of HTML and text: shared by the entries
/// checked in parallel, each taking its share once rendered, or finding none left and keeping
/// only what tells its text again. Which entries find room depends on the order threads reach
/// them; the site is the same bytes either way (a body not kept is rendered again from the same
/// text when its page is written).
#[derive(Debug)]
pub struct HeldBodies {
    most: usize,
    held: std::sync::atomic::AtomicUsize,
}

impl HeldBodies {
    pub fn new(most: usize) -> HeldBodies {
        HeldBodies {
            most,
            held: Default::default(),
        }
    }

    /// The bytes kept so far.
    fn held(&self) -> usize {
        self.held.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether a body of `body` bytes may still find room once rendered (its HTML and text
    /// come to more than its Markdown): else it is not rendered at all, only checked.
    fn has_room(&self, body: usize) -> bool {
        self.held().saturating_add(body) <= self.most
    }

    /// Take room for `bytes`; `false`, taking nothing, where they would not fit.
    fn take(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.held
            .fetch_update(Relaxed, Relaxed, |held| {
                held.checked_add(bytes).filter(|&after| after <= self.most)
            })
            .is_ok()
    }
}

/// Whether checking an entry renders its body and keeps it.
#[derive(Clone, Copy)]
enum Render<'a> {
    Never,
    Always,
    Within(&'a HeldBodies),
}

fn check_entry_rendering(
    campaign: &Campaign,
    files: &dyn Files,
    unit: &str,
    slug: &str,
    render: Render<'_>,
) -> EntryOutcome {
    let rel = paths::entry_file(unit, slug);
    let mut sink = Sink::new(&rel);
    let entry = read_entry(campaign, files, unit, slug, &rel, &mut sink, render);
    let entry = entry.map(|mut e| {
        e.has_errors = sink.has_errors();
        e
    });
    if entry.as_ref().is_some_and(|e| e.draft) {
        for d in &mut sink.diagnostics {
            d.in_draft = true;
        }
    }
    EntryOutcome {
        entry,
        diagnostics: sink.diagnostics,
    }
}

/// Control characters written as escapes in a YAML document's values: said, and left to stop the
/// file's publishing as any error does (the file's other problems are still said).
pub(crate) fn control_characters(node: &yaml::Node, sink: &mut Sink) {
    let mut said: Vec<String> = Vec::new();
    for (key, pos, c) in yaml::control_characters(node) {
        // Once a key: a list of a thousand such strings is one thing to mend. The key as it can
        // be printed (one with such an escape in it is the culprit itself).
        let key = source::visible(key);
        if said.contains(&key) {
            continue;
        }
        said.push(key.clone());
        sink.at(
            pos,
            Problem::InvalidCharacter {
                codepoint: u32::from(c),
                key: Some(key),
            },
        );
    }
}

/// An entry file's text, if it can be read as one: an entry is its unit's (a link to another
/// unit's entry is not read as this one), and holds no control character.
fn entry_text(files: &dyn Files, unit: &str, rel: &str, sink: &mut Sink) -> Option<String> {
    let text = read_text(files, rel, &paths::unit_folder(unit), sink)?;
    if let Some(i) = source::control_character(text.as_bytes()) {
        sink.at(
            source::pos_at(&text, i),
            Problem::InvalidCharacter {
                codepoint: u32::from(text.as_bytes()[i]),
                key: None,
            },
        );
        return None;
    }
    Some(text)
}

/// The length and CRC-32 of an entry file's text, to tell the same text when it is read again.
fn text_sum(text: &str) -> (usize, u32) {
    (text.len(), crc32fast::hash(text.as_bytes()))
}

/// An entry's body rendered for the site, read again from `files`: a large campaign is
/// checked without keeping its bodies, and each is rendered when its page is written (the same
/// rendering `check_entry` does with `render`). `None` when the file is no longer the text that
/// was checked (`checked`: [`Entry::checked_text`]): edited, removed, swapped for another since.
pub fn render_body(
    files: &dyn Files,
    unit: &str,
    slug: &str,
    checked: (usize, u32),
) -> Option<crate::body::Body> {
    let rel = paths::entry_file(unit, slug);
    let text = entry_text(files, unit, &rel, &mut Sink::new(&rel))?;
    if text_sum(&text) != checked {
        return None;
    }
    let front = source::split_front_matter(&text).ok()?;
    Some(crate::body::parse(front.body, Some(slug), Want::ALL))
}

fn read_entry(
    campaign: &Campaign,
    files: &dyn Files,
    unit: &str,
    slug: &str,
    rel: &str,
    sink: &mut Sink,
    render: Render<'_>,
) -> Option<Entry> {
    let text = entry_text(files, unit, rel, sink)?;
    let front = match source::split_front_matter(&text) {
        Ok(f) => f,
        Err(e) => {
            let pos = match e {
                FrontMatterError::Missing => Pos::START,
                FrontMatterError::Unclosed => Pos::START,
            };
            sink.at(
                pos,
                Problem::FrontMatterMissing {
                    unclosed: e == FrontMatterError::Unclosed,
                },
            );
            return None;
        }
    };
    let node = match yaml::parse(front.yaml, source::YAML_FIRST_LINE) {
        Ok(n) => n,
        Err(e) => {
            sink.at(e.pos, Problem::YamlSyntax { detail: e.error });
            return None;
        }
    };
    control_characters(&node, sink);
    let body_offset = front.body_offset;
    let mut entry = Entry {
        unit: unit.into(),
        slug: slug.into(),
        ..Entry::default()
    };
    let paths = fields::read(&node, campaign, &mut entry, sink);
    for cut in yaml::cut_by_comments(&node, front.yaml, source::YAML_FIRST_LINE) {
        let label = campaign.fields.extra(&cut.key).map(|f| f.label.clone());
        sink.at(
            cut.pos,
            Problem::CommentInValue {
                key: cut.key,
                kept: cut.kept,
                dropped: cut.dropped,
                label,
            },
        );
    }

    let rendering = match render {
        Render::Never => false,
        Render::Always => true,
        Render::Within(held) => held.has_room(front.body.len()),
    };
    let want = if rendering { Want::ALL } else { Want::SCAN };
    let parsed = crate::body::parse(front.body, Some(slug), want);
    let scan = parsed.scan;
    let kept = rendering
        && match render {
            Render::Within(held) => held.take(parsed.html.len() + parsed.text.len()),
            _ => true,
        };
    if kept {
        entry.html = parsed.html.into();
        entry.text = parsed.text.into();
    } else {
        entry.checked_text = Some(text_sum(&text));
    }
    entry.body_files = parsed.files;
    let at_body = |offset: usize| source::pos_at(&text, body_offset + offset);
    // Missing sections point at the body's first line with text (or the closing `---`).
    let first_text = front.body.len() - front.body.trim_start().len();
    let body_start = if front.body.trim().is_empty() {
        // The closing fence's line, whether or not a line end follows it.
        Pos::new(source::pos_at(&text, body_offset.saturating_sub(1)).line, 1)
    } else {
        at_body(first_text)
    };
    for (offset, problem) in body::section_problems(&scan, &campaign.sections, front.body) {
        let pos = if offset == usize::MAX {
            body_start
        } else {
            at_body(offset)
        };
        sink.at(pos, problem);
    }
    if let Some(offset) = scan.too_deep {
        sink.at(
            at_body(offset),
            Problem::NestedTooDeep {
                max: crate::body::scan::MAX_NESTING,
            },
        );
    }
    for (offset, url) in &scan.external {
        sink.at(
            at_body(*offset),
            Problem::ExternalRequest { url: url.clone() },
        );
    }
    for (offset, what) in &scan.unsafe_html {
        sink.at(at_body(*offset), Problem::UnsafeHtml { what: what.clone() });
    }

    let folder = paths::attachment_folder(unit, slug);
    for p in &paths {
        if let Some(problem) =
            attachments::check(files, &folder, &p.path, p.image, &campaign.attachments)
        {
            sink.at(p.pos, problem);
        }
    }
    for (offset, path) in &scan.local_files {
        if let Some(problem) =
            attachments::check(files, &folder, path, false, &campaign.attachments)
        {
            sink.at(at_body(*offset), problem);
        }
    }

    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::{MAX_ENTRY_BYTES, Sink, read_text};
    use crate::files::{Disk, Files, Stat};
    use crate::problem::Problem;
    use crate::source::control_character;

    /// A file that grows between being looked at and being read (another program appending to
    /// it) is read only up to the limit, and refused as too large.
    #[test]
    fn a_file_that_grows_after_its_look_is_read_only_to_the_limit() {
        /// Small when first looked at; its true size after.
        struct Grew(Disk, std::sync::atomic::AtomicBool);
        impl Files for Grew {
            fn stat(&self, rel: &str, within: &str) -> Stat {
                if self.1.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    self.0.stat(rel, within)
                } else {
                    Stat::File { size: 10 }
                }
            }
            fn read(&self, _rel: &str) -> Result<Vec<u8>, String> {
                panic!("read whole");
            }
            fn read_up_to(&self, rel: &str, limit: u64) -> Result<Vec<u8>, String> {
                let bytes = self.0.read_up_to(rel, limit)?;
                assert_eq!(bytes.len() as u64, limit + 1, "read past the limit");
                Ok(bytes)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("submissions/a")).unwrap();
        let rel = "submissions/a/x.md";
        std::fs::write(dir.path().join(rel), vec![b'a'; 10 * 1024 * 1024]).unwrap();
        let mut sink = Sink::new(rel);
        let files = Grew(Disk::new(dir.path()), Default::default());
        assert_eq!(read_text(&files, rel, "submissions/a", &mut sink), None);
        assert!(
            matches!(
                sink.diagnostics[..],
                [ref d] if d.problem == Problem::FileTooLarge { size_mb: 10, max_mb: MAX_ENTRY_BYTES / (1024 * 1024) }
            ),
            "{:?}",
            sink.diagnostics
                .iter()
                .map(|d| &d.problem)
                .collect::<Vec<_>>()
        );
    }

    /// Escaped control characters are said once a key, naming the key as it can be printed.
    #[test]
    fn escaped_control_characters_are_said_once_a_key() {
        let yaml = "title: \"a\\ab\"\nlist:\n  - \"\\x01\"\n  - {x: \"\\x02\"}\n\"k\\ey\": \"\\x1b[31m\"\nok: \"tab\\tand\\nline\"\n";
        let node = crate::yaml::parse(yaml, 1).unwrap();
        let mut sink = Sink::new("f.md");
        super::control_characters(&node, &mut sink);
        let said: Vec<(u32, Option<String>, u32)> = sink
            .diagnostics
            .iter()
            .map(|d| match &d.problem {
                crate::problem::Problem::InvalidCharacter { codepoint, key } => {
                    (d.pos.line, key.clone(), *codepoint)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            said,
            [
                (1, Some("title".into()), 7),
                (3, Some("list".into()), 1),
                (5, Some("k\u{FFFD}y".into()), 0x1b),
            ]
        );
    }

    #[test]
    fn a_control_character_is_found_in_any_block_and_line_ends_are_not_one() {
        let mut text = "职工\t创新\r\n".repeat(40).into_bytes();
        assert_eq!(control_character(&text), None);
        for at in [0, 63, 64, 200, text.len() - 1] {
            for bad in [0x00, 0x0b, 0x1b, 0x7f] {
                let mut t = text.clone();
                t[at] = bad;
                assert_eq!(control_character(&t), Some(at), "{bad:#x} at {at}");
            }
        }
        // The first of two.
        text[70] = 0x01;
        text[10] = 0x02;
        assert_eq!(control_character(&text), Some(10));
        // The bytes looked for are the characters refused in values and replaced in pages.
        for b in 0..0x80u8 {
            let invisible = crate::source::is_invisible_control(char::from(b));
            assert_eq!(control_character(&[b]).is_some(), invisible, "{b:#x}");
        }
    }
}
