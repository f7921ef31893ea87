//! khabar: a terminal news reader for regional news.
//!
//! # Architecture
//!
//! One crate: this library holds everything; `main.rs` is a thin binary that parses the command
//! line and calls into it. Data flows one way:
//!
//! ```text
//! config.toml ──► config::Config ──► refresh (fetch ─► parse ─► store) ──► tui (App ─► view)
//!                                                                    │
//!                    open article: store ─► [fetch page ─► extract] ─► render ─► reader
//!                    save article: extract if needed ─► saving (Markdown file) ─► store
//! ```
//!
//! - [`paths`] resolves where config and data live (XDG first, env overrides), purely.
//! - [`config`] loads the TOML config (embedded default or the user's file) and reports errors
//!   with file, line and column. [`config::keys`] maps keys to [`tui::action::Action`]s.
//! - [`model`] holds the domain types; no other crate's types leak through it.
//! - [`feeds`] turns the network into domain data: [`feeds::fetch`] (reqwest, limits, conditional
//!   GET), [`feeds::parse`] (feed-rs, pure), [`feeds::opml`] (OPML import/export, pure).
//! - [`store`] is the SQLite store (rusqlite): migrations, upserts, queries. Synchronous; async
//!   callers reach it through [`store::StoreHandle`] (a writing and a reading connection, each
//!   used on tokio's blocking pool).
//! - [`refresh`] runs a refresh of many feeds concurrently and reports each outcome.
//! - [`worker`] owns all background work for the TUI: it receives [`worker::Job`]s and answers
//!   with owned [`worker::WorkerEvent`]s. The UI never touches the network or the disk.
//! - [`tui`] is the terminal UI: [`tui::app::App`] is the single state with a pure
//!   `update(event) -> effects`; [`tui::view`] only draws; [`tui::event_loop`] wires terminal
//!   events, worker events and effects together; [`tui::terminal`] restores the terminal on
//!   every exit path, panics included.
//! - [`extract`] turns an article page into clean readable HTML and renders it as wrapped
//!   lines with numbered links; [`rules`] holds per-outlet extraction rules.
//! - [`saving`] writes saved articles as Markdown with front matter under safe file names.
//! - [`logging`] sends `tracing` output to a file in the data directory.
//! - [`text`] cleans untrusted text (entities, tags, control and bidi-override characters).
//! - [`cli`] defines the command line; [`commands`] implements the non-TUI subcommands.

pub mod articles;
pub mod cli;
pub mod commands;
pub mod config;
pub mod extract;
pub mod feeds;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod paths;
pub mod refresh;
pub mod rules;
pub mod saving;
pub mod store;
pub mod tabs;
pub mod text;
pub mod tui;
