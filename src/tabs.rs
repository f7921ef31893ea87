//! The tab model: the tabs and sub-tabs built from the config, what each one lists
//! ([`TabQuery`]), and loading a tab's rows from the store ([`load_tab`]). The TUI and the
//! command line both use it, so `khabar list --tab ID` lists what the TUI's tab shows.

use std::collections::HashSet;

use crate::clock::{Calendar, Zone};
use crate::config::Config;
use crate::model::ArticleRow;
use crate::search::SearchQuery;
use crate::store::{Store, StoreError};

/// Rows loaded for a feed tab (the Saved tab loads ten times as many).
pub const TAB_ROW_LIMIT: usize = 1000;

/// The id of the Saved tab, always the last tab.
pub const SAVED_TAB_ID: &str = "saved";

/// What to load for one tab.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TabQuery {
    /// Feeds whose articles all belong to the tab (a parent tab's include its sub-tabs').
    pub feeds: Vec<String>,
    /// Feeds whose articles belong only when they mention a keyword (a sub-tab's parent feeds).
    pub keyword_feeds: Vec<String>,
    /// The keywords (matched as whole words, case-insensitively).
    pub keywords: Vec<String>,
    /// The region whose routed items the tab also lists (see `routing`).
    pub region: Option<String>,
    /// A full-text search: what it finds instead of the feeds (a Search tab, or a tab with a
    /// `query` in the config), with the feeds its `tab:` filter names.
    pub fulltext: Option<Box<FullText>>,
    /// The Saved tab: saved articles instead of feeds.
    pub saved: bool,
    /// Only unread articles.
    pub unread_only: bool,
    /// The ignore rules (articles matching them are left out, or shown marked).
    pub ignore: Option<std::sync::Arc<IgnoreSet>>,
    /// Show ignored articles (marked) instead of leaving them out.
    pub show_ignored: bool,
    /// Only rows matching this text (title, outlet, tags; and the saved text in the Saved tab).
    pub search: Option<String>,
    /// Most rows to load.
    pub limit: usize,
}

/// The config's ignore rules, compiled.
#[derive(Debug)]
pub struct IgnoreSet {
    rules: Vec<crate::config::IgnoreRule>,
    words: Vec<Vec<String>>,
    regexes: Vec<Option<regex::Regex>>,
}

impl PartialEq for IgnoreSet {
    fn eq(&self, other: &Self) -> bool {
        self.rules == other.rules
    }
}

impl Eq for IgnoreSet {}

impl IgnoreSet {
    /// Compiles the rules (a regex that does not compile matches nothing; the config check
    /// reports it first).
    pub fn new(rules: &[crate::config::IgnoreRule]) -> Self {
        Self {
            rules: rules.to_vec(),
            words: rules
                .iter()
                .map(|r| r.words.iter().map(|w| w.to_lowercase()).collect())
                .collect(),
            regexes: rules
                .iter()
                .map(|r| {
                    r.title_regex
                        .as_deref()
                        .and_then(|re| regex::Regex::new(re).ok())
                })
                .collect(),
        }
    }

    /// Whether a rule hides `row`.
    pub fn matches(&self, row: &ArticleRow) -> bool {
        self.rules.iter().enumerate().any(|(i, rule)| {
            mentions_any(&row.title, &self.words[i])
                || rule
                    .outlets
                    .iter()
                    .any(|o| o.eq_ignore_ascii_case(&row.outlet))
                || self.regexes[i]
                    .as_ref()
                    .is_some_and(|re| re.is_match(&row.title))
        })
    }
}

/// A parsed full-text query and the feeds its `tab:` filter resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullText {
    /// The query.
    pub query: SearchQuery,
    /// The feeds of the tab named by `tab:`, if any.
    pub feeds: Option<Vec<String>>,
}

impl FullText {
    /// Parses `text` and resolves its `tab:` filter against `tabs` (the feeds of a tab,
    /// sub-tabs included; an unknown tab is an error).
    pub fn new(text: &str, tabs: &[Tab]) -> Result<Self, String> {
        let query = SearchQuery::parse(text).map_err(|e| e.to_string())?;
        let feeds = match &query.tab {
            Some(name) => match find_tab(tabs, name) {
                Some(i) => Some(tabs[i].query.feeds.clone()),
                None => return Err(format!("tab:{name}: there is no tab `{name}`")),
            },
            None => None,
        };
        Ok(Self { query, feeds })
    }
}

/// One tab of the tab bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    /// Config id ([`SAVED_TAB_ID`] for the Saved tab).
    pub id: String,
    /// Shown name.
    pub title: String,
    /// Index of the parent tab, for a sub-tab.
    pub parent: Option<usize>,
    /// Indices of the sub-tabs, in config order.
    pub children: Vec<usize>,
    /// What the tab lists.
    pub query: TabQuery,
    /// The zone its times are shown in (`None`: the system's).
    pub zone: Option<Zone>,
    /// Whether its dates also show in the Solar Hijri calendar.
    pub calendar: Calendar,
}

/// Builds the tabs of a config in order, the Saved tab last. A parent tab lists its sub-tabs'
/// feeds too; a sub-tab also lists its parent's articles that mention one of its keywords.
pub fn tabs_from_config(config: &Config) -> Vec<Tab> {
    // A config that loaded has a gazetteer that builds (validation checks it).
    let gazetteer = config.gazetteer().ok();
    let mut tabs: Vec<Tab> = config
        .tabs
        .iter()
        .map(|t| {
            let region = gazetteer.as_ref().and_then(|g| config.tab_region(t, g));
            let key = region.as_deref().unwrap_or(&t.id);
            // Names were validated when the config loaded.
            let zone = t
                .time_zone
                .as_deref()
                .or_else(|| crate::clock::default_zone_name(key))
                .and_then(Zone::parse);
            let calendar = t
                .calendar
                .as_deref()
                .and_then(Calendar::parse)
                .unwrap_or_else(|| crate::clock::default_calendar(key));
            (t, region, zone, calendar)
        })
        .map(|(t, region, zone, calendar)| Tab {
            id: t.id.clone(),
            title: t.title.clone(),
            parent: None,
            children: Vec::new(),
            zone,
            calendar,
            query: TabQuery {
                feeds: t
                    .outlets
                    .iter()
                    .flat_map(|o| o.feeds.iter().cloned())
                    .collect(),
                keywords: t.keywords.clone(),
                region,
                limit: TAB_ROW_LIMIT,
                ..TabQuery::default()
            },
        })
        .collect();
    // Items synced from a reader service are kept per account and tab (see `store::sync`).
    for (tab, t) in tabs.iter_mut().zip(&config.tabs) {
        if t.query.is_none() {
            for account in &config.accounts {
                tab.query
                    .feeds
                    .push(crate::store::sync::sync_feed_url(&account.name, &t.id));
            }
        }
    }
    for (i, t) in config.tabs.iter().enumerate() {
        if let Some(p) = t
            .parent
            .as_ref()
            .and_then(|p| config.tabs.iter().position(|x| &x.id == p))
        {
            tabs[i].parent = Some(p);
            tabs[p].children.push(i);
        }
    }
    for i in 0..tabs.len() {
        if let Some(p) = tabs[i].parent {
            tabs[i].query.keyword_feeds = tabs[p].query.feeds.clone();
            let child_feeds = tabs[i].query.feeds.clone();
            tabs[p].query.feeds.extend(child_feeds);
        }
    }
    if !config.ignore.is_empty() {
        let ignore = std::sync::Arc::new(IgnoreSet::new(&config.ignore));
        for tab in &mut tabs {
            tab.query.ignore = Some(ignore.clone());
        }
    }
    // Tabs defined by a query (validated when the config loaded) search all the others.
    for (i, t) in config.tabs.iter().enumerate() {
        if let Some(text) = &t.query {
            tabs[i].query.fulltext = FullText::new(text, &tabs).ok().map(Box::new);
        }
    }
    tabs.push(Tab {
        id: SAVED_TAB_ID.into(),
        title: "Saved".into(),
        parent: None,
        children: Vec::new(),
        zone: None,
        calendar: Calendar::Gregorian,
        query: TabQuery {
            saved: true,
            limit: TAB_ROW_LIMIT * 10,
            ..TabQuery::default()
        },
    });
    tabs
}

/// The index of the tab whose id or title is `name`, case-insensitively.
pub fn find_tab(tabs: &[Tab], name: &str) -> Option<usize> {
    tabs.iter()
        .position(|t| t.id.eq_ignore_ascii_case(name) || t.title.eq_ignore_ascii_case(name))
}

/// Loads a tab's rows: its feeds, plus keyword matches from `keyword_feeds`, newest first,
/// with articles whose URL already appeared (the same story from two feeds) dropped.
pub fn load_tab(store: &mut Store, query: &TabQuery) -> Result<Vec<ArticleRow>, StoreError> {
    let mut rows = load_unfiltered(store, query)?;
    if let Some(ignore) = &query.ignore {
        if query.show_ignored {
            for row in &mut rows {
                row.ignored = ignore.matches(row);
            }
        } else {
            rows.retain(|r| !ignore.matches(r));
        }
    }
    Ok(rows)
}

fn load_unfiltered(store: &mut Store, query: &TabQuery) -> Result<Vec<ArticleRow>, StoreError> {
    if let Some(ft) = &query.fulltext {
        let mut rows = store.search(
            &ft.query,
            ft.feeds.as_deref(),
            crate::model::now_unix(),
            query.limit,
        )?;
        if query.unread_only {
            rows.retain(|r| !r.read);
        }
        return Ok(rows);
    }
    if query.saved {
        return store.saved_articles(query.limit, query.search.as_deref());
    }
    let search = query.search.as_deref().filter(|q| !q.trim().is_empty());
    // SQL's LIKE knows nothing of Arabic-script spellings: a query in that script is matched
    // below, folded, over more of the newest rows.
    let arabic = search.is_some_and(|q| q.chars().any(crate::text::is_arabic_script));
    let mut rows = if arabic {
        store.search_feeds(&query.feeds, query.limit * 10, None)?
    } else {
        store.search_feeds(&query.feeds, query.limit, search)?
    };
    if !query.keywords.is_empty() && !query.keyword_feeds.is_empty() {
        let matchers: Vec<String> = query.keywords.iter().map(|k| k.to_lowercase()).collect();
        let extra = store.articles_for_feeds(&query.keyword_feeds, query.limit * 4)?;
        rows.extend(extra.into_iter().filter(|r| {
            mentions_any(&r.title, &matchers)
                || r.summary
                    .as_deref()
                    .is_some_and(|s| mentions_any(s, &matchers))
        }));
        rows.sort_by(|a, b| b.published.cmp(&a.published).then(b.id.cmp(&a.id)));
    }
    if let Some(region) = &query.region {
        // After the tab's own rows, so an item of one of its own feeds keeps `matched` empty.
        rows.extend(store.region_articles(region, query.limit, search)?);
        rows.sort_by(|a, b| b.published.cmp(&a.published).then(b.id.cmp(&a.id)));
    }
    let mut seen_urls = HashSet::new();
    let mut seen_ids = HashSet::new();
    rows.retain(|r| {
        seen_ids.insert(r.id)
            && r.url
                .as_ref()
                .is_none_or(|u| seen_urls.insert(normalize_url(u)))
    });
    if let Some(q) = query
        .search
        .as_deref()
        .map(crate::text::fold_for_search)
        .filter(|q| !q.is_empty())
    {
        rows.retain(|r| {
            [
                Some(r.title.as_str()),
                Some(r.outlet.as_str()),
                r.summary.as_deref(),
                r.tags.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|field| crate::text::fold_for_search(field).contains(&q))
        });
    }
    if query.unread_only {
        rows.retain(|r| !r.read);
    }
    rows.truncate(query.limit);
    Ok(rows)
}

/// Most articles one "mark all read" touches.
const MARK_READ_LIMIT: usize = 1_000_000;

/// Marks every unread article a tab lists read (all of them, not only the rows on screen),
/// those published before `older_than` only when given. Returns the articles it changed, so
/// the change can be undone.
pub fn mark_tab_read(
    store: &mut Store,
    query: &TabQuery,
    older_than: Option<i64>,
) -> Result<Vec<crate::model::ArticleId>, StoreError> {
    let all = TabQuery {
        limit: MARK_READ_LIMIT,
        search: None,
        unread_only: true,
        ..query.clone()
    };
    let ids: Vec<crate::model::ArticleId> = load_tab(store, &all)?
        .into_iter()
        .filter(|r| older_than.is_none_or(|t| r.published < t))
        .map(|r| r.id)
        .collect();
    store.set_read_many(&ids, true)?;
    Ok(ids)
}

/// Unread articles per tab, counting exactly what [`load_tab`] lists: a tab of plain feeds is
/// counted in SQL (a story carried by two feeds once), a sub-tab with keywords or a tab with
/// routed items by listing it (so its parent's matching articles and routed ones count too). The Saved tab counts nothing.
pub fn unread_counts(store: &mut Store, queries: &[TabQuery]) -> Result<Vec<u32>, StoreError> {
    let mut counts = Vec::with_capacity(queries.len());
    for query in queries {
        let count = if query.saved {
            0
        } else if query.region.is_none()
            && query.fulltext.is_none()
            && query.ignore.is_none()
            && (query.keywords.is_empty() || query.keyword_feeds.is_empty())
        {
            store
                .unread_by_tab(std::slice::from_ref(&query.feeds))?
                .first()
                .copied()
                .unwrap_or(0)
        } else {
            let listed = TabQuery {
                search: None,
                ..query.clone()
            };
            let unread = load_tab(store, &listed)?.iter().filter(|r| !r.read).count();
            u32::try_from(unread).unwrap_or(u32::MAX)
        };
        counts.push(count);
    }
    Ok(counts)
}

/// A URL reduced for duplicate detection: scheme, `www.` and trailing slash ignored.
fn normalize_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    rest.trim_end_matches('/').to_string()
}

/// Whole-word, case-insensitive match of any keyword (already lower-cased).
fn mentions_any(text: &str, keywords: &[String]) -> bool {
    let lower = text.to_lowercase();
    keywords.iter().any(|k| {
        lower.match_indices(k.as_str()).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + k.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_only() {
        let k = vec!["kp".to_string(), "quetta".to_string()];
        assert!(mentions_any("Rain lashes KP districts", &k));
        assert!(mentions_any("Blast in Quetta.", &k));
        assert!(!mentions_any("Skipper named", &k));
    }

    #[test]
    fn urls_normalise_for_duplicates() {
        assert_eq!(
            normalize_url("https://www.dawn.com/news/1/"),
            normalize_url("http://dawn.com/news/1")
        );
    }

    #[test]
    fn sub_tab_counts_include_the_parents_keyword_matches() {
        use crate::model::{IncomingArticle, ParsedFeed, Validators};
        let mut s = Store::open_in_memory().unwrap();
        let (parent, child) = (
            "https://pk.example/f".to_string(),
            "https://kp.example/f".to_string(),
        );
        s.sync_feeds(&[(parent.clone(), "PK".into()), (child.clone(), "KP".into())])
            .unwrap();
        let item = |key: &str, title: &str, t: i64| IncomingArticle {
            key: key.into(),
            title: title.into(),
            url: Some(format!("https://x.example/{key}")),
            authors: None,
            published: Some(t),
            updated: None,
            summary: None,
            content_html: None,
            categories: Vec::new(),
            enclosures: Vec::new(),
        };
        let feed = |articles| ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles,
        };
        let v = Validators::default();
        let pid = s.fetch_state(&parent).unwrap().unwrap().id;
        let parsed = feed(vec![
            item("a", "Blast in Peshawar", 3),
            item("b", "Budget passed", 2),
        ]);
        s.record_success(pid, "PK", &v, Some(&parsed), 10).unwrap();
        let cid = s.fetch_state(&child).unwrap().unwrap().id;
        let parsed = feed(vec![item("c", "Assembly meets", 1)]);
        s.record_success(cid, "KP", &v, Some(&parsed), 10).unwrap();
        let parent_q = TabQuery {
            feeds: vec![parent.clone(), child.clone()],
            limit: TAB_ROW_LIMIT,
            ..TabQuery::default()
        };
        let child_q = TabQuery {
            feeds: vec![child.clone()],
            keyword_feeds: vec![parent.clone(), child.clone()],
            keywords: vec!["Peshawar".into()],
            limit: TAB_ROW_LIMIT,
            ..TabQuery::default()
        };
        let saved_q = TabQuery {
            saved: true,
            ..TabQuery::default()
        };
        let queries = [parent_q, child_q.clone(), saved_q];
        assert_eq!(unread_counts(&mut s, &queries).unwrap(), [3, 2, 0]);
        // The count is what the tab lists.
        assert_eq!(load_tab(&mut s, &child_q).unwrap().len(), 2);
        let peshawar = load_tab(&mut s, &child_q).unwrap()[0].id;
        s.set_read(peshawar, true).unwrap();
        assert_eq!(unread_counts(&mut s, &queries).unwrap(), [2, 1, 0]);
    }

    #[test]
    fn routed_items_are_listed_and_counted_in_their_regions_with_the_names_that_placed_them() {
        use crate::model::{IncomingArticle, ParsedFeed, Validators};
        let text = r#"
[[tabs]]
id = "pakistan"
title = "Pakistan"
  [[tabs.outlets]]
  name = "Dawn"
  feeds = ["https://dawn.example/f"]

[[tabs]]
id = "balochistan"
title = "Balochistan"
parent = "pakistan"

[[tabs]]
id = "world"
title = "World"
  [[tabs.outlets]]
  name = "Wire"
  route = true
  feeds = ["https://wire.example/f"]
"#;
        let config = Config::parse(text, "x.toml").unwrap();
        let tabs = tabs_from_config(&config);
        let plan = crate::refresh::RoutePlan::from_config(&config).unwrap();
        let mut s = Store::open_in_memory().unwrap();
        s.sync_feeds(&[
            ("https://dawn.example/f".into(), "Dawn".into()),
            ("https://wire.example/f".into(), "Wire".into()),
        ])
        .unwrap();
        let item = |key: &str, title: &str, t: i64| IncomingArticle {
            key: key.into(),
            title: title.into(),
            url: Some(format!("https://x.example/{key}")),
            authors: None,
            published: Some(t),
            updated: None,
            summary: None,
            content_html: None,
            categories: Vec::new(),
            enclosures: Vec::new(),
        };
        let v = Validators::default();
        for (url, outlet, items) in [
            (
                "https://dawn.example/f",
                "Dawn",
                vec![item("d", "Budget passed", 1)],
            ),
            (
                "https://wire.example/f",
                "Wire",
                vec![
                    item("w1", "Blast in Quetta kills four", 3),
                    item("w2", "Tennis final in Paris", 2),
                ],
            ),
        ] {
            let id = s.fetch_state(url).unwrap().unwrap().id;
            let parsed = ParsedFeed {
                title: None,
                site_url: None,
                language: None,
                repair: None,
                articles: items,
            };
            s.record_success(id, outlet, &v, Some(&parsed), 10).unwrap();
        }
        s.begin_routing(&plan.fingerprint).unwrap();
        let pending = s.unrouted(&plan.feeds, 100).unwrap();
        let routes = crate::refresh::route_batch(&plan.gazetteer, &pending);
        s.record_routes(&routes).unwrap();

        let titles = |s: &mut Store, tab: usize| -> Vec<(String, Vec<String>)> {
            load_tab(s, &tabs[tab].query)
                .unwrap()
                .into_iter()
                .map(|r| (r.title, r.matched))
                .collect()
        };
        let quetta = (
            "Blast in Quetta kills four".to_string(),
            vec!["Quetta".to_string()],
        );
        assert_eq!(
            titles(&mut s, 0),
            [quetta.clone(), ("Budget passed".to_string(), Vec::new())]
        );
        assert_eq!(titles(&mut s, 1), [quetta]);
        // The outlet's own tab lists both, with nothing matched.
        assert!(titles(&mut s, 2).iter().all(|(_, m)| m.is_empty()));
        let queries: Vec<TabQuery> = tabs.iter().map(|t| t.query.clone()).collect();
        assert_eq!(unread_counts(&mut s, &queries).unwrap(), [2, 1, 2, 0]);
    }

    #[test]
    fn ignore_rules_hide_articles_from_lists_and_counts_until_shown() {
        use crate::model::{IncomingArticle, ParsedFeed, Validators};
        let text = r#"
[[ignore]]
words = ["horoscope"]
[[ignore]]
outlets = ["Tabloid"]
[[ignore]]
title_regex = "(?i)^sponsored:"

[[tabs]]
id = "pk"
title = "Pakistan"
  [[tabs.outlets]]
  name = "Dawn"
  feeds = ["https://dawn.example/f"]
"#;
        let config = Config::parse(text, "x.toml").unwrap();
        let tabs = tabs_from_config(&config);
        let mut s = Store::open_in_memory().unwrap();
        s.sync_feeds(&[("https://dawn.example/f".into(), "Dawn".into())])
            .unwrap();
        let item = |key: &str, title: &str| IncomingArticle {
            key: key.into(),
            title: title.into(),
            url: Some(format!("https://x.example/{key}")),
            authors: None,
            published: Some(1),
            updated: None,
            summary: None,
            content_html: None,
            categories: Vec::new(),
            enclosures: Vec::new(),
        };
        let id = s.fetch_state("https://dawn.example/f").unwrap().unwrap().id;
        let parsed = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles: vec![
                item("a", "Budget passed"),
                item("b", "Your horoscope for Tuesday"),
                item("c", "Sponsored: best phones"),
            ],
        };
        s.record_success(id, "Dawn", &Validators::default(), Some(&parsed), 10)
            .unwrap();
        let titles = |s: &mut Store, q: &TabQuery| -> Vec<(String, bool)> {
            load_tab(s, q)
                .unwrap()
                .into_iter()
                .map(|r| (r.title, r.ignored))
                .collect()
        };
        assert_eq!(
            titles(&mut s, &tabs[0].query),
            [("Budget passed".to_string(), false)]
        );
        let queries: Vec<TabQuery> = tabs.iter().map(|t| t.query.clone()).collect();
        assert_eq!(unread_counts(&mut s, &queries).unwrap()[0], 1);
        let shown = TabQuery {
            show_ignored: true,
            ..tabs[0].query.clone()
        };
        assert_eq!(titles(&mut s, &shown).iter().filter(|(_, i)| *i).count(), 2);
        // A regex that does not compile is a config error at its line.
        let err = Config::parse("[[ignore]]\ntitle_regex = \"(\"\n", "y.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("y.toml:2:"), "{err}");
    }

    #[test]
    fn the_filter_folds_arabic_script_spellings() {
        use crate::model::{IncomingArticle, ParsedFeed, Validators};
        let mut s = Store::open_in_memory().unwrap();
        let url = "https://fa.example/f".to_string();
        s.sync_feeds(&[(url.clone(), "BBC Persian".into())])
            .unwrap();
        let id = s.fetch_state(&url).unwrap().unwrap().id;
        let item = |key: &str, title: &str| IncomingArticle {
            key: key.into(),
            title: title.into(),
            url: Some(format!("https://fa.example/{key}")),
            authors: None,
            published: Some(1),
            updated: None,
            summary: None,
            content_html: None,
            categories: Vec::new(),
            enclosures: Vec::new(),
        };
        let parsed = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles: vec![item("a", "مذاکرات در وین"), item("b", "Budget, Karachi")],
        };
        s.record_success(id, "BBC Persian", &Validators::default(), Some(&parsed), 10)
            .unwrap();
        let filtered = |s: &mut Store, q: &str| -> Vec<String> {
            let query = TabQuery {
                feeds: vec![url.clone()],
                search: Some(q.into()),
                limit: TAB_ROW_LIMIT,
                ..TabQuery::default()
            };
            load_tab(s, &query)
                .unwrap()
                .into_iter()
                .map(|r| r.title)
                .collect()
        };
        // Arabic kaf typed, Persian keheh in the title.
        assert_eq!(filtered(&mut s, "مذاكرات"), ["مذاکرات در وین"]);
        assert_eq!(filtered(&mut s, "karachi"), ["Budget, Karachi"]);
        assert!(filtered(&mut s, "لاهور").is_empty());
    }

    #[test]
    fn sub_tabs_link_to_parents_and_saved_comes_last() {
        let config = Config::embedded_default().unwrap();
        let tabs = tabs_from_config(&config);
        let pk = find_tab(&tabs, "pakistan").unwrap();
        let kp = find_tab(&tabs, "Khyber Pakhtunkhwa").unwrap();
        assert_eq!(tabs[kp].parent, Some(pk));
        assert!(tabs[pk].children.contains(&kp));
        // The parent lists the sub-tab's own feeds; the sub-tab searches the parent's.
        for feed in &config.tabs[kp].outlets[0].feeds {
            assert!(tabs[pk].query.feeds.contains(feed));
        }
        assert!(!tabs[kp].query.keyword_feeds.is_empty());
        assert!(tabs.last().unwrap().query.saved);
        assert_eq!(find_tab(&tabs, "no-such-tab"), None);
    }
}
