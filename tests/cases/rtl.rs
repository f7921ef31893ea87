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

/// The language travels: from the feed's `<language>` (the outlet sets none) or the outlet's
/// `lang` into `list --json`, the saved copy's front matter (with tags as a list), the HTML
/// export's `lang`/`dir`, and the OPML export; an imported OPML `language` becomes `lang`.
#[test]
fn languages_reach_saved_copies_and_exports() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/ur.xml",
        Route::ok(crate::fixture("rtl/ur.xml"), "application/rss+xml"),
    );
    srv.route(
        "/fa.xml",
        Route::ok(crate::fixture("rtl/fa.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "{}[[tabs.outlets]]\nname = \"Farsi\"\nlang = \"fa-IR\"\nfeeds = [\"{}\"]\n",
        tab("pk", "Pakistan", &[("BBC Urdu", srv.url("/ur.xml"))]),
        srv.url("/fa.xml")
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let items: Value = serde_json::from_slice(&sb.stdout_of(&["list", "--json"])).unwrap();
    let lang_of = |title_start: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"].as_str().unwrap().starts_with(title_start))
            .map(|i| (i["id"].as_i64().unwrap(), i["lang"].clone()))
            .unwrap()
    };
    let (urdu, lang) = lang_of("وزیراعظم");
    assert_eq!(lang, "ur");
    assert_eq!(lang_of("سخنگوی").1, "fa-IR");

    sb.cmd()
        .args(["saved", "add", &urdu.to_string()])
        .assert()
        .success();
    sb.cmd()
        .args(["saved", "tag", &urdu.to_string(), "politics, پاکستان"])
        .assert()
        .success();
    let shown = String::from_utf8(sb.stdout_of(&["saved", "show", &urdu.to_string()])).unwrap();
    assert!(shown.contains("\nlang: \"ur\"\n"), "{shown}");
    assert!(shown.contains("\ndir: \"rtl\"\n"), "{shown}");
    let saved: Value = serde_json::from_slice(&sb.stdout_of(&["saved", "list", "--json"])).unwrap();
    assert_eq!(saved[0]["tags"], serde_json::json!(["politics", "پاکستان"]));
    assert_eq!(saved[0]["lang"], "ur");

    let dir = sb.dir.path().join("html");
    sb.cmd()
        .args(["saved", "export"])
        .arg(&dir)
        .args(["--format", "html"])
        .assert()
        .success();
    let page = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains("<html lang=\"ur\" dir=\"rtl\">"), "{page}");

    // The saved copy keeps its language after the outlet leaves the config.
    sb.write_config(&tab("pk", "Pakistan", &[]));
    let shown = String::from_utf8(sb.stdout_of(&["saved", "show", &urdu.to_string()])).unwrap();
    assert!(shown.contains("\nlang: \"ur\"\n"), "{shown}");

    // OPML: the outlet's lang goes out as `language` and comes back in as `lang`.
    sb.write_config(&format!(
        "[[tabs]]\nid = \"ir\"\ntitle = \"Iran\"\n[[tabs.outlets]]\nname = \"Farsi\"\nlang = \"fa\"\nfeeds = [\"{}\"]\n",
        srv.url("/fa.xml")
    ));
    let opml = String::from_utf8(sb.stdout_of(&["export"])).unwrap();
    assert!(opml.contains("language=\"fa\""), "{opml}");
    let other = Sandbox::new();
    let file = other.dir.path().join("feeds.opml");
    std::fs::write(&file, &opml).unwrap();
    other.write_config("");
    other.cmd().arg("import").arg(&file).assert().success();
    let config = std::fs::read_to_string(other.config_path()).unwrap();
    assert!(config.contains("lang = \"fa\""), "{config}");
}
