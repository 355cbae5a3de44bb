//! What the main line's times say: entries that first reached it after the deadline are late,
//! and a signed roster older than some of its unit's entries is out of date. Judged only with a
//! full history; a shallow clone is said once and nothing is judged.

use std::collections::HashMap;

use crate::campaign::Campaign;
use crate::diagnostic::Diagnostic;
use crate::history::History;
use crate::model::{Entry, UnitCard};
use crate::problem::Problem;
use crate::source::Pos;

/// Where the shallow-clone warning points: the repository, not a file of it.
pub const REPOSITORY: &str = ".";

pub fn check(campaign: &Campaign, history: Option<&History>, entries: &[Entry]) -> Vec<Diagnostic> {
    let Some(history) = history else {
        return Vec::new();
    };
    if history.shallow {
        return vec![Diagnostic::new(
            REPOSITORY,
            Pos::START,
            Problem::ShallowClone,
        )];
    }
    entries
        .iter()
        .filter(|e| !e.draft)
        .filter_map(|e| {
            // A unit granted an extension (补报) is judged by its own date.
            let deadline = campaign.deadline_for(&e.unit)?;
            let arrived = e.arrived.as_ref()?;
            let at = jiff::Timestamp::from_second(arrived.time).ok()?;
            (at > deadline.at).then(|| {
                Diagnostic::new(
                    e.file(),
                    e.title_pos,
                    Problem::LateSubmission {
                        arrived: at,
                        deadline: deadline.clone(),
                        commit: arrived.short().to_string(),
                    },
                )
            })
        })
        .collect()
}

/// Signed rosters older than some of their unit's entries: a unit that uploaded its signed sheet
/// and then submitted more, or changed one (its title, its scope, or a draft made an entry),
/// has a sheet that does not show them as they are. Judged by when each submitted entry last
/// changed on the main line (when it became submitted is not kept apart: a draft submitted
/// after the signing changed then), against when the scan last changed there.
pub fn outdated_rosters(
    history: Option<&History>,
    cards: &HashMap<String, UnitCard>,
    entries: &[Entry],
) -> Vec<Diagnostic> {
    let Some(history) = history.filter(|h| !h.shallow) else {
        return Vec::new();
    };
    let mut units: Vec<(&String, &UnitCard)> = cards.iter().collect();
    units.sort_by_key(|(unit, _)| *unit);
    units
        .into_iter()
        .filter_map(|(unit, card)| {
            let file = card.roster_signed.as_deref()?;
            let folder = crate::paths::unit_folder(unit);
            let scan = file.trim_start_matches("./");
            let signed = history.get(&format!("{folder}/{scan}"))?.changed.time;
            let later: Vec<String> = entries
                .iter()
                .filter(|e| e.unit == *unit && !e.draft)
                .filter(|e| e.changed.as_ref().is_some_and(|c| c.time > signed))
                .map(|e| e.title.clone())
                .collect();
            (!later.is_empty()).then(|| {
                Diagnostic::new(
                    format!("{folder}/unit.yaml"),
                    Pos::START,
                    Problem::RosterOutdated {
                        unit: unit.clone(),
                        file: file.to_string(),
                        later,
                    },
                )
            })
        })
        .collect()
}

/// Whether the entry counts as submitted: without git every entry on disk does; with a full
/// history only those committed.
pub fn submitted(history: Option<&History>, entry: &Entry) -> bool {
    match history {
        Some(h) if !h.shallow => entry.arrived.is_some(),
        _ => true,
    }
}

/// Whether the entry arrived after the deadline (never when it is not committed).
pub fn is_late(campaign: &Campaign, entry: &Entry) -> bool {
    match (campaign.deadline_for(&entry.unit), &entry.arrived) {
        (Some(d), Some(a)) => a.time > d.at.as_second(),
        _ => false,
    }
}
