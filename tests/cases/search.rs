//! Full-text search and marking read from the command line: `khabar search` over everything
//! stored with the query syntax and Arabic-script folding, a tab defined by a `query`, and
//! `khabar mark-read`.

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::{fixture, Sandbox};

fn titles(sb: &Sandbox, args: &[&str]) -> Vec<String> {
    let out: Value = serde_json::from_slice(&sb.stdout_of(args)).unwrap();
    out.as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect()
}

fn sandbox(srv: &TestServer, extra_tabs: &str) -> Sandbox {
    for name in ["ur", "fa", "ar"] {
        srv.route(
            &format!("/{name}.xml"),
            Route::ok(fixture(&format!("rtl/{name}.xml")), "application/rss+xml"),
        );
    }
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\"\n[[tabs.outlets]]\nname = \"BBC Urdu\"\nfeeds = [\"{}\"]\n\
         [[tabs]]\nid = \"ir\"\ntitle = \"Iran\"\n[[tabs.outlets]]\nname = \"BBC Persian\"\nfeeds = [\"{}\"]\n\
         [[tabs]]\nid = \"me\"\ntitle = \"Middle East\"\n[[tabs.outlets]]\nname = \"Al Jazeera\"\nfeeds = [\"{}\"]\n{extra_tabs}",
        srv.url("/ur.xml"),
        srv.url("/fa.xml"),
        srv.url("/ar.xml")
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    sb
}

#[test]
fn search_finds_text_across_scripts_with_the_query_syntax() {
    let srv = TestServer::start_blocking();
    let sb = sandbox(&srv, "");
    // A word of an article body (the feed's full text), not of any title.
    assert_eq!(
        titles(&sb, &["search", "راولپنڈی", "--json"]),
        ["ٹی ٹی پی (TTP) کے حملے میں 12 اہلکار زخمی"]
    );
    // Arabic-coded kaf and yeh typed; the text is Persian (مذاکرات, سخنگوی).
    assert_eq!(
        titles(&sb, &["search", "مذاكرات", "سخنگوي", "--json"]),
        ["سخنگوی دولت: مذاکرات با آژانس (IAEA) ادامه دارد"]
    );
    // Persian digits typed, ASCII in the text; and a filter by tab.
    assert_eq!(
        titles(&sb, &["search", "OPEC", "tab:me", "--json"]).len(),
        1
    );
    assert!(titles(&sb, &["search", "OPEC", "tab:ir", "--json"]).is_empty());
    assert_eq!(titles(&sb, &["search", "۲۰۲۷", "--json"]).len(), 1);
    // Exclusion and OR.
    assert_eq!(titles(&sb, &["search", "IAEA OR OPEC", "--json"]).len(), 2);
    assert_eq!(
        titles(&sb, &["search", "IAEA OR OPEC -وین", "--json"]).len(),
        1
    );
    // A query that cannot run is a usage error.
    sb.cmd().args(["search", "-x"]).assert().code(2);
    sb.cmd()
        .args(["search", "x", "tab:nowhere"])
        .assert()
        .code(2);
}

#[test]
fn a_tab_with_a_query_lists_what_it_finds_and_mark_read_marks_a_tab() {
    let srv = TestServer::start_blocking();
    let sb = sandbox(
        &srv,
        "[[tabs]]\nid = \"acronyms\"\ntitle = \"Acronyms\"\nquery = \"TTP OR IAEA OR OPEC\"\n",
    );
    let found = titles(&sb, &["list", "--tab", "acronyms", "--json"]);
    assert_eq!(found.len(), 3, "{found:?}");
    let err = sb
        .cmd()
        .args(["mark-read", "--tab", "ir"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("marked 3 articles read"),
        "{}",
        String::from_utf8_lossy(&err)
    );
    let out: Value = serde_json::from_slice(&sb.stdout_of(&["list", "--json"])).unwrap();
    let unread: Vec<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["read"].as_bool().unwrap())
        .map(|r| r["tab"].as_str().unwrap())
        .collect();
    assert_eq!(unread.len(), 6, "{unread:?}");
    assert!(!unread.contains(&"ir"));
    // The fixtures are from November 2026: nothing is older than 10 weeks.
    let err = sb
        .cmd()
        .args(["mark-read", "--older-than", "10w"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("marked 0 articles read"),
        "{}",
        String::from_utf8_lossy(&err)
    );
    let err = sb
        .cmd()
        .args(["mark-read"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("marked 6 articles read"),
        "{}",
        String::from_utf8_lossy(&err)
    );
}
