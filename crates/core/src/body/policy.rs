//! Which raw HTML in an entry body is safe to publish. `check` warns about the rest; the site's
//! sanitiser removes it.

/// Tags kept in published bodies: text structure, tables, images and media. No scripts, frames,
/// forms, styles, SVG or MathML.
pub const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// URL schemes allowed in links and sources; relative URLs are always allowed.
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Whether a URL loads from another site (`https://…`, `//…`): the reader's browser would
/// fetch it on opening the page — a tracking pixel, a probe of the intranet.
pub fn is_external(url: &str) -> bool {
    // As a browser reads it: whitespace and control characters dropped, a backslash for `/`.
    let url: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .map(|c| {
            if c == '\\' {
                '/'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    url.starts_with("//") || url.starts_with("http:") || url.starts_with("https:")
}

/// Attributes by which an element loads a resource when the page opens.
pub const LOADING_ATTRIBUTES: &[&str] = &["src", "srcset", "poster", "data", "background"];

/// What is unsafe in a fragment of raw HTML: each with its byte offset and a short description
/// (`<script>`, `onclick`, `javascript:`).
pub fn unsafe_parts(html: &str) -> Vec<(usize, String)> {
    inspect(html).unsafe_parts
}

/// Elements that never hold others: they open nothing.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// What a fragment of raw HTML holds that the rules judge.
#[derive(Debug, Default)]
pub struct Inspection {
    /// Unsafe parts: offset and a short description.
    pub unsafe_parts: Vec<(usize, String)>,
    /// Resources loaded from other sites: offset and URL.
    pub external: Vec<(usize, String)>,
    /// Each tag that opens (+1) or closes (-1) an element, with its offset: how deep raw HTML
    /// nests, which costs the sanitiser time growing with its square.
    pub nesting: Vec<(usize, i32)>,
}

/// The unsafe parts of a fragment of raw HTML, the resources it would load from other sites,
/// and how its tags nest.
pub fn inspect(html: &str) -> Inspection {
    let mut found = Vec::new();
    let mut external = Vec::new();
    let mut nesting = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let start = i + rel;
        i = start + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        let name_start = if html[i..].starts_with('/') { i + 1 } else { i };
        let name_len = html[name_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = find_tag_end(bytes, name_start + name_len);
        // `end` is the `>`, or the fragment's end.
        let self_closing = html[..end].trim_end().ends_with('/');
        if name_start > i {
            nesting.push((start, -1));
        } else if !VOID.contains(&name.as_str()) && !self_closing {
            nesting.push((start, 1));
        }
        if name_start == i && !ALLOWED_TAGS.contains(&name.as_str()) {
            found.push((start, format!("<{name}>")));
        }
        for (offset, attr, value) in attributes(&html[name_start + name_len..end]) {
            let at = name_start + name_len + offset;
            let attr = attr.to_ascii_lowercase();
            if LOADING_ATTRIBUTES.contains(&attr.as_str()) && is_external(&value) {
                external.push((at, value.trim().to_string()));
            }
            if attr.starts_with("on") {
                found.push((at, attr));
            } else if matches!(
                attr.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset" | "poster"
            ) && let Some(scheme) = bad_scheme(&value)
            {
                found.push((at, format!("{scheme}:")));
            }
        }
        i = end.max(i);
    }
    Inspection {
        unsafe_parts: found,
        external,
        nesting,
    }
}

/// The scheme of `url` if it is one we do not allow.
fn bad_scheme(url: &str) -> Option<String> {
    // Browsers ignore control characters and whitespace inside a scheme (`java\tscript:`).
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    if scheme.contains(['/', '?', '#']) {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    (!ALLOWED_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

fn find_tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return k,
            None => {}
        }
    }
    bytes.len()
}

/// Attributes of a tag's inside: offset of each name, the name, the unquoted value.
fn attributes(inside: &str) -> Vec<(usize, &str, String)> {
    let b = inside.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        let name = &inside[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = inside[vs..i].to_string();
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = inside[vs..i].to_string();
            }
        }
        out.push((start, name, decode_entities(&value)));
    }
    out
}

/// Enough entity decoding to see through `&#106;avascript:`.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').unwrap_or(0);
        let entity = &rest[1..end.max(1)];
        let decoded = if let Some(hex) = entity
            .strip_prefix("#x")
            .or_else(|| entity.strip_prefix("#X"))
        {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = entity.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match entity {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(html: &str) -> Vec<String> {
        unsafe_parts(html).into_iter().map(|(_, w)| w).collect()
    }

    #[test]
    fn plain_formatting_is_safe() {
        assert!(
            whats("<p>文字 <b>加粗</b><br/><img src=\"a.jpg\" alt=\"x\"></p><!-- note -->")
                .is_empty()
        );
        assert!(whats("<a href=\"https://example.org\">x</a>").is_empty());
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_found() {
        assert_eq!(whats("<script>alert(1)</script>"), ["<script>"]);
        assert_eq!(whats("<img src=x onerror=alert(1)>"), ["onerror"]);
        assert_eq!(
            whats("<a href=\"javascript:alert(1)\">x</a>"),
            ["javascript:"]
        );
        assert_eq!(
            whats("<a href=\"&#106;avascript:alert(1)\">x</a>"),
            ["javascript:"]
        );
        assert_eq!(whats("<a href=\"java\tscript:x\">x</a>"), ["javascript:"]);
        assert_eq!(whats("<iframe src=\"https://x\"></iframe>"), ["<iframe>"]);
        assert_eq!(whats("<svg onload=alert(1)>"), ["<svg>", "onload"]);
    }

    #[test]
    fn offsets_point_at_the_tag() {
        let html = "<p>x</p><script>";
        assert_eq!(unsafe_parts(html)[0].0, 8);
    }
}
