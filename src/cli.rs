//! The command line (clap). `khabar` with no command starts the TUI.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// A terminal news reader for regional news.
#[derive(Debug, Parser)]
#[command(name = "khabar", version, about, long_about = None)]
pub struct Cli {
    /// Use this config file instead of the default location.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do (default: start the reader).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the terminal reader (the default).
    Tui {
        /// Exit right after the first frame with headlines is drawn (for start-up benchmarks).
        #[arg(long, hide = true)]
        exit_after_first_frame: bool,
        /// Do not refresh feeds at start-up.
        #[arg(long)]
        no_refresh: bool,
    },
    /// Refresh feeds without the UI, with progress on stderr and a summary.
    Refresh {
        /// Only the feeds of this tab (id or title).
        #[arg(long)]
        tab: Option<String>,
        /// Only feeds that are due (respect refresh intervals and backoff).
        #[arg(long)]
        due: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print headlines, newest first.
    List {
        /// Only this tab (id or title).
        #[arg(long)]
        tab: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print a JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Mark articles read: all of them, or a tab's, or only those older than an age; or one
    /// article (`--id`), read or `--unread`.
    MarkRead {
        /// Only this tab (id or title; a parent tab includes its sub-tabs).
        #[arg(long, conflicts_with = "id")]
        tab: Option<String>,
        /// Only articles published longer ago than this (12h, 2d, 1w).
        #[arg(long, conflicts_with = "id")]
        older_than: Option<String>,
        /// Only this article (the id from `khabar list`).
        #[arg(long)]
        id: Option<i64>,
        /// With --id: mark it unread instead.
        #[arg(long, requires = "id")]
        unread: bool,
    },
    /// Sync with the reader services of `[[accounts]]`: push local changes, pull new items
    /// and read/starred state, then print a summary.
    Sync {
        /// Only the account with this name.
        #[arg(long)]
        account: Option<String>,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Search everything stored (titles, summaries, full and saved text), newest first.
    Search {
        /// The query: words (all must match), "exact phrase", -word, A OR B, outlet:NAME,
        /// tab:ID, since:2d, saved:yes.
        query: Vec<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print a JSON array (the rows of `khabar list --json`).
        #[arg(long)]
        json: bool,
    },
    /// Print each feed's status: last fetch, items, last error.
    Feeds {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Add the feeds of an OPML file to your config file (created from the defaults if missing).
    Import {
        /// The OPML file.
        file: PathBuf,
    },
    /// Write your feeds as OPML 2.0 (tabs become categories).
    Export {
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print an article's readable text (fetching and extracting the page if needed).
    Read {
        /// The article id (from `khabar list`).
        id: i64,
        /// Wrap at this many columns.
        #[arg(long, default_value_t = 100)]
        width: usize,
    },
    /// Print what the extractor keeps from a local HTML page (or a folder of them).
    Extract {
        /// An .html or .html.gz file.
        #[arg(required_unless_present = "batch", conflicts_with = "batch")]
        file: Option<PathBuf>,
        /// The page's address, to resolve relative links and pick an outlet rule.
        #[arg(long)]
        url: Option<String>,
        /// Extract every *.html / *.html.gz in this folder.
        #[arg(long, requires = "json", value_name = "DIR")]
        batch: Option<PathBuf>,
        /// With --batch: write {id: {"articleBody": text}} here (id = file name without extensions).
        #[arg(long, value_name = "OUT.json")]
        json: Option<PathBuf>,
    },
    /// Saved articles: list, show, export, remove, add.
    Saved {
        /// What to do.
        #[command(subcommand)]
        command: SavedCommand,
    },
    /// Print where the config and data live.
    Paths,
    /// Check or print the configuration.
    Config {
        /// Print the embedded default config.
        #[arg(long)]
        print_default: bool,
    },
}

/// `khabar saved ...`.
#[derive(Debug, Subcommand)]
pub enum SavedCommand {
    /// List saved articles, most recently saved first.
    List {
        /// Print a JSON array (id, title, outlet, url, saved, file, ...).
        #[arg(long)]
        json: bool,
    },
    /// Print a saved article's stored text (no network needed).
    Show {
        /// The article id.
        id: i64,
    },
    /// Write every saved article to DIR, one file each.
    Export {
        /// The folder to write to (created if missing).
        dir: PathBuf,
        /// File format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
    },
    /// Remove an article from the saved ones (and its Markdown copy).
    Remove {
        /// The article id.
        id: i64,
    },
    /// Save articles by id (extracting their pages first where the feed has only a teaser).
    Add {
        /// Article ids (from `khabar list`).
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Set a saved article's tags (comma separated; empty clears).
    Tag {
        /// The article id.
        id: i64,
        /// Tags, e.g. "kp, security".
        tags: String,
    },
}

/// Formats for `khabar saved export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Markdown with a front matter block.
    Md,
    /// Plain text.
    Txt,
    /// A standalone HTML page.
    Html,
}
