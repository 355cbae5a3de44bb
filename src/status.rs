//! Quota and deadline status per unit: who has submitted, who is short, who has nothing.

use serde::Serialize;

use crate::campaign::Campaign;
use crate::model::Entry;
use crate::project::Project;

/// Where a unit stands against its minimum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Nothing submitted.
    None,
    /// Some, fewer than the minimum.
    Short,
    /// At least the minimum.
    Met,
}

/// One registered unit's standing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitStatus {
    pub id: String,
    pub name: String,
    /// The unit type's id.
    #[serde(rename = "type")]
    pub unit_type: String,
    pub minimum: u32,
    /// Published entries (drafts do not count). A unit that submits through its parent counts the
    /// parent's entries naming it as `implementing_unit`.
    pub entries: usize,
    /// Entries that arrived after the deadline.
    pub late: usize,
    pub roster_signed: bool,
    pub state: State,
}

/// Every registered unit, those with nothing first, then those short of their minimum, then the
/// rest; in registry order within each group.
pub fn status(project: &Project) -> Vec<UnitStatus> {
    let campaign = &project.campaign;
    let published: Vec<&Entry> = project.entries.iter().filter(|e| !e.draft).collect();
    let mut out: Vec<UnitStatus> = campaign
        .units
        .iter()
        .map(|unit| {
            let entries = match &unit.parent {
                None => published.iter().filter(|e| e.unit == unit.id).count(),
                Some(parent) => published
                    .iter()
                    .filter(|e| &e.unit == parent && names(campaign, e, &unit.id))
                    .count(),
            };
            let minimum = campaign.minimum(unit);
            let state = if entries == 0 {
                State::None
            } else if entries < minimum as usize {
                State::Short
            } else {
                State::Met
            };
            UnitStatus {
                id: unit.id.clone(),
                name: unit.name.clone(),
                unit_type: unit.unit_type.clone(),
                minimum,
                entries,
                late: 0,
                roster_signed: project
                    .cards
                    .get(&unit.id)
                    .is_some_and(|c| c.roster_signed.is_some()),
                state,
            }
        })
        .collect();
    out.sort_by_key(|u| u.state);
    out
}

/// Whether an entry's `implementing_unit` names the unit (by name or id).
fn names(campaign: &Campaign, entry: &Entry, unit_id: &str) -> bool {
    let Some(implementing) = entry.implementing_unit.as_deref() else {
        return false;
    };
    implementing == unit_id
        || campaign
            .unit(unit_id)
            .is_some_and(|u| u.name == implementing)
}

/// `shenbao status --format json`.
pub fn to_json(units: &[UnitStatus]) -> String {
    let mut out =
        serde_json::to_string_pretty(&serde_json::json!({ "units": units })).unwrap_or_default();
    out.push('\n');
    out
}
