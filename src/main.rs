//! The `shenbao` command: parses arguments, runs a command, turns its result into an exit status.

mod cmd;
mod portal;
mod remind;
mod scaffold;
mod serve;
mod state;
mod table;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    // shenbao only reads git's objects: libgit2 would otherwise hash every object it reads to
    // verify it, a fifth of a long history walk. `git fsck` is the tool for a repository's
    // integrity. Process-wide, so set here, by the program, not by a library.
    git2::opts::strict_hash_verification(false);
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Help, usage errors and errors that end a command speak the campaign's language.
    let lang = cmd::words::ui_lang(&args);
    let parsed = cmd::words::localize(cmd::Cli::command(), lang)
        .try_get_matches_from(&args)
        .and_then(|matches| cmd::Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            let text = cmd::words::render_usage_error(&err, lang);
            // Help and version go to standard output and succeed; usage errors exit 2.
            if err.use_stderr() {
                eprint!("{text}");
            } else {
                // Not `print!`, which panics on output that cannot be written.
                use std::io::Write;
                let _ = std::io::stdout().write_all(text.as_bytes());
            }
            return ExitCode::from(err.exit_code().clamp(0, 255) as u8);
        }
    };
    match cmd::run(cli, lang) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            let sep = lang.pick("：", ": ");
            eprintln!("shenbao{sep}{}", cmd::words::error(err.as_ref(), lang));
            ExitCode::from(2)
        }
    }
}
