//! Bounds what the extractors are given, before any of them parses the page: element nesting
//! flattened below a depth no real article reaches, and a cap on bytes and tags. The DOM
//! libraries recurse per nesting level (10,000 nested `<b>` overflow the stack) and slow down
//! with the square of the depth, so a hostile page must be cut down first, in one linear scan.
//!
//! The scan works on the text: tags deeper than [`MAX_DEPTH`] are dropped (their contents
//! stay, so no word is lost), and so are their matching end tags. Cuts happen only at ASCII
//! `<` and `>`, so slices stay on UTF-8 boundaries.

use std::borrow::Cow;

/// Deepest element nesting kept. Real news pages nest 20 to 40 levels.
pub const MAX_DEPTH: usize = 128;

/// Most bytes of a page given to the extractors (after scripts and styles are stripped).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// Most tags given to the extractors; the rest of the page is cut.
pub const MAX_TAGS: usize = 200_000;

/// Elements that carry the article itself: kept a little beyond [`MAX_DEPTH`] so that the
/// paragraph at the bottom of a hostile nest still reaches the extractors as a paragraph.
const CONTENT: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "br",
    "a",
    "article",
];

/// Extra levels allowed for [`CONTENT`] elements.
const CONTENT_ALLOWANCE: usize = 16;

/// Most nested lists and quotes kept. Each level indents the text when it is laid out, so a
/// few dozen would leave no room for the words; real articles nest three or four. Deeper
/// ones are dropped (their items join the deepest list kept; a `<li>` closes the one before).
pub const MAX_INDENT: usize = 8;

/// Elements that indent what they hold when laid out.
const INDENTING: &[&str] = &["ul", "ol", "dl", "dd", "menu", "blockquote"];

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The page with nesting, bytes and tags bounded; borrowed when nothing had to change.
pub fn bound(html: &str) -> Cow<'_, str> {
    let html = if html.len() > MAX_BYTES {
        let mut end = MAX_BYTES;
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        &html[..end]
    } else {
        html
    };
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Open elements: name and whether its start tag was kept.
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut kept_depth = 0; // open elements whose start tag was kept
    let mut kept_indent = 0; // of them, lists and quotes
    let mut copied = 0; // bytes of `html` already reflected in `out`
    let mut tags = 0;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + offset;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(bytes.len(), |e| start + e + 3);
            continue;
        }
        let Some(len) = bytes[start..].iter().position(|&b| b == b'>') else {
            break;
        };
        let end = start + len + 1;
        i = end;
        let tag = &html[start + 1..end - 1];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue; // `<!DOCTYPE>`, `<?xml>`, or a stray `<`
        }
        tags += 1;
        if tags > MAX_TAGS {
            let kept = out.get_or_insert_with(String::new);
            kept.push_str(&html[copied..start]);
            copied = bytes.len();
            break;
        }
        let indenting = INDENTING.contains(&name.as_str());
        let fits = (kept_depth < MAX_DEPTH
            || (CONTENT.contains(&name.as_str()) && kept_depth < MAX_DEPTH + CONTENT_ALLOWANCE))
            && !(indenting && kept_indent >= MAX_INDENT);
        let keep = if closing {
            // Look for the element a few levels up at most; farther is a stray end tag, and a
            // full search per stray tag would make the scan quadratic.
            let window = open.len().saturating_sub(256);
            match open[window..].iter().rposition(|(n, _)| *n == name) {
                Some(at) => {
                    let at = window + at;
                    let kept = open[at].1;
                    kept_depth -= open[at..].iter().filter(|(_, k)| *k).count();
                    kept_indent -= open[at..]
                        .iter()
                        .filter(|(n, k)| *k && INDENTING.contains(&n.as_str()))
                        .count();
                    open.truncate(at);
                    kept
                }
                None => true,
            }
        } else if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            fits
        } else {
            open.push((name, fits));
            kept_depth += usize::from(fits);
            kept_indent += usize::from(fits && indenting);
            fits
        };
        if !keep {
            let kept = out.get_or_insert_with(String::new);
            kept.push_str(&html[copied..start]);
            copied = end;
        }
    }
    match out {
        None if html.len() == copied || copied == 0 => Cow::Borrowed(html),
        None => Cow::Borrowed(html),
        Some(mut kept) => {
            if copied < html.len() {
                kept.push_str(&html[copied..]);
            }
            Cow::Owned(kept)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of(html: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        for part in html.split('<').skip(1) {
            if part.starts_with('/') {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        deepest
    }

    #[test]
    fn ordinary_pages_pass_untouched() {
        let page = "<html><body><article><p>One <b>two</b><br> three</p><!-- <x> --></article></body></html>";
        assert!(matches!(bound(page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_and_no_text_is_lost() {
        for tag in ["b", "div", "span"] {
            let n = 10_000;
            let page = format!(
                "<html><body>{}<p>The one paragraph.</p>{}</body></html>",
                format!("<{tag}>").repeat(n),
                format!("</{tag}>").repeat(n)
            );
            let bounded = bound(&page);
            assert!(depth_of(&bounded) <= MAX_DEPTH + CONTENT_ALLOWANCE, "{tag}");
            assert!(bounded.contains("<p>The one paragraph.</p>"), "{tag}");
            assert!(bounded.ends_with("</body></html>"), "{tag}");
        }
    }

    #[test]
    fn the_extractor_survives_deep_pages_quickly() {
        let body = "<p>The council met in Quetta on Monday and agreed the budget for the coming \
            year after a long debate about schools, roads and water for the districts.</p>"
            .repeat(5);
        for (open, close) in [
            ("<b>", "</b>"),
            ("<div>", "</div>"),
            ("<table><tr><td>", "</td></tr></table>"),
        ] {
            let n = 10_000;
            let page = format!(
                "<html><body>{}<article>{body}</article>{}</body></html>",
                open.repeat(n),
                close.repeat(n)
            );
            let start = std::time::Instant::now();
            let result = crate::extract::extract(&page, None, None);
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "{open}"
            );
            let text = result.map(|e| e.text).unwrap_or_default();
            assert!(text.contains("agreed the budget"), "{open}: {text:?}");
        }
    }

    #[test]
    fn deep_lists_and_quotes_keep_a_few_levels_and_every_item() {
        let n = 10_000;
        for (open, close) in [
            ("<ul><li>", "</li></ul>"),
            ("<blockquote>", "</blockquote>"),
        ] {
            let page = format!("{}<p>Deep text.</p>{}", open.repeat(n), close.repeat(n));
            let bounded = bound(&page);
            let lists = bounded.matches(&open[..open.len().min(4)]).count();
            assert_eq!(lists, MAX_INDENT, "{open}");
            assert!(bounded.contains("Deep text."), "{open}");
            // Laid out, the text still has the width to itself.
            let text = crate::render::plain_text(&page, 60);
            let line = text.lines().find(|l| l.contains("Deep text.")).unwrap();
            assert!(line.len() < 60, "{open}: {line:?}");
        }
        // Shallow lists are untouched.
        let page = "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>";
        assert!(matches!(bound(page), Cow::Borrowed(_)));
    }

    #[test]
    fn tables_nested_deep_keep_their_cells_text() {
        let n = 5_000;
        let page = format!(
            "{}cell text{}",
            "<table><tr><td>".repeat(n),
            "</td></tr></table>".repeat(n)
        );
        let bounded = bound(&page);
        assert!(depth_of(&bounded) <= MAX_DEPTH + CONTENT_ALLOWANCE);
        assert!(bounded.contains("cell text"));
    }

    #[test]
    fn huge_pages_are_cut_to_the_byte_and_tag_caps() {
        let page = "<p>word</p>".repeat(MAX_TAGS);
        let bounded = bound(&page);
        assert!(bounded.len() < page.len());
        assert!(bounded.matches('<').count() <= MAX_TAGS);
        let long = "ا".repeat(MAX_BYTES);
        assert!(bound(&long).len() <= MAX_BYTES);
    }
}
