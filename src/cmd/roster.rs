//! `shenbao roster`: the summary roster (申报汇总表) as CSV, JSON, XLSX or a printable page.

use std::path::PathBuf;

use shenbao_core::lang::{Lang, Said};
use shenbao_core::paths::EntryId;
use shenbao_core::problem::Severity;
use shenbao_core::project::LoadOptions;
use shenbao_core::report::Format as ReportFormat;
use shenbao_core::roster;
use shenbao_core::summary::Summary;
use std::io::IsTerminal;

use super::{CliError, Globals, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// UTF-8 with a BOM, for Excel.
    Csv,
    Json,
    /// An Excel workbook (needs --out, or standard output that is not a terminal).
    Xlsx,
    /// A page to print, styles included; with --unit, that unit's page with lines for the
    /// head's signature and the unit's stamp.
    Html,
}

impl Format {
    /// The extension of a file of this format.
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Only this unit's entries.
    #[arg(long, value_name = "ID")]
    unit: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let project = match super::load(globals, LoadOptions::default(), ReportFormat::Human)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    if let Some(unit) = &args.unit
        && project.campaign.unit(unit).is_none()
    {
        let suggestion = shenbao_core::problem::closest(
            unit,
            project.campaign.units.iter().map(|u| u.id.as_str()),
        );
        let (zh, en) = match &suggestion {
            Some(s) => (
                format!("（是否应为 `{s}`？）"),
                format!(" (did you mean `{s}`?)"),
            ),
            None => (
                "（见 campaign.yaml 的 units）".to_string(),
                " (see `units` in campaign.yaml)".to_string(),
            ),
        };
        return Err(Said::new(
            format!("`{unit}` 不是已登记的申报单位{zh}"),
            format!("`{unit}` is not a registered unit{en}"),
        )
        .into());
    }
    // A unit that submits through its parent has no roster of its own: its projects are on
    // the parent's.
    if let Some(unit) = args.unit.as_deref().and_then(|u| project.campaign.unit(u))
        && let (false, Some(parent)) = (unit.submits_itself(), &unit.parent)
    {
        let name = project
            .campaign
            .unit(parent)
            .map_or(parent.as_str(), |p| p.name.as_str());
        return Err(Said::new(
            format!(
                "`{}` 通过 `{parent}`（{name}）申报，没有自己的汇总表：其项目列在 `{parent}` 的汇总表中（shenbao roster --unit {parent}）",
                unit.id
            ),
            format!(
                "`{}` submits through `{parent}` ({name}) and has no roster of its own: its projects are on `{parent}`'s (shenbao roster --unit {parent})",
                unit.id
            ),
        )
        .into());
    }
    // Never over a file of another kind (campaign.yaml, an entry) by a slip of --out.
    if let Some(out) = &args.out
        && out.is_file()
        && shenbao_core::paths::extension(out) != args.format.extension()
    {
        return Err(Said::new(
            format!(
                "`{}` 已存在，且不是 .{} 文件：没有覆盖它；请写入以 .{} 结尾的文件",
                out.display(),
                args.format.extension(),
                args.format.extension()
            ),
            format!(
                "`{}` exists and is not a .{} file: it was not overwritten; write to a file ending in .{}",
                out.display(),
                args.format.extension(),
                args.format.extension()
            ),
        )
        .into());
    }
    warn_of_errors(
        &project,
        args.unit.as_deref(),
        super::lang(globals, &project),
    );
    let roster = roster::roster(&project, args.unit.as_deref());
    let lang = super::lang(globals, &project);
    let bytes = match args.format {
        Format::Csv => roster.to_csv(lang).into_bytes(),
        Format::Json => roster.to_json().into_bytes(),
        Format::Xlsx => {
            if args.out.is_none() && std::io::stdout().is_terminal() {
                return Err(Said::new(
                    "Excel 工作簿是二进制文件，不能显示在终端上：请用 --out roster.xlsx 写入文件",
                    "an Excel workbook is binary: write it with --out roster.xlsx",
                )
                .into());
            }
            shenbao_site::xlsx::roster(&roster, &project.campaign.title, lang)?
        }
        Format::Html => {
            let summary = Summary::of(&project, false);
            shenbao_site::roster_html(&project, &summary, args.unit.as_deref(), None)?.into_bytes()
        }
    };
    super::emit(args.out.as_deref(), &bytes)?;
    Ok(Outcome::Success)
}

/// Entries with errors are left out of the roster (front matter that cannot be read) or may
/// miss a cell (a value that is not valid): the research office prints this sheet to sign and
/// stamp, and is told which files, on standard error, before it does. Drafts are not listed.
fn warn_of_errors(project: &shenbao_core::project::Project, unit: Option<&str>, lang: Lang) {
    let mut files: Vec<&str> = project
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error && !d.in_draft)
        .map(|d| d.file.as_str())
        .filter(|f| EntryId::of_file(f).is_some_and(|id| unit.is_none_or(|u| id.unit == u)))
        .collect();
    files.dedup();
    if files.is_empty() {
        return;
    }
    let listed: std::collections::HashSet<String> =
        project.entries.iter().map(|e| e.file()).collect();
    let mut said = lang
        .pick(
            "shenbao：警告：{n} 个项目文件有错误，汇总表可能不完整；改正后再导出（`shenbao check` 可查看）：",
            "shenbao: warning: {n} entry file(s) have errors and the roster may be incomplete; fix them and export again (see `shenbao check`):",
        )
        .replace("{n}", &files.len().to_string());
    for file in files {
        said.push_str("\n  ");
        said.push_str(file);
        if !listed.contains(file) {
            said.push_str(lang.pick("（未列入）", " (left out)"));
        }
    }
    eprintln!("{said}");
}
