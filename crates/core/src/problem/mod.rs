//! What can be wrong: every problem shenbao can find, the catalogue of their stable codes,
//! severities and scope, and the way to their text in each language.
//!
//! A `Problem` carries the data its text needs, so it can be said in any language at output time.
//! What each says lives in one file per language (`zh_cn`, `en`), so a translator reads and edits
//! one language at a time; this module only dispatches to them.

mod en;
mod zh_cn;

use crate::lang::Lang;
pub use crate::yaml::{Limit, YamlError};

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One thing wrong with a campaign, an entry or a unit card. The data a message needs travels with
/// it, so a message can be rendered in any language at output time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The file is not UTF-8.
    NotUtf8,
    /// A NUL or other control character that no editor shows: in the file as written, or in
    /// the value of `key`, written there as an escape (`"\a"`, `"\u0007"`).
    InvalidCharacter {
        codepoint: u32,
        key: Option<String>,
    },
    /// An entry file too large to be a plausible entry.
    FileTooLarge {
        size_mb: u64,
        max_mb: u64,
    },
    /// The file could not be read.
    Unreadable {
        reason: String,
    },
    YamlSyntax {
        detail: YamlError,
    },
    FrontMatterMissing {
        unclosed: bool,
    },
    UnknownField {
        key: String,
        suggestion: Option<String>,
        valid: Vec<String>,
    },
    MissingField {
        key: String,
        label: String,
        /// An unknown key written in its place, by its spelling (`catgory` for `category`).
        misspelt: Option<String>,
        /// The values it may take, where they are few and fixed (the categories).
        allowed: Vec<String>,
    },
    InvalidType {
        key: String,
        expected: Expected,
        /// A campaign's own field's label, to name it by (`投入经费（万元）`); `None` for a
        /// built-in field, whose label the catalogue has.
        label: Option<String>,
    },
    InvalidValue {
        key: String,
        value: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
        /// A campaign's own field's label, to name it by (`投入经费（万元）`); `None` for a
        /// built-in field, whose label the catalogue has.
        label: Option<String>,
    },
    /// A value written without quotes and cut at ` #`, which YAML reads as a comment
    /// (`summary: 本项目 #1 试点` is `本项目`): what was read, and what was dropped.
    CommentInValue {
        key: String,
        kept: String,
        dropped: String,
        /// A campaign's own field's label, to name it by (`投入经费（万元）`); `None` for a
        /// built-in field, whose label the catalogue has.
        label: Option<String>,
    },
    InvalidFormat {
        key: String,
        value: String,
        format: Format,
        /// A campaign's own field's label, to name it by (`投入经费（万元）`); `None` for a
        /// built-in field, whose label the catalogue has.
        label: Option<String>,
    },
    TooLong {
        key: String,
        length: usize,
        max: usize,
        /// A campaign's own field's label, to name it by (`投入经费（万元）`); `None` for a
        /// built-in field, whose label the catalogue has.
        label: Option<String>,
    },
    MissingSection {
        alternatives: Vec<String>,
        /// A line meant as its heading that Markdown does not read as one (`##背景` without a
        /// space, full-width `＃＃`, a bold line), as written: the diagnostic stands there.
        written: Option<String>,
        /// The level of the heading the line is, when Markdown reads it as a heading of another
        /// level than the section's (`# 背景`, `### 背景`).
        level: Option<u8>,
    },
    EmptySection {
        name: String,
    },
    /// Every recommended section the entry lacks, in the campaign's order: one warning.
    RecommendedSection {
        names: Vec<String>,
    },
    AttachmentMissing {
        file: String,
        /// A file there whose name differs only in case (`HuoDong.JPG` for `huodong.jpg`:
        /// Windows opens it, the published site would not), as it should be written.
        similar: Option<String>,
    },
    AttachmentType {
        file: String,
        allowed: Vec<String>,
        image_only: bool,
    },
    AttachmentTooLarge {
        file: String,
        size_kb: u64,
        max_mb: u64,
    },
    PathEscape {
        path: String,
    },
    UnsafeHtml {
        what: String,
    },
    /// An image or other resource loaded from another site when the page opens.
    ExternalRequest {
        url: String,
    },
    /// Quotes or lists nested deeper than any entry needs.
    NestedTooDeep {
        max: usize,
    },
    UnknownUnit {
        folder: String,
        suggestion: Option<String>,
    },
    UnitCardMissing {
        unit: String,
    },
    UnitCardInvalid {
        detail: CardDetail,
    },
    UnitMismatch {
        value: String,
        folder: String,
    },
    WrongChannel {
        unit: String,
        parent: String,
    },
    DuplicateEntry {
        title: String,
        first: String,
    },
    QuotaShort {
        unit: String,
        /// The unit's name, as people know it.
        name: String,
        count: usize,
        minimum: u32,
        fatal: bool,
    },
    RosterUnsigned {
        unit: String,
    },
    /// The signed roster was last changed before some of the unit's entries first arrived: the
    /// sheet its head signed does not list them.
    RosterOutdated {
        unit: String,
        /// The scan, as `roster_signed` names it.
        file: String,
        /// The titles of the entries that arrived after it, in the unit's order.
        later: Vec<String>,
    },
    /// A file in a unit's folder that is neither an entry (`*.md`), its card, nor its signed
    /// roster: read by nothing, published nowhere (`项目.md.txt`, `项目.MD`, `申报表.docx`).
    NotAnEntry {
        unit: String,
        /// The file's name in the folder (its path in it, for one in a subfolder that is no
        /// entry's own: `2017/项目.md`).
        name: String,
    },
    /// A file that looks like an entry put directly in `submissions/`, in no unit's folder:
    /// read by nothing.
    NotInUnitFolder {
        name: String,
    },
    /// The entry first reached the main line after the deadline.
    LateSubmission {
        /// When it arrived; written in the deadline's time zone, as people write times
        /// (2017年12月7日 09:30), whatever the committer's zone was.
        arrived: jiff::Timestamp,
        /// The deadline that held for its unit (an extension's, if granted).
        deadline: crate::campaign::Deadline,
        commit: String,
    },
    /// In a pull request, a change outside the folders the author may change.
    OutsideOwnFolder {
        email: String,
        commit: String,
        /// The units whose folders the author maintains.
        own: Vec<String>,
    },
    /// The clone has no full history, so arrival times are unknown and nothing is judged late.
    ShallowClone,
    /// `campaign.yaml` is readable YAML but inconsistent or incomplete.
    CampaignInvalid {
        detail: CampaignDetail,
    },
}

/// The kind of value a field expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Text,
    Number,
    Integer,
    Bool,
    List,
    Mapping,
}

/// The textual formats shenbao checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Phone,
    Date,
    MonthOrDate,
    Email,
    Url,
    Timestamp,
    UnitId,
}

/// What is wrong with a `unit.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardDetail {
    Syntax(YamlError),
    NotAMapping,
    UnknownKey {
        key: String,
        suggestion: Option<String>,
    },
    Missing {
        key: String,
    },
    NotText {
        key: String,
    },
    BadPhone {
        value: String,
    },
    FileMissing {
        file: String,
    },
    /// `roster_signed` is not a photo or PDF.
    NotAScan {
        file: String,
    },
}

/// What is wrong with `campaign.yaml` beyond its syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CampaignDetail {
    Shape(String),
    UnknownUnitType {
        unit: String,
        unit_type: String,
        valid: Vec<String>,
    },
    UnknownParent {
        unit: String,
        parent: String,
    },
    OwnParent {
        unit: String,
    },
    Duplicate {
        what: &'static str,
        id: String,
    },
    BadUnitId {
        id: String,
    },
    BadValue {
        key: String,
        value: String,
        expected: &'static str,
    },
    Empty {
        key: &'static str,
    },
}

/// Declares [`Kind`], [`Kind::ALL`] and [`Kind::info`] from one table, so that no kind can be
/// missing from the list or lack a row.
macro_rules! catalogue {
    ($($kind:ident: $code:literal, $severity:ident, $whole_file:literal;)*) => {
        /// What kind of problem it is, without its data: one row of the catalogue.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            /// Every kind, in the catalogue's order: for docs and tests.
            pub const ALL: &[Kind] = &[$(Kind::$kind,)*];

            /// This kind's row of the catalogue.
            pub const fn info(self) -> Info {
                match self {
                    $(Kind::$kind => Info {
                        code: $code,
                        severity: Severity::$severity,
                        whole_file: $whole_file,
                    },)*
                }
            }
        }
    };
}

// The catalogue: one row per problem. The codes are stable: never renamed, since CI
// configurations and users' notes refer to them. A whole-file problem is about a file or folder
// rather than a place in it, so no source line is shown.
catalogue! {
    // kind              code                    severity  whole file
    NotUtf8:             "not-utf8",             Error,    false;
    InvalidCharacter:    "invalid-character",    Error,    false;
    FileTooLarge:        "file-too-large",       Error,    true;
    Unreadable:          "unreadable",           Error,    true;
    YamlSyntax:          "yaml-syntax",          Error,    false;
    FrontMatterMissing:  "front-matter-missing", Error,    false;
    UnknownField:        "unknown-field",        Error,    false;
    MissingField:        "missing-field",        Error,    false;
    InvalidType:         "invalid-type",         Error,    false;
    InvalidValue:        "invalid-value",        Error,    false;
    InvalidFormat:       "invalid-format",       Error,    false;
    TooLong:             "too-long",             Error,    false;
    MissingSection:      "missing-section",      Error,    false;
    EmptySection:        "empty-section",        Error,    false;
    RecommendedSection:  "recommended-section",  Warning,  false;
    AttachmentMissing:   "attachment-missing",   Error,    false;
    AttachmentType:      "attachment-type",      Error,    false;
    AttachmentTooLarge:  "attachment-too-large", Error,    false;
    PathEscape:          "path-escape",          Error,    false;
    UnsafeHtml:          "unsafe-html",          Warning,  false;
    NestedTooDeep:       "nested-too-deep",      Error,    false;
    ExternalRequest:     "external-request",     Warning,  false;
    CommentInValue:      "comment-in-value",     Warning,  false;
    UnknownUnit:         "unknown-unit",         Error,    true;
    UnitCardMissing:     "unit-card-missing",    Error,    true;
    UnitCardInvalid:     "unit-card-invalid",    Error,    false;
    UnitMismatch:        "unit-mismatch",        Error,    false;
    WrongChannel:        "wrong-channel",        Error,    true;
    DuplicateEntry:      "duplicate-entry",      Warning,  false;
    // An error once `fatal` (after the deadline): see `Problem::severity`.
    QuotaShort:          "quota-short",          Warning,  true;
    RosterUnsigned:      "roster-unsigned",      Warning,  true;
    RosterOutdated:      "roster-outdated",      Warning,  true;
    NotAnEntry:          "not-an-entry",         Warning,  true;
    LateSubmission:      "late-submission",      Error,    false;
    OutsideOwnFolder:    "outside-own-folder",   Error,    true;
    ShallowClone:        "shallow-clone",        Warning,  true;
    CampaignInvalid:     "campaign-invalid",     Error,    false;
}

/// Which of a section's names a line meant as its heading names (the first, if it names none).
fn meant<'a>(alternatives: &'a [String], line: &str) -> &'a str {
    alternatives
        .iter()
        .find(|a| line.contains(a.as_str()))
        .unwrap_or(&alternatives[0])
}

/// What a file in a unit's folder that is not an entry looks like it was meant to be, for the
/// help that says how to mend it.
pub(crate) enum Misnamed<'a> {
    /// `项目.MD`: an entry whose extension is not lower case; the name without it.
    Case(&'a str),
    /// `项目.md.txt`, `项目.markdown`: an entry with a suffix too many or another.
    Suffix(&'a str),
    /// `申报表.docx`: the entry sent as a document.
    Document,
    /// A photo or file at the wrong level.
    Other,
    /// `2017/项目.md`: an entry in a subfolder that is no entry's own; its file name.
    Nested(&'a str),
}

/// The name a file meant as an entry should have: `项目.md.txt`, `项目.MD`, `项目.markdown`
/// → `项目.md`.
pub(crate) fn entry_name(file: &str) -> String {
    let lower = file.to_lowercase();
    let stem = [".md.txt", ".markdown", ".md"]
        .iter()
        .find(|ext| lower.ends_with(*ext))
        .map_or(file, |ext| &file[..file.len() - ext.len()]);
    format!("{stem}.md")
}

/// The values a key allows, as a message lists them: a recognition's kinds with their names in
/// `lang` (`media（市以上媒体刊发）`, `media (reported by city-level media or above)`), others
/// as they are.
pub(crate) fn allowed_named(key: &str, allowed: &[String], lang: Lang) -> Vec<String> {
    if !key.starts_with("recognition") {
        return allowed.to_vec();
    }
    allowed
        .iter()
        .map(|v| {
            match crate::fields::RECOGNITION_KINDS
                .iter()
                .find(|(id, _, _)| id == v)
            {
                Some((_, zh, _)) if lang == Lang::Zh => format!("{v}（{zh}）"),
                Some((_, _, en)) => format!("{v} ({en})"),
                None => v.clone(),
            }
        })
        .collect()
}

pub(crate) fn not_an_entry(name: &str) -> Misnamed<'_> {
    if let Some((_, file)) = name.rsplit_once('/') {
        return Misnamed::Nested(file);
    }
    let lower = name.to_lowercase();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let ext = ext.to_lowercase();
    if ext == "md" {
        Misnamed::Case(stem)
    } else if ext == "markdown" {
        Misnamed::Suffix(stem)
    } else if lower.ends_with(".md.txt") {
        Misnamed::Suffix(&name[..name.len() - ".md.txt".len()])
    } else if ["doc", "docx", "wps", "odt", "rtf", "txt"].contains(&ext.as_str()) {
        Misnamed::Document
    } else {
        Misnamed::Other
    }
}

/// What a kind of problem is, for tools that list every rule before any result (SARIF's
/// `rules`): a title, when it is reported, and what to do about it in general.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Description {
    /// A few words, as a title: "Required field missing".
    pub short: &'static str,
    /// When the problem is reported, in a sentence or two.
    pub full: &'static str,
    /// How to fix it, whatever the data.
    pub help: &'static str,
}

impl Kind {
    /// This kind's description in `lang`.
    pub fn description(self, lang: Lang) -> Description {
        match lang {
            Lang::Zh => zh_cn::description(self),
            Lang::En => en::description(self),
        }
    }
}

/// A row of the catalogue: what is known about a kind of problem before any data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// The stable code, such as `yaml-syntax`.
    pub code: &'static str,
    /// The severity, but for [`Problem::severity`]'s one exception.
    pub severity: Severity,
    /// Whether the problem concerns a whole file or folder rather than a place in it.
    pub whole_file: bool,
}

impl Problem {
    /// Name the field this problem is about by `label`: a campaign's own field (its key alone,
    /// `investment`, tells a reader little).
    pub fn name_field(&mut self, name: &str) {
        if let Problem::InvalidType { label, .. }
        | Problem::InvalidValue { label, .. }
        | Problem::CommentInValue { label, .. }
        | Problem::InvalidFormat { label, .. }
        | Problem::TooLong { label, .. } = self
        {
            *label = Some(name.to_string());
        }
    }

    /// Its row of the catalogue: the one match over the problems for what is not text (only
    /// `severity` adds an exception).
    pub fn kind(&self) -> Kind {
        match self {
            Problem::NotUtf8 => Kind::NotUtf8,
            Problem::InvalidCharacter { .. } => Kind::InvalidCharacter,
            Problem::FileTooLarge { .. } => Kind::FileTooLarge,
            Problem::Unreadable { .. } => Kind::Unreadable,
            Problem::YamlSyntax { .. } => Kind::YamlSyntax,
            Problem::FrontMatterMissing { .. } => Kind::FrontMatterMissing,
            Problem::UnknownField { .. } => Kind::UnknownField,
            Problem::MissingField { .. } => Kind::MissingField,
            Problem::InvalidType { .. } => Kind::InvalidType,
            Problem::InvalidValue { .. } => Kind::InvalidValue,
            Problem::InvalidFormat { .. } => Kind::InvalidFormat,
            Problem::TooLong { .. } => Kind::TooLong,
            Problem::MissingSection { .. } => Kind::MissingSection,
            Problem::EmptySection { .. } => Kind::EmptySection,
            Problem::RecommendedSection { .. } => Kind::RecommendedSection,
            Problem::AttachmentMissing { .. } => Kind::AttachmentMissing,
            Problem::AttachmentType { .. } => Kind::AttachmentType,
            Problem::AttachmentTooLarge { .. } => Kind::AttachmentTooLarge,
            Problem::PathEscape { .. } => Kind::PathEscape,
            Problem::UnsafeHtml { .. } => Kind::UnsafeHtml,
            Problem::CommentInValue { .. } => Kind::CommentInValue,
            Problem::NestedTooDeep { .. } => Kind::NestedTooDeep,
            Problem::ExternalRequest { .. } => Kind::ExternalRequest,
            Problem::UnknownUnit { .. } => Kind::UnknownUnit,
            Problem::UnitCardMissing { .. } => Kind::UnitCardMissing,
            Problem::UnitCardInvalid { .. } => Kind::UnitCardInvalid,
            Problem::UnitMismatch { .. } => Kind::UnitMismatch,
            Problem::WrongChannel { .. } => Kind::WrongChannel,
            Problem::DuplicateEntry { .. } => Kind::DuplicateEntry,
            Problem::QuotaShort { .. } => Kind::QuotaShort,
            Problem::RosterUnsigned { .. } => Kind::RosterUnsigned,
            Problem::RosterOutdated { .. } => Kind::RosterOutdated,
            Problem::NotAnEntry { .. } | Problem::NotInUnitFolder { .. } => Kind::NotAnEntry,
            Problem::LateSubmission { .. } => Kind::LateSubmission,
            Problem::OutsideOwnFolder { .. } => Kind::OutsideOwnFolder,
            Problem::ShallowClone => Kind::ShallowClone,
            Problem::CampaignInvalid { .. } => Kind::CampaignInvalid,
        }
    }

    /// The stable code: never renamed, since CI configurations and users' notes refer to it.
    pub fn code(&self) -> &'static str {
        self.kind().info().code
    }

    pub fn severity(&self) -> Severity {
        match self {
            // The one severity that depends on the data: a unit short of its quota may still catch
            // up before the deadline, so it is only an error once the count is final.
            Problem::QuotaShort { fatal: true, .. } => Severity::Error,
            _ => self.kind().info().severity,
        }
    }

    /// Whether the problem is about a whole file or folder rather than a place in it, so no source
    /// line is shown.
    pub fn whole_file(&self) -> bool {
        self.kind().info().whole_file
    }

    /// One line saying what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => zh_cn::message(self),
            Lang::En => en::message(self),
        }
    }

    /// A line that helps fix it, where there is one.
    pub fn help(&self, lang: Lang) -> Option<String> {
        match lang {
            Lang::Zh => zh_cn::help(self),
            Lang::En => en::help(self),
        }
    }
}

impl Expected {
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => zh_cn::expected(self),
            Lang::En => en::expected(self),
        }
    }
}

impl Format {
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => zh_cn::format(self),
            Lang::En => en::format(self),
        }
    }
}

/// How many allowed values a help lists before it trails off, in every language: a campaign may
/// have dozens of units.
const LIST_SHOWN: usize = 20;

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lowered = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lowered, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests;
