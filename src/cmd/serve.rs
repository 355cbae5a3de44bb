//! `shenbao serve`: build, serve on localhost, rebuild on change, reload the browser.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::serve::{self, Events, ServeOptions};
use shenbao_core::diagnostic::{self, Diagnostic};
use shenbao_core::lang::Lang;
use shenbao_core::report::{self, Format};

use super::{CliError, Globals, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 4000)]
    port: u16,
    /// The address to listen on; only this machine by default.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Show draft entries too.
    #[arg(long)]
    drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

/// Prints what happens to the terminal.
struct Terminal {
    root: std::path::PathBuf,
    open: bool,
}

impl Events for Terminal {
    fn listening(&self, url: &str) {
        say(&format!("shenbao: serving {url} (Ctrl+C to stop)"));
        if self.open {
            open(url);
        }
    }

    fn rebuilt(&self, took: Duration, diagnostics: &[Diagnostic], lang: Lang) {
        let counts = diagnostic::count(diagnostics);
        if counts.errors > 0 {
            let ctx = report::Context {
                root: self.root.clone(),
                lang,
                color: super::color(),
                summary: report::Summary {
                    errors: counts.errors,
                    warnings: counts.warnings,
                    ..Default::default()
                },
            };
            let errors: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.severity() == shenbao_core::problem::Severity::Error)
                .cloned()
                .collect();
            say(report::render(Format::Human, &errors, &ctx).trim_end());
        }
        say(&format!(
            "shenbao: {} {:.0} ms ({} errors, {} warnings)",
            lang.pick("检查并生成用时", "checked and built in"),
            took.as_secs_f64() * 1e3,
            counts.errors,
            counts.warnings
        ));
    }

    fn failed(&self, took: Duration, message: &str) {
        say(&format!(
            "shenbao: {message} ({:.0} ms)",
            took.as_secs_f64() * 1e3
        ));
    }
}

/// A line to the terminal. A closed terminal must not stop the server, so errors are ignored
/// (`println!` would panic on them).
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Best effort: a browser that does not open is not an error.
fn open(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let root = globals.root()?;
    let events = Arc::new(Terminal {
        root: root.clone(),
        open: args.open,
    });
    serve::run(
        ServeOptions {
            root,
            addr: SocketAddr::new(args.bind, args.port),
            drafts: args.drafts,
            lang: globals.lang,
        },
        events,
    )?;
    Ok(Outcome::Success)
}
