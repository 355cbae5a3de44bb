//! The entry's built-in front-matter fields — keys, the notice's labels, kinds, limits — and the
//! fixed vocabularies they use. The rules, the stub of `new`, the JSON Schema and the site all read
//! this one catalogue.

use crate::lang::Lang;

/// What a built-in field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A category id of the campaign.
    Category,
    Phone,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    MonthOrDate,
    /// The unit's id or name; must agree with the folder.
    Unit,
    /// A list of recognitions (实效性证明).
    Recognition,
    /// One image in the attachment folder.
    Image,
    /// A list of files in the attachment folder.
    Attachments,
    Bool,
}

/// One built-in front-matter field.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    pub key: &'static str,
    /// The notice's term, e.g. 项目名称.
    pub label: &'static str,
    pub label_en: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Default length limit in characters; `fields.<key>.max_length` in campaign.yaml overrides it.
    pub max_length: Option<usize>,
    /// What to write, for the stub `shenbao new` makes and the schema's descriptions.
    pub hint: &'static str,
    pub hint_en: &'static str,
}

impl FieldDef {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.label, self.label_en)
    }

    pub fn hint(&self, lang: Lang) -> &'static str {
        lang.pick(self.hint, self.hint_en)
    }
}

/// The built-in fields, in the order a stub lists them.
pub const BUILT_IN: &[FieldDef] = &[
    FieldDef {
        key: "title",
        label: "项目名称",
        label_en: "project title",
        kind: FieldKind::Text,
        required: true,
        max_length: Some(60),
        hint: "项目名称，必填",
        hint_en: "project title, required",
    },
    FieldDef {
        key: "category",
        label: "申报范围",
        label_en: "category",
        kind: FieldKind::Category,
        required: true,
        max_length: None,
        hint: "申报范围编号，必填",
        hint_en: "category number, required",
    },
    FieldDef {
        key: "contact",
        label: "联系人",
        label_en: "contact person",
        kind: FieldKind::Text,
        required: true,
        max_length: Some(30),
        hint: "联系人姓名，必填",
        hint_en: "contact person's name, required",
    },
    FieldDef {
        key: "phone",
        label: "联系电话",
        label_en: "phone",
        kind: FieldKind::Phone,
        required: true,
        max_length: None,
        hint: "联系电话，必填：固定电话如 0312-1234567，手机如 13912345678",
        hint_en: "contact phone, required: a landline such as 0312-1234567 or a mobile such as 13912345678",
    },
    FieldDef {
        key: "summary",
        label: "项目简介",
        label_en: "summary",
        kind: FieldKind::Text,
        required: true,
        max_length: Some(200),
        hint: "项目简介，必填：一句话介绍项目做了什么、效果如何",
        hint_en: "summary, required: one sentence on what the project did and what came of it",
    },
    FieldDef {
        key: "started",
        label: "实施时间",
        label_en: "started",
        kind: FieldKind::MonthOrDate,
        required: false,
        max_length: None,
        hint: "实施时间，选填：YYYY-MM 或 YYYY-MM-DD",
        hint_en: "when it started, optional: YYYY-MM or YYYY-MM-DD",
    },
    FieldDef {
        key: "implementing_unit",
        label: "实施单位",
        label_en: "implementing unit",
        kind: FieldKind::Text,
        required: false,
        max_length: Some(60),
        hint: "实施单位，选填：代下级单位申报时填写",
        hint_en: "implementing unit, optional: when submitting for a unit under yours",
    },
    FieldDef {
        key: "unit",
        label: "申报单位",
        label_en: "submitting unit",
        kind: FieldKind::Unit,
        required: false,
        max_length: None,
        hint: "申报单位，选填：须与所在文件夹一致",
        hint_en: "submitting unit, optional: must be the unit whose folder holds this file",
    },
    FieldDef {
        key: "recognition",
        label: "实效性证明",
        label_en: "recognition",
        kind: FieldKind::Recognition,
        required: false,
        max_length: None,
        hint: "实效性证明，选填：上级文件、典型发言、现场会、领导批示、媒体报道",
        hint_en: "recognition, optional: documents from above, model speeches, on-site meetings, leaders' instructions, media reports",
    },
    FieldDef {
        key: "cover",
        label: "封面图片",
        label_en: "cover image",
        kind: FieldKind::Image,
        required: false,
        max_length: None,
        hint: "封面图片，选填：附件文件夹中的一张图片",
        hint_en: "cover image, optional: one picture in the attachments folder",
    },
    FieldDef {
        key: "attachments",
        label: "附件",
        label_en: "attachments",
        kind: FieldKind::Attachments,
        required: false,
        max_length: None,
        hint: "附件，选填：照片、视频、数据等，放在与本文件同名的文件夹中",
        hint_en: "attachments, optional: photos, videos, data and so on, in the folder named like this file",
    },
    FieldDef {
        key: "draft",
        label: "草稿",
        label_en: "draft",
        kind: FieldKind::Bool,
        required: false,
        max_length: None,
        hint: "草稿，选填：true 表示暂不发布",
        hint_en: "draft, optional: true keeps it unpublished for now",
    },
];

/// 实效性证明的形式: how a project was recognised.
pub const RECOGNITION_KINDS: &[(&str, &str, &str)] = &[
    ("document", "上级工会发文推介", "endorsed in a document"),
    ("speech", "典型发言", "presented as a model speech"),
    ("site_meeting", "现场会", "shown at an on-site meeting"),
    (
        "instruction",
        "领导肯定性批示",
        "praised in a leader's written instruction",
    ),
    (
        "media",
        "市以上媒体刊发",
        "reported by city-level or higher media",
    ),
];

/// The keys of one recognition item.
pub const RECOGNITION_KEYS: &[&str] = &["kind", "source", "date", "title", "url"];

/// The keys of one attachment item.
pub const ATTACHMENT_KEYS: &[&str] = &["file", "title"];

/// Image extensions, for covers and galleries.
pub const IMAGE_TYPES: &[&str] = &["jpg", "jpeg", "png", "webp", "gif"];

/// Video extensions, which have their own size limit.
pub const VIDEO_TYPES: &[&str] = &["mp4", "webm", "mov", "m4v"];

pub fn built_in(key: &str) -> Option<&'static FieldDef> {
    BUILT_IN.iter().find(|f| f.key == key)
}
