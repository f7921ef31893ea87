//! Refreshing many feeds at once: fetch, parse and store each, concurrently, reporting every
//! feed's outcome as it completes. Shared by the TUI worker and `khabar refresh`.
//!
//! A failing feed never blocks the others. Failures back off exponentially (5 minutes doubling
//! up to 6 hours) for automatic refreshes; a server's `Retry-After` is honoured always.

use futures::StreamExt;

use crate::config::Config;
use crate::feeds::fetch::{FetchError, FetchOutcome, Fetcher};
use crate::feeds::parse::parse_feed;
use crate::model::{now_unix, ArticleId};
use crate::routing::{Gazetteer, GazetteerError, OPINIONS};
use crate::store::{FeedFetchState, Placement, RouteInput, StoreHandle};

/// One feed to refresh, with its outlet's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedJob {
    /// Feed URL.
    pub url: String,
    /// Outlet name.
    pub outlet: String,
    /// The outlet's User-Agent setting.
    pub user_agent: Option<String>,
    /// Articles kept for this feed.
    pub item_limit: usize,
    /// Minutes between automatic refreshes (0: never automatically).
    pub refresh_minutes: u32,
    /// The outlet's language from the config, if it sets one.
    pub lang: Option<String>,
}

impl FeedJob {
    /// Every feed of the config, de-duplicated by URL, in config order.
    pub fn all_from_config(config: &Config) -> Vec<FeedJob> {
        let mut seen = std::collections::HashSet::new();
        let mut jobs = Vec::new();
        for (_, outlet) in config.outlets() {
            for url in &outlet.feeds {
                if seen.insert(url.clone()) {
                    jobs.push(FeedJob {
                        url: url.clone(),
                        outlet: outlet.name.clone(),
                        user_agent: outlet.user_agent.clone(),
                        item_limit: outlet.item_limit.unwrap_or(config.general.items_per_feed)
                            as usize,
                        refresh_minutes: outlet
                            .refresh_minutes
                            .unwrap_or(config.general.refresh_minutes),
                        lang: outlet.lang.clone(),
                    });
                }
            }
        }
        jobs
    }
}

/// Which feeds a refresh may skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshMode {
    /// Everything asked for, ignoring intervals and backoff (a user pressed refresh).
    Force,
    /// Only feeds whose refresh interval has passed and that are not backing off.
    Due,
}

/// What happened to one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedResult {
    /// New content was stored.
    Updated {
        /// Articles not seen before.
        new: usize,
    },
    /// The server said nothing changed (304).
    NotModified,
    /// Not fetched: not due yet, or backing off until the given time.
    Skipped {
        /// Why.
        reason: String,
    },
    /// The fetch, parse or store failed.
    Failed {
        /// A one-line reason for people.
        error: String,
    },
}

/// One feed's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedReport {
    /// Feed URL.
    pub url: String,
    /// Outlet name.
    pub outlet: String,
    /// The outcome.
    pub result: FeedResult,
}

/// What region routing needs: the compiled gazetteer, the routed feeds, and a fingerprint of
/// both (with the user's words) so that stored routes made under another setup are redone.
#[derive(Debug, Clone)]
pub struct RoutePlan {
    /// The gazetteer with the user's words applied.
    pub gazetteer: std::sync::Arc<Gazetteer>,
    /// Feeds of outlets with `route = true`.
    pub feeds: Vec<String>,
    /// Changes whenever the gazetteer, the user's words or the routed feeds change.
    pub fingerprint: String,
}

impl RoutePlan {
    /// The config's routing setup.
    pub fn from_config(config: &Config) -> Result<Self, GazetteerError> {
        use std::hash::{Hash, Hasher};
        let gazetteer = config.gazetteer()?;
        let feeds = config.routed_feeds();
        // Only compared with the value stored by the same binary family: a different hash after
        // an upgrade merely routes everything once more.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        crate::routing::DEFAULT_GAZETTEER.hash(&mut hasher);
        format!("{:?}", config.routing).hash(&mut hasher);
        for tab in &config.tabs {
            (&tab.id, &tab.parent, &tab.region).hash(&mut hasher);
        }
        feeds.hash(&mut hasher);
        Ok(Self {
            gazetteer: std::sync::Arc::new(gazetteer),
            feeds,
            fingerprint: format!("{:016x}", hasher.finish()),
        })
    }
}

/// Articles routed per batch: one read, one routing pass off the writer, one write.
const ROUTE_BATCH: usize = 2_000;

/// Routes every article of the routed feeds that waits for it (new or changed since it was
/// last routed, or everything after the setup changed). Returns how many were routed.
pub async fn route_pending(
    store: &StoreHandle,
    plan: &RoutePlan,
) -> Result<usize, crate::store::StoreError> {
    let fingerprint = plan.fingerprint.clone();
    store.call(move |s| s.begin_routing(&fingerprint)).await?;
    if plan.feeds.is_empty() {
        return Ok(0);
    }
    let mut total = 0;
    loop {
        let feeds = plan.feeds.clone();
        let batch = store.call(move |s| s.unrouted(&feeds, ROUTE_BATCH)).await?;
        if batch.is_empty() {
            return Ok(total);
        }
        total += batch.len();
        let gazetteer = plan.gazetteer.clone();
        let routes = tokio::task::spawn_blocking(move || route_batch(&gazetteer, &batch))
            .await
            .map_err(|e| crate::store::StoreError::Background(e.to_string()))?;
        store.call(move |s| s.record_routes(&routes)).await?;
    }
}

/// The placements of each article: its regions, and the Opinions tab for opinion pieces.
pub fn route_batch(
    gazetteer: &Gazetteer,
    batch: &[RouteInput],
) -> Vec<(ArticleId, Vec<Placement>)> {
    batch
        .iter()
        .map(|a| {
            let routing = gazetteer.route(&a.title, &a.summary, &a.categories, &a.url);
            let mut placements: Vec<Placement> = routing
                .regions
                .into_iter()
                .map(|r| Placement {
                    region: r.region,
                    matched: r.matched,
                })
                .collect();
            if routing.opinion {
                placements.push(Placement {
                    region: OPINIONS.into(),
                    matched: vec!["opinion".into()],
                });
            }
            (a.id, placements)
        })
        .collect()
}

/// Syncs the config's feeds into the store (call once before refreshing).
pub async fn sync_config(
    store: &StoreHandle,
    jobs: &[FeedJob],
) -> Result<(), crate::store::StoreError> {
    let pairs: Vec<(String, String)> = jobs
        .iter()
        .map(|j| (j.url.clone(), j.outlet.clone()))
        .collect();
    let langs: Vec<(String, Option<String>)> = jobs
        .iter()
        .map(|j| (j.url.clone(), j.lang.clone()))
        .collect();
    store
        .call(move |s| {
            s.sync_feeds(&pairs)?;
            s.set_feed_langs(&langs)
        })
        .await
}

/// Refreshes `jobs` concurrently, calling `on_report` as each finishes. Returns when all are
/// done. `parallel` bounds the number of feeds in progress (the fetcher's limits still apply).
pub async fn refresh_feeds(
    store: &StoreHandle,
    fetcher: &Fetcher,
    jobs: Vec<FeedJob>,
    mode: RefreshMode,
    parallel: usize,
    mut on_report: impl FnMut(FeedReport),
) {
    // Parses at once: one per core. More would only queue on the cores while holding more
    // parsed feeds in memory; fetches and the writer go on meanwhile.
    let parsers = tokio::sync::Semaphore::new(
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
    );
    let parsers = &parsers;
    let mut stream = futures::stream::iter(jobs)
        .map(|job| async move {
            let result = refresh_inner(store, fetcher, &job, mode, parsers).await;
            FeedReport {
                url: job.url,
                outlet: job.outlet,
                result,
            }
        })
        .buffer_unordered(parallel.max(1));
    while let Some(report) = stream.next().await {
        on_report(report);
    }
}

/// Fetches, parses and stores one feed.
pub async fn refresh_one(
    store: &StoreHandle,
    fetcher: &Fetcher,
    job: FeedJob,
    mode: RefreshMode,
) -> FeedReport {
    let parsers = tokio::sync::Semaphore::new(1);
    let result = refresh_inner(store, fetcher, &job, mode, &parsers).await;
    FeedReport {
        url: job.url,
        outlet: job.outlet,
        result,
    }
}

async fn refresh_inner(
    store: &StoreHandle,
    fetcher: &Fetcher,
    job: &FeedJob,
    mode: RefreshMode,
    parsers: &tokio::sync::Semaphore,
) -> FeedResult {
    let url = job.url.clone();
    let state = match store.call(move |s| s.fetch_state(&url)).await {
        Ok(Some(state)) => state,
        Ok(None) => {
            return FeedResult::Failed {
                error: "feed is not in the store (config not synced)".into(),
            }
        }
        Err(e) => {
            return FeedResult::Failed {
                error: e.to_string(),
            }
        }
    };
    let now = now_unix();
    if let Some(reason) = skip_reason(&state, job, mode, now) {
        return FeedResult::Skipped { reason };
    }

    let outcome = fetcher
        .get(&job.url, &state.validators, job.user_agent.as_deref())
        .await;
    let feed_id = state.id;
    let outlet = job.outlet.clone();
    let limit = job.item_limit;
    match outcome {
        Ok(FetchOutcome::NotModified { validators }) => {
            match store
                .call(move |s| s.record_success(feed_id, &outlet, &validators, None, limit))
                .await
            {
                Ok(_) => FeedResult::NotModified,
                Err(e) => FeedResult::Failed {
                    error: e.to_string(),
                },
            }
        }
        Ok(FetchOutcome::Fresh {
            body,
            validators,
            final_url,
        }) => {
            // Parsing is CPU work: it runs on the blocking pool, beside other feeds' parses, and
            // the writer connection only takes the parsed result. The stream's
            // `buffer_unordered` bounds how many bodies and parsed feeds exist at once.
            // The semaphore is never closed, so acquiring cannot fail; if it somehow did, the
            // parse would merely run without a slot.
            let slot = parsers.acquire().await.ok();
            let parsed =
                tokio::task::spawn_blocking(move || parse_feed(&body, Some(&final_url))).await;
            drop(slot);
            let parsed = match parsed {
                Ok(Ok(parsed)) => parsed,
                Ok(Err(e)) => {
                    let error = e.to_string();
                    let next = backoff_until(state.failures, None);
                    let err_text = error.clone();
                    if let Err(store_err) = store
                        .call(move |s| s.record_failure(feed_id, &err_text, Some(next), None))
                        .await
                    {
                        tracing::warn!("recording failure of {}: {store_err}", job.url);
                    }
                    return FeedResult::Failed { error };
                }
                Err(e) => {
                    return FeedResult::Failed {
                        error: format!("parsing stopped: {e}"),
                    }
                }
            };
            match store
                .call(move |s| {
                    s.record_success(feed_id, &outlet, &validators, Some(&parsed), limit)
                })
                .await
            {
                Ok(report) => FeedResult::Updated { new: report.new },
                Err(e) => FeedResult::Failed {
                    error: e.to_string(),
                },
            }
        }
        Err(e) => {
            let error = e.to_string();
            let retry_after = match &e {
                FetchError::Status {
                    retry_after: Some(secs),
                    ..
                } => Some(*secs),
                _ => None,
            };
            // Retry-After is capped at a day so a hostile server cannot silence a feed forever.
            let retry_until =
                retry_after.map(|s| now + i64::try_from(s.min(86_400)).unwrap_or(86_400));
            let next = backoff_until(state.failures, retry_until);
            let err_text = error.clone();
            if let Err(store_err) = store
                .call(move |s| s.record_failure(feed_id, &err_text, Some(next), retry_until))
                .await
            {
                tracing::warn!("recording failure of {}: {store_err}", job.url);
            }
            FeedResult::Failed { error }
        }
    }
}

/// Why a feed should not be fetched now, if it should not: the server's Retry-After always; in
/// [`RefreshMode::Due`] also backoff after failures and the feed's refresh interval.
pub fn skip_reason(
    state: &FeedFetchState,
    job: &FeedJob,
    mode: RefreshMode,
    now: i64,
) -> Option<String> {
    if let Some(until) = state.retry_until.filter(|t| *t > now) {
        return Some(format!(
            "server asked to wait {}s (Retry-After)",
            until - now
        ));
    }
    if mode == RefreshMode::Due {
        if let Some(until) = state.next_attempt.filter(|t| *t > now) {
            return Some(format!("backing off for {}s after failures", until - now));
        }
        let interval = i64::from(job.refresh_minutes) * 60;
        if job.refresh_minutes == 0 || state.last_fetch.is_some_and(|t| now - t < interval) {
            return Some("not due yet".into());
        }
    }
    None
}

/// The jobs among `jobs` that a refresh in `mode` would actually fetch now.
pub fn fetchable(
    store: &crate::store::Store,
    jobs: Vec<FeedJob>,
    mode: RefreshMode,
) -> Result<Vec<FeedJob>, crate::store::StoreError> {
    let now = now_unix();
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        match store.fetch_state(&job.url)? {
            Some(state) if skip_reason(&state, &job, mode, now).is_some() => {}
            _ => out.push(job),
        }
    }
    Ok(out)
}

/// When an automatic retry may happen after `failures` earlier consecutive failures.
fn backoff_until(failures: u32, retry_until: Option<i64>) -> i64 {
    let delay = (300_i64 << failures.min(10)).min(6 * 3600);
    (now_unix() + delay).max(retry_until.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(url: &str, minutes: u32) -> FeedJob {
        FeedJob {
            url: url.into(),
            outlet: "X".into(),
            user_agent: None,
            item_limit: 10,
            refresh_minutes: minutes,
            lang: None,
        }
    }

    #[test]
    fn only_due_feeds_are_fetched_automatically_but_force_takes_all_but_retry_after() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let urls = [
            "https://fresh.example/f",
            "https://never.example/f",
            "https://failing.example/f",
            "https://busy.example/f",
        ];
        store
            .sync_feeds(
                &urls
                    .iter()
                    .map(|u| ((*u).to_string(), "X".to_string()))
                    .collect::<Vec<_>>(),
            )
            .unwrap();
        let id = |s: &crate::store::Store, u: &str| s.fetch_state(u).unwrap().unwrap().id;
        let fresh = id(&store, urls[0]);
        store
            .record_success(fresh, "X", &crate::model::Validators::default(), None, 10)
            .unwrap();
        let failing = id(&store, urls[2]);
        store
            .record_failure(failing, "HTTP 500", Some(now_unix() + 600), None)
            .unwrap();
        let busy = id(&store, urls[3]);
        store
            .record_failure(
                busy,
                "HTTP 503",
                Some(now_unix() + 600),
                Some(now_unix() + 600),
            )
            .unwrap();
        let jobs: Vec<FeedJob> = urls.iter().map(|u| job(u, 30)).collect();
        let due = fetchable(&store, jobs.clone(), RefreshMode::Due).unwrap();
        assert_eq!(
            due.iter().map(|j| j.url.as_str()).collect::<Vec<_>>(),
            [urls[1]]
        );
        let forced = fetchable(&store, jobs, RefreshMode::Force).unwrap();
        assert_eq!(forced.len(), 3, "Retry-After holds even when forced");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let now = now_unix();
        assert!((backoff_until(0, None) - now - 300).abs() <= 1);
        assert!((backoff_until(1, None) - now - 600).abs() <= 1);
        assert!((backoff_until(30, None) - now - 6 * 3600).abs() <= 1);
        assert!(backoff_until(0, Some(now + 9999)) >= now + 9999);
    }
}
