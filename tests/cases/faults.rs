//! The fault loop: `kill -9` in the middle of `khabar refresh` and of `khabar saved add`, again
//! and again, at varied points (after a random short delay, or once the server has seen the
//! N-th request). After every kill the store passes `PRAGMA integrity_check`, every save the
//! process reported on stdout is in the store with its complete file, and no temporary file is
//! left in the saved folder once khabar has started again.
//!
//! 10 kills of each kind by default; `KHABAR_FAULT_LOOPS=50` for more. The kill points come
//! from a seed printed on failure (`KHABAR_FAULT_SEED` repeats a run).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::{Route, TestServer};
use crate::Sandbox;

const FEEDS: usize = 24;
const ITEMS: usize = 60;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn feed(srv: &TestServer, n: usize) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {n}</title>\
         <link>https://f{n}.example/</link>"
    );
    for i in 0..ITEMS {
        // Every third item links to a real page (extracted when saved), the rest to a missing
        // one (saved with the feed text). Both on the feed's own host: a page elsewhere on
        // loopback is refused without a request (SSRF guard), and a save that makes no request
        // ends too quickly for the kills to land in it.
        let link = if i % 3 == 0 {
            srv.host_url(n % 4, "/page.html")
        } else {
            srv.host_url(n % 4, &format!("/missing/{n}/{i}"))
        };
        s.push_str(&format!(
            "<item><title>Feed {n} story {i} from Quetta</title><link>{link}</link>\
             <guid>f{n}-{i}</guid><pubDate>Tue, 24 Nov 2026 {:02}:{:02}:00 GMT</pubDate>\
             <description>Teaser of story {i} of feed {n}.</description></item>",
            i % 24,
            n % 60
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn khabar(sb: &Sandbox, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("khabar"));
    cmd.env("KHABAR_CONFIG", sb.config_path())
        .env("KHABAR_DATA", sb.data_dir())
        .env("HOME", sb.dir.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .stdin(Stdio::null());
    cmd
}

fn integrity(sb: &Sandbox) -> String {
    let conn = rusqlite::Connection::open(sb.data_dir().join("khabar.db")).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn temporaries(sb: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sb.data_dir().join("saved"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

/// Where to kill: after a delay, or once the server has answered `n` requests in all.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    After(Duration),
    Request(usize),
}

/// Waits for `at` (or for the child to end by itself), then SIGKILLs it. Returns whether the
/// kill came before the child had finished.
fn kill_at(child: &mut Child, srv: &TestServer, at: KillAt) -> bool {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let due = match at {
            KillAt::After(d) => start.elapsed() >= d,
            KillAt::Request(n) => srv.total_hits() >= n,
        };
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "never reached {at:?}"
        );
        if due {
            // `Child::kill` is SIGKILL on Unix: no handler, no cleanup runs.
            let _ = child.kill();
            let _ = child.wait();
            return true;
        }
        #[allow(clippy::disallowed_methods)] // polling a child process from a test
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn kill_9_during_refresh_and_saving_loses_and_leaves_nothing() {
    let loops: usize = std::env::var("KHABAR_FAULT_LOOPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let seed = std::env::var("KHABAR_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 | 1)
        });
    let mut rng = Rng(seed);
    let context = format!("KHABAR_FAULT_SEED={seed} KHABAR_FAULT_LOOPS={loops}");

    let srv = TestServer::start_blocking_hosts(4);
    // Some latency, so that a refresh is spread over time and kills land at varied points.
    srv.set_default_delay(Duration::from_millis(15));
    let page = crate::page("site-article.html");
    srv.route("/page.html", Route::ok(page, "text/html; charset=utf-8"));
    let sb = Sandbox::new();
    let mut config = String::from(
        "[general]\nrefresh_on_start = false\n\n[fetch]\ntimeout_secs = 5\nconnect_timeout_secs = 2\n\n\
         [[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\"\n",
    );
    for n in 0..FEEDS {
        srv.route(
            &format!("/feed/{n}.xml"),
            Route::ok(feed(&srv, n), "application/rss+xml"),
        );
        config.push_str(&format!(
            "[[tabs.outlets]]\nname = \"Outlet {n}\"\nfeeds = [\"{}\"]\n",
            srv.host_url(n % 4, &format!("/feed/{n}.xml"))
        ));
    }
    std::fs::write(sb.config_path(), config).unwrap();

    // How long an uninterrupted refresh takes, to spread the delayed kills over it.
    let start = Instant::now();
    let out = khabar(&sb, &["refresh", "--quiet"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = start.elapsed();
    // Every article (the list would show the ones sharing the page's link once).
    let conn = rusqlite::Connection::open(sb.data_dir().join("khabar.db")).unwrap();
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM articles ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|id| id.unwrap().to_string())
        .collect();
    drop(conn);
    assert_eq!(ids.len(), FEEDS * ITEMS);

    // Refresh: a fresh data dir each time would only test the first refresh; instead each
    // kill lands in a refresh of a store the earlier kills left (every feed changed, so that
    // every feed is written again).
    let (mut refresh_kills, mut generation) = (0, 0);
    for round in 0..loops {
        generation += 1;
        for n in 0..FEEDS {
            let xml = feed(&srv, n).replace("story", &format!("story g{generation}"));
            srv.route(
                &format!("/feed/{n}.xml"),
                Route::ok(xml, "application/rss+xml"),
            );
        }
        srv.reset_counters();
        let at = if round % 2 == 0 {
            KillAt::After(Duration::from_millis(
                rng.below(full.as_millis() as u64 * 4 / 5 + 1),
            ))
        } else {
            KillAt::Request(1 + rng.below(FEEDS as u64) as usize)
        };
        let mut child = khabar(&sb, &["refresh", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        refresh_kills += usize::from(kill_at(&mut child, &srv, at));
        assert_eq!(integrity(&sb), "ok", "refresh killed at {at:?}; {context}");
    }
    // The store still works: a whole refresh stores every item of the last generation.
    let out = khabar(&sb, &["refresh", "--quiet"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(sb.data_dir().join("khabar.db")).unwrap();
    let last: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM articles WHERE title LIKE ?1",
            [format!("% story g{generation} %")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(last as usize, FEEDS * ITEMS, "{context}");
    drop(conn);

    // Saving: each round saves a window of the articles (some again) and is killed.
    let mut reported: BTreeMap<i64, String> = BTreeMap::new();
    let (mut save_kills, mut leftovers) = (0, 0);
    for round in 0..loops {
        let from = rng.below(ids.len() as u64 - 80) as usize;
        let batch = &ids[from..from + 80];
        srv.reset_counters();
        let at = if round % 2 == 0 {
            KillAt::After(Duration::from_millis(20 + rng.below(250)))
        } else {
            KillAt::Request(1 + rng.below(30) as usize)
        };
        let mut args = vec!["saved", "add"];
        args.extend(batch.iter().map(String::as_str));
        let mut child = khabar(&sb, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        save_kills += usize::from(kill_at(&mut child, &srv, at));
        for line in reader.join().unwrap() {
            // "saved ID (method) FILE"
            let rest = line
                .strip_prefix("saved ")
                .unwrap_or_else(|| panic!("{line}"));
            let (id, rest) = rest.split_once(' ').unwrap();
            let (_method, file) = rest.split_once(") ").unwrap();
            reported.insert(id.parse().unwrap(), file.to_owned());
        }
        assert_eq!(
            integrity(&sb),
            "ok",
            "saved add killed at {at:?}; {context}"
        );
        leftovers += temporaries(&sb).len();
        // Every save ever reported is in the store, with its complete file.
        let out = khabar(&sb, &["saved", "list", "--json"]).output().unwrap();
        let saved: Value = serde_json::from_slice(&out.stdout).unwrap();
        let saved: BTreeMap<i64, String> = saved
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["id"].as_i64().unwrap(),
                    v["file"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        for (id, file) in &reported {
            assert_eq!(
                saved.get(id),
                Some(file),
                "article {id} was reported saved; {context}"
            );
            let md = std::fs::read_to_string(file).unwrap();
            assert!(
                md.starts_with("---\n") && md.contains("# Feed ") && md.ends_with('\n'),
                "{file}: {md}"
            );
        }
    }
    eprintln!(
        "fault loop: {refresh_kills} of {loops} refreshes and {save_kills} of {loops} saves killed \
         mid-way, {} saves reported and kept, {leftovers} temporary files seen after kills; {context}",
        reported.len()
    );
    assert!(
        refresh_kills * 2 >= loops && save_kills * 2 >= loops,
        "most kills must land while the process still runs; {context}"
    );
    assert!(!reported.is_empty(), "some saves completed before a kill");

    // The next start removes what a kill left between writing and renaming a file.
    let left = sb
        .data_dir()
        .join("saved")
        .join(".2026-11-24-outlet-0-x-1.md.tmp");
    std::fs::write(&left, "half a fi").unwrap();
    let out = khabar(&sb, &["saved", "add", &ids[0]]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(temporaries(&sb), Vec::<String>::new(), "{context}");
}
