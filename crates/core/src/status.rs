//! Quota and deadline status per unit: who has submitted, who is short, who has nothing.

use std::collections::HashMap;

use serde::Serialize;

use crate::project::Project;
use crate::rules::deadline;

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
    // Counted in one pass: a search per unit would cost units × entries.
    let mut own: HashMap<&str, usize> = HashMap::new();
    let mut forwarded: HashMap<(&str, &str), usize> = HashMap::new();
    let mut late: HashMap<&str, usize> = HashMap::new();
    let counted = project
        .entries
        .iter()
        .filter(|e| !e.draft && deadline::submitted(project.history.as_ref(), e));
    for e in counted {
        *own.entry(e.unit.as_str()).or_default() += 1;
        if deadline::is_late(campaign, e) {
            *late.entry(e.unit.as_str()).or_default() += 1;
        }
        if let Some(implementing) = e.implementing_unit.as_deref() {
            *forwarded
                .entry((e.unit.as_str(), implementing))
                .or_default() += 1;
        }
    }
    let mut out: Vec<UnitStatus> = campaign
        .units
        .iter()
        .map(|unit| {
            let entries = match &unit.parent {
                None => own.get(unit.id.as_str()).copied().unwrap_or(0),
                // The parent's entries naming the unit, by id or by name.
                Some(parent) => {
                    let by_id = forwarded.get(&(parent.as_str(), unit.id.as_str()));
                    let by_name = (unit.name != unit.id)
                        .then(|| forwarded.get(&(parent.as_str(), unit.name.as_str())))
                        .flatten();
                    by_id.copied().unwrap_or(0) + by_name.copied().unwrap_or(0)
                }
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
                late: late.get(unit.id.as_str()).copied().unwrap_or(0),
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

/// `shenbao status --format json`.
pub fn to_json(units: &[UnitStatus]) -> String {
    let mut out =
        serde_json::to_string_pretty(&serde_json::json!({ "units": units })).unwrap_or_default();
    out.push('\n');
    out
}
