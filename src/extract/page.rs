//! Cheap textual look-ups on the whole page (no DOM parse): meta
//! descriptions and the text that directly follows each `<h1>`. They are
//! used to recognise a *standfirst* (dek): the summary line under the
//! headline that repeats the meta description and is not part of the body.

use super::dom::compact_key;

/// Maximum number of words of a standfirst.
const MAX_DEK_WORDS: usize = 35;

/// Lower-cased ASCII search for `needle` in `hay` starting at `from`.
fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (from..=h.len() - n.len()).find(|&i| {
        h[i..i + n.len()]
            .iter()
            .zip(n)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

/// Value of attribute `name` in the raw tag text `tag` (`<meta ...>`).
fn attr_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        let before_ok = start == 0
            || lower.as_bytes()[start - 1].is_ascii_whitespace()
            || lower.as_bytes()[start - 1] == b'<';
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let eq = lower.len() - rest.len();
        let after_eq = tag.get(eq + 1..)?.trim_start();
        let vstart = tag.len() - after_eq.len();
        let quote = after_eq.chars().next()?;
        return if quote == '"' || quote == '\'' {
            let body = tag.get(vstart + 1..)?;
            body.find(quote).and_then(|e| body.get(..e))
        } else {
            let e = after_eq
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(after_eq.len());
            after_eq.get(..e)
        };
    }
    None
}

/// Contents of `<meta name|property|itemprop="…description">` tags.
fn meta_descriptions(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = find_ci(html, from, "<meta") {
        let end = html[pos..].find('>').map_or(html.len(), |e| pos + e + 1);
        let tag = &html[pos..end];
        from = end;
        let is_desc = ["name", "property", "itemprop"].iter().any(|a| {
            attr_value(tag, a).is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v == "description" || v == "og:description" || v == "twitter:description"
            })
        });
        if is_desc {
            if let Some(c) = attr_value(tag, "content") {
                out.push(c.to_string());
            }
        }
        if out.len() > 8 {
            break;
        }
    }
    out
}

/// Tag-stripped text following each `</h1>` (first few KB, at most 3 h1s).
fn texts_after_h1(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = find_ci(html, from, "</h1") {
        from = pos + 4;
        let mut end = (pos + 4000).min(html.len());
        while !html.is_char_boundary(end) {
            end -= 1;
        }
        out.push(crate::text::strip_tags(&html[pos..end]));
        if out.len() >= 3 {
            break;
        }
    }
    out
}

/// Compact keys ([`compact_key`]) of meta descriptions that appear as the
/// first text after a headline, i.e. standfirsts to leave out of the body.
pub(super) fn standfirst_keys(html: &str) -> Vec<String> {
    let after: Vec<String> = texts_after_h1(html)
        .iter()
        .map(|t| compact_key(&decode_basic_entities(t)))
        .collect();
    if after.is_empty() {
        return Vec::new();
    }
    let mut keys = Vec::new();
    for d in meta_descriptions(html) {
        let d = decode_basic_entities(&d);
        if d.split_whitespace().count() > MAX_DEK_WORDS {
            continue;
        }
        let k = compact_key(&d);
        if k.len() >= 20 && after.iter().any(|a| a.starts_with(&k)) && !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// Decodes character references before words are compared.
fn decode_basic_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_standfirst() {
        let html = r#"<head><meta name="description" content="Short summary of the story here."></head>
            <h1>Title</h1><h2 class="x">Short summary of the story here.</h2><p>Body.</p>"#;
        assert_eq!(
            standfirst_keys(html),
            vec![compact_key("Short summary of the story here.")]
        );
        let html2 = r#"<meta content="Other text entirely, not after the title" property="og:description"><h1>T</h1><p>Body.</p>"#;
        assert!(standfirst_keys(html2).is_empty());
        assert_eq!(
            attr_value(r#"<meta content='a b' name=description>"#, "name"),
            Some("description")
        );
    }
}
