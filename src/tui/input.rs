//! Terminal input in the keymap's terms: the one place crossterm key events become [`Key`]s.

use ratatui::crossterm::event::{KeyCode as TermKey, KeyEvent, KeyModifiers};

use crate::keymap::{Key, KeyCode};

/// The key a terminal event stands for, if it is one that can be bound.
pub fn key_of(event: &KeyEvent) -> Option<Key> {
    let code = match event.code {
        TermKey::Char(c) => KeyCode::Char(c),
        TermKey::F(n) => KeyCode::F(n),
        TermKey::Enter => KeyCode::Enter,
        TermKey::Esc => KeyCode::Esc,
        // Some terminals send Tab with Shift held rather than BackTab.
        TermKey::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        TermKey::Tab => KeyCode::Tab,
        TermKey::BackTab => KeyCode::BackTab,
        TermKey::Backspace => KeyCode::Backspace,
        TermKey::Up => KeyCode::Up,
        TermKey::Down => KeyCode::Down,
        TermKey::Left => KeyCode::Left,
        TermKey::Right => KeyCode::Right,
        TermKey::PageUp => KeyCode::PageUp,
        TermKey::PageDown => KeyCode::PageDown,
        TermKey::Home => KeyCode::Home,
        TermKey::End => KeyCode::End,
        TermKey::Delete => KeyCode::Delete,
        TermKey::Insert => KeyCode::Insert,
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_events_become_the_keys_their_specs_name() {
        let ev = |code, modifiers| KeyEvent::new(code, modifiers);
        let cases = [
            (ev(TermKey::Char('G'), KeyModifiers::SHIFT), "G"),
            (ev(TermKey::Char('d'), KeyModifiers::CONTROL), "ctrl-d"),
            (ev(TermKey::BackTab, KeyModifiers::SHIFT), "shift-tab"),
            (ev(TermKey::Tab, KeyModifiers::SHIFT), "shift-tab"),
            (ev(TermKey::PageDown, KeyModifiers::NONE), "pagedown"),
            (ev(TermKey::Char('x'), KeyModifiers::ALT), "alt-x"),
        ];
        for (event, spec) in cases {
            assert_eq!(key_of(&event), Some(Key::parse(spec).unwrap()), "{spec}");
        }
        assert_eq!(key_of(&ev(TermKey::CapsLock, KeyModifiers::NONE)), None);
    }
}
