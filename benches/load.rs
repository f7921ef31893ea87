//! Load benchmark (`cargo bench --bench load`): 2,000 feeds x 100 items (200,000 items) over
//! 50 loopback hosts, 20 ms latency, default config (feeds split over two tabs).
//!
//! 1. `khabar refresh`: completes, every item stored, peak RSS under 150 MB;
//! 2. the TUI refreshing the same on start-up in a pseudo-terminal while `2` and `1` are
//!    pressed in turn every 100 ms: each key shown in the tab bar within 50 ms, every item
//!    stored, peak RSS under 150 MB.
//!
//! Prints the figures and exits non-zero when a target is missed. `KHABAR_LOAD_FEEDS` and
//! `KHABAR_LOAD_ITEMS` change the size; `KHABAR_BENCH_ONLY=cli` or `=tui` runs one part.

// A benchmark reports by printing and fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

#[path = "support/load.rs"]
mod load;
#[path = "support/scenario.rs"]
mod scenario;
#[path = "../tests/support/server.rs"]
mod server;

use std::time::Duration;

use scenario::{Served, Shape};

const PEAK_MB: f64 = 150.0;
const KEY_MS: f64 = 50.0;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: skip then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("KHABAR_BENCH_ONLY").unwrap_or_default();
    let part = |p: &str| only.is_empty() || only.split(',').any(|o| o.trim() == p);
    let shape = Shape {
        feeds: env("KHABAR_LOAD_FEEDS", 2_000),
        hosts: 50,
        min_items: env("KHABAR_LOAD_ITEMS", 100),
        spread: 0,
        paragraphs: 1,
    };
    let served = Served::start(shape, Duration::from_millis(20));
    let items = served.items();
    println!(
        "load: {} feeds x {} items over {} loopback hosts ({items} items, {:.0} MB of XML), 20 ms latency",
        shape.feeds,
        shape.min_items,
        shape.hosts,
        served.xml_bytes() as f64 / 1e6
    );
    let dir = tempfile::tempdir().unwrap();
    let mut missed = Vec::new();
    if part("cli") {
        let (m, stored) = load::cli_refresh(&dir.path().join("cli"), &served);
        let peak = m.peak_kib as f64 / 1024.0;
        println!(
            "  khabar refresh: {}, {stored} of {items} items stored, exit ok: {}",
            m.describe(),
            m.ok
        );
        if !m.ok || stored != items {
            missed.push(format!(
                "CLI refresh: ok {}, {stored} of {items} stored",
                m.ok
            ));
        }
        if peak >= PEAK_MB {
            missed.push(format!("CLI refresh peak {peak:.0} MB >= {PEAK_MB} MB"));
        }
    }
    if part("tui") {
        served.srv.reset_counters();
        let run = load::tui_refresh(
            &dir.path().join("tui"),
            &served,
            Duration::from_millis(100),
            Duration::from_secs(600),
        );
        println!("  TUI: {}", run.describe());
        println!("  TUI status line: {}", run.status);
        let worst = run.worst().as_secs_f64() * 1000.0;
        let peak = run.peak_kib as f64 / 1024.0;
        if run.stored != items || !run.quit_ok {
            missed.push(format!(
                "TUI: {} of {items} stored, quit ok {}",
                run.stored, run.quit_ok
            ));
        }
        if worst > KEY_MS {
            missed.push(format!("TUI key latency worst {worst:.1} ms > {KEY_MS} ms"));
        }
        if peak >= PEAK_MB {
            missed.push(format!("TUI peak {peak:.0} MB >= {PEAK_MB} MB"));
        }
    }
    for m in &missed {
        eprintln!("load target missed: {m}");
    }
    // Exiting skips destructors: remove the stores (hundreds of MB) first.
    drop(dir);
    if !missed.is_empty() {
        std::process::exit(1);
    }
}
