//! What units submitted, as plain data once read and checked: entries and unit cards.

/// 申报项目: one entry, read from `submissions/<unit>/<slug>.md`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// The folder's unit id.
    pub unit: String,
    /// The file name without `.md`; also names the attachment folder.
    pub slug: String,
    /// 项目名称
    pub title: String,
    /// 申报范围 id
    pub category: String,
    /// 联系人
    pub contact: String,
    /// 联系电话
    pub phone: String,
    /// 项目简介
    pub summary: String,
    /// 实施时间
    pub started: Option<String>,
    /// 实施单位, when a collecting unit forwards a subordinate's project.
    pub implementing_unit: Option<String>,
    /// 实效性证明
    pub recognition: Vec<Recognition>,
    pub cover: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Checked but not published.
    pub draft: bool,
    /// The campaign's extra fields, key and value as text, in the campaign's order.
    pub extra: Vec<(String, String)>,
    /// The body as safe HTML; empty unless the project was loaded to render bodies (checking
    /// alone does not need it, and 100,000 bodies are large: 1.3 GB with their text).
    pub html: std::sync::Arc<str>,
    /// The body's plain text, for the site's search; loaded with the HTML.
    pub text: std::sync::Arc<str>,
    /// When `html` and `text` were not made (a large campaign's build): the checked file text's
    /// length and CRC-32. The site renders the body again from the file when it writes the
    /// entry's page, and only from that same text ([`crate::rules::render_body`]).
    pub checked_text: Option<(usize, u32)>,
    /// The entry's own files the body shows or links to, relative to its attachment folder.
    pub body_files: Vec<String>,
    /// Where the `title` key stands, for diagnostics that concern the whole entry.
    pub title_pos: crate::source::Pos,
    /// Whether any error was found in this entry's file.
    pub has_errors: bool,
    /// When the file first reached the main line, and when it last changed (from git).
    pub arrived: Option<crate::history::Stamp>,
    pub changed: Option<crate::history::Stamp>,
}

impl Entry {
    /// `unit/slug`: unique within a campaign.
    pub fn id(&self) -> String {
        format!("{}/{}", self.unit, self.slug)
    }

    /// The file relative to the campaign root.
    pub fn file(&self) -> String {
        crate::paths::entry_file(&self.unit, &self.slug)
    }

    /// The folder of the entry's own files, relative to the campaign root.
    pub fn folder(&self) -> String {
        crate::paths::attachment_folder(&self.unit, &self.slug)
    }

    /// When the entry last changed, for a feed's `updated` (RFC 3339, and its instant to compare):
    /// git's last change (else its arrival) when git was read. Without git nothing tells, and a
    /// date the entry records itself is what is true: the latest of its recognitions' dates and
    /// when it started, at midnight in `zone` — it cannot have been written before. `None` when
    /// it records none either.
    pub fn updated(&self, zone: jiff::tz::Offset) -> Option<(String, jiff::Timestamp)> {
        if let Some(stamp) = self.changed.as_ref().or(self.arrived.as_ref()) {
            let at = jiff::Timestamp::from_second(stamp.time).ok()?;
            return Some((stamp.rfc3339(zone), at));
        }
        let recorded = self
            .recognition
            .iter()
            .filter_map(|r| r.date.as_deref())
            .chain(self.started.as_deref())
            .filter_map(recorded_date)
            .max()?;
        let at = zone
            .to_timestamp(recorded.to_datetime(jiff::civil::Time::midnight()))
            .ok()?;
        Some((rfc3339(at, zone), at))
    }
}

/// `2017-08-25` or `2017-08` (its first day), as entries write dates.
fn recorded_date(text: &str) -> Option<jiff::civil::Date> {
    let text = text.trim();
    text.parse::<jiff::civil::Date>()
        .ok()
        .or_else(|| format!("{text}-01").parse().ok())
}

/// `at` in RFC 3339, in `zone`: `2017-12-07T09:30:00+08:00`, `…-05:30`, `…+00:00`.
pub(crate) fn rfc3339(at: jiff::Timestamp, zone: jiff::tz::Offset) -> String {
    let seconds = zone.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!(
        "{}{sign}{:02}:{:02}",
        zone.to_datetime(at).strftime("%Y-%m-%dT%H:%M:%S"),
        minutes / 60,
        minutes % 60
    )
}

/// 实效性证明: how the project was recognised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recognition {
    /// document | speech | site_meeting | instruction | media
    pub kind: String,
    pub source: String,
    pub date: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// A file in the entry's attachment folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    pub file: String,
    pub title: Option<String>,
}

/// A unit's card (`unit.yaml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitCard {
    /// 主要领导
    pub leader: String,
    /// 专人负责
    pub responsible: Option<String>,
    pub responsible_phone: Option<String>,
    /// Where reminders go.
    pub email: Option<String>,
    /// The scan or photo of the signed and stamped roster, relative to the unit's folder.
    pub roster_signed: Option<String>,
    /// Whether `roster_signed` names a file at all, even one that is missing or not a scan: then
    /// the card's own diagnostic says what is wrong, and the unit is not told it has none.
    pub roster_named: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> jiff::tz::Offset {
        jiff::tz::Offset::from_hours(8).unwrap()
    }

    #[test]
    fn without_git_an_entry_is_dated_by_the_latest_date_it_records() {
        let mut e = Entry {
            started: Some("2017-02".into()),
            recognition: vec![
                Recognition {
                    date: Some("2017-08-25".into()),
                    ..Recognition::default()
                },
                Recognition {
                    date: Some("2017-06-01".into()),
                    ..Recognition::default()
                },
            ],
            ..Entry::default()
        };
        let (text, at) = e.updated(zone()).unwrap();
        assert_eq!(text, "2017-08-25T00:00:00+08:00");
        assert_eq!(at.to_string(), "2017-08-24T16:00:00Z");
        e.recognition.clear();
        assert_eq!(e.updated(zone()).unwrap().0, "2017-02-01T00:00:00+08:00");
        e.started = None;
        assert_eq!(e.updated(zone()), None);
    }

    #[test]
    fn with_git_an_entry_is_dated_by_its_last_change() {
        let stamp = |time| crate::history::Stamp {
            commit: "abc".into(),
            time,
            offset: 0,
            author: String::new(),
            email: String::new(),
        };
        let e = Entry {
            started: Some("2017-02".into()),
            arrived: Some(stamp(1_512_000_000)),
            changed: Some(stamp(1_512_900_000)),
            ..Entry::default()
        };
        let (text, at) = e.updated(zone()).unwrap();
        assert_eq!(at.as_second(), 1_512_900_000);
        // Committed in UTC, said in the campaign's zone.
        assert_eq!(text, "2017-12-10T18:00:00+08:00");
    }
}
