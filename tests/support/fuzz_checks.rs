//! The checks of the fuzz targets in `fuzz/`, shared with `tests/cases/fuzz_regressions.rs` so
//! that an input the fuzzer found keeps being checked by `cargo test`. Each function takes the
//! fuzzer's raw bytes and panics when khabar misbehaves on them.

use khabar::render::{bidi, cell_width, render};
use khabar::text::{is_unsafe_char, sanitize};

/// Control (other than `\n` and `\t`), escape and bidi-override characters.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_unsafe_char(c)
}

fn assert_clean(what: &str, s: &str) {
    if let Some(c) = s.chars().find(|c| unsafe_char(*c) || *c == '\r') {
        panic!("{c:?} left in the {what} {s:?}");
    }
}

/// Feed parsing from raw bytes, as a refresh does: what it keeps for the lists (titles,
/// summaries, authors, categories) holds no unsafe character.
pub fn feed(data: &[u8]) {
    let Ok(feed) = khabar::feeds::parse::parse_feed(data, Some("https://feed.example/rss")) else {
        return;
    };
    if let Some(t) = &feed.title {
        assert_clean("feed title", t);
    }
    for a in &feed.articles {
        assert_clean("title", &a.title);
        for s in a.summary.iter().chain(&a.authors).chain(&a.categories) {
            assert_clean("list field", s);
        }
    }
}

/// OPML import (`khabar import` reads the file lossily as UTF-8): parsing never panics, and
/// the config the merge writes loads again.
pub fn opml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(opml) = khabar::feeds::opml::parse_opml(&text) else {
        return;
    };
    let _ = opml.feed_count();
    if let Ok((merged, _)) = khabar::commands::import::merge_opml(None, &text) {
        if let Err(e) = khabar::config::Config::parse(&merged, "merged.toml") {
            panic!("the merged config does not load: {e}\n{merged}");
        }
    }
}

/// Config text, the path `khabar config` and every start take: never panics.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match khabar::config::Config::parse(text, "fuzz.toml") {
        Ok(config) => {
            let _ = config.keymap();
            let _ = config.routed_feeds();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// The sanitiser: no unsafe character survives, it is idempotent and never grows the text,
/// and text with nothing unsafe passes unchanged; `one_line` and `inert_html` (which builds on
/// it) are safe too.
pub fn sanitize_text(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let out = sanitize(&input);
    if let Some(c) = out.chars().find(|c| unsafe_char(*c)) {
        panic!("{c:?} left in {out:?} (from {input:?})");
    }
    assert_eq!(sanitize(&out), out, "not idempotent on {input:?}");
    if !input.chars().any(|c| unsafe_char(c) || c == '\r') {
        assert_eq!(out, input, "plain text changed");
    }
    assert!(out.len() <= input.len(), "sanitize grew {input:?}");
    let one = khabar::text::one_line(&input);
    assert_clean("one_line", &one);
    assert!(!one.contains('\n'), "a newline in one_line {one:?}");
    if input.len() < 4096 {
        let inert = khabar::text::inert_html(&input);
        if let Some(c) = inert.chars().find(|c| unsafe_char(*c)) {
            panic!("{c:?} left in inert_html {inert:?}");
        }
    }
}

/// Article extraction from any page, with the bounds against hostile nesting and size that
/// `extract` applies: never panics or overflows the stack, and gives no unsafe character.
pub fn extract(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let Ok(article) = khabar::extract::extract(&html, Some("https://news.example/a/1"), None)
    else {
        return;
    };
    for field in [&article.text, &article.html]
        .into_iter()
        .chain(&article.title)
        .chain(&article.byline)
    {
        if let Some(c) = field.chars().find(|c| is_unsafe_char(*c)) {
            panic!("{c:?} left in {field:?}");
        }
    }
}

/// Rendering article HTML for the terminal (the first byte picks the width) and the bidi
/// layout of its text at a few widths: no line is wider than its width.
pub fn render_html(data: &[u8]) {
    let Some((&w, rest)) = data.split_first() else {
        return;
    };
    let html = String::from_utf8_lossy(rest);
    // `render` clamps to at least 20 columns; the bidi layout takes any width.
    let width = 20 + usize::from(w % 100);
    let rendered = render(&html, width);
    for line in &rendered.lines {
        let cells = cell_width(&line.text);
        assert!(cells <= width, "{cells} cells > {width}: {:?}", line.text);
        if let Some(v) = &line.visual {
            assert!(cell_width(v) <= width, "visual line > {width}: {v:?}");
        }
    }
    let text = rendered
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for width in [1, 2, 7, usize::from(w)] {
        for reorder in [false, true] {
            for line in bidi::layout(&text, width, bidi::Direction::Ltr, reorder) {
                assert!(
                    line.width <= width.max(1) && bidi::width(&line.text) == line.width,
                    "layout at {width}: {line:?}"
                );
            }
        }
        let fit = bidi::fit(&html, width, bidi::Direction::Rtl, true);
        assert!(fit.width <= width, "fit at {width}: {fit:?}");
    }
}
