//! Recovery of embedded posts (tweets, Instagram posts).
//!
//! Publishers embed social posts as `<blockquote class="twitter-tweet">`
//! inside wrappers whose class names ("social-embed") make both extractors
//! drop them, although the quoted text is part of the story. Each embed is
//! remembered together with the text just before it in the page; if that
//! paragraph made it into the extracted body, the embed is put back right
//! after it. Embeds whose anchor paragraph was not extracted (sidebars,
//! widgets) stay out.

use dom_query::{Document, NodeRef};

use super::dom::{compact_key, is_blockish, name_of};

/// Selector of embedded posts.
const EMBED_SELECTOR: &str = "blockquote.twitter-tweet, blockquote.instagram-media";
/// Characters of the anchor's compact key that are matched.
const ANCHOR_CHARS: usize = 80;
/// At most this many embeds are restored per page.
const MAX_EMBEDS: usize = 30;

/// An embedded post and where it belongs.
#[derive(Debug, Clone)]
pub(super) struct Embed {
    /// Tail of the compact key of the preceding paragraph.
    anchor: String,
    /// Inner HTML of the embed's blockquote.
    html: String,
}

/// Cheap test before parsing the page.
pub(super) fn page_has_embeds(html: &str) -> bool {
    html.contains("twitter-tweet") || html.contains("instagram-media")
}

/// Last `n` characters of `s`.
fn tail_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

/// Text of the nearest preceding element with at least 8 words, looking at
/// up to 5 previous siblings of the embed and of 3 of its ancestors.
fn anchor_text(node: &NodeRef) -> Option<String> {
    let mut cur = Some(*node);
    for _ in 0..4 {
        let c = cur?;
        let mut sib = c.prev_element_sibling();
        for _ in 0..5 {
            let Some(s) = sib else { break };
            let t = s.text();
            if t.split_whitespace().count() >= 8 {
                return Some(t.to_string());
            }
            sib = s.prev_element_sibling();
        }
        cur = c.parent();
    }
    None
}

/// Collects the embedded posts of a page.
pub(super) fn collect(html: &str) -> Vec<Embed> {
    if !page_has_embeds(html) {
        return Vec::new();
    }
    let doc = Document::from(html);
    let mut out = Vec::new();
    for bq in doc.select(EMBED_SELECTOR).nodes().iter().take(MAX_EMBEDS) {
        let Some(anchor) = anchor_text(bq) else {
            continue;
        };
        let key = tail_chars(&compact_key(&anchor), ANCHOR_CHARS);
        let inner = bq.inner_html().to_string();
        if key.len() >= 20 && !inner.trim().is_empty() {
            out.push(Embed {
                anchor: key,
                html: inner,
            });
        }
    }
    out
}

/// Puts embeds back after their anchor paragraph, when the body has it and
/// does not already contain the embed's text.
pub(super) fn reinsert(doc: &Document, embeds: &[Embed]) {
    for e in embeds {
        let Some(body) = doc.select("body").nodes().first().copied() else {
            return;
        };
        let embed_key = compact_key(&Document::from(e.html.as_str()).select("body").text());
        if embed_key.is_empty() || compact_key(&body.text()).contains(&embed_key) {
            continue;
        }
        // The outermost block ending with the anchor text: inserting after
        // it puts the embed right after the anchor paragraph.
        let target = body.descendants_it().find(|n| {
            n.is_element()
                && is_blockish(&name_of(n))
                && compact_key(&n.text()).ends_with(&e.anchor)
        });
        if let Some(t) = target {
            t.after_html(format!("<blockquote>{}</blockquote>", e.html));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restores_tweet_after_anchor() {
        let page = r#"<body><p>Other text that is not in the body at all, eight words plus.</p>
            <p>And a whole lot of people on Twitter pointed it out right away.</p>
            <div class="social-embed"><blockquote class="twitter-tweet"><p>Yes this is real</p>
            — Someone (@someone) <a href="https://twitter.com/x">November 18, 2019</a></blockquote></div>
            <p>Closing paragraph.</p></body>"#;
        let embeds = collect(page);
        assert_eq!(embeds.len(), 1);
        let body = Document::from(
            "<p>And a whole lot of people on Twitter pointed it out right away.</p><p>Closing paragraph.</p>",
        );
        reinsert(&body, &embeds);
        let text = body.select("body").text().to_string();
        let a = text.find("pointed it out").unwrap_or(usize::MAX);
        let b = text.find("Yes this is real").unwrap_or(usize::MAX);
        let c = text.find("Closing").unwrap_or(usize::MAX);
        assert!(a < b && b < c, "{text}");
        // Not inserted twice.
        reinsert(&body, &embeds);
        assert_eq!(
            body.select("body")
                .text()
                .matches("Yes this is real")
                .count(),
            1
        );
    }
}
