//! The text of one user file: decoding, the front-matter split, and byte offsets turned into the
//! line and column a user sees.

/// A 1-based line and column (counted in characters) within one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

/// Whether `c` is a control character no editor shows and no page, feed or workbook may hold:
/// those below U+0020 but tab and line ends, and U+007F. A file holding one as written is
/// refused before it is parsed ([`control_character`]); one written as an escape in YAML's
/// double quotes (`"\a"`, `"\u000b"`) is found in the parsed tree
/// ([`crate::yaml::control_characters`]).
pub fn is_invisible_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// `text` with each invisible control character ([`is_invisible_control`]) as U+FFFD, which
/// can be printed and published.
pub fn visible(text: String) -> String {
    if control_character(text.as_bytes()).is_none() {
        return text;
    }
    text.chars()
        .map(|c| match is_invisible_control(c) {
            true => '\u{FFFD}',
            false => c,
        })
        .collect()
}

/// Where the first invisible control character ([`is_invisible_control`]) is. Looked for in
/// blocks with no branch per byte, which the compiler turns into vector instructions: a byte
/// at a time this was a fifteenth of `check`. (Every such character is one byte in UTF-8.)
pub fn control_character(bytes: &[u8]) -> Option<usize> {
    let bad = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0x7f);
    let mut at = 0;
    for block in bytes.chunks(64) {
        if block.iter().fold(false, |any, &b| any | bad(b)) {
            return block.iter().position(|&b| bad(b)).map(|i| at + i);
        }
        at += block.len();
    }
    None
}

/// Bytes that are not UTF-8: where the first bad byte sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotUtf8(pub Pos);

/// Decode a file as UTF-8, dropping a leading BOM.
pub fn decode(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    if let Err(err) = simdutf8::compat::from_utf8(&bytes) {
        let valid = err.valid_up_to();
        // The prefix is valid by construction, so this cannot fail.
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        return Err(NotUtf8(pos_at(prefix, prefix.len())));
    }
    // SAFETY: validated as UTF-8 just above.
    let mut text = unsafe { String::from_utf8_unchecked(bytes) };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// The line and column of `offset` (a byte offset into `text`; clamped to its length).
pub fn pos_at(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    let column = before[line_start..].chars().count() as u32 + 1;
    Pos::new(line, column)
}

/// The text of line `line` (1-based), without its line end.
pub fn line_text(text: &str, line: u32) -> Option<&str> {
    text.split('\n')
        .nth(line.checked_sub(1)? as usize)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// A URL path with its `%XX` escapes decoded; `None` when an escape is malformed or the result
/// is not UTF-8. Links in bodies and requests to `serve` are both written this way.
pub fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file split into its YAML front matter and its Markdown body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// The body after the closing fence.
    pub body: &'a str,
    /// Byte offset of the body in the whole text.
    pub body_offset: usize,
}

/// Why a file has no usable front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontMatterError {
    /// The file does not start with `---`.
    Missing,
    /// `---` opens a block that is never closed.
    Unclosed,
}

/// The YAML of the front matter always starts on line 2 of the file.
pub const YAML_FIRST_LINE: u32 = 2;

pub fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, FrontMatterError> {
    let mut lines = line_spans(text);
    let Some((_, first)) = lines.next() else {
        return Err(FrontMatterError::Missing);
    };
    if first.trim_end() != "---" {
        return Err(FrontMatterError::Missing);
    }
    let yaml_start = first.len();
    for (start, line) in lines {
        // Trailing spaces or a tab after the fence are invisible in an editor: accepted, as
        // they are after the opening fence.
        let content = line.trim_end();
        if content == "---" || content == "..." {
            let body_offset = start + line.len();
            return Ok(FrontMatter {
                yaml: &text[yaml_start..start],
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(FrontMatterError::Unclosed)
}

/// Each line with its byte offset, line end included.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "---\ntitle: 中文标题\n";
        let offset = text.find("标题").unwrap();
        assert_eq!(pos_at(text, offset), Pos::new(2, 10));
    }

    #[test]
    fn a_closing_fence_with_trailing_spaces_closes() {
        for text in [
            "---\ntitle: a\n--- \n## x\n",
            "---\ntitle: a\n---\t\r\n## x\n",
        ] {
            let fm = split_front_matter(text).unwrap();
            assert_eq!(fm.yaml, "title: a\n", "{text:?}");
            assert_eq!(fm.body, "## x\n", "{text:?}");
            assert_eq!(&text[fm.body_offset..], "## x\n");
        }
        // Text after the fence is not a fence.
        assert_eq!(
            split_front_matter("---\ntitle: a\n--- b\n"),
            Err(FrontMatterError::Unclosed)
        );
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = decode(b"\xef\xbb\xbf---\r\ntitle: a\r\n---\r\n## x\r\n".to_vec()).unwrap();
        let fm = split_front_matter(&text).unwrap();
        assert_eq!(fm.yaml, "title: a\r\n");
        assert_eq!(fm.body, "## x\r\n");
        assert_eq!(pos_at(&text, fm.body_offset), Pos::new(4, 1));
        assert_eq!(line_text(&text, 2), Some("title: a"));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode(b"---\ntitle: \xff\n".to_vec()).unwrap_err();
        assert_eq!(err, NotUtf8(Pos::new(2, 8)));
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(split_front_matter("# hi\n"), Err(FrontMatterError::Missing));
        assert_eq!(
            split_front_matter("---\ntitle: a\n"),
            Err(FrontMatterError::Unclosed)
        );
        assert_eq!(split_front_matter(""), Err(FrontMatterError::Missing));
    }
}
