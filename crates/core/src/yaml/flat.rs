//! Front matter of one `key: value` a line — nearly every entry's — read without the general
//! parser, which spent 20 µs on each entry's few lines, a twelfth of a build's CPU.
//!
//! This reader takes only what it reads exactly as serde-saphyr does (the same tree, the same
//! positions) and says `None` to anything else: nesting, lists, quotes with escapes, comments,
//! numbers other than plain integers, and the words YAML may read as null or a boolean. Those,
//! and every error, are the parser's; a test compares the two on thousands of documents.

use super::{Node, Pos, Value};

/// Front matter longer than this is left to the parser (its limits count what this skips).
const MOST: usize = 64 * 1024;

/// Front matter with more keys than this is left to the parser: an entry has a dozen or two,
/// and each key is compared with those before it (a hostile file of thousands of keys would
/// make that quadratic).
const MOST_KEYS: usize = 64;

/// `text` as a mapping of scalars, each key at the start of its line, when it is no more than
/// that; its first line is line `first_line` of its file.
pub(super) fn parse(text: &str, first_line: u32) -> Option<Node> {
    if text.len() > MOST {
        return None;
    }
    let mut entries: Vec<(Node, Node)> = Vec::with_capacity(16);
    for (i, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let line_no = first_line + i as u32;
        let (key, rest) = line.split_once(':')?;
        if entries.len() == MOST_KEYS
            || !is_key(key)
            || entries.iter().any(|(k, _)| k.as_str() == Some(key))
        {
            return None;
        }
        let value = rest.trim_start_matches(' ');
        // `key:` alone may open a nested block; `key:value` is no key.
        if value.is_empty() || value.len() == rest.len() {
            return None;
        }
        // Keys are ASCII, and so are the colon and spaces: bytes are columns.
        let column = (line.len() - value.len() + 1) as u32;
        entries.push((
            Node {
                pos: Pos::new(line_no, 1),
                value: Value::Str(key.to_string()),
            },
            Node {
                pos: Pos::new(line_no, column),
                value: scalar(value)?,
            },
        ));
    }
    let pos = entries.first()?.0.pos;
    Some(Node {
        pos,
        value: Value::Map(entries),
    })
}

/// A key the parser reads as this text: letters, digits, `_` and `-`, a letter or `_` first,
/// and none of the words a parser may read otherwise.
fn is_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        && !is_special_word(key)
}

/// Words a YAML parser reads as null, a boolean or a number in one schema or another.
fn is_special_word(word: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
    ];
    word.len() <= 8 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// A value written on its line: double-quoted without escapes, or plain.
fn scalar(value: &str) -> Option<Value> {
    if let Some(quoted) = value.strip_prefix('"') {
        let (inner, after) = quoted.split_once('"')?;
        if inner.contains('\\') || !after.bytes().all(|b| b == b' ') || !printable(inner) {
            return None;
        }
        return Some(Value::Str(inner.to_string()));
    }
    let plain = value.trim_end_matches(' ');
    let first = *plain.as_bytes().first()?;
    // Indicators (lists, flows, comments, anchors, tags, block scalars, quotes, directives),
    // and signs and points that may begin a number.
    if b"-?:,[]{}#&*!|>'\"%@`~+.".contains(&first)
        || plain.contains('#')
        || plain.contains(": ")
        || plain.ends_with(':')
        || !printable(plain)
    {
        return None;
    }
    if first.is_ascii_digit() {
        return number_like(plain);
    }
    if is_special_word(plain) {
        return None;
    }
    Some(Value::Str(plain.to_string()))
}

/// A plain value that begins with a digit: an integer (a leading zero keeps it text, as the
/// parser is told), or digits joined by hyphens (`2017-05`, `0312-1234567`), which are text.
/// Anything else (`1.5`, `1e3`, `0x1F`, `1_000`, times) is the parser's.
fn number_like(plain: &str) -> Option<Value> {
    if plain.bytes().all(|b| b.is_ascii_digit()) {
        if plain.len() > 1 && plain.starts_with('0') {
            return Some(Value::Str(plain.to_string()));
        }
        return plain.parse().ok().map(Value::Int);
    }
    let dated = plain
        .split('-')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    dated.then(|| Value::Str(plain.to_string()))
}

/// Whether `text` has no character YAML refuses or reads as a line's end: controls (a tab
/// too), the byte-order mark, and the Unicode line and paragraph separators.
fn printable(text: &str) -> bool {
    if text.is_ascii() {
        return text.bytes().all(|b| (0x20..0x7F).contains(&b));
    }
    text.chars().all(|c| {
        !matches!(c,
            '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}'
            | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde-saphyr reads, for comparison.
    fn parser(text: &str, first_line: u32) -> Result<Node, super::super::SyntaxError> {
        super::super::parse_general(text, first_line)
    }

    #[test]
    fn an_entry_s_front_matter_is_read_here_as_the_parser_reads_it() {
        let text = "title: \"协商机制切实职工之家的工作实践第4042号\"\ncategory: \"10\"\ncontact: 张霞勇\nphone: \"13118709669\"\nsummary: 实现，显著，广大职工网上工会工作格局推动企业。\nstarted: 2017-05\nserial: 12\nlevel:   0312-1234567  \n";
        let fast = parse(text, 2).expect("a flat front matter is read here");
        assert_eq!(fast, parser(text, 2).unwrap());
        assert_eq!(
            fast.get("started").unwrap().1.value,
            Value::Str("2017-05".into())
        );
        assert_eq!(fast.get("serial").unwrap().1.value, Value::Int(12));
        assert_eq!(fast.get("level").unwrap().1.pos, Pos::new(9, 10));
    }

    #[test]
    fn a_front_matter_of_many_keys_is_left_to_the_parser() {
        let text = |keys: usize| (0..keys).map(|i| format!("k{i}: x\n")).collect::<String>();
        assert!(parse(&text(MOST_KEYS), 2).is_some());
        assert_eq!(parse(&text(MOST_KEYS + 1), 2), None);
        assert!(parser(&text(MOST_KEYS + 1), 2).is_ok());
    }

    /// Lines a front matter may hold: the common shapes, and the ones this reader must leave
    /// to the parser (or read exactly as it does).
    const LINES: &[&str] = &[
        "title: 职工之家建设",
        "title: \"职工之家建设\"",
        "title: \"他说\"好\"\"",
        "title: 他说\"好\"",
        "title: Workers' club",
        "title: 'quoted'",
        "title: \"a\\nb\"",
        "title: \"unterminated",
        "title: \"a\" b",
        "title: \"\"",
        "title: \"  \"",
        "title: a: b",
        "title: a:b",
        "title: http://example.org/a?b=c",
        "title: a #b",
        "title: a#b",
        "title: [x]",
        "title: x]",
        "title: {a: 1}",
        "title: x, y",
        "title: - x",
        "title: -x",
        "title: ? x",
        "title: &a x",
        "title: *a",
        "title: !x y",
        "title: |",
        "title: >",
        "title: %x",
        "title: @x",
        "title: `x",
        "title: ~",
        "title:    spaced   inside   ",
        "title:",
        "title:x",
        "title : x",
        "title：全角",
        "title: 成效：显著",
        "title: 标题\u{3000}",
        "title: \u{3000}标题",
        "title: 标题\u{3000} ",
        "title: x\t",
        "title: \tx",
        "title: \u{FEFF}x",
        "title: a\u{85}b",
        "title: a\u{2028}b",
        "title: a\u{1}b",
        "title: a\rb",
        "serial: 0",
        "serial: 00",
        "serial: 007",
        "serial: 12",
        "serial: 9223372036854775807",
        "serial: 9223372036854775808",
        "serial: 99999999999999999999999",
        "serial: -5",
        "serial: +5",
        "serial: 1.5",
        "serial: .5",
        "serial: 1e3",
        "serial: 0x1F",
        "serial: 0o17",
        "serial: 1_000",
        "serial: 1:30",
        "serial: 2017-05",
        "serial: 2017-05-01",
        "serial: 2017-05-01T10:00:00",
        "serial: 0312-1234567",
        "serial: 13118709669",
        "serial: 12-",
        "serial: 1--2",
        "serial: 12 34",
        "serial: 12号",
        "flag: true",
        "flag: True",
        "flag: TRUE",
        "flag: false",
        "flag: yes",
        "flag: No",
        "flag: on",
        "flag: null",
        "flag: Null",
        "flag: NULL",
        "flag: inf",
        "flag: .inf",
        "flag: nan",
        "flag: Infinity",
        "true: x",
        "null: x",
        "y: x",
        "_x: x",
        "a-b: x",
        "a_b2: x",
        "2a: x",
        "标题: x",
        "  indented: x",
        " - item",
        "- item",
        "# a comment",
        "---",
        "...",
        "   ",
        "list:",
        "  - a",
        "nested:",
        "  key: value",
        "contact: 张霞勇",
        "phone: \"13118709669\"",
        "summary: 实现，显著，广大职工网上工会工作格局推动企业。",
    ];

    #[test]
    fn what_it_reads_the_parser_reads_the_same() {
        let mut seed: u64 = 0x2017_0061;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut read = 0;
        let documents = (0..LINES.len())
            .map(|i| format!("{}\n", LINES[i]))
            .chain((0..8000).map(|_| {
                let lines = 1 + next(4);
                let mut text = (0..lines)
                    .map(|_| {
                        // Mostly lines the reader takes, so that documents mix both kinds.
                        let line = LINES[next(LINES.len())];
                        let key = [
                            "title", "category", "contact", "summary", "phone", "started", "a",
                            "b", "c", "d",
                        ];
                        let value = match next(3) {
                            0 => return line.to_string(),
                            1 => line.split_once(':').map_or("x", |(_, v)| v),
                            _ => [" 职工之家", " \"10\"", " 2017-05", " 12", "  甲 乙 "][next(5)],
                        };
                        format!("{}:{value}", key[next(key.len())])
                    })
                    .collect::<Vec<_>>()
                    .join(if next(5) == 0 { "\n\n" } else { "\n" });
                if next(4) > 0 {
                    text.push('\n');
                }
                if next(8) == 0 {
                    text.insert(0, '\n');
                }
                text
            }));
        for text in documents {
            if let Some(fast) = parse(&text, 2) {
                read += 1;
                assert_eq!(Ok(fast), parser(&text, 2), "{text:?}");
            }
        }
        // The comparison covered many documents this reader took, not only refusals.
        assert!(read > 1500, "only {read} documents read here");
    }
}
