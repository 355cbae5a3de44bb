//! The `shenbao` command: parses arguments, runs a command, turns its result into an exit status.

mod cmd;
mod portal;
mod remind;
mod scaffold;
mod serve;
mod state;
mod table;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // shenbao only reads git's objects: libgit2 would otherwise hash every object it reads to
    // verify it, a fifth of a long history walk. `git fsck` is the tool for a repository's
    // integrity. Process-wide, so set here, by the program, not by a library.
    git2::opts::strict_hash_verification(false);
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("shenbao: {err}");
            ExitCode::from(2)
        }
    }
}
