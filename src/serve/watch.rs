//! Which file changes rebuild the site: everything in the campaign but the output, git's and
//! cargo's folders, and editors' temporary files; and, of git's, what moves the checked-out
//! branch (a commit, a merge, a pull, a checkout), which changes arrival times though no file
//! of the campaign changes. A burst of changes is gathered until its files
//! are written (each closed by its writer, moved into place or removed: 2 ms more, for the next
//! file of a "save all") or, when one may not be (a file renamed away, a folder made), until
//! 20 ms pass without a change, and never longer than half a second. The rebuild reads the
//! campaign afresh, so files written into brand-new folders, which inotify may miss, are found
//! all the same once any event arrives.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};

/// Folders whose changes never matter: the site itself, git, cargo.
const IGNORED_FOLDERS: &[&str] = &["public", ".git", "target", "node_modules"];

/// After a rebuild, this long without changes counts as a pause, for the work that can wait.
const IDLE: Duration = Duration::from_millis(250);
/// Once every changed file is written, this long for more to come before rebuilding.
const WRITTEN: Duration = Duration::from_millis(2);
/// Otherwise, this long without a change.
const QUIET: Duration = Duration::from_millis(20);
/// A burst never lasts longer: a file written again and again (a log kept in the campaign's
/// folder) must not hold back the rebuild of a save beside it.
const LONGEST: Duration = Duration::from_millis(500);

/// Watch `root` and call `rebuild` after each burst of relevant changes, with the changed paths
/// relative to `root` (`None`: the watcher lost track, anything may have changed); call `idle`
/// once changes pause after a rebuild. The returned value keeps the watcher alive.
pub fn start(
    root: &Path,
    rebuild: impl Fn(Option<Vec<String>>) + Send + 'static,
    idle: impl Fn() + Send + 'static,
) -> Result<impl Drop, notify::Error> {
    let (tx, rx) = mpsc::channel::<notify::Result<Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        // When the pause after the last rebuild is due; events that do not matter (the rebuild
        // itself opens files) do not put it off.
        let mut pause: Option<Instant> = None;
        loop {
            let first = match pause {
                Some(at) => match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => {
                        pause = None;
                        idle();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                },
                None => match rx.recv() {
                    Ok(event) => event,
                    Err(_) => break,
                },
            };
            let mut burst = Burst::default();
            if !burst.add(&root, first) {
                continue;
            }
            let mut last = Instant::now();
            let end = last + LONGEST;
            loop {
                let wait = if burst.written() { WRITTEN } else { QUIET };
                let until = (last + wait).min(end);
                match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                    Ok(event) => {
                        if burst.add(&root, event) {
                            last = Instant::now();
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            rebuild(burst.changed());
            pause = Some(Instant::now() + IDLE);
        }
    });
    Ok(watcher)
}

/// The changes gathered for one rebuild.
#[derive(Default)]
struct Burst {
    /// Relative to the root, sorted.
    changed: BTreeSet<String>,
    /// The watcher lost track (an overflow): everything is read again.
    lost: bool,
    /// Changed paths whose writer may not be done with them yet.
    unwritten: HashSet<String>,
}

impl Burst {
    /// Take in one event; `false` when it changes nothing that matters.
    fn add(&mut self, root: &Path, event: notify::Result<Event>) -> bool {
        let event = match event {
            Ok(event) if !event.need_rescan() => event,
            _ => {
                self.lost = true;
                return true;
            }
        };
        enum Then {
            Written,
            Unwritten,
            Same,
        }
        let then = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To))
            | EventKind::Remove(_) => Then::Written,
            // Reading a file is not changing it: the rebuild itself opens every file.
            EventKind::Access(_) => return false,
            // Said of paths already seen (a rename's two ends), or complete in itself.
            EventKind::Modify(ModifyKind::Metadata(_) | ModifyKind::Name(RenameMode::Both)) => {
                Then::Same
            }
            _ => Then::Unwritten,
        };
        let mut any = false;
        for path in event.paths.iter().filter(|p| matters(root, p)) {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            match then {
                Then::Written => {
                    self.unwritten.remove(&rel);
                }
                Then::Unwritten => {
                    self.unwritten.insert(rel.clone());
                }
                Then::Same => {}
            }
            self.changed.insert(rel);
            any = true;
        }
        any
    }

    /// Whether every changed file is written, as far as the events tell.
    fn written(&self) -> bool {
        !self.lost && self.unwritten.is_empty()
    }

    fn changed(self) -> Option<Vec<String>> {
        (!self.lost).then(|| self.changed.into_iter().collect())
    }
}

/// Whether a change to `path` can change the site.
pub fn matters(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    if first == ".git" {
        return moves_the_branch(&parts.collect::<Vec<_>>().join("/"));
    }
    if IGNORED_FOLDERS.contains(&first.as_ref()) || first.contains(".building-") {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !is_temporary(&name)
}

/// Whether a change to `rel`, inside `.git/`, moves the checked-out branch: `HEAD`, the
/// branches' refs (written to a `.lock` and renamed into place: the rename counts), and
/// `packed-refs`. Its index, objects and logs change with every `git status` or commit and tell
/// nothing more.
fn moves_the_branch(rel: &str) -> bool {
    (rel == "HEAD" || rel == "packed-refs" || rel.starts_with("refs/heads/"))
        && !rel.ends_with(".lock")
}

/// Editors' scratch files: Vim's swap files and its `4913` probe, Emacs's `#x#` and `.#x`
/// locks, backups ending in `~`, and `.tmp` files that editors rename into place.
fn is_temporary(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_written_once_each_changed_file_is_closed_moved_into_place_or_removed() {
        use notify::event::{CreateKind, DataChange, Flag, RemoveKind};
        let root = Path::new("/c");
        let event = |kind, path: &str| Ok(Event::new(kind).add_path(root.join(path)));
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));

        // Saved in place: truncated and written, then closed.
        let mut burst = Burst::default();
        assert!(burst.add(root, event(data, "submissions/a/x.md")));
        assert!(!burst.written());
        assert!(!burst.add(root, event(closed, "submissions/a/.x.md.swp")));
        assert!(!burst.written());
        let opened = EventKind::Access(AccessKind::Open(AccessMode::Any));
        assert!(!burst.add(root, event(opened, "submissions/a/x.md")));
        assert!(burst.add(root, event(closed, "submissions/a/x.md")));
        assert!(burst.written());
        assert_eq!(burst.changed(), Some(vec!["submissions/a/x.md".into()]));

        // Renamed away to a backup, then written anew.
        let mut burst = Burst::default();
        let away = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        burst.add(root, event(away, "submissions/a/x.md"));
        assert!(
            !burst.written(),
            "the file is missing until it is written again"
        );
        burst.add(
            root,
            event(EventKind::Create(CreateKind::File), "submissions/a/x.md"),
        );
        assert!(!burst.written());
        burst.add(root, event(closed, "submissions/a/x.md"));
        assert!(burst.written());

        // Moved into place from a temporary file; another removed.
        let mut burst = Burst::default();
        let into = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        burst.add(root, event(into, "submissions/a/x.md"));
        burst.add(
            root,
            event(EventKind::Remove(RemoveKind::File), "submissions/a/y.md"),
        );
        assert!(burst.written());
        assert_eq!(
            burst.changed(),
            Some(vec![
                "submissions/a/x.md".into(),
                "submissions/a/y.md".into()
            ])
        );

        // A new folder: what goes in it is still to come.
        let mut burst = Burst::default();
        burst.add(
            root,
            event(EventKind::Create(CreateKind::Folder), "submissions/b"),
        );
        assert!(!burst.written());

        // Lost track: everything is read again, after the quiet.
        let mut burst = Burst::default();
        burst.add(root, event(closed, "submissions/a/x.md"));
        assert!(burst.add(
            root,
            Ok(Event::new(EventKind::Other).set_flag(Flag::Rescan))
        ));
        assert!(!burst.written());
        assert_eq!(burst.changed(), None);
    }

    #[test]
    fn the_output_git_and_editors_scratch_files_do_not_matter() {
        let root = Path::new("/c");
        for yes in [
            "/c/campaign.yaml",
            "/c/submissions/a/x.md",
            "/c/submissions/a/new-folder/photo.jpg",
            "/c/themes/default/templates/home.html",
            "/c/content/guide.md",
            // What moves the branch: arrival times change.
            "/c/.git/HEAD",
            "/c/.git/refs/heads/main",
            "/c/.git/refs/heads/feature/x",
            "/c/.git/packed-refs",
        ] {
            assert!(matters(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/c/public/index.html",
            "/c/.git/index",
            "/c/.git/refs/heads/main.lock",
            "/c/.git/refs/remotes/origin/main",
            "/c/.git/objects/ab/cdef",
            "/c/.git/logs/HEAD",
            "/c/.git/shenbao/history",
            "/c/target/debug/x",
            "/c/.public.building-42/x",
            "/c/submissions/a/.x.md.swp",
            "/c/submissions/a/x.md~",
            "/c/submissions/a/4913",
            "/c/submissions/a/#x.md#",
            "/c/submissions/a/.#x.md",
            "/elsewhere/x.md",
        ] {
            assert!(!matters(root, Path::new(no)), "{no}");
        }
    }
}
