//! The `shenbao` command: parses arguments, runs a command, turns its result into an exit status.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("shenbao: {err}");
            ExitCode::from(2)
        }
    }
}
