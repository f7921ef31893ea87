//! `khabar sync [--account NAME]`: sync headlessly, with progress on stderr and a summary.

use std::io::Write;

use crate::config::Config;
use crate::paths::Paths;
use crate::store::{Store, StoreHandle};
use crate::sync::SyncContext;
use crate::text::sanitize;

use super::{UsageError, EXIT_OK, EXIT_PARTIAL};

/// Runs `khabar sync`: exit 0 when every account synced, 3 when one failed.
pub async fn run(
    paths: &Paths,
    config: Config,
    account: Option<&str>,
    quiet: bool,
) -> anyhow::Result<u8> {
    if config.accounts.is_empty() {
        return Err(UsageError::Arguments("no [[accounts]] in the config: nothing to sync").into());
    }
    if let Some(name) = account {
        if config.account(name).is_none() {
            let names: Vec<&str> = config.accounts.iter().map(|a| a.name.as_str()).collect();
            return Err(UsageError::Query(format!(
                "no account named `{name}` (accounts: {})",
                names.join(", ")
            ))
            .into());
        }
    }
    let names: Vec<String> = config
        .accounts
        .iter()
        .filter(|a| account.is_none_or(|n| a.name == n))
        .map(|a| a.name.clone())
        .collect();
    let store = StoreHandle::new(Store::open(&paths.database())?);
    let ctx = SyncContext::from_config(paths, config, store)?;
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(names.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} syncing {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    };
    let mut summaries = Vec::new();
    for name in &names {
        bar.set_message(sanitize(name));
        if let Some(a) = ctx.config.account(name) {
            let a = a.clone();
            summaries.push(crate::sync::sync_account(&ctx, &a).await);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut out = super::stdout();
    for s in &summaries {
        writeln!(out, "{}", sanitize(&s.line()))?;
    }
    Ok(if summaries.iter().any(|s| s.error.is_some()) {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}
