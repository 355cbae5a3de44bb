//! `shenbao schema`: the entry front matter as JSON Schema.

use shenbao_core::{campaign, schema};

use super::{CliError, Globals, Outcome};

pub fn run(globals: &Globals) -> Result<Outcome, CliError> {
    let campaign = campaign::load(&globals.root()?)?;
    let lang = globals.lang.unwrap_or(campaign.language);
    let mut text = serde_json::to_string_pretty(&schema::json_schema(&campaign, lang))?;
    text.push('\n');
    super::emit(None, text.as_bytes())?;
    Ok(Outcome::Success)
}
