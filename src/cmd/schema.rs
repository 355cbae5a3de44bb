//! `shenbao schema`: the entry front matter as JSON Schema.

use shenbao_core::{campaign, schema};

use super::{CliError, Globals, Outcome};

pub fn run(globals: &Globals) -> Result<Outcome, CliError> {
    let campaign = campaign::load(&globals.root()?)?;
    let mut text = serde_json::to_string_pretty(&schema::json_schema(&campaign))?;
    text.push('\n');
    super::emit(None, text.as_bytes())?;
    Ok(Outcome::Success)
}
