//! Saved articles from the command line: add, list, show offline, export, remove; hostile
//! titles; and a crash in the middle of saving.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::{tab, Sandbox};

/// A feed whose items link to pages on the server (missing pages fall back to the feed text).
fn feed(srv: &TestServer, titles: &[&str]) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>");
    for (i, title) in titles.iter().enumerate() {
        s.push_str(&format!(
            "<item><title><![CDATA[{title}]]></title><link>{}</link><guid>g{i}</guid>\
             <pubDate>Tue, 24 Nov 2026 {:02}:00:00 GMT</pubDate>\
             <description>Teaser text of story {i} from Peshawar.</description></item>",
            srv.url(&format!("/missing/{i}")),
            i % 24
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn setup(titles: &[&str]) -> (TestServer, Sandbox, Vec<i64>) {
    let srv = TestServer::start_blocking();
    srv.route(
        "/f.xml",
        Route::ok(feed(&srv, titles), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab("pk", "Pakistan", &[("Dawn", srv.url("/f.xml"))]));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let out = sb.stdout_of(&["list", "--json", "--limit", "1000"]);
    let items: Value = serde_json::from_slice(&out).unwrap();
    let ids = items
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    (srv, sb, ids)
}

fn saved_list(sb: &Sandbox) -> Vec<Value> {
    let out = sb.stdout_of(&["saved", "list", "--json"]);
    serde_json::from_slice::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn save_list_show_offline_export_and_remove() {
    let (srv, sb, ids) = setup(&["Rain lashes Quetta", "Same title", "Same title"]);
    let args: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let out = sb
        .cmd()
        .args(["saved", "add"])
        .args(&args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&out)
            .lines()
            .filter(|l| l.starts_with("saved "))
            .count(),
        3
    );
    drop(srv); // everything below works offline

    let list = saved_list(&sb);
    assert_eq!(list.len(), 3);
    for key in ["id", "title", "outlet", "url", "saved", "file"] {
        assert!(!list[0][key].is_null(), "missing {key}: {}", list[0]);
    }
    // Two articles with the same title get two files.
    let files: std::collections::HashSet<&str> =
        list.iter().map(|v| v["file"].as_str().unwrap()).collect();
    assert_eq!(files.len(), 3);
    for f in &files {
        assert!(std::path::Path::new(f).exists(), "{f}");
    }

    let id = list
        .iter()
        .find(|v| v["title"] == "Rain lashes Quetta")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let out = sb.stdout_of(&["saved", "show", &id.to_string()]);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Rain lashes Quetta\"\noutlet: \"Dawn\"\n"),
        "{text}"
    );
    assert!(text.contains("method: \"feed\""), "{text}");
    assert!(text.contains("Teaser text of story"), "{text}");

    for (format, ext) in [("md", "md"), ("txt", "txt"), ("html", "html")] {
        let dir = sb.dir.path().join(format!("export-{format}"));
        sb.cmd()
            .args(["saved", "export"])
            .arg(&dir)
            .args(["--format", format])
            .assert()
            .success();
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.iter().all(|n| n.ends_with(ext)), "{names:?}");
    }

    sb.cmd()
        .args(["saved", "remove", &id.to_string()])
        .assert()
        .success();
    assert_eq!(saved_list(&sb).len(), 2);
    sb.cmd()
        .args(["saved", "show", &id.to_string()])
        .assert()
        .code(1);
}

#[test]
fn hostile_titles_give_safe_file_names_and_front_matter() {
    let long = "x".repeat(300);
    let titles = [
        "../../../etc/passwd",
        "a/b\\c: d",
        "evil\u{202e}gpj.exe",
        "پشاور میں شدید بارش",
        long.as_str(),
    ];
    let (_srv, sb, ids) = setup(&titles);
    let args: Vec<String> = ids.iter().map(ToString::to_string).collect();
    sb.cmd()
        .args(["saved", "add"])
        .args(&args)
        .assert()
        .success();
    let saved_dir = sb.data_dir().join("saved");
    let names: Vec<String> = std::fs::read_dir(&saved_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    for name in &names {
        assert!(
            !name.contains("..") && !name.starts_with('.') && !name.contains('\\'),
            "{name}"
        );
        assert!(
            name.chars().all(|c| !c.is_control() && c != '\u{202e}'),
            "{name:?}"
        );
        assert!(name.len() < 200, "{name}");
        let md = std::fs::read_to_string(saved_dir.join(name)).unwrap();
        let front: Vec<&str> = md.lines().skip(1).take_while(|l| *l != "---").collect();
        assert!(front.iter().all(|l| l.contains(": \"")), "{front:?}");
        assert!(!md.contains('\u{202e}'));
    }
    assert!(
        names.iter().any(|n| n.contains("پشاور-میں-شدید-بارش")),
        "{names:?}"
    );
    // Nothing escaped the saved folder.
    assert!(!sb.dir.path().join("etc").exists());
}

#[test]
fn killing_the_process_mid_save_loses_nothing_reported_saved() {
    let titles: Vec<String> = (0..150).map(|i| format!("Story number {i}")).collect();
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let (_srv, sb, ids) = setup(&refs);
    assert_eq!(ids.len(), 150);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("khabar"));
    cmd.env("KHABAR_CONFIG", sb.config_path())
        .env("KHABAR_DATA", sb.data_dir())
        .env("HOME", sb.dir.path());
    cmd.args(["saved", "add"])
        .args(ids.iter().map(ToString::to_string))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut reported = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("saved ") {
            reported.push(
                rest.split_whitespace()
                    .next()
                    .unwrap()
                    .parse::<i64>()
                    .unwrap(),
            );
        }
        if reported.len() == 40 {
            child.kill().unwrap(); // SIGKILL: no cleanup runs
            break;
        }
    }
    let _ = child.wait();
    assert_eq!(reported.len(), 40, "the save finished before the kill");

    let conn = rusqlite::Connection::open(sb.data_dir().join("khabar.db")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let saved: std::collections::HashSet<i64> = saved_list(&sb)
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    for id in &reported {
        assert!(
            saved.contains(id),
            "article {id} was reported saved but is missing"
        );
    }
    // Every saved row has its complete file.
    for v in saved_list(&sb) {
        let md = std::fs::read_to_string(v["file"].as_str().unwrap()).unwrap();
        assert!(md.starts_with("---\n") && md.contains("Teaser text of story"));
    }
}

#[test]
fn enclosures_reach_list_json_and_the_saved_file() {
    let srv = TestServer::start_blocking();
    // Episode pages point at the server (where they are missing), so saving stays offline.
    let feed = String::from_utf8(crate::fixture("rss20_enclosures.xml"))
        .unwrap()
        .replace("https://podcast.example/episodes/", &srv.url("/missing/"));
    srv.route("/podcast.xml", Route::ok(feed, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "pk",
        "Pakistan",
        &[("Frontier Podcast", srv.url("/podcast.xml"))],
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let items: Value = serde_json::from_slice(&sb.stdout_of(&["list", "--json"])).unwrap();
    let items = items.as_array().unwrap();
    let episode = items
        .iter()
        .find(|v| v["title"] == "Episode 12: The Torkham crossing")
        .unwrap();
    assert_eq!(
        episode["enclosures"],
        serde_json::json!([{
            "url": "https://podcast.example/audio/12.mp3",
            "type": "audio/mpeg",
            "length": 32_640_000,
            "duration": 2041
        }])
    );
    let other = items
        .iter()
        .find(|v| v["title"] == "Episode 11: Smog season")
        .unwrap();
    assert_eq!(other["enclosures"], serde_json::json!([]));

    let id = episode["id"].as_i64().unwrap().to_string();
    sb.cmd().args(["saved", "add", &id]).assert().success();
    let text = String::from_utf8(sb.stdout_of(&["saved", "show", &id])).unwrap();
    assert!(
        text.contains("enclosures:\n  - url: \"https://podcast.example/audio/12.mp3\"\n"),
        "{text}"
    );
    assert!(
        text.contains("- [audio: 34 min, mp3](<https://podcast.example/audio/12.mp3>)"),
        "{text}"
    );
}
