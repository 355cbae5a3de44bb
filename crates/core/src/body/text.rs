//! A body's plain text, as a reader reads it: the words of every heading, paragraph, list item and
//! table cell, one block to a line, without markup, link targets or raw HTML.

use pulldown_cmark::{Event, TagEnd};

#[derive(Debug, Default)]
pub(super) struct Text {
    out: String,
    /// Inside a `<script>` or `<style>` written inline in a paragraph: its content comes as text
    /// between two pieces of raw HTML, and the page drops it (the sanitiser removes the element
    /// and what it holds), so the search must not find it either.
    hidden: bool,
}

impl Text {
    /// For a body of `len` bytes: its text is about as long, made room for at once.
    pub(super) fn with_capacity(len: usize) -> Self {
        Text {
            out: String::with_capacity(len),
            hidden: false,
        }
    }

    pub(super) fn feed(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) if !self.hidden => self.out.push_str(t),
            Event::InlineHtml(html) | Event::Html(html) => {
                let html = html.to_ascii_lowercase();
                if html.contains("</script") || html.contains("</style") {
                    self.hidden = false;
                } else if html.starts_with("<script") || html.starts_with("<style") {
                    self.hidden = true;
                }
            }
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
