//! Cleaning untrusted text from feeds and pages: HTML entities and tags out, whitespace
//! collapsed, and control, escape and bidi-override characters removed so nothing a feed says
//! can drive the terminal. Pure functions only.

/// True for characters that must never reach a terminal or a file we write: C0/C1 controls
/// (ESC included), DEL, and the bidi embedding/override/isolate controls that can reorder text.
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
        | '\u{feff}')
}

/// Removes control characters (except `\n` and `\t`), ANSI/VT escape
/// sequences (CSI, OSC, DCS and friends, 7- and 8-bit) and the bidi
/// override/embedding/isolate characters U+202A..U+202E and U+2066..U+2069.
/// `\r\n` and lone `\r` become `\n`. Also drops the other characters [`is_unsafe_char`]
/// names (zero-width space, directional marks, BOM).
pub fn sanitize(s: &str) -> String {
    // Most text is clean: one scan and a copy instead of rebuilding it char by char.
    let clean = s
        .chars()
        .all(|c| (c == '\n' || c == '\t' || !c.is_control()) && !is_unsafe_char(c) && c != '\r');
    if clean {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI.
            '\u{9b}' => skip_csi(&mut chars),
            // 8-bit DCS, SOS, OSC, PM, APC: a string terminated by ST/BEL.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips the rest of an escape sequence that started with ESC.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            // nF: intermediates then one final byte.
            while chars
                .peek()
                .is_some_and(|c| ('\u{20}'..='\u{2f}').contains(c))
            {
                chars.next();
            }
            if chars
                .peek()
                .is_some_and(|c| ('\u{30}'..='\u{7e}').contains(c))
            {
                chars.next();
            }
        }
        Some(c) if ('\u{30}'..='\u{7e}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// Skips CSI parameters, intermediates and the final byte.
fn skip_csi(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        if ('\u{30}'..='\u{3f}').contains(&c) || ('\u{20}'..='\u{2f}').contains(&c) {
            chars.next();
        } else {
            if ('\u{40}'..='\u{7e}').contains(&c) {
                chars.next();
            }
            break;
        }
    }
}

/// Longest control string body skipped whole; a longer or unterminated one is text.
const MAX_CONTROL_STRING: usize = 512;

/// Skips a control string up to and including BEL, ST (`ESC \`) or 8-bit ST. When no
/// terminator comes within [`MAX_CONTROL_STRING`] characters the string is not a control
/// string after all: only its introducer (already consumed) is dropped, and the text after it
/// stays (a terminal would otherwise have swallowed it, and so would we).
fn skip_string(chars: &mut Chars<'_>) {
    let mut ahead = chars.clone();
    for taken in 1..=MAX_CONTROL_STRING {
        match ahead.next() {
            None => return,
            Some('\u{7}' | '\u{9c}') => {
                chars.nth(taken - 1);
                return;
            }
            Some('\u{1b}') => {
                let st = ahead.peek() == Some(&'\\');
                chars.nth(taken - 1 + usize::from(st));
                return;
            }
            Some(_) => {}
        }
    }
}

/// Elements of article HTML that are no reading matter: frames, forms and their controls,
/// media players, scripts, styles, icons, and document-level links and metadata.
const FURNITURE: &[&str] = &[
    "iframe", "form", "button", "input", "select", "textarea", "object", "embed", "noscript",
    "script", "style", "svg", "link", "meta",
];

/// Removes [`FURNITURE`] elements from an HTML fragment, for reading. Cheap (no parsing) when
/// the fragment has none.
pub fn strip_furniture(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if !FURNITURE
        .iter()
        .any(|tag| lower.contains(&format!("<{tag}")))
    {
        return html.to_string();
    }
    remove_furniture_elements(html, false)
}

/// [`strip_furniture`] plus every event-handler (`on…`), `style` and `srcdoc` attribute, and
/// [`sanitize`]d: HTML that is safe to write into a standalone page and to `cat`. (Entities
/// such as `&#27;` come back from the parser as the raw characters they stand for.)
pub fn inert_html(html: &str) -> String {
    sanitize(&remove_furniture_elements(html, true))
}

fn remove_furniture_elements(html: &str, strip_attributes: bool) -> String {
    let doc = dom_query::Document::from(html);
    doc.select(&FURNITURE.join(", ")).remove();
    if strip_attributes {
        for node in doc.select("*").nodes() {
            let names: Vec<String> = node
                .attrs()
                .iter()
                .map(|a| a.name.local.to_string())
                .collect();
            for name in names {
                let lower = name.to_ascii_lowercase();
                if lower.starts_with("on") || lower == "style" || lower == "srcdoc" {
                    node.remove_attr(&name);
                }
            }
        }
    }
    doc.select("body").inner_html().to_string()
}

/// Turns a feed title or summary (which may hold HTML tags and entities, even double-encoded)
/// into clean one-line text.
pub fn one_line(s: &str) -> String {
    let mut text = s.to_string();
    // Feeds double-encode often (`&amp;#8217;`); two passes of tag stripping and entity decoding
    // settle nearly all of them without turning literal `&lt;` text into tags forever.
    for _ in 0..2 {
        if !text.contains('<') && !text.contains('&') {
            break;
        }
        text = html_escape::decode_html_entities(&strip_tags(&text)).into_owned();
    }
    collapse_whitespace(&sanitize(&text))
}

/// Removes `<...>` tags (and the contents of script and style elements).
pub(crate) fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let lower_head: String = after
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let opens_tag = after[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        let skip_to = if !opens_tag {
            None
        } else if lower_head.starts_with("<script") || lower_head.starts_with("<style") {
            let close = if lower_head.starts_with("<script") {
                "</script>"
            } else {
                "</style>"
            };
            after
                .to_ascii_lowercase()
                .find(close)
                .map(|i| i + close.len())
        } else {
            after.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => {
                // Block-level tags separate words.
                out.push(' ');
                rest = &after[n..];
            }
            None => {
                // A lone `<` that opens no tag is text.
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A compact age such as `now`, `5m`, `3h`, `2d`, `4w`, `1y`.
pub fn relative_age(then: i64, now: i64) -> String {
    let secs = (now - then).max(0);
    if secs < 60 {
        "now".into()
    } else if secs < 3600 {
        format!("{}m", secs / 60)
    } else if secs < 86_400 {
        format!("{}h", secs / 3600)
    } else if secs < 7 * 86_400 {
        format!("{}d", secs / 86_400)
    } else if secs < 365 * 86_400 {
        format!("{}w", secs / (7 * 86_400))
    } else {
        format!("{}y", secs / (365 * 86_400))
    }
}

/// Decodes an HTML page's bytes: a BOM, else a `<meta charset>` (or `http-equiv` content type)
/// in the first 2 KiB, else UTF-8 with invalid bytes replaced.
pub fn decode_html_bytes(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let label = head.find("charset=").and_then(|at| {
        let rest = head[at + 8..].trim_start_matches(['"', '\'', ' ']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| rest[..end].to_string())
    });
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// Counts words the way readers do: runs of alphanumeric characters.
pub fn word_count(s: &str) -> usize {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

/// Turns arbitrary text into a file-name part: letters and digits of any script kept
/// (lower-cased), everything else collapsed to single dashes, at most `max` characters.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in sanitize(text).chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= max {
            break;
        }
    }
    out.trim_matches('-').to_string()
}

/// A Unix time as RFC 3339 in UTC (`2026-11-24T10:00:00+00:00`), or empty when out of range.
pub fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// Whether `c` is in one of the Arabic-script blocks (letters, marks, presentation forms).
pub fn is_arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Folds one character into `out` for matching (routing words, search): lower case, the
/// Arabic-script letter variants that Arabic, Persian, Urdu and Pashto spell differently to one
/// form (yeh, kaf, alef forms, teh marbuta and heh forms), Eastern Arabic and Persian digits to
/// ASCII; tatweel, harakat, superscript alef, ZWNJ and other format characters are dropped.
pub fn fold_char(c: char, out: &mut String) {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}' => {}
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' => {}
        'ي' | 'ى' | 'ئ' | 'ې' | 'ۍ' | 'ے' => out.push('ی'),
        'ك' | 'ګ' => out.push('ک'),
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => out.push('ا'),
        'ة' | 'ۀ' | 'ە' | 'ہ' | 'ھ' | 'ۂ' => out.push('ه'),
        'ؤ' => out.push('و'),
        // Arabic-Indic and Persian digits to ASCII.
        '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        // Arabic script has no case: skip the case tables.
        _ if is_arabic_script(c) => out.push(c),
        _ => out.extend(c.to_lowercase()),
    }
}

/// Text folded for full-text search: each word (letters and digits) folded with
/// [`fold_char`], words separated by single spaces. Indexing and queries both go through it,
/// so a Persian spelling finds an Arabic-coded one and back.
pub fn fold_for_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_word = false;
    let mut rest = text;
    while !rest.is_empty() {
        // Runs of ASCII (most of an English feed's text) byte by byte, without decoding.
        let ascii = rest.bytes().take_while(u8::is_ascii).count();
        for b in rest.as_bytes()[..ascii].iter() {
            if b.is_ascii_alphanumeric() {
                if !in_word && !out.is_empty() {
                    out.push(' ');
                }
                in_word = true;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                in_word = false;
            }
        }
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        rest = &rest[c.len_utf8()..];
        if c.is_alphanumeric() {
            if !in_word && !out.is_empty() {
                out.push(' ');
            }
            in_word = true;
            fold_char(c, &mut out);
        } else if matches!(
            c,
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200D}'
        ) {
            // Marks, tatweel and ZWJ stay inside the word and are dropped; a ZWNJ separates
            // (`می‌شود` is searched as `می` `شود`, as routing reads it).
        } else {
            in_word = false;
        }
    }
    out
}

/// `1 feed`, `3 feeds`: a count with its noun, which takes an `s` unless the count is one.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_folding_splits_words_lowercases_and_unifies_arabic_letters() {
        use super::fold_for_search;
        assert_eq!(
            fold_for_search("Quetta-Blast, 12 KILLED"),
            "quetta blast 12 killed"
        );
        // Persian yeh and keheh for Arabic yeh and kaf, harakat dropped, ZWNJ splits.
        assert_eq!(fold_for_search("كَراتشي"), fold_for_search("کراتشی"));
        assert_eq!(fold_for_search("BBC:بی‌بی‌سی (KP)"), "bbc بی بی سی kp");
        assert_eq!(fold_for_search("ÉCOLE Straße ۱۴۰۵"), "école straße 1405");
        assert_eq!(fold_for_search("  ...  "), "");
    }

    use super::*;

    #[test]
    fn one_line_decodes_entities_and_strips_tags() {
        assert_eq!(
            one_line("Dawn &amp; Geo: <b>PM&#8217;s</b>\n  visit"),
            "Dawn & Geo: PM’s visit"
        );
        assert_eq!(one_line("Q&amp;amp;A &amp;#8217;"), "Q&A ’");
        assert_eq!(one_line("a < b and c > d"), "a < b and c > d");
        assert_eq!(one_line("x<script>alert(1)</script>y"), "x y");
    }

    #[test]
    fn sanitize_removes_escapes_and_bidi_overrides() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("\u{1b}]0;title\u{7}ok"), "ok");
        assert_eq!(sanitize("evil\u{202e}txt.exe\u{2066}"), "eviltxt.exe");
        assert_eq!(sanitize("keep\nnew\tlines"), "keep\nnew\tlines");
        assert_eq!(sanitize("اردو خبریں"), "اردو خبریں");
    }

    #[test]
    fn unterminated_control_strings_lose_only_their_introducer() {
        assert_eq!(sanitize("Before \u{1b}] after"), "Before  after");
        assert_eq!(sanitize("one \u{9d}two three"), "one two three");
        assert_eq!(sanitize("a\u{90}b"), "ab");
        // Terminated ones still go whole, with BEL, 7-bit or 8-bit ST.
        assert_eq!(sanitize("x\u{1b}]52;c;cHduZWQ=\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]0;t\u{1b}\\y"), "xy");
        assert_eq!(sanitize("x\u{9d}0;t\u{9c}y"), "xy");
        // A terminator too far away for a real sequence does not swallow the text before it.
        let long = format!("p\u{1b}]{}\u{7}q", "w".repeat(2 * MAX_CONTROL_STRING));
        assert_eq!(
            sanitize(&long),
            format!("p{}q", "w".repeat(2 * MAX_CONTROL_STRING))
        );
    }

    #[test]
    fn html_pages_decode_by_meta_charset() {
        let mut page = b"<html><head><meta charset=\"windows-1256\"></head><body>".to_vec();
        page.extend_from_slice(&[0xC7, 0xE1, 0xCE, 0xC8, 0xD1]);
        assert!(decode_html_bytes(&page).ends_with("الخبر"));
        assert_eq!(decode_html_bytes("<p>ok ✓</p>".as_bytes()), "<p>ok ✓</p>");
    }

    #[test]
    fn inert_html_writes_no_escape_sequence_that_came_as_entities() {
        let html = inert_html("<p>a&#27;]52;c;cHduZWQ=&#7;b &#x9b;31m c</p>");
        assert!(
            !html.chars().any(|c| c.is_control() && c != '\n'),
            "{html:?}"
        );
        assert!(html.contains("ab") && html.contains(" c"), "{html:?}");
    }

    #[test]
    fn inert_html_drops_scripts_frames_and_handlers() {
        let html = "<p onclick=\"x()\" style=\"color:red\">a</p><iframe srcdoc=\"y\"></iframe><script>z()</script>";
        assert_eq!(inert_html(html), "<p>a</p>");
        assert_eq!(strip_furniture("<p>plain</p>"), "<p>plain</p>");
    }

    #[test]
    fn relative_ages() {
        assert_eq!(relative_age(100, 100), "now");
        assert_eq!(relative_age(0, 300), "5m");
        assert_eq!(relative_age(0, 3 * 3600 + 5), "3h");
        assert_eq!(relative_age(0, 2 * 86_400), "2d");
        assert_eq!(relative_age(0, 15 * 86_400), "2w");
        assert_eq!(relative_age(500, 100), "now");
    }
}
