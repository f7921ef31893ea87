//! Sync against a real Fever server: coldsweat (PyPI, BSD-licensed), installed by `.ci/run`
//! into a virtual environment whose path it passes in `KHABAR_COLDSWEAT_VENV`. The test starts
//! coldsweat on a free loopback port, subscribed to two feeds served by the loopback test
//! server, and checks that khabar and coldsweat agree on read and starred state after changes
//! on either side, including changes made while khabar could not reach it.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};
use crate::Sandbox;

const VENV: &str = "KHABAR_COLDSWEAT_VENV";
const EMAIL: &str = "reader@example.org";
const PASSWORD: &str = "correct-horse-battery";

struct Coldsweat {
    venv: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Coldsweat {
    fn flask(&self, args: &[&str]) {
        let out = Command::new(self.venv.join("bin/flask"))
            .args(["--app", "coldsweat"])
            .args(args)
            .env("FLASK_DATABASE_URL", self.db_url())
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "flask {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn db_url(&self) -> String {
        format!(
            "sqlite:///{}",
            self.dir.path().join("coldsweat.db").display()
        )
    }

    fn start(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("run.log")).unwrap();
        let child = Command::new(self.venv.join("bin/flask"))
            .args(["--app", "coldsweat", "run", "--host", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .env("FLASK_DATABASE_URL", self.db_url())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "coldsweat did not start: {}",
                std::fs::read_to_string(self.dir.path().join("run.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/fever/", self.port)
    }

    /// One Fever API call, as another device would make it.
    fn api(&self, query: &str, form: &[(&str, &str)]) -> serde_json::Value {
        // coldsweat itself checks the key: a wrong one fails the `auth` assertion below.
        let key = khabar::sync::fever::api_key(EMAIL, PASSWORD);
        let mut body = vec![("api_key", key.as_str())];
        body.extend_from_slice(form);
        let url = format!("{}?api{query}", self.url());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let bytes = rt.block_on(async {
            reqwest::Client::new()
                .post(url)
                .form(&body)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        });
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["auth"], 1, "{value}");
        value
    }

    fn ids(&self, list: &str) -> BTreeSet<i64> {
        let v = self.api(&format!("&{list}"), &[]);
        v[list]
            .as_str()
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }

    fn mark(&self, id: i64, how: &str) {
        self.api(
            "",
            &[("mark", "item"), ("as", how), ("id", &id.to_string())],
        );
    }
}

impl Drop for Coldsweat {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn setup(venv: &Path, feeds: &TestServer) -> Coldsweat {
    let mut cs = Coldsweat {
        venv: venv.to_path_buf(),
        dir: tempfile::tempdir().unwrap(),
        port: free_port(),
        child: None,
    };
    let opml = format!(
        "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>t</title></head><body>\n\
         <outline text=\"World\" title=\"World\">\
         <outline type=\"rss\" text=\"Atom desk\" xmlUrl=\"{}\"/></outline>\n\
         <outline type=\"rss\" text=\"RSS desk\" xmlUrl=\"{}\"/>\n</body></opml>\n",
        feeds.url("/atom.xml"),
        feeds.url("/rss20.xml")
    );
    std::fs::write(cs.dir.path().join("feeds.opml"), opml).unwrap();
    cs.flask(&["setup", EMAIL, "-p", PASSWORD]);
    cs.flask(&["import", "feeds.opml", EMAIL, "-f"]);
    cs.flask(&["fetch"]);
    cs.start();
    cs
}

fn khabar_sandbox(cs: &Coldsweat) -> Sandbox {
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "{}{}[[accounts]]\nname = \"home\"\nkind = \"fever\"\nurl = \"{}\"\nuser = \"{EMAIL}\"\n\
         password_env = \"KHABAR_TEST_FEVER_PASSWORD\"\ntab = \"pakistan\"\n",
        crate::tab("world", "World", &[]),
        crate::tab("pakistan", "Pakistan", &[]),
        cs.url()
    ));
    sb
}

fn sync(sb: &Sandbox) -> (i32, String) {
    let out = sb
        .cmd()
        .arg("sync")
        .env("KHABAR_TEST_FEVER_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn assert_agree(sb: &Sandbox, cs: &Coldsweat) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let (unread, saved) = super::sync::local_sets(sb);
    assert_eq!(unread, cs.ids("unread_item_ids"), "unread sets differ");
    assert_eq!(saved, cs.ids("saved_item_ids"), "starred sets differ");
    (unread, saved)
}

#[test]
fn khabar_and_coldsweat_agree_after_changes_on_both_sides_and_offline() {
    let Some(venv) = std::env::var_os(VENV).map(PathBuf::from) else {
        eprintln!("skipped: set {VENV} to a virtual environment with coldsweat (.ci/run does)");
        return;
    };
    let feeds = TestServer::start_blocking();
    feeds.route(
        "/atom.xml",
        Route::ok(crate::fixture("atom.xml"), "application/atom+xml"),
    );
    feeds.route(
        "/rss20.xml",
        Route::ok(crate::fixture("rss20.xml"), "application/rss+xml"),
    );
    let mut cs = setup(&venv, &feeds);
    let all = cs.ids("unread_item_ids");
    assert!(
        all.len() >= 6,
        "coldsweat fetched the loopback feeds: {all:?}"
    );
    let sb = khabar_sandbox(&cs);

    // First sync: every item, all unread, in the folder's tab or the account's.
    let (code, out) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("home: {} new items", all.len())),
        "{out}"
    );
    let (unread, _) = assert_agree(&sb, &cs);
    assert_eq!(unread, all);
    let world = String::from_utf8(sb.stdout_of(&["list", "--tab", "world"])).unwrap();
    let pakistan = String::from_utf8(sb.stdout_of(&["list", "--tab", "pakistan"])).unwrap();
    assert!(
        world.contains("Atom desk") && !world.contains("RSS desk"),
        "{world}"
    );
    assert!(pakistan.contains("RSS desk"), "{pakistan}");

    let ids: Vec<i64> = all.iter().copied().collect();
    let (a, b, c, d, e, f) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]);
    let art = |id: i64| super::sync::article_of(&sb, id).to_string();

    // Changes in khabar reach coldsweat.
    sb.stdout_of(&["mark-read", "--id", &art(a)]);
    sb.stdout_of(&["saved", "add", &art(b)]);
    let (code, out) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    let (unread, saved) = assert_agree(&sb, &cs);
    assert!(
        !unread.contains(&a) && saved.contains(&b),
        "{unread:?} {saved:?}"
    );

    // Changes on coldsweat (another device) reach khabar.
    cs.mark(c, "read");
    cs.mark(d, "saved");
    let (code, out) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    let (unread, saved) = assert_agree(&sb, &cs);
    assert!(
        !unread.contains(&c) && saved.contains(&d),
        "{unread:?} {saved:?}"
    );

    // khabar offline: local changes wait; the sync fails and says so.
    cs.stop();
    sb.stdout_of(&["mark-read", "--id", &art(e)]);
    sb.stdout_of(&["mark-read", "--id", &art(a), "--unread"]);
    sb.stdout_of(&["saved", "remove", &art(b)]);
    let (code, out) = sync(&sb);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("home: failed") && out.contains("3 changes wait"),
        "{out}"
    );
    // Meanwhile, on the other device: f read, d unstarred.
    cs.start();
    cs.mark(f, "read");
    cs.mark(d, "unsaved");
    let (code, out) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 pushed"), "{out}");
    let (unread, saved) = assert_agree(&sb, &cs);
    assert!(!unread.contains(&e) && unread.contains(&a) && !unread.contains(&f));
    assert!(saved.is_empty(), "{saved:?}");
    // And a sync with nothing new changes nothing.
    let (code, out) = sync(&sb);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("home: 0 new items, 0 pushed, 0 pulled"),
        "{out}"
    );
    assert_agree(&sb, &cs);
}
