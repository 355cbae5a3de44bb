//! A commit's tree as a set of files the rules can check: what a pull request or the portal's
//! commit would put on the main line, read without a checkout.
//!
//! Git stores a symlink as a blob holding its target; a link is followed here as a checkout
//! would, and one that resolves outside the folder it must stay in is an escape, as on disk.

use std::path::Path;
use std::sync::Mutex;

use git2::{ObjectType, Oid, Repository};
use shenbao_core::files::{Files, Stat};

use crate::history::campaign_prefix;

/// How many links one lookup follows before it gives up (a loop, or a chain nobody needs).
const MAX_LINKS: usize = 16;

/// The mode git gives a symlink.
const LINK_MODE: i32 = 0o120000;

/// The files of one commit, as seen from the campaign root.
pub struct Tree {
    // git2's repository is not shared between threads; lookups are short.
    repo: Mutex<Repository>,
    tree: Oid,
    /// The campaign root inside the repository (`""` when they are the same).
    prefix: String,
}

/// Why a commit's tree cannot be opened.
#[derive(Debug)]
pub struct TreeError(pub String);

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "git: {}", self.0)
    }
}

impl std::error::Error for TreeError {}

impl From<git2::Error> for TreeError {
    fn from(e: git2::Error) -> Self {
        TreeError(e.message().to_string())
    }
}

/// What one lookup found.
enum Found {
    Blob { oid: Oid },
    Tree,
}

impl Tree {
    /// The tree of `rev` (a commit, branch or tag) in the repository holding the campaign at
    /// `root`.
    pub fn open(root: &Path, rev: &str) -> Result<Tree, TreeError> {
        let repo = Repository::discover(root)?;
        let prefix = campaign_prefix(&repo, root)
            .ok_or_else(|| TreeError(format!("{} is not in the work tree", root.display())))?;
        let tree = repo.revparse_single(rev)?.peel_to_tree()?.id();
        Ok(Tree {
            repo: Mutex::new(repo),
            tree,
            prefix,
        })
    }

    /// Find `rel`, following links; `Err(())` when a link leads out of `within` (or out of the
    /// campaign).
    fn find(&self, repo: &Repository, rel: &str, within: &str) -> Result<Option<Found>, ()> {
        let Some(root) = self.campaign_tree(repo) else {
            return Ok(None);
        };
        let mut path: Vec<String> = rel.split('/').map(str::to_string).collect();
        let mut links = 0;
        'walk: loop {
            let mut tree = root.clone();
            for (i, part) in path.iter().enumerate() {
                let Some(entry) = tree.get_name(part).map(|e| e.to_owned()) else {
                    return Ok(None);
                };
                let last = i + 1 == path.len();
                if entry.filemode() == LINK_MODE {
                    links += 1;
                    if links > MAX_LINKS {
                        return Ok(None);
                    }
                    let blob = repo.find_blob(entry.id()).map_err(|_| ())?;
                    let target = String::from_utf8_lossy(blob.content()).into_owned();
                    let resolved = resolve(&path[..i], &target, &path[i + 1..]).ok_or(())?;
                    let inside = within.is_empty()
                        || resolved == within
                        || resolved.starts_with(&format!("{within}/"));
                    if !inside {
                        return Err(());
                    }
                    path = resolved.split('/').map(str::to_string).collect();
                    continue 'walk;
                }
                match entry.kind() {
                    Some(ObjectType::Tree) if last => return Ok(Some(Found::Tree)),
                    Some(ObjectType::Tree) => {
                        tree = repo.find_tree(entry.id()).map_err(|_| ())?;
                    }
                    Some(ObjectType::Blob) if last => {
                        return Ok(Some(Found::Blob { oid: entry.id() }));
                    }
                    _ => return Ok(None),
                }
            }
            return Ok(None);
        }
    }

    /// The tree of the campaign root.
    fn campaign_tree<'r>(&self, repo: &'r Repository) -> Option<git2::Tree<'r>> {
        let tree = repo.find_tree(self.tree).ok()?;
        if self.prefix.is_empty() {
            return Some(tree);
        }
        let entry = tree.get_path(Path::new(&self.prefix)).ok()?;
        repo.find_tree(entry.id()).ok()
    }
}

/// The campaign-relative path a link at `dir/<link>` to `target` leads to, with `rest` after it;
/// `None` when it leaves the campaign (absolute, or climbing above the root).
fn resolve(dir: &[String], target: &str, rest: &[String]) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut out: Vec<&str> = dir.iter().map(String::as_str).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            _ => out.push(part),
        }
    }
    out.extend(rest.iter().map(String::as_str));
    (!out.is_empty()).then(|| out.join("/"))
}

impl Files for Tree {
    fn stat(&self, rel: &str, within: &str) -> Stat {
        let Ok(repo) = self.repo.lock() else {
            return Stat::Missing;
        };
        match self.find(&repo, rel, within) {
            Err(()) => Stat::Escapes,
            Ok(None) => Stat::Missing,
            Ok(Some(Found::Tree)) => Stat::Dir,
            Ok(Some(Found::Blob { oid })) => match repo.odb().and_then(|o| o.read_header(oid)) {
                Ok((size, _)) => Stat::File { size: size as u64 },
                Err(_) => Stat::Missing,
            },
        }
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        let repo = self.repo.lock().map_err(|e| e.to_string())?;
        match self.find(&repo, rel, "") {
            Ok(Some(Found::Blob { oid })) => repo
                .find_blob(oid)
                .map(|b| b.content().to_vec())
                .map_err(|e| e.message().to_string()),
            Ok(Some(Found::Tree)) => Err(format!("{rel} is a folder")),
            Ok(None) => Err(format!("{rel}: no such file in the commit")),
            Err(()) => Err(format!("{rel} leads outside the campaign")),
        }
    }
}
