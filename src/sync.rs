//! Sync with reader services: an account's subscriptions become outlets in khabar's tabs and
//! read, unread and starred (= Saved) state goes both ways.
//!
//! One engine ([`sync_account`]) over a trait per protocol ([`Protocol`]; [`fever`] so far).
//! A sync: check the login; push the outbox (local changes queued by the store in the same
//! transaction as the change) in batches; pull the feeds and folders; pull the items newer
//! than the stored high-water mark, page by page, each page stored with its mark; fetch the
//! service's complete unread and starred id sets and pull the items in them that are not
//! stored yet (however old); then reconcile the stored items with those sets, where a change
//! still in the outbox keeps the local state. Items the service starred are saved here with
//! their full text (extracted if the item is a teaser); unstarred ones are unsaved.
//! Failures are recorded on the account and its feed rows; the outbox simply waits.

pub mod fever;
pub mod secrets;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use crate::articles::SaveSettings;
use crate::config::{AccountConfig, AccountKind, Config, FetchConfig};
use crate::feeds::fetch::Fetcher;
use crate::store::sync::{Field, OutboxEntry, RemoteArticle};
use crate::store::{StoreError, StoreHandle};

/// Outbox entries pushed per batch (each batch is cleared in one transaction).
pub const PUSH_BATCH: usize = 100;

/// Why a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The service refused the user and password (or the key it had handed out).
    #[error("login refused: check user and password")]
    Auth,
    /// The service answered with an error status.
    #[error("HTTP {status} for `{what}`")]
    Status {
        /// The status code.
        status: u16,
        /// The call.
        what: String,
    },
    /// Connection failure or timeout.
    #[error("network error: {0}")]
    Network(String),
    /// An answer that does not follow the protocol.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// The password could not be had.
    #[error("password: {0}")]
    Password(String),
    /// The account's kind has no client yet.
    #[error("{0} accounts are not supported yet")]
    Unsupported(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Building the HTTP client failed.
    #[error("HTTP client: {0}")]
    Client(String),
}

/// A feed on the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFeed {
    /// Its id on the service.
    pub id: String,
    /// Its title (shown as the outlet).
    pub title: String,
    /// The folder (group, category, label) it is in.
    pub folder: Option<String>,
}

/// An item on the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteItem {
    /// Its id on the service.
    pub id: String,
    /// Its feed's id.
    pub feed_id: String,
    /// Headline.
    pub title: String,
    /// The article's page.
    pub url: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Its HTML.
    pub html: Option<String>,
    /// Published, Unix seconds.
    pub published: Option<i64>,
    /// Read on the service.
    pub read: bool,
}

/// What one protocol client does; the engine does the rest. Implemented per protocol.
pub(crate) trait Protocol {
    /// Checks that the service accepts the credentials.
    fn check(&self) -> impl Future<Output = Result<(), SyncError>> + Send;
    /// Every subscribed feed with its folder.
    fn feeds(&self) -> impl Future<Output = Result<Vec<RemoteFeed>, SyncError>> + Send;
    /// One page of items newer than `mark` and the mark after them; an empty page ends.
    fn items_since(
        &self,
        mark: Option<&str>,
    ) -> impl Future<Output = Result<(Vec<RemoteItem>, Option<String>), SyncError>> + Send;
    /// The items with these ids.
    fn items_by_id(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<RemoteItem>, SyncError>> + Send;
    /// The ids of every unread item.
    fn unread_ids(&self) -> impl Future<Output = Result<HashSet<String>, SyncError>> + Send;
    /// The ids of every starred item.
    fn saved_ids(&self) -> impl Future<Output = Result<HashSet<String>, SyncError>> + Send;
    /// Applies these local changes on the service.
    fn push(&self, changes: &[OutboxEntry]) -> impl Future<Output = Result<(), SyncError>> + Send;
}

/// What a sync of one account did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// The account.
    pub account: String,
    /// Items stored for the first time.
    pub new_items: usize,
    /// Local changes pushed to the service.
    pub pushed: usize,
    /// Local read, unread, saved or unsaved states changed to the service's.
    pub pulled: usize,
    /// Changes still waiting in the outbox.
    pub pending: usize,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

impl SyncSummary {
    /// One line: `home: 12 new items, 3 pushed, 5 pulled`, or the failure and what waits in
    /// the outbox.
    pub fn line(&self) -> String {
        let counts = format!(
            "{}, {} pushed, {} pulled",
            crate::text::plural(self.new_items, "new item"),
            self.pushed,
            self.pulled
        );
        match &self.error {
            None => format!("{}: {counts}", self.account),
            Some(e) => {
                let waiting = match self.pending {
                    0 => String::new(),
                    1 => "; 1 change waits to be pushed".into(),
                    n => format!("; {n} changes wait to be pushed"),
                };
                format!("{}: failed: {e} ({counts}){waiting}", self.account)
            }
        }
    }
}

/// What the engine needs besides the account.
#[derive(Clone)]
pub struct SyncContext {
    /// The store.
    pub store: StoreHandle,
    /// Fetches article pages for the saved copies of starred items.
    pub fetcher: Fetcher,
    /// How saved copies are made.
    pub save: SaveSettings,
    /// The config's tabs, network settings and accounts.
    pub config: std::sync::Arc<Config>,
    /// Where tokens are kept.
    pub tokens: secrets::TokenStore,
}

impl std::fmt::Debug for SyncContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncContext")
            .field("accounts", &self.config.accounts.len())
            .finish_non_exhaustive()
    }
}

impl SyncContext {
    /// The context for `config`, its data and rules where `paths` says.
    pub fn from_config(
        paths: &crate::paths::Paths,
        config: Config,
        store: StoreHandle,
    ) -> Result<Self, SyncError> {
        let fetcher = Fetcher::new(&config.fetch).map_err(|e| SyncError::Client(e.to_string()))?;
        let rules = crate::rules::Rules::load(&paths.rules_dir())
            .map_err(|e| SyncError::Client(e.to_string()))?;
        let save = SaveSettings {
            saved_dir: config.saved_dir(&paths.data_dir),
            teaser_words: config.reader.teaser_words,
            rules: std::sync::Arc::new(rules),
        };
        Ok(Self::new(
            store,
            fetcher,
            save,
            std::sync::Arc::new(config),
            &paths.data_dir,
        ))
    }

    /// A context for `config` with data under `data_dir`.
    pub fn new(
        store: StoreHandle,
        fetcher: Fetcher,
        save: SaveSettings,
        config: std::sync::Arc<Config>,
        data_dir: &Path,
    ) -> Self {
        Self {
            store,
            fetcher,
            save,
            config,
            tokens: secrets::TokenStore::new(data_dir),
        }
    }
}

/// The innermost cause of a reqwest error (the actual reason: "connection refused").
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".into();
    }
    let mut source: &dyn std::error::Error = e;
    while let Some(inner) = source.source() {
        source = inner;
    }
    source.to_string()
}

fn http_client(fetch: &FetchConfig) -> Result<reqwest::Client, SyncError> {
    reqwest::Client::builder()
        .user_agent(fetch.user_agent.clone())
        .connect_timeout(Duration::from_secs(fetch.connect_timeout_secs.max(1)))
        .timeout(Duration::from_secs(fetch.timeout_secs.max(1)))
        .redirect(reqwest::redirect::Policy::limited(fetch.max_redirects))
        .gzip(true)
        .build()
        .map_err(|e| SyncError::Client(e.to_string()))
}

/// Syncs every account (`only`: just the one with that name), one after the other, and
/// records each outcome in the store. A failed account does not stop the others.
pub async fn sync_accounts(ctx: &SyncContext, only: Option<&str>) -> Vec<SyncSummary> {
    let mut out = Vec::new();
    for account in ctx
        .config
        .accounts
        .iter()
        .filter(|a| only.is_none_or(|n| a.name == n))
    {
        out.push(sync_account(ctx, account).await);
    }
    out
}

/// Syncs one account and records the outcome (its error, if any, on the account and its feed
/// rows). Never fails: the error is in the summary.
pub async fn sync_account(ctx: &SyncContext, account: &AccountConfig) -> SyncSummary {
    let mut summary = SyncSummary {
        account: account.name.clone(),
        ..SyncSummary::default()
    };
    let result = match account.kind {
        AccountKind::Fever => match fever_client(ctx, account).await {
            Ok(client) => run(ctx, account, &client, &mut summary).await,
            Err(e) => Err(e),
        },
        AccountKind::Greader => Err(SyncError::Unsupported("greader")),
        AccountKind::Miniflux => Err(SyncError::Unsupported("miniflux")),
    };
    let error = result.err().map(|e| e.to_string());
    if let Some(e) = &error {
        tracing::warn!("sync {}: {e}", account.name);
    }
    let name = account.name.clone();
    let recorded = error.clone();
    let state = ctx
        .store
        .call(move |s| {
            s.record_sync(&name, recorded.as_deref())?;
            s.account_state(&name)
        })
        .await;
    match state {
        Ok(state) => summary.pending = state.pending,
        Err(e) => tracing::warn!("recording the sync of {}: {e}", account.name),
    }
    summary.error = error;
    summary
}

/// A Fever client with a key that works: the one kept from last time, else one made from the
/// password (which is then kept).
async fn fever_client(
    ctx: &SyncContext,
    account: &AccountConfig,
) -> Result<fever::FeverClient, SyncError> {
    let http = http_client(&ctx.config.fetch)?;
    if let Some(key) = ctx.tokens.load(account) {
        let client = fever::FeverClient::new(http.clone(), &account.url, key);
        match client.check().await {
            Ok(()) => return Ok(client),
            Err(SyncError::Auth) => ctx.tokens.forget(account),
            Err(e) => return Err(e),
        }
    }
    let for_password = account.clone();
    let password = tokio::task::spawn_blocking(move || secrets::password(&for_password))
        .await
        .map_err(|e| SyncError::Password(e.to_string()))??;
    let key = fever::api_key(&account.user, &password);
    let client = fever::FeverClient::new(http, &account.url, key.clone());
    client.check().await?;
    if let Err(e) = ctx.tokens.save(account, &key) {
        tracing::warn!("keeping the Fever key of {}: {e}", account.name);
    }
    Ok(client)
}

/// The tab id each folder title goes to: a tab of that id or title, else the account's tab.
fn tab_for(config: &Config, account: &AccountConfig, folder: Option<&str>) -> String {
    let find = |name: &str| {
        config
            .tabs
            .iter()
            .filter(|t| t.query.is_none())
            .find(|t| t.id.eq_ignore_ascii_case(name) || t.title.eq_ignore_ascii_case(name))
            .map(|t| t.id.clone())
    };
    folder
        .and_then(find)
        .or_else(|| find(&account.tab))
        .unwrap_or_else(|| account.tab.clone())
}

async fn run<P: Protocol + Sync>(
    ctx: &SyncContext,
    account: &AccountConfig,
    client: &P,
    summary: &mut SyncSummary,
) -> Result<(), SyncError> {
    let name = account.name.clone();
    // 1. Push what changed here, batch by batch; each accepted batch leaves the outbox. A
    //    failed push does not stop the pull: what it could not push stays queued and wins.
    let pushed = push_outbox(ctx, &name, client, summary).await;
    // 2. Feeds and folders: which tab and outlet name each feed's items get.
    let feeds: HashMap<String, (String, String)> = client
        .feeds()
        .await?
        .into_iter()
        .map(|f| {
            let tab = tab_for(&ctx.config, account, f.folder.as_deref());
            (f.id, (tab, f.title))
        })
        .collect();
    let fallback_tab = tab_for(&ctx.config, account, None);
    let to_article = |item: RemoteItem| {
        let (tab_id, outlet) = feeds
            .get(&item.feed_id)
            .cloned()
            .unwrap_or_else(|| (fallback_tab.clone(), account.name.clone()));
        RemoteArticle {
            remote_id: item.id,
            tab_id,
            outlet: if outlet.is_empty() {
                account.name.clone()
            } else {
                outlet
            },
            title: item.title,
            url: item.url,
            authors: item.author,
            published: item.published,
            content_html: item.html,
            read: item.read,
        }
    };
    // 3. New items since the high-water mark, each page stored with its mark.
    let n = name.clone();
    let mut mark = ctx
        .store
        .read(move |s| s.account_state(&n))
        .await?
        .high_water;
    loop {
        let (items, next) = client.items_since(mark.as_deref()).await?;
        if items.is_empty() || next.is_none() {
            break;
        }
        let articles: Vec<RemoteArticle> = items.into_iter().map(&to_article).collect();
        let n = name.clone();
        let at = next.clone();
        summary.new_items += ctx
            .store
            .call(move |s| s.store_remote_articles(&n, &articles, at.as_deref()))
            .await?;
        mark = next;
    }
    // 4. The complete unread and starred sets, and the items in them not stored yet.
    let unread = client.unread_ids().await?;
    let saved = client.saved_ids().await?;
    let n = name.clone();
    let known = ctx.store.read(move |s| s.known_remote_ids(&n)).await?;
    let mut missing: Vec<String> = unread
        .iter()
        .chain(saved.iter())
        .filter(|id| !known.contains(*id))
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    missing.sort();
    if !missing.is_empty() {
        let items = client.items_by_id(&missing).await?;
        let articles: Vec<RemoteArticle> = items.into_iter().map(&to_article).collect();
        let n = name.clone();
        summary.new_items += ctx
            .store
            .call(move |s| s.store_remote_articles(&n, &articles, None))
            .await?;
    }
    // 5. Reconcile; the outbox wins where it still holds a change.
    let n = name.clone();
    let reconciled = ctx
        .store
        .call(move |s| s.reconcile_remote_state(&n, &unread, &saved))
        .await?;
    summary.pulled += reconciled.read_changed + reconciled.unsaved + reconciled.newly_saved.len();
    for file in &reconciled.unsaved_files {
        let _ = std::fs::remove_file(file);
    }
    // Starred there: keep the full text here, as saving does. The copy's own "saved" change
    // only repeats the service's state, so it is dropped from the outbox.
    for id in reconciled.newly_saved {
        if let Err(e) = crate::articles::save_article(&ctx.store, &ctx.fetcher, &ctx.save, id).await
        {
            tracing::warn!("saving the copy of starred article {}: {e}", id.0);
        }
        ctx.store
            .call(move |s| s.drop_echo(id, Field::Saved, true))
            .await?;
    }
    pushed
}

async fn push_outbox<P: Protocol + Sync>(
    ctx: &SyncContext,
    name: &str,
    client: &P,
    summary: &mut SyncSummary,
) -> Result<(), SyncError> {
    loop {
        let n = name.to_string();
        let batch = ctx.store.read(move |s| s.outbox(&n, PUSH_BATCH)).await?;
        if batch.is_empty() {
            return Ok(());
        }
        client.push(&batch).await?;
        summary.pushed += batch.len();
        let n = name.to_string();
        let done = batch.clone();
        ctx.store.call(move |s| s.outbox_pushed(&n, &done)).await?;
        if batch.len() < PUSH_BATCH {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_go_to_the_tab_of_their_name_else_the_account_tab() {
        let config = Config::parse(
            "[[tabs]]\nid = \"iran\"\ntitle = \"Iran\"\n[[tabs]]\nid = \"world\"\ntitle = \"World\"\n\
             [[accounts]]\nname = \"home\"\nkind = \"fever\"\nurl = \"http://127.0.0.1:1/\"\n\
             user = \"me\"\npassword = \"x\"\ntab = \"World\"\n",
            "c.toml",
        )
        .unwrap();
        let account = &config.accounts[0];
        assert_eq!(tab_for(&config, account, Some("IRAN")), "iran");
        assert_eq!(tab_for(&config, account, Some("Tech")), "world");
        assert_eq!(tab_for(&config, account, None), "world");
    }
}
