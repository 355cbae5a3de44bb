//! The portal's side of the repository: the campaign as last committed (loaded and checked,
//! cached by the branch's tip), and saving — one commit per save, serialised across threads and
//! processes by a lock under `.git/shenbao/`, refused when the edit was based on an older version
//! than the stored one, and pushed (replayed on the remote's tip when another writer went first).
//!
//! A clone's work tree is the campaign on disk. A bare repository has none: the portal keeps a
//! checkout of the branch under `.git/shenbao/checkout/`, for the rules to read.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use shenbao_core::project::{self, LoadOptions, Project};
use shenbao_core::status::{self, UnitStatus};
use shenbao_git::commit::{Author, Change, CommitError, Content, Writer};

/// The campaign as committed at one tip.
pub struct Loaded {
    pub project: Project,
    pub status: Vec<UnitStatus>,
}

pub struct Store {
    /// The campaign's folder on disk: the work tree's, or the private checkout.
    pub root: PathBuf,
    pub state_dir: PathBuf,
    writer: Mutex<Writer>,
    /// A second handle for what pages read (the tip, versions), so that a page never waits for
    /// a save, which may be pushing over the network.
    reader: Mutex<Writer>,
    remote: Option<String>,
    /// Private checkout of a bare repository.
    checkout: Option<PathBuf>,
    cache: Mutex<Option<(Option<git2::Oid>, Arc<Loaded>)>>,
}

/// How many times a save is replayed on a remote that keeps moving before it gives up.
const MAX_ATTEMPTS: u32 = 50;

/// A commit a receipt names.
pub struct CommitInfo {
    pub id: String,
    pub time: jiff::Timestamp,
}

/// Why a save was not made.
#[derive(Debug)]
pub enum SaveError {
    /// Someone saved a file after the version the edit started from.
    Conflict,
    /// The clone has uncommitted changes to these files; the portal will not overwrite them.
    Uncommitted(Vec<String>),
    /// Nothing changed.
    Unchanged,
    Failed(String),
}

impl From<CommitError> for SaveError {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Empty => SaveError::Unchanged,
            other => SaveError::Failed(other.to_string()),
        }
    }
}

impl From<std::io::Error> for SaveError {
    fn from(e: std::io::Error) -> Self {
        SaveError::Failed(e.to_string())
    }
}

/// One save: the files, who, why, and the versions the edit started from.
pub struct Save {
    pub changes: Vec<Change>,
    pub author: Author,
    pub message: String,
    /// Path and the version (blob id, `None` for "did not exist") the edit was based on.
    pub based_on: Vec<(String, Option<String>)>,
}

/// Why the portal cannot start on this repository.
#[derive(Debug)]
pub enum OpenError {
    Git(CommitError),
    /// Uncommitted changes in the clone, named.
    Dirty(Vec<String>),
    Io(std::io::Error),
}

impl Store {
    /// The repository at `root` (a clone's campaign folder or a bare repository).
    pub fn open(root: &Path, remote: Option<String>) -> Result<Store, OpenError> {
        let writer = Writer::open(root).map_err(OpenError::Git)?;
        // The portal writes only under submissions/: changes there it could overwrite.
        let dirty = writer
            .uncommitted(&["submissions".to_string()])
            .map_err(OpenError::Git)?;
        if !dirty.is_empty() {
            return Err(OpenError::Dirty(dirty));
        }
        let reader = Writer::open(root).map_err(OpenError::Git)?;
        let state_dir = writer.state_dir();
        std::fs::create_dir_all(&state_dir).map_err(OpenError::Io)?;
        let (root, checkout) = if writer.is_bare() {
            let dir = state_dir.join("checkout");
            (dir.clone(), Some(dir))
        } else {
            (root.to_path_buf(), None)
        };
        let store = Store {
            root,
            state_dir,
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            remote,
            checkout,
            cache: Mutex::new(None),
        };
        {
            let _lock = store.lock().map_err(OpenError::Io)?;
            let w = store.writer();
            if let Some(remote) = &store.remote {
                let theirs = w.fetch(remote).map_err(OpenError::Git)?;
                w.fast_forward(theirs, &[]).map_err(OpenError::Git)?;
            }
            if let (Some(dir), Some(tip)) = (&store.checkout, w.tip().map_err(OpenError::Git)?) {
                w.materialise(tip, dir).map_err(OpenError::Git)?;
            }
        }
        Ok(store)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, Writer> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Writer> {
        self.reader.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The lock that serialises saves of every portal process on this repository.
    fn lock(&self) -> std::io::Result<File> {
        let file = File::create(self.state_dir.join("portal.lock"))?;
        file.lock()?;
        Ok(file)
    }

    pub fn tip(&self) -> Option<git2::Oid> {
        self.reader().tip().ok().flatten()
    }

    /// The version of a file at the tip (its blob id).
    pub fn version(&self, rel: &str) -> Option<String> {
        self.reader().version(rel).ok().flatten()
    }

    /// A commit on the branch that changed `rel`, for a receipt.
    pub fn commit_info(&self, commit: &str, rel: &str) -> Option<CommitInfo> {
        if commit.len() < 7 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (id, seconds) = self.reader().commit_touching(commit, rel)?;
        Some(CommitInfo {
            id: id.to_string(),
            time: jiff::Timestamp::from_second(seconds).ok()?,
        })
    }

    /// The text of `rel` as commit `commit` (a full id) left it.
    pub fn text_at(&self, commit: &str, rel: &str) -> Option<String> {
        let oid = git2::Oid::from_str(commit).ok()?;
        let bytes = self.reader().read_at(oid, rel).ok()??;
        String::from_utf8(bytes).ok()
    }

    /// The commit that made the branch's version of `rel` (the one its receipt names), and
    /// when the file first arrived.
    pub fn file_times(&self, rel: &str) -> Option<shenbao_git::commit::FileTimes> {
        self.reader().file_times(rel)
    }

    /// The campaign as committed, checked; loaded again only when the tip moved.
    pub fn loaded(&self) -> Result<Arc<Loaded>, String> {
        let tip = self.tip();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, loaded)) = &*cache
            && *at == tip
        {
            return Ok(loaded.clone());
        }
        let options = LoadOptions {
            // Arrival times, as `check` and `status` judge lateness (the office's "who is
            // late"), read through the cache in `.git/`; not for a bare repository, whose
            // private checkout is no work tree of it.
            skip_git: self.checkout.is_some(),
            ..LoadOptions::default()
        };
        let project = project::load(&self.root, options, &shenbao_git::Git).map_err(|e| {
            // In the campaign's language, even when its file is what cannot be read.
            e.message(shenbao_core::campaign::language_of(&self.root))
        })?;
        let status = status::status(&project);
        let loaded = Arc::new(Loaded { project, status });
        *cache = Some((tip, loaded.clone()));
        Ok(loaded)
    }

    /// Make one commit of `save`, or say why not. Blocking: call it off the async threads.
    ///
    /// With a remote, the commit is made on the remote's tip and pushed before this
    /// repository's branch moves to it: when another writer went first, the save is replayed
    /// on the new tip at once (checked again against its versions), so that neither writer loses
    /// a save and neither repository ever holds what the remote refused.
    pub fn save(&self, save: &Save) -> Result<git2::Oid, SaveError> {
        let _lock = self.lock()?;
        let w = self.writer();
        let paths: Vec<String> = save.changes.iter().map(|c| c.path.clone()).collect();
        let committer = Author {
            name: "shenbao portal".into(),
            email: "portal@shenbao.invalid".into(),
        };
        let Some(remote) = &self.remote else {
            Self::check(&w, save, w.tip()?, &paths)?;
            let id = w.commit(&save.changes, &save.author, &committer, &save.message)?;
            self.follow_checkout(&save.changes)?;
            return Ok(id);
        };
        for _ in 0..MAX_ATTEMPTS {
            let theirs = w.fetch(remote)?;
            Self::check(&w, save, Some(theirs), &paths)?;
            let id = w.commit_onto(
                Some(theirs),
                &save.changes,
                &save.author,
                &committer,
                &save.message,
            )?;
            if w.push_commit(remote, id)? {
                let changed = w.fast_forward(id, &save.changes)?;
                self.follow_tip(&w, &changed, &save.changes)?;
                return Ok(id);
            }
            // Another writer went first: replay on their tip at once (a pause would only make
            // the writer that lost lose again), after a random moment of up to 4 ms so that two
            // writers do not stay in step.
            let jitter = super::accounts::random_bytes::<1>().map_or(0, |b| b[0] % 5);
            std::thread::sleep(std::time::Duration::from_millis(u64::from(jitter)));
        }
        Err(SaveError::Failed(format!(
            "{remote} refused the push {MAX_ATTEMPTS} times"
        )))
    }

    /// Whether `save` may be made on commit `at`: the files it edits are still the versions the
    /// edit started from, and the clone has no uncommitted change to them.
    fn check(
        w: &Writer,
        save: &Save,
        at: Option<git2::Oid>,
        paths: &[String],
    ) -> Result<(), SaveError> {
        for (path, version) in &save.based_on {
            if w.version_at(at, path)? != *version {
                return Err(SaveError::Conflict);
            }
        }
        let dirty = w.uncommitted(paths)?;
        if !dirty.is_empty() {
            return Err(SaveError::Uncommitted(dirty));
        }
        Ok(())
    }

    /// In a bare repository, the private checkout follows the tip for the files that changed:
    /// this writer's from their own content, the others' from git.
    fn follow_tip(&self, w: &Writer, changed: &[String], own: &[Change]) -> Result<(), SaveError> {
        let (Some(dir), Some(tip)) = (&self.checkout, w.tip()?) else {
            return Ok(());
        };
        for rel in changed
            .iter()
            .filter(|p| !own.iter().any(|c| c.path == **p))
        {
            let file = dir.join(rel);
            match w.read_at(tip, rel)? {
                Some(bytes) => {
                    if let Some(parent) = file.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::write(&file, bytes)?;
                }
                None => {
                    let _ = std::fs::remove_file(&file);
                }
            }
        }
        self.follow_checkout(own)
    }

    /// In a bare repository, the private checkout follows the tip for `paths`.
    fn follow_checkout(&self, changes: &[Change]) -> Result<(), SaveError> {
        let Some(dir) = &self.checkout else {
            return Ok(());
        };
        for change in changes {
            let file = dir.join(&change.path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match &change.content {
                Content::Bytes(bytes) => std::fs::write(&file, bytes)?,
                Content::File(from) => {
                    std::fs::copy(from, &file)?;
                }
                Content::Delete => {
                    let _ = std::fs::remove_file(&file);
                }
            }
        }
        Ok(())
    }
}
