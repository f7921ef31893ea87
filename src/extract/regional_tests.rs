//! Article pages in the layout of regional outlets, in Urdu, Persian, Pashto and Arabic,
//! written for khabar (no real site's text): the body is kept and the furniture (advertisement
//! labels, "also read" boxes, most-read and related lists, share bars, comments, newsletter
//! and footer) is dropped, with the outlets' class names and with neutral ones.

use super::extract;

/// Each page, its neutral-markup variant, and what must be kept and dropped.
const PAGES: &[(&str, &str, &str, &str)] = &[
    (
        "ur",
        include_str!("../../tests/fixtures/pages/regional/ur.html"),
        include_str!("../../tests/fixtures/pages/regional/ur-plain.html"),
        include_str!("../../tests/fixtures/pages/regional/ur.json"),
    ),
    (
        "fa",
        include_str!("../../tests/fixtures/pages/regional/fa.html"),
        include_str!("../../tests/fixtures/pages/regional/fa-plain.html"),
        include_str!("../../tests/fixtures/pages/regional/fa.json"),
    ),
    (
        "ps",
        include_str!("../../tests/fixtures/pages/regional/ps.html"),
        include_str!("../../tests/fixtures/pages/regional/ps-plain.html"),
        include_str!("../../tests/fixtures/pages/regional/ps.json"),
    ),
    (
        "ar",
        include_str!("../../tests/fixtures/pages/regional/ar.html"),
        include_str!("../../tests/fixtures/pages/regional/ar-plain.html"),
        include_str!("../../tests/fixtures/pages/regional/ar.json"),
    ),
];

#[test]
fn regional_pages_keep_the_body_and_drop_the_furniture() {
    for (lang, page, plain, expected) in PAGES {
        let expected: serde_json::Value = serde_json::from_str(expected).unwrap();
        for (variant, html) in [("outlet markup", page), ("neutral markup", plain)] {
            let text = extract(html, Some("https://news.example/story"), None)
                .unwrap()
                .text;
            for kept in expected["kept"].as_array().unwrap() {
                let kept = kept.as_str().unwrap();
                assert!(
                    text.contains(kept),
                    "{lang} {variant}: lost {kept:?}\n{text}"
                );
            }
            for dropped in expected["dropped"].as_array().unwrap() {
                let dropped = dropped.as_str().unwrap();
                assert!(
                    !text.contains(dropped),
                    "{lang} {variant}: kept {dropped:?}\n{text}"
                );
            }
        }
    }
}
