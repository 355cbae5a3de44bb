//! The language of the command line itself: its help, its usage errors and the errors that end a
//! command. It is the campaign's, found before the arguments are parsed (as commands find it:
//! upwards from the current folder or `--root`), so that `--help` inside a zh-CN campaign is
//! Chinese; `--lang` overrides it. Outside any campaign it is Chinese when the environment's
//! locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) is, English otherwise.

use std::error::Error;
use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use shenbao_core::campaign;
use shenbao_core::lang::{self, Lang, Said};

/// The language to speak, from the raw arguments and the environment.
pub fn ui_lang(args: &[OsString]) -> Lang {
    let mut root: Option<PathBuf> = None;
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        let value = |name: &str, iter: &mut dyn Iterator<Item = &OsString>| -> Option<String> {
            match arg.strip_prefix(name)? {
                "" => iter.next().and_then(|v| v.to_str()).map(String::from),
                rest => rest.strip_prefix('=').map(String::from),
            }
        };
        if let Some(tag) = value("--lang", &mut iter) {
            if let Ok(lang) = tag.parse() {
                return lang;
            }
        } else if let Some(dir) = value("--root", &mut iter) {
            root = Some(PathBuf::from(dir));
        }
    }
    let start = root.unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
    campaign_lang(start).unwrap_or_else(locale_lang)
}

/// The language of the campaign above `start`, if there is one: the one it names, or the
/// default when its file names none shenbao knows or is not UTF-8 (as its diagnostics are).
fn campaign_lang(start: PathBuf) -> Option<Lang> {
    let root = campaign::find_root(&start).ok()?;
    Some(campaign::language_of(&root))
}

/// Chinese when the environment's locale is, else English.
fn locale_lang() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.to_ascii_lowercase().starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// An error that ended a command, in `lang`: every error type of shenbao says itself in each
/// language; another's own words are passed on.
pub fn error(err: &(dyn Error + 'static), lang: Lang) -> String {
    use shenbao_core::campaign::CampaignError;
    use shenbao_core::history::HistoryError;
    use shenbao_core::project::LoadError;
    if let Some(e) = err.downcast_ref::<Said>() {
        return e.in_lang(lang).to_string();
    }
    if let Some(e) = err.downcast_ref::<CampaignError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<LoadError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<HistoryError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<crate::scaffold::ScaffoldError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<shenbao_site::SiteError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<shenbao_site::output::OutputError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<shenbao_git::changes::ChangesError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<crate::serve::ServeError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<crate::state::StateError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<crate::portal::accounts::AccountsError>() {
        return e.message(lang);
    }
    if let Some(e) = err.downcast_ref::<std::io::Error>() {
        return lang::io_reason(e, lang);
    }
    err.to_string()
}

/// The first line of a usage error in `lang`, where clap's English would be; `None` for the
/// kinds that are not errors (help, version) and those left in clap's words.
pub fn usage_error(err: &clap::Error, lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return None;
    }
    let context = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let valid = context(ContextKind::ValidValue);
    let line = match err.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数 `{arg}`"),
        ErrorKind::InvalidSubcommand => {
            format!("没有子命令 `{}`", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue if valid.is_empty() => {
            format!("参数 `{arg}` 的值 `{value}` 无效")
        }
        ErrorKind::InvalidValue => {
            format!("参数 `{arg}` 的值 `{value}` 无效，可选值：{valid}")
        }
        ErrorKind::ValueValidation if arg.starts_with("--lang") => {
            format!("参数 `{arg}` 的值 `{value}` 无效，应为 zh-CN 或 en")
        }
        ErrorKind::ValueValidation => {
            format!("参数 `{arg}` 的值 `{value}` 无效")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少子命令：请在 shenbao 后写明要做什么，如 shenbao check".into()
        }
        ErrorKind::ArgumentConflict => {
            format!(
                "参数 `{arg}` 不能与 `{}` 同时使用",
                context(ContextKind::PriorArg)
            )
        }
        ErrorKind::TooManyValues => {
            format!("参数 `{arg}` 给了太多的值")
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 `{arg}` 的值个数不对")
        }
        ErrorKind::NoEquals => format!("参数 `{arg}` 须用 `=` 赋值"),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文字".into(),
        _ => return None,
    };
    Some(format!("错误：{line}"))
}

/// Clap's whole rendering of a usage error, in `lang`: the first line replaced, and its other
/// fixed words (tip, usage, where to learn more) translated.
pub fn render_usage_error(err: &clap::Error, lang: Lang) -> String {
    let mut rendered = err.render().to_string();
    if lang == Lang::Zh {
        // What the builder cannot reach: clap's own `help` command, and the usage's placeholder.
        rendered = rendered
            .replace(
                "Print this message or the help of the given subcommand(s)",
                "显示本帮助，或某个命令的帮助",
            )
            .replace("[OPTIONS]", "[选项]");
        // clap ends its headings with an ASCII colon; Chinese text takes the full-width one.
        for heading in ["命令", OPTIONS, ARGUMENTS] {
            rendered = rendered.replace(&format!("{heading}:\n"), &format!("{heading}：\n"));
        }
    }
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        return rendered;
    }
    let Some(first) = usage_error(err, lang) else {
        return rendered;
    };
    let rest = rendered.split_once('\n').map_or("", |(_, rest)| rest);
    let rest = rest
        .lines()
        // Said in the first line already.
        .filter(|line| !line.trim_start().starts_with("[possible values:"))
        .map(|line| match tip_to_pass(line) {
            Some(tip) => tip,
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let rest = rest
        .replace(
            "  tip: a similar argument exists:",
            "  提示：有一个相近的参数：",
        )
        .replace(
            "  tip: a similar subcommand exists:",
            "  提示：有一个相近的子命令：",
        )
        .replace(
            "  tip: some similar arguments exist:",
            "  提示：有几个相近的参数：",
        )
        .replace(
            "  tip: some similar subcommands exist:",
            "  提示：有几个相近的子命令：",
        )
        .replace("Usage: ", "用法：")
        .replace("For more information, try '--help'.", "详见 '--help'。");
    format!("{first}\n{rest}\n")
}

/// clap's tip for a value that looks like an option, in Chinese.
fn tip_to_pass(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("tip: to pass '")?;
    let (value, _) = rest.split_once("' as a value")?;
    Some(format!(
        "  提示：要把 '{value}' 当作值，请写成 '-- {value}'"
    ))
}

/// The command line's help in `lang`: clap's derive writes it in English from the doc comments;
/// in Chinese every about and argument help is replaced, and clap's own words (the headings,
/// `--help`, `--version`, defaults and possible values) are given in Chinese through the builder.
pub fn localize(cmd: clap::Command, lang: Lang) -> clap::Command {
    if lang == Lang::En {
        return cmd;
    }
    let cmd = cmd
        .disable_version_flag(true)
        .arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("显示版本")
                .help_heading(OPTIONS),
        )
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .global(true)
                .help("显示帮助")
                .help_heading(OPTIONS),
        );
    localize_command(cmd, "")
}

const OPTIONS: &str = "选项";
const ARGUMENTS: &str = "参数";

fn localize_command(mut cmd: clap::Command, path: &str) -> clap::Command {
    let name = cmd.get_name().to_string();
    let here = if path.is_empty() {
        String::new()
    } else if path == "shenbao" {
        name.clone()
    } else {
        format!("{path} {name}")
    };
    if let Some(about) = zh_about(&here) {
        cmd = cmd.about(about).long_about(None);
    }
    cmd = cmd
        .disable_help_flag(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}");
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for (order, id) in ids.into_iter().enumerate() {
        let help = zh_arg(&here, &id);
        cmd = cmd.mut_arg(&id, |arg| {
            let mut text = help
                .map(String::from)
                .unwrap_or_else(|| arg.get_help().map(|h| h.to_string()).unwrap_or_default());
            let takes_values = arg.get_action().takes_values();
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| takes_values && !v.is_hide_set())
                .map(|v| match zh_value(v.get_name()) {
                    Some(what) => format!("{}（{what}）", v.get_name()),
                    None => v.get_name().to_string(),
                })
                .collect();
            if !values.is_empty() {
                text.push_str(&format!("；可选：{}", values.join("、")));
            }
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && !arg.is_hide_default_value_set() {
                text.push_str(&format!("（默认：{}）", defaults.join("、")));
            }
            let heading = if arg.is_positional() {
                ARGUMENTS
            } else {
                OPTIONS
            };
            // In the order of the English help (a heading would otherwise reorder them).
            let arg = arg
                .help(text)
                .long_help(None)
                .help_heading(heading)
                .display_order(order);
            if takes_values {
                arg.hide_possible_values(true).hide_default_value(true)
            } else {
                arg
            }
        });
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let path = if here.is_empty() { "shenbao" } else { &here };
    let path = path.to_string();
    for sub in subcommands {
        cmd = cmd.mut_subcommand(&sub, |s| localize_command(s, &path));
    }
    cmd
}

/// A command's description in Chinese, by its path (`""` is shenbao itself).
fn zh_about(path: &str) -> Option<&'static str> {
    Some(match path {
        "" => "shenbao（申报）：用 git 管理征集申报材料，检查、跟踪、发布",
        "check" => "检查申报活动和全部申报材料",
        "build" => "检查后把展示网站写到 public/",
        "serve" => "生成网站并在本机预览；文件改动时重新生成并刷新浏览器",
        "new" => "为某单位新建一个申报文件，各字段和章节都已列出",
        "schema" => "输出申报文件文件头的 JSON Schema（draft 2020-12）",
        "status" => "各单位的申报数量、逾期和签章汇总表情况",
        "roster" => "输出申报汇总表",
        "init" => "新建申报活动的框架，附 GitHub 和 GitLab 的 CI 文件（加 --lang en 则为英文）",
        "portal" => "供不用 git 的单位使用的网上申报系统；`portal invite` 输出登录链接",
        "portal invite" => {
            "为每个账户输出登录链接（每行：单位 id 或邮箱、制表符、链接）；加 --revoke 则作废其链接"
        }
        "remind" => "通过邮件和群机器人提醒各单位还缺什么",
        "codeowners" => "根据单位名单生成 CODEOWNERS 文件（保存为 .github/CODEOWNERS）",
        _ => return None,
    })
}

/// An argument's help in Chinese, by its command's path and its id.
fn zh_arg(path: &str, id: &str) -> Option<&'static str> {
    Some(match (path, id) {
        (_, "root") => {
            "申报活动的文件夹（默认：从当前文件夹向上找到的第一个含 campaign.yaml 的文件夹）"
        }
        (_, "lang") => "提示信息的语言：zh-CN 或 en（默认：campaign.yaml 的 language）",
        ("check", "paths") => "只报告这些文件或文件夹的问题（全局规则照常检查）",
        ("check", "format") => "输出格式",
        ("check", "deny_warnings") => "有警告也算失败（退出码 1）",
        ("check", "final_") => "截止之后使用：申报数量不足的单位算作错误",
        ("check", "changed_since") => {
            "用于合并请求：只报告自 REV（从其合并基点算起）以来改动的文件和全局规则，并检查每个提交的作者是否有权改动这些文件"
        }
        ("check", "actor") => {
            "与 --changed-since 同用：把所有改动视为该用户（由代码托管平台认证，如 GitHub 的 actor、GitLab 的用户名）所作，而不看任何人都能填写的提交邮箱；maintainers 和 organisers 可以写平台用户名"
        }
        (_, "no_cache") => "重新读取 git 历史，不用 .git/ 中的缓存",
        ("build", "out") => "网站写到哪里（默认：申报活动中的 public/）",
        ("build", "base_url") => {
            "网站的发布地址，如 https://example.org/award/2017/ 或 /award/2017/（默认：campaign.yaml 的 base_url）"
        }
        ("build", "drafts") => "草稿也一并发布，用于预览",
        ("build", "format") => "有错误时问题的输出格式",
        ("serve", "port") => "监听的端口（0：任一空闲端口）",
        ("serve", "bind") => "监听的地址；默认只有本机可以访问",
        ("serve", "drafts") => "也显示草稿",
        ("serve", "open") => "在默认浏览器中打开网站",
        ("new", "unit") => "申报单位的 id，与 campaign.yaml 中登记的一致",
        ("new", "title") => "项目名称",
        ("new", "slug") => {
            "文件名（不含 .md；小写字母、数字、连字符）；默认取项目名称中的英文单词，否则为 entry-N"
        }
        ("status", "format") => "输出格式",
        ("roster", "format") => "输出格式",
        ("roster", "unit") => "只列出这个单位的项目",
        ("roster", "out") => "写入这个文件，而不是标准输出",
        ("init", "dir") => "在哪里新建申报活动（默认：当前文件夹）",
        ("portal" | "portal invite", "port") => {
            "监听的端口（没有 portal.public_url 时，invite 的链接也用它）"
        }
        ("portal" | "portal invite", "bind") => "监听的地址（在反向代理之后请保留 127.0.0.1）",
        ("portal", "remote") => "每个提交都推送到这个远程仓库（有人先推送时，先获取、重放再重试）",
        ("portal invite", "units") => "单位名单中的单位 id",
        ("portal invite", "all") => "名单中的全部单位",
        ("portal invite", "organiser") => "组织方（研究室）的账户，以邮箱表示",
        ("portal invite", "revoke") => "作废这些账户的登录链接（及其会话），而不是发放",
        ("remind", "dry_run") => "列出每条提醒（无论今天是否到期），一条也不发送",
        ("remind", "unit") => "只提醒这个单位",
        ("remind", "channel") => "只用这个渠道（默认：campaign.yaml 中配置的全部渠道）",
        _ => return None,
    })
}

/// What a possible value means, in Chinese.
fn zh_value(value: &str) -> Option<&'static str> {
    Some(match value {
        "human" => "带源代码行和标记，供终端阅读",
        "json" => "JSON",
        "github" => "GitHub Actions 的工作流命令，在合并请求上标注",
        "sarif" => "SARIF 2.1.0，供代码扫描上传",
        "gitlab" => "GitLab 代码质量报告",
        "table" => "供终端阅读的表格",
        "csv" => "带 BOM 的 UTF-8，Excel 可直接打开",
        "xlsx" => "Excel 工作簿，需 --out 或非终端的标准输出",
        "html" => "可打印的页面；加 --unit 则为该单位的签字盖章页",
        "email" => "电子邮件",
        "webhook" => "群机器人",
        _ => return None,
    })
}
