//! Editing the user's config file from the reader (`a` adds a feed to the current tab): the
//! document is changed in place with toml_edit, so comments and layout survive, and it must
//! still load before it replaces the file.

use std::path::Path;

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use super::{Config, ConfigError, DEFAULT_CONFIG};

/// A config edit that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Not an http(s) URL.
    #[error("`{0}` is not an http(s) feed URL")]
    BadUrl(String),
    /// The URL is configured already.
    #[error("{0} is already in the config")]
    Known(String),
    /// The tab is not in the file (a tab made by a search, or the Saved tab).
    #[error("feeds cannot be added to the tab `{0}`")]
    NoSuchTab(String),
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file does not parse, before or after the edit.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The file is TOML but not a khabar config.
    #[error("{0}")]
    Shape(String),
}

/// Adds `url` as a new outlet (named after its host) of the tab `tab_id` in the config file at
/// `path` (created from the embedded defaults when missing); returns the config as it now is.
pub fn add_feed(path: &Path, tab_id: &str, url: &str) -> Result<Config, EditError> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| EditError::BadUrl(url.into()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(EditError::BadUrl(url.into()));
    }
    let url = parsed.to_string();
    let io = |source| EditError::Io {
        path: path.display().to_string(),
        source,
    };
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let text = existing.as_deref().unwrap_or(DEFAULT_CONFIG);
    let current = Config::parse(text, &path.display().to_string())?;
    if current.outlets().any(|(_, o)| o.feeds.contains(&url)) {
        return Err(EditError::Known(url));
    }
    let shape = |e: toml_edit::TomlError| EditError::Shape(e.to_string());
    let mut doc: DocumentMut = text.parse().map_err(shape)?;
    if !doc.contains_key("tabs") {
        // A file without tabs uses the default ones: write them out before adding to one.
        let defaults: DocumentMut = DEFAULT_CONFIG.parse().map_err(shape)?;
        if let Some(tabs) = defaults.get("tabs") {
            doc.insert("tabs", tabs.clone());
        }
    }
    let tabs = doc
        .get_mut("tabs")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| EditError::Shape("`tabs` must be an array of tables ([[tabs]])".into()))?;
    let tab = tabs
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(tab_id))
        .ok_or_else(|| EditError::NoSuchTab(tab_id.into()))?;
    let outlets = tab
        .entry("outlets")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| EditError::Shape("`outlets` must be an array of tables".into()))?;
    let mut outlet = Table::new();
    let name = parsed
        .host_str()
        .map(|h| h.trim_start_matches("www.").to_string())
        .unwrap_or_else(|| url.clone());
    outlet.insert("name", value(name));
    let mut feeds = Array::new();
    feeds.push(url);
    outlet.insert("feeds", value(feeds));
    outlets.push(outlet);
    let new_text = doc.to_string();
    let config = Config::parse(&new_text, &path.display().to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, &new_text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_a_feed_to_the_tab_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "# my news\n[[tabs]]\nid = \"pk\"\ntitle = \"Pakistan\" # home\n",
        )
        .unwrap();
        let config = add_feed(&path, "pk", "https://www.dawn.com/feeds/home").unwrap();
        assert_eq!(config.tabs[0].outlets[0].name, "dawn.com");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my news\n"), "{text}");
        assert!(text.contains("\"Pakistan\" # home"), "{text}");
        assert!(matches!(
            add_feed(&path, "pk", "https://www.dawn.com/feeds/home"),
            Err(EditError::Known(_))
        ));
        assert!(matches!(
            add_feed(&path, "pk", "ftp://x.example/f"),
            Err(EditError::BadUrl(_))
        ));
        assert!(matches!(
            add_feed(&path, "search", "https://x.example/f"),
            Err(EditError::NoSuchTab(_))
        ));
    }

    #[test]
    fn a_missing_file_starts_from_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let config = add_feed(&path, "iran", "https://feeds.example/iran.xml").unwrap();
        let iran = config.tabs.iter().find(|t| t.id == "iran").unwrap();
        assert!(iran.outlets.iter().any(|o| o.name == "feeds.example"));
        assert!(config.tabs.len() >= 8);
        assert!(path.exists());
    }
}
