//! CLI behaviour that needs no network: config errors, paths, OPML import/export.

use predicates_lite::contains;

use crate::{tab, Sandbox};

mod predicates_lite {
    pub fn contains(haystack: &[u8], needle: &str) -> bool {
        String::from_utf8_lossy(haystack).contains(needle)
    }
}

#[test]
fn a_broken_config_names_file_line_and_column_and_exits_2() {
    let sb = Sandbox::new();
    std::fs::write(sb.config_path(), "[general]\nrefresh_minutes = \"soon\"\n").unwrap();
    let out = sb.cmd().arg("list").assert().code(2).get_output().clone();
    let expected = format!("{}:2:19:", sb.config_path().display());
    assert!(
        contains(&out.stderr, &expected),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn paths_reports_the_overrides() {
    let sb = Sandbox::new();
    let out = sb.stdout_of(&["paths"]);
    assert!(contains(&out, &sb.config_path().display().to_string()));
    assert!(contains(
        &out,
        &sb.data_dir().join("khabar.db").display().to_string()
    ));
}

#[test]
fn without_a_config_file_the_embedded_default_is_used() {
    let sb = Sandbox::new();
    // The default location (under the sandbox's HOME) is absent; a named file must exist.
    let run = |args: &[&str]| {
        sb.cmd()
            .env_remove("KHABAR_CONFIG")
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let out = run(&["export"]);
    assert!(contains(&out, "text=\"Khyber Pakhtunkhwa\""));
    assert!(contains(&out, "https://www.dawn.com/feeds/home"));
    assert!(
        !sb.config_path().exists(),
        "nothing is written on a plain run"
    );
    let out = run(&["list", "--json"]);
    assert_eq!(String::from_utf8_lossy(&out).trim(), "[]");
}

#[test]
fn import_then_export_round_trips_and_keeps_comments() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.config_path(),
        format!(
            "# keep me\n{}",
            tab(
                "pk",
                "Pakistan",
                &[("Dawn", "https://dawn.example/f".into())]
            )
        ),
    )
    .unwrap();
    let opml = sb.dir.path().join("in.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
        <outline text="Pakistan"><outline text="Geo" xmlUrl="https://geo.example/rss"/>
          <outline text="Dawn dup" xmlUrl="https://dawn.example/f"/></outline>
        <outline text="Tech &amp; Science"><outline text="T" xmlUrl="https://t.example/rss"/></outline>
        </body></opml>"#,
    )
    .unwrap();
    let out = sb
        .cmd()
        .arg("import")
        .arg(&opml)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(
        contains(&out, "imported 2 feeds"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(text.starts_with("# keep me"));
    let out = sb.stdout_of(&["export"]);
    assert!(contains(
        &out,
        "xmlUrl=\"https://geo.example/rss\" category=\"Pakistan\""
    ));
    assert!(contains(&out, "text=\"Tech &amp; Science\""));
}

#[test]
fn export_then_import_into_an_empty_config_reproduces_the_tabs() {
    let from = Sandbox::new();
    std::fs::write(
        from.config_path(),
        r#"[[tabs]]
id = "pk"
title = "Pakistan"
[[tabs.outlets]]
name = "Dawn"
feeds = ["https://dawn.example/home", "https://dawn.example/pakistan"]
site = "https://dawn.example/"
lang = "en"
[[tabs]]
id = "balochistan"
title = "Balochistan"
parent = "pk"
keywords = ["Quetta", "Gwadar"]
[[tabs.outlets]]
name = "Quetta Voice"
feeds = ["https://quetta.example/feed"]
[[tabs]]
id = "kp"
title = "Khyber Pakhtunkhwa"
parent = "pk"
keywords = ["Peshawar", "Swat"]
[[tabs]]
id = "iran"
title = "Iran"
[[tabs.outlets]]
name = "Tehran Ledger"
feeds = ["https://iran.example/rss"]
"#,
    )
    .unwrap();
    let opml = from.dir.path().join("out.opml");
    from.cmd()
        .arg("export")
        .arg("-o")
        .arg(&opml)
        .assert()
        .success();
    let exported = std::fs::read_to_string(&opml).unwrap();
    assert!(
        exported.contains("htmlUrl=\"https://dawn.example/\""),
        "{exported}"
    );

    let to = Sandbox::new();
    std::fs::write(to.config_path(), "").unwrap();
    to.cmd().arg("import").arg(&opml).assert().success();
    let tabs = |sb: &Sandbox| {
        let text = std::fs::read_to_string(sb.config_path()).unwrap();
        khabar::config::Config::parse(&text, "config.toml")
            .unwrap()
            .tabs
    };
    assert_eq!(tabs(&to), tabs(&from));
    assert_eq!(
        String::from_utf8(to.stdout_of(&["export"])).unwrap(),
        exported
    );
    let config = std::fs::read_to_string(to.config_path()).unwrap();
    assert!(
        config.contains("parent = \"pk\"\nkeywords = [\"Peshawar\", \"Swat\"]"),
        "{config}"
    );
    assert!(
        config.contains("site = \"https://dawn.example/\""),
        "{config}"
    );
}

#[test]
fn import_of_a_non_opml_file_fails_cleanly() {
    let sb = Sandbox::new();
    let bad = sb.dir.path().join("bad.opml");
    std::fs::write(&bad, "<html>nope</html>").unwrap();
    sb.cmd().arg("import").arg(&bad).assert().code(1);
    assert!(!sb.config_path().exists());
}

#[test]
fn the_example_config_is_valid() {
    let mut cmd = assert_cmd::Command::cargo_bin("khabar").unwrap();
    cmd.arg("--config")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
        .arg("config");
    cmd.assert().success();
}

#[test]
fn the_reader_without_a_terminal_says_what_to_use_instead() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env_remove("KHABAR_CONFIG")
        .args(["tui", "--no-refresh"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(
        contains(&out, "the reader needs a terminal"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn import_without_a_config_file_creates_it_from_the_defaults() {
    let sb = Sandbox::new();
    let opml = sb.dir.path().join("in.opml");
    std::fs::write(
        &opml,
        r#"<opml version="2.0"><body><outline text="Balochistan">
        <outline text="Quetta Voice" xmlUrl="https://quetta.example/feed"/></outline></body></opml>"#,
    )
    .unwrap();
    assert!(!sb.config_path().exists());
    sb.cmd().arg("import").arg(&opml).assert().success();
    let text = std::fs::read_to_string(sb.config_path()).unwrap();
    assert!(
        text.contains("https://www.dawn.com/feeds/home"),
        "the defaults are kept"
    );
    let out = sb.stdout_of(&["export"]);
    // The feed joined the existing Balochistan sub-tab rather than a new tab.
    assert!(contains(
        &out,
        "xmlUrl=\"https://quetta.example/feed\" category=\"Balochistan\""
    ));
    assert_eq!(
        String::from_utf8_lossy(&out)
            .matches("title=\"Balochistan\">")
            .count(),
        1
    );
}
