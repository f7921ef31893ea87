//! The TOML configuration: tabs of outlets, fetch limits, reader and key settings.
//!
//! With no config file the embedded default (`assets/default-config.toml`) is used. A user file
//! is a complete config whose missing sections fall back to the defaults; if it has no `tabs`,
//! the default tabs are kept. Errors name the file, line and column.

pub mod accounts;
pub mod edit;

pub use accounts::{AccountConfig, AccountKind};

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::clock::{Calendar, Zone};
use crate::keymap::{Bindings, Keymap};
use crate::routing::{Gazetteer, GazetteerError, UserWords, DEFAULT_GAZETTEER, OPINIONS};

/// The embedded default config, shipped inside the binary.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/default-config.toml");

/// How errors in the embedded default name their origin.
const EMBEDDED_ORIGIN: &str = "<embedded default>";

/// A config that could not be loaded, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A config file named by `--config` or `$KHABAR_CONFIG` does not exist.
    #[error("config file {path} does not exist (named by --config or KHABAR_CONFIG)")]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The file is not valid TOML or does not match the schema.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file (or `<embedded default>`).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// General behaviour.
    #[serde(default)]
    pub general: GeneralConfig,
    /// Network limits.
    #[serde(default)]
    pub fetch: FetchConfig,
    /// Article reader settings.
    #[serde(default)]
    pub reader: ReaderConfig,
    /// Saved articles.
    #[serde(default)]
    pub saved: SavedConfig,
    /// How text is drawn.
    #[serde(default)]
    pub display: DisplayConfig,
    /// Screen layout.
    #[serde(default)]
    pub layout: LayoutConfig,
    /// Colours by role.
    #[serde(default)]
    pub theme: ThemeConfig,
    /// Key bindings (a user file's entries are laid over the default ones).
    #[serde(default)]
    pub keys: KeysConfig,
    /// User words for region routing.
    #[serde(default)]
    pub routing: RoutingConfig,
    /// Ignore rules (a killfile): matching articles are hidden everywhere, counts included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<IgnoreRule>,
    /// Region tabs, in display order.
    #[serde(default)]
    pub tabs: Vec<TabConfig>,
    /// Accounts on reader services whose subscriptions and state khabar follows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountConfig>,
}

/// General behaviour.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GeneralConfig {
    /// Refresh stale feeds in the background when the TUI starts.
    pub refresh_on_start: bool,
    /// Minutes between automatic refreshes of a feed (0 turns automatic refresh off).
    pub refresh_minutes: u32,
    /// Articles kept per feed; older ones are pruned unless saved.
    pub items_per_feed: u32,
}

impl Default for GeneralConfig {
    fn default() -> Self {
        Self {
            refresh_on_start: true,
            refresh_minutes: 30,
            items_per_feed: 500,
        }
    }
}

/// Network limits.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Seconds allowed for one whole request, body included.
    pub timeout_secs: u64,
    /// Seconds allowed to connect.
    pub connect_timeout_secs: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Largest response body accepted, in bytes.
    pub max_bytes: u64,
    /// Let article pages (addresses from feed content) be on private or local addresses even
    /// when they are not on their feed's own origin.
    pub private_pages: bool,
    /// The User-Agent sent by default.
    pub user_agent: String,
    /// The User-Agent sent to outlets configured with `user_agent = "browser"`.
    pub browser_user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            concurrency: 32,
            per_host: 4,
            timeout_secs: 20,
            connect_timeout_secs: 10,
            max_redirects: 5,
            max_bytes: 8 * 1024 * 1024,
            private_pages: false,
            user_agent: concat!(
                "khabar/",
                env!("CARGO_PKG_VERSION"),
                " (terminal news reader)"
            )
            .into(),
            browser_user_agent:
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0".into(),
        }
    }
}

/// Article reader settings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ReaderConfig {
    /// Widest text column in the reader; the text is centred in wider terminals.
    pub max_width: u16,
    /// Fetch the article page when the feed carries fewer words than this.
    pub teaser_words: usize,
    /// `|` in the reader sends the article's readable text to this program's standard input
    /// (argv, no shell), with the terminal handed to it: a pager, a text-to-speech program.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pipe: Vec<String>,
}

/// Colours by role: a built-in theme and overrides (colour names such as `red`,
/// `lightblue`, `#ff8800` or a 0-255 palette number).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeConfig {
    /// `dark` or `light`.
    pub name: String,
    /// Unread headlines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
    /// Read headlines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
    /// The saved mark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved: Option<String>,
    /// State-media outlet names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_media: Option<String>,
    /// The selected row's background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    /// The status line's background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Default for ThemeConfig {
    fn default() -> Self {
        Self {
            name: "dark".into(),
            unread: None,
            read: None,
            saved: None,
            state_media: None,
            selection: None,
            status: None,
            error: None,
        }
    }
}

/// Whether `name` is a colour a theme accepts: a terminal colour name, `#rrggbb` or 0-255.
fn is_color_name(name: &str) -> bool {
    const NAMES: [&str; 19] = [
        "reset",
        "black",
        "red",
        "green",
        "yellow",
        "blue",
        "magenta",
        "cyan",
        "gray",
        "grey",
        "darkgray",
        "darkgrey",
        "lightred",
        "lightgreen",
        "lightyellow",
        "lightblue",
        "lightmagenta",
        "lightcyan",
        "white",
    ];
    let n = name
        .trim()
        .to_ascii_lowercase()
        .replace(['-', '_', ' '], "");
    NAMES.contains(&n.as_str())
        || (n.len() == 7 && n.starts_with('#') && n[1..].chars().all(|c| c.is_ascii_hexdigit()))
        || n.parse::<u8>().is_ok()
}

/// Screen layout.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LayoutConfig {
    /// On a terminal at least this wide the list and the reader sit side by side (0: never).
    pub split_columns: u16,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        Self { split_columns: 140 }
    }
}

/// How text is drawn.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DisplayConfig {
    /// Reorder right-to-left text into visual order (UAX #9) before drawing it. Off for
    /// terminals that apply bidi themselves; right-to-left fields are then isolated instead.
    pub bidi: bool,
    /// Browsers that run in the terminal, by program file name: opening a link in one hands
    /// it the terminal and waits for it to end.
    pub terminal_browsers: Vec<String>,
    /// Use the mouse: click a tab or a headline, click the selected one to open it, the wheel
    /// scrolls.
    pub mouse: bool,
    /// Copy links and text to the clipboard with the OSC 52 escape (`y`, `Y`).
    pub osc52: bool,
}

impl Default for DisplayConfig {
    fn default() -> Self {
        Self {
            bidi: true,
            mouse: true,
            osc52: true,
            terminal_browsers: ["w3m", "lynx", "links", "elinks"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// Saved articles.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SavedConfig {
    /// Folder for saved articles' Markdown copies (default: `saved/` in the data dir).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            max_width: 100,
            teaser_words: 200,
            pipe: vec!["less".into()],
        }
    }
}

/// Key bindings per context. The embedded default's tables are the defaults; a user file's
/// entries are laid over them key by key.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct KeysConfig {
    /// Bindings in the headline list (and the feed-status view).
    pub list: Bindings,
    /// Bindings in the article reader.
    pub reader: Bindings,
}

/// One region tab.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TabConfig {
    /// Stable identifier (used by `parent` and `khabar list --tab`).
    pub id: String,
    /// The name shown in the tab bar.
    pub title: String,
    /// Makes this a sub-tab of the tab with this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Also show the parent tab's articles whose title or summary mentions one of these words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The gazetteer region whose routed items this tab also lists (default: the tab's id, when
    /// the gazetteer or `[routing]` has a region of that name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A saved search: the tab lists what this full-text query finds (`TTP OR BLA since:7d`),
    /// like Newsboat's query feeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// IANA time zone for the times shown in this tab (default by region, else the system's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// `"persian"` to show Solar Hijri dates beside Gregorian ones (default for Iran and
    /// Afghanistan), `"gregorian"` for Gregorian only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// The outlets of this tab.
    #[serde(default)]
    pub outlets: Vec<OutletConfig>,
}

/// One news outlet.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutletConfig {
    /// The name shown next to headlines.
    pub name: String,
    /// Feed URLs (RSS, Atom or JSON Feed).
    pub feeds: Vec<String>,
    /// Language code (en, ur, fa, ps, ar, ...); default: the feed's own `<language>`. It is the
    /// direction for text with no letters of its own and is written into saved copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The outlet's web site (an OPML outline's `htmlUrl`); kept for exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// `"browser"` for a browser-like User-Agent, or a literal User-Agent string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Minutes between automatic refreshes of this outlet (overrides `general.refresh_minutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_minutes: Option<u32>,
    /// Articles kept per feed of this outlet (overrides `general.items_per_feed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_limit: Option<u32>,
    /// Labels the outlet as state media in the UI.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub state_media: bool,
    /// Also places each item in every region tab whose places and actors it names (for
    /// "latest" and "world" feeds that cover many regions).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub route: bool,
}

/// One ignore rule: an article matching any of its parts is hidden (kept in the store).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct IgnoreRule {
    /// Words that hide an article whose title mentions one (whole words, any case).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// Outlet names whose articles are hidden.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outlets: Vec<String>,
    /// A regular expression on the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_regex: Option<String>,
}

/// Changes to the shipped gazetteer (`assets/gazetteer.toml`): names added to or removed from
/// a region, per region id. Adding to an id the gazetteer lacks makes a new region; its parent
/// region is that of the tab whose `region` it is, if that tab is a sub-tab.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingConfig {
    /// Region id to extra names.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub add: BTreeMap<String, Vec<String>>,
    /// Region id to names that no longer place items there.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub remove: BTreeMap<String, Vec<String>>,
}

impl Config {
    /// Parses the embedded default config.
    pub fn embedded_default() -> Result<Self, ConfigError> {
        Self::parse(DEFAULT_CONFIG, EMBEDDED_ORIGIN)
    }

    /// Loads `path` if it exists, else the embedded default.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::embedded_default(),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Loads `path`, which must exist: a file the user named.
    pub fn load_named(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ConfigError::Missing {
                path: path.to_path_buf(),
            }),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses and validates config text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            ConfigError::Invalid {
                path: origin.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        if origin != EMBEDDED_ORIGIN {
            let default = Self::embedded_default()?;
            if config.tabs.is_empty() {
                config.tabs = default.tabs;
            }
            let user_keys = std::mem::replace(&mut config.keys, default.keys);
            config.keys.list.extend(user_keys.list);
            config.keys.reader.extend(user_keys.reader);
        }
        config.validate(text, origin)?;
        Ok(config)
    }

    fn validate(&self, text: &str, origin: &str) -> Result<(), ConfigError> {
        let fail = |needle: &str, message: String| invalid_at(text, origin, needle, message);
        let mut ids = HashSet::new();
        for tab in &self.tabs {
            if tab.id.trim().is_empty() {
                return Err(fail(
                    "id = \"",
                    format!("tab `{}` has an empty id", tab.title),
                ));
            }
            if !ids.insert(tab.id.as_str()) {
                return Err(fail(
                    &format!("\"{}\"", tab.id),
                    format!("duplicate tab id `{}`", tab.id),
                ));
            }
            if tab.id.eq_ignore_ascii_case("saved") {
                return Err(fail(
                    "\"saved\"",
                    "the tab id `saved` is reserved for the Saved tab".into(),
                ));
            }
        }
        for tab in &self.tabs {
            if let Some(parent) = &tab.parent {
                let parent_tab = self.tabs.iter().find(|t| &t.id == parent);
                match parent_tab {
                    None => {
                        return Err(fail(
                            &format!("parent = \"{parent}\""),
                            format!(
                                "tab `{}` names parent `{parent}`, which is not a tab id",
                                tab.id
                            ),
                        ))
                    }
                    Some(p) if p.parent.is_some() => {
                        return Err(fail(
                            &format!("parent = \"{parent}\""),
                            format!("tab `{}`: sub-tabs cannot have sub-tabs", tab.id),
                        ))
                    }
                    Some(_) => {}
                }
            }
            for outlet in &tab.outlets {
                if outlet.feeds.is_empty() {
                    return Err(fail(
                        &outlet.name,
                        format!("outlet `{}` has no feeds", outlet.name),
                    ));
                }
                for feed in &outlet.feeds {
                    match url::Url::parse(feed) {
                        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                        _ => {
                            return Err(fail(
                                feed,
                                format!("outlet `{}`: `{feed}` is not an http(s) URL", outlet.name),
                            ))
                        }
                    }
                }
            }
        }
        self.validate_routing(text, origin)?;
        self.validate_accounts(text, origin)?;
        if !matches!(self.theme.name.as_str(), "dark" | "light") {
            return Err(fail(
                "name = ",
                format!("[theme] name `{}`: use dark or light", self.theme.name),
            ));
        }
        let t = &self.theme;
        for (role, value) in [
            ("unread", &t.unread),
            ("read", &t.read),
            ("saved", &t.saved),
            ("state_media", &t.state_media),
            ("selection", &t.selection),
            ("status", &t.status),
            ("error", &t.error),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !is_color_name(v)) {
                return Err(fail(
                    &format!("{role} = "),
                    format!(
                        "[theme] {role} = \"{v}\" is not a colour (red, lightblue, #ff8800, 208)"
                    ),
                ));
            }
        }
        for rule in &self.ignore {
            if let Some(re) = &rule.title_regex {
                if let Err(e) = regex::Regex::new(re) {
                    return Err(fail(
                        "title_regex",
                        format!(
                            "[[ignore]] title_regex: {}",
                            e.to_string().lines().last().unwrap_or("invalid")
                        ),
                    ));
                }
            }
        }
        // Every number within a range that works: a huge one would pass parsing and then
        // fail deep inside (a semaphore cannot hold 2^61 permits).
        let f = &self.fetch;
        let g = &self.general;
        let r = &self.reader;
        let mut numbers: Vec<(&str, String, u64, u64, u64)> = vec![
            (
                "general",
                "refresh_minutes".into(),
                g.refresh_minutes.into(),
                0,
                10_080,
            ),
            (
                "general",
                "items_per_feed".into(),
                g.items_per_feed.into(),
                1,
                100_000,
            ),
            ("fetch", "concurrency".into(), f.concurrency as u64, 1, 1024),
            ("fetch", "per_host".into(), f.per_host as u64, 1, 64),
            ("fetch", "timeout_secs".into(), f.timeout_secs, 1, 3600),
            (
                "fetch",
                "connect_timeout_secs".into(),
                f.connect_timeout_secs,
                1,
                600,
            ),
            (
                "fetch",
                "max_redirects".into(),
                f.max_redirects as u64,
                0,
                20,
            ),
            ("fetch", "max_bytes".into(), f.max_bytes, 1024, 1 << 30),
            ("reader", "max_width".into(), r.max_width.into(), 20, 1000),
            (
                "reader",
                "teaser_words".into(),
                r.teaser_words as u64,
                0,
                100_000,
            ),
        ];
        for (_, outlet) in self.outlets() {
            if let Some(m) = outlet.refresh_minutes {
                numbers.push(("outlet", "refresh_minutes".into(), m.into(), 0, 43_200));
            }
            if let Some(n) = outlet.item_limit {
                numbers.push(("outlet", "item_limit".into(), n.into(), 1, 100_000));
            }
        }
        for (section, key, value, min, max) in numbers {
            if !(min..=max).contains(&value) {
                let (line, column) = line_col(text, assignment_offset(text, &key, value));
                return Err(ConfigError::Invalid {
                    path: origin.to_string(),
                    line,
                    column,
                    message: format!(
                        "{section} `{key}` is {value}; it must be between {min} and {max}"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks the `[routing]` words, each tab's `region`, `time_zone` and `calendar`.
    fn validate_routing(&self, text: &str, origin: &str) -> Result<(), ConfigError> {
        let fail = |needle: &str, message: String| invalid_at(text, origin, needle, message);
        let gazetteer = self
            .gazetteer()
            .map_err(|e| fail("[routing", e.to_string()))?;
        for id in self.routing.remove.keys() {
            if !gazetteer.region_ids().any(|r| r == id) {
                return Err(fail(
                    id,
                    format!("[routing] remove: `{id}` is not a region of the gazetteer"),
                ));
            }
        }
        for tab in &self.tabs {
            if let Some(region) = &tab.region {
                if region != OPINIONS && !gazetteer.region_ids().any(|r| r == region) {
                    let known: Vec<&str> = gazetteer.region_ids().collect();
                    return Err(fail(
                        &format!("region = \"{region}\""),
                        format!(
                            "tab `{}`: no region `{region}` (known: {}, {OPINIONS}; add words \
                             under [routing.add] to make a new one)",
                            tab.id,
                            known.join(", ")
                        ),
                    ));
                }
            }
            if let Some(query) = &tab.query {
                if let Err(e) = crate::search::SearchQuery::parse(query) {
                    return Err(fail("query = ", format!("tab `{}`: query: {e}", tab.id)));
                }
                let tab_filter = crate::search::SearchQuery::parse(query)
                    .ok()
                    .and_then(|q| q.tab);
                if let Some(name) = tab_filter {
                    if !self.tabs.iter().any(|t| {
                        t.id.eq_ignore_ascii_case(&name) || t.title.eq_ignore_ascii_case(&name)
                    }) {
                        return Err(fail(
                            "query = ",
                            format!(
                                "tab `{}`: query names tab:{name}, which is not a tab",
                                tab.id
                            ),
                        ));
                    }
                }
            }
            if let Some(zone) = &tab.time_zone {
                if Zone::parse(zone).is_none() {
                    return Err(fail(
                        &format!("time_zone = \"{zone}\""),
                        format!(
                            "tab `{}`: unknown time zone `{zone}` (an IANA name such as \
                             Asia/Karachi)",
                            tab.id
                        ),
                    ));
                }
            }
            if let Some(calendar) = &tab.calendar {
                if Calendar::parse(calendar).is_none() {
                    return Err(fail(
                        &format!("calendar = \"{calendar}\""),
                        format!(
                            "tab `{}`: unknown calendar `{calendar}` (gregorian or persian)",
                            tab.id
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The keymap in force.
    pub fn keymap(&self) -> Keymap {
        Keymap::new(&self.keys.list, &self.keys.reader)
    }

    /// Where saved articles' Markdown copies go.
    pub fn saved_dir(&self, data_dir: &Path) -> PathBuf {
        self.saved
            .dir
            .clone()
            .unwrap_or_else(|| data_dir.join("saved"))
    }

    /// The shipped gazetteer with the `[routing]` words applied. A new region that is some tab's
    /// `region` takes the parent tab's region as its parent, so it rolls up like the others.
    pub fn gazetteer(&self) -> Result<Gazetteer, GazetteerError> {
        Gazetteer::build(DEFAULT_GAZETTEER, &self.user_words())
    }

    fn user_words(&self) -> UserWords {
        let mut parents = BTreeMap::new();
        for tab in &self.tabs {
            let region = tab.region.clone().unwrap_or_else(|| tab.id.clone());
            let parent = tab
                .parent
                .as_ref()
                .and_then(|p| self.tabs.iter().find(|t| &t.id == p));
            if let Some(parent) = parent {
                if self.routing.add.contains_key(&region) {
                    let parent_region = parent.region.clone().unwrap_or_else(|| parent.id.clone());
                    parents.insert(region, parent_region);
                }
            }
        }
        UserWords {
            add: self.routing.add.clone(),
            remove: self.routing.remove.clone(),
            parents,
        }
    }

    /// The region a tab lists routed items of: its `region`, else its id when that names a
    /// region of `gazetteer` (or the opinion pieces, for a tab with the id `opinions`).
    pub fn tab_region(&self, tab: &TabConfig, gazetteer: &Gazetteer) -> Option<String> {
        if let Some(region) = &tab.region {
            return Some(region.clone());
        }
        (tab.id == OPINIONS || gazetteer.region_ids().any(|r| r == tab.id)).then(|| tab.id.clone())
    }

    /// The feeds of outlets with `route = true`, in config order, without repeats.
    pub fn routed_feeds(&self) -> Vec<String> {
        let mut feeds: Vec<String> = Vec::new();
        for (_, outlet) in self.outlets().filter(|(_, o)| o.route) {
            for feed in &outlet.feeds {
                if !feeds.contains(feed) {
                    feeds.push(feed.clone());
                }
            }
        }
        feeds
    }

    /// Every outlet of every tab with the tab it belongs to, in config order.
    pub fn outlets(&self) -> impl Iterator<Item = (&TabConfig, &OutletConfig)> {
        self.tabs
            .iter()
            .flat_map(|t| t.outlets.iter().map(move |o| (t, o)))
    }
}

/// An error pointing at the first occurrence of `needle` in the config text (its start when
/// the text does not contain it).
fn invalid_at(text: &str, origin: &str, needle: &str, message: String) -> ConfigError {
    let at = text.find(needle).unwrap_or(0);
    let (line, column) = line_col(text, at);
    ConfigError::Invalid {
        path: origin.to_string(),
        line,
        column,
        message,
    }
}

/// 1-based (line, column) of byte offset `at` in `text`.
/// Byte offset of the line that sets `key` to `value` (or, failing that, sets `key` at all),
/// for pointing at a value that parsed but is out of range.
fn assignment_offset(text: &str, key: &str, value: u64) -> usize {
    let mut first = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if let Some(v) = rest.trim_start().strip_prefix('=') {
                let at = offset + (line.len() - trimmed.len());
                let v = v.trim_start().replace('_', "");
                if v.starts_with(&value.to_string()) {
                    return at;
                }
                first.get_or_insert(at);
            }
        }
        offset += line.len();
    }
    first.unwrap_or(0)
}

/// The 1-based line and column (in characters) of byte offset `at` in `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_and_has_the_region_tabs() {
        let c = Config::embedded_default().unwrap();
        let titles: Vec<_> = c.tabs.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Pakistan",
                "Balochistan",
                "Khyber Pakhtunkhwa",
                "Afghanistan",
                "Iran",
                "Middle East",
                "World",
                "Opinions"
            ]
        );
        assert!(c.outlets().any(|(_, o)| o.state_media));
        assert!(c.outlets().count() > 50);
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let text = "[fetch]\nconcurrency = \"many\"\n";
        let err = Config::parse(text, "my.toml").unwrap_err();
        let ConfigError::Invalid {
            path,
            line,
            column,
            message,
        } = err
        else {
            panic!()
        };
        assert_eq!((path.as_str(), line, column), ("my.toml", 2, 15));
        assert!(message.contains("invalid type"), "{message}");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::parse("[general]\nrefresh_minuts = 3\n", "x.toml").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.toml:2:1: unknown field `refresh_minuts`"),
            "{err}"
        );
    }

    #[test]
    fn bad_feed_url_is_reported_at_its_line() {
        let text = "[[tabs]]\nid = \"a\"\ntitle = \"A\"\n[[tabs.outlets]]\nname = \"X\"\nfeeds = [\"ftp://x\"]\n";
        let err = Config::parse(text, "x.toml").unwrap_err().to_string();
        assert!(err.starts_with("x.toml:6:"), "{err}");
        assert!(err.contains("not an http(s) URL"), "{err}");
    }

    #[test]
    fn user_keys_overlay_the_default_bindings() {
        use crate::keymap::{Action, Context, Key};
        let c = Config::parse("[keys.list]\nx = \"quit\"\nq = \"noop\"\n", "k.toml").unwrap();
        let km = c.keymap();
        let key = |s| Key::parse(s).unwrap();
        assert_eq!(km.action_for(Context::List, key("x")), Some(Action::Quit));
        assert_eq!(km.action_for(Context::List, key("q")), None);
        // Defaults the file does not mention stay, in both contexts.
        assert_eq!(km.action_for(Context::List, key("j")), Some(Action::Down));
        assert_eq!(km.action_for(Context::Reader, key("q")), Some(Action::Back));
    }

    #[test]
    fn bad_action_and_key_names_point_at_their_line() {
        for (text, line, needle) in [
            ("[general]\n[keys.list]\nx = \"explode\"\n", 3, "explode"),
            (
                "[keys.reader]\nj = \"down\"\nhyper-x = \"up\"\n",
                3,
                "hyper-x",
            ),
        ] {
            let Err(ConfigError::Invalid {
                path,
                line: l,
                message,
                ..
            }) = Config::parse(text, "k.toml")
            else {
                panic!("{text} should not parse");
            };
            assert_eq!((path.as_str(), l), ("k.toml", line), "{message}");
            assert!(message.contains(needle), "{message}");
        }
    }

    #[test]
    fn the_default_bindings_come_from_the_embedded_config() {
        use crate::keymap::{Action, Context};
        let km = Config::embedded_default().unwrap().keymap();
        assert_eq!(km.keys_for(Context::List, Action::Quit), ["q"]);
        // Character keys sort before named keys.
        assert_eq!(
            km.keys_for(Context::Reader, Action::Back),
            ["q", "esc", "tab"]
        );
        assert!(DEFAULT_CONFIG.contains("[keys.list]"));
    }

    #[test]
    fn out_of_range_numbers_point_at_their_line() {
        let text = "[general]\nrefresh_minutes = 5\n\n[fetch]\nper_host = 4\nconcurrency   =  2305843009213693952\n";
        let Err(ConfigError::Invalid {
            line,
            column,
            message,
            ..
        }) = Config::parse(text, "n.toml")
        else {
            panic!("a huge concurrency must not pass");
        };
        assert_eq!((line, column), (6, 1), "{message}");
        assert!(
            message.contains("concurrency") && message.contains("1024"),
            "{message}"
        );
        for bad in [
            "[fetch]\nper_host = 0\n",
            "[fetch]\nmax_bytes = 10\n",
            "[reader]\nmax_width = 65535\n",
            "[general]\nitems_per_feed = 0\n",
            "[[tabs]]\nid = \"\"\ntitle = \"X\"\n",
        ] {
            assert!(Config::parse(bad, "n.toml").is_err(), "{bad}");
        }
        // The default's own numbers are all in range.
        assert!(Config::embedded_default().is_ok());
    }

    #[test]
    fn a_file_without_tabs_keeps_the_default_tabs() {
        let c = Config::parse("[general]\nrefresh_minutes = 5\n", "x.toml").unwrap();
        assert_eq!(c.general.refresh_minutes, 5);
        assert_eq!(c.tabs.len(), Config::embedded_default().unwrap().tabs.len());
    }

    #[test]
    fn the_example_config_documents_every_key() {
        let example = include_str!("../config.example.toml");
        let mut config = Config::embedded_default().unwrap();
        config.saved.dir = Some("/x".into());
        // Bindings are keys the user picks, not settings; the tables themselves are documented.
        config.keys = KeysConfig::default();
        let tab = &mut config.tabs[1];
        let outlet = &mut tab.outlets[0];
        outlet.user_agent = Some("browser".into());
        outlet.refresh_minutes = Some(1);
        outlet.item_limit = Some(1);
        outlet.state_media = true;
        config.accounts.push(AccountConfig {
            name: "home".into(),
            kind: AccountKind::Fever,
            url: "https://rss.example.org/api/fever.php".into(),
            user: "me".into(),
            password_command: vec!["pass".into()],
            password_env: Some("X".into()),
            password: Some("x".into()),
            tab: "world".into(),
        });
        fn keys(value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::Table(t) => {
                    for (k, v) in t {
                        out.push(k.clone());
                        keys(v, out);
                    }
                }
                toml::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let mut names = Vec::new();
        keys(&toml::Value::try_from(&config).unwrap(), &mut names);
        for name in &names {
            assert!(
                example.contains(&format!("{name} ="))
                    || example.contains(&format!("[{name}"))
                    || example.contains(&format!(".{name}]")),
                "config.example.toml does not document `{name}`"
            );
        }
    }

    #[test]
    fn unknown_parent_is_an_error() {
        let text = "[[tabs]]\nid = \"a\"\ntitle = \"A\"\nparent = \"zz\"\n";
        let err = Config::parse(text, "x.toml").unwrap_err().to_string();
        assert!(err.starts_with("x.toml:4:1:"), "{err}");
    }

    #[test]
    fn region_zone_and_calendar_errors_point_at_their_line() {
        for (line, expect) in [
            ("region = \"atlantis\"", "no region `atlantis`"),
            ("time_zone = \"Mars/Olympus\"", "unknown time zone"),
            ("calendar = \"lunar\"", "unknown calendar"),
        ] {
            let text = format!("[[tabs]]\nid = \"a\"\ntitle = \"A\"\n{line}\n");
            let err = Config::parse(&text, "x.toml").unwrap_err().to_string();
            assert!(err.starts_with("x.toml:4:"), "{err}");
            assert!(err.contains(expect), "{err}");
        }
        let text = "[routing]\nremove = { narnia = [\"x\"] }\n";
        let err = Config::parse(text, "x.toml").unwrap_err().to_string();
        assert!(err.contains("`narnia` is not a region"), "{err}");
    }

    #[test]
    fn tabs_name_their_region_by_id_and_new_regions_roll_up_into_the_parent_tab() {
        let text = r#"
[routing]
add = { sindh = ["Sukkur", "سکھر"] }

[[tabs]]
id = "pakistan"
title = "Pakistan"

[[tabs]]
id = "sindh"
title = "Sindh"
parent = "pakistan"

[[tabs]]
id = "world"
title = "World"

[[tabs]]
id = "pk-news"
title = "PK"
region = "pakistan"
"#;
        let config = Config::parse(text, "x.toml").unwrap();
        let g = config.gazetteer().unwrap();
        let regions: Vec<Option<String>> = config
            .tabs
            .iter()
            .map(|t| config.tab_region(t, &g))
            .collect();
        assert_eq!(
            regions,
            [
                Some("pakistan".to_string()),
                Some("sindh".to_string()),
                None,
                Some("pakistan".to_string())
            ]
        );
        assert_eq!(g.parent("sindh"), Some("pakistan"));
        let routed = g.route("Floods reach Sukkur", "", &[], "");
        assert!(routed.matched("sindh").is_some(), "{routed:?}");
        assert!(routed.matched("pakistan").is_some(), "{routed:?}");
    }

    #[test]
    fn the_default_routes_world_feeds_and_not_regional_ones() {
        let config = Config::embedded_default().unwrap();
        let routed = config.routed_feeds();
        assert!(routed.contains(&"https://feeds.bbci.co.uk/news/world/rss.xml".to_string()));
        assert!(!routed.iter().any(|f| f.contains("dawn.com")));
    }
}
