//! The whole app in-process: the real `App`, worker and event loop on a ratatui `TestBackend`,
//! driven by scripted keys against the loopback server, with the screens snapshotted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::channel::mpsc;
use khabar::paths::{EnvSnapshot, Paths};
use khabar::tui::event_loop::{self, Exit, Options};
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Size};
use ratatui::Terminal;

use crate::server::{Route, TestServer};
use crate::{tab, Sandbox};

/// A `TestBackend` the test can read while the loop draws on it.
#[derive(Clone)]
struct SharedBackend(Arc<Mutex<TestBackend>>);

impl Backend for SharedBackend {
    type Error = std::convert::Infallible;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        content: I,
    ) -> Result<(), Self::Error> {
        self.0.lock().unwrap().draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.lock().unwrap().set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.0.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().flush()
    }
}

impl SharedBackend {
    /// The screen as text, one line per row, trailing blanks trimmed.
    fn text(&self) -> String {
        let backend = self.0.lock().unwrap();
        let buffer = backend.buffer();
        let width = usize::from(buffer.area.width);
        let mut out = String::new();
        for row in buffer.content().chunks(width) {
            let mut line = String::new();
            let mut skip = 0;
            for cell in row {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = cell.symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Waits until the screen shows `needle` (the app answers asynchronously).
    async fn wait_for(&self, needle: &str) -> String {
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
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// An RSS feed whose items carry their full text, dated whole hours before `now`.
fn feed(now: i64, items: &[(&str, &str)]) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>");
    for (i, (title, body)) in items.iter().enumerate() {
        let when = chrono::DateTime::from_timestamp(now - 3600 * (i as i64 + 1), 0).unwrap();
        s.push_str(&format!(
            "<item><title>{title}</title><link>https://dawn.example/news/{i}</link><guid>g{i}</guid>\
             <pubDate>{}</pubDate><description><![CDATA[{}]]></description></item>",
            when.to_rfc2822(),
            format!("<p>{body}</p>").repeat(40)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn key(code: KeyCode) -> std::io::Result<TermEvent> {
    Ok(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Replaces what differs between runs (the sandbox path) with a placeholder.
fn stable(text: &str, sb: &Sandbox) -> String {
    text.replace(&sb.dir.path().display().to_string(), "[SANDBOX]")
}

/// The pinned wall clock: Tue 24 Nov 2026 10:00 UTC.
const NOW: i64 = 1_795_514_400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_a_tab_an_article_save_and_search() {
    let srv = TestServer::start().await;
    let now = NOW;
    srv.route(
        "/f.xml",
        Route::ok(
            feed(
                now,
                &[
                    ("Rain lashes Quetta", "Heavy rain fell on Quetta overnight."),
                    (
                        "Budget passed in Islamabad",
                        "The assembly passed the budget.",
                    ),
                    ("Flood warning for Swat", "Rivers rose across the valley."),
                ],
            ),
            "application/rss+xml",
        ),
    );
    let sb = Sandbox::new();
    sb.write_config(&tab("pk", "Pakistan", &[("Dawn", srv.url("/f.xml"))]));
    let env = EnvSnapshot {
        home: Some(sb.dir.path().to_path_buf()),
        xdg_config_home: None,
        xdg_data_home: None,
        config_file: Some(sb.config_path()),
        data_dir: Some(sb.data_dir()),
    };
    let paths = Paths::resolve(&env, None);
    let config = khabar::config::Config::load(&paths.config_file).unwrap();
    let (app, worker) = khabar::tui::start(&paths, &config, NOW, 0).await.unwrap();

    let backend = SharedBackend(Arc::new(Mutex::new(TestBackend::new(90, 14))));
    let screen = backend.clone();
    let (keys, input) = mpsc::unbounded();
    let ui = tokio::spawn(async move {
        let mut terminal = Terminal::new(backend).unwrap();
        let options = Options {
            exit: Exit::OnQuit,
            clock: || NOW,
        };
        event_loop::run(app, &mut terminal, worker, input, options).await
    });

    // The start-up refresh fills the tab.
    screen.wait_for("Flood warning for Swat").await;
    screen.wait_for("3 new").await;
    // The unread counts come in their own answer, after the refresh's.
    let headlines = screen.wait_for("1:Pakistan 3 ").await;
    insta::assert_snapshot!("app_headlines", stable(&headlines, &sb));

    // Enter opens the newest article in the reader.
    keys.unbounded_send(key(KeyCode::Enter)).unwrap();
    screen
        .wait_for("Heavy rain fell on Quetta overnight.")
        .await;
    // Opening marked it read; the recount arrives separately.
    let reader = screen.wait_for("1:Pakistan 2 ").await;
    insta::assert_snapshot!("app_reader", stable(&reader, &sb));

    // s saves it; the status line says where.
    keys.unbounded_send(key(KeyCode::Char('s'))).unwrap();
    let saved = screen.wait_for("saved (feed)").await;
    // The status line shows the file's path, cut to fit: its length depends on where the
    // temporary directory is, so that line is checked here and left out of the snapshot.
    let status = saved.lines().last().unwrap_or_default().to_string();
    assert!(status.starts_with(" saved (feed) to "), "{status}");
    assert!(status.ends_with("feed · 240 words · 14%"), "{status}");
    let saved = saved.replace(&status, " [status: saved (feed) to FILE]");
    insta::assert_snapshot!("app_saved", stable(&saved, &sb));
    let files: Vec<_> = std::fs::read_dir(sb.data_dir().join("saved"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1, "one Markdown copy written");

    // Back to the list, then / filters it.
    keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
    screen.wait_for("Budget passed in Islamabad").await;
    keys.unbounded_send(key(KeyCode::Char('/'))).unwrap();
    for c in "swat".chars() {
        keys.unbounded_send(key(KeyCode::Char(c))).unwrap();
    }
    keys.unbounded_send(key(KeyCode::Enter)).unwrap();
    let start = Instant::now();
    let searched = loop {
        let text = screen.text();
        if !text.contains("Budget passed") && text.contains("Flood warning for Swat") {
            break text;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "filter not applied:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    insta::assert_snapshot!("app_search", stable(&searched, &sb));

    // q quits the loop cleanly.
    keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
    tokio::time::timeout(Duration::from_secs(10), ui)
        .await
        .expect("the loop quits on q")
        .unwrap()
        .unwrap();
}
