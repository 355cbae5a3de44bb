//! `shenbao roster`: the summary roster (申报汇总表) as CSV or JSON.

use std::path::PathBuf;

use shenbao::project::LoadOptions;
use shenbao::report::Format as ReportFormat;
use shenbao::roster;

use super::{CliError, Globals, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// UTF-8 with a BOM, for Excel.
    Csv,
    Json,
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
        return Err(format!("`{unit}` is not a registered unit").into());
    }
    let roster = roster::roster(&project, args.unit.as_deref());
    let text = match args.format {
        Format::Csv => roster.to_csv(),
        Format::Json => roster.to_json(),
    };
    super::emit(args.out.as_deref(), text.as_bytes())?;
    Ok(Outcome::Success)
}
