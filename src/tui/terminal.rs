//! Entering and leaving the terminal's raw mode and alternate screen. Restoring happens exactly
//! once, from whichever path gets there first: normal exit, an error, a drop, or a panic on the
//! UI thread. [`TermConsole`] is the real terminal's [`Console`]: keys, the signals that end
//! the reader (`SIGTERM`, `SIGHUP`, `SIGINT`), `Ctrl-Z` and running a program in the foreground.

use std::io::{stdout, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::thread::ThreadId;

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::EventStream;
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGTSTP};

use crate::tui::event_loop::{Console, ConsoleEvent};

static TUI_ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Puts the terminal back the way we found it. Only the first call after entering does anything.
pub fn restore_terminal() {
    if TUI_ACTIVE.swap(false, Ordering::SeqCst) {
        if MOUSE.load(Ordering::SeqCst) {
            let _ = execute!(stdout(), ratatui::crossterm::event::DisableMouseCapture);
        }
        let _ = terminal::disable_raw_mode();
        let _ = execute!(stdout(), terminal::LeaveAlternateScreen, cursor::Show);
    }
}

/// Chains a panic hook that restores the terminal when the UI thread panics. A panic on a
/// worker thread is caught by its task and must not tear down a running UI.
pub fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if UI_THREAD.get() == Some(&std::thread::current().id()) {
            restore_terminal();
        } else if TUI_ACTIVE.load(Ordering::SeqCst) {
            // A worker panic (say, a parser on hostile HTML) is caught by `catch_unwind` or its
            // task and shown as an error. Printing it to stderr would scribble over the UI.
            tracing::error!("background panic: {info}");
            return;
        }
        previous(info);
    }));
}

/// Owns the terminal while the TUI runs; dropping it restores the terminal.
pub struct TerminalGuard {
    /// The ratatui terminal.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

/// Raw mode, the alternate screen, no cursor; [`restore_terminal`] undoes it.
fn take_terminal() -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    TUI_ACTIVE.store(true, Ordering::SeqCst);
    execute!(stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
    if MOUSE.load(Ordering::SeqCst) {
        execute!(stdout(), ratatui::crossterm::event::EnableMouseCapture)?;
    }
    Ok(())
}

/// The OSC 52 escape that puts `text` on the terminal's clipboard (base64, so nothing in
/// the text can end the sequence early).
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// Whether the reader captures the mouse (`display.mouse`); set before entering.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Turns mouse capture on or off for the next time the terminal is taken.
pub fn use_mouse(on: bool) {
    MOUSE.store(on, Ordering::SeqCst);
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen.
    pub fn enter() -> std::io::Result<Self> {
        install_panic_hook();
        take_terminal()?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// The real terminal as the event loop's [`Console`]. From its creation, `SIGTERM`, `SIGHUP`
/// and `SIGINT` no longer kill the process: they come in as [`ConsoleEvent::Signal`], so the
/// loop returns and the terminal is restored before the process exits.
pub struct TermConsole {
    /// Key and resize events; none while the terminal is lent out, so that nothing here reads
    /// the keys meant for another program.
    input: Option<EventStream>,
    signals: tokio::sync::mpsc::UnboundedReceiver<i32>,
    /// A signal that came while the terminal was lent out, still to be answered.
    pending: Option<i32>,
    handle: signal_hook::iterator::Handle,
}

impl TermConsole {
    /// Starts listening for signals and terminal input.
    pub fn new() -> std::io::Result<Self> {
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
        let handle = signals.handle();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if tx.send(signal).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            input: Some(EventStream::new()),
            signals: rx,
            pending: None,
            handle,
        })
    }

    /// Restores the terminal and stops reading it (dropping the stream ends crossterm's
    /// reading thread).
    fn lend(&mut self) {
        self.input = None;
        restore_terminal();
    }

    /// Takes the terminal back after [`Self::lend`].
    fn take_back(&mut self) -> std::io::Result<()> {
        take_terminal()?;
        self.input = Some(EventStream::new());
        Ok(())
    }
}

impl Drop for TermConsole {
    fn drop(&mut self) {
        self.handle.close();
    }
}

impl Stream for TermConsole {
    type Item = std::io::Result<ConsoleEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(signal) = self.pending.take() {
            return Poll::Ready(Some(Ok(ConsoleEvent::Signal(signal))));
        }
        if let Poll::Ready(Some(signal)) = self.signals.poll_recv(cx) {
            return Poll::Ready(Some(Ok(ConsoleEvent::Signal(signal))));
        }
        match self.input.as_mut() {
            Some(input) => input
                .poll_next_unpin(cx)
                .map(|event| event.map(|e| e.map(ConsoleEvent::Term))),
            None => Poll::Pending,
        }
    }
}

impl Console for TermConsole {
    fn suspend(&mut self) -> std::io::Result<()> {
        self.lend();
        // Nothing handles SIGTSTP, so this stops the process until SIGCONT (`fg`); in an
        // orphaned process group the kernel discards it and we carry on at once.
        let stopped = signal_hook::low_level::raise(SIGTSTP);
        self.take_back()?;
        stopped
    }

    fn copy(&mut self, text: &str) -> std::io::Result<()> {
        use std::io::Write as _;
        let mut out = stdout();
        out.write_all(osc52(text).as_bytes())?;
        out.flush()
    }

    fn run_foreground(
        &mut self,
        command: &mut std::process::Command,
    ) -> std::io::Result<std::process::ExitStatus> {
        self.lend();
        let status = command.status();
        // The program shares our process group, so a Ctrl-C typed in it reached us as well:
        // that one was meant for it. Any other signal still ends the reader.
        while let Ok(signal) = self.signals.try_recv() {
            if signal != SIGINT {
                self.pending = Some(signal);
            }
        }
        self.take_back()?;
        status
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(
            super::osc52("https://x.example/ü"),
            "\x1b]52;c;aHR0cHM6Ly94LmV4YW1wbGUvw7w=\x07"
        );
    }
}
