//! Rerunnable benchmark of the trunk (`cargo bench --bench refresh`), with khabar's default
//! config (no raised limits) through the real `khabar refresh` binary:
//!
//! 1. 500 feeds over 50 loopback hosts (`127.0.0.1` ... `127.0.0.50`; about 17,500 items,
//!    35 MB of XML) at 20 ms and at 200 ms latency: a cold refresh, a refresh with nothing
//!    changed (checked: 500 requests, 500 answered 304) and one after 10% of the feeds changed;
//!    wall time, CPU time, requests in flight, peak RSS; the items stored are checked to equal
//!    the items served;
//! 2. the cold refresh at 200 ms latency under several `fetch.concurrency` values (how the
//!    default was chosen);
//! 3. 2,000 feeds x 100 items (200,000 items) cold, at 20 ms;
//! 4. process start to the first frame with headlines on the terminal, at 200,000 and 500,000
//!    stored articles, in a pseudo-terminal: timed until the headlines arrive on the terminal,
//!    not until the process has shut down.
//!
//! `KHABAR_BENCH_ONLY=standard,sweep,large,startup` runs a subset.

// A benchmark reports by printing and fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

#[path = "support/scenario.rs"]
mod scenario;
#[path = "../tests/support/server.rs"]
mod server;

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use scenario::{check, khabar, measured_refresh, Khabar, Run, Served, Shape};

fn line(name: &str, run: &Run) {
    println!(
        "  {name:<22} {:<44} {:>5} requests, {:>3} x 304, peak {:>3} in flight ({} per host), {} items stored",
        run.m.describe(),
        run.requests,
        run.not_modified,
        run.peak.0,
        run.peak.1,
        run.stored
    );
}

fn standard(dir: &Path, latency_ms: u64) {
    let shape = Shape::STANDARD;
    let mut served = Served::start(shape, Duration::from_millis(latency_ms));
    println!(
        "refresh: {} feeds over {} hosts, {} items, {:.0} MB of XML, {latency_ms} ms latency, default config",
        shape.feeds,
        shape.hosts,
        served.items(),
        served.xml_bytes() as f64 / 1e6
    );
    let k = Khabar::new(&dir.join(format!("standard-{latency_ms}")), &served, "");
    let feeds = shape.feeds;
    let cold = measured_refresh(
        "cold",
        &served,
        Some(0),
        || k.refresh(),
        || k.stored_items(),
    );
    line("cold refresh:", &cold);
    let same = measured_refresh(
        "nothing changed",
        &served,
        Some(feeds),
        || k.refresh(),
        || k.stored_items(),
    );
    line("nothing changed:", &same);
    let changed = served.change_every(10);
    let tenth = measured_refresh(
        "10% changed",
        &served,
        Some(feeds - changed),
        || k.refresh(),
        || k.stored_items(),
    );
    line("10% of feeds changed:", &tenth);
}

fn sweep(dir: &Path) {
    let latency_ms = 200;
    let shape = Shape::STANDARD;
    let served = Served::start(shape, Duration::from_millis(latency_ms));
    println!(
        "fetch.concurrency at {latency_ms} ms latency: cold refresh of {} feeds over {} hosts (per_host 4)",
        shape.feeds, shape.hosts
    );
    for concurrency in [8, 16, 24, 32, 48, 64, 96, 128] {
        let k = Khabar::new(
            &dir.join(format!("sweep-{concurrency}")),
            &served,
            &format!("[fetch]\nconcurrency = {concurrency}\n"),
        );
        let run = measured_refresh(
            "sweep",
            &served,
            Some(0),
            || k.refresh(),
            || k.stored_items(),
        );
        line(&format!("concurrency {concurrency}:"), &run);
    }
}

fn large(dir: &Path) {
    let shape = Shape::LARGE;
    let served = Served::start(shape, Duration::from_millis(20));
    println!(
        "refresh: {} feeds x {} items over {} hosts ({} items, {:.0} MB of XML), 20 ms latency, default config",
        shape.feeds,
        shape.min_items,
        shape.hosts,
        served.items(),
        served.xml_bytes() as f64 / 1e6
    );
    let k = Khabar::new(&dir.join("large"), &served, "");
    let cold = measured_refresh(
        "large cold",
        &served,
        Some(0),
        || k.refresh(),
        || k.stored_items(),
    );
    line("cold refresh:", &cold);
}

fn seed_store(data: &Path, articles: usize) {
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
        for n in 0..articles {
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

/// What the first frame shows of every seeded headline.
const HEADLINE: &[u8] = b"Cached headline number";

fn first_frame(dir: &Path, articles: usize) {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let data = dir.join(format!("cached-{articles}"));
    let t = Instant::now();
    if data.join("khabar.db").exists() {
        println!(
            "start-up: {articles} stored articles over the default config's feeds (seeded before)"
        );
    } else {
        // Seeded under another name and renamed, so an interrupted seed is never reused.
        let partial = dir.join(format!("cached-{articles}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        seed_store(&partial, articles);
        std::fs::rename(&partial, &data).unwrap();
        println!(
            "start-up: {articles} stored articles over the default config's feeds (seeded in {:.1} s)",
            t.elapsed().as_secs_f64()
        );
    }
    // The default config, written out: a named config file must exist.
    let config = dir.join("default-config.toml");
    let out = std::process::Command::new(khabar())
        .args(["config", "--print-default"])
        .output()
        .unwrap();
    check(out.status.success(), || {
        "khabar config --print-default failed".into()
    });
    std::fs::write(&config, out.stdout).unwrap();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut to_frame = Vec::new();
    let mut to_exit = Vec::new();
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
        cmd.env("KHABAR_CONFIG", &config);
        cmd.env("KHABAR_DATA", &data);
        cmd.env("TERM", "xterm-256color");
        let start = Instant::now();
        let mut child = pty.slave.spawn_command(cmd).unwrap();
        let pid = child.process_id().unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        // The frame is drawn when its headlines reach the terminal: watch the output for them.
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            let mut seen = Vec::new();
            let mut sent = false;
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if !sent {
                    seen.extend_from_slice(&buf[..n]);
                    if seen.windows(HEADLINE.len()).any(|w| w == HEADLINE) {
                        let _ = seen_tx.send(Instant::now());
                        sent = true;
                    }
                }
            }
        });
        loop {
            if let Some(kib) = scenario::peak_rss_kib(pid) {
                peak = peak.max(kib);
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        to_exit.push(start.elapsed());
        let drawn = seen_rx.recv_timeout(Duration::from_secs(5));
        check(drawn.is_ok(), || {
            format!(
                "the first frame showed no headlines ({} ms)",
                ms(start.elapsed())
            )
        });
        to_frame.push(drawn.unwrap() - start);
        drop(pty);
    }
    to_frame.sort();
    to_exit.sort();
    println!(
        "  process start to first frame with headlines: median {:.1} ms, min {:.1} ms, max {:.1} ms (7 runs; to exit: median {:.1} ms); peak RSS {:.1} MB",
        ms(to_frame[to_frame.len() / 2]),
        ms(to_frame[0]),
        ms(to_frame[to_frame.len() - 1]),
        ms(to_exit[to_exit.len() / 2]),
        peak as f64 / 1024.0
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: skip then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("KHABAR_BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    let temp = tempfile::tempdir().unwrap();
    // KHABAR_BENCH_DIR keeps the seeded stores between runs (seeding 500,000 articles takes a
    // minute); by default everything lives in a temporary directory.
    let kept = std::env::var_os("KHABAR_BENCH_DIR").map(std::path::PathBuf::from);
    if let Some(kept) = &kept {
        std::fs::create_dir_all(kept).unwrap();
    }
    let dir = match &kept {
        Some(kept) => kept.as_path(),
        None => temp.path(),
    };
    if run("standard") {
        standard(dir, 20);
        standard(dir, 200);
    }
    if run("sweep") {
        sweep(dir);
    }
    if run("large") {
        large(dir);
    }
    if run("startup") {
        first_frame(dir, 200_000);
        first_frame(dir, 500_000);
    }
}
