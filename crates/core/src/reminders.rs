//! What each unit still lacks, for `shenbao remind` and the portal's office pages: entries below
//! its minimum (counted as `status` counts them), entries with errors (each with its first
//! problem, as `check` says it), drafts not submitted, the signed roster (missing, or older
//! than entries it does not list). A unit that submits
//! through its parent is reminded through its parent, not on its own. Also when a reminder is
//! due: once per point of `before_deadline_days`.

use crate::campaign::Deadline;
use crate::lang::Lang;
use crate::problem::{Problem, Severity};
use crate::project::Project;
use crate::status;

/// One entry a unit must still see to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryNote {
    pub title: String,
    /// The file, relative to the campaign root.
    pub file: String,
    /// The first error `check` gives, in the campaign's language (empty for a draft).
    pub problem: String,
}

/// What one unit lacks.
#[derive(Clone, Debug, PartialEq)]
pub struct Lack {
    pub unit: String,
    pub name: String,
    pub minimum: u32,
    /// Submitted entries, as `status` counts them.
    pub entries: usize,
    pub with_errors: Vec<EntryNote>,
    pub drafts: Vec<EntryNote>,
    pub roster_unsigned: bool,
    /// Entries that arrived after the signed roster (`roster-outdated`): the signed sheet does
    /// not list them, so it is to be signed again.
    pub roster_outdated: Vec<String>,
    /// The deadline that holds for the unit (its extension, else the campaign's).
    pub deadline: Option<Deadline>,
}

impl Lack {
    /// How many entries short of its minimum.
    pub fn short(&self) -> usize {
        (self.minimum as usize).saturating_sub(self.entries)
    }

    /// Whether there is nothing to remind the unit of.
    pub fn is_empty(&self) -> bool {
        self.short() == 0
            && self.with_errors.is_empty()
            && self.drafts.is_empty()
            && !self.roster_unsigned
            && self.roster_outdated.is_empty()
    }
}

/// What every unit expected to submit lacks, in `status` order (those with nothing first);
/// units that lack nothing included (with [`Lack::is_empty`]).
pub fn lacks(project: &Project, lang: Lang) -> Vec<Lack> {
    let campaign = &project.campaign;
    status::status(project)
        .into_iter()
        .filter(|s| campaign.unit(&s.id).is_some_and(|u| u.submits_itself()))
        .map(|s| {
            let mut with_errors = Vec::new();
            let mut drafts = Vec::new();
            let slugs = project
                .folders
                .iter()
                .find(|f| f.id == s.id)
                .map(|f| f.entries.as_slice())
                .unwrap_or_default();
            for slug in slugs {
                let file = crate::paths::entry_file(&s.id, slug);
                let entry = project
                    .entries
                    .iter()
                    .find(|e| e.unit == s.id && e.slug == *slug);
                let title = entry
                    .map(|e| e.title.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| slug.clone());
                // Diagnostics are sorted by file and position: the first is the first. Lateness
                // is not one to fix: no edit mends an arrival time.
                let first = project
                    .diagnostics
                    .iter()
                    .find(|d| {
                        d.file == file
                            && d.severity() == Severity::Error
                            && !matches!(d.problem, Problem::LateSubmission { .. })
                    })
                    .map(|d| d.message(lang));
                let draft = entry.is_some_and(|e| e.draft);
                match (draft, first) {
                    (true, _) => drafts.push(EntryNote {
                        title,
                        file,
                        problem: String::new(),
                    }),
                    (false, Some(problem)) => with_errors.push(EntryNote {
                        title,
                        file,
                        problem,
                    }),
                    (false, None) => {}
                }
            }
            let roster_outdated = project
                .diagnostics
                .iter()
                .find_map(|d| match &d.problem {
                    Problem::RosterOutdated { unit, later, .. } if *unit == s.id => {
                        Some(later.clone())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            Lack {
                deadline: campaign.deadline_for(&s.id).cloned(),
                unit: s.id,
                name: s.name,
                minimum: s.minimum,
                entries: s.entries,
                with_errors,
                drafts,
                roster_unsigned: !s.roster_signed,
                roster_outdated,
            }
        })
        .collect()
}

/// The point of `points` (days before the deadline) that is due at `now`: the nearest one
/// already reached. `None` before the first point and once the deadline has passed.
pub fn due_point(points: &[u32], deadline: jiff::Timestamp, now: jiff::Timestamp) -> Option<u32> {
    let left = deadline.as_second() - now.as_second();
    if left <= 0 {
        return None;
    }
    let days_left = (left + 86_399) / 86_400;
    points
        .iter()
        .copied()
        .filter(|p| i64::from(*p) >= days_left)
        .min()
}

/// Time left before `deadline`, as people say it: 3天5小时 / 3 days 5 hours; `None` after it.
pub fn time_left(deadline: jiff::Timestamp, now: jiff::Timestamp, lang: Lang) -> Option<String> {
    let left = deadline.as_second() - now.as_second();
    if left <= 0 {
        return None;
    }
    let (days, hours) = (left / 86_400, (left % 86_400) / 3600);
    Some(match lang {
        Lang::Zh if days > 0 && hours == 0 => format!("{days}天"),
        Lang::En if days > 0 && hours == 0 => format!("{days} days"),
        Lang::Zh if days > 0 => format!("{days}天{hours}小时"),
        Lang::Zh => format!("{hours}小时{}分钟", (left % 3600) / 60),
        Lang::En if days > 0 => format!("{days} days {hours} hours"),
        Lang::En => format!("{hours} hours {} minutes", (left % 3600) / 60),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_due_point_is_the_nearest_reached() {
        let deadline = at("2017-12-06T15:59:59Z");
        let points = [7, 3, 1];
        let due = |now: &str| due_point(&points, deadline, at(now));
        assert_eq!(
            due("2017-11-20T00:00:00Z"),
            None,
            "16 days before: none yet"
        );
        assert_eq!(
            due("2017-11-29T16:00:00Z"),
            Some(7),
            "exactly 7 days before"
        );
        assert_eq!(due("2017-12-02T00:00:00Z"), Some(7), "5 days before");
        assert_eq!(due("2017-12-03T17:00:00Z"), Some(3));
        assert_eq!(due("2017-12-06T10:00:00Z"), Some(1));
        assert_eq!(due("2017-12-06T16:00:00Z"), None, "after the deadline");
    }

    #[test]
    fn time_left_is_said_in_days_and_hours() {
        let deadline = at("2017-12-06T15:59:59Z");
        assert_eq!(
            time_left(deadline, at("2017-12-03T10:59:59Z"), Lang::Zh).as_deref(),
            Some("3天5小时")
        );
        assert_eq!(
            time_left(deadline, at("2017-12-06T13:29:59Z"), Lang::En).as_deref(),
            Some("2 hours 30 minutes")
        );
        assert_eq!(
            time_left(deadline, at("2017-12-04T15:00:00Z"), Lang::Zh).as_deref(),
            Some("2天")
        );
        assert_eq!(time_left(deadline, deadline, Lang::Zh), None);
    }
}
