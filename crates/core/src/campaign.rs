//! The call for entries (`campaign.yaml`): categories, criteria, unit registry, schema limits and
//! rules, read and checked for consistency.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;

use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::problem::{CampaignDetail, Problem};
use crate::source::{self, Pos};

/// The file that makes a folder a campaign.
pub const CAMPAIGN_FILE: &str = "campaign.yaml";

/// The call for entries, as the organisers configured it.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// The folder holding `campaign.yaml`.
    pub root: PathBuf,
    pub title: String,
    /// 发文单位
    pub issuer: String,
    /// 文号, e.g. 保工办发〔2017〕61号
    pub document: Option<String>,
    pub language: Lang,
    pub base_url: String,
    pub deadline: Option<Deadline>,
    pub contact: Option<Contact>,
    /// Commit emails that may change anything.
    pub organisers: Vec<String>,
    /// 申报范围
    pub categories: Vec<Category>,
    /// 申报标准
    pub criteria: Vec<Criterion>,
    pub unit_types: Vec<UnitType>,
    /// Every unit expected to submit, in the organisers' order.
    pub units: Vec<Unit>,
    pub sections: Sections,
    pub fields: FieldLimits,
    pub attachments: AttachmentRules,
    pub theme: Option<String>,
    /// Whether entries' arrival times are read from git (default). A demo or an imported
    /// campaign whose files were committed after the fact turns it off, or everything is late.
    pub arrival_times: bool,
    /// Later deadlines granted to single units (补报), by unit id.
    pub extensions: BTreeMap<String, Deadline>,
    pub portal: PortalSettings,
    pub reminders: ReminderSettings,
    /// The registry by id, built once: every stage asks it, for each of 100,000 entries.
    index: Index,
}

/// Positions in the registry's lists by id; the first of duplicated ids wins (duplicates are
/// errors of `campaign.yaml` anyway).
#[derive(Clone, Debug, Default)]
struct Index {
    units: HashMap<String, usize>,
    unit_types: HashMap<String, usize>,
    categories: HashMap<String, usize>,
    /// By parent id, the units submitting through it, by id and by name (an id wins over another
    /// unit's equal name).
    through: HashMap<String, HashMap<String, usize>>,
}

impl Index {
    fn new(units: &[Unit], unit_types: &[UnitType], categories: &[Category]) -> Self {
        fn positions<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
            let mut map = HashMap::new();
            for (i, id) in ids.enumerate() {
                map.entry(id.to_string()).or_insert(i);
            }
            map
        }
        let mut through: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if let Some(parent) = &u.parent {
                through
                    .entry(parent.clone())
                    .or_default()
                    .insert(u.id.clone(), i);
            }
        }
        for (i, u) in units.iter().enumerate() {
            if let Some(parent) = &u.parent {
                through
                    .entry(parent.clone())
                    .or_default()
                    .entry(u.name.clone())
                    .or_insert(i);
            }
        }
        Self {
            units: positions(units.iter().map(|u| u.id.as_str())),
            unit_types: positions(unit_types.iter().map(|t| t.id.as_str())),
            categories: positions(categories.iter().map(|c| c.id.as_str())),
            through,
        }
    }
}

/// `portal:`: how the submission portal runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalSettings {
    /// Where units reach the portal; login links are made from it.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Whether new entries and edits are taken after the deadline.
    #[serde(default)]
    pub accept_late: bool,
}

/// `reminders:`: what `shenbao remind` sends, when and how.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderSettings {
    /// Days before the deadline on which a unit is reminded (once each).
    #[serde(default)]
    pub before_deadline_days: Vec<u32>,
    #[serde(default)]
    pub smtp: Option<SmtpSettings>,
    /// The environment variable holding a 企业微信 or 钉钉 group robot's address.
    #[serde(default)]
    pub webhook_env: Option<String>,
    /// Which robot it is; by default told from the address (`oapi.dingtalk.com` is 钉钉).
    #[serde(default)]
    pub webhook_kind: Option<WebhookKind>,
}

/// The group robots whose JSON `remind` speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookKind {
    /// 企业微信
    Wecom,
    /// 钉钉
    Dingtalk,
}

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// TLS from the first byte (port 465).
    Wrapper,
    /// STARTTLS, required (port 587).
    Starttls,
    /// None: only for a relay on this machine (`localhost`, `127.0.0.1`).
    None,
}

/// The mail server reminders are sent through (over TLS).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub from: String,
    #[serde(default)]
    pub user: Option<String>,
    /// The environment variable holding the password (never the password itself).
    #[serde(default)]
    pub password_env: Option<String>,
    /// Default: `wrapper` on port 465, `starttls` on any other.
    #[serde(default)]
    pub tls: Option<SmtpTls>,
}

impl SmtpSettings {
    pub fn tls(&self) -> SmtpTls {
        self.tls.unwrap_or(if self.port == 465 {
            SmtpTls::Wrapper
        } else {
            SmtpTls::Starttls
        })
    }
}

fn default_smtp_port() -> u16 {
    465
}

/// 截止时间: the instant after which an arriving entry is late.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// As the organisers wrote it, for display.
    pub text: String,
    pub at: jiff::Timestamp,
    /// The offset the organisers wrote it in (`+08:00`; UTC for `Z`): the campaign's time zone
    /// for every time shown beside it.
    pub offset: jiff::tz::Offset,
}

impl Deadline {
    /// A deadline as written in `campaign.yaml`: an RFC 3339 time with its offset.
    pub fn parse(text: &str) -> Option<Deadline> {
        let at = text.parse::<jiff::Timestamp>().ok()?;
        let offset = match jiff::fmt::temporal::Pieces::parse(text).ok()?.offset() {
            Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => n.offset(),
            _ => jiff::tz::Offset::UTC,
        };
        Some(Deadline {
            text: text.to_string(),
            at,
            offset,
        })
    }

    /// The deadline as people write it, in its own time zone: 2017年12月6日 23:59.
    pub fn written(&self, lang: Lang) -> String {
        self.local(self.at, lang)
    }

    /// Any instant in the deadline's time zone, written as people write it.
    pub fn local(&self, at: jiff::Timestamp, lang: Lang) -> String {
        let zoned = self.offset.to_datetime(at);
        match lang {
            Lang::Zh => zoned.strftime("%Y年%-m月%-d日 %H:%M").to_string(),
            Lang::En => zoned.strftime("%-d %B %Y, %H:%M").to_string(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// 申报范围: one scope of the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    /// A short name for filters and tables.
    pub name: String,
    /// The scope's full text from the notice.
    pub text: String,
}

/// 申报标准: one criterion entries are judged by.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub text: String,
}

/// A kind of submitting unit and its quota.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitType {
    pub id: String,
    pub name: String,
    /// 至少申报: the fewest entries a unit of this type must submit.
    #[serde(default)]
    pub minimum: u32,
    /// Whether it gathers its subordinates' projects and submits them (统一申报).
    #[serde(default)]
    pub collects: bool,
}

/// A unit expected to submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub unit_type: String,
    /// The unit it submits through, if any.
    pub parent: Option<String>,
    /// Commit emails of the people who maintain its folder.
    pub maintainers: Vec<String>,
}

impl Unit {
    /// Whether the unit submits itself: has its folder, its card, its quota and a roster to sign.
    /// A unit with a `parent` submits through it instead: its projects are the parent's entries
    /// naming it in `implementing_unit`, and nothing is expected of it. This is the one
    /// definition `check`, `status`, the roster and the site go by.
    pub fn submits_itself(&self) -> bool {
        self.parent.is_none()
    }
}

/// The body sections entries must or should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sections {
    /// Level-2 headings; each item lists accepted alternatives, the first being the canonical name.
    pub required: Vec<Vec<String>>,
    /// Level-2 or level-3 headings; missing ones warn.
    pub recommended: Vec<String>,
}

impl Default for Sections {
    fn default() -> Self {
        Self {
            required: ["背景", "主要内容", "实施情况", "取得的效果"]
                .map(|s| vec![s.to_string()])
                .to_vec(),
            recommended: ["创新性", "示范性", "实效性", "科学性"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// Limits of built-in fields and the campaign's extra fields.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldLimits {
    pub max_length: HashMap<String, usize>,
    pub extra: Vec<ExtraField>,
}

impl FieldLimits {
    /// The length limit of a built-in field: the campaign's, else the built-in default.
    pub fn max_length(&self, key: &str, default: Option<usize>) -> Option<usize> {
        self.max_length.get(key).copied().or(default)
    }

    /// The campaign's own field of this key.
    pub fn extra(&self, key: &str) -> Option<&ExtraField> {
        self.extra.iter().find(|f| f.key == key)
    }
}

/// A field the campaign adds to entries.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraField {
    pub key: String,
    pub label: String,
    #[serde(rename = "type", default)]
    pub field_type: ExtraType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub max_length: Option<usize>,
    /// Allowed values, for a choice.
    #[serde(default)]
    pub values: Vec<String>,
}

/// The value types an extra field may have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtraType {
    #[default]
    Text,
    Number,
    Integer,
    Bool,
    Date,
    Url,
    Email,
    Phone,
}

/// What may be attached, and how large.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentRules {
    /// Lowercase extensions without the dot.
    pub allowed: Vec<String>,
    pub max_size_mb: u64,
    pub video_max_size_mb: u64,
}

impl AttachmentRules {
    /// The size limit in MB of a file with extension `ext`: videos have their own.
    pub fn max_mb(&self, ext: &str) -> u64 {
        if crate::fields::VIDEO_TYPES.contains(&ext) {
            self.video_max_size_mb
        } else {
            self.max_size_mb
        }
    }
}

impl Default for AttachmentRules {
    fn default() -> Self {
        Self {
            allowed: [
                "jpg", "jpeg", "png", "webp", "gif", "mp4", "webm", "pdf", "doc", "docx", "xls",
                "xlsx", "csv", "ppt", "pptx",
            ]
            .map(String::from)
            .to_vec(),
            max_size_mb: 20,
            video_max_size_mb: 200,
        }
    }
}

impl Campaign {
    /// Every key an entry may have in this campaign: the built-in fields, then its own.
    pub fn entry_keys(&self) -> Vec<&str> {
        crate::fields::BUILT_IN
            .iter()
            .map(|f| f.key)
            .chain(self.fields.extra.iter().map(|f| f.key.as_str()))
            .collect()
    }

    /// The campaign's time zone, for every time shown: the offset its deadline is written in,
    /// else UTC.
    pub fn zone(&self) -> jiff::tz::Offset {
        self.deadline
            .as_ref()
            .map_or(jiff::tz::Offset::UTC, |d| d.offset)
    }

    /// The deadline that holds for `unit`: its own extension, else the campaign's. An extension
    /// only ever extends: one left earlier than the deadline (the whole call postponed after it
    /// was granted) gives way to the deadline.
    pub fn deadline_for(&self, unit: &str) -> Option<&Deadline> {
        match (self.extensions.get(unit), self.deadline.as_ref()) {
            (Some(e), Some(d)) if e.at < d.at => Some(d),
            (Some(e), _) => Some(e),
            (None, d) => d,
        }
    }

    /// The units whose extension holds (later than the deadline), with it.
    pub fn extended(&self) -> impl Iterator<Item = (&String, &Deadline)> {
        self.extensions
            .iter()
            .filter(|(unit, e)| self.deadline_for(unit).is_some_and(|d| d.at == e.at))
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(self.unit_position(id)?)
    }

    pub fn unit_type(&self, id: &str) -> Option<&UnitType> {
        self.unit_types.get(*self.index.unit_types.get(id)?)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.get(self.category_position(id)?)
    }

    /// Where the unit stands in the registry (`units`).
    pub fn unit_position(&self, id: &str) -> Option<usize> {
        self.index.units.get(id).copied()
    }

    /// Where the category stands in `categories`.
    pub fn category_position(&self, id: &str) -> Option<usize> {
        self.index.categories.get(id).copied()
    }

    /// The minimum of a unit: its type's, or none when it submits through a parent.
    pub fn minimum(&self, unit: &Unit) -> u32 {
        if !unit.submits_itself() {
            return 0;
        }
        self.unit_type(&unit.unit_type).map_or(0, |t| t.minimum)
    }

    /// The units expected to submit (应申报的单位), in registry order: those that submit
    /// themselves (`Unit::submits_itself`).
    pub fn submitters(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(|u| u.submits_itself())
    }

    /// The unit an entry was made for when its unit forwards a subordinate's project: the
    /// registered unit submitting through the entry's unit that its `implementing_unit` names,
    /// by id or by name. `None` for the entry's own projects and for names not registered.
    pub fn implementing_unit(&self, entry: &crate::model::Entry) -> Option<&Unit> {
        let named = entry.implementing_unit.as_deref()?.trim();
        let i = *self.index.through.get(&entry.unit)?.get(named)?;
        self.units.get(i)
    }
}

/// Why a campaign could not be opened.
#[derive(Debug)]
pub enum CampaignError {
    /// No `campaign.yaml` here or in any folder above.
    NotFound { start: PathBuf },
    /// `campaign.yaml` exists but cannot be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// `campaign.yaml` is invalid: each problem with its place.
    Invalid(Vec<Diagnostic>),
}

impl CampaignError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        match (self, lang) {
            (CampaignError::NotFound { start }, Lang::Zh) => format!(
                "这里不是申报活动：{} 及其上级文件夹中都没有 {CAMPAIGN_FILE}（用 --root 指定活动文件夹，或用 `shenbao init` 新建一个）",
                start.display()
            ),
            (CampaignError::NotFound { start }, Lang::En) => format!(
                "not a campaign: no {CAMPAIGN_FILE} in {} or any folder above it (use --root, or `shenbao init` to start one)",
                start.display()
            ),
            (CampaignError::Io { path, error }, Lang::Zh) => format!(
                "无法读取 {}：{}",
                path.display(),
                crate::lang::io_reason(error, lang)
            ),
            (CampaignError::Io { path, error }, Lang::En) => {
                format!("cannot read {}: {error}", path.display())
            }
            (CampaignError::Invalid(d), Lang::Zh) => {
                format!("{CAMPAIGN_FILE} 有 {} 个问题", d.len())
            }
            (CampaignError::Invalid(d), Lang::En) => {
                format!(
                    "{CAMPAIGN_FILE} has {}",
                    crate::lang::en_count(d.len(), "problem", "problems")
                )
            }
        }
    }
}

impl fmt::Display for CampaignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::lang::Lang::En))
    }
}

impl std::error::Error for CampaignError {}

/// The language the `campaign.yaml` in `root` names, read without parsing it: for what is said
/// when the file cannot be parsed. The default (zh-CN) when it names none shenbao knows or
/// cannot be read. A file saved in GBK is still read: the key and its value are ASCII.
pub fn language_of(root: &Path) -> crate::lang::Lang {
    std::fs::read(root.join(CAMPAIGN_FILE))
        .ok()
        .and_then(|bytes| crate::lang::sniff(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_default()
}

/// The campaign root: `start` or the nearest folder above it holding `campaign.yaml`.
pub fn find_root(start: &Path) -> Result<PathBuf, CampaignError> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        start.clone()
    };
    loop {
        if dir.join(CAMPAIGN_FILE).is_file() {
            return Ok(dir);
        }
        if !dir.pop() {
            return Err(CampaignError::NotFound { start });
        }
    }
}

/// Read and check `campaign.yaml` in `root`.
pub fn load(root: &Path) -> Result<Campaign, CampaignError> {
    let path = root.join(CAMPAIGN_FILE);
    let bytes = std::fs::read(&path).map_err(|error| CampaignError::Io {
        path: path.clone(),
        error,
    })?;
    parse(root, bytes)
}

/// Check the bytes of a `campaign.yaml` (one from another revision, say) as the campaign at
/// `root`.
pub fn parse(root: &Path, bytes: Vec<u8>) -> Result<Campaign, CampaignError> {
    let invalid =
        |pos, problem| CampaignError::Invalid(vec![Diagnostic::new(CAMPAIGN_FILE, pos, problem)]);
    let text = source::decode(bytes).map_err(|e| invalid(e.0, Problem::NotUtf8))?;
    let file = parse_file(&text)?;
    resolve(root, file)
}

fn parse_file(text: &str) -> Result<CampaignFile, CampaignError> {
    // Not the entries' options (`yaml::parse`): the research office's own file, read into typed
    // fields, is not held to a unit's budget (a registry of thousands of units is large). Only
    // the second reading that tells a full-width colon (`yaml::syntax_error`) keeps that budget.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<CampaignFile>(text, options).map_err(|err| {
        let pos = err.location().map_or(Pos::START, |l| {
            Pos::new(l.line().max(1) as u32, l.column().max(1) as u32)
        });
        let detail = crate::yaml::plain_message(&err.to_string());
        // serde's messages about the shape (missing field, unknown field) are not syntax errors.
        let (pos, problem) = if detail.contains("field")
            || detail.contains("invalid type")
            || detail.contains("unknown variant")
        {
            (
                pos,
                Problem::CampaignInvalid {
                    detail: CampaignDetail::Shape(detail),
                },
            )
        } else {
            // As in entries and cards: a full-width colon or a tab named where it stands.
            let (syntax, at) = crate::yaml::syntax_error(text, &err);
            (at.unwrap_or(pos), Problem::YamlSyntax { detail: syntax })
        };
        CampaignError::Invalid(vec![Diagnostic::new(CAMPAIGN_FILE, pos, problem)])
    })
}

fn resolve(root: &Path, file: CampaignFile) -> Result<Campaign, CampaignError> {
    let mut problems = Vec::new();
    let mut report = |span: Pos, detail: CampaignDetail| {
        problems.push(Diagnostic::new(
            CAMPAIGN_FILE,
            span,
            Problem::CampaignInvalid { detail },
        ));
    };

    let language = match &file.language {
        None => Lang::Zh,
        Some(s) => s.value.parse().unwrap_or_else(|_| {
            report(
                pos(s),
                CampaignDetail::BadValue {
                    key: "language".into(),
                    value: s.value.clone(),
                    expected: "zh-CN | en",
                },
            );
            Lang::Zh
        }),
    };

    let deadline = file
        .deadline
        .as_ref()
        .and_then(|s| match Deadline::parse(&s.value) {
            Some(d) => Some(d),
            None => {
                report(
                    pos(s),
                    CampaignDetail::BadValue {
                        key: "deadline".into(),
                        value: s.value.clone(),
                        expected: "2017-12-06T23:59:59+08:00",
                    },
                );
                None
            }
        });

    let base_url = file.base_url.unwrap_or_else(|| "/".into());

    let mut extensions = BTreeMap::new();
    let mut granted: Vec<_> = file.extensions.iter().collect();
    granted.sort_by_key(|(unit, _)| (unit.referenced.line(), unit.referenced.column()));
    for (unit, at) in granted {
        if !file.units.iter().any(|u| u.id.value == unit.value) {
            report(
                pos(unit),
                CampaignDetail::BadValue {
                    key: "extensions".into(),
                    value: unit.value.clone(),
                    expected: "units[].id",
                },
            );
            continue;
        }
        match Deadline::parse(&at.value) {
            Some(d) => {
                extensions.insert(unit.value.clone(), d);
            }
            None => report(
                pos(at),
                CampaignDetail::BadValue {
                    key: format!("extensions.{}", unit.value),
                    value: at.value.clone(),
                    expected: "2017-12-08T18:00:00+08:00",
                },
            ),
        }
    }
    let reminders = file.reminders.unwrap_or_default();
    if let Some(smtp) = &reminders.smtp
        && smtp.tls() == SmtpTls::None
        && !matches!(smtp.host.as_str(), "localhost" | "127.0.0.1" | "::1")
    {
        // A password sent in the clear over a network: never.
        report(
            Pos::START,
            CampaignDetail::BadValue {
                key: "reminders.smtp.tls".into(),
                value: "none".into(),
                expected: "wrapper | starttls (none only for localhost)",
            },
        );
    }
    let portal = file.portal.unwrap_or_default();
    if let Some(url) = &portal.public_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        report(
            Pos::START,
            CampaignDetail::BadValue {
                key: "portal.public_url".into(),
                value: url.clone(),
                expected: "https://shenbao.example.org/",
            },
        );
    }

    let categories = file
        .categories
        .iter()
        .map(|c| Category {
            id: c.id.value.0.clone(),
            name: c.name.clone(),
            text: c.text.clone(),
        })
        .collect::<Vec<_>>();
    if categories.is_empty() {
        report(Pos::START, CampaignDetail::Empty { key: "categories" });
    }
    duplicates(
        file.categories.iter().map(|c| (&c.id.value.0, pos(&c.id))),
        "category",
        &mut report,
    );
    duplicates(
        file.criteria.iter().map(|c| (&c.value.id, pos(c))),
        "criterion",
        &mut report,
    );
    duplicates(
        file.unit_types.iter().map(|t| (&t.value.id, pos(t))),
        "unit type",
        &mut report,
    );
    duplicates(
        file.units.iter().map(|u| (&u.id.value, pos(&u.id))),
        "unit",
        &mut report,
    );

    let type_ids: Vec<String> = file.unit_types.iter().map(|t| t.value.id.clone()).collect();
    let unit_ids: HashSet<&str> = file.units.iter().map(|u| u.id.value.as_str()).collect();
    for u in &file.units {
        if !is_unit_id(&u.id.value) {
            report(
                pos(&u.id),
                CampaignDetail::BadUnitId {
                    id: u.id.value.clone(),
                },
            );
        }
        if !type_ids.contains(&u.unit_type.value) {
            report(
                pos(&u.unit_type),
                CampaignDetail::UnknownUnitType {
                    unit: u.id.value.clone(),
                    unit_type: u.unit_type.value.clone(),
                    valid: type_ids.clone(),
                },
            );
        }
        if let Some(parent) = &u.parent {
            if !unit_ids.contains(parent.value.as_str()) {
                report(
                    pos(parent),
                    CampaignDetail::UnknownParent {
                        unit: u.id.value.clone(),
                        parent: parent.value.clone(),
                    },
                );
            } else if has_cycle(&file.units, &u.id.value) {
                report(
                    pos(parent),
                    CampaignDetail::OwnParent {
                        unit: u.id.value.clone(),
                    },
                );
            }
        }
    }

    let (required, recommended) = match file.sections {
        Some(s) => (
            s.required
                .into_iter()
                .map(|r| match r {
                    OneOrMany::One(s) => vec![s],
                    OneOrMany::Many(v) => v,
                })
                .filter(|v| !v.is_empty())
                .collect(),
            s.recommended,
        ),
        None => {
            let d = Sections::default();
            (d.required, d.recommended)
        }
    };

    let mut max_length = HashMap::new();
    let mut extra = Vec::new();
    if let Some(fields) = file.fields {
        for (key, limit) in fields.limits {
            if !crate::fields::BUILT_IN.iter().any(|f| f.key == key.value) {
                report(
                    pos(&key),
                    CampaignDetail::BadValue {
                        key: "fields".into(),
                        value: key.value.clone(),
                        expected: "a built-in field (title, summary, contact, …) or `extra`",
                    },
                );
            }
            if let Some(max) = limit.max_length {
                max_length.insert(key.value, max);
            }
        }
        for field in &fields.extra {
            if crate::fields::BUILT_IN
                .iter()
                .any(|f| f.key == field.value.key)
            {
                report(
                    pos(field),
                    CampaignDetail::Duplicate {
                        what: "field",
                        id: field.value.key.clone(),
                    },
                );
            }
        }
        duplicates(
            fields.extra.iter().map(|f| (&f.value.key, pos(f))),
            "field",
            &mut report,
        );
        extra = fields.extra.into_iter().map(|f| f.value).collect();
    }

    let mut attachments = file.attachments.unwrap_or_default();
    attachments.allowed = attachments
        .allowed
        .iter()
        .map(|e| e.trim_start_matches('.').to_lowercase())
        .collect();

    if !problems.is_empty() {
        return Err(CampaignError::Invalid(problems));
    }
    let mut campaign = Campaign {
        root: root.to_path_buf(),
        title: file.title,
        issuer: file.issuer,
        document: file.document,
        language,
        base_url,
        deadline,
        contact: file.contact,
        organisers: file.organisers,
        categories,
        criteria: file.criteria.into_iter().map(|c| c.value).collect(),
        unit_types: file.unit_types.into_iter().map(|t| t.value).collect(),
        units: file
            .units
            .into_iter()
            .map(|u| Unit {
                id: u.id.value,
                name: u.name,
                unit_type: u.unit_type.value,
                parent: u.parent.map(|p| p.value),
                maintainers: u.maintainers,
            })
            .collect(),
        sections: Sections {
            required,
            recommended,
        },
        fields: FieldLimits { max_length, extra },
        attachments,
        theme: file.theme,
        arrival_times: file.arrival_times.unwrap_or(true),
        extensions,
        portal,
        reminders,
        index: Index::default(),
    };
    campaign.index = Index::new(&campaign.units, &campaign.unit_types, &campaign.categories);
    Ok(campaign)
}

/// Unit ids become folder names and URLs: lowercase ASCII letters, digits and inner hyphens.
pub fn is_unit_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn pos<T>(s: &Spanned<T>) -> Pos {
    Pos::new(
        s.referenced.line().max(1) as u32,
        s.referenced.column().max(1) as u32,
    )
}

fn duplicates<'a>(
    ids: impl Iterator<Item = (&'a String, Pos)>,
    what: &'static str,
    report: &mut impl FnMut(Pos, CampaignDetail),
) {
    let mut seen = HashSet::new();
    for (id, at) in ids {
        if !seen.insert(id) {
            report(
                at,
                CampaignDetail::Duplicate {
                    what,
                    id: id.clone(),
                },
            );
        }
    }
}

/// Whether following parents from `start` comes back to it.
fn has_cycle(units: &[UnitFile], start: &str) -> bool {
    let parent_of: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.id.value.as_str(), u.parent.as_ref()?.value.as_str())))
        .collect();
    let mut at = start;
    for _ in 0..=units.len() {
        match parent_of.get(at) {
            Some(&p) if p == start => return true,
            Some(&p) => at = p,
            None => return false,
        }
    }
    true
}

// ---- the file as written --------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CampaignFile {
    title: String,
    issuer: String,
    #[serde(default, deserialize_with = "opt_text")]
    document: Option<String>,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    deadline: Option<Spanned<String>>,
    #[serde(default)]
    contact: Option<Contact>,
    #[serde(default)]
    organisers: Vec<String>,
    categories: Vec<CategoryFile>,
    #[serde(default)]
    criteria: Vec<Spanned<Criterion>>,
    unit_types: Vec<Spanned<UnitType>>,
    units: Vec<UnitFile>,
    #[serde(default)]
    sections: Option<SectionsFile>,
    #[serde(default)]
    fields: Option<FieldsFile>,
    #[serde(default)]
    attachments: Option<AttachmentRules>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    arrival_times: Option<bool>,
    #[serde(default)]
    extensions: HashMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    portal: Option<PortalSettings>,
    #[serde(default)]
    reminders: Option<ReminderSettings>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryFile {
    id: Spanned<Text>,
    name: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitFile {
    id: Spanned<String>,
    name: String,
    #[serde(rename = "type")]
    unit_type: Spanned<String>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    #[serde(default)]
    maintainers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionsFile {
    #[serde(default)]
    required: Vec<OneOrMany>,
    #[serde(default)]
    recommended: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct FieldsFile {
    #[serde(default)]
    extra: Vec<Spanned<ExtraField>>,
    #[serde(flatten)]
    limits: HashMap<Spanned<String>, FieldLimitFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldLimitFile {
    #[serde(default)]
    max_length: Option<usize>,
}

/// A scalar read as text, so `id: 12` and `id: "12"` mean the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor).map(Text)
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<Text>::deserialize(d).map(|t| t.map(|t| t.0))
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: t\nissuer: i\ncategories:\n  - {id: 1, name: a}\nunit_types:\n  - {id: county, name: 县, minimum: 2}\nunits:\n  - {id: lianchi, name: 莲池区总工会, type: county}\n";

    fn load_text(text: &str) -> Result<Campaign, CampaignError> {
        resolve(Path::new("."), parse_file(text)?)
    }

    fn problems(text: &str) -> Vec<(Pos, String)> {
        match load_text(text) {
            Err(CampaignError::Invalid(d)) => d
                .into_iter()
                .map(|d| (d.pos, d.problem.message(Lang::En)))
                .collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_deadline_is_written_in_its_own_time_zone() {
        let c = load_text(&format!("{MINIMAL}deadline: 2017-12-06T23:59:59+08:00\n")).unwrap();
        let d = c.deadline.unwrap();
        assert_eq!(d.written(Lang::Zh), "2017年12月6日 23:59");
        assert_eq!(d.written(Lang::En), "6 December 2017, 23:59");
        let utc: jiff::Timestamp = "2017-12-07T02:30:00Z".parse().unwrap();
        assert_eq!(d.local(utc, Lang::Zh), "2017年12月7日 10:30");
    }

    /// An extension only extends: one earlier than the deadline (the call postponed after it
    /// was granted) gives way to the deadline, and is not said as an extension.
    #[test]
    fn an_extension_earlier_than_the_deadline_gives_way_to_it() {
        let text = MINIMAL.to_string()
            + "  - {id: gaoxin, name: 高新区, type: county}\n\
               deadline: 2017-12-31T23:59:59+08:00\n\
               extensions:\n  gaoxin: 2017-12-08T18:00:00+08:00\n  lianchi: 2018-01-10T18:00:00+08:00\n";
        let c = load_text(&text).unwrap();
        let deadline = c.deadline.as_ref().unwrap().at;
        assert_eq!(c.deadline_for("gaoxin").unwrap().at, deadline);
        assert!(c.deadline_for("lianchi").unwrap().at > deadline);
        let extended: Vec<&String> = c.extended().map(|(u, _)| u).collect();
        assert_eq!(extended, ["lianchi"]);
    }

    /// Slips of a Chinese keyboard in campaign.yaml are named where they stand, as in entries.
    #[test]
    fn a_full_width_colon_or_a_tab_is_named_where_it_stands() {
        for (text, line, column, what) in [
            (
                "title：年度工作创新奖\nissuer: i\n",
                1,
                6,
                "`title` 后面是全角冒号",
            ),
            (
                "title: t\nissuer：某某总工会\n",
                2,
                7,
                "`issuer` 后面是全角冒号",
            ),
            (
                "title: t\nunits:\n  - {id: a, name: b, type: c}\n\t- {id: d, name: e, type: c}\n",
                4,
                1,
                "制表符",
            ),
        ] {
            let Err(CampaignError::Invalid(d)) = load_text(text) else {
                panic!("{text:?} loads")
            };
            assert_eq!((d[0].pos.line, d[0].pos.column), (line, column), "{text:?}");
            let message = d[0].problem.message(Lang::Zh);
            assert!(message.contains(what), "{text:?}: {message}");
        }
    }

    #[test]
    fn a_minimal_campaign_loads_with_defaults() {
        let c = load_text(MINIMAL).unwrap();
        assert_eq!(c.categories[0].id, "1");
        assert_eq!(c.language, Lang::Zh);
        assert_eq!(c.sections.required.len(), 4);
        assert_eq!(c.attachments.max_size_mb, 20);
        assert_eq!(c.minimum(&c.units[0]), 2);
    }

    #[test]
    fn unknown_type_and_parent_are_reported_where_written() {
        let text = MINIMAL.to_string()
            + "  - {id: gaoxin, name: 高新区, type: zone}\n  - {id: jixie, name: 机械厂, type: county, parent: nowhere}\n";
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].0, Pos::new(9, 35));
        assert!(p[0].1.contains("zone"));
        assert_eq!(p[1].0.line, 10);
        assert!(p[1].1.contains("nowhere"));
    }

    #[test]
    fn duplicate_unit_ids_are_reported() {
        let text = MINIMAL.to_string() + "  - {id: lianchi, name: 又一个, type: county}\n";
        let p = problems(&text);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, Pos::new(9, 10));
    }

    #[test]
    fn a_cycle_of_parents_is_refused() {
        let text = MINIMAL.replace("type: county}", "type: county, parent: b}")
            + "  - {id: b, name: b, type: county, parent: lianchi}\n";
        assert_eq!(problems(&text).len(), 2);
    }

    #[test]
    fn a_misspelt_key_is_an_error_with_its_line() {
        let p = problems(&MINIMAL.replace("issuer", "isuer"));
        assert_eq!(p[0].0.line, 2, "{p:?}");
    }

    #[test]
    fn a_bad_deadline_is_reported() {
        let p = problems(&format!("{MINIMAL}deadline: 12月6日\n"));
        assert!(p[0].1.contains("deadline"), "{p:?}");
    }
}
