//! The errors of a broken campaign, drawn over every served page until they are fixed.

use shenbao_core::diagnostic::Diagnostic;
use shenbao_core::lang::Lang;
use shenbao_core::problem::Severity;

/// One error as the overlay lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub code: String,
    pub message: String,
}

impl Problem {
    /// A problem with no place: the campaign could not be read, a template failed.
    pub fn plain(message: String) -> Self {
        Problem {
            file: String::new(),
            line: 0,
            column: 0,
            code: String::new(),
            message,
        }
    }
}

/// The errors among `diagnostics` (warnings do not stop a site, so they stay in the terminal).
pub fn problems(diagnostics: &[Diagnostic], lang: Lang) -> Vec<Problem> {
    diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| Problem {
            file: d.file.clone(),
            line: d.pos.line,
            column: d.pos.column,
            code: d.code().to_string(),
            message: d.message(lang),
        })
        .collect()
}

/// `html` with the overlay before its closing `</body>` (or at its end).
pub fn inject(html: &[u8], problems: &[Problem], lang: Lang) -> Vec<u8> {
    if problems.is_empty() {
        return html.to_vec();
    }
    let overlay = render(problems, lang);
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + overlay.len());
    out.push_str(&text[..at]);
    out.push_str(&overlay);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// A page for when there is no site yet to draw over.
pub fn page(problems: &[Problem], lang: Lang) -> Vec<u8> {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>shenbao</title></head><body></body></html>",
        lang.tag()
    );
    inject(html.as_bytes(), problems, lang)
}

fn render(problems: &[Problem], lang: Lang) -> String {
    let title = match lang {
        Lang::Zh => format!("有 {} 个错误，修正后页面会自动刷新", problems.len()),
        Lang::En if problems.len() == 1 => "1 error: the page reloads when it is fixed".into(),
        Lang::En => format!(
            "{} errors: the page reloads when they are fixed",
            problems.len()
        ),
    };
    let mut items = String::new();
    for p in problems {
        let place = if p.file.is_empty() {
            String::new()
        } else if p.line == 0 {
            format!("<code>{}</code> ", escape(&p.file))
        } else {
            format!("<code>{}:{}:{}</code> ", escape(&p.file), p.line, p.column)
        };
        let code = if p.code.is_empty() {
            String::new()
        } else {
            format!("<b>[{}]</b> ", escape(&p.code))
        };
        items.push_str(&format!(
            "<li style=\"margin:6px 0\">{place}{code}{}</li>",
            escape(&p.message)
        ));
    }
    // Inline styles: the overlay must look the same whatever the theme.
    format!(
        "<div id=\"shenbao-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#2b0d0d;color:#fff;font:14px/1.6 system-ui,sans-serif;padding:16px 20px;box-shadow:0 -4px 24px rgba(0,0,0,.4)\"><p style=\"margin:0 0 8px;font-weight:700;color:#ffb4b4\">{}</p><ul style=\"margin:0;padding-left:18px\">{items}</ul></div>",
        escape(&title)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_goes_before_the_body_ends_and_escapes_what_it_shows() {
        let problems = vec![Problem {
            file: "submissions/a/<b>.md".into(),
            line: 3,
            column: 11,
            code: "invalid-value".into(),
            message: "`99` <script> 不是申报范围".into(),
        }];
        let out = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            &problems,
            Lang::Zh,
        ))
        .unwrap();
        assert!(
            out.starts_with("<html><body><p>x</p><div id=\"shenbao-overlay\""),
            "{out}"
        );
        assert!(out.ends_with("</div></body></html>"));
        assert!(out.contains("submissions/a/&lt;b&gt;.md:3:11") && out.contains("[invalid-value]"));
        assert!(!out.contains("<script>"));
        assert_eq!(inject(b"<p>x</p>", &[], Lang::Zh), b"<p>x</p>");
    }

    #[test]
    fn one_error_is_said_as_one() {
        let problem = Problem::plain("x".into());
        assert!(
            render(std::slice::from_ref(&problem), Lang::En)
                .contains("1 error: the page reloads when it is fixed")
        );
        let two = [problem.clone(), problem];
        assert!(render(&two, Lang::En).contains("2 errors: the page reloads when they are fixed"));
    }
}
