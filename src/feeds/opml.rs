//! OPML 2.0 import and export. Pure: strings in, strings out.
//!
//! On import, each feed outline (`xmlUrl`) lands in the tab named by its category: the
//! `category` attribute when present, else the text of the enclosing folder outline.

use quick_xml::events::Event;
use quick_xml::Reader;

/// A feed found in an OPML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The outline's title (or text).
    pub title: String,
    /// The feed URL (`xmlUrl`).
    pub url: String,
    /// The category (tab) it belongs to, if any.
    pub category: Option<String>,
    /// Its language (the `language` attribute, as Feedly and khabar write it), if given.
    pub language: Option<String>,
}

/// An unreadable OPML document.
#[derive(Debug, thiserror::Error)]
#[error("invalid OPML at byte {position}: {message}")]
pub struct OpmlError {
    /// Where parsing stopped.
    pub position: u64,
    /// What went wrong.
    pub message: String,
}

/// Reads every feed outline of an OPML document.
pub fn parse_opml(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let mut reader = Reader::from_str(text);
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut feeds = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader.read_event().map_err(|e| OpmlError {
            position: reader.buffer_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "opml" => {
                saw_opml = true
            }
            Event::Start(ref e) | Event::Empty(ref e) if e.local_name().as_ref() == "outline" => {
                let is_empty = matches!(event, Event::Empty(_));
                let mut title = None;
                let mut text_attr = None;
                let mut url = None;
                let mut category = None;
                let mut language = None;
                for attr in e.attributes().flatten() {
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| crate::text::one_line(&v))
                        .unwrap_or_default();
                    match attr.key.local_name().as_ref() {
                        "title" => title = Some(value),
                        "text" => text_attr = Some(value),
                        "xmlUrl" | "xmlurl" => url = Some(value),
                        "category" => category = Some(value),
                        "language" | "lang" => {
                            language = Some(value).filter(|l| {
                                !l.is_empty()
                                    && l.len() <= 35
                                    && l.chars()
                                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                            })
                        }
                        _ => {}
                    }
                }
                let name = title
                    .filter(|t| !t.is_empty())
                    .or(text_attr)
                    .unwrap_or_default();
                if let Some(url) = url.filter(|u| !u.is_empty()) {
                    // `category` may hold a path like "/News/Pakistan"; its last part names the tab.
                    let category = category
                        .and_then(|c| {
                            c.split(['/', ','])
                                .map(str::trim)
                                .rfind(|s| !s.is_empty())
                                .map(String::from)
                        })
                        .or_else(|| folders.iter().rev().flatten().next().cloned());
                    feeds.push(OpmlFeed {
                        title: if name.is_empty() { url.clone() } else { name },
                        url,
                        category,
                        language,
                    });
                    if !is_empty {
                        folders.push(None);
                    }
                } else if !is_empty {
                    folders.push(Some(name).filter(|n| !n.is_empty()));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "outline" => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(OpmlError {
            position: 0,
            message: "no <opml> root element".into(),
        });
    }
    Ok(feeds)
}

/// One tab for export: its title and its outlets' feeds.
pub struct ExportTab<'a> {
    /// The tab's title.
    pub title: &'a str,
    /// Its feeds.
    pub feeds: Vec<ExportFeed<'a>>,
}

/// One feed for export.
pub struct ExportFeed<'a> {
    /// The outlet's name.
    pub name: &'a str,
    /// The feed URL.
    pub url: &'a str,
    /// The outlet's language, if set.
    pub lang: Option<&'a str>,
}

/// Writes OPML 2.0 with one folder outline per tab.
pub fn write_opml(tabs: &[ExportTab<'_>]) -> String {
    let esc = |s: &str| quick_xml::escape::escape(crate::text::sanitize(s)).into_owned();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>khabar feeds</title>\n  </head>\n  <body>\n",
    );
    for tab in tabs {
        out.push_str(&format!(
            "    <outline text=\"{0}\" title=\"{0}\">\n",
            esc(tab.title)
        ));
        for feed in &tab.feeds {
            let lang = feed
                .lang
                .map(|l| format!(" language=\"{}\"", esc(l)))
                .unwrap_or_default();
            out.push_str(&format!(
                "      <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\" category=\"{2}\"{lang}/>\n",
                esc(feed.name),
                esc(feed.url),
                esc(tab.title)
            ));
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_category_attributes_name_tabs() {
        let doc = r#"<?xml version="1.0"?><opml version="2.0"><body>
          <outline text="Pakistan"><outline text="Dawn" xmlUrl="https://d.example/f"/></outline>
          <outline text="Loose" xmlUrl="https://l.example/f" category="/News/Iran"/>
          <outline text="Nowhere" xmlUrl="https://n.example/f"/>
        </body></opml>"#;
        let feeds = parse_opml(doc).unwrap();
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].category.as_deref(), Some("Pakistan"));
        assert_eq!(feeds[1].category.as_deref(), Some("Iran"));
        assert_eq!(feeds[2].category, None);
    }

    #[test]
    fn export_round_trips() {
        let tabs = [ExportTab {
            title: "A & B",
            feeds: vec![
                ExportFeed {
                    name: "X \"q\"",
                    url: "https://x.example/f?a=1&b=2",
                    lang: None,
                },
                ExportFeed {
                    name: "بی بی سی اردو",
                    url: "https://u.example/f",
                    lang: Some("ur"),
                },
            ],
        }];
        let doc = write_opml(&tabs);
        let feeds = parse_opml(&doc).unwrap();
        assert_eq!(
            feeds,
            vec![
                OpmlFeed {
                    title: "X \"q\"".into(),
                    url: "https://x.example/f?a=1&b=2".into(),
                    category: Some("A & B".into()),
                    language: None,
                },
                OpmlFeed {
                    title: "بی بی سی اردو".into(),
                    url: "https://u.example/f".into(),
                    category: Some("A & B".into()),
                    language: Some("ur".into()),
                }
            ]
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_opml("<html><body>hi</body></html>").is_err());
        assert!(
            parse_opml("<opml><body><outline text=\"a\"").is_err()
                || parse_opml("<opml><body><outline text=\"a\"")
                    .unwrap()
                    .is_empty()
        );
    }
}
