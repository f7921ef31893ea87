//! Domain types shared by the store, the refresher and the UI. No other crate's types appear
//! here, so feed-rs, reqwest and rusqlite stay behind their modules' borders.

use serde::Serialize;

/// Row id of a feed in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FeedId(pub i64);

/// Row id of an article in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ArticleId(pub i64);

/// An article parsed from a feed, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingArticle {
    /// Stable identity within its feed: guid/id, else link, else a hash of title and date.
    pub key: String,
    /// One-line plain-text title.
    pub title: String,
    /// The article's web address.
    pub url: Option<String>,
    /// Author names, comma separated.
    pub authors: Option<String>,
    /// Publication time, Unix seconds.
    pub published: Option<i64>,
    /// Last update time, Unix seconds.
    pub updated: Option<i64>,
    /// One-line plain-text summary.
    pub summary: Option<String>,
    /// The full content HTML when the feed carries it.
    pub content_html: Option<String>,
    /// The feed's categories for the item (terms or labels), one-line text.
    pub categories: Vec<String>,
}

/// A parsed feed document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedFeed {
    /// The feed's own title.
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
    /// Its articles, de-duplicated by key, in document order.
    pub articles: Vec<IncomingArticle>,
    /// The feed's `<language>` (RSS, JSON Feed) or `xml:lang` (Atom), if it names one.
    pub language: Option<String>,
}

/// A headline as the lists show it (no bodies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleRow {
    /// Store id.
    pub id: ArticleId,
    /// The feed it came from.
    pub feed_id: FeedId,
    /// Plain-text title.
    pub title: String,
    /// The outlet's name from the config.
    pub outlet: String,
    /// Web address.
    pub url: Option<String>,
    /// Publication time (or first-seen time when the feed gives none), Unix seconds.
    pub published: i64,
    /// Whether it has been read.
    pub read: bool,
    /// Whether it is saved.
    pub saved: bool,
    /// Plain-text summary, for keyword routing and previews.
    #[serde(skip)]
    pub summary: Option<String>,
    /// Tags of a saved article, comma separated.
    pub tags: Option<String>,
    /// Its language (the outlet's `lang`, else the feed's own), if known.
    pub lang: Option<String>,
    /// The names that placed a routed item in the tab it was listed for (empty for the
    /// outlet's own tab).
    #[serde(default)]
    pub matched: Vec<String>,
}

/// Fetch validators kept per feed for conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag` as last sent by the server.
    pub etag: Option<String>,
    /// `Last-Modified` as last sent by the server.
    pub last_modified: Option<String>,
}

/// What the store knows about one feed's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedStatus {
    /// Store id.
    pub id: FeedId,
    /// Feed URL.
    pub url: String,
    /// Outlet name.
    pub outlet: String,
    /// Last fetch attempt, Unix seconds.
    pub last_fetch: Option<i64>,
    /// Last successful fetch, Unix seconds.
    pub last_success: Option<i64>,
    /// Articles stored.
    pub items: u32,
    /// Unread articles stored.
    pub unread: u32,
    /// The last error, when the last attempt failed.
    pub last_error: Option<String>,
    /// Consecutive failures.
    pub failures: u32,
    /// No automatic fetch before this time (backoff or Retry-After), Unix seconds.
    pub next_attempt: Option<i64>,
}

/// The current time in Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Which text of an article: what the feed carried, or what was extracted from the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TextSource {
    /// The feed's text.
    Feed,
    /// Text extracted from the article page.
    Extracted,
}

/// One version of an article's text, as cleaned HTML.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleText {
    /// Cleaned HTML.
    pub html: String,
    /// Words in it.
    pub words: usize,
    /// What produced it.
    pub method: ExtractMethod,
    /// Read from the article's saved copy rather than from the feed or the page.
    pub saved_copy: bool,
}

impl ArticleText {
    /// Where the text came from, for the reader's status line: `feed`, `general extractor`,
    /// `saved · outlet rule`.
    pub fn origin(&self) -> String {
        if self.saved_copy {
            format!("saved · {}", self.method)
        } else {
            self.method.to_string()
        }
    }
}

/// What produced an article's readable text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExtractMethod {
    /// The feed's own content or summary.
    #[default]
    Feed,
    /// The outlet's extraction rule, applied to the page.
    OutletRule,
    /// The general extractors, applied to the page.
    General,
}

impl ExtractMethod {
    /// The name stored in the database and written to saved files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::OutletRule => "outlet rule",
            Self::General => "general extractor",
        }
    }

    /// The method a stored name stands for; names this version does not know read as
    /// [`ExtractMethod::General`], since only page extraction ever stored other names.
    pub fn from_stored(name: &str) -> Self {
        match name {
            "feed" | "" => Self::Feed,
            "outlet rule" => Self::OutletRule,
            _ => Self::General,
        }
    }
}

impl std::fmt::Display for ExtractMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a saved copy records about its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedMeta {
    /// Store id (part of the file name, so two articles never share a file).
    pub id: i64,
    /// Title.
    pub title: String,
    /// Outlet name.
    pub outlet: String,
    /// Web address.
    pub url: Option<String>,
    /// Author names.
    pub authors: Option<String>,
    /// Publication time, Unix seconds.
    pub published: i64,
    /// Save time, Unix seconds.
    pub saved: i64,
    /// How the text was obtained.
    pub method: ExtractMethod,
    /// Tags, comma separated.
    pub tags: Option<String>,
    /// Language, if known.
    pub lang: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extract_methods_round_trip_through_their_stored_names() {
        for m in [
            ExtractMethod::Feed,
            ExtractMethod::OutletRule,
            ExtractMethod::General,
        ] {
            assert_eq!(ExtractMethod::from_stored(m.as_str()), m);
        }
        assert_eq!(ExtractMethod::General.as_str(), "general extractor");
        let saved = ArticleText {
            method: ExtractMethod::OutletRule,
            saved_copy: true,
            ..ArticleText::default()
        };
        assert_eq!(saved.origin(), "saved · outlet rule");
    }
}
