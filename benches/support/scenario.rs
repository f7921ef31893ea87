//! The refresh scenario shared by `--bench refresh` and `--bench compare`: feeds spread over
//! loopback hosts (`127.0.0.1` ... `127.0.0.N`) of one [`TestServer`], a way to change some of
//! them, processes measured for wall time, CPU time and peak memory, and the checks that make a
//! printed figure trustworthy (requests and 304s counted by the server, items counted in the
//! store).
#![allow(dead_code)] // each benchmark uses part of it

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};

/// How big a scenario is.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Feeds.
    pub feeds: usize,
    /// Loopback hosts they are spread over (round robin).
    pub hosts: usize,
    /// Items of feed `n`: `min_items + (n * 37) % (spread + 1)`.
    pub min_items: usize,
    /// See `min_items`.
    pub spread: usize,
    /// Paragraphs of text in each item's description (about 400 bytes each).
    pub paragraphs: usize,
}

impl Shape {
    /// 500 feeds over 50 hosts, 10 to 60 items each (about 17,500 items, 35 MB of XML).
    pub const STANDARD: Shape = Shape {
        feeds: 500,
        hosts: 50,
        min_items: 10,
        spread: 50,
        paragraphs: 5,
    };

    /// 2,000 feeds x 100 items over 200 hosts, short descriptions.
    pub const LARGE: Shape = Shape {
        feeds: 2_000,
        hosts: 200,
        min_items: 100,
        spread: 0,
        paragraphs: 1,
    };

    fn items(&self, feed: usize) -> usize {
        self.min_items + (feed * 37) % (self.spread + 1)
    }
}

/// A server serving a [`Shape`] of feeds.
pub struct Served {
    /// The server.
    pub srv: TestServer,
    /// The shape served.
    pub shape: Shape,
    /// Feed URLs, in order.
    pub urls: Vec<String>,
    /// Each feed's generation: a changed feed has 5 new items per generation and a new ETag.
    generations: Vec<usize>,
}

const PARAGRAPH: &str = "&lt;p&gt;Officials in Islamabad and Kabul said on Tuesday that talks \
    on border crossings would resume next week, after a pause of three months. Traders at \
    Torkham welcomed the news; transporters said queues of lorries stretched for kilometres \
    &amp;amp; that perishable goods had spoiled. &lt;a href=\"https://example.org/x\"&gt;More\
    &lt;/a&gt;&lt;/p&gt;";

fn feed_xml(shape: &Shape, feed: usize, generation: usize) -> String {
    let items = shape.items(feed) + 5 * generation;
    let mut s = String::with_capacity(items * (shape.paragraphs * 420 + 400));
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>Feed {feed}</title><link>https://news{feed}.example/</link>\
         <language>en</language><description>Feed {feed}</description>"
    );
    // Newest first, as feeds are: the items a new generation adds come on top.
    for i in (0..items).rev() {
        let _ = write!(
            s,
            "<item><title>Feed {feed} story {i}: talks resume in Islamabad &amp; Kabul</title>\
             <link>https://news{feed}.example/story/{i}</link><guid>f{feed}-{i}</guid>\
             <pubDate>Tue, 24 Nov 2026 {:02}:{:02}:00 GMT</pubDate>\
             <category>Politics</category><author>desk@news{feed}.example (Desk)</author>\
             <description>",
            i % 24,
            feed % 60
        );
        for _ in 0..shape.paragraphs {
            s.push_str(PARAGRAPH);
        }
        s.push_str("</description></item>");
    }
    s.push_str("</channel></rss>");
    s
}

impl Served {
    /// Starts a server on `shape.hosts` loopback hosts with `latency` on every answer.
    pub fn start(shape: Shape, latency: Duration) -> Self {
        let srv = TestServer::start_blocking_hosts(shape.hosts);
        srv.set_default_delay(latency);
        let mut served = Self {
            urls: (0..shape.feeds)
                .map(|feed| srv.host_url(feed % shape.hosts, &format!("/feed/{feed}.xml")))
                .collect(),
            srv,
            shape,
            generations: vec![0; shape.feeds],
        };
        for feed in 0..shape.feeds {
            served.publish(feed);
        }
        served
    }

    fn publish(&mut self, feed: usize) {
        let generation = self.generations[feed];
        self.srv.route(
            &format!("/feed/{feed}.xml"),
            Route::ok(
                feed_xml(&self.shape, feed, generation),
                "application/rss+xml; charset=utf-8",
            )
            .with_etag(&format!("f{feed}-g{generation}"))
            .with_last_modified(&format!("Tue, 24 Nov 2026 10:{generation:02}:00 GMT")),
        );
    }

    /// Gives every `every`-th feed 5 new items and a new ETag; returns how many changed.
    pub fn change_every(&mut self, every: usize) -> usize {
        let mut changed = 0;
        for feed in (0..self.shape.feeds).step_by(every) {
            self.generations[feed] += 1;
            self.publish(feed);
            changed += 1;
        }
        changed
    }

    /// Puts every feed back to its first generation.
    pub fn reset_generations(&mut self) {
        for feed in 0..self.shape.feeds {
            if self.generations[feed] != 0 {
                self.generations[feed] = 0;
                self.publish(feed);
            }
        }
    }

    /// Distinct items the feeds hold now (every item ever served is still in its feed).
    pub fn items(&self) -> usize {
        (0..self.shape.feeds)
            .map(|f| self.shape.items(f) + 5 * self.generations[f])
            .sum()
    }

    /// Bytes of XML the feeds hold now.
    pub fn xml_bytes(&self) -> usize {
        (0..self.shape.feeds)
            .map(|f| feed_xml(&self.shape, f, self.generations[f]).len())
            .sum()
    }
}

/// One measured process.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Wall time.
    pub wall: Duration,
    /// CPU time in user mode (GNU time), if known.
    pub user: Option<Duration>,
    /// CPU time in the kernel (GNU time), if known.
    pub sys: Option<Duration>,
    /// Peak resident set, KiB.
    pub peak_kib: u64,
    /// Exit status success.
    pub ok: bool,
    /// Its standard error.
    pub stderr: String,
}

impl Measured {
    /// `1.23 s`
    pub fn secs(&self) -> String {
        format!("{:.2} s", self.wall.as_secs_f64())
    }

    /// `1.23 s wall, 1.10 s user + 0.20 s sys, 45 MB`
    pub fn describe(&self) -> String {
        let cpu = match (self.user, self.sys) {
            (Some(u), Some(s)) => format!(
                ", {:.2} s user + {:.2} s sys",
                u.as_secs_f64(),
                s.as_secs_f64()
            ),
            _ => String::new(),
        };
        format!("{} wall{cpu}, {}", self.secs(), self.mb())
    }

    /// `45 MB`
    pub fn mb(&self) -> String {
        format!("{:.0} MB", self.peak_kib as f64 / 1024.0)
    }
}

/// Peak resident set (VmHWM) of a running process, in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const GNU_TIME: &str = "/usr/bin/time";

/// Runs `cmd` to completion under GNU time when it is installed (exact CPU time and peak
/// RSS), else sampling `/proc` for the peak RSS. `dir` holds GNU time's report.
pub fn run_measured(cmd: &Command, dir: &Path) -> Measured {
    let report = dir.join("time-report");
    let _ = std::fs::remove_file(&report);
    let timed = Path::new(GNU_TIME).exists();
    // KHABAR_BENCH_WRAP puts a profiler in front of the command (words split on spaces), e.g.
    // a script running `perf record -g -o UNIQUE.data "$@"`.
    let wrap = std::env::var("KHABAR_BENCH_WRAP").unwrap_or_default();
    let mut run = if timed {
        let mut run = Command::new(GNU_TIME);
        run.arg("-o")
            .arg(&report)
            .args(["-f", "%U %S %M"])
            .args(wrap.split_whitespace())
            .arg(cmd.get_program())
            .args(cmd.get_args());
        run
    } else {
        let mut run = Command::new(cmd.get_program());
        run.args(cmd.get_args());
        run
    };
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => run.env(k, v),
            None => run.env_remove(k),
        };
    }
    if let Some(cwd) = cmd.get_current_dir() {
        run.current_dir(cwd);
    }
    let start = Instant::now();
    let mut child = run
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let stderr_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr_pipe.read_to_string(&mut s);
        s
    });
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = start.elapsed();
    let mut measured = Measured {
        wall,
        peak_kib: peak,
        ok: status.success(),
        stderr: stderr_reader.join().unwrap_or_default(),
        ..Measured::default()
    };
    if timed {
        let text = std::fs::read_to_string(&report).unwrap_or_default();
        // GNU time prints "Command exited with non-zero status N" first on failure.
        if let Some(line) = text.lines().last() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() == 3 {
                measured.user = f[0].parse().ok().map(Duration::from_secs_f64);
                measured.sys = f[1].parse().ok().map(Duration::from_secs_f64);
                measured.peak_kib = f[2].parse().unwrap_or(peak);
            }
        }
    }
    measured
}

/// Fails the benchmark with `why` unless `ok`.
pub fn check(ok: bool, why: impl FnOnce() -> String) {
    if !ok {
        eprintln!("benchmark check failed: {}", why());
        std::process::exit(1);
    }
}

/// The khabar binary under benchmark: `KHABAR_BENCH_BIN` (another build, to compare
/// against), else the one cargo built with this benchmark.
pub fn khabar() -> String {
    std::env::var("KHABAR_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_khabar").into())
}

/// A khabar setup for a served scenario: a config (the default one plus one tab of all the
/// feeds, and `extra` appended) and a data directory.
pub struct Khabar {
    config: PathBuf,
    data: PathBuf,
    dir: PathBuf,
}

impl Khabar {
    /// Writes the config under `dir`; the data directory starts empty.
    pub fn new(dir: &Path, served: &Served, extra: &str) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let mut config = String::from(extra);
        config.push_str("\n[[tabs]]\nid = \"bench\"\ntitle = \"Bench\"\n");
        for (n, url) in served.urls.iter().enumerate() {
            let _ = write!(
                config,
                "[[tabs.outlets]]\nname = \"Outlet {n}\"\nfeeds = [\"{url}\"]\n"
            );
        }
        let path = dir.join("khabar.toml");
        std::fs::write(&path, config).unwrap();
        let data = dir.join("data");
        let _ = std::fs::remove_dir_all(&data);
        Self {
            config: path,
            data,
            dir: dir.to_path_buf(),
        }
    }

    /// Runs `khabar refresh --quiet`, measured; fails the benchmark if it failed.
    pub fn refresh(&self) -> Measured {
        let mut cmd = Command::new(khabar());
        cmd.args(["refresh", "--quiet"])
            .env("KHABAR_CONFIG", &self.config)
            .env("KHABAR_DATA", &self.data);
        let m = run_measured(&cmd, &self.dir);
        check(m.ok, || format!("khabar refresh failed: {}", m.stderr));
        m
    }

    /// Articles in the store.
    pub fn stored_items(&self) -> usize {
        count(
            &self.data.join("khabar.db"),
            "SELECT COUNT(*) FROM articles",
        )
    }
}

/// `sql`'s single number from the SQLite database at `db`.
pub fn count(db: &Path, sql: &str) -> usize {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let n: i64 = conn.query_row(sql, [], |r| r.get(0)).unwrap();
    usize::try_from(n).unwrap()
}

/// What one refresh of a scenario did, as the server and the store saw it.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The process.
    pub m: Measured,
    /// Requests the server answered.
    pub requests: usize,
    /// Of them, 304s.
    pub not_modified: usize,
    /// Most requests in flight at once, and to one host.
    pub peak: (usize, usize),
    /// Items in the store afterwards.
    pub stored: usize,
}

/// Runs `refresh` (one process refreshing every feed of `served`) and checks what the server
/// and the store saw: every feed requested exactly once; `expect_304` of them (if given)
/// answered 304; the store holds exactly the items served.
pub fn measured_refresh(
    who: &str,
    served: &Served,
    expect_304: Option<usize>,
    refresh: impl FnOnce() -> Measured,
    stored: impl FnOnce() -> usize,
) -> Run {
    served.srv.reset_counters();
    let m = refresh();
    let run = Run {
        m,
        requests: served.srv.total_hits(),
        not_modified: served.srv.responses_with(304),
        peak: (
            served.srv.peak_concurrency(),
            served.srv.peak_host_concurrency(),
        ),
        stored: stored(),
    };
    let feeds = served.shape.feeds;
    check(run.requests == feeds, || {
        format!("{who}: {} requests for {feeds} feeds", run.requests)
    });
    check(expect_304.is_none_or(|n| run.not_modified == n), || {
        format!(
            "{who}: {} answers were 304, expected {expect_304:?}",
            run.not_modified
        )
    });
    check(run.stored == served.items(), || {
        format!(
            "{who}: {} items stored, {} served",
            run.stored,
            served.items()
        )
    });
    run
}
