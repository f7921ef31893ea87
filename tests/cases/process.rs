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
