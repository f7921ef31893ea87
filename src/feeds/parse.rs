//! Turns raw feed bytes into [`ParsedFeed`]. No I/O happens here; feed-rs types stop at this
//! module's border.
//!
//! Article identity: the feed's guid/id when present, else the link, else a hash of title and
//! publication date. Duplicates within one document keep their first occurrence. A fallback key
//! never takes a real guid's place: an item without a guid whose link is another item's guid
//! is keyed `link:<link>`, so two different items are never merged.

use std::collections::HashSet;

use feed_rs::model::Entry;

use crate::model::{Enclosure, IncomingArticle, ParsedFeed};
use crate::text::one_line;

/// A document that could not be read as a feed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// The bytes are not RSS, Atom or JSON Feed (an HTML page, say).
    #[error("not a feed (no RSS, Atom or JSON Feed root found)")]
    NotAFeed,
    /// The document is a feed but malformed.
    #[error("malformed feed: {0}")]
    Malformed(String),
}

/// Parses RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes. `base_url` resolves relative links.
pub fn parse_feed(bytes: &[u8], base_url: Option<&str>) -> Result<ParsedFeed, ParseError> {
    let (decoded, repair) = transcode_to_utf8(bytes);
    let decoded = drop_misplaced_declarations(decoded);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base_url)
        // Leave missing ids empty so that `article_key` can apply our own rule.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    // feed-rs and quick-xml assert on some malformed input (a second XML declaration naming
    // another encoding, found by fuzzing): a panic there is a malformed feed, not a crash.
    let parsed =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            parser.parse(decoded.as_ref())
        }))
        .map_err(|payload| {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            ParseError::Malformed(xml_problem(&decoded).unwrap_or_else(|| {
                format!("the feed parser gave up: {}", crate::text::one_line(&why))
            }))
        })?;
    let feed = parsed.map_err(|e| {
        let located = xml_problem(&decoded);
        match e {
            feed_rs::parser::ParseFeedError::ParseError(
                feed_rs::parser::ParseErrorKind::NoFeedRoot,
            ) => match located.filter(|_| has_feed_root(&decoded)) {
                Some(problem) => ParseError::Malformed(problem),
                None => ParseError::NotAFeed,
            },
            other => ParseError::Malformed(located.unwrap_or_else(|| other.to_string())),
        }
    })?;

    // A language tag is short ASCII (`ur`, `fa-IR`); anything else is not one.
    let language = feed
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 35
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string);
    let guids: HashSet<String> = feed
        .entries
        .iter()
        .map(|e| e.id.trim())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect();
    let mut seen = HashSet::new();
    let mut articles = Vec::with_capacity(feed.entries.len());
    for entry in feed.entries {
        let article = incoming_article(entry, &guids);
        if seen.insert(article.key.clone()) {
            articles.push(article);
        }
    }
    Ok(ParsedFeed {
        title: feed
            .title
            .map(|t| one_line(&t.content))
            .filter(|t| !t.is_empty()),
        site_url: feed.links.first().map(|l| l.href.clone()),
        articles,
        language,
        repair,
    })
}

/// Whether the document's root element is an RSS, RDF or Atom one, as far as its first
/// kilobyte shows: broken XML under such a root is a broken feed, not some other document.
fn has_feed_root(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    ["<rss", "<feed", "<rdf:rdf", "<rdf "]
        .iter()
        .any(|root| head.contains(root))
}

/// Where an XML document first breaks: `broken XML at line 3, column 14: <what>`, or `None`
/// when it reads to the end.
fn xml_problem(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    let located = |at: u64, what: String| {
        let at = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
        let before = &bytes[..at];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Some(format!(
            "broken XML at line {line}, column {column}: {}",
            crate::text::collapse_whitespace(&crate::text::sanitize(&what))
        ))
    };
    loop {
        let start = reader.buffer_position();
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return None,
            // Attributes are read lazily; a broken one (`version=2.0`) is found here.
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                if let Some(Err(bad)) = e.attributes().find(Result::is_err) {
                    return located(start, bad.to_string());
                }
            }
            Ok(_) => {}
            Err(e) => return located(reader.error_position(), e.to_string()),
        }
    }
}

/// Most categories kept per item.
const MAX_CATEGORIES: usize = 20;

/// `guids` holds every real guid of the document, so that a fallback key can avoid them.
fn incoming_article(entry: Entry, guids: &HashSet<String>) -> IncomingArticle {
    let enclosures = enclosures(&entry);
    let url = entry
        .links
        .iter()
        .filter(|l| !is_enclosure_link(l))
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|u| !u.is_empty());
    let title = entry
        .title
        .as_ref()
        .map(|t| one_line(&t.content))
        .unwrap_or_default();
    let published = entry.published.or(entry.updated).map(|t| t.timestamp());
    let summary = entry
        .summary
        .as_ref()
        .map(|s| truncate_chars(&one_line(&s.content), MAX_SUMMARY_CHARS))
        .filter(|s| !s.is_empty());
    // The reader shows the feed's full content; failing that, a summary that carries markup
    // (paragraphs, links) is better shown as HTML than as the one-line text the list uses.
    let content_html = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .filter(|b| !b.trim().is_empty())
        .or_else(|| {
            entry
                .summary
                .as_ref()
                .map(|s| s.content.clone())
                .filter(|s| s.contains("</p>") || s.contains("<br"))
        })
        .map(|html| cap_bytes(html, MAX_CONTENT_BYTES));
    let authors: Vec<String> = entry
        .authors
        .iter()
        .filter_map(|a| a.name.as_deref().map(one_line))
        .filter(|n| !n.is_empty())
        .collect();
    let mut key = article_key(&entry.id, url.as_deref(), &title, published);
    if entry.id.trim().is_empty() && guids.contains(&key) {
        key = format!("link:{key}");
    }
    let title = if title.is_empty() {
        summary
            .as_deref()
            .map_or_else(|| "(untitled)".to_string(), |s| truncate_chars(s, 100))
    } else {
        title
    };
    // Categories steer routing (opinion sections); a hostile feed's thousand labels are not kept.
    let categories: Vec<String> = entry
        .categories
        .iter()
        .map(|c| one_line(c.label.as_deref().unwrap_or(&c.term)))
        .filter(|c| !c.is_empty())
        .map(|c| truncate_chars(&c, 100))
        .take(MAX_CATEGORIES)
        .collect();
    IncomingArticle {
        key,
        title,
        url,
        authors: (!authors.is_empty()).then(|| authors.join(", ")),
        published,
        updated: entry.updated.map(|t| t.timestamp()),
        summary,
        content_html,
        categories,
        enclosures,
    }
}

/// Most enclosures kept per item.
const MAX_ENCLOSURES: usize = 10;

/// An Atom `rel="enclosure"` link, or a JSON Feed attachment (feed-rs makes those links
/// without a `rel` but with the attachment's media type).
fn is_enclosure_link(link: &feed_rs::model::Link) -> bool {
    match link.rel.as_deref() {
        Some(rel) => rel.eq_ignore_ascii_case("enclosure"),
        None => link.media_type.as_deref().is_some_and(|m| {
            let m = m.trim().to_ascii_lowercase();
            !m.is_empty() && !m.starts_with("text/html") && !m.starts_with("application/xhtml")
        }),
    }
}

/// The item's media files: RSS `<enclosure>` and Media RSS content (feed-rs puts both in
/// `media`), Atom `rel="enclosure"` links and JSON Feed attachments; one per URL.
fn enclosures(entry: &Entry) -> Vec<Enclosure> {
    // `itunes:duration` arrives as a media object of its own, apart from the enclosure (and
    // feed-rs keeps that object only when it has more than a duration, such as a summary).
    let item_duration = entry.media.iter().find_map(|o| o.duration);
    let from_media = entry.media.iter().flat_map(|object| {
        object.content.iter().filter_map(|c| {
            Some(Enclosure {
                url: c.url.as_ref()?.to_string(),
                mime: c.content_type.as_ref().map(ToString::to_string),
                length: c.size.filter(|s| *s > 0),
                duration: c
                    .duration
                    .or(object.duration)
                    .or(item_duration)
                    .map(|d| d.as_secs()),
            })
        })
    });
    let from_links = entry
        .links
        .iter()
        .filter(|l| is_enclosure_link(l))
        .map(|l| Enclosure {
            url: l.href.trim().to_string(),
            mime: l.media_type.clone(),
            length: l.length.filter(|s| *s > 0),
            duration: None,
        });
    let mut seen = HashSet::new();
    from_media
        .chain(from_links)
        .map(|mut e| {
            e.url = one_line(&e.url);
            e.mime = e
                .mime
                .map(|m| one_line(&m))
                .filter(|m| !m.is_empty() && m.len() <= 100);
            e
        })
        .filter(|e| !e.url.is_empty() && e.url.len() <= 2048 && seen.insert(e.url.clone()))
        .map(|mut e| {
            // feed-rs reads iTunes' `MM:SS` as seconds (`34:01` as 34 s); audio of more than
            // 5 Mbit/s is that misreading, and the size tells more than a wrong time.
            let audio = e.mime.as_deref().is_some_and(|m| m.starts_with("audio/"));
            if let (true, Some(bytes), Some(secs)) = (audio, e.length, e.duration) {
                if bytes / secs.max(1) > 640_000 {
                    e.duration = None;
                }
            }
            e
        })
        .take(MAX_ENCLOSURES)
        .collect()
}

/// The identity rule: guid/id, else link, else a hash of (title, published).
pub fn article_key(id: &str, link: Option<&str>, title: &str, published: Option<i64>) -> String {
    let id = id.trim();
    if !id.is_empty() {
        return id.to_string();
    }
    if let Some(link) = link.filter(|l| !l.trim().is_empty()) {
        return link.trim().to_string();
    }
    format!(
        "hash:{:016x}",
        fnv1a(format!("{title}\u{1f}{}", published.unwrap_or(0)).as_bytes())
    )
}

/// FNV-1a, 64 bit: stable across Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Longest summary kept per item, in characters: the list shows one line of it.
const MAX_SUMMARY_CHARS: usize = 4_000;

/// Largest feed content kept per item, in bytes; no article is longer, and a hostile feed's
/// 8 MB descriptions must not be copied into every list and every row.
const MAX_CONTENT_BYTES: usize = 512 * 1024;

/// `html` cut to at most `max` bytes, at a character boundary.
fn cap_bytes(mut html: String, max: usize) -> String {
    if html.len() > max {
        let mut end = max;
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        html.truncate(end);
    }
    html
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Re-encodes an XML document declared in a legacy encoding (windows-1256, ISO-8859-1, ...) as
/// UTF-8 and rewrites its declaration, so the XML parser sees consistent text. Valid UTF-8
/// passes through untouched (a UTF-8 BOM is dropped). Invalid UTF-8 does not cost the feed:
/// an undeclared document whose non-ASCII bytes are mostly not UTF-8 is read as windows-1252
/// (the usual undeclared single-byte encoding, a superset of Latin-1); otherwise each invalid
/// byte becomes U+FFFD. The second value says what was repaired, for the feed's status.
fn transcode_to_utf8(bytes: &[u8]) -> (std::borrow::Cow<'_, [u8]>, Option<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(256)];
    let declared = declared_encoding(head);
    let encoding = declared
        .as_deref()
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()));
    let Some(label) = declared
        .as_ref()
        .filter(|_| encoding.is_some_and(|e| e != encoding_rs::UTF_8))
    else {
        let (invalid, high) = invalid_utf8_bytes(bytes);
        if invalid == 0 {
            return (bytes.into(), None);
        }
        // Most bytes outside ASCII fail to form UTF-8 sequences: a single-byte document
        // rather than UTF-8 with a few broken bytes.
        let single_byte = declared.is_none() && invalid * 2 > high;
        let (fallback, note) = if single_byte {
            (
                encoding_rs::WINDOWS_1252,
                "not UTF-8 and no encoding declared: read as windows-1252".to_string(),
            )
        } else {
            (
                encoding_rs::UTF_8,
                format!(
                    "invalid UTF-8 repaired: {} replaced",
                    crate::text::plural(invalid, "byte")
                ),
            )
        };
        tracing::info!("feed is not valid UTF-8; {note}");
        let text = fallback.decode_without_bom_handling(bytes).0.into_owned();
        return (text.into_bytes().into(), Some(note));
    };
    let Some(encoding) = encoding else {
        return (bytes.into(), None);
    };
    let (text, _, had_errors) = encoding.decode(bytes);
    let note = had_errors.then(|| {
        let bad = text.chars().filter(|c| *c == '\u{FFFD}').count();
        format!(
            "invalid {} repaired: {} replaced",
            encoding.name(),
            crate::text::plural(bad, "byte")
        )
    });
    if let Some(note) = &note {
        tracing::info!("feed: {note}");
    }
    let text = text.replacen(label.as_str(), "UTF-8", 1);
    (text.into_bytes().into(), note)
}

/// The document without XML declarations after its start: the text is UTF-8 by now, and a
/// second `<?xml ... encoding=...?>` makes quick-xml switch decoders mid-stream, which it
/// asserts against (found by fuzzing). Such a declaration is not well-formed XML anyway.
fn drop_misplaced_declarations(bytes: std::borrow::Cow<'_, [u8]>) -> std::borrow::Cow<'_, [u8]> {
    let is_decl = |at: usize, b: &[u8]| {
        b[at..].starts_with(b"<?xml") && b.get(at + 5).is_some_and(u8::is_ascii_whitespace)
    };
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let first = usize::from(is_decl(start, &bytes)) * (start + 5);
    let misplaced = |b: &[u8]| {
        b.windows(5)
            .enumerate()
            .skip(first.max(1))
            .any(|(i, w)| w == b"<?xml" && is_decl(i, b))
    };
    if !misplaced(&bytes) {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if i >= first.max(1) && is_decl(i, &bytes) {
            match bytes[i..].windows(2).position(|w| w == b"?>") {
                Some(end) => {
                    i += end + 2;
                    continue;
                }
                None => break,
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out.into()
}

/// How many bytes fail to form UTF-8 sequences, and how many lie outside ASCII.
fn invalid_utf8_bytes(bytes: &[u8]) -> (usize, usize) {
    let mut invalid = 0;
    let mut rest = bytes;
    while let Err(e) = std::str::from_utf8(rest) {
        let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
        invalid += skip;
        rest = &rest[(e.valid_up_to() + skip).min(rest.len())..];
    }
    if invalid == 0 {
        return (0, 0);
    }
    (invalid, bytes.iter().filter(|b| **b >= 0x80).count())
}

/// The `encoding="..."` value of an XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
      <item><title>One &amp;amp; two</title><link>https://a.example/1</link><guid>g1</guid>
        <pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate><description>&lt;p&gt;Hi &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</description></item>
      <item><title>Dup</title><guid>g1</guid></item>
      <item><title>No guid</title><link>https://a.example/3</link></item>
      <item><title>Nothing</title><pubDate>Tue, 24 Nov 2026 11:00:00 GMT</pubDate></item>
    </channel></rss>"#;

    #[test]
    fn keys_follow_guid_then_link_then_hash() {
        let feed = parse_feed(RSS.as_bytes(), None).unwrap();
        let keys: Vec<_> = feed.articles.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys.len(), 3, "duplicate guid dropped: {keys:?}");
        assert_eq!(keys[0], "g1");
        assert_eq!(keys[1], "https://a.example/3");
        assert!(keys[2].starts_with("hash:"));
        let again = parse_feed(RSS.as_bytes(), None).unwrap();
        assert_eq!(again.articles[2].key, keys[2], "hash keys are stable");
    }

    #[test]
    fn a_fallback_key_never_merges_an_item_into_another_items_guid() {
        let doc = include_str!("../../tests/fixtures/feeds/rss20_key_collision.xml");
        let feed = parse_feed(doc.as_bytes(), None).unwrap();
        assert_eq!(feed.articles.len(), 9, "every item is kept");
        let keys: HashSet<_> = feed.articles.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys.len(), 9, "keys are distinct: {keys:?}");
        assert_eq!(
            feed.articles[1].key,
            "https://quetta.example/2026/11/24/gwadar-ship"
        );
        assert_eq!(
            feed.articles[2].key,
            "link:https://quetta.example/2026/11/24/gwadar-ship"
        );
        assert_eq!(
            feed.articles[2].title,
            "Gwadar port: what the record ship means for fishermen"
        );
        // Two guid-less items with one link are still one story.
        let doc = r#"<rss version="2.0"><channel><title>T</title>
            <item><title>a</title><link>https://a.example/x</link></item>
            <item><title>a again</title><link>https://a.example/x</link></item></channel></rss>"#;
        assert_eq!(parse_feed(doc.as_bytes(), None).unwrap().articles.len(), 1);
    }

    #[test]
    fn enclosures_are_kept_from_rss_atom_and_json_feed() {
        let rss = r#"<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title>
            <item><title>Episode 12</title><link>https://p.example/12</link><guid>12</guid>
              <enclosure url="https://p.example/12.mp3" type="audio/mpeg" length="32640000"/>
              <itunes:summary>Traders at Torkham.</itunes:summary><itunes:duration>00:34:01</itunes:duration></item>
            <item><title>Plain</title><guid>13</guid></item></channel></rss>"#;
        let feed = parse_feed(rss.as_bytes(), None).unwrap();
        assert_eq!(
            feed.articles[0].enclosures,
            [Enclosure {
                url: "https://p.example/12.mp3".into(),
                mime: Some("audio/mpeg".into()),
                length: Some(32_640_000),
                duration: Some(2041),
            }]
        );
        assert_eq!(feed.articles[0].enclosures[0].label(), "audio: 34 min, mp3");
        assert_eq!(
            feed.articles[0].url.as_deref(),
            Some("https://p.example/12")
        );
        // `MM:SS`, which feed-rs misreads as seconds: the size shows instead of `34 s`.
        let short = rss.replace("00:34:01", "34:01");
        let feed = parse_feed(short.as_bytes(), None).unwrap();
        assert_eq!(feed.articles[0].enclosures[0].label(), "audio: 33 MB, mp3");
        assert!(feed.articles[1].enclosures.is_empty());

        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id>
            <entry><id>e1</id><title>Video</title>
              <link rel="enclosure" href="https://v.example/1.mp4" type="video/mp4" length="4200000"/>
              <link href="https://v.example/1"/></entry></feed>"#;
        let feed = parse_feed(atom.as_bytes(), None).unwrap();
        assert_eq!(feed.articles[0].url.as_deref(), Some("https://v.example/1"));
        assert_eq!(feed.articles[0].enclosures.len(), 1);
        assert_eq!(feed.articles[0].enclosures[0].label(), "video: 4.2 MB, mp4");

        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
            {"id":"1","url":"https://j.example/1","title":"Report",
             "attachments":[{"url":"https://j.example/r.pdf","mime_type":"application/pdf","size_in_bytes":900}]}]}"#;
        let feed = parse_feed(json.as_bytes(), None).unwrap();
        assert_eq!(feed.articles[0].url.as_deref(), Some("https://j.example/1"));
        assert_eq!(
            feed.articles[0].enclosures[0].url,
            "https://j.example/r.pdf"
        );
        assert_eq!(feed.articles[0].enclosures[0].label(), "file: 900 B, pdf");
    }

    #[test]
    fn titles_and_summaries_become_clean_text() {
        let feed = parse_feed(RSS.as_bytes(), None).unwrap();
        assert_eq!(feed.articles[0].title, "One & two");
        assert_eq!(feed.articles[0].summary.as_deref(), Some("Hi there"));
        assert_eq!(feed.articles[0].published, Some(1_795_514_400));
    }

    #[test]
    fn a_summary_with_paragraphs_is_kept_as_html_for_the_reader() {
        let doc = r#"<rss version="2.0"><channel><title>T</title><item><title>x</title><guid>1</guid>
            <description>&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</description></item>
            <item><title>y</title><guid>2</guid><description>Plain teaser.</description></item></channel></rss>"#;
        let feed = parse_feed(doc.as_bytes(), None).unwrap();
        assert_eq!(
            feed.articles[0].content_html.as_deref(),
            Some("<p>One.</p><p>Two.</p>")
        );
        assert_eq!(feed.articles[0].summary.as_deref(), Some("One. Two."));
        assert_eq!(feed.articles[1].content_html, None);
    }

    #[test]
    fn broken_xml_under_a_feed_root_says_where() {
        let unquoted =
            "<?xml version=\"1.0\"?>\n<rss version=2.0><channel><title>x</title></channel></rss>";
        let err = parse_feed(unquoted.as_bytes(), None).unwrap_err();
        let ParseError::Malformed(text) = &err else {
            panic!("{err:?}")
        };
        assert!(
            text.starts_with("broken XML at line 2, column 1: "),
            "{text}"
        );
        let unclosed = "<rss version=\"2.0\"><channel><title>x</title>\n<item><title>a</title>\n\
            <description>a <b>bold</description></item></channel></rss>";
        let err = parse_feed(unclosed.as_bytes(), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("malformed feed: broken XML at line 3, column "),
            "{err}"
        );
        assert!(err.contains("</b>"), "{err}");
        // A well-formed document of another kind is still not a feed.
        assert_eq!(
            parse_feed(b"<?xml version=\"1.0\"?><svg><g/></svg>", None).unwrap_err(),
            ParseError::NotAFeed
        );
    }

    #[test]
    fn html_is_not_a_feed() {
        let err = parse_feed(b"<!doctype html><html><body>hi</body></html>", None).unwrap_err();
        assert_eq!(err, ParseError::NotAFeed);
        assert_eq!(parse_feed(b"", None).unwrap_err(), ParseError::NotAFeed);
    }

    #[test]
    fn huge_summaries_and_contents_are_bounded() {
        let big = "word ".repeat(400_000);
        let doc = format!(
            "<rss version=\"2.0\"><channel><title>x</title><item><title>t</title><guid>a</guid>\
             <description>{big}</description><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
             <![CDATA[<p>{big}</p>]]></content:encoded></item></channel></rss>"
        );
        let feed = parse_feed(doc.as_bytes(), None).unwrap();
        let item = &feed.articles[0];
        assert!(item.summary.as_ref().unwrap().chars().count() <= MAX_SUMMARY_CHARS + 1);
        assert!(item.content_html.as_ref().unwrap().len() <= MAX_CONTENT_BYTES);
        assert!(item
            .content_html
            .as_ref()
            .unwrap()
            .starts_with("<p>word word"));
    }

    #[test]
    fn invalid_utf8_keeps_the_feed() {
        let broken = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
            <title>x</title><item><title>Good \xff item</title><guid>a</guid></item>\
            <item><title>\xd9\x86\xd8\xb1\xd8\xae</title><guid>b</guid></item></channel></rss>";
        let feed = parse_feed(broken, None).unwrap();
        assert_eq!(feed.articles.len(), 2);
        assert_eq!(feed.articles[0].title, "Good \u{fffd} item");
        assert_eq!(feed.articles[1].title, "نرخ");
        assert_eq!(
            feed.repair.as_deref(),
            Some("invalid UTF-8 repaired: 1 byte replaced")
        );
        // Undeclared and single-byte: windows-1252, so the accented letters survive.
        let latin = b"<rss version=\"2.0\"><channel><title>x</title><item><title>Caf\xe9 cr\xe8me\
            </title><guid>a</guid></item></channel></rss>";
        let feed = parse_feed(latin, None).unwrap();
        assert_eq!(feed.articles[0].title, "Café crème");
        assert_eq!(
            feed.repair.as_deref(),
            Some("not UTF-8 and no encoding declared: read as windows-1252")
        );
    }

    #[test]
    fn a_second_xml_declaration_is_dropped_not_a_panic() {
        let doc = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
            <title>x</title><?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><item><title>a</title>\
            </item></channel></rss>";
        // The misplaced declaration is dropped; the items are read.
        let feed = parse_feed(doc, None).unwrap();
        assert_eq!(feed.articles[0].title, "a");
        // `<?xml-stylesheet?>` is no declaration and stays harmless.
        let styled =
            b"<?xml version=\"1.0\"?><?xml-stylesheet href=\"s.xsl\"?><rss version=\"2.0\">\
            <channel><title>x</title><item><title>b</title></item></channel></rss>";
        assert_eq!(parse_feed(styled, None).unwrap().articles[0].title, "b");
    }

    #[test]
    fn a_feed_read_as_sent_has_no_repair_note() {
        assert_eq!(parse_feed(RSS.as_bytes(), None).unwrap().repair, None);
        // A declared legacy encoding decoded without error is no repair either.
        let mut doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>x</title><item><title>Caf".to_vec();
        doc.push(0xE9);
        doc.extend_from_slice(b"</title><guid>1</guid></item></channel></rss>");
        assert_eq!(parse_feed(&doc, None).unwrap().repair, None);
        // Nor is a UTF-8 byte-order mark.
        let bom = [b"\xEF\xBB\xBF".as_slice(), RSS.as_bytes()].concat();
        assert_eq!(parse_feed(&bom, None).unwrap().repair, None);
    }

    #[test]
    fn legacy_encodings_are_decoded() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>x</title><item><title>Caf".to_vec();
        doc.push(0xE9);
        doc.extend_from_slice(b"</title><guid>1</guid></item></channel></rss>");
        let feed = parse_feed(&doc, None).unwrap();
        assert_eq!(feed.articles[0].title, "Café");
    }
}
