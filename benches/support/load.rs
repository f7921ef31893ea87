//! The load scenario shared by `cargo bench --bench load` and its scaled-down CI test: feeds
//! served over loopback hosts ([`scenario::Served`]), refreshed by `khabar refresh` and by the
//! TUI in a pseudo-terminal while a key that switches tabs is pressed again and again. The TUI
//! run measures, for every key, the time from writing it to the terminal to the tab bar
//! showing the other tab selected, and both runs the child's peak resident set (VmHWM).
#![allow(dead_code)] // each user takes part of it
#![allow(clippy::disallowed_methods)] // polls a child process and a terminal

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

use super::scenario::{count, khabar, peak_rss_kib, run_measured, Measured, Served};

/// The two tabs the feeds are split over (alternate feeds), as the tab bar labels them.
pub const TABS: [&str; 2] = ["Alpha", "Bravo"];

/// A config with the feeds of `served` split over [`TABS`], `refresh_on_start` on, written
/// under `dir`; returns the config path and an empty data directory.
pub fn setup(dir: &Path, served: &Served) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let mut config = String::from("[general]\nrefresh_on_start = true\n\n");
    for (t, title) in TABS.iter().enumerate() {
        let _ = write!(
            config,
            "[[tabs]]\nid = \"{}\"\ntitle = \"{title}\"\n",
            title.to_lowercase()
        );
        for (n, url) in served.urls.iter().enumerate().skip(t).step_by(TABS.len()) {
            let _ = write!(
                config,
                "[[tabs.outlets]]\nname = \"Outlet {n}\"\nfeeds = [\"{url}\"]\n"
            );
        }
    }
    let path = dir.join("khabar.toml");
    std::fs::write(&path, config).unwrap();
    let data = dir.join("data");
    let _ = std::fs::remove_dir_all(&data);
    (path, data)
}

/// Articles stored under `data`.
pub fn stored(data: &Path) -> usize {
    count(&data.join("khabar.db"), "SELECT COUNT(*) FROM articles")
}

/// `khabar refresh --quiet` of every feed, measured.
pub fn cli_refresh(dir: &Path, served: &Served) -> (Measured, usize) {
    let (config, data) = setup(dir, served);
    let mut cmd = Command::new(khabar());
    cmd.args(["refresh", "--quiet"])
        .env("KHABAR_CONFIG", &config)
        .env("KHABAR_DATA", &data)
        .env("HOME", dir);
    let m = run_measured(&cmd, dir);
    let n = stored(&data);
    (m, n)
}

/// What the TUI did during its start-up refresh.
#[derive(Debug, Clone, Default)]
pub struct TuiRun {
    /// Start to the status line saying the refresh is done.
    pub refresh: Duration,
    /// Every key's time from being written to the tab bar showing it, in order.
    pub latencies: Vec<Duration>,
    /// Peak resident set over the whole run, KiB.
    pub peak_kib: u64,
    /// Articles in the store afterwards.
    pub stored: usize,
    /// The status line at the end of the refresh.
    pub status: String,
    /// The process exited successfully after `q`.
    pub quit_ok: bool,
}

impl TuiRun {
    /// The slowest key.
    pub fn worst(&self) -> Duration {
        self.latencies.iter().max().copied().unwrap_or_default()
    }

    /// The `q`-quantile key latency (0.5 median, 0.99 ...).
    pub fn quantile(&self, q: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        if l.is_empty() {
            return Duration::ZERO;
        }
        let at = ((l.len() - 1) as f64 * q).round() as usize;
        l[at]
    }

    /// `n keys: median 3.1 ms, p99 12.0 ms, worst 20.3 ms; peak 80 MB; refresh 12.3 s`
    pub fn describe(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!(
            "{} keys during the refresh: median {:.1} ms, p99 {:.1} ms, worst {:.1} ms; peak RSS {:.0} MB; refresh {:.1} s; {} items stored",
            self.latencies.len(),
            ms(self.quantile(0.5)),
            ms(self.quantile(0.99)),
            ms(self.worst()),
            self.peak_kib as f64 / 1024.0,
            self.refresh.as_secs_f64(),
            self.stored
        )
    }
}

const ROWS: u16 = 40;
const COLS: u16 = 120;

/// The label of the selected (reverse video) tab in the tab bar, if one is drawn.
fn selected_tab(parser: &Mutex<vt100::Parser>) -> Option<usize> {
    let parser = parser.lock().unwrap();
    let screen = parser.screen();
    let mut label = String::new();
    for col in 0..COLS {
        if let Some(cell) = screen.cell(0, col) {
            if cell.inverse() {
                label.push_str(cell.contents());
            }
        }
    }
    TABS.iter().position(|t| label.contains(t))
}

fn screen_text(parser: &Mutex<vt100::Parser>) -> String {
    parser.lock().unwrap().screen().contents()
}

/// Starts the TUI on a fresh store (so the start-up refresh fetches every feed of `served`),
/// presses `2` and `1` in turn every `every` until the refresh is over (and a few times more),
/// then quits. Panics if the TUI fails to start, to show a key within 10 s or to finish the
/// refresh within `limit`.
pub fn tui_refresh(dir: &Path, served: &Served, every: Duration, limit: Duration) -> TuiRun {
    let (config, data) = setup(dir, served);
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(khabar());
    cmd.env("KHABAR_CONFIG", &config);
    cmd.env("KHABAR_DATA", &data);
    cmd.env("HOME", dir);
    cmd.env("TERM", "xterm-256color");
    cmd.env("NO_COLOR", "1");
    let start = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let pid = child.process_id().unwrap();
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::new(ROWS).unwrap(),
        std::num::NonZeroU16::new(COLS).unwrap(),
        0,
    )));
    let p = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    let mut run = TuiRun::default();
    let sample = |run: &mut TuiRun| {
        if let Some(kib) = peak_rss_kib(pid) {
            run.peak_kib = run.peak_kib.max(kib);
        }
    };
    // The first frame.
    while selected_tab(&parser) != Some(0) {
        sample(&mut run);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no tab bar; screen:\n{}",
            screen_text(&parser)
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut target = 0;
    let mut extra = 5;
    loop {
        let done = screen_text(&parser).contains("refreshed ");
        if done && run.refresh.is_zero() {
            run.refresh = start.elapsed();
            run.status = screen_text(&parser)
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_owned();
        }
        if done {
            if extra == 0 {
                break;
            }
            extra -= 1;
        }
        assert!(
            start.elapsed() < limit,
            "the refresh did not finish in {limit:?}; screen:\n{}",
            screen_text(&parser)
        );
        target = 1 - target;
        let key = if target == 1 { b"2" } else { b"1" };
        let sent = Instant::now();
        writer.write_all(key).unwrap();
        writer.flush().unwrap();
        while selected_tab(&parser) != Some(target) {
            assert!(
                sent.elapsed() < Duration::from_secs(10),
                "key {} not shown in 10 s; screen:\n{}",
                key[0] as char,
                screen_text(&parser)
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        run.latencies.push(sent.elapsed());
        let next = sent + every;
        while Instant::now() < next {
            sample(&mut run);
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let quit = Instant::now();
    let status = loop {
        sample(&mut run);
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if quit.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    run.quit_ok = status.success();
    run.stored = stored(&data);
    run
}
