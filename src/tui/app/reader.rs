//! The reader's state: which article is open, its feed text and extracted text, which of the
//! two shows, the rendered lines at the current width, and the scroll position.

use ratatui::crossterm::event::KeyEvent;

use super::{App, Effect, Screen};
use crate::keymap::Action;
use crate::model::{ArticleRow, TextSource};
pub use crate::model::{ArticleText as Body, TextSource as Source};
use crate::render::Rendered;
use crate::tui::worker::{Job, RenderedText, WorkerEvent};

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
    /// Media attached to the article, numbered after the text's links.
    pub enclosures: Vec<crate::model::Enclosure>,
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
            enclosures: Vec::new(),
        }
    }

    /// How many links can be opened by number: the text's, then the enclosures.
    pub fn link_count(&self) -> usize {
        self.rendered.as_ref().map_or(0, |x| x.rendered.links.len()) + self.enclosures.len()
    }

    /// Link `n` (from 1): the text's links first, then the enclosures.
    pub fn link(&self, n: usize) -> Option<&str> {
        let i = n.checked_sub(1)?;
        let links = self
            .rendered
            .as_ref()
            .map_or(&[][..], |x| &x.rendered.links[..]);
        match links.get(i) {
            Some(url) => Some(url),
            None => self.enclosures.get(i - links.len()).map(|e| e.url.as_str()),
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
        self.rendered.as_ref().map_or(0, |r| {
            r.rendered.lines.len() + r.rendered.links.len() + self.enclosures.len() + 2
        })
    }
}

/// The reader's part of [`App`]: opening, rendering, scrolling and following links.
impl App {
    /// The open article's texts and renderings; answers for an article no longer open (another
    /// generation) are dropped.
    pub(super) fn on_reader_event(&mut self, event: WorkerEvent) -> Vec<Effect> {
        match event {
            WorkerEvent::ArticleOpened {
                generation,
                authors,
                feed,
                cached,
                rendered,
                source,
                extracting,
                enclosures,
            } => {
                let width = self.reader_width();
                let Some(r) = self.reader.as_mut().filter(|r| r.generation == generation) else {
                    return Vec::new();
                };
                r.authors = authors;
                r.enclosures = enclosures;
                r.feed = Some(feed);
                r.extract_state = if extracting {
                    ExtractState::Running
                } else if cached.is_some() {
                    ExtractState::Done
                } else {
                    ExtractState::NotNeeded
                };
                r.extracted = cached;
                r.source = source;
                r.rendered = Some(RenderedBody {
                    source,
                    width,
                    rendered,
                });
                self.rerender_if_needed()
            }
            WorkerEvent::ArticleExtracted {
                generation,
                result,
                byline,
            } => {
                let width = self.reader_width();
                let Some(r) = self.reader.as_mut().filter(|r| r.generation == generation) else {
                    return Vec::new();
                };
                if r.authors.is_none() {
                    r.authors = byline;
                }
                match result {
                    Ok(RenderedText { text, rendered }) => {
                        let better = r
                            .feed
                            .as_ref()
                            .is_none_or(|f| text.words > f.words || f.words < self.teaser_words);
                        r.extracted = Some(text);
                        r.extract_state = ExtractState::Done;
                        // Replace the teaser unless the reader already scrolled into it.
                        if better && r.source == TextSource::Feed && r.scroll == 0 {
                            r.source = TextSource::Extracted;
                            r.rendered = Some(RenderedBody {
                                source: TextSource::Extracted,
                                width,
                                rendered,
                            });
                        }
                    }
                    Err(e) => {
                        r.extract_state = ExtractState::Failed(e.to_string());
                        // The failure is the news now; a later message (a save) replaces it.
                        self.message = None;
                    }
                }
                self.rerender_if_needed()
            }
            WorkerEvent::Rendered {
                generation,
                source,
                width,
                rendered,
            } => {
                if let Some(r) = self
                    .reader
                    .as_mut()
                    .filter(|r| r.generation == generation && r.source == source)
                {
                    r.rendered = Some(RenderedBody {
                        source,
                        width,
                        rendered,
                    });
                    r.scroll = r.scroll.min(r.line_count().saturating_sub(1));
                }
                self.rerender_if_needed()
            }
            _ => Vec::new(),
        }
    }

    /// Asks for a new rendering when the showing text or the width changed.
    pub(super) fn rerender_if_needed(&mut self) -> Vec<Effect> {
        let width = self.reader_width();
        let Some(r) = self.reader.as_ref() else {
            return Vec::new();
        };
        let Some(body) = r.showing() else {
            return Vec::new();
        };
        let stale = r
            .rendered
            .as_ref()
            .is_none_or(|x| x.width != width || x.source != r.source);
        if !stale {
            return Vec::new();
        }
        vec![Effect::Job(Job::Render {
            generation: r.generation,
            source: r.source,
            html: body.html.clone(),
            width,
        })]
    }

    /// Opens the selected headline in the reader.
    pub(super) fn open_selected(&mut self, force_extract: bool) -> Vec<Effect> {
        let Some(row) = self.selected_row().cloned() else {
            return Vec::new();
        };
        self.generation += 1;
        let mut effects = vec![Effect::Job(Job::OpenArticle {
            id: row.id,
            generation: self.generation,
            width: self.reader_width(),
            force_extract,
            teaser_words: self.teaser_words,
        })];
        if !row.read {
            effects.extend(self.toggle_read(true));
        }
        let mut row = row;
        row.read = true;
        self.reader = Some(Reader::new(row, self.generation));
        self.screen = Screen::Reader;
        effects
    }

    /// On a split screen, the article selected in the list shows on the right (not marked
    /// read until it is opened with Enter).
    pub(super) fn preview_selected(&mut self) -> Vec<Effect> {
        if !self.is_split() || self.screen != Screen::Headlines || self.prompt.is_some() {
            return Vec::new();
        }
        let Some(row) = self.selected_row().cloned() else {
            return Vec::new();
        };
        if self.reader.as_ref().is_some_and(|r| r.row.id == row.id) {
            return Vec::new();
        }
        self.generation += 1;
        self.reader = Some(Reader::new(row.clone(), self.generation));
        vec![Effect::Job(Job::OpenArticle {
            id: row.id,
            generation: self.generation,
            width: self.reader_width(),
            force_extract: false,
            teaser_words: self.teaser_words,
        })]
    }

    /// Digits typed in the reader build a link number; Enter opens that link.
    pub(super) fn reader_digit(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        use ratatui::crossterm::event::KeyCode;
        let r = self.reader.as_mut()?;
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() => {
                if r.link_number.len() < 4 {
                    r.link_number.push(c);
                }
                // After `f`, open as soon as no further digit could name another link.
                let links = r.link_count();
                let n: usize = r.link_number.parse().unwrap_or(0);
                if r.following && n > 0 && n * 10 > links {
                    r.following = false;
                    r.link_number.clear();
                    return Some(match r.link(n) {
                        Some(url) => vec![Effect::OpenUrl(url.to_string())],
                        None => {
                            self.message = Some(format!("no link [{n}]"));
                            Vec::new()
                        }
                    });
                }
                Some(Vec::new())
            }
            KeyCode::Backspace if !r.link_number.is_empty() => {
                r.link_number.pop();
                Some(Vec::new())
            }
            KeyCode::Enter if !r.link_number.is_empty() => {
                let n: usize = std::mem::take(&mut r.link_number).parse().unwrap_or(0);
                r.following = false;
                let link = r.link(n).map(str::to_string);
                Some(match link {
                    Some(url) => vec![Effect::OpenUrl(url)],
                    None => {
                        self.message = Some(format!("no link [{n}]"));
                        Vec::new()
                    }
                })
            }
            KeyCode::Esc if r.following || !r.link_number.is_empty() => {
                r.following = false;
                r.link_number.clear();
                Some(Vec::new())
            }
            _ => None,
        }
    }

    pub(super) fn apply_reader(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        if self.show_help {
            self.show_help = false;
            if matches!(action, Action::Help | Action::Back | Action::Quit) {
                return Vec::new();
            }
        }
        let rows = self.reader_rows();
        let Some(r) = self.reader.as_mut() else {
            self.screen = Screen::Headlines;
            return Vec::new();
        };
        let last = r.line_count().saturating_sub(rows);
        match action {
            Action::Back | Action::Quit => {
                self.reader = None;
                self.screen = Screen::Headlines;
                Vec::new()
            }
            Action::Down => {
                r.scroll = (r.scroll + 1).min(last);
                Vec::new()
            }
            Action::Up => {
                r.scroll = r.scroll.saturating_sub(1);
                Vec::new()
            }
            Action::PageDown => {
                r.scroll = (r.scroll + rows.saturating_sub(2).max(1)).min(last);
                Vec::new()
            }
            Action::PageUp => {
                r.scroll = r.scroll.saturating_sub(rows.saturating_sub(2).max(1));
                Vec::new()
            }
            Action::Top => {
                r.scroll = 0;
                Vec::new()
            }
            Action::Bottom => {
                r.scroll = last;
                Vec::new()
            }
            Action::ToggleSaved => self.toggle_saved(),
            Action::Tag => self.start_tagging(),
            Action::FollowLink => {
                r.following = true;
                r.link_number.clear();
                Vec::new()
            }
            Action::CopyUrl => {
                let url = r.row.url.clone();
                self.copy(url)
            }
            Action::PipeText => {
                let text = r.showing().map(|b| crate::render::plain_text(&b.html, 100));
                match (text, self.pipe.is_empty()) {
                    (Some(text), false) => vec![Effect::Pipe {
                        argv: self.pipe.clone(),
                        text: format!(
                            "{}\n\n{}\n",
                            crate::text::sanitize(&r.row.title),
                            crate::text::sanitize(&text)
                        ),
                    }],
                    _ => {
                        self.message = Some("nothing to send (set reader.pipe)".into());
                        Vec::new()
                    }
                }
            }
            Action::CopyText => {
                let text = r
                    .showing()
                    .map(|b| crate::render::plain_text(&b.html, 1000));
                self.copy(text)
            }
            // An item that is only a media file (a podcast episode without a page) opens it.
            Action::OpenInBrowser => r
                .row
                .url
                .clone()
                .or_else(|| r.enclosures.first().map(|e| e.url.clone()))
                .map(Effect::OpenUrl)
                .into_iter()
                .collect(),
            Action::ToggleSource => {
                let (source, force) = match r.source {
                    TextSource::Feed => (TextSource::Extracted, r.extracted.is_none()),
                    TextSource::Extracted => (TextSource::Feed, false),
                };
                if force {
                    if r.extract_state == ExtractState::Running {
                        return Vec::new();
                    }
                    // No extracted text yet: fetch it now, even though the feed looked complete.
                    r.extract_state = ExtractState::Running;
                    return vec![Effect::Job(Job::OpenArticle {
                        id: r.row.id,
                        generation: r.generation,
                        width: self.width.saturating_sub(4).min(self.max_width).max(20),
                        force_extract: true,
                        teaser_words: 0,
                    })];
                }
                r.source = source;
                r.scroll = 0;
                self.rerender_if_needed()
            }
            Action::NextArticle | Action::PrevArticle => {
                let id = r.row.id;
                let Some(list) = self.lists.get_mut(&self.current) else {
                    return Vec::new();
                };
                let Some(at) = list.rows.iter().position(|x| x.id == id) else {
                    return Vec::new();
                };
                let next = if action == Action::NextArticle {
                    at + 1
                } else {
                    at.wrapping_sub(1)
                };
                if next >= list.rows.len() {
                    self.message = Some("no more articles in this tab".into());
                    return Vec::new();
                }
                list.state.select(Some(next));
                self.open_selected(false)
            }
            Action::NextUnread => {
                let id = r.row.id;
                let Some(list) = self.lists.get_mut(&self.current) else {
                    return Vec::new();
                };
                let at = list
                    .rows
                    .iter()
                    .position(|x| x.id == id)
                    .map_or(0, |i| i + 1);
                match list.rows.iter().skip(at).position(|x| !x.read) {
                    Some(i) => {
                        list.state.select(Some(at + i));
                        self.open_selected(false)
                    }
                    None => {
                        self.message = Some("no more unread articles in this tab".into());
                        Vec::new()
                    }
                }
            }
            Action::Help => {
                self.show_help = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
