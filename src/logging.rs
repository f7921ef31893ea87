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
        .with_writer(std::sync::Mutex::new(QuietLog(log)))
        .try_init();
}

/// The log file, with write errors swallowed: when the disk is full, tracing would otherwise
/// report the failure on stderr, which is the terminal the TUI is drawing on.
struct QuietLog(std::fs::File);

impl std::io::Write for QuietLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A lost log line is better than text written behind ratatui's back.
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_failing_log_file_reports_success() {
        // /dev/full fails every write with "no space left on device".
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let mut log = QuietLog(full);
        assert_eq!(log.write(b"line\n").unwrap(), 5);
        assert!(log.flush().is_ok());
    }
}
