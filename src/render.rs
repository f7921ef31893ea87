//! Laying text out for the terminal: cleaned article HTML to wrapped lines with numbered
//! links ([`render`]), the line kinds the reader styles, and the text's width in cells.
//! Extraction ([`crate::extract`]) decides what the article is; this module decides how it
//! looks at a given width.

pub mod bidi;
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
    /// The text, at most the render width in cells (a word longer than a line is broken).
    pub text: String,
    /// Its kind.
    pub kind: LineKind,
    /// Whether its paragraph runs right to left (the reader right-aligns it). The text itself
    /// stays in logical order; the view reorders it for display.
    pub rtl: bool,
    /// The line in visual order, for lines that hold right-to-left text: reordered with the
    /// levels of its whole paragraph (UAX #9 resolves a paragraph, then reorders each line).
    pub visual: Option<String>,
}

/// Rendered article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Wrapped lines; no leading/trailing or doubled blank lines.
    pub lines: Vec<RenderedLine>,
    /// Link targets; the text marker `[n]` refers to `links[n - 1]`.
    pub links: Vec<String>,
}

/// The plain text of `html` laid out at `width` columns, lines joined by newlines (logical
/// order: for the clipboard, pipes and fallbacks).
pub fn plain_text(html: &str, width: usize) -> String {
    render(html, width)
        .lines
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders cleaned HTML to wrapped lines at `width` columns (clamped to at
/// least 20) with html2text. Links become `[n]` markers listed in
/// [`Rendered::links`]; images become `[image: alt]`; headings, lists, block
/// quotes and tables keep their shape. Never panics: on failure the text is
/// rendered as plain wrapped paragraphs.
pub fn render(html: &str, width: usize) -> Rendered {
    let width = width.clamp(20, 1000);
    // Feed and saved text never went through extraction: bound its nesting here too (the
    // layout recurses per level and indents per list).
    let html = crate::extract::bound::bound(html);
    let html = html.as_ref();
    let mut rendered = match catch_unwind(AssertUnwindSafe(|| html::render_html(html, width))) {
        Ok(Some(r)) => r,
        _ => catch_unwind(AssertUnwindSafe(|| html::render_fallback(html, width)))
            .unwrap_or_default(),
    };
    reflow_bidi_paragraphs(&mut rendered, width);
    fit_width(&mut rendered, width);
    rendered
}

/// Breaks every line still wider than `width` with [`bidi::wrap`]. html2text lets deep list
/// and quote prefixes and long words overflow (40 nested lists gave an 81-cell line at width
/// 20, found by fuzzing); the reader and the CLI promise lines within the width.
fn fit_width(rendered: &mut Rendered, width: usize) {
    let fits = |l: &RenderedLine| {
        cell_width(&l.text) <= width && l.visual.as_deref().is_none_or(|v| cell_width(v) <= width)
    };
    if rendered.lines.iter().all(fits) {
        return;
    }
    let lines = std::mem::take(&mut rendered.lines);
    let mut out = Vec::with_capacity(lines.len() + 16);
    for line in lines {
        if fits(&line) {
            out.push(line);
            continue;
        }
        let dir = if line.rtl {
            bidi::Direction::Rtl
        } else {
            bidi::Direction::Ltr
        };
        let pieces = bidi::wrap(&line.text, width);
        if pieces.is_empty() {
            // Only spaces: one empty line of the same kind keeps the layout.
            out.push(RenderedLine {
                text: String::new(),
                visual: line.visual.as_ref().map(|_| String::new()),
                ..line
            });
            continue;
        }
        for piece in pieces {
            out.push(RenderedLine {
                visual: line
                    .visual
                    .as_ref()
                    .map(|_| bidi::visual_in(&piece, dir).text),
                text: piece,
                kind: line.kind,
                rtl: line.rtl,
            });
        }
    }
    rendered.lines = out;
}

/// Re-wraps every paragraph that holds right-to-left text with [`bidi::wrap`]: html2text
/// measures strings (so Arabic-script lines overflow) and may break inside a word. Lines of a
/// right-to-left paragraph are marked [`RenderedLine::rtl`].
fn reflow_bidi_paragraphs(rendered: &mut Rendered, width: usize) {
    if !rendered.lines.iter().any(|l| bidi::has_rtl(&l.text)) {
        return;
    }
    let mut out: Vec<RenderedLine> = Vec::with_capacity(rendered.lines.len());
    let mut i = 0;
    let lines = &rendered.lines;
    while i < lines.len() {
        let kind = lines[i].kind;
        let mut j = i + 1;
        if matches!(kind, LineKind::Body | LineKind::Heading) {
            while j < lines.len() && lines[j].kind == kind {
                j += 1;
            }
        }
        let group = &lines[i..j];
        if group.iter().any(|l| bidi::has_rtl(&l.text)) && kind != LineKind::Quote {
            let paragraph = group
                .iter()
                .map(|l| l.text.trim())
                .collect::<Vec<_>>()
                .join(" ");
            let logical = bidi::layout(&paragraph, width, bidi::Direction::Ltr, false);
            let visual = bidi::layout(&paragraph, width, bidi::Direction::Ltr, true);
            out.extend(logical.into_iter().zip(visual).map(|(l, v)| RenderedLine {
                text: l.text,
                kind,
                rtl: l.rtl,
                visual: Some(v.text),
            }));
        } else {
            out.extend(group.iter().cloned());
        }
        i = j;
    }
    rendered.lines = out;
}

/// The width of `text` in terminal cells, summed per character (combining marks and format
/// characters count 0). Measuring per character matters for Arabic script: measured as a
/// string, unicode-width counts lam-alef (`لا`) as one cell where terminals draw two.
pub fn cell_width(text: &str) -> usize {
    bidi::width(text)
}

/// Word wrap by [`cell_width`] at line-break opportunities (UAX #14), the crate's one word
/// wrapper for text it lays out itself (titles, the fallback renderer, right-to-left
/// paragraphs): see [`bidi::wrap`].
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    bidi::wrap(&flat, width)
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
    fn deep_lists_quotes_and_long_words_stay_within_the_width() {
        let lists = format!(
            "{}a long enough line of words to wrap{}",
            "<ul><li>".repeat(40),
            "</li></ul>".repeat(40)
        );
        let quotes = format!(
            "{}quoted words{}",
            "<blockquote>".repeat(30),
            "</blockquote>".repeat(30)
        );
        let word = format!("<p>{}</p><p>سلام {}</p>", "x".repeat(70), "ب".repeat(70));
        for html in [lists, quotes, word] {
            let r = render(&html, 20);
            assert!(!r.lines.is_empty(), "{html}");
            for l in &r.lines {
                assert!(cell_width(&l.text) <= 20, "{:?} in {r:?}", l.text);
                assert!(l.visual.as_deref().is_none_or(|v| cell_width(v) <= 20));
            }
            // html2text itself may cut a word under a deep prefix (`quo`, `ted`): no letter
            // may be lost.
            let text: String = r
                .lines
                .iter()
                .flat_map(|l| l.text.chars())
                .filter(|c| !matches!(c, '>' | '*' | ' '))
                .collect();
            for w in ["towrap", "quotedwords", &"x".repeat(70), &"ب".repeat(70)] {
                if html.replace(' ', "").contains(w) {
                    assert!(text.contains(w), "{w} lost: {r:?}");
                }
            }
        }
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
