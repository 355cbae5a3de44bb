//! Rules on a unit's card (`unit.yaml`): its keys, the leader, the phone, the signed roster scan.

use crate::diagnostic::Diagnostic;
use crate::files::{Files, Stat};
use crate::model::UnitCard;
use crate::paths;
use crate::problem::{CardDetail, Problem, closest};
use crate::rules::Sink;
use crate::rules::attachments::{SCAN_TYPES, content_matches};
use crate::rules::formats;
use crate::source::{self, Pos};
use crate::yaml::{self, Node};

/// The keys a card may have.
pub const CARD_KEYS: &[&str] = &[
    "leader",
    "responsible",
    "responsible_phone",
    "roster_signed",
];

/// Read and check `submissions/<unit>/unit.yaml` from `files`.
pub fn check_card(files: &dyn Files, unit: &str) -> (Option<UnitCard>, Vec<Diagnostic>) {
    let rel = paths::card(unit);
    let mut sink = Sink::new(&rel);
    let card = read(files, unit, &rel, &mut sink);
    (card, sink.diagnostics)
}

fn invalid(sink: &mut Sink, pos: Pos, detail: CardDetail) {
    sink.at(pos, Problem::UnitCardInvalid { detail });
}

fn read(files: &dyn Files, unit: &str, rel: &str, sink: &mut Sink) -> Option<UnitCard> {
    // Judged before it is read: a card is the unit's, as its entries are.
    match files.stat(rel, &paths::unit_folder(unit)) {
        Stat::Escapes => {
            sink.at(Pos::START, Problem::PathEscape { path: rel.into() });
            return None;
        }
        Stat::File { size } if size > super::MAX_ENTRY_BYTES => {
            sink.at(
                Pos::START,
                Problem::FileTooLarge {
                    size_mb: size.div_ceil(1024 * 1024),
                    max_mb: super::MAX_ENTRY_BYTES / (1024 * 1024),
                },
            );
            return None;
        }
        _ => {}
    }
    let bytes = match files.read(rel) {
        Ok(b) => b,
        Err(reason) => {
            sink.at(Pos::START, Problem::Unreadable { reason });
            return None;
        }
    };
    let text = match source::decode(bytes) {
        Ok(t) => t,
        Err(source::NotUtf8(pos)) => {
            sink.at(pos, Problem::NotUtf8);
            return None;
        }
    };
    let node = match yaml::parse(&text, 1) {
        Ok(n) => n,
        Err(e) => {
            invalid(sink, e.pos, CardDetail::Syntax(e.error));
            return None;
        }
    };
    let Some(map) = node.as_map() else {
        invalid(sink, node.pos, CardDetail::NotAMapping);
        return None;
    };
    let mut card = UnitCard::default();
    for (k, v) in map {
        let key = k.as_text().unwrap_or_default();
        if !CARD_KEYS.contains(&key.as_str()) {
            invalid(
                sink,
                k.pos,
                CardDetail::UnknownKey {
                    suggestion: closest(&key, CARD_KEYS.iter().copied()),
                    key,
                },
            );
            continue;
        }
        if v.is_empty() {
            continue;
        }
        let Some(text) = v.as_text().map(|t| t.trim().to_string()) else {
            invalid(sink, v.pos, CardDetail::NotText { key });
            continue;
        };
        match key.as_str() {
            "leader" => card.leader = text,
            "responsible" => card.responsible = Some(text),
            "responsible_phone" => {
                if formats::is_phone(&text) {
                    card.responsible_phone = Some(text);
                } else {
                    invalid(sink, v.pos, CardDetail::BadPhone { value: text });
                }
            }
            _ => {
                if !exists_inside(files, unit, &text) {
                    invalid(sink, v.pos, CardDetail::FileMissing { file: text });
                } else if !is_scan(files, unit, &text) {
                    invalid(sink, v.pos, CardDetail::NotAScan { file: text });
                } else {
                    card.roster_signed = Some(text);
                }
            }
        }
    }
    if card.leader.is_empty() {
        let pos = node_pos(map, "leader").unwrap_or(Pos::START);
        invalid(
            sink,
            pos,
            CardDetail::Missing {
                key: "leader".into(),
            },
        );
    }
    Some(card)
}

fn node_pos(map: &[(Node, Node)], key: &str) -> Option<Pos> {
    map.iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(k, _)| k.pos)
}

/// The signed roster is published as it is: a photo or a PDF, by its extension and its content
/// (a page named `.jpg` would run on the site's origin).
fn is_scan(files: &dyn Files, unit: &str, written: &str) -> bool {
    let Some(rel) = crate::paths::relative_inside(written) else {
        return false;
    };
    let ext = crate::paths::extension(&rel);
    let rel = format!("{}/{}", paths::unit_folder(unit), rel.to_string_lossy());
    SCAN_TYPES.contains(&ext.as_str())
        && files
            .read(&rel)
            .is_ok_and(|bytes| content_matches(&ext, &bytes))
}

/// The roster scan must be a file inside the unit's folder.
fn exists_inside(files: &dyn Files, unit: &str, written: &str) -> bool {
    let folder = paths::unit_folder(unit);
    let Some(rel) = crate::paths::relative_inside(written) else {
        return false;
    };
    let rel = format!("{folder}/{}", rel.to_string_lossy());
    matches!(files.stat(&rel, &folder), Stat::File { .. })
}
