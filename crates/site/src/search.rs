//! The showcase's full-text search: a static index, in small files, that the browser reads only
//! in part. Built from the plain text the body module already has, in the same normalisation the
//! browser applies to a query (`showcase.js` mirrors [`normalise`] and [`grams`]), so the same
//! units of text are looked up as were indexed, whatever a word segmenter would have said.
//!
//! - Chinese (Han) text is indexed as every character and every pair of neighbouring characters
//!   (whitespace between two Han characters — a line break in the Markdown — joins them), so
//!   any substring of a query is found: a query of n characters looks up its n−1 pairs.
//! - Latin letters and digits are indexed as words; a query word matches words it begins.
//! - Filters are grams too (`f:c:<category>`, `f:t:<unit type>`, `f:u:<unit>`).
//!
//! Files: `search/meta.json` (the number of shards), `search/g/<n>.bin` (the postings of the
//! grams hashed to shard n: for each, the entries and in which fields it stands), and
//! `search/e/<n>.json` per entry (what a result card and its snippet need, and the text the
//! browser checks a match against: a pair of pairs apart is not a match).

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::entry::EntryView;
use crate::model::Model;

/// Where a gram stands in an entry, as bits.
pub const TITLE: u8 = 1;
pub const SUMMARY: u8 = 2;
/// Unit, category, implementing unit, recognition.
pub const META: u8 = 4;
pub const BODY: u8 = 8;

/// Postings of a shard file, aimed at this many bytes (a query reads one file per gram).
const SHARD_BYTES: usize = 24 * 1024;

/// Whether `c` is a Han character.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// The text as it is matched: lower case, full-width Latin letters and digits as ASCII, every
/// run of other characters one space, and no space between two Han characters.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    // Whether only whitespace stood since the last kept character (a line break inside a
    // Chinese sentence joins; punctuation never does).
    let mut only_space = true;
    for c in text.chars() {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if is_han(c) || is_word_char(c) {
            if pending_space {
                let joins = only_space && is_han(c) && out.chars().next_back().is_some_and(is_han);
                if !joins && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
            }
            only_space = true;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
            only_space &= c.is_whitespace();
        }
    }
    out
}

/// Every gram of normalised text: `c:` + a Han character or pair, `w:` + a word.
pub fn grams(normalised: &str, mut each: impl FnMut(&str)) {
    let mut key = String::new();
    for run in normalised.split(' ') {
        let mut prev: Option<char> = None;
        let mut word = String::new();
        for c in run.chars() {
            if is_han(c) {
                if !word.is_empty() {
                    key.clear();
                    key.push_str("w:");
                    key.push_str(&word);
                    each(&key);
                    word.clear();
                }
                key.clear();
                key.push_str("c:");
                key.push(c);
                each(&key);
                if let Some(p) = prev {
                    key.clear();
                    key.push_str("c:");
                    key.push(p);
                    key.push(c);
                    each(&key);
                }
                prev = Some(c);
            } else {
                prev = None;
                word.push(c);
            }
        }
        if !word.is_empty() {
            key.clear();
            key.push_str("w:");
            key.push_str(&word);
            each(&key);
        }
    }
}

/// The shard of a gram: FNV-1a of its UTF-8 bytes. A word is filed under its first two
/// characters, so that one file holds every word a prefix may begin.
pub fn shard_of(gram: &str, shards: u32) -> u32 {
    let keyed = match gram.strip_prefix("w:") {
        Some(word) => {
            let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
            &gram[..2 + end]
        }
        None => gram,
    };
    let mut hash: u32 = 0x811c_9dc5;
    for b in keyed.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % shards
}

/// An entry's fields as the index sees them: field bit and normalised text.
type Fields = [(u8, String); 4];

/// An entry's grams with the fields they stand in, and its fields.
type Indexed = (Vec<(String, u8)>, Fields);

/// One entry's fields as the index sees them.
fn fields(e: &EntryView) -> Fields {
    let mut meta = format!(
        "{} {} {}",
        e.unit_name,
        e.category_name,
        e.implementing_unit.as_deref().unwrap_or("")
    );
    for r in &e.recognition {
        meta.push(' ');
        meta.push_str(&r.source);
        if let Some(t) = &r.title {
            meta.push(' ');
            meta.push_str(t);
        }
    }
    [
        (TITLE, normalise(&e.title)),
        (SUMMARY, normalise(&e.summary)),
        (META, normalise(&meta)),
        (BODY, normalise(&e.text)),
    ]
}

/// What a result card shows, and the text a match is checked against.
#[derive(Serialize)]
struct Fragment<'a> {
    /// Path of the entry's page.
    p: &'a str,
    t: &'a str,
    s: &'a str,
    u: &'a str,
    /// The category as the cards show it: its id and name.
    c: [&'a str; 2],
    /// The implementing unit.
    i: &'a str,
    /// Cover thumbnail, width, height.
    v: Option<(&'a str, u32, u32)>,
    /// The normalised fields, in [`fields`] order.
    n: [&'a str; 4],
    /// The body's plain text, for the snippet.
    b: &'a str,
}

/// Write a varint.
fn varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The index's files, path and bytes, in a deterministic order.
pub fn build(model: &Model) -> Vec<(String, Vec<u8>)> {
    // Each entry's grams with their field bits, in parallel.
    let per_entry: Vec<Indexed> = model
        .entries
        .par_iter()
        .map(|e| {
            let fields = fields(e);
            let mut seen: BTreeMap<String, u8> = BTreeMap::new();
            for (bit, text) in &fields {
                grams(text, |g| *seen.entry(g.to_string()).or_insert(0) |= bit);
            }
            seen.insert(format!("f:c:{}", e.category), 0);
            seen.insert(format!("f:t:{}", e.unit_type), 0);
            seen.insert(format!("f:u:{}", e.unit), 0);
            (seen.into_iter().collect(), fields)
        })
        .collect();
    // Postings: gram → (entry, bits), entries ascending.
    let mut postings: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    for (doc, (grams, _)) in per_entry.iter().enumerate() {
        for (g, bits) in grams {
            postings
                .entry(g.as_str())
                .or_default()
                .push((doc as u32, *bits));
        }
    }
    let mut encoded: Vec<(&str, Vec<u8>)> = postings
        .into_par_iter()
        .map(|(gram, list)| {
            let mut out = Vec::with_capacity(list.len() * 2 + gram.len() + 4);
            out.push(gram.len() as u8);
            out.extend_from_slice(gram.as_bytes());
            varint(&mut out, list.len() as u32);
            let mut last = 0;
            for (doc, _) in &list {
                varint(&mut out, doc - last);
                last = *doc;
            }
            for pair in list.chunks(2) {
                out.push(pair[0].1 | pair.get(1).map_or(0, |p| p.1 << 4));
            }
            (gram, out)
        })
        .collect();
    encoded.sort_by(|a, b| a.0.cmp(b.0));
    let total: usize = encoded.iter().map(|(_, b)| b.len()).sum();
    let shards = (total / SHARD_BYTES).clamp(1, 1 << 14).next_power_of_two() as u32;
    let mut files: Vec<Vec<u8>> = vec![Vec::new(); shards as usize];
    for (gram, bytes) in &encoded {
        files[shard_of(gram, shards) as usize].extend_from_slice(bytes);
    }
    let mut out = Vec::with_capacity(files.len() + model.entries.len() + 1);
    out.push((
        "search/meta.json".to_string(),
        format!(
            "{{\"shards\":{shards},\"entries\":{}}}\n",
            model.entries.len()
        )
        .into_bytes(),
    ));
    out.extend(
        files
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| (format!("search/g/{i}.bin"), bytes)),
    );
    let fragments: Vec<(String, Vec<u8>)> = model
        .entries
        .par_iter()
        .zip(per_entry.par_iter())
        .enumerate()
        .map(|(doc, (e, (_, fields)))| {
            let fragment = Fragment {
                p: &e.path,
                t: &e.title,
                s: &e.summary,
                u: &e.unit_name,
                c: [&e.category, &e.category_name],
                i: e.implementing_unit.as_deref().unwrap_or(""),
                v: e.cover
                    .as_ref()
                    .map(|c| (c.thumb.as_str(), c.width, c.height)),
                n: [&fields[0].1, &fields[1].1, &fields[2].1, &fields[3].1],
                b: &e.text,
            };
            (
                format!("search/e/{doc}.json"),
                serde_json::to_vec(&fragment).unwrap_or_default(),
            )
        })
        .collect();
    out.extend(fragments);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        grams(&normalise(text), |g| out.push(g.to_string()));
        out
    }

    #[test]
    fn han_text_is_every_character_and_pair_and_a_line_break_joins() {
        assert_eq!(
            normalise("保定市总\n工会，职工 5Ｇ网络 Hello-World"),
            "保定市总工会 职工 5g网络 hello world"
        );
        let g = all("总工\n会");
        assert_eq!(g, ["c:总", "c:工", "c:总工", "c:会", "c:工会"]);
        assert_eq!(all("5G网络"), ["w:5g", "c:网", "c:络", "c:网络"]);
        assert_eq!(all("编号12345。"), ["c:编", "c:号", "c:编号", "w:12345"]);
    }

    #[test]
    fn words_are_filed_by_their_first_two_characters() {
        assert_eq!(shard_of("w:gonghui", 64), shard_of("w:go", 64));
        assert_eq!(shard_of("w:gong", 64), shard_of("w:gonghui", 64));
        assert_ne!(shard_of("w:ab", 1 << 14), shard_of("w:ba", 1 << 14));
    }
}
