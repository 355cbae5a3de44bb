//! Command-line interface: every flag defined once here, one module per subcommand.

mod build;
mod check;
mod codeowners;
mod init;
mod new;
mod portal;
mod remind;
mod roster;
mod schema;
mod serve;
mod status;
pub mod words;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shenbao_core::campaign::{self, CampaignError};
use shenbao_core::lang::{Lang, Said, io_reason};
use shenbao_core::project::{self, LoadError, LoadOptions, Project};
use shenbao_core::report;

/// shenbao (申报): validate, track and publish a call for entries kept in git.
#[derive(Debug, Parser)]
#[command(name = "shenbao", version, about, long_about = None)]
pub struct Cli {
    /// The campaign's folder (default: the nearest folder upwards holding campaign.yaml).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Language of messages: zh-CN or en (default: the campaign's `language`).
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the campaign and its entries.
    Check(check::Args),
    /// Validate, then write the showcase site to public/.
    Build(build::Args),
    /// Build, serve on localhost, rebuild when a file changes and reload the browser.
    Serve(serve::Args),
    /// Create a new entry file for a unit, with every field and section stubbed.
    New(new::Args),
    /// Print the entry front matter's JSON Schema (draft 2020-12).
    Schema,
    /// Show each unit's quota and deadline status.
    Status(status::Args),
    /// Print the summary roster (申报汇总表).
    Roster(roster::Args),
    /// Create a new campaign skeleton with CI files for GitHub and GitLab (in English with --lang en).
    Init(init::Args),
    /// The submission portal for units without git; `portal invite` prints login links.
    Portal(portal::Args),
    /// Tell each unit what it still lacks, by e-mail and the group robot.
    Remind(remind::Args),
    /// Print a CODEOWNERS file from the unit registry (save it as .github/CODEOWNERS).
    Codeowners,
}

/// How a command ended, when it ran.
pub enum Outcome {
    Success,
    /// Validation errors (or warnings with --deny-warnings).
    Failed,
    /// The campaign itself is unusable.
    Unusable,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failed => ExitCode::from(1),
            Outcome::Unusable => ExitCode::from(2),
        }
    }
}

/// An error that ends a command before it ran: exit status 2.
pub type CliError = Box<dyn std::error::Error>;

/// Run the command; `ui` is the language found before parsing (see `words`), for what is said
/// before the campaign is read, or when it cannot be.
pub fn run(cli: Cli, ui: Lang) -> Result<Outcome, CliError> {
    let globals = Globals {
        root: cli.root,
        lang: cli.lang,
        ui,
    };
    match cli.command {
        Command::Check(args) => check::run(&globals, args),
        Command::Build(args) => build::run(&globals, args),
        Command::Serve(args) => serve::run(&globals, args),
        Command::New(args) => new::run(&globals, args),
        Command::Schema => schema::run(&globals),
        Command::Status(args) => status::run(&globals, args),
        Command::Roster(args) => roster::run(&globals, args),
        Command::Init(args) => init::run(&globals, args),
        Command::Codeowners => codeowners::run(&globals),
        Command::Portal(args) => portal::run(&globals, args),
        Command::Remind(args) => remind::run(&globals, args),
    }
}

/// Options every command shares.
pub struct Globals {
    root: Option<PathBuf>,
    lang: Option<Lang>,
    /// `--lang`, else the language of the campaign's file as read before parsing it (so an
    /// invalid `campaign.yaml` is reported in its language), else the locale's.
    ui: Lang,
}

impl Globals {
    fn root(&self) -> Result<PathBuf, CampaignError> {
        // `--root` is where to start looking, as the current folder is without it: a folder
        // inside the campaign (`--root submissions`) finds the campaign.yaml above it.
        match &self.root {
            Some(root) => campaign::find_root(root),
            None => campaign::find_root(&std::env::current_dir().unwrap_or_default()),
        }
    }
}

/// The output formats of `check` and `build`, as the command line names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source lines with carets, for a terminal.
    Human,
    /// One JSON object with the diagnostics and a summary.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl From<Format> for report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Human => report::Format::Human,
            Format::Json => report::Format::Json,
            Format::Github => report::Format::Github,
            Format::Sarif => report::Format::Sarif,
            Format::Gitlab => report::Format::Gitlab,
        }
    }
}

/// Load the project, or print why `campaign.yaml` is unusable (in `format`) and say so.
fn load(
    globals: &Globals,
    options: LoadOptions,
    format: report::Format,
) -> Result<Result<Project, Outcome>, CliError> {
    let root = globals.root()?;
    match project::load(&root, options, &shenbao_git::Git) {
        Ok(p) => Ok(Ok(p)),
        Err(LoadError::Campaign(CampaignError::Invalid(diagnostics))) => {
            let counts = shenbao_core::diagnostic::count(&diagnostics);
            let ctx = report::Context {
                root: root.clone(),
                lang: globals.ui,
                color: color(),
                summary: report::Summary {
                    errors: counts.errors,
                    warnings: counts.warnings,
                    ..Default::default()
                },
            };
            emit(None, report::render(format, &diagnostics, &ctx).as_bytes())?;
            Ok(Err(Outcome::Unusable))
        }
        Err(e) => Err(e.into()),
    }
}

/// How to report `shown`, the diagnostics of `project` a command prints.
fn context(
    lang: Lang,
    project: &Project,
    shown: &[shenbao_core::diagnostic::Diagnostic],
) -> report::Context {
    let counts = shenbao_core::diagnostic::count(shown);
    let mut units: Vec<&str> = project.entries.iter().map(|e| e.unit.as_str()).collect();
    units.dedup();
    report::Context {
        root: project.campaign.root.clone(),
        lang,
        color: color(),
        summary: report::Summary {
            entries: project.entries.len(),
            units: units.len(),
            errors: counts.errors,
            warnings: counts.warnings,
            entries_checked: true,
        },
    }
}

/// Colour only on a terminal, and never when NO_COLOR is set.
fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn lang(globals: &Globals, project: &Project) -> Lang {
    globals.lang.unwrap_or(project.campaign.language)
}

/// A line to standard output, best effort: output that cannot be written (a closed terminal, a
/// full disk) must not stop a server or make sent reminders look unsent, so errors are ignored
/// (`println!` would panic on them).
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Write `text` to `out`, or to standard output. Not `print!`: it panics when the output
/// cannot be written (a full disk, a closed pipe); this is an error in the user's language.
fn emit(out: Option<&Path>, text: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            let path = path.display();
            Said::new(
                format!("无法写入 {path}：{}", io_reason(&e, Lang::Zh)),
                format!("cannot write {path}: {e}"),
            )
            .into()
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text)?;
            stdout.flush()?;
            Ok(())
        }
    }
}
