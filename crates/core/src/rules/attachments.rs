//! Rules on the files an entry names: they exist, are of an allowed type and size, and never lead
//! outside the entry's attachment folder.

use std::path::{Component, Path, PathBuf};

use crate::campaign::AttachmentRules;
use crate::fields::{IMAGE_TYPES, VIDEO_TYPES};
use crate::files::{Files, Stat};
use crate::problem::Problem;

/// The problem with one named file, if any. `folder` is the entry's attachment folder
/// (`submissions/<unit>/<slug>`), `written` the path as the user wrote it.
pub fn check(
    files: &dyn Files,
    folder: &str,
    written: &str,
    image_only: bool,
    rules: &AttachmentRules,
) -> Option<Problem> {
    let Some(relative) = relative_inside(written) else {
        return Some(Problem::PathEscape {
            path: written.into(),
        });
    };
    let rel = format!("{folder}/{}", relative.to_string_lossy());
    let size = match files.stat(&rel, folder) {
        Stat::File { size } => size,
        Stat::Escapes => {
            return Some(Problem::PathEscape {
                path: written.into(),
            });
        }
        Stat::Missing | Stat::Dir => {
            return Some(Problem::AttachmentMissing {
                file: written.into(),
            });
        }
    };
    let ext = extension(&relative);
    let allowed_here: Vec<String> = if image_only {
        rules
            .allowed
            .iter()
            .filter(|e| IMAGE_TYPES.contains(&e.as_str()))
            .cloned()
            .collect()
    } else {
        rules.allowed.clone()
    };
    if !allowed_here.contains(&ext) {
        return Some(Problem::AttachmentType {
            file: written.into(),
            allowed: allowed_here,
            image_only,
        });
    }
    let max_mb = if VIDEO_TYPES.contains(&ext.as_str()) {
        rules.video_max_size_mb
    } else {
        rules.max_size_mb
    };
    if size > max_mb * 1024 * 1024 {
        return Some(Problem::AttachmentTooLarge {
            file: written.into(),
            size_kb: size.div_ceil(1024),
            max_mb,
        });
    }
    None
}

/// The path as a relative path with no `..`, or `None` if it is absolute or climbs out.
/// Backslashes count as separators: entries are written on Windows too.
pub fn relative_inside(written: &str) -> Option<PathBuf> {
    let normalised = written.trim().replace('\\', "/");
    if normalised.is_empty()
        || normalised.starts_with('/')
        || normalised.as_bytes().get(1) == Some(&b':')
    {
        return None;
    }
    let mut out = PathBuf::new();
    for component in Path::new(&normalised).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// The lowercase extension, without the dot.
pub fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_out_or_are_absolute_are_refused() {
        assert_eq!(
            relative_inside("photo.jpg"),
            Some(PathBuf::from("photo.jpg"))
        );
        assert_eq!(
            relative_inside("./img/a.png"),
            Some(PathBuf::from("img/a.png"))
        );
        assert_eq!(
            relative_inside("img\\a.png"),
            Some(PathBuf::from("img/a.png"))
        );
        assert_eq!(relative_inside("../other/a.png"), None);
        assert_eq!(relative_inside("img/../../a.png"), None);
        assert_eq!(relative_inside("/etc/passwd"), None);
        assert_eq!(relative_inside("C:\\x.jpg"), None);
        assert_eq!(relative_inside(""), None);
    }
}
