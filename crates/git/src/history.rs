//! What git knows of the submissions: for every file under `submissions/`, the first-parent
//! commit that first brought it to the main line (its arrival) and the last that changed it.
//!
//! One walk of HEAD's first-parent history compares each commit's `submissions/` tree with its
//! parent's, skipping every subtree whose id did not change, so the cost follows what changed,
//! not the size of the tree times the number of commits. The result is cached in `.git/`, keyed
//! by HEAD.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{Odb, Oid, Repository, Sort};
use serde::{Deserialize, Serialize};
use shenbao_core::history::{FileTimes, History, HistoryError, HistorySource, Stamp};

/// The history of the campaign at `root`, or `None` when it is not in a git repository (or the
/// repository has no commit yet).
pub fn read(root: &Path, use_cache: bool) -> Result<Option<History>, HistoryError> {
    read_repo(root, use_cache).map_err(|e| HistoryError(e.message().to_string()))
}

/// Arrival times from the campaign's git repository.
pub struct Git;

impl HistorySource for Git {
    fn read(&self, root: &Path, use_cache: bool) -> Result<Option<History>, HistoryError> {
        read(root, use_cache)
    }
}

fn read_repo(root: &Path, use_cache: bool) -> Result<Option<History>, git2::Error> {
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
fn walk(repo: &Repository, prefix: &str) -> Result<History, git2::Error> {
    let mut revwalk = repo.revwalk()?;
    revwalk.push_head()?;
    revwalk.simplify_first_parent()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let odb = repo.odb()?;
    let submissions = repo_path(prefix, "submissions");

    let mut files: HashMap<String, FileTimes> = HashMap::new();
    let mut previous: Option<Oid> = None;
    for id in revwalk {
        let commit = repo.find_commit(id?)?;
        let current = subtree_id(&odb, commit.tree_id(), &submissions)?;
        if current != previous {
            let old = previous.map(|id| odb.read(id)).transpose()?;
            let new = current.map(|id| odb.read(id)).transpose()?;
            let mut changes = Changes::default();
            compare(
                &odb,
                old.as_ref().map(|o| o.data()),
                new.as_ref().map(|o| o.data()),
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

/// The id of the tree at `path` (`a/b`) under the tree `root`, if there is one.
fn subtree_id(odb: &Odb<'_>, root: Oid, path: &str) -> Result<Option<Oid>, git2::Error> {
    let mut current = root;
    for part in path.split('/').filter(|p| !p.is_empty()) {
        let tree = odb.read(current)?;
        match entries(tree.data()).find(|e| e.name == part.as_bytes()) {
            Some(e) if e.is_tree() => current = e.id()?,
            _ => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// One entry of a tree object as stored: `<mode> <name>\0<20-byte id>`.
#[derive(Clone, Copy)]
struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
    /// The whole entry, to compare two at once.
    raw: &'a [u8],
}

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode.starts_with(b"4")
    }

    fn is_blob(&self) -> bool {
        self.mode.starts_with(b"10") || self.mode.starts_with(b"12")
    }

    fn id(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

/// The entries of a raw tree object, read in place.
fn entries(data: &[u8]) -> impl Iterator<Item = Entry<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = data.get(at..)?;
        let space = rest.iter().position(|&b| b == b' ')?;
        let nul = space + 1 + rest[space + 1..].iter().position(|&b| b == 0)?;
        let end = nul + 1 + 20;
        let raw = rest.get(..end)?;
        at += end;
        Some(Entry {
            mode: &raw[..space],
            name: &raw[space + 1..nul],
            id: &raw[nul + 1..],
            raw,
        })
    })
}

/// What one commit changed under `submissions/`.
#[derive(Default)]
struct Changes {
    added: Vec<(String, Oid)>,
    modified: Vec<String>,
    deleted: Vec<(String, Oid)>,
}

/// Compare two raw trees, descending only into subtrees whose ids differ. Both are walked side
/// by side in git's own order, entries compared as bytes in place, and the walk stops as soon as
/// the rest of both is identical: a commit touches a unit or two of hundreds, and this is where a
/// long history's time goes.
fn compare(
    odb: &Odb<'_>,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
    path: &str,
    out: &mut Changes,
) -> Result<(), git2::Error> {
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    let (mut olds, mut news) = (entries(old).peekable(), entries(new).peekable());
    // Set after a difference: the next unchanged entry checks whether all the rest is unchanged.
    let mut look_ahead = false;
    loop {
        let side = match (news.peek(), olds.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(n), Some(o)) if n.raw == o.raw => {
                let (n, o) = (*n, *o);
                news.next();
                olds.next();
                if look_ahead {
                    look_ahead = false;
                    let rest_new = &new[offset(new, n.raw) + n.raw.len()..];
                    let rest_old = &old[offset(old, o.raw) + o.raw.len()..];
                    if rest_new == rest_old {
                        break;
                    }
                }
                continue;
            }
            (Some(n), Some(o)) => git_order(n, o),
        };
        look_ahead = true;
        match side {
            Ordering::Equal => {
                let (n, o) = (news.next().unwrap(), olds.next().unwrap());
                let child = child_path(path, n.name);
                if n.is_tree() && o.is_tree() {
                    let (nt, ot) = (odb.read(n.id()?)?, odb.read(o.id()?)?);
                    compare(odb, Some(ot.data()), Some(nt.data()), &child, out)?;
                } else if n.is_blob() && n.id != o.id {
                    out.modified.push(child);
                }
            }
            Ordering::Less => {
                let n = news.next().unwrap();
                let child = child_path(path, n.name);
                if n.is_tree() {
                    let tree = odb.read(n.id()?)?;
                    compare(odb, None, Some(tree.data()), &child, out)?;
                } else if n.is_blob() {
                    out.added.push((child, n.id()?));
                }
            }
            Ordering::Greater => {
                let o = olds.next().unwrap();
                let child = child_path(path, o.name);
                if o.is_tree() {
                    let tree = odb.read(o.id()?)?;
                    compare(odb, Some(tree.data()), None, &child, out)?;
                } else if o.is_blob() {
                    out.deleted.push((child, o.id()?));
                }
            }
        }
    }
    Ok(())
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset(whole: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

fn child_path(path: &str, name: &[u8]) -> String {
    format!("{path}/{}", String::from_utf8_lossy(name))
}

/// Git sorts tree entries by name, a folder's name as if it ended in `/`.
fn git_order(a: &Entry<'_>, b: &Entry<'_>) -> Ordering {
    let (x, y) = (a.name, b.name);
    let n = x.len().min(y.len());
    x[..n].cmp(&y[..n]).then_with(|| {
        let end = |e: &Entry<'_>| if e.is_tree() { b'/' } else { 0 };
        let cx = x.get(n).copied().unwrap_or_else(|| end(a));
        let cy = y.get(n).copied().unwrap_or_else(|| end(b));
        cx.cmp(&cy)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(entries: &[(&str, &str, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (mode, name, id) in entries {
            out.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            out.extend_from_slice(&[*id; 20]);
        }
        out
    }

    #[test]
    fn raw_trees_are_read_in_place_and_ordered_as_git_orders_them() {
        let data = raw(&[
            ("100644", "foo.md", 1),
            ("40000", "foo", 2),
            ("100644", "unit.yaml", 3),
        ]);
        let list: Vec<Entry<'_>> = entries(&data).collect();
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].name, b"foo");
        assert!(list[1].is_tree() && list[0].is_blob());
        // `foo.md` sorts before the folder `foo` (read as `foo/`), as git stores them.
        assert_eq!(git_order(&list[0], &list[1]), Ordering::Less);
        assert_eq!(git_order(&list[1], &list[2]), Ordering::Less);
        assert_eq!(
            entries(&data[..data.len() - 1]).count(),
            2,
            "a cut entry is not read"
        );
    }

    #[test]
    fn stamps_read_in_the_committers_own_zone() {
        let stamp = |time, offset| Stamp {
            commit: "0123456789abcdef".into(),
            time,
            offset,
            author: "a".into(),
            email: "a@example.org".into(),
        };
        // 2017-12-06T16:00:00Z
        assert_eq!(
            stamp(1_512_576_000, 480).rfc3339(),
            "2017-12-07T00:00:00+08:00"
        );
        assert_eq!(
            stamp(1_512_576_000, 480).display(),
            "2017-12-07 00:00 +08:00"
        );
        assert_eq!(
            stamp(1_512_576_000, -330).rfc3339(),
            "2017-12-06T10:30:00-05:30"
        );
        assert_eq!(stamp(0, 0).short(), "01234567");
    }
}
