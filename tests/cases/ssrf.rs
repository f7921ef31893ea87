//! Article pages come from feed content, so they may not reach into the user's machine or
//! network: only their feed's own origin may be private, on every redirect and DNS answer.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::{tab, Sandbox};

const ARTICLE: &str = "<html><body><article><h1>Story</h1><p>The page text of the story, long \
    enough to be an article that the extractor keeps as the body of the page.</p></article>\
    </body></html>";

/// A feed on `feed_srv` with one teaser item linking to `link`.
fn setup(feed_srv: &TestServer, link: &str, extra_fetch: &str) -> (Sandbox, i64) {
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\
         <item><title>Teaser</title><link>{link}</link><guid>g1</guid>\
         <pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate>\
         <description>Short teaser.</description></item></channel></rss>"
    );
    feed_srv.route("/f.xml", Route::ok(feed, "application/rss+xml"));
    let sb = Sandbox::new();
    let config = format!(
        "[fetch]\ntimeout_secs = 2\nconnect_timeout_secs = 2\n{extra_fetch}\n{}",
        tab("pk", "Pakistan", &[("Dawn", feed_srv.url("/f.xml"))])
    );
    std::fs::write(sb.config_path(), config).unwrap();
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let items: Value = serde_json::from_slice(&sb.stdout_of(&["list", "--json"])).unwrap();
    let id = items[0]["id"].as_i64().unwrap();
    (sb, id)
}

fn read(sb: &Sandbox, id: i64) -> (String, String) {
    let out = sb.cmd().args(["read", &id.to_string()]).assert().success();
    let out = out.get_output();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_link_to_another_local_server_is_refused_by_read_and_by_saving() {
    let feed_srv = TestServer::start_blocking();
    let secret_srv = TestServer::start_blocking();
    secret_srv.route("/secret", Route::ok("TOP SECRET TOKEN", "text/html"));
    let (sb, id) = setup(&feed_srv, &secret_srv.url("/secret"), "");
    let (stdout, stderr) = read(&sb, id);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stdout.contains("Short teaser."), "{stdout}");
    sb.cmd()
        .args(["saved", "add", &id.to_string()])
        .assert()
        .success();
    let saved = std::fs::read_dir(sb.data_dir().join("saved")).unwrap();
    for file in saved {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains("TOP SECRET"), "{text}");
    }
    assert_eq!(
        secret_srv.total_hits(),
        0,
        "the private server was never asked"
    );
}

#[test]
fn names_resolving_to_local_addresses_and_metadata_addresses_are_refused() {
    let feed_srv = TestServer::start_blocking();
    let secret_srv = TestServer::start_blocking();
    secret_srv.route("/secret", Route::ok("TOP SECRET TOKEN", "text/html"));
    let by_name = secret_srv.url("/secret").replace("127.0.0.1", "localhost");
    let (sb, id) = setup(&feed_srv, &by_name, "");
    let (_, stderr) = read(&sb, id);
    assert!(stderr.contains("refused"), "{stderr}");
    assert_eq!(secret_srv.total_hits(), 0);

    let (sb, id) = setup(&feed_srv, "http://169.254.169.254/latest/meta-data/", "");
    let start = Instant::now();
    let (_, stderr) = read(&sb, id);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "refused before any connection attempt"
    );
}

#[test]
fn the_feeds_own_origin_may_be_local_but_not_redirect_elsewhere() {
    let feed_srv = TestServer::start_blocking();
    let secret_srv = TestServer::start_blocking();
    secret_srv.route("/secret", Route::ok("TOP SECRET TOKEN", "text/html"));
    feed_srv.route("/page", Route::ok(ARTICLE, "text/html"));
    let (sb, id) = setup(&feed_srv, &feed_srv.url("/page"), "");
    let (stdout, _) = read(&sb, id);
    assert!(stdout.contains("The page text of the story"), "{stdout}");

    // Two hops: own origin, own origin, then the private server.
    feed_srv.route("/hop1", Route::redirect(&feed_srv.url("/hop2")));
    feed_srv.route("/hop2", Route::redirect(&secret_srv.url("/secret")));
    let (sb, id) = setup(&feed_srv, &feed_srv.url("/hop1"), "");
    let (stdout, stderr) = read(&sb, id);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(!stdout.contains("TOP SECRET"), "{stdout}");
    assert_eq!(secret_srv.total_hits(), 0);
    assert_eq!(feed_srv.hits("/hop2"), 1, "the own-origin hop was followed");
}

#[test]
fn the_config_switch_allows_private_pages() {
    let feed_srv = TestServer::start_blocking();
    let other = TestServer::start_blocking();
    other.route("/page", Route::ok(ARTICLE, "text/html"));
    let (sb, id) = setup(&feed_srv, &other.url("/page"), "private_pages = true");
    let (stdout, _) = read(&sb, id);
    assert!(stdout.contains("The page text of the story"), "{stdout}");
    assert_eq!(other.hits("/page"), 1);
}
