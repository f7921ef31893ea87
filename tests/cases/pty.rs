//! End to end: the real binary in a pseudo-terminal against the loopback server.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

use crate::server::{Route, TestServer};
use crate::{fixture, tab, Sandbox};

pub struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

/// The real binary running in a pseudo-terminal, with its screen parsed.
pub struct Tui {
    pub screen: Screen,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Tui {
    pub fn start(sb: &Sandbox, args: &[&str]) -> Tui {
        Self::start_with(sb, args, &[])
    }

    /// Like [`Tui::start`], with more environment variables (or other values).
    pub fn start_with(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 110,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("khabar"));
        cmd.args(args);
        cmd.env("KHABAR_CONFIG", sb.config_path());
        cmd.env("KHABAR_DATA", sb.data_dir());
        cmd.env("HOME", sb.dir.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("BROWSER", "true");
        for (name, value) in env {
            cmd.env(name, value);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(30).unwrap(),
            std::num::NonZeroU16::new(110).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Tui {
            screen: Screen { parser, raw },
            writer,
            child,
            master: pty.master,
        }
    }

    /// Resizes the terminal, as a user dragging the window would.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.screen.parser.lock().unwrap().set_size(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
        );
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn wait_for(&self, needle: &str) -> String {
        self.screen.wait_for(needle)
    }

    /// Sends a signal (`TERM`, `HUP`, ...) to the process, as `kill -s NAME` does.
    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().unwrap();
        let status = std::process::Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -s {name} {pid}");
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// The screen's text now.
    pub fn text(&self) -> String {
        self.screen.text()
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit_code(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.signal().is_none(), "killed by a signal: {status:?}");
                return status.exit_code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "khabar did not quit"
            );
            #[allow(clippy::disallowed_methods)] // polling a child process from a test
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the raw output stream, from byte `from` on, contains `needle`; returns
    /// where it starts.
    pub fn wait_raw(&self, from: usize, needle: &str) -> usize {
        let start = Instant::now();
        loop {
            {
                let raw = self.screen.raw.lock().unwrap();
                if let Some(at) = raw
                    .get(from..)
                    .and_then(|r| r.windows(needle.len()).position(|w| w == needle.as_bytes()))
                {
                    return from + at;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "timed out waiting for {needle:?} in the output after byte {from}:\n{}",
                    String::from_utf8_lossy(raw.get(from..).unwrap_or_default())
                );
            }
            #[allow(clippy::disallowed_methods)] // polling a reader thread from a test
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The raw output so far.
    pub fn raw(&self) -> Vec<u8> {
        self.screen.raw.lock().unwrap().clone()
    }

    /// Waits for the process to exit and returns whether it succeeded.
    pub fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "khabar did not quit"
            );
            #[allow(clippy::disallowed_methods)] // polling a child process from a test
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {needle:?}; screen:\n{text}"
            );
            #[allow(clippy::disallowed_methods)] // polling a child process from a test
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn tui_starts_switches_tabs_refreshes_and_restores_the_terminal() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/pk.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    srv.route(
        "/af.xml",
        Route::ok(fixture("rss10.rdf"), "application/rdf+xml"),
    );
    srv.route("/broken", Route::status(500));
    let sb = Sandbox::new();
    let tabs = format!(
        "{}\n{}",
        tab(
            "pakistan",
            "Pakistan",
            &[("Dawn", srv.url("/pk.xml")), ("Broken", srv.url("/broken"))]
        ),
        tab(
            "afghanistan",
            "Afghanistan",
            &[("Pajhwok", srv.url("/af.xml"))]
        )
    );
    sb.write_config(&tabs);

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("khabar"));
    cmd.env("KHABAR_CONFIG", sb.config_path());
    cmd.env("KHABAR_DATA", sb.data_dir());
    cmd.env("HOME", sb.dir.path());
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(100).unwrap(),
            0,
        ))),
        raw: Arc::new(Mutex::new(Vec::new())),
    };
    let (parser, raw) = (screen.parser.clone(), screen.raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.lock().unwrap().process(&buf[..n]);
            raw.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });

    // Tabs show at once; the background refresh fills the Pakistan tab.
    screen.wait_for("1:Pakistan");
    screen.wait_for("Saved");
    screen.wait_for("Torkham border crossing");
    screen.wait_for("1 failed");
    // Switch tab by number.
    writer.write_all(b"2").unwrap();
    screen.wait_for("Wheat prices climb in Herat");
    // Refresh everything by key.
    writer.write_all(b"R").unwrap();
    screen.wait_for("refreshed 3 feeds");
    // Feed status view shows the failing feed's error.
    writer.write_all(b"F").unwrap();
    screen.wait_for("HTTP 500");
    writer.write_all(b"q").unwrap();
    writer.write_all(b"q").unwrap();

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "khabar did not quit"
        );
        #[allow(clippy::disallowed_methods)] // polling a child process from a test
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The reader thread may still be draining the pty: wait until the last bytes are in.
    let start = Instant::now();
    let raw = loop {
        let raw = String::from_utf8_lossy(&screen.raw.lock().unwrap()).to_string();
        if raw.contains("\u{1b}[?1049l") || start.elapsed() > Duration::from_secs(10) {
            break raw;
        }
        #[allow(clippy::disallowed_methods)] // polling a reader thread from a test
        std::thread::sleep(Duration::from_millis(20));
    };
    let left_alt = raw
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    let entered_alt = raw.rfind("\u{1b}[?1049h").unwrap();
    assert!(left_alt > entered_alt);
    assert!(
        raw[left_alt..].contains("\u{1b}[?25h") || raw[..left_alt].rfind("\u{1b}[?25h").is_some(),
        "cursor shown again"
    );
}

#[test]
fn teaser_is_replaced_by_the_extracted_page_then_saved_and_read_offline_in_a_new_process() {
    let srv = TestServer::start_blocking();
    let page = crate::page("site-article.html");
    srv.route("/story.html", Route::ok(page, "text/html; charset=utf-8"));
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>GZ</title>\
         <item><title>Pakistan says dialogue with Kabul is open</title><link>{}</link><guid>gz-1</guid>\
         <pubDate>Fri, 14 Nov 2025 11:41:23 GMT</pubDate><description>Pakistan has made it clear...</description></item>\
         </channel></rss>",
        srv.url("/story.html")
    );
    srv.route("/gz.xml", Route::ok(feed, "application/rss+xml"));
    let sb = Sandbox::new();
    sb.write_config(&tab(
        "pakistan",
        "Pakistan",
        &[("Ground Zero", srv.url("/gz.xml"))],
    ));

    let mut tui = Tui::start(&sb, &[]);
    tui.wait_for("Pakistan says dialogue with Kabul is open");
    tui.keys("\r");
    // The extracted page replaces the teaser; the status line names the method.
    tui.wait_for("Collapse of Talks and Rising Security Concerns");
    tui.wait_for("general extractor");
    let screen = tui.screen.text();
    assert!(
        !screen.contains("Leave A Reply") && !screen.contains("Editors Picks"),
        "{screen}"
    );
    tui.keys("s");
    tui.wait_for("saved (general extractor)");
    tui.keys("q");
    tui.wait_for("★");
    tui.keys("q");
    assert!(tui.wait_exit());

    // The outlet is gone and so is the network: a fresh process reads it from the Saved tab.
    drop(srv);
    std::fs::write(
        sb.config_path(),
        "[general]\nrefresh_on_start = false\n[[tabs]]\nid = \"world\"\ntitle = \"World\"\n",
    )
    .unwrap();
    let mut tui = Tui::start(&sb, &[]);
    tui.wait_for("2:Saved");
    tui.keys("2");
    tui.wait_for("Pakistan says dialogue with Kabul is open");
    tui.keys("\r");
    tui.wait_for("Collapse of Talks and Rising Security Concerns");
    tui.wait_for("saved · general extractor");
    tui.keys("G");
    tui.wait_for("organization involved in violence against Pakistan");
    tui.keys("q");
    tui.keys("q");
    assert!(tui.wait_exit());
    let saved_dir = sb.data_dir().join("saved");
    let files: Vec<_> = std::fs::read_dir(&saved_dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let md = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(
        md.starts_with("---\ntitle: \"Pakistan says dialogue with Kabul is open\"\n"),
        "{md}"
    );
    assert!(md.contains("Collapse of Talks and Rising Security Concerns"));
}

#[test]
fn resizing_redraws_and_scrolls_the_tab_bar_instead_of_squeezing_names() {
    let srv = TestServer::start_blocking();
    srv.route(
        "/pk.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    let sb = Sandbox::new();
    let tabs = format!(
        "{}\n{}\n{}",
        tab("pakistan", "Pakistan", &[("Dawn", srv.url("/pk.xml"))]),
        tab("afghanistan", "Afghanistan", &[]),
        tab("middle-east", "Middle East", &[])
    );
    sb.write_config(&tabs);
    let mut tui = Tui::start(&sb, &[]);
    tui.wait_for("khabar │ 1:Pakistan");
    tui.wait_for("Torkham border crossing");
    tui.resize(12, 40);
    let screen = tui.wait_for("│›");
    let bar = screen.lines().next().unwrap_or_default();
    assert!(
        bar.contains("1:Pakistan") && bar.contains("2:Afghanistan") && !bar.contains('…'),
        "whole names, scrolled:\n{screen}"
    );
    assert!(
        !screen.contains("khabar │"),
        "the name makes room for the tabs:\n{screen}"
    );
    // The bar follows the selected tab.
    tui.keys("4");
    let screen = tui.wait_for("4:Saved");
    assert!(
        screen.lines().next().unwrap_or_default().starts_with('‹'),
        "{screen}"
    );
    tui.resize(30, 110);
    tui.wait_for("khabar │ 1:Pakistan");
    tui.keys("q");
    assert!(tui.wait_exit());
}

const LEAVE_ALT: &str = "\u{1b}[?1049l";
const ENTER_ALT: &str = "\u{1b}[?1049h";
const SHOW_CURSOR: &str = "\u{1b}[?25h";

/// A TUI showing the rss20 fixture's headlines.
fn tui_with_headlines(srv: &TestServer, sb: &Sandbox) -> Tui {
    tui_with_headlines_and(srv, sb, &[])
}

/// A TUI showing the rss20 fixture's headlines, with more environment variables.
fn tui_with_headlines_and(srv: &TestServer, sb: &Sandbox, env: &[(&str, &str)]) -> Tui {
    srv.route(
        "/pk.xml",
        Route::ok(fixture("rss20.xml"), "application/rss+xml"),
    );
    sb.write_config(&tab(
        "pakistan",
        "Pakistan",
        &[("Dawn", srv.url("/pk.xml"))],
    ));
    let tui = Tui::start_with(sb, &[], env);
    tui.wait_for("Torkham border crossing");
    tui
}

/// Checks that the output ends with the terminal restored: the alternate screen left after
/// it was last entered, and the cursor shown after that.
fn assert_restored(tui: &Tui) {
    let raw = tui.raw();
    let text = String::from_utf8_lossy(&raw);
    let entered = text.rfind(ENTER_ALT).expect("entered the alternate screen");
    tui.wait_raw(entered, LEAVE_ALT);
    let raw = tui.raw();
    let text = String::from_utf8_lossy(&raw);
    let left = text.rfind(LEAVE_ALT).unwrap();
    assert!(left > entered, "left the alternate screen last");
    assert!(
        text[left..].contains(SHOW_CURSOR) || text[entered..left].contains(SHOW_CURSOR),
        "cursor shown again"
    );
}

#[test]
fn sigterm_sighup_and_sigint_restore_the_terminal_and_exit_with_128_plus_the_signal() {
    let srv = TestServer::start_blocking();
    for (name, number) in [("TERM", 15), ("HUP", 1), ("INT", 2)] {
        let sb = Sandbox::new();
        let mut tui = tui_with_headlines(&srv, &sb);
        tui.signal(name);
        assert_eq!(tui.wait_exit_code(), 128 + number, "SIG{name}");
        assert_restored(&tui);
    }
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let srv = TestServer::start_blocking();
    let sb = Sandbox::new();
    let mut tui = tui_with_headlines(&srv, &sb);
    tui.keys("\u{3}");
    assert_eq!(tui.wait_exit_code(), 0);
    assert_restored(&tui);
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_redraws_everything_when_continued() {
    let srv = TestServer::start_blocking();
    let sb = Sandbox::new();
    let mut tui = tui_with_headlines(&srv, &sb);
    let before = tui.raw().len();
    tui.keys("\u{1a}");
    // The terminal is restored before the process stops.
    let left = tui.wait_raw(before, LEAVE_ALT);
    tui.wait_raw(left, SHOW_CURSOR);
    // A pty child leads its own session, an orphaned process group, where the kernel drops
    // SIGTSTP; a real shell's `fg` sends SIGCONT, which is harmless here.
    tui.signal("CONT");
    let entered = tui.wait_raw(left, ENTER_ALT);
    // Everything is drawn again, not only what changed (nothing did).
    tui.wait_raw(entered, "Torkham border crossing");
    tui.wait_raw(entered, "1:Pakistan");
    // Raw mode is back: keys arrive one by one, unechoed.
    tui.keys("q");
    assert_eq!(tui.wait_exit_code(), 0);
    assert_restored(&tui);
}

#[test]
fn browser_is_a_list_of_commands_split_without_a_shell_and_the_first_that_starts_opens() {
    let srv = TestServer::start_blocking();
    let sb = Sandbox::new();
    let mut tui = tui_with_headlines_and(
        &srv,
        &sb,
        &[(
            "BROWSER",
            "nosuch-khabar-browser --new-tab:true --new-tab %s",
        )],
    );
    tui.keys("o");
    tui.wait_for("opened in true");
    tui.keys("q");
    assert_eq!(tui.wait_exit_code(), 0);
}

#[test]
fn a_terminal_browser_gets_the_terminal_and_the_reader_redraws_after_it() {
    use std::os::unix::fs::PermissionsExt;
    let srv = TestServer::start_blocking();
    let sb = Sandbox::new();
    // A stand-in for w3m: it shows a line, reads one from the terminal, and records both.
    let w3m = sb.dir.path().join("w3m");
    let out = sb.dir.path().join("w3m.out");
    std::fs::write(
        &w3m,
        format!(
            "#!/bin/sh\nprintf 'W3M-RAN\\n'\nIFS= read -r line\nprintf '%s %s\\n' \"$line\" \"$1\" > '{}'\n",
            out.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&w3m, std::fs::Permissions::from_mode(0o755)).unwrap();
    let browser = format!("{} %s", w3m.display());
    let mut tui = tui_with_headlines_and(&srv, &sb, &[("BROWSER", &browser)]);
    let before = tui.raw().len();
    tui.keys("o");
    // The screen is handed over: the alternate screen is left, then the browser draws.
    let left = tui.wait_raw(before, LEAVE_ALT);
    tui.wait_raw(left, "W3M-RAN");
    // Keys go to the browser, not to khabar.
    tui.keys("hello\r");
    let entered = tui.wait_raw(left, ENTER_ALT);
    tui.wait_raw(entered, "Torkham border crossing");
    tui.wait_for("opened in w3m");
    let recorded = std::fs::read_to_string(&out).unwrap();
    assert!(
        recorded.starts_with("hello https://news.example.com/"),
        "{recorded}"
    );
    tui.keys("q");
    assert_eq!(tui.wait_exit_code(), 0);
    assert_restored(&tui);
}
