//! 申报汇总表: the summary roster of entries grouped by submitting unit, and its exports (JSON,
//! CSV; the site crate writes the XLSX).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::campaign::{Campaign, Unit};
use crate::model::Entry;
use crate::project::Project;

/// The roster: submitting units in registry order, each with its entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Roster {
    pub units: Vec<RosterUnit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterUnit {
    pub id: String,
    pub name: String,
    /// 主要领导, from the unit's card.
    pub leader: Option<String>,
    pub entries: Vec<RosterEntry>,
}

impl RosterUnit {
    /// The unit's own roster (申报汇总表, the notice's 附件2: the sheet its head signs and
    /// stamps), its rows numbered from 1. Numbers within the whole roster would change on the
    /// signed sheet whenever a unit before it adds an entry.
    pub fn alone(&self) -> RosterUnit {
        let mut unit = self.clone();
        for (i, e) in unit.entries.iter_mut().enumerate() {
            e.no = i + 1;
        }
        unit
    }
}

impl RosterEntry {
    /// The category as the site writes it: `4. 产业工人队伍建设改革`.
    pub fn category_label(&self) -> String {
        if self.category_name.is_empty() {
            self.category.clone()
        } else {
            format!("{}. {}", self.category, self.category_name)
        }
    }
}

/// One row of the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterEntry {
    /// 序号, from 1 within the roster it is in: across the whole roster, or within one unit's
    /// (`RosterUnit::alone`).
    pub no: usize,
    /// `unit/slug`
    pub id: String,
    pub title: String,
    /// The category id.
    pub category: String,
    pub category_name: String,
    pub contact: String,
    pub phone: String,
    pub implementing_unit: Option<String>,
}

/// The roster of every published entry; `only` keeps one unit: its own roster, numbered from 1 as
/// on the sheet it signs.
pub fn roster(project: &Project, only: Option<&str>) -> Roster {
    let published: Vec<&Entry> = project.entries.iter().filter(|e| !e.draft).collect();
    roster_of(project, &published, only)
}

/// The roster of the given entries (the site may include drafts in a preview).
pub fn roster_of(project: &Project, entries: &[&Entry], only: Option<&str>) -> Roster {
    let campaign = &project.campaign;
    let mut by_unit: HashMap<&str, Vec<&Entry>> = HashMap::new();
    // Entries come grouped by unit: a unit is looked up once per run of its entries.
    for run in entries.chunk_by(|a, b| a.unit == b.unit) {
        by_unit
            .entry(run[0].unit.as_str())
            .or_default()
            .extend_from_slice(run);
    }
    let listed: Vec<(&Unit, &Vec<&Entry>)> = campaign
        .units
        .iter()
        .filter_map(|u| Some((u, by_unit.get(u.id.as_str())?)))
        .collect();
    // The rows are made on every core (at 100,000 entries, a tenth of a second on one), then
    // numbered in order.
    let mut rows: Vec<Vec<RosterEntry>> = listed
        .par_iter()
        .map(|(_, list)| list.iter().map(|e| row(campaign, e)).collect())
        .collect();
    let mut no = 0;
    for e in rows.iter_mut().flatten() {
        no += 1;
        e.no = no;
    }
    let units = listed
        .into_iter()
        .zip(rows)
        .filter(|((unit, _), _)| only.is_none_or(|o| o == unit.id))
        .map(|((unit, _), rows)| {
            let kept = RosterUnit {
                id: unit.id.clone(),
                name: unit.name.clone(),
                leader: project.cards.get(&unit.id).map(|c| c.leader.clone()),
                entries: rows,
            };
            if only.is_some() { kept.alone() } else { kept }
        })
        .collect();
    Roster { units }
}

/// An entry's row, numbered later.
fn row(campaign: &Campaign, e: &Entry) -> RosterEntry {
    RosterEntry {
        no: 0,
        id: e.id(),
        title: e.title.clone(),
        category: e.category.clone(),
        category_name: campaign
            .category(&e.category)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        contact: e.contact.clone(),
        phone: e.phone.clone(),
        implementing_unit: e.implementing_unit.clone(),
    }
}

/// The roster's columns, as its sheets and downloads head them: 序号, 申报单位, 项目名称, 申报范围,
/// 联系人, 联系电话, 实施单位 (or in English).
pub fn columns(lang: crate::lang::Lang) -> [&'static str; 7] {
    [
        "no",
        "unit",
        "title",
        "category",
        "contact",
        "phone",
        "implementing_unit",
    ]
    .map(|key| crate::labels::label(key, lang))
}

impl Roster {
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// CSV with a BOM and CRLF line ends, so Excel opens the Chinese text correctly; its head in
    /// `lang` (序号,申报单位,… as the notice's 附件2 has it).
    pub fn to_csv(&self, lang: crate::lang::Lang) -> String {
        let mut out = String::from("\u{feff}");
        out.push_str(&columns(lang).join(","));
        out.push_str("\r\n");
        for unit in &self.units {
            for e in &unit.entries {
                let category = e.category_label();
                // A number of digits alone would become a number in a spreadsheet (a mobile
                // number shown as 1.39E+10, a leading 0 lost): written as a text formula.
                let phone = if !e.phone.is_empty() && e.phone.bytes().all(|b| b.is_ascii_digit()) {
                    format!("\"=\"\"{}\"\"\"", e.phone)
                } else {
                    csv_field(&e.phone)
                };
                let row = [
                    csv_field(&e.no.to_string()),
                    csv_field(&unit.name),
                    csv_field(&e.title),
                    csv_field(&category),
                    csv_field(&e.contact),
                    phone,
                    csv_field(e.implementing_unit.as_deref().unwrap_or("")),
                ]
                .join(",");
                out.push_str(&row);
                out.push_str("\r\n");
            }
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would be read as a formula by spreadsheet programs.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("保定"), "保定");
    }
}
