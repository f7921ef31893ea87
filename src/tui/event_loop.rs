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
use crate::tui::browser;
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

/// What the loop hears from its console besides worker results.
#[derive(Debug)]
pub enum ConsoleEvent {
    /// Terminal input: a key, a resize.
    Term(TermEvent),
    /// A signal asking the process to end (`SIGTERM`, `SIGHUP`, `SIGINT`), by number.
    Signal(i32),
}

/// The terminal the loop runs on, beyond drawing on it: input and signals, and lending the
/// terminal out (to the shell on `Ctrl-Z`, to a terminal web browser). After either the loop
/// draws everything again.
pub trait Console: Stream<Item = std::io::Result<ConsoleEvent>> + Unpin {
    /// Gives the terminal back as it was found and stops the process, as `Ctrl-Z` in a shell
    /// does (`SIGTSTP`); once continued (`fg`), takes the terminal again.
    fn suspend(&mut self) -> std::io::Result<()>;
    /// Gives the terminal to `command`, waits for it to end, then takes the terminal again.
    fn run_foreground(
        &mut self,
        command: &mut std::process::Command,
    ) -> std::io::Result<std::process::ExitStatus>;
    /// Puts `text` on the terminal's clipboard (OSC 52); a console without a terminal keeps
    /// nothing.
    fn copy(&mut self, _text: &str) -> std::io::Result<()> {
        Ok(())
    }
}

/// A console over scripted input (tests, benchmarks): no signals, no terminal to lend.
#[derive(Debug)]
pub struct Scripted<I>(pub I);

impl<I> Stream for Scripted<I>
where
    I: Stream<Item = std::io::Result<TermEvent>> + Unpin,
{
    type Item = std::io::Result<ConsoleEvent>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|event| event.map(|e| e.map(ConsoleEvent::Term)))
    }
}

impl<I> Console for Scripted<I>
where
    I: Stream<Item = std::io::Result<TermEvent>> + Unpin,
{
    fn suspend(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    fn run_foreground(
        &mut self,
        _command: &mut std::process::Command,
    ) -> std::io::Result<std::process::ExitStatus> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "no terminal to hand over",
        ))
    }
}

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit, the input ended, or the first frame was drawn ([`Exit::AfterFirstFrame`]).
    Quit,
    /// A signal (its number) asked the process to end.
    Signal(i32),
}

/// Runs the UI on scripted input until the user quits or `input` ends.
pub async fn run<B, I>(
    app: App,
    terminal: &mut Terminal<B>,
    worker: Worker,
    input: I,
    options: Options,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    I: Stream<Item = std::io::Result<TermEvent>> + Unpin,
{
    run_on(app, terminal, worker, &mut Scripted(input), options)
        .await
        .map(drop)
}

/// Runs the UI on `console` until the user quits, the input ends or a signal asks to end.
pub async fn run_on<B, C>(
    mut app: App,
    terminal: &mut Terminal<B>,
    worker: Worker,
    console: &mut C,
    options: Options,
) -> anyhow::Result<Ended>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    C: Console,
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
                    let (opened, lent) = open_url(&url, console, &app.terminal_browsers);
                    if lent {
                        effects.extend(redraw_all(&mut app, terminal)?);
                    }
                    effects.extend(app.update(match opened {
                        Ok(name) => Event::BrowserOpened(name),
                        Err(why) => Event::BrowserFailed(why),
                    }));
                }
                Effect::Pipe { argv, text } => {
                    let said = pipe_text(console, &argv, &text);
                    effects.extend(redraw_all(&mut app, terminal)?);
                    effects.extend(app.update(Event::Piped(said)));
                }
                Effect::Copy(text) => {
                    let copied = console.copy(&text);
                    effects.extend(app.update(Event::Copied(copied.err().map(|e| e.to_string()))));
                }
                Effect::Quit => return Ok(Ended::Quit),
                Effect::Suspend => {
                    let suspended = console.suspend();
                    effects.extend(redraw_all(&mut app, terminal)?);
                    suspended?;
                }
            }
        }
        if app.take_dirty() || first {
            first = false;
            terminal.draw(|frame| view(&mut app, frame))?;
            if options.exit == Exit::AfterFirstFrame && app.current_list().is_some_and(|l| l.loaded)
            {
                tracing::info!("first frame with headlines after {:?}", started.elapsed());
                return Ok(Ended::Quit);
            }
        }
        let event = tokio::select! {
            maybe = console.next() => match maybe {
                Some(Ok(ConsoleEvent::Term(TermEvent::Key(key))))
                    if key.kind == KeyEventKind::Press => Event::Key(key),
                Some(Ok(ConsoleEvent::Term(TermEvent::Resize(width, height)))) => {
                    Event::Resize { width, height }
                }
                Some(Ok(ConsoleEvent::Term(TermEvent::Mouse(mouse)))) => Event::Mouse(mouse),
                Some(Ok(ConsoleEvent::Term(_))) => continue,
                Some(Ok(ConsoleEvent::Signal(signal))) => return Ok(Ended::Signal(signal)),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Ended::Quit),
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

/// After the terminal was lent out: forget what is on screen, pick up the terminal's size (it
/// may have changed meanwhile) and mark everything for drawing.
fn redraw_all<B>(app: &mut App, terminal: &mut Terminal<B>) -> anyhow::Result<Vec<Effect>>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    // Not `Terminal::clear`: it asks the terminal where the cursor is and waits for the answer.
    // Clearing the screen and resetting both buffers (the one just drawn is reset by the swap,
    // the other was reset after the last draw) makes the next draw complete.
    terminal.backend_mut().clear()?;
    terminal.swap_buffers();
    let size = terminal.size()?;
    Ok(app.update(Event::Resize {
        width: size.width,
        height: size.height,
    }))
}

/// Runs `argv` (no shell) with `text` on its standard input and the terminal lent to it;
/// returns what the status line says afterwards.
fn pipe_text<C: Console>(console: &mut C, argv: &[String], text: &str) -> String {
    let Some((program, args)) = argv.split_first() else {
        return "no program to send the text to (reader.pipe)".into();
    };
    let input = match tempfile::tempfile().and_then(|mut f| {
        use std::io::{Seek, Write};
        f.write_all(text.as_bytes())?;
        f.rewind()?;
        Ok(f)
    }) {
        Ok(f) => f,
        Err(e) => return format!("could not prepare the text: {e}"),
    };
    let mut command = std::process::Command::new(program);
    command.args(args).stdin(input);
    match console.run_foreground(&mut command) {
        Ok(status) if status.success() => format!("sent the text to {program}"),
        Ok(status) => format!("{program} ended with {status}"),
        Err(e) => format!("could not run {program}: {e}"),
    }
}

/// Opens `url` (http and https only) with the first `$BROWSER` command that starts (see
/// [`browser`]), never through a shell. A terminal browser gets the console's terminal and is
/// waited for; any other starts in the background. Returns the program's name or why nothing
/// opened, and whether the terminal was lent out (then everything needs drawing again).
fn open_url<C: Console>(
    url: &str,
    console: &mut C,
    terminal_browsers: &[String],
) -> (Result<String, String>, bool) {
    let parsed = match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => parsed,
        Ok(_) => return (Err("not an http(s) link".into()), false),
        Err(e) => return (Err(e.to_string()), false),
    };
    let variable = std::env::var("BROWSER").ok();
    let mut lent = false;
    let mut failures = Vec::new();
    for launch in browser::launches(variable.as_deref(), parsed.as_str(), terminal_browsers) {
        let launch = match launch {
            Ok(launch) => launch,
            Err(why) => {
                failures.push(why);
                continue;
            }
        };
        let mut command = std::process::Command::new(&launch.program);
        command.args(&launch.args);
        let started = if launch.in_terminal {
            lent = true;
            console.run_foreground(&mut command).map(drop)
        } else {
            command
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .map(|mut child| {
                    // Reap it when it ends, so that it leaves no zombie behind.
                    std::thread::spawn(move || child.wait());
                })
        };
        match started {
            Ok(()) => return (Ok(launch.name().to_string()), lent),
            Err(e) => failures.push(format!("{}: {e}", launch.name())),
        }
    }
    (Err(failures.join("; ")), lent)
}
