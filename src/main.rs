//! The `khabar` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    khabar::commands::main(khabar::cli::Cli::parse())
}
