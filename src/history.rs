//! What git knows of the submissions: for every file under `submissions/`, the first-parent
//! commit that first brought it to the main line (its arrival) and the last that changed it.
//!
//! One walk of HEAD's first-parent history compares each commit's `submissions/` tree with its
//! parent's, skipping every subtree whose id did not change, so the cost follows what changed,
//! not the size of the tree times the number of commits. The result is cached in `.git/`, keyed
//! by HEAD.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Sort, Tree};
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
    /// RFC 3339 in the committer's own offset: `2017-12-07T09:30:00+08:00`.
    pub fn rfc3339(&self) -> String {
        let offset =
            jiff::tz::Offset::from_seconds(self.offset * 60).unwrap_or(jiff::tz::Offset::UTC);
        let Ok(t) = jiff::Timestamp::from_second(self.time) else {
            return String::new();
        };
        let local = offset.to_datetime(t);
        let sign = if self.offset < 0 { '-' } else { '+' };
        let minutes = self.offset.unsigned_abs();
        format!(
            "{}{sign}{:02}:{:02}",
            local.strftime("%Y-%m-%dT%H:%M:%S"),
            minutes / 60,
            minutes % 60
        )
    }

    /// For people: `2017-12-07 09:30 +08:00`.
    pub fn display(&self) -> String {
        let full = self.rfc3339();
        match (full.get(..10), full.get(11..16), full.get(19..)) {
            (Some(date), Some(time), Some(zone)) => format!("{date} {time} {zone}"),
            _ => full,
        }
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
pub struct HistoryError(pub git2::Error);

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read git history: {}", self.0.message())
    }
}

impl std::error::Error for HistoryError {}

impl From<git2::Error> for HistoryError {
    fn from(e: git2::Error) -> Self {
        HistoryError(e)
    }
}

/// The history of the campaign at `root`, or `None` when it is not in a git repository (or the
/// repository has no commit yet).
pub fn read(root: &Path, use_cache: bool) -> Result<Option<History>, HistoryError> {
    let Ok(repo) = Repository::discover(root) else {
        return Ok(None);
    };
    let Some(prefix) = campaign_prefix(&repo, root) else {
        return Ok(None);
    };
    let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(None);
    };
    if repo.is_shallow() {
        return Ok(Some(History {
            shallow: true,
            files: HashMap::new(),
        }));
    }
    let cache = cache_path(&repo, &prefix);
    if use_cache && let Some(history) = load_cache(&cache, head.id()) {
        return Ok(Some(history));
    }
    let history = walk(&repo, &prefix)?;
    if use_cache {
        // A cache that cannot be written only costs the next run the walk.
        let _ = store_cache(&cache, head.id(), &history);
    }
    Ok(Some(history))
}

/// The campaign root relative to the repository's work tree (`""` when they are the same).
pub fn campaign_prefix(repo: &Repository, root: &Path) -> Option<String> {
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = root.strip_prefix(&workdir).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The repository path of a campaign-relative one.
pub fn repo_path(prefix: &str, rel: &str) -> String {
    if prefix.is_empty() {
        rel.to_string()
    } else {
        format!("{prefix}/{rel}")
    }
}

/// Walk HEAD's first-parent line from the root commit forward.
fn walk(repo: &Repository, prefix: &str) -> Result<History, HistoryError> {
    let mut revwalk = repo.revwalk()?;
    revwalk.push_head()?;
    revwalk.simplify_first_parent()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let submissions = repo_path(prefix, "submissions");

    let mut files: HashMap<String, FileTimes> = HashMap::new();
    let mut previous: Option<Oid> = None;
    for id in revwalk {
        let commit = repo.find_commit(id?)?;
        let tree = subtree(repo, &commit.tree()?, &submissions);
        let current = tree.as_ref().map(Tree::id);
        if current != previous {
            let old = previous.map(|id| repo.find_tree(id)).transpose()?;
            let mut changes = Changes::default();
            compare(
                repo,
                old.as_ref(),
                tree.as_ref(),
                "submissions",
                &mut changes,
            )?;
            let stamp = stamp(&commit);
            // A file that moved (same content, new path) keeps its arrival.
            let moved: HashMap<Oid, &str> = changes
                .deleted
                .iter()
                .map(|(path, blob)| (*blob, path.as_str()))
                .collect();
            for (path, blob) in &changes.added {
                let arrived = moved
                    .get(blob)
                    .and_then(|old| files.get(*old))
                    .map(|t| t.arrived.clone())
                    .or_else(|| files.get(path).map(|t| t.arrived.clone()))
                    .unwrap_or_else(|| stamp.clone());
                files.insert(
                    path.clone(),
                    FileTimes {
                        arrived,
                        changed: stamp.clone(),
                    },
                );
            }
            for path in &changes.modified {
                if let Some(t) = files.get_mut(path) {
                    t.changed = stamp.clone();
                }
            }
            for (path, _) in &changes.deleted {
                if !changes.added.iter().any(|(p, _)| p == path) {
                    files.remove(path);
                }
            }
        }
        previous = current;
    }
    Ok(History {
        shallow: false,
        files,
    })
}

fn stamp(commit: &git2::Commit<'_>) -> Stamp {
    let author = commit.author();
    Stamp {
        commit: commit.id().to_string(),
        time: commit.time().seconds(),
        offset: commit.time().offset_minutes(),
        author: author.name().unwrap_or_default().to_string(),
        email: author.email().unwrap_or_default().to_string(),
    }
}

/// The tree at `path` in `tree`, if there is one.
fn subtree<'r>(repo: &'r Repository, tree: &Tree<'r>, path: &str) -> Option<Tree<'r>> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    if entry.kind() != Some(ObjectType::Tree) {
        return None;
    }
    repo.find_tree(entry.id()).ok()
}

/// What one commit changed under `submissions/`.
#[derive(Default)]
struct Changes {
    added: Vec<(String, Oid)>,
    modified: Vec<String>,
    deleted: Vec<(String, Oid)>,
}

/// Compare two trees, descending only into subtrees whose ids differ.
fn compare(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    path: &str,
    out: &mut Changes,
) -> Result<(), git2::Error> {
    if let Some(new) = new {
        for entry in new.iter() {
            let Ok(name) = entry.name() else { continue };
            let child = format!("{path}/{name}");
            let before = old.and_then(|o| o.get_name(name));
            if before.as_ref().is_some_and(|b| b.id() == entry.id()) {
                continue;
            }
            let before_tree = before
                .as_ref()
                .filter(|b| b.kind() == Some(ObjectType::Tree))
                .map(|b| repo.find_tree(b.id()))
                .transpose()?;
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let tree = repo.find_tree(entry.id())?;
                    compare(repo, before_tree.as_ref(), Some(&tree), &child, out)?;
                    if let Some(b) = before
                        .as_ref()
                        .filter(|b| b.kind() == Some(ObjectType::Blob))
                    {
                        out.deleted.push((child, b.id()));
                    }
                }
                Some(ObjectType::Blob) => match before.as_ref().map(|b| b.kind()) {
                    Some(Some(ObjectType::Blob)) => out.modified.push(child),
                    Some(Some(ObjectType::Tree)) => {
                        compare(repo, before_tree.as_ref(), None, &child, out)?;
                        out.added.push((child, entry.id()));
                    }
                    _ => out.added.push((child, entry.id())),
                },
                _ => {}
            }
        }
    }
    if let Some(old) = old {
        for entry in old.iter() {
            let Ok(name) = entry.name() else { continue };
            if new.is_some_and(|n| n.get_name(name).is_some()) {
                continue;
            }
            let child = format!("{path}/{name}");
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let tree = repo.find_tree(entry.id())?;
                    compare(repo, Some(&tree), None, &child, out)?;
                }
                Some(ObjectType::Blob) => out.deleted.push((child, entry.id())),
                _ => {}
            }
        }
    }
    Ok(())
}

/// The cache lives in the repository's own folder, never among the campaign's files.
fn cache_path(repo: &Repository, prefix: &str) -> PathBuf {
    let name = if prefix.is_empty() {
        "history.json".to_string()
    } else {
        format!("history-{}.json", prefix.replace(['/', '\\'], "_"))
    };
    repo.path().join("shenbao").join(name)
}

#[derive(Serialize, Deserialize)]
struct Cached {
    /// The format, so a newer shenbao never misreads an older cache.
    version: u32,
    head: String,
    commits: Vec<Stamp>,
    /// Path, arrival commit index, change commit index.
    files: Vec<(String, u32, u32)>,
}

const CACHE_VERSION: u32 = 1;

fn load_cache(path: &Path, head: Oid) -> Option<History> {
    let bytes = std::fs::read(path).ok()?;
    let cached: Cached = serde_json::from_slice(&bytes).ok()?;
    if cached.version != CACHE_VERSION || cached.head != head.to_string() {
        return None;
    }
    let mut files = HashMap::with_capacity(cached.files.len());
    for (path, a, c) in cached.files {
        files.insert(
            path,
            FileTimes {
                arrived: cached.commits.get(a as usize)?.clone(),
                changed: cached.commits.get(c as usize)?.clone(),
            },
        );
    }
    Some(History {
        shallow: false,
        files,
    })
}

fn store_cache(path: &Path, head: Oid, history: &History) -> std::io::Result<()> {
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut commits: Vec<Stamp> = Vec::new();
    let mut id_of = |s: &Stamp, commits: &mut Vec<Stamp>| -> u32 {
        *index.entry(s.commit.clone()).or_insert_with(|| {
            commits.push(s.clone());
            (commits.len() - 1) as u32
        })
    };
    let mut files: Vec<(String, u32, u32)> = history
        .files
        .iter()
        .map(|(p, t)| {
            let a = id_of(&t.arrived, &mut commits);
            let c = id_of(&t.changed, &mut commits);
            (p.clone(), a, c)
        })
        .collect();
    files.sort();
    let cached = Cached {
        version: CACHE_VERSION,
        head: head.to_string(),
        commits,
        files,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(&cached)?)?;
    std::fs::rename(tmp, path)
}
