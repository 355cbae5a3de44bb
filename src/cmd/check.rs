//! `shenbao check`: validate and report.

use std::path::PathBuf;

use shenbao_core::diagnostic::{self, Diagnostic};
use shenbao_core::lang::Said;
use shenbao_core::project::{Bodies, LoadOptions};
use shenbao_core::report;
use shenbao_git::changes;

use super::{CliError, Format, Globals, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report only on these files or folders (campaign-wide rules still run).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// After the deadline: a unit short of its quota is an error.
    #[arg(long = "final")]
    final_: bool,
    /// For a pull request: report on the files changed since REV (from their merge base), plus
    /// the campaign-wide rules, and check that each commit's author may change those files.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// With --changed-since: judge every change as made by this user, whom the forge
    /// authenticated (GitHub's actor, GitLab's user login), rather than by the commits' emails,
    /// which anyone can write. `maintainers` and `organisers` may list forge user names.
    #[arg(long, value_name = "NAME", requires = "changed_since")]
    actor: Option<String>,
    /// Read git history afresh instead of from the cache in .git/.
    #[arg(long)]
    no_cache: bool,
}

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let project = match super::load(
        globals,
        LoadOptions {
            final_: args.final_,
            bodies: Bodies::Checked,
            skip_git: false,
            no_cache: args.no_cache,
        },
        args.format.into(),
    )? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let root = &project.campaign.root;
    let filters = relative_filters(root, &args.paths)?;
    let changes = match &args.changed_since {
        Some(rev) => Some(changes::since(
            &project.campaign,
            rev,
            args.actor.as_deref(),
        )?),
        None => None,
    };
    let mut all = project.diagnostics.clone();
    if let Some(c) = &changes {
        // A unit's folder-wide problems (its quota, its card, a stray file) only for the units
        // the pull request touches: another unit's shortfall is not this change's, and on a
        // forge it was one annotation per unit on every pull request. A change outside the
        // unit folders (campaign.yaml: the quotas themselves) concerns every unit.
        let touched: std::collections::BTreeSet<&str> = c
            .files
            .iter()
            .filter_map(|f| shenbao_core::paths::unit_folder_of(f))
            .collect();
        let everyone = c
            .files
            .iter()
            .any(|f| shenbao_core::paths::unit_folder_of(f).is_none());
        all.retain(|d| {
            if changes::is_per_file(&d.file) {
                c.files.contains(&d.file)
            } else {
                everyone
                    || shenbao_core::paths::unit_folder_of(&d.file)
                        .is_none_or(|unit| touched.contains(unit))
            }
        });
        all.extend(c.ownership.iter().cloned());
        diagnostic::sort(&mut all);
    }
    let shown: Vec<Diagnostic> = all
        .into_iter()
        .filter(|d| filters.is_empty() || filters.iter().any(|f| covers(f, &d.file)))
        .collect();
    let counts = diagnostic::count(&shown);
    let ctx = super::context(super::lang(globals, &project), &project, &shown);
    super::emit(
        None,
        report::render(args.format.into(), &shown, &ctx).as_bytes(),
    )?;
    if args.format == Format::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY")
    {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)?;
        file.write_all(report::step_summary(&shown, &ctx).as_bytes())?;
    }
    let failed = counts.errors > 0 || args.deny_warnings && counts.warnings > 0;
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

/// The given paths relative to the campaign root, with `/` separators.
fn relative_filters(root: &std::path::Path, paths: &[PathBuf]) -> Result<Vec<String>, CliError> {
    let cwd = std::env::current_dir()?;
    let root = root.canonicalize()?;
    paths
        .iter()
        .map(|p| {
            // Relative to the current folder; failing that, to the campaign root (with --root).
            let from_cwd = cwd.join(p);
            let base = if from_cwd.exists() {
                from_cwd
            } else if root.join(p).exists() {
                root.join(p)
            } else {
                // A typo in a CI script would otherwise check nothing and pass.
                return Err(Said::new(
                    format!("{} 不存在：没有这个文件或文件夹", p.display()),
                    format!("{}: no such file or folder", p.display()),
                )
                .into());
            };
            let abs = std::path::absolute(base)?;
            let abs = abs.canonicalize().unwrap_or(abs);
            let rel = abs.strip_prefix(&root).map_err(|_| {
                Said::new(
                    format!("{} 不在 {} 的申报活动之内", p.display(), root.display()),
                    format!(
                        "{} is not inside the campaign at {}",
                        p.display(),
                        root.display()
                    ),
                )
            })?;
            Ok(rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"))
        })
        .collect()
}

/// Whether a filter (a file or folder) covers a diagnostic's file.
fn covers(filter: &str, file: &str) -> bool {
    filter.is_empty()
        || file == filter
        || file.starts_with(filter) && file.as_bytes().get(filter.len()) == Some(&b'/')
        // A unit-level diagnostic names the folder; checking a file in it shows them too.
        || filter.starts_with(file) && filter.as_bytes().get(file.len()) == Some(&b'/') && !file.ends_with(".md")
}
