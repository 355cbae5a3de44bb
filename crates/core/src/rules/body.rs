//! Rules on an entry's Markdown body: required and recommended sections, raw HTML, and the local
//! files it links to.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::campaign::Sections;
use crate::html_policy;
use crate::problem::Problem;

/// Markdown extensions an entry body may use; the site renders with the same set.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

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
    /// Local files the body shows or links to: offset and path as written.
    pub local_files: Vec<(usize, String)>,
}

pub fn scan(body: &str) -> BodyScan {
    let mut scanner = Scanner::default();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        scanner.feed(&event, range.start);
    }
    scanner.finish()
}

/// Reads a body's events one at a time, so that a renderer walking the same events can scan them
/// on the way instead of parsing the body twice.
#[derive(Debug, Default)]
pub struct Scanner {
    out: BodyScan,
    heading: Option<(u8, usize, String)>,
    html_block: Option<(usize, String)>,
}

impl Scanner {
    /// One event, and the byte offset in the body where it starts.
    pub fn feed(&mut self, event: &Event<'_>, start: usize) {
        let out = &mut self.out;
        if !matches!(event, Event::Html(_))
            && let Some((at, html)) = self.html_block.take()
        {
            flush_html_block(out, at, &html);
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
                out.unsafe_html.extend(
                    html_policy::unsafe_parts(html)
                        .into_iter()
                        .map(|(o, w)| (start + o, w)),
                );
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                mark_content(out);
                check_url(out, start, dest_url, true);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                check_url(out, start, dest_url, false);
            }
            _ => {}
        }
    }

    pub fn finish(mut self) -> BodyScan {
        if let Some((start, html)) = self.html_block.take() {
            flush_html_block(&mut self.out, start, &html);
        }
        self.out
    }
}

/// A block of raw HTML ends: it is section text unless it is only a comment.
fn flush_html_block(out: &mut BodyScan, start: usize, html: &str) {
    if !is_comment(html) {
        mark_content(out);
    }
    out.unsafe_html.extend(
        html_policy::unsafe_parts(html)
            .into_iter()
            .map(|(o, w)| (start + o, w)),
    );
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

fn check_url(out: &mut BodyScan, offset: usize, url: &str, image: bool) {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") {
        return;
    }
    let scheme = url.split_once(':').map(|(s, _)| s);
    if let Some(scheme) = scheme
        && !scheme.contains(['/', '?', '#', '.'])
        && scheme.len() > 1
    {
        if !html_policy::ALLOWED_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            out.unsafe_html.push((offset, format!("{scheme}:")));
        }
        return;
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    // Links to pages (no extension) are not attachments; images and files are.
    let has_extension = path
        .rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.') && !name.ends_with('.'));
    if image || has_extension {
        out.local_files.push((offset, path.to_string()));
    }
}

/// A heading's text as a section name: numbering (一、 1. （一）) and a trailing colon dropped.
pub fn section_name(heading: &str) -> &str {
    let s = heading.trim();
    strip_numbering(s)
        .unwrap_or(s)
        .trim_end_matches([':', '：'])
        .trim()
}

fn strip_numbering(s: &str) -> Option<&str> {
    const NUMERALS: &[char] = &[
        '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '0', '1', '2', '3', '4', '5',
        '6', '7', '8', '9',
    ];
    let (bracketed, rest) = match s.strip_prefix(['（', '(']) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let after = rest.trim_start_matches(NUMERALS);
    if after.len() == rest.len() {
        return None;
    }
    let after = if bracketed {
        after.strip_prefix(['）', ')'])?
    } else {
        after.strip_prefix(['、', '.', '．', ' '])?
    };
    Some(after.trim_start())
}

/// Section problems: each with the body offset to point at (0 for a missing section).
pub fn section_problems(scan: &BodyScan, sections: &Sections) -> Vec<(usize, Problem)> {
    let mut problems = Vec::new();
    for alternatives in &sections.required {
        let found =
            scan.headings.iter().enumerate().find(|(_, h)| {
                h.level == 2 && alternatives.iter().any(|a| a == section_name(&h.text))
            });
        match found {
            None => problems.push((
                usize::MAX,
                Problem::MissingSection {
                    alternatives: alternatives.clone(),
                },
            )),
            Some((i, h)) => {
                let has_text = h.has_content
                    || scan.headings[i + 1..]
                        .iter()
                        .take_while(|sub| sub.level > 2)
                        .any(|sub| sub.has_content);
                if !has_text {
                    problems.push((
                        h.offset,
                        Problem::EmptySection {
                            name: section_name(&h.text).to_string(),
                        },
                    ));
                }
            }
        }
    }
    for name in &sections.recommended {
        let found = scan.headings.iter().any(|h| {
            (h.level == 2 || h.level == 3) && section_name(&h.text).contains(name.as_str())
        });
        if !found {
            problems.push((
                usize::MAX,
                Problem::RecommendedSection { name: name.clone() },
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_and_colons_are_not_part_of_a_section_name() {
        assert_eq!(section_name("背景"), "背景");
        assert_eq!(section_name("一、背景"), "背景");
        assert_eq!(section_name("（二）主要内容："), "主要内容");
        assert_eq!(section_name("3. 实施情况"), "实施情况");
        assert_eq!(section_name("十大举措"), "十大举措");
    }

    #[test]
    fn sections_and_their_content_are_found() {
        let scan = scan(
            "## 背景\n\n文字\n\n## 主要内容\n\n### 创新性\n\n要点\n\n## 实施情况\n\n## 取得的效果\n\nx\n",
        );
        let names: Vec<_> = scan
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str(), h.has_content))
            .collect();
        assert_eq!(
            names,
            [
                (2, "背景", true),
                (2, "主要内容", false),
                (3, "创新性", true),
                (2, "实施情况", false),
                (2, "取得的效果", true)
            ]
        );
        let problems = section_problems(&scan, &Sections::default());
        let codes: Vec<_> = problems.iter().map(|(_, p)| p.code()).collect();
        assert_eq!(
            codes,
            [
                "empty-section",
                "recommended-section",
                "recommended-section",
                "recommended-section"
            ]
        );
    }

    #[test]
    fn a_heading_inside_a_code_block_is_not_a_section() {
        let scan = scan("```\n## 背景\n```\n");
        assert!(scan.headings.is_empty());
    }

    #[test]
    fn html_and_local_files_are_collected() {
        let scan = scan(
            "text <span onclick=\"x\">a</span>\n\n<script>alert(1)</script>\n\n![图](photo.jpg) [表](data.xlsx) [站](https://example.org) [坏](javascript:alert(1))\n",
        );
        let what: Vec<_> = scan.unsafe_html.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(what, ["onclick", "<script>", "javascript:"]);
        let files: Vec<_> = scan.local_files.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(files, ["photo.jpg", "data.xlsx"]);
    }
}
