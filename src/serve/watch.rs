//! Which file changes rebuild the site: everything in the campaign but the output, git's and
//! cargo's folders, and editors' temporary files. Events are debounced (notify-debouncer-full);
//! the rebuild reads the campaign afresh, so files written into brand-new folders, which inotify
//! may miss, are found all the same once any event arrives.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

/// Folders whose changes never matter: the site itself, git, cargo.
const IGNORED_FOLDERS: &[&str] = &["public", ".git", "target", "node_modules"];

/// After a rebuild, this long without changes counts as a pause, for the work that can wait.
const IDLE: Duration = Duration::from_millis(250);

/// Watch `root` and call `rebuild` after each burst of relevant changes, with the changed paths
/// relative to `root` (`None`: the watcher lost track, anything may have changed); call `idle`
/// once changes pause after a rebuild. The returned value keeps the watcher alive.
pub fn start(
    root: &Path,
    rebuild: impl Fn(Option<Vec<String>>) + Send + 'static,
    idle: impl Fn() + Send + 'static,
) -> Result<impl Drop, notify::Error> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(Duration::from_millis(20), None, tx)?;
    debouncer.watch(root, RecursiveMode::Recursive)?;
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let mut owed = false;
        loop {
            let first = if owed {
                match rx.recv_timeout(IDLE) {
                    Ok(result) => result,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        owed = false;
                        idle();
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            } else {
                match rx.recv() {
                    Ok(result) => result,
                    Err(_) => break,
                }
            };
            let mut changed = Some(Vec::new());
            // Take every burst already waiting: one rebuild serves them all.
            let waiting = std::iter::from_fn(|| rx.try_recv().ok());
            for result in std::iter::once(first).chain(waiting) {
                match (&mut changed, relevant(&root, &result)) {
                    (_, None) => changed = None,
                    (Some(list), Some(paths)) => list.extend(paths),
                    (None, Some(_)) => {}
                }
            }
            match changed {
                Some(mut list) if !list.is_empty() => {
                    list.sort();
                    list.dedup();
                    rebuild(Some(list));
                    owed = true;
                }
                Some(_) => {}
                None => {
                    rebuild(None);
                    owed = true;
                }
            }
        }
    });
    Ok(debouncer)
}

/// The changed paths that matter, relative to `root`; `None` when the watcher lost track (an
/// overflow), so that everything is read again.
fn relevant(root: &Path, result: &DebounceEventResult) -> Option<Vec<String>> {
    match result {
        // Reading a file is not changing it: the rebuild itself opens every file.
        Ok(events) => Some(
            events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                .flat_map(|e| e.paths.iter())
                .filter(|p| matters(root, p))
                .filter_map(|p| p.strip_prefix(root).ok())
                .map(|p| {
                    p.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect(),
        ),
        Err(_) => None,
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
    if IGNORED_FOLDERS.contains(&first.as_ref()) || first.contains(".building-") {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !is_temporary(&name)
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
    fn the_output_git_and_editors_scratch_files_do_not_matter() {
        let root = Path::new("/c");
        for yes in [
            "/c/campaign.yaml",
            "/c/submissions/a/x.md",
            "/c/submissions/a/new-folder/photo.jpg",
            "/c/themes/default/templates/home.html",
            "/c/content/guide.md",
        ] {
            assert!(matters(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/c/public/index.html",
            "/c/.git/index",
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
