//! `--format github`: workflow commands that GitHub shows as annotations on the pull request.
//! GitHub shows only the first ten of each kind per step, so errors come first, and the full list
//! goes to the step summary.

use std::fmt::Write;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::problem::Severity;

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warning] {
        for d in diagnostics.iter().filter(|d| d.severity() == severity) {
            let mut message = d.message(ctx.lang);
            if let Some(help) = d.help(ctx.lang) {
                message.push('\n');
                message.push_str(&help);
            }
            let _ = writeln!(
                out,
                "::{} file={},line={},col={},title={}::{}",
                severity.as_str(),
                property(&d.file),
                d.pos.line,
                d.pos.column,
                property(&format!("shenbao {}", d.code())),
                data(&message),
            );
        }
    }
    out
}

/// The full list as a Markdown table, for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let s = ctx.summary;
    let mut out = format!(
        "## shenbao check\n\n{} error(s), {} warning(s) in {} entries of {} units.\n\n",
        s.errors, s.warnings, s.entries, s.units
    );
    if diagnostics.is_empty() {
        return out;
    }
    out.push_str("| severity | file | line | column | code | message |\n| --- | --- | ---: | ---: | --- | --- |\n");
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity());
    for d in sorted {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | `{}` | {} |",
            d.severity().as_str(),
            d.file,
            d.pos.line,
            d.pos.column,
            d.code(),
            d.message(ctx.lang).replace('|', "\\|").replace('\n', " "),
        );
    }
    out
}

/// Escaping of a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a command's property values, which also may not contain `:` or `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
