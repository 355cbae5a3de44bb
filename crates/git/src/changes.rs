//! A pull request seen from git: which files it changes (renames and deletions included) and
//! whether each commit's author may change them (the rule is `ownership`'s).

use git2::{Diff, DiffFindOptions, Oid, Repository};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::history;
use crate::ownership::{may_change, own_units};
use shenbao_core::campaign::Campaign;
use shenbao_core::diagnostic::Diagnostic;
use shenbao_core::problem::Problem;
use shenbao_core::source::Pos;

/// What a range of commits changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Paths relative to the campaign root: new and old names of renames, deleted files too.
    pub files: BTreeSet<String>,
    /// `outside-own-folder`, one per path at most.
    pub ownership: Vec<Diagnostic>,
}

/// Why the range could not be read.
#[derive(Debug)]
pub enum ChangesError {
    NotARepository,
    /// The revision does not name a commit.
    /// The revision as given, and the command that fetches it.
    UnknownRevision {
        rev: String,
        fetch: String,
    },
    Git(git2::Error),
}

impl ChangesError {
    /// What went wrong, in `lang` (git's own words after it).
    pub fn message(&self, lang: shenbao_core::lang::Lang) -> String {
        match self {
            ChangesError::NotARepository => lang
                .pick(
                    "--changed-since 要求申报活动在 git 仓库中",
                    "--changed-since needs the campaign to be in a git repository",
                )
                .into(),
            ChangesError::UnknownRevision { rev, fetch } => lang
                .pick(
                    "`{rev}` 不是本仓库的提交（在 CI 中先获取它：{fetch}）",
                    "`{rev}` is not a commit of this repository (in CI, fetch it: {fetch})",
                )
                .replace("{rev}", rev)
                .replace("{fetch}", fetch),
            ChangesError::Git(e) => format!("git: {}", e.message()),
        }
    }
}

impl std::fmt::Display for ChangesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(shenbao_core::lang::Lang::En))
    }
}

impl std::error::Error for ChangesError {}

impl From<git2::Error> for ChangesError {
    fn from(e: git2::Error) -> Self {
        ChangesError::Git(e)
    }
}

/// The git command that fetches `rev`: a remote's branch (`origin/main`) as `git fetch origin
/// main`; anything else (`feature/x` is a branch, not a remote's) from `origin`.
fn fetch_command(repo: &Repository, rev: &str) -> String {
    match rev.split_once('/') {
        Some((remote, branch)) if !branch.is_empty() && repo.find_remote(remote).is_ok() => {
            format!("git fetch {remote} {branch}")
        }
        _ => format!("git fetch origin {rev}"),
    }
}

/// The changes of `rev..HEAD` (from their merge base, as a pull request shows them), each judged
/// as made by its commit's author, or by `actor` — the user the forge authenticated — when given.
pub fn since(campaign: &Campaign, rev: &str, actor: Option<&str>) -> Result<Changes, ChangesError> {
    let repo = Repository::discover(&campaign.root).map_err(|_| ChangesError::NotARepository)?;
    let prefix =
        history::campaign_prefix(&repo, &campaign.root).ok_or(ChangesError::NotARepository)?;
    let base = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| ChangesError::UnknownRevision {
            rev: rev.to_string(),
            fetch: fetch_command(&repo, rev),
        })?;
    let head = repo.head()?.peel_to_commit()?;
    let merge_base = repo.merge_base(base.id(), head.id())?;

    // Who may change what, as the target branch says: a pull request cannot grant itself
    // rights, nor pick an older registry by branching from an older commit. Without a valid
    // registry there, nobody may change anything: the check fails closed.
    let rules = campaign_at(&repo, &prefix, base.id(), &campaign.root).unwrap_or_else(|| {
        let mut closed = campaign.clone();
        closed.organisers.clear();
        for unit in &mut closed.units {
            unit.maintainers.clear();
        }
        closed
    });
    let rules = &rules;

    let mut out = Changes::default();
    let whole = paths(&diff(&repo, Some(merge_base), head.id())?);
    for path in &whole {
        out.files.insert(relative(&prefix, path));
    }

    let identity = |commit: &git2::Commit<'_>| match actor {
        Some(actor) => actor.trim().to_lowercase(),
        None => commit.author().email().unwrap_or_default().to_lowercase(),
    };
    let mut offending: BTreeMap<String, Diagnostic> = BTreeMap::new();
    let mut judge = |rel: String, who: &str, commit: Oid| {
        if may_change(rules, who, &rel) || offending.contains_key(&rel) {
            return;
        }
        let problem = Problem::OutsideOwnFolder {
            email: who.to_string(),
            commit: commit.to_string()[..8].to_string(),
            own: own_units(rules, who),
        };
        offending.insert(rel.clone(), Diagnostic::new(rel, Pos::START, problem));
    };

    // Every ordinary commit of the range, as its author's (a root commit against nothing).
    let mut walk = repo.revwalk()?;
    walk.push(head.id())?;
    walk.hide(merge_base)?;
    let mut explained: BTreeSet<String> = BTreeSet::new();
    let mut merges: Vec<Oid> = Vec::new();
    for id in walk {
        let commit = repo.find_commit(id?)?;
        let parent = match commit.parent_count() {
            0 => None,
            1 => Some(commit.parent_id(0)?),
            _ => {
                merges.push(commit.id());
                continue;
            }
        };
        let who = identity(&commit);
        for path in paths(&diff(&repo, parent, commit.id())?) {
            explained.insert(path.clone());
            judge(relative(&prefix, &path), &who, commit.id());
        }
    }
    // What the pull request changes that no ordinary commit of it does came in through a merge:
    // made in the merge itself, or brought from a commit outside the range (an orphan, an old
    // one). It is the merging author's doing; the newest merge answers for it.
    let answerable = match merges.first() {
        Some(&merge) => Some(repo.find_commit(merge)?),
        None => None,
    };
    if let Some(merge) = answerable {
        let who = identity(&merge);
        for path in whole.iter().filter(|p| !explained.contains(*p)) {
            judge(relative(&prefix, path), &who, merge.id());
        }
    }
    out.ownership = offending.into_values().collect();
    Ok(out)
}

/// The campaign as `campaign.yaml` stood at commit `at`; `None` when it did not exist there or
/// was not valid.
fn campaign_at(repo: &Repository, prefix: &str, at: Oid, root: &Path) -> Option<Campaign> {
    let tree = repo.find_commit(at).ok()?.tree().ok()?;
    let path = history::repo_path(prefix, shenbao_core::campaign::CAMPAIGN_FILE);
    let entry = tree.get_path(Path::new(&path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    shenbao_core::campaign::parse(root, blob.content().to_vec()).ok()
}

/// The changes from `from` (nothing, for a root commit) to `to`.
fn diff(repo: &Repository, from: Option<Oid>, to: Oid) -> Result<Diff<'_>, git2::Error> {
    let old = match from {
        Some(from) => Some(repo.find_commit(from)?.tree()?),
        None => None,
    };
    let new = repo.find_commit(to)?.tree()?;
    let mut diff = repo.diff_tree_to_tree(old.as_ref(), Some(&new), None)?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    Ok(diff)
}

/// Old and new paths of every delta, as repository paths.
fn paths(diff: &Diff<'_>) -> BTreeSet<String> {
    diff.deltas()
        .flat_map(|d| [d.old_file().path(), d.new_file().path()])
        .flatten()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// A repository path relative to the campaign root; a path outside the campaign stays as the
/// repository names it, with a leading `/`.
fn relative(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_string();
    }
    match path.strip_prefix(prefix).and_then(|p| p.strip_prefix('/')) {
        Some(rel) => rel.to_string(),
        None => format!("/{path}"),
    }
}

/// Whether a diagnostic concerns one file a pull request may change (an entry or a unit card),
/// rather than the campaign as a whole (its folders, quotas, `campaign.yaml`).
pub fn is_per_file(file: &str) -> bool {
    use shenbao_core::paths::{self, EntryId};
    EntryId::of_file(file).is_some() || paths::unit_of(file).is_some_and(|u| file == paths::card(u))
}
