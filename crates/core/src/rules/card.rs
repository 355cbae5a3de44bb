//! Rules on a unit's card (`unit.yaml`): its keys, the leader, the phone, the signed roster scan.

use crate::diagnostic::Diagnostic;
use crate::files::{Files, Stat};
use crate::model::UnitCard;
use crate::paths;
use crate::problem::{CardDetail, Problem, closest};
use crate::rules::Sink;
use crate::rules::attachments::{SCAN_TYPES, content_matches};
use crate::rules::formats;
use crate::source::Pos;
use crate::yaml::{self, Node};

/// The keys a card may have.
pub const CARD_KEYS: &[&str] = &[
    "leader",
    "responsible",
    "responsible_phone",
    "roster_signed",
    "email",
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
    let text = super::read_text(files, rel, &paths::unit_folder(unit), sink)?;
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
    super::control_characters(&node, sink);
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
            "email" => {
                if formats::is_email(&text) {
                    card.email = Some(text);
                } else {
                    sink.at(
                        v.pos,
                        Problem::InvalidFormat {
                            key: key.clone(),
                            value: text,
                            format: crate::problem::Format::Email,
                            label: None,
                        },
                    );
                }
            }
            "responsible_phone" => {
                if formats::is_phone(&text) {
                    card.responsible_phone = Some(text);
                } else {
                    invalid(sink, v.pos, CardDetail::BadPhone { value: text });
                }
            }
            _ => {
                card.roster_named = true;
                match roster_scan(files, unit, &text) {
                    Ok(()) => card.roster_signed = Some(text),
                    Err(problem) => sink.at(v.pos, problem),
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

/// The signed roster scan named as `written`: a file of the unit's own folder, reached without a
/// link out of it, and — since it is published as it is — a photo or a PDF by its extension and
/// its content (a page named `.jpg` would run on the site's origin).
fn roster_scan(files: &dyn Files, unit: &str, written: &str) -> Result<(), Problem> {
    let folder = paths::unit_folder(unit);
    let missing = || Problem::UnitCardInvalid {
        detail: CardDetail::FileMissing {
            file: written.into(),
        },
    };
    // `..`, an absolute path, a drive: out of the folder, as a link out is (said as one).
    let rel = match crate::paths::relative_inside(written) {
        Some(rel) => rel,
        // Nothing, or the folder itself: no file named.
        None if matches!(written.trim(), "" | "." | "./") => return Err(missing()),
        None => {
            return Err(Problem::PathEscape {
                path: written.into(),
            });
        }
    };
    let ext = crate::paths::extension(&rel);
    let rel = format!("{folder}/{}", rel.to_string_lossy());
    match files.stat(&rel, &folder) {
        Stat::File { .. } => {}
        Stat::Escapes => {
            return Err(Problem::PathEscape {
                path: written.into(),
            });
        }
        Stat::Missing | Stat::Dir => return Err(missing()),
    }
    let scan = SCAN_TYPES.contains(&ext.as_str())
        && files
            .read(&rel)
            .is_ok_and(|bytes| content_matches(&ext, &bytes));
    if scan {
        Ok(())
    } else {
        Err(Problem::UnitCardInvalid {
            detail: CardDetail::NotAScan {
                file: written.into(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Memory;

    fn card(text: &str) -> (Option<UnitCard>, Vec<Diagnostic>) {
        let mut files = Memory::new();
        files.insert("submissions/a/unit.yaml", text);
        check_card(&files, "a")
    }

    #[test]
    fn an_email_is_read_and_a_bad_one_is_invalid_format_at_its_value() {
        let (c, d) = card("leader: 张主席\nemail: gonghui@example.org\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.unwrap().email.as_deref(), Some("gonghui@example.org"));

        let (c, d) = card("leader: 张主席\nemail: 不是邮箱\n");
        assert_eq!(c.unwrap().email, None);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].problem.code(), "invalid-format");
        assert_eq!((d[0].pos.line, d[0].pos.column), (2, 8));
    }

    /// A scan named out of the unit's folder is a path escape, though the file is there: not
    /// "missing", which would send the unit looking for a file it can see.
    #[test]
    fn a_scan_named_out_of_the_folder_is_a_path_escape() {
        let mut files = Memory::new();
        files.insert("submissions/b/scan.jpg", &b"\xFF\xD8\xFF\xE0"[..]);
        for written in ["../b/scan.jpg", "/submissions/b/scan.jpg", "C:/scan.jpg"] {
            files.insert(
                "submissions/a/unit.yaml",
                format!("leader: 张主席\nroster_signed: \"{written}\"\n").as_str(),
            );
            let (_, d) = check_card(&files, "a");
            let codes: Vec<&str> = d.iter().map(|d| d.problem.code()).collect();
            assert_eq!(codes, ["path-escape"], "{written}: {d:?}");
        }
        // The folder itself names no file: missing, not out of the folder.
        files.insert(
            "submissions/a/unit.yaml",
            "leader: 张主席\nroster_signed: ./\n",
        );
        let (_, d) = check_card(&files, "a");
        let codes: Vec<&str> = d.iter().map(|d| d.problem.code()).collect();
        assert_eq!(codes, ["unit-card-invalid"], "{d:?}");
    }
}
