//! Rules that need every entry at once: unit folders and cards, channels, quotas, duplicate titles
//! and signed rosters.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::campaign::Campaign;
use crate::diagnostic::Diagnostic;
use crate::model::{Entry, UnitCard};
use crate::problem::{Problem, closest};
use crate::source::Pos;
use crate::submissions::UnitFolder;

/// Campaign-wide diagnostics for the folders, their cards and their entries. With `final_` (after
/// the deadline) a unit short of its minimum is an error.
pub fn check(
    campaign: &Campaign,
    folders: &[UnitFolder],
    cards: &HashMap<String, UnitCard>,
    entries: &[Entry],
    final_: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for folder in folders {
        let Some(unit) = campaign.unit(&folder.id) else {
            out.push(Diagnostic::new(
                folder.rel(),
                Pos::START,
                Problem::UnknownUnit {
                    folder: folder.id.clone(),
                    suggestion: closest(&folder.id, campaign.units.iter().map(|u| u.id.as_str())),
                },
            ));
            continue;
        };
        if let (false, Some(parent)) = (unit.submits_itself(), &unit.parent) {
            out.push(Diagnostic::new(
                folder.rel(),
                Pos::START,
                Problem::WrongChannel {
                    unit: unit.id.clone(),
                    parent: parent.clone(),
                },
            ));
        }
        if !folder.has_card {
            out.push(Diagnostic::new(
                folder.rel(),
                Pos::START,
                Problem::UnitCardMissing {
                    unit: unit.id.clone(),
                },
            ));
        }
    }

    let counts = published_counts(entries);
    for unit in &campaign.units {
        let count = counts.get(unit.id.as_str()).copied().unwrap_or(0);
        let minimum = campaign.minimum(unit);
        let folder = crate::paths::unit_folder(&unit.id);
        if count < minimum as usize {
            out.push(Diagnostic::new(
                folder.clone(),
                Pos::START,
                Problem::QuotaShort {
                    unit: unit.id.clone(),
                    name: unit.name.clone(),
                    count,
                    minimum,
                    fatal: final_,
                },
            ));
        }
        if count > 0
            && unit.submits_itself()
            && let Some(card) = cards.get(&unit.id)
            && card.roster_signed.is_none()
            // A named but unusable scan is the card's error already, saying which file.
            && !card.roster_named
        {
            out.push(Diagnostic::new(
                format!("{folder}/unit.yaml"),
                Pos::START,
                Problem::RosterUnsigned {
                    unit: unit.id.clone(),
                },
            ));
        }
    }

    // Titles compared without spaces, so a stray space does not hide a duplicate. A hash map, and
    // a copy only of titles with spaces: `serve` runs this at every save (10 ms and more at
    // 10,000 entries with a sorted map of copies).
    let mut first_by_title: HashMap<Cow<str>, &Entry> = HashMap::with_capacity(entries.len());
    for entry in entries.iter().filter(|e| !e.title.is_empty()) {
        let key: Cow<str> = if entry.title.contains(char::is_whitespace) {
            entry.title.chars().filter(|c| !c.is_whitespace()).collect()
        } else {
            Cow::Borrowed(&entry.title)
        };
        match first_by_title.get(&key) {
            Some(first) => out.push(Diagnostic::new(
                entry.file(),
                entry.title_pos,
                Problem::DuplicateEntry {
                    title: entry.title.clone(),
                    first: first.file(),
                },
            )),
            None => {
                first_by_title.insert(key, entry);
            }
        }
    }
    out
}

/// Entries that count towards a unit's quota: every entry in its folder but drafts.
pub fn published_counts(entries: &[Entry]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for e in entries.iter().filter(|e| !e.draft) {
        *counts.entry(e.unit.as_str()).or_insert(0) += 1;
    }
    counts
}
