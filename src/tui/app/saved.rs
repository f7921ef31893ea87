//! Saving, tagging and the one-line prompts (search, tags, confirmations) of [`App`].

use ratatui::crossterm::event::KeyEvent;

use super::{App, Effect, Prompt, PromptKind, Screen};
use crate::model::ArticleRow;
use crate::tui::worker::Job;

impl App {
    pub(super) fn set_saved_everywhere(&mut self, id: crate::model::ArticleId, saved: bool) {
        for list in self.lists.values_mut() {
            for row in list.rows.iter_mut().filter(|r| r.id == id) {
                row.saved = saved;
            }
        }
        if let Some(r) = self.reader.as_mut().filter(|r| r.row.id == id) {
            r.row.saved = saved;
        }
    }

    pub(super) fn reload_if_saved_tab(&mut self) -> Vec<Effect> {
        if self.tabs[self.current].query.saved && self.screen == Screen::Headlines {
            vec![self.load_current()]
        } else {
            Vec::new()
        }
    }

    /// The article the save/tag keys act on: the open one in the reader, else the selection.
    pub(super) fn target_row(&self) -> Option<&ArticleRow> {
        match self.screen {
            Screen::Reader => self.reader.as_ref().map(|r| &r.row),
            Screen::Headlines => self.selected_row(),
            Screen::FeedStatus => None,
        }
    }

    pub(super) fn toggle_saved(&mut self) -> Vec<Effect> {
        let Some(row) = self.target_row() else {
            return Vec::new();
        };
        let id = row.id;
        if row.saved {
            self.prompt = Some(Prompt {
                kind: PromptKind::ConfirmUnsave(id),
                text: String::new(),
            });
            Vec::new()
        } else {
            self.message = Some("saving…".into());
            vec![Effect::Job(Job::Save { id })]
        }
    }

    pub(super) fn unsave_selected(&mut self) -> Vec<Effect> {
        match self.target_row() {
            Some(row) if row.saved => {
                self.prompt = Some(Prompt {
                    kind: PromptKind::ConfirmUnsave(row.id),
                    text: String::new(),
                });
            }
            Some(_) => self.message = Some("this article is not saved".into()),
            None => {}
        }
        Vec::new()
    }

    pub(super) fn start_tagging(&mut self) -> Vec<Effect> {
        match self.target_row() {
            Some(row) if row.saved => {
                let text = row.tags.clone().unwrap_or_default();
                self.prompt = Some(Prompt {
                    kind: PromptKind::Tags(row.id),
                    text,
                });
            }
            Some(_) => self.message = Some("save the article (s) before tagging it".into()),
            None => {}
        }
        Vec::new()
    }

    pub(super) fn start_search(&mut self) -> Vec<Effect> {
        let text = self.tabs[self.current]
            .query
            .search
            .clone()
            .unwrap_or_default();
        self.prompt = Some(Prompt {
            kind: PromptKind::Search,
            text,
        });
        Vec::new()
    }

    /// The `/` filter follows the prompt as it is typed (other prompts wait for Enter).
    fn filter_as_typed(&mut self) -> Vec<Effect> {
        let Some(Prompt {
            kind: PromptKind::Search,
            text,
        }) = self.prompt.as_ref()
        else {
            return Vec::new();
        };
        let text = text.trim().to_string();
        self.tabs[self.current].query.search = (!text.is_empty()).then_some(text);
        vec![self.load_current()]
    }

    /// Keys while a prompt is open: typing, Backspace, Enter to accept, Esc to cancel.
    pub(super) fn prompt_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        if let PromptKind::ConfirmUnsave(id) = prompt.kind {
            self.prompt = None;
            return if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                vec![Effect::Job(Job::Unsave { id })]
            } else {
                self.message = Some("kept".into());
                Vec::new()
            };
        }
        match key.code {
            KeyCode::Esc => {
                let was_search = prompt.kind == PromptKind::Search;
                self.prompt = None;
                if was_search && self.tabs[self.current].query.search.is_some() {
                    self.tabs[self.current].query.search = None;
                    return vec![self.load_current()];
                }
                Vec::new()
            }
            KeyCode::Enter => {
                let Prompt { kind, text } = self.prompt.take().unwrap_or(Prompt {
                    kind: PromptKind::Search,
                    text: String::new(),
                });
                match kind {
                    PromptKind::Search => {
                        let text = text.trim().to_string();
                        self.tabs[self.current].query.search = (!text.is_empty()).then_some(text);
                        if let Some(list) = self.lists.get_mut(&self.current) {
                            list.state.select(Some(0));
                        }
                        vec![self.load_current()]
                    }
                    PromptKind::FullText => self.search_all(&text),
                    PromptKind::AddFeed(tab) => self.add_feed(tab, &text),
                    PromptKind::Command => self.run_command(&text),
                    PromptKind::Tags(id) => vec![Effect::Job(Job::SetTags { id, tags: text })],
                    PromptKind::ConfirmUnsave(_) => Vec::new(),
                }
            }
            KeyCode::Backspace => {
                prompt.text.pop();
                self.filter_as_typed()
            }
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL) && !c.is_control() =>
            {
                if prompt.text.chars().count() < 200 {
                    prompt.text.push(c);
                }
                self.filter_as_typed()
            }
            _ => Vec::new(),
        }
    }
}
