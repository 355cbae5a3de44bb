//! Every path under `submissions/`, made and read in one place: a unit's folder, its card, an
//! entry's file and attachment folder. Paths are relative to the campaign root, with `/`.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The folder units submit into.
pub const SUBMISSIONS: &str = "submissions";
/// A unit's card in its folder.
pub const UNIT_CARD: &str = "unit.yaml";

/// `submissions/<unit>`
pub fn unit_folder(unit: &str) -> String {
    format!("{SUBMISSIONS}/{unit}")
}

/// `submissions/<unit>/unit.yaml`
pub fn card(unit: &str) -> String {
    format!("{SUBMISSIONS}/{unit}/{UNIT_CARD}")
}

/// `submissions/<unit>/<slug>.md`
pub fn entry_file(unit: &str, slug: &str) -> String {
    format!("{SUBMISSIONS}/{unit}/{slug}.md")
}

/// `submissions/<unit>/<slug>`: the entry's own files.
pub fn attachment_folder(unit: &str, slug: &str) -> String {
    format!("{SUBMISSIONS}/{unit}/{slug}")
}

/// The unit whose folder `rel` is (`submissions/<unit>`) or lies in.
pub fn unit_folder_of(rel: &str) -> Option<&str> {
    unit_of(rel).or_else(|| {
        let unit = rel.strip_prefix(SUBMISSIONS)?.strip_prefix('/')?;
        (!unit.is_empty() && !unit.contains('/')).then_some(unit)
    })
}

/// The unit whose folder holds `rel`, if it lies under `submissions/<unit>/`.
pub fn unit_of(rel: &str) -> Option<&str> {
    let (unit, _) = rel
        .strip_prefix(SUBMISSIONS)?
        .strip_prefix('/')?
        .split_once('/')?;
    (!unit.is_empty()).then_some(unit)
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

/// The order of a unit's entries, as people count: numbers in names by their value
/// (`项目2` before `项目10`, as a file manager lists them), the rest as written; names
/// equal so (`t01`, `t1`) by their bytes, so that the order is total. Every list, page and
/// roster of entries follows it.
pub fn slug_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (m, n) = (digits(x), digits(y));
                // Compared as numbers of any length: without leading zeros, the longer is the
                // larger, else digit by digit.
                fn value(s: &[u8]) -> &[u8] {
                    let zeros = s.iter().take_while(|&&c| c == b'0').count();
                    &s[zeros..]
                }
                let (u, v) = (value(&x[..m]), value(&y[..n]));
                let by_value = u.len().cmp(&v.len()).then_with(|| u.cmp(v));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (x, y) = (&x[m..], &y[n..]);
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                (x, y) = (&x[1..], &y[1..]);
            }
        }
    }
}

/// The order of entries across units: by unit folder, then [`slug_order`].
pub fn entry_order(a: (&str, &str), b: (&str, &str)) -> std::cmp::Ordering {
    a.0.cmp(b.0).then_with(|| slug_order(a.1, b.1))
}

/// An entry: its unit and its slug (the file name without `.md`). Written `unit/slug`, unique in
/// a campaign.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId {
    pub unit: String,
    pub slug: String,
}

impl EntryId {
    pub fn new(unit: impl Into<String>, slug: impl Into<String>) -> Self {
        Self {
            unit: unit.into(),
            slug: slug.into(),
        }
    }

    /// The entry whose file is `rel` (`submissions/<unit>/<slug>.md`), if it is one.
    pub fn of_file(rel: &str) -> Option<EntryId> {
        let rest = rel.strip_prefix(SUBMISSIONS)?.strip_prefix('/')?;
        let (unit, file) = rest.split_once('/')?;
        let slug = file.strip_suffix(".md")?;
        (!unit.is_empty() && !slug.is_empty() && !slug.contains('/'))
            .then(|| EntryId::new(unit, slug))
    }

    pub fn file(&self) -> String {
        entry_file(&self.unit, &self.slug)
    }

    pub fn folder(&self) -> String {
        attachment_folder(&self.unit, &self.slug)
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.unit, self.slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_ordered_as_people_count() {
        let mut slugs = vec![
            "t10", "t2", "t1", "项目10", "项目9", "t01", "a", "t1a", "t1b", "b2c10", "b2c9",
        ];
        slugs.sort_by(|a, b| slug_order(a, b));
        assert_eq!(
            slugs,
            [
                "a", "b2c9", "b2c10", "t01", "t1", "t1a", "t1b", "t2", "t10", "项目9", "项目10"
            ]
        );
        assert_eq!(slug_order("x", "x"), std::cmp::Ordering::Equal);
        assert_eq!(
            entry_order(("alpha", "t10"), ("beta", "t2")),
            std::cmp::Ordering::Less
        );
    }

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

    #[test]
    fn an_entry_file_is_read_back_as_its_id() {
        let id = EntryId::new("alpha", "weiquan");
        assert_eq!(id.file(), "submissions/alpha/weiquan.md");
        assert_eq!(id.folder(), "submissions/alpha/weiquan");
        assert_eq!(id.to_string(), "alpha/weiquan");
        assert_eq!(EntryId::of_file(&id.file()), Some(id));
        assert_eq!(EntryId::of_file("submissions/alpha/unit.yaml"), None);
        assert_eq!(EntryId::of_file("submissions/alpha/x/y.md"), None);
        assert_eq!(EntryId::of_file("content/about.md"), None);
        assert_eq!(EntryId::of_file("submissions//x.md"), None);
        assert_eq!(unit_of("submissions/alpha/x/photo.jpg"), Some("alpha"));
        assert_eq!(unit_of("submissions/alpha"), None);
        assert_eq!(unit_of("campaign.yaml"), None);
    }
}
