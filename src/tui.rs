//! The terminal UI: one [`app::App`] state with a pure `update`, a [`view`] that only draws,
//! an [`event_loop`] that connects terminal, worker and effects, and a [`terminal`] guard that
//! restores the screen on every exit path.

pub mod app;
pub mod browser;
pub mod event_loop;
pub mod input;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod worker;

use anyhow::Context as _;

use crate::config::Config;
use crate::paths::Paths;
use crate::store::StoreHandle;
use event_loop::Exit;

/// Opens the store, syncs the config's feeds into it and starts the worker: the app (its clock
/// at `now`, showing times `utc_offset` seconds east of UTC) and its worker, ready for [`event_loop::run`] on any backend.
pub async fn start(
    paths: &Paths,
    config: &Config,
    now: i64,
    utc_offset: i32,
) -> anyhow::Result<(app::App, worker::Worker)> {
    let store = StoreHandle::open(&paths.database())
        .with_context(|| format!("opening {}", paths.database().display()))?;
    let fetcher = crate::feeds::fetch::Fetcher::new(&config.fetch)?;
    let jobs = crate::refresh::FeedJob::all_from_config(config);
    // Syncing the config's feeds is one small transaction; it must precede the first load.
    crate::refresh::sync_config(&store, &jobs).await?;
    let rules = std::sync::Arc::new(crate::rules::Rules::load(&paths.rules_dir())?);
    let settings = worker::WorkerSettings {
        parallel: config.fetch.concurrency * 4,
        saving: crate::articles::SaveSettings {
            saved_dir: config.saved_dir(&paths.data_dir),
            teaser_words: config.reader.teaser_words,
            rules,
        },
        routing: Some(crate::refresh::RoutePlan::from_config(config)?),
        sync: if config.accounts.is_empty() {
            None
        } else {
            Some(crate::sync::SyncContext::from_config(
                paths,
                config.clone(),
                store.clone(),
            )?)
        },
    };
    // A save killed between writing and renaming its file leaves a temporary file behind.
    let saved_dir = settings.saving.saved_dir.clone();
    tokio::task::spawn_blocking(move || crate::saving::remove_stale_temporaries(&saved_dir));
    let worker = worker::spawn_worker(store, fetcher, settings);
    let mut app = app::App::new(config, now, utc_offset);
    app.config_file = Some(paths.config_file.display().to_string());
    // https://no-color.org: set and not empty.
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    app.theme = theme::Theme::new(&config.theme, app.no_color);
    Ok((app, worker))
}

/// Runs the reader in this terminal until the user quits; the terminal is restored on every
/// way out (see [`terminal`]).
pub async fn run(paths: &Paths, config: &Config, exit: Exit) -> anyhow::Result<event_loop::Ended> {
    {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "the reader needs a terminal; for scripts use `khabar list`, `khabar refresh` or `khabar read ID`"
            );
        }
    }
    let offset = chrono::Local::now().offset().local_minus_utc();
    let (mut app, worker) = start(paths, config, crate::model::now_unix(), offset).await?;
    // Signals are caught before the terminal changes, so that from then on a SIGTERM, SIGHUP or
    // SIGINT ends the loop and the guard restores the terminal.
    let mut console = terminal::TermConsole::new().context("listening for signals")?;
    app.local_zone = crate::clock::Zone::system();
    terminal::use_mouse(config.display.mouse);
    let mut guard = terminal::TerminalGuard::enter().context("setting up the terminal")?;
    let options = event_loop::Options {
        exit,
        ..event_loop::Options::default()
    };
    let result = event_loop::run_on(app, &mut guard.terminal, worker, &mut console, options).await;
    drop(guard);
    drop(console);
    result
}
