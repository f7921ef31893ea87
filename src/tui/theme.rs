//! Colours by role (`[theme]`): built-in `dark` and `light`, each role overridable, and none
//! at all under `NO_COLOR` (emphasis by bold and reverse video only).

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeConfig;

/// The styles the view draws with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Unread headlines.
    pub unread: Style,
    /// Read headlines.
    pub read: Style,
    /// The saved mark and saved notes.
    pub saved: Style,
    /// State-media outlet names.
    pub state_media: Style,
    /// Other outlet names.
    pub outlet: Style,
    /// The selected row.
    pub selection: Style,
    /// The status line.
    pub status: Style,
    /// Errors.
    pub error: Style,
    /// Whether any colour is drawn.
    pub colors: bool,
}

impl Theme {
    /// The theme of `config`, without colours when `no_color`.
    pub fn new(config: &ThemeConfig, no_color: bool) -> Self {
        if no_color {
            return Self::plain();
        }
        let mut theme = match config.name.as_str() {
            "light" => Self::light(),
            _ => Self::dark(),
        };
        let color = |name: &Option<String>| name.as_deref().and_then(|n| Color::from_str(n).ok());
        if let Some(c) = color(&config.unread) {
            theme.unread = theme.unread.fg(c);
        }
        if let Some(c) = color(&config.read) {
            theme.read = theme.read.fg(c);
        }
        if let Some(c) = color(&config.saved) {
            theme.saved = theme.saved.fg(c);
        }
        if let Some(c) = color(&config.state_media) {
            theme.state_media = theme.state_media.fg(c);
        }
        if let Some(c) = color(&config.selection) {
            theme.selection = theme.selection.bg(c);
        }
        if let Some(c) = color(&config.status) {
            theme.status = theme.status.bg(c);
        }
        if let Some(c) = color(&config.error) {
            theme.error = theme.error.fg(c);
        }
        theme
    }

    /// Light text on a dark terminal.
    pub fn dark() -> Self {
        Self {
            unread: Style::new().add_modifier(Modifier::BOLD),
            read: Style::new().fg(Color::Gray),
            saved: Style::new().fg(Color::Yellow),
            state_media: Style::new().fg(Color::Red),
            outlet: Style::new().fg(Color::Cyan),
            selection: Style::new().bg(Color::Blue).fg(Color::White),
            status: Style::new().bg(Color::DarkGray).fg(Color::White),
            error: Style::new().fg(Color::Red),
            colors: true,
        }
    }

    /// Dark text on a light terminal.
    pub fn light() -> Self {
        Self {
            unread: Style::new().add_modifier(Modifier::BOLD).fg(Color::Black),
            read: Style::new().fg(Color::DarkGray),
            saved: Style::new().fg(Color::Magenta),
            state_media: Style::new().fg(Color::Red),
            outlet: Style::new().fg(Color::Blue),
            selection: Style::new().bg(Color::LightBlue).fg(Color::Black),
            status: Style::new().bg(Color::Gray).fg(Color::Black),
            error: Style::new().fg(Color::Red),
            colors: true,
        }
    }

    /// No colour: unread bold, the selection and the status line in reverse video.
    pub fn plain() -> Self {
        Self {
            unread: Style::new().add_modifier(Modifier::BOLD),
            read: Style::new(),
            saved: Style::new(),
            state_media: Style::new().add_modifier(Modifier::UNDERLINED),
            outlet: Style::new(),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            status: Style::new().add_modifier(Modifier::REVERSED),
            error: Style::new().add_modifier(Modifier::BOLD),
            colors: false,
        }
    }
}
