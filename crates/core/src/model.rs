//! What units submitted, as plain data once read and checked: entries and unit cards.

/// 申报项目: one entry, read from `submissions/<unit>/<slug>.md`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// The folder's unit id.
    pub unit: String,
    /// The file name without `.md`; also names the attachment folder.
    pub slug: String,
    /// 项目名称
    pub title: String,
    /// 申报范围 id
    pub category: String,
    /// 联系人
    pub contact: String,
    /// 联系电话
    pub phone: String,
    /// 项目简介
    pub summary: String,
    /// 实施时间
    pub started: Option<String>,
    /// 实施单位, when a collecting unit forwards a subordinate's project.
    pub implementing_unit: Option<String>,
    /// 实效性证明
    pub recognition: Vec<Recognition>,
    pub cover: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Checked but not published.
    pub draft: bool,
    /// The campaign's extra fields, key and value as text, in the campaign's order.
    pub extra: Vec<(String, String)>,
    /// The body as safe HTML; empty unless the project was loaded with `render_bodies` (checking
    /// alone does not need it, and 100,000 bodies are large).
    pub html: std::sync::Arc<str>,
    /// The body's plain text, for the site's search; loaded with the HTML.
    pub text: std::sync::Arc<str>,
    /// The entry's own files the body shows or links to, relative to its attachment folder.
    pub body_files: Vec<String>,
    /// Where the `title` key stands, for diagnostics that concern the whole entry.
    pub title_pos: crate::source::Pos,
    /// Whether any error was found in this entry's file.
    pub has_errors: bool,
    /// When the file first reached the main line, and when it last changed (from git).
    pub arrived: Option<crate::history::Stamp>,
    pub changed: Option<crate::history::Stamp>,
}

impl Entry {
    /// `unit/slug`: unique within a campaign.
    pub fn id(&self) -> String {
        format!("{}/{}", self.unit, self.slug)
    }

    /// The file relative to the campaign root.
    pub fn file(&self) -> String {
        crate::paths::entry_file(&self.unit, &self.slug)
    }

    /// The folder of the entry's own files, relative to the campaign root.
    pub fn folder(&self) -> String {
        crate::paths::attachment_folder(&self.unit, &self.slug)
    }
}

/// 实效性证明: how the project was recognised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recognition {
    /// document | speech | site_meeting | instruction | media
    pub kind: String,
    pub source: String,
    pub date: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// A file in the entry's attachment folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    pub file: String,
    pub title: Option<String>,
}

/// A unit's card (`unit.yaml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitCard {
    /// 主要领导
    pub leader: String,
    /// 专人负责
    pub responsible: Option<String>,
    pub responsible_phone: Option<String>,
    /// Where reminders go.
    pub email: Option<String>,
    /// The scan or photo of the signed and stamped roster, relative to the unit's folder.
    pub roster_signed: Option<String>,
}
