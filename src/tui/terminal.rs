//! Entering and leaving the terminal's raw mode and alternate screen. Restoring happens exactly
//! once, from whichever path gets there first: normal exit, an error, a drop, or a panic on the
//! UI thread.

use std::io::{stdout, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::thread::ThreadId;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::Terminal;

static TUI_ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Puts the terminal back the way we found it. Only the first call after entering does anything.
pub fn restore_terminal() {
    if TUI_ACTIVE.swap(false, Ordering::SeqCst) {
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

impl TerminalGuard {
    /// Enters raw mode and the alternate screen.
    pub fn enter() -> std::io::Result<Self> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        TUI_ACTIVE.store(true, Ordering::SeqCst);
        execute!(stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}
