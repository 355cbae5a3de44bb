//! Plain-text tables for the terminal, aligned by display width (a Chinese character is two
//! columns wide).

/// Render rows under a header; columns listed in `right` are right-aligned (numbers).
pub fn render(header: &[String], rows: &[Vec<String>], right: &[usize]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate().take(columns) {
            let pad = " ".repeat(widths[i] - width(cell));
            if right.contains(&i) {
                out.push_str(&pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                if i + 1 < columns {
                    out.push_str(&pad);
                }
            }
            if i + 1 < columns {
                out.push_str("  ");
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// Columns a string takes in a terminal: East Asian wide and fullwidth characters take two.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_lines_up() {
        let header = vec!["单位".to_string(), "n".to_string()];
        let rows = vec![
            vec!["莲池区总工会".to_string(), "2".to_string()],
            vec!["ab".to_string(), "10".to_string()],
        ];
        let out = render(&header, &rows, &[1]);
        let widths: Vec<usize> = out.lines().map(width).collect();
        assert_eq!(widths, [16, 16, 16, 16], "{out}");
    }
}
