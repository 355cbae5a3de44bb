//! A body as HTML that is safe to publish: rendered with pulldown-cmark, links to the entry's own
//! files kept relative to its page (the site copies the files beside it), headings given ids, and
//! raw HTML sanitised by ammonia, because bodies come from many units and are untrusted.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::link::{self, Link};
use super::policy::{ALLOWED_SCHEMES, ALLOWED_TAGS};
use crate::paths::relative_inside;

/// Renders a body's events as they pass. With the entry's `slug`, links to its files
/// (`photo.jpg`, or `<slug>/photo.jpg` as GitHub's preview resolves them) become relative to the
/// entry's page, where the site puts them.
pub(super) struct Renderer<'a> {
    slug: Option<&'a str>,
    files: Vec<String>,
    ids: HeadingIds,
    events: Vec<Event<'a>>,
    heading_at: Option<usize>,
    raw_html: bool,
    images: bool,
}

impl<'a> Renderer<'a> {
    /// For a body of `body_len` bytes: its events are held until it ends (a heading's id comes
    /// from its text), about one every 60 bytes of Chinese text; room is made for them at once,
    /// as growing the list a step at a time was 4% of a build.
    pub(super) fn new(slug: Option<&'a str>, body_len: usize) -> Self {
        Self {
            slug,
            files: Vec::new(),
            ids: HeadingIds::default(),
            events: Vec::with_capacity(body_len / 32 + 16),
            heading_at: None,
            raw_html: false,
            images: false,
        }
    }

    pub(super) fn feed(&mut self, event: Event<'a>) {
        let slug = self.slug;
        let event = match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                self.raw_html = true;
                event
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: local(dest_url, slug, &mut self.files),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.images = true;
                // The site makes no request elsewhere: an image from another site is not shown.
                let dest_url = if super::policy::is_external(&dest_url) {
                    "".into()
                } else {
                    local(dest_url, slug, &mut self.files)
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            // Checkboxes are form controls, which the sanitiser removes; keep the mark as text.
            Event::TaskListMarker(done) => Event::Text(if done { "☑ " } else { "☐ " }.into()),
            Event::Start(Tag::Heading { .. }) => {
                self.heading_at = Some(self.events.len());
                event
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(start) = self.heading_at.take() {
                    let text = plain_text(&self.events[start + 1..]);
                    if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[start] {
                        let wanted = id.as_deref().map_or_else(|| text.clone(), str::to_string);
                        *id = Some(self.ids.unique(&wanted).into());
                    }
                }
                event
            }
            other => other,
        };
        self.events.push(event);
    }

    /// The safe HTML, and the entry's files it shows or links to (sorted, once each).
    pub(super) fn finish(self, body_len: usize) -> (String, Vec<String>) {
        let mut raw = String::with_capacity(body_len * 3 / 2);
        pulldown_cmark::html::push_html(&mut raw, self.events.into_iter());
        // Without raw HTML, pulldown-cmark writes only its own tags and escapes all text, and
        // URLs were screened above: sanitising would re-parse every body for nothing. With raw
        // HTML, the whole body goes through ammonia.
        let html = if self.raw_html {
            SANITISER.clean(&raw).to_string()
        } else {
            raw
        };
        let mut files = self.files;
        files.sort();
        files.dedup();
        let html = if self.images {
            html.replace("<img ", "<img loading=\"lazy\" ")
        } else {
            html
        };
        (html, files)
    }
}

/// A link's URL as published: a scheme we do not allow (`javascript:`) emptied, a link to one of
/// the entry's files made relative to its folder, others as they are.
fn local<'a>(url: CowStr<'a>, slug: Option<&str>, files: &mut Vec<String>) -> CowStr<'a> {
    let Some(slug) = slug else {
        // A free page's links are the organisers' own: only unsafe schemes are taken out.
        return match link::classify(&url, None) {
            Link::Unsafe(_) => "".into(),
            _ => url,
        };
    };
    let (href, path) = match link::classify(&url, Some(slug)) {
        Link::Page | Link::External | Link::SchemeRelative | Link::Site => return url,
        Link::Unsafe(_) => return "".into(),
        Link::Local { href, path } => (href.to_string(), path),
    };
    if relative_inside(&path).is_none() {
        // check reports it; the site does not follow it.
        return "".into();
    }
    files.push(path);
    if href.len() == url.trim().len() {
        url
    } else {
        href.into()
    }
}

/// The text inside a heading's events, for its id.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// Heading ids from their text, unique within one page: letters of any script kept, spaces and
/// punctuation turned into single dashes.
#[derive(Default)]
struct HeadingIds {
    /// A body has a handful of headings: a list beats hashing.
    seen: Vec<(String, usize)>,
}

impl HeadingIds {
    fn unique(&mut self, text: &str) -> String {
        let mut id = String::with_capacity(text.len());
        for c in text.trim().chars() {
            // ASCII letters and digits and the main Han block (letters without case) skip
            // Unicode's tables: most of a Chinese heading, at a fraction of the cost.
            match c {
                'a'..='z' | '0'..='9' | '\u{4E00}'..='\u{9FFF}' => id.push(c),
                'A'..='Z' => id.push(c.to_ascii_lowercase()),
                _ => {
                    for c in c.to_lowercase() {
                        if c.is_alphanumeric() {
                            id.push(c);
                        } else if !id.ends_with('-') && !id.is_empty() {
                            id.push('-');
                        }
                    }
                }
            }
        }
        id.truncate(id.trim_end_matches('-').len());
        if id.is_empty() {
            id.push_str("section");
        }
        match self.seen.iter_mut().find(|(seen, _)| *seen == id) {
            Some((_, n)) => {
                *n += 1;
                format!("{id}-{}", *n - 1)
            }
            None => {
                self.seen.push((id.clone(), 1));
                id
            }
        }
    }
}

/// One sanitiser for every body: the tags of `html_policy`, no SVG or MathML, only safe URL
/// schemes, and of inline styles only table alignment (pulldown-cmark writes it).
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(ALLOWED_TAGS.iter().copied().collect());
    b.url_schemes(ALLOWED_SCHEMES.iter().copied().collect());
    b.generic_attributes(["title", "lang", "dir"].into_iter().collect());
    let mut attrs: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut allow = |tag: &'static str, list: &[&'static str]| {
        attrs.entry(tag).or_default().extend(list.iter().copied());
    };
    allow("a", &["href", "id"]);
    allow("img", &["src", "alt", "width", "height"]);
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        allow(h, &["id"]);
    }
    for cell in ["td", "th"] {
        allow(cell, &["colspan", "rowspan", "style"]);
    }
    allow("div", &["id"]);
    allow("sup", &["id"]);
    allow("li", &["id"]);
    allow("ol", &["start"]);
    allow("time", &["datetime"]);
    b.tag_attributes(attrs);
    b.filter_style_properties(["text-align"].into_iter().collect());
    let mut classes: HashMap<&str, HashSet<&str>> = HashMap::new();
    classes.insert("div", ["footnote-definition"].into_iter().collect());
    classes.insert(
        "sup",
        ["footnote-reference", "footnote-definition-label"]
            .into_iter()
            .collect(),
    );
    b.allowed_classes(classes);
    b.link_rel(Some("noopener noreferrer"));
    // Raw HTML loads nothing from other sites either.
    b.attribute_filter(|_element, attribute, value| {
        if super::policy::LOADING_ATTRIBUTES.contains(&attribute)
            && super::policy::is_external(value)
        {
            None
        } else {
            Some(value.into())
        }
    });
    b
});

#[cfg(test)]
mod tests {
    fn render(body: &str, slug: Option<&str>) -> crate::body::Body {
        crate::body::parse(body, slug, crate::body::Want::HTML)
    }

    fn html(body: &str) -> String {
        render(body, Some("a")).html
    }

    #[test]
    fn hostile_html_comes_out_inert() {
        let out = html(concat!(
            "<script>alert(1)</script>\n\n",
            "<img src=x onerror=alert(2)>\n\n",
            "[click](javascript:alert(3)) <a href=\"JaVa\tScRiPt:alert(4)\">x</a>\n\n",
            "<iframe src=\"https://evil.example\"></iframe>\n\n",
            "<svg><script>alert(5)</script></svg><math><mi>x</mi></math>\n\n",
            "<p style=\"background:url(javascript:alert(6))\" onclick=\"alert(7)\">p</p>\n",
        ));
        for bad in [
            "<script",
            "onerror",
            "javascript",
            "<iframe",
            "<svg",
            "<math",
            "onclick",
            "style=",
            "alert(5)",
        ] {
            assert!(!out.to_lowercase().contains(bad), "{bad} survived in {out}");
        }
        assert!(out.contains("click"), "the link text stays: {out}");
    }

    #[test]
    fn hostile_markdown_without_raw_html_comes_out_inert_too() {
        let out = html(concat!(
            "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) [c](java%0ascript:alert(3))\n\n",
            "![d](data:text/html;base64,PHNjcmlwdD4=) [e](vbscript:msgbox) [f](<java\tscript:x>)\n\n",
            "## 标题 {onclick=alert(4)}\n\n",
            "`<script>` and <not a tag\n",
        ));
        for bad in ["javascript", "data:", "vbscript", "onclick=\"", "<script"] {
            assert!(!out.to_lowercase().contains(bad), "{bad} survived in {out}");
        }
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn local_files_stay_relative_to_the_entry_page() {
        let r = render(
            "![照片](photo.jpg) [数据](a/data.csv) [站外](https://example.org/x) [页内](#背景) [图](%E7%85%A7.png)\n",
            Some("a"),
        );
        assert!(r.html.contains(r#"src="photo.jpg""#), "{}", r.html);
        assert!(r.html.contains(r#"loading="lazy""#));
        assert!(r.html.contains(r#"href="data.csv""#), "{}", r.html);
        assert!(r.html.contains(r#"href="https://example.org/x""#));
        // Browsers match a percent-encoded fragment against the id.
        assert!(
            r.html.contains(r##"href="#%E8%83%8C%E6%99%AF""##),
            "{}",
            r.html
        );
        assert_eq!(r.files, ["data.csv", "photo.jpg", "照.png"]);
    }

    #[test]
    fn headings_get_unique_ids_and_tables_keep_alignment() {
        let out = html("## 背景\n\n## 背景\n\n## 1. Work plan\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n");
        assert!(out.contains(r#"<h2 id="背景">"#), "{out}");
        assert!(out.contains(r#"<h2 id="背景-1">"#), "{out}");
        assert!(out.contains(r#"<h2 id="1-work-plan">"#), "{out}");
        assert!(
            out.contains("text-align: right") || out.contains("text-align:right"),
            "{out}"
        );
    }

    /// A heading's id is its lowered letters and digits, every other run one `-`, whichever
    /// way a character goes: the short way for ASCII and Han gives what Unicode's tables give.
    #[test]
    fn heading_ids_match_unicode_lowering_for_every_script() {
        fn by_tables(text: &str) -> String {
            let mut id = String::new();
            for c in text.trim().chars().flat_map(char::to_lowercase) {
                if c.is_alphanumeric() {
                    id.push(c);
                } else if !id.ends_with('-') && !id.is_empty() {
                    id.push('-');
                }
            }
            let id = id.trim_end_matches('-').to_string();
            if id.is_empty() { "section".into() } else { id }
        }
        for text in [
            "背景与意义",
            "1. Work Plan (2017)",
            "  三、创新成果：5G 基站 ",
            "ΑΒΓ Δέλτα",
            "İstanbul",
            "ＡＢＣ１２３全角",
            "㐀𠀀〇々",
            "— ! —",
            "",
            "Ünïcödé-Straße",
        ] {
            assert_eq!(
                super::HeadingIds::default().unique(text),
                by_tables(text),
                "{text}"
            );
        }
    }

    #[test]
    fn footnotes_and_task_lists_render() {
        let out = html("正文[^1]\n\n[^1]: 注释\n\n- [x] 完成\n- [ ] 未完成\n");
        assert!(out.contains("footnote-reference"), "{out}");
        assert!(out.contains("☑ 完成") && out.contains("☐ 未完成"), "{out}");
    }
}
