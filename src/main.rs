//! The `khabar` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use khabar::cli::{Cli, Command};
use khabar::commands::{self, exit_code, EXIT_OK};
use khabar::config::{Config, DEFAULT_CONFIG};
use khabar::paths::{EnvSnapshot, Paths};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::resolve(&EnvSnapshot::capture(), cli.config.as_deref());
    let command = cli.command.unwrap_or(Command::Tui {
        exit_after_first_frame: false,
        no_refresh: false,
    });
    match command {
        Command::Paths => return ExitCode::from(commands::paths(&paths)),
        Command::Config {
            print_default: true,
        } => {
            print!("{DEFAULT_CONFIG}");
            return ExitCode::SUCCESS;
        }
        Command::Import { file } => {
            return exit_code(commands::import::run(&paths.config_file, &file).map(|r| {
                eprintln!(
                    "imported {} feeds into {} ({} already present{})",
                    r.added,
                    paths.config_file.display(),
                    r.skipped,
                    if r.new_tabs.is_empty() {
                        String::new()
                    } else {
                        format!("; new tabs: {}", r.new_tabs.join(", "))
                    }
                );
                EXIT_OK
            }))
        }
        _ => {}
    }
    let config = match Config::load(&paths.config_file) {
        Ok(config) => config,
        Err(e) => return exit_code(Err(e.into())),
    };
    khabar::logging::init(&paths.log_file());
    exit_code(run(command, &paths, config))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn run(command: Command, paths: &Paths, config: Config) -> anyhow::Result<u8> {
    match command {
        Command::Tui {
            exit_after_first_frame,
            no_refresh,
        } => {
            let rt = runtime()?;
            let result = rt.block_on(tui(paths, config, exit_after_first_frame, no_refresh));
            // Quitting mid-refresh must not wait for every fetch and write in flight: each
            // feed's write is one transaction, so stopping between them loses nothing.
            rt.shutdown_timeout(std::time::Duration::from_millis(300));
            result?;
            Ok(EXIT_OK)
        }
        Command::Refresh { tab, due, quiet } => runtime()?.block_on(commands::refresh(
            paths,
            &config,
            tab.as_deref(),
            due,
            quiet,
        )),
        Command::List { tab, limit, json } => {
            commands::list(paths, &config, tab.as_deref(), limit, json)
        }
        Command::Feeds { json } => commands::feeds(paths, &config, json),
        Command::Export { output } => commands::export(&config, output.as_deref()),
        Command::Saved { command } => {
            runtime()?.block_on(commands::saved::run(paths, &config, command))
        }
        Command::Read { id, width } => {
            runtime()?.block_on(commands::extract::read(paths, &config, id, width))
        }
        Command::Extract {
            file,
            url,
            batch,
            json,
        } => {
            let rules = khabar::rules::Rules::load(&paths.rules_dir());
            match (file, batch, json) {
                (_, Some(dir), Some(json)) => commands::extract::extract_batch(&dir, &json, &rules),
                (Some(file), _, _) => {
                    commands::extract::extract_file(&file, url.as_deref(), &rules)
                }
                _ => anyhow::bail!("give a FILE, or --batch DIR --json OUT.json"),
            }
        }
        Command::Config {
            print_default: false,
        } => {
            println!(
                "{}: ok ({} tabs, {} outlets)",
                paths.config_file.display(),
                config.tabs.len(),
                config.outlets().count()
            );
            Ok(EXIT_OK)
        }
        Command::Paths | Command::Import { .. } | Command::Config { .. } => Ok(EXIT_OK),
    }
}

async fn tui(
    paths: &Paths,
    mut config: Config,
    exit_after_first_frame: bool,
    no_refresh: bool,
) -> anyhow::Result<()> {
    use khabar::store::StoreHandle;
    if no_refresh {
        config.general.refresh_on_start = false;
    }
    {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "the reader needs a terminal; for scripts use `khabar list`, `khabar refresh` or `khabar read ID`"
            );
        }
    }
    let store = StoreHandle::open(&paths.database())
        .with_context(|| format!("opening {}", paths.database().display()))?;
    let fetcher = khabar::feeds::fetch::Fetcher::new(&config.fetch)?;
    let jobs = khabar::refresh::FeedJob::all_from_config(&config);
    // Syncing the config's feeds is one small transaction; it must precede the first load.
    khabar::refresh::sync_config(&store, &jobs).await?;
    let rules = std::sync::Arc::new(khabar::rules::Rules::load(&paths.rules_dir()));
    for error in &rules.errors {
        tracing::warn!("extraction rule ignored: {error}");
    }
    let settings = khabar::tui::worker::WorkerSettings {
        parallel: config.fetch.concurrency * 4,
        saving: khabar::articles::SaveSettings {
            saved_dir: config.saved_dir(&paths.data_dir),
            teaser_words: config.reader.teaser_words,
            rules,
        },
    };
    let worker = khabar::tui::worker::spawn_worker(store, fetcher, settings);
    let offset = chrono::Local::now().offset().local_minus_utc();
    let app = khabar::tui::app::App::new(&config, khabar::model::now_unix(), offset);
    let mut guard =
        khabar::tui::terminal::TerminalGuard::enter().context("setting up the terminal")?;
    let result =
        khabar::tui::event_loop::run(app, &mut guard, worker, exit_after_first_frame).await;
    drop(guard);
    result
}
