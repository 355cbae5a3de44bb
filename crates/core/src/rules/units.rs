//! Rules that need every entry at once: unit folders and cards, channels, quotas, duplicate titles
//! and signed rosters.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::campaign::Campaign;
use crate::diagnostic::Diagnostic;
use crate::model::{Entry, UnitCard};
use crate::problem::{Problem, closest};
use crate::source::Pos;
use crate::submissions::UnitFolder;

/// Campaign-wide diagnostics for the folders, their cards and their entries, and for `loose`
/// files beside the folders. With `final_` (after the deadline) a unit short of its minimum is
/// an error.
pub fn check(
    campaign: &Campaign,
    folders: &[UnitFolder],
    loose: &[String],
    cards: &HashMap<String, UnitCard>,
    entries: &[Entry],
    final_: bool,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = loose
        .iter()
        .map(|name| {
            Diagnostic::new(
                format!("{}/{name}", crate::paths::SUBMISSIONS),
                Pos::START,
                Problem::NotInUnitFolder { name: name.clone() },
            )
        })
        .collect();
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
        let wrong_channel = !unit.submits_itself() && unit.parent.is_some();
        if let (true, Some(parent)) = (wrong_channel, &unit.parent) {
            out.push(Diagnostic::new(
                folder.rel(),
                Pos::START,
                Problem::WrongChannel {
                    unit: unit.id.clone(),
                    parent: parent.clone(),
                },
            ));
        }
        // A folder that must not exist is not also asked for a card.
        if !folder.has_card && !wrong_channel {
            out.push(Diagnostic::new(
                folder.rel(),
                Pos::START,
                Problem::UnitCardMissing {
                    unit: unit.id.clone(),
                },
            ));
        }
        out.extend(not_entries(folder, cards.get(&folder.id)));
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

    out.extend(duplicate_titles(entries));
    out
}

/// The files of a unit's folder that nothing reads: not an entry, its card or its signed roster
/// (`项目.md.txt` saved by Notepad, `项目.MD`, the entry sent as `申报表.docx`). A picture or a
/// PDF is left alone: it may be the signed roster not yet named in the card, or a page of it
/// beyond the one named; a photo put here by mistake is the entry's `attachment-missing`.
fn not_entries(folder: &UnitFolder, card: Option<&UnitCard>) -> Vec<Diagnostic> {
    // Made by the systems the files pass through, not by the unit.
    const SYSTEM_FILES: [&str; 2] = ["thumbs.db", "desktop.ini"];
    let scan = card.and_then(|c| c.roster_signed.as_deref());
    let scan = scan.map(|s| s.trim_start_matches("./"));
    folder
        .others
        .iter()
        .filter(|name| Some(name.as_str()) != scan)
        .filter(|name| !SYSTEM_FILES.contains(&name.to_lowercase().as_str()))
        .filter(|name| {
            !crate::rules::attachments::SCAN_TYPES
                .contains(&crate::paths::extension(std::path::Path::new(name)).as_str())
        })
        .map(|name| {
            Diagnostic::new(
                format!("{}/{name}", folder.rel()),
                Pos::START,
                Problem::NotAnEntry {
                    unit: folder.id.clone(),
                    name: name.clone(),
                },
            )
        })
        .collect()
}

/// An entry whose title another entry before it already has, naming that first one.
fn duplicate_titles(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Titles compared without spaces, so a stray space does not hide a duplicate: a copy only of
    // titles with spaces. Sorted by title and then place on every core, each title's first
    // entry leads its run (`serve` runs this at every save; at 100,000 entries a map filled on
    // one core took 45 ms).
    let mut titles: Vec<(Cow<str>, usize)> = entries
        .par_iter()
        .enumerate()
        .filter(|(_, e)| !e.title.is_empty())
        .map(|(i, e)| {
            let key: Cow<str> = if e.title.contains(char::is_whitespace) {
                e.title.chars().filter(|c| !c.is_whitespace()).collect()
            } else {
                Cow::Borrowed(&e.title)
            };
            (key, i)
        })
        .collect();
    titles.par_sort_unstable();
    for run in titles.chunk_by(|a, b| a.0 == b.0) {
        let first = &entries[run[0].1];
        for &(_, i) in &run[1..] {
            let entry = &entries[i];
            found.push(Diagnostic::new(
                entry.file(),
                entry.title_pos,
                Problem::DuplicateEntry {
                    title: entry.title.clone(),
                    first: first.file(),
                },
            ));
        }
    }
    found
}

/// Entries that count towards a unit's quota: every entry in its folder but drafts.
pub fn published_counts(entries: &[Entry]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    // Entries come grouped by unit: a unit is looked up once per run of its entries.
    for run in entries.chunk_by(|a, b| a.unit == b.unit) {
        let published = run.iter().filter(|e| !e.draft).count();
        if published > 0 {
            *counts.entry(run[0].unit.as_str()).or_insert(0) += published;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(unit: &str, slug: &str, title: &str) -> Entry {
        Entry {
            unit: unit.into(),
            slug: slug.into(),
            title: title.into(),
            ..Entry::default()
        }
    }

    /// Every later entry with a title already taken is named once, against the first entry in
    /// the campaign's order (not the first in the title's sort order), spaces aside.
    #[test]
    fn each_duplicate_names_the_first_entry_with_its_title() {
        let entries = [
            entry("a", "one", "职工 创新"),
            entry("a", "two", "安全生产"),
            entry("b", "one", ""),
            entry("b", "two", "职工创新"),
            entry("c", "one", ""),
            entry("c", "two", "职工创新 "),
            entry("c", "three", "安全生产"),
        ];
        let mut found: Vec<(String, String)> = duplicate_titles(&entries)
            .into_iter()
            .map(|d| match d.problem {
                Problem::DuplicateEntry { first, .. } => (d.file, first),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("submissions/b/two.md".into(), "submissions/a/one.md".into()),
                (
                    "submissions/c/three.md".into(),
                    "submissions/a/two.md".into()
                ),
                ("submissions/c/two.md".into(), "submissions/a/one.md".into()),
            ]
        );
    }
}
