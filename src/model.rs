//! Domain types shared by the store, the refresher and the UI. No other crate's types appear
//! here, so feed-rs, reqwest and rusqlite stay behind their modules' borders.

use serde::{Deserialize, Serialize};

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
    /// Media attached to the item (RSS `<enclosure>`, Media RSS, Atom `rel="enclosure"`,
    /// JSON Feed attachments).
    pub enclosures: Vec<Enclosure>,
}

/// A media file attached to an item: a podcast episode, a video, a PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enclosure {
    /// Where the file is.
    pub url: String,
    /// Its media type (`audio/mpeg`), if the feed gives one.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    /// Its size in bytes, if the feed gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    /// Its playing time in seconds, if the feed gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

impl Enclosure {
    /// What kind of file it is: `audio`, `video`, `image` or `file`, from the media type,
    /// else from the file name's extension.
    pub fn kind(&self) -> &'static str {
        let top = self.mime.as_deref().and_then(|m| m.split('/').next());
        match top {
            Some("audio") => "audio",
            Some("video") => "video",
            Some("image") => "image",
            Some(_) => "file",
            None => match self.extension().as_deref() {
                Some("mp3" | "m4a" | "aac" | "ogg" | "oga" | "opus" | "wav" | "flac") => "audio",
                Some("mp4" | "m4v" | "webm" | "mov" | "mkv") => "video",
                Some("jpg" | "jpeg" | "png" | "gif" | "webp" | "avif") => "image",
                _ => "file",
            },
        }
    }

    /// The file format as people name it (`mp3`, `m4a`, `pdf`), if known.
    pub fn format(&self) -> Option<String> {
        let essence = self
            .mime
            .as_deref()
            .map(|m| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase());
        let from_mime = essence.as_deref().and_then(|m| {
            let sub = m.split_once('/')?.1;
            Some(match m {
                "audio/mpeg" | "audio/mp3" | "audio/mpeg3" => "mp3".to_string(),
                "audio/mp4" | "audio/x-m4a" | "audio/m4a" | "audio/aac" => "m4a".to_string(),
                "image/jpeg" => "jpg".to_string(),
                "application/octet-stream" => return None,
                _ => {
                    let sub = sub.strip_prefix("x-").unwrap_or(sub);
                    (sub.len() <= 8 && sub.chars().all(|c| c.is_ascii_alphanumeric()))
                        .then(|| sub.to_string())?
                }
            })
        });
        from_mime.or_else(|| self.extension())
    }

    /// The extension of the URL's file name, lower case, if it looks like one.
    fn extension(&self) -> Option<String> {
        let path = self.url.split(['?', '#']).next().unwrap_or_default();
        let name = path.rsplit('/').next().unwrap_or_default();
        let (_, ext) = name.rsplit_once('.')?;
        (!ext.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| ext.to_ascii_lowercase())
    }

    /// The reader's label: `audio: 34 min, mp3`, `video: 12 MB, mp4`, `file`.
    pub fn label(&self) -> String {
        let mut details = Vec::new();
        if let Some(secs) = self.duration.filter(|s| *s > 0) {
            details.push(duration_text(secs));
        } else if let Some(bytes) = self.length.filter(|b| *b > 0) {
            details.push(size_text(bytes));
        }
        details.extend(self.format());
        if details.is_empty() {
            self.kind().to_string()
        } else {
            format!("{}: {}", self.kind(), details.join(", "))
        }
    }
}

/// `45 s`, `34 min`, `1 h 5 min`.
fn duration_text(secs: u64) -> String {
    if secs < 60 {
        return format!("{secs} s");
    }
    let minutes = (secs + 30) / 60;
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes.is_multiple_of(60) {
        format!("{} h", minutes / 60)
    } else {
        format!("{} h {} min", minutes / 60, minutes % 60)
    }
}

/// `900 B`, `12 kB`, `3.4 MB`, `1.2 GB` (decimal units).
fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut unit = 0;
    let mut tenths = bytes.saturating_mul(10);
    while tenths >= 10_000 && unit + 1 < UNITS.len() {
        tenths /= 1000;
        unit += 1;
    }
    if unit == 0 || tenths >= 100 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
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
    /// How the document had to be repaired to be read (invalid bytes replaced, an undeclared
    /// encoding guessed), for the feed's status; `None` when it was read as sent.
    pub repair: Option<String>,
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
    /// An ignore rule matches it (listed only while ignored articles are shown).
    #[serde(skip)]
    pub ignored: bool,
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
    /// A note on the last document read: the repair it needed (see
    /// [`ParsedFeed::repair`]); its items were kept.
    pub note: Option<String>,
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
    /// Media attached to the item.
    pub enclosures: Vec<Enclosure>,
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

    #[test]
    fn enclosure_labels_name_the_kind_the_length_and_the_format() {
        let e = |url: &str, mime: Option<&str>, length: Option<u64>, duration: Option<u64>| {
            Enclosure {
                url: url.into(),
                mime: mime.map(str::to_string),
                length,
                duration,
            }
            .label()
        };
        assert_eq!(
            e(
                "https://p.example/ep.mp3",
                Some("audio/mpeg"),
                Some(32_640_000),
                Some(2041)
            ),
            "audio: 34 min, mp3"
        );
        assert_eq!(
            e(
                "https://p.example/ep",
                Some("audio/mpeg"),
                Some(32_640_000),
                None
            ),
            "audio: 33 MB, mp3"
        );
        assert_eq!(
            e(
                "https://p.example/v.mp4?x=1",
                None,
                Some(4_200_000),
                Some(3900)
            ),
            "video: 1 h 5 min, mp4"
        );
        assert_eq!(
            e(
                "https://p.example/r.pdf",
                Some("application/pdf"),
                Some(900),
                None
            ),
            "file: 900 B, pdf"
        );
        assert_eq!(e("https://p.example/x", None, Some(0), None), "file");
        assert_eq!(
            e(
                "https://p.example/i.jpg",
                Some("image/jpeg"),
                Some(1_500),
                None
            ),
            "image: 1.5 kB, jpg"
        );
    }
}
