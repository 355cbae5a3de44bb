//! `shenbao serve`: build, serve on localhost, rebuild on change, reload the browser.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::serve::{self, Events, ServeOptions};
use shenbao_core::campaign::CampaignError;
use shenbao_core::diagnostic::{self, Diagnostic};
use shenbao_core::lang::Lang;
use shenbao_core::project::{LoadError, Project};
use shenbao_core::report::{self, Format};

use super::{CliError, Globals, Outcome, say};

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
    /// For the lines said before a campaign is loaded (where the server listens).
    lang: Lang,
}

impl Events for Terminal {
    fn listening(&self, url: &str) {
        say(&match self.lang {
            Lang::Zh => format!("shenbao：网站预览在 {url}（按 Ctrl+C 停止）"),
            Lang::En => format!("shenbao: serving {url} (Ctrl+C to stop)"),
        });
        if self.open {
            open(url);
        }
    }

    fn rebuilt(&self, took: Duration, project: &Project, lang: Lang) {
        let diagnostics = &project.diagnostics;
        let counts = diagnostic::count(diagnostics);
        if counts.errors > 0 {
            // The errors as `check` prints them, with the entries' own closing line.
            let errors: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.severity() == shenbao_core::problem::Severity::Error)
                .cloned()
                .collect();
            let mut ctx = super::context(lang, project, &errors);
            ctx.summary.warnings = counts.warnings;
            say(report::render(Format::Human, &errors, &ctx).trim_end());
        }
        let ms = took.as_secs_f64() * 1e3;
        say(&match lang {
            Lang::Zh => format!(
                "shenbao：检查并生成用时 {ms:.0} 毫秒（错误 {} 个，警告 {} 个）",
                counts.errors, counts.warnings
            ),
            Lang::En => format!(
                "shenbao: checked and built in {ms:.0} ms ({} errors, {} warnings)",
                counts.errors, counts.warnings
            ),
        });
    }

    fn site_failed(&self, message: &str, lang: Lang) {
        say(&format!("shenbao{}{message}", lang.pick("：", ": ")));
    }

    fn failed(&self, took: Duration, error: &LoadError, lang: Lang) {
        let ms = took.as_secs_f64() * 1e3;
        match error {
            // Where campaign.yaml is wrong, with the line and a caret, as `check` says it.
            LoadError::Campaign(CampaignError::Invalid(diagnostics)) => {
                let counts = diagnostic::count(diagnostics);
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
                say(report::render(Format::Human, diagnostics, &ctx).trim_end());
            }
            other => say(&format!(
                "shenbao{}{}",
                lang.pick("：", ": "),
                other.message(lang)
            )),
        }
        say(&match lang {
            Lang::Zh => format!("shenbao：未能生成（用时 {ms:.0} 毫秒），改正后会自动重试"),
            Lang::En => {
                format!("shenbao: not built ({ms:.0} ms); it is tried again on the next change")
            }
        });
    }
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
        lang: globals.ui,
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
