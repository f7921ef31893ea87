//! Laying text out for the terminal: cleaned article HTML to wrapped lines with numbered
//! links ([`render`]), the line kinds the reader styles, and the text's width in cells.
//! Extraction ([`crate::extract`]) decides what the article is; this module decides how it
//! looks at a given width.

mod html;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Kind of a rendered line, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A line of a heading.
    Heading,
    /// A line inside a block quote (starts with `> `).
    Quote,
    /// Ordinary text (paragraphs, list items, tables).
    Body,
    /// An empty separator line.
    Blank,
}

/// One rendered line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedLine {
    /// The text, at most the render width in columns (except unbreakable words).
    pub text: String,
    /// Its kind.
    pub kind: LineKind,
}

/// Rendered article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Wrapped lines; no leading/trailing or doubled blank lines.
    pub lines: Vec<RenderedLine>,
    /// Link targets; the text marker `[n]` refers to `links[n - 1]`.
    pub links: Vec<String>,
}

/// Renders cleaned HTML to wrapped lines at `width` columns (clamped to at
/// least 20) with html2text. Links become `[n]` markers listed in
/// [`Rendered::links`]; images become `[image: alt]`; headings, lists, block
/// quotes and tables keep their shape. Never panics: on failure the text is
/// rendered as plain wrapped paragraphs.
pub fn render(html: &str, width: usize) -> Rendered {
    let width = width.clamp(20, 1000);
    match catch_unwind(AssertUnwindSafe(|| html::render_html(html, width))) {
        Ok(Some(r)) => r,
        _ => catch_unwind(AssertUnwindSafe(|| html::render_fallback(html, width)))
            .unwrap_or_default(),
    }
}

/// The width of `text` in terminal cells, summed per character (combining marks and format
/// characters count 0). Measuring per character matters for Arabic script: measured as a
/// string, unicode-width counts lam-alef (`لا`) as one cell where terminals draw two.
pub fn cell_width(text: &str) -> usize {
    text.chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

/// Greedy word wrap at spaces by [`cell_width`]: the crate's one word wrapper for text it
/// lays out itself (titles, the fallback renderer). A word wider than the line stays whole on
/// a line of its own.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for word in text.split_whitespace() {
        let w = cell_width(word);
        if !line.is_empty() && line_width + 1 + w > width {
            out.push(std::mem::take(&mut line));
            line_width = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            line_width += 1;
        }
        line.push_str(word);
        line_width += w;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_per_character_and_wrapping_keeps_words_whole() {
        assert_eq!(cell_width("لا"), 2);
        assert_eq!(cell_width("e\u{301}"), 1);
        assert_eq!(
            wrap_words("لاہور، کراچی اور راولپنڈی میں بارش", 12),
            ["لاہور، کراچی", "اور راولپنڈی", "میں بارش"]
        );
        assert_eq!(wrap_words("one two three", 7), ["one two", "three"]);
        assert!(wrap_words("   ", 10).is_empty());
    }

    #[test]
    fn render_numbers_links() {
        let html = r#"<h2>Head</h2><p>See <a href="https://a.example/x">this</a> and
            <a href="https://b.example/">that</a>, again <a href="https://a.example/x">this</a>.</p>
            <blockquote><p>Quoted words here.</p></blockquote>
            <p><img src="p.jpg" alt="A cat"></p>"#;
        let r = render(html, 100);
        let all: Vec<&str> = r.lines.iter().map(|l| l.text.as_str()).collect();
        let joined = all.join("\n");
        assert!(joined.contains("this[1]"), "{joined}");
        assert!(joined.contains("that[2]"), "{joined}");
        assert_eq!(r.links, vec!["https://a.example/x", "https://b.example/"]);
        assert!(joined.contains("[image: A cat]"), "{joined}");
        assert!(r
            .lines
            .iter()
            .any(|l| l.kind == LineKind::Heading && l.text == "Head"));
        assert!(r
            .lines
            .iter()
            .any(|l| l.kind == LineKind::Quote && l.text.starts_with("> Quoted")));

        let r = render(
            "<ul><li>One item</li></ul><table><tr><th>Name</th><th>Score</th></tr>\
             <tr><td>Ann</td><td>10</td></tr></table>",
            40,
        );
        assert!(r.lines.iter().any(|l| l.text == "* One item"), "{r:?}");
        assert!(
            r.lines.iter().any(|l| l.text.contains("Name│Score")),
            "{r:?}"
        );
    }

    #[test]
    fn render_width_zero_does_not_panic() {
        let r = render("<p>Some text that needs wrapping at a tiny width.</p>", 0);
        assert!(!r.lines.is_empty());
        assert!(r.lines.iter().all(|l| l.text.chars().count() <= 20));
        let r = render("", 0);
        assert!(r.lines.is_empty());
    }
}
