//! `KHABAR_LOG=debug` logs what khabar does, never the documents it reads: the HTML parsers
//! and the HTTP stack would otherwise log a large page token by token.

use crate::server::{Route, TestServer};
use crate::{tab, Sandbox};

/// Words that occur only in the served page and feed bodies.
const PAGE_WORD: &str = "Quokkazebra";
const FEED_WORD: &str = "Narwhalpangolin";

#[test]
fn debug_logging_keeps_pages_and_feeds_out_of_the_log() {
    let srv = TestServer::start_blocking();
    let mut page = String::from("<html><head><title>Big story</title></head><body><article>");
    page.push_str("<h1>Big story</h1>");
    let mut n = 0;
    while page.len() < 200_000 {
        n += 1;
        page.push_str(&format!(
            "<p>Paragraph {n}: the {PAGE_WORD} council met again on Tuesday and agreed on \
             nothing, as the minutes of the {PAGE_WORD} session show in some detail.</p>"
        ));
    }
    page.push_str("</article></body></html>");
    srv.route(
        "/story.html",
        Route::ok(page.clone(), "text/html; charset=utf-8"),
    );
    let mut feed = String::from("<rss version=\"2.0\"><channel><title>Big</title>");
    feed.push_str(&format!(
        "<item><title>Big story</title><link>{}</link><guid>1</guid>\
         <description>Short teaser.</description></item>",
        srv.url("/story.html")
    ));
    for i in 2..200 {
        feed.push_str(&format!(
            "<item><title>Item {i}</title><guid>{i}</guid><description>{}</description></item>",
            format!("{FEED_WORD} {i} ").repeat(100)
        ));
    }
    feed.push_str("</channel></rss>");
    srv.route("/f.xml", Route::ok(feed.clone(), "application/rss+xml"));

    let sb = Sandbox::new();
    sb.write_config(&tab("t", "T", &[("Big", srv.url("/f.xml"))]));
    let debug = |args: &[&str]| {
        sb.cmd()
            .env("KHABAR_LOG", "debug")
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    debug(&["refresh", "--quiet"]);
    let list = debug(&["list", "--json", "--limit", "500", "--tab", "t"]);
    let rows: serde_json::Value = serde_json::from_slice(&list).unwrap();
    let id = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Big story")
        .unwrap()["id"]
        .to_string();
    // Whether the page is extracted in time or the feed text is shown (a debug build on a
    // busy machine), it was fetched and parsed with debug logging on.
    debug(&["read", &id, "--width", "72"]);

    let log = std::fs::read_to_string(sb.data_dir().join("khabar.log")).unwrap();
    // Debug logging is on: khabar's own lines say what was read, by its length.
    assert!(
        log.contains(&format!("{} bytes", page.len())),
        "no fetch line for the page in {log}"
    );
    assert!(
        log.len() < 64 * 1024,
        "{} bytes of log for a {} byte page and a {} byte feed",
        log.len(),
        page.len(),
        feed.len()
    );
    assert!(!log.contains(PAGE_WORD), "page text in the log");
    assert!(!log.contains(FEED_WORD), "feed text in the log");
    assert!(log.lines().all(|l| l.len() < 2200), "a line too long");
}
