//! Rerunnable benchmark of the trunk (`cargo bench --bench refresh`):
//!
//! 1. refresh of 500 feeds x 30 items from a loopback server with 20 ms latency,
//!    through the real `khabar refresh` binary: wall time, requests, peak concurrency, peak RSS;
//! 2. the same refresh again with nothing changed (every feed answers 304);
//! 3. time from process start to the first drawn frame with headlines, with 200,000 cached
//!    articles, in a pseudo-terminal; and that process's peak RSS.
//!
//! All feeds share one loopback host, so the benchmark raises `fetch.per_host` to the global
//! limit (printed below); real outlets are on different hosts.

// A benchmark reports by printing and fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

#[path = "../tests/support/server.rs"]
mod server;

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use server::{Route, TestServer};

const FEEDS: usize = 500;
const ITEMS: usize = 30;
const LATENCY_MS: u64 = 20;
const CONCURRENCY: usize = 64;
const CACHED_ARTICLES: usize = 200_000;

fn feed_xml(feed: usize) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed</title>");
    for i in 0..ITEMS {
        let _ = write!(
            s,
            "<item><title>Feed {feed} story {i}: talks resume in Islamabad &amp; Kabul</title>\
             <link>https://news{feed}.example/story/{i}</link><guid>f{feed}-{i}</guid>\
             <pubDate>Tue, 24 Nov 2026 {:02}:{:02}:00 GMT</pubDate>\
             <description>&lt;p&gt;Summary of story {i} from feed {feed}, a few sentences long.&lt;/p&gt;</description></item>",
            i % 24,
            feed % 60
        );
    }
    s.push_str("</channel></rss>");
    s
}

/// Peak resident set (VmHWM) of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs a command to completion, sampling its peak RSS; returns (wall time, peak KiB, stderr).
fn run_measured(mut cmd: Command) -> (Duration, u64, String) {
    let start = Instant::now();
    let mut child = cmd
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0;
    loop {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (elapsed, peak, stderr)
}

fn khabar() -> &'static str {
    env!("CARGO_BIN_EXE_khabar")
}

fn refresh_benchmark(dir: &Path) {
    let srv = TestServer::start_blocking();
    srv.set_default_delay(Duration::from_millis(LATENCY_MS));
    let mut config = format!(
        "[fetch]\nconcurrency = {CONCURRENCY}\nper_host = {CONCURRENCY}\n\n[[tabs]]\nid = \"bench\"\ntitle = \"Bench\"\n"
    );
    for feed in 0..FEEDS {
        let path = format!("/feed/{feed}.xml");
        srv.route(
            &path,
            Route::ok(feed_xml(feed), "application/rss+xml").with_etag(&format!("v{feed}")),
        );
        let _ = write!(
            config,
            "[[tabs.outlets]]\nname = \"Outlet {feed}\"\nfeeds = [\"{}\"]\n",
            srv.url(&path)
        );
    }
    let config_path = dir.join("bench.toml");
    std::fs::write(&config_path, config).unwrap();
    let data = dir.join("refresh-data");
    let cmd = || {
        let mut c = Command::new(khabar());
        c.args(["refresh", "--quiet"])
            .env("KHABAR_CONFIG", &config_path)
            .env("KHABAR_DATA", &data);
        c
    };
    println!("refresh: {FEEDS} feeds x {ITEMS} items, {LATENCY_MS} ms latency, concurrency {CONCURRENCY}, per-host {CONCURRENCY}");
    let (t1, rss1, err1) = run_measured(cmd());
    let hits1 = srv.total_hits();
    let peak1 = srv.peak_concurrency();
    println!(
        "  first refresh:  {:>7.3} s  {hits1} requests  peak concurrency {peak1}  peak RSS {:.1} MB  [{}]",
        t1.as_secs_f64(),
        rss1 as f64 / 1024.0,
        err1.lines().next().unwrap_or_default()
    );
    let (t2, rss2, err2) = run_measured(cmd());
    println!(
        "  second refresh: {:>7.3} s  {} requests (all 304)  peak RSS {:.1} MB  [{}]",
        t2.as_secs_f64(),
        srv.total_hits() - hits1,
        rss2 as f64 / 1024.0,
        err2.lines().next().unwrap_or_default()
    );
}

fn seed_store(data: &Path) {
    use khabar::config::Config;
    use khabar::refresh::FeedJob;
    use khabar::store::Store;
    let config = Config::embedded_default().unwrap();
    let jobs = FeedJob::all_from_config(&config);
    let mut store = Store::open(&data.join("khabar.db")).unwrap();
    store
        .sync_feeds(
            &jobs
                .iter()
                .map(|j| (j.url.clone(), j.outlet.clone()))
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let conn = store.connection();
    let ids: Vec<(i64, String)> = conn
        .prepare("SELECT id, outlet FROM feeds")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO articles (feed_id, key, url, title, outlet, published, first_seen, summary, read)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
            )
            .unwrap();
        let now = khabar::model::now_unix();
        for n in 0..CACHED_ARTICLES {
            let (feed, outlet) = &ids[n % ids.len()];
            stmt.execute(rusqlite::params![
                feed,
                format!("k{n}"),
                format!("https://cached.example/{n}"),
                format!("Cached headline number {n} about Quetta, Kabul and Tehran"),
                outlet,
                now - (n as i64) * 30,
                "A short summary of the story.",
                n % 3 == 0
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn first_frame_benchmark(dir: &Path) {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let data = dir.join("cached-data");
    let t = Instant::now();
    seed_store(&data);
    println!("start-up: {CACHED_ARTICLES} cached articles over the default config's feeds (seeded in {:.1} s)", t.elapsed().as_secs_f64());
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..7 {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(khabar());
        cmd.args(["tui", "--no-refresh", "--exit-after-first-frame"]);
        cmd.env("KHABAR_CONFIG", dir.join("no-such-config.toml"));
        cmd.env("KHABAR_DATA", &data);
        cmd.env("TERM", "xterm-256color");
        let start = Instant::now();
        let mut child = pty.slave.spawn_command(cmd).unwrap();
        let pid = child.process_id().unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
        });
        loop {
            if let Some(kib) = peak_rss_kib(pid) {
                peak = peak.max(kib);
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "  process start to first frame with headlines: median {:.1} ms, min {:.1} ms, max {:.1} ms (7 runs); peak RSS {:.1} MB",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        peak as f64 / 1024.0
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: skip then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    refresh_benchmark(dir.path());
    first_frame_benchmark(dir.path());
}
