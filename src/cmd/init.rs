//! `shenbao init`: a new campaign skeleton.

use std::path::PathBuf;

use crate::scaffold;

use super::{CliError, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the campaign (default: the current folder).
    dir: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Outcome, CliError> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    for path in scaffold::init(&dir)? {
        println!("{}", path.strip_prefix(&dir).unwrap_or(&path).display());
    }
    Ok(Outcome::Success)
}
