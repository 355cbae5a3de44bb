//! The `submissions/` folder as found on disk: unit folders, their cards and entry files.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::paths;
pub use crate::paths::{SUBMISSIONS, UNIT_CARD};

/// One folder under `submissions/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitFolder {
    /// The folder's name: a unit id if the folder is registered.
    pub id: String,
    /// Whether it has a `unit.yaml`.
    pub has_card: bool,
    /// Entry slugs (file names without `.md`), sorted.
    pub entries: Vec<String>,
    /// The names of its other files but `unit.yaml` and hidden ones, sorted: the signed
    /// roster, or an entry misnamed (`项目.md.txt`), which the rules point out. Then what looks
    /// like an entry inside a subfolder that is no entry's own (`2017/项目.md`), by its path in
    /// the unit's folder: nothing reads it either.
    pub others: Vec<String>,
}

/// What `submissions/` holds: its unit folders, and the files beside them that look like
/// entries (`submissions/项目.md`, put there instead of in the unit's folder), which nothing
/// reads. A README is the campaign's own (`shenbao init` writes one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    pub folders: Vec<UnitFolder>,
    pub loose: Vec<String>,
}

/// Whether a file's name says it was meant as an entry: `.md` in any case, or with a suffix
/// too many (`项目.md.txt`), or `.markdown`.
pub fn looks_like_entry(name: &str) -> bool {
    let lower = name.to_lowercase();
    (lower.ends_with(".md") || lower.ends_with(".md.txt") || lower.ends_with(".markdown"))
        && !lower.starts_with("readme")
}

impl UnitFolder {
    /// The folder relative to the campaign root, as diagnostics name it.
    pub fn rel(&self) -> String {
        paths::unit_folder(&self.id)
    }

    pub fn card_rel(&self) -> String {
        paths::card(&self.id)
    }

    pub fn entry_rel(&self, slug: &str) -> String {
        paths::entry_file(&self.id, slug)
    }
}

/// List every unit folder and its entries, in a stable order. A missing `submissions/` is an
/// empty campaign, not an error: nobody has submitted yet.
pub fn scan(root: &Path) -> std::io::Result<Scanned> {
    let dir = root.join(SUBMISSIONS);
    let folders = match std::fs::read_dir(&dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Scanned::default()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    let mut loose = Vec::new();
    for item in folders {
        let item = item?;
        // A symlinked folder counts as a folder; hidden ones (.git, editors' state) do not.
        if item.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        if !item.path().is_dir() {
            let name = item.file_name().to_string_lossy().into_owned();
            if looks_like_entry(&name) {
                loose.push(name);
            }
            continue;
        }
        // A name that is not UTF-8 (old zip tools) cannot be a unit id: listed as written, as
        // best it can be shown, for the registry check to report; its files are not read.
        match item.file_name().into_string() {
            Ok(name) => names.push((name, true)),
            Err(raw) => names.push((raw.to_string_lossy().into_owned(), false)),
        }
    }
    names.sort();
    loose.sort();
    let folders = names
        .into_par_iter()
        .map(|(id, readable)| {
            if readable {
                scan_unit(&dir.join(&id), id)
            } else {
                Ok(UnitFolder {
                    id,
                    has_card: false,
                    entries: Vec::new(),
                    others: Vec::new(),
                })
            }
        })
        .collect::<std::io::Result<_>>()?;
    Ok(Scanned { folders, loose })
}

fn scan_unit(dir: &Path, id: String) -> std::io::Result<UnitFolder> {
    let mut has_card = false;
    let mut entries = Vec::new();
    let mut others = Vec::new();
    let mut subfolders = Vec::new();
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = item.file_type()?;
        if kind.is_dir() {
            subfolders.push(name);
            continue;
        }
        // A link counts as what it leads to (the rules judge where).
        if !kind.is_file() && !item.path().is_file() {
            continue;
        }
        if name == UNIT_CARD {
            has_card = true;
        } else if let Some(slug) = name.strip_suffix(".md") {
            entries.push(slug.to_string());
        } else {
            others.push(name);
        }
    }
    entries.sort_by(|a, b| crate::paths::slug_order(a, b));
    others.sort();
    // An entry's own folder holds its attachments, `.md` ones too; any other is read only to
    // point out entries put in it (rare: most subfolders are entries' own).
    subfolders.sort();
    let own: std::collections::HashSet<&str> = entries.iter().map(String::as_str).collect();
    for sub in subfolders.iter().filter(|s| !own.contains(s.as_str())) {
        let Ok(items) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut found: Vec<String> = items
            .flatten()
            .filter(|i| i.path().is_file())
            .map(|i| i.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.') && looks_like_entry(name))
            .map(|name| format!("{sub}/{name}"))
            .collect();
        found.sort();
        others.extend(found);
    }
    Ok(UnitFolder {
        id,
        has_card,
        entries,
        others,
    })
}

/// The absolute path of a campaign-relative path.
pub fn abs(root: &Path, rel: &str) -> PathBuf {
    root.join(rel)
}
