//! The entries' media, read from disk before the site is assembled: which of an entry's files may
//! be published at all, each photo's size and thumbnail, each other file's size. Assembly only
//! reads what this stage found.
//!
//! A file is published only when it is a regular file reached without a link out of its entry's
//! folder, of a type `attachments.allowed` admits and never an active one (a page, SVG, script),
//! with content that is what its extension claims — whatever the body calls it: the rules check
//! what an entry names as attachments, but a body may link to anything, and a pull request can
//! carry a symlink to `/etc/passwd`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::thumbs::{self, Thumb};
use shenbao_core::campaign::Campaign;
use shenbao_core::fields::IMAGE_TYPES;
use shenbao_core::files::{Disk, Files, Stat};
use shenbao_core::model::Entry;
use shenbao_core::paths::{extension, relative_inside};
use shenbao_core::rules::attachments::{ACTIVE_TYPES, content_matches};

/// A photo as the site shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoMedia {
    /// Its thumbnail's name under `thumbs/`; `None` for a photo that is its own thumbnail (a
    /// GIF keeps its animation).
    pub thumb: Option<String>,
    pub width: u32,
    pub height: u32,
}

/// What one entry's files turned out to be.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryMedia {
    /// By the path as written in the entry; `None` for a photo that cannot be shown (unreadable,
    /// or not an image: reported in `warnings`).
    pub photos: HashMap<String, Option<PhotoMedia>>,
    /// Other files' sizes in bytes, by the path as written; absent when it cannot be read.
    pub sizes: HashMap<String, u64>,
    /// The entry's files that may be published, relative to its folder (`img/a.png`).
    pub files: HashSet<String>,
}

/// A path as written, relative to the entry's folder, cleaned (`./a\\b.png` → `a/b.png`);
/// `None` when it climbs out or is absolute.
pub fn clean(written: &str) -> Option<String> {
    relative_inside(written).map(|rel| rel.to_string_lossy().replace('\\', "/"))
}

/// A new thumbnail: its name under `thumbs/`, and its bytes.
pub type Thumbnail = (String, Vec<u8>);

/// The media of the entries a site is assembled from.
#[derive(Debug, Default)]
pub struct Media {
    /// By entry id (`unit/slug`), for the entries that have any files.
    pub entries: HashMap<String, EntryMedia>,
    /// New thumbnails, sorted by name, each once.
    pub thumbs: Vec<Thumbnail>,
    /// Photos that could not be read as images.
    pub warnings: Vec<String>,
}

/// Read the media of `entries` (in parallel). `previous_thumbs` is an earlier build's `thumbs/`,
/// whose thumbnails are reused rather than made again.
pub fn read(campaign: &Campaign, entries: &[&Entry], previous_thumbs: Option<&Path>) -> Media {
    let read: Vec<(&Entry, Read)> = entries
        .par_iter()
        .map(|e| (*e, entry(campaign, e, previous_thumbs)))
        .collect();
    let mut media = Media::default();
    for (e, read) in read {
        // Most entries have no files: they are left out (100,000 of them cost a tenth of a
        // second on one core), and found with none.
        if read.media != EntryMedia::default() {
            media.entries.insert(e.id(), read.media);
        }
        media.thumbs.extend(read.thumbs);
        media.warnings.extend(read.warnings);
    }
    media.thumbs.sort_by(|a, b| a.0.cmp(&b.0));
    media.thumbs.dedup_by(|a, b| a.0 == b.0);
    media
}

/// One entry's media, with what it adds to the whole.
struct Read {
    media: EntryMedia,
    thumbs: Vec<Thumbnail>,
    warnings: Vec<String>,
}

/// One entry's photos (its image attachments, then its cover) and other files. Each photo is
/// read and shrunk once, though it is often both cover and attachment.
fn entry(campaign: &Campaign, e: &Entry, previous_thumbs: Option<&Path>) -> Read {
    let root = &campaign.root;
    let folder = root.join(e.folder());
    let mut media = EntryMedia::default();
    let disk = Disk::new(root);
    let named = e
        .body_files
        .iter()
        .map(String::as_str)
        .chain(e.attachments.iter().map(|a| a.file.as_str()))
        .chain(e.cover.as_deref());
    for written in named {
        if let Some(rel) = clean(written)
            && !media.files.contains(&rel)
            && publishable(campaign, &disk, &e.folder(), &rel)
        {
            media.files.insert(rel);
        }
    }
    let mut thumbs_out = Vec::new();
    let mut warnings = Vec::new();
    let images = e
        .attachments
        .iter()
        .map(|a| a.file.as_str())
        .filter(|f| IMAGE_TYPES.contains(&extension(Path::new(f)).as_str()));
    for written in images.chain(e.cover.as_deref()) {
        // Only a file the site may publish is read, and by the very path that was judged.
        let Some(rel) = clean(written).filter(|rel| media.files.contains(rel)) else {
            continue;
        };
        if media.photos.contains_key(written) {
            continue;
        }
        let photo = photo(&folder, &rel, previous_thumbs).map_err(|reason| {
            if let Some(reason) = reason {
                // The decoder's own words, but for the one sentence shenbao writes itself.
                let lang = campaign.language;
                let reason = match reason.as_str() {
                    "not an image" => lang.pick("不是图片", "not an image").to_string(),
                    _ => reason.split_whitespace().collect::<Vec<_>>().join(" "),
                };
                warnings.push(match lang {
                    shenbao_core::lang::Lang::Zh => {
                        format!(
                            "{}：照片 {written} 无法使用（{reason}），网站上不显示",
                            e.file()
                        )
                    }
                    shenbao_core::lang::Lang::En => format!(
                        "{}: the photo {written} cannot be used ({reason}) and is left out",
                        e.file()
                    ),
                });
            }
        });
        let photo = photo.ok().map(|(photo, thumb)| {
            thumbs_out.extend(thumb);
            photo
        });
        media.photos.insert(written.to_string(), photo);
    }
    for a in &e.attachments {
        let ext = extension(Path::new(&a.file));
        if let Some(rel) = clean(&a.file).filter(|rel| media.files.contains(rel))
            && !IMAGE_TYPES.contains(&ext.as_str())
            && let Ok(meta) = std::fs::metadata(folder.join(rel))
        {
            media.sizes.insert(a.file.clone(), meta.len());
        }
    }
    Read {
        media,
        thumbs: thumbs_out,
        warnings,
    }
}

/// Whether the file at `rel` in the entry's `folder` may be published.
fn publishable(campaign: &Campaign, disk: &Disk, folder: &str, rel: &str) -> bool {
    let ext = extension(Path::new(rel));
    let allowed =
        campaign.attachments.allowed.contains(&ext) && !ACTIVE_TYPES.contains(&ext.as_str());
    let path = format!("{folder}/{rel}");
    allowed
        && matches!(disk.stat(&path, folder), Stat::File { .. })
        // Its first bytes, enough for its magic number, read as the rules read a file.
        && disk
            .read_up_to(&path, 15)
            .is_ok_and(|head| content_matches(&ext, &head))
}

/// A photo and its new thumbnail; the error says why it cannot be shown, when that is worth a
/// warning (a file that cannot be read at all was already reported by `check`).
fn photo(
    folder: &Path,
    written: &str,
    previous_thumbs: Option<&Path>,
) -> Result<(PhotoMedia, Option<Thumbnail>), Option<String>> {
    let ext = extension(Path::new(written));
    if !thumbs::can_read(&ext) {
        let (width, height) = Disk::new(folder)
            .read(written)
            .ok()
            .and_then(|b| thumbs::dimensions(&b).ok())
            .unwrap_or((thumbs::WIDTH, thumbs::HEIGHT));
        let photo = PhotoMedia {
            thumb: None,
            width,
            height,
        };
        return Ok((photo, None));
    }
    let bytes = Disk::new(folder).read(written).map_err(|_| None)?;
    match thumbs::thumbnail(&bytes, previous_thumbs) {
        Ok((
            Thumb {
                name,
                width,
                height,
            },
            data,
        )) => {
            let photo = PhotoMedia {
                thumb: Some(name.clone()),
                width,
                height,
            };
            Ok((photo, Some((name, data))))
        }
        Err(err) => Err(Some(err.reason)),
    }
}
