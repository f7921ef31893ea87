//! Key specs ("j", "ctrl-r", "shift-tab", "pagedown") and the keymap from keys to actions.
//!
//! The default bindings live here; the config's `[keys]` table overrides them key by key.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::action::Action;

/// A key with its modifiers, normalised so that lookups match what the terminal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// `KeyCode` is not `Ord`; this small mirror is, so bindings list in a stable order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
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

/// A key spec that could not be understood, or an unknown action.
#[derive(Debug, thiserror::Error)]
#[error("[keys] `{spec}`: {reason}")]
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
            (Some(c), None) => KeyCodeOrd::Char(if shift {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }),
            (None, _) => return Err(err("empty key")),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "tab" if shift => KeyCodeOrd::BackTab,
                "tab" => KeyCodeOrd::Tab,
                "backtab" => KeyCodeOrd::BackTab,
                "backspace" => KeyCodeOrd::Backspace,
                "space" => KeyCodeOrd::Char(' '),
                "minus" => KeyCodeOrd::Char('-'),
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "pageup" | "pgup" => KeyCodeOrd::PageUp,
                "pagedown" | "pgdn" => KeyCodeOrd::PageDown,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                "delete" | "del" => KeyCodeOrd::Delete,
                "insert" => KeyCodeOrd::Insert,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=24).contains(&n) => KeyCodeOrd::F(n),
                    _ => return Err(err("unknown key name")),
                },
                _ => return Err(err("unknown key name")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The key a terminal event stands for, if it is one we can bind.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeOrd::BackTab,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Insert => KeyCodeOrd::Insert,
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
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
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char('-') => f.write_str("minus"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
            KeyCodeOrd::Enter => f.write_str("enter"),
            KeyCodeOrd::Esc => f.write_str("esc"),
            KeyCodeOrd::Tab => f.write_str("tab"),
            KeyCodeOrd::BackTab => f.write_str("shift-tab"),
            KeyCodeOrd::Backspace => f.write_str("backspace"),
            KeyCodeOrd::Up => f.write_str("up"),
            KeyCodeOrd::Down => f.write_str("down"),
            KeyCodeOrd::Left => f.write_str("left"),
            KeyCodeOrd::Right => f.write_str("right"),
            KeyCodeOrd::PageUp => f.write_str("pageup"),
            KeyCodeOrd::PageDown => f.write_str("pagedown"),
            KeyCodeOrd::Home => f.write_str("home"),
            KeyCodeOrd::End => f.write_str("end"),
            KeyCodeOrd::Delete => f.write_str("delete"),
            KeyCodeOrd::Insert => f.write_str("insert"),
        }
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

/// The default reader bindings: (key spec, action).
pub const DEFAULT_READER_BINDINGS: &[(&str, Action)] = &[
    ("q", Action::Back),
    ("esc", Action::Back),
    ("j", Action::Down),
    ("down", Action::Down),
    ("k", Action::Up),
    ("up", Action::Up),
    ("space", Action::PageDown),
    ("pagedown", Action::PageDown),
    ("ctrl-d", Action::PageDown),
    ("pageup", Action::PageUp),
    ("b", Action::PageUp),
    ("ctrl-u", Action::PageUp),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("n", Action::NextArticle),
    ("p", Action::PrevArticle),
    ("o", Action::OpenInBrowser),
    ("f", Action::FollowLink),
    ("e", Action::ToggleSource),
    ("s", Action::ToggleSaved),
    ("t", Action::Tag),
    ("?", Action::Help),
];

/// The default list bindings: (key spec, action).
pub const DEFAULT_BINDINGS: &[(&str, Action)] = &[
    ("q", Action::Quit),
    ("esc", Action::Back),
    ("tab", Action::NextTab),
    ("shift-tab", Action::PrevTab),
    ("]", Action::NextSubtab),
    ("[", Action::PrevSubtab),
    ("1", Action::Tab1),
    ("2", Action::Tab2),
    ("3", Action::Tab3),
    ("4", Action::Tab4),
    ("5", Action::Tab5),
    ("6", Action::Tab6),
    ("7", Action::Tab7),
    ("8", Action::Tab8),
    ("9", Action::Tab9),
    ("j", Action::Down),
    ("down", Action::Down),
    ("k", Action::Up),
    ("up", Action::Up),
    ("pagedown", Action::PageDown),
    ("ctrl-d", Action::PageDown),
    ("pageup", Action::PageUp),
    ("ctrl-u", Action::PageUp),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("enter", Action::Open),
    ("N", Action::ToggleRead),
    ("r", Action::Refresh),
    ("R", Action::RefreshAll),
    ("F", Action::FeedStatus),
    ("o", Action::OpenInBrowser),
    ("s", Action::ToggleSaved),
    ("d", Action::Unsave),
    ("t", Action::Tag),
    ("/", Action::Search),
    ("?", Action::Help),
];

/// Keys to actions per context: the defaults with the user's `[keys]` entries laid over them.
#[derive(Debug, Clone)]
pub struct Keymap {
    list: HashMap<Key, Action>,
    reader: HashMap<Key, Action>,
}

fn table(defaults: &[(&str, Action)]) -> HashMap<Key, Action> {
    defaults
        .iter()
        .filter_map(|(spec, action)| Key::parse(spec).ok().map(|k| (k, *action)))
        .collect()
}

fn overlay(
    map: &mut HashMap<Key, Action>,
    overrides: &BTreeMap<String, String>,
) -> Result<(), KeySpecError> {
    for (spec, action) in overrides {
        let key = Key::parse(spec)?;
        let action: Action = serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<
            serde::de::value::Error,
        >::new(action))
        .map_err(|_| KeySpecError {
            spec: spec.clone(),
            reason: format!("unknown action `{action}`"),
        })?;
        if action == Action::Noop {
            map.remove(&key);
        } else {
            map.insert(key, action);
        }
    }
    Ok(())
}

impl Keymap {
    /// The default bindings only.
    pub fn defaults() -> Self {
        Self {
            list: table(DEFAULT_BINDINGS),
            reader: table(DEFAULT_READER_BINDINGS),
        }
    }

    /// The defaults overridden by the config (key spec → action name; `noop` unbinds).
    pub fn from_config(keys: &crate::config::KeysConfig) -> Result<Self, KeySpecError> {
        let mut keymap = Self::defaults();
        overlay(&mut keymap.list, &keys.list)?;
        overlay(&mut keymap.reader, &keys.reader)?;
        Ok(keymap)
    }

    /// The action bound to a terminal key event in a context.
    pub fn action_for(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event)?;
        // Shift is not part of `Key`: terminals report it inconsistently with upper-case
        // letters and symbols, and the character itself already carries it.
        match context {
            Context::List => self.list.get(&key).copied(),
            Context::Reader => self.reader.get(&key).copied(),
        }
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
    use crate::config::KeysConfig;

    fn keys(list: &[(&str, &str)]) -> KeysConfig {
        KeysConfig {
            list: list
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
            reader: BTreeMap::new(),
        }
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
            let key = Key::parse(spec).unwrap();
            assert_eq!(Key::parse(&key.to_string()).unwrap(), key, "{spec}");
        }
    }

    #[test]
    fn user_bindings_override_and_unbind() {
        let km = Keymap::from_config(&keys(&[("x", "quit"), ("q", "noop")])).unwrap();
        let ev = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(km.action_for(Context::List, &ev('x')), Some(Action::Quit));
        assert_eq!(km.action_for(Context::List, &ev('q')), None);
        assert_eq!(km.action_for(Context::List, &ev('j')), Some(Action::Down));
        assert_eq!(
            km.action_for(Context::Reader, &ev('q')),
            Some(Action::Back),
            "reader keeps its own"
        );
    }

    #[test]
    fn unknown_action_and_key_names_are_errors() {
        let err = Keymap::from_config(&keys(&[("x", "explode")])).unwrap_err();
        assert!(err.to_string().contains("unknown action"));
        assert!(Keymap::from_config(&keys(&[("hyper-x", "quit")])).is_err());
    }

    #[test]
    fn shift_tab_matches_backtab_events() {
        let km = Keymap::defaults();
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(km.action_for(Context::List, &ev), Some(Action::PrevTab));
    }
}
