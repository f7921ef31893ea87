//! Article extraction: turns a news article web page into clean, readable
//! content (the article body and nothing else) and renders it for a
//! terminal.
//!
//! # Pipeline ([`extract`])
//!
//! 1. `prestrip`: scripts (JSON-LD kept), styles, SVG and comments are cut
//!    out textually, which roughly halves parse time on script-heavy pages.
//! 2. `dom_smoothie` (a Readability port) runs first: it gives the title,
//!    byline and date (JSON-LD/meta) and a candidate body *with faithful
//!    markup and links*.
//! 3. With an outlet [`SiteRule`] whose content selector matches, the body is
//!    taken from it instead ([`Method::OutletRule`]).
//! 4. `rs-trafilatura` runs in plain-text mode and serves as the precise
//!    *reference text*. Choice between the two ([`Method::General`]):
//!    - rule "ratio": when trafilatura returns over twice dom_smoothie's
//!      words it has swallowed sidebars/headline lists, so dom_smoothie's
//!      body is used as is;
//!    - rule "agree": otherwise dom_smoothie's markup is kept only for the
//!      paragraphs whose words also occur in trafilatura's text, provided
//!      that covers at least 85% of it; failing that, trafilatura's own
//!      HTML restricted to its text is used.
//! 5. `clean` post-cleans the chosen fragment: the headline and standfirst
//!    repeated at the top are dropped (`page` finds the standfirst: the
//!    meta description printed right under the `<h1>`), the general
//!    boilerplate rules of `prune` remove furniture that slipped through
//!    (share/related/newsletter blocks by class vocabulary, "Related"
//!    headings with their link lists, link-only lines, promo and credit
//!    lines, captions), links are made absolute, attributes stripped and all
//!    text [`sanitize`]d. The plain text keeps paragraphs apart with blank
//!    lines.
//!
//! [`render`] turns the cleaned HTML into wrapped terminal lines with
//! numbered links (see `textrender`).
//!
//! Everything is pure (no I/O, no globals) and panic-safe: both public entry
//! points run their work under [`std::panic::catch_unwind`]. (This needs the
//! default `panic = "unwind"`; the default panic hook still prints the
//! message to stderr, so a TUI should install a hook that logs instead.)

pub mod bound;
mod clean;
mod dom;
mod embeds;
mod page;
mod prestrip;
mod prune;
#[cfg(test)]
mod regional_tests;

use std::panic::{catch_unwind, AssertUnwindSafe};

use url::Url;

/// Optional per-outlet rule: CSS selectors for the content root and for
/// parts to strip.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SiteRule {
    /// Selectors tried in order; the first one that matches an element with
    /// text is the content root.
    pub content: Vec<String>,
    /// Selectors of elements removed before the content root is taken.
    #[serde(default)]
    pub strip: Vec<String>,
}

/// How the article body was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// From the outlet's [`SiteRule`].
    OutletRule,
    /// By the general extractors.
    General,
}

/// An extracted article.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// Article headline.
    pub title: Option<String>,
    /// Author line.
    pub byline: Option<String>,
    /// Publication date as found (ISO 8601 from meta/JSON-LD when available).
    pub published: Option<String>,
    /// Cleaned article HTML (body only), fed to [`render`].
    pub html: String,
    /// Plain text of the body (paragraphs separated by blank lines).
    pub text: String,
    /// Number of whitespace-separated words in `text`.
    pub word_count: usize,
    /// How the body was found.
    pub method: Method,
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The page has no recognisable article body.
    #[error("no article content found")]
    NoContent,
    /// An extractor panicked; the message is included.
    #[error("extractor panicked: {0}")]
    Panicked(String),
}

/// Minimum number of words for a result to count as an article body.
const MIN_WORDS: usize = 3;

/// Extracts the article from a page. Never panics: the work runs under
/// [`catch_unwind`] and a panic becomes [`ExtractError::Panicked`].
///
/// `url` (the page URL) resolves relative links; `rule` is an optional
/// per-outlet rule which, when it matches, takes precedence.
pub fn extract(
    html: &str,
    url: Option<&str>,
    rule: Option<&SiteRule>,
) -> Result<Extracted, ExtractError> {
    match catch_unwind(AssertUnwindSafe(|| extract_inner(html, url, rule))) {
        // Text is sanitised node by node; a control character in a tag name (`<thead\x01>`,
        // found by fuzzing) passes through the parsers, so the whole fragment is sanitised too.
        Ok(Ok(mut ex)) => {
            if ex.html.chars().any(crate::text::is_unsafe_char) {
                ex.html = sanitize(&ex.html);
            }
            Ok(ex)
        }
        Ok(r) => r,
        Err(payload) => Err(ExtractError::Panicked(panic_message(payload.as_ref()))),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        sanitize_inline(s)
    } else if let Some(s) = payload.downcast_ref::<String>() {
        sanitize_inline(s)
    } else {
        "unknown panic".to_string()
    }
}

pub use crate::text::sanitize;

/// [`sanitize`] plus whitespace collapsing to single spaces (for one-line
/// fields such as the title, byline and link targets).
pub(crate) fn sanitize_inline(s: &str) -> String {
    sanitize(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whitespace-separated words: the measure the extractor's own heuristics were tuned on.
pub(crate) fn whitespace_words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| sanitize_inline(&s)).filter(|s| !s.is_empty())
}

/// Rejects placeholder dates such as `0001-01-01T00:00:00Z`: the value
/// must start with a year from 1990 to 2199.
fn plausible_date(d: &str) -> bool {
    d.get(..4)
        .and_then(|y| y.parse::<u32>().ok())
        .is_some_and(|y| (1990..2200).contains(&y))
}

/// Page metadata gathered from the extractors.
#[derive(Default, Clone)]
struct Meta {
    title: Option<String>,
    byline: Option<String>,
    published: Option<String>,
}

fn extract_inner(
    html: &str,
    url: Option<&str>,
    rule: Option<&SiteRule>,
) -> Result<Extracted, ExtractError> {
    if html.trim().is_empty() || !html.contains('<') {
        return Err(ExtractError::NoContent);
    }
    let stripped = prestrip::prestrip(html);
    let bounded = bound::bound(&stripped);
    let html = bounded.as_ref();
    let base = url.and_then(|u| Url::parse(u).ok());
    let abs_url = base.as_ref().map(|u| u.to_string());

    // dom_smoothie: Readability scoring plus metadata (JSON-LD, meta tags).
    let smoothie = {
        let cfg = dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Raw,
            keep_classes: true,
            ..Default::default()
        };
        dom_smoothie::Readability::new(html, abs_url.as_deref(), Some(cfg))
            .ok()
            .and_then(|mut r| r.parse().ok())
    };
    let mut meta = Meta::default();
    if let Some(a) = &smoothie {
        meta.title = non_empty(Some(a.title.clone()));
        meta.byline = non_empty(a.byline.clone());
        meta.published = non_empty(a.published_time.clone()).filter(|d| plausible_date(d));
    }

    if let Some(rule) = rule {
        if let Some(ex) = by_rule(html, rule, base.as_ref(), &meta) {
            return Ok(ex);
        }
    }

    // Trafilatura's own link/image output is unreliable (links can be
    // attached to the wrong text), so it runs in plain mode and serves as
    // the precise *reference text*; markup comes from dom_smoothie when the
    // two agree. The page type is fixed to Article: its page classifier
    // costs ~30% of its time and changed no result on the dev pages.
    let opts = rs_trafilatura::Options {
        url: abs_url.clone(),
        include_tables: true,
        page_type: Some(rs_trafilatura::page_type::PageType::Article),
        ..Default::default()
    };
    let traf = rs_trafilatura::extract_with_options(html, &opts).ok();
    if let Some(t) = &traf {
        if meta.title.is_none() {
            meta.title = non_empty(t.metadata.title.clone());
        }
        if meta.byline.is_none() {
            meta.byline = non_empty(t.metadata.author.clone());
        }
        if meta.published.is_none() {
            meta.published = t
                .metadata
                .date
                .map(|d| d.to_rfc3339())
                .filter(|d| plausible_date(d));
        }
    }

    let smoothie_html = smoothie
        .as_ref()
        .map(|a| a.content.to_string())
        .unwrap_or_default();
    let traf_text = traf.as_ref().map_or("", |t| t.content_text.as_str());
    let traf_words = whitespace_words(traf_text);
    let smoothie_words = smoothie
        .as_ref()
        .map_or(0, |a| whitespace_words(&a.text_content));

    // Rule "leading": headline and standfirst repeated at the top.
    let mut leading = page::standfirst_keys(html);
    if let Some(t) = &meta.title {
        let k = dom::compact_key(t);
        if !k.is_empty() {
            leading.push(k);
        }
    }

    // Rule "embeds": tweets and similar posts dropped with their wrappers.
    let embeds = embeds::collect(html);

    // Rule "ratio": trafilatura is the more precise extractor, but when it
    // returns over twice the words of dom_smoothie it has usually swallowed
    // sidebars or headline lists; when it finds (almost) nothing,
    // dom_smoothie is all there is.
    let use_smoothie =
        (smoothie_words >= MIN_WORDS && traf_words > 2 * smoothie_words) || traf_words < MIN_WORDS;
    let cleaned = if use_smoothie {
        clean::clean_fragment(&smoothie_html, base.as_ref(), None, &leading, &embeds)
    } else {
        // Rule "agree": dom_smoothie's markup restricted to the paragraphs
        // trafilatura also kept, as long as that covers at least 85% of
        // trafilatura's text; otherwise trafilatura's own HTML, restricted
        // to its (stricter) text output.
        let filtered = clean::clean_fragment(
            &smoothie_html,
            base.as_ref(),
            Some(traf_text),
            &leading,
            &embeds,
        );
        let want = dom::compact_key(traf_text).len();
        if want > 0 && filtered.reference_chars * 100 >= want * 85 {
            filtered
        } else {
            let traf_html = traf
                .as_ref()
                .and_then(|t| t.content_html.as_deref())
                .unwrap_or_default();
            clean::clean_fragment(traf_html, base.as_ref(), Some(traf_text), &leading, &embeds)
        }
    };
    finish(cleaned, meta, Method::General)
}

/// Applies an outlet rule: removes the `strip` matches, then takes the
/// first `content` selector whose matches hold at least [`MIN_WORDS`] words
/// (all matches joined) and post-cleans it like a general result. `None`
/// when no selector matches; invalid selectors are skipped.
fn by_rule(html: &str, rule: &SiteRule, base: Option<&Url>, meta: &Meta) -> Option<Extracted> {
    let doc = dom_query::Document::from(html);
    for sel in &rule.strip {
        if let Ok(m) = dom_query::Matcher::new(sel) {
            doc.select_matcher(&m).remove();
        }
    }
    for sel in &rule.content {
        let Ok(m) = dom_query::Matcher::new(sel) else {
            continue;
        };
        let found = doc.select_matcher(&m);
        if found.nodes().is_empty() {
            continue;
        }
        let inner: String = found
            .nodes()
            .iter()
            .map(|n| n.inner_html().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let cleaned = clean::clean_fragment(&inner, base, None, &[], &[]);
        if let Ok(ex) = finish(cleaned, meta.clone(), Method::OutletRule) {
            return Some(ex);
        }
    }
    None
}

fn finish(cleaned: clean::Cleaned, meta: Meta, method: Method) -> Result<Extracted, ExtractError> {
    // Counted like the feed text is, so the reader can compare the two.
    let word_count = crate::text::word_count(&cleaned.text);
    if word_count < MIN_WORDS {
        return Err(ExtractError::NoContent);
    }
    Ok(Extracted {
        title: meta.title,
        byline: meta.byline,
        published: meta.published,
        html: cleaned.html,
        text: cleaned.text,
        word_count,
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE_HTML: &str = include_str!("../tests/fixtures/pages/site-article.html");
    const SITE_EXPECTED: &str = include_str!("../tests/fixtures/pages/site-article.expected.txt");
    const SITE_FORBIDDEN: &str = include_str!("../tests/fixtures/pages/site-article.forbidden.txt");
    const SITE_URL: &str = "https://groundzero.example/pakistan-says-dialogue-with-kabul-is-open/";

    fn collapse(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn site_article_fixture() {
        let ex = extract(SITE_HTML, Some(SITE_URL), None).expect("extracts");
        let full = format!("{}\n\n{}", ex.title.clone().unwrap_or_default(), ex.text);
        let hay = collapse(&full);
        let mut pos = 0;
        for line in SITE_EXPECTED.lines() {
            let needle = collapse(line);
            if needle.is_empty() {
                continue;
            }
            match hay[pos..].find(&needle) {
                Some(i) => pos += i + needle.len(),
                None => panic!("expected line missing or out of order: {needle:?}\n---\n{full}"),
            }
        }
        for line in SITE_FORBIDDEN.lines() {
            let needle = collapse(line);
            if needle.is_empty() {
                continue;
            }
            assert!(!hay.contains(&needle), "forbidden text present: {needle:?}");
        }
        assert_eq!(ex.method, Method::General);
        assert!(ex.published.is_some());
    }

    #[test]
    fn sanitize_strips_escapes_and_bidi() {
        let s = "a\u{1b}[31mred\u{1b}[0m b\u{1b}]0;title\u{7}c \u{202E}evil\u{202C} \u{2066}x\u{2069}\u{0}\u{7f}\u{9b}1mz\n\tk";
        let out = sanitize(s);
        assert_eq!(out, "ared bc evil xz\n\tk");
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn empty_and_garbage_input() {
        assert!(matches!(
            extract("", None, None),
            Err(ExtractError::NoContent)
        ));
        assert!(matches!(
            extract("\u{0}\u{1}garbage<<<>>>&&&", Some("not a url"), None),
            Err(ExtractError::NoContent)
        ));
        assert!(matches!(
            extract("<html><body></body></html>", None, None),
            Err(ExtractError::NoContent)
        ));
    }

    #[test]
    fn outlet_rule_is_used() {
        let rule = SiteRule {
            content: vec!["div.post-content".into()],
            strip: vec![".ad-slot".into()],
        };
        let ex = extract(SITE_HTML, Some(SITE_URL), Some(&rule)).expect("extracts");
        assert_eq!(ex.method, Method::OutletRule);
        assert!(ex.word_count > 100);
    }
}
