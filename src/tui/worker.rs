//! The background worker: every piece of network and disk work the TUI needs. The UI sends
//! [`Job`]s and hears back only through owned [`WorkerEvent`]s; it never waits on either.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::articles::{
    extract_and_cache, is_teaser, known_texts, save_article, ArticleError, KnownTexts, PageLink,
    PageText, SaveSettings, SavedFile,
};
use crate::feeds::fetch::Fetcher;
use crate::model::{ArticleId, ArticleRow, ArticleText, FeedStatus, TextSource};
use crate::refresh::{refresh_feeds, FeedJob, FeedReport, RefreshMode};
use crate::render::Rendered;
use crate::store::{StoreError, StoreHandle};
use crate::tabs::{load_tab, unread_counts, TabQuery};

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
    /// Count the unread articles of every tab.
    LoadCounts {
        /// What each tab lists, by tab index.
        tabs: Vec<TabQuery>,
    },
    /// Refresh feeds (ignored while another refresh runs).
    Refresh {
        /// The feeds.
        feeds: Vec<FeedJob>,
        /// Which may be skipped.
        mode: RefreshMode,
    },
    /// Mark an article read or unread, then recount.
    SetRead {
        /// Store id of the article to mark.
        article: ArticleId,
        /// The new state.
        read: bool,
        /// What every tab lists, for the recount.
        tabs: Vec<TabQuery>,
    },
    /// Mark every unread article of a tab read, then recount.
    MarkTabRead {
        /// What the tab lists.
        query: TabQuery,
        /// What every tab lists, for the recount.
        tabs: Vec<TabQuery>,
    },
    /// Mark these articles read or unread (undoing a "mark all read"), then recount.
    SetReadMany {
        /// The articles.
        articles: Vec<ArticleId>,
        /// The new state.
        read: bool,
        /// What every tab lists, for the recount.
        tabs: Vec<TabQuery>,
    },
    /// Add a feed to a tab of the config file, then load the config again.
    AddFeed {
        /// The config file.
        config_file: std::path::PathBuf,
        /// The tab's id.
        tab: String,
        /// The feed URL.
        url: String,
    },
    /// Load the config file again (after the user edited it).
    ReloadConfig {
        /// The config file.
        config_file: std::path::PathBuf,
    },
    /// Load the feed-status table.
    LoadFeedStatus,
    /// Open an article: load its feed text at once, then fetch and extract the page when the
    /// feed text is a teaser (or when forced), caching the result.
    OpenArticle {
        /// Store id of the article to open.
        id: ArticleId,
        /// Echoed back so stale answers can be dropped.
        generation: u64,
        /// Text width to render at.
        width: u16,
        /// Fetch and extract the page even if the feed text looks complete.
        force_extract: bool,
        /// Feed texts with fewer words than this are teasers.
        teaser_words: usize,
    },
    /// Save an article: extract if needed, store the copy, write the Markdown file.
    Save {
        /// Store id of the article to save.
        id: ArticleId,
    },
    /// Remove an article from the saved ones (and its Markdown file).
    Unsave {
        /// Store id of the saved article to remove.
        id: ArticleId,
    },
    /// Set a saved article's tags.
    SetTags {
        /// Store id of the saved article to tag.
        id: ArticleId,
        /// Comma-separated tags.
        tags: String,
    },
    /// Sync every reader-service account (ignored while a sync runs or with no accounts).
    Sync,
    /// Render HTML at a width (after a resize or a source switch).
    Render {
        /// Echoed back.
        generation: u64,
        /// Which text this is.
        source: TextSource,
        /// The HTML.
        html: String,
        /// Text width.
        width: u16,
    },
}

/// Extracted text with its rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedText {
    /// The text.
    pub text: ArticleText,
    /// Its lines at the reader's width.
    pub rendered: Rendered,
}

/// Results from the worker, each carrying owned data.
#[derive(Debug, Clone)]
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
    /// The config was loaded again (or could not be: why).
    ConfigLoaded(Result<Box<crate::config::Config>, String>),
    /// A tab was marked read.
    MarkedRead {
        /// The articles that changed (for undo).
        articles: Vec<ArticleId>,
        /// Unread counts by tab index, after the change.
        counts: Vec<u32>,
    },
    /// Unread counts by tab index.
    Counts(Vec<u32>),
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
    /// An article's feed text, rendered; `extracting` says a page fetch is under way.
    ArticleOpened {
        /// The generation of the request.
        generation: u64,
        /// Author names.
        authors: Option<String>,
        /// The feed's text.
        feed: ArticleText,
        /// Extracted text already cached in the store.
        cached: Option<ArticleText>,
        /// The text to show first (the cached extraction if better), rendered.
        rendered: Rendered,
        /// Which text `rendered` is.
        source: TextSource,
        /// Whether a page fetch and extraction follows.
        extracting: bool,
        /// Media attached to the article.
        enclosures: Vec<crate::model::Enclosure>,
    },
    /// The page was fetched and extracted (or that failed).
    ArticleExtracted {
        /// The generation of the request.
        generation: u64,
        /// The page's byline, when the feed named no authors.
        byline: Option<String>,
        /// The extracted text and its rendering, or why there is none.
        result: Result<RenderedText, ArticleError>,
    },
    /// A render finished.
    Rendered {
        /// The generation of the request.
        generation: u64,
        /// Which text.
        source: TextSource,
        /// The width it was wrapped at.
        width: u16,
        /// The lines.
        rendered: Rendered,
    },
    /// An article was saved (or saving failed).
    Saved {
        /// The article the answer is about (its list row shows the new state).
        id: ArticleId,
        /// The file written and the method, or why saving failed.
        result: Result<SavedFile, ArticleError>,
    },
    /// An article was removed from the saved ones.
    Unsaved {
        /// The article that is no longer saved.
        id: ArticleId,
    },
    /// Tags were set.
    TagsSet {
        /// The article whose tags changed.
        id: ArticleId,
        /// The tags as stored.
        tags: Option<String>,
    },
    /// A sync of the accounts ended: each one's summary.
    SyncFinished(Vec<crate::sync::SyncSummary>),
    /// Something failed; the text says what.
    Error(String),
}

/// Settings the worker needs from the config.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Feeds refreshed at once.
    pub parallel: usize,
    /// What saving (and extracting) needs.
    pub saving: SaveSettings,
    /// Region routing, run after each refresh (`None`: no routing).
    pub routing: Option<crate::refresh::RoutePlan>,
    /// Syncing with the config's reader services (`None`: there are no accounts).
    pub sync: Option<crate::sync::SyncContext>,
}

/// The UI's ends of the worker's channels.
pub struct Worker {
    /// Where to send jobs.
    pub jobs: mpsc::UnboundedSender<Job>,
    /// Where results arrive.
    pub events: mpsc::UnboundedReceiver<WorkerEvent>,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn_worker(store: StoreHandle, fetcher: Fetcher, settings: WorkerSettings) -> Worker {
    let parallel = settings.parallel;
    let rules = settings.saving.rules.clone();
    let routing = settings.routing.clone();
    let sync = settings.sync.clone();
    let (job_tx, mut job_rx) = mpsc::unbounded_channel::<Job>();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    tokio::spawn(async move {
        let refreshing = Arc::new(AtomicBool::new(false));
        let syncing = Arc::new(AtomicBool::new(false));
        while let Some(job) = job_rx.recv().await {
            let (store, fetcher, out, rules) = (
                store.clone(),
                fetcher.clone(),
                out_tx.clone(),
                rules.clone(),
            );
            match job {
                Job::Refresh { feeds, mode } => {
                    // Coalesce: one refresh at a time; a second request is answered, not queued.
                    if refreshing.swap(true, Ordering::AcqRel) {
                        let _ = out.send(WorkerEvent::RefreshBusy);
                        continue;
                    }
                    let flag = refreshing.clone();
                    let routing = routing.clone();
                    tokio::spawn(async move {
                        // An automatic refresh announces only the feeds it will fetch, and
                        // nothing at all when none is due (it runs every minute).
                        let feeds = if mode == RefreshMode::Due {
                            match store
                                .read(move |s| crate::refresh::fetchable(s, feeds, mode))
                                .await
                            {
                                Ok(due) => due,
                                Err(e) => {
                                    flag.store(false, Ordering::Release);
                                    let _ = out.send(WorkerEvent::Error(e.to_string()));
                                    return;
                                }
                            }
                        } else {
                            feeds
                        };
                        if feeds.is_empty() && mode == RefreshMode::Due {
                            flag.store(false, Ordering::Release);
                            return;
                        }
                        let _ = out.send(WorkerEvent::RefreshStarted { total: feeds.len() });
                        refresh_feeds(&store, &fetcher, feeds, mode, parallel, |report| {
                            let _ = out.send(WorkerEvent::FeedRefreshed(report));
                        })
                        .await;
                        if let Some(plan) = &routing {
                            if let Err(e) = crate::refresh::route_pending(&store, plan).await {
                                let _ = out.send(WorkerEvent::Error(format!("routing: {e}")));
                            }
                        }
                        if let Err(e) = store.call(|s| s.checkpoint()).await {
                            tracing::warn!("checkpointing the database after a refresh: {e}");
                        }
                        flag.store(false, Ordering::Release);
                        let _ = out.send(WorkerEvent::RefreshFinished);
                    });
                }
                Job::Sync => {
                    let Some(ctx) = sync.clone() else { continue };
                    // One sync at a time; a second request while one runs is dropped.
                    if syncing.swap(true, Ordering::AcqRel) {
                        continue;
                    }
                    let flag = syncing.clone();
                    tokio::spawn(async move {
                        let summaries = crate::sync::sync_accounts(&ctx, None).await;
                        flag.store(false, Ordering::Release);
                        let _ = out.send(WorkerEvent::SyncFinished(summaries));
                    });
                }
                Job::Save { id } => {
                    let settings = settings.saving.clone();
                    tokio::spawn(async move {
                        let result = save_article(&store, &fetcher, &settings, id).await;
                        let _ = out.send(WorkerEvent::Saved { id, result });
                    });
                }
                Job::OpenArticle {
                    id,
                    generation,
                    width,
                    force_extract,
                    teaser_words,
                } => {
                    tokio::spawn(async move {
                        let request = OpenRequest {
                            id,
                            generation,
                            width,
                            force_extract,
                            teaser_words,
                        };
                        open_article(&store, &fetcher, &rules, request, &out).await;
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

/// A freshly loaded config with its feeds synced into the store, ready for the app.
async fn synced(
    store: &StoreHandle,
    loaded: Result<crate::config::Config, String>,
) -> Result<Result<Box<crate::config::Config>, String>, StoreError> {
    match loaded {
        Ok(config) => {
            let jobs = FeedJob::all_from_config(&config);
            crate::refresh::sync_config(store, &jobs).await?;
            Ok(Ok(Box::new(config)))
        }
        Err(e) => Ok(Err(e)),
    }
}

async fn run_job(job: Job, store: &StoreHandle) -> Result<WorkerEvent, StoreError> {
    Ok(match job {
        Job::LoadTab {
            tab,
            query,
            generation,
        } => {
            let rows = store.read(move |s| load_tab(s, &query)).await?;
            WorkerEvent::TabLoaded {
                tab,
                generation,
                rows,
            }
        }
        Job::LoadCounts { tabs } => {
            WorkerEvent::Counts(store.read(move |s| unread_counts(s, &tabs)).await?)
        }
        Job::SetRead {
            article,
            read,
            tabs,
        } => {
            store.call(move |s| s.set_read(article, read)).await?;
            let counts = store.read(move |s| unread_counts(s, &tabs)).await?;
            WorkerEvent::Counts(counts)
        }
        Job::MarkTabRead { query, tabs } => {
            let ids = store
                .call(move |s| crate::tabs::mark_tab_read(s, &query, None))
                .await?;
            let counts = store.read(move |s| unread_counts(s, &tabs)).await?;
            WorkerEvent::MarkedRead {
                articles: ids,
                counts,
            }
        }
        Job::SetReadMany {
            articles,
            read,
            tabs,
        } => {
            store
                .call(move |s| s.set_read_many(&articles, read))
                .await?;
            let counts = store.read(move |s| unread_counts(s, &tabs)).await?;
            WorkerEvent::Counts(counts)
        }
        Job::AddFeed {
            config_file,
            tab,
            url,
        } => {
            let loaded = tokio::task::spawn_blocking(move || {
                crate::config::edit::add_feed(&config_file, &tab, &url).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| StoreError::Background(e.to_string()))?;
            WorkerEvent::ConfigLoaded(synced(store, loaded).await?)
        }
        Job::ReloadConfig { config_file } => {
            let loaded = tokio::task::spawn_blocking(move || {
                crate::config::Config::load(&config_file).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| StoreError::Background(e.to_string()))?;
            WorkerEvent::ConfigLoaded(synced(store, loaded).await?)
        }
        Job::LoadFeedStatus => WorkerEvent::FeedStatus(store.read(|s| s.feed_statuses()).await?),
        Job::Render {
            generation,
            source,
            html,
            width,
        } => {
            let rendered = tokio::task::spawn_blocking(move || {
                crate::render::render(&html, usize::from(width))
            })
            .await
            .map_err(|e| StoreError::Background(e.to_string()))?;
            WorkerEvent::Rendered {
                generation,
                source,
                width,
                rendered,
            }
        }
        Job::Unsave { id } => {
            let file = store.call(move |s| s.unsave_article(id)).await?;
            if let Some(file) = file {
                // The copy is ours to manage; a missing file is fine (removed by hand).
                let _ = tokio::fs::remove_file(file).await;
            }
            WorkerEvent::Unsaved { id }
        }
        Job::SetTags { id, tags } => {
            let tags = store
                .call(move |s| {
                    s.set_tags(id, &tags)?;
                    Ok(s.article_row(id)?.and_then(|r| r.tags))
                })
                .await?;
            WorkerEvent::TagsSet { id, tags }
        }
        Job::Refresh { .. } | Job::OpenArticle { .. } | Job::Save { .. } | Job::Sync => {
            WorkerEvent::Error("job routed wrongly".into())
        }
    })
}

struct OpenRequest {
    id: ArticleId,
    generation: u64,
    width: u16,
    force_extract: bool,
    teaser_words: usize,
}

async fn open_article(
    store: &StoreHandle,
    fetcher: &Fetcher,
    rules: &crate::rules::Rules,
    request: OpenRequest,
    out: &mpsc::UnboundedSender<WorkerEvent>,
) {
    let OpenRequest {
        id,
        generation,
        width,
        force_extract,
        teaser_words,
    } = request;
    let detail = match store.call(move |s| s.article_detail(id)).await {
        Ok(Some(detail)) => detail,
        Ok(None) => {
            let _ = out.send(WorkerEvent::Error(
                "that article is no longer in the store".into(),
            ));
            return;
        }
        Err(e) => {
            let _ = out.send(WorkerEvent::Error(e.to_string()));
            return;
        }
    };
    if let Some(html) = detail.saved_html.clone() {
        // A saved article reads from its stored copy: instant, and no network at all.
        let words = crate::text::word_count(&crate::text::one_line(&html));
        let text = ArticleText {
            html: html.clone(),
            words,
            method: detail.saved_method.unwrap_or_default(),
            saved_copy: true,
        };
        let rendered = render_blocking(html, width).await;
        let _ = out.send(WorkerEvent::ArticleOpened {
            generation,
            authors: detail.authors.clone(),
            feed: text,
            cached: None,
            rendered,
            source: TextSource::Feed,
            extracting: false,
            enclosures: detail.enclosures.clone(),
        });
        return;
    }
    let KnownTexts {
        feed,
        cached,
        url,
        feed_url,
    } = known_texts(&detail);
    let teaser = is_teaser(&feed, teaser_words);
    let extracting = cached.is_none() && url.is_some() && (teaser || force_extract);
    let (first, source) = match &cached {
        Some(c) if teaser || c.words > feed.words => (c.html.clone(), TextSource::Extracted),
        _ => (feed.html.clone(), TextSource::Feed),
    };
    let rendered = render_blocking(first, width).await;
    let _ = out.send(WorkerEvent::ArticleOpened {
        generation,
        authors: detail.authors.clone(),
        feed: feed.clone(),
        cached,
        rendered,
        source,
        extracting,
        enclosures: detail.enclosures.clone(),
    });
    let Some(url) = url.filter(|_| extracting) else {
        return;
    };
    let result = extract_and_cache(
        store,
        fetcher,
        rules,
        id,
        PageLink {
            url: &url,
            feed_url: feed_url.as_deref(),
        },
        &feed,
        detail.authors.is_some(),
    )
    .await;
    let (result, byline) = match result {
        Ok(PageText { text, byline }) => {
            let rendered = render_blocking(text.html.clone(), width).await;
            (Ok(RenderedText { text, rendered }), byline)
        }
        Err(e) => (Err(e), None),
    };
    let _ = out.send(WorkerEvent::ArticleExtracted {
        generation,
        result,
        byline,
    });
}

async fn render_blocking(html: String, width: u16) -> Rendered {
    tokio::task::spawn_blocking(move || crate::render::render(&html, usize::from(width)))
        .await
        .unwrap_or_default()
}
