//! The event loop: waits on terminal input, worker results and timers, feeds them to
//! `App::update`, carries out the effects, and draws once after each batch of changes.

use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use tokio::time::MissedTickBehavior;

use crate::model::now_unix;
use crate::tui::app::{App, Effect, Event};
use crate::tui::terminal::TerminalGuard;
use crate::tui::view::view;
use crate::tui::worker::Worker;

/// Runs the UI until the user quits. `exit_after_first_frame` makes it return right after the
/// first frame with headlines (or an empty store) is drawn; the start-up benchmark uses it.
pub async fn run(
    mut app: App,
    guard: &mut TerminalGuard,
    worker: Worker,
    exit_after_first_frame: bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let Worker { jobs, mut events } = worker;
    let mut input = EventStream::new();
    let mut spinner = tokio::time::interval(Duration::from_millis(150));
    spinner.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut clock = tokio::time::interval(Duration::from_secs(30));
    clock.set_missed_tick_behavior(MissedTickBehavior::Skip);

    let size = guard.terminal.size()?;
    app.update(Event::Resize {
        width: size.width,
        height: size.height,
    });
    for effect in app.startup_effects() {
        if let Effect::Job(job) = effect {
            let _ = jobs.send(job);
        }
    }
    guard.terminal.draw(|frame| view(&mut app, frame))?;

    loop {
        let event = tokio::select! {
            maybe = input.next() => match maybe {
                Some(Ok(TermEvent::Key(key))) if key.kind == KeyEventKind::Press => Event::Key(key),
                Some(Ok(TermEvent::Resize(width, height))) => Event::Resize { width, height },
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(done) = events.recv() => Event::Worker(done),
            _ = spinner.tick(), if app.is_busy() => Event::Tick,
            _ = clock.tick() => Event::Clock { now: now_unix() },
        };
        let mut effects = app.update(event);
        // A refresh of hundreds of feeds sends hundreds of messages: apply them all, draw once.
        while let Ok(done) = events.try_recv() {
            effects.extend(app.update(Event::Worker(done)));
        }
        for effect in effects {
            match effect {
                Effect::Job(job) => {
                    if jobs.send(job).is_err() {
                        anyhow::bail!("the background worker stopped");
                    }
                }
                Effect::OpenUrl(url) => {
                    if let Err(e) = open_in_browser(&url) {
                        app.message = Some(format!("could not open the browser: {e}"));
                    }
                }
                Effect::Quit => return Ok(()),
            }
        }
        if app.take_dirty() {
            guard.terminal.draw(|frame| view(&mut app, frame))?;
            if exit_after_first_frame && app.current_list().is_some_and(|l| l.loaded) {
                tracing::info!("first frame with headlines after {:?}", started.elapsed());
                return Ok(());
            }
        }
    }
}

/// Starts the web browser on `url`: `$BROWSER` if set, else the platform opener. The URL is
/// passed as one argument, never through a shell, and only http(s) addresses are opened.
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    let parsed = url::Url::parse(url)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not an http(s) link",
        ));
    }
    let program = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".into()
            } else {
                "xdg-open".into()
            }
        });
    std::process::Command::new(program)
        .arg(parsed.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}
