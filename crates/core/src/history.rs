//! What git knows of the submissions, as plain data: when each file under `submissions/` first
//! reached the main line and when it last changed. Reading it from a repository is the git
//! crate's work; the rules and the site only read this.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// One commit of the main line, as arrival and change times need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The full hex id.
    pub commit: String,
    /// Committer time: when the change reached the main line (a merge's own time), seconds since
    /// the epoch.
    pub time: i64,
    /// The committer's UTC offset, in minutes.
    pub offset: i32,
    pub author: String,
    pub email: String,
}

impl Stamp {
    /// RFC 3339 in the campaign's time zone `zone`, as every time is shown (the committer's own
    /// offset would put a late arrival from another zone on the day before the deadline):
    /// `2017-12-07T09:30:00+08:00`.
    pub fn rfc3339(&self, zone: jiff::tz::Offset) -> String {
        jiff::Timestamp::from_second(self.time)
            .map(|at| crate::model::rfc3339(at, zone))
            .unwrap_or_default()
    }

    pub fn short(&self) -> &str {
        self.commit.get(..8).unwrap_or(&self.commit)
    }
}

/// Arrival and last change of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileTimes {
    pub arrived: Stamp,
    pub changed: Stamp,
}

/// The history of a campaign's submissions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// A shallow clone: the history is cut, so nothing is known of arrivals.
    pub shallow: bool,
    /// By path relative to the campaign root (`submissions/<unit>/<file>`).
    pub files: HashMap<String, FileTimes>,
}

impl History {
    pub fn get(&self, rel: &str) -> Option<&FileTimes> {
        self.files.get(rel)
    }
}

/// Why git could not be read.
#[derive(Debug)]
pub enum HistoryError {
    /// The reader's own message (libgit2's words).
    Git(String),
    /// The commit of this id is not one: its bytes do not say its tree, parents or author.
    Malformed(String),
}

impl HistoryError {
    /// What went wrong, in `lang` (git's own words after it).
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        let why = match self {
            HistoryError::Git(e) => e.clone(),
            HistoryError::Malformed(commit) => lang
                .pick(
                    "提交 {c} 的内容不是有效的 git 提交，仓库可能已损坏（可用 git fsck 检查）",
                    "commit {c} is not a valid git commit; the repository may be damaged (git fsck checks it)",
                )
                .replace("{c}", commit),
        };
        lang.pick("无法读取 git 历史：{e}", "cannot read git history: {e}")
            .replace("{e}", &why)
    }
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::lang::Lang::En))
    }
}

impl std::error::Error for HistoryError {}

/// Where a project's history comes from: git (in the git crate), or nowhere.
pub trait HistorySource: Sync {
    /// The history of the campaign at `root`, or `None` when there is none (not a repository,
    /// no commit yet). `use_cache` allows a stored walk to stand in for a new one.
    fn read(&self, root: &Path, use_cache: bool) -> Result<Option<History>, HistoryError>;
}

/// No history: a campaign outside git, or a check that does not read it.
pub struct NoHistory;

impl HistorySource for NoHistory {
    fn read(&self, _root: &Path, _use_cache: bool) -> Result<Option<History>, HistoryError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_shown_in_the_campaigns_zone() {
        let stamp = |time, offset| Stamp {
            commit: "0123456789abcdef".into(),
            time,
            offset,
            author: "a".into(),
            email: "a@example.org".into(),
        };
        let beijing = jiff::tz::Offset::from_hours(8).unwrap();
        // 2017-12-06T16:00:00Z, committed in Beijing and in New York: the same instant, the
        // same day after the deadline.
        for committer in [480, -300] {
            assert_eq!(
                stamp(1_512_576_000, committer).rfc3339(beijing),
                "2017-12-07T00:00:00+08:00"
            );
        }
        assert_eq!(
            stamp(1_512_576_000, 480).rfc3339(jiff::tz::Offset::from_seconds(-330 * 60).unwrap()),
            "2017-12-06T10:30:00-05:30"
        );
        assert_eq!(stamp(0, 0).short(), "01234567");
    }
}
