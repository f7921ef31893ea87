//! What a key can mean. Actions are named in snake_case in the config's `[keys]` table.

use serde::Deserialize;

/// A user-bindable action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
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
