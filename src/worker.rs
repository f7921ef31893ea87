//! The background worker: every piece of network and disk work the TUI needs. The UI sends
//! [`Job`]s and hears back only through owned [`WorkerEvent`]s; it never waits on either.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::extract::Rendered;
use crate::feeds::fetch::Fetcher;
use crate::model::{ArticleId, ArticleRow, ArticleText, FeedStatus, TextSource, Validators};
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
    /// Only rows matching this text (title, outlet, tags; and the saved text in the Saved tab).
    pub search: Option<String>,
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
    /// Load unread counts per tab (each tab given by its feed URLs).
    LoadCounts {
        /// Feed URLs of every tab, by tab index.
        tabs: Vec<Vec<String>>,
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
        /// The article.
        article: ArticleId,
        /// The new state.
        read: bool,
        /// Feed URLs of every tab, for the recount.
        tabs: Vec<Vec<String>>,
    },
    /// Load the feed-status table.
    LoadFeedStatus,
    /// Open an article: load its feed text at once, then fetch and extract the page when the
    /// feed text is a teaser (or when forced), caching the result.
    OpenArticle {
        /// The article.
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
        /// The article.
        id: ArticleId,
    },
    /// Remove an article from the saved ones (and its Markdown file).
    Unsave {
        /// The article.
        id: ArticleId,
    },
    /// Set a saved article's tags.
    SetTags {
        /// The article.
        id: ArticleId,
        /// Comma-separated tags.
        tags: String,
    },
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
    },
    /// The page was fetched and extracted (or that failed).
    ArticleExtracted {
        /// The generation of the request.
        generation: u64,
        /// The page's byline, when the feed named no authors.
        byline: Option<String>,
        /// The extracted text and its rendering, or why there is none.
        result: Result<(ArticleText, Rendered), String>,
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
        /// The article.
        id: ArticleId,
        /// The file written and the method, or why saving failed.
        result: Result<(String, String), String>,
    },
    /// An article was removed from the saved ones.
    Unsaved {
        /// The article.
        id: ArticleId,
    },
    /// Tags were set.
    TagsSet {
        /// The article.
        id: ArticleId,
        /// The tags as stored.
        tags: Option<String>,
    },
    /// Something failed; the text says what.
    Error(String),
}

/// Settings the worker needs from the config.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Feeds refreshed at once.
    pub parallel: usize,
    /// Where saved articles' Markdown copies go.
    pub saved_dir: std::path::PathBuf,
    /// Feed texts with fewer words are teasers.
    pub teaser_words: usize,
    /// Per-outlet extraction rules.
    pub rules: Arc<crate::rules::Rules>,
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
    let rules = settings.rules.clone();
    let (job_tx, mut job_rx) = mpsc::unbounded_channel::<Job>();
    let (out_tx, out_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    tokio::spawn(async move {
        let refreshing = Arc::new(AtomicBool::new(false));
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
                        flag.store(false, Ordering::Release);
                        let _ = out.send(WorkerEvent::RefreshFinished);
                    });
                }
                Job::Save { id } => {
                    let settings = settings.clone();
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
            WorkerEvent::Counts(store.read(move |s| s.unread_by_tab(&tabs)).await?)
        }
        Job::SetRead {
            article,
            read,
            tabs,
        } => {
            store.call(move |s| s.set_read(article, read)).await?;
            let counts = store.read(move |s| s.unread_by_tab(&tabs)).await?;
            WorkerEvent::Counts(counts)
        }
        Job::LoadFeedStatus => WorkerEvent::FeedStatus(store.read(|s| s.feed_statuses()).await?),
        Job::Render {
            generation,
            source,
            html,
            width,
        } => {
            let rendered = tokio::task::spawn_blocking(move || {
                crate::extract::render(&html, usize::from(width))
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
        Job::Refresh { .. } | Job::OpenArticle { .. } | Job::Save { .. } => {
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

/// The feed's text of an article as HTML: its full content, else its summary.
fn feed_text(content_html: Option<&str>, summary: Option<&str>) -> ArticleText {
    let html = match (content_html, summary) {
        (Some(html), _) => crate::text::strip_furniture(html),
        (None, Some(summary)) => format!("<p>{}</p>", html_escape::encode_text(summary)),
        (None, None) => String::new(),
    };
    let words = crate::text::word_count(&crate::text::one_line(&html));
    ArticleText {
        html,
        words,
        method: "feed".into(),
    }
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
        let method = format!(
            "saved · {}",
            detail.saved_method.clone().unwrap_or_else(|| "feed".into())
        );
        let text = ArticleText {
            html: html.clone(),
            words,
            method,
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
        });
        return;
    }
    let KnownTexts { feed, cached, url } = known_texts(&detail);
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
    });
    let Some(url) = url.filter(|_| extracting) else {
        return;
    };
    let result = extract_and_cache(
        store,
        fetcher,
        rules,
        id,
        &url,
        &feed,
        detail.authors.is_some(),
    )
    .await;
    let byline = result.as_ref().ok().and_then(|(_, b)| b.clone());
    let result = result.map(|(text, _)| text);
    let result = match result {
        Ok(text) => {
            let rendered = render_blocking(text.html.clone(), width).await;
            Ok((text, rendered))
        }
        Err(e) => Err(e),
    };
    let _ = out.send(WorkerEvent::ArticleExtracted {
        generation,
        result,
        byline,
    });
}

/// Whether the feed's text is only a teaser of the article: fewer than `min_words` words, or
/// cut off with the marks feeds use for excerpts ("…", "[…]", "Read more", "Continue reading").
pub fn is_teaser(feed: &ArticleText, min_words: usize) -> bool {
    if feed.words < min_words {
        return true;
    }
    let text = crate::text::one_line(&feed.html).to_lowercase();
    let tail: String = text
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ']' | '»' | '›' | '→'));
    tail.ends_with('…')
        || tail.ends_with("[...")
        || tail.ends_with("...")
        || [
            "read more",
            "continue reading",
            "read the full story",
            "appeared first on",
        ]
        .iter()
        .any(|m| tail.contains(m))
}

/// The texts an article already has: the feed's, a cached extraction, and its web address
/// when that can be fetched.
pub struct KnownTexts {
    /// The feed's text.
    pub feed: ArticleText,
    /// Text extracted earlier, from the store.
    pub cached: Option<ArticleText>,
    /// The article's http(s) address.
    pub url: Option<String>,
}

/// Gathers [`KnownTexts`] from a stored article.
pub fn known_texts(detail: &crate::store::ArticleDetail) -> KnownTexts {
    KnownTexts {
        feed: feed_text(
            detail.content_html.as_deref(),
            detail.row.summary.as_deref(),
        ),
        cached: detail.extracted.clone(),
        url: detail
            .row
            .url
            .clone()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
    }
}

/// Fetches and extracts an article's page, then caches the result (or the failure) in the
/// store, with the page's byline when the feed named no authors. Returns the text and byline.
#[allow(clippy::too_many_arguments)]
pub async fn extract_and_cache(
    store: &StoreHandle,
    fetcher: &Fetcher,
    rules: &crate::rules::Rules,
    id: ArticleId,
    url: &str,
    feed: &ArticleText,
    has_authors: bool,
) -> Result<(ArticleText, Option<String>), String> {
    let result = fetch_and_extract(fetcher, rules, url, feed).await;
    let to_store = match &result {
        Ok((text, byline)) => Ok((text.clone(), byline.clone().filter(|_| !has_authors))),
        Err(e) => Err(e.clone()),
    };
    let stored = store
        .call(move |s| match &to_store {
            Ok((text, byline)) => {
                if let Some(b) = byline {
                    s.set_authors_if_missing(id, b)?;
                }
                s.cache_extraction(id, Ok(text))
            }
            Err(e) => s.cache_extraction(id, Err(e.as_str())),
        })
        .await;
    if let Err(e) = stored {
        tracing::warn!("caching the extraction of article {}: {e}", id.0);
    }
    result.map(|(text, byline)| (text, byline.filter(|_| !has_authors)))
}

/// Saves an article: the best text available (extracting the page first when the feed has only
/// a teaser), stored in the database and written as Markdown. Returns (file, method).
pub async fn save_article(
    store: &StoreHandle,
    fetcher: &Fetcher,
    settings: &WorkerSettings,
    id: ArticleId,
) -> Result<(String, String), String> {
    let detail = store
        .call(move |s| s.article_detail(id))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no article with id {}", id.0))?;
    let KnownTexts { feed, cached, url } = known_texts(&detail);
    let mut authors = detail.authors.clone();
    let text = match cached {
        Some(c) if c.words >= feed.words || is_teaser(&feed, settings.teaser_words) => c,
        Some(_) => feed,
        None => match url {
            Some(url) if is_teaser(&feed, settings.teaser_words) => {
                match extract_and_cache(
                    store,
                    fetcher,
                    &settings.rules,
                    id,
                    &url,
                    &feed,
                    detail.authors.is_some(),
                )
                .await
                {
                    Ok((text, byline)) => {
                        authors = authors.or(byline);
                        text
                    }
                    Err(e) => {
                        tracing::info!("saving article {} with its feed text: {e}", id.0);
                        feed
                    }
                }
            }
            _ => feed,
        },
    };
    let meta = crate::saving::SavedMeta {
        id: id.0,
        title: detail.row.title.clone(),
        outlet: detail.row.outlet.clone(),
        url: detail.row.url.clone(),
        authors,
        published: detail.row.published,
        saved: detail.saved_at.unwrap_or_else(crate::model::now_unix),
        method: text.method.clone(),
        tags: detail.row.tags.clone(),
    };
    let dir = settings.saved_dir.clone();
    let html = text.html.clone();
    let (markdown, path) = tokio::task::spawn_blocking(move || {
        let markdown = crate::saving::to_markdown(&html);
        let doc = crate::saving::markdown_document(&meta, &markdown);
        let name = crate::saving::file_name(&meta, "md");
        crate::saving::write_atomically(&dir, &name, &doc).map(|p| (markdown, p))
    })
    .await
    .map_err(|e| format!("saving crashed: {e}"))?
    .map_err(|e| format!("writing the saved copy failed: {e}"))?;
    let file = path.display().to_string();
    let copy = crate::store::SavedCopy {
        html: text.html,
        text: markdown,
        method: text.method.clone(),
        file: Some(file.clone()),
    };
    store
        .call(move |s| s.save_article(id, &copy))
        .await
        .map_err(|e| e.to_string())?;
    Ok((file, text.method))
}

async fn render_blocking(html: String, width: u16) -> Rendered {
    tokio::task::spawn_blocking(move || crate::extract::render(&html, usize::from(width)))
        .await
        .unwrap_or_default()
}

/// Fetches an article page and extracts its text. The error says why in words for people.
pub async fn fetch_and_extract(
    fetcher: &Fetcher,
    rules: &crate::rules::Rules,
    url: &str,
    feed: &ArticleText,
) -> Result<(ArticleText, Option<String>), String> {
    let page = match fetcher
        .get(url, &Validators::default(), Some("browser"))
        .await
    {
        Ok(crate::feeds::fetch::FetchOutcome::Fresh {
            body, final_url, ..
        }) => (body, final_url),
        Ok(crate::feeds::fetch::FetchOutcome::NotModified { .. }) => {
            return Err("the page answered 304".into())
        }
        Err(e) => return Err(format!("fetching the page failed: {e}")),
    };
    let feed_words = feed.words;
    let rule = rules.for_url(&page.1).or_else(|| rules.for_url(url));
    let extracted = tokio::task::spawn_blocking(move || {
        let html = crate::text::decode_html_bytes(&page.0);
        crate::extract::extract(&html, Some(&page.1), rule.as_ref())
    })
    .await
    .map_err(|e| format!("extraction crashed: {e}"))?;
    match extracted {
        Ok(e) if e.word_count < 80 && e.word_count <= feed_words => Err(format!(
            "the page gave only {} words (paywalled or script-only?)",
            e.word_count
        )),
        Ok(e) => Ok((
            ArticleText {
                html: e.html,
                words: e.word_count,
                method: match e.method {
                    crate::extract::Method::OutletRule => "outlet rule".into(),
                    crate::extract::Method::General => "general extractor".into(),
                },
            },
            e.byline
                .map(|b| crate::text::collapse_whitespace(&crate::text::sanitize(&b)))
                .filter(|b| !b.is_empty() && b.len() < 200),
        )),
        Err(e) => Err(format!("no article text found on the page ({e})")),
    }
}

/// Loads a tab's rows: its feeds, plus keyword matches from `keyword_feeds`, newest first,
/// with articles whose URL already appeared (the same story from two feeds) dropped.
pub fn load_tab(store: &mut Store, query: &TabQuery) -> Result<Vec<ArticleRow>, StoreError> {
    if query.saved {
        return store.saved_articles(query.limit, query.search.as_deref());
    }
    let search = query.search.as_deref().filter(|q| !q.trim().is_empty());
    let mut rows = store.search_feeds(&query.feeds, query.limit, search)?;
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
    if let Some(q) = query
        .search
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty())
    {
        rows.retain(|r| {
            [
                Some(r.title.as_str()),
                Some(r.outlet.as_str()),
                r.summary.as_deref(),
                r.tags.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&q))
        });
    }
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
    fn feed_html_loses_frames_forms_and_scripts() {
        let text = feed_text(Some("<p>a</p><iframe src='x'>frame</iframe><form>Subscribe<input></form><script>x()</script><p>b</p>"), None);
        let plain = crate::text::one_line(&text.html);
        assert_eq!(plain, "a b");
        assert_eq!(feed_text(Some("<p>plain</p>"), None).html, "<p>plain</p>");
    }

    #[test]
    fn teasers_are_short_or_cut_off() {
        let text = |html: &str| ArticleText {
            html: html.into(),
            words: crate::text::word_count(html),
            method: "feed".into(),
        };
        let long = "word ".repeat(300);
        assert!(is_teaser(&text("<p>Short.</p>"), 200));
        assert!(!is_teaser(&text(&format!("<p>{long}</p>")), 200));
        assert!(is_teaser(&text(&format!("<p>{long} […]</p>")), 200));
        assert!(is_teaser(&text(&format!("<p>{long}&hellip;</p>")), 200));
        assert!(is_teaser(
            &text(&format!(
                "<p>{long}</p><p><a href=\"x\">Continue reading →</a></p>"
            )),
            200
        ));
        assert!(is_teaser(
            &text(&format!(
                "<p>{long}</p><p>The post X appeared first on Y.</p>"
            )),
            200
        ));
    }

    #[test]
    fn urls_normalise_for_duplicates() {
        assert_eq!(
            normalize_url("https://www.dawn.com/news/1/"),
            normalize_url("http://dawn.com/news/1")
        );
    }
}
