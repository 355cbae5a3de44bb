//! Writing commits for the portal: what it saves for a unit becomes the same files a git user
//! would commit, in one commit on the checked-out branch, with the unit as author.
//!
//! The commit is made from the branch's tip, not from the index, so a clone's staged work is
//! never swept into it; then the work tree and the index follow for the paths committed (and
//! only those), so `git status` stays clean. In a bare repository (a git host's mirror) only the
//! branch moves. Should the branch move while a commit is made, libgit2 refuses to update it and
//! nothing is lost: the caller tries again on the new tip.

use std::path::{Path, PathBuf};
use std::process::Command;

use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Oid, Repository, Signature, Status, StatusOptions};

use crate::history::{campaign_prefix, repo_path};
use shenbao_core::paths::relative_inside;

/// When a file got to the branch: see [`Writer::file_times`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileTimes {
    /// The commit that made the version at the tip.
    pub last: Oid,
    /// When the file first arrived on the branch (seconds since the epoch).
    pub arrived: i64,
}

/// One file a commit adds, replaces or deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Relative to the campaign root, with `/`.
    pub path: String,
    pub content: Content,
}

/// What a changed file holds afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Bytes(Vec<u8>),
    /// The bytes of a file on disk, streamed into git (a 200 MB video is never held in memory).
    File(PathBuf),
    /// The file is deleted.
    Delete,
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
    /// HEAD is detached: there is no branch to commit on.
    NoBranch,
    /// A push or fetch of `git` failed; its own words.
    Remote(String),
    Io(std::io::Error),
    Git(git2::Error),
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommitError::BadPath(p) => write!(f, "`{p}` is not a path inside the campaign"),
            CommitError::Empty => write!(f, "nothing to commit"),
            CommitError::NoBranch => write!(f, "HEAD is not on a branch"),
            CommitError::Remote(e) => write!(f, "git: {e}"),
            CommitError::Io(e) => e.fmt(f),
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

impl From<std::io::Error> for CommitError {
    fn from(e: std::io::Error) -> Self {
        CommitError::Io(e)
    }
}

/// Commit `changes` on `branch` of the repository holding the campaign at `root`, on top of the
/// branch's tip (or as its first commit), authored and committed by `author` now. Returns the
/// new commit's id. The work tree is not touched.
pub fn commit(
    root: &Path,
    branch: &str,
    changes: &[Change],
    author: &Author,
    message: &str,
) -> Result<Oid, CommitError> {
    let repo = Repository::discover(root)?;
    let prefix = campaign_prefix(&repo, root).unwrap_or_default();
    commit_on(&repo, &prefix, branch, changes, author, author, message)
}

fn commit_on(
    repo: &Repository,
    prefix: &str,
    branch: &str,
    changes: &[Change],
    author: &Author,
    committer: &Author,
    message: &str,
) -> Result<Oid, CommitError> {
    let reference = format!("refs/heads/{branch}");
    let parent = match repo.find_reference(&reference) {
        Ok(r) => Some(r.peel_to_commit()?.id()),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    write_commit(
        repo,
        prefix,
        parent,
        Some(&reference),
        changes,
        author,
        committer,
        message,
    )
}

/// A commit of `changes` on `parent` (or a first commit), moving `reference` to it when given
/// (libgit2 moves it only if it still points at `parent`).
#[allow(clippy::too_many_arguments)]
fn write_commit(
    repo: &Repository,
    prefix: &str,
    parent: Option<Oid>,
    reference: Option<&str>,
    changes: &[Change],
    author: &Author,
    committer: &Author,
    message: &str,
) -> Result<Oid, CommitError> {
    if changes.is_empty() {
        return Err(CommitError::Empty);
    }
    let parent = parent.map(|p| repo.find_commit(p)).transpose()?;
    let baseline = match &parent {
        Some(c) => c.tree()?,
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let mut update = TreeUpdateBuilder::new();
    for change in changes {
        let path = repo_path(prefix, &checked(&change.path)?);
        match &change.content {
            Content::Bytes(bytes) => {
                let blob = repo.blob(bytes)?;
                update.upsert(path.as_str(), blob, FileMode::Blob);
            }
            Content::File(file) => {
                let blob = stream_blob(repo, file)?;
                update.upsert(path.as_str(), blob, FileMode::Blob);
            }
            Content::Delete => {
                update.remove(path.as_str());
            }
        }
    }
    let tree = repo.find_tree(update.create_updated(repo, &baseline)?)?;
    if tree.id() == baseline.id() {
        return Err(CommitError::Empty);
    }
    let author = Signature::now(&author.name, &author.email)?;
    let committer = Signature::now(&committer.name, &committer.email)?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let id = repo.commit(reference, &author, &committer, message, &tree, &parents)?;
    Ok(id)
}

/// Write `file` through a temporary file beside it, so a reader never sees half of it.
fn write_file(file: &Path, fill: impl FnOnce(&Path) -> std::io::Result<()>) -> std::io::Result<()> {
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temp = file.with_file_name(format!(
        ".{}.portal-{}",
        file.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    fill(&temp)?;
    std::fs::rename(&temp, file)
}

/// Remove `file`, and the folders it leaves empty up to `top`, as git would.
fn remove_file(top: &Path, file: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut dir = file.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d == top || std::fs::remove_dir(&d).is_err() {
            break;
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Ok(())
}

/// A blob written from a file through a fixed-size buffer.
fn stream_blob(repo: &Repository, file: &Path) -> Result<Oid, CommitError> {
    use std::io::{Read, Write};
    let mut source = std::fs::File::open(file)?;
    let mut writer = repo.blob_writer(None)?;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = source.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        writer.write_all(&buffer[..n])?;
    }
    Ok(writer.commit()?)
}

/// `path` if it is a plain relative path inside the campaign, with `/`.
fn checked(path: &str) -> Result<String, CommitError> {
    relative_inside(path)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p == path)
        .ok_or_else(|| CommitError::BadPath(path.into()))
}

/// The repository a portal writes to: a clone with a work tree, or a bare repository.
pub struct Writer {
    repo: Repository,
    /// The campaign's folder inside the repository (`""` at its root).
    prefix: String,
    branch: String,
}

impl Writer {
    /// The repository holding the campaign at `root` (a work tree), or the bare repository at
    /// `root`, on its checked-out branch.
    pub fn open(root: &Path) -> Result<Writer, CommitError> {
        let repo = Repository::discover(root)?;
        let prefix = if repo.is_bare() {
            String::new()
        } else {
            campaign_prefix(&repo, root).unwrap_or_default()
        };
        let branch = {
            let head = repo.find_reference("HEAD")?;
            head.symbolic_target()
                .ok()
                .flatten()
                .and_then(|t| t.strip_prefix("refs/heads/"))
                .ok_or(CommitError::NoBranch)?
                .to_string()
        };
        Ok(Writer {
            repo,
            prefix,
            branch,
        })
    }

    pub fn branch(&self) -> &str {
        &self.branch
    }

    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }

    /// The folder for state that belongs to this repository and is never committed
    /// (`.git/shenbao/`, shared by every work tree of the repository).
    pub fn state_dir(&self) -> PathBuf {
        self.repo.commondir().join("shenbao")
    }

    /// The branch's tip, if it has one.
    pub fn tip(&self) -> Result<Option<Oid>, CommitError> {
        match self
            .repo
            .find_reference(&format!("refs/heads/{}", self.branch))
        {
            Ok(r) => Ok(Some(r.peel_to_commit()?.id())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The content of a campaign file in `commit`, if it is there.
    pub fn read_at(&self, commit: Oid, rel: &str) -> Result<Option<Vec<u8>>, CommitError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        let path = repo_path(&self.prefix, rel);
        match tree.get_path(Path::new(&path)) {
            Ok(entry) => match entry.to_object(&self.repo)?.into_blob() {
                Ok(blob) => Ok(Some(blob.content().to_vec())),
                Err(_) => Ok(None),
            },
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The version of a file at the branch's tip, as its blob id (`None` when absent): what an
    /// edit is based on, to tell whether someone changed it meanwhile.
    pub fn version(&self, rel: &str) -> Result<Option<String>, CommitError> {
        self.version_at(self.tip()?, rel)
    }

    /// The version of a file in `commit` (`None` for no commit yet).
    pub fn version_at(
        &self,
        commit: Option<Oid>,
        rel: &str,
    ) -> Result<Option<String>, CommitError> {
        let Some(commit) = commit else {
            return Ok(None);
        };
        let tree = self.repo.find_commit(commit)?.tree()?;
        let path = repo_path(&self.prefix, rel);
        match tree.get_path(Path::new(&path)) {
            Ok(entry) => Ok(Some(entry.id().to_string())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// What the branch's first-parent history says of `rel`: the commit that made its version
    /// at the tip, and when the file first arrived (as `check` judges lateness). `None` when the
    /// file is not on the branch. One walk back, as far as the file's arrival: for a receipt,
    /// asked for by a click, not for every page.
    pub fn file_times(&self, rel: &str) -> Option<FileTimes> {
        let path = repo_path(&self.prefix, rel);
        let blob = |c: &git2::Commit<'_>| blob_at(c, &path);
        let mut commit = self.repo.find_commit(self.tip().ok()??).ok()?;
        let current = blob(&commit)?;
        let mut last = None;
        loop {
            let parent = commit.parent(0).ok();
            let before = parent.as_ref().and_then(blob);
            if last.is_none() && before != Some(current) {
                last = Some(commit.id());
            }
            match parent {
                Some(parent) if before.is_some() => commit = parent,
                _ => {
                    return Some(FileTimes {
                        last: last?,
                        arrived: commit.time().seconds(),
                    });
                }
            }
        }
    }

    /// When `commit` (a full or abbreviated id) was made, if it is on the branch and changed
    /// the campaign file `rel`: what a receipt may name.
    pub fn commit_touching(&self, commit: &str, rel: &str) -> Option<(Oid, i64)> {
        let found = self
            .repo
            .revparse_single(commit)
            .ok()?
            .peel_to_commit()
            .ok()?;
        let tip = self.tip().ok()??;
        if found.id() != tip && !self.repo.graph_descendant_of(tip, found.id()).ok()? {
            return None;
        }
        let path = repo_path(&self.prefix, rel);
        let blob = |c: &git2::Commit<'_>| blob_at(c, &path);
        let now = blob(&found);
        let before = found.parent(0).ok().and_then(|p| blob(&p));
        (now.is_some() && now != before).then(|| (found.id(), found.time().seconds()))
    }

    /// Files of the campaign that differ between the work tree (or index) and HEAD, or that git
    /// does not track, relative to the campaign root; `paths` narrows the question. Ignored
    /// files do not count. Empty for a bare repository.
    pub fn uncommitted(&self, paths: &[String]) -> Result<Vec<String>, CommitError> {
        if self.repo.is_bare() {
            return Ok(Vec::new());
        }
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false);
        for p in paths {
            options.pathspec(repo_path(&self.prefix, p));
        }
        let statuses = self.repo.statuses(Some(&mut options))?;
        let inside = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let mut found: Vec<String> = statuses
            .iter()
            .filter(|s| s.status() != Status::CURRENT && !s.status().contains(Status::IGNORED))
            .filter_map(|s| s.path().ok().map(str::to_string))
            .filter_map(|p| p.strip_prefix(&inside).map(str::to_string))
            .filter(|p| {
                paths.is_empty()
                    || paths
                        .iter()
                        .any(|q| p == q || p.starts_with(&format!("{q}/")))
            })
            .collect();
        found.sort();
        found.dedup();
        Ok(found)
    }

    /// Commit `changes` on the branch; in a clone, the work tree and the index follow for those
    /// paths.
    pub fn commit(
        &self,
        changes: &[Change],
        author: &Author,
        committer: &Author,
        message: &str,
    ) -> Result<Oid, CommitError> {
        let id = commit_on(
            &self.repo,
            &self.prefix,
            &self.branch,
            changes,
            author,
            committer,
            message,
        )?;
        self.write_changes(changes)?;
        Ok(id)
    }

    /// Write `changes` into the work tree and the index, from their own content (a large
    /// upload is copied from its file, never read whole); nothing in a bare repository.
    fn write_changes(&self, changes: &[Change]) -> Result<(), CommitError> {
        if let Some(workdir) = self.repo.workdir() {
            let mut index = self.repo.index()?;
            for change in changes {
                let repo_rel = repo_path(&self.prefix, &change.path);
                let file = workdir.join(&repo_rel);
                match &change.content {
                    Content::Bytes(bytes) => write_file(&file, |temp| std::fs::write(temp, bytes))?,
                    Content::File(from) => {
                        write_file(&file, |temp| std::fs::copy(from, temp).map(|_| ()))?
                    }
                    Content::Delete => remove_file(workdir, &file)?,
                }
                match &change.content {
                    Content::Delete => {
                        let _ = index.remove_path(Path::new(&repo_rel));
                    }
                    _ => index.add_path(Path::new(&repo_rel))?,
                }
            }
            index.write()?;
        }
        Ok(())
    }

    /// Bring the work tree and the index in line with commit `to` for `paths` (nothing in a
    /// bare repository). Only the given paths are written.
    fn follow(&self, to: Oid, paths: &[String]) -> Result<(), CommitError> {
        let Some(workdir) = self.repo.workdir() else {
            return Ok(());
        };
        let mut index = self.repo.index()?;
        for rel in paths {
            let repo_rel = repo_path(&self.prefix, rel);
            let file = workdir.join(&repo_rel);
            match self.read_at(to, rel)? {
                Some(bytes) => {
                    write_file(&file, |temp| std::fs::write(temp, &bytes))?;
                    index.add_path(Path::new(&repo_rel))?;
                }
                None => {
                    remove_file(workdir, &file)?;
                    let _ = index.remove_path(Path::new(&repo_rel));
                }
            }
        }
        index.write()?;
        Ok(())
    }

    /// The campaign files that differ between two commits.
    pub fn changed_between(&self, from: Option<Oid>, to: Oid) -> Result<Vec<String>, CommitError> {
        let old = match from {
            Some(c) => Some(self.repo.find_commit(c)?.tree()?),
            None => None,
        };
        let new = self.repo.find_commit(to)?.tree()?;
        let diff = self
            .repo
            .diff_tree_to_tree(old.as_ref(), Some(&new), None)?;
        let inside = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let mut paths = Vec::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(p) = file.path().and_then(|p| p.to_str())
                    && let Some(rel) = p.strip_prefix(&inside)
                {
                    paths.push(rel.to_string());
                }
            }
        }
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    /// Every file of the campaign at `commit`, written into `dir` (which is emptied first): the
    /// files the rules read, for a bare repository that has no work tree.
    pub fn materialise(&self, commit: Oid, dir: &Path) -> Result<(), CommitError> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let tree = self.repo.find_commit(commit)?.tree()?;
        let top = if self.prefix.is_empty() {
            tree
        } else {
            self.repo
                .find_tree(tree.get_path(Path::new(&self.prefix))?.id())?
        };
        let mut failure = None;
        top.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
            let rel = format!("{parent}{}", entry.name().unwrap_or_default());
            let target = dir.join(&rel);
            let outcome = match entry.kind() {
                Some(git2::ObjectType::Tree) => std::fs::create_dir_all(&target),
                Some(git2::ObjectType::Blob) => match self.repo.find_blob(entry.id()) {
                    Ok(blob) => std::fs::write(&target, blob.content()),
                    Err(e) => Err(std::io::Error::other(e.message().to_string())),
                },
                _ => Ok(()),
            };
            match outcome {
                Ok(()) => git2::TreeWalkResult::Ok,
                Err(e) => {
                    failure = Some(e);
                    git2::TreeWalkResult::Abort
                }
            }
        })?;
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// A commit of `changes` on `parent` (the remote's tip), written without moving any branch:
    /// the branch follows once the remote has taken it ([`Writer::push_commit`], then
    /// [`Writer::fast_forward`]), so this repository never holds what the remote refused.
    pub fn commit_onto(
        &self,
        parent: Option<Oid>,
        changes: &[Change],
        author: &Author,
        committer: &Author,
        message: &str,
    ) -> Result<Oid, CommitError> {
        write_commit(
            &self.repo,
            &self.prefix,
            parent,
            None,
            changes,
            author,
            committer,
            message,
        )
    }

    /// Push `commit` as the branch of `remote`. `Ok(false)` when the remote refused it because it
    /// moved on or was being moved (another writer went first, or is pushing this very moment:
    /// the remote's ref was locked); other failures are errors.
    pub fn push_commit(&self, remote: &str, commit: Oid) -> Result<bool, CommitError> {
        let spec = format!("{commit}:refs/heads/{}", self.branch);
        let out = self.git(&["push", "--porcelain", remote, &spec])?;
        if out.status.success() {
            return Ok(true);
        }
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if text.contains("[rejected]")
            || text.contains("fetch first")
            || text.contains("non-fast-forward")
            || text.contains("failed to update ref")
            || text.contains("cannot lock ref")
        {
            Ok(false)
        } else {
            Err(CommitError::Remote(text.trim().to_string()))
        }
    }

    /// Fetch the branch from `remote` and return the remote's tip.
    pub fn fetch(&self, remote: &str) -> Result<Oid, CommitError> {
        let spec = format!("+refs/heads/{0}:refs/shenbao/remote/{0}", self.branch);
        let out = self.git(&["fetch", "--quiet", remote, &spec])?;
        if !out.status.success() {
            return Err(CommitError::Remote(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
        let r = self
            .repo
            .find_reference(&format!("refs/shenbao/remote/{}", self.branch))?;
        Ok(r.peel_to_commit()?.id())
    }

    /// Move the branch to `to` (the remote's tip, or this writer's commit once the remote took
    /// it); in a clone the work tree and index follow for every file that changed, `own` (this
    /// writer's changes in `to`) from their own content. Refused when the branch is not an
    /// ancestor of `to` (that would drop commits). Returns the campaign files that changed.
    pub fn fast_forward(&self, to: Oid, own: &[Change]) -> Result<Vec<String>, CommitError> {
        let from = self.tip()?;
        if let Some(from) = from {
            if from == to {
                return Ok(Vec::new());
            }
            if !self.repo.graph_descendant_of(to, from)? {
                return Err(CommitError::Remote(format!(
                    "{} has diverged from the remote",
                    self.branch
                )));
            }
        }
        let paths = self.changed_between(from, to)?;
        self.repo.reference(
            &format!("refs/heads/{}", self.branch),
            to,
            true,
            "shenbao portal: fast-forward to the remote",
        )?;
        let theirs: Vec<String> = paths
            .iter()
            .filter(|p| !own.iter().any(|c| c.path == **p))
            .cloned()
            .collect();
        self.follow(to, &theirs)?;
        self.write_changes(own)?;
        Ok(paths)
    }

    fn git(&self, args: &[&str]) -> Result<std::process::Output, CommitError> {
        Ok(Command::new("git")
            .arg("--git-dir")
            .arg(self.repo.path())
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()?)
    }
}

/// The id of what `path` (relative to the repository) holds in `commit`, if anything.
fn blob_at(commit: &git2::Commit<'_>, path: &str) -> Option<Oid> {
    commit
        .tree()
        .ok()?
        .get_path(Path::new(path))
        .ok()
        .map(|e| e.id())
}
