//! A body's plain text, as a reader reads it: the words of every heading, paragraph, list item and
//! table cell, one block to a line, without markup, link targets or raw HTML.

use pulldown_cmark::{Event, TagEnd};

#[derive(Debug, Default)]
pub(super) struct Text {
    out: String,
}

impl Text {
    /// For a body of `len` bytes: its text is about as long, made room for at once.
    pub(super) fn with_capacity(len: usize) -> Self {
        Text {
            out: String::with_capacity(len),
        }
    }

    pub(super) fn feed(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.out.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.space(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => self.space('\n'),
            _ => {}
        }
    }

    /// One separator between words, a line break winning over a space.
    fn space(&mut self, sep: char) {
        match self.out.chars().last() {
            None | Some('\n') => {}
            Some(' ') if sep == '\n' => {
                self.out.pop();
                self.out.push('\n');
            }
            Some(' ') => {}
            Some(_) => self.out.push(sep),
        }
    }

    pub(super) fn finish(mut self) -> String {
        let end = self.out.trim_end().len();
        self.out.truncate(end);
        self.out
    }
}
