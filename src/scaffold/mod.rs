//! New files from the schema: an entry stub and its unit's card (`shenbao new`) and a campaign
//! skeleton with its CI files (`shenbao init`). Nothing here ever overwrites a file.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use shenbao_core::campaign::{Campaign, ExtraType};
use shenbao_core::fields::{self, FieldKind};
use shenbao_core::lang::Lang;

/// Where shenbao's source and releases live: the workspace's `repository` in Cargo.toml.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
/// The version `init`'s CI files install: this binary's own.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The archive `.github/workflows/release.yml` attaches to each release (with `<name>.sha256`
/// beside it), holding the `shenbao` binary for Linux on x86_64.
pub const RELEASE_ASSET: &str = "shenbao-x86_64-unknown-linux-gnu.tar.gz";
/// The environment variables `init`'s campaign names in `reminders.smtp.password_env` and
/// `reminders.webhook_env`, and that its CI files fill from the secrets of the same names.
pub const SMTP_PASSWORD_ENV: &str = "SHENBAO_SMTP_PASSWORD";
pub const WEBHOOK_ENV: &str = "SHENBAO_WEBHOOK_URL";

/// Why a file could not be scaffolded.
#[derive(Debug)]
pub enum ScaffoldError {
    UnknownUnit {
        unit: String,
        suggestion: Option<String>,
    },
    /// The unit submits through its parent.
    WrongChannel {
        unit: String,
        parent: String,
    },
    BadSlug(String),
    Exists(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl ScaffoldError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            ScaffoldError::UnknownUnit { unit, suggestion } => match (zh, suggestion) {
                (true, Some(s)) => format!("`{unit}` 不是已登记的申报单位（是否应为 `{s}`？）"),
                (true, None) => {
                    format!("`{unit}` 不是已登记的申报单位（见 campaign.yaml 的 units）")
                }
                (false, Some(s)) => {
                    format!("`{unit}` is not a registered unit (did you mean `{s}`?)")
                }
                (false, None) => {
                    format!("`{unit}` is not a registered unit (see `units` in campaign.yaml)")
                }
            },
            ScaffoldError::WrongChannel { unit, parent } if zh => format!(
                "`{unit}` 应通过上级 `{parent}` 统一申报：请用 `shenbao new {parent}` 在上级的文件夹中新建，并用 implementing_unit 写明实施单位"
            ),
            ScaffoldError::WrongChannel { unit, parent } => format!(
                "`{unit}` submits through `{parent}`: create the entry there with `shenbao new {parent}` and set implementing_unit"
            ),
            ScaffoldError::BadSlug(s) if zh => {
                format!("`{s}` 不能作文件名：只用小写字母、数字和连字符")
            }
            ScaffoldError::BadSlug(s) => {
                format!("`{s}` cannot be a file name: use lowercase letters, digits and hyphens")
            }
            ScaffoldError::Exists(p) if zh => format!("{} 已经存在，什么也没有改", p.display()),
            ScaffoldError::Exists(p) => {
                format!("{} already exists; nothing was changed", p.display())
            }
            ScaffoldError::Io(p, e) if zh => format!(
                "无法写入 {}：{}",
                p.display(),
                shenbao_core::lang::io_reason(e, lang)
            ),
            ScaffoldError::Io(p, e) => format!("cannot write {}: {e}", p.display()),
        }
    }
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ScaffoldError {}

/// What `new_entry` wrote.
#[derive(Debug)]
pub struct NewEntry {
    /// The entry stub.
    pub entry: PathBuf,
    /// The unit's card stub, when the unit had none.
    pub card: Option<PathBuf>,
}

/// Write a new entry stub for `unit`, and a stub of its card (`unit.yaml`) if it has none. The
/// slug is `slug` if given, else made from the ASCII letters of the title, else `entry-N` with
/// the first free N.
pub fn new_entry(
    campaign: &Campaign,
    unit: &str,
    title: Option<&str>,
    slug: Option<&str>,
) -> Result<NewEntry, ScaffoldError> {
    let Some(u) = campaign.unit(unit) else {
        return Err(ScaffoldError::UnknownUnit {
            unit: unit.into(),
            suggestion: shenbao_core::problem::closest(
                unit,
                campaign.units.iter().map(|u| u.id.as_str()),
            ),
        });
    };
    if let Some(parent) = &u.parent {
        return Err(ScaffoldError::WrongChannel {
            unit: unit.into(),
            parent: parent.clone(),
        });
    }
    let folder = campaign.root.join(shenbao_core::paths::unit_folder(unit));
    let slug = match slug {
        Some(s) if shenbao_core::campaign::is_unit_id(s) => s.to_string(),
        Some(s) => return Err(ScaffoldError::BadSlug(s.into())),
        None => free_slug(&folder, title.and_then(ascii_slug)),
    };
    let path = folder.join(format!("{slug}.md"));
    if path.exists() {
        return Err(ScaffoldError::Exists(path));
    }
    std::fs::create_dir_all(&folder).map_err(|e| ScaffoldError::Io(folder.clone(), e))?;
    let text = entry_stub(campaign, title.unwrap_or(""));
    write_new(&path, &text)?;
    // Anything at the card's path, even a dangling link, is the unit's own: left alone.
    let card = campaign.root.join(shenbao_core::paths::card(unit));
    let card = match std::fs::symlink_metadata(&card) {
        Ok(_) => None,
        Err(_) => {
            write_new(&card, &card_stub(campaign, unit))?;
            Some(card)
        }
    };
    Ok(NewEntry { entry: path, card })
}

/// Create a file that must not exist yet (no race with another writer either).
fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
            _ => ScaffoldError::Io(path.to_path_buf(), e),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))
}

/// Lowercase ASCII words of a title joined by hyphens, if it has any.
fn ascii_slug(title: &str) -> Option<String> {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let slug = words.join("-");
    (!slug.is_empty()).then(|| {
        slug.chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string()
    })
}

fn free_slug(folder: &Path, wanted: Option<String>) -> String {
    if let Some(w) = &wanted
        && !folder.join(format!("{w}.md")).exists()
    {
        return w.clone();
    }
    let base = wanted.unwrap_or_else(|| "entry".into());
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !folder.join(format!("{s}.md")).exists())
        .unwrap_or(base)
}

/// The stub: every field with a comment in the campaign's language, every required section as a
/// heading.
pub fn entry_stub(campaign: &Campaign, title: &str) -> String {
    let lang = campaign.language;
    let zh = lang == Lang::Zh;
    let mut out = String::from("---\n");
    for field in fields::BUILT_IN {
        let _ = writeln!(out, "# {}", field.hint(lang));
        match field.kind {
            FieldKind::Text if field.key == "title" => {
                let _ = writeln!(out, "title: {}", yaml_string(title));
            }
            FieldKind::Category => {
                let _ = writeln!(out, "#   {}", lang.pick("可选：", "one of:"));
                for c in &campaign.categories {
                    let _ = writeln!(out, "#     {}  {}", c.id, c.name);
                }
                let _ = writeln!(out, "category:");
            }
            FieldKind::Recognition => {
                let kinds: Vec<String> = fields::RECOGNITION_KINDS
                    .iter()
                    .map(|(id, zh, en)| format!("{id}={}", lang.pick(zh, en)))
                    .collect();
                let _ = match lang {
                    Lang::Zh => writeln!(out, "#   kind 可选：{}", kinds.join("，")),
                    Lang::En => writeln!(out, "#   kind, one of: {}", kinds.join("; ")),
                };
                // A placeholder date that `check` flags if it is uncommented unchanged. Left
                // empty, not `[]`: the items below are uncommented under it as they stand.
                let (source, title) = if zh {
                    ("某某日报", "报道标题")
                } else {
                    ("Example Daily", "Title of the report")
                };
                let _ = write!(
                    out,
                    "recognition:\n#  - kind: media\n#    source: {source}\n#    date: YYYY-MM-DD\n#    title: {title}\n"
                );
            }
            FieldKind::Attachments => {
                let (file, title) = if zh {
                    ("shuju.xlsx", "服务数据统计")
                } else {
                    ("data.xlsx", "Service figures")
                };
                let _ = write!(
                    out,
                    "attachments:\n#  - file: {file}\n#    title: {title}\n"
                );
            }
            FieldKind::Bool => {
                let _ = writeln!(out, "{}: false", field.key);
            }
            _ => {
                let _ = writeln!(out, "{}:", field.key);
            }
        }
    }
    for field in &campaign.fields.extra {
        let kind = match field.field_type {
            ExtraType::Text => lang.pick("文本", "text"),
            ExtraType::Number => lang.pick("数字", "a number"),
            ExtraType::Integer => lang.pick("整数", "a whole number"),
            ExtraType::Bool => lang.pick("true 或 false", "true or false"),
            ExtraType::Date => lang.pick("日期 YYYY-MM-DD", "a date YYYY-MM-DD"),
            ExtraType::Url => lang.pick("网址", "a web address"),
            ExtraType::Email => lang.pick("电子邮箱", "an e-mail address"),
            ExtraType::Phone => lang.pick("电话", "a phone number"),
        };
        let _ = match (zh, field.required) {
            (true, true) => writeln!(out, "# {}，必填，{kind}", field.label),
            (true, false) => writeln!(out, "# {}，选填，{kind}", field.label),
            (false, true) => writeln!(out, "# {}, required, {kind}", field.label),
            (false, false) => writeln!(out, "# {}, optional, {kind}", field.label),
        };
        let _ = writeln!(out, "{}:", field.key);
    }
    out.push_str("---\n");
    for alternatives in &campaign.sections.required {
        let _ = writeln!(out, "\n## {}\n", alternatives[0]);
    }
    if !campaign.sections.recommended.is_empty() {
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "\n<!-- 建议在“主要内容”下用三级标题突出以下亮点：{} -->",
                campaign.sections.recommended.join("、")
            ),
            Lang::En => writeln!(
                out,
                "\n<!-- Consider a level-three heading for each of these points: {} -->",
                campaign.sections.recommended.join(", ")
            ),
        };
    }
    out
}

/// The stub of a unit's card, every key labelled in the campaign's language: `leader` is left
/// empty, so `check` names it at its line until it is filled in.
pub fn card_stub(campaign: &Campaign, unit: &str) -> String {
    let name = campaign.unit(unit).map_or(unit, |u| u.name.as_str());
    let lines: [(&str, &str, &str); 5] = [
        (
            "leader",
            "主要领导姓名，必填",
            "the head of the unit, required",
        ),
        (
            "responsible",
            "专人负责：负责本单位申报工作的人员姓名",
            "the person in charge of the unit's submissions",
        ),
        (
            "responsible_phone",
            "专人负责的联系电话：固定电话如 0312-1234567，手机如 13912345678",
            "their phone: a landline such as 0312-1234567 or a mobile such as 13912345678",
        ),
        (
            "email",
            "接收申报提醒的电子邮箱，选填",
            "where reminders are sent, optional",
        ),
        (
            "roster_signed",
            "签字盖章后的《申报汇总表》扫描件或照片（jpg、png 或 pdf）的文件名，文件放在本文件夹中",
            "the file name of the signed and stamped roster's scan or photo (jpg, png or pdf), kept in this folder",
        ),
    ];
    let lang = campaign.language;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}",
        match lang {
            Lang::Zh => format!("{name}（{unit}）的单位信息卡"),
            Lang::En => format!("The card of {name} ({unit})"),
        }
    );
    for (key, zh, en) in lines {
        let _ = writeln!(out, "# {}", lang.pick(zh, en));
        let _ = writeln!(out, "{key}:");
    }
    out
}

/// A YAML scalar for text a user typed: quoted, so `:` or `#` in a title cannot break the file.
fn yaml_string(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The texts of a new campaign in one language: the same files, the same keys and steps; only
/// the words differ.
struct Skeleton {
    campaign: &'static str,
    notice: &'static str,
    guide: &'static str,
    about: &'static str,
    submissions: &'static str,
    github: &'static str,
    gitlab: &'static str,
    install: &'static str,
    remind: &'static str,
}

const ZH: Skeleton = Skeleton {
    campaign: include_str!("init/campaign.yaml"),
    notice: include_str!("init/notice.md"),
    guide: include_str!("init/guide.md"),
    about: include_str!("init/about.md"),
    submissions: include_str!("init/submissions.md"),
    github: include_str!("init/github-workflow.yml"),
    gitlab: include_str!("init/gitlab-ci.yml"),
    install: include_str!("init/install-shenbao.sh"),
    remind: include_str!("init/remind.sh"),
};

const EN: Skeleton = Skeleton {
    campaign: include_str!("init/en/campaign.yaml"),
    notice: include_str!("init/en/notice.md"),
    guide: include_str!("init/en/guide.md"),
    about: include_str!("init/en/about.md"),
    submissions: include_str!("init/en/submissions.md"),
    github: include_str!("init/en/github-workflow.yml"),
    gitlab: include_str!("init/en/gitlab-ci.yml"),
    install: include_str!("init/en/install-shenbao.sh"),
    remind: include_str!("init/en/remind.sh"),
};

/// The files of a new campaign in `lang`, relative to its root.
pub fn campaign_skeleton(lang: Lang) -> Vec<(&'static str, String)> {
    let t = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
    let fill = |template| fill(template, t);
    vec![
        ("campaign.yaml", fill(t.campaign)),
        ("content/notice.md", fill(t.notice)),
        ("content/guide.md", fill(t.guide)),
        ("content/about.md", fill(t.about)),
        ("submissions/README.md", fill(t.submissions)),
        (".github/workflows/shenbao.yml", fill(t.github)),
        (".gitlab-ci.yml", fill(t.gitlab)),
        (
            ".gitignore",
            "public/\n# left by a build that was killed; the next build removes them\n.*.building-*/\n.*.lock\n".into(),
        ),
    ]
}

/// A template with its placeholders filled: `@NAME@` within a line by its value, and a line
/// that is only `@INSTALL@` or `@REMIND@` by that script of `t`, at the line's indentation.
fn fill(template: &str, t: &Skeleton) -> String {
    let values = [
        ("@SHENBAO_VERSION@", VERSION),
        ("@SHENBAO_REPOSITORY@", REPOSITORY),
        ("@RELEASE_ASSET@", RELEASE_ASSET),
        ("@SMTP_PASSWORD_ENV@", SMTP_PASSWORD_ENV),
        ("@WEBHOOK_ENV@", WEBHOOK_ENV),
    ];
    let mut out = String::with_capacity(template.len());
    let mut push = |line: &str| {
        let mut line = line.to_string();
        for (name, value) in values {
            line = line.replace(name, value);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    for line in template.lines() {
        let script = match line.trim() {
            "@INSTALL@" => t.install,
            "@REMIND@" => t.remind,
            _ => {
                push(line);
                continue;
            }
        };
        let indent = &line[..line.len() - line.trim_start().len()];
        for l in script.lines() {
            push(&format!("{indent}{l}"));
        }
    }
    out
}

/// Write a campaign skeleton in `lang` into `dir`; refuses if any of its files exists.
pub fn init(dir: &Path, lang: Lang) -> Result<Vec<PathBuf>, ScaffoldError> {
    let files = campaign_skeleton(lang);
    if let Some((rel, _)) = files.iter().find(|(rel, _)| dir.join(rel).exists()) {
        return Err(ScaffoldError::Exists(dir.join(rel)));
    }
    let mut written = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ScaffoldError::Io(parent.to_path_buf(), e))?;
        }
        write_new(&path, text)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_safe() {
        assert_eq!(
            ascii_slug("打造“指尖上的工会” App 2.0"),
            Some("app-2-0".into())
        );
        assert_eq!(ascii_slug("网上工会"), None);
        assert_eq!(yaml_string("a: \"b\""), "\"a: \\\"b\\\"\"");
    }

    /// A CI file or script in two languages differs only in its words: the same jobs, steps,
    /// commands and conditions, so a fix to one that is not made to the other fails here.
    #[test]
    fn the_english_ci_files_do_what_the_chinese_ones_do() {
        fn code(text: &str) -> Vec<String> {
            text.lines()
                .map(|l| l.split(" # ").next().unwrap_or(l).trim_end())
                .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
                .map(|l| {
                    let t = l.trim_start();
                    let words = ["- name: ", "name: ", "description: ", "echo "];
                    match words.iter().find(|w| t.starts_with(*w)) {
                        Some(w) => format!("{}{w}…", &l[..l.len() - t.len()]),
                        None => l.to_string(),
                    }
                })
                .collect()
        }
        for (zh, en) in [
            (ZH.github, EN.github),
            (ZH.gitlab, EN.gitlab),
            (ZH.install, EN.install),
            (ZH.remind, EN.remind),
        ] {
            assert_eq!(code(zh), code(en));
        }
    }

    #[test]
    fn every_placeholder_of_the_skeleton_is_filled() {
        fn placeholder(text: &str) -> Option<&str> {
            text.match_indices('@').find_map(|(at, _)| {
                let rest = &text[at + 1..];
                let name = rest
                    .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                    .map_or(rest, |end| &rest[..end]);
                (!name.is_empty() && rest[name.len()..].starts_with('@')).then_some(name)
            })
        }
        assert_eq!(
            placeholder("office@example.org @SOME_NAME@"),
            Some("SOME_NAME")
        );
        for lang in [Lang::Zh, Lang::En] {
            for (rel, text) in campaign_skeleton(lang) {
                assert_eq!(placeholder(&text), None, "{rel} keeps a placeholder");
            }
        }
    }
}
