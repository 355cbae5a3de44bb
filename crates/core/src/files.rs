//! Where the rules read an entry's files from: the campaign on disk, an upload held in memory, or
//! (in the git crate) a commit's tree. The rules see only this trait, so one entry is checked the
//! same wherever its files are.
//!
//! Paths are relative to the campaign root, with `/` between parts and no `.` or `..`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What is at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Missing,
    File {
        size: u64,
    },
    Dir,
    /// A link on the way resolves outside the folder the path must stay in.
    Escapes,
}

/// A file as [`Files::stat_and_read`] finds it.
#[derive(Debug, PartialEq, Eq)]
pub enum Looked {
    /// A link on its way leads out of the folder it must stay in: not read.
    Escapes,
    /// Larger than the limit: not read.
    TooLarge { size: u64 },
    /// Its content, read no further than the limit + 1 bytes, or why it could not be read.
    Read(Result<Vec<u8>, String>),
}

/// A set of files the rules can look at.
pub trait Files: Sync {
    /// What is at `rel`, following links. `within` is a folder that `rel` lies in (`""` for the
    /// campaign root): a link below it that resolves outside it makes the answer
    /// [`Stat::Escapes`].
    fn stat(&self, rel: &str, within: &str) -> Stat;

    /// The whole content of the file at `rel`; the error is the reason, for a diagnostic.
    fn read(&self, rel: &str) -> Result<Vec<u8>, String>;

    /// The content of the file at `rel`, read no further than `limit` + 1 bytes where the file
    /// could grow while it is read (on disk): more than `limit` says the file is larger,
    /// whatever its size was when it was looked at. Files that cannot change (an upload, a
    /// commit) are read whole.
    fn read_up_to(&self, rel: &str, limit: u64) -> Result<Vec<u8>, String> {
        let _ = limit;
        self.read(rel)
    }

    /// The file at `rel` judged (as [`Files::stat`] sees it) and, unless it escapes `within`
    /// or is larger than `limit` bytes, read (as [`Files::read_up_to`] reads it): the way a
    /// unit's entry is read.
    fn stat_and_read(&self, rel: &str, within: &str, limit: u64) -> Looked {
        stat_then_read(self, rel, within, limit)
    }

    /// The names in the folder `rel`, to suggest one a diagnostic's file may have meant; none
    /// where a set of files cannot tell.
    fn names(&self, _rel: &str) -> Vec<String> {
        Vec::new()
    }
}

/// [`Files::stat_and_read`] in two looks: what is at `rel`, then (unless it escapes or is too
/// large) its content.
fn stat_then_read<F: Files + ?Sized>(files: &F, rel: &str, within: &str, limit: u64) -> Looked {
    match files.stat(rel, within) {
        Stat::Escapes => Looked::Escapes,
        Stat::File { size } if size > limit => Looked::TooLarge { size },
        _ => Looked::Read(files.read_up_to(rel, limit)),
    }
}

/// Whether `rel` is a plain relative path: no leading `/`, no `.` or `..` part, no empty part
/// (`""` itself is the root).
fn plain(rel: &str) -> bool {
    rel.is_empty()
        || rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// The part of `rel` below `within`, when `rel` lies in it.
fn below<'a>(rel: &'a str, within: &str) -> Option<&'a str> {
    if within.is_empty() {
        return Some(rel);
    }
    rel.strip_prefix(within)?.strip_prefix('/')
}

/// The campaign's own folder on disk.
#[derive(Debug)]
pub struct Disk {
    root: PathBuf,
    /// Folders (relative paths) already seen to be folders and not links: ten thousand entries
    /// in a few folders need not look at those folders again for each. A `Disk` lives for one
    /// load of the campaign.
    folders: Mutex<HashSet<String>>,
}

impl Disk {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.into(),
            folders: Mutex::default(),
        }
    }
}

impl Files for Disk {
    fn names(&self, rel: &str) -> Vec<String> {
        if !plain(rel) {
            return Vec::new();
        }
        let mut names: Vec<String> = std::fs::read_dir(self.root.join(rel))
            .map(|dir| {
                dir.flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn stat(&self, rel: &str, within: &str) -> Stat {
        if below(rel, within).is_none() || !plain(rel) || !plain(within) {
            return Stat::Escapes;
        }
        // A link anywhere below the campaign root may lead out — `within` itself may be one —
        // and it does whether or not the file it leads to exists: where it resolves tells.
        // Each part is looked at once, without following links; the last look gives the answer
        // when no link is on the way.
        let mut at = self.root.clone();
        let mut last = None;
        let mut end = 0;
        let parts = rel.split('/').count();
        for (i, part) in rel.split('/').enumerate() {
            at.push(part);
            end += part.len() + usize::from(i > 0);
            let folder = i + 1 < parts;
            if folder && self.known_folder(&rel[..end]) {
                continue;
            }
            match std::fs::symlink_metadata(&at) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return self.through_link(rel, within, &at);
                }
                Ok(meta) => {
                    if folder && meta.is_dir() {
                        self.lock_folders().insert(rel[..end].to_string());
                    }
                    last = Some(meta);
                }
                Err(_) => return Stat::Missing,
            }
        }
        match last {
            Some(meta) => kind(&meta),
            None => Stat::Missing,
        }
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        self.read_up_to(rel, u64::MAX - 1)
    }

    /// In one look where every folder on the way is already known to be a folder and no link:
    /// the file is opened without following a link, so nothing on its way can lead out, and
    /// what was opened is what is judged and read. Looking first was a twentieth of `check`'s
    /// CPU on ten thousand entries. Anything else (a link, a folder not seen yet, no file) is
    /// looked at as before.
    fn stat_and_read(&self, rel: &str, within: &str, limit: u64) -> Looked {
        let folders_known = plain(rel)
            && plain(within)
            && below(rel, within).is_some()
            && rel
                .match_indices('/')
                .all(|(end, _)| self.known_folder(&rel[..end]));
        #[cfg(unix)]
        if folders_known
            && let Ok((file, size)) = open_regular(&self.root.join(rel), libc::O_NOFOLLOW)
        {
            if size > limit {
                return Looked::TooLarge { size };
            }
            return Looked::Read(read_opened(file, size, limit));
        }
        stat_then_read(self, rel, within, limit)
    }

    fn read_up_to(&self, rel: &str, limit: u64) -> Result<Vec<u8>, String> {
        if !plain(rel) {
            return Err(format!("{rel}: not a path inside the campaign"));
        }
        // What is read is what was opened, looked at again: a file swapped since its `stat` for
        // a pipe (whose opening would wait for a writer: hence not blocking) or a device is not
        // read, and one that grew is read only as far as the limit.
        let (file, len) = open_regular(&self.root.join(rel), 0).map_err(|e| e.to_string())?;
        read_opened(file, len, limit)
    }
}

/// The content of `file`, `len` bytes when it was opened, read no further than `limit` + 1.
fn read_opened(file: std::fs::File, len: u64, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(len.min(limit.saturating_add(1)) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// `path` opened for reading, and its size, if it is a regular file (after links, unless
/// `flags` holds `O_NOFOLLOW`); never waits on a pipe.
fn open_regular(path: &Path, flags: i32) -> std::io::Result<(std::fs::File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | flags);
    }
    #[cfg(not(unix))]
    let _ = flags;
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok((file, meta.len()))
}

impl Disk {
    fn lock_folders(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // A panic elsewhere while holding it leaves the set as it was: still true.
        self.folders.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn known_folder(&self, rel: &str) -> bool {
        self.lock_folders().contains(rel)
    }

    /// `rel`, on whose way `link` is a symbolic link: followed if it stays inside `within`, and
    /// `within` inside the campaign.
    fn through_link(&self, rel: &str, within: &str, link: &Path) -> Stat {
        let path = self.root.join(rel);
        let Ok(root) = self.root.canonicalize() else {
            return Stat::Missing;
        };
        // `within` as named, not as resolved: a folder that is itself a link (to another
        // unit's files, say) is left by whatever lies behind it.
        let folder = root.join(within);
        match path.canonicalize().or_else(|_| link.canonicalize()) {
            Ok(real) if !real.starts_with(&folder) => return Stat::Escapes,
            Ok(_) => {}
            // A dangling link: out if its target is written to lead out.
            Err(_) => {
                let target = std::fs::read_link(link).unwrap_or_default();
                let out = target.components().any(|c| {
                    !matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::CurDir
                    )
                });
                return if out { Stat::Escapes } else { Stat::Missing };
            }
        }
        match std::fs::metadata(&path) {
            Ok(meta) => kind(&meta),
            Err(_) => Stat::Missing,
        }
    }
}

fn kind(meta: &std::fs::Metadata) -> Stat {
    if meta.is_file() {
        Stat::File { size: meta.len() }
    } else if meta.is_dir() {
        Stat::Dir
    } else {
        Stat::Missing
    }
}

/// Files held in memory: an upload not yet written anywhere. No links, so nothing escapes.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    files: BTreeMap<String, Vec<u8>>,
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or replace) the file at `rel`.
    pub fn insert(&mut self, rel: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(rel.into(), bytes.into());
    }
}

/// Files of `base` with some replaced or added: an edit checked before it is saved.
pub struct Overlay<'a> {
    pub base: &'a dyn Files,
    pub over: Memory,
}

impl Files for Overlay<'_> {
    fn stat(&self, rel: &str, within: &str) -> Stat {
        match self.over.stat(rel, within) {
            Stat::Missing => self.base.stat(rel, within),
            found => found,
        }
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        self.over.read(rel).or_else(|_| self.base.read(rel))
    }

    fn read_up_to(&self, rel: &str, limit: u64) -> Result<Vec<u8>, String> {
        self.over
            .read_up_to(rel, limit)
            .or_else(|_| self.base.read_up_to(rel, limit))
    }

    fn names(&self, rel: &str) -> Vec<String> {
        self.base.names(rel)
    }
}

impl Files for Memory {
    fn stat(&self, rel: &str, _within: &str) -> Stat {
        if let Some(bytes) = self.files.get(rel) {
            return Stat::File {
                size: bytes.len() as u64,
            };
        }
        let folder = format!("{rel}/");
        match self.files.range(folder.clone()..).next() {
            Some((path, _)) if path.starts_with(&folder) => Stat::Dir,
            _ => Stat::Missing,
        }
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        self.files
            .get(rel)
            .cloned()
            .ok_or_else(|| format!("{rel}: no such file"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_knows_files_and_the_folders_they_make() {
        let mut m = Memory::new();
        m.insert("submissions/a/x.md", "text");
        m.insert("submissions/a/x/photo.jpg", vec![0; 10]);
        assert_eq!(
            m.stat("submissions/a/x/photo.jpg", "submissions/a/x"),
            Stat::File { size: 10 }
        );
        assert_eq!(m.stat("submissions/a/x", ""), Stat::Dir);
        assert_eq!(m.stat("submissions/a", ""), Stat::Dir);
        assert_eq!(m.stat("submissions/a/x/", ""), Stat::Missing);
        assert_eq!(m.stat("submissions/a/y.md", ""), Stat::Missing);
        assert_eq!(m.read("submissions/a/x.md").unwrap(), b"text");
        assert!(m.read("submissions/a/y.md").is_err());
    }

    /// A file swapped for a pipe after it was looked at is not read: reading would wait for
    /// a writer that never comes.
    #[cfg(unix)]
    /// A named pipe at `at`: opening it to read would wait for a writer.
    fn fifo(at: &Path) {
        let path = std::ffi::CString::new(at.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only makes the node.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn on_disk_a_pipe_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        fifo(&dir.path().join("x.md"));
        let disk = Disk::new(dir.path());
        let (done, waited) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(disk.read_up_to("x.md", 10)).unwrap());
        let read = waited
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a pipe waited for a writer");
        assert_eq!(read, Err("not a regular file".to_string()));
    }

    /// An entry read in one look (its folders already seen) is judged as in two: a link out
    /// of its folder escapes, a link inside is followed, a large file is not read, a pipe is
    /// refused without waiting.
    #[test]
    fn on_disk_an_entry_read_in_one_look_is_judged_as_in_two() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("submissions/a")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(root.join("outside/secret.md"), "secret").unwrap();
        std::fs::write(root.join("submissions/a/one.md"), "one").unwrap();
        std::fs::write(root.join("submissions/a/big.md"), "0123456789").unwrap();
        let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, root.join(at));
        link("../../outside/secret.md", "submissions/a/out.md").unwrap();
        link("one.md", "submissions/a/same.md").unwrap();
        fifo(&root.join("submissions/a/pipe.md"));
        let disk = Disk::new(root);
        let within = "submissions/a";
        let look = |name: &str| disk.stat_and_read(&format!("{within}/{name}"), within, 5);
        // The first look sees the folders; the rest take the one look.
        for _ in 0..2 {
            assert_eq!(look("one.md"), Looked::Read(Ok(b"one".to_vec())));
            assert_eq!(look("out.md"), Looked::Escapes);
            assert_eq!(look("same.md"), Looked::Read(Ok(b"one".to_vec())));
            assert_eq!(look("big.md"), Looked::TooLarge { size: 10 });
            assert!(matches!(look("none.md"), Looked::Read(Err(_))));
        }
        assert!(disk.known_folder("submissions/a"));
        let (done, waited) = std::sync::mpsc::channel();
        let disk = std::sync::Arc::new(disk);
        let other = disk.clone();
        std::thread::spawn(move || {
            let read = other.stat_and_read("submissions/a/pipe.md", "submissions/a", 5);
            done.send(read).unwrap()
        });
        let read = waited
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a pipe waited for a writer");
        assert_eq!(read, Looked::Read(Err("not a regular file".to_string())));
    }

    #[test]
    fn on_disk_a_read_stops_past_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.md"), "0123456789").unwrap();
        let disk = Disk::new(dir.path());
        assert_eq!(disk.read_up_to("x.md", 4).unwrap(), b"01234");
        assert_eq!(disk.read_up_to("x.md", 10).unwrap(), b"0123456789");
        assert_eq!(disk.read("x.md").unwrap(), b"0123456789");
    }

    #[cfg(unix)]
    #[test]
    fn on_disk_a_link_that_leads_out_of_its_folder_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("submissions/a/x")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(root.join("outside/secret.jpg"), "s").unwrap();
        std::fs::write(root.join("submissions/a/x/own.jpg"), "own").unwrap();
        let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, root.join(at));
        link("../../../outside/secret.jpg", "submissions/a/x/file.jpg").unwrap();
        link("../../../outside", "submissions/a/x/dir").unwrap();
        link("own.jpg", "submissions/a/x/same.jpg").unwrap();
        let disk = Disk::new(root);
        let within = "submissions/a/x";
        assert_eq!(
            disk.stat("submissions/a/x/own.jpg", within),
            Stat::File { size: 3 }
        );
        assert_eq!(
            disk.stat("submissions/a/x/same.jpg", within),
            Stat::File { size: 3 }
        );
        assert_eq!(disk.stat("submissions/a/x/file.jpg", within), Stat::Escapes);
        assert_eq!(
            disk.stat("submissions/a/x/dir/secret.jpg", within),
            Stat::Escapes
        );
        // Inside the campaign, the same link is no escape from the root.
        assert_eq!(
            disk.stat("submissions/a/x/file.jpg", ""),
            Stat::File { size: 1 }
        );
        assert_eq!(disk.stat("submissions/a/x/none.jpg", within), Stat::Missing);
        // A folder that is itself a link out: what is inside it is outside.
        std::fs::create_dir_all(root.join("outside/x")).unwrap();
        std::fs::write(root.join("outside/x/p.jpg"), "p").unwrap();
        let far = tempfile::tempdir().unwrap();
        std::fs::write(far.path().join("p.jpg"), "p").unwrap();
        link(far.path().to_str().unwrap(), "submissions/a/y").unwrap();
        assert_eq!(
            disk.stat("submissions/a/y/p.jpg", "submissions/a/y"),
            Stat::Escapes
        );
        // Even to a folder inside the campaign: another unit's files are not this entry's.
        link("../../outside/x", "submissions/a/z").unwrap();
        assert_eq!(
            disk.stat("submissions/a/z/p.jpg", "submissions/a/z"),
            Stat::Escapes
        );
        assert_eq!(
            disk.stat("submissions/a/z/p.jpg", ""),
            Stat::File { size: 1 }
        );
        assert_eq!(disk.stat("/etc/passwd", ""), Stat::Escapes);
        assert!(disk.read("/etc/passwd").is_err());
        assert_eq!(disk.stat("submissions/../../x", ""), Stat::Escapes);
        assert_eq!(disk.stat("submissions/a/x", ""), Stat::Dir);
    }
}
