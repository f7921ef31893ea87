//! The non-TUI subcommands. They print to stdout/stderr and return an exit code; anything
//! printed that came from a feed is sanitised first.

pub mod extract;
pub mod import;
pub mod out;
pub mod saved;
pub mod sync;

pub use out::stdout;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use crate::cli::{Cli, Command};
use crate::config::{Config, DEFAULT_CONFIG};
use crate::feeds::fetch::Fetcher;
use crate::feeds::opml::write_opml;
use crate::paths::{EnvSnapshot, Paths};
use crate::refresh::{refresh_feeds, sync_config, FeedJob, FeedResult, RefreshMode};
use crate::store::{Store, StoreHandle};
use crate::tabs::{load_tab, tabs_from_config, Tab};
use crate::text::sanitize;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a runtime failure.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: bad configuration or usage.
pub const EXIT_CONFIG: u8 = 2;
/// Exit code: the refresh finished but some feeds failed.
pub const EXIT_PARTIAL: u8 = 3;

/// A command line asking for something that is not there: exit code 2, like a bad config.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// `--tab NAME` names no tab.
    #[error("no tab named `{name}` (tabs: {tabs})")]
    UnknownTab {
        /// The name given.
        name: String,
        /// The tab ids there are, comma separated.
        tabs: String,
    },
    /// Arguments that do not go together.
    #[error("{0}")]
    Arguments(&'static str),
    /// A search query that cannot run.
    #[error("search: {0}")]
    Query(String),
}

/// The tab whose id or title is `name`, or an error listing the tab ids.
fn find_tab<'a>(tabs: &'a [Tab], name: &str) -> Result<&'a Tab, UsageError> {
    crate::tabs::find_tab(tabs, name)
        .filter(|&i| !tabs[i].query.saved)
        .map(|i| &tabs[i])
        .ok_or_else(|| {
            let names: Vec<_> = tabs
                .iter()
                .filter(|t| !t.query.saved)
                .map(|t| t.id.as_str())
                .collect();
            UsageError::UnknownTab {
                name: name.to_string(),
                tabs: names.join(", "),
            }
        })
}

/// `khabar refresh`.
pub async fn refresh(
    paths: &Paths,
    config: &Config,
    tab: Option<&str>,
    due: bool,
    quiet: bool,
) -> anyhow::Result<u8> {
    let store = StoreHandle::new(Store::open(&paths.database())?);
    let fetcher = Fetcher::new(&config.fetch)?;
    let all = FeedJob::all_from_config(config);
    sync_config(&store, &all).await?;
    let jobs = match tab {
        Some(name) => {
            let tabs = tabs_from_config(config);
            let urls = &find_tab(&tabs, name)?.query.feeds;
            all.into_iter().filter(|j| urls.contains(&j.url)).collect()
        }
        None => all,
    };
    let total = jobs.len();
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} refreshing {pos}/{len} [{bar:30}] {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    };
    let (mut new, mut failed, mut unchanged, mut skipped) = (0, Vec::new(), 0, 0);
    let mode = if due {
        RefreshMode::Due
    } else {
        RefreshMode::Force
    };
    refresh_feeds(
        &store,
        &fetcher,
        jobs,
        mode,
        config.fetch.concurrency * 4,
        |report| {
            match report.result {
                FeedResult::Updated { new: n } => new += n,
                FeedResult::NotModified => unchanged += 1,
                FeedResult::Skipped { .. } => skipped += 1,
                FeedResult::Failed { error } => failed.push((report.outlet, report.url, error)),
            }
            bar.set_message(format!("{new} new, {} failed", failed.len()));
            bar.inc(1);
        },
    )
    .await;
    bar.finish_and_clear();
    crate::refresh::route_pending(&store, &crate::refresh::RoutePlan::from_config(config)?).await?;
    if let Err(e) = store.call(|s| s.checkpoint()).await {
        tracing::warn!("checkpointing the database after a refresh: {e}");
    }
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "{}: {new} new articles, {unchanged} unchanged, {skipped} skipped, {} failed",
        crate::text::plural(total, "feed"),
        failed.len()
    )?;
    for (outlet, url, error) in &failed {
        writeln!(
            err,
            "  failed: {} <{}>: {}",
            sanitize(outlet),
            sanitize(url),
            sanitize(error)
        )?;
    }
    Ok(if failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

#[derive(Serialize)]
struct ListItem {
    id: i64,
    title: String,
    outlet: String,
    tab: String,
    url: Option<String>,
    published: String,
    read: bool,
    saved: bool,
    /// Tags of a saved article.
    tags: Vec<String>,
    /// The names that placed a routed item in `tab` (empty for the outlet's own tab).
    matched: Vec<String>,
    /// Its language, if known (the outlet's `lang`, else the feed's `<language>`).
    lang: Option<String>,
    /// Media attached to it (`url`, `type`, `length`, `duration`).
    enclosures: Vec<crate::model::Enclosure>,
}

/// `khabar list`.
pub fn list(
    paths: &Paths,
    config: &Config,
    tab: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<u8> {
    let mut store = Store::open_read_only(&paths.database())?;
    let all_tabs = tabs_from_config(config);
    let tabs: Vec<&Tab> = match tab {
        Some(name) => vec![find_tab(&all_tabs, name)?],
        None => all_tabs
            .iter()
            .filter(|t| t.parent.is_none() && !t.query.saved)
            .collect(),
    };
    let mut items = Vec::new();
    for tab in tabs {
        let query = crate::tabs::TabQuery {
            limit,
            ..tab.query.clone()
        };
        for row in load_tab(&mut store, &query)? {
            items.push((tab.id.clone(), row));
        }
    }
    items.sort_by_key(|(_, r)| std::cmp::Reverse(r.published));
    // A routed story is in its outlet's tab and in its regions: list it once.
    let mut seen = std::collections::HashSet::new();
    items.retain(|(_, r)| seen.insert(r.id));
    items.truncate(limit);
    print_rows(&store, config, items, json)
}

/// `khabar mark-read [--tab ID] [--older-than AGE]`.
pub fn mark_read(
    paths: &Paths,
    config: &Config,
    tab: Option<&str>,
    older_than: Option<&str>,
) -> anyhow::Result<u8> {
    let mut store = Store::open(&paths.database())?;
    let tabs = tabs_from_config(config);
    let before = match older_than {
        Some(age) => {
            let q = crate::search::SearchQuery::parse(&format!("since:{age}"))
                .map_err(|_| UsageError::Query(format!("--older-than {age}: use 12h, 2d or 1w")))?;
            Some(crate::model::now_unix() - q.since_secs.unwrap_or(0))
        }
        None => None,
    };
    let chosen: Vec<&Tab> = match tab {
        Some(name) => vec![find_tab(&tabs, name)?],
        None => tabs
            .iter()
            .filter(|t| t.parent.is_none() && !t.query.saved)
            .collect(),
    };
    let mut marked = 0;
    for t in chosen {
        marked += crate::tabs::mark_tab_read(&mut store, &t.query, before)?.len();
    }
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "marked {marked} article{} read",
        if marked == 1 { "" } else { "s" }
    )?;
    Ok(EXIT_OK)
}

/// `khabar mark-read --id ID [--unread]`: one article, queued for the services that know it.
pub fn mark_one(paths: &Paths, id: i64, read: bool) -> anyhow::Result<u8> {
    let mut store = Store::open(&paths.database())?;
    let article = crate::model::ArticleId(id);
    if store.article_row(article)?.is_none() {
        anyhow::bail!("no article with id {id}");
    }
    store.set_read(article, read)?;
    eprintln!(
        "marked article {id} {}",
        if read { "read" } else { "unread" }
    );
    Ok(EXIT_OK)
}

/// `khabar search QUERY`.
pub fn search(
    paths: &Paths,
    config: &Config,
    query: &str,
    limit: usize,
    json: bool,
) -> anyhow::Result<u8> {
    let store = Store::open_read_only(&paths.database())?;
    let tabs = tabs_from_config(config);
    let fulltext = crate::tabs::FullText::new(query, &tabs).map_err(UsageError::Query)?;
    let rows = store.search(
        &fulltext.query,
        fulltext.feeds.as_deref(),
        crate::model::now_unix(),
        limit,
    )?;
    print_rows(
        &store,
        config,
        rows.into_iter().map(|r| (String::new(), r)).collect(),
        json,
    )
}

/// Prints headline rows (with the tab each was listed for) as text or as JSON.
fn print_rows(
    store: &Store,
    config: &Config,
    items: Vec<(String, crate::model::ArticleRow)>,
    json: bool,
) -> anyhow::Result<u8> {
    let mut out = crate::commands::stdout();
    if json {
        let ids: Vec<_> = items.iter().map(|(_, r)| r.id).collect();
        let enclosures = store.enclosures(&ids)?;
        let list: Vec<ListItem> = items
            .into_iter()
            .map(|(tab, r)| ListItem {
                enclosures: enclosures
                    .get(&r.id)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|mut e| {
                        e.url = sanitize(&e.url);
                        e.mime = e.mime.map(|m| sanitize(&m));
                        e
                    })
                    .collect(),
                id: r.id.0,
                title: sanitize(&r.title),
                outlet: sanitize(&r.outlet),
                tab,
                url: r.url.map(|u| sanitize(&u)),
                published: crate::text::rfc3339(r.published),
                read: r.read,
                saved: r.saved,
                tags: crate::saving::tag_list(r.tags.as_deref()),
                lang: r.lang.as_deref().map(sanitize),
                matched: r.matched.iter().map(|m| sanitize(m)).collect(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        let now = crate::model::now_unix();
        let output = out::order::Output::for_stdout(config.display.bidi);
        for (_, r) in items {
            let mark = if r.read { ' ' } else { '*' };
            writeln!(
                out,
                "{mark} {:>4}  {}  [{}] #{}",
                crate::text::relative_age(r.published, now),
                output.field(&r.title),
                output.field(&r.outlet),
                r.id.0
            )?;
        }
    }
    Ok(EXIT_OK)
}

/// `khabar feeds`.
pub fn feeds(paths: &Paths, config: &Config, json: bool) -> anyhow::Result<u8> {
    let mut store = Store::open(&paths.database())?;
    let jobs = FeedJob::all_from_config(config);
    store.sync_feeds(
        &jobs
            .iter()
            .map(|j| (j.url.clone(), j.outlet.clone()))
            .collect::<Vec<_>>(),
    )?;
    let configured: std::collections::HashSet<&str> = jobs.iter().map(|j| j.url.as_str()).collect();
    let statuses: Vec<_> = store
        .feed_statuses()?
        .into_iter()
        .filter(|s| configured.contains(s.url.as_str()))
        .collect();
    let mut out = crate::commands::stdout();
    if json {
        // serde_json escapes control characters but not bidi overrides: sanitise like text.
        let statuses: Vec<_> = statuses
            .into_iter()
            .map(|mut s| {
                s.url = sanitize(&s.url);
                s.outlet = sanitize(&s.outlet);
                s.last_error = s.last_error.as_deref().map(sanitize);
                s
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &statuses)?;
        writeln!(out)?;
        return Ok(EXIT_OK);
    }
    let now = crate::model::now_unix();
    for s in statuses {
        let fetched = s.last_fetch.map_or_else(
            || "never".to_string(),
            |t| match crate::text::relative_age(t, now).as_str() {
                "now" => "just now".to_string(),
                age => format!("{age} ago"),
            },
        );
        let status = s.last_error.as_deref().map_or_else(
            || match (s.last_success, &s.note) {
                (Some(_), Some(note)) => format!("ok ({})", sanitize(note)),
                (Some(_), None) => "ok".to_string(),
                (None, _) => "-".to_string(),
            },
            |e| format!("FAILED: {}", sanitize(e)),
        );
        writeln!(
            out,
            "{:<32} {:>5} items  fetched {:<9} {}  {}",
            sanitize(&s.outlet),
            s.items,
            fetched,
            status,
            sanitize(&s.url)
        )?;
    }
    Ok(EXIT_OK)
}

/// `khabar export`.
pub fn export(config: &Config, output: Option<&std::path::Path>) -> anyhow::Result<u8> {
    let doc = write_opml(&config.tabs);
    match output {
        Some(path) => {
            std::fs::write(path, doc).with_context(|| format!("writing {}", path.display()))?
        }
        None => crate::commands::stdout().write_all(doc.as_bytes())?,
    }
    Ok(EXIT_OK)
}

/// `khabar paths`.
pub fn paths(paths: &Paths) -> anyhow::Result<u8> {
    let exists = |p: &std::path::Path| {
        if p.exists() {
            ""
        } else if paths.config_named {
            " (not present: commands stop until it exists)"
        } else {
            " (not present; using the embedded default)"
        }
    };
    let mut out = stdout();
    writeln!(
        out,
        "config: {}{}",
        paths.config_file.display(),
        exists(&paths.config_file)
    )?;
    writeln!(out, "data:   {}", paths.data_dir.display())?;
    writeln!(out, "store:  {}", paths.database().display())?;
    writeln!(out, "log:    {}", paths.log_file().display())?;
    Ok(EXIT_OK)
}

/// Runs a command's future on a fresh multi-threaded runtime and maps errors to exit codes.
pub fn exit_code(result: anyhow::Result<u8>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of our output went away (`| head`): nothing is wrong.
        Err(_) if out::closed() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("khabar: {}", sanitize(&format!("{e:#}")));
            let config_error = e.downcast_ref::<crate::config::ConfigError>().is_some()
                || e.downcast_ref::<UsageError>().is_some();
            ExitCode::from(if config_error {
                EXIT_CONFIG
            } else {
                EXIT_FAILURE
            })
        }
    }
}

/// Runs a parsed command line: the reader by default, else one subcommand.
pub fn main(cli: Cli) -> ExitCode {
    let paths = Paths::resolve(&EnvSnapshot::capture(), cli.config.as_deref());
    let command = cli.command.unwrap_or(Command::Tui {
        exit_after_first_frame: false,
        no_refresh: false,
    });
    match command {
        Command::Paths => return exit_code(crate::commands::paths(&paths)),
        Command::Config {
            print_default: true,
        } => {
            return exit_code(
                stdout()
                    .write_all(DEFAULT_CONFIG.as_bytes())
                    .map(|()| EXIT_OK)
                    .map_err(Into::into),
            );
        }
        Command::Import { file } => {
            return exit_code(import::run(&paths.config_file, &file).map(|r| {
                eprintln!(
                    "imported {} feeds into {} ({} already present{}{})",
                    r.added,
                    paths.config_file.display(),
                    r.skipped,
                    if r.unsupported == 0 {
                        String::new()
                    } else {
                        format!("; {} skipped: not http(s)", r.unsupported)
                    },
                    if r.new_tabs.is_empty() {
                        String::new()
                    } else {
                        format!("; new tabs: {}", r.new_tabs.join(", "))
                    }
                );
                if r.replaced_default_tabs {
                    eprintln!(
                        "the config had no tabs of its own: the imported tabs replace the default ones"
                    );
                }
                EXIT_OK
            }))
        }
        _ => {}
    }
    let loaded = if paths.config_named {
        Config::load_named(&paths.config_file)
    } else {
        Config::load(&paths.config_file)
    };
    let config = match loaded {
        Ok(config) => config,
        Err(e) => return exit_code(Err(e.into())),
    };
    crate::logging::init(&paths.log_file());
    exit_code(run_command(command, &paths, config))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        // Parsers recurse on nested markup; pages are depth-bounded before extraction, and a
        // known, generous stack on every worker and blocking thread keeps a margin on top.
        .thread_stack_size(16 * 1024 * 1024)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn run_command(command: Command, paths: &Paths, config: Config) -> anyhow::Result<u8> {
    match command {
        Command::Tui {
            exit_after_first_frame,
            no_refresh,
        } => {
            let rt = runtime()?;
            let mut config = config;
            if no_refresh {
                config.general.refresh_on_start = false;
            }
            let exit = if exit_after_first_frame {
                crate::tui::event_loop::Exit::AfterFirstFrame
            } else {
                crate::tui::event_loop::Exit::OnQuit
            };
            let result = rt.block_on(crate::tui::run(paths, &config, exit));
            // Quitting mid-refresh must not wait for every fetch and write in flight: each
            // feed's write is one transaction, so stopping between them loses nothing.
            rt.shutdown_timeout(std::time::Duration::from_millis(300));
            Ok(match result? {
                crate::tui::event_loop::Ended::Quit => EXIT_OK,
                // Ended by a signal, after restoring the terminal: the shell's 128 + N.
                crate::tui::event_loop::Ended::Signal(n) => {
                    u8::try_from(128 + n).unwrap_or(EXIT_FAILURE)
                }
            })
        }
        Command::Refresh { tab, due, quiet } => {
            runtime()?.block_on(refresh(paths, &config, tab.as_deref(), due, quiet))
        }
        Command::List { tab, limit, json } => list(paths, &config, tab.as_deref(), limit, json),
        Command::MarkRead {
            id: Some(id),
            unread,
            ..
        } => mark_one(paths, id, !unread),
        Command::MarkRead {
            tab, older_than, ..
        } => mark_read(paths, &config, tab.as_deref(), older_than.as_deref()),
        Command::Sync { account, quiet } => {
            runtime()?.block_on(sync::run(paths, config, account.as_deref(), quiet))
        }
        Command::Search { query, limit, json } => {
            search(paths, &config, &query.join(" "), limit, json)
        }
        Command::Feeds { json } => feeds(paths, &config, json),
        Command::Export { output } => export(&config, output.as_deref()),
        Command::Saved { command } => runtime()?.block_on(saved::run(paths, &config, command)),
        Command::Read { id, width } => {
            runtime()?.block_on(extract::read(paths, &config, id, width))
        }
        Command::Extract {
            file,
            url,
            batch,
            json,
        } => {
            let rules = crate::rules::Rules::load(&paths.rules_dir())?;
            match (file, batch, json) {
                (_, Some(dir), Some(json)) => extract::extract_batch(&dir, &json, &rules),
                (Some(file), _, _) => extract::extract_file(&file, url.as_deref(), &rules),
                _ => {
                    Err(UsageError::Arguments("give a FILE, or --batch DIR --json OUT.json").into())
                }
            }
        }
        Command::Config {
            print_default: false,
        } => {
            crate::rules::Rules::load(&paths.rules_dir())?;
            if let Ok(text) = std::fs::read_to_string(&paths.config_file) {
                let origin = paths.config_file.display().to_string();
                for warning in config.warnings(&text, &origin) {
                    eprintln!("warning: {}", sanitize(&warning));
                }
            }
            writeln!(
                stdout(),
                "{}: ok ({} tabs, {} outlets)",
                paths.config_file.display(),
                config.tabs.len(),
                config.outlets().count()
            )?;
            Ok(EXIT_OK)
        }
        Command::Paths | Command::Import { .. } | Command::Config { .. } => Ok(EXIT_OK),
    }
}
