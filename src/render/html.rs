//! Terminal rendering of cleaned article HTML with `html2text`.
//!
//! Links are numbered before rendering (the `<a>` elements are replaced by
//! their content followed by a `[n]` marker), so the numbering is stable and
//! in document order. Headings and block quotes are recognised through
//! marker characters emitted by a custom [`TextDecorator`] as line
//! prefixes; the markers are removed again from the final lines. The
//! markers are ASCII control characters (RS, US): html2text checks in debug
//! builds that a prefix's byte length equals its display width, which holds
//! for them, and they cannot occur in input text (they are filtered out
//! first).

use dom_query::Document;
use html2text::render::TextDecorator;

use super::{LineKind, Rendered, RenderedLine};
use crate::extract::{sanitize, sanitize_inline};

/// Prefix emitted for every line of a heading (ASCII RS).
const HEADING_MARK: char = '\u{1e}';
/// Prefix emitted for every line of a block quote (ASCII US).
const QUOTE_MARK: char = '\u{1f}';
/// What a quote marker becomes in the final line.
const QUOTE_PREFIX: &str = "> ";

/// Decorator that produces no inline markup, `[image: alt]` for images and
/// marker prefixes for headings and quotes.
#[derive(Clone, Debug, Default)]
struct Decorator;

impl TextDecorator for Decorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, Self::Annotation) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) -> Self::Annotation {}
    fn decorate_preformat_cont(&self) -> Self::Annotation {}
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, Self::Annotation) {
        let alt = sanitize_inline(title);
        if alt.is_empty() {
            (String::new(), ())
        } else {
            (format!("[image: {alt}]"), ())
        }
    }
    fn header_prefix(&self, _level: usize) -> String {
        HEADING_MARK.to_string()
    }
    fn quote_prefix(&self) -> String {
        format!("{QUOTE_MARK} ")
    }
    // ASCII only: html2text mixes byte length and display width of list
    // prefixes (a `•` bullet underflows in debug builds).
    fn unordered_item_prefix(&self) -> String {
        "* ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        Decorator
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<html2text::render::TaggedLine<()>> {
        Vec::new()
    }
}

/// Replaces every link by its content plus a `[n]` marker and every image
/// by `[image: alt]`; returns the rewritten HTML with the list of link targets (index `n - 1`).
fn number_links(html: &str) -> (String, Vec<String>) {
    let doc = Document::from(html);
    let mut links: Vec<String> = Vec::new();
    for a in doc.select("a").nodes() {
        let href = a
            .attr("href")
            .map(|h| sanitize_inline(&h))
            .unwrap_or_default();
        let usable = !href.is_empty()
            && !href.starts_with('#')
            && !href.to_ascii_lowercase().starts_with("javascript:");
        let has_text = !a.text().trim().is_empty();
        if usable && has_text {
            let n = match links.iter().position(|l| *l == href) {
                Some(i) => i + 1,
                None => {
                    links.push(href);
                    links.len()
                }
            };
            a.append_html(format!("[{n}]"));
        }
        a.rename("span");
        a.remove_all_attrs();
    }
    // Images become an inline `[image: alt]` text (html2text would skip an
    // image without `src`); images without alt text are dropped.
    for img in doc.select("img").nodes() {
        let alt = img
            .attr("alt")
            .map(|a| sanitize_inline(&a))
            .unwrap_or_default();
        if alt.is_empty() {
            img.remove_from_parent();
        } else {
            img.replace_with_html(format!("<span>[image: {}]</span>", escape_html(&alt)));
        }
    }
    let body = doc.select("body");
    let out = if body.exists() {
        body.inner_html().to_string()
    } else {
        doc.html().to_string()
    };
    (out, links)
}

/// Escapes text for inclusion in HTML.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The rendering proper; may return `None` when html2text reports an error.
pub(super) fn render_html(html: &str, width: usize) -> Option<Rendered> {
    let cleaned: String = html
        .chars()
        .filter(|c| *c != HEADING_MARK && *c != QUOTE_MARK)
        .collect();
    let (numbered, links) = number_links(&cleaned);
    let text = html2text::config::with_decorator(Decorator)
        // Overflow (an over-long word) instead of failing with TooNarrow.
        .allow_width_overflow()
        .string_from_read(numbered.as_bytes(), width)
        .ok()?;
    let mut lines: Vec<RenderedLine> = Vec::new();
    for raw in text.lines() {
        let heading = raw.contains(HEADING_MARK);
        let quote = raw.contains(QUOTE_MARK);
        let mut s = String::with_capacity(raw.len());
        for c in raw.chars() {
            match c {
                HEADING_MARK => {}
                QUOTE_MARK => s.push_str(QUOTE_PREFIX.trim_end()),
                '\t' => s.push(' '),
                _ => s.push(c),
            }
        }
        let s = sanitize(&s).replace(['\n', '\t'], " ");
        let s = s.trim_end().to_string();
        let stripped_quote = s.trim_start_matches(['>', ' ']);
        let kind = if s.trim().is_empty() || (quote && stripped_quote.is_empty()) {
            LineKind::Blank
        } else if heading {
            LineKind::Heading
        } else if quote {
            LineKind::Quote
        } else {
            LineKind::Body
        };
        if kind == LineKind::Blank {
            if lines.last().is_none_or(|l| l.kind == LineKind::Blank) {
                continue;
            }
            lines.push(RenderedLine {
                text: String::new(),
                kind,
                rtl: false,
                visual: None,
            });
        } else {
            lines.push(RenderedLine {
                text: s,
                kind,
                rtl: false,
                visual: None,
            });
        }
    }
    while lines.last().is_some_and(|l| l.kind == LineKind::Blank) {
        lines.pop();
    }
    Some(Rendered { lines, links })
}

/// Fallback rendering: strips tags crudely and word-wraps paragraphs.
pub(super) fn render_fallback(html: &str, width: usize) -> Rendered {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                let t = tag.trim_start_matches('/').to_ascii_lowercase();
                let name: String = t
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if matches!(
                    name.as_str(),
                    "p" | "div" | "br" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "tr"
                ) {
                    text.push_str("\n\n");
                }
                tag.clear();
            } else if tag.len() < 64 {
                tag.push(c);
            }
        } else if c == '<' {
            in_tag = true;
        } else {
            text.push(c);
        }
    }
    let text = html_escape::decode_html_entities(&text).replace('\u{a0}', " ");
    let text = sanitize(&text);
    let mut lines: Vec<RenderedLine> = Vec::new();
    for para in text.split("\n\n") {
        let words: Vec<&str> = para.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(RenderedLine {
                text: String::new(),
                kind: LineKind::Blank,
                rtl: false,
                visual: None,
            });
        }
        for text in super::wrap_words(&words.join(" "), width) {
            lines.push(RenderedLine {
                text,
                kind: LineKind::Body,
                rtl: false,
                visual: None,
            });
        }
    }
    Rendered {
        lines,
        links: Vec::new(),
    }
}
