//! Hostile and broken input must give errors, never panics: truncated and bit-flipped feeds,
//! OPML and pages, from the fixtures, with a fixed-seed generator so failures reproduce.

use std::panic::catch_unwind;

/// A small deterministic generator (xorshift) so the inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Truncations, byte flips and spliced control/escape/bidi bytes of `input`.
fn mutants(input: &[u8], count: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let nasty: [&[u8]; 6] = [
        b"\x1b[2J",
        b"\xe2\x80\xae",
        b"\x00",
        b"<![CDATA[",
        b"&#x1b;",
        b"\xff\xfe",
    ];
    (0..count)
        .map(|i| {
            let mut m = input.to_vec();
            match i % 3 {
                0 => m.truncate(rng.below(input.len())),
                1 => {
                    for _ in 0..8 {
                        let at = rng.below(m.len());
                        m[at] ^= 1 << rng.below(8);
                    }
                }
                _ => {
                    let at = rng.below(m.len());
                    let piece = nasty[rng.below(nasty.len())];
                    m.splice(at..at, piece.iter().copied());
                }
            }
            m
        })
        .collect()
}

fn fixture_dir(sub: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

#[test]
fn mutated_feeds_never_panic_and_never_leak_control_characters() {
    let mut checked = 0;
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for entry in std::fs::read_dir(fixture_dir("feeds")).unwrap().flatten() {
        if entry.path().is_dir() {
            files.extend(
                std::fs::read_dir(entry.path())
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "xml")),
            );
        } else {
            files.push(entry.path());
        }
    }
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for (i, m) in mutants(&bytes, 60, 0x5eed ^ bytes.len() as u64)
            .into_iter()
            .enumerate()
        {
            let parsed =
                catch_unwind(|| khabar::feeds::parse::parse_feed(&m, Some("https://x.example/")));
            let parsed = parsed.unwrap_or_else(|_| panic!("{path:?} mutant {i} panicked"));
            if let Ok(feed) = parsed {
                for a in &feed.articles {
                    assert!(
                        !a.title.chars().any(khabar::text::is_unsafe_char),
                        "{:?}",
                        a.title
                    );
                    assert!(!a.title.contains('\n'));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 500);
}

#[test]
fn mutated_opml_never_panics() {
    let doc = br#"<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
        <outline text="Pakistan"><outline text="Dawn" xmlUrl="https://dawn.example/feed" category="/News/Pakistan"/>
        <outline text="Geo &amp; News" xmlUrl="https://geo.example/rss"/></outline></body></opml>"#;
    for m in mutants(doc, 300, 7) {
        let text = String::from_utf8_lossy(&m).into_owned();
        assert!(catch_unwind(|| khabar::feeds::opml::parse_opml(&text)).is_ok());
    }
}

#[test]
fn mutated_pages_still_give_their_article_and_never_an_unsafe_line() {
    let page = std::fs::read(fixture_dir("pages").join("site-article.html")).unwrap();
    let expected =
        std::fs::read_to_string(fixture_dir("pages").join("site-article.expected.txt")).unwrap();
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    // Body sentences long enough that a mutation rarely lands in all of them.
    let sentences: Vec<String> = expected
        .lines()
        .skip(1)
        .map(flat)
        .filter(|l| l.split(' ').count() >= 12)
        .collect();
    assert!(sentences.len() >= 4);
    let (mut spliced, mut spliced_whole, mut flipped, mut flipped_most) = (0, 0, 0, 0);
    for (i, m) in mutants(&page, 45, 11).iter().enumerate() {
        let html = String::from_utf8_lossy(m).into_owned();
        let result = khabar::extract::extract(&html, Some("https://x.example/a"), None);
        assert!(
            !matches!(result, Err(khabar::extract::ExtractError::Panicked(_))),
            "mutant {i}: an extractor panicked"
        );
        let text = result.as_ref().map(|e| flat(&e.text)).unwrap_or_default();
        let found = sentences
            .iter()
            .filter(|s| text.contains(s.as_str()))
            .count();
        match i % 3 {
            // A few spliced bytes (escapes, bidi overrides, NUL) lose no sentence at all
            // (the bytes are removed, and the sentences around them are intact).
            2 => {
                spliced += 1;
                spliced_whole += usize::from(found + 1 >= sentences.len());
            }
            1 => {
                flipped += 1;
                flipped_most += usize::from(found * 2 >= sentences.len());
            }
            _ => {}
        }
        if let Ok(e) = &result {
            for line in &khabar::render::render(&e.html, 60).lines {
                assert!(
                    !line.text.chars().any(|c| c.is_control() || c == '\u{202e}'),
                    "{:?}",
                    line.text
                );
            }
        }
    }
    assert_eq!(spliced_whole, spliced, "a spliced page lost its article");
    assert!(
        flipped_most * 10 >= flipped * 8,
        "{flipped_most} of {flipped} bit-flipped pages kept most of their article"
    );
}

#[test]
fn one_line_text_is_always_safe() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(64);
        let s: String = (0..len)
            .map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?'))
            .collect();
        let clean = khabar::text::one_line(&s);
        assert!(
            !clean.chars().any(khabar::text::is_unsafe_char),
            "{s:?} -> {clean:?}"
        );
        assert!(!clean.contains('\n') && !clean.contains('\t'));
    }
}
