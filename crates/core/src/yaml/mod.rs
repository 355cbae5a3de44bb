//! A YAML document as a tree of nodes that remember where they stand in the file.
//!
//! Front matter and unit cards are parsed into this tree (not straight into structs) so that every
//! rule can point at the exact key or value it is about, and unknown keys can be reported rather
//! than rejected wholesale by serde.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Spanned};

pub use crate::source::Pos;

mod flat;

/// A value of the tree with the position of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// The YAML data model after type resolution (YAML 1.2 core schema, strict booleans).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order; a key keeps its own position.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The English name of the value's kind, for messages.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) | Value::Float(_) => Kind::Number,
            Value::Str(_) => Kind::Text,
            Value::Seq(_) => Kind::List,
            Value::Map(_) => Kind::Mapping,
        }
    }
}

/// What kind of value a node holds, as users think of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    Text,
    List,
    Mapping,
}

impl Node {
    /// The scalar as text, when it is one a user would read as text (numbers included, since
    /// `category: 12` and `phone: 3100137` are written unquoted).
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key` in a mapping, with the key node.
    pub fn get(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// True for null, the empty string and an all-blank string: "absent or empty" to a user.
    pub fn is_empty(&self) -> bool {
        match &self.value {
            Value::Null => true,
            Value::Str(s) => s.trim().is_empty(),
            Value::Seq(s) => s.is_empty(),
            _ => false,
        }
    }
}

/// A YAML document that could not be parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub error: YamlError,
}

/// Why YAML could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlError {
    /// The parser's own words, without its location (English: the parser has no other).
    Parser(String),
    /// Over a limit that keeps a hostile file (an alias bomb, deep nesting) from using up memory
    /// and time: what was counted and the most allowed.
    TooLarge { limit: Limit, max: usize },
    /// A key followed by a full-width colon `：` (typed on a Chinese keyboard), which YAML does
    /// not read as the colon of a key: the key as written.
    FullWidthColon { key: String },
    /// A key written as an empty list (`recognition: []`, as `shenbao new` wrote it before) with
    /// list items under it, uncommented from the stub's example: the key.
    ItemsAfterEmptyList { key: String },
    /// A character YAML cannot hold anywhere, quoted or not (a C1 control such as U+0096, which
    /// text pasted from a mis-decoded document carries, or U+FFFE/U+FFFF): its code point.
    Unusable { codepoint: u32 },
}

/// What a YAML limit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Values: scalars, lists and mappings, aliases expanded.
    Nodes,
    Aliases,
    Anchors,
    /// Lists and mappings inside each other.
    Depth,
    /// Bytes of text in all values.
    Bytes,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.pos.line, self.pos.column)?;
        match &self.error {
            YamlError::Parser(message) => f.write_str(message),
            YamlError::TooLarge { limit, max } => write!(f, "over the limit of {max} ({limit:?})"),
            YamlError::FullWidthColon { key } => write!(f, "full-width colon after `{key}`"),
            YamlError::Unusable { codepoint } => write!(f, "unusable character U+{codepoint:04X}"),
            YamlError::ItemsAfterEmptyList { key } => write!(f, "items after `{key}: []`"),
        }
    }
}

impl YamlError {
    /// The error serde-saphyr gave: a breached limit by name, anything else in its words.
    pub fn of(err: &serde_saphyr::Error) -> YamlError {
        use serde_saphyr::budget::BudgetBreach;
        // The breach may come wrapped: with the places of the alias that caused it, or a snippet.
        let mut inner = err.without_snippet();
        while let serde_saphyr::Error::AliasError { error, .. } = inner {
            inner = error.without_snippet();
        }
        let limits = budget();
        if let serde_saphyr::Error::Budget { breach, .. } = inner {
            let found = match breach {
                BudgetBreach::Nodes { .. } => Some((Limit::Nodes, limits.max_nodes)),
                BudgetBreach::Aliases { .. } => Some((Limit::Aliases, limits.max_aliases)),
                BudgetBreach::Anchors { .. } => Some((Limit::Anchors, limits.max_anchors)),
                BudgetBreach::Depth { .. } => Some((Limit::Depth, limits.max_depth)),
                BudgetBreach::ScalarBytes { .. } => {
                    Some((Limit::Bytes, limits.max_total_scalar_bytes))
                }
                _ => None,
            };
            if let Some((limit, max)) = found {
                return YamlError::TooLarge { limit, max };
            }
        }
        let message = plain_message(&err.to_string());
        // Nesting far past the budget's depth is stopped by the parser's own guard first: the
        // same limit to the reader.
        if message.contains("recursion limit exceeded") {
            return YamlError::TooLarge {
                limit: Limit::Depth,
                max: limits.max_depth,
            };
        }
        YamlError::Parser(message)
    }
}

/// Each key and string of the tree holding an invisible control character
/// ([`crate::source::is_invisible_control`], written as escapes: a file holding one as written
/// is refused before it is parsed): the key of the top-level mapping it stands under (the whole
/// document's own position and an empty key when it is not a mapping), where the key or
/// string begins, and its first such character.
pub fn control_characters(node: &Node) -> Vec<(String, Pos, char)> {
    fn walk(node: &Node, key: &str, found: &mut Vec<(String, Pos, char)>) {
        match &node.value {
            Value::Str(s) => {
                if let Some(c) = s.chars().find(|&c| crate::source::is_invisible_control(c)) {
                    found.push((key.to_string(), node.pos, c));
                }
            }
            Value::Seq(items) => items.iter().for_each(|n| walk(n, key, found)),
            Value::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                walk(k, key, found);
                walk(v, key, found);
            }),
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
        }
    }
    let mut found = Vec::new();
    match &node.value {
        Value::Map(pairs) => {
            for (k, v) in pairs {
                let key = k.as_text().unwrap_or_default();
                walk(k, &key, &mut found);
                walk(v, &key, &mut found);
            }
        }
        _ => walk(node, "", &mut found),
    }
    found
}

/// Parse `text`, whose first line is line `first_line` of its file.
///
/// Limits on depth, nodes and aliases keep hostile input (alias bombs, deep nesting) cheap.
pub fn parse(text: &str, first_line: u32) -> Result<Node, SyntaxError> {
    match flat::parse(text, first_line) {
        Some(node) => Ok(node),
        None => parse_general(text, first_line),
    }
}

/// [`parse`] by serde-saphyr, whatever the document.
fn parse_general(text: &str, first_line: u32) -> Result<Node, SyntaxError> {
    let options = options();
    let shift = |line: u32, column: u32| {
        if line == 0 {
            Pos::new(first_line, 1)
        } else {
            Pos::new(line + first_line - 1, column.max(1))
        }
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<Tree>>>(text, options) {
        Ok(Some(tree)) => Ok(into_node(tree, &shift)),
        Ok(None) => Ok(Node {
            pos: Pos::new(first_line, 1),
            value: Value::Null,
        }),
        Err(err) => {
            let (error, at) = syntax_error(text, &err);
            let pos = at
                .map(|p| shift(p.line, p.column))
                .unwrap_or(Pos::new(first_line, 1));
            Err(SyntaxError { pos, error })
        }
    }
}

/// What is wrong with `text`, which the parser refused with `err`, and where in `text` (its
/// own lines): a key typed with a full-width colon, or a tab, where it stands (the parser
/// names a later or an earlier line); anything else as the parser says.
pub fn syntax_error(text: &str, err: &serde_saphyr::Error) -> (YamlError, Option<Pos>) {
    let line = err.location().map_or(1, |l| l.line().max(1) as u32);
    if let Some((key, pos)) = full_width_colon(text, line) {
        return (YamlError::FullWidthColon { key }, Some(pos));
    }
    if let Some((key, pos)) = items_after_empty_list(text, line) {
        return (YamlError::ItemsAfterEmptyList { key }, Some(pos));
    }
    let error = YamlError::of(err);
    // The parser names such a character as unexpected where its value begins, as it would a
    // `@`; but quoting does not help, and the reader cannot see it: said where it stands.
    if let YamlError::Parser(message) = &error
        && message.starts_with("unexpected character")
        && let Some((c, at)) = first_unusable(text)
        && message.contains(c.escape_debug().to_string().as_str())
    {
        let pos = crate::source::pos_at(text, at);
        return (
            YamlError::Unusable {
                codepoint: u32::from(c),
            },
            Some(pos),
        );
    }
    let tab = match &error {
        YamlError::Parser(message) if message.contains("tab") => first_tab(text, line),
        _ => None,
    };
    let pos = tab.or_else(|| {
        err.location()
            .map(|l| Pos::new(l.line().max(1) as u32, l.column().max(1) as u32))
    });
    (error, pos)
}

/// Whether `text`, with the full-width colon at byte `colon` of line `index` (0-based) typed as
/// `: `, parses past line `line` (1-based), where it stopped before.
fn mended_past(text: &str, index: usize, colon: usize, line: u32) -> bool {
    let mended: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == index {
                format!("{}: {}", &l[..colon], &l[colon + '：'.len_utf8()..])
            } else {
                l.to_string()
            }
        })
        .collect();
    parses_past(&mended, line)
}

/// A value written without quotes and cut by a comment (`summary: 本项目 #1 试点` reads
/// `本项目`): where its `#` stands, the key, what was read and what was dropped. `text` is the
/// YAML `node` was parsed from, its first line being line `first_line` of the file.
pub struct CutValue {
    pub pos: Pos,
    pub key: String,
    pub kept: String,
    pub dropped: String,
}

/// Every value of `node` cut by a comment (see [`CutValue`]).
pub fn cut_by_comments(node: &Node, text: &str, first_line: u32) -> Vec<CutValue> {
    // Run for every entry: most front matter has no comment after a value at all.
    if !text.contains(" #") && !text.contains("\t#") {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut stack: Vec<(&Node, String)> = vec![(node, String::new())];
    while let Some((n, key)) = stack.pop() {
        match &n.value {
            Value::Map(entries) => {
                for (k, v) in entries.iter().rev() {
                    let name = k.as_text().unwrap_or_default();
                    let path = if key.is_empty() {
                        name
                    } else {
                        format!("{key}.{name}")
                    };
                    stack.push((v, path));
                }
            }
            Value::Seq(items) => stack.extend(items.iter().rev().map(|i| (i, key.clone()))),
            Value::Str(s) => {
                let Some(raw) = n
                    .pos
                    .line
                    .checked_sub(first_line)
                    .and_then(|i| lines.get(i as usize))
                else {
                    continue;
                };
                let Some((start, _)) = raw.char_indices().nth(n.pos.column as usize - 1) else {
                    continue;
                };
                let rest = &raw[start..];
                if rest.starts_with(['"', '\'', '|', '>']) {
                    continue;
                }
                let Some(at) = rest.find(" #").or_else(|| rest.find("\t#")) else {
                    continue;
                };
                let kept = rest[..at].trim_end();
                if kept != s {
                    continue;
                }
                let hash = at + 1;
                out.push(CutValue {
                    pos: Pos::new(
                        n.pos.line,
                        n.pos.column + rest[..hash].chars().count() as u32,
                    ),
                    key,
                    kept: kept.to_string(),
                    dropped: rest[hash..].trim_end().to_string(),
                });
            }
            _ => {}
        }
    }
    out
}

/// Where the parser stopped at line `line` (1-based) of `text` on a list item (`- kind: media`)
/// under a key above it, past comments, written `key: []`, when the document parses with that
/// `[]` taken out: the key, and where its `[]` stands.
fn items_after_empty_list(text: &str, line: u32) -> Option<(String, Pos)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let at = (line as usize).checked_sub(1)?;
    let item = lines.get(at)?;
    if !item.trim_start().starts_with('-') {
        return None;
    }
    let (i, above) = lines[..at]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let (key, value) = above.split_once(':')?;
    let key = key.trim().trim_start_matches("- ").trim();
    if value.trim() != "[]" || key.is_empty() {
        return None;
    }
    let column = above.find('[')?;
    // Only if that is all that is wrong here: a mis-indented item under it is another slip.
    let mended: String = lines
        .iter()
        .enumerate()
        .map(|(j, l)| if j == i { &l[..column] } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    if !parses_past(&mended, line) {
        return None;
    }
    Some((
        key.to_string(),
        Pos::new(i as u32 + 1, above[..column].chars().count() as u32 + 1),
    ))
}

/// Whether `text` parses, or fails only after line `line` (1-based).
fn parses_past(text: &str, line: u32) -> bool {
    match serde_saphyr::from_str_with_options::<Option<Spanned<Tree>>>(text, options()) {
        Ok(_) => true,
        Err(err) => err.location().is_some_and(|l| l.line() as u32 > line),
    }
}

/// The first character of `text` that YAML cannot hold (outside its printable set: C0 controls
/// but tab and line ends, C1 controls but NEL, U+FFFE, U+FFFF), and its byte offset.
fn first_unusable(text: &str) -> Option<(char, usize)> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    text.char_indices()
        .find(|&(_, c)| !printable(c))
        .map(|(i, c)| (c, i))
}

/// The first tab in `text` from the start of line `line` on.
fn first_tab(text: &str, line: u32) -> Option<Pos> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let at = start + text[start..].find('\t')?;
    Some(crate::source::pos_at(text, at))
}

/// The key written with a full-width colon (`title：…`) that caused an error the parser found on
/// line `line` of `text`, and where its colon stands. The parser reports such a key late: on
/// the first key of a document it reads the line as text running on into the next, and fails
/// there. So the lines are searched from the error's back to the last well-formed key before it.
fn full_width_colon(text: &str, line: u32) -> Option<(String, Pos)> {
    let lines: Vec<&str> = text.split('\n').take(line as usize).collect();
    for (i, raw) in lines.iter().enumerate().rev() {
        let at = i as u32 + 1;
        let content = raw.trim_start_matches(' ');
        let content = content.strip_prefix("- ").unwrap_or(content);
        if let Some((key, _)) = content.split_once('：') {
            let key = key.trim_end_matches(' ');
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                let colon = raw.len() - content.len() + content.find('：').unwrap_or(0);
                // Only the slip that caused the error: with `: ` typed there instead, the
                // parser gets past the line it stopped at (a `1：…` inside a block of text
                // is no key, and mending it mends nothing).
                if mended_past(text, i, colon, line) {
                    let column = raw[..colon].chars().count() as u32 + 1;
                    return Some((key.to_string(), Pos::new(at, column)));
                }
            }
        }
        // A well-formed key before the error's line: the error is not this one's.
        let well_formed = content.split_once(':').is_some_and(|(key, rest)| {
            !key.is_empty() && !key.contains(' ') && (rest.is_empty() || rest.starts_with(' '))
        });
        if at < line && well_formed {
            return None;
        }
    }
    None
}

/// How the front matter of entries and unit cards is read: `yes` is text, not true; a number
/// written with a leading zero (a phone number, 0312…) stays as written; and within
/// [`budget`], since a unit's files are not to be trusted.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
        budget: Some(budget()),
    }
}

fn budget() -> Budget {
    let mut budget = Budget::default();
    budget.max_depth = 64;
    budget.max_nodes = 100_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_total_scalar_bytes = 4 << 20;
    budget
}

/// serde-saphyr appends the location to its message; the diagnostic carries that already. Its
/// advice to programmers (on a duplicate key, "set DuplicateKeyPolicy in Options") is no user's.
pub fn plain_message(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = match line.rfind(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    match line.split_once(", set DuplicateKeyPolicy") {
        Some((said, _)) => said.to_string(),
        None => line.to_string(),
    }
}

/// The shape serde builds, before positions are shifted to the file's lines.
#[derive(Debug)]
enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Tree>>),
    Map(Vec<(Spanned<Tree>, Spanned<Tree>)>),
}

fn into_node(tree: Spanned<Tree>, shift: &dyn Fn(u32, u32) -> Pos) -> Node {
    let pos = shift(
        tree.referenced.line() as u32,
        tree.referenced.column() as u32,
    );
    let value = match tree.value {
        Tree::Null => Value::Null,
        Tree::Bool(b) => Value::Bool(b),
        Tree::Int(i) => Value::Int(i),
        Tree::Float(f) => Value::Float(f),
        Tree::Str(s) => Value::Str(s),
        Tree::Seq(items) => Value::Seq(items.into_iter().map(|n| into_node(n, shift)).collect()),
        Tree::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (into_node(k, shift), into_node(v, shift)))
                .collect(),
        ),
    };
    Node { pos, value }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_none<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Tree, E> {
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Tree, E> {
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
        Ok(Tree::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Tree, E> {
        Ok(Tree::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Tree>>()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Tree>>()? {
            let value = map.next_value::<Spanned<Tree>>()?;
            entries.push((key, value));
        }
        Ok(Tree::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_keys(node: &Node) -> Vec<(String, Pos)> {
        node.as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| (k.as_text().unwrap(), k.pos))
            .collect()
    }

    #[test]
    fn keys_and_values_know_their_file_position() {
        let node = parse("title: 标题\ncategory: 12\nphone: \"0312-1234567\"\n", 2).unwrap();
        assert_eq!(
            map_keys(&node),
            vec![
                ("title".into(), Pos::new(2, 1)),
                ("category".into(), Pos::new(3, 1)),
                ("phone".into(), Pos::new(4, 1)),
            ]
        );
        let (_, cat) = node.get("category").unwrap();
        assert_eq!(cat.value, Value::Int(12));
        assert_eq!(cat.pos, Pos::new(3, 11));
        let (_, title) = node.get("title").unwrap();
        assert_eq!(title.pos, Pos::new(2, 8));
    }

    #[test]
    fn a_key_with_a_full_width_colon_is_named_where_it_stands() {
        let colon = |text: &str| {
            let err = parse(text, 2).unwrap_err();
            match err.error {
                YamlError::FullWidthColon { key } => (key, err.pos),
                other => panic!("{other:?} at {:?}", err.pos),
            }
        };
        // The first key: the parser itself fails a line later.
        assert_eq!(
            colon("title：测试\ncategory: 8\n"),
            ("title".into(), Pos::new(2, 6))
        );
        assert_eq!(
            colon("title： \"测试\"\ncategory: 8\n"),
            ("title".into(), Pos::new(2, 6))
        );
        assert_eq!(
            colon("title: 测试\ncategory： 8\ncontact: 张\n"),
            ("category".into(), Pos::new(3, 9))
        );
        assert_eq!(
            colon("title: 测试\nattachments:\n  - file： a.jpg\n    title: 图\n"),
            ("file".into(), Pos::new(4, 9))
        );
        // A full-width colon inside a value is the value's; an error elsewhere is not blamed on
        // an earlier line with one.
        assert!(parse("title: 成效：显著\nsummary: 甲\n", 2).is_ok());
        // A `1：` inside a block of text is no key: the error after it is the parser's own.
        let err = parse(
            "summary: |\n  推动工作\n  1：覆盖女职工8600人\nstarted: 2017-04: x\n",
            2,
        )
        .unwrap_err();
        assert!(matches!(err.error, YamlError::Parser(_)), "{err:?}");
        assert_eq!(err.pos.line, 5, "{err:?}");
        let err = parse("title: 甲\n  note：乙\ncategory: 8\nphone: [1\n", 2).unwrap_err();
        assert!(matches!(err.error, YamlError::Parser(_)), "{err:?}");
    }

    #[test]
    fn items_under_a_key_written_as_an_empty_list_are_said_at_its_brackets() {
        let err = parse(
            "title: 甲\nrecognition: []\n#  说明\n  - kind: media\n    source: 报\ncover:\n",
            2,
        )
        .unwrap_err();
        assert_eq!(
            err.error,
            YamlError::ItemsAfterEmptyList {
                key: "recognition".into()
            }
        );
        assert_eq!(err.pos, Pos::new(3, 14));
        // Inside an item, the key without its dash.
        let err = parse("recognition:\n  - source: []\n    - a\n", 2).unwrap_err();
        assert_eq!(
            err.error,
            YamlError::ItemsAfterEmptyList {
                key: "source".into()
            },
            "{err:?}"
        );
        // An item that would be wrong without the `[]` too (indented under another key's
        // value) is not blamed on it.
        let err = parse(
            "attachments:\n  - file: a.pdf\n    title: []\n   - file: b.pdf\n",
            2,
        )
        .unwrap_err();
        assert!(matches!(err.error, YamlError::Parser(_)), "{err:?}");
        // An empty list alone, and a list item after a key with a value, are not it.
        assert!(parse("recognition: []\ncover:\n", 2).is_ok());
        let err = parse("title: 甲\ncategory: 1\n- a\n", 2).unwrap_err();
        assert!(matches!(err.error, YamlError::Parser(_)), "{err:?}");
    }

    #[test]
    fn a_character_yaml_cannot_hold_is_named_where_it_stands() {
        let unusable = |text: &str| {
            let err = parse(text, 2).unwrap_err();
            match err.error {
                YamlError::Unusable { codepoint } => (codepoint, err.pos),
                other => panic!("{other:?} at {:?}", err.pos),
            }
        };
        // Plain, quoted or in a block, the parser blames where the value begins.
        assert_eq!(unusable("title: 甲\u{96}乙\n"), (0x96, Pos::new(2, 9)));
        assert_eq!(
            unusable("category: 8\ntitle: \"甲乙\u{FFFF}\"\n"),
            (0xFFFF, Pos::new(3, 11))
        );
        assert_eq!(
            unusable("summary: |\n  甲\n  乙\u{9F}\n"),
            (0x9F, Pos::new(4, 4))
        );
        assert_eq!(unusable("ti\u{FFFE}tle: 甲\n"), (0xFFFE, Pos::new(2, 3)));
        // NEL is printable to YAML; a visible character the parser refuses stays its error, even
        // with an unusable one further on.
        assert!(parse("title: 甲\u{85}乙\n", 2).is_ok());
        let err = parse("title: @甲\nsummary: 乙\u{96}\n", 2).unwrap_err();
        assert!(matches!(err.error, YamlError::Parser(_)), "{err:?}");
        assert_eq!(err.pos, Pos::new(2, 8));
    }

    #[test]
    fn a_value_cut_by_a_comment_is_found_with_what_it_lost() {
        let text = "title: 甲\nsummary: 本项目 #1 试点\nphone: \"0312 #2\"\nurl: a#b\nrecognition:\n  - source: 日报 # 头版\n";
        let node = parse(text, 2).unwrap();
        let cut: Vec<(u32, u32, String, String, String)> = cut_by_comments(&node, text, 2)
            .into_iter()
            .map(|c| (c.pos.line, c.pos.column, c.key, c.kept, c.dropped))
            .collect();
        let s = String::from;
        assert_eq!(
            cut,
            [
                (3, 14, s("summary"), s("本项目"), s("#1 试点")),
                (7, 16, s("recognition.source"), s("日报"), s("# 头版")),
            ]
        );
    }

    #[test]
    fn a_tab_is_pointed_at_where_it_stands() {
        let err = parse("title: 甲\n\tcategory: 8\n", 2).unwrap_err();
        assert!(
            matches!(&err.error, YamlError::Parser(m) if m.contains("tab")),
            "{err:?}"
        );
        assert_eq!(err.pos, Pos::new(3, 1));
        let err = parse(
            "title: 甲\nattachments:\n  - file: a.jpg\n \t title: 图\n",
            2,
        )
        .unwrap_err();
        assert_eq!(err.pos, Pos::new(5, 2), "{err:?}");
    }

    #[test]
    fn nested_lists_keep_positions() {
        let node = parse("recognition:\n  - kind: media\n    source: 报\n", 2).unwrap();
        let (_, rec) = node.get("recognition").unwrap();
        let Value::Seq(items) = &rec.value else {
            panic!("not a list: {rec:?}")
        };
        let (k, v) = items[0].get("source").unwrap();
        assert_eq!(k.pos, Pos::new(4, 5));
        assert_eq!(v.pos, Pos::new(4, 13));
    }

    #[test]
    fn leading_zeros_stay_text_and_yes_is_not_a_boolean() {
        let node = parse("a: 03123100137\nb: yes\nc: true\n", 1).unwrap();
        assert_eq!(
            node.get("a").unwrap().1.value,
            Value::Str("03123100137".into())
        );
        assert_eq!(node.get("b").unwrap().1.value, Value::Str("yes".into()));
        assert_eq!(node.get("c").unwrap().1.value, Value::Bool(true));
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let err = parse("title: a\n  bad: [\n", 2).unwrap_err();
        assert!(err.pos.line >= 3, "{err:?}");
        assert!(
            matches!(&err.error, YamlError::Parser(m) if !m.is_empty()),
            "{err:?}"
        );
    }

    #[test]
    fn an_alias_bomb_is_refused_quickly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text, 2).unwrap_err();
        assert_eq!(
            err.error,
            YamlError::TooLarge {
                limit: Limit::Nodes,
                max: 100_000
            }
        );
    }

    #[test]
    fn deep_nesting_is_refused_as_over_the_depth_limit() {
        // Over the budget's depth, and far past it (where the parser's own guard stops it
        // first): the same limit, said in the campaign's language. On a thread with room for
        // an unoptimised build's frames (a release build parses these on a quarter of a
        // default thread's stack).
        for depth in [65, 300, 100_000] {
            let text = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
            let err = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || parse(&text, 2))
                .unwrap()
                .join()
                .unwrap()
                .unwrap_err();
            assert!(
                matches!(
                    err.error,
                    YamlError::TooLarge {
                        limit: Limit::Depth,
                        ..
                    }
                ),
                "{depth}: {err:?}"
            );
        }
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("title: a\ntitle: b\n", 2).unwrap_err();
        assert_eq!(err.pos.line, 3, "{err:?}");
    }
}
