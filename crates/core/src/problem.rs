//! Every problem shenbao can find, with its stable code, its severity and how it is said in each
//! language.

use crate::lang::Lang;

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
    /// A NUL or other control character that no editor shows.
    InvalidCharacter {
        codepoint: u32,
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
        detail: String,
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
    },
    InvalidType {
        key: String,
        expected: Expected,
    },
    InvalidValue {
        key: String,
        value: String,
        suggestion: Option<String>,
        allowed: Vec<String>,
    },
    InvalidFormat {
        key: String,
        value: String,
        format: Format,
    },
    TooLong {
        key: String,
        length: usize,
        max: usize,
    },
    MissingSection {
        alternatives: Vec<String>,
    },
    EmptySection {
        name: String,
    },
    RecommendedSection {
        name: String,
    },
    AttachmentMissing {
        file: String,
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
        count: usize,
        minimum: u32,
        fatal: bool,
    },
    RosterUnsigned {
        unit: String,
    },
    /// The entry first reached the main line after the deadline.
    LateSubmission {
        /// When it arrived, as people read it (`2017-12-07 09:30 +08:00`).
        arrived: String,
        deadline: String,
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
    Syntax(String),
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

impl Problem {
    /// The stable code: never renamed, since CI configurations and users' notes refer to it.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotUtf8 => "not-utf8",
            Problem::InvalidCharacter { .. } => "invalid-character",
            Problem::FileTooLarge { .. } => "file-too-large",
            Problem::Unreadable { .. } => "unreadable",
            Problem::YamlSyntax { .. } => "yaml-syntax",
            Problem::FrontMatterMissing { .. } => "front-matter-missing",
            Problem::UnknownField { .. } => "unknown-field",
            Problem::MissingField { .. } => "missing-field",
            Problem::InvalidType { .. } => "invalid-type",
            Problem::InvalidValue { .. } => "invalid-value",
            Problem::InvalidFormat { .. } => "invalid-format",
            Problem::TooLong { .. } => "too-long",
            Problem::MissingSection { .. } => "missing-section",
            Problem::EmptySection { .. } => "empty-section",
            Problem::RecommendedSection { .. } => "recommended-section",
            Problem::AttachmentMissing { .. } => "attachment-missing",
            Problem::AttachmentType { .. } => "attachment-type",
            Problem::AttachmentTooLarge { .. } => "attachment-too-large",
            Problem::PathEscape { .. } => "path-escape",
            Problem::UnsafeHtml { .. } => "unsafe-html",
            Problem::UnknownUnit { .. } => "unknown-unit",
            Problem::UnitCardMissing { .. } => "unit-card-missing",
            Problem::UnitCardInvalid { .. } => "unit-card-invalid",
            Problem::UnitMismatch { .. } => "unit-mismatch",
            Problem::WrongChannel { .. } => "wrong-channel",
            Problem::DuplicateEntry { .. } => "duplicate-entry",
            Problem::QuotaShort { .. } => "quota-short",
            Problem::RosterUnsigned { .. } => "roster-unsigned",
            Problem::LateSubmission { .. } => "late-submission",
            Problem::OutsideOwnFolder { .. } => "outside-own-folder",
            Problem::ShallowClone => "shallow-clone",
            Problem::CampaignInvalid { .. } => "campaign-invalid",
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Problem::RecommendedSection { .. }
            | Problem::UnsafeHtml { .. }
            | Problem::DuplicateEntry { .. }
            | Problem::RosterUnsigned { .. }
            | Problem::ShallowClone
            | Problem::QuotaShort { fatal: false, .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Whether the problem is about a whole file or folder rather than a place in it, so no source
    /// line is shown.
    pub fn whole_file(&self) -> bool {
        matches!(
            self,
            Problem::FileTooLarge { .. }
                | Problem::Unreadable { .. }
                | Problem::UnknownUnit { .. }
                | Problem::UnitCardMissing { .. }
                | Problem::WrongChannel { .. }
                | Problem::QuotaShort { .. }
                | Problem::RosterUnsigned { .. }
                | Problem::OutsideOwnFolder { .. }
                | Problem::ShallowClone
        )
    }

    /// One line saying what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Problem::NotUtf8 => t(zh, "文件不是 UTF-8 编码", "the file is not UTF-8"),
            Problem::InvalidCharacter { codepoint } => {
                if zh {
                    format!("文件含不可见的控制字符 U+{codepoint:04X}")
                } else {
                    format!("the file contains the invisible control character U+{codepoint:04X}")
                }
            }
            Problem::FileTooLarge { size_mb, max_mb } => {
                if zh {
                    format!("申报文件有 {size_mb} MB，超过 {max_mb} MB 的上限")
                } else {
                    format!("the entry file is {size_mb} MB, over the {max_mb} MB limit")
                }
            }
            Problem::Unreadable { reason } => {
                if zh {
                    format!("无法读取文件：{reason}")
                } else {
                    format!("cannot read the file: {reason}")
                }
            }
            Problem::YamlSyntax { detail } => {
                if zh {
                    format!("YAML 语法错误：{detail}")
                } else {
                    format!("invalid YAML: {detail}")
                }
            }
            Problem::FrontMatterMissing { unclosed: false } => t(
                zh,
                "缺少文件头：申报文件须以 `---` 开头的 YAML 块开始",
                "no front matter: an entry must start with a YAML block opened by `---`",
            ),
            Problem::FrontMatterMissing { unclosed: true } => t(
                zh,
                "文件头没有结束：缺少第二个 `---`",
                "the front matter is never closed: the second `---` is missing",
            ),
            Problem::UnknownField { key, .. } => {
                if zh {
                    format!("未知字段 `{key}`")
                } else {
                    format!("unknown field `{key}`")
                }
            }
            Problem::MissingField { key, label } => {
                if zh {
                    format!("缺少必填字段 `{key}`（{label}）")
                } else {
                    format!("the required field `{key}` ({label}) is missing or empty")
                }
            }
            Problem::InvalidType { key, expected } => {
                if zh {
                    format!("字段 `{key}` 应为{}", expected.name(lang))
                } else {
                    format!("`{key}` must be {}", expected.name(lang))
                }
            }
            Problem::InvalidValue { key, value, .. } => {
                if zh {
                    format!("字段 `{key}` 的值 `{value}` 不在允许范围内")
                } else {
                    format!("`{value}` is not an allowed value of `{key}`")
                }
            }
            Problem::InvalidFormat { key, value, format } => {
                if zh {
                    format!(
                        "字段 `{key}` 的值 `{value}` 不是有效的{}",
                        format.name(lang)
                    )
                } else {
                    format!("`{value}` in `{key}` is not a valid {}", format.name(lang))
                }
            }
            Problem::TooLong { key, length, max } => {
                if zh {
                    format!("字段 `{key}` 有 {length} 个字，超过 {max} 字的上限")
                } else {
                    format!("`{key}` is {length} characters long, over the limit of {max}")
                }
            }
            Problem::MissingSection { alternatives } => {
                let name = &alternatives[0];
                if zh {
                    format!("缺少必需的章节“{name}”（二级标题 `## {name}`）")
                } else {
                    format!(
                        "the required section “{name}” (a level-2 heading `## {name}`) is missing"
                    )
                }
            }
            Problem::EmptySection { name } => {
                if zh {
                    format!("章节“{name}”没有内容")
                } else {
                    format!("the section “{name}” has no text")
                }
            }
            Problem::RecommendedSection { name } => {
                if zh {
                    format!("建议写明“{name}”（二级或三级标题）")
                } else {
                    format!(
                        "the recommended section “{name}” (a level-2 or level-3 heading) is missing"
                    )
                }
            }
            Problem::AttachmentMissing { file } => {
                if zh {
                    format!("附件 `{file}` 不存在")
                } else {
                    format!("the attachment `{file}` does not exist")
                }
            }
            Problem::AttachmentType {
                file, image_only, ..
            } => match (zh, image_only) {
                (true, true) => format!("封面 `{file}` 不是图片"),
                (true, false) => format!("附件 `{file}` 的文件类型不允许上传"),
                (false, true) => format!("the cover `{file}` is not an image"),
                (false, false) => {
                    format!("the attachment `{file}` is of a type that is not allowed")
                }
            },
            Problem::AttachmentTooLarge {
                file,
                size_kb,
                max_mb,
            } => {
                let size_mb = *size_kb as f64 / 1024.0;
                if zh {
                    format!("附件 `{file}` 有 {size_mb:.1} MB，超过 {max_mb} MB 的上限")
                } else {
                    format!(
                        "the attachment `{file}` is {size_mb:.1} MB, over the {max_mb} MB limit"
                    )
                }
            }
            Problem::PathEscape { path } => {
                if zh {
                    format!("路径 `{path}` 指向本项目附件文件夹之外")
                } else {
                    format!("the path `{path}` leads outside the entry's attachment folder")
                }
            }
            Problem::UnsafeHtml { what } => {
                if zh {
                    format!("正文中的 HTML {what} 不安全，发布时将被删除")
                } else {
                    format!("the raw HTML {what} is unsafe and will be removed when published")
                }
            }
            Problem::UnknownUnit { folder, .. } => {
                if zh {
                    format!("文件夹 `{folder}` 不是已登记的申报单位")
                } else {
                    format!("the folder `{folder}` is not a registered unit")
                }
            }
            Problem::UnitCardMissing { unit } => {
                if zh {
                    format!("单位 `{unit}` 缺少单位信息卡 unit.yaml")
                } else {
                    format!("the unit `{unit}` has no card (unit.yaml)")
                }
            }
            Problem::UnitCardInvalid { detail } => detail.message(lang),
            Problem::UnitMismatch { value, folder } => {
                if zh {
                    format!("字段 `unit` 写的是 `{value}`，但文件在单位 `{folder}` 的文件夹中")
                } else {
                    format!("`unit` says `{value}` but the file is in the folder of `{folder}`")
                }
            }
            Problem::WrongChannel { unit, parent } => {
                if zh {
                    format!("单位 `{unit}` 应通过上级 `{parent}` 统一申报，不应有自己的文件夹")
                } else {
                    format!(
                        "`{unit}` submits through `{parent}` and must not have a folder of its own"
                    )
                }
            }
            Problem::DuplicateEntry { title, .. } => {
                if zh {
                    format!("项目名称“{title}”与另一项目重复")
                } else {
                    format!("another entry has the same title “{title}”")
                }
            }
            Problem::QuotaShort {
                unit,
                count,
                minimum,
                ..
            } => {
                if zh {
                    format!("单位 `{unit}` 至少应申报 {minimum} 项，目前只有 {count} 项")
                } else {
                    format!("`{unit}` must submit at least {minimum} entries and has {count}")
                }
            }
            Problem::RosterUnsigned { unit } => {
                if zh {
                    format!("单位 `{unit}` 尚未上传签字盖章的《申报汇总表》")
                } else {
                    format!("`{unit}` has not uploaded its signed and stamped roster")
                }
            }
            Problem::LateSubmission {
                arrived, deadline, ..
            } => {
                if zh {
                    format!("项目于 {arrived} 才提交，晚于截止时间 {deadline}")
                } else {
                    format!("the entry arrived at {arrived}, after the deadline {deadline}")
                }
            }
            Problem::OutsideOwnFolder { email, commit, .. } => {
                if zh {
                    format!("提交 {commit} 的作者 {email} 无权修改此文件")
                } else {
                    format!("{email}, the author of {commit}, may not change this file")
                }
            }
            Problem::ShallowClone => t(
                zh,
                "仓库是浅克隆，没有完整历史：无法判断提交时间，本次不检查是否逾期",
                "the repository is a shallow clone without full history: arrival times are unknown, so nothing is judged late",
            ),
            Problem::CampaignInvalid { detail } => detail.message(lang),
        }
    }

    /// A line that helps fix it, where there is one.
    pub fn help(&self, lang: Lang) -> Option<String> {
        let zh = lang == Lang::Zh;
        match self {
            Problem::NotUtf8 => Some(t(
                zh,
                "请在编辑器中将文件另存为 UTF-8 编码",
                "save the file as UTF-8 in your editor",
            )),
            Problem::UnknownField {
                suggestion, valid, ..
            } => Some(match suggestion {
                Some(s) => did_you_mean(zh, s),
                None => one_of(zh, valid),
            }),
            Problem::InvalidValue {
                suggestion,
                allowed,
                ..
            } => Some(match suggestion {
                Some(s) => did_you_mean(zh, s),
                None => one_of(zh, allowed),
            }),
            Problem::InvalidFormat { format, .. } => Some(format.example(lang)),
            Problem::MissingSection { alternatives } if alternatives.len() > 1 => {
                Some(one_of(zh, alternatives))
            }
            Problem::AttachmentType { allowed, .. } => Some(if zh {
                format!("允许的类型：{}", allowed.join("、"))
            } else {
                format!("allowed types: {}", allowed.join(", "))
            }),
            Problem::PathEscape { .. } => Some(t(
                zh,
                "附件须放在与申报文件同名的文件夹内，并以相对路径引用",
                "keep attachments in the folder named after the entry and refer to them by a relative path",
            )),
            Problem::UnknownUnit {
                suggestion: Some(s),
                ..
            } => Some(did_you_mean(zh, s)),
            Problem::UnknownUnit { .. } => Some(t(
                zh,
                "请在 campaign.yaml 的 units 中登记该单位，或改用已登记单位的 id 作文件夹名",
                "register the unit under `units` in campaign.yaml, or name the folder after a registered unit's id",
            )),
            Problem::UnitCardMissing { .. } => Some(t(
                zh,
                "请在单位文件夹中创建 unit.yaml，写明 leader（主要领导）、responsible（专人负责）和 responsible_phone",
                "create unit.yaml in the folder with leader, responsible and responsible_phone",
            )),
            Problem::UnitCardInvalid {
                detail:
                    CardDetail::UnknownKey {
                        suggestion: Some(s),
                        ..
                    },
            } => Some(did_you_mean(zh, s)),
            Problem::WrongChannel { parent, .. } => Some(if zh {
                format!("请将项目移到 `submissions/{parent}/`，并用 implementing_unit 写明实施单位")
            } else {
                format!(
                    "move the entries to `submissions/{parent}/` and name the unit in `implementing_unit`"
                )
            }),
            Problem::DuplicateEntry { first, .. } => Some(if zh {
                format!("同名项目：{first}")
            } else {
                format!("the other entry: {first}")
            }),
            Problem::LateSubmission { commit, .. } => Some(if zh {
                format!("以项目文件首次进入主线的提交 {commit} 为准（合并请求以合并时间为准）")
            } else {
                format!(
                    "arrival is the commit {commit} that first brought the file to the main line (for a pull request, its merge)"
                )
            }),
            Problem::OutsideOwnFolder { own, .. } => Some(if own.is_empty() {
                t(
                    zh,
                    "该邮箱不是任何单位的 maintainers，也不是 organisers；请用本单位登记的邮箱提交",
                    "the email is not among any unit's maintainers nor the organisers; commit with your unit's registered email",
                )
            } else {
                let list = own
                    .iter()
                    .map(|u| format!("{}/", crate::paths::unit_folder(u)))
                    .collect::<Vec<_>>()
                    .join(", ");
                if zh {
                    format!("只能修改本单位的文件夹：{list}")
                } else {
                    format!("only your unit's folders may change: {list}")
                }
            }),
            Problem::ShallowClone => Some(t(
                zh,
                "获取完整历史：git fetch --unshallow（GitHub Actions 的 checkout 设置 fetch-depth: 0）",
                "fetch the full history: git fetch --unshallow (in GitHub Actions, checkout with fetch-depth: 0)",
            )),
            Problem::RosterUnsigned { .. } => Some(t(
                zh,
                "在 unit.yaml 中用 roster_signed 指向签字盖章后的汇总表扫描件或照片",
                "point `roster_signed` in unit.yaml at a scan or photo of the signed roster",
            )),
            Problem::CampaignInvalid {
                detail: CampaignDetail::UnknownUnitType { valid, .. },
            } => Some(one_of(zh, valid)),
            _ => None,
        }
    }
}

impl Expected {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Expected::Text => lang.pick("文本", "text"),
            Expected::Number => lang.pick("数字", "a number"),
            Expected::Integer => lang.pick("整数", "a whole number"),
            Expected::Bool => lang.pick("true 或 false", "true or false"),
            Expected::List => lang.pick("列表", "a list"),
            Expected::Mapping => lang.pick("键值对", "a mapping of keys to values"),
        }
    }
}

impl Format {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Format::Phone => lang.pick("电话号码", "phone number"),
            Format::Date => lang.pick("日期", "date"),
            Format::MonthOrDate => lang.pick("年月或日期", "month or date"),
            Format::Email => lang.pick("电子邮箱", "email address"),
            Format::Url => lang.pick("网址", "URL"),
            Format::Timestamp => lang.pick("时间", "date and time"),
            Format::UnitId => lang.pick("单位 id", "unit id"),
        }
    }

    fn example(self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Format::Phone => t(
                zh,
                "固定电话如 0312-1234567 或 3100137，手机如 13912345678",
                "a landline such as 0312-1234567 or 3100137, or a mobile such as 13912345678",
            ),
            Format::Date => t(
                zh,
                "格式为 YYYY-MM-DD，如 2017-09-12",
                "write YYYY-MM-DD, e.g. 2017-09-12",
            ),
            Format::MonthOrDate => t(
                zh,
                "格式为 YYYY-MM 或 YYYY-MM-DD，如 2017-03",
                "write YYYY-MM or YYYY-MM-DD, e.g. 2017-03",
            ),
            Format::Email => t(zh, "如 name@example.org", "e.g. name@example.org"),
            Format::Url => t(
                zh,
                "以 http:// 或 https:// 开头的完整网址",
                "a full address starting with http:// or https://",
            ),
            Format::Timestamp => t(
                zh,
                "如 2017-12-06T23:59:59+08:00",
                "e.g. 2017-12-06T23:59:59+08:00",
            ),
            Format::UnitId => t(
                zh,
                "只用小写字母、数字和连字符，如 lianchi",
                "lowercase letters, digits and hyphens only, e.g. lianchi",
            ),
        }
    }
}

impl CardDetail {
    fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            CardDetail::Syntax(detail) => {
                if zh {
                    format!("unit.yaml 的 YAML 语法错误：{detail}")
                } else {
                    format!("invalid YAML in unit.yaml: {detail}")
                }
            }
            CardDetail::NotAMapping => t(
                zh,
                "unit.yaml 应为键值对，如 `leader: 张三`",
                "unit.yaml must be a mapping such as `leader: Zhang San`",
            ),
            CardDetail::UnknownKey { key, .. } => {
                if zh {
                    format!("unit.yaml 中的未知字段 `{key}`")
                } else {
                    format!("unknown key `{key}` in unit.yaml")
                }
            }
            CardDetail::Missing { key } => {
                if zh {
                    format!("unit.yaml 缺少必填字段 `{key}`")
                } else {
                    format!("unit.yaml lacks the required key `{key}`")
                }
            }
            CardDetail::NotText { key } => {
                if zh {
                    format!("unit.yaml 中的 `{key}` 应为文本")
                } else {
                    format!("`{key}` in unit.yaml must be text")
                }
            }
            CardDetail::BadPhone { value } => {
                if zh {
                    format!("unit.yaml 中的电话 `{value}` 不是有效的电话号码")
                } else {
                    format!("the phone `{value}` in unit.yaml is not a valid phone number")
                }
            }
            CardDetail::FileMissing { file } => {
                if zh {
                    format!("unit.yaml 引用的文件 `{file}` 不存在")
                } else {
                    format!("the file `{file}` named in unit.yaml does not exist")
                }
            }
        }
    }
}

impl CampaignDetail {
    fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            CampaignDetail::Shape(detail) => {
                if zh {
                    format!("campaign.yaml 结构有误：{detail}")
                } else {
                    format!("campaign.yaml is malformed: {detail}")
                }
            }
            CampaignDetail::UnknownUnitType {
                unit, unit_type, ..
            } => {
                if zh {
                    format!("单位 `{unit}` 的类型 `{unit_type}` 未在 unit_types 中定义")
                } else {
                    format!(
                        "the unit `{unit}` has the type `{unit_type}`, which unit_types does not define"
                    )
                }
            }
            CampaignDetail::UnknownParent { unit, parent } => {
                if zh {
                    format!("单位 `{unit}` 的上级 `{parent}` 不存在")
                } else {
                    format!("the parent `{parent}` of the unit `{unit}` does not exist")
                }
            }
            CampaignDetail::OwnParent { unit } => {
                if zh {
                    format!("单位 `{unit}` 不能以自己或下级为上级")
                } else {
                    format!(
                        "the unit `{unit}` cannot be its own parent, directly or through others"
                    )
                }
            }
            CampaignDetail::Duplicate { what, id } => {
                if zh {
                    format!("{what} 的 id `{id}` 重复")
                } else {
                    format!("the {what} id `{id}` appears twice")
                }
            }
            CampaignDetail::BadUnitId { id } => {
                if zh {
                    format!("单位 id `{id}` 只能使用小写字母、数字和连字符")
                } else {
                    format!("the unit id `{id}` may use only lowercase letters, digits and hyphens")
                }
            }
            CampaignDetail::BadValue {
                key,
                value,
                expected,
            } => {
                if zh {
                    format!("`{key}` 的值 `{value}` 无效，应为 {expected}")
                } else {
                    format!("`{value}` is not a valid `{key}`: expected {expected}")
                }
            }
            CampaignDetail::Empty { key } => {
                if zh {
                    format!("`{key}` 不能为空")
                } else {
                    format!("`{key}` must not be empty")
                }
            }
        }
    }
}

fn t(zh: bool, zh_text: &str, en_text: &str) -> String {
    if zh { zh_text } else { en_text }.to_string()
}

fn did_you_mean(zh: bool, suggestion: &str) -> String {
    if zh {
        format!("是否应为 `{suggestion}`？")
    } else {
        format!("did you mean `{suggestion}`?")
    }
}

fn one_of(zh: bool, values: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut list = values
        .iter()
        .take(SHOWN)
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(if zh { "、" } else { ", " });
    if values.len() > SHOWN {
        list.push_str(if zh { " 等" } else { ", …" });
    }
    if zh {
        format!("可选值：{list}")
    } else {
        format!("expected one of {list}")
    }
}

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
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_ignores_strangers() {
        let keys = ["title", "category", "contact", "phone", "summary"];
        assert_eq!(closest("titel", keys), Some("title".into()));
        assert_eq!(closest("catgory", keys), Some("category".into()));
        assert_eq!(closest("zzz", keys), None);
    }

    #[test]
    fn quota_short_is_an_error_only_when_final() {
        let p = |fatal| Problem::QuotaShort {
            unit: "a".into(),
            count: 0,
            minimum: 1,
            fatal,
        };
        assert_eq!(p(false).severity(), Severity::Warning);
        assert_eq!(p(true).severity(), Severity::Error);
    }
}
