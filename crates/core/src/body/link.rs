//! What a link or image in a body points at, decided once — as a browser would read it — for
//! the rules that judge it and the renderer that publishes it, so the two cannot disagree.

use super::policy::ALLOWED_SCHEMES;

/// A link target, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link<'a> {
    /// Within the page: empty, `#背景`, `?x`.
    Page,
    /// Another site by a scheme that is safe to follow (`https:`, `mailto:`, …).
    External,
    /// Another site without a scheme (`//host/x`).
    SchemeRelative,
    /// A page of the site itself, from its root (`/pages/about/`): none of the entry's files.
    Site,
    /// A scheme that must not be followed (`javascript:`, `data:`), as the browser reads it.
    Unsafe(String),
    /// One of the entry's own files: `href` as it is linked from the entry's page (`<slug>/`
    /// and `./` dropped), `path` decoded and relative to the entry's folder. A `path` that is
    /// absolute or climbs out is still `Local`: the rules call it an escape.
    Local { href: &'a str, path: String },
}

/// Classify `url` as written in the body of the entry `slug` (`None` for a free page, whose
/// local links stay as they are).
pub fn classify<'a>(url: &'a str, slug: Option<&str>) -> Link<'a> {
    let trimmed = url.trim();
    if trimmed.is_empty() || trimmed.starts_with(['#', '?']) {
        return Link::Page;
    }
    if trimmed.starts_with("//") || trimmed.starts_with("\\\\") {
        return Link::SchemeRelative;
    }
    if trimmed.starts_with(['/', '\\']) {
        return Link::Site;
    }
    if let Some(scheme) = scheme(trimmed) {
        return if ALLOWED_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            Link::External
        } else {
            Link::Unsafe(scheme)
        };
    }
    let plain = trimmed.strip_prefix("./").unwrap_or(trimmed);
    // GitHub's preview resolves a body's links from the unit's folder: `<slug>/photo.jpg`.
    let href = slug
        .and_then(|slug| plain.strip_prefix(slug)?.strip_prefix('/'))
        .unwrap_or(plain);
    let path = href.split(['?', '#']).next().unwrap_or(href);
    Link::Local {
        href,
        path: super::link_path(path),
    }
}

/// The scheme of a URL as a browser reads it: whitespace and control characters inside it are
/// ignored (`java\tscript:`), and only letters, digits, `+`, `-` and `.` make one (`a_b:x` is a
/// relative path). A single letter is a Windows drive (`C:\x.jpg`), a path.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| !matches!(c, '/' | '?' | '#' | '\\'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(path: &str) -> Link<'_> {
        Link::Local {
            href: path,
            path: path.to_string(),
        }
    }

    #[test]
    fn links_are_read_as_a_browser_reads_them() {
        assert_eq!(classify("#背景", Some("a")), Link::Page);
        assert_eq!(classify("https://example.org", Some("a")), Link::External);
        assert_eq!(classify("MAILTO:x@y.org", Some("a")), Link::External);
        assert_eq!(
            classify("//evil.example/p.png", Some("a")),
            Link::SchemeRelative
        );
        assert_eq!(
            classify("java\tscript:alert(1)", Some("a")),
            Link::Unsafe("javascript".into())
        );
        assert_eq!(classify("a_b:x.html", Some("a")), local("a_b:x.html"));
        assert_eq!(
            classify("x%2Ehtml", Some("a")),
            Link::Local {
                href: "x%2Ehtml",
                path: "x.html".into()
            }
        );
        assert_eq!(
            classify("./a/photo.jpg?v=2", Some("a")),
            Link::Local {
                href: "photo.jpg?v=2",
                path: "photo.jpg".into()
            }
        );
        assert_eq!(classify("./javascript:x", Some("a")), local("javascript:x"));
        assert_eq!(classify("C:\\x.jpg", Some("a")), local("C:\\x.jpg"));
        assert_eq!(classify("/pages/about/", Some("a")), Link::Site);
        assert_eq!(classify("../b/x.jpg", Some("a")), local("../b/x.jpg"));
    }
}
