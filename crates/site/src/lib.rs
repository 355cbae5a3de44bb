//! shenbao's showcase site (`shenbao build`). A checked project is assembled into a `model`, rendered
//! through the `theme` by `render`, and written with its exports, media and static files by
//! `output`, which swaps the new site in only when everything succeeded.

pub mod entry;
pub mod live;
pub mod media;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod theme;
pub mod thumbs;
pub mod xlsx;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use model::{Model, ModelOptions, Reuse};
use output::{OutputError, Sink, Staging};
use shenbao_core::project::Project;
use shenbao_core::summary::Summary;
use theme::ThemeError;

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub out: PathBuf,
    /// Overrides `base_url` of `campaign.yaml`.
    pub base_url: Option<String>,
    /// Publish drafts too (a preview).
    pub drafts: bool,
}

/// What a build wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildReport {
    pub out: PathBuf,
    pub pages: usize,
    pub entries: usize,
    /// Files copied from the campaign (photos, videos, data, roster scans).
    pub files: usize,
    pub thumbnails: usize,
    /// Media that could not be used (a photo that is not an image).
    pub warnings: Vec<String>,
}

/// Why a site could not be built.
#[derive(Debug)]
pub enum SiteError {
    Theme(ThemeError),
    /// A template failed to parse or render: its file and line are in the error.
    Template(minijinja::Error),
    Output(OutputError),
    Xlsx(rust_xlsxwriter::XlsxError),
    /// An entry file that is no longer the text that was checked when its page is written.
    Changed(String),
}

impl SiteError {
    /// What went wrong, in `lang` (a template's and the workbook writer's own words after it).
    pub fn message(&self, lang: shenbao_core::lang::Lang) -> String {
        match self {
            SiteError::Theme(e) => e.message(lang),
            // minijinja's message names the template and line.
            SiteError::Template(e) => format!("{}{e}", lang.pick("模板错误：", "template error: ")),
            SiteError::Output(e) => e.message(lang),
            SiteError::Xlsx(e) => format!(
                "{}{e}",
                lang.pick("无法写入 roster.xlsx：", "cannot write roster.xlsx: ")
            ),
            SiteError::Changed(file) => lang
                .pick(
                    "{file} 在检查之后、写出网页之前被改动、删除或替换，网站未生成；请重新运行 shenbao build",
                    "{file} was changed, removed or replaced after it was checked and before its page was written, so the site was not built; run shenbao build again",
                )
                .replace("{file}", file),
        }
    }
}

impl std::fmt::Display for SiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(shenbao_core::lang::Lang::En))
    }
}

impl std::error::Error for SiteError {}

impl From<OutputError> for SiteError {
    fn from(e: OutputError) -> Self {
        SiteError::Output(e)
    }
}

impl From<ThemeError> for SiteError {
    fn from(e: ThemeError) -> Self {
        SiteError::Theme(e)
    }
}

/// Told how a long build goes; the command line shows it as a progress bar.
pub trait Progress: Sync {
    fn start(&self, _total: u64) {}
    fn advance(&self, _n: u64) {}
}

/// No progress to show.
pub struct Quiet;

impl Progress for Quiet {}

/// Build the site of a checked project and its summary (the caller refuses a project with
/// errors).
pub fn build(
    project: &Project,
    summary: &Summary,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, SiteError> {
    let root = &project.campaign.root;
    let out = if options.out.is_absolute() {
        options.out.clone()
    } else {
        root.join(&options.out)
    };
    let staging = Staging::new(root, &out)?;
    let previous = staging.previous().map(|p| p.join("thumbs"));
    let (written, model) = write_site(project, summary, options, previous, &staging, progress)?;
    // Freeing the model (every entry's view, HTML and text) took a tenth of a second at
    // 10,000 entries, on one core, at the very end: it is done beside the rest, and a one-shot
    // build ends without waiting for it. Without a thread to spare, it is freed here.
    let _ = std::thread::Builder::new().spawn(move || drop(model));
    let out = staging.commit()?;
    Ok(BuildReport { out, ..written })
}

/// The whole site in memory, for `serve`: the same pages and files `build` writes.
/// `thumbs` is a folder of thumbnails from earlier builds, to reuse.
pub fn build_in_memory(
    project: &Project,
    summary: &Summary,
    options: &BuildOptions,
    thumbs: Option<PathBuf>,
) -> Result<(BuildReport, output::Memory), SiteError> {
    let memory = output::Memory::default();
    let (report, _) = write_site(project, summary, options, thumbs, &memory, &Quiet)?;
    Ok((report, memory))
}

/// The whole site written into `sink` (a preview of one entry keeps it in memory, and the
/// entry's files where they are).
pub fn build_into(
    project: &Project,
    summary: &Summary,
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<BuildReport, SiteError> {
    Ok(write_site(project, summary, options, None, sink, &Quiet)?.0)
}

/// Render and write every page, export and file of the site into `sink`; the model they were
/// made from, for the caller to drop.
fn write_site(
    project: &Project,
    summary: &Summary,
    options: &BuildOptions,
    previous_thumbs: Option<PathBuf>,
    sink: &dyn Sink,
    progress: &dyn Progress,
) -> Result<(BuildReport, Model), SiteError> {
    let root = &project.campaign.root;
    let theme = theme::load(root, project.campaign.theme.as_deref())?;
    let shown = model::shown(project, options.drafts);
    let media = media::read(&project.campaign, &shown, previous_thumbs.as_deref());
    let model = model::assemble(
        project,
        summary,
        &media,
        &model_options(options),
        &Reuse::default(),
    );
    progress.start((render::page_count(&model) + model.copies.len()) as u64);
    // The exports are single-threaded work (the workbook above all): they run beside the pages.
    let (pages, (rest, entries)) = rayon::join(
        || render::render_lists(&theme.env, &model, sink, progress),
        || {
            rayon::join(
                || {
                    write_rest(
                        project,
                        &model,
                        &media.thumbs,
                        &theme,
                        sink,
                        progress,
                        Exports::Downloads,
                    )
                },
                || write_entries(project, &model, &theme, sink, progress),
            )
        },
    );
    // The entries' own pages were written with the index.
    let pages = pages? + model.entries.len();
    rest?;
    entries?;
    let report = BuildReport {
        out: options.out.clone(),
        pages,
        entries: model.entries.len(),
        files: model.copies.len(),
        thumbnails: media.thumbs.len(),
        warnings: media.warnings,
    };
    Ok((report, model))
}

/// Each entry's page and its part of the search index, made from one rendering of its body:
/// the one the model holds, or one made again from the entry's file (a large campaign is
/// checked without keeping its bodies, so that they are never all in memory at once).
fn write_entries(
    project: &Project,
    model: &Model,
    theme: &theme::Theme,
    sink: &dyn Sink,
    progress: &dyn Progress,
) -> Result<(), SiteError> {
    let pages = render::EntryPages::new(&theme.env, model)?;
    let disk = shenbao_core::files::Disk::new(&project.campaign.root);
    search::write_with(&model.entries, sink, |view| {
        let (body, text) = match view.checked_text {
            None => (Arc::clone(&view.body), Arc::clone(&view.text)),
            Some(checked) => {
                let body = shenbao_core::rules::render_body(&disk, &view.unit, &view.slug, checked)
                    .ok_or_else(|| {
                        SiteError::Changed(shenbao_core::paths::entry_file(&view.unit, &view.slug))
                    })?;
                let text = model::public_text(view.draft, body.text.into());
                (body.html.into(), text)
            }
        };
        let (file, html) = pages.render(view, body)?;
        sink.write(&file, html.as_bytes())?;
        progress.advance(1);
        Ok(text)
    })
}

fn model_options(options: &BuildOptions) -> ModelOptions {
    ModelOptions {
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        no_media: false,
    }
}

/// Everything but the pages: the exports, the entries' files and thumbnails, the static files.
fn write_rest(
    project: &Project,
    model: &Model,
    thumbs: &[media::Thumbnail],
    theme: &theme::Theme,
    sink: &dyn Sink,
    progress: &dyn Progress,
    exports: Exports,
) -> Result<(), SiteError> {
    write_exports(project, model, sink, exports)?;
    model.copies.par_iter().try_for_each(|c| {
        sink.copy(&c.from, &c.to)?;
        progress.advance(1);
        Ok::<(), OutputError>(())
    })?;
    thumbs
        .par_iter()
        .try_for_each(|(name, bytes)| sink.write(&format!("thumbs/{name}"), bytes))?;
    for (name, bytes) in &theme.statics {
        sink.write(&format!("static/{name}"), bytes)?;
    }
    Ok(())
}

/// The roster as one HTML file with its styles inlined, to print or mail without the site: the
/// whole roster, or one unit's page with the lines for signature and stamp. `back`: where a
/// link on the unit's page leads back to (the portal's home, and what it says); none from a file.
pub fn roster_html(
    project: &Project,
    summary: &Summary,
    unit: Option<&str>,
    back: Option<(&str, &str)>,
) -> Result<String, SiteError> {
    let theme = theme::load(&project.campaign.root, project.campaign.theme.as_deref())?;
    let model = model::assemble(
        project,
        summary,
        &media::Media::default(),
        &ModelOptions {
            no_media: true,
            ..ModelOptions::default()
        },
        &Reuse::default(),
    );
    // A unit with nothing published yet still gets its own (empty) sheet, never the whole
    // roster.
    let empty;
    let chosen = match unit {
        None => None,
        Some(id) => match model.roster.units.iter().find(|u| u.id == id) {
            Some(u) => Some(u),
            None => {
                empty = shenbao_core::roster::RosterUnit {
                    id: id.to_string(),
                    name: project
                        .campaign
                        .unit(id)
                        .map_or(id.to_string(), |u| u.name.clone()),
                    leader: project.cards.get(id).map(|c| c.leader.clone()),
                    entries: Vec::new(),
                };
                Some(&empty)
            }
        },
    };
    render::roster_alone(&theme, &model, chosen, back).map_err(SiteError::Template)
}

/// What a write makes of the exports beside the showcase's units: `serve` writes the downloads
/// after the pages are up (`write_downloads`). The search index is written apart: with the
/// entries' pages by a build, kept and brought up to date by `serve`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exports {
    ShowcaseUnits,
    Downloads,
}

/// The roster as CSV, XLSX and JSON, every entry as JSON, and the showcase's list of units.
fn write_exports(
    project: &Project,
    model: &Model,
    out: &dyn Sink,
    exports: Exports,
) -> Result<(), SiteError> {
    out.write("entries/units.json", &entry::showcase_units(model))?;
    if exports == Exports::Downloads {
        write_downloads(
            &project.campaign.title,
            project.campaign.language,
            model,
            out,
        )?;
    }
    Ok(())
}

/// The roster as CSV, JSON and XLSX, and every entry as JSON.
fn write_downloads(
    title: &str,
    lang: shenbao_core::lang::Lang,
    model: &Model,
    out: &dyn Sink,
) -> Result<(), SiteError> {
    let (xlsx, rest) = rayon::join(
        || {
            let xlsx = xlsx::roster(&model.roster, title, lang).map_err(SiteError::Xlsx)?;
            out.write("roster.xlsx", &xlsx).map_err(SiteError::from)
        },
        || {
            out.write("roster.csv", model.roster.to_csv(lang).as_bytes())?;
            out.write("roster.json", model.roster.to_json().as_bytes())?;
            out.write("entries.json", &entry::entries_json(model))?;
            Ok::<(), OutputError>(())
        },
    );
    xlsx?;
    rest.map_err(SiteError::from)
}

/// The output folder a build writes by default, relative to the campaign root.
pub fn default_out() -> &'static Path {
    Path::new("public")
}
