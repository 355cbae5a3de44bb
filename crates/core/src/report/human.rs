//! Human output: each diagnostic with its source line and a caret under the offending text, like
//! rustc. Columns count characters, so the caret lands right under Chinese text too.

use std::collections::HashMap;

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::files::{Disk, Files, Stat};
use crate::lang::{Lang, en_count};
use crate::problem::{Problem, Severity};
use crate::source;

pub fn render(diagnostics: &[Diagnostic], ctx: &Context) -> String {
    let renderer = if ctx.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut texts: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = String::new();
    // Warnings first and errors last, each in the report's order: what must be fixed is what a
    // terminal leaves in view, just above the count.
    let ordered = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Warning)
        .chain(
            diagnostics
                .iter()
                .filter(|d| d.severity() == Severity::Error),
        );
    for d in ordered {
        let text = texts
            .entry(d.file.as_str())
            .or_insert_with(|| excerpt_source(ctx, &d.file));
        let full = text
            .as_deref()
            .filter(|_| !d.problem.whole_file())
            .and_then(|t| source::line_text(t, d.pos.line));
        let line = full.filter(|l| l.len() <= MAX_EXCERPT_BYTES);
        // A line too long to show is still pointed at, by line and column; so is the first
        // byte that is not UTF-8, in a file that cannot be shown as text.
        let located = full.is_some() || matches!(d.problem, Problem::NotUtf8);
        out.push_str(&one(d, line, located, ctx.lang, &renderer));
        out.push_str("\n\n");
    }
    out.push_str(&closing_line(ctx));
    out.push('\n');
    out
}

/// A line longer than this is not shown under its diagnostic: a report stays readable, and
/// small, whatever a file holds.
const MAX_EXCERPT_BYTES: usize = 1000;

/// The text of `file` for excerpts: only a file of the campaign (no link out of it), and no
/// larger than an entry may be, so that a report never echoes what lies outside nor grows with a
/// hostile file.
fn excerpt_source(ctx: &Context, file: &str) -> Option<String> {
    let disk = Disk::new(&ctx.root);
    match disk.stat(file, "") {
        Stat::File { size } if size <= crate::rules::MAX_ENTRY_BYTES => {}
        _ => return None,
    }
    disk.read(file).ok().and_then(|b| source::decode(b).ok())
}

fn one(
    d: &Diagnostic,
    line: Option<&str>,
    located: bool,
    lang: Lang,
    renderer: &Renderer,
) -> String {
    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut message = d.message(lang);
    if d.in_draft {
        message.push_str(lang.pick("（草稿）", " (draft)"));
    }
    let title = level.primary_title(message.as_str()).id(d.code());
    let help = d.help(lang);
    let group = match line {
        Some(line) if !line.is_empty() => {
            let span = token_span(line, d.pos.column);
            let mut group = title.element(
                Snippet::source(line)
                    .line_start(d.pos.line as usize)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(span)),
            );
            if let Some(help) = &help {
                group = group.element(Level::HELP.message(help.as_str()));
            }
            group
        }
        _ => {
            let mut origin = Origin::path(d.file.as_str());
            if located {
                origin = origin
                    .line(d.pos.line as usize)
                    .char_column(d.pos.column as usize);
            }
            let mut group = title.element(origin);
            if let Some(help) = &help {
                group = group.element(Level::HELP.message(help.as_str()));
            }
            group
        }
    };
    renderer.render(&[group])
}

/// The byte range of the token starting at character `column` (1-based): up to the next space,
/// comma or bracket, so the caret underlines the key or value and not the rest of the line.
fn token_span(line: &str, column: u32) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = rest
        .char_indices()
        .find(|(i, c)| *i > 0 && (c.is_whitespace() || matches!(c, ',' | '，' | '}' | ']' | ':')))
        .map_or(rest.len(), |(i, _)| i);
    if len == 0 {
        // Past the end of the line: point just after it.
        return line.len()..line.len();
    }
    start..start + len
}

fn closing_line(ctx: &Context) -> String {
    let s = ctx.summary;
    if !s.entries_checked {
        return match ctx.lang {
            Lang::Zh => format!(
                "campaign.yaml 有 {} 个错误，改正后才能检查申报材料",
                s.errors
            ),
            Lang::En => format!(
                "campaign.yaml has {}; entries are checked once it is fixed",
                en_count(s.errors, "error", "errors")
            ),
        };
    }
    match ctx.lang {
        Lang::Zh => format!(
            "检查完成：{} 个项目，{} 个单位；错误 {} 个，警告 {} 个",
            s.entries, s.units, s.errors, s.warnings
        ),
        Lang::En => format!(
            "checked {} of {}: {}, {}",
            en_count(s.entries, "entry", "entries"),
            en_count(s.units, "unit", "units"),
            en_count(s.errors, "error", "errors"),
            en_count(s.warnings, "warning", "warnings")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_span_covers_a_key_or_value() {
        let line = "title: 中文标题";
        assert_eq!(&line[token_span(line, 1)], "title");
        assert_eq!(&line[token_span(line, 8)], "中文标题");
        assert_eq!(token_span("ab", 10), 2..2);
    }
}
