//! `--format github`: workflow commands that GitHub shows as annotations on the pull request.
//! GitHub shows only the first ten of each kind per step, so errors come first, and the full list
//! goes to the step summary.

use std::fmt::Write;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::lang::{Lang, en_count};
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

/// The full list as a Markdown table, for `$GITHUB_STEP_SUMMARY`, in the campaign's language.
pub fn step_summary(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let s = ctx.summary;
    let mut out = match ctx.lang {
        Lang::Zh => format!(
            "## shenbao 检查\n\n{} 个项目，{} 个单位：错误 {} 个，警告 {} 个。\n\n",
            s.entries, s.units, s.errors, s.warnings
        ),
        Lang::En => format!(
            "## shenbao check\n\n{}, {} in {} of {}.\n\n",
            en_count(s.errors, "error", "errors"),
            en_count(s.warnings, "warning", "warnings"),
            en_count(s.entries, "entry", "entries"),
            en_count(s.units, "unit", "units")
        ),
    };
    if diagnostics.is_empty() {
        return out;
    }
    out.push_str(ctx.lang.pick(
        "| 级别 | 文件 | 行 | 列 | 代码 | 说明 |\n",
        "| severity | file | line | column | code | message |\n",
    ));
    out.push_str("| --- | --- | ---: | ---: | --- | --- |\n");
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity());
    for d in sorted {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | `{}` | {} |",
            match (ctx.lang, d.severity()) {
                (Lang::Zh, Severity::Error) => "错误",
                (Lang::Zh, Severity::Warning) => "警告",
                (Lang::En, severity) => severity.as_str(),
            },
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
