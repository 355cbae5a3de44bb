//! The textual formats of field values: Chinese phone numbers, dates, emails, URLs.

/// A Chinese phone number: a mobile (`13912345678`, optionally `+86`), a landline with its area
/// code (`0312-1234567`, `0312 1234567`, `03121234567`, with an optional extension), or a local
/// landline (`3100137`).
pub fn is_phone(s: &str) -> bool {
    // As people type on a Chinese keyboard: full-width digits, dashes, brackets and spaces.
    let s: String = s.trim().chars().map(half_width).collect();
    // An extension written 转 or 分机, after a number that is not a mobile's:
    // `0312-3100137转8001`. One extension: the number before it has none of its own words.
    if let Some((main, ext)) = s.split_once('转').or_else(|| s.split_once("分机")) {
        let main = main.trim_end_matches([' ', '-']);
        let ext = ext.trim_start();
        return ext.bytes().all(|b| b.is_ascii_digit())
            && is_extension(ext)
            && (bracketed(main) || landline(without_country(main)));
    }
    bracketed(&s) || {
        let s = without_country(&s);
        mobile(s) || landline(s)
    }
}

/// The area code in brackets before a local number: `(0312)3100137`, `(0312) 3100137`.
fn bracketed(s: &str) -> bool {
    let Some((area, local)) = s.strip_prefix('(').and_then(|r| r.split_once(')')) else {
        return false;
    };
    let local = local.trim_start_matches([' ', '-']);
    is_area(area)
        && area.bytes().all(|b| b.is_ascii_digit())
        && local.bytes().all(|b| b.is_ascii_digit())
        && is_local(local)
}

/// Digits in groups of one space or dash apart, none empty.
fn groups(s: &str) -> Option<Vec<&str>> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b' ')
    {
        return None;
    }
    let groups: Vec<&str> = s.split([' ', '-']).collect();
    (!groups.iter().any(|g| g.is_empty())).then_some(groups)
}

/// A mobile number, its digits grouped or not, as it is read out: `139 1234 5678`.
fn mobile(s: &str) -> bool {
    groups(s).is_some() && mobile_digits(s)
}

/// A number that is not a mobile's: an area code glued to or apart from a local number, a local
/// number alone (not starting with 1, which is a mobile's), either with an extension.
fn landline(s: &str) -> bool {
    let Some(groups) = groups(s) else {
        return false;
    };
    let first = groups[0];
    match groups.len() {
        1 if first.starts_with('1') => false,
        1 if first.starts_with('0') => {
            // Area code (3 or 4 digits) glued to a local number of 7 or 8.
            (10..=12).contains(&first.len()) && is_local(&first[3..])
                || first.len() >= 11 && is_local(&first[4..])
        }
        1 => is_local(first),
        2 if first.starts_with('0') => is_area(first) && is_local(groups[1]),
        2 => is_local(first) && is_extension(groups[1]),
        3 => is_area(first) && is_local(groups[1]) && is_extension(groups[2]),
        _ => false,
    }
}

/// The number after China's country code (`+86`, `86-`), if it has one.
fn without_country(s: &str) -> &str {
    s.strip_prefix("+86")
        .or_else(|| s.strip_prefix("86-"))
        .map_or(s, |rest| rest.trim_start_matches([' ', '-']))
}

/// Whether the digits of `s`, spaces and dashes aside, are a mobile number.
fn mobile_digits(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    digits.bytes().all(|b| b.is_ascii_digit()) && is_mobile(&digits)
}

/// A full-width digit, dash, bracket, plus or space as its ASCII form (as a Chinese input
/// method types them); any other character as it is.
pub fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '－' | '—' | '–' | '‐' => '-',
        '（' => '(',
        '）' => ')',
        '\u{3000}' => ' ',
        '＋' => '+',
        _ => c,
    }
}

fn is_mobile(s: &str) -> bool {
    s.len() == 11 && s.starts_with('1') && matches!(s.as_bytes()[1], b'3'..=b'9')
}

fn is_area(s: &str) -> bool {
    (3..=4).contains(&s.len()) && s.starts_with('0')
}

fn is_local(s: &str) -> bool {
    (7..=8).contains(&s.len()) && !s.starts_with('0')
}

fn is_extension(s: &str) -> bool {
    (1..=6).contains(&s.len())
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.parse::<jiff::civil::Date>().is_ok()
}

/// `YYYY-MM` or `YYYY-MM-DD`.
pub fn is_month_or_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() == 7 {
        b[4] == b'-'
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[5..].iter().all(u8::is_ascii_digit)
            && matches!(s[5..].parse::<u8>(), Ok(1..=12))
    } else {
        is_date(s)
    }
}

/// A plausible email address: one `@`, a dotted domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// An absolute web address.
pub fn is_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !s.chars().any(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_of_the_notice_and_common_forms_are_accepted() {
        for ok in [
            "0312-3100137",
            "3100137",
            "0312-1234567",
            "03121234567",
            "0312 1234567",
            "010-12345678",
            "13912345678",
            "+86 13912345678",
            "0312-3100137-801",
            // Grouped as read out, typed on a Chinese keyboard, with brackets or 转.
            "139 1234 5678",
            "139-1234-5678",
            "+86 139 1234 5678",
            "１３９１２３４５６７８",
            "０３１２－３１００１３７",
            "(0312)3100137",
            "（0312）3100137",
            "(0312) 3100137",
            "0312-3100137转8001",
            "0312-3100137 分机 801",
        ] {
            assert!(is_phone(ok), "{ok}");
        }
    }

    #[test]
    fn malformed_phones_are_refused() {
        for bad in [
            "",
            "123",
            "1391234567",
            "12345678901",
            "0312-",
            "电话",
            "0312--3100137",
            "23912345678x",
            "139 1234 567",
            "(0312)",
            "(12)3100137",
            "13912345678转801",
            "+86 139 1234 5678转1",
            "3100137分机2转6",
            "3100137\t转1",
            "0312-3100137转",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn dates_must_exist() {
        assert!(is_date("2017-09-12"));
        assert!(!is_date("2017-02-30"));
        assert!(!is_date("2017-9-12"));
        assert!(is_month_or_date("2017-03"));
        assert!(!is_month_or_date("2017-13"));
        assert!(is_month_or_date("2017-03-01"));
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_email("bdszyjs@sina.com"));
        assert!(!is_email("bdszyjs.sina.com"));
        assert!(is_url("https://example.org/a"));
        assert!(!is_url("javascript:alert(1)"));
        assert!(!is_url("www.example.org"));
    }
}
