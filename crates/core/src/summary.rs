//! What a checked campaign adds up to, computed once and handed to every front end that shows
//! it: each unit's status and the summary roster (申报汇总表) of the entries shown.

use std::sync::Arc;

use crate::model::Entry;
use crate::project::Project;
use crate::roster::{self, Roster};
use crate::status::{self, UnitStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Every registered unit, in status order (nothing first).
    pub status: Vec<UnitStatus>,
    /// Shared with the site model that publishes it: 100,000 entries' rows are not copied.
    pub roster: Arc<Roster>,
}

impl Summary {
    /// The summary of `project`; with `drafts`, the roster lists draft entries too (a preview).
    /// Status never counts drafts.
    pub fn of(project: &Project, drafts: bool) -> Summary {
        let shown: Vec<&Entry> = project
            .entries
            .iter()
            .filter(|e| drafts || !e.draft)
            .collect();
        Summary {
            status: status::status(project),
            roster: Arc::new(roster::roster_of(project, &shown, None)),
        }
    }
}
