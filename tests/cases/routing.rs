//! Region routing from the command line: a routed "world" feed's items appear in the region
//! tabs they name, `list --json` says which words placed them, and editing `[routing]` in the
//! config re-routes what is stored at the next refresh.

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::Sandbox;

fn item(n: usize, title: &str, summary: &str) -> String {
    format!(
        "<item><title>{title}</title><description>{summary}</description>\
         <link>https://wire.example/news/{n}</link><guid>w{n}</guid>\
         <pubDate>Tue, 24 Nov 2026 0{n}:00:00 GMT</pubDate></item>"
    )
}

fn config(world_url: &str, pk_url: &str, routing: &str) -> String {
    format!(
        "{routing}
[[tabs]]
id = \"pakistan\"
title = \"Pakistan\"
[[tabs.outlets]]
name = \"Dawn\"
feeds = [\"{pk_url}\"]

[[tabs]]
id = \"balochistan\"
title = \"Balochistan\"
parent = \"pakistan\"

[[tabs]]
id = \"iran\"
title = \"Iran\"

[[tabs]]
id = \"middle-east\"
title = \"Middle East\"

[[tabs]]
id = \"world\"
title = \"World\"
[[tabs.outlets]]
name = \"Wire\"
route = true
feeds = [\"{world_url}\"]
"
    )
}

fn list(sb: &Sandbox, tab: &str) -> Vec<(String, Vec<String>)> {
    let out: Value =
        serde_json::from_slice(&sb.stdout_of(&["list", "--tab", tab, "--json"])).unwrap();
    out.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let matched = r["matched"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (r["title"].as_str().unwrap().to_string(), matched)
        })
        .collect()
}

#[test]
fn routed_items_reach_their_region_tabs_and_say_why() {
    let srv = TestServer::start_blocking();
    let world = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{}{}{}{}</channel></rss>",
        item(1, "Blast near Quetta market kills four", "Police in Balochistan said."),
        item(2, "کوئٹہ میں دھماکا، چار افراد ہلاک", ""),
        item(3, "Woman wins marathon in Boston", "She trained for years."),
        item(4, "تهران: نشست مجلس درباره بودجه", ""),
    );
    srv.route("/world.xml", Route::ok(world, "application/rss+xml"));
    let pk = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Dawn</title>\
        <item><title>Budget passed</title><link>https://dawn.example/1</link><guid>d1</guid>\
        <pubDate>Tue, 24 Nov 2026 00:30:00 GMT</pubDate></item></channel></rss>";
    srv.route("/pk.xml", Route::ok(pk, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&config(&srv.url("/world.xml"), &srv.url("/pk.xml"), ""));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();

    let balochistan = list(&sb, "balochistan");
    let titles: Vec<&str> = balochistan.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "کوئٹہ میں دھماکا، چار افراد ہلاک",
            "Blast near Quetta market kills four"
        ]
    );
    assert_eq!(balochistan[1].1, ["Quetta", "Balochistan"]);
    let pakistan = list(&sb, "pakistan");
    assert_eq!(pakistan.len(), 3, "{pakistan:?}");
    assert!(pakistan
        .iter()
        .any(|(t, m)| t == "Budget passed" && m.is_empty()));
    assert_eq!(list(&sb, "iran").len(), 1);
    // `Oman` inside `Woman` places nothing in the Middle East.
    assert!(list(&sb, "middle-east").is_empty());
    // The outlet's own tab has everything, routed for nothing.
    let world = list(&sb, "world");
    assert_eq!(world.len(), 4);
    assert!(world.iter().all(|(_, m)| m.is_empty()));

    // A word added in the config routes what is already stored, at the next refresh.
    sb.write_config(&config(
        &srv.url("/world.xml"),
        &srv.url("/pk.xml"),
        "[routing]\nadd = { middle-east = [\"Boston\"] }\n",
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let me = list(&sb, "middle-east");
    assert_eq!(me.len(), 1, "{me:?}");
    assert_eq!(me[0].1, ["Boston"]);
}
