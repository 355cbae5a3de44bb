//! The roster as an Excel workbook: one sheet, the title above a frozen header row with an autofilter, column
//! widths measured for Chinese text, and fixed document dates so that the same roster gives the
//! same bytes.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use shenbao_core::labels::label;
use shenbao_core::lang::Lang;
use shenbao_core::roster::Roster;

/// The workbook of a roster, its words in `lang`. `title` heads the sheet's print header.
pub fn roster(roster: &Roster, title: &str, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let headers = shenbao_core::roster::columns(lang);
    let sheet_name = label("roster", lang);
    let mut workbook = Workbook::new();
    // Fast compression: the roster is rebuilt with every site, and level 1 is a fraction of
    // the default's time for a file a few percent larger.
    workbook.set_zip_compression_level(1);
    // A fixed date: the workbook would otherwise carry the time it was written.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&epoch),
    );
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2DCDB");
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    // The title above the table, as on the printed roster (附件2).
    let heading = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let last_col = headers.len() as u16 - 1;
    let joint = label("title_joint", lang);
    sheet.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{title}{joint}{sheet_name}"),
        &heading,
    )?;
    sheet.set_row_height(0, 28)?;
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *h, &head)?;
    }
    let mut row = 1u32;
    for unit in &roster.units {
        for e in &unit.entries {
            row += 1;
            let category = e.category_label();
            sheet.write_number_with_format(row, 0, e.no as f64, &cell)?;
            let texts = [
                unit.name.as_str(),
                e.title.as_str(),
                category.trim(),
                e.contact.as_str(),
                e.phone.as_str(),
                e.implementing_unit.as_deref().unwrap_or(""),
            ];
            for (i, text) in texts.iter().enumerate() {
                sheet.write_string_with_format(row, i as u16 + 1, *text, &cell)?;
                widths[i + 1] = widths[i + 1].max(display_width(text));
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        // Excel's unit is about one Latin character; wide text is capped and wraps.
        sheet.set_column_width(col as u16, (*w as f64 + 2.0).min(50.0))?;
    }
    sheet.set_freeze_panes(2, 0)?;
    sheet.autofilter(1, 0, row, last_col)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_repeat_rows(1, 1)?;
    sheet.set_print_fit_to_pages(1, 0);
    workbook.save_to_buffer()
}

/// Columns a text takes: CJK and other wide characters count two, as Excel draws them.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shenbao_core::roster::{RosterEntry, RosterUnit};

    fn sample() -> Roster {
        Roster {
            units: vec![RosterUnit {
                id: "lianchi".into(),
                name: "莲池区总工会".into(),
                leader: None,
                entries: vec![RosterEntry {
                    no: 1,
                    id: "lianchi/a".into(),
                    title: "打造“指尖上的工会”".into(),
                    category: "12".into(),
                    category_name: "网上工会".into(),
                    contact: "张三".into(),
                    phone: "0312-1234567".into(),
                    implementing_unit: None,
                }],
            }],
        }
    }

    #[test]
    fn chinese_counts_double_width() {
        assert_eq!(display_width("序号"), 4);
        assert_eq!(display_width("0312-1234567"), 12);
        assert_eq!(display_width("“指尖”"), 6);
    }

    #[test]
    fn the_workbook_is_a_zip_and_the_same_roster_gives_the_same_bytes() {
        let a = roster(&sample(), "t", Lang::Zh).unwrap();
        let b = roster(&sample(), "t", Lang::Zh).unwrap();
        assert_eq!(&a[..2], b"PK");
        assert_eq!(a, b);
    }
}
