//! `khabar refresh` / `list` / `feeds` against fixture feeds on a loopback server.

use std::time::Duration;

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::{fixture, tab, Sandbox};

fn serve_fixtures(srv: &TestServer) {
    for (path, file, ctype) in [
        ("/rss20.xml", "rss20.xml", "application/rss+xml"),
        ("/rss10.rdf", "rss10.rdf", "application/rdf+xml"),
        ("/atom.xml", "atom.xml", "application/atom+xml"),
        ("/feed.json", "feed.json", "application/feed+json"),
        ("/noguid.xml", "rss20_no_guid.xml", "application/rss+xml"),
        ("/entities.xml", "rss20_entities.xml", "application/rss+xml"),
        ("/dups.xml", "rss20_duplicates.xml", "application/rss+xml"),
        (
            "/cp1256.xml",
            "rss20_windows1256.xml",
            "application/rss+xml",
        ),
        ("/latin1.xml", "rss20_iso8859_1.xml", "application/rss+xml"),
        ("/page.html", "not_a_feed.html", "text/html"),
        ("/urdu.xml", "rss20_urdu.xml", "application/rss+xml"),
    ] {
        srv.route(
            path,
            Route::ok(fixture(file), ctype)
                .with_etag("v1")
                .with_last_modified("Tue, 24 Nov 2026 10:00:00 GMT"),
        );
    }
    srv.route("/old-home", Route::redirect("/rss20.xml"));
    srv.route("/broken", Route::status(500));
    srv.route(
        "/slow",
        Route::ok(fixture("rss20.xml"), "application/rss+xml").with_delay(Duration::from_secs(10)),
    );
}

fn list_json(sb: &Sandbox, tab: Option<&str>) -> Vec<Value> {
    let mut cmd = sb.cmd();
    cmd.args(["list", "--json", "--limit", "500"]);
    if let Some(t) = tab {
        cmd.args(["--tab", t]);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn refresh_parses_every_format_reports_failures_and_lists_clean_titles() {
    let srv = TestServer::start_blocking();
    serve_fixtures(&srv);
    let sb = Sandbox::new();
    let good = tab(
        "good",
        "Good",
        &[
            ("RSS2", srv.url("/rss20.xml")),
            ("RSS1", srv.url("/rss10.rdf")),
            ("Atom", srv.url("/atom.xml")),
            ("JSON", srv.url("/feed.json")),
            ("NoGuid", srv.url("/noguid.xml")),
            ("Entities", srv.url("/entities.xml")),
            ("Dups", srv.url("/dups.xml")),
            ("Cp1256", srv.url("/cp1256.xml")),
            ("Latin1", srv.url("/latin1.xml")),
            ("Moved", srv.url("/old-home")),
        ],
    );
    let bad = tab(
        "bad",
        "Bad",
        &[
            ("Html", srv.url("/page.html")),
            ("Broken", srv.url("/broken")),
            ("Slow", srv.url("/slow")),
        ],
    );
    sb.write_config(&format!("{good}\n{bad}"));

    let out = sb
        .cmd()
        .args(["refresh", "--quiet"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("13 feeds"), "{stderr}");
    assert!(stderr.contains("3 failed"), "{stderr}");
    assert!(
        stderr.contains("Html") && stderr.contains("not a feed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Broken") && stderr.contains("HTTP 500"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Slow") && stderr.contains("timed out"),
        "{stderr}"
    );

    let items = list_json(&sb, Some("good"));
    let t = titles(&items);
    for expected in [
        "Torkham border crossing reopens after five-day closure",
        "Wheat prices climb in Herat as Iranian imports slow",
        "Tehran schools closed as air pollution reaches hazardous levels",
        "Gwadar port handles first transit cargo bound for Afghanistan",
        "Pakistan & Afghanistan agree on new trade corridor",
        "Peshawar’s Qissa Khwani bazaar gets a facelift",
        "Tehran fuel prices rise again",
        "Café culture returns to Peshawar's Saddar bazaar",
        "پشاور ميں شديد بارش، کئي سڑکيں بند",
    ] {
        assert!(
            t.iter().any(|x| x == expected),
            "missing {expected:?} in {t:#?}"
        );
    }
    assert!(
        t.iter()
            .all(|x| !x.contains('<') && !x.contains("&amp;") && !x.contains('\u{202e}')),
        "{t:#?}"
    );
    // Items arrive newest first, with the fields scripts rely on.
    let first = &items[0];
    for key in ["id", "title", "outlet", "tab", "url", "published", "read"] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    let published: Vec<&str> = items
        .iter()
        .map(|v| v["published"].as_str().unwrap())
        .collect();
    let mut sorted = published.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, sorted);
    // Refreshing again adds nothing: identities are stable (also for items without guid).
    let before = items.len();
    sb.cmd()
        .args(["refresh", "--quiet", "--tab", "good"])
        .assert()
        .success();
    assert_eq!(list_json(&sb, Some("good")).len(), before);

    let feeds: Value = serde_json::from_slice(
        &sb.cmd()
            .args(["feeds", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let broken = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["outlet"] == "Broken")
        .unwrap();
    assert_eq!(broken["last_error"], "HTTP 500");
    assert_eq!(broken["failures"], 1);
}

#[test]
fn second_refresh_sends_validators_and_gets_304() {
    let srv = TestServer::start_blocking();
    serve_fixtures(&srv);
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "pk",
        "Pakistan",
        &[
            ("RSS2", srv.url("/rss20.xml")),
            ("Atom", srv.url("/atom.xml")),
        ],
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let out = sb
        .cmd()
        .args(["refresh", "--quiet"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("0 new articles, 2 unchanged"), "{stderr}");
    let second = &srv.requests("/rss20.xml")[1];
    assert_eq!(second.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        second.header("if-modified-since"),
        Some("Tue, 24 Nov 2026 10:00:00 GMT")
    );
}

#[test]
fn duplicates_within_a_feed_and_across_outlets_show_once() {
    let srv = TestServer::start_blocking();
    serve_fixtures(&srv);
    srv.route(
        "/rss20-copy.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "t",
        "T",
        &[
            ("A", srv.url("/rss20.xml")),
            ("B", srv.url("/rss20-copy.xml")),
            ("Dups", srv.url("/dups.xml")),
        ],
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let t = titles(&list_json(&sb, Some("t")));
    let torkham = t
        .iter()
        .filter(|x| x.starts_with("Torkham border crossing"))
        .count();
    assert_eq!(torkham, 1, "{t:#?}");
    let mut unique = t.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), t.len(), "{t:#?}");
}

#[test]
fn oversized_responses_are_refused() {
    let srv = TestServer::start_blocking();
    let huge = format!(
        "<rss version=\"2.0\"><channel><title>{}</title></channel></rss>",
        "x".repeat(2_000_000)
    );
    srv.route("/huge.xml", Route::ok(huge, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&tab("t", "T", &[("Huge", srv.url("/huge.xml"))]));
    let out = sb
        .cmd()
        .args(["refresh", "--quiet"])
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("larger than 1000000 bytes"));
}

#[test]
fn retry_after_is_honoured_even_when_forced() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/busy.xml",
        Route::status(503).with_header("Retry-After", "3600"),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab("t", "T", &[("Busy", srv.url("/busy.xml"))]));
    sb.cmd().args(["refresh", "--quiet"]).assert().code(3);
    let out = sb
        .cmd()
        .args(["refresh", "--quiet"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("1 skipped"));
    assert_eq!(srv.hits("/busy.xml"), 1);
}

#[test]
fn gzip_and_brotli_bodies_are_decoded() {
    use std::io::Write;
    let srv = TestServer::start_blocking();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&fixture("rss20.xml")).unwrap();
    srv.route(
        "/gz.xml",
        Route::ok(gz.finish().unwrap(), "application/rss+xml")
            .with_header("Content-Encoding", "gzip"),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab("t", "T", &[("Gz", srv.url("/gz.xml"))]));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let t = titles(&list_json(&sb, Some("t")));
    assert!(
        t.iter().any(|x| x.starts_with("Torkham border crossing")),
        "{t:?}"
    );
    let accept = srv.requests("/gz.xml")[0]
        .header("accept-encoding")
        .unwrap_or_default()
        .to_string();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
}

#[test]
fn read_prints_the_extracted_article_for_a_teaser_and_caches_it() {
    let srv = TestServer::start_blocking();
    let page = crate::page("site-article.html");
    srv.route("/story.html", Route::ok(page, "text/html; charset=utf-8"));
    let feed = format!(
        "<rss version=\"2.0\"><channel><title>GZ</title><item><title>Dialogue with Kabul</title>\
         <link>{}</link><guid>1</guid><description>Short teaser.</description></item></channel></rss>",
        srv.url("/story.html")
    );
    srv.route("/f.xml", Route::ok(feed, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&tab("t", "T", &[("Ground Zero", srv.url("/f.xml"))]));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let id = list_json(&sb, Some("t"))[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let out = sb.stdout_of(&["read", &id, "--width", "72"]);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("Dialogue with Kabul\nGround Zero · "),
        "{text}"
    );
    assert!(text.contains("general extractor"), "{text}");
    assert!(
        text.contains("Collapse of Talks and Rising Security Concerns"),
        "{text}"
    );
    assert!(text.lines().all(|l| unicode_width_ok(l, 72)), "{text}");
    assert!(!text.contains("Leave A Reply"));
    // Cached: works with the page gone.
    srv.route("/story.html", Route::status(404));
    let again = sb.stdout_of(&["read", &id, "--width", "72"]);
    assert_eq!(String::from_utf8(again).unwrap(), text);
}

fn unicode_width_ok(line: &str, width: usize) -> bool {
    // Links and long words may overflow; ordinary prose lines must not.
    line.chars().count() <= width
        || !line.contains(' ')
        || line.starts_with('[')
        || line.contains("http")
}

/// An RSS document of `items` items with some body text each.
fn rss_with_items(name: &str, items: usize) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut s =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>");
    for i in 0..items {
        let _ = write!(
            s,
            "<item><title>{name} story {i}</title><link>https://{name}.example/{i}</link>\
             <guid>{name}-{i}</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>\
             <description>&lt;p&gt;Story {i} of {name}, a few sentences about talks in Kabul \
             and Islamabad, with &lt;a href=\"https://{name}.example/{i}\"&gt;a link&lt;/a&gt;.\
             &lt;/p&gt;</description></item>"
        );
    }
    s.push_str("</channel></rss>");
    s.into_bytes()
}

/// Feeds parse beside each other, off the store's one writer connection: a small feed that
/// arrives while a huge one is still being parsed is stored (and reported) first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_parse_does_not_hold_up_a_small_feeds_store_write() {
    use khabar::refresh::{refresh_feeds, sync_config, FeedJob, FeedResult, RefreshMode};
    let huge = rss_with_items("huge", 2_000);
    let srv = TestServer::start_blocking();
    srv.route("/huge.xml", Route::ok(huge, "application/rss+xml"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("khabar.db");
    let store = khabar::store::StoreHandle::open(&db).unwrap();
    let fetcher =
        khabar::feeds::fetch::Fetcher::new(&khabar::config::FetchConfig::default()).unwrap();
    // Time one fetch and one parse of the huge feed here, so that the small feed arrives in
    // the middle of the huge one's parse however fast or busy this machine is.
    let started = std::time::Instant::now();
    let none = khabar::model::Validators::default();
    let Ok(khabar::feeds::fetch::FetchOutcome::Fresh { body, .. }) =
        fetcher.get(&srv.url("/huge.xml"), &none, None).await
    else {
        panic!("the huge feed did not come")
    };
    let fetch_time = started.elapsed();
    let started = std::time::Instant::now();
    let parsed = khabar::feeds::parse::parse_feed(&body, None).unwrap();
    let parse_time = started.elapsed();
    assert_eq!(parsed.articles.len(), 2_000);
    srv.route(
        "/small.xml",
        Route::ok(rss_with_items("small", 3), "application/rss+xml")
            .with_delay(fetch_time + parse_time / 2),
    );
    let jobs: Vec<FeedJob> = ["/huge.xml", "/small.xml"]
        .iter()
        .map(|path| FeedJob {
            url: srv.url(path),
            outlet: (*path).into(),
            user_agent: None,
            item_limit: 10_000,
            refresh_minutes: 30,
            lang: None,
        })
        .collect();
    sync_config(&store, &jobs).await.unwrap();
    // What another connection sees of the huge feed as each report comes in.
    let huge_stored = || -> i64 {
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM articles WHERE outlet = '/huge.xml'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut reports = Vec::new();
    refresh_feeds(&store, &fetcher, jobs, RefreshMode::Force, 8, |r| {
        reports.push((r.outlet, r.result, huge_stored()));
    })
    .await;
    let order: Vec<(&str, &FeedResult)> = reports.iter().map(|(o, r, _)| (o.as_str(), r)).collect();
    assert_eq!(
        order,
        [
            ("/small.xml", &FeedResult::Updated { new: 3 }),
            ("/huge.xml", &FeedResult::Updated { new: 2_000 }),
        ]
    );
    // Not just first: stored while the huge feed was still being parsed, not after its write
    // (the writer used to parse, so the huge feed was in the store before the small one).
    assert_eq!(
        reports[0].2, 0,
        "the small feed was stored after the huge one (a parse takes {parse_time:?}): it waited \
         for the huge feed's parse"
    );
}

#[test]
fn a_feed_with_one_invalid_byte_keeps_its_items_and_its_status_says_it_was_repaired() {
    let srv = TestServer::start_blocking();
    let clean = fixture("rss20.xml");
    let mut broken = clean.clone();
    let at = broken
        .windows(b"five-day".len())
        .position(|w| w == b"five-day")
        .unwrap();
    broken[at + 4] = 0xFF; // "five\xFFday": one byte that is not UTF-8
                           // Other links, so that the lists do not fold its stories into the clean feed's.
    let broken = String::from_utf8_lossy(&broken)
        .replace("news.example.com", "other.example.com")
        .replace('\u{fffd}', "\u{1}");
    let broken: Vec<u8> = broken
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xFF } else { b })
        .collect();
    srv.route(
        "/clean.xml",
        Route::ok(clean, "application/rss+xml").with_etag("c1"),
    );
    srv.route(
        "/broken.xml",
        Route::ok(broken, "application/rss+xml").with_etag("b1"),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "pk",
        "Pakistan",
        &[
            ("Clean", srv.url("/clean.xml")),
            ("Repaired", srv.url("/broken.xml")),
        ],
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let items = list_json(&sb, Some("pk"));
    let count = |outlet: &str| items.iter().filter(|i| i["outlet"] == outlet).count();
    assert_eq!((count("Clean"), count("Repaired")), (4, 4), "{items:?}");
    let titles = titles(&items);
    assert!(
        titles.contains(&"Torkham border crossing reopens after five\u{fffd}day closure".into()),
        "{titles:?}"
    );

    let note = "invalid UTF-8 repaired: 1 byte replaced";
    let check = |sb: &Sandbox| {
        let text = String::from_utf8(sb.stdout_of(&["feeds"])).unwrap();
        let line = |outlet: &str| {
            text.lines()
                .find(|l| l.starts_with(outlet))
                .unwrap_or_else(|| panic!("no {outlet} in {text}"))
                .to_string()
        };
        assert!(line("Repaired").contains(&format!("ok ({note})")), "{text}");
        assert!(line("Clean").contains(" ok  "), "{text}");
        assert!(!line("Clean").contains("repaired"), "{text}");
        let feeds: Value = serde_json::from_slice(&sb.stdout_of(&["feeds", "--json"])).unwrap();
        let of = |outlet: &str| {
            feeds
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["outlet"] == outlet)
                .unwrap()["note"]
                .clone()
        };
        assert_eq!(of("Repaired"), note);
        assert_eq!(of("Clean"), Value::Null);
    };
    check(&sb);
    // A 304 repeats the same document: the note stays with it.
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    assert_eq!(srv.responses_with(304), 2);
    check(&sb);
}
