//! How text from feeds is written to stdout: in visual order on a terminal when
//! `display.bidi` is on (the TUI's layout), with each right-to-left field isolated on a
//! terminal that applies bidi itself, and in logical order to pipes and files, where editors
//! and other programs do their own bidi.

use std::io::IsTerminal;

use crate::render::bidi::{self, Direction};
use crate::text::sanitize;

/// The way text reaches stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A terminal that draws cells left to right: visual order.
    Visual,
    /// A terminal that reorders by itself: logical order, right-to-left fields isolated.
    Isolated,
    /// A pipe or a file: logical order, untouched.
    Logical,
}

impl Output {
    /// The way for stdout under `display.bidi`.
    pub fn for_stdout(bidi: bool) -> Self {
        Self::choose(std::io::stdout().is_terminal(), bidi)
    }

    fn choose(terminal: bool, bidi: bool) -> Self {
        match (terminal, bidi) {
            (false, _) => Self::Logical,
            (true, true) => Self::Visual,
            (true, false) => Self::Isolated,
        }
    }

    /// One field (a title, an outlet name), sanitised, on one line.
    pub fn field(self, text: &str) -> String {
        let text = sanitize(text);
        match self {
            Self::Logical => text,
            Self::Visual => bidi::visual(&text, Direction::Ltr).text,
            Self::Isolated => bidi::isolate(&text),
        }
    }

    /// One line of a document (a saved article's Markdown), right-aligned within `width`
    /// cells when it runs right to left; wrapped lines keep the reading order.
    pub fn line(self, text: &str, width: usize) -> Vec<String> {
        match self {
            Self::Logical => vec![text.to_string()],
            Self::Visual | Self::Isolated => {
                bidi::layout(text, width, Direction::Ltr, self == Self::Visual)
                    .into_iter()
                    .map(|l| match (self, l.rtl) {
                        (Self::Visual, true) => l.aligned(width).trim_end().to_string(),
                        (Self::Isolated, true) => bidi::isolate(&l.text),
                        _ => l.text,
                    })
                    .collect()
            }
        }
    }
}

/// The terminal's width in columns (80 when it cannot be asked).
pub fn terminal_width() -> usize {
    ratatui::crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w).max(20))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLE: &str = "ٹی ٹی پی (TTP) کے حملے";

    #[test]
    fn pipes_get_logical_order_and_terminals_follow_display_bidi() {
        assert_eq!(Output::choose(false, true), Output::Logical);
        assert_eq!(Output::choose(true, true), Output::Visual);
        assert_eq!(Output::choose(true, false), Output::Isolated);
        assert_eq!(Output::Logical.field(TITLE), TITLE);
        assert_eq!(Output::Visual.field(TITLE), "ےلمح ےک (TTP) یپ یٹ یٹ");
        assert_eq!(
            Output::Isolated.field(TITLE),
            format!("{}{TITLE}{}", bidi::FSI, bidi::PDI)
        );
        // Left-to-right text is never touched.
        assert_eq!(Output::Isolated.field("Dawn"), "Dawn");
        // Hostile text is sanitised in every mode.
        assert_eq!(Output::Logical.field("a\u{1b}[2Jb\u{202e}c"), "abc");
    }

    #[test]
    fn document_lines_are_right_aligned_and_wrapped_on_a_terminal() {
        let lines = Output::Visual.line(TITLE, 30);
        assert_eq!(lines, [format!("{:>30}", "ےلمح ےک (TTP) یپ یٹ یٹ")]);
        assert_eq!(Output::Logical.line(TITLE, 10), [TITLE]);
        assert_eq!(Output::Visual.line("# Heading", 30), ["# Heading"]);
        assert!(Output::Visual.line(TITLE, 10).len() > 1);
    }
}
