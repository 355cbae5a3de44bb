//! Quota and deadline status per unit: who has submitted, who is short, who has nothing.

use std::collections::HashMap;

use serde::Serialize;

use crate::project::Project;
use crate::rules::deadline;

/// Where a unit stands against its minimum: the same judgement as `check`'s `quota-short`, so
/// the units `none` or `short` are those `check` finds short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Nothing submitted of a minimum owed.
    None,
    /// Some, fewer than the minimum.
    Short,
    /// At least the minimum (a unit that owes nothing, as one submitting through its parent,
    /// has met it).
    Met,
}

impl State {
    /// The state of `entries` against `minimum`.
    pub fn of(entries: usize, minimum: u32) -> State {
        if entries >= minimum as usize {
            State::Met
        } else if entries == 0 {
            State::None
        } else {
            State::Short
        }
    }
}

/// One registered unit's standing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitStatus {
    pub id: String,
    pub name: String,
    /// The unit type's id.
    #[serde(rename = "type")]
    pub unit_type: String,
    /// The unit it submits through, when it does not submit itself: then it has no minimum and
    /// no roster to sign (`Unit::submits_itself`).
    pub parent: Option<String>,
    pub minimum: u32,
    /// Published entries (drafts do not count). A unit that submits through its parent counts the
    /// parent's entries naming it as `implementing_unit`.
    pub entries: usize,
    /// Entries that arrived after the deadline.
    pub late: usize,
    pub roster_signed: bool,
    pub state: State,
}

impl UnitStatus {
    /// Whether the unit is expected to submit and sign its roster itself.
    pub fn submits_itself(&self) -> bool {
        self.parent.is_none()
    }
}

/// Every registered unit, those with nothing first, then those short of their minimum, then the
/// rest; in registry order within each group.
pub fn status(project: &Project) -> Vec<UnitStatus> {
    let campaign = &project.campaign;
    // Counted in one pass: a search per unit would cost units × entries.
    let mut entries: HashMap<&str, usize> = HashMap::new();
    let mut late: HashMap<&str, usize> = HashMap::new();
    let counted = project
        .entries
        .iter()
        .filter(|e| !e.draft && deadline::submitted(project.history.as_ref(), e));
    for e in counted {
        let is_late = deadline::is_late(campaign, e);
        // The entry counts for its unit and, when forwarded, for the unit it names.
        let forwarded = campaign.implementing_unit(e).map(|u| u.id.as_str());
        for unit in std::iter::once(e.unit.as_str()).chain(forwarded) {
            *entries.entry(unit).or_default() += 1;
            if is_late {
                *late.entry(unit).or_default() += 1;
            }
        }
    }
    let mut out: Vec<UnitStatus> = campaign
        .units
        .iter()
        .map(|unit| {
            let count = entries.get(unit.id.as_str()).copied().unwrap_or(0);
            let minimum = campaign.minimum(unit);
            UnitStatus {
                id: unit.id.clone(),
                name: unit.name.clone(),
                unit_type: unit.unit_type.clone(),
                parent: unit.parent.clone(),
                minimum,
                entries: count,
                late: late.get(unit.id.as_str()).copied().unwrap_or(0),
                roster_signed: unit.submits_itself()
                    && project
                        .cards
                        .get(&unit.id)
                        .is_some_and(|c| c.roster_signed.is_some()),
                state: State::of(count, minimum),
            }
        })
        .collect();
    out.sort_by_key(|u| u.state);
    out
}

/// `shenbao status --format json`.
pub fn to_json(units: &[UnitStatus]) -> String {
    let mut out =
        serde_json::to_string_pretty(&serde_json::json!({ "units": units })).unwrap_or_default();
    out.push('\n');
    out
}
