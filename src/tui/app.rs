//! The application state and its pure `update`. Nothing here does I/O: `update` turns an
//! [`Event`] into state changes and a list of [`Effect`]s for the event loop to carry out.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::widgets::TableState;

mod browse;
#[cfg(test)]
mod browse_tests;
pub mod reader;
mod saved;

pub use browse::SEARCH_TAB_ID;

use crate::articles::SavedFile;
use crate::config::Config;
use crate::keymap::Action;
use crate::keymap::{Context, Keymap};
use crate::model::{ArticleRow, FeedStatus};
use crate::refresh::{FeedJob, FeedResult, RefreshMode};
use crate::tabs::tabs_from_config;
pub use crate::tabs::Tab;
use crate::tui::input::key_of;
use crate::tui::worker::{Job, WorkerEvent};
use reader::{ExtractState, Reader};

/// Everything `update` reacts to.
#[derive(Debug)]
pub enum Event {
    /// A key press.
    Key(KeyEvent),
    /// A click, a drag or the wheel.
    Mouse(ratatui::crossterm::event::MouseEvent),
    /// The terminal was resized.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
    /// The spinner tick (only while work is pending).
    Tick,
    /// The wall clock moved on (about every 30 s): ages and automatic refresh.
    Clock {
        /// Now, Unix seconds.
        now: i64,
    },
    /// A worker result.
    Worker(WorkerEvent),
    /// An [`Effect::OpenUrl`] could not start the browser; the text says why.
    BrowserFailed(String),
    /// An [`Effect::OpenUrl`] started this browser (its program's file name).
    BrowserOpened(String),
    /// An [`Effect::Pipe`] ended: what to say about it.
    Piped(String),
    /// An [`Effect::Copy`] was written (or failed: why).
    Copied(Option<String>),
}

/// Whether a fetch error says the host could not be resolved or connected to.
fn looks_like_no_network(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    [
        "dns",
        "resolve",
        "lookup",
        "connect",
        "network is unreachable",
        "no route",
    ]
    .iter()
    .any(|w| e.contains(w))
}

/// Where the last frame drew the things a mouse click can hit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitAreas {
    /// Tab bar labels: columns `start..end` of the first row open the tab.
    pub tabs: Vec<(u16, u16, usize)>,
    /// The headline rows: first screen row, row count, and the list's scroll offset.
    pub list: Option<(u16, u16, usize)>,
    /// `[n]` link markers in the reader: row, columns `start..end`, link number.
    pub links: Vec<(u16, u16, u16, usize)>,
}

/// What `update` wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Send a job to the worker.
    Job(Job),
    /// Open a web address in the browser (never through a shell).
    OpenUrl(String),
    /// Put this text on the terminal's clipboard (OSC 52).
    Copy(String),
    /// Run a program with this text on its standard input, handing it the terminal.
    Pipe {
        /// The program and its arguments (no shell).
        argv: Vec<String>,
        /// What it reads.
        text: String,
    },
    /// Leave the TUI.
    Quit,
    /// Give the terminal back and stop the process, as `Ctrl-Z` does in a shell; draw
    /// everything again when it is continued.
    Suspend,
}

/// The headlines of one tab and the selection in them.
#[derive(Debug, Clone, Default)]
pub struct TabList {
    /// Newest first.
    pub rows: Vec<ArticleRow>,
    /// Selection and scroll state (the view keeps the offset up to date).
    pub state: TableState,
    /// Whether rows have arrived at least once.
    pub loaded: bool,
}

/// Progress of the running refresh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshProgress {
    /// Feeds in the refresh.
    pub total: usize,
    /// Feeds finished.
    pub done: usize,
    /// Feeds that failed.
    pub failed: usize,
    /// New articles so far.
    pub new: usize,
}

/// A one-line prompt that takes the keyboard until Enter or Esc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What the answer is for.
    pub kind: PromptKind,
    /// Typed so far.
    pub text: String,
}

/// What a prompt asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// A filter for the current tab.
    Search,
    /// Tags for a saved article.
    Tags(crate::model::ArticleId),
    /// Confirm removing an article from the saved ones.
    ConfirmUnsave(crate::model::ArticleId),
    /// A full-text search over everything stored.
    FullText,
    /// A feed URL to add to the tab with this id.
    AddFeed(String),
    /// A `:` command.
    Command,
}

impl Prompt {
    /// The label shown before the typed text.
    pub fn label(&self) -> &'static str {
        match self.kind {
            PromptKind::Search => "/",
            PromptKind::FullText => "search all: ",
            PromptKind::AddFeed(_) => "add feed URL to this tab: ",
            PromptKind::Command => ":",
            PromptKind::Tags(_) => "tags (comma separated): ",
            PromptKind::ConfirmUnsave(_) => "remove this article from Saved? (y/n) ",
        }
    }
}

/// Which screen is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Tabs of headlines.
    Headlines,
    /// The feed-status table.
    FeedStatus,
    /// The article reader.
    Reader,
}

/// The whole UI state.
pub struct App {
    /// All tabs: config tabs in order, then Saved.
    pub tabs: Vec<Tab>,
    /// The selected tab (an index into `tabs`).
    pub current: usize,
    /// Loaded headlines per tab index.
    pub lists: HashMap<usize, TabList>,
    /// Unread counts per tab, by tab index (the tab bar shows them).
    pub counts: Vec<u32>,
    /// The running refresh, if any.
    pub refresh: Option<RefreshProgress>,
    /// A one-line outcome of the last refresh or action.
    pub message: Option<String>,
    /// Which screen shows.
    pub screen: Screen,
    /// Feed health for the feed-status screen.
    pub feed_status: Vec<FeedStatus>,
    /// Selection in the feed-status screen.
    pub feed_status_state: TableState,
    /// Whether the key help overlay shows.
    pub show_help: bool,
    /// Key bindings.
    pub keymap: Keymap,
    /// Now, Unix seconds (set by the clock, fixed in tests).
    pub now: i64,
    /// The zone for tabs that set none (the system's; a fixed offset in tests).
    pub local_zone: crate::clock::Zone,
    /// Rows of headlines visible, for paging (set on resize).
    pub page_rows: usize,
    /// Every feed of the config, for refresh-all.
    pub all_jobs: Vec<FeedJob>,
    /// Refresh automatically when feeds are due.
    pub auto_refresh: bool,
    /// The config has reader-service accounts: start-up and `R` sync them too.
    pub has_accounts: bool,
    /// A sync of the accounts is under way.
    pub syncing: bool,
    /// Outlets labelled as state media.
    pub state_media: std::collections::HashSet<String>,
    /// Spinner frame counter.
    pub spinner: usize,
    /// The open article, while the reader shows.
    pub reader: Option<Reader>,
    /// The active prompt, if any.
    pub prompt: Option<Prompt>,
    /// Terminal columns.
    pub width: u16,
    /// Widest reader text column.
    pub max_width: u16,
    /// Split the screen from this many columns (`layout.split_columns`; 0: never).
    pub split_columns: u16,
    /// Feed texts with fewer words are teasers: the page is fetched and extracted.
    pub teaser_words: usize,
    /// Draw right-to-left text in visual order (`display.bidi`).
    pub bidi: bool,
    /// Colours are off (`NO_COLOR`): marks that colours carry are drawn with reverse video
    /// and bold instead.
    pub no_color: bool,
    /// The program `|` sends the text to (`reader.pipe`).
    pub pipe: Vec<String>,
    /// Colours by role (`[theme]`; none under `NO_COLOR`).
    pub theme: crate::tui::theme::Theme,
    /// Copy with OSC 52 (`display.osc52`).
    pub osc52: bool,
    /// Browsers that run in the terminal (`display.terminal_browsers`).
    pub terminal_browsers: Vec<String>,
    /// Feeds whose last fetch in this session failed, with the error (for empty-tab messages).
    pub failed_feeds: HashMap<String, String>,
    /// Where the config lives (shown when a tab is empty), if known.
    pub config_file: Option<String>,
    /// Where the last frame drew what a click can hit (the view records it).
    pub hits: HitAreas,
    /// What the last "mark all read" changed, for `U`.
    undo_read: Vec<crate::model::ArticleId>,
    /// The tab whose first unread article `n` wants selected once it loads.
    first_unread_wanted: Option<usize>,
    /// The tab a search started from (Esc on the Search tab goes back there).
    search_return: Option<usize>,
    /// The text of the search shown in the Search tab.
    last_search: String,
    generation: u64,
    reload_wanted: bool,
    requested: HashMap<usize, u64>,
    loads_in_flight: usize,
    last_auto_refresh: i64,
    failures_this_refresh: Vec<(String, String)>,
    dirty: bool,
}

impl App {
    /// `y`/`Y`: the text goes to the clipboard, unless copying is off or there is nothing.
    pub(crate) fn copy(&mut self, text: Option<String>) -> Vec<Effect> {
        match text {
            _ if !self.osc52 => {
                self.message = Some("copying is off ([display] osc52 = false)".into());
                Vec::new()
            }
            Some(text) if !text.is_empty() => vec![Effect::Copy(crate::text::sanitize(&text))],
            _ => {
                self.message = Some("nothing to copy".into());
                Vec::new()
            }
        }
    }

    /// The zone and calendar of the current tab's times.
    pub fn clock(&self) -> (&crate::clock::Zone, crate::clock::Calendar) {
        let tab = self.tabs.get(self.current);
        (
            tab.and_then(|t| t.zone.as_ref())
                .unwrap_or(&self.local_zone),
            tab.map(|t| t.calendar).unwrap_or_default(),
        )
    }

    /// Builds the state from the config; times of tabs without a zone of their own show
    /// `utc_offset` seconds east of UTC until [`App::local_zone`] is set.
    pub fn new(config: &Config, now: i64, utc_offset: i32) -> Self {
        let keymap = config.keymap();
        let all_jobs = FeedJob::all_from_config(config);
        let tabs = tabs_from_config(config);
        let state_media = config
            .outlets()
            .filter(|(_, o)| o.state_media)
            .map(|(_, o)| o.name.clone())
            .collect();
        Self {
            tabs,
            current: 0,
            lists: HashMap::new(),
            counts: Vec::new(),
            refresh: None,
            message: None,
            screen: Screen::Headlines,
            feed_status: Vec::new(),
            feed_status_state: TableState::default(),
            show_help: false,
            keymap,
            now,
            local_zone: crate::clock::Zone::fixed(utc_offset),
            page_rows: 20,
            all_jobs,
            auto_refresh: config.general.refresh_on_start,
            has_accounts: !config.accounts.is_empty(),
            syncing: false,
            state_media,
            spinner: 0,
            reader: None,
            prompt: None,
            width: 80,
            max_width: config.reader.max_width.max(20),
            split_columns: config.layout.split_columns,
            teaser_words: config.reader.teaser_words,
            bidi: config.display.bidi,
            no_color: false,
            terminal_browsers: config.display.terminal_browsers.clone(),
            osc52: config.display.osc52,
            theme: crate::tui::theme::Theme::new(&config.theme, false),
            pipe: config.reader.pipe.clone(),
            hits: HitAreas::default(),
            failed_feeds: HashMap::new(),
            config_file: None,
            undo_read: Vec::new(),
            first_unread_wanted: None,
            search_return: None,
            last_search: String::new(),
            generation: 0,
            reload_wanted: false,
            requested: HashMap::new(),
            loads_in_flight: 0,
            last_auto_refresh: now,
            failures_this_refresh: Vec::new(),
            dirty: true,
        }
    }

    /// The jobs to send at start: the cached headlines first, then a background refresh.
    pub fn startup_effects(&mut self) -> Vec<Effect> {
        let mut effects = vec![self.load_current(), self.count_job()];
        if self.auto_refresh && !self.all_jobs.is_empty() {
            effects.push(Effect::Job(Job::Refresh {
                feeds: self.all_jobs.clone(),
                mode: RefreshMode::Due,
            }));
        }
        if self.auto_refresh {
            effects.extend(self.start_sync());
        }
        effects
    }

    /// Whether something is pending that the spinner should show.
    pub fn is_busy(&self) -> bool {
        self.refresh.is_some()
            || self.syncing
            || self.loads_in_flight > 0
            || self
                .reader
                .as_ref()
                .is_some_and(|r| r.extract_state == ExtractState::Running)
    }

    /// The reader's text width for the current terminal width.
    pub fn reader_width(&self) -> u16 {
        self.reader_pane_width()
            .saturating_sub(4)
            .min(self.max_width)
            .max(20)
    }

    /// Whether the list and the reader share the screen (a terminal of at least
    /// `layout.split_columns` columns).
    pub fn is_split(&self) -> bool {
        self.split_columns > 0 && self.width >= self.split_columns
    }

    /// Columns the reader has: the whole width, or the right part of a split screen.
    pub fn reader_pane_width(&self) -> u16 {
        if self.is_split() {
            self.width - self.width * 2 / 5
        } else {
            self.width
        }
    }

    /// Rows available for reader text (terminal rows minus tab bar and status line).
    pub fn reader_rows(&self) -> usize {
        self.page_rows.saturating_add(2).max(1)
    }

    /// The generation of the newest load asked for `tab` (tests answer loads with it).
    pub fn requested_generation(&self, tab: usize) -> Option<u64> {
        self.requested.get(&tab).copied()
    }

    /// Returns and clears the "needs drawing" flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Top-level tab indices, in order.
    pub fn top_tabs(&self) -> Vec<usize> {
        (0..self.tabs.len())
            .filter(|i| self.tabs[*i].parent.is_none())
            .collect()
    }

    /// The top-level tab that holds the current tab.
    pub fn current_top(&self) -> usize {
        self.tabs[self.current].parent.unwrap_or(self.current)
    }

    /// The current tab's list, if loaded.
    pub fn current_list(&self) -> Option<&TabList> {
        self.lists.get(&self.current)
    }

    /// The selected headline.
    pub fn selected_row(&self) -> Option<&ArticleRow> {
        let list = self.lists.get(&self.current)?;
        list.rows.get(list.state.selected()?)
    }

    /// Unread articles in a tab (its own feeds; sub-tab feeds count toward their parent).
    pub fn unread_in(&self, tab: usize) -> u32 {
        let t = &self.tabs[tab];
        if t.query.saved {
            return self.lists.get(&tab).map_or(0, |l| {
                u32::try_from(l.rows.iter().filter(|r| !r.read).count()).unwrap_or(u32::MAX)
            });
        }
        self.counts.get(tab).copied().unwrap_or(0)
    }

    /// Applies one event.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => {
                // Raw mode turns the terminal's own Ctrl-C and Ctrl-Z into keys: they keep
                // their shell meaning everywhere, prompts included, and cannot be rebound.
                if key.modifiers.contains(KeyModifiers::CONTROL) {
                    match key.code {
                        KeyCode::Char('c') => return vec![Effect::Quit],
                        KeyCode::Char('z') => return vec![Effect::Suspend],
                        _ => {}
                    }
                }
                if self.prompt.is_some() {
                    self.dirty = true;
                    return self.prompt_key(&key);
                }
                if self.screen == Screen::Reader && !self.show_help {
                    if let Some(effects) = self.reader_digit(&key) {
                        self.dirty = true;
                        return effects;
                    }
                }
                let context = if self.screen == Screen::Reader {
                    Context::Reader
                } else {
                    Context::List
                };
                let mut effects =
                    match key_of(&key).and_then(|k| self.keymap.action_for(context, k)) {
                        Some(action) if context == Context::Reader => self.apply_reader(action),
                        Some(action) => self.apply(action),
                        None => Vec::new(),
                    };
                effects.extend(self.preview_selected());
                effects
            }
            Event::Mouse(mouse) if self.prompt.is_none() => {
                let mut effects = self.on_mouse(mouse);
                effects.extend(self.preview_selected());
                effects
            }
            Event::Mouse(_) => Vec::new(),
            Event::Resize { width, height } => {
                // Tab bar, sub-tab bar, header and status line take four rows at most.
                self.page_rows = usize::from(height.saturating_sub(4)).max(1);
                self.width = width;
                self.dirty = true;
                self.rerender_if_needed()
            }
            Event::BrowserFailed(why) => {
                self.message = Some(format!("could not open the browser: {why}"));
                self.dirty = true;
                Vec::new()
            }
            Event::Piped(result) => {
                self.message = Some(result);
                self.dirty = true;
                Vec::new()
            }
            Event::Copied(failed) => {
                self.message = Some(match failed {
                    None => "copied to the clipboard (OSC 52)".into(),
                    Some(e) => format!("copying failed: {e}"),
                });
                self.dirty = true;
                Vec::new()
            }
            Event::BrowserOpened(name) => {
                self.message = Some(format!("opened in {name}"));
                self.dirty = true;
                Vec::new()
            }
            Event::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                self.dirty = true;
                self.reload_if_wanted()
            }
            Event::Clock { now } => {
                self.now = now;
                self.dirty = true;
                let mut effects = self.reload_if_wanted();
                if self.auto_refresh && self.refresh.is_none() && now - self.last_auto_refresh >= 60
                {
                    self.last_auto_refresh = now;
                    effects.push(Effect::Job(Job::Refresh {
                        feeds: self.all_jobs.clone(),
                        mode: RefreshMode::Due,
                    }));
                }
                effects
            }
            Event::Worker(event) => self.on_worker(event),
        }
    }

    fn on_worker(&mut self, event: WorkerEvent) -> Vec<Effect> {
        self.dirty = true;
        match event {
            WorkerEvent::TabLoaded {
                tab,
                generation,
                rows,
            } => self.on_tab_loaded(tab, generation, rows),
            WorkerEvent::Counts(counts) => {
                self.counts = counts;
                Vec::new()
            }
            WorkerEvent::MarkedRead { articles, counts } => self.on_marked_read(articles, counts),
            WorkerEvent::ConfigLoaded(loaded) => self.on_config_loaded(loaded),
            WorkerEvent::SyncFinished(summaries) => self.on_sync_finished(&summaries),
            event @ (WorkerEvent::RefreshStarted { .. }
            | WorkerEvent::FeedRefreshed(_)
            | WorkerEvent::RefreshFinished
            | WorkerEvent::RefreshBusy) => self.on_refresh_event(event),
            WorkerEvent::FeedStatus(rows) => {
                self.feed_status = rows;
                if self.feed_status_state.selected().is_none() && !self.feed_status.is_empty() {
                    self.feed_status_state.select(Some(0));
                }
                Vec::new()
            }
            event @ (WorkerEvent::ArticleOpened { .. }
            | WorkerEvent::ArticleExtracted { .. }
            | WorkerEvent::Rendered { .. }) => self.on_reader_event(event),
            WorkerEvent::Saved { id, result } => match result {
                Ok(SavedFile { file, method }) => {
                    self.set_saved_everywhere(id, true);
                    self.message = Some(format!("saved ({method}) to {file}"));
                    self.reload_if_saved_tab()
                }
                Err(e) => {
                    self.message = Some(format!("saving failed: {e}"));
                    Vec::new()
                }
            },
            WorkerEvent::Unsaved { id } => {
                self.set_saved_everywhere(id, false);
                self.message = Some("removed from Saved".into());
                self.reload_if_saved_tab()
            }
            WorkerEvent::TagsSet { id, tags } => {
                for list in self.lists.values_mut() {
                    for row in list.rows.iter_mut().filter(|r| r.id == id) {
                        row.tags.clone_from(&tags);
                    }
                }
                self.message = Some(match tags {
                    Some(t) => format!("tags: {t}"),
                    None => "tags cleared".into(),
                });
                Vec::new()
            }
            WorkerEvent::Error(e) => {
                self.message = Some(format!("error: {e}"));
                Vec::new()
            }
        }
    }

    /// A tab's rows arrived: keep only the newest request's, and keep the selection on the same
    /// article when the list reloads under it.
    fn on_tab_loaded(&mut self, tab: usize, generation: u64, rows: Vec<ArticleRow>) -> Vec<Effect> {
        self.loads_in_flight = self.loads_in_flight.saturating_sub(1);
        // Loads run concurrently and may finish out of order: only the newest request
        // for a tab counts (an older answer may predate a new filter).
        if self.requested.get(&tab) != Some(&generation) {
            return Vec::new();
        }
        let list = self.lists.entry(tab).or_default();
        // Keep the selection on the same article when the list reloads under it.
        let selected_id = list
            .state
            .selected()
            .and_then(|i| list.rows.get(i))
            .map(|r| r.id);
        list.rows = rows;
        list.loaded = true;
        let index = selected_id
            .and_then(|id| list.rows.iter().position(|r| r.id == id))
            .or_else(|| {
                list.state
                    .selected()
                    .map(|i| i.min(list.rows.len().saturating_sub(1)))
            })
            .or(Some(0))
            .filter(|_| !list.rows.is_empty());
        list.state.select(index);
        self.select_first_unread(tab);
        Vec::new()
    }

    /// Progress and the end of a refresh.
    fn on_refresh_event(&mut self, event: WorkerEvent) -> Vec<Effect> {
        match event {
            WorkerEvent::RefreshStarted { total } => {
                self.refresh = Some(RefreshProgress {
                    total,
                    ..RefreshProgress::default()
                });
                self.failures_this_refresh.clear();
                Vec::new()
            }
            WorkerEvent::FeedRefreshed(report) => {
                match &report.result {
                    FeedResult::Failed { error } => {
                        self.failed_feeds.insert(report.url.clone(), error.clone());
                    }
                    FeedResult::Updated { .. } | FeedResult::NotModified => {
                        self.failed_feeds.remove(&report.url);
                    }
                    FeedResult::Skipped { .. } => {}
                }
                if let Some(p) = self.refresh.as_mut() {
                    match &report.result {
                        FeedResult::Updated { new } => {
                            p.new += new;
                            if *new > 0 {
                                self.reload_wanted = true;
                            }
                        }
                        FeedResult::Failed { error } => {
                            p.failed += 1;
                            self.failures_this_refresh
                                .push((report.outlet.clone(), error.clone()));
                        }
                        FeedResult::NotModified | FeedResult::Skipped { .. } => {}
                    }
                    p.done += 1;
                }
                if self.screen == Screen::FeedStatus {
                    return vec![Effect::Job(Job::LoadFeedStatus)];
                }
                Vec::new()
            }
            WorkerEvent::RefreshFinished => {
                if let Some(p) = self.refresh.take() {
                    let mut msg = format!(
                        "refreshed {}: {} new",
                        crate::text::plural(p.total, "feed"),
                        p.new
                    );
                    if p.failed > 0 {
                        msg.push_str(&format!(", {} failed (F for details)", p.failed));
                    }
                    // Every feed failing to resolve or connect is the network, not the feeds.
                    let unreachable = p.total > 0
                        && p.failed == p.total
                        && self
                            .failures_this_refresh
                            .iter()
                            .all(|(_, e)| looks_like_no_network(e));
                    if unreachable {
                        msg = format!(
                            "no feed could be reached: the network looks unreachable ({} \
                             failed; F for details, R to try again)",
                            p.failed
                        );
                    }
                    self.message = Some(msg);
                }
                self.reload_wanted = false;
                let mut effects = vec![self.load_current(), self.count_job()];
                if self.screen == Screen::FeedStatus {
                    effects.push(Effect::Job(Job::LoadFeedStatus));
                }
                effects
            }
            WorkerEvent::RefreshBusy => {
                self.message = Some("a refresh is already running".into());
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// While a refresh brings news, reload the visible tab at most once per tick.
    fn reload_if_wanted(&mut self) -> Vec<Effect> {
        if self.reload_wanted && self.loads_in_flight == 0 {
            self.reload_wanted = false;
            vec![self.load_current(), self.count_job()]
        } else {
            Vec::new()
        }
    }

    /// Feed URLs of every tab by index, for counting unread articles (none for Saved).
    fn count_tabs(&self) -> Vec<crate::tabs::TabQuery> {
        self.tabs
            .iter()
            .map(|t| crate::tabs::TabQuery {
                search: None,
                ..t.query.clone()
            })
            .collect()
    }

    fn count_job(&self) -> Effect {
        Effect::Job(Job::LoadCounts {
            tabs: self.count_tabs(),
        })
    }

    fn load_current(&mut self) -> Effect {
        self.generation += 1;
        self.loads_in_flight += 1;
        self.requested.insert(self.current, self.generation);
        Effect::Job(Job::LoadTab {
            tab: self.current,
            query: self.tabs[self.current].query.clone(),
            generation: self.generation,
        })
    }

    fn select_tab(&mut self, tab: usize) -> Vec<Effect> {
        if tab >= self.tabs.len() {
            return Vec::new();
        }
        self.current = tab;
        self.screen = Screen::Headlines;
        self.dirty = true;
        // Show what we have at once; refresh it from the store in the background.
        vec![self.load_current()]
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        if self.show_help {
            self.show_help = false;
            if matches!(action, Action::Help | Action::Back | Action::Quit) {
                return Vec::new();
            }
        }
        if let Some(n) = action.tab_number() {
            return match self.top_tabs().get(n) {
                Some(&tab) => self.select_tab(tab),
                None => Vec::new(),
            };
        }
        match action {
            Action::Quit => {
                if self.screen == Screen::Headlines {
                    vec![Effect::Quit]
                } else {
                    self.screen = Screen::Headlines;
                    Vec::new()
                }
            }
            Action::Back
                if self.screen == Screen::Headlines
                    && self.tabs[self.current].id == SEARCH_TAB_ID =>
            {
                self.close_search()
            }
            Action::Back
                if self.screen == Screen::Headlines
                    && self.tabs[self.current].query.search.is_some() =>
            {
                // Esc in the list clears the `/` filter too, not only Esc in its prompt.
                self.tabs[self.current].query.search = None;
                vec![self.load_current()]
            }
            Action::Back => {
                self.screen = Screen::Headlines;
                Vec::new()
            }
            // Split screen: Tab moves into the article shown beside the list (Esc or Tab back).
            Action::NextTab
                if self.is_split() && self.screen == Screen::Headlines && self.reader.is_some() =>
            {
                self.open_selected(false)
            }
            Action::NextTab | Action::PrevTab => {
                let tops = self.top_tabs();
                let at = tops
                    .iter()
                    .position(|t| *t == self.current_top())
                    .unwrap_or(0);
                let next = if action == Action::NextTab {
                    (at + 1) % tops.len()
                } else {
                    (at + tops.len() - 1) % tops.len()
                };
                self.select_tab(tops[next])
            }
            Action::NextSubtab | Action::PrevSubtab => {
                let top = self.current_top();
                let mut ring = vec![top];
                ring.extend(self.tabs[top].children.iter().copied());
                if ring.len() < 2 {
                    return Vec::new();
                }
                let at = ring.iter().position(|t| *t == self.current).unwrap_or(0);
                let next = if action == Action::NextSubtab {
                    (at + 1) % ring.len()
                } else {
                    (at + ring.len() - 1) % ring.len()
                };
                self.select_tab(ring[next])
            }
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::PageDown => self.move_by(isize::try_from(self.page_rows).unwrap_or(20)),
            Action::PageUp => self.move_by(-isize::try_from(self.page_rows).unwrap_or(20)),
            Action::Top => self.move_to(0),
            Action::Bottom => self.move_to(usize::MAX),
            Action::Open => {
                if self.screen == Screen::Headlines {
                    self.open_selected(false)
                } else {
                    Vec::new()
                }
            }
            Action::ToggleRead
                if self.tabs[self.current].query.search.is_some()
                    && self.screen == Screen::Headlines =>
            {
                self.move_by(-1)
            }
            Action::ToggleRead => self.toggle_read(false),
            Action::ToggleSaved => self.toggle_saved(),
            Action::Unsave => self.unsave_selected(),
            Action::Tag => self.start_tagging(),
            Action::Search if self.screen == Screen::Headlines => self.start_search(),
            Action::SearchAll if self.screen == Screen::Headlines => self.start_search_all(),
            Action::MarkAllRead => self.mark_all_read(),
            Action::UndoMarkAllRead => self.undo_mark_all_read(),
            Action::UnreadOnly if self.screen == Screen::Headlines => self.toggle_unread_only(),
            // While the `/` filter is on, n and N walk its matches (every listed row).
            Action::NextUnread if self.tabs[self.current].query.search.is_some() => self.move_by(1),
            Action::NextUnread => self.next_unread(),
            Action::AddFeed if self.screen == Screen::Headlines => self.start_add_feed(),
            Action::CopyUrl => self.copy(self.selected_row().and_then(|r| r.url.clone())),
            Action::ToggleIgnored if self.screen == Screen::Headlines => {
                let show = !self.tabs[self.current].query.show_ignored;
                for tab in &mut self.tabs {
                    tab.query.show_ignored = show;
                }
                self.message = Some(
                    if show {
                        "showing ignored articles (marked ⊘; I hides them)"
                    } else {
                        "ignored articles hidden"
                    }
                    .into(),
                );
                vec![self.load_current()]
            }
            Action::Command => {
                self.prompt = Some(Prompt {
                    kind: PromptKind::Command,
                    text: String::new(),
                });
                Vec::new()
            }
            Action::OpenInBrowser => match self.selected_row().and_then(|r| r.url.clone()) {
                Some(url) if self.screen == Screen::Headlines => vec![Effect::OpenUrl(url)],
                _ => Vec::new(),
            },
            Action::Refresh => {
                let feeds = if self.tabs[self.current].query.saved {
                    self.all_jobs.clone()
                } else {
                    let feeds = &self.tabs[self.current].query.feeds;
                    feeds
                        .iter()
                        .filter_map(|url| self.all_jobs.iter().find(|j| &j.url == url).cloned())
                        .collect()
                };
                self.start_refresh(feeds)
            }
            Action::RefreshAll => {
                let mut effects = self.start_refresh(self.all_jobs.clone());
                effects.extend(self.start_sync());
                effects
            }
            Action::FeedStatus => {
                if self.screen == Screen::FeedStatus {
                    self.screen = Screen::Headlines;
                    Vec::new()
                } else {
                    self.screen = Screen::FeedStatus;
                    vec![Effect::Job(Job::LoadFeedStatus)]
                }
            }
            Action::Help => {
                self.show_help = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Syncs the reader-service accounts in the background, if there are any and no sync
    /// runs; the headlines stay as they are until it ends.
    fn start_sync(&mut self) -> Vec<Effect> {
        if !self.has_accounts || self.syncing {
            return Vec::new();
        }
        self.syncing = true;
        vec![Effect::Job(Job::Sync)]
    }

    /// A sync ended: its outcome in the status line (a failure says which account and why),
    /// and the lists and counts loaded again.
    fn on_sync_finished(&mut self, summaries: &[crate::sync::SyncSummary]) -> Vec<Effect> {
        self.syncing = false;
        let failed: Vec<String> = summaries
            .iter()
            .filter(|s| s.error.is_some())
            .map(crate::sync::SyncSummary::line)
            .collect();
        self.message = Some(if failed.is_empty() {
            let line: Vec<String> = summaries
                .iter()
                .map(crate::sync::SyncSummary::line)
                .collect();
            format!("synced {}", line.join("; "))
        } else {
            format!("sync {}", failed.join("; "))
        });
        vec![self.load_current(), self.count_job()]
    }

    fn start_refresh(&mut self, feeds: Vec<FeedJob>) -> Vec<Effect> {
        if self.refresh.is_some() {
            self.message = Some("a refresh is already running".into());
            return Vec::new();
        }
        if feeds.is_empty() {
            return Vec::new();
        }
        // Show progress at once; the worker confirms with RefreshStarted.
        self.refresh = Some(RefreshProgress {
            total: feeds.len(),
            ..RefreshProgress::default()
        });
        vec![Effect::Job(Job::Refresh {
            feeds,
            mode: RefreshMode::Force,
        })]
    }

    fn toggle_read(&mut self, only_mark_read: bool) -> Vec<Effect> {
        let (tab, screen) = (self.current, self.screen);
        if screen != Screen::Headlines {
            return Vec::new();
        }
        let Some(list) = self.lists.get_mut(&tab) else {
            return Vec::new();
        };
        let Some(row) = list.state.selected().and_then(|i| list.rows.get_mut(i)) else {
            return Vec::new();
        };
        let read = if only_mark_read { true } else { !row.read };
        if row.read == read {
            return Vec::new();
        }
        row.read = read;
        // Optimistic: the row changes now; the worker sends fresh counts after writing.
        let id = row.id;
        vec![Effect::Job(Job::SetRead {
            article: id,
            read,
            tabs: self.count_tabs(),
        })]
    }

    fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        match self.screen {
            Screen::Headlines => {
                if let Some(list) = self.lists.get_mut(&self.current) {
                    let len = list.rows.len();
                    if len > 0 {
                        let at = list.state.selected().unwrap_or(0);
                        let next = at.saturating_add_signed(delta).min(len - 1);
                        list.state.select(Some(next));
                    }
                }
            }
            Screen::Reader => {}
            Screen::FeedStatus => {
                let len = self.feed_status.len();
                if len > 0 {
                    let at = self.feed_status_state.selected().unwrap_or(0);
                    self.feed_status_state
                        .select(Some(at.saturating_add_signed(delta).min(len - 1)));
                }
            }
        }
        Vec::new()
    }

    fn move_to(&mut self, index: usize) -> Vec<Effect> {
        let delta = if index == 0 {
            isize::MIN / 2
        } else {
            isize::MAX / 2
        };
        self.move_by(delta)
    }
}

#[cfg(test)]
mod tests;
