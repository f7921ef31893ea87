//! khabar against Newsboat on the same scenario, in the same run (`cargo bench --bench
//! compare`): 500 feeds over 50 loopback hosts (about 17,500 items, 35 MB of XML), 20 ms
//! latency (`KHABAR_BENCH_LATENCIES=20,200` for more), khabar's default config, Newsboat with
//! `reload-threads 8`. Three refreshes each: cold (empty store), nothing changed (every feed
//! can answer 304) and 10% of feeds changed (5 new items each). Every figure is checked: every
//! feed requested once, the items stored equal the items served (Newsboat's cache counted
//! too), and khabar's second refresh is all 304s.
//!
//! Newsboat runs only if `newsboat` is on `PATH`; without it the khabar column is printed
//! alone.

// A benchmark reports by printing and fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

#[path = "support/scenario.rs"]
mod scenario;
#[path = "../tests/support/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use scenario::{
    check, count, measured_refresh, run_measured, Khabar, Measured, Run, Served, Shape,
};

/// Newsboat with a temporary urls file, config and cache.
struct Newsboat {
    dir: std::path::PathBuf,
}

impl Newsboat {
    fn installed() -> Option<String> {
        let out = Command::new("newsboat").arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        out.status
            .success()
            .then(|| text.lines().next().unwrap_or("newsboat").to_string())
    }

    fn new(dir: &Path, served: &Served) -> Self {
        std::fs::create_dir_all(dir.join("home")).unwrap();
        std::fs::write(dir.join("urls"), served.urls.join("\n") + "\n").unwrap();
        std::fs::write(
            dir.join("config"),
            "reload-threads 8\nshow-read-feeds yes\nmax-items 0\n",
        )
        .unwrap();
        let _ = std::fs::remove_file(dir.join("cache.db"));
        Self {
            dir: dir.to_path_buf(),
        }
    }

    fn refresh(&self) -> Measured {
        let mut cmd = Command::new("newsboat");
        cmd.arg("-u")
            .arg(self.dir.join("urls"))
            .arg("-c")
            .arg(self.dir.join("cache.db"))
            .arg("-C")
            .arg(self.dir.join("config"))
            .args(["-x", "reload"])
            .env("HOME", self.dir.join("home"))
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .current_dir(&self.dir);
        let m = run_measured(&cmd, &self.dir);
        check(m.ok, || format!("newsboat -x reload failed: {}", m.stderr));
        m
    }

    fn stored_items(&self) -> usize {
        count(&self.dir.join("cache.db"), "SELECT COUNT(*) FROM rss_item")
    }
}

/// Cold, nothing changed, 10% changed, through one refresher.
fn three_runs(
    who: &str,
    served: &mut Served,
    strict_304: bool,
    refresh: &dyn Fn() -> Measured,
    stored: &dyn Fn() -> usize,
) -> [Run; 3] {
    let feeds = served.shape.feeds;
    let cold = measured_refresh(who, served, Some(0), refresh, stored);
    let same = measured_refresh(who, served, strict_304.then_some(feeds), refresh, stored);
    let changed = served.change_every(10);
    let tenth = measured_refresh(
        who,
        served,
        strict_304.then_some(feeds - changed),
        refresh,
        stored,
    );
    // Put the feeds back as they were for the next refresher.
    served.reset_generations();
    [cold, same, tenth]
}

fn ratio(a: &Run, b: &Run) -> String {
    format!("{:.1}x", b.m.wall.as_secs_f64() / a.m.wall.as_secs_f64())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: skip then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let latencies: Vec<u64> = std::env::var("KHABAR_BENCH_LATENCIES")
        .unwrap_or_else(|_| "20".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let newsboat = Newsboat::installed();
    match &newsboat {
        Some(version) => println!("comparing with {version} (reload-threads 8)"),
        None => println!("newsboat is not installed: skipping it, khabar alone"),
    }
    let dir = tempfile::tempdir().unwrap();
    for latency in latencies {
        let shape = Shape::STANDARD;
        let mut served = Served::start(shape, Duration::from_millis(latency));
        println!(
            "\n{} feeds over {} hosts, {} items, {:.0} MB of XML, {latency} ms latency",
            shape.feeds,
            shape.hosts,
            served.items(),
            served.xml_bytes() as f64 / 1e6
        );
        let k = Khabar::new(&dir.path().join(format!("khabar-{latency}")), &served, "");
        let kr = three_runs("khabar", &mut served, true, &|| k.refresh(), &|| {
            k.stored_items()
        });
        let nr = newsboat.as_ref().map(|_| {
            let n = Newsboat::new(&dir.path().join(format!("newsboat-{latency}")), &served);
            three_runs("newsboat", &mut served, false, &|| n.refresh(), &|| {
                n.stored_items()
            })
        });
        println!("\n| scenario | khabar | Newsboat | ratio |\n|---|---|---|---|");
        let names = [
            "cold refresh, empty store",
            "nothing changed",
            "10% of feeds changed",
        ];
        for (i, name) in names.iter().enumerate() {
            let (n, r) = match &nr {
                Some(nr) => (
                    format!("{} ({} x 304)", nr[i].m.describe(), nr[i].not_modified),
                    ratio(&kr[i], &nr[i]),
                ),
                None => ("-".into(), "-".into()),
            };
            println!(
                "| {name} | {} ({} x 304; peak {} in flight, {} per host) | {n} | {r} |",
                kr[i].m.describe(),
                kr[i].not_modified,
                kr[i].peak.0,
                kr[i].peak.1
            );
        }
    }
}
