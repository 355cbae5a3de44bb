//! Templates and static files: the default theme is compiled into the binary; a campaign's
//! `themes/<name>/templates/` and `themes/<name>/static/` override it file by file.

use std::path::{Path, PathBuf};

use minijinja::Environment;

/// The default theme's files, compiled in.
macro_rules! embedded {
    ($folder:literal, $include:ident, [$($name:literal),* $(,)?]) => {
        &[$(($name, $include!(concat!("../themes/default/", $folder, "/", $name)))),*]
    };
}

/// The default theme's templates, by name.
const TEMPLATES: &[(&str, &str)] = embedded!(
    "templates",
    include_str,
    [
        "base.html",
        "sheet.html",
        "macros.html",
        "card.html",
        "home.html",
        "page.html",
        "showcase.html",
        "entry.html",
        "categories.html",
        "category.html",
        "units.html",
        "unit.html",
        "roster.html",
        "roster_unit.html",
        "status.html",
        "404.html",
        "sitemap.xml",
        "feed.xml",
        "reminder.txt",
    ]
);

/// The default theme's static files, published under `static/`.
const STATIC: &[(&str, &[u8])] = embedded!(
    "static",
    include_bytes,
    [
        "style.css",
        "print.css",
        "site.js",
        "showcase.js",
        "favicon.svg"
    ]
);

/// A theme that cannot be used.
#[derive(Debug)]
pub enum ThemeError {
    /// `campaign.yaml` names a theme with no folder under `themes/`.
    Missing { name: String },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl ThemeError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: shenbao_core::lang::Lang) -> String {
        match self {
            ThemeError::Missing { name } => lang
                .pick(
                    "找不到主题 `{name}`：没有文件夹 themes/{name}/",
                    "theme `{name}` not found: no folder themes/{name}/",
                )
                .replace("{name}", name),
            ThemeError::Io { path, error } => format!(
                "{}{}{}",
                path.display(),
                lang.pick("：", ": "),
                shenbao_core::lang::io_reason(error, lang)
            ),
        }
    }
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(shenbao_core::lang::Lang::En))
    }
}

impl std::error::Error for ThemeError {}

/// A theme ready to render: its template environment and its static files.
pub struct Theme {
    pub env: Environment<'static>,
    /// Path under `static/` and bytes, sorted by path.
    pub statics: Vec<(String, Vec<u8>)>,
}

/// The theme of the campaign at `root`: `name` (or `default`), its files over the built-in ones.
pub fn load(root: &Path, name: Option<&str>) -> Result<Theme, ThemeError> {
    let folder = root.join("themes").join(name.unwrap_or("default"));
    if let Some(name) = name
        && !folder.is_dir()
    {
        return Err(ThemeError::Missing {
            name: name.to_string(),
        });
    }
    let templates = folder.join("templates");
    let mut env = Environment::new();
    env.set_loader(move |name| {
        // Names come from templates too (`{% extends %}`); none may leave the theme.
        if name.split(['/', '\\']).any(|p| p == ".." || p.is_empty()) {
            return Ok(None);
        }
        match std::fs::read_to_string(templates.join(name)) {
            Ok(source) => Ok(Some(source)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TEMPLATES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s.to_string())),
            Err(e) => Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("cannot read template {name}"),
            )
            .with_source(e)),
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.set_formatter(html_formatter);
    // `{{ entry.started | written_date(site.lang) }}`: a date as people write it.
    env.add_filter("written_date", |text: String, lang: String| {
        let lang = if lang == shenbao_core::lang::Lang::En.tag() {
            shenbao_core::lang::Lang::En
        } else {
            shenbao_core::lang::Lang::Zh
        };
        crate::model::display_date(&text, lang)
    });
    // `{{ e.path | href }}`: a path made from a unit's file names as a link in a page; what a
    // URL cannot hold as written (a space, `#`, `?`, `%`, quotes) is percent-encoded, Chinese
    // and the rest left readable. The sitemap and the feed, which take ASCII URLs, use the
    // built-in `urlencode` (every byte but letters, digits, `/._-`).
    env.add_filter("href", |path: String| href(&path));
    // `content: {{ unit.name | css_string }}` in a `<style>`: text as a CSS string, quoted.
    env.add_filter("css_string", |text: String| {
        minijinja::Value::from_safe_string(css_string(&text))
    });
    // Block tags on their own lines leave no blank lines behind.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }

    let mut statics: Vec<(String, Vec<u8>)> = STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let own = folder.join("static");
    if own.is_dir() {
        for (rel, path) in walk(&own).map_err(|error| ThemeError::Io {
            path: own.clone(),
            error,
        })? {
            let bytes = std::fs::read(&path).map_err(|error| ThemeError::Io { path, error })?;
            match statics.iter_mut().find(|(n, _)| *n == rel) {
                Some(slot) => slot.1 = bytes,
                None => statics.push((rel, bytes)),
            }
        }
    }
    statics.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Theme { env, statics })
}

/// HTML escaping of the five characters that matter in text and quoted attributes. minijinja's
/// default also escapes `/`, which turns every URL into `&#x2f;static&#x2f;…`: harmless, but
/// bigger pages and unreadable source for whoever adapts a theme. What XML cannot hold (the
/// control characters but tab and line ends, U+FFFE, U+FFFF) is written as U+FFFD: `check`
/// refuses them in entries and cards, and this keeps any other text (`campaign.yaml`'s, a
/// page's) from making a page or `feed.xml` that a reader cannot parse.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => {
            let bytes = text.as_bytes();
            let mut last = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let (entity, len) = match b {
                    b'&' => ("&amp;", 1),
                    b'<' => ("&lt;", 1),
                    b'>' => ("&gt;", 1),
                    b'"' => ("&quot;", 1),
                    b'\'' => ("&#39;", 1),
                    b'\t' | b'\n' | b'\r' => continue,
                    0..0x20 | 0x7F => ("\u{FFFD}", 1),
                    0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                        ("\u{FFFD}", 3)
                    }
                    _ => continue,
                };
                out.write_str(&text[last..i])?;
                out.write_str(entity)?;
                last = i + len;
            }
            out.write_str(&text[last..])?;
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Every regular file under `dir`, with its path relative to it (`/`-separated). Symlinks are
/// not followed: a theme's files stay inside the theme.
fn walk(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, path)) = stack.pop() {
        for item in std::fs::read_dir(&path)? {
            let item = item?;
            let kind = item.file_type()?;
            let name = item.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if kind.is_dir() {
                stack.push((rel, item.path()));
            } else if kind.is_file() {
                out.push((rel, item.path()));
            }
        }
    }
    Ok(out)
}

/// `text` as a quoted CSS string that can stand inside a `<style>` element: a quote, a
/// backslash, a control character and the marks of markup (`<` could close the element) are
/// escaped by their code, followed by the space that ends such an escape.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '<' | '>' | '&') || c.is_control() {
            out.push_str(&format!("\\{:X} ", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// `path` with what a link's path cannot hold as written percent-encoded, byte by byte: ASCII
/// controls, space, `"` `#` `%` `<` `>` `?` `\\` `^` `` ` `` `{` `|` `}`.
fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let unsafe_ascii = c.is_ascii_control()
            || matches!(
                c,
                ' ' | '"' | '#' | '%' | '<' | '>' | '?' | '\\' | '^' | '`' | '{' | '|' | '}'
            );
        if unsafe_ascii {
            out.push_str(&format!("%{:02X}", c as u8));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_encoded_for_a_page() {
        let path = "entries/甲/新 项目 100%#1?.jpg";
        assert_eq!(href(path), "entries/甲/新%20项目%20100%25%231%3F.jpg");
        // What needs nothing is left as it is.
        assert_eq!(href("entries/u1/entry-1/"), "entries/u1/entry-1/");
    }

    #[test]
    fn text_is_quoted_for_css_and_cannot_close_its_style_element() {
        assert_eq!(css_string("甲区总工会"), "\"甲区总工会\"");
        assert_eq!(
            css_string("a\"b\\c</style>\n"),
            "\"a\\22 b\\5C c\\3C /style\\3E \\A \""
        );
    }

    #[test]
    fn a_campaign_template_overrides_the_built_in_one_and_others_fall_back() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("themes/default/templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("404.html"), "own {{ 1 + 1 }}").unwrap();
        let s = dir.path().join("themes/default/static");
        std::fs::create_dir_all(s.join("img")).unwrap();
        std::fs::write(s.join("img/logo.png"), b"png").unwrap();
        let theme = load(dir.path(), None).unwrap();
        let own = theme
            .env
            .get_template("404.html")
            .unwrap()
            .render(())
            .unwrap();
        assert_eq!(own, "own 2");
        assert!(theme.env.get_template("base.html").is_ok());
        assert!(theme.env.get_template("../campaign.yaml").is_err());
        assert!(theme.statics.iter().any(|(n, _)| n == "img/logo.png"));
        assert!(theme.statics.iter().any(|(n, _)| n == "style.css"));
    }

    #[test]
    fn every_file_of_the_default_theme_is_compiled_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for (folder, names) in [
            (
                "templates",
                TEMPLATES.iter().map(|t| t.0).collect::<Vec<_>>(),
            ),
            ("static", STATIC.iter().map(|t| t.0).collect()),
        ] {
            let mut on_disk: Vec<String> = walk(&dir.join(folder))
                .unwrap()
                .into_iter()
                .map(|(rel, _)| rel)
                .collect();
            on_disk.sort();
            let mut embedded: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            embedded.sort();
            assert_eq!(on_disk, embedded, "themes/default/{folder}");
        }
    }

    #[test]
    fn text_is_escaped_and_urls_stay_readable() {
        let dir = tempfile::tempdir().unwrap();
        let theme = load(dir.path(), None).unwrap();
        let out = theme
            .env
            .template_from_named_str("t.html", "{{ a }}|<a href=\"{{ b }}\">|{{ c }}")
            .unwrap()
            .render(minijinja::context! {
                    a => "<script>\"x\" & 'y'</script>",
                    b => "/static/style.css?a=1&b=2",
                c => minijinja::Value::from_safe_string("<b>ok</b>".into()),
            })
            .unwrap();
        assert_eq!(
            out,
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;|<a href=\"/static/style.css?a=1&amp;b=2\">|<b>ok</b>"
        );
    }

    #[test]
    fn text_xml_cannot_hold_is_written_as_a_replacement_character() {
        let dir = tempfile::tempdir().unwrap();
        let theme = load(dir.path(), None).unwrap();
        let out = theme
            .env
            .template_from_named_str("t.xml", "<t>{{ a }}</t>")
            .unwrap()
            .render(
                minijinja::context! { a => "响\u{7}铃\t\n\u{b}&\u{7f}\u{fffe}\u{ffff}\u{fffd}末" },
            )
            .unwrap();
        assert_eq!(
            out,
            "<t>响\u{fffd}铃\t\n\u{fffd}&amp;\u{fffd}\u{fffd}\u{fffd}\u{fffd}末</t>"
        );
    }

    #[test]
    fn a_named_theme_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load(dir.path(), Some("festive")),
            Err(ThemeError::Missing { .. })
        ));
    }
}
