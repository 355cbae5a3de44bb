//! What git knows of the submissions: for every file under `submissions/`, the first-parent
//! commit that first brought it to the main line (its arrival) and the last that changed it.
//!
//! One walk of HEAD's first-parent history compares each commit's `submissions/` tree with its
//! parent's, skipping every subtree whose id did not change, so the cost follows what changed,
//! not the size of the tree times the number of commits. The result is cached in `.git/`, keyed
//! by HEAD; when HEAD has moved on along its line, only the commits since are walked.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use git2::{Odb, Oid, Repository};
use serde::{Deserialize, Serialize};
use shenbao_core::history::{FileTimes, History, HistoryError, HistorySource, Stamp};

/// The history of the campaign at `root`, or `None` when it is not in a git repository (or the
/// repository has no commit yet).
pub fn read(root: &Path, use_cache: bool) -> Result<Option<History>, HistoryError> {
    read_repo(root, use_cache).map_err(|e| match e {
        WalkError::Git(e) => HistoryError::Git(e.message().to_string()),
        WalkError::Malformed(commit) => HistoryError::Malformed(commit.to_string()),
    })
}

/// Why the walk stopped: git's own error, or a commit whose bytes are not a commit's (the walk
/// reads commits as stored, not through libgit2's parser).
#[derive(Debug)]
enum WalkError {
    Git(git2::Error),
    Malformed(Oid),
}

impl From<git2::Error> for WalkError {
    fn from(e: git2::Error) -> Self {
        WalkError::Git(e)
    }
}

/// Arrival times from the campaign's git repository.
pub struct Git;

impl HistorySource for Git {
    fn read(&self, root: &Path, use_cache: bool) -> Result<Option<History>, HistoryError> {
        read(root, use_cache)
    }
}

fn read_repo(root: &Path, use_cache: bool) -> Result<Option<History>, WalkError> {
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
    let submissions = repo_path(&prefix, "submissions");
    let cached = use_cache
        .then(|| load_cache(&cache, &submissions))
        .flatten();
    let history = match cached {
        Some((at, history)) if at == head.id() => return Ok(Some(history)),
        // A cache of an earlier HEAD is gone on from, when that HEAD is on the line.
        cached => walk(&repo, head.id(), &submissions, cached)?,
    };
    if use_cache {
        // A cache that cannot be written only costs the next run the walk.
        let _ = store_cache(&cache, &submissions, head.id(), &history);
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

/// Walk HEAD's first-parent line from the root commit forward: the line listed, what each commit
/// changed under `submissions/` found on every core (each comparison stands alone), then the
/// changes applied in order.
fn walk(
    repo: &Repository,
    head: Oid,
    submissions: &str,
    since: Option<(Oid, History)>,
) -> Result<History, WalkError> {
    let _cache_off = CacheOff::new();
    let odb = repo.odb()?;
    let (mut line, reached) = first_parent_line(&odb, head, since.as_ref().map(|s| s.0))?;
    // From the history at an earlier commit of the line, only the commits after it are walked.
    let (before, mut files) = match (reached, since) {
        (true, Some((_, history))) => (Some(line.remove(0).tree), history.files),
        _ => (None, HashMap::new()),
    };
    let trees: Vec<Oid> = line.iter().map(|c| c.tree).collect();
    let changed = changes_along(repo, before, &trees, submissions)?;

    for (at, changes) in changed {
        let stamp = line[at].stamp()?;
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
    Ok(History {
        shallow: false,
        files,
    })
}

/// libgit2's object cache, off while the history is walked. The walk reads each commit and
/// tree once (a stretch keeps the one tree it reads twice), so the cache was only cost: storing,
/// looking up and freeing 60,000 objects, a tenth of a cold walk's time. The switch is
/// process-wide (libgit2 has no other): it is on again when the last walk under way ends, and
/// meanwhile other repositories of the process (the portal's, a `--rev` tree) read uncached.
struct CacheOff;

/// The walks under way.
static WALKS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

impl CacheOff {
    fn new() -> Self {
        let mut walks = WALKS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *walks == 0 {
            git2::opts::enable_caching(false);
        }
        *walks += 1;
        CacheOff
    }
}

impl Drop for CacheOff {
    fn drop(&mut self) {
        let mut walks = WALKS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *walks -= 1;
        if *walks == 0 {
            git2::opts::enable_caching(true);
        }
    }
}

/// The commits along `trees` (root trees, oldest first) that changed the tree at `path`, by
/// place, with what each changed. Stretches of the line are compared at once, each thread with
/// its own object database (libgit2's are not shared between threads): reading and inflating
/// trees is most of a long history's time, and every commit's comparison with the one before
/// stands alone.
fn changes_along(
    repo: &Repository,
    before: Option<Oid>,
    trees: &[Oid],
    path: &str,
) -> Result<Vec<(usize, Changes)>, WalkError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Many stretches a thread, taken as threads come free, so that they end together.
    let stretch = trees.len().div_ceil(threads * 16).max(256);
    changes_in_stretches(repo, before, trees, path, threads, stretch)
}

/// [`changes_along`], in stretches of `stretch` commits on `threads` threads.
fn changes_in_stretches(
    repo: &Repository,
    before: Option<Oid>,
    trees: &[Oid],
    path: &str,
    threads: usize,
    stretch: usize,
) -> Result<Vec<(usize, Changes)>, WalkError> {
    let stretches = trees.len().div_ceil(stretch);
    let next = AtomicUsize::new(0);
    let compare_stretches = |odb: &Odb<'_>| -> Result<Vec<(usize, Changes)>, WalkError> {
        let mut found = Vec::new();
        loop {
            let s = next.fetch_add(1, AtomicOrdering::Relaxed);
            if s >= stretches {
                return Ok(found);
            }
            let (from, to) = (s * stretch, ((s + 1) * stretch).min(trees.len()));
            let previous_root = from.checked_sub(1).map(|at| trees[at]).or(before);
            let mut previous = match previous_root {
                Some(root) => subtree_id(odb, root, path)?,
                None => None,
            };
            // The tree of the commit before, kept: read again, it was inflated twice a commit
            // (libgit2's cache is off for the walk, and the tree too large for it anyway).
            let mut old = previous.map(|id| odb.read(id)).transpose()?;
            for (at, &tree) in trees.iter().enumerate().take(to).skip(from) {
                let current = subtree_id(odb, tree, path)?;
                if current == previous {
                    continue;
                }
                let new = current.map(|id| odb.read(id)).transpose()?;
                let mut changes = Changes::default();
                compare(
                    odb,
                    old.as_ref().map(|o| o.data()),
                    new.as_ref().map(|o| o.data()),
                    "submissions",
                    &mut changes,
                )?;
                found.push((at, changes));
                (previous, old) = (current, new);
            }
        }
    };
    if threads == 1 || stretches == 1 {
        return compare_stretches(&repo.odb()?);
    }
    let (gitdir, objects) = (repo.path(), repo.commondir().join("objects"));
    let mut found = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(stretches))
            .map(|helper| {
                let (objects, compare_stretches) = (&objects, &compare_stretches);
                scope.spawn(move || with_own_packs(gitdir, objects, helper, compare_stretches))
            })
            .collect();
        let mut found = compare_stretches(&repo.odb()?)?;
        for helper in helpers {
            match helper.join() {
                Ok(more) => found.extend(more?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok::<_, WalkError>(found)
    })?;
    found.sort_unstable_by_key(|(at, _)| *at);
    Ok(found)
}

/// The most helpers with packs of their own: on a machine of many cores, each more would hold
/// its own cache of delta bases and files for little gain.
const OWN_PACKS: usize = 7;

/// `f` with a handle on the repository's objects whose packs are not shared with other handles.
///
/// libgit2 shares an open pack between all handles on it, keyed by the pack's path, with one
/// lock and one cache of delta bases: two threads reading the history waited on each other for
/// a fifth of the walk. Spelled differently (`objects/.`, `objects/./.` for the `nth` helper),
/// the same folder gives each helper packs of its own, for ~20 MB more of mapped pack and cache
/// (and a file open per pack): at most [`OWN_PACKS`] spellings, shared beyond. Packs borrowed
/// through `objects/info/alternates` are read at the path written there, shared.
fn with_own_packs<T>(
    repo: &Path,
    objects: &Path,
    nth: usize,
    f: impl FnOnce(&Odb<'_>) -> Result<T, WalkError>,
) -> Result<T, WalkError> {
    match objects.to_str() {
        Some(objects) => {
            let odb = Odb::new()?;
            let spelling = (nth - 1) % OWN_PACKS + 1;
            odb.add_disk_alternate(&format!("{objects}{}", "/.".repeat(spelling)))?;
            f(&odb)
        }
        // libgit2 takes such a path as UTF-8 only: a repository elsewhere shares its packs.
        None => f(&Repository::open(repo)?.odb()?),
    }
}

/// One commit of the first-parent line: its tree, and its object, whose stamp is read only if
/// it changed something.
struct Link<'odb> {
    id: Oid,
    tree: Oid,
    object: git2::OdbObject<'odb>,
}

impl Link<'_> {
    /// The author's name and address and the committer's time, read from the commit's header
    /// as git writes it (`author Name <address> 1512576000 +0800`).
    fn stamp(&self) -> Result<Stamp, WalkError> {
        let header = |key: &[u8]| {
            header_lines(self.object.data())
                .find_map(|line| line.strip_prefix(key)?.strip_prefix(b" "))
                .ok_or(WalkError::Malformed(self.id))
        };
        let author = ident(header(b"author")?).ok_or(WalkError::Malformed(self.id))?;
        let committer = ident(header(b"committer")?).ok_or(WalkError::Malformed(self.id))?;
        let text = |bytes: &[u8]| std::str::from_utf8(bytes).unwrap_or_default().to_string();
        Ok(Stamp {
            commit: self.id.to_string(),
            time: committer.time,
            offset: committer.offset,
            author: text(author.name),
            email: text(author.email),
        })
    }
}

/// HEAD's first-parent line, oldest first, each commit read once as stored (a revwalk, then
/// each commit looked up again, parsed every commit twice: a quarter of the walk's time); from
/// `since` on, if it is on the line (then the first), and whether it was.
fn first_parent_line<'odb>(
    odb: &'odb Odb<'_>,
    head: Oid,
    since: Option<Oid>,
) -> Result<(Vec<Link<'odb>>, bool), WalkError> {
    let mut line = Vec::new();
    let mut next = Some(head);
    let mut reached = false;
    while let Some(id) = next {
        let object = odb.read(id)?;
        if object.kind() != git2::ObjectType::Commit {
            return Err(WalkError::Malformed(id));
        }
        let mut tree = None;
        next = None;
        for line in header_lines(object.data()) {
            if let Some(hex) = line.strip_prefix(b"tree ") {
                tree = Some(oid(hex).ok_or(WalkError::Malformed(id))?);
            } else if let Some(hex) = line.strip_prefix(b"parent ") {
                next = Some(oid(hex).ok_or(WalkError::Malformed(id))?);
                break;
            }
        }
        let tree = tree.ok_or(WalkError::Malformed(id))?;
        line.push(Link { id, tree, object });
        if since == Some(id) {
            reached = true;
            break;
        }
    }
    line.reverse();
    Ok((line, reached))
}

/// The lines of a commit's header (up to the blank line before its message).
fn header_lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
        .take_while(|line| !line.is_empty())
}

/// A person and time as git writes them, `Name <address> 1512576000 +0800`: the name and
/// address, the time and the offset in minutes. Read as libgit2 reads it: the address between
/// the last `<` and `>`, the leading digits of the time and of the zone one character after it;
/// no time, time 0; a time without digits, not read; a zone it cannot read or out of range, UTC.
fn ident(line: &[u8]) -> Option<Ident<'_>> {
    let lt = line.iter().rposition(|&b| b == b'<')?;
    let gt = line.iter().rposition(|&b| b == b'>')?;
    if gt < lt {
        return None;
    }
    let (name, email) = (line[..lt].trim_ascii(), line[lt + 1..gt].trim_ascii());
    let rest = std::str::from_utf8(&line[gt + 1..])
        .unwrap_or_default()
        .trim_start();
    if rest.is_empty() {
        return Some(Ident {
            name,
            email,
            time: 0,
            offset: 0,
        });
    }
    let (time, rest) = leading_number(rest)?;
    // As libgit2: the zone one character after the time.
    let offset = rest
        .get(1..)
        .and_then(|zone| {
            let (sign, digits) = zone.split_at_checked(1)?;
            let hhmm = i32::try_from(leading_number(digits)?.0).ok()?;
            let (hours, minutes) = (hhmm / 100, hhmm % 100);
            let offset = (hours <= 14 && minutes <= 59).then_some(hours * 60 + minutes)?;
            match sign {
                "+" => Some(offset),
                "-" => Some(-offset),
                _ => None,
            }
        })
        .unwrap_or(0);
    Some(Ident {
        name,
        email,
        time,
        offset,
    })
}

/// The number `text` begins with, and what follows it.
fn leading_number(text: &str) -> Option<(i64, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    Some((text[..end].parse().ok()?, &text[end..]))
}

/// A person and time of a commit's header: [`ident`].
struct Ident<'a> {
    name: &'a [u8],
    email: &'a [u8],
    time: i64,
    /// Minutes east of UTC.
    offset: i32,
}

/// A full object id written in hex.
fn oid(hex: &[u8]) -> Option<Oid> {
    let hex = std::str::from_utf8(hex).ok()?;
    (hex.len() == 40).then(|| Oid::from_str(hex).ok()).flatten()
}

/// The id of the tree at `path` (`a/b`) under the tree `root`, if there is one.
fn subtree_id(odb: &Odb<'_>, root: Oid, path: &str) -> Result<Option<Oid>, WalkError> {
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
#[derive(Debug, Default, PartialEq)]
struct Changes {
    added: Vec<(String, Oid)>,
    modified: Vec<String>,
    deleted: Vec<(String, Oid)>,
}

/// Compare two raw trees, descending only into subtrees whose ids differ. The bytes both begin
/// with are skipped at once (read as entries on one side only), then both are walked side by
/// side in git's own order, entries compared as bytes in place, and the walk stops as soon as
/// the rest of both is identical: a commit touches a unit or two of hundreds, and this is where
/// a long history's time goes.
fn compare(
    odb: &Odb<'_>,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
    path: &str,
    out: &mut Changes,
) -> Result<(), WalkError> {
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    // The entries wholly within the bytes both begin with are the same on both sides.
    let same = common_prefix(old, new);
    let mut start = 0;
    for entry in entries(old) {
        if start + entry.raw.len() > same {
            break;
        }
        start += entry.raw.len();
    }
    let (old, new) = (&old[start..], &new[start..]);
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

/// How many bytes `a` and `b` begin with alike, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut at = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let diff =
            u64::from_le_bytes(x.try_into().unwrap()) ^ u64::from_le_bytes(y.try_into().unwrap());
        if diff != 0 {
            return at + (diff.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + a[at..]
        .iter()
        .zip(&b[at..])
        .take_while(|(x, y)| x == y)
        .count()
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
    /// The folder walked (`<campaign>/submissions`): two campaigns' caches never mix.
    submissions: String,
    head: String,
    commits: Vec<Stamp>,
    /// Path, arrival commit index, change commit index.
    files: Vec<(String, u32, u32)>,
}

const CACHE_VERSION: u32 = 2;

/// The history cached, and the HEAD it was read at.
fn load_cache(path: &Path, submissions: &str) -> Option<(Oid, History)> {
    let bytes = std::fs::read(path).ok()?;
    let cached: Cached = serde_json::from_slice(&bytes).ok()?;
    if cached.version != CACHE_VERSION || cached.submissions != submissions {
        return None;
    }
    let head = Oid::from_str(&cached.head).ok()?;
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
    Some((
        head,
        History {
            shallow: false,
            files,
        },
    ))
}

fn store_cache(
    path: &Path,
    submissions: &str,
    head: Oid,
    history: &History,
) -> std::io::Result<()> {
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut commits: Vec<Stamp> = Vec::new();
    let mut id_of = |s: &Stamp, commits: &mut Vec<Stamp>| -> u32 {
        *index.entry(s.commit.clone()).or_insert_with(|| {
            commits.push(s.clone());
            (commits.len() - 1) as u32
        })
    };
    // In path order, so that the commits are numbered alike each time: the same history is
    // the same bytes (the map's own order changes from one run to the next).
    let mut by_path: Vec<(&String, &FileTimes)> = history.files.iter().collect();
    by_path.sort_unstable_by_key(|(p, _)| *p);
    let files: Vec<(String, u32, u32)> = by_path
        .into_iter()
        .map(|(p, t)| {
            let a = id_of(&t.arrived, &mut commits);
            let c = id_of(&t.changed, &mut commits);
            (p.clone(), a, c)
        })
        .collect();
    let cached = Cached {
        version: CACHE_VERSION,
        submissions: submissions.to_string(),
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

    /// The line read from the commits' own bytes: the same commits, trees and stamps as
    /// libgit2 reads them, an author apart from the committer and zones either side of UTC.
    #[test]
    fn the_first_parent_line_reads_commits_as_libgit2_does() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let people = [
            ("张三", "zhang@example.org", 1_512_576_000, 480),
            ("Li  Si ", "li@example.org", 1_512_662_400, -90),
            ("O'Neil, Jr.", "oneil@example.org", 1_512_700_000, 0),
        ];
        let mut parent: Option<Oid> = None;
        for (i, (name, email, time, offset)) in people.into_iter().enumerate() {
            let author = git2::Signature::new(name, email, &git2::Time::new(time, offset)).unwrap();
            let committer =
                git2::Signature::new("clerk", "c@example.org", &git2::Time::new(time + 60, 330))
                    .unwrap();
            let mut tree = repo.treebuilder(None).unwrap();
            let blob = repo.blob(format!("entry {i}").as_bytes()).unwrap();
            tree.insert(format!("f{i}.md"), blob, 0o100644).unwrap();
            let tree = repo.find_tree(tree.write().unwrap()).unwrap();
            let parents: Vec<git2::Commit<'_>> = parent
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
            parent = Some(
                repo.commit(None, &author, &committer, "msg", &tree, &parents)
                    .unwrap(),
            );
        }
        let odb = repo.odb().unwrap();
        let (line, _) = first_parent_line(&odb, parent.unwrap(), None).unwrap();
        assert_eq!(line.len(), 3);
        let mut expected = Vec::new();
        let mut at = repo.find_commit(parent.unwrap()).unwrap();
        loop {
            let (name, email) = {
                let author = at.author();
                (
                    author.name().unwrap().to_string(),
                    author.email().unwrap().to_string(),
                )
            };
            expected.push((
                at.tree_id(),
                Stamp {
                    commit: at.id().to_string(),
                    time: at.time().seconds(),
                    offset: at.time().offset_minutes(),
                    author: name,
                    email,
                },
            ));
            match at.parent(0) {
                Ok(p) => at = p,
                Err(_) => break,
            }
        }
        expected.reverse();
        let read: Vec<(Oid, Stamp)> = line.iter().map(|l| (l.tree, l.stamp().unwrap())).collect();
        assert_eq!(read, expected);
        assert_eq!(
            read[1].1.offset, 330,
            "the committer's zone, not the author's"
        );
    }

    use std::collections::BTreeMap;

    /// A commit of `files` (path, content) after `parent`, moving `reference` to it if given:
    /// the commit and its tree. Its time is its number of files, in minutes.
    fn commit_files(
        repo: &Repository,
        files: &BTreeMap<String, String>,
        parent: Option<Oid>,
        reference: Option<&str>,
    ) -> (Oid, Oid) {
        let mut index = git2::Index::new().unwrap();
        for (path, body) in files {
            let id = repo.blob(body.as_bytes()).unwrap();
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: 0,
                id,
                flags: path.len().min(0xfff) as u16,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).unwrap();
        }
        let tree = index.write_tree_to(repo).unwrap();
        let time = git2::Time::new(1_512_000_000 + 60 * files.len() as i64, 480);
        let who = git2::Signature::new("a", "a@example.org", &time).unwrap();
        let parents: Vec<git2::Commit<'_>> = parent
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let commit = repo
            .commit(
                reference,
                &who,
                &who,
                "m",
                &repo.find_tree(tree).unwrap(),
                &parents,
            )
            .unwrap();
        (commit, tree)
    }

    /// A history cached at an earlier HEAD is gone on from when that HEAD is still on the line
    /// (only the commits since are walked), and read whole when the line was rewritten; either
    /// way it is what a walk of the whole line finds.
    #[test]
    fn a_cache_of_an_earlier_head_is_gone_on_from_along_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut files: BTreeMap<String, String> = Default::default();
        let mut head = None;
        for i in 0..5 {
            files.insert(format!("submissions/u{}/e{i}.md", i % 2), format!("{i}"));
            head = Some(commit_files(&repo, &files, head, Some("HEAD")).0);
        }
        let cached = read(dir.path(), true).unwrap().unwrap();
        assert_eq!(cached.files.len(), 5);

        // Marked in the cache: an entry no later commit touches keeps the mark only if the
        // cache was gone on from rather than the whole line walked again.
        let untouched = "submissions/u0/e0.md";
        let cache = dir.path().join(".git/shenbao/history.json");
        let marked = std::fs::read_to_string(&cache)
            .unwrap()
            .replace("\"author\":\"a\"", "\"author\":\"cached\"");
        std::fs::write(&cache, marked).unwrap();

        let moved = files.remove("submissions/u1/e1.md").unwrap();
        files.insert("submissions/u0/moved.md".into(), moved);
        files.insert("submissions/u1/e3.md".into(), "edited".into());
        files.remove("submissions/u0/e2.md");
        files.insert("submissions/u1/late.md".into(), "new".into());
        let base = head.unwrap();
        for _ in 0..2 {
            head = Some(commit_files(&repo, &files, head, Some("HEAD")).0);
            files.insert("submissions/u1/e3.md".into(), "edited again".into());
        }
        let whole = read(dir.path(), false).unwrap().unwrap();
        let gone_on = read(dir.path(), true).unwrap().unwrap();
        assert_eq!(gone_on.files[untouched].arrived.author, "cached");
        let mut unmarked = gone_on.files.clone();
        for t in unmarked.values_mut() {
            for s in [&mut t.arrived, &mut t.changed] {
                if s.author == "cached" {
                    s.author = "a".into();
                }
            }
        }
        assert_eq!(unmarked, whole.files);
        assert_eq!(
            whole.files["submissions/u0/moved.md"].arrived.commit,
            cached.files["submissions/u1/e1.md"].arrived.commit,
            "a moved file keeps its arrival"
        );
        assert!(!whole.files.contains_key("submissions/u0/e2.md"));

        // The line rewritten (the last commits replaced): the cache's HEAD is no longer on
        // it, and the whole line is walked.
        files.insert("submissions/u1/other.md".into(), "other".into());
        let rewritten = commit_files(&repo, &files, Some(base), None).0;
        repo.reference("refs/heads/rewritten", rewritten, true, "t")
            .unwrap();
        repo.set_head("refs/heads/rewritten").unwrap();
        let after = read(dir.path(), true).unwrap().unwrap();
        assert_eq!(after.files, read(dir.path(), false).unwrap().unwrap().files);
        assert!(after.files.values().all(|t| t.arrived.author == "a"));
    }

    /// The same history is stored as the same bytes, whatever order its map holds it in.
    #[test]
    fn a_history_is_cached_as_the_same_bytes_each_time() {
        let stamp = |i: usize| Stamp {
            commit: format!("{i:040x}"),
            time: 1_500_000_000 + i as i64,
            offset: 480,
            author: format!("a{i}"),
            email: format!("a{i}@example.org"),
        };
        let times: Vec<(String, FileTimes)> = (0..40)
            .map(|i| {
                let times = FileTimes {
                    arrived: stamp(i % 7),
                    changed: stamp(i % 11),
                };
                (format!("submissions/u{}/e{i}.md", i % 3), times)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let stored: Vec<Vec<u8>> = (0..2)
            .map(|n| {
                // A map of its own each time (its own hash seed, so its own order), filled in
                // another order.
                let mut files = times.clone();
                if n == 1 {
                    files.reverse();
                }
                let history = History {
                    shallow: false,
                    files: files.into_iter().collect(),
                };
                let path = dir.path().join(format!("history-{n}.json"));
                store_cache(&path, "submissions", Oid::ZERO_SHA1, &history).unwrap();
                let (_, back) = load_cache(&path, "submissions").unwrap();
                assert_eq!(back, history);
                std::fs::read(&path).unwrap()
            })
            .collect();
        assert_eq!(stored[0], stored[1]);
    }

    /// Odd idents read as libgit2 reads them: leading digits of the time and zone, a zone out of
    /// range as UTC, no time as 0, a time without digits not at all.
    #[test]
    fn idents_are_read_as_libgit2_reads_them() {
        let read = |line: &str| ident(line.as_bytes()).map(|i| (i.time, i.offset));
        assert_eq!(read("A <a@x> 1512576060 +0800"), Some((1_512_576_060, 480)));
        assert_eq!(read("A <a@x> 1512576060 -0130"), Some((1_512_576_060, -90)));
        assert_eq!(
            read("A <a@x> 1512576060abc +0800"),
            Some((1_512_576_060, 0))
        );
        assert_eq!(read("A <a@x> 1512576060 +800"), Some((1_512_576_060, 480)));
        assert_eq!(read("A <a@x> 1512576060 +9999"), Some((1_512_576_060, 0)));
        assert_eq!(read("A <a@x>"), Some((0, 0)));
        assert_eq!(read("A <a@x> garbage"), None);
        let i = ident(b" Zhang San  <z@x> 1 +0000").unwrap();
        assert_eq!((i.name, i.email), (&b"Zhang San"[..], &b"z@x"[..]));
    }

    /// Stretches of the line compared on several threads find what one pass along it finds,
    /// each commit's changes where it stands: files added, edited, moved and removed, units
    /// added and emptied, and commits that touch nothing under `submissions/`.
    #[test]
    fn stretches_compared_at_once_find_what_one_pass_finds() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut files: BTreeMap<String, String> = Default::default();
        let mut trees = Vec::new();
        let mut parent: Option<Oid> = None;
        for i in 0..60usize {
            let unit = format!("u{}", i % 7);
            match i % 5 {
                0 | 1 => {
                    files.insert(format!("submissions/{unit}/e{i}.md"), format!("{i}"));
                }
                2 => {
                    if let Some(key) = files.keys().nth(i % files.len().max(1)).cloned() {
                        files.insert(key, format!("edited {i}"));
                    }
                }
                3 => {
                    // A move: the same content under a new name.
                    if let Some(key) = files.keys().nth(i % files.len().max(1)).cloned() {
                        let body = files.remove(&key).unwrap();
                        files.insert(format!("submissions/{unit}/moved{i}.md"), body);
                    }
                }
                _ => {
                    if i % 10 == 4 {
                        files.insert(format!("campaign-{i}.yaml"), "x".into());
                    } else if let Some(key) = files.keys().next().cloned() {
                        files.remove(&key);
                    }
                }
            }
            let (commit, tree) = commit_files(&repo, &files, parent, None);
            trees.push(tree);
            parent = Some(commit);
        }
        let whole =
            changes_in_stretches(&repo, None, &trees, "submissions", 1, usize::MAX).unwrap();
        assert!(whole.len() > 40, "most commits change a submission");
        assert!(
            whole
                .iter()
                .any(|(_, c)| !c.deleted.is_empty() && !c.added.is_empty())
        );
        for (threads, stretch) in [(2, 1), (3, 4), (4, 7)] {
            let split =
                changes_in_stretches(&repo, None, &trees, "submissions", threads, stretch).unwrap();
            assert_eq!(split, whole, "{threads} threads, stretches of {stretch}");
            // Gone on from a commit of the line: the commits after it, as the whole pass saw them.
            let since = 20;
            let after = changes_in_stretches(
                &repo,
                Some(trees[since]),
                &trees[since + 1..],
                "submissions",
                threads,
                stretch,
            )
            .unwrap();
            let expected: Vec<&Changes> = whole
                .iter()
                .filter(|(at, _)| *at > since)
                .map(|(_, c)| c)
                .collect();
            assert_eq!(after.iter().map(|(_, c)| c).collect::<Vec<_>>(), expected);
            assert!(
                after
                    .iter()
                    .zip(whole.iter().filter(|(at, _)| *at > since))
                    .all(|(a, w)| a.0 + since + 1 == w.0)
            );
        }

        // Packed, and read through a clone that borrows them (`--shared`: its objects are all
        // in an alternate): each helper's objects of its own still reach every pack.
        let git = |args: &[&str]| {
            let status = std::process::Command::new("git")
                .args(args)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        let (origin, clone) = (dir.path().to_str().unwrap(), dir.path().join("clone"));
        repo.reference("refs/heads/main", parent.unwrap(), true, "line")
            .unwrap();
        repo.set_head("refs/heads/main").unwrap();
        git(&["-C", origin, "gc", "-q"]);
        let to = clone.to_str().unwrap();
        git(&["clone", "-q", "--shared", "--no-checkout", origin, to]);
        let clone = Repository::open(&clone).unwrap();
        assert!(
            std::fs::read_dir(clone.path().join("objects/pack"))
                .unwrap()
                .next()
                .is_none()
        );
        for threads in [1, 3] {
            let split =
                changes_in_stretches(&clone, None, &trees, "submissions", threads, 4).unwrap();
            assert_eq!(split, whole, "a shared clone on {threads} threads");
        }
    }

    /// The bytes both trees begin with are skipped at once: whatever byte the first difference
    /// falls on (an id, a name, past the end of one side), the changes are those of a walk of
    /// every entry.
    #[test]
    fn trees_compared_from_their_first_difference_find_every_change() {
        let odb = Odb::new().unwrap();
        let id = |n: u8| Oid::from_bytes(&[n; 20]).unwrap();
        let changes = |old: &[(&str, &str, u8)], new: &[(&str, &str, u8)]| {
            let mut out = Changes::default();
            let (old, new) = (raw(old), raw(new));
            compare(&odb, Some(&old), Some(&new), "s", &mut out).unwrap();
            out
        };
        let base = [("100644", "a.md", 1), ("100644", "b1.md", 2)];
        assert_eq!(changes(&base, &base), Changes::default());
        // The last byte of the last id.
        let mut last = raw(&base);
        *last.last_mut().unwrap() = 9;
        let mut out = Changes::default();
        compare(&odb, Some(&raw(&base)), Some(&last), "s", &mut out).unwrap();
        assert_eq!(out.modified, ["s/b1.md"]);
        // Inside a name: `b1.md` and `b10.md` begin alike.
        assert_eq!(
            changes(&base, &[("100644", "a.md", 1), ("100644", "b10.md", 2)]),
            Changes {
                added: vec![("s/b10.md".into(), id(2))],
                deleted: vec![("s/b1.md".into(), id(2))],
                ..Changes::default()
            }
        );
        // One side is all of the other's beginning.
        let more = [base[0], base[1], ("100644", "c.md", 3)];
        assert_eq!(changes(&base, &more).added, [("s/c.md".into(), id(3))]);
        assert_eq!(changes(&more, &base).deleted, [("s/c.md".into(), id(3))]);
        // The first byte.
        assert_eq!(
            changes(&base, &[("100644", "0.md", 4), base[0], base[1]]).added,
            [("s/0.md".into(), id(4))]
        );
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
}
