//! The deadline: entries that first reached the main line after it are late. Judged only with
//! a full history; a shallow clone is said once and nothing is judged.

use crate::campaign::Campaign;
use crate::diagnostic::Diagnostic;
use crate::history::History;
use crate::model::Entry;
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
