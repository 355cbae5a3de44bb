//! Rules on the files an entry names: they exist, are of an allowed type and size, and never lead
//! outside the entry's attachment folder.

use crate::paths::{extension, relative_inside};

use crate::campaign::AttachmentRules;
use crate::fields::IMAGE_TYPES;
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
                similar: differing_in_case(files, &rel, written),
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
    let max_mb = rules.max_mb(&ext);
    if size > max_mb * 1024 * 1024 {
        return Some(Problem::AttachmentTooLarge {
            file: written.into(),
            size_kb: size.div_ceil(1024),
            max_mb,
        });
    }
    None
}

/// `written` (the file at `rel`) with its name as a file beside it is named, when the two differ
/// only in case.
fn differing_in_case(files: &dyn Files, rel: &str, written: &str) -> Option<String> {
    let (folder, name) = rel.rsplit_once('/')?;
    let found = files
        .names(folder)
        .into_iter()
        .find(|n| n != name && n.to_lowercase() == name.to_lowercase())?;
    match written.strip_suffix(name) {
        Some(folder) => Some(format!("{folder}{found}")),
        None => Some(found),
    }
}

/// Types a browser runs or renders as a page of the site's origin: never published, whatever
/// `attachments.allowed` says.
pub const ACTIVE_TYPES: &[&str] = &[
    "htm", "html", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs",
];

/// The types a signed roster scan may be: a photo or a PDF.
pub const SCAN_TYPES: &[&str] = &["jpg", "jpeg", "png", "webp", "pdf"];

/// Whether a file's first bytes are what its extension claims: images, PDFs and office
/// documents by their magic numbers; any other type at least not markup (a page under another
/// name).
pub fn content_matches(ext: &str, head: &[u8]) -> bool {
    match ext {
        // Office Open XML and OpenDocument are zip archives.
        "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp" | "zip" => head.starts_with(b"PK\x03\x04"),
        // The older Word, Excel, PowerPoint and WPS files are OLE compound files; some systems
        // save rich text as `.doc`, which Word and WPS open as well.
        "doc" | "xls" | "ppt" | "wps" | "et" | "dps" => {
            head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
                || (ext == "doc" && head.starts_with(b"{\\rtf"))
        }
        "jpg" | "jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "gif" => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        "webp" => head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"),
        "pdf" => head.starts_with(b"%PDF-"),
        _ => {
            let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
            text.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'<')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_must_be_what_the_extension_claims() {
        assert!(content_matches("jpg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!content_matches("jpg", b"<html><script>alert(1)</script>"));
        assert!(content_matches("png", b"\x89PNG\r\n\x1a\n...."));
        assert!(content_matches("pdf", b"%PDF-1.7"));
        // A text file renamed (a clerk's 假文件.docx) is not a Word document.
        assert!(content_matches("docx", b"PK\x03\x04\x14\x00\x06\x00"));
        assert!(!content_matches("docx", "申报材料".as_bytes()));
        assert!(content_matches(
            "xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        ));
        assert!(!content_matches("xls", b"PK\x03\x04"));
        assert!(content_matches("doc", b"{\\rtf1\\ansi"));
        assert!(!content_matches("pdf", b"<svg onload=alert(1)>"));
        assert!(content_matches("csv", "年份,人数\n".as_bytes()));
        assert!(!content_matches("csv", b"\xEF\xBB\xBF  <html>"));
    }
}
