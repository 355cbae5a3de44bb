//! Files a unit uploads: streamed to a temporary file under `.git/shenbao/uploads/` while the
//! limits of `attachments` are enforced (the byte over the limit ends the upload and the partial
//! file is removed), judged by extension and by content, and given a safe ASCII name (the
//! original kept as the attachment's title).

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::extract::multipart::Field;
use shenbao_core::campaign::AttachmentRules;
use shenbao_core::rules::attachments::{ACTIVE_TYPES, content_matches};

/// An upload held on disk until it is committed; removed when dropped.
#[derive(Debug)]
pub struct Upload {
    pub path: PathBuf,
    /// The safe name it will have in the entry's folder (before making it unique).
    pub name: String,
    /// The name as the user's computer called it.
    pub original: String,
    pub size: u64,
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Why an upload was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Extension not allowed (or one a browser would run).
    Type { name: String, allowed: Vec<String> },
    /// Over the limit, in MB.
    TooLarge { name: String, max_mb: u64 },
    /// The content is not what the extension says.
    NotWhatItSays { name: String },
    /// The upload broke off.
    Broken(String),
}

/// The lowercase extension of a file name.
pub fn extension_of(name: &str) -> String {
    shenbao_core::paths::extension(Path::new(name))
}

/// A name safe in a folder and a URL: ASCII letters, digits, `-` and `_`, Chinese transliterated
/// (项目照片.JPG → xiang-mu-zhao-pian.jpg).
pub fn safe_name(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let ext = extension_of(base);
    let stem = match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    };
    let mut out = String::new();
    for c in deunicode::deunicode(stem).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let whole = out.trim_matches('-');
    // At most 48 characters, cut between syllables where there is one to cut at (not `…-gon`).
    let mut stem = if whole.len() <= 48 {
        whole.to_string()
    } else if whole.as_bytes()[48] == b'-' {
        whole[..48].to_string()
    } else {
        let cut = &whole[..48];
        cut[..cut.rfind('-').unwrap_or(48)].to_string()
    };
    stem = stem.trim_end_matches('-').to_string();
    if stem.is_empty() {
        stem = "file".into();
    }
    // Names Windows keeps for devices: a clone of the campaign there could not check one out.
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if RESERVED.contains(&stem.as_str()) {
        stem.push_str("-file");
    }
    let ext: String = ext.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

/// Stream one multipart field into a temporary file in `dir`, within the limits of `rules`
/// (`only`: a narrower list of allowed extensions, for the roster scan).
pub async fn receive(
    mut field: Field<'_>,
    dir: &Path,
    rules: &AttachmentRules,
    only: Option<&[&str]>,
) -> Result<Upload, Refused> {
    let given = field.file_name().unwrap_or_default();
    // Browsers send a bare name; some old ones the whole path of the user's computer.
    let original = given
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(given)
        .to_string();
    let name = safe_name(&original);
    let ext = extension_of(&name);
    let allowed: Vec<String> = match only {
        Some(list) => list
            .iter()
            .filter(|e| rules.allowed.iter().any(|a| a == *e))
            .map(|e| e.to_string())
            .collect(),
        None => rules.allowed.clone(),
    };
    if !allowed.contains(&ext) || ACTIVE_TYPES.contains(&ext.as_str()) {
        return Err(Refused::Type {
            name: original,
            allowed,
        });
    }
    let max = rules.max_mb(&ext) * 1024 * 1024;
    std::fs::create_dir_all(dir).map_err(|e| Refused::Broken(e.to_string()))?;
    let suffix = crate::portal::accounts::random_bytes::<8>()
        .map(|b| crate::portal::accounts::hex(&b))
        .map_err(|e| Refused::Broken(e.to_string()))?;
    let path = dir.join(format!("upload-{suffix}"));
    let mut upload = Upload {
        path,
        name,
        original: original.clone(),
        size: 0,
    };
    let mut file =
        std::fs::File::create(&upload.path).map_err(|e| Refused::Broken(e.to_string()))?;
    let mut head: Vec<u8> = Vec::new();
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(Refused::Broken(e.to_string())),
        };
        upload.size += chunk.len() as u64;
        if upload.size > max {
            // `upload` is dropped here: the partial file goes with it.
            return Err(Refused::TooLarge {
                name: original,
                max_mb: max / (1024 * 1024),
            });
        }
        if head.len() < 64 {
            head.extend_from_slice(&chunk[..chunk.len().min(64 - head.len())]);
        }
        file.write_all(&chunk)
            .map_err(|e| Refused::Broken(e.to_string()))?;
    }
    file.sync_all()
        .map_err(|e| Refused::Broken(e.to_string()))?;
    if !content_matches(&ext, &head) {
        return Err(Refused::NotWhatItSays { name: original });
    }
    Ok(upload)
}

/// `name`, or `name-2`, `name-3`… before the extension: the first that `taken` does not hold.
pub fn unique(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_string();
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_safe_ascii() {
        assert_eq!(safe_name("项目照片.JPG"), "xiang-mu-zhao-pian.jpg");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\a\\活动 (1).png"), "huo-dong-1.png");
        assert_eq!(safe_name(".jpg"), "jpg");
        assert_eq!(safe_name("。。.pdf"), "file.pdf");
        assert_eq!(safe_name("a<script>.pdf"), "a-script.pdf");
        // Not a name Windows keeps for a device.
        assert_eq!(safe_name("CON.jpg"), "con-file.jpg");
        assert_eq!(safe_name("lpt1.PDF"), "lpt1-file.pdf");
        // A long name is cut between syllables, at 48 characters at most.
        let long = safe_name("西保定市总工会关于开展职工创新工作室建设情况的总结报告.docx");
        assert_eq!(long, "xi-bao-ding-shi-zong-gong-hui-guan-yu-kai-zhan.docx");
        assert_eq!(
            safe_name(&format!("{}.pdf", "a".repeat(60))),
            format!("{}.pdf", "a".repeat(48))
        );
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let taken = ["a.jpg", "a-2.jpg"];
        assert_eq!(unique("a.jpg", |n| taken.contains(&n)), "a-3.jpg");
        assert_eq!(unique("b.jpg", |n| taken.contains(&n)), "b.jpg");
    }
}
