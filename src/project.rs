//! A campaign read and checked: the campaign, every entry and unit card, and all diagnostics.
//! This is the single entry point the commands use before they print, count or publish.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::campaign::{self, Campaign, CampaignError};
use crate::content::{self, Page};
use crate::diagnostic::{self, Diagnostic};
use crate::history::{self, History, HistoryError};
use crate::model::{Entry, UnitCard};
use crate::rules;
use crate::submissions::{self, UnitFolder};

/// Everything a campaign holds, checked.
#[derive(Debug)]
pub struct Project {
    pub campaign: Campaign,
    pub folders: Vec<UnitFolder>,
    /// Entries whose front matter could be read, sorted by unit folder then slug.
    pub entries: Vec<Entry>,
    pub cards: HashMap<String, UnitCard>,
    /// The free pages of `content/`, in menu order.
    pub pages: Vec<Page>,
    /// What git knows of the submissions; `None` outside a git repository.
    pub history: Option<History>,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
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

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Campaign(e) => e.fmt(f),
            LoadError::Io(e) => write!(f, "cannot list submissions/: {e}"),
            LoadError::History(e) => e.fmt(f),
        }
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
    /// Render each entry's body to HTML for the site (in the same pass that checks it).
    pub render_bodies: bool,
    /// Do not read git (arrival times, the deadline).
    pub skip_git: bool,
    /// Read git afresh instead of from the cache in `.git/`.
    pub no_cache: bool,
}

/// Load and check the campaign at `root`.
pub fn load(root: &Path, options: LoadOptions) -> Result<Project, LoadError> {
    let campaign = campaign::load(root)?;
    let folders = submissions::scan(root).map_err(LoadError::Io)?;

    let jobs: Vec<(&str, &str)> = folders
        .iter()
        .flat_map(|f| f.entries.iter().map(move |s| (f.id.as_str(), s.as_str())))
        .collect();
    // The history walk is one thread's work: it runs beside the entries' checks.
    let (history, outcomes) = rayon::join(
        || {
            if options.skip_git || !campaign.arrival_times {
                Ok(None)
            } else {
                history::read(root, !options.no_cache)
            }
        },
        || -> Vec<rules::EntryOutcome> {
            jobs.par_iter()
                .map(|(unit, slug)| {
                    rules::check_entry(&campaign, unit, slug, options.render_bodies)
                })
                .collect()
        },
    );
    let history = history.map_err(LoadError::History)?;
    let cards_checked: Vec<_> = folders
        .par_iter()
        .filter(|f| f.has_card)
        .map(|f| (f.id.clone(), rules::card::check_card(root, &f.id)))
        .collect();

    let (pages, mut diagnostics) = content::load(root);
    let mut entries = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        entries.extend(outcome.entry);
    }
    if let Some(h) = &history {
        for e in &mut entries {
            if let Some(times) = h.get(&e.file()) {
                e.arrived = Some(times.arrived.clone());
                e.changed = Some(times.changed.clone());
            }
        }
    }
    diagnostics.extend(rules::deadline::check(
        &campaign,
        history.as_ref(),
        &entries,
    ));
    let mut cards = HashMap::new();
    for (id, (card, diags)) in cards_checked {
        diagnostics.extend(diags);
        if let Some(card) = card {
            cards.insert(id, card);
        }
    }
    diagnostics.extend(rules::units::check(
        &campaign,
        &folders,
        &cards,
        &entries,
        options.final_,
    ));
    diagnostic::sort(&mut diagnostics);
    Ok(Project {
        campaign,
        folders,
        entries,
        cards,
        pages,
        history,
        diagnostics,
    })
}
