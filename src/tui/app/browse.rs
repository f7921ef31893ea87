//! Catching up and finding things: mark a tab read (and undo), unread only, next unread, and
//! full-text search into a temporary Search tab.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, Effect, Prompt, PromptKind, Screen};
use crate::keymap::Action;
use crate::tabs::{FullText, Tab, TabQuery, TAB_ROW_LIMIT};
use crate::tui::worker::Job;

/// The id of the temporary Search tab (after Saved, while a search is shown).
pub const SEARCH_TAB_ID: &str = "search";

impl App {
    /// `A`: every unread article the current tab lists (not only those on screen) is marked
    /// read; the rows on screen change at once.
    pub(super) fn mark_all_read(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Headlines || self.tabs[self.current].query.saved {
            return Vec::new();
        }
        if let Some(list) = self.lists.get_mut(&self.current) {
            for row in &mut list.rows {
                row.read = true;
            }
        }
        vec![Effect::Job(Job::MarkTabRead {
            query: TabQuery {
                search: None,
                ..self.tabs[self.current].query.clone()
            },
            tabs: self.count_tabs(),
        })]
    }

    /// The worker's answer to [`App::mark_all_read`]: remember what changed for `U`.
    pub(super) fn on_marked_read(
        &mut self,
        articles: Vec<crate::model::ArticleId>,
        counts: Vec<u32>,
    ) -> Vec<Effect> {
        self.counts = counts;
        self.message = Some(match articles.len() {
            0 => "nothing unread here".into(),
            1 => "marked 1 article read (U undoes)".into(),
            n => format!("marked {n} articles read (U undoes)"),
        });
        if !articles.is_empty() {
            self.undo_read = articles;
        }
        vec![self.load_current()]
    }

    /// `U`: the articles the last "mark all read" changed are unread again.
    pub(super) fn undo_mark_all_read(&mut self) -> Vec<Effect> {
        let articles = std::mem::take(&mut self.undo_read);
        if articles.is_empty() {
            self.message = Some("nothing to undo".into());
            return Vec::new();
        }
        for list in self.lists.values_mut() {
            for row in &mut list.rows {
                if articles.contains(&row.id) {
                    row.read = false;
                }
            }
        }
        self.message = Some(format!("{} articles unread again", articles.len()));
        vec![Effect::Job(Job::SetReadMany {
            articles,
            read: false,
            tabs: self.count_tabs(),
        })]
    }

    /// `u`: the current tab lists only its unread articles, or all of them again.
    pub(super) fn toggle_unread_only(&mut self) -> Vec<Effect> {
        let query = &mut self.tabs[self.current].query;
        query.unread_only = !query.unread_only;
        self.message = Some(
            if query.unread_only {
                "unread only (u shows all)"
            } else {
                "all articles"
            }
            .into(),
        );
        vec![self.load_current()]
    }

    /// `n`: the next unread article below the selection; past the last one, the next tab
    /// with unread articles (its first unread is selected when it loads).
    pub(super) fn next_unread(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Headlines {
            return Vec::new();
        }
        if let Some(list) = self.lists.get_mut(&self.current) {
            let from = list.state.selected().map_or(0, |i| i + 1);
            if let Some(i) = list.rows.iter().skip(from).position(|r| !r.read) {
                list.state.select(Some(from + i));
                return Vec::new();
            }
        }
        let tops = self.top_tabs();
        let at = tops
            .iter()
            .position(|&t| t == self.current_top())
            .unwrap_or(0);
        let next = (1..=tops.len())
            .map(|k| tops[(at + k) % tops.len()])
            .find(|&t| t != self.current && self.unread_in(t) > 0);
        match next {
            Some(tab) => {
                self.first_unread_wanted = Some(tab);
                self.select_tab(tab)
            }
            None => {
                self.message = Some("no unread articles".into());
                Vec::new()
            }
        }
    }

    /// After a tab loads: select its first unread article if `n` asked for it.
    pub(super) fn select_first_unread(&mut self, tab: usize) {
        if self.first_unread_wanted != Some(tab) {
            return;
        }
        self.first_unread_wanted = None;
        if let Some(list) = self.lists.get_mut(&tab) {
            if let Some(i) = list.rows.iter().position(|r| !r.read) {
                list.state.select(Some(i));
            }
        }
    }

    /// `Ctrl-f`: the full-text search prompt.
    pub(super) fn start_search_all(&mut self) -> Vec<Effect> {
        let text = self
            .search_tab()
            .and_then(|i| self.tabs[i].query.fulltext.as_ref())
            .map(|_| self.last_search.clone())
            .unwrap_or_default();
        self.prompt = Some(Prompt {
            kind: PromptKind::FullText,
            text,
        });
        Vec::new()
    }

    /// The search prompt answered: show what `text` finds in the Search tab.
    pub(super) fn search_all(&mut self, text: &str) -> Vec<Effect> {
        let fulltext = match FullText::new(text, &self.tabs) {
            Ok(f) => f,
            Err(e) => {
                self.message = Some(format!("search: {e}"));
                return Vec::new();
            }
        };
        self.last_search = text.trim().to_string();
        let index = match self.search_tab() {
            Some(i) => i,
            None => {
                self.search_return = Some(self.current);
                self.tabs.push(Tab {
                    id: SEARCH_TAB_ID.into(),
                    title: "Search".into(),
                    parent: None,
                    children: Vec::new(),
                    query: TabQuery::default(),
                    zone: None,
                    calendar: crate::clock::Calendar::Gregorian,
                });
                self.tabs.len() - 1
            }
        };
        self.tabs[index].query = TabQuery {
            fulltext: Some(Box::new(fulltext)),
            limit: TAB_ROW_LIMIT,
            ..TabQuery::default()
        };
        self.lists.remove(&index);
        self.select_tab(index)
    }

    /// `Esc` on the Search tab: close it and go back where the search started.
    pub(super) fn close_search(&mut self) -> Vec<Effect> {
        let Some(index) = self.search_tab() else {
            return Vec::new();
        };
        self.tabs.remove(index);
        self.lists.remove(&index);
        self.counts.truncate(self.tabs.len());
        let back = self.search_return.take().unwrap_or(0);
        self.select_tab(back.min(self.tabs.len().saturating_sub(1)))
    }

    /// A click or the wheel: a tab label opens its tab, a headline is selected (clicked
    /// again, it opens), the wheel scrolls the list or the reader three lines.
    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        self.dirty = true;
        let wheel = |down: bool| if down { Action::Down } else { Action::Up };
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let action = wheel(mouse.kind == MouseEventKind::ScrollDown);
                let mut effects = Vec::new();
                for _ in 0..3 {
                    effects.extend(if self.screen == Screen::Reader {
                        self.apply_reader(action)
                    } else {
                        self.apply(action)
                    });
                }
                effects
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if mouse.row == 0 {
                    let tab = self
                        .hits
                        .tabs
                        .iter()
                        .find(|(start, end, _)| (*start..*end).contains(&mouse.column))
                        .map(|t| t.2);
                    return tab.map_or_else(Vec::new, |t| self.select_tab(t));
                }
                if self.screen == Screen::Reader {
                    let hit = self.hits.links.iter().find(|(y, start, end, _)| {
                        *y == mouse.row && (*start..*end).contains(&mouse.column)
                    });
                    let url = hit.and_then(|&(_, _, _, n)| {
                        self.reader
                            .as_ref()
                            .and_then(|r| r.link(n))
                            .map(str::to_string)
                    });
                    return url.map(Effect::OpenUrl).into_iter().collect();
                }
                let Some((top, rows, offset)) = self.hits.list else {
                    return Vec::new();
                };
                if self.screen != Screen::Headlines || mouse.row < top || mouse.row >= top + rows {
                    return Vec::new();
                }
                let index = offset + usize::from(mouse.row - top);
                let Some(list) = self.lists.get_mut(&self.current) else {
                    return Vec::new();
                };
                if index >= list.rows.len() {
                    return Vec::new();
                }
                if list.state.selected() == Some(index) {
                    return self.apply(Action::Open);
                }
                list.state.select(Some(index));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// `a`: the prompt for a feed URL to add to the current tab.
    pub(super) fn start_add_feed(&mut self) -> Vec<Effect> {
        let tab = &self.tabs[self.current];
        if tab.query.saved || tab.id == SEARCH_TAB_ID {
            self.message = Some("feeds are added to a news tab, not here".into());
            return Vec::new();
        }
        self.prompt = Some(Prompt {
            kind: PromptKind::AddFeed(tab.id.clone()),
            text: String::new(),
        });
        Vec::new()
    }

    /// The add-feed prompt answered: the worker writes the config and loads it again.
    pub(super) fn add_feed(&mut self, tab: String, url: &str) -> Vec<Effect> {
        let Some(config_file) = self.config_file.clone() else {
            self.message = Some("no config file to write to".into());
            return Vec::new();
        };
        if url.trim().is_empty() {
            return Vec::new();
        }
        self.message = Some(format!("adding {} …", url.trim()));
        vec![Effect::Job(Job::AddFeed {
            config_file: config_file.into(),
            tab,
            url: url.trim().to_string(),
        })]
    }

    /// A `:` command: `reload` loads the config file again, `search WORDS` searches.
    pub(super) fn run_command(&mut self, text: &str) -> Vec<Effect> {
        let text = text.trim();
        let (name, rest) = text.split_once(' ').unwrap_or((text, ""));
        match name {
            "reload" => match self.config_file.clone() {
                Some(config_file) => {
                    self.message = Some("reloading the config …".into());
                    vec![Effect::Job(Job::ReloadConfig {
                        config_file: config_file.into(),
                    })]
                }
                None => {
                    self.message = Some("no config file to reload".into());
                    Vec::new()
                }
            },
            "search" => self.search_all(rest),
            "" => Vec::new(),
            other => {
                self.message = Some(format!("unknown command :{other} (try :reload, :search)"));
                Vec::new()
            }
        }
    }

    /// A config loaded again: tabs, keys and outlets are rebuilt from it; a broken file keeps
    /// the running config and says where it is broken.
    pub(super) fn on_config_loaded(
        &mut self,
        loaded: Result<Box<crate::config::Config>, String>,
    ) -> Vec<Effect> {
        let config = match loaded {
            Ok(config) => config,
            Err(e) => {
                self.message = Some(format!("config not reloaded: {e}"));
                return Vec::new();
            }
        };
        let current_id = self.tabs[self.current].id.clone();
        let mut fresh = App::new(&config, self.now, 0);
        fresh.local_zone = self.local_zone.clone();
        fresh.config_file = self.config_file.take();
        fresh.width = self.width;
        fresh.page_rows = self.page_rows;
        // Answers to loads asked for before the reload must not match new requests.
        fresh.generation = self.generation;
        fresh.current = fresh
            .tabs
            .iter()
            .position(|t| t.id == current_id)
            .unwrap_or(0);
        let outlets = config.outlets().count();
        fresh.message = Some(format!(
            "config loaded: {} tabs, {outlets} outlets",
            config.tabs.len()
        ));
        *self = fresh;
        let mut effects = vec![self.load_current(), self.count_job()];
        effects.push(Effect::Job(Job::Refresh {
            feeds: self.all_jobs.clone(),
            mode: crate::refresh::RefreshMode::Due,
        }));
        effects
    }

    /// Where the Search tab is, while one is open (always the last tab).
    pub fn search_tab(&self) -> Option<usize> {
        self.tabs.iter().position(|t| t.id == SEARCH_TAB_ID)
    }
}
