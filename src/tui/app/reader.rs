//! The reader's state: which article is open, its feed text and extracted text, which of the
//! two shows, the rendered lines at the current width, and the scroll position.

use crate::extract::Rendered;
use crate::model::ArticleRow;
pub use crate::model::{ArticleText as Body, TextSource as Source};

/// Progress of fetching and extracting the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractState {
    /// The feed text is complete; no page fetch was needed.
    NotNeeded,
    /// Fetching or extracting now.
    Running,
    /// Done; the extracted body is available.
    Done,
    /// Failed; the text says why.
    Failed(String),
}

/// Rendered lines of one body at one width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBody {
    /// Which body.
    pub source: Source,
    /// The text width it was wrapped at.
    pub width: u16,
    /// Lines and links.
    pub rendered: Rendered,
}

/// The open article.
#[derive(Debug, Clone)]
pub struct Reader {
    /// The headline row (title, outlet, time, saved state).
    pub row: ArticleRow,
    /// Author names.
    pub authors: Option<String>,
    /// Requests for this article carry this number; answers with another are stale.
    pub generation: u64,
    /// The feed's text, once loaded.
    pub feed: Option<Body>,
    /// The extracted text, once available.
    pub extracted: Option<Body>,
    /// Page extraction progress.
    pub extract_state: ExtractState,
    /// Which text shows.
    pub source: Source,
    /// The showing text, rendered.
    pub rendered: Option<RenderedBody>,
    /// First visible line.
    pub scroll: usize,
    /// Digits typed so far for "open link n".
    pub link_number: String,
    /// `f` was pressed: digits and Enter open a link.
    pub following: bool,
}

impl Reader {
    /// A reader for `row` that is waiting for the body.
    pub fn new(row: ArticleRow, generation: u64) -> Self {
        Self {
            row,
            authors: None,
            generation,
            feed: None,
            extracted: None,
            extract_state: ExtractState::NotNeeded,
            source: Source::Feed,
            rendered: None,
            scroll: 0,
            link_number: String::new(),
            following: false,
        }
    }

    /// The body that shows now.
    pub fn showing(&self) -> Option<&Body> {
        match self.source {
            Source::Feed => self.feed.as_ref(),
            Source::Extracted => self.extracted.as_ref().or(self.feed.as_ref()),
        }
    }

    /// Total lines of the rendered view: header (title, meta, rule), body, link list.
    pub fn line_count(&self) -> usize {
        self.rendered
            .as_ref()
            .map_or(0, |r| r.rendered.lines.len() + r.rendered.links.len() + 2)
    }
}
