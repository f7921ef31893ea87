//! The background worker: every piece of network and disk work the TUI needs. The UI sends
//! [`Job`]s and hears back only through owned [`WorkerEvent`]s; it never waits on either.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::feeds::fetch::Fetcher;
use crate::model::{ArticleId, ArticleRow, FeedStatus};
use crate::refresh::{refresh_feeds, FeedJob, FeedReport, RefreshMode};
use crate::store::{Store, StoreError, StoreHandle};

/// What to load for one tab.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TabQuery {
    /// Feeds whose articles all belong to the tab.
    pub feeds: Vec<String>,
    /// Feeds whose articles belong only when they mention a keyword.
    pub keyword_feeds: Vec<String>,
    /// The keywords (matched as whole words, case-insensitively).
    pub keywords: Vec<String>,
    /// The Saved tab: saved articles instead of feeds.
    pub saved: bool,
    /// Most rows to load.
    pub limit: usize,
}

/// Work for the worker. Variants carry ids and settings, not bulky data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Load the headlines of a tab.
    LoadTab {
        /// Tab index in the app.
        tab: usize,
        /// What to load.
        query: TabQuery,
        /// Echoed back so the app can drop stale answers.
        generation: u64,
    },
    /// Load unread counts per feed.
    LoadCounts,
    /// Refresh feeds (ignored while another refresh runs).
    Refresh {
        /// The feeds.
        feeds: Vec<FeedJob>,
        /// Which may be skipped.
        mode: RefreshMode,
    },
    /// Mark an article read or unread.
    SetRead {
        /// The article.
        article: ArticleId,
        /// The new state.
        read: bool,
    },
    /// Load the feed-status table.
    LoadFeedStatus,
}

/// Results from the worker, each carrying owned data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerEvent {
    /// A tab's headlines.
    TabLoaded {
        /// Tab index.
        tab: usize,
        /// The generation of the request.
        generation: u64,
        /// Newest first.
        rows: Vec<ArticleRow>,
    },
    /// Unread counts per feed URL.
    Counts(HashMap<String, u32>),
    /// A refresh began.
    RefreshStarted {
        /// Feeds in it.
        total: usize,
    },
    /// One feed of the refresh finished.
    FeedRefreshed(FeedReport),
    /// The refresh is complete.
    RefreshFinished,
    /// A refresh was asked for while one was running.
    RefreshBusy,
    /// The feed-status table.
    FeedStatus(Vec<FeedStatus>),
    /// Something failed; the text says what.
    Error(String),
}

/// The UI's ends of the worker's channels.
pub struct Worker {
    /// Where to send jobs.
    pub jobs: mpsc::UnboundedSender<Job>,
    /// Where results arrive.
    pub events: mpsc::UnboundedReceiver<WorkerEvent>,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn_worker(store: StoreHandle, fetcher: Fetcher, parallel: usize) -> Worker {
    let (job_tx, mut job_rx) = mpsc::unbounded_channel::<Job>();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    tokio::spawn(async move {
        let refreshing = Arc::new(AtomicBool::new(false));
        while let Some(job) = job_rx.recv().await {
            let (store, fetcher, out) = (store.clone(), fetcher.clone(), out_tx.clone());
            match job {
                Job::Refresh { feeds, mode } => {
                    // Coalesce: one refresh at a time; a second request is answered, not queued.
                    if refreshing.swap(true, Ordering::AcqRel) {
                        let _ = out.send(WorkerEvent::RefreshBusy);
                        continue;
                    }
                    let flag = refreshing.clone();
                    tokio::spawn(async move {
                        let _ = out.send(WorkerEvent::RefreshStarted { total: feeds.len() });
                        refresh_feeds(&store, &fetcher, feeds, mode, parallel, |report| {
                            let _ = out.send(WorkerEvent::FeedRefreshed(report));
                        })
                        .await;
                        flag.store(false, Ordering::Release);
                        let _ = out.send(WorkerEvent::RefreshFinished);
                    });
                }
                other => {
                    tokio::spawn(async move {
                        let event = run_job(other, &store)
                            .await
                            .unwrap_or_else(|e| WorkerEvent::Error(e.to_string()));
                        let _ = out.send(event);
                    });
                }
            }
        }
    });
    Worker {
        jobs: job_tx,
        events: out_rx,
    }
}

async fn run_job(job: Job, store: &StoreHandle) -> Result<WorkerEvent, StoreError> {
    Ok(match job {
        Job::LoadTab {
            tab,
            query,
            generation,
        } => {
            let rows = store.call(move |s| load_tab(s, &query)).await?;
            WorkerEvent::TabLoaded {
                tab,
                generation,
                rows,
            }
        }
        Job::LoadCounts => WorkerEvent::Counts(store.call(|s| s.unread_counts()).await?),
        Job::SetRead { article, read } => {
            store.call(move |s| s.set_read(article, read)).await?;
            WorkerEvent::Counts(store.call(|s| s.unread_counts()).await?)
        }
        Job::LoadFeedStatus => WorkerEvent::FeedStatus(store.call(|s| s.feed_statuses()).await?),
        Job::Refresh { .. } => WorkerEvent::Error("refresh routed wrongly".into()),
    })
}

/// Loads a tab's rows: its feeds, plus keyword matches from `keyword_feeds`, newest first,
/// with articles whose URL already appeared (the same story from two feeds) dropped.
pub fn load_tab(store: &mut Store, query: &TabQuery) -> Result<Vec<ArticleRow>, StoreError> {
    if query.saved {
        return store.saved_articles(query.limit);
    }
    let mut rows = store.articles_for_feeds(&query.feeds, query.limit)?;
    if !query.keywords.is_empty() && !query.keyword_feeds.is_empty() {
        let matchers: Vec<String> = query.keywords.iter().map(|k| k.to_lowercase()).collect();
        let extra = store.articles_for_feeds(&query.keyword_feeds, query.limit * 4)?;
        rows.extend(extra.into_iter().filter(|r| {
            mentions_any(&r.title, &matchers)
                || r.summary
                    .as_deref()
                    .is_some_and(|s| mentions_any(s, &matchers))
        }));
        rows.sort_by(|a, b| b.published.cmp(&a.published).then(b.id.cmp(&a.id)));
    }
    let mut seen_urls = HashSet::new();
    let mut seen_ids = HashSet::new();
    rows.retain(|r| {
        seen_ids.insert(r.id)
            && r.url
                .as_ref()
                .is_none_or(|u| seen_urls.insert(normalize_url(u)))
    });
    rows.truncate(query.limit);
    Ok(rows)
}

/// A URL reduced for duplicate detection: scheme, `www.` and trailing slash ignored.
fn normalize_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    rest.trim_end_matches('/').to_string()
}

/// Whole-word, case-insensitive match of any keyword (already lower-cased).
fn mentions_any(text: &str, keywords: &[String]) -> bool {
    let lower = text.to_lowercase();
    keywords.iter().any(|k| {
        lower.match_indices(k.as_str()).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + k.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_only() {
        let k = vec!["kp".to_string(), "quetta".to_string()];
        assert!(mentions_any("Rain lashes KP districts", &k));
        assert!(mentions_any("Blast in Quetta.", &k));
        assert!(!mentions_any("Skipper named", &k));
    }

    #[test]
    fn urls_normalise_for_duplicates() {
        assert_eq!(
            normalize_url("https://www.dawn.com/news/1/"),
            normalize_url("http://dawn.com/news/1")
        );
    }
}
