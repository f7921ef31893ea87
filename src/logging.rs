//! Logging to a file in the data directory (never to the terminal while the TUI runs).
//! `KHABAR_LOG` (or `RUST_LOG`) sets the level filter; the default is `info`.
//!
//! Pages and feeds never go into the log: the HTML parsers and the HTTP stack log every token
//! or frame at debug level, so they stay at `warn`/`info` unless the filter names them itself
//! (`KHABAR_LOG=debug,html5ever=trace`), and any one event is cut to [`MAX_EVENT_BYTES`].

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
    let filter = tracing_subscriber::EnvFilter::try_new(with_quiet_crates(&filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(with_quiet_crates("info")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(QuietLog(log)))
        .try_init();
}

/// Crates whose debug output carries the documents themselves (parser tokens, tree
/// operations, HTTP frames), with the most they may log by default.
const QUIET_CRATES: &[(&str, &str)] = &[
    ("html5ever", "warn"),
    ("markup5ever", "warn"),
    ("xml5ever", "warn"),
    ("selectors", "warn"),
    ("cssparser", "warn"),
    ("dom_query", "warn"),
    ("dom_smoothie", "warn"),
    ("rs_trafilatura", "warn"),
    ("html2text", "warn"),
    ("feed_rs", "warn"),
    ("quick_xml", "warn"),
    ("hyper", "info"),
    ("hyper_util", "info"),
    ("h2", "info"),
    ("reqwest", "info"),
    ("rustls", "info"),
    ("tokio_util", "info"),
    ("mio", "info"),
];

/// Most bytes of one log event; the rest is cut and its length noted.
pub const MAX_EVENT_BYTES: usize = 2048;

/// The user's filter with [`QUIET_CRATES`] capped, except those it names itself.
fn with_quiet_crates(filter: &str) -> String {
    let named: Vec<&str> = filter
        .split(',')
        .filter_map(|d| d.split(['=', '[']).next())
        .map(str::trim)
        .collect();
    let mut out = filter.to_string();
    for (krate, level) in QUIET_CRATES {
        if !named
            .iter()
            .any(|n| n == krate || n.starts_with(&format!("{krate}::")))
        {
            out.push_str(&format!(",{krate}={level}"));
        }
    }
    out.trim_start_matches(',').to_string()
}

/// The log file, with write errors swallowed: when the disk is full, tracing would otherwise
/// report the failure on stderr, which is the terminal the TUI is drawing on. Each write is
/// one formatted event; one longer than [`MAX_EVENT_BYTES`] is cut.
struct QuietLog(std::fs::File);

impl std::io::Write for QuietLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A lost log line is better than text written behind ratatui's back.
        if buf.len() > MAX_EVENT_BYTES {
            let mut end = MAX_EVENT_BYTES;
            // Back off to a UTF-8 boundary (continuation bytes are 0b10xx_xxxx).
            while end > 0 && buf[end] & 0xC0 == 0x80 {
                end -= 1;
            }
            let note = format!("… [{} more bytes cut]\n", buf.len() - end);
            let _ = self.0.write_all(&buf[..end]);
            let _ = self.0.write_all(note.as_bytes());
        } else {
            let _ = self.0.write_all(buf);
        }
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

    #[test]
    fn a_long_event_is_cut_on_a_character_boundary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.log");
        let mut log = QuietLog(std::fs::File::create(&path).unwrap());
        // Byte MAX_EVENT_BYTES falls inside a two-byte letter.
        let event = format!("x{}\n", "ب".repeat(MAX_EVENT_BYTES));
        assert_eq!(log.write(event.as_bytes()).unwrap(), event.len());
        log.write_all(b"short\n").unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        let first = written.lines().next().unwrap();
        assert!(first.len() < MAX_EVENT_BYTES + 40, "{}", first.len());
        assert!(first.ends_with(&format!("… [{} more bytes cut]", MAX_EVENT_BYTES + 3)));
        assert_eq!(written.lines().nth(1), Some("short"));
    }

    #[test]
    fn noisy_crates_are_capped_unless_the_filter_names_them() {
        let f = with_quiet_crates("debug");
        assert!(f.starts_with("debug,"), "{f}");
        assert!(f.contains(",html5ever=warn"), "{f}");
        assert!(f.contains(",hyper=info"), "{f}");
        let f = with_quiet_crates("debug,html5ever=trace,hyper::proto=debug");
        assert!(!f.contains("html5ever=warn"), "{f}");
        assert!(!f.contains("hyper=info"), "{f}");
        assert!(f.contains(",markup5ever=warn"), "{f}");
        assert!(tracing_subscriber::EnvFilter::try_new(with_quiet_crates("debug")).is_ok());
    }
}
