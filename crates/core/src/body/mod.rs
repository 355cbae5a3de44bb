//! An entry's Markdown body, parsed once for everything that reads it: the `scan` the rules need
//! (headings, raw HTML, the files it names), the safe `html` the site publishes (`policy` says
//! what raw HTML may stay), and the plain `text` a search indexes.

pub mod html;
pub mod link;
pub mod policy;
pub mod scan;
mod text;

use pulldown_cmark::{Options, Parser};

pub use scan::{BodyScan, Heading};

/// Markdown extensions an entry body may use.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// What a caller needs of a body beyond the rules' scan, which always comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Want {
    pub html: bool,
    pub text: bool,
}

impl Want {
    /// Checking alone.
    pub const SCAN: Want = Want {
        html: false,
        text: false,
    };
    /// Checking and publishing.
    pub const HTML: Want = Want {
        html: true,
        text: false,
    };
    /// Checking, publishing and indexing.
    pub const ALL: Want = Want {
        html: true,
        text: true,
    };
}

/// A body, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    pub scan: BodyScan,
    /// Safe to publish; empty unless wanted.
    pub html: String,
    /// The entry's files the HTML shows or links to, relative to its folder: they are published.
    pub files: Vec<String>,
    /// Empty unless wanted.
    pub text: String,
}

/// A link target as a path: Markdown link targets may be percent-encoded (`%E7%85%A7.jpg`); one
/// that is not valid percent-encoding is taken as written. The rules and the renderer decode
/// links here alike.
pub fn link_path(written: &str) -> String {
    crate::source::percent_decode(written).unwrap_or_else(|| written.to_string())
}

/// CommonMark ends a `<script>`, `<style>`, `<pre>` or `<textarea>` block at its end tag in any
/// case, but pulldown-cmark 0.13 looks for it in lower case only: a `<SCRIPT>` block closed by
/// `</SCRIPT>` swallowed the rest of the body, sections and all. Those end tags are lowered here
/// (same length, so every offset stays true) until the parser does it.
fn end_tags_in_lower_case(body: &str) -> std::borrow::Cow<'_, str> {
    const TAGS: [&[u8]; 4] = [b"</pre>", b"</style>", b"</script>", b"</textarea>"];
    let bytes = body.as_bytes();
    let mut fixed: Option<Vec<u8>> = None;
    let mut from = 0;
    // A search for one byte is memchr; `find("</")` was a twentieth of `check`.
    while let Some(at) = body[from..].find('<') {
        let at = from + at;
        if bytes.get(at + 1) != Some(&b'/') {
            from = at + 1;
            continue;
        }
        for tag in TAGS {
            if let Some(found) = bytes.get(at..at + tag.len())
                && found.eq_ignore_ascii_case(tag)
                && found != tag
            {
                fixed.get_or_insert_with(|| bytes.to_vec())[at..at + tag.len()]
                    .copy_from_slice(tag);
            }
        }
        from = at + 2;
    }
    match fixed {
        // Only ASCII letters changed case: still UTF-8.
        Some(bytes) => String::from_utf8(bytes).map_or(body.into(), Into::into),
        None => body.into(),
    }
}

/// Parse `body` once. `slug` names the entry whose files the body's local links point at (for
/// the HTML); a free page has none.
pub fn parse(body: &str, slug: Option<&str>, want: Want) -> Body {
    let body = &*end_tags_in_lower_case(body);
    let mut scanner = scan::Scanner::new(slug);
    let mut renderer = want.html.then(|| html::Renderer::new(slug, body.len()));
    let mut text = want.text.then(|| text::Text::with_capacity(body.len()));
    // No heading attributes: `## x {onclick=…}` would pass attributes straight through.
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        scanner.feed(&event, range.start);
        if scanner.too_deep() {
            // Refused by the rules; neither rendered nor sanitised, which would take minutes.
            renderer = None;
            text = None;
        }
        if let Some(text) = &mut text {
            text.feed(&event);
        }
        if let Some(renderer) = &mut renderer {
            renderer.feed(event);
        }
    }
    let scan = scanner.finish();
    let (html, files) = match renderer {
        Some(r) => r.finish(body.len()),
        // The same files, from the links the rules saw: a build that renders the body later
        // copies them now. A body nested too deep is not rendered, and shows none.
        None if scan.too_deep.is_none() => (String::new(), files_of(&scan)),
        None => (String::new(), Vec::new()),
    };
    let text = text.map(text::Text::finish).unwrap_or_default();
    // The file holds no control character (it is refused), so only a numeric character
    // reference can make one: a body without `&#` is not looked through again.
    let (html, text) = match body.contains("&#") {
        true => (crate::source::visible(html), crate::source::visible(text)),
        false => (html, text),
    };
    Body {
        scan,
        html,
        files,
        text,
    }
}

/// The entry's files a body links to, as the renderer publishes them: each link to one of its
/// files that stays inside its folder, sorted, once each.
fn files_of(scan: &BodyScan) -> Vec<String> {
    let mut files: Vec<String> = scan
        .local_files
        .iter()
        .filter(|(_, path)| crate::paths::relative_inside(path).is_some())
        .map(|(_, path)| path.clone())
        .collect();
    files.sort();
    files.dedup();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "## 背景\n\n文字 <b onclick=x>粗</b>，见[数据](a/data.csv)。\n\n## 主要内容\n\n- 回访\n- 走访  \n  慰问\n\n| 项目 | 人数 |\n|-|-|\n| 帮扶 | 12 |\n\n![照片](a/p.jpg)\n\n```\ncode()\n```\n";

    #[test]
    fn a_character_reference_makes_no_control_character() {
        let body = parse(
            "## 背景\n\n响铃&#7;换页&#x0C;<b>&#x0B;</b>，制表&#9;。\n",
            None,
            Want::ALL,
        );
        for out in [&body.html, &body.text] {
            assert!(!out.contains(['\u{7}', '\u{b}', '\u{c}']), "{out:?}");
            assert!(out.contains("响铃\u{FFFD}换页\u{FFFD}"), "{out:?}");
            assert!(out.contains('\t'), "a tab is kept: {out:?}");
        }
    }

    #[test]
    fn one_parse_gives_the_same_scan_whatever_else_is_wanted() {
        let scan = parse(BODY, Some("a"), Want::SCAN);
        let all = parse(BODY, Some("a"), Want::ALL);
        assert_eq!(scan.scan, all.scan);
        assert!(scan.html.is_empty() && scan.text.is_empty());
        assert_eq!(all.files, ["data.csv", "p.jpg"]);
        assert_eq!(parse(BODY, Some("a"), Want::HTML).html, all.html);
    }

    #[test]
    fn plain_text_has_the_words_one_block_a_line_and_no_markup() {
        let text = parse(BODY, Some("a"), Want::ALL).text;
        assert_eq!(
            text,
            "背景\n文字 粗，见数据。\n主要内容\n回访\n走访 慰问\n项目\n人数\n帮扶\n12\n照片\ncode()"
        );
    }

    #[test]
    fn what_the_page_drops_is_not_in_the_text() {
        let body =
            "回访 <script>alert(2)</script> 制度 <STYLE>p{}</STYLE> 完\n\n<b>加粗</b> 留下\n";
        let parsed = parse(body, Some("a"), Want::ALL);
        assert_eq!(parsed.text, "回访  制度  完\n加粗 留下");
        assert!(!parsed.html.contains("alert"), "{}", parsed.html);
    }

    #[test]
    fn a_body_nested_too_deep_is_marked_and_not_rendered() {
        let fine = format!("{}text\n", "> ".repeat(scan::MAX_NESTING));
        let parsed = parse(&fine, None, Want::ALL);
        assert_eq!(parsed.scan.too_deep, None);
        assert!(parsed.html.contains("text"));
        let deep = format!(
            "intro\n\n{}text <b>b</b>\n",
            "> ".repeat(scan::MAX_NESTING + 1)
        );
        let parsed = parse(&deep, None, Want::ALL);
        assert_eq!(parsed.scan.too_deep, Some(7 + 2 * scan::MAX_NESTING));
        assert!(parsed.html.is_empty() && parsed.text.is_empty());
    }

    #[test]
    fn an_upper_case_script_block_ends_at_its_end_tag() {
        let body = "<SCRIPT>\nalert(1)\n</SCRIPT>\n\n## 背景\n\n文字\n\n<Style>\nx\n</STYLE>\n\n## 主要内容\n";
        let parsed = parse(body, None, Want::ALL);
        let names: Vec<_> = parsed
            .scan
            .headings
            .iter()
            .map(|h| h.text.as_str())
            .collect();
        assert_eq!(names, ["背景", "主要内容"]);
        assert_eq!(
            parsed.scan.headings[1].offset,
            body.find("## 主要内容").unwrap()
        );
        assert!(!parsed.scan.unsafe_html.is_empty());
        assert!(
            !parsed.html.to_lowercase().contains("<script"),
            "{}",
            parsed.html
        );
        assert_eq!(
            end_tags_in_lower_case("无 </b> 标签 </SCRIPTX>"),
            "无 </b> 标签 </SCRIPTX>"
        );
    }

    #[test]
    fn raw_html_nested_too_deep_is_marked_too() {
        let deep = format!(
            "intro\n\n{}x{}\n",
            "<div>".repeat(100),
            "</div>".repeat(100)
        );
        let parsed = parse(&deep, None, Want::ALL);
        assert!(parsed.scan.too_deep.is_some());
        assert!(parsed.html.is_empty());
        let wide = format!(
            "{}\n\n<br><img src=a.png/><p>x</p>\n",
            "<b>a</b>".repeat(500)
        );
        assert_eq!(parse(&wide, None, Want::SCAN).scan.too_deep, None);
    }

    #[test]
    fn a_body_checked_alone_names_the_files_its_html_would_publish() {
        let body = "![图](photo.jpg) [表](data.xlsx) [再](./data.xlsx) [名](%E7%85%A7.png)\n\n\
            [外](https://example.org/a.jpg) ![外图](https://example.org/b.png) [坏](javascript:x)\n\n\
            [上](../other/x.pdf) [根](/etc/passwd) [页](#背景) [空]() [站](/entries/)\n\n\
            | 表 |\n| --- |\n| [格](cell.csv) |\n";
        let rendered = parse(body, Some("a"), Want::HTML).files;
        assert_eq!(parse(body, Some("a"), Want::SCAN).files, rendered);
        assert_eq!(rendered, ["cell.csv", "data.xlsx", "photo.jpg", "照.png"]);
    }

    #[test]
    fn html_and_local_files_are_collected() {
        let scan = parse(
            "text <span onclick=\"x\">a</span>\n\n<script>alert(1)</script>\n\n![图](photo.jpg) [表](data.xlsx) [站](https://example.org) [坏](javascript:alert(1))\n",
            None,
            Want::SCAN,
        )
        .scan;
        let what: Vec<_> = scan.unsafe_html.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(what, ["onclick", "<script>", "javascript:"]);
        let files: Vec<_> = scan.local_files.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(files, ["photo.jpg", "data.xlsx"]);
    }
}
