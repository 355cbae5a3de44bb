//! `shenbao roster`: the summary roster (申报汇总表) as CSV, JSON, XLSX or a printable page.

use std::path::PathBuf;

use shenbao_core::lang::Said;
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
    let roster = roster::roster(&project, args.unit.as_deref());
    let bytes = match args.format {
        Format::Csv => roster.to_csv().into_bytes(),
        Format::Json => roster.to_json().into_bytes(),
        Format::Xlsx => {
            if args.out.is_none() && std::io::stdout().is_terminal() {
                return Err(Said::new(
                    "Excel 工作簿是二进制文件，不能显示在终端上：请用 --out roster.xlsx 写入文件",
                    "an Excel workbook is binary: write it with --out roster.xlsx",
                )
                .into());
            }
            shenbao_site::xlsx::roster(&roster, &project.campaign.title)?
        }
        Format::Html => {
            let summary = Summary::of(&project, false);
            shenbao_site::roster_html(&project, &summary, args.unit.as_deref(), None)?.into_bytes()
        }
    };
    super::emit(args.out.as_deref(), &bytes)?;
    Ok(Outcome::Success)
}
