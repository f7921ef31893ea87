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
