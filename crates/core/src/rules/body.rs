//! Rules on an entry's Markdown body: its required and recommended sections. (Raw HTML and the
//! files it names are gathered by the body's scan and judged by `rules`.)

use crate::body::BodyScan;
use crate::campaign::Sections;
use crate::problem::Problem;

/// A heading's text as a section name: numbering (一、 1. （一）) and a trailing colon dropped.
pub fn section_name(heading: &str) -> &str {
    let s = heading.trim();
    strip_numbering(s)
        .unwrap_or(s)
        .trim_end_matches([':', '：'])
        .trim()
}

fn strip_numbering(s: &str) -> Option<&str> {
    const NUMERALS: &[char] = &[
        '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '0', '1', '2', '3', '4', '5',
        '6', '7', '8', '9',
    ];
    let (bracketed, rest) = match s.strip_prefix(['（', '(']) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let after = rest.trim_start_matches(NUMERALS);
    if after.len() == rest.len() {
        return None;
    }
    let after = if bracketed {
        after.strip_prefix(['）', ')'])?
    } else {
        after.strip_prefix(['、', '.', '．', ' '])?
    };
    Some(after.trim_start())
}

/// A line of `body` meant as the heading of one of `names` that Markdown reads as text: `##背景`
/// (no space after the hashes), `＃＃ 背景` (full-width hashes), `##　背景` (a full-width or
/// no-break space, as Word pastes), or a line in bold (`**一、背景**`). Its offset and text.
fn near_heading(body: &str, names: &[String]) -> Option<(usize, String)> {
    let mut offset = 0;
    let mut fence: Option<&str> = None;
    for raw in body.split_inclusive('\n') {
        let at = offset;
        offset += raw.len();
        let line = raw.trim_end();
        let text = line.trim_start();
        // Inside fenced code nothing is a heading, nor meant as one.
        match fence {
            Some(f) if text.starts_with(f) => {
                fence = None;
                continue;
            }
            Some(_) => continue,
            None if text.starts_with("```") || text.starts_with("~~~") => {
                fence = Some(&text[..3]);
                continue;
            }
            None => {}
        }
        let hashes = text.trim_start_matches(['#', '＃']);
        // A heading Markdown reads (`### 背景`, at another level) is not a slip of this kind.
        if text.trim_start_matches('#').starts_with([' ', '\t']) {
            continue;
        }
        let heading_like = hashes.len() < text.len();
        let rest = if heading_like {
            hashes
        } else if let Some(bold) = text.strip_prefix("**").and_then(|t| t.strip_suffix("**")) {
            bold
        } else {
            continue;
        };
        let name = section_name(rest.trim_matches([' ', '\u{3000}', '\u{a0}', '\t']));
        if names.iter().any(|n| n == name) {
            return Some((at + (raw.len() - raw.trim_start().len()), text.to_string()));
        }
    }
    None
}

/// A heading of one of `names` at another level than a section's (`# 背景`, `### 背景`): its
/// offset, its line as written, its level.
fn other_level(scan: &BodyScan, names: &[String], body: &str) -> Option<(usize, String, u8)> {
    // Written with hashes, where changing their number is the mend (not `背景` underlined with
    // `===`, whose line of text alone would be shown).
    scan.headings
        .iter()
        .filter(|h| h.level != 2 && names.iter().any(|n| n == section_name(&h.text)))
        .find_map(|h| {
            let line = body.get(h.offset..)?.lines().next()?.trim_end();
            line.starts_with('#')
                .then(|| (h.offset, line.to_string(), h.level))
        })
}

/// Section problems: each with the body offset to point at (0 for a missing section).
pub fn section_problems(scan: &BodyScan, sections: &Sections, body: &str) -> Vec<(usize, Problem)> {
    let mut problems = Vec::new();
    for alternatives in &sections.required {
        let found =
            scan.headings.iter().enumerate().find(|(_, h)| {
                h.level == 2 && alternatives.iter().any(|a| a == section_name(&h.text))
            });
        match found {
            None => problems.push(match other_level(scan, alternatives, body) {
                Some((offset, line, level)) => (
                    offset,
                    Problem::MissingSection {
                        alternatives: alternatives.clone(),
                        written: Some(line),
                        level: Some(level),
                    },
                ),
                None => match near_heading(body, alternatives) {
                    Some((offset, line)) => (
                        offset,
                        Problem::MissingSection {
                            alternatives: alternatives.clone(),
                            written: Some(line),
                            level: None,
                        },
                    ),
                    None => (
                        usize::MAX,
                        Problem::MissingSection {
                            alternatives: alternatives.clone(),
                            written: None,
                            level: None,
                        },
                    ),
                },
            }),
            Some((i, h)) => {
                let has_text = h.has_content
                    || scan.headings[i + 1..]
                        .iter()
                        .take_while(|sub| sub.level > 2)
                        .any(|sub| sub.has_content);
                if !has_text {
                    problems.push((
                        h.offset,
                        Problem::EmptySection {
                            name: section_name(&h.text).to_string(),
                        },
                    ));
                }
            }
        }
    }
    // One warning listing every missing highlight, at the heading of the section that describes
    // the project (the second required one, 主要内容 by default), where such sub-headings go.
    let missing: Vec<String> = sections
        .recommended
        .iter()
        .filter(|name| {
            !scan.headings.iter().any(|h| {
                (h.level == 2 || h.level == 3) && section_name(&h.text).contains(name.as_str())
            })
        })
        .cloned()
        .collect();
    if !missing.is_empty() {
        let at = sections
            .required
            .get(1)
            .and_then(|alternatives| {
                scan.headings.iter().find(|h| {
                    h.level == 2 && alternatives.iter().any(|a| a == section_name(&h.text))
                })
            })
            .map_or(usize::MAX, |h| h.offset);
        problems.push((at, Problem::RecommendedSection { names: missing }));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_and_colons_are_not_part_of_a_section_name() {
        assert_eq!(section_name("背景"), "背景");
        assert_eq!(section_name("一、背景"), "背景");
        assert_eq!(section_name("（二）主要内容："), "主要内容");
        assert_eq!(section_name("3. 实施情况"), "实施情况");
        assert_eq!(section_name("十大举措"), "十大举措");
    }

    fn scan(body: &str) -> BodyScan {
        crate::body::parse(body, None, crate::body::Want::SCAN).scan
    }

    #[test]
    fn sections_and_their_content_are_found() {
        let body = "## 背景\n\n文字\n\n## 主要内容\n\n### 创新性\n\n要点\n\n## 实施情况\n\n## 取得的效果\n\nx\n";
        let scan = scan(body);
        let names: Vec<_> = scan
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str(), h.has_content))
            .collect();
        assert_eq!(
            names,
            [
                (2, "背景", true),
                (2, "主要内容", false),
                (3, "创新性", true),
                (2, "实施情况", false),
                (2, "取得的效果", true)
            ]
        );
        let problems = section_problems(&scan, &Sections::default(), body);
        let codes: Vec<_> = problems.iter().map(|(_, p)| p.code()).collect();
        assert_eq!(codes, ["empty-section", "recommended-section"]);
        assert_eq!(
            problems[1].1,
            Problem::RecommendedSection {
                names: vec!["示范性".into(), "实效性".into(), "科学性".into()]
            }
        );
        // At the 主要内容 heading, where the highlights go as sub-headings.
        assert_eq!(problems[1].0, scan.headings[1].offset);
    }

    /// A section at another level is named with its hashes where they stand; one underlined
    /// (`背景` over `===`) is not, its line of text alone telling nothing.
    #[test]
    fn a_section_at_another_level_is_found_by_its_hashes() {
        let names = [String::from("背景")];
        let body = "文字\n\n### 一、背景\n\n文字\n";
        assert_eq!(
            other_level(&scan(body), &names, body),
            Some((8, String::from("### 一、背景"), 3))
        );
        let body = "文字\n\n背景\n===\n\n文字\n";
        assert_eq!(scan(body).headings[0].level, 1);
        assert_eq!(other_level(&scan(body), &names, body), None);
    }

    /// A line meant as a heading is found where typed, trimmed; never inside fenced code.
    #[test]
    fn a_line_meant_as_a_heading_is_found_outside_code() {
        let names = [String::from("背景")];
        assert_eq!(
            near_heading("文字\n  **一、背景**\n", &names),
            Some((9, String::from("**一、背景**")))
        );
        assert_eq!(near_heading("```\n##背景\n```\n", &names), None);
        assert_eq!(near_heading("~~~\n##背景\n~~~\n文字\n", &names), None);
        assert_eq!(near_heading("### 背景\n", &names), None);
    }

    #[test]
    fn a_heading_inside_a_code_block_is_not_a_section() {
        let scan = scan("```\n## 背景\n```\n");
        assert!(scan.headings.is_empty());
    }
}
