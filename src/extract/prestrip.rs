//! Fast textual pre-pass that removes `<script>` (except JSON-LD),
//! `<style>`, `<svg>` elements and comments before the page is parsed.
//!
//! Both extractors drop these anyway, but parsing them costs time: on news
//! pages inline scripts are often half of the bytes. The scan is linear and
//! only cuts at ASCII `<`/`>` positions, so slices stay on UTF-8 boundaries.

/// Finds `needle` (ASCII, lower case) in `hay` from `from`, ignoring ASCII case.
fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    let last = hay.len() - needle.len();
    let mut i = from;
    while i <= last {
        if hay[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// True when `hay[at..]` starts with `needle` (ASCII, lower case) followed by
/// a tag-name terminator.
fn starts_tag(hay: &[u8], at: usize, needle: &[u8]) -> bool {
    let end = at + needle.len();
    if end > hay.len() {
        return false;
    }
    let name_ok = hay[at..end]
        .iter()
        .zip(needle)
        .all(|(a, b)| a.to_ascii_lowercase() == *b);
    name_ok
        && hay
            .get(end)
            .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
}

/// Returns the page without scripts (JSON-LD kept), styles, SVG and comments.
pub(super) fn prestrip(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0; // bytes of `html` already handled
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let lt = i + off;
        let rest = lt + 1;
        // Closing tag of an element to skip.
        let skip: Option<&[u8]> = if b[rest..].starts_with(b"!--") {
            out.push_str(&html[copied..lt]);
            let end = find_ci(b, rest + 3, b"-->").map_or(b.len(), |e| e + 3);
            copied = end;
            i = end;
            continue;
        } else if starts_tag(b, rest, b"script") {
            let tag_end = b[rest..].iter().position(|&c| c == b'>').map(|p| rest + p);
            let is_json = tag_end
                .and_then(|e| html.get(rest..e))
                .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
            if is_json {
                // Keep JSON-LD verbatim; do not scan inside it.
                i = find_ci(b, rest, b"</script").map_or(b.len(), |c| c + 1);
                continue;
            } else {
                Some(b"</script")
            }
        } else if starts_tag(b, rest, b"style") {
            Some(b"</style")
        } else if starts_tag(b, rest, b"svg") {
            Some(b"</svg")
        } else {
            None
        };
        match skip {
            Some(close) => {
                out.push_str(&html[copied..lt]);
                let end = match find_ci(b, rest, close) {
                    Some(c) => b[c..]
                        .iter()
                        .position(|&x| x == b'>')
                        .map_or(b.len(), |p| c + p + 1),
                    None => b.len(),
                };
                copied = end;
                i = end;
            }
            None => i = rest,
        }
        if i >= b.len() {
            break;
        }
    }
    if copied < html.len() {
        out.push_str(&html[copied..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::prestrip;

    #[test]
    fn strips_scripts_styles_comments() {
        let html = "<p>a</p><SCRIPT>var x = '<p>';</script><script type=\"application/ld+json\">{\"a\":1}</script><style>p{}</style><!-- c --><svg><path/></svg><p>é</p><script>";
        assert_eq!(
            prestrip(html),
            "<p>a</p><script type=\"application/ld+json\">{\"a\":1}</script><p>é</p>"
        );
        assert_eq!(prestrip("<scripts>x</scripts>"), "<scripts>x</scripts>");
        assert_eq!(prestrip("<"), "<");
        assert_eq!(prestrip("<!--"), "");
    }
}
