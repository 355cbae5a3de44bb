//! `shenbao codeowners`: a CODEOWNERS file from the unit registry.

use shenbao_core::campaign;
use shenbao_git::ownership;

use super::{CliError, Globals, Outcome};

pub fn run(globals: &Globals) -> Result<Outcome, CliError> {
    let root = globals.root()?;
    let campaign = campaign::load(&root)?;
    super::emit(None, ownership::codeowners(&campaign).as_bytes())?;
    Ok(Outcome::Success)
}
