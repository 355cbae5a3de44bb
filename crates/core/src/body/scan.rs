//! What the rules need to know of a body — its headings, unsafe raw HTML, the local files it
//! names — gathered from the parser's events as they pass.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::link::{self, Link};
use super::policy as html_policy;

/// A heading of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// Byte offset in the body.
    pub offset: usize,
    /// Whether text follows it before the next heading.
    pub has_content: bool,
}

/// What the rules need to know of a body, read in one pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyScan {
    pub headings: Vec<Heading>,
    /// Unsafe raw HTML: offset and what.
    pub unsafe_html: Vec<(usize, String)>,
    /// Local files the body shows or links to: offset, and path relative to the entry's folder
    /// (decoded).
    pub local_files: Vec<(usize, String)>,
    /// Images and other resources the page would load from other sites: offset and URL.
    pub external: Vec<(usize, String)>,
    /// Where quotes, lists and other blocks first nest deeper than `MAX_NESTING`: the offset.
    pub too_deep: Option<usize>,
}

/// How deep blocks may nest inside each other. Real entries nest a few levels; a deeper body
/// would cost the sanitiser time that grows with the square of its depth.
pub const MAX_NESTING: usize = 32;

/// Reads a body's events one at a time, beside the renderer walking the same events.
#[derive(Debug, Default)]
pub struct Scanner {
    out: BodyScan,
    heading: Option<(u8, usize, String)>,
    html_block: Option<(usize, String)>,
    /// Blocks open around the current event.
    depth: usize,
    /// The entry whose files local links name.
    slug: Option<String>,
    /// Raw HTML elements open around the current event.
    raw_depth: i64,
}

impl Scanner {
    pub fn new(slug: Option<&str>) -> Self {
        Scanner {
            slug: slug.map(str::to_string),
            ..Scanner::default()
        }
    }

    /// One event, and the byte offset in the body where it starts.
    pub fn feed(&mut self, event: &Event<'_>, start: usize) {
        let out = &mut self.out;
        if !matches!(event, Event::Html(_))
            && let Some((at, html)) = self.html_block.take()
        {
            flush_html_block(out, &mut self.raw_depth, at, &html);
        }
        match event {
            Event::Start(tag) if is_container(tag) => {
                self.depth += 1;
                if self.depth > MAX_NESTING && out.too_deep.is_none() {
                    out.too_deep = Some(start);
                }
            }
            Event::End(tag) if ends_container(tag) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level_number(*level), start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, offset, text)) = self.heading.take() {
                    out.headings.push(Heading {
                        level,
                        text: text.trim().to_string(),
                        offset,
                        has_content: false,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut self.heading {
                Some((_, _, text)) => text.push_str(t),
                None if !t.trim().is_empty() => mark_content(out),
                None => {}
            },
            Event::Html(html) => match &mut self.html_block {
                Some((_, buf)) => buf.push_str(html),
                None => self.html_block = Some((start, html.to_string())),
            },
            Event::InlineHtml(html) => {
                if !is_comment(html) {
                    mark_content(out);
                }
                add_html(out, &mut self.raw_depth, start, html);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                mark_content(out);
                if html_policy::is_external(dest_url) {
                    out.external.push((start, dest_url.trim().to_string()));
                }
                check_url(out, start, dest_url, self.slug.as_deref());
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                check_url(out, start, dest_url, self.slug.as_deref());
            }
            _ => {}
        }
    }

    /// Whether the body nests too deep to be rendered.
    pub fn too_deep(&self) -> bool {
        self.out.too_deep.is_some()
    }

    pub fn finish(mut self) -> BodyScan {
        if let Some((start, html)) = self.html_block.take() {
            flush_html_block(&mut self.out, &mut self.raw_depth, start, &html);
        }
        self.out
    }
}

/// Blocks that hold other blocks.
fn is_container(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_)
    )
}

fn ends_container(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition
    )
}

/// A block of raw HTML ends: it is section text unless it is only a comment.
fn flush_html_block(out: &mut BodyScan, raw_depth: &mut i64, start: usize, html: &str) {
    if !is_comment(html) {
        mark_content(out);
    }
    add_html(out, raw_depth, start, html);
}

/// What a fragment of raw HTML at `start` holds that the rules report.
fn add_html(out: &mut BodyScan, raw_depth: &mut i64, start: usize, html: &str) {
    let found = html_policy::inspect(html);
    out.unsafe_html
        .extend(found.unsafe_parts.into_iter().map(|(o, w)| (start + o, w)));
    out.external
        .extend(found.external.into_iter().map(|(o, u)| (start + o, u)));
    for (offset, step) in found.nesting {
        *raw_depth = (*raw_depth + i64::from(step)).max(0);
        if *raw_depth > MAX_NESTING as i64 && out.too_deep.is_none() {
            out.too_deep = Some(start + offset);
        }
    }
}

/// An HTML comment is a note to the writer, not section text.
fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->") || t.is_empty()
}

fn mark_content(out: &mut BodyScan) {
    if let Some(h) = out.headings.last_mut() {
        h.has_content = true;
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Note what a link or image points at: a scheme that must not be followed, or one of the
/// entry's files (every one: a link without an extension is no less published).
fn check_url(out: &mut BodyScan, offset: usize, url: &str, slug: Option<&str>) {
    match link::classify(url, slug) {
        Link::Unsafe(scheme) => out.unsafe_html.push((offset, format!("{scheme}:"))),
        Link::Local { path, .. } => out.local_files.push((offset, path)),
        Link::Page | Link::External | Link::SchemeRelative | Link::Site => {}
    }
}
