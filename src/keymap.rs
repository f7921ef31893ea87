//! Keys and what they do: [`Action`]s (named in snake_case in the config's `[keys]` tables),
//! [`Key`] specs such as `j`, `ctrl-r` or `shift-tab`, and the [`Keymap`] from keys to actions
//! per [`Context`]. A leaf: it knows nothing of the terminal library or of the config file;
//! the TUI turns terminal events into [`Key`]s, and the config supplies the bindings (the
//! defaults are the `[keys]` tables of `assets/default-config.toml`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user-bindable action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Quit khabar (or close the open view).
    Quit,
    /// Close the open view or overlay.
    Back,
    /// Next top-level tab.
    NextTab,
    /// Previous top-level tab.
    PrevTab,
    /// Next sub-tab of the current tab.
    NextSubtab,
    /// Previous sub-tab of the current tab.
    PrevSubtab,
    /// Jump to top-level tab 1..9.
    Tab1,
    /// Jump to tab 2.
    Tab2,
    /// Jump to tab 3.
    Tab3,
    /// Jump to tab 4.
    Tab4,
    /// Jump to tab 5.
    Tab5,
    /// Jump to tab 6.
    Tab6,
    /// Jump to tab 7.
    Tab7,
    /// Jump to tab 8.
    Tab8,
    /// Jump to tab 9.
    Tab9,
    /// Move down one line.
    Down,
    /// Move up one line.
    Up,
    /// Move down one page.
    PageDown,
    /// Move up one page.
    PageUp,
    /// Go to the first item.
    Top,
    /// Go to the last item.
    Bottom,
    /// Open the selected article.
    Open,
    /// Toggle the selected article's read state.
    ToggleRead,
    /// Refresh the feeds of the current tab.
    Refresh,
    /// Refresh every feed.
    RefreshAll,
    /// Show or hide the feed-status view.
    FeedStatus,
    /// Show or hide the key help.
    Help,
    /// Reader: next article of the list.
    NextArticle,
    /// Reader: previous article of the list.
    PrevArticle,
    /// Open the article in the web browser.
    OpenInBrowser,
    /// Reader: type a link number, then Enter, to open that link.
    FollowLink,
    /// Reader: switch between the feed's text and the text extracted from the page.
    ToggleSource,
    /// Save the article for offline reading, or unsave it.
    ToggleSaved,
    /// Remove the selected article from the saved ones (asks first).
    Unsave,
    /// Edit a saved article's tags.
    Tag,
    /// Filter the current tab (in Saved: search saved text too).
    Search,
    /// Full-text search over everything stored, results in a Search tab.
    SearchAll,
    /// Mark every article of the current tab (and its sub-tabs) read.
    MarkAllRead,
    /// Undo the last "mark all read".
    UndoMarkAllRead,
    /// Show only unread articles in the current tab, or all again.
    UnreadOnly,
    /// Jump to the next unread article (the next tab with unread ones at the end).
    NextUnread,
    /// Add a feed URL to the current tab (writes the config file).
    AddFeed,
    /// Show the articles ignore rules hide (marked), or hide them again.
    ToggleIgnored,
    /// Copy the article's link to the clipboard (OSC 52).
    CopyUrl,
    /// Copy the article's readable text to the clipboard (OSC 52).
    CopyText,
    /// Send the article's readable text to the `reader.pipe` program.
    PipeText,
    /// A `:` command (`reload`, `search WORDS`).
    Command,
    /// Does nothing; bind a key to it to unbind the key.
    Noop,
}

impl Action {
    /// One line describing the action, for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Back => "close view",
            Action::NextTab => "next tab",
            Action::PrevTab => "previous tab",
            Action::NextSubtab => "next sub-tab",
            Action::PrevSubtab => "previous sub-tab",
            Action::Tab1 => "tab 1",
            Action::Tab2 => "tab 2",
            Action::Tab3 => "tab 3",
            Action::Tab4 => "tab 4",
            Action::Tab5 => "tab 5",
            Action::Tab6 => "tab 6",
            Action::Tab7 => "tab 7",
            Action::Tab8 => "tab 8",
            Action::Tab9 => "tab 9",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::Open => "open article",
            Action::ToggleRead => "toggle read",
            Action::Refresh => "refresh tab",
            Action::RefreshAll => "refresh all",
            Action::FeedStatus => "feed status",
            Action::Help => "help",
            Action::NextArticle => "next article",
            Action::PrevArticle => "previous article",
            Action::OpenInBrowser => "open in browser",
            Action::FollowLink => "open link n (type n, Enter)",
            Action::ToggleSource => "feed text / extracted text",
            Action::ToggleSaved => "save / unsave",
            Action::Unsave => "remove from saved",
            Action::Tag => "tag saved article",
            Action::Search => "filter / search",
            Action::SearchAll => "search everything",
            Action::MarkAllRead => "mark tab read",
            Action::UndoMarkAllRead => "undo mark tab read",
            Action::UnreadOnly => "unread only / all",
            Action::NextUnread => "next unread",
            Action::AddFeed => "add a feed to this tab",
            Action::ToggleIgnored => "show / hide ignored articles",
            Action::CopyUrl => "copy the link",
            Action::CopyText => "copy the text",
            Action::PipeText => "send the text to reader.pipe",
            Action::Command => "command (:reload, :search)",
            Action::Noop => "nothing",
        }
    }

    /// The tab index (0-based) a `TabN` action jumps to.
    pub fn tab_number(self) -> Option<usize> {
        let n = match self {
            Action::Tab1 => 0,
            Action::Tab2 => 1,
            Action::Tab3 => 2,
            Action::Tab4 => 3,
            Action::Tab5 => 4,
            Action::Tab6 => 5,
            Action::Tab7 => 6,
            Action::Tab8 => 7,
            Action::Tab9 => 8,
            _ => return None,
        };
        Some(n)
    }
}

/// A key with its modifiers. Shift is not a modifier here: terminals report it inconsistently
/// with upper-case letters and symbols, and the character itself already carries it (`G`,
/// `?`); the one shifted key without a character of its own is [`KeyCode::BackTab`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Which key.
    pub code: KeyCode,
    /// Control held.
    pub ctrl: bool,
    /// Alt (Meta) held.
    pub alt: bool,
}

/// The keys khabar can bind, ordered so that bindings list in a stable order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // the names say it
pub enum KeyCode {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Delete,
    Insert,
}

/// A key spec that could not be understood.
#[derive(Debug, thiserror::Error)]
#[error("key `{spec}`: {reason}")]
pub struct KeySpecError {
    /// The spec as written.
    pub spec: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Key {
    /// Parses a key spec such as `j`, `G`, `?`, `ctrl-r`, `alt-x`, `shift-tab`, `pagedown`, `f5`.
    pub fn parse(spec: &str) -> Result<Key, KeySpecError> {
        let err = |reason: &str| KeySpecError {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = spec;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if shift {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }),
            (None, _) => return Err(err("empty key")),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if shift => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "space" => KeyCode::Char(' '),
                "minus" => KeyCode::Char('-'),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=24).contains(&n) => KeyCode::F(n),
                    _ => return Err(err("unknown key name")),
                },
                _ => return Err(err("unknown key name")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char('-') => f.write_str("minus"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
        }
    }
}

impl FromStr for Key {
    type Err = KeySpecError;
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        Key::parse(spec)
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = String::deserialize(deserializer)?;
        Key::parse(&spec).map_err(serde::de::Error::custom)
    }
}

/// Where a key is pressed: bindings differ between the headline list and the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Tabs of headlines (and the feed-status screen).
    List,
    /// The article reader.
    Reader,
}

/// Bindings of one context as the config writes them: key → action (`noop` unbinds the key).
pub type Bindings = BTreeMap<Key, Action>;

/// Keys to actions per context.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    list: HashMap<Key, Action>,
    reader: HashMap<Key, Action>,
}

impl Keymap {
    /// A keymap from the bindings of each context; keys bound to [`Action::Noop`] stay unbound.
    pub fn new(list: &Bindings, reader: &Bindings) -> Self {
        let table = |b: &Bindings| {
            b.iter()
                .filter(|(_, a)| **a != Action::Noop)
                .map(|(k, a)| (*k, *a))
                .collect()
        };
        Self {
            list: table(list),
            reader: table(reader),
        }
    }

    /// The action bound to a key in a context.
    pub fn action_for(&self, context: Context, key: Key) -> Option<Action> {
        match context {
            Context::List => self.list.get(&key).copied(),
            Context::Reader => self.reader.get(&key).copied(),
        }
    }

    /// The keys bound to an action in a context, sorted, as specs (`q`, `ctrl-d`).
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        let map = match context {
            Context::List => &self.list,
            Context::Reader => &self.reader,
        };
        let mut keys: Vec<Key> = map
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(k, _)| *k)
            .collect();
        keys.sort();
        keys.iter().map(ToString::to_string).collect()
    }

    /// Every action with the keys bound to it in a context, in action order; drives the help
    /// overlay so it stays right after rebinding.
    pub fn bindings(&self, context: Context) -> Vec<(Action, Vec<String>)> {
        let map = match context {
            Context::List => &self.list,
            Context::Reader => &self.reader,
        };
        let mut by_action: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (key, action) in map {
            by_action.entry(*action).or_default().push(*key);
        }
        by_action
            .into_iter()
            .map(|(action, mut keys)| {
                keys.sort();
                (action, keys.iter().map(ToString::to_string).collect())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(spec: &str) -> Key {
        Key::parse(spec).unwrap()
    }

    #[test]
    fn specs_round_trip_through_display() {
        for spec in [
            "j",
            "G",
            "?",
            "ctrl-r",
            "alt-x",
            "shift-tab",
            "pagedown",
            "f5",
            "space",
            "enter",
        ] {
            assert_eq!(key(&key(spec).to_string()), key(spec), "{spec}");
        }
    }

    #[test]
    fn specs_mean_what_they_say() {
        assert_eq!(key("shift-tab").code, KeyCode::BackTab);
        assert_eq!(key("shift-g"), key("G"));
        let ctrl_d = key("Ctrl-d");
        assert!(ctrl_d.ctrl && !ctrl_d.alt);
        assert_eq!(ctrl_d.code, KeyCode::Char('d'));
        assert_eq!(key("pgdn"), key("pagedown"));
        for bad in ["", "hyper-x", "f25", "f0", "banana"] {
            assert!(Key::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn noop_leaves_a_key_unbound_and_contexts_are_separate() {
        let list = Bindings::from([(key("q"), Action::Noop), (key("x"), Action::Quit)]);
        let reader = Bindings::from([(key("q"), Action::Back)]);
        let km = Keymap::new(&list, &reader);
        assert_eq!(km.action_for(Context::List, key("q")), None);
        assert_eq!(km.action_for(Context::List, key("x")), Some(Action::Quit));
        assert_eq!(km.action_for(Context::Reader, key("q")), Some(Action::Back));
        assert_eq!(km.keys_for(Context::List, Action::Quit), ["x"]);
    }

    #[test]
    fn actions_use_their_snake_case_names() {
        let parsed: BTreeMap<String, Action> =
            toml::from_str("a = \"page_down\"\nb = \"toggle_saved\"").unwrap();
        assert_eq!(parsed["a"], Action::PageDown);
        assert_eq!(parsed["b"], Action::ToggleSaved);
        assert!(toml::from_str::<BTreeMap<String, Action>>("a = \"explode\"").is_err());
    }
}
