//! Diagnostics printed for people and machines: one module per output format. None of them
//! decides anything; they only print what the rules found.

mod fingerprint;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;

pub use github::step_summary;

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Source lines with carets, for a terminal.
    Human,
    /// One JSON object with the diagnostics and a summary.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// What a report needs besides the diagnostics.
#[derive(Clone, Debug)]
pub struct Context {
    /// The campaign root: human output reads source lines from here.
    pub root: PathBuf,
    pub lang: Lang,
    pub color: bool,
    pub summary: Summary,
}

/// The figures a report closes with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub entries: usize,
    /// Units with at least one entry.
    pub units: usize,
    pub errors: usize,
    pub warnings: usize,
    /// False when `campaign.yaml` was unusable and no entry was read.
    pub entries_checked: bool,
}

/// Render `diagnostics` (already sorted) in `format`.
pub fn render(format: Format, diagnostics: &[Diagnostic], ctx: &Context) -> String {
    match format {
        Format::Human => human::render(diagnostics, ctx),
        Format::Json => json::render(diagnostics, ctx),
        Format::Github => github::render(diagnostics, ctx),
        Format::Sarif => sarif::render(diagnostics, ctx),
        Format::Gitlab => gitlab::render(diagnostics, ctx),
    }
}
