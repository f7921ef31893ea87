//! The event loop: waits on terminal input, worker results and timers, feeds them to
//! `App::update`, carries out the effects (their outcomes go back through `update` too), and
//! draws once after each batch of changes. Generic over the ratatui backend and the input
//! stream, so that tests drive the whole app on a `TestBackend` with scripted keys.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::Terminal;
use tokio::time::MissedTickBehavior;

use crate::model::now_unix;
use crate::tui::app::{App, Effect, Event};
use crate::tui::view::view;
use crate::tui::worker::Worker;

/// When the loop returns besides on quit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exit {
    /// Only when the user quits (or the input ends).
    #[default]
    OnQuit,
    /// Right after the first frame with headlines (or an empty store): the start-up benchmark.
    AfterFirstFrame,
}

/// How the loop runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// When to return besides on quit.
    pub exit: Exit,
    /// The wall clock, Unix seconds (tests pin it so that times on screen are stable).
    pub clock: fn() -> i64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            exit: Exit::OnQuit,
            clock: now_unix,
        }
    }
}

/// Runs the UI until the user quits or `input` ends.
pub async fn run<B, I>(
    mut app: App,
    terminal: &mut Terminal<B>,
    worker: Worker,
    mut input: I,
    options: Options,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Stream<Item = std::io::Result<TermEvent>> + Unpin,
{
    let started = Instant::now();
    let Worker { jobs, mut events } = worker;
    let mut spinner = tokio::time::interval(Duration::from_millis(150));
    spinner.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut clock = tokio::time::interval(Duration::from_secs(30));
    clock.set_missed_tick_behavior(MissedTickBehavior::Skip);

    let size = terminal.size()?;
    let mut effects: VecDeque<Effect> = app
        .update(Event::Resize {
            width: size.width,
            height: size.height,
        })
        .into();
    effects.extend(app.startup_effects());
    let mut first = true;
    loop {
        // Carry out every effect; an effect's outcome is an event, and its effects queue up.
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::Job(job) => {
                    if jobs.send(job).is_err() {
                        anyhow::bail!("the background worker stopped");
                    }
                }
                Effect::OpenUrl(url) => {
                    if let Err(e) = open_in_browser(&url) {
                        effects.extend(app.update(Event::BrowserFailed(e.to_string())));
                    }
                }
                Effect::Quit => return Ok(()),
            }
        }
        if app.take_dirty() || first {
            first = false;
            terminal.draw(|frame| view(&mut app, frame))?;
            if options.exit == Exit::AfterFirstFrame && app.current_list().is_some_and(|l| l.loaded)
            {
                tracing::info!("first frame with headlines after {:?}", started.elapsed());
                return Ok(());
            }
        }
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
            _ = clock.tick() => Event::Clock { now: (options.clock)() },
        };
        effects.extend(app.update(event));
        // A refresh of hundreds of feeds sends hundreds of messages: apply them all, draw once.
        while let Ok(done) = events.try_recv() {
            effects.extend(app.update(Event::Worker(done)));
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
