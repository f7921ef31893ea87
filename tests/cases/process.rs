//! Process behaviour: exit codes, missing config files, broken rule files, closed pipes.

use crate::{tab, Sandbox};

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_unknown_tab_is_a_usage_error_in_every_command() {
    let sb = Sandbox::new();
    sb.write_config(&tab("pk", "Pakistan", &[]));
    for args in [
        &["refresh", "--tab", "nosuch"][..],
        &["refresh", "--quiet", "--due", "--tab", "nosuch"],
        &["list", "--tab", "nosuch"],
        &["list", "--json", "--tab", "nosuch"],
    ] {
        let out = sb.cmd().args(args).assert().code(2).get_output().clone();
        let err = stderr_of(&out);
        assert!(
            err.contains("no tab named `nosuch` (tabs: pk)"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_named_config_file_that_does_not_exist_is_an_error() {
    let sb = Sandbox::new();
    let missing = sb.dir.path().join("nonexist.toml");
    // By flag (the sandbox's KHABAR_CONFIG file does not exist either).
    let out = sb
        .cmd()
        .arg("--config")
        .arg(&missing)
        .arg("config")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // By variable, for any command that reads the config.
    for args in [&["config"][..], &["list"], &["export"]] {
        let out = sb.cmd().args(args).assert().code(2).get_output().clone();
        let err = stderr_of(&out);
        assert!(
            err.contains(&sb.config_path().display().to_string()),
            "{args:?}: {err}"
        );
    }
    // Only the default location may be absent.
    let out = sb
        .cmd()
        .env_remove("KHABAR_CONFIG")
        .arg("config")
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok ("));
}

#[test]
fn a_broken_user_rules_file_fails_khabar_config_with_file_line_and_column() {
    let sb = Sandbox::new();
    sb.write_config(&tab("pk", "Pakistan", &[]));
    sb.cmd().arg("config").assert().success();
    // The rules folder sits next to the config file.
    let rules = sb.dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let bad = rules.join("bad.toml");
    std::fs::write(&bad, "hosts = [127").unwrap();
    let out = sb.cmd().arg("config").assert().code(2).get_output().clone();
    let err = stderr_of(&out);
    assert!(
        err.contains(&format!("{}:1:", bad.display())),
        "file and line: {err}"
    );
    let column = err
        .split(&format!("{}:1:", bad.display()))
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|c| c.parse::<usize>().ok());
    assert!(column.is_some(), "a column: {err}");
}

/// Runs the binary with its stdout a pipe whose reader has already gone, as after
/// `khabar list | head -c5` once `head` has its five bytes.
fn with_closed_stdout(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    std::process::Command::new(assert_cmd::cargo::cargo_bin("khabar"))
        .env("KHABAR_CONFIG", sb.config_path())
        .env("KHABAR_DATA", sb.data_dir())
        .env("HOME", sb.dir.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_ends_every_command_quietly_with_success() {
    use crate::server::{Route, TestServer};
    // Everything on loopback: the feed's one item links to a page on the test server.
    let srv = TestServer::start_blocking();
    let page = crate::page("site-article.html");
    srv.route("/story.html", Route::ok(page, "text/html; charset=utf-8"));
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>GZ</title>\
         <item><title>Pakistan says dialogue with Kabul is open</title><link>{}</link>\
         <guid>gz-1</guid><pubDate>Fri, 14 Nov 2025 11:41:23 GMT</pubDate>\
         <description>Pakistan has made it clear...</description></item></channel></rss>",
        srv.url("/story.html")
    );
    srv.route("/gz.xml", Route::ok(feed, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "pk",
        "Pakistan",
        &[("Ground Zero", srv.url("/gz.xml"))],
    ));
    sb.cmd().args(["refresh", "--quiet"]).assert().success();
    let id = {
        let list = sb.stdout_of(&["list", "--json"]);
        let items: serde_json::Value = serde_json::from_slice(&list).unwrap();
        items[0]["id"].as_i64().unwrap().to_string()
    };
    sb.cmd().args(["saved", "add", &id]).assert().success();
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["feeds"],
        &["feeds", "--json"],
        &["paths"],
        &["config"],
        &["config", "--print-default"],
        &["export"],
        &["saved", "list"],
        &["saved", "list", "--json"],
        &["saved", "show", &id],
        &["read", &id],
    ] {
        let out = with_closed_stdout(&sb, args);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{args:?}: {:?}, stderr: {}",
            out.status,
            stderr_of(&out)
        );
    }
}
