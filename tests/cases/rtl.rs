//! Right-to-left text from the command line: `khabar read --width N` never prints a line
//! wider than N cells, breaks no word, and keeps logical order when written to a pipe.

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::{tab, Sandbox};

const BODY: &str = "<p>محکمہ موسمیات کے مطابق لاہور، کراچی اور راولپنڈی میں آئندہ دو روز کے دوران \
    بارش کا امکان ہے اور شہریوں کو احتیاط کی ہدایت کی گئی ہے۔</p>\
    <p>ٹی ٹی پی (TTP) کے حملے میں اضافے کے بعد خیبر پختونخوا میں سیکیورٹی سخت کر دی گئی۔</p>\
    <p>وزارت خارجہ نے کہا کہ مذاکرات کا اگلا دور آئندہ ماہ اسلام آباد میں ہوگا جس میں علاقائی \
    تجارت، سرحدی انتظام اور پناہ گزینوں کی واپسی پر بات چیت کی جائے گی۔</p>";

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn read_wraps_urdu_within_the_width_without_splitting_words() {
    let srv = TestServer::start_blocking();
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
         <channel><title>اردو</title><item><title>وزیراعظم نے قومی اسمبلی کا اجلاس کل طلب کر لیا</title>\
         <link>https://urdu.example/1</link><guid>u1</guid><pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate>\
         <content:encoded><![CDATA[{}]]></content:encoded></item></channel></rss>",
        BODY.repeat(4)
    );
    srv.route("/ur.xml", Route::ok(feed, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&tab("pk", "Pakistan", &[("BBC Urdu", srv.url("/ur.xml"))]));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let items: Value = serde_json::from_slice(&sb.stdout_of(&["list", "--json"])).unwrap();
    let id = items[0]["id"].as_i64().unwrap().to_string();
    let expected_words = words(&khabar::text::one_line(BODY));
    for width in [40usize, 60, 100] {
        let out = sb.stdout_of(&["read", &id, "--width", &width.to_string()]);
        let out = String::from_utf8(out).unwrap();
        let body: Vec<&str> = out.lines().skip(4).collect();
        for line in &body {
            assert!(
                khabar::render::cell_width(line) <= width,
                "{width}: {} cells: {line:?}",
                khabar::render::cell_width(line)
            );
        }
        // Piped output is logical order, and every word arrives whole.
        let printed = words(&body.join(" "));
        for word in &expected_words {
            assert!(printed.contains(word), "{width}: {word:?} missing or split");
        }
        assert!(out.contains("ٹی ٹی پی (TTP) کے حملے"), "{out}");
    }
}

/// Every right-to-left line of the fixture feeds (titles and article paragraphs) is laid out
/// in the visual order GNU FriBidi gives it (its answers, unshaped, are in `fribidi.tsv`,
/// made by `make-fribidi-reference.py`), mirrored brackets included.
#[test]
fn visual_order_agrees_with_gnu_fribidi() {
    let reference = include_str!("../fixtures/feeds/rtl/fribidi.tsv");
    let mut checked = 0;
    for line in reference.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (lang, logical, expected) = (
            fields.next().unwrap(),
            fields.next().unwrap(),
            fields.next().unwrap(),
        );
        let ours = khabar::render::bidi::visual(logical, khabar::render::bidi::Direction::Ltr);
        assert_eq!(ours.text, expected, "{lang}: {logical}");
        checked += 1;
    }
    assert!(checked >= 28, "{checked}");
}
