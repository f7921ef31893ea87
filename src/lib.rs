//! khabar: a terminal news reader for regional news.
//!
//! # Architecture
//!
//! One crate: this library holds everything; `main.rs` only parses the command line and calls
//! [`commands::main`]. Dependencies point one way, from the top of this list to the bottom, and
//! never back up:
//!
//! ```text
//! main.rs ─► commands (CLI) ─┬─────────────────────────────► tui (App, view, loop, worker)
//!                            ▼                                   │
//!     articles · tabs · refresh · saving · sync ◄───────────────┘
//!                            ▼
//!            feeds · extract · render · rules · store · config
//!                            ▼
//!            keymap · model · text · paths · logging          (leaves)
//! ```
//!
//! Data flow: `config.toml` ─► [`config::Config`] ─► [`refresh`] (fetch ─► parse ─► store)
//! ─► [`tabs::load_tab`] ─► the TUI's list or `khabar list`. Opening an article: store ─►
//! [`articles`] (fetch the page and [`extract`] it when the feed gave a teaser) ─► [`render`]
//! ─► reader. Saving: [`articles::save_article`] ─► [`saving`] (Markdown file) ─► store.
//!
//! Leaves:
//! - [`model`]: the domain types shared by every layer (articles, feeds, saved metadata).
//! - [`text`]: cleaning untrusted text (entities, tags, control and bidi-override characters),
//!   word counts, slugs, dates.
//! - [`keymap`]: [`keymap::Action`]s, key specs and the [`keymap::Keymap`]; no terminal types.
//! - [`paths`]: where config and data live (XDG first, env overrides), purely.
//! - [`logging`]: `tracing` output to a file in the data directory.
//! - [`routing`]: which region tabs an item from a general feed belongs in (the gazetteer in
//!   `assets/gazetteer.toml`, pure); `refresh` runs it and `store` keeps its answers.
//! - [`search`]: the full-text query syntax parsed into an FTS5 expression and filters
//!   (pure); `store` keeps the index and runs it.
//! - [`clock`]: published times in a tab's zone and calendar (jiff's zone database,
//!   icu_calendar's Solar Hijri dates; pure).
//!
//! Domain:
//! - [`config`]: the TOML config (embedded default or the user's file, whose `[keys]` entries
//!   are laid over the default bindings); errors name file, line and column. `config::edit`
//!   changes the user's file in place (the reader's `a`).
//! - [`store`]: the SQLite store (rusqlite): migrations, upserts, queries, region routes and
//!   the FTS5 search index (kept by triggers). Synchronous; async
//!   callers use [`store::StoreHandle`] (a writing and a reading connection on tokio's
//!   blocking pool).
//! - [`feeds`]: [`feeds::fetch`] (reqwest with limits and conditional GET), [`feeds::parse`]
//!   (feed-rs, pure), [`feeds::opml`] (OPML, pure).
//! - [`extract`]: an article page to clean readable HTML; [`rules`]: per-outlet extraction
//!   rules.
//! - [`render`]: laying text out for the terminal: cleaned HTML to wrapped lines with numbered
//!   links, widths in cells, the one word wrapper.
//! - [`refresh`]: many feeds refreshed concurrently, each outcome reported; then the routed
//!   feeds' new items routed into regions.
//! - [`tabs`]: the tab and sub-tab graph built from the config, and what each tab lists.
//! - [`articles`]: one article's texts, teaser detection, page extraction and saving.
//! - [`saving`]: saved articles as Markdown with front matter under safe file names.
//! - [`sync`]: reader services (Fever so far): the account's items into the store, read and
//!   starred state both ways through the store's outbox (`store::sync`).
//!
//! Top:
//! - [`tui`]: [`tui::app::App`] is the one state, with a pure `update(event) -> effects`;
//!   [`tui::view`] only draws; [`tui::event_loop`] (generic over the ratatui backend) feeds
//!   terminal input, worker answers and timers to `update` and carries out the effects;
//!   [`tui::worker`] does all network and disk work off the UI thread and answers with owned
//!   events; [`tui::input`] turns terminal keys into [`keymap::Key`]s; [`tui::terminal`]
//!   restores the terminal on every exit path, panics included.
//! - [`cli`] defines the command line; [`commands`] runs the subcommands (and the reader).

pub mod articles;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod extract;
pub mod feeds;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod paths;
pub mod refresh;
pub mod render;
pub mod routing;
pub mod rules;
pub mod saving;
pub mod search;
pub mod store;
pub mod sync;
pub mod tabs;
pub mod text;
pub mod tui;
