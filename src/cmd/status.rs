//! `shenbao status`: each unit's quota and deadline standing.

use crate::table;
use shenbao_core::labels::label;
use shenbao_core::lang::Lang;
use shenbao_core::project::LoadOptions;
use shenbao_core::report::Format as ReportFormat;
use shenbao_core::status::{self, State, UnitStatus};

use super::{CliError, Globals, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A table for the terminal.
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Read git history afresh instead of from the cache in .git/.
    #[arg(long)]
    no_cache: bool,
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let options = LoadOptions {
        no_cache: args.no_cache,
        ..LoadOptions::default()
    };
    let project = match super::load(globals, options, ReportFormat::Human)? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let units = status::status(&project);
    let text = match args.format {
        Format::Json => status::to_json(&units),
        Format::Table => render_table(&units, super::lang(globals, &project), &project),
    };
    super::emit(None, text.as_bytes())?;
    Ok(Outcome::Success)
}

fn render_table(
    units: &[UnitStatus],
    lang: Lang,
    project: &shenbao_core::project::Project,
) -> String {
    let campaign = &project.campaign;
    // The site's status page names its columns the same.
    let header = [
        "unit",
        "unit_type",
        "minimum",
        "count",
        "late",
        "roster_signed",
        "state",
    ]
    .map(|key| label(key, lang).to_string())
    .to_vec();
    let rows: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            vec![
                format!("{} ({})", u.name, u.id),
                campaign
                    .unit_type(&u.unit_type)
                    .map_or(u.unit_type.clone(), |t| t.name.clone()),
                u.minimum.to_string(),
                u.entries.to_string(),
                u.late.to_string(),
                label(
                    match (u.submits_itself(), u.roster_signed) {
                        (false, _) => "not_needed",
                        (true, true) => "yes",
                        (true, false) => "no_value",
                    },
                    lang,
                )
                .to_string(),
                label(
                    match u.state {
                        _ if !u.submits_itself() => "through_parent",
                        State::None => "state_none",
                        State::Short => "state_short",
                        State::Met => "state_met",
                    },
                    lang,
                )
                .to_string(),
            ]
        })
        .collect();
    let mut out = format!("{}\n", campaign.title);
    if let Some(deadline) = &campaign.deadline {
        let passed = jiff::Timestamp::now() > deadline.at;
        let state = if passed {
            lang.pick("已截止", "passed")
        } else {
            lang.pick("未截止", "open")
        };
        let written = deadline.written(lang);
        out.push_str(&match lang {
            Lang::Zh => format!("截止时间：{written}（{state}）\n"),
            Lang::En => format!("deadline: {written} ({state})\n"),
        });
    }
    for (unit, until) in campaign.extended() {
        let name = campaign
            .unit(unit)
            .map_or(unit.as_str(), |u| u.name.as_str());
        // In the campaign's zone, the deadline's, whatever offset the extension was written in.
        let written = campaign
            .deadline
            .as_ref()
            .map_or_else(|| until.written(lang), |d| d.local(until.at, lang));
        out.push_str(&match lang {
            Lang::Zh => format!("补报：{name} 延至 {written}\n"),
            Lang::En => format!("extension: {name} until {written}\n"),
        });
    }
    // Of the units expected to submit; those submitting through a parent are said apart.
    let expected: Vec<&UnitStatus> = units.iter().filter(|u| u.submits_itself()).collect();
    let count = |s: State| expected.iter().filter(|u| u.state == s).count();
    let through = units.len() - expected.len();
    out.push_str(&match lang {
        Lang::Zh => format!(
            "共 {} 个单位应申报：已达数 {}，未达数 {}，未申报 {}",
            expected.len(),
            count(State::Met),
            count(State::Short),
            count(State::None)
        ),
        Lang::En => format!(
            "{} units are expected: {} met, {} short, {} with nothing",
            expected.len(),
            count(State::Met),
            count(State::Short),
            count(State::None)
        ),
    });
    if through > 0 {
        out.push_str(&match lang {
            Lang::Zh => format!("；另有 {through} 个单位经上级工会申报"),
            Lang::En => format!("; {through} more submit through their parent"),
        });
    }
    out.push_str("\n\n");
    out.push_str(&table::render(&header, &rows, &[2, 3, 4]));
    out
}
