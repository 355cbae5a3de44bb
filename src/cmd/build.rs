//! `shenbao build`: validate, then write the site.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use shenbao_core::diagnostic;
use shenbao_core::lang::{Lang, en_count};
use shenbao_core::problem::Severity;
use shenbao_core::project::{Bodies, LoadOptions};
use shenbao_core::report;
use shenbao_core::summary::Summary;
use shenbao_site::{self, BuildOptions, Progress};

use super::{CliError, Format, Globals, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the site (default: public/ in the campaign).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Where the site will be served, e.g. /award/2017/ (default: base_url of campaign.yaml).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Publish draft entries too, for a preview.
    #[arg(long)]
    drafts: bool,
    /// Read git history afresh instead of from the cache in .git/.
    #[arg(long)]
    no_cache: bool,
    /// How to print diagnostics when the campaign has errors.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Said once when the site's full address is unknown: which outputs need it, and where to give it.
fn no_address(lang: shenbao_core::lang::Lang, base: &str) -> String {
    lang.pick(
        "shenbao：警告：base_url `{base}` 不是网站的完整地址（如 https://example.org/award/）。订阅源 feed.xml 和站点地图 sitemap.xml 须用完整网址，现在只能写成路径；请在 campaign.yaml 中写明 base_url，或用 --base-url 指定",
        "shenbao: warning: base_url `{base}` is not the site's full address (like https://example.org/award/). The feed (feed.xml) and the sitemap (sitemap.xml) need full URLs and now carry paths only: set base_url in campaign.yaml, or pass --base-url",
    )
    .replace("{base}", base)
}

/// Below this many pages a build is too quick for a progress bar to help.
const BAR_FROM: u64 = 2_000;

/// A progress bar on a terminal; nothing otherwise.
struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(bar) = &self.0 {
            if total < BAR_FROM {
                bar.finish_and_clear();
                return;
            }
            bar.set_length(total);
            bar.reset();
        }
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }
}

/// A build's heaps grow by gigabytes at 100,000 entries. glibc makes each thread's heap usable
/// as it grows, one `mprotect` call per step of a few pages: 240,000 calls at 100,000 entries,
/// with the system time they cost (7.0 → 6.2 s of it, 11.6 → 10.9 s wall, median of 4). Asked
/// to keep 64 MiB spare at the top, it makes each new heap (64 MiB at most) usable at once; a
/// page costs memory only once it is written (peak 2,127 → 2,132 MB). Only here: `serve`
/// would keep that much of each heap after freeing it.
fn grow_heaps_at_once() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sets one of the allocator's parameters, under its own lock; no memory is touched.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

/// Up to this many entries, and this many bytes of HTML and text, each body is rendered as it
/// is checked and held until its page is written (about 13 KB an entry on the generated
/// campaigns: 20,000 entries hold 260 MB). Past either, a body is rendered again from its file
/// when its page is written, and memory no longer grows with the bodies: 100,000 entries held
/// theirs at once, 2.1 GB at the peak, and the bytes bound a campaign of few entries with
/// large bodies (an entry file may be 2 MB; its HTML and text come to twice that and more).
const HELD_BODIES: usize = 20_000;
const HELD_BODY_BYTES: usize = 512 << 20;

pub fn run(globals: &Globals, args: Args) -> Result<Outcome, CliError> {
    let started = Instant::now();
    grow_heaps_at_once();
    let project = match super::load(
        globals,
        LoadOptions {
            final_: false,
            bodies: Bodies::RenderedWithin {
                entries: HELD_BODIES,
                bytes: HELD_BODY_BYTES,
            },
            skip_git: false,
            no_cache: args.no_cache,
        },
        args.format.into(),
    )? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    // Errors in drafts that are not published, and late arrivals, do not stop the site of
    // everyone else's entries (see `Diagnostic::stops_the_site`); they are counted below.
    let stopping = project
        .diagnostics
        .iter()
        .filter(|d| d.stops_the_site(args.drafts))
        .count();
    let in_drafts = project
        .diagnostics
        .iter()
        .filter(|d| !args.drafts && d.in_draft && d.severity() == Severity::Error)
        .count();
    let late = project
        .diagnostics
        .iter()
        .filter(|d| d.code() == "late-submission" && (args.drafts || !d.in_draft))
        .count();
    let counts = diagnostic::count(&project.diagnostics);
    let lang = super::lang(globals, &project);
    if stopping > 0 {
        let ctx = super::context(lang, &project, &project.diagnostics);
        super::emit(
            None,
            report::render(args.format.into(), &project.diagnostics, &ctx).as_bytes(),
        )?;
        eprintln!(
            "{}",
            match lang {
                Lang::Zh =>
                    format!("shenbao：有 {stopping} 个错误，未生成网站；改正上面的错误后再运行"),
                Lang::En => format!(
                    "shenbao: the site was not built because of the {} above",
                    en_count(stopping, "error", "errors")
                ),
            }
        );
        return Ok(Outcome::Failed);
    }
    if in_drafts > 0 {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "shenbao：注意：草稿中有 {in_drafts} 个错误；草稿不发布，网站照常生成（`shenbao check` 可查看）"
                ),
                Lang::En => format!(
                    "shenbao: note: {} in drafts; drafts are not published, so the site is built (see `shenbao check`)",
                    en_count(in_drafts, "error", "errors")
                ),
            }
        );
    }
    if late > 0 {
        eprintln!(
            "{}",
            lang.pick(
                "shenbao：注意：{n} 个项目逾期提交；网站照常生成，申报进度页标明逾期（`shenbao check` 可查看）",
                "shenbao: note: {n} entr(ies) arrived late; the site is built, and its status page shows them late (see `shenbao check`)"
            )
            .replace("{n}", &late.to_string())
        );
    }
    let out = match &args.out {
        Some(out) => std::path::absolute(out)?,
        None => project.campaign.root.join(shenbao_site::default_out()),
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = Bar(bar);
    let summary = Summary::of(&project, args.drafts);
    let report = shenbao_site::build(
        &project,
        &summary,
        &BuildOptions {
            out,
            base_url: args.base_url.clone(),
            drafts: args.drafts,
        },
        &progress,
    )?;
    if let Some(bar) = &progress.0 {
        bar.finish_and_clear();
    }
    for warning in &report.warnings {
        // The file, the photo, and the image decoder's own words.
        eprintln!(
            "{}{warning}",
            lang.pick("shenbao：警告：", "shenbao: warning: ")
        );
    }
    let base = args
        .base_url
        .as_deref()
        .unwrap_or(&project.campaign.base_url);
    if shenbao_site::model::address(&shenbao_site::model::normalise_base(base)).is_none() {
        eprintln!("{}", no_address(lang, base));
    }
    let seconds = started.elapsed().as_secs_f64();
    let warnings = if counts.warnings > 0 {
        lang.pick(
            "（另有 {n} 条警告，`shenbao check` 可查看）",
            " ({n} warnings: see `shenbao check`)",
        )
        .replace("{n}", &counts.warnings.to_string())
    } else {
        String::new()
    };
    eprintln!(
        "{}{warnings}",
        lang.pick(
            "已生成 {pages} 个页面、{entries} 个项目，用时 {s} 秒 → {out}",
            "built {pages} pages, {entries} entries in {s} s → {out}"
        )
        .replace("{pages}", &report.pages.to_string())
        .replace("{entries}", &report.entries.to_string())
        .replace("{s}", &format!("{seconds:.2}"))
        .replace("{out}", &report.out.display().to_string())
    );
    // The program ends here: freeing every loaded entry first would only delay that.
    std::mem::forget(project);
    Ok(Outcome::Success)
}
