//! Standard output for the commands. A reader that goes away early (`khabar list | head -1`)
//! is not a failure: the write that finds the pipe closed records it and fails, the command
//! stops, and [`super::exit_code`] ends it quietly with success, as `ls | head` does.

pub mod order;

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output (locked) whose closed pipe ends the command quietly.
pub struct Out(io::StdoutLock<'static>);

/// The commands' standard output; every command writes through this, never `println!`
/// (which panics on a closed pipe).
pub fn stdout() -> Out {
    Out(io::stdout().lock())
}

/// Whether a write found standard output closed: the reader went away.
pub fn closed() -> bool {
    CLOSED.load(Ordering::SeqCst)
}

fn note(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::SeqCst);
    }
    e
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(note)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(note)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(note)
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        // Errors surface on the writes; one found only now (the last line of a buffer) has
        // nobody left to tell, and the reader is gone anyway.
        let _ = self.0.flush().map_err(note);
    }
}
