//! The portal's pages: templates built into the binary, rendered with the site's look (the
//! theme's stylesheet) and the campaign's language. Every page is escaped HTML with no inline
//! script; behaviour lives in `portal.js` and only adds to forms that work without it.

use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use minijinja::Environment;
use shenbao_core::lang::Lang;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("signed_out.html", include_str!("templates/signed_out.html")),
    ("login.html", include_str!("templates/login.html")),
    ("unit.html", include_str!("templates/unit.html")),
    ("entry.html", include_str!("templates/entry.html")),
    ("receipt.html", include_str!("templates/receipt.html")),
    ("card.html", include_str!("templates/card.html")),
    ("office.html", include_str!("templates/office.html")),
    ("reminders.html", include_str!("templates/reminders.html")),
    ("refused.html", include_str!("templates/refused.html")),
    ("delete.html", include_str!("templates/delete.html")),
];

pub const PORTAL_CSS: &str = include_str!("static/portal.css");
pub const PORTAL_JS: &str = include_str!("static/portal.js");

pub struct Pages {
    env: Environment<'static>,
}

impl Pages {
    pub fn new() -> Self {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // Built in and tested: a template that does not parse fails every test.
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("portal template {name}: {e}"));
        }
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.add_filter("code", |text: String| {
            minijinja::Value::from_safe_string(code_spans(&text))
        });
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        Self { env }
    }

    /// A page, with the campaign's language for every word on it.
    pub fn render(
        &self,
        lang: Lang,
        name: &str,
        mut context: serde_json::Value,
        status: StatusCode,
    ) -> Response<Body> {
        if let Some(map) = context.as_object_mut() {
            map.insert("zh".into(), (lang == Lang::Zh).into());
            map.insert("lang".into(), lang.pick("zh-CN", "en").into());
        }
        let html = self
            .env
            .get_template(name)
            .and_then(|t| t.render(minijinja::value::Serde(&context)))
            .unwrap_or_else(|e| format!("template error: {e}"));
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(html))
            .unwrap_or_default()
    }
}

/// A message as HTML: escaped, with what it quotes between backticks (`phone`, a value, a file
/// name) set as code, as a terminal shows it, rather than with the backticks themselves.
fn code_spans(text: &str) -> String {
    let escaped = minijinja::HtmlEscape(text).to_string();
    let pieces: Vec<&str> = escaped.split('`').collect();
    // An odd count of backticks leaves the last one as it is.
    let pairs = (pieces.len() - 1) / 2;
    let mut out = String::with_capacity(escaped.len() + pairs * 13);
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str(match (i % 2 == 1, i <= pairs * 2) {
                (_, false) => "`",
                (true, true) => "<code>",
                (false, true) => "</code>",
            });
        }
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::code_spans;

    #[test]
    fn quoted_words_become_code_and_the_rest_is_escaped() {
        assert_eq!(
            code_spans("联系电话（`phone`）的值 `<b>&` 无效"),
            "联系电话（<code>phone</code>）的值 <code>&lt;b&gt;&amp;</code> 无效"
        );
        assert_eq!(code_spans("a `b` c `d"), "a <code>b</code> c `d");
        assert_eq!(code_spans("none"), "none");
    }
}
