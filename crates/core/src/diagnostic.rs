//! A diagnostic: one problem at one place. Stages collect them as values; `report` prints them.

use crate::lang::Lang;
use crate::problem::{Problem, Severity};
use crate::source::Pos;

/// One problem in one file, at one line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Relative to the campaign root, with `/` separators; a folder for problems of a whole unit.
    pub file: String,
    pub pos: Pos,
    pub problem: Problem,
    /// Found in an entry marked `draft: true`: reported all the same, and flagged.
    pub in_draft: bool,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, pos: Pos, problem: Problem) -> Self {
        Self {
            file: file.into(),
            pos,
            problem,
            in_draft: false,
        }
    }

    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }

    pub fn code(&self) -> &'static str {
        self.problem.code()
    }

    pub fn message(&self, lang: Lang) -> String {
        self.problem.message(lang)
    }

    pub fn help(&self, lang: Lang) -> Option<String> {
        self.problem.help(lang)
    }

    /// Whether this keeps the site from being built (`build`, `serve`): an error, but not one
    /// in a draft that is not published (the portal saves drafts with errors on purpose), nor a
    /// late arrival — no edit can mend a time, the status page is where lateness is shown,
    /// and an entry on the main line is one the organisers let in.
    pub fn stops_the_site(&self, drafts: bool) -> bool {
        self.severity() == Severity::Error
            && (drafts || !self.in_draft)
            && !matches!(self.problem, Problem::LateSubmission { .. })
    }
}

/// Sort into the order every output uses: by file, then position, then code, so the same campaign
/// always prints the same report.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.file, a.pos, a.code()).cmp(&(&b.file, b.pos, b.code())));
}

/// How many errors and warnings a list holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

pub fn count(diagnostics: &[Diagnostic]) -> Counts {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    Counts {
        errors,
        warnings: diagnostics.len() - errors,
    }
}
