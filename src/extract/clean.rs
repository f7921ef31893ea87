//! Post-cleaning of a candidate article fragment and conversion to text.
//!
//! The extractors hand back an HTML fragment. This module parses it once
//! with `dom_query`, removes page furniture that slipped through (see
//! the `prune` module), makes links absolute, strips attributes the
//! renderer does not need, sanitises text nodes and finally serialises the
//! fragment both as HTML and as plain text.

use dom_query::{Document, NodeRef};
use url::Url;

use super::dom::{compact_key, is_block, is_blockish, is_line, name_of};
use super::sanitize;

/// Elements that never carry article text.
const DROP_TAGS: &str = "script, style, noscript, template, iframe, object, embed, \
    form, button, input, select, textarea, svg, canvas, nav, link, meta, head, title, dialog";

/// A cleaned fragment.
pub(super) struct Cleaned {
    /// Cleaned HTML (inner HTML of the fragment body).
    pub html: String,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    /// Size (letters and digits) of the text that agreed with the
    /// reference, before pruning (0 without a reference).
    pub reference_chars: usize,
}

/// Cleans an article fragment and serialises it.
///
/// `reference`, when given, is the plain text that trafilatura kept; runs
/// of inline content (visual paragraphs) whose letters and digits do not
/// occur in it are dropped. This is how dom_smoothie's markup is restricted
/// to what both extractors agree on, and how trafilatura's HTML is brought
/// in line with its stricter text output.
///
/// `leading_drop` holds [`compact_key`]s of texts (headline, standfirst)
/// that are removed when they appear among the first blocks.
/// `embeds` are embedded posts to restore after their anchor paragraph.
pub(super) fn clean_fragment(
    html: &str,
    base: Option<&Url>,
    reference: Option<&str>,
    leading_drop: &[String],
    embeds: &[super::embeds::Embed],
) -> Cleaned {
    let doc = Document::from(html);
    doc.select(DROP_TAGS).remove();
    if !leading_drop.is_empty() {
        drop_leading(&doc, leading_drop);
    }
    let mut reference_chars = 0;
    if let Some(reference) = reference {
        keep_blocks_in(&doc, reference);
        if let Some(body) = doc.select("body").nodes().first() {
            reference_chars = compact_key(&body.text()).len();
        }
    }
    super::prune::prune(&doc);
    if !embeds.is_empty() {
        super::embeds::reinsert(&doc, embeds);
    }
    fix_links_and_attrs(&doc, base);
    sanitize_text_nodes(&doc);
    let body = doc.select("body");
    let root = body.nodes().first().cloned();
    match root {
        Some(root) => Cleaned {
            html: root.inner_html().to_string(),
            text: node_text(&root),
            reference_chars,
        },
        None => Cleaned {
            html: String::new(),
            text: String::new(),
            reference_chars,
        },
    }
}

/// Runs of consecutive inline children (text and inline elements) of every
/// block container outside tables, in document order. Each run is one
/// visual paragraph of text.
/// The text of a run of inline nodes.
fn run_text(run: &[NodeRef<'_>]) -> String {
    run.iter().map(|n| n.text().to_string()).collect()
}

fn inline_runs<'a>(doc: &'a Document) -> Vec<Vec<NodeRef<'a>>> {
    let mut out = Vec::new();
    let containers = doc.select("body, body *");
    for node in containers.nodes() {
        let name = name_of(node);
        if name != "body" && !is_blockish(&name) {
            continue;
        }
        if matches!(name.as_str(), "table" | "tr" | "td" | "th" | "pre") {
            continue;
        }
        let in_table = node
            .ancestors_it(None)
            .any(|a| matches!(name_of(&a).as_str(), "table" | "pre"));
        if in_table {
            continue;
        }
        let mut run: Vec<NodeRef<'a>> = Vec::new();
        for child in node.children_it(false) {
            let cname = name_of(&child);
            let is_inline = child.is_text() || (child.is_element() && !is_blockish(&cname));
            if is_inline {
                run.push(child);
            } else if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            out.push(run);
        }
    }
    out
}

/// Rule "leading": removes the headline or standfirst when repeated in the
/// first few blocks of the body.
fn drop_leading(doc: &Document, keys: &[String]) {
    // An `h1` as the very first text of the body is the page title or a
    // variant of it: the app shows the title separately. (Not `h2`: bodies
    // often open with a subheading.)
    let first_text = doc.select("body").nodes().first().and_then(|b| {
        b.descendants_it()
            .find(|n| n.is_text() && !n.text().trim().is_empty())
    });
    if let Some(t) = first_text {
        let heading = t
            .ancestors_it(None)
            .take_while(|a| !a.has_name("body"))
            .find(|a| a.has_name("h1"));
        if let Some(h) = heading {
            h.remove_from_parent();
        }
    }
    let mut seen = 0;
    for run in inline_runs(doc) {
        let key = compact_key(&run_text(&run));
        if key.is_empty() {
            continue;
        }
        let hit = keys
            .iter()
            .any(|k| *k == key || (key.len() >= 20 && k.contains(&key)));
        if hit {
            for n in &run {
                n.remove_from_parent();
            }
        }
        seen += 1;
        if seen >= 3 {
            break;
        }
    }
}

/// Drops runs of inline content whose words do not occur in `reference`.
fn keep_blocks_in(doc: &Document, reference: &str) {
    let reference = compact_key(reference);
    if reference.is_empty() {
        return;
    }
    // Runs mostly appear in the reference in order: search from the end of
    // the previous match first, then anywhere.
    let mut pos = 0;
    for run in inline_runs(doc) {
        let key = compact_key(&run_text(&run));
        if key.is_empty() {
            continue;
        }
        let found = match reference.get(pos..).and_then(|r| r.find(&key)) {
            Some(p) => {
                pos += p + key.len();
                true
            }
            None => reference.contains(&key),
        };
        if !found {
            for n in &run {
                n.remove_from_parent();
            }
        }
    }
}

/// Resolves `href`/`src` against `base`, drops unusable links and all
/// attributes the renderer does not use.
fn fix_links_and_attrs(doc: &Document, base: Option<&Url>) {
    const KEEP: &[&str] = &[
        "href", "src", "data-src", "alt", "title", "colspan", "rowspan",
    ];
    for node in doc.select("*").nodes() {
        node.retain_attrs(KEEP);
        if let Some(lazy) = node.attr("data-src") {
            if !node.has_attr("src") {
                node.set_attr("src", &lazy);
            }
            node.remove_attr("data-src");
        }
        let is_a = node.has_name("a");
        let is_img = node.has_name("img");
        if !is_a {
            node.remove_attr("href");
        }
        if is_a {
            if let Some(href) = node.attr("href") {
                match resolve(&href, base) {
                    Some(u) => node.set_attr("href", &u),
                    None => node.remove_attr("href"),
                }
            }
        } else if is_img {
            if let Some(src) = node.attr("src") {
                match resolve(&src, base) {
                    Some(u) => node.set_attr("src", &u),
                    None => node.remove_attr("src"),
                }
            }
        } else {
            node.remove_attr("src");
        }
    }
}

/// Resolves a link; `None` for `javascript:`, fragment-only and empty links.
fn resolve(raw: &str, base: Option<&Url>) -> Option<String> {
    let raw = sanitize(raw.trim());
    if raw.is_empty() || raw.starts_with('#') {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("javascript:") || lower.starts_with("data:") {
        return None;
    }
    match Url::parse(&raw) {
        Ok(u) => Some(u.to_string()),
        Err(_) => base.and_then(|b| b.join(&raw).ok()).map(|u| u.to_string()),
    }
}

/// Removes control, escape and bidi-override characters from text nodes.
fn sanitize_text_nodes(doc: &Document) {
    for node in doc.select("body").nodes() {
        for d in node.descendants() {
            if d.is_text() {
                let t = d.text();
                if t.chars().any(needs_sanitize) {
                    d.set_text(sanitize(&t));
                }
            }
        }
    }
}

fn needs_sanitize(c: char) -> bool {
    crate::text::is_unsafe_char(c) || c == '\r'
}

/// Accumulates text with collapsed whitespace and paragraph breaks.
#[derive(Default)]
struct TextBuilder {
    out: String,
    /// 0 = none, 1 = line break, 2 = paragraph break.
    pending_break: u8,
    pending_space: bool,
}

impl TextBuilder {
    fn brk(&mut self, level: u8) {
        self.pending_break = self.pending_break.max(level);
    }
    fn push(&mut self, t: &str, pre: bool) {
        if pre {
            for (i, line) in t.split('\n').enumerate() {
                if i > 0 {
                    self.brk(1);
                }
                if !line.trim().is_empty() {
                    self.flush_sep();
                    self.out.push_str(line.trim_end());
                }
            }
            return;
        }
        if t.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        let mut any = false;
        for w in t.split_whitespace() {
            if any {
                self.pending_space = true;
            }
            self.flush_sep();
            self.out.push_str(w);
            any = true;
        }
        if any && t.ends_with(char::is_whitespace) {
            self.pending_space = true;
        }
    }
    fn flush_sep(&mut self) {
        if !self.out.is_empty() {
            match self.pending_break {
                2 => self.out.push_str("\n\n"),
                1 => self.out.push('\n'),
                _ => {
                    if self.pending_space {
                        self.out.push(' ');
                    }
                }
            }
        }
        self.pending_break = 0;
        self.pending_space = false;
    }
}

/// Plain text of a node: block elements become paragraphs separated by a
/// blank line, list items and table rows lines; images are skipped.
pub(super) fn node_text(root: &NodeRef) -> String {
    let mut tb = TextBuilder::default();
    // Explicit stack (node, leaving, inside <pre>) to survive deep nesting.
    let mut stack: Vec<(NodeRef, bool, bool)> = vec![(*root, false, false)];
    while let Some((node, leaving, pre)) = stack.pop() {
        if node.is_text() {
            tb.push(&node.text(), pre);
            continue;
        }
        if !node.is_element() && !node.is_document() && !node.is_fragment() {
            continue;
        }
        let name = node
            .node_name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if leaving {
            if is_block(&name) {
                tb.brk(2);
            } else if is_line(&name) {
                tb.brk(1);
            } else if name == "td" || name == "th" {
                tb.pending_space = true;
            }
            continue;
        }
        if is_block(&name) {
            tb.brk(2);
        } else if is_line(&name) {
            tb.brk(1);
        }
        let pre_here = pre || name == "pre";
        stack.push((node, true, pre_here));
        let children: Vec<NodeRef> = node.children();
        for c in children.into_iter().rev() {
            stack.push((c, false, pre_here));
        }
    }
    tb.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str, leading: &[String]) -> Cleaned {
        let base = Url::parse("https://news.example/2026/story").unwrap();
        clean_fragment(html, Some(&base), None, leading, &[])
    }

    #[test]
    fn links_become_absolute_and_script_links_go() {
        let c = clean(
            "<p>See <a href=\"/other\">this</a> and <a href=\"javascript:alert(1)\">that</a>.</p>",
            &[],
        );
        assert!(
            c.html.contains("href=\"https://news.example/other\""),
            "{}",
            c.html
        );
        assert!(!c.html.contains("javascript:"), "{}", c.html);
        assert_eq!(c.text, "See this and that.");
    }

    #[test]
    fn forms_frames_and_navigation_are_dropped() {
        let c = clean(
            "<nav><a href=\"/\">Home</a></nav><p>Body text.</p><form><input>Subscribe</form>\
             <iframe src=\"x\">frame</iframe>",
            &[],
        );
        assert_eq!(c.text, "Body text.");
    }

    #[test]
    fn the_standfirst_repeated_at_the_top_is_dropped() {
        let standfirst = "The short summary of the story.";
        let c = clean(
            &format!("<p>{standfirst}</p><p>The first real paragraph.</p>"),
            &[compact_key(standfirst)],
        );
        assert_eq!(c.text, "The first real paragraph.");
    }

    #[test]
    fn text_nodes_lose_escape_sequences_and_paragraphs_stay_apart() {
        let c = clean(
            "<p>one\u{1b}[31m red</p><h2>Two</h2><ul><li>a</li><li>b</li></ul>",
            &[],
        );
        assert!(!c.text.contains('\u{1b}'), "{:?}", c.text);
        assert!(c.text.starts_with("one"), "{:?}", c.text);
        assert!(c.text.contains("\n\nTwo\n\n"), "{:?}", c.text);
        assert!(c.text.contains("a\nb"), "{:?}", c.text);
    }
}
