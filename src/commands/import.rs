//! `khabar import FILE.opml`: adds an OPML file's feeds to the user's config file, keeping
//! everything already there, comments included (toml_edit edits the document in place).

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use crate::config::{Config, DEFAULT_CONFIG};
use crate::feeds::opml::{parse_opml, OpmlFeed};

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
}

/// Merges `opml` into the config text `existing` (the user's file, or `None` when there is
/// none yet, in which case the embedded defaults are the starting point). Returns the new text.
pub fn merge_opml(existing: Option<&str>, opml: &str) -> anyhow::Result<(String, ImportReport)> {
    let feeds = parse_opml(opml)?;
    let base = existing.unwrap_or(DEFAULT_CONFIG);
    let mut doc: DocumentMut = base.parse().context("the config file is not valid TOML")?;
    if !doc.contains_key("tabs") {
        // A file without tabs uses the default tabs; make them explicit before adding to them.
        let defaults: DocumentMut = DEFAULT_CONFIG.parse().context("embedded default config")?;
        if let Some(tabs) = defaults.get("tabs") {
            doc.insert("tabs", tabs.clone());
        }
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

    let mut report = ImportReport::default();
    for OpmlFeed {
        title,
        url,
        category,
        language,
    } in feeds
    {
        if url::Url::parse(&url).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
            report.unsupported += 1;
            continue;
        }
        if !known.insert(url.clone()) {
            report.skipped += 1;
            continue;
        }
        let category = category.unwrap_or_else(|| "Imported".to_string());
        let position = tabs.iter().position(|t| {
            let matches = |k: &str| {
                t.get(k)
                    .and_then(Item::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(&category))
            };
            matches("title") || matches("id")
        });
        let index = if let Some(i) = position {
            i
        } else {
            let mut tab = Table::new();
            tab.insert("id", value(unique_id(tabs, &tab_id(&category))));
            tab.insert("title", value(category.clone()));
            tabs.push(tab);
            report.new_tabs.push(category.clone());
            tabs.len() - 1
        };
        let Some(tab) = tabs.get_mut(index) else {
            continue;
        };
        let outlets = tab
            .entry("outlets")
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .context("`outlets` in a tab must be an array of tables ([[tabs.outlets]])")?;
        let mut outlet = Table::new();
        outlet.insert("name", value(title));
        let mut urls = Array::new();
        urls.push(url);
        outlet.insert("feeds", value(urls));
        // Without a language in the OPML, refreshing takes the feed's own `<language>`.
        if let Some(lang) = language {
            outlet.insert("lang", value(lang));
        }
        outlets.push(outlet);
        report.added += 1;
    }
    let text = doc.to_string();
    Config::parse(&text, "<imported config>").context("the merged config does not validate")?;
    Ok((text, report))
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
        let existing = "# my precious comment\n[general]\nrefresh_minutes = 10 # inline too\n";
        let (text, report) = merge_opml(Some(existing), OPML).unwrap();
        assert!(text.contains("# my precious comment"));
        assert!(text.contains("# inline too"));
        assert_eq!(
            report,
            ImportReport {
                added: 2,
                skipped: 1,
                unsupported: 1,
                new_tabs: vec!["Tech".into()]
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

    #[test]
    fn import_without_a_file_starts_from_the_defaults() {
        let (text, _) = merge_opml(None, OPML).unwrap();
        assert!(text.contains("Default outlets") || text.contains("embedded default"));
        assert!(text.contains("https://tech.example/rss"));
    }
}
