//! A campaign read and checked: the campaign, every entry and unit card, and all diagnostics.
//! This is the single entry point the commands use before they print, count or publish.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::campaign::{self, Campaign, CampaignError};
use crate::content::{self, Page};
use crate::diagnostic::{self, Diagnostic};
use crate::files::{Disk, Files, Stat};
use crate::history::{History, HistoryError, HistorySource};
use crate::model::{Entry, UnitCard};
use crate::paths::{self, EntryId};
use crate::rules;
use crate::submissions::{self, UnitFolder};

/// Everything a campaign holds, checked.
#[derive(Debug)]
pub struct Project {
    pub campaign: Campaign,
    pub folders: Vec<UnitFolder>,
    /// Files beside the unit folders that look like entries: read by nothing, pointed out.
    pub loose: Vec<String>,
    /// Entries whose front matter could be read, sorted by unit folder then slug.
    pub entries: Vec<Entry>,
    pub cards: HashMap<String, UnitCard>,
    /// The free pages of `content/`, in menu order.
    pub pages: Vec<Page>,
    /// What git knows of the submissions; `None` outside a git repository.
    pub history: Option<History>,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Each entry file's own diagnostics (files without any are left out), so that one entry
    /// can be checked again alone.
    entry_diagnostics: HashMap<String, Vec<Diagnostic>>,
    /// The cards' and the free pages' diagnostics.
    fixed_diagnostics: Vec<Diagnostic>,
    options: LoadOptions,
}

/// Why a project could not be loaded at all (as opposed to loaded with diagnostics).
#[derive(Debug)]
pub enum LoadError {
    Campaign(CampaignError),
    /// `submissions/` could not be listed.
    Io(std::io::Error),
    /// The repository exists but its history cannot be read.
    History(HistoryError),
}

impl LoadError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        match self {
            LoadError::Campaign(e) => e.message(lang),
            LoadError::Io(e) => lang
                .pick(
                    "无法列出 submissions/ 中的文件：{e}",
                    "cannot list submissions/: {e}",
                )
                .replace("{e}", &crate::lang::io_reason(e, lang)),
            LoadError::History(e) => e.message(lang),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::lang::Lang::En))
    }
}

impl std::error::Error for LoadError {}

impl From<CampaignError> for LoadError {
    fn from(e: CampaignError) -> Self {
        LoadError::Campaign(e)
    }
}

/// How a project is loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// After the deadline: a unit short of its minimum is an error (`check --final`).
    pub final_: bool,
    /// What is made of each entry's body beside checking it.
    pub bodies: Bodies,
    /// Do not read git (arrival times, the deadline).
    pub skip_git: bool,
    /// Read git afresh instead of from the cache in `.git/`.
    pub no_cache: bool,
}

/// What loading makes of each entry's body beside checking it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bodies {
    /// Nothing: checking alone (`check`, the portal).
    #[default]
    Checked,
    /// Its HTML and text for the site, made in the same pass that checks it and kept with the
    /// entry (`serve`).
    Rendered,
    /// Rendered and kept while the bodies kept come to at most `bytes` of HTML and text, in a
    /// campaign of at most `entries` entries; the others (every one in a larger campaign) are
    /// checked alone, and the site renders each again from its file as it writes the entry's
    /// page (`build`: 100,000 bodies held at once are 1.3 GB of HTML and text, and a campaign of
    /// few entries may have bodies of megabytes each).
    RenderedWithin { entries: usize, bytes: usize },
}

impl Bodies {
    /// How the bodies of a campaign of `entries` entries are rendered as they are checked: all,
    /// none, or within room for so many bytes.
    fn rendering(self, entries: usize) -> Option<Option<usize>> {
        match self {
            Bodies::Checked => None,
            Bodies::Rendered => Some(None),
            Bodies::RenderedWithin { entries: most, .. } if entries > most => None,
            Bodies::RenderedWithin { bytes, .. } => Some(Some(bytes)),
        }
    }
}

/// Load and check the campaign at `root`, with its arrival times from `history` (unless the
/// options or the campaign say not to read them).
pub fn load(
    root: &Path,
    options: LoadOptions,
    history: &dyn HistorySource,
) -> Result<Project, LoadError> {
    let campaign = campaign::load(root)?;
    let disk = Disk::new(root);
    let submissions::Scanned { folders, loose } = submissions::scan(root).map_err(LoadError::Io)?;

    let jobs: Vec<(&str, &str)> = folders
        .iter()
        .flat_map(|f| f.entries.iter().map(move |s| (f.id.as_str(), s.as_str())))
        .collect();
    let rendering = options.bodies.rendering(jobs.len());
    let held = rendering.flatten().map(rules::HeldBodies::new);
    // Entries checked again later (`recheck`) are rendered as these were.
    let options = LoadOptions {
        bodies: if rendering.is_some() {
            Bodies::Rendered
        } else {
            Bodies::Checked
        },
        ..options
    };
    // The history walk runs beside the entries' checks (its comparisons on threads of its own).
    let (history, mut outcomes) = rayon::join(
        || {
            if options.skip_git || !campaign.arrival_times {
                Ok(None)
            } else {
                history.read(root, !options.no_cache)
            }
        },
        || -> Vec<rules::EntryOutcome> {
            let check = || {
                jobs.par_iter()
                    .map(|(unit, slug)| match &held {
                        Some(held) => rules::check_entry_within(&campaign, &disk, unit, slug, held),
                        None => {
                            rules::check_entry(&campaign, &disk, unit, slug, rendering.is_some())
                        }
                    })
                    .collect()
            };
            match reading_pool() {
                Some(pool) => pool.install(check),
                None => check(),
            }
        },
    );
    let history = history.map_err(LoadError::History)?;
    let cards_checked: Vec<_> = folders
        .par_iter()
        .filter(|f| f.has_card)
        .map(|f| (f.id.clone(), rules::card::check_card(&disk, &f.id)))
        .collect();

    let (pages, fixed) = content::load(root);
    let mut fixed = fixed;
    let mut entry_diagnostics = HashMap::new();
    for (outcome, (unit, slug)) in outcomes.iter_mut().zip(&jobs) {
        // Most entries have none: only those that have are kept (a key made for each of
        // 100,000 entries cost a tenth of a second on one core).
        if !outcome.diagnostics.is_empty() {
            let diagnostics = std::mem::take(&mut outcome.diagnostics);
            entry_diagnostics.insert(paths::entry_file(unit, slug), diagnostics);
        }
    }
    // Collected in the outcomes' own memory, not copied into a new list of 100,000 entries.
    let mut entries: Vec<Entry> = outcomes.into_iter().filter_map(|o| o.entry).collect();
    if let Some(h) = &history {
        entries.par_iter_mut().for_each(|e| stamp(h, e));
    }
    let mut cards = HashMap::new();
    for (id, (card, diags)) in cards_checked {
        fixed.extend(diags);
        if let Some(card) = card {
            cards.insert(id, card);
        }
    }
    let mut project = Project {
        campaign,
        folders,
        loose,
        entries,
        cards,
        pages,
        history,
        diagnostics: Vec::new(),
        entry_diagnostics,
        fixed_diagnostics: fixed,
        options,
    };
    project.gather();
    Ok(project)
}

/// The threads that read and check the entries: four per core. Files the system does not hold
/// in memory (a first build, a large campaign it has since evicted) are waited for, and with a
/// thread per core the cores then sit idle. More threads keep more reads in flight: 100,000
/// entries read cold took 14–16 s to build instead of 21, and the same warm. `None` when the
/// threads cannot be made: the shared pool then does the work.
fn reading_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads() * 4)
            .thread_name(|i| format!("shenbao-read-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

fn stamp(history: &History, e: &mut Entry) {
    if let Some(times) = history.get(&e.file()) {
        e.arrived = Some(times.arrived.clone());
        e.changed = Some(times.changed.clone());
    }
}

impl Project {
    /// The campaign with only `entry` in it, and only its unit's card: what a preview of one
    /// entry, saved or not, is built from. Nothing of another unit comes along.
    pub fn only(&self, entry: Entry) -> Project {
        let unit = entry.unit.clone();
        Project {
            campaign: self.campaign.clone(),
            folders: self
                .folders
                .iter()
                .filter(|f| f.id == unit)
                .map(|f| UnitFolder {
                    entries: vec![entry.slug.clone()],
                    ..f.clone()
                })
                .collect(),
            loose: Vec::new(),
            cards: self
                .cards
                .get(&unit)
                .map(|c| HashMap::from([(unit.clone(), c.clone())]))
                .unwrap_or_default(),
            entries: vec![entry],
            pages: self.pages.clone(),
            history: None,
            diagnostics: Vec::new(),
            entry_diagnostics: HashMap::new(),
            fixed_diagnostics: Vec::new(),
            options: self.options,
        }
    }

    /// Read and check again the entries at these paths (relative to the root,
    /// `submissions/<unit>/<slug>.md`), added, changed or deleted since the load, and the
    /// campaign-wide rules after them. `false` when a path is not an entry of an existing unit
    /// folder: load the whole campaign again then.
    pub fn recheck(&mut self, paths: &[String]) -> bool {
        let mut targets = Vec::new();
        for rel in paths {
            let Some(EntryId { unit, slug }) = EntryId::of_file(rel) else {
                return false;
            };
            let Some(folder) = self.folders.iter().find(|f| f.id == unit) else {
                return false;
            };
            // An entry come or gone beside a folder of its name changes what that folder is (its
            // own attachments, or one whose `.md` files nothing reads): the folder's files are
            // listed again with the rest.
            let disk = Disk::new(&self.campaign.root);
            let was = folder.entries.contains(&slug);
            let is = matches!(disk.stat(rel, ""), Stat::File { .. } | Stat::Escapes);
            if was != is && disk.stat(&paths::attachment_folder(&unit, &slug), "") == Stat::Dir {
                return false;
            }
            targets.push((unit, slug, rel.clone()));
        }
        for (unit, slug, rel) in targets {
            let disk = Disk::new(&self.campaign.root);
            let exists = matches!(disk.stat(&rel, ""), Stat::File { .. } | Stat::Escapes);
            let folder = self.folders.iter_mut().find(|f| f.id == unit);
            let at = self
                .entries
                .binary_search_by(|e| paths::entry_order((&e.unit, &e.slug), (&unit, &slug)));
            if let Ok(i) = at {
                self.entries.remove(i);
            }
            if let Some(folder) = folder {
                folder.entries.retain(|s| *s != slug);
                if exists {
                    folder.entries.push(slug.clone());
                    folder.entries.sort_by(|a, b| paths::slug_order(a, b));
                }
            }
            self.entry_diagnostics.remove(&rel);
            if !exists {
                continue;
            }
            let outcome = rules::check_entry(
                &self.campaign,
                &disk,
                &unit,
                &slug,
                self.options.bodies == Bodies::Rendered,
            );
            if !outcome.diagnostics.is_empty() {
                self.entry_diagnostics.insert(rel, outcome.diagnostics);
            }
            if let Some(mut entry) = outcome.entry {
                if let Some(h) = &self.history {
                    stamp(h, &mut entry);
                }
                let at = self
                    .entries
                    .binary_search_by(|e| paths::entry_order((&e.unit, &e.slug), (&unit, &slug)))
                    .unwrap_or_else(|i| i);
                self.entries.insert(at, entry);
            }
        }
        self.gather();
        true
    }

    /// All diagnostics: each entry's, the cards' and pages', and the campaign-wide rules run now.
    fn gather(&mut self) {
        let mut all: Vec<Diagnostic> = self
            .entry_diagnostics
            .values()
            .flatten()
            .chain(&self.fixed_diagnostics)
            .cloned()
            .collect();
        all.extend(rules::deadline::check(
            &self.campaign,
            self.history.as_ref(),
            &self.entries,
        ));
        all.extend(rules::deadline::outdated_rosters(
            self.history.as_ref(),
            &self.cards,
            &self.entries,
        ));
        all.extend(rules::units::check(
            &self.campaign,
            &self.folders,
            &self.loose,
            &self.cards,
            &self.entries,
            self.options.final_,
        ));
        diagnostic::sort(&mut all);
        self.diagnostics = all;
    }
}
