//! What khabar does with one article, for the TUI's worker and the command line alike: which
//! texts it already has ([`known_texts`]), whether the feed gave only a teaser ([`is_teaser`]),
//! fetching and extracting its page ([`fetch_and_extract`], [`extract_and_cache`]) and saving it
//! for offline reading ([`save_article`]).

use std::path::PathBuf;
use std::sync::Arc;

use crate::extract::ExtractError;
use crate::feeds::fetch::{FetchError, FetchOutcome, Fetcher};
use crate::model::{ArticleId, ArticleText, ExtractMethod};
use crate::rules::Rules;
use crate::store::{ArticleDetail, SavedCopy, StoreError, StoreHandle};

/// Longest an article page may take to extract.
pub const EXTRACT_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Why an article's page or saved copy could not be had. Cloneable so that it can travel in
/// the worker's events; the causes that are not clone themselves are shared.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ArticleError {
    /// The article is not (or no longer) in the store.
    #[error("no article with id {0}")]
    NotFound(i64),
    /// The store failed.
    #[error(transparent)]
    Store(Arc<StoreError>),
    /// The page could not be fetched.
    #[error("fetching the page failed: {0}")]
    Fetch(#[from] FetchError),
    /// The page answered "not modified" to a request that had no validators.
    #[error("the page answered 304")]
    NotModified,
    /// The extractor found less text than the feed already had.
    #[error("the page gave only {0} words (paywalled or script-only?)")]
    TooShort(usize),
    /// The extractor found no article on the page.
    #[error("{}", no_text_message(.0))]
    NoText(Arc<ExtractError>),
    /// Extraction took longer than [`EXTRACT_BUDGET`].
    #[error("the page took longer than {} s to extract", EXTRACT_BUDGET.as_secs())]
    TooSlow,
    /// A background task died (it panicked or was cancelled).
    #[error("{0} crashed")]
    Crashed(&'static str),
    /// The saved copy could not be written.
    #[error("writing the saved copy failed: {0}")]
    Write(Arc<std::io::Error>),
}

/// Why a page gave no text, in words: a page without an article body is most often behind a
/// paywall or drawn by scripts.
fn no_text_message(e: &ExtractError) -> String {
    match e {
        ExtractError::NoContent => {
            "no article text found on the page (paywalled or script-only?)".into()
        }
        other => format!("no article text found on the page ({other})"),
    }
}

impl From<StoreError> for ArticleError {
    fn from(e: StoreError) -> Self {
        Self::Store(Arc::new(e))
    }
}

/// Text extracted from an article's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText {
    /// The readable text.
    pub text: ArticleText,
    /// The page's byline (only when the feed named no authors).
    pub byline: Option<String>,
}

/// A saved copy written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFile {
    /// Path of the Markdown file.
    pub file: String,
    /// What produced the saved text.
    pub method: ExtractMethod,
}

/// What saving needs from the config.
#[derive(Debug, Clone)]
pub struct SaveSettings {
    /// Where saved articles' Markdown copies go.
    pub saved_dir: PathBuf,
    /// Feed texts with fewer words are teasers: the page is extracted before saving.
    pub teaser_words: usize,
    /// Per-outlet extraction rules.
    pub rules: Arc<Rules>,
}

/// The feed's text of an article as HTML: its full content, else its summary.
pub fn feed_text(content_html: Option<&str>, summary: Option<&str>) -> ArticleText {
    let html = match (content_html, summary) {
        (Some(html), _) => crate::text::strip_furniture(html),
        (None, Some(summary)) => format!("<p>{}</p>", html_escape::encode_text(summary)),
        (None, None) => String::new(),
    };
    let words = crate::text::word_count(&crate::text::one_line(&html));
    ArticleText {
        html,
        words,
        method: ExtractMethod::Feed,
        saved_copy: false,
    }
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
    /// The feed it came from.
    pub feed_url: Option<String>,
}

/// Gathers [`KnownTexts`] from a stored article.
pub fn known_texts(detail: &ArticleDetail) -> KnownTexts {
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
        feed_url: detail.feed_url.clone(),
    }
}

/// An article page to fetch: its address and the feed whose content named it.
#[derive(Debug, Clone, Copy)]
pub struct PageLink<'a> {
    /// The page.
    pub url: &'a str,
    /// The feed it came from (a page on the feed's own origin may be on a private address).
    pub feed_url: Option<&'a str>,
}

/// Fetches and extracts an article's page, then caches the result (or the failure) in the
/// store, with the page's byline when the feed named no authors.
pub async fn extract_and_cache(
    store: &StoreHandle,
    fetcher: &Fetcher,
    rules: &Rules,
    id: ArticleId,
    page: PageLink<'_>,
    feed: &ArticleText,
    has_authors: bool,
) -> Result<PageText, ArticleError> {
    let result = fetch_and_extract(fetcher, rules, page, feed)
        .await
        .map(|page| PageText {
            byline: page.byline.filter(|_| !has_authors),
            ..page
        });
    let to_store = result.clone();
    let stored = store
        .call(move |s| match &to_store {
            Ok(page) => {
                if let Some(b) = &page.byline {
                    s.set_authors_if_missing(id, b)?;
                }
                s.cache_extraction(id, Ok(&page.text))
            }
            Err(e) => s.cache_extraction(id, Err(e.to_string().as_str())),
        })
        .await;
    if let Err(e) = stored {
        tracing::warn!("caching the extraction of article {}: {e}", id.0);
    }
    result
}

/// Saves an article: the best text available (extracting the page first when the feed has only
/// a teaser), stored in the database and written as Markdown.
pub async fn save_article(
    store: &StoreHandle,
    fetcher: &Fetcher,
    settings: &SaveSettings,
    id: ArticleId,
) -> Result<SavedFile, ArticleError> {
    let detail = store
        .call(move |s| s.article_detail(id))
        .await?
        .ok_or(ArticleError::NotFound(id.0))?;
    let KnownTexts {
        feed,
        cached,
        url,
        feed_url,
    } = known_texts(&detail);
    let mut authors = detail.authors.clone();
    let teaser = is_teaser(&feed, settings.teaser_words);
    let text = match (cached, url) {
        (Some(c), _) if c.words >= feed.words || teaser => c,
        (Some(_), _) => feed,
        (None, Some(url)) if teaser => {
            let has_authors = detail.authors.is_some();
            match extract_and_cache(
                store,
                fetcher,
                &settings.rules,
                id,
                PageLink {
                    url: &url,
                    feed_url: feed_url.as_deref(),
                },
                &feed,
                has_authors,
            )
            .await
            {
                Ok(page) => {
                    authors = authors.or(page.byline);
                    page.text
                }
                Err(e) => {
                    tracing::info!("saving article {} with its feed text: {e}", id.0);
                    feed
                }
            }
        }
        (None, _) => feed,
    };
    let meta = crate::saving::SavedMeta {
        id: id.0,
        title: detail.row.title.clone(),
        outlet: detail.row.outlet.clone(),
        url: detail.row.url.clone(),
        authors,
        published: detail.row.published,
        saved: detail.saved_at.unwrap_or_else(crate::model::now_unix),
        method: text.method,
        tags: detail.row.tags.clone(),
        lang: detail.row.lang.clone(),
        enclosures: detail.enclosures.clone(),
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
    .map_err(|_| ArticleError::Crashed("saving"))?
    .map_err(|e| ArticleError::Write(Arc::new(e)))?;
    let file = path.display().to_string();
    let copy = SavedCopy {
        html: text.html,
        text: markdown,
        method: text.method,
        file: Some(file.clone()),
    };
    store.call(move |s| s.save_article(id, &copy)).await?;
    Ok(SavedFile {
        file,
        method: text.method,
    })
}

/// Fetches an article page and extracts its text.
pub async fn fetch_and_extract(
    fetcher: &Fetcher,
    rules: &Rules,
    page: PageLink<'_>,
    feed: &ArticleText,
) -> Result<PageText, ArticleError> {
    let url = page.url;
    let (body, final_url) = match fetcher.get_page(url, page.feed_url).await? {
        FetchOutcome::Fresh {
            body, final_url, ..
        } => (body, final_url),
        FetchOutcome::NotModified { .. } => return Err(ArticleError::NotModified),
    };
    let feed_words = feed.words;
    let rule = rules.for_url(&final_url).or_else(|| rules.for_url(url));
    let extraction = tokio::task::spawn_blocking(move || {
        let html = crate::text::decode_html_bytes(&body);
        crate::extract::extract(&html, Some(&final_url), rule.as_ref())
    });
    // Real pages extract in milliseconds; past the budget the reader keeps the feed text.
    let extracted = tokio::time::timeout(EXTRACT_BUDGET, extraction)
        .await
        .map_err(|_| ArticleError::TooSlow)?
        .map_err(|_| ArticleError::Crashed("extraction"))?
        .map_err(|e| ArticleError::NoText(Arc::new(e)))?;
    tracing::debug!(
        "extracted {} words ({} bytes of HTML) from {}",
        extracted.word_count,
        extracted.html.len(),
        crate::text::one_line(url)
    );
    if extracted.word_count < 80 && extracted.word_count <= feed_words {
        return Err(ArticleError::TooShort(extracted.word_count));
    }
    Ok(PageText {
        text: ArticleText {
            html: extracted.html,
            words: extracted.word_count,
            method: match extracted.method {
                crate::extract::Method::OutletRule => ExtractMethod::OutletRule,
                crate::extract::Method::General => ExtractMethod::General,
            },
            saved_copy: false,
        },
        byline: extracted
            .byline
            .map(|b| crate::text::collapse_whitespace(&crate::text::sanitize(&b)))
            .filter(|b| !b.is_empty() && b.len() < 200),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_without_article_text_is_called_paywalled_or_script_only() {
        let e = ArticleError::NoText(Arc::new(ExtractError::NoContent));
        assert_eq!(
            e.to_string(),
            "no article text found on the page (paywalled or script-only?)"
        );
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
            ..ArticleText::default()
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
}
