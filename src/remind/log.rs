//! What `remind` has sent, under `.git/shenbao/reminders.json`: each unit, deadline, schedule
//! point and channel once.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state::{self, StateError};

const FILE: &str = "reminders.json";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Sent {
    sent: Vec<Record>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Record {
    unit: String,
    deadline: String,
    point: u32,
    channel: String,
    at: String,
}

impl Sent {
    pub fn contains(&self, unit: &str, deadline: &str, point: u32, channel: &str) -> bool {
        self.sent.iter().any(|r| {
            r.unit == unit && r.deadline == deadline && r.point == point && r.channel == channel
        })
    }
}

/// The log of one repository.
pub struct SentLog {
    dir: PathBuf,
}

impl SentLog {
    /// The log of the repository holding the campaign at `root`; `None` outside git.
    pub fn of(root: &Path) -> Option<SentLog> {
        let writer = shenbao_git::commit::Writer::open(root).ok()?;
        Some(SentLog {
            dir: writer.state_dir(),
        })
    }

    /// The log kept in `state_dir` (`.git/shenbao`).
    pub fn at(state_dir: &Path) -> SentLog {
        SentLog {
            dir: state_dir.to_path_buf(),
        }
    }

    pub fn read(&self) -> Result<Sent, StateError> {
        state::read_json(&self.dir, FILE)
    }

    pub fn record(
        &self,
        unit: &str,
        deadline: &str,
        point: u32,
        channel: &str,
    ) -> Result<(), StateError> {
        let record = Record {
            unit: unit.into(),
            deadline: deadline.into(),
            point,
            channel: channel.into(),
            at: jiff::Timestamp::now().to_string(),
        };
        state::update_json(&self.dir, FILE, |sent: &mut Sent| sent.sent.push(record))
    }
}
