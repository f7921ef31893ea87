//! `khabar import FILE.opml`: adds an OPML file's feeds to the user's config file, keeping
//! everything already there, comments included (toml_edit edits the document in place).

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use crate::config::{Config, DEFAULT_CONFIG};
use crate::feeds::opml::{parse_opml, OpmlOutlet, OpmlTab};

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Feeds added.
    pub added: usize,
    /// Feeds skipped because their URL was already configured.
    pub skipped: usize,
    /// Feeds skipped because their URL is not http(s).
    pub unsupported: usize,
    /// Tabs created.
    pub new_tabs: Vec<String>,
    /// The config had no tabs of its own, so the OPML's tabs took the default ones' place.
    pub replaced_default_tabs: bool,
}

/// Merges `opml` into the config text `existing` (the user's file, or `None` when there is
/// none yet, in which case the embedded defaults are the starting point). Returns the new text.
///
/// The OPML's tabs are matched to the config's by title or id; new ones are added with their
/// parent (for sub-tabs), keywords and khabar's other tab settings. A config with no tabs of
/// its own gets the OPML's tabs in place of the default ones, so an export imported into an
/// empty config reproduces its tabs.
pub fn merge_opml(existing: Option<&str>, opml: &str) -> anyhow::Result<(String, ImportReport)> {
    let opml = parse_opml(opml)?;
    let base = existing.unwrap_or(DEFAULT_CONFIG);
    let mut doc: DocumentMut = base.parse().context("the config file is not valid TOML")?;
    let mut report = ImportReport::default();
    if !doc.contains_key("tabs") {
        doc.insert("tabs", Item::ArrayOfTables(ArrayOfTables::new()));
        report.replaced_default_tabs = true;
    }
    let tabs = doc
        .get_mut("tabs")
        .and_then(Item::as_array_of_tables_mut)
        .context("`tabs` in the config must be an array of tables ([[tabs]])")?;

    let mut known: HashSet<String> = HashSet::new();
    for tab in tabs.iter() {
        for outlet in tab
            .get("outlets")
            .and_then(Item::as_array_of_tables)
            .into_iter()
            .flat_map(ArrayOfTables::iter)
        {
            for url in outlet
                .get("feeds")
                .and_then(Item::as_array)
                .into_iter()
                .flat_map(Array::iter)
            {
                if let Some(u) = url.as_str() {
                    known.insert(u.to_string());
                }
            }
        }
    }

    let mut groups = opml.tabs;
    if !opml.uncategorised.is_empty() {
        groups.push(OpmlTab {
            title: "Imported".into(),
            outlets: opml.uncategorised,
            ..OpmlTab::default()
        });
    }
    let parents: HashSet<String> = groups
        .iter()
        .filter_map(|g| g.parent.as_deref().map(str::to_lowercase))
        .collect();
    for mut group in groups {
        let mut outlets = Vec::new();
        for outlet in std::mem::take(&mut group.outlets) {
            let mut urls = Vec::new();
            for url in outlet.urls {
                if url::Url::parse(&url).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
                    report.unsupported += 1;
                } else if !known.insert(url.clone()) {
                    report.skipped += 1;
                } else {
                    urls.push(url);
                }
            }
            if !urls.is_empty() {
                outlets.push(OpmlOutlet { urls, ..outlet });
            }
        }
        let index = match find_tab(tabs, &group) {
            Some(i) => i,
            None => {
                // A tab with nothing new is still made when khabar wrote it (a sub-tab of
                // keywords only) or when a sub-tab needs it as parent.
                let wanted = !outlets.is_empty()
                    || group.id.is_some()
                    || !group.keywords.is_empty()
                    || parents.contains(&group.title.to_lowercase());
                if !wanted {
                    continue;
                }
                let tab = new_tab(tabs, &group);
                tabs.push(tab);
                report.new_tabs.push(group.title.clone());
                tabs.len() - 1
            }
        };
        if outlets.is_empty() {
            continue;
        }
        let Some(tab) = tabs.get_mut(index) else {
            continue;
        };
        let list = tab
            .entry("outlets")
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .context("`outlets` in a tab must be an array of tables ([[tabs.outlets]])")?;
        for outlet in outlets {
            report.added += outlet.urls.len();
            list.push(outlet_table(outlet));
        }
    }
    report.replaced_default_tabs &= !report.new_tabs.is_empty();
    let text = doc.to_string();
    Config::parse(&text, "<imported config>").context("the merged config does not validate")?;
    Ok((text, report))
}

/// The config tab an OPML tab stands for: same title or id (any case), or the id khabar wrote.
fn find_tab(tabs: &ArrayOfTables, group: &OpmlTab) -> Option<usize> {
    tabs.iter().position(|t| {
        let field = |k: &str| t.get(k).and_then(Item::as_str);
        let is = |k: &str, v: &str| field(k).is_some_and(|f| f.eq_ignore_ascii_case(v));
        is("title", &group.title)
            || is("id", &group.title)
            || group.id.as_deref().is_some_and(|id| is("id", id))
    })
}

/// A new `[[tabs]]` table for `group`: its id (khabar's when free), title, parent (when that
/// tab exists and is not a sub-tab itself), keywords and other settings.
fn new_tab(tabs: &ArrayOfTables, group: &OpmlTab) -> Table {
    let mut tab = Table::new();
    let base = group
        .id
        .as_deref()
        .map(tab_id)
        .unwrap_or_else(|| tab_id(&group.title));
    tab.insert("id", value(unique_id(tabs, &base)));
    tab.insert("title", value(group.title.clone()));
    let parent = group.parent.as_deref().and_then(|title| {
        tabs.iter()
            .find(|t| {
                t.get("title")
                    .and_then(Item::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(title))
                    && !t.contains_key("parent")
            })
            .and_then(|t| t.get("id").and_then(Item::as_str))
            .map(str::to_string)
    });
    if let Some(parent) = parent {
        tab.insert("parent", value(parent));
        if !group.keywords.is_empty() {
            tab.insert("keywords", value(group.keywords.iter().collect::<Array>()));
        }
    }
    for (attr, key) in [
        ("region", "region"),
        ("time-zone", "time_zone"),
        ("calendar", "calendar"),
    ] {
        if let Some(v) = group.extra.get(attr) {
            tab.insert(key, value(v.clone()));
        }
    }
    tab
}

/// A `[[tabs.outlets]]` table for an imported outlet.
fn outlet_table(outlet: OpmlOutlet) -> Table {
    let mut table = Table::new();
    table.insert("name", value(outlet.name));
    table.insert("feeds", value(outlet.urls.into_iter().collect::<Array>()));
    // Without a language in the OPML, refreshing takes the feed's own `<language>`.
    if let Some(lang) = outlet.language {
        table.insert("lang", value(lang));
    }
    if let Some(site) = outlet.site {
        table.insert("site", value(site));
    }
    if let Some(ua) = outlet.extra.get("user-agent") {
        table.insert("user_agent", value(ua.clone()));
    }
    for (attr, key) in [
        ("refresh-minutes", "refresh_minutes"),
        ("item-limit", "item_limit"),
    ] {
        if let Some(n) = outlet.extra.get(attr).and_then(|v| v.parse::<u32>().ok()) {
            table.insert(key, value(i64::from(n)));
        }
    }
    for (attr, key) in [("state-media", "state_media"), ("route", "route")] {
        if outlet.extra.get(attr).is_some_and(|v| v == "true") {
            table.insert(key, value(true));
        }
    }
    table
}

/// A tab id from a category title; `imported` when nothing is left or the id is reserved.
fn tab_id(title: &str) -> String {
    let id = crate::text::slug(title, 40);
    if id.is_empty() || id == crate::tabs::SAVED_TAB_ID {
        "imported".into()
    } else {
        id
    }
}

fn unique_id(tabs: &ArrayOfTables, base: &str) -> String {
    let taken = |id: &str| {
        tabs.iter()
            .any(|t| t.get("id").and_then(Item::as_str) == Some(id))
    };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_string())
}

/// Runs the import against the config file at `config_path`, writing it atomically.
pub fn run(config_path: &Path, opml_path: &Path) -> anyhow::Result<ImportReport> {
    let opml =
        std::fs::read(opml_path).with_context(|| format!("reading {}", opml_path.display()))?;
    let opml = String::from_utf8_lossy(&opml);
    let existing = match std::fs::read_to_string(config_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", config_path.display())),
    };
    let (text, report) = merge_opml(existing.as_deref(), &opml)?;
    if let Some(dir) = config_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = config_path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, config_path)
        .with_context(|| format!("replacing {}", config_path.display()))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPML: &str = r#"<opml version="2.0"><body>
      <outline text="Pakistan"><outline text="New PK" xmlUrl="https://newpk.example/feed"/>
        <outline text="Dawn again" xmlUrl="https://www.dawn.com/feeds/home"/></outline>
      <outline text="Tech"><outline text="T" xmlUrl="https://tech.example/rss"/>
        <outline text="Local file" xmlUrl="file:///etc/passwd"/></outline>
    </body></opml>"#;

    #[test]
    fn import_reuses_tabs_skips_known_urls_and_keeps_comments() {
        let existing = "# my precious comment\n[general]\nrefresh_minutes = 10 # inline too\n\n\
            [[tabs]]\nid = \"pakistan\"\ntitle = \"Pakistan\"\n[[tabs.outlets]]\nname = \"Dawn\"\n\
            feeds = [\"https://www.dawn.com/feeds/home\"]\n";
        let (text, report) = merge_opml(Some(existing), OPML).unwrap();
        assert!(text.contains("# my precious comment"));
        assert!(text.contains("# inline too"));
        assert_eq!(
            report,
            ImportReport {
                added: 2,
                skipped: 1,
                unsupported: 1,
                new_tabs: vec!["Tech".into()],
                replaced_default_tabs: false,
            }
        );
        let config = Config::parse(&text, "t").unwrap();
        let pk = config.tabs.iter().find(|t| t.id == "pakistan").unwrap();
        assert!(pk
            .outlets
            .iter()
            .any(|o| o.feeds == ["https://newpk.example/feed"]));
        assert_eq!(config.tabs.last().unwrap().id, "tech");
    }

    const CUSTOM: &str = r#"
[[tabs]]
id = "pk"
title = "Pakistan"
time_zone = "Asia/Karachi"
[[tabs.outlets]]
name = "Dawn"
feeds = ["https://dawn.example/home", "https://dawn.example/pakistan"]
site = "https://dawn.example/"
lang = "en"
[[tabs.outlets]]
name = "PTV"
feeds = ["https://ptv.example/rss"]
state_media = true
user_agent = "browser"
refresh_minutes = 15
item_limit = 50
[[tabs]]
id = "bal"
title = "Balochistan"
parent = "pk"
keywords = ["Quetta", "Gwadar, port", "بلوچستان"]
[[tabs.outlets]]
name = "Quetta Voice"
feeds = ["https://quetta.example/feed"]
[[tabs]]
id = "kp"
title = "Khyber Pakhtunkhwa"
parent = "pk"
keywords = ["Peshawar"]
[[tabs]]
id = "world"
title = "World"
calendar = "gregorian"
[[tabs.outlets]]
name = "Wire"
feeds = ["https://wire.example/latest"]
route = true
"#;

    #[test]
    fn an_export_imported_into_an_empty_config_reproduces_the_tabs() {
        for text in [CUSTOM, DEFAULT_CONFIG] {
            let config = Config::parse(text, "c.toml").unwrap();
            let opml = crate::feeds::opml::write_opml(&config.tabs);
            for empty in ["", "[general]\nrefresh_minutes = 10\n"] {
                let (merged, report) = merge_opml(Some(empty), &opml).unwrap();
                let again = Config::parse(&merged, "merged.toml").unwrap();
                assert_eq!(again.tabs, config.tabs, "{merged}");
                assert_eq!(report.skipped, 0);
                assert_eq!(report.new_tabs.len(), config.tabs.len());
            }
        }
    }

    #[test]
    fn nested_folders_become_sub_tabs_or_tabs_and_html_urls_are_kept() {
        let opml = r#"<opml version="2.0"><body><outline text="News">
            <outline text="Pakistan">
              <outline text="Geo" xmlUrl="https://geo.example/rss" htmlUrl="https://geo.example/"/>
              <outline text="Sindh"><outline text="Sindh Post" xmlUrl="https://sindh.example/rss"/></outline>
            </outline></outline></body></opml>"#;
        let (text, report) = merge_opml(Some(""), opml).unwrap();
        assert_eq!(report.new_tabs, ["Pakistan", "Sindh"]);
        let config = Config::parse(&text, "t").unwrap();
        let ids: Vec<_> = config
            .tabs
            .iter()
            .map(|t| (t.id.as_str(), t.parent.as_deref()))
            .collect();
        assert_eq!(ids, [("pakistan", None), ("sindh", Some("pakistan"))]);
        assert_eq!(
            config.tabs[0].outlets[0].site.as_deref(),
            Some("https://geo.example/")
        );
        // Into the defaults, the same file fills the existing Pakistan tab.
        let (text, report) = merge_opml(None, opml).unwrap();
        assert_eq!(report.new_tabs, ["Sindh"]);
        let config = Config::parse(&text, "t").unwrap();
        let sindh = config.tabs.iter().find(|t| t.id == "sindh").unwrap();
        assert_eq!(sindh.parent.as_deref(), Some("pakistan"));
    }

    #[test]
    fn import_without_a_file_starts_from_the_defaults() {
        let (text, _) = merge_opml(None, OPML).unwrap();
        assert!(text.contains("Default outlets") || text.contains("embedded default"));
        assert!(text.contains("https://tech.example/rss"));
    }
}
