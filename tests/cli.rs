//! The one integration-test binary: the real `khabar` binary against a loopback HTTP server.

// Test helpers fail loudly by design; a panic is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::new_without_default)]

#[path = "support/server.rs"]
mod server;

#[path = "support/fuzz_checks.rs"]
mod fuzz_checks;

mod cases {
    pub mod app;
    pub mod coldsweat;
    pub mod commands;
    pub mod extraction;
    pub mod faults;
    pub mod fuzz_regressions;
    pub mod hostile;
    pub mod hostile_bounds;
    pub mod load;
    pub mod logging;
    pub mod process;
    pub mod pty;
    pub mod pty_browse;
    pub mod pty_rtl;
    pub mod refresh;
    pub mod routing;
    pub mod rtl;
    pub mod saved;
    pub mod search;
    pub mod ssrf;
    pub mod sync;
    pub mod worker;
}

use std::path::{Path, PathBuf};

/// A temp config + data dir and a way to run the binary against them.
pub struct Sandbox {
    /// Holds the config file, the data dir and anything else a test writes.
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// A fresh, empty sandbox.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Where the test's config file goes (`KHABAR_CONFIG`).
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// The test's data directory (`KHABAR_DATA`).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Writes a config with fast network limits and the given `[[tabs]]` text.
    pub fn write_config(&self, tabs: &str) {
        let text = format!(
            "[general]\nrefresh_on_start = true\n\n[fetch]\ntimeout_secs = 2\nconnect_timeout_secs = 2\nper_host = 8\nmax_bytes = 1000000\n\n{tabs}"
        );
        std::fs::write(self.config_path(), text).unwrap();
    }

    /// Runs the binary with `args`, expects success and returns its stdout.
    pub fn stdout_of(&self, args: &[&str]) -> Vec<u8> {
        self.cmd()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }

    /// The real binary, pointed at this sandbox.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("khabar").unwrap();
        cmd.env("KHABAR_CONFIG", self.config_path())
            .env("KHABAR_DATA", self.data_dir())
            .env("HOME", self.dir.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }
}

/// Reads a feed fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

/// Reads an article page fixture.
pub fn page(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/pages")
            .join(name),
    )
    .unwrap()
}

/// One `[[tabs]]` block with one outlet per (name, url).
pub fn tab(id: &str, title: &str, outlets: &[(&str, String)]) -> String {
    let mut s = format!("[[tabs]]\nid = \"{id}\"\ntitle = \"{title}\"\n");
    for (name, url) in outlets {
        s.push_str(&format!(
            "[[tabs.outlets]]\nname = \"{name}\"\nfeeds = [\"{url}\"]\n"
        ));
    }
    s
}
