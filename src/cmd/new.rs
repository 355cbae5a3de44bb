//! `shenbao new`: a new entry file stubbed from the schema.

use crate::scaffold;
use shenbao_core::campaign;

use super::{CliError, Globals, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The submitting unit's id, as registered in campaign.yaml.
    unit: String,
    /// The project's title (项目名称).
    title: Option<String>,
    /// The file name without .md (lowercase ASCII, digits, hyphens); default: from the title's
    /// ASCII words, else entry-N.
    #[arg(long)]
    slug: Option<String>,
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let root = globals.root()?;
    let campaign = campaign::load(&root)?;
    let path = scaffold::new_entry(
        &campaign,
        &args.unit,
        args.title.as_deref(),
        args.slug.as_deref(),
    )?;
    let shown = path.strip_prefix(&root).unwrap_or(&path);
    println!("{}", shown.display());
    Ok(Outcome::Success)
}
