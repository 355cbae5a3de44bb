//! Writing a commit without a checkout: what the portal saves for a unit becomes the same files a
//! git user would commit, in one commit on a branch, with the unit's person as author.
//!
//! Only the branch moves; a work tree that has the branch checked out is not touched (the portal
//! keeps a clone of its own). Should the branch move while the commit is made, libgit2 refuses to
//! update it, and nothing is lost: the caller tries again on the new tip.

use std::path::Path;

use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Oid, Repository, Signature};

use crate::history::{campaign_prefix, repo_path};
use shenbao_core::paths::relative_inside;

/// One file a commit adds, replaces or deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Relative to the campaign root, with `/`.
    pub path: String,
    /// The new content; `None` deletes the file.
    pub content: Option<Vec<u8>>,
}

/// Who a commit is by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// Why a commit could not be made.
#[derive(Debug)]
pub enum CommitError {
    /// A path that is absolute, climbs out, or is empty.
    BadPath(String),
    /// Nothing to commit: no change, or only changes that leave the files as they are.
    Empty,
    Git(git2::Error),
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommitError::BadPath(p) => write!(f, "`{p}` is not a path inside the campaign"),
            CommitError::Empty => write!(f, "nothing to commit"),
            CommitError::Git(e) => write!(f, "git: {}", e.message()),
        }
    }
}

impl std::error::Error for CommitError {}

impl From<git2::Error> for CommitError {
    fn from(e: git2::Error) -> Self {
        CommitError::Git(e)
    }
}

/// Commit `changes` on `branch` of the repository holding the campaign at `root`, on top of the
/// branch's tip (or as its first commit), authored and committed by `author` now. Returns the
/// new commit's id.
pub fn commit(
    root: &Path,
    branch: &str,
    changes: &[Change],
    author: &Author,
    message: &str,
) -> Result<Oid, CommitError> {
    if changes.is_empty() {
        return Err(CommitError::Empty);
    }
    let repo = Repository::discover(root)?;
    let prefix = campaign_prefix(&repo, root).unwrap_or_default();
    let reference = format!("refs/heads/{branch}");
    let parent = match repo.find_reference(&reference) {
        Ok(r) => Some(r.peel_to_commit()?),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let baseline = match &parent {
        Some(c) => c.tree()?,
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let mut update = TreeUpdateBuilder::new();
    for change in changes {
        let clean = relative_inside(&change.path)
            .filter(|p| p.to_string_lossy().replace('\\', "/") == change.path)
            .ok_or_else(|| CommitError::BadPath(change.path.clone()))?;
        let path = repo_path(&prefix, &clean.to_string_lossy());
        match &change.content {
            Some(bytes) => {
                let blob = repo.blob(bytes)?;
                update.upsert(path.as_str(), blob, FileMode::Blob);
            }
            None => {
                update.remove(path.as_str());
            }
        }
    }
    let tree = repo.find_tree(update.create_updated(&repo, &baseline)?)?;
    if tree.id() == baseline.id() {
        return Err(CommitError::Empty);
    }
    let signature = Signature::now(&author.name, &author.email)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let id = repo.commit(
        Some(&reference),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )?;
    Ok(id)
}
