//! The showcase's full-text search: a static index, in small files, that the browser reads only
//! in part. Built from the plain text the body module already has, in the same normalisation the
//! browser applies to a query (`showcase.js` mirrors [`normalise`] and [`grams`]), so the same
//! units of text are looked up as were indexed, whatever a word segmenter would have said.
//!
//! - Chinese (Han) text is indexed as every character and every pair of neighbouring characters
//!   (whitespace between two Han characters — a line break in the Markdown — joins them), so
//!   any substring of a query is found: a query of n characters looks up its n−1 pairs.
//! - Latin letters and digits are indexed as words; a query word matches words it begins, and
//!   a word's first character is a gram too (`p:7`), for a query of one letter or digit.
//! - Filters are grams too (`f:c:<category>`, `f:t:<unit type>`, `f:u:<unit>`).
//!
//! Files: `search/meta.json` (the number of shards and entries, and the name of the entries'
//! numbering, [`numbering`]), `search/g/<numbering>-<shards>/<n>.bin` (the postings of the
//! grams hashed to shard n: for each, the entries and in which fields it stands; see
//! [`Posting::record`]), and `search/e/<numbering>/<n>.txt` per entry (what a result card and
//! its snippet need, and the text the browser checks a match against: a pair of pairs apart
//! is not a match; see [`fragment`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::entry::EntryView;
use crate::output::{OutputError, Sink};

/// Where a gram stands in an entry, as bits.
pub const TITLE: u8 = 1;
pub const SUMMARY: u8 = 2;
/// Unit, category, implementing unit, recognition.
pub const META: u8 = 4;
pub const BODY: u8 = 8;

/// Bytes of the entries' text per shard file (a query reads one file per gram).
const SHARD_BYTES: usize = 24 * 1024;

/// Whether `c` is a Han character.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// `char::is_alphanumeric`, with a short way for the punctuation of Chinese text (a table
/// lookup each was a tenth of the index's time).
fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        // General punctuation; CJK symbols and punctuation but 々〆〇 and the Hangzhou numerals.
        0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 => false,
        _ => c.is_alphanumeric(),
    }
}

/// What normalising text yields, one piece at a time: a kept character (lowered) or the one
/// space that stands for a run of other characters.
trait Pieces {
    fn han(&mut self, c: char);
    /// A lowered letter or digit.
    fn char(&mut self, c: char);
    fn space(&mut self);
}

/// Normalise `text` piece by piece (the index walks these pieces without building the
/// normalised text; [`normalise`] collects them).
fn scan(text: &str, pieces: &mut impl Pieces) {
    let mut pending_space = false;
    // Whether only whitespace stood since the last kept character (a line break inside a
    // Chinese sentence joins; punctuation never does).
    let mut only_space = true;
    let mut started = false;
    let mut last_han = false;
    for c in text.chars() {
        // Most of Chinese text: a character of the main Han block straight after a kept one
        // (nothing pending, so `only_space` is already set).
        if !pending_space && (0x4E00..=0x9FFF).contains(&(c as u32)) {
            started = true;
            last_han = true;
            pieces.han(c);
            continue;
        }
        let han = is_han(c);
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if han || is_alphanumeric(c) {
            if pending_space {
                if started && !(only_space && han && last_han) {
                    pieces.space();
                }
                pending_space = false;
            }
            only_space = true;
            started = true;
            last_han = han;
            // Han has no case: only the rest is lowered (the costly part of normalising).
            if han {
                pieces.han(c);
            } else if c.is_ascii() {
                pieces.char(c.to_ascii_lowercase());
            } else {
                c.to_lowercase().for_each(|l| pieces.char(l));
            }
        } else {
            pending_space = true;
            only_space &= c.is_whitespace();
        }
    }
}

/// The normalised text itself.
impl Pieces for String {
    fn han(&mut self, c: char) {
        self.push(c);
    }
    fn char(&mut self, c: char) {
        self.push(c);
    }
    fn space(&mut self) {
        self.push(' ');
    }
}

/// The text as it is matched: lower case, full-width Latin letters and digits as ASCII, every
/// run of other characters one space, and no space between two Han characters.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    scan(text, &mut out);
    out
}

/// Whether normalised `text` holds the normalised `term` as a result must: Chinese anywhere, a
/// word or number at the beginning of a word (`20` in 20个, not in 320万). What `showcase.js`
/// checks a candidate's text with, stated once for the tests and benchmarks that count what a
/// query should find.
pub fn holds(text: &str, term: &str) -> bool {
    let starts_word = term.chars().next().is_some_and(|c| !is_han(c));
    text.match_indices(term).any(|(at, _)| {
        !starts_word
            || text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| c == ' ' || is_han(c))
    })
}

/// Where a walk's grams go.
trait Grams {
    /// A Han character, as its number ([`han_key`]), and the pair it ends when a Han character
    /// stands before it: where the pair was seen, so was the character.
    fn han(&mut self, single: u64, pair: Option<u64>);
    fn word(&mut self, word: &str);
}

/// The grams of normalised text, fed one character at a time: the one set of rules for the
/// index (fed by [`scan`]) and for the tests' list of an entry's grams.
struct Walker<G: Grams> {
    prev: Option<char>,
    word: String,
    grams: G,
}

impl<G: Grams> Walker<G> {
    fn new(grams: G) -> Self {
        Walker {
            prev: None,
            word: String::new(),
            grams,
        }
    }

    /// A character of normalised text (as the tests' `grams` feeds it; the index is fed by
    /// [`scan`]).
    #[cfg(test)]
    fn feed(&mut self, c: char) {
        if is_han(c) {
            self.han_char(c);
        } else {
            self.other(c);
        }
    }

    #[inline(always)]
    fn han_char(&mut self, c: char) {
        self.end_word();
        let pair = self.prev.map(|p| han_key(p, Some(c)));
        self.grams.han(han_key(c, None), pair);
        self.prev = Some(c);
    }

    #[inline(always)]
    fn other(&mut self, c: char) {
        self.prev = None;
        self.word.push(c);
    }

    /// The space between two words or runs of Han text.
    #[inline(always)]
    fn gap(&mut self) {
        self.end_word();
        self.prev = None;
    }

    #[inline(always)]
    fn end_word(&mut self) {
        if !self.word.is_empty() {
            self.grams.word(&self.word);
            self.word.clear();
        }
    }

    fn finish(mut self) {
        self.end_word();
    }
}

/// The grams of raw text, normalised on the way.
#[inline(always)]
fn walk(text: &str, grams: impl Grams) {
    let mut walker = Walker::new(grams);
    scan(text, &mut walker);
    walker.finish();
}

impl<G: Grams> Pieces for Walker<G> {
    /// Run for every character: inlined into the scan.
    #[inline(always)]
    fn han(&mut self, c: char) {
        self.han_char(c);
    }
    fn char(&mut self, c: char) {
        self.other(c);
    }
    fn space(&mut self) {
        self.gap();
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
    shard_of_bytes(keyed.as_bytes(), shards)
}

fn shard_of_bytes(keyed: &[u8], shards: u32) -> u32 {
    fnv1a(0x811c_9dc5, keyed) % shards
}

/// FNV-1a of `bytes`, going on from `hash`.
fn fnv1a(mut hash: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The name of the index's numbering of `entries` (each entry's page, in order), in the names
/// of its files (`search/e/<numbering>/`, `search/g/<numbering>-<shards>/`) and in
/// `search/meta.json`. A reader's page that read `meta.json` before the site was replaced with
/// entries added, removed or moved, or with more shards, asks for files that are no longer
/// there, and reads `meta.json` again, rather than reading one build's entry numbers in
/// another's files. An edit in place keeps the name, so `serve` rewrites only what it changed.
fn numbering(entries: &[Arc<EntryView>]) -> String {
    let hash = entries.iter().fold(0x811c_9dc5, |hash, e| {
        fnv1a(fnv1a(hash, e.path.as_bytes()), b"\n")
    });
    format!("{hash:08x}")
}

/// The unit, category and implementing unit and recognition, as one text (the fragment's `m`).
pub fn meta_text(e: &EntryView) -> String {
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
    meta
}

/// What a result card shows, and the text a match is checked against (the browser normalises
/// it as the index did): its fields in this order, each followed by U+0000 but the last —
/// the entry page's path, title, summary, unit, category id and name, implementing unit,
/// cover thumbnail, width and height (empty without one), the unit, category, implementing
/// unit and recognition as matched, and the body's plain text.
///
/// Written in UTF-16LE after a byte-order mark where that is shorter (Chinese text: two bytes
/// a character instead of three), else in UTF-8: a query loads a dozen of these, and they are
/// most of what it loads. Text needs no escaping; a U+0000 in it is written as U+FFFD. Named
/// `.txt`: hosts that compress text by its type compress these too.
fn fragment(fields: &[&str]) -> Vec<u8> {
    let separators = fields.len() - 1;
    let counts: Vec<(usize, usize)> = fields.iter().map(|f| utf16_len(f)).collect();
    let units = separators + counts.iter().map(|c| c.0).sum::<usize>();
    let nuls: usize = counts.iter().map(|c| c.1).sum();
    // A U+0000 is written as U+FFFD: three bytes, not one.
    let utf8: usize = fields.iter().map(|f| f.len()).sum::<usize>() + separators + 2 * nuls;
    if 2 + 2 * units < utf8 {
        // The converter asks for a unit of room per byte, and one more, for each field.
        let room = fields.iter().map(|f| f.len() + 1).sum::<usize>() + separators;
        let mut wide: Vec<u16> = Vec::with_capacity(room);
        for (i, (field, &(_, nuls))) in fields.iter().zip(&counts).enumerate() {
            if i > 0 {
                wide.push(0);
            }
            let from = wide.len();
            // Room for the worst case; cut to what it wrote.
            wide.resize(from + field.len() + 1, 0);
            let written = encoding_rs::mem::convert_str_to_utf16(field, &mut wide[from..]);
            wide.truncate(from + written);
            if nuls > 0 {
                wide[from..]
                    .iter_mut()
                    .filter(|u| **u == 0)
                    .for_each(|u| *u = 0xFFFD);
            }
        }
        let mut out = Vec::with_capacity(2 + 2 * wide.len());
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend(wide.iter().flat_map(|u| u.to_le_bytes()));
        return out;
    }
    let mut out = Vec::with_capacity(utf8);
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(0);
        }
        for (j, part) in field.split('\0').enumerate() {
            if j > 0 {
                out.extend_from_slice("\u{fffd}".as_bytes());
            }
            out.extend_from_slice(part.as_bytes());
        }
    }
    out
}

/// How many UTF-16 units `text` is, and how many U+0000 it holds: a unit a character, two
/// from U+10000 (a four-byte sequence in UTF-8). Counted eight bytes at a time: every byte
/// but continuations (`10xxxxxx`), once more each four-byte lead (`11110xxx`); and the zero
/// bytes, in the same pass.
fn utf16_len(text: &str) -> (usize, usize) {
    const TOP: u64 = 0x8080_8080_8080_8080;
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    let (mut units, mut nuls) = (0, 0);
    for word in words {
        let w = u64::from_le_bytes(*word);
        // Each byte's bit 7, and (shifted into bit 7) its bits 6, 5 and 4.
        let continuations = w & !(w << 1) & TOP;
        let fours = w & (w << 1) & (w << 2) & (w << 3) & TOP;
        units += 8 - continuations.count_ones() as usize + fours.count_ones() as usize;
        // Bit 7 of a byte's low bits plus 0x7F is set unless they are 0 (no carry leaves it).
        let zeros = !(((w & LOW) + LOW) | w) & TOP;
        nuls += zeros.count_ones() as usize;
    }
    for &b in rest {
        units += usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0);
        nuls += usize::from(b == 0);
    }
    (units, nuls)
}

/// Write a varint.
fn varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A Han gram as a number: a pair is two characters' code points side by side, a character
/// alone has bit 42 set. No allocation per occurrence: an entry has thousands.
fn han_key(a: char, b: Option<char>) -> u64 {
    match b {
        None => 1 << 42 | a as u64,
        Some(b) => (a as u64) << 21 | b as u64,
    }
}

/// A Han gram's text (`c:` and one or two characters) written into `buf`.
fn han_bytes(key: u64, buf: &mut [u8; 10]) -> &[u8] {
    let char_at = |v: u64| char::from_u32((v & 0x1F_FFFF) as u32).unwrap_or('\u{fffd}');
    buf[0] = b'c';
    buf[1] = b':';
    let mut len = 2;
    let chars = if key >> 42 == 1 {
        [Some(char_at(key)), None]
    } else {
        [Some(char_at(key >> 21)), Some(char_at(key))]
    };
    for c in chars.into_iter().flatten() {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    &buf[..len]
}

/// The Han grams' postings of a run of entries, by number: open addressing straight to each
/// gram's posting, looked up once per entry and distinct gram ([`EntryGrams`] merged the
/// entry's occurrences).
#[derive(Default)]
struct HanPostings {
    /// Slots by gram number, each with its postings; 0 for an empty slot (no gram is 0). The
    /// postings sit in the slot: a lookup touches one place, not an index and then another.
    slots: Vec<(u64, Growing)>,
    len: usize,
}

impl HanPostings {
    #[inline(always)]
    fn get_or_insert(&mut self, key: u64) -> &mut Growing {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = slot_of(key, mask);
        loop {
            let k = self.slots[i].0;
            if k == key {
                return &mut self.slots[i].1;
            }
            if k == 0 {
                self.slots[i].0 = key;
                self.len += 1;
                return &mut self.slots[i].1;
            }
            i = (i + 1) & mask;
        }
    }

    fn get(&self, key: u64) -> Option<&Growing> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = slot_of(key, mask);
        loop {
            match self.slots[i].0 {
                0 => return None,
                k if k == key => return Some(&self.slots[i].1),
                _ => i = (i + 1) & mask,
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::take(&mut self.slots);
        self.slots.resize_with(size, Default::default);
        let mask = size - 1;
        for (key, posting) in old.into_iter().filter(|(key, _)| *key != 0) {
            let mut i = slot_of(key, mask);
            while self.slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = (key, posting);
        }
    }

    /// Each gram's number and postings, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (u64, &Growing)> {
        self.slots
            .iter()
            .filter(|(key, _)| *key != 0)
            .map(|(key, p)| (*key, p))
    }

    /// Add the postings of a later run of entries.
    fn join(&mut self, later: HanPostings) {
        for (key, posting) in later.slots.into_iter().filter(|(key, _)| *key != 0) {
            let mine = self.get_or_insert(key);
            if mine.count == 0 {
                *mine = posting;
            } else {
                mine.join(posting);
            }
        }
    }
}

fn slot_of(key: u64, mask: usize) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
}

/// A gram's postings as they are added (entries come in ascending order): each entry's gap
/// from the last and its fields, side by side in one vector, so that adding an entry touches
/// one place in memory.
#[derive(Default)]
struct Growing {
    count: u32,
    last: u32,
    data: Vec<u8>,
}

impl Growing {
    /// Add `doc` (after every entry added before).
    #[inline(always)]
    fn add(&mut self, doc: u32, bits: u8) {
        varint(&mut self.data, doc - self.last);
        self.data.push(bits);
        self.last = doc;
        self.count += 1;
    }

    /// Add the postings of later entries (`later` counted its gaps from entry 0).
    fn join(&mut self, later: Growing) {
        if later.count == 0 {
            return;
        }
        let mut at = 0;
        let first = read_varint(&later.data, &mut at);
        varint(&mut self.data, first - self.last);
        self.data.extend_from_slice(&later.data[at..]);
        self.count += later.count;
        self.last = later.last;
    }

    /// Add the fields `bits` to those of the last entry added.
    fn add_bits(&mut self, bits: u8) {
        if let Some(last) = self.data.last_mut() {
            *last |= bits;
        }
    }

    /// The fields of the last entry added (each entry's fields end its bytes).
    fn last_bits(&self) -> Option<u8> {
        self.data.last().copied()
    }

    /// Each entry and its fields.
    fn pairs(&self) -> Vec<(u32, u8)> {
        let (mut at, mut doc) = (0, 0);
        (0..self.count)
            .map(|_| {
                doc += read_varint(&self.data, &mut at);
                at += 1;
                (doc, self.data[at - 1])
            })
            .collect()
    }

    /// Make entry `doc`'s fields `bits`, or take it out (`None`): the postings are written
    /// again, in order.
    fn set(&mut self, doc: u32, bits: Option<u8>) {
        let mut pairs = self.pairs();
        pairs.retain(|&(d, _)| d != doc);
        if let Some(bits) = bits {
            let at = pairs.partition_point(|&(d, _)| d < doc);
            pairs.insert(at, (doc, bits));
        }
        *self = Growing::default();
        for (d, b) in pairs {
            self.add(d, b);
        }
    }

    /// The postings as they are written, in `posting` (reused from gram to gram), with the
    /// size of each other way to write them, measured in the same pass.
    fn finish(&self, posting: &mut Posting) {
        posting.count = self.count;
        posting.docs.clear();
        posting.bits.clear();
        posting.doc_runs = Runs::default();
        posting.bit_runs = Runs::default();
        let (mut at, mut doc) = (0, 0);
        let (mut doc_runs, mut bit_runs) = (DocRuns::default(), BitRuns::default());
        let (doc_run, bit_run) = (
            |(gap, len): (u32, u32)| varint_len(gap) + varint_len(len),
            |(len, _): (u32, u8)| varint_len(len) + 1,
        );
        for i in 0..self.count {
            let gap = read_varint(&self.data, &mut at);
            varint(&mut posting.docs, gap);
            let bits = self.data[at];
            at += 1;
            if i % 2 == 0 {
                posting.bits.push(bits);
            } else if let Some(b) = posting.bits.last_mut() {
                *b |= bits << 4;
            }
            doc += gap;
            if let Some(run) = doc_runs.push(doc) {
                posting.doc_runs.add(doc_run(run));
            }
            if let Some(run) = bit_runs.push(bits & 15) {
                posting.bit_runs.add(bit_run(run));
            }
        }
        if let Some(run) = doc_runs.end() {
            posting.doc_runs.add(doc_run(run));
        }
        if let Some(run) = bit_runs.end() {
            posting.bit_runs.add(bit_run(run));
        }
    }
}

/// Entries, in ascending order, gathered into runs of consecutive ones: each run as its gap
/// from the previous run's end and its length − 1.
#[derive(Default)]
struct DocRuns {
    end: u32,
    start: u32,
    len: u32,
}

impl DocRuns {
    /// Add entry `doc`; the run it ends, if any.
    fn push(&mut self, doc: u32) -> Option<(u32, u32)> {
        if self.len > 0 && self.start + self.len == doc {
            self.len += 1;
            return None;
        }
        let ended = self.end();
        (self.start, self.len) = (doc, 1);
        ended
    }

    /// End the run going on, if any.
    fn end(&mut self) -> Option<(u32, u32)> {
        (self.len > 0).then(|| {
            let run = (self.start - self.end, self.len - 1);
            (self.end, self.len) = (self.start + self.len, 0);
            run
        })
    }
}

/// Entries' fields gathered into runs of the same fields: each run as its length − 1 and the
/// fields.
#[derive(Default)]
struct BitRuns {
    bits: u8,
    len: u32,
}

impl BitRuns {
    /// Add an entry's fields; the run they end, if any.
    fn push(&mut self, bits: u8) -> Option<(u32, u8)> {
        if self.len > 0 && self.bits == bits {
            self.len += 1;
            return None;
        }
        let ended = self.end();
        (self.bits, self.len) = (bits, 1);
        ended
    }

    /// End the run going on, if any.
    fn end(&mut self) -> Option<(u32, u8)> {
        (self.len > 0).then(|| {
            let run = (self.len - 1, self.bits);
            self.len = 0;
            run
        })
    }
}

/// A gram's postings as they are written: the entries as gaps and their fields as nibbles.
#[derive(Default)]
struct Posting {
    count: u32,
    docs: Vec<u8>,
    bits: Vec<u8>,
    /// The entries as runs of consecutive entries, and the fields as runs of the same fields:
    /// how many runs, and their size.
    doc_runs: Runs,
    bit_runs: Runs,
}

/// Runs, counted before any is written (their number comes first).
#[derive(Default)]
struct Runs {
    number: u32,
    bytes: usize,
}

impl Runs {
    fn add(&mut self, bytes: usize) {
        self.number += 1;
        self.bytes += bytes;
    }

    /// Their size written, after their number.
    fn len(&self) -> usize {
        varint_len(self.number) + self.bytes
    }
}

impl Posting {
    /// The record of this gram in its shard: its text, the size of the rest, how many
    /// entries, then the entries and their fields, each written the shortest way (a flag bit
    /// each): entries as gaps or as runs of consecutive entries, fields as packed nibbles, as
    /// runs of the same fields, or field by field. A gram in nearly every entry (的, 工会)
    /// costs a few bytes instead of one or two per entry. Each way is sized before any is
    /// written: most grams are in a few entries, where the plain way wins.
    ///
    /// The size lets the browser step over the records it was not asked for: walking them
    /// through was most of the time a query spent on a shard at 100,000 entries.
    fn record(&self, gram: &[u8], out: &mut Vec<u8>) {
        out.push(gram.len() as u8);
        out.extend_from_slice(gram);
        let start = out.len();
        self.record_body(out);
        // The size goes before the body, once the body is written: written after it, then
        // turned to the front (no buffer of its own: a build writes one record per gram).
        let size = (out.len() - start) as u32;
        varint(out, size);
        out[start..].rotate_right(varint_len(size));
    }

    /// A record after its gram and size.
    fn record_body(&self, out: &mut Vec<u8>) {
        varint(out, self.count);
        let flags = out.len();
        out.push(0);
        if self.doc_runs.len() < self.docs.len() {
            out[flags] |= 1;
            self.write_doc_runs(out);
        } else {
            out.extend_from_slice(&self.docs);
        }
        let bit_runs = self.bit_runs.len();
        let shortest = bit_runs.min(self.bits.len());
        // Field by field takes a byte a field: never shorter for 8 entries or fewer.
        let by_field = (self.count > 8).then(|| self.by_field());
        if let Some(by_field) = by_field.filter(|f| f.len() < shortest) {
            out[flags] |= 4;
            by_field.write(out);
        } else if bit_runs < self.bits.len() {
            out[flags] |= 2;
            self.write_bit_runs(out);
        } else {
            out.extend_from_slice(&self.bits);
        }
    }

    /// The fields of the `i`th entry, as bits.
    fn bits_of(&self, i: usize) -> u8 {
        self.bits[i / 2] >> (4 * (i % 2)) & 15
    }

    /// The fields one by one (title, summary, unit and category, body), each the shortest way:
    /// `0` in no entry, `1` in all, `2` + the positions it is in, `3` + those it is not in
    /// (number, then gaps), `4` + a bit per entry. A common word is in the body of nearly
    /// every entry and the title of few: a few bytes where nibbles took half a byte per entry.
    fn by_field(&self) -> ByField {
        let count = self.count as usize;
        let mut sets = [const { Vec::new() }; 4];
        for set in &mut sets {
            set.resize(count.div_ceil(64), 0u64);
        }
        for i in 0..count {
            let b = u64::from(self.bits_of(i));
            for (field, set) in sets.iter_mut().enumerate() {
                set[i / 64] |= (b >> field & 1) << (i % 64);
            }
        }
        let bitset = count.div_ceil(8);
        let ways = std::array::from_fn(|field| {
            let n = sets[field]
                .iter()
                .map(|w| w.count_ones() as usize)
                .sum::<usize>();
            if n == 0 || n == count {
                return (usize::from(n == count), 0);
            }
            // A list's exact size only where it may be the shortest: at least a byte each.
            let list = |is: bool, n: usize| {
                if varint_len(n as u32) + n > bitset {
                    return usize::MAX;
                }
                let mut size = varint_len(n as u32);
                let mut last = 0;
                each_position(&sets[field], count, is, |i| {
                    size += varint_len(i - last);
                    last = i;
                });
                size
            };
            let sizes = [list(true, n), list(false, count - n), bitset];
            // The first of equal sizes.
            let best = (0..3).min_by_key(|&w| sizes[w]).unwrap_or(2);
            (2 + best, sizes[best])
        });
        ByField { count, sets, ways }
    }

    /// The entries, one after another as `gap, length − 1` runs (a gap from the previous run's
    /// end), after their number (`doc_runs`, counted by `finish`).
    fn write_doc_runs(&self, out: &mut Vec<u8>) {
        varint(out, self.doc_runs.number);
        let (mut at, mut doc, mut runs) = (0, 0, DocRuns::default());
        let mut write = |(gap, len)| {
            varint(out, gap);
            varint(out, len);
        };
        for _ in 0..self.count {
            doc += read_varint(&self.docs, &mut at);
            if let Some(run) = runs.push(doc) {
                write(run);
            }
        }
        if let Some(run) = runs.end() {
            write(run);
        }
    }

    /// The fields, as `length − 1, fields` runs after their number (`bit_runs`, counted by
    /// `finish`).
    fn write_bit_runs(&self, out: &mut Vec<u8>) {
        varint(out, self.bit_runs.number);
        let mut runs = BitRuns::default();
        let mut write = |(len, bits)| {
            varint(out, len);
            out.push(bits);
        };
        for i in 0..self.count as usize {
            if let Some(run) = runs.push(self.bits_of(i)) {
                write(run);
            }
        }
        if let Some(run) = runs.end() {
            write(run);
        }
    }
}

/// A gram's fields, each as a bitset over its entries, and the way each is written (its mode
/// and size after the mode's byte).
struct ByField {
    count: usize,
    sets: [Vec<u64>; 4],
    ways: [(usize, usize); 4],
}

impl ByField {
    fn len(&self) -> usize {
        self.ways.iter().map(|(_, size)| 1 + size).sum()
    }

    fn write(&self, out: &mut Vec<u8>) {
        for (set, &(mode, size)) in self.sets.iter().zip(&self.ways) {
            out.push(mode as u8);
            match mode {
                2 | 3 => {
                    varint(out, how_many(set, self.count, mode == 2) as u32);
                    let mut last = 0;
                    each_position(set, self.count, mode == 2, |i| {
                        varint(out, i - last);
                        last = i;
                    });
                }
                4 => {
                    let from = out.len();
                    out.extend(set.iter().flat_map(|w| w.to_le_bytes()));
                    out.truncate(from + size);
                }
                _ => {}
            }
        }
    }
}

/// How many of the `count` entries are in the bitset (`is`), or not.
fn how_many(set: &[u64], count: usize, is: bool) -> usize {
    let n: usize = set.iter().map(|w| w.count_ones() as usize).sum();
    if is { n } else { count - n }
}

/// Each position of the `count` entries that is in the bitset (`is`), or not, in order.
fn each_position(set: &[u64], count: usize, is: bool, mut each: impl FnMut(u32)) {
    for (at, &word) in set.iter().enumerate() {
        let mut word = if is { word } else { !word };
        if (at + 1) * 64 > count {
            word &= u64::MAX >> ((at + 1) * 64 - count);
        }
        while word != 0 {
            each((at * 64) as u32 + word.trailing_zeros());
            word &= word - 1;
        }
    }
}

/// How many bytes [`varint`] writes for `n`.
fn varint_len(n: u32) -> usize {
    (32 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

fn read_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let (mut n, mut shift) = (0u32, 0);
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        n |= u32::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    n
}

/// The postings of a run of consecutive entries.
#[derive(Default)]
struct Part {
    han: HanPostings,
    other: Others,
    text_bytes: usize,
    /// The Han grams of the entry being added.
    entry_grams: EntryGrams,
}

/// The distinct Han grams of one entry and the fields each stands in. An entry's occurrences
/// (thousands) are merged here, in a table small enough to stay in the cache, so that the
/// run's postings (hundreds of thousands of grams) are looked up once per distinct gram.
#[derive(Default)]
struct EntryGrams {
    /// By slot, a gram's number with its fields' bits above it ([`FIELDS_AT`]); 0 for an empty
    /// slot (no gram is 0). One word a slot: one place to look.
    slots: Vec<u64>,
    /// The slots in use, in the order their grams were first seen.
    used: Vec<u32>,
}

/// Where a slot of [`EntryGrams`] keeps the fields' bits: above any gram's number (43 bits).
const FIELDS_AT: u32 = 56;

impl EntryGrams {
    /// Add `key` in the fields `bits`; whether that was new.
    #[inline(always)]
    fn add(&mut self, key: u64, bits: u8) -> bool {
        if (self.used.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = slot_of(key, mask);
        let bits = u64::from(bits) << FIELDS_AT;
        loop {
            let slot = self.slots[i];
            if slot & ((1 << FIELDS_AT) - 1) == key {
                self.slots[i] = slot | bits;
                return slot | bits != slot;
            }
            if slot == 0 {
                self.slots[i] = key | bits;
                self.used.push(i as u32);
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(4096);
        let old: Vec<u64> = self.used.iter().map(|&i| self.slots[i as usize]).collect();
        self.slots.clear();
        self.slots.resize(size, 0);
        self.used.clear();
        for slot in old {
            let _ = self.add(slot & ((1 << FIELDS_AT) - 1), (slot >> FIELDS_AT) as u8);
        }
    }

    /// Each gram with its fields, once, leaving the table empty for the next entry.
    fn drain(&mut self, mut each: impl FnMut(u64, u8)) {
        for &i in &self.used {
            let slot = std::mem::take(&mut self.slots[i as usize]);
            each(slot & ((1 << FIELDS_AT) - 1), (slot >> FIELDS_AT) as u8);
        }
        self.used.clear();
    }
}

/// The postings of the grams that are text — words, their first characters, filters — by
/// gram, for a run of entries.
#[derive(Default)]
struct Others {
    postings: foldhash::HashMap<String, Growing>,
    /// The gram being looked up, put together here: a lookup makes no string of its own.
    key: String,
}

impl Others {
    /// Add entry `doc` — the last added, or one after it — in the fields `bits`, to the gram
    /// `prefix` + `text`. An entry's words are added as they are met, each as often as it
    /// stands: the first time adds the entry, the others only their fields.
    fn add(&mut self, prefix: &str, text: &str, doc: u32, bits: u8) {
        self.key.clear();
        self.key.push_str(prefix);
        self.key.push_str(text);
        match self.postings.get_mut(self.key.as_str()) {
            Some(p) if p.count > 0 && p.last == doc => p.add_bits(bits),
            Some(p) => p.add(doc, bits),
            None => {
                let mut p = Growing::default();
                p.add(doc, bits);
                self.postings.insert(self.key.clone(), p);
            }
        }
    }
}

/// Where the walk of one of an entry's fields puts its grams.
struct EntryWalk<'a> {
    grams: &'a mut EntryGrams,
    others: &'a mut Others,
    doc: u32,
    bit: u8,
}

impl Grams for EntryWalk<'_> {
    /// Run for every character: kept short and inlined into the walk.
    #[inline(always)]
    fn han(&mut self, single: u64, pair: Option<u64>) {
        match pair {
            // Most pairs recur in an entry: a pair already in this field brings nothing new.
            Some(pair) => {
                if self.grams.add(pair, self.bit) {
                    self.grams.add(single, self.bit);
                }
            }
            None => {
                self.grams.add(single, self.bit);
            }
        }
    }

    #[inline(never)]
    fn word(&mut self, word: &str) {
        self.others.add("w:", word, self.doc, self.bit);
        // A word's first character is a gram of its own (`p:7`): a word is filed under its
        // first two characters, so a query of one letter or digit could not find `70` or `701`
        // without reading every shard.
        if let Some(first) = word.chars().next() {
            let end = first.len_utf8();
            self.others.add("p:", &word[..end], self.doc, self.bit);
        }
    }
}

impl Part {
    /// Add entry `doc`, whose body's text is `text`.
    fn add(&mut self, doc: u32, e: &EntryView, text: &str) {
        let meta = meta_text(e);
        for (bit, text) in [
            (TITLE, e.title.as_str()),
            (SUMMARY, &e.summary),
            (META, &meta),
            (BODY, text),
        ] {
            walk(
                text,
                EntryWalk {
                    grams: &mut self.entry_grams,
                    others: &mut self.other,
                    doc,
                    bit,
                },
            );
        }
        let han = &mut self.han;
        self.entry_grams
            .drain(|key, bits| han.get_or_insert(key).add(doc, bits));
        self.other.add("f:c:", &e.category, doc, 0);
        self.other.add("f:t:", &e.unit_type, doc, 0);
        self.other.add("f:u:", &e.unit, doc, 0);
        self.text_bytes += text.len() + e.title.len() + e.summary.len();
    }

    /// Add the postings of the run of entries after this one's.
    fn join(&mut self, later: Part) {
        self.han.join(later.han);
        for (gram, posting) in later.other.postings {
            match self.other.postings.get_mut(&gram) {
                Some(p) => p.join(posting),
                None => {
                    self.other.postings.insert(gram, posting);
                }
            }
        }
        self.text_bytes += later.text_bytes;
    }
}

/// Write the index of `entries` into `out`, each entry's text given by `text_of`, called once
/// for each entry, in parallel: there the caller makes what else it writes of the entry, from
/// the one rendering of its body that also gives the text.
pub fn write_with<E: From<OutputError> + Send>(
    entries: &[Arc<EntryView>],
    out: &dyn Sink,
    text_of: impl Fn(&Arc<EntryView>) -> Result<Arc<str>, E> + Sync,
) -> Result<(), E> {
    let numbering = numbering(entries);
    let index = Index::of_runs(entries, &numbering, |doc, e, part| {
        let text = text_of(e)?;
        part.add(doc as u32, e, &text);
        write_fragment(&numbering, doc, e, &text, out)?;
        Ok::<(), E>(())
    })?;
    index.write_shards(out)?;
    Ok(())
}

/// The index of a list of entries, kept so that `serve` can bring it up to date after an edit
/// by rewriting only the shards of the grams the edit touched and the edited entries'
/// fragments, instead of making it all again.
pub struct Index {
    /// The entries it was made from, in order (an entry's number is its place).
    views: Vec<Arc<EntryView>>,
    han: HanPostings,
    other: BTreeMap<String, Growing>,
    text_bytes: usize,
    shards: u32,
    /// The name of its entries' numbering ([`numbering`]).
    numbering: String,
    /// The Han grams of each shard (some perhaps no longer in any entry), made at the first
    /// update: an update then finds the records of the shards it rewrites without hashing
    /// every gram.
    han_by_shard: Vec<Vec<u64>>,
}

/// The grams of one entry whose fields changed between two indexings of it (`before`, `after`:
/// the postings of that entry alone), each with its fields now; `None` where it is gone. Most
/// of an edit's grams are as they were, and are left out.
fn changed<'a, K: Ord>(
    before: impl Iterator<Item = (K, &'a Growing)>,
    after: impl Iterator<Item = (K, &'a Growing)>,
) -> Vec<(K, Option<u8>)> {
    let mut grams: BTreeMap<K, (Option<u8>, Option<u8>)> = before
        .map(|(gram, p)| (gram, (p.last_bits(), None)))
        .collect();
    for (gram, p) in after {
        grams.entry(gram).or_default().1 = p.last_bits();
    }
    grams
        .into_iter()
        .filter(|(_, (was, now))| was != now)
        .map(|(gram, (_, now))| (gram, now))
        .collect()
}

/// The shard of a Han gram, by number.
fn han_shard(key: u64, shards: u32) -> u32 {
    let mut buf = [0u8; 10];
    shard_of_bytes(han_bytes(key, &mut buf), shards)
}

/// How many shards an index of `text_bytes` of text has: one per [`SHARD_BYTES`] of text.
/// Postings compress far below the text (a twelfth on the generated corpus), so shards come
/// out smaller than that; fewer, larger ones would make a query load more.
fn shards_for(text_bytes: usize) -> u32 {
    (text_bytes / SHARD_BYTES)
        .clamp(1, 1 << 16)
        .next_power_of_two() as u32
}

/// What an entry's place in the index is made of: two views with the same are indexed alike.
fn indexed_fields(e: &EntryView) -> impl PartialEq + '_ {
    (
        (&e.path, &e.title, &e.summary, &e.text, meta_text(e)),
        (
            &e.unit,
            &e.unit_type,
            &e.unit_name,
            &e.category,
            &e.category_name,
        ),
        (
            &e.implementing_unit,
            e.cover.as_ref().map(|c| (&c.thumb, c.width, c.height)),
        ),
    )
}

/// How the threads share out the entries to index: runs of consecutive entries, cut as threads
/// come free. The first thread takes every entry; a thread that comes free (from the build's
/// other pages, or its own run done) takes the second half of the largest run left, as a run of
/// its own. Runs fixed in advance either left a thread waiting for the last one to end (two a
/// thread: a tenth of the build's wall time at 10,000 entries) or cost more to start and join
/// than they saved (eight a thread: each run's tables start empty).
struct EntryRuns {
    left: Mutex<Left>,
    /// The fewest entries a thread takes from another's run.
    least: usize,
}

struct Left {
    /// Each run's next entry and end: a run is done when they meet.
    runs: Vec<(usize, usize)>,
    /// Whether a thread has taken the first run (every entry) yet.
    started: bool,
}

/// How many entries a thread takes from its run at a time: few, so that the rest of its run
/// can be split soon after another thread comes free.
const TAKE: usize = 16;

impl EntryRuns {
    fn new(entries: usize) -> EntryRuns {
        EntryRuns {
            left: Mutex::new(Left {
                runs: vec![(0, entries)],
                started: false,
            }),
            least: (entries / 256).max(TAKE),
        }
    }

    /// The next entries of run `run`, or, when it is done (or there is none yet), the first
    /// entries of a run of one's own; the run's number with them. `None`: nothing left worth
    /// splitting.
    fn take(&self, run: Option<usize>) -> Option<(usize, Range<usize>)> {
        let mut left = lock(&self.left);
        let id = match run {
            Some(id) if left.runs[id].0 < left.runs[id].1 => id,
            _ => match std::mem::replace(&mut left.started, true) {
                false => 0,
                true => {
                    let (victim, &(next, end)) = left
                        .runs
                        .iter()
                        .enumerate()
                        .max_by_key(|(_, (n, e))| e - n)?;
                    if end - next < 2 * self.least {
                        return None;
                    }
                    let middle = next + (end - next) / 2;
                    left.runs[victim].1 = middle;
                    left.runs.push((middle, end));
                    left.runs.len() - 1
                }
            },
        };
        let (next, end) = left.runs[id];
        let to = end.min(next + TAKE);
        left.runs[id].0 = to;
        Some((id, next..to))
    }

    /// Index every entry, `each` adding entry `doc` to its run's postings, on every thread that
    /// comes: each run's first entry and postings, in no particular order; or an entry's error
    /// (the first met, the others then stop).
    fn index<E: Send>(
        self,
        each: impl Fn(usize, &mut Part) -> Result<(), E> + Sync,
    ) -> Result<Vec<(usize, Part)>, E> {
        let done = Mutex::new(Vec::new());
        let failed = Mutex::new(None);
        let stop = AtomicBool::new(false);
        let work = || {
            // This thread's run: its number, first entry and postings.
            let mut mine: Option<(usize, usize, Part)> = None;
            while !stop.load(Ordering::Relaxed) {
                let Some((id, docs)) = self.take(mine.as_ref().map(|m| m.0)) else {
                    break;
                };
                if mine.as_ref().is_none_or(|m| m.0 != id) {
                    let started = (id, docs.start, Part::default());
                    if let Some((_, start, part)) = mine.replace(started) {
                        lock(&done).push((start, part));
                    }
                }
                let Some((_, _, part)) = mine.as_mut() else {
                    break;
                };
                for doc in docs {
                    if let Err(e) = each(doc, part) {
                        stop.store(true, Ordering::Relaxed);
                        lock(&failed).get_or_insert(e);
                        return;
                    }
                }
            }
            if let Some((_, start, part)) = mine {
                lock(&done).push((start, part));
            }
        };
        rayon::scope(|scope| {
            for _ in 0..rayon::current_num_threads() {
                scope.spawn(|_| work());
            }
        });
        match failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            Some(e) => Err(e),
            None => Ok(done.into_inner().unwrap_or_else(PoisonError::into_inner)),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Index {
    /// Index `entries`. Threads index runs of consecutive entries into postings of their own
    /// ([`EntryRuns`]); they are then joined in entry order (no second pass over the grams).
    pub fn new(entries: &[Arc<EntryView>]) -> Index {
        let made = Index::of_runs(entries, &numbering(entries), |doc, e, part| {
            part.add(doc as u32, e, &e.text);
            Ok::<(), std::convert::Infallible>(())
        });
        let Ok(index) = made;
        index
    }

    /// The index of `entries`, `each` adding an entry (its number, its view) to the postings of
    /// its run of consecutive entries ([`EntryRuns`]), the runs then joined in entry order.
    fn of_runs<E: Send>(
        entries: &[Arc<EntryView>],
        numbering: &str,
        each: impl Fn(usize, &Arc<EntryView>, &mut Part) -> Result<(), E> + Sync,
    ) -> Result<Index, E> {
        let mut runs =
            EntryRuns::new(entries.len()).index(|doc, part| each(doc, &entries[doc], part))?;
        runs.sort_unstable_by_key(|(start, _)| *start);
        let mut runs = runs.into_iter().map(|(_, part)| part);
        let mut all = runs.next().unwrap_or_default();
        for part in runs {
            all.join(part);
        }
        Ok(Index {
            views: entries.to_vec(),
            han: all.han,
            // In order, for the shards' records (a stable sort keeps it within a shard).
            other: all.other.postings.into_iter().collect(),
            text_bytes: all.text_bytes,
            shards: shards_for(all.text_bytes),
            numbering: numbering.to_string(),
            han_by_shard: Vec::new(),
        })
    }

    /// Write every file of the index.
    pub fn write(&self, out: &dyn Sink) -> Result<(), OutputError> {
        self.write_shards(out)?;
        self.views
            .par_iter()
            .enumerate()
            .try_for_each(|(doc, e)| write_fragment(&self.numbering, doc, e, &e.text, out))
    }

    /// Write the index's size and every shard: all of it but the entries' fragments.
    fn write_shards(&self, out: &dyn Sink) -> Result<(), OutputError> {
        out.write(
            "search/meta.json",
            format!(
                "{{\"shards\":{},\"entries\":{},\"numbering\":\"{}\"}}\n",
                self.shards,
                self.views.len(),
                self.numbering
            )
            .as_bytes(),
        )?;
        let shards = self.shards;
        let mut han_records: Vec<(u32, u64, &Growing)> = self
            .han
            .iter()
            .filter(|(_, p)| p.count > 0)
            .map(|(k, p)| (0, k, p))
            .collect();
        han_records
            .par_iter_mut()
            .for_each(|r| r.0 = han_shard(r.1, shards));
        self.write_shard_files(han_records, |_| true, out)
    }

    /// Bring the index up to `entries` and write the files that changed; `false` (and nothing
    /// written or changed) when that is more than editing entries in place — one added,
    /// removed or moved renumbers the rest, and more text may need more shards: the caller
    /// makes the index again.
    pub fn update(
        &mut self,
        entries: &[Arc<EntryView>],
        out: &dyn Sink,
    ) -> Result<bool, OutputError> {
        if entries.len() != self.views.len() {
            return Ok(false);
        }
        let mut edited = Vec::new();
        for (doc, (old, new)) in self.views.iter().zip(entries).enumerate() {
            if Arc::ptr_eq(old, new) {
                continue;
            }
            if old.path != new.path {
                return Ok(false);
            }
            if indexed_fields(old) != indexed_fields(new) {
                edited.push(doc);
            }
        }
        let size = |e: &EntryView| e.text.len() + e.title.len() + e.summary.len();
        let text_bytes = edited.iter().fold(self.text_bytes, |bytes, &doc| {
            bytes - size(&self.views[doc]) + size(&entries[doc])
        });
        if shards_for(text_bytes) != self.shards {
            return Ok(false);
        }
        if self.han_by_shard.is_empty() {
            self.han_by_shard = vec![Vec::new(); self.shards as usize];
            for (key, _) in self.han.iter().filter(|(_, p)| p.count > 0) {
                self.han_by_shard[han_shard(key, self.shards) as usize].push(key);
            }
        }
        let mut dirty = std::collections::HashSet::new();
        for &doc in &edited {
            let (mut before, mut after) = (Part::default(), Part::default());
            before.add(doc as u32, &self.views[doc], &self.views[doc].text);
            after.add(doc as u32, &entries[doc], &entries[doc].text);
            // Each gram of the entry before or after, with its fields before and after; only
            // those whose fields changed (most of an edit's grams are as they were) are set.
            let han = changed(before.han.iter(), after.han.iter());
            for (key, bits) in han {
                let posting = self.han.get_or_insert(key);
                let was = posting.count;
                posting.set(doc as u32, bits);
                let shard = han_shard(key, self.shards);
                dirty.insert(shard);
                if was == 0 && posting.count > 0 {
                    self.han_by_shard[shard as usize].push(key);
                }
            }
            for (gram, bits) in changed(before.other.postings.iter(), after.other.postings.iter()) {
                dirty.insert(shard_of(gram, self.shards));
                let posting = self.other.entry(gram.clone()).or_default();
                posting.set(doc as u32, bits);
                if posting.count == 0 {
                    self.other.remove(gram);
                }
            }
        }
        self.text_bytes = text_bytes;
        self.views = entries.to_vec();
        // The grams of the shards to rewrite: each once, those still in some entry.
        for &shard in &dirty {
            let keys = &mut self.han_by_shard[shard as usize];
            keys.sort_unstable();
            keys.dedup();
            keys.retain(|&key| self.han.get(key).is_some_and(|p| p.count > 0));
        }
        let (han, by_shard) = (&self.han, &self.han_by_shard);
        let mut han_records: Vec<(u32, u64, &Growing)> = Vec::new();
        for &shard in &dirty {
            for &key in &by_shard[shard as usize] {
                if let Some(p) = han.get(key) {
                    han_records.push((shard, key, p));
                }
            }
        }
        self.write_shard_files(han_records, |shard| dirty.contains(&shard), out)?;
        edited.par_iter().try_for_each(|&doc| {
            let e = &self.views[doc];
            write_fragment(&self.numbering, doc, e, &e.text, out)
        })?;
        Ok(true)
    }

    /// Write the shards `wanted` says, of which `han_records` are the Han grams (shard, number,
    /// postings; any order). Within a shard, Han grams by number, then the others by text: any
    /// fixed order will do, as the browser lists a shard whole; this one needs no string per
    /// gram.
    fn write_shard_files(
        &self,
        mut han_records: Vec<(u32, u64, &Growing)>,
        wanted: impl Fn(u32) -> bool + Sync,
        out: &dyn Sink,
    ) -> Result<(), OutputError> {
        let shards = self.shards;
        han_records.par_sort_unstable_by_key(|r| (r.0, r.1));
        // `other` is a BTreeMap, in order; a stable sort by shard keeps that order within one.
        let mut other_records: Vec<(u32, &String, &Growing)> = self
            .other
            .iter()
            .map(|(g, p)| (shard_of(g, shards), g, p))
            .filter(|r| wanted(r.0))
            .collect();
        other_records.sort_by_key(|r| r.0);
        (0..shards)
            .into_par_iter()
            .filter(|&shard| wanted(shard))
            .try_for_each(|shard| {
                let mut file = Vec::new();
                let mut scratch = Posting::default();
                let from = han_records.partition_point(|r| r.0 < shard);
                for (_, key, posting) in han_records[from..].iter().take_while(|r| r.0 == shard) {
                    let mut buf = [0u8; 10];
                    posting.finish(&mut scratch);
                    scratch.record(han_bytes(*key, &mut buf), &mut file);
                }
                let from = other_records.partition_point(|r| r.0 < shard);
                for (_, gram, posting) in other_records[from..].iter().take_while(|r| r.0 == shard)
                {
                    posting.finish(&mut scratch);
                    scratch.record(gram.as_bytes(), &mut file);
                }
                out.write(
                    &format!("search/g/{}-{shards}/{shard}.bin", self.numbering),
                    &file,
                )
            })
    }
}

/// Write entry `doc`'s fragment, `text` its body's.
fn write_fragment(
    numbering: &str,
    doc: usize,
    e: &EntryView,
    text: &str,
    out: &dyn Sink,
) -> Result<(), OutputError> {
    let meta = meta_text(e);
    let (width, height) = e
        .cover
        .as_ref()
        .map_or((String::new(), String::new()), |c| {
            (c.width.to_string(), c.height.to_string())
        });
    let bytes = fragment(&[
        &e.path,
        &e.title,
        &e.summary,
        &e.unit_name,
        &e.category,
        &e.category_name,
        e.implementing_unit.as_deref().unwrap_or(""),
        e.cover.as_ref().map_or("", |c| c.thumb.as_str()),
        &width,
        &height,
        &meta,
        text,
    ]);
    out.write(&format!("search/e/{numbering}/{doc}.txt"), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every gram of normalised text: `c:` + a Han character or pair, `w:` + a word.
    fn grams(normalised: &str, each: impl FnMut(&str)) {
        struct Texts<F> {
            each: F,
            buf: [u8; 10],
        }
        impl<F: FnMut(&str)> Grams for Texts<F> {
            fn han(&mut self, single: u64, pair: Option<u64>) {
                for key in std::iter::once(single).chain(pair) {
                    (self.each)(std::str::from_utf8(han_bytes(key, &mut self.buf)).unwrap_or(""));
                }
            }
            fn word(&mut self, word: &str) {
                (self.each)(&format!("w:{word}"));
            }
        }
        let mut walker = Walker::new(Texts { each, buf: [0; 10] });
        for c in normalised.chars() {
            match c {
                ' ' => walker.gap(),
                c => walker.feed(c),
            }
        }
        walker.finish();
    }

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
        // Leading and trailing punctuation, an ideographic space, a lowered non-ASCII letter.
        assert_eq!(
            all("，“工\u{3000}会”İX"),
            ["c:工", "c:会", "c:工会", "w:i\u{307}x"]
        );
        assert_eq!(all("工·会"), ["c:工", "c:会"]);
    }

    #[test]
    fn a_term_is_held_anywhere_in_chinese_and_at_a_words_beginning() {
        let text = normalise("投入320万元，收到金点子20个。5G网络 alpine");
        assert!(holds(&text, "金点"));
        assert!(holds(&text, "20"));
        assert!(holds(&text, "alp"));
        assert!(holds(&text, "5g网"));
        assert!(!holds(&text, "0万"));
        assert!(!holds(&text, "lpine"));
        assert!(!holds(&text, "金子"));
    }

    #[test]
    fn a_han_gram_number_reads_back_as_its_text_and_files_as_it() {
        let mut buf = [0u8; 10];
        let pair = han_key('工', Some('会'));
        assert_eq!(han_bytes(pair, &mut buf), "c:工会".as_bytes());
        assert_eq!(han_shard(pair, 4096), shard_of("c:工会", 4096));
        assert_eq!(han_bytes(han_key('的', None), &mut buf), "c:的".as_bytes());
        let rare = han_key('\u{20000}', Some('𠀁'));
        assert_eq!(han_bytes(rare, &mut buf), "c:\u{20000}𠀁".as_bytes());
    }

    /// What the browser reads back from a record (`loadShard` in showcase.js does the same).
    fn read_record(bytes: &[u8]) -> (String, u8, Vec<(u32, u8)>) {
        let len = bytes[0] as usize;
        let gram = String::from_utf8(bytes[1..1 + len].to_vec()).unwrap();
        let mut at = 1 + len;
        let size = read_varint(bytes, &mut at) as usize;
        assert_eq!(at + size, bytes.len(), "the size is the rest of the record");
        let count = read_varint(bytes, &mut at);
        let flags = bytes[at];
        at += 1;
        let mut docs = Vec::new();
        if flags & 1 != 0 {
            let mut end = 0;
            for _ in 0..read_varint(bytes, &mut at) {
                let start = end + read_varint(bytes, &mut at);
                let len = read_varint(bytes, &mut at) + 1;
                docs.extend(start..start + len);
                end = start + len;
            }
        } else {
            let mut last = 0;
            for _ in 0..count {
                last += read_varint(bytes, &mut at);
                docs.push(last);
            }
        }
        let mut bits = Vec::new();
        if flags & 4 != 0 {
            bits = vec![0u8; count as usize];
            for field in 0..4 {
                let mode = bytes[at];
                at += 1;
                let mut each = |i: usize| bits[i] |= 1 << field;
                match mode {
                    1 => (0..count as usize).for_each(&mut each),
                    2 | 3 => {
                        let n = read_varint(bytes, &mut at);
                        let mut listed = vec![false; count as usize];
                        let mut i = 0;
                        for _ in 0..n {
                            i += read_varint(bytes, &mut at);
                            listed[i as usize] = true;
                        }
                        (0..count as usize)
                            .filter(|i| listed[*i] == (mode == 2))
                            .for_each(&mut each);
                    }
                    4 => {
                        (0..count as usize)
                            .filter(|i| bytes[at + i / 8] >> (i % 8) & 1 == 1)
                            .for_each(&mut each);
                        at += (count as usize).div_ceil(8);
                    }
                    _ => {}
                }
            }
        } else if flags & 2 != 0 {
            for _ in 0..read_varint(bytes, &mut at) {
                let len = read_varint(bytes, &mut at) + 1;
                bits.extend(std::iter::repeat_n(bytes[at], len as usize));
                at += 1;
            }
        } else {
            bits.extend((0..count as usize).map(|i| bytes[at + i / 2] >> (4 * (i % 2)) & 15));
            at += (count as usize).div_ceil(2);
        }
        assert_eq!(at, bytes.len(), "the record is read to its end");
        (gram, flags, docs.into_iter().zip(bits).collect())
    }

    #[test]
    fn postings_read_back_whichever_way_they_are_written() {
        let dense: Vec<(u32, u8)> = (0..5000)
            .map(|d| (d, BODY))
            .chain([(7000, TITLE | BODY)])
            .collect();
        let sparse: Vec<(u32, u8)> =
            [(3, TITLE), (90, BODY), (91, SUMMARY), (4000, META | BODY)].into();
        let mixed: Vec<(u32, u8)> = (0..300)
            .map(|d| (d * 3 + (d % 2), [TITLE, BODY][d as usize % 2]))
            .collect();
        // A common gram: in every body, a few titles, some summaries, no unit name.
        let common: Vec<(u32, u8)> = (0..4000)
            .map(|d| {
                let title = if d % 97 == 0 { TITLE } else { 0 };
                let summary = if d % 3 == 0 { SUMMARY } else { 0 };
                (d * 2, BODY | title | summary)
            })
            .collect();
        for (postings, flags) in [(dense, 3), (sparse, 0), (mixed, 4), (common, 4)] {
            let mut growing = Growing::default();
            for (doc, bits) in &postings {
                growing.add(*doc, *bits);
            }
            let (mut p, mut out) = (Posting::default(), Vec::new());
            growing.finish(&mut p);
            p.record("c:工会".as_bytes(), &mut out);
            let (gram, written, read) = read_record(&out);
            assert_eq!((gram.as_str(), written), ("c:工会", flags));
            assert_eq!(read, postings);
        }
    }

    /// A fragment's fields as the browser reads them back.
    fn read_fragment(bytes: &[u8]) -> Vec<String> {
        let text = match bytes {
            [0xFF, 0xFE, rest @ ..] => String::from_utf16(
                &rest
                    .chunks(2)
                    .map(|u| u16::from_le_bytes([u[0], u[1]]))
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
            _ => String::from_utf8(bytes.to_vec()).unwrap(),
        };
        text.split('\0').map(str::to_string).collect()
    }

    #[test]
    fn utf16_units_and_nuls_are_counted_as_std_counts_them() {
        for text in [
            "",
            "a",
            "职工创新工作室 Café 𠀀𠀀 5G\n",
            &"回访é𠀀x".repeat(9),
            &"\0职\0\0工\u{7f}\u{80}\0".repeat(5),
        ] {
            for from in 0..text.len() {
                if text.is_char_boundary(from) {
                    let t = &text[from..];
                    let nuls = t.matches('\0').count();
                    assert_eq!(utf16_len(t), (t.encode_utf16().count(), nuls), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn a_fragment_is_written_the_shorter_way_and_reads_back() {
        let chinese = [
            "/entries/a/",
            "职工创新工作室",
            "𠀀帮扶 Café",
            "",
            "回访\0记录，三年来回访困难职工",
        ];
        let bytes = fragment(&chinese);
        assert_eq!(
            &bytes[..2],
            &[0xFF, 0xFE],
            "Chinese text is shorter in UTF-16"
        );
        let utf8: usize = chinese.iter().map(|f| f.len() + 1).sum::<usize>() - 1;
        assert!(bytes.len() < utf8);
        assert_eq!(
            read_fragment(&bytes),
            [
                "/entries/a/",
                "职工创新工作室",
                "𠀀帮扶 Café",
                "",
                "回访\u{fffd}记录，三年来回访困难职工"
            ]
        );
        let english = ["/entries/b/", "Night school", "A\0B", "5G"];
        let bytes = fragment(&english);
        assert_eq!(bytes.len(), "/entries/b/ Night school A\u{fffd}B 5G".len());
        assert_eq!(
            read_fragment(&bytes),
            ["/entries/b/", "Night school", "A\u{fffd}B", "5G"]
        );
        // U+0000 is written as U+FFFD, three bytes in UTF-8: counted so, UTF-16 is shorter here.
        let nuls = format!("{}职工创新室", "\0".repeat(30));
        let bytes = fragment(&[&nuls]);
        assert_eq!((&bytes[..2], bytes.len()), (&[0xFF, 0xFE][..], 2 + 2 * 35));
    }

    #[test]
    fn postings_of_runs_of_entries_join_as_if_made_at_once() {
        let all: Vec<(u32, u8)> = [(0, TITLE), (2, BODY), (5, META), (6, BODY), (9, SUMMARY)]
            .into_iter()
            .chain((10..40).map(|d| (d * 3, [TITLE, BODY, META][d as usize % 3])))
            .collect();
        let make = |list: &[(u32, u8)]| {
            let mut p = Growing::default();
            list.iter().for_each(|(doc, bits)| p.add(*doc, *bits));
            p
        };
        // Odd and even counts before the join: the fields' nibbles are packed either way.
        for split in [1, 2, 3, 20] {
            let mut joined = make(&all[..split]);
            joined.join(make(&all[split..]));
            let whole = make(&all);
            let (mut a, mut b) = (Posting::default(), Posting::default());
            joined.finish(&mut a);
            whole.finish(&mut b);
            assert_eq!(
                (joined.count, joined.last, &joined.data, &a.docs, &a.bits),
                (whole.count, whole.last, &whole.data, &b.docs, &b.bits),
                "split at {split}"
            );
        }
    }

    /// Threads that come free while others index take part of their runs: every entry is
    /// added once, each run's in order, and the runs tile the entries.
    #[test]
    fn threads_share_the_entries_in_runs_that_tile_them() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let entries = 3000;
        let runs = pool.install(|| {
            EntryRuns::new(entries).index(|doc, part| {
                // A run's postings stand for its next entry here: each entry comes right after
                // the one before it in its run.
                if part.text_bytes > 0 {
                    assert_eq!(doc, part.text_bytes, "entries of a run in order");
                }
                part.text_bytes = doc + 1;
                // Long enough for the other threads to come and split runs.
                std::thread::sleep(std::time::Duration::from_micros(50));
                Ok::<(), ()>(())
            })
        });
        let mut runs: Vec<(usize, usize)> = runs
            .unwrap()
            .into_iter()
            .map(|(start, part)| (start, part.text_bytes))
            .collect();
        runs.sort_unstable();
        assert!(runs.len() > 1, "only one thread indexed: {runs:?}");
        assert_eq!(runs[0].0, 0);
        assert_eq!(runs.last().unwrap().1, entries);
        for pair in runs.windows(2) {
            assert_eq!(pair[0].1, pair[1].0, "runs {runs:?}");
        }

        // An entry that fails stops the indexing and is what it gives.
        let failed = pool.install(|| {
            EntryRuns::new(entries).index(|doc, _| if doc == 777 { Err(doc) } else { Ok(()) })
        });
        assert_eq!(failed.err(), Some(777));
    }

    #[test]
    fn a_words_first_character_finds_every_word_it_begins() {
        let view = |title: &str, text: &str| {
            Arc::new(EntryView {
                title: title.into(),
                text: text.into(),
                ..Default::default()
            })
        };
        let index = Index::new(&[
            view("第7号", ""),
            view("项目", "投入 70 万元"),
            view("项目", "编号 x7"),
        ]);
        let docs = |gram: &str| index.other.get(gram).map(|p| p.pairs());
        // Both words that begin with 7, in their fields; not x7.
        assert_eq!(docs("p:7"), Some(vec![(0, TITLE), (1, BODY)]));
        assert_eq!(docs("w:7"), Some(vec![(0, TITLE)]));
        assert_eq!(docs("w:70"), Some(vec![(1, BODY)]));
        assert_eq!(docs("p:x"), Some(vec![(2, BODY)]));
    }

    #[test]
    fn the_short_way_for_punctuation_agrees_with_the_unicode_tables() {
        for c in (0..0x3100).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn words_are_filed_by_their_first_two_characters() {
        assert_eq!(shard_of("w:gonghui", 64), shard_of("w:go", 64));
        assert_eq!(shard_of("w:gong", 64), shard_of("w:gonghui", 64));
        assert_ne!(shard_of("w:ab", 1 << 14), shard_of("w:ba", 1 << 14));
    }
}
