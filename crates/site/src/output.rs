//! Writing the site atomically: everything goes into a sibling folder, which replaces the output
//! folder only once the build has succeeded, so a failed or interrupted build leaves the previous
//! site whole.

use std::path::{Path, PathBuf};

use shenbao_core::lang::Lang;

/// Written into every built site, so that a rebuild knows the folder it replaces is a site and
/// not, say, a folder the user pointed `--out` at by mistake.
pub const MARKER: &str = ".shenbao-site";

/// Why the output folder cannot be used or written.
#[derive(Debug)]
pub enum OutputError {
    /// The output would replace the campaign, or a folder of it.
    InsideCampaign { out: PathBuf },
    /// The folder exists, is not empty, and is not a site shenbao built.
    NotASite { out: PathBuf },
    /// `out`, or a folder on the way to it (`file`), is a file: the site would replace it, or
    /// cannot be made under it.
    NotAFolder { out: PathBuf, file: PathBuf },
    /// Another build is writing the same output now.
    Busy { out: PathBuf, pid: u32 },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl OutputError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            OutputError::InsideCampaign { out } if zh => format!(
                "不能把网站写到 {}：那会覆盖申报活动自己的文件",
                out.display()
            ),
            OutputError::InsideCampaign { out } => format!(
                "refusing to write the site to {}: it would replace the campaign's own files",
                out.display()
            ),
            OutputError::NotASite { out } if zh => format!(
                "不能替换 {}：它不是空文件夹，也不是 shenbao 生成的网站（没有 {MARKER}）；请删除它，或用 --out 另选一个文件夹",
                out.display()
            ),
            OutputError::NotASite { out } => format!(
                "refusing to replace {}: it is not empty and is not a site shenbao built (no {MARKER}); remove it or choose another --out",
                out.display()
            ),
            OutputError::NotAFolder { out, file } if zh => format!(
                "不能把网站写到 {}：{} 是文件，不是文件夹；请用 --out 另选一个文件夹",
                out.display(),
                file.display()
            ),
            OutputError::NotAFolder { out, file } => format!(
                "cannot write the site to {}: {} is a file, not a folder; choose another --out",
                out.display(),
                file.display()
            ),
            OutputError::Busy { out, pid } if zh => format!(
                "另一个 shenbao build（进程 {pid}）正在写入 {}，请等它完成",
                out.display()
            ),
            OutputError::Busy { out, pid } => format!(
                "another shenbao build (process {pid}) is writing {} now; wait for it to finish",
                out.display()
            ),
            OutputError::Io { path, error } => format!(
                "{}{}{}",
                path.display(),
                lang.pick("：", ": "),
                shenbao_core::lang::io_reason(error, lang)
            ),
        }
    }
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for OutputError {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Where a site's files go: a folder on disk (`Staging`) or memory (`Memory`, for `serve`).
pub trait Sink: Sync {
    /// Write `bytes` at `rel`, a `/`-separated path inside the site.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError>;
    /// Copy the file `from` to `rel`.
    fn copy(&self, from: &Path, rel: &str) -> Result<(), OutputError>;
}

/// A whole site in memory, by path inside the site.
#[derive(Debug, Default)]
pub struct Memory {
    files: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<[u8]>>>,
}

impl Memory {
    pub fn into_files(self) -> std::collections::HashMap<String, std::sync::Arc<[u8]>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(rel.to_string(), bytes.into());
        Ok(())
    }

    fn copy(&self, from: &Path, rel: &str) -> Result<(), OutputError> {
        let bytes = std::fs::read(from).map_err(io(from))?;
        self.write(rel, &bytes)
    }
}

/// A site being written next to its final place.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    done: bool,
    /// Held while the build runs: one build at a time writes an output folder.
    lock: PathBuf,
    /// Staged inside the output, which is a mount point.
    inside: bool,
}

/// Names of shenbao's own work inside an output that is a mount point.
const INSIDE_PREFIX: &str = ".shenbao-";

/// Whether `name`, in an output folder, is shenbao's work rather than the site.
fn ours(name: &str) -> bool {
    name.starts_with(".shenbao-building-")
        || name.starts_with(".shenbao-old-")
        || name == ".shenbao-lock"
}

/// Whether `out` is a mount point: on another device than its parent.
fn is_mount_point(out: &Path, parent: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(out), std::fs::metadata(parent)) {
            (Ok(o), Ok(p)) => o.is_dir() && o.dev() != p.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (out, parent);
        false
    }
}

/// Remove what killed builds left inside an output that is a mount point.
fn clean_leftovers_inside(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(".shenbao-building-")
            .or_else(|| name.strip_prefix(".shenbao-old-"));
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok())
            && pid != std::process::id()
            && !alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` is running. Where that cannot be told, it is taken to run, so nothing
/// of a live build is ever removed.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Take the lock file `path` for this process, or say which live process holds it. A lock left
/// by a killed build is taken over.
fn take_lock(path: &Path, out: &Path) -> Result<(), OutputError> {
    use std::io::Write;
    for _ in 0..2 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut file) => {
                let _ = write!(file, "{}", std::process::id());
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(path)
                    .ok()
                    .and_then(|t| t.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if alive(pid) => {
                        return Err(OutputError::Busy {
                            out: out.to_path_buf(),
                            pid,
                        });
                    }
                    // Left by a build that was killed: not ours to wait for.
                    _ => std::fs::remove_file(path).map_err(io(path))?,
                }
            }
            Err(e) => return Err(io(path)(e)),
        }
    }
    Err(OutputError::Busy {
        out: out.to_path_buf(),
        pid: 0,
    })
}

/// Remove what killed builds left beside `out` (`.<name>.building-<pid>` and its `.old`), once
/// their process is gone.
fn clean_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.building-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.strip_suffix(".old").unwrap_or(rest);
        if let Ok(pid) = pid.parse::<u32>()
            && pid != std::process::id()
            && !alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Staging {
    /// Prepare to write the site for the campaign at `root` to `out`.
    pub fn new(root: &Path, out: &Path) -> Result<Staging, OutputError> {
        let out = absolute(out);
        let root = absolute(root);
        let protected = ["submissions", "content", "themes", ".git"].map(|d| root.join(d));
        if out == root || root.starts_with(&out) || protected.iter().any(|p| out.starts_with(p)) {
            return Err(OutputError::InsideCampaign { out });
        }
        // The nearest part of the path that exists must be a folder: a file there would be
        // replaced by the site (`out` itself) or stop every folder under it being made.
        if let Some(file) = out
            .ancestors()
            .find(|p| p.symlink_metadata().is_ok())
            .filter(|p| !p.is_dir())
        {
            return Err(OutputError::NotAFolder {
                file: file.to_path_buf(),
                out,
            });
        }
        if out.is_dir() && !out.join(MARKER).is_file() {
            let empty = std::fs::read_dir(&out)
                .map_err(io(&out))?
                .flatten()
                .all(|e| ours(&e.file_name().to_string_lossy()));
            if !empty {
                return Err(OutputError::NotASite { out });
            }
        }
        let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let pid = std::process::id();
        // A mount point (a container's volume, a web root) cannot be renamed: the site is then
        // staged inside it and its entries are replaced one by one.
        let inside = is_mount_point(&out, &parent);
        let (dir, lock) = if inside {
            clean_leftovers_inside(&out);
            (
                out.join(format!("{INSIDE_PREFIX}building-{pid}")),
                out.join(format!("{INSIDE_PREFIX}lock")),
            )
        } else {
            (
                parent.join(format!(".{name}.building-{pid}")),
                parent.join(format!(".{name}.lock")),
            )
        };
        take_lock(&lock, &out)?;
        if !inside {
            clean_leftovers(&parent, &name);
        }
        let staging = Staging {
            dir,
            out,
            done: false,
            lock,
            inside,
        };
        if staging.dir.exists() {
            std::fs::remove_dir_all(&staging.dir).map_err(io(&staging.dir))?;
        }
        std::fs::create_dir_all(&staging.dir).map_err(io(&staging.dir))?;
        Ok(staging)
    }

    /// The site being replaced, if any, to reuse from (thumbnails).
    pub fn previous(&self) -> Option<&Path> {
        self.out
            .join(MARKER)
            .is_file()
            .then_some(self.out.as_path())
    }

    fn path(&self, rel: &str) -> PathBuf {
        let mut p = self.dir.clone();
        p.extend(
            rel.split('/')
                .filter(|s| !s.is_empty() && *s != "." && *s != ".."),
        );
        p
    }

    /// Put the new site in place of the old one: in one step where the system can exchange two
    /// names, so that a reader never finds the output missing and a build killed at any moment
    /// leaves a whole site.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        self.write(MARKER, b"built by shenbao; replaced whole on every build\n")?;
        if self.inside {
            return self.commit_inside();
        }
        if self.out.is_dir() && exchange(&self.dir, &self.out).is_ok() {
            self.done = true;
            // The staging name now holds the previous site; should this be killed, the next
            // build removes it.
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(self.out.clone());
        }
        // Elsewhere, two renames. The old site's name is this build's own, so a build killed
        // in between leaves nothing in the way of the next (it removes the leftover).
        let mut old = self.dir.clone().into_os_string();
        old.push(".old");
        let old = PathBuf::from(old);
        if self.out.exists() {
            std::fs::rename(&self.out, &old).map_err(io(&self.out))?;
        }
        std::fs::rename(&self.dir, &self.out).map_err(io(&self.dir))?;
        self.done = true;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(self.out.clone())
    }
}

impl Staging {
    /// Replace the site inside a mount point: its entries are set aside, the new ones moved in,
    /// the old ones removed. Not one step, but every move stays on the mount's own device.
    fn commit_inside(mut self) -> Result<PathBuf, OutputError> {
        let old = self
            .out
            .join(format!("{INSIDE_PREFIX}old-{}", std::process::id()));
        std::fs::create_dir_all(&old).map_err(io(&old))?;
        for entry in std::fs::read_dir(&self.out)
            .map_err(io(&self.out))?
            .flatten()
        {
            let name = entry.file_name();
            // The marker stays: killed halfway, the output is still known for a site, and the
            // next build replaces it.
            if !ours(&name.to_string_lossy()) && name != MARKER {
                std::fs::rename(entry.path(), old.join(&name)).map_err(io(&entry.path()))?;
            }
        }
        for entry in std::fs::read_dir(&self.dir)
            .map_err(io(&self.dir))?
            .flatten()
        {
            let to = self.out.join(entry.file_name());
            std::fs::rename(entry.path(), &to).map_err(io(&to))?;
        }
        self.done = true;
        let _ = std::fs::remove_dir_all(&old);
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(self.out.clone())
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.path(rel);
        // A page (`…/index.html`) is the only file of a folder of its own: its folder is made
        // first, which spares a failed opening per page (a tenth of a page's system calls).
        if rel.ends_with("/index.html")
            && let Some(parent) = path.parent()
        {
            match std::fs::create_dir(parent) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(_) => std::fs::create_dir_all(parent).map_err(io(parent))?,
            }
            return std::fs::write(&path, bytes).map_err(io(&path));
        }
        // Another file's folder is made when the first file in it finds none: asking for every
        // file cost two more system calls each, a tenth of writing the site.
        match std::fs::write(&path, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(io(parent))?;
                }
                std::fs::write(&path, bytes).map_err(io(&path))
            }
            done => done.map_err(io(&path)),
        }
    }

    fn copy(&self, from: &Path, rel: &str) -> Result<(), OutputError> {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::copy(from, &path).map(drop).map_err(io(from))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        let _ = std::fs::remove_file(&self.lock);
    }
}

/// Exchange the names of two folders in one step (Linux's `renameat2` with `RENAME_EXCHANGE`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both arguments are NUL-terminated paths that outlive the call, which only reads
    // them.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Where names cannot be exchanged in one step, the caller renames twice.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// `path` made absolute against the current folder, without touching the disk (the output may
/// not exist yet), `.` and `..` resolved.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Compare real paths where they exist, so a symlinked campaign is still recognised.
    out.canonicalize().unwrap_or(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn two_folders_exchange_names_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("new"), "").unwrap();
        std::fs::write(b.join("old"), "").unwrap();
        exchange(&a, &b).unwrap();
        assert!(b.join("new").exists() && a.join("old").exists());
        assert!(!b.join("old").exists() && !a.join("new").exists());
    }

    #[test]
    fn a_failed_build_leaves_the_previous_site_and_a_good_one_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("campaign");
        std::fs::create_dir(&root).unwrap();
        let out = root.join("public");

        let first = Staging::new(&root, &out).unwrap();
        first.write("index.html", b"one").unwrap();
        first.commit().unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");

        let failed = Staging::new(&root, &out).unwrap();
        failed.write("index.html", b"two").unwrap();
        drop(failed);
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");

        let second = Staging::new(&root, &out).unwrap();
        second.write("other.html", b"two").unwrap();
        second.commit().unwrap();
        assert!(!out.join("index.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&root).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder is left behind");
    }

    #[test]
    fn the_campaign_and_foreign_folders_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("submissions/a")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join("submissions"),
            root.join("submissions/a/x"),
        ] {
            assert!(matches!(
                Staging::new(root, &bad),
                Err(OutputError::InsideCampaign { .. })
            ));
        }
        let docs = root.join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("keep.txt"), "mine").unwrap();
        assert!(matches!(
            Staging::new(root, &docs),
            Err(OutputError::NotASite { .. })
        ));
        assert!(matches!(
            Staging::new(root, dir.path().parent().unwrap()),
            Err(OutputError::InsideCampaign { .. })
        ));
    }

    /// Pages make their folders first, other files when the first finds none; either way a
    /// file lands under folders that did not exist, beside those that did, and a file where a
    /// folder should be is an error that names it.
    #[test]
    fn files_are_written_whichever_folders_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("campaign");
        std::fs::create_dir(&root).unwrap();
        let out = root.join("public");
        let site = Staging::new(&root, &out).unwrap();
        for (rel, bytes) in [
            ("entries/a/one/index.html", &b"page"[..]),
            ("entries/a/index.html", b"unit"),
            ("entries/a/one/photo.jpg", b"jpg"),
            ("search/g/1.bin", b"shard"),
            ("search/g/2.bin", b"shard"),
        ] {
            site.write(rel, bytes).unwrap();
        }
        site.write("entries/b", b"a file").unwrap();
        assert!(site.write("entries/b/index.html", b"page").is_err());
        site.commit().unwrap();
        assert_eq!(
            std::fs::read(out.join("entries/a/one/index.html")).unwrap(),
            b"page"
        );
        assert_eq!(
            std::fs::read(out.join("entries/a/index.html")).unwrap(),
            b"unit"
        );
        assert_eq!(
            std::fs::read(out.join("entries/a/one/photo.jpg")).unwrap(),
            b"jpg"
        );
        assert_eq!(std::fs::read(out.join("search/g/2.bin")).unwrap(), b"shard");
        assert_eq!(std::fs::read(out.join("entries/b")).unwrap(), b"a file");
    }

    #[test]
    fn a_file_in_the_way_is_named_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("campaign");
        std::fs::create_dir(&root).unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "mine").unwrap();
        for out in [file.clone(), file.join("site"), file.join("a/b")] {
            match Staging::new(&root, &out) {
                Err(OutputError::NotAFolder { out: o, file: f }) => {
                    assert_eq!((o, f), (out.clone(), file.clone()));
                }
                other => panic!("{out:?}: {other:?}"),
            }
        }
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "nothing made beside the file: {names:?}");
    }
}
