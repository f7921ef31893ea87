//! Logging to a file in the data directory (never to the terminal while the TUI runs).
//! `KHABAR_LOG` (or `RUST_LOG`) sets the level filter; the default is `info`.

use std::path::Path;

/// Starts logging to `file`, appending. Failure to open the log is not fatal: logging is off.
pub fn init(file: &Path) {
    let Some(dir) = file.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(log) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
    else {
        return;
    };
    let filter = std::env::var("KHABAR_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(log))
        .try_init();
}
