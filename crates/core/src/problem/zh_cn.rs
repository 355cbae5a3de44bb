//! 简体中文: what every problem says in Chinese, and how to fix it.

use super::{
    CampaignDetail, CardDetail, Description, Expected, Format, Kind, LIST_SHOWN, Limit, Misnamed,
    Problem, YamlError, not_an_entry,
};

pub(super) fn message(problem: &Problem) -> String {
    match problem {
        Problem::NotUtf8 => "文件不是 UTF-8 编码".into(),
        Problem::InvalidCharacter {
            codepoint,
            key: None,
        } => format!("文件含不可见的控制字符 U+{codepoint:04X}"),
        Problem::InvalidCharacter {
            codepoint,
            key: Some(key),
        } => format!("`{key}` 的值含不可见的控制字符 U+{codepoint:04X}（以转义写成）"),
        Problem::FileTooLarge { size_mb, max_mb } => {
            format!("申报文件有 {size_mb} MB，超过 {max_mb} MB 的上限")
        }
        Problem::Unreadable { reason } => format!("无法读取文件：{reason}"),
        Problem::YamlSyntax { detail } => format!("YAML {}", yaml(detail)),
        Problem::FrontMatterMissing { unclosed: false } => {
            "缺少文件头：申报文件须以 `---` 开头的 YAML 块开始".into()
        }
        Problem::FrontMatterMissing { unclosed: true } => "文件头没有结束：缺少第二个 `---`".into(),
        Problem::UnknownField { key, .. } => format!("未知字段 `{key}`"),
        Problem::MissingField { key, label, .. } => format!("缺少必填字段 `{key}`（{label}）"),
        // The whole block is not a field by name.
        Problem::InvalidType {
            key, expected: e, ..
        } if key == "front matter" => {
            format!("文件头应为{}，每行一个“字段: 值”", spaced(expected(*e)))
        }
        Problem::InvalidType {
            key,
            expected: e,
            label,
        } => about(key, label, &format!("应为{}", spaced(expected(*e)))),
        Problem::InvalidValue {
            key, value, label, ..
        } => about(key, label, &format!("的值 `{value}` 不在允许范围内")),
        Problem::InvalidFormat {
            key,
            value,
            format: f,
            label,
        } => about(
            key,
            label,
            &format!("的值 `{value}` 不是有效的{}", format(*f)),
        ),
        Problem::TooLong {
            key,
            length,
            max,
            label,
        } => about(
            key,
            label,
            &format!("有 {length} 个字，超过 {max} 字的上限"),
        ),
        Problem::MissingSection {
            written: Some(line),
            level: Some(level),
            ..
        } => format!(
            "`{line}` 是{}级标题，必需的章节须用二级标题",
            ["一", "二", "三", "四", "五", "六"]
                .get(usize::from(*level).saturating_sub(1))
                .unwrap_or(&"")
        ),
        Problem::MissingSection {
            written: Some(line),
            ..
        } => format!("`{line}` 不是标题，所以缺少这一章节"),
        Problem::MissingSection { alternatives, .. } => {
            let name = &alternatives[0];
            format!("缺少必需的章节“{name}”（二级标题 `## {name}`）")
        }
        Problem::EmptySection { name } => format!("章节“{name}”没有内容"),
        Problem::RecommendedSection { names } => {
            let names: String = names.iter().map(|n| format!("“{n}”")).collect();
            format!("建议写明{names}（二级或三级标题）")
        }
        Problem::AttachmentMissing { file, .. } => format!("附件 `{file}` 不存在"),
        Problem::AttachmentType {
            file,
            image_only: true,
            ..
        } => format!("封面 `{file}` 不是图片"),
        Problem::AttachmentType {
            file,
            image_only: false,
            ..
        } => format!("附件 `{file}` 的文件类型不允许上传"),
        Problem::AttachmentTooLarge {
            file,
            size_kb,
            max_mb,
        } => {
            let size_mb = *size_kb as f64 / 1024.0;
            format!("附件 `{file}` 有 {size_mb:.1} MB，超过 {max_mb} MB 的上限")
        }
        Problem::PathEscape { path } => format!("路径 `{path}` 指向本项目附件文件夹之外"),
        Problem::UnsafeHtml { what } => format!("正文中的 HTML {what} 不安全，发布时将被删除"),
        Problem::CommentInValue {
            key,
            dropped,
            label,
            ..
        } => about(
            key,
            label,
            &format!("在 ` #` 处被截断：`{dropped}` 被当作注释，没有读入"),
        ),
        Problem::ExternalRequest { url } => {
            format!("正文从其他网站加载 `{url}`，读者打开页面时会向该网站发出请求；网站上不显示")
        }
        Problem::NestedTooDeep { max } => {
            format!("正文的引用、列表或 HTML 元素嵌套超过 {max} 层，无法发布")
        }
        Problem::UnknownUnit { folder, .. } => format!("文件夹 `{folder}` 不是已登记的申报单位"),
        Problem::UnitCardMissing { unit } => format!("单位 `{unit}` 缺少单位信息卡 unit.yaml"),
        Problem::UnitCardInvalid { detail } => card(detail),
        Problem::UnitMismatch { value, folder } => {
            format!("字段 `unit` 写的是 `{value}`，但文件在单位 `{folder}` 的文件夹中")
        }
        Problem::WrongChannel { unit, parent } => {
            format!("单位 `{unit}` 应通过上级 `{parent}` 统一申报，不应有自己的文件夹")
        }
        Problem::DuplicateEntry { title, .. } => format!("项目名称“{title}”与另一项目重复"),
        Problem::QuotaShort {
            unit,
            name,
            count,
            minimum,
            ..
        } => format!("{name}（`{unit}`）至少应申报 {minimum} 项，目前只有 {count} 项"),
        Problem::RosterUnsigned { unit } => {
            format!("单位 `{unit}` 尚未上传签字盖章的《申报汇总表》")
        }
        Problem::RosterOutdated { file, later, .. } => format!(
            "签字盖章的汇总表 `{file}` 上传之后，又提交或修改了 {} 个项目（{}），签过的汇总表与现在的不符",
            later.len(),
            later
                .iter()
                .map(|t| format!("《{t}》"))
                .collect::<Vec<_>>()
                .join("、")
        ),
        Problem::NotAnEntry { name, .. } if name.contains('/') => {
            format!("{name} 在子文件夹中，不会被当作申报项目检查或发布")
        }
        Problem::NotAnEntry { name, .. } => {
            format!("{name} 不是申报文件：项目须写成以 .md 结尾的文件，此文件不会被检查或发布")
        }
        Problem::NotInUnitFolder { name } => {
            format!("{name} 不在任何单位的文件夹中，不会被当作申报项目检查或发布")
        }
        Problem::LateSubmission {
            arrived, deadline, ..
        } => format!(
            "项目于 {} 才提交，晚于截止时间 {}",
            deadline.local(*arrived, crate::lang::Lang::Zh),
            deadline.written(crate::lang::Lang::Zh)
        ),
        Problem::OutsideOwnFolder { email, commit, .. } => {
            format!("提交 {commit} 的作者 {email} 无权修改此文件")
        }
        Problem::ShallowClone => {
            "仓库是浅克隆，没有完整历史：无法判断提交时间，本次不检查是否逾期".into()
        }
        Problem::CampaignInvalid { detail } => campaign(detail),
    }
}

pub(super) fn help(problem: &Problem) -> Option<String> {
    Some(match problem {
        Problem::NotUtf8 => "请在编辑器中将文件另存为 UTF-8 编码".into(),
        Problem::InvalidCharacter {
            codepoint,
            key: Some(_),
        } => format!(
            "删去引号中的 `\\u{codepoint:04X}` 等转义：网页、订阅源和汇总表都不能含这样的字符"
        ),
        Problem::UnknownField {
            suggestion, valid, ..
        } => match suggestion {
            Some(s) => did_you_mean(s),
            None => one_of(valid),
        },
        Problem::InvalidValue {
            key,
            suggestion,
            allowed,
            ..
        } => match suggestion {
            Some(s) => format!("{}{}", did_you_mean(s), one_of(&super::allowed_named(key, allowed, crate::lang::Lang::Zh))),
            None => one_of(&super::allowed_named(key, allowed, crate::lang::Lang::Zh)),
        },
        Problem::MissingField {
            key,
            misspelt: Some(written),
            allowed,
            ..
        } => {
            let mut help = format!("`{written}` 是否拼错了？应为 `{key}`");
            if !allowed.is_empty() {
                help = format!("{help}；{}", one_of(allowed));
            }
            help
        }
        Problem::MissingField { allowed, .. } if !allowed.is_empty() => one_of(allowed),
        Problem::RecommendedSection { names } => format!(
            "用二级或三级标题写明，如 `### {}`；这是建议，不影响申报",
            names[0]
        ),
        Problem::InvalidFormat { format, .. } => example(*format).into(),
        Problem::CommentInValue {
            key, kept, dropped, ..
        } => {
            format!("要保留它，给整个值加引号：{key}: \"{kept} {dropped}\"")
        }
        Problem::MissingSection {
            alternatives,
            written: Some(line),
            level: Some(_),
        } => format!(
            "改成二级标题 `## {}`：行首两个井号，后面一个空格",
            super::meant(alternatives, line)
        ),
        Problem::MissingSection {
            alternatives,
            written: Some(line),
            level: None,
        } => format!(
            "二级标题写成 `## {}`：行首两个半角井号 `##`，后面一个半角空格；加粗的文字不是标题",
            super::meant(alternatives, line)
        ),
        Problem::MissingSection { alternatives, .. } if alternatives.len() > 1 => one_of(alternatives),
        Problem::AttachmentType { allowed, .. } => format!("允许的类型：{}", allowed.join("、")),
        Problem::PathEscape { .. } => {
            "附件须放在与申报文件同名的文件夹内，并以相对路径引用".into()
        }
        Problem::UnknownUnit {
            suggestion: Some(s),
            ..
        } => did_you_mean(s),
        Problem::UnknownUnit {
            suggestion: None, ..
        } => "请在 campaign.yaml 的 units 中登记该单位，或改用已登记单位的 id 作文件夹名".into(),
        Problem::UnitCardMissing { .. } => {
            "请在单位文件夹中创建 unit.yaml，写明 leader（主要领导）、responsible（专人负责）和 responsible_phone".into()
        }
        Problem::UnitCardInvalid {
            detail:
                CardDetail::UnknownKey {
                    suggestion: Some(s),
                    ..
                },
        } => did_you_mean(s),
        Problem::UnitCardInvalid {
            detail: CardDetail::UnknownKey {
                suggestion: None, ..
            },
        } => card_keys(),
        Problem::UnitCardInvalid {
            detail: CardDetail::BadPhone { .. },
        } => example(Format::Phone).into(),
        Problem::WrongChannel { parent, .. } => {
            format!("请将项目移到 `submissions/{parent}/`，并用 implementing_unit 写明实施单位")
        }
        Problem::DuplicateEntry { first, .. } => format!("同名项目：{first}"),
        Problem::LateSubmission { commit, .. } => {
            format!("以项目文件首次进入主线的提交 {commit} 为准（合并请求以合并时间为准）")
        }
        Problem::OutsideOwnFolder { own, .. } if own.is_empty() => {
            "该邮箱不是任何单位的 maintainers，也不是 organisers；请用本单位登记的邮箱提交".into()
        }
        Problem::OutsideOwnFolder { own, .. } => {
            format!("只能修改本单位的文件夹：{}", folders(own))
        }
        Problem::ShallowClone => {
            "获取完整历史：git fetch --unshallow（GitHub Actions 的 checkout 设置 fetch-depth: 0）".into()
        }
        Problem::RosterUnsigned { .. } => {
            "在 unit.yaml 中用 roster_signed 指向签字盖章后的汇总表扫描件或照片".into()
        }
        Problem::RosterOutdated { unit, .. } => format!(
            "重新打印本单位的汇总表（申报平台的“单位信息与签章”页，或 `shenbao roster --unit {unit} --format html`），签字盖章后替换原扫描件"
        ),
        Problem::NotAnEntry { unit, name } => match not_an_entry(name) {
            Misnamed::Case(stem) => format!("把扩展名改成小写：{stem}.md"),
            Misnamed::Suffix(stem) => {
                format!("改名为 {stem}.md（Windows 可能隐藏了文件的扩展名）")
            }
            Misnamed::Document => format!(
                "项目须按模板写成 .md 文件（`shenbao new {unit}` 可生成模板）；Word、PDF 等文件可作为附件放进项目自己的文件夹"
            ),
            Misnamed::Other => format!(
                "照片和附件放进项目自己的文件夹（submissions/{unit}/<项目文件名>/），并在项目的 attachments 中列出"
            ),
            Misnamed::Nested(file) => format!(
                "项目文件直接放在单位文件夹中：submissions/{unit}/{}；子文件夹只放项目自己的附件，与项目文件同名",
                super::entry_name(file)
            ),
        },
        Problem::NotInUnitFolder { name } => {
            format!(
                "放进本单位的文件夹：submissions/<单位>/{}（`shenbao new <单位>` 会在那里生成模板）",
                super::entry_name(name)
            )
        }
        Problem::CampaignInvalid {
            detail: CampaignDetail::UnknownUnitType { valid, .. },
        } => one_of(valid),
        Problem::NestedTooDeep { .. } => "去掉多余的 `>` 或缩进，正文只需几层引用或列表".into(),
        Problem::AttachmentMissing {
            similar: Some(like),
            ..
        } => format!(
            "是否指 `{like}`？文件名区分大小写：Windows 上能打开，发布的网站上却找不到；请把两处写成一样"
        ),
        Problem::AttachmentMissing { file, .. } => format!(
            "附件放在与项目文件同名的文件夹里：项目文件 xxx.md 的附件是 xxx/{file}；文件名区分大小写"
        ),
        Problem::AttachmentTooLarge { max_mb, .. } => format!(
            "每个附件不超过 {max_mb} MB（campaign.yaml 的 attachments）：请压缩图片或视频，或拆成几个文件"
        ),
        Problem::ExternalRequest { .. } => {
            "把图片下载后放进本项目的附件文件夹，再用相对路径引用，如 `![说明](photo.jpg)`".into()
        }
        // Listed rather than left to a wildcard, so a new problem makes each language decide.
        Problem::InvalidCharacter { .. }
        | Problem::FileTooLarge { .. }
        | Problem::Unreadable { .. }
        | Problem::YamlSyntax { .. }
        | Problem::FrontMatterMissing { .. }
        | Problem::MissingField { .. }
        | Problem::InvalidType { .. }
        | Problem::TooLong { .. }
        | Problem::MissingSection { .. }
        | Problem::EmptySection { .. }
        | Problem::UnsafeHtml { .. }
        | Problem::UnitCardInvalid { .. }
        | Problem::UnitMismatch { .. }
        | Problem::QuotaShort { .. }
        | Problem::CampaignInvalid { .. } => return None,
    })
}

/// A word set after Chinese text: Latin words stand apart from Chinese characters by a space
/// (应为 true 或 false), Chinese words do not (应为文本).
fn spaced(word: &str) -> String {
    match word.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => format!(" {word}"),
        _ => word.to_string(),
    }
}

pub(super) fn expected(expected: Expected) -> &'static str {
    match expected {
        Expected::Text => "文本",
        Expected::Number => "数字",
        Expected::Integer => "整数",
        Expected::Bool => "true 或 false",
        Expected::List => "列表",
        Expected::Mapping => "键值对",
    }
}

pub(super) fn format(format: Format) -> &'static str {
    match format {
        Format::Phone => "电话号码",
        Format::Date => "日期",
        Format::MonthOrDate => "年月或日期",
        Format::Email => "电子邮箱",
        Format::Url => "网址",
        Format::Timestamp => "时间",
        Format::UnitId => "单位 id",
    }
}

/// What a value in `format` looks like.
fn example(format: Format) -> &'static str {
    match format {
        Format::Phone => {
            "固定电话如 0312-1234567、(0312)1234567 或 3100137（分机写在“转”后），手机如 13912345678 或 139 1234 5678"
        }
        Format::Date => "格式为 YYYY-MM-DD，如 2017-09-12",
        Format::MonthOrDate => "格式为 YYYY-MM 或 YYYY-MM-DD，如 2017-03",
        Format::Email => "如 name@example.org",
        Format::Url => "以 http:// 或 https:// 开头的完整网址",
        Format::Timestamp => "如 2017-12-06T23:59:59+08:00",
        Format::UnitId => "只用小写字母、数字和连字符，如 lianchi",
    }
}

/// What is said of a field, the field named as a clerk knows it, its key beside:
/// "联系电话（`phone`）的值 …". A campaign's own fields (their labels are in campaign.yaml) by
/// key: "字段 `investment` 应为数字".
/// A field named by its label — the catalogue's, or a campaign's own field's — with its key.
fn about(key: &str, label: &Option<String>, rest: &str) -> String {
    match (crate::fields::built_in(key), label) {
        (Some(field), _) => format!("{}（`{key}`）{rest}", field.label(crate::lang::Lang::Zh)),
        (None, Some(label)) if label != key => format!("{label}（`{key}`）{rest}"),
        (None, _) => format!("字段 `{key}` {rest}"),
    }
}

/// A key of the unit card as the card's form names it: 主要领导（`leader`）.
fn card_named(key: &str) -> String {
    let label = match key {
        "leader" => "主要领导",
        "responsible" => "专人负责",
        "responsible_phone" => "专人负责的联系电话",
        "email" => "电子邮箱",
        "roster_signed" => "签章汇总表",
        _ => return format!("`{key}`"),
    };
    format!("{label}（`{key}`）")
}

fn card(detail: &CardDetail) -> String {
    match detail {
        CardDetail::Syntax(detail) => format!("unit.yaml 的 YAML {}", yaml(detail)),
        CardDetail::NotAMapping => "unit.yaml 应为键值对，如 `leader: 张三`".into(),
        CardDetail::UnknownKey { key, .. } => format!("unit.yaml 中的未知字段 `{key}`"),
        CardDetail::Missing { key } => format!("unit.yaml 缺少必填字段 {}", card_named(key)),
        CardDetail::NotText { key } => format!("unit.yaml 中的 `{key}` 应为文本"),
        CardDetail::BadPhone { value } => {
            format!("unit.yaml 中的电话 `{value}` 不是有效的电话号码")
        }
        CardDetail::FileMissing { file } => format!("unit.yaml 引用的文件 `{file}` 不存在"),
        CardDetail::NotAScan { file } => {
            format!("签字盖章的汇总表 `{file}` 不是照片（JPG、PNG、WebP）或 PDF 文件")
        }
    }
}

fn campaign(detail: &CampaignDetail) -> String {
    match detail {
        CampaignDetail::Shape(detail) => format!("campaign.yaml 结构有误：{}", shape(detail)),
        CampaignDetail::UnknownUnitType {
            unit, unit_type, ..
        } => format!("单位 `{unit}` 的类型 `{unit_type}` 未在 unit_types 中定义"),
        CampaignDetail::UnknownParent { unit, parent } => {
            format!("单位 `{unit}` 的上级 `{parent}` 不存在")
        }
        CampaignDetail::OwnParent { unit } => format!("单位 `{unit}` 不能以自己或下级为上级"),
        CampaignDetail::Duplicate { what, id } => {
            let what = match *what {
                "category" => "申报范围",
                "criterion" => "申报标准",
                "unit type" => "单位类型",
                "unit" => "单位",
                "field" => "字段",
                other => other,
            };
            format!("{what}的 id `{id}` 重复")
        }
        CampaignDetail::BadUnitId { id } => {
            format!("单位 id `{id}` 只能使用小写字母、数字和连字符")
        }
        CampaignDetail::BadValue {
            key,
            value,
            expected,
        } => {
            let expected = match *expected {
                "wrapper | starttls (none only for localhost)" => {
                    "wrapper 或 starttls（none 只用于本机）"
                }
                "a built-in field (title, summary, contact, …) or `extra`" => {
                    "内置字段（title、summary、contact……）或 `extra`"
                }
                "units[].id" => "units 中某个单位的 id",
                other => other,
            };
            format!("`{key}` 的值 `{value}` 无效，应为 {expected}")
        }
        CampaignDetail::Empty { key } => format!("`{key}` 不能为空"),
    }
}

/// The keys a unit card may have.
fn card_keys() -> String {
    let keys: Vec<String> = crate::rules::card::CARD_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    one_of(&keys)
}

fn did_you_mean(suggestion: &str) -> String {
    format!("是否应为 `{suggestion}`？")
}

fn one_of(values: &[String]) -> String {
    let mut list = values
        .iter()
        .take(LIST_SHOWN)
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join("、");
    if values.len() > LIST_SHOWN {
        list.push_str(" 等");
    }
    format!("可选值：{list}")
}

/// The folders of `units`, as `submissions/<unit>/`.
fn folders(units: &[String]) -> String {
    units
        .iter()
        .map(|u| format!("{}/", crate::paths::unit_folder(u)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is wrong with YAML, after the word YAML.
fn yaml(error: &YamlError) -> String {
    match error {
        YamlError::Parser(detail) => format!("语法错误：{}", parser(detail)),
        YamlError::TooLarge { limit, max } => {
            let what = match limit {
                Limit::Nodes => "个值（别名展开后）",
                Limit::Aliases => "个别名",
                Limit::Anchors => "个锚点",
                Limit::Depth => "层嵌套",
                Limit::Bytes => "字节的文字",
            };
            format!("内容超出上限：最多 {max} {what}，请删去重复引用或多余内容")
        }
        YamlError::FullWidthColon { key } => format!(
            "语法错误：字段 `{key}` 后面是全角冒号“：”，请改成半角冒号 `:`，冒号后加一个空格"
        ),
        YamlError::ItemsAfterEmptyList { key } => format!(
            "语法错误：字段 `{key}` 写成了空列表 `[]`，下面又写了列表项：删去 `[]`，只留 `{key}:`"
        ),
        YamlError::Unusable { codepoint } => format!(
            "语法错误：含不可见的字符 U+{codepoint:04X}（多由复制粘贴带入），加引号也不能用：请删去它"
        ),
    }
}

/// What serde said about the shape of `campaign.yaml`, in Chinese where it is one of its common
/// sentences; else as it said it.
fn shape(detail: &str) -> String {
    let list = |rest: &str| rest.replace("`, `", "`、`").replace(" or `", "、`");
    if let Some(rest) = detail.strip_prefix("unknown field ") {
        return match rest.split_once(", expected one of ") {
            Some((key, valid)) => format!("未知字段 {key}，可选：{}", list(valid)),
            None => match rest.split_once(", expected ") {
                Some((key, valid)) => format!("未知字段 {key}，应为 {valid}"),
                None => match rest.split_once(", there are no fields") {
                    Some((key, _)) => format!("未知字段 {key}：此处不能有字段"),
                    None => format!("未知字段 {rest}"),
                },
            },
        };
    }
    if let Some(key) = detail.strip_prefix("missing field ") {
        return format!("缺少字段 {key}");
    }
    if let Some(key) = detail.strip_prefix("duplicate field ") {
        return format!("字段 {key} 写了两次");
    }
    if let Some(rest) = detail.strip_prefix("unknown variant ") {
        return match rest.split_once(", expected one of ") {
            Some((value, valid)) => format!("未知的取值 {value}，可选：{}", list(valid)),
            None => format!("未知的取值 {rest}"),
        };
    }
    if let Some((found, expected)) = detail
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!(
            "值的类型不对：应为{}，写的是 {}",
            kind_of(expected),
            written(found)
        );
    }
    // `minimum: -1`: "invalid value: integer `-1`, expected u32".
    if let Some((found, expected)) = detail
        .strip_prefix("invalid value: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!(
            "值不对：应为{}，写的是 {}",
            kind_of(expected),
            written(found)
        );
    }
    detail.to_string()
}

/// What serde expected, in Chinese where it is a type of its own words (`u32`, `a string`).
fn kind_of(expected: &str) -> String {
    match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "不小于 0 的整数".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "整数".into(),
        "f32" | "f64" => "数字".into(),
        "a string" => "文字".into(),
        "a sequence" => "列表".into(),
        "a map" => "键值对（字段: 值）".into(),
        "a boolean" => " true 或 false".into(),
        other => format!(" {other}"),
    }
}

/// What serde found, without its type's English name: "integer `-1`" is `-1`.
fn written(found: &str) -> String {
    for prefix in [
        "integer ",
        "floating point ",
        "string ",
        "boolean ",
        "unsigned integer ",
    ] {
        if let Some(value) = found.strip_prefix(prefix) {
            return value.to_string();
        }
    }
    found.to_string()
}

/// What the YAML parser said (in English, its only language), in Chinese: its common messages
/// word for word, the rest quoted after a general sentence. The place is the diagnostic's.
fn parser(detail: &str) -> String {
    let exact = match detail {
        "unclosed quote" => Some("引号没有闭合：值以引号开头，却缺少结尾的同一种引号"),
        "mapping values are not allowed in this context" => {
            Some("此处不能再有“字段: 值”：值中含冒号 `:` 时请给整个值加引号，否则检查缩进")
        }
        "mapping keys are not allowed in this context" => {
            Some("此处不能写字段名：检查缩进，或给含 `?` 的值加引号")
        }
        "block sequence entries are not allowed in this context" => {
            Some("此处不能写列表项 `- `：列表须另起一行，缩进写在字段下面")
        }
        "while parsing a block mapping, did not find expected key" => {
            Some("此处应为“字段: 值”，却没有字段名：检查这一行的缩进是否与上面的字段对齐")
        }
        "while parsing a block collection, did not find expected '-' indicator" => {
            Some("列表中此处应为以 `- ` 开头的一项：检查缩进")
        }
        "while parsing a node, did not find expected node content" => {
            Some("此处缺少值：冒号或 `- ` 之后应有内容")
        }
        "simple key expected ':'" | "illegal placement of ':' indicator" => {
            Some("字段名后缺少冒号 `:`，或冒号的位置不对（冒号后要有一个空格）")
        }
        "simple key is no longer valid" => {
            Some("字段名太长或跨行，缺少冒号 `:`：一个字段名写在一行内，后跟 `: `")
        }
        "while scanning a plain scalar, found a tab"
        | "tab cannot be used as indentation"
        | "tabs disallowed in this context"
        | "tabs disallowed within this context (block indentation)"
        | "a block scalar content cannot start with a tab" => {
            Some("用了制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格")
        }
        "invalid indentation"
        | "invalid indentation in flow construct"
        | "invalid indentation in multiline quoted scalar"
        | "wrongly indented line in block scalar" => {
            Some("缩进不对：同一层的字段要对齐，下一层多缩进两个空格")
        }
        "comment intercepting the multiline text" => {
            Some("多行文字中间出现了注释 `#`：把注释移走，或给整个值加引号")
        }
        "comments must be separated from other tokens by whitespace" => {
            Some("注释符号 `#` 前要有空格；值中含 `#` 时请加引号")
        }
        "while parsing a quoted scalar, found unknown escape character" => Some(
            "双引号中的反斜杠 `\\` 后跟了无效的字符：要写反斜杠本身，请写成 `\\\\`，或改用单引号",
        ),
        "invalid trailing content after double-quoted scalar"
        | "invalid trailing content after single-quoted scalar" => {
            Some("引号结束后还有文字：把引号放在整个值的两端")
        }
        "alias references unknown anchor" | "while parsing node, found unknown anchor" => {
            Some("`*` 开头的别名引用了不存在的锚点：值以 `*` 开头时请加引号")
        }
        "unexpected end of input" => Some("内容是空的，或在此处意外结束：应有“字段: 值”的设置"),
        "unexpected end of plain scalar" | "unexpected eof" => {
            Some("文件头意外结束：检查引号和括号是否都已闭合")
        }
        "misplaced bracket" => Some("括号的位置不对：值中含 `[`、`]`、`{`、`}` 时请加引号"),
        "multiple documents not supported here" => {
            Some("文件头中只能有一个 YAML 文档：删去多余的 `---`")
        }
        _ => None,
    };
    if let Some(text) = exact {
        return text.into();
    }
    let quoted = |rest: &str| rest.trim_matches(['`', '\'', '"']).to_string();
    if let Some(rest) = detail.strip_prefix("unexpected character: ") {
        return format!("值不能以 `{}` 开头：请给整个值加引号", quoted(rest));
    }
    if let Some(rest) = detail.strip_prefix("unclosed bracket ") {
        return format!("括号 `{}` 没有闭合", quoted(rest));
    }
    if let Some((open, close)) = detail
        .strip_prefix("mismatched bracket ")
        .and_then(|rest| rest.split_once(" closed by "))
    {
        return format!("括号不配对：`{}` 被 `{}` 关闭", quoted(open), quoted(close));
    }
    if let Some(key) = detail.strip_prefix("duplicate mapping key: ") {
        return format!("字段 `{key}` 写了两次：请删去一个");
    }
    // `minimum: -1`, `minimum: 二`: the parser names the number type it wanted.
    if let Some(ty) = detail.strip_prefix("invalid ")
        && [
            "u8", "u16", "u32", "u64", "usize", "i32", "i64", "f32", "f64",
        ]
        .contains(&ty)
    {
        return format!("此处应为{}", kind_of(ty));
    }
    format!("此处无法解析（解析器的说明：{detail}）")
}

/// 每类问题是什么：供代码扫描工具列出规则。
pub(super) fn description(kind: Kind) -> Description {
    let (short, full, help) = match kind {
        Kind::NotUtf8 => (
            "文件不是 UTF-8 编码",
            "申报文件或单位信息卡不是以 UTF-8 编码保存的（例如 GBK），无法读取其中的文字。",
            "请在编辑器中将文件另存为 UTF-8 编码后重新提交。",
        ),
        Kind::InvalidCharacter => (
            "不可见的控制字符",
            "文件含 NUL 等编辑器不显示的控制字符，不再继续读取；值中也不能用双引号里的转义写这样的字符（`\"\\a\"`、`\"\\u0007\"`）：网页、订阅源和汇总表都不能含它。",
            "删除所示位置的字符（重新输入该行即可），或删去值中的转义。",
        ),
        Kind::FileTooLarge => (
            "文件过大",
            "申报文件或单位信息卡远大于任何申报材料所需，不予读取。",
            "申报文件只写文字；照片、视频、数据放在附件文件夹中，按文件名引用。",
        ),
        Kind::Unreadable => (
            "无法读取文件",
            "文件存在但无法读取：权限不足、链接失效或读写出错。",
            "确保它是运行 shenbao 的账户可以读取的普通文件。",
        ),
        Kind::YamlSyntax => (
            "文件头不是有效的 YAML",
            "两行 `---` 之间的 YAML 块无法解析；所示位置是解析停止之处。",
            "检查所示行及其上一行：冒号后是否缺空格、引号是否未闭合、缩进是否有误。含 `:` 或 `#` 的值请加引号。",
        ),
        Kind::FrontMatterMissing => (
            "缺少文件头",
            "申报文件没有以两行 `---` 之间的 YAML 块开头，或缺少第二个 `---`。",
            "文件以 `---` 开头，每行一个字段，正文前再写一行 `---`；`shenbao new` 会生成正确的模板。",
        ),
        Kind::UnknownField => (
            "未知字段",
            "文件头中有内置字段和本次申报自定义字段都没有定义的键，通常是拼写错误。",
            "按提示改正字段名，或删除该字段。",
        ),
        Kind::MissingField => (
            "缺少必填字段",
            "必填字段缺失或为空。",
            "补上该字段并填写内容；`shenbao new` 生成的模板列出了所有字段。",
        ),
        Kind::InvalidType => (
            "值的类型不对",
            "字段的值类型不对：应为文本却写成了列表，应为 true 或 false 却写成了文本，等等。",
            "按提示的类型填写；含 `[`、`{` 或 `:` 的文本请加引号。",
        ),
        Kind::InvalidValue => (
            "值不在允许范围内",
            "字段的值不是允许的取值之一：申报范围、实效性证明的形式、本次申报规定的选项。",
            "使用提示中列出的值；申报范围写编号。",
        ),
        Kind::InvalidFormat => (
            "格式不正确",
            "电话、日期、电子邮箱或网址的格式不正确。",
            "按提示的格式填写，如 0312-1234567、13912345678、2017-09-12、https://example.org/。",
        ),
        Kind::TooLong => (
            "内容超过字数上限",
            "字段超过字数上限，按字计算（一个汉字算一个字）。",
            "删减到提示中的字数以内。",
        ),
        Kind::MissingSection => (
            "缺少必需的章节",
            "正文缺少申报通知要求的章节，章节用二级标题书写，如 `## 背景`。",
            "按提示的标题补上该章节。",
        ),
        Kind::EmptySection => (
            "必需的章节没有内容",
            "必需章节有标题，但标题下没有文字。",
            "在标题下写明该章节的内容。",
        ),
        Kind::RecommendedSection => (
            "缺少建议的章节",
            "正文没有用二级或三级标题写明某些建议的要点；每个项目一条警告，列出所缺的全部。这是警告，不影响申报。",
            "为每个要点加上同名的标题（如放在“主要内容”下），并在其下写几句。",
        ),
        Kind::AttachmentMissing => (
            "附件不存在",
            "文件头中列出或正文中引用的文件不在本项目的附件文件夹中。",
            "把文件放进与申报文件同名、位于其旁边的文件夹，或改正文件名。",
        ),
        Kind::AttachmentType => (
            "文件类型不允许",
            "附件的文件类型不在本次申报允许的范围内，或封面不是图片。",
            "转换为提示中列出的允许类型，或删除该文件。",
        ),
        Kind::AttachmentTooLarge => (
            "附件过大",
            "附件超过本次申报规定的大小上限（视频另有上限）。",
            "压缩文件，使其小于提示中的上限。",
        ),
        Kind::PathEscape => (
            "路径超出本项目文件夹",
            "路径含 `..`、是绝对路径，或是指向文件夹之外的链接；这样的文件不会被读取或发布。",
            "把文件复制到本项目的附件文件夹中，按文件名引用。",
        ),
        Kind::CommentInValue => (
            "值被注释截断",
            "未加引号的值中有 ` #`，YAML 把 `#` 之后的文字当作注释，没有读入。这是警告。",
            "给整个值加上引号，例如 summary: \"本项目 #1 试点\"。",
        ),
        Kind::UnsafeHtml => (
            "不安全的 HTML 将被删除",
            "正文含网站发布时会删除的 HTML（脚本、事件属性、内嵌框架等）。这是警告。",
            "改用 Markdown 书写，不要使用 HTML。",
        ),
        Kind::NestedTooDeep => (
            "嵌套层数过多",
            "正文的引用、列表或 HTML 元素嵌套层数远超申报材料所需，这样的正文无法发布。",
            "删去多余的 `>` 或缩进：正文只需几层。",
        ),
        Kind::ExternalRequest => (
            "从其他网站加载内容",
            "正文从其他网站加载图片等内容，读者的浏览器会因此访问该网站；网站上不显示。这是警告。",
            "把图片放进本项目的文件夹，按文件名引用。",
        ),
        Kind::UnknownUnit => (
            "未登记的单位文件夹",
            "`submissions/` 下的文件夹名不是 campaign.yaml 中已登记单位的编号。",
            "把文件夹改名为单位的登记编号，或请组织方登记该单位。",
        ),
        Kind::UnitCardMissing => (
            "缺少单位信息卡",
            "单位文件夹中没有写明负责人、联系人和电话的 `unit.yaml`。",
            "在文件夹中新建 `unit.yaml`，写明 leader、responsible 和 responsible_phone。",
        ),
        Kind::UnitCardInvalid => (
            "单位信息卡有误",
            "`unit.yaml` 不是有效的 YAML、缺少必填项、有未知的键或电话格式不正确，或引用的文件不存在。",
            "按提示改正 `unit.yaml`。",
        ),
        Kind::UnitMismatch => (
            "申报单位与文件夹不符",
            "申报文件的 `unit` 字段写的单位与文件所在的文件夹不一致。",
            "删去 `unit` 字段（文件夹已表明单位），或把文件移到所属单位的文件夹。",
        ),
        Kind::WrongChannel => (
            "应通过上级统一申报",
            "应通过上级单位统一申报的单位有了自己的文件夹。",
            "把其项目移到上级单位的文件夹，并在 `implementing_unit` 中写明该单位。",
        ),
        Kind::DuplicateEntry => (
            "项目名称重复",
            "两个项目的名称相同（不计空格）。这是警告。",
            "修改名称以示区别，或删除重复的项目。",
        ),
        Kind::QuotaShort => (
            "单位申报数量不足",
            "已登记单位的项目数少于其最低申报数量。截止前是警告，使用 `--final` 时是错误。",
            "在单位文件夹中补充项目直到达到最低数量，或向组织方询问名额。",
        ),
        Kind::NotAnEntry => (
            "不是申报文件",
            "单位文件夹中有既不是项目（.md 文件）、也不是 unit.yaml 或签章汇总表的文件；或项目文件没有直接放在单位文件夹中（放在了 submissions/ 下，或单位文件夹的子文件夹里）：它不会被检查，也不会发布。这是警告。",
            "项目写成 .md 文件（注意扩展名是小写，且没有多余的 .txt），直接放在本单位的文件夹中；照片和附件放进项目自己的文件夹。",
        ),
        Kind::RosterUnsigned => (
            "缺少签章汇总表",
            "已提交项目的单位尚未上传负责人签字并盖章的汇总表。这是警告。",
            "把签章汇总表的扫描件或照片放进单位文件夹，并在 unit.yaml 的 `roster_signed` 中写明文件名。",
        ),
        Kind::RosterOutdated => (
            "签章汇总表不是最新的",
            "单位上传签字盖章的汇总表之后，又有项目提交或修改，签过的汇总表与现在的项目不符。这是警告。",
            "重新打印本单位的汇总表，签字盖章后替换原扫描件。",
        ),
        Kind::LateSubmission => (
            "逾期提交",
            "申报文件在截止时间之后才首次进入仓库主线（通过合并请求提交的，以合并时间为准）。",
            "请联系组织方：只有组织方可以接受逾期的申报。",
        ),
        Kind::OutsideOwnFolder => (
            "修改了本单位文件夹以外的文件",
            "合并请求修改了作者所维护单位的文件夹以外的文件；只有组织方可以修改任何文件。",
            "合并请求只修改本单位的文件夹，或请组织方修改。",
        ),
        Kind::ShallowClone => (
            "浅克隆",
            "仓库没有完整的提交历史，无法得知提交时间，因此不判定逾期。这是警告。",
            "获取完整历史：git fetch --unshallow（GitHub Actions 中 checkout 设置 fetch-depth: 0）。",
        ),
        Kind::CampaignInvalid => (
            "campaign.yaml 有误",
            "campaign.yaml 是有效的 YAML，但内容不一致或不完整（未定义的单位类型、不存在的上级单位、重复的编号等）；改正前不检查申报材料。",
            "按所示位置改正 campaign.yaml。",
        ),
    };
    Description { short, full, help }
}
