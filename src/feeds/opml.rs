//! OPML 2.0 import and export. Pure: strings in, strings out.
//!
//! Export writes one folder outline per top-level tab holding its feeds, then its sub-tabs as
//! folder outlines nested inside it. What plain OPML has no word for (tab ids, a sub-tab's
//! keywords, outlet settings) goes into attributes of the `khabar` namespace, which other
//! readers ignore.
//!
//! On import, a feed outline (`xmlUrl`) lands in the tab named by its innermost folder
//! outline, else by its `category` attribute (the last part of a path like `/News/Iran`). One
//! level of nesting becomes a sub-tab: a folder inside a folder that holds feeds of its own
//! (or that khabar wrote as a tab, or that carries keywords). A folder inside a folder of
//! folders only (News > Pakistan) is a tab of its own, named after the inner folder.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::config::{OutletConfig, TabConfig};

/// The namespace of khabar's own OPML attributes.
pub const KHABAR_NS: &str = "https://khabar.example/ns/opml";

/// An outlet found in an OPML document: consecutive feed outlines of one name and settings
/// in one folder are one outlet with several feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlOutlet {
    /// The outline's title (or text).
    pub name: String,
    /// The feed URLs (`xmlUrl`).
    pub urls: Vec<String>,
    /// Its language (the `language` attribute, as Feedly and khabar write it), if given.
    pub language: Option<String>,
    /// The outlet's web site (`htmlUrl`), if given.
    pub site: Option<String>,
    /// khabar's own attributes (`user-agent`, `refresh-minutes`, `item-limit`, `state-media`,
    /// `route`), by local name.
    pub extra: BTreeMap<String, String>,
}

/// A tab found in an OPML document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpmlTab {
    /// Its title (the folder's title or text, or a `category`).
    pub title: String,
    /// The id khabar wrote for it (`khabar:id`), if any.
    pub id: Option<String>,
    /// The title of its parent tab, for a sub-tab.
    pub parent: Option<String>,
    /// A sub-tab's keywords (`khabar:keywords`, comma separated).
    pub keywords: Vec<String>,
    /// khabar's other tab attributes (`region`, `time-zone`, `calendar`), by local name.
    pub extra: BTreeMap<String, String>,
    /// Its outlets, in document order.
    pub outlets: Vec<OpmlOutlet>,
}

/// What an OPML document holds: tabs in document order (a parent before its sub-tabs), and
/// outlets that name no tab.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Opml {
    /// Tabs, each title once.
    pub tabs: Vec<OpmlTab>,
    /// Feeds outside any folder and without a category.
    pub uncategorised: Vec<OpmlOutlet>,
}

impl Opml {
    /// Every feed URL in the document.
    pub fn feed_count(&self) -> usize {
        self.tabs
            .iter()
            .flat_map(|t| &t.outlets)
            .chain(&self.uncategorised)
            .map(|o| o.urls.len())
            .sum()
    }
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

/// One `<outline>` and what is inside it.
#[derive(Debug, Default)]
struct Node {
    title: String,
    xml_url: Option<String>,
    html_url: Option<String>,
    category: Option<String>,
    language: Option<String>,
    /// `khabar:` attributes by local name.
    khabar: BTreeMap<String, String>,
    children: Vec<Node>,
}

impl Node {
    fn is_feed(&self) -> bool {
        self.xml_url.is_some()
    }

    fn has_own_feeds(&self) -> bool {
        self.children.iter().any(Node::is_feed)
    }
}

/// Deepest outline nesting read; deeper outlines count as if at this depth.
const MAX_DEPTH: usize = 64;

fn node_of(e: &BytesStart<'_>) -> Node {
    let mut node = Node::default();
    let mut title = None;
    let mut text = None;
    for attr in e.attributes().flatten() {
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| crate::text::one_line(&v))
            .unwrap_or_default();
        let local = attr.key.local_name().as_ref().to_string();
        if attr.key.prefix().is_some_and(|p| p.as_ref() == "khabar") {
            if !value.is_empty() {
                node.khabar.insert(local, value);
            }
            continue;
        }
        match local.as_str() {
            "title" => title = Some(value),
            "text" => text = Some(value),
            "xmlUrl" | "xmlurl" => node.xml_url = Some(value).filter(|v| !v.is_empty()),
            "htmlUrl" | "htmlurl" => node.html_url = Some(value).filter(|v| !v.is_empty()),
            "category" => node.category = Some(value),
            "language" | "lang" => {
                node.language = Some(value).filter(|l| {
                    !l.is_empty()
                        && l.len() <= 35
                        && l.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
            }
            _ => {}
        }
    }
    node.title = title.filter(|t| !t.is_empty()).or(text).unwrap_or_default();
    node
}

/// Reads the outlines of an OPML document as tabs and outlets.
pub fn parse_opml(text: &str) -> Result<Opml, OpmlError> {
    let mut reader = Reader::from_str(text);
    // The open outlines; the root collects the top level.
    let mut stack: Vec<Node> = vec![Node::default()];
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
            Event::Start(ref e) if e.local_name().as_ref() == "outline" => {
                if stack.len() > MAX_DEPTH {
                    // Too deep: read its children as if they were its siblings.
                    stack.push(Node::default());
                } else {
                    stack.push(node_of(e));
                }
            }
            Event::Empty(ref e) if e.local_name().as_ref() == "outline" => {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node_of(e));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "outline" && stack.len() > 1 => {
                if let Some(done) = stack.pop() {
                    if let Some(parent) = stack.last_mut() {
                        if done.title.is_empty() && done.xml_url.is_none() {
                            // A nameless folder (or one read past the depth limit): its
                            // children belong to the folder around it.
                            parent.children.extend(done.children);
                        } else {
                            parent.children.push(done);
                        }
                    }
                }
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
    // Unclosed outlines (a truncated file) still count.
    while stack.len() > 1 {
        if let Some(done) = stack.pop() {
            if let Some(parent) = stack.last_mut() {
                parent.children.push(done);
            }
        }
    }
    let mut opml = Opml::default();
    if let Some(root) = stack.pop() {
        for child in &root.children {
            walk(child, &mut Vec::new(), &mut opml);
        }
    }
    Ok(opml)
}

/// Collects `node` and what it holds; `folders` are the folder outlines around it.
fn walk<'a>(node: &'a Node, folders: &mut Vec<&'a Node>, opml: &mut Opml) {
    if node.is_feed() {
        add_feed(node, folders, opml);
        // Outlines inside a feed outline (some readers nest episodes) are read in its folder.
        for child in &node.children {
            walk(child, folders, opml);
        }
        return;
    }
    folders.push(node);
    let counts = node.has_own_feeds()
        || node.khabar.contains_key("id")
        || node.khabar.contains_key("keywords");
    if counts {
        tab_for(folders, opml);
    }
    for child in &node.children {
        walk(child, folders, opml);
    }
    folders.pop();
}

/// Whether the innermost of `folders` is a sub-tab of the folder around it.
fn is_sub_tab(folders: &[&Node]) -> bool {
    let [.., outer, inner] = folders else {
        return false;
    };
    let nested = outer.has_own_feeds()
        || inner.khabar.contains_key("keywords")
        || (outer.khabar.contains_key("id") && inner.khabar.contains_key("id"));
    // One level only: a folder inside a sub-tab is not a sub-sub-tab.
    nested && !is_sub_tab(&folders[..folders.len() - 1])
}

/// The index in `opml.tabs` of the tab the innermost of `folders` stands for, creating it
/// (and its parent) when new.
fn tab_for(folders: &[&Node], opml: &mut Opml) -> usize {
    let Some(inner) = folders.last() else {
        return 0;
    };
    let parent = if is_sub_tab(folders) {
        let at = tab_for(&folders[..folders.len() - 1], opml);
        Some(opml.tabs[at].title.clone())
    } else {
        None
    };
    let keywords = inner
        .khabar
        .get("keywords")
        .map(|k| split_keywords(k))
        .unwrap_or_default();
    let mut extra = inner.khabar.clone();
    extra.remove("id");
    extra.remove("keywords");
    let tab = OpmlTab {
        title: inner.title.clone(),
        id: inner.khabar.get("id").cloned(),
        parent,
        keywords,
        extra,
        outlets: Vec::new(),
    };
    ensure_tab(opml, tab)
}

/// Keywords joined with `, `; a comma or backslash inside a keyword is escaped with `\`.
fn join_keywords(keywords: &[String]) -> String {
    keywords
        .iter()
        .map(|k| k.replace('\\', "\\\\").replace(',', "\\,"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The keywords of a `khabar:keywords` attribute (see [`join_keywords`]).
fn split_keywords(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ',' => out.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect()
}

/// The index of the tab titled like `tab` (any case), adding `tab` when there is none.
fn ensure_tab(opml: &mut Opml, tab: OpmlTab) -> usize {
    if let Some(at) = opml
        .tabs
        .iter()
        .position(|t| t.title.to_lowercase() == tab.title.to_lowercase())
    {
        return at;
    }
    opml.tabs.push(tab);
    opml.tabs.len() - 1
}

fn add_feed(node: &Node, folders: &[&Node], opml: &mut Opml) {
    let Some(url) = node.xml_url.clone() else {
        return;
    };
    let outlet = OpmlOutlet {
        name: if node.title.is_empty() {
            url.clone()
        } else {
            node.title.clone()
        },
        urls: vec![url],
        language: node.language.clone(),
        site: node.html_url.clone(),
        extra: node.khabar.clone(),
    };
    let outlets = if !folders.is_empty() {
        let at = tab_for(folders, opml);
        &mut opml.tabs[at].outlets
    } else if let Some(category) = node.category.as_deref().and_then(|c| {
        // `category` may hold a path like "/News/Pakistan"; its last part names the tab.
        c.split(['/', ','])
            .map(str::trim)
            .rfind(|s| !s.is_empty())
            .map(String::from)
    }) {
        let at = ensure_tab(
            opml,
            OpmlTab {
                title: category,
                ..OpmlTab::default()
            },
        );
        &mut opml.tabs[at].outlets
    } else {
        &mut opml.uncategorised
    };
    // The feeds of one outlet are written one outline each, one after the other.
    match outlets.last_mut() {
        Some(last)
            if last.name == outlet.name
                && last.language == outlet.language
                && last.site == outlet.site
                && last.extra == outlet.extra =>
        {
            last.urls.extend(outlet.urls);
        }
        _ => outlets.push(outlet),
    }
}

/// Writes OPML 2.0: a folder outline per top-level tab, holding its feeds and then its
/// sub-tabs' folders. Tabs whose parent is missing are written at the top level.
pub fn write_opml(tabs: &[TabConfig]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\" xmlns:khabar=\"{KHABAR_NS}\">\n  <head>\n    <title>khabar feeds</title>\n  </head>\n  <body>\n"
    );
    let is_top = |t: &TabConfig| {
        t.parent
            .as_ref()
            .is_none_or(|p| !tabs.iter().any(|x| &x.id == p && x.parent.is_none()))
    };
    for tab in tabs.iter().filter(|t| is_top(t)) {
        write_tab(&mut out, tab, 2);
        for sub in tabs
            .iter()
            .filter(|t| !is_top(t) && t.parent.as_ref() == Some(&tab.id))
        {
            write_tab(&mut out, sub, 3);
            out.push_str(&format!("{}</outline>\n", "  ".repeat(3)));
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(crate::text::sanitize(s)).into_owned()
}

/// A ` khabar:name="value"` attribute.
fn khabar_attr(name: &str, value: &str) -> String {
    format!(" khabar:{name}=\"{}\"", esc(value))
}

/// Opens the folder outline of `tab` and writes its feeds (the caller closes it).
fn write_tab(out: &mut String, tab: &TabConfig, depth: usize) {
    let indent = "  ".repeat(depth);
    // khabar's attributes first: the outline still ends `title="..."`.
    let mut attrs = khabar_attr("id", &tab.id);
    if !tab.keywords.is_empty() {
        attrs.push_str(&khabar_attr("keywords", &join_keywords(&tab.keywords)));
    }
    for (name, value) in [
        ("region", &tab.region),
        ("time-zone", &tab.time_zone),
        ("calendar", &tab.calendar),
    ] {
        if let Some(v) = value {
            attrs.push_str(&khabar_attr(name, v));
        }
    }
    out.push_str(&format!(
        "{indent}<outline{attrs} text=\"{0}\" title=\"{0}\">\n",
        esc(&tab.title)
    ));
    for outlet in &tab.outlets {
        let extra = outlet_attrs(outlet);
        for feed in &outlet.feeds {
            out.push_str(&format!(
                "{indent}  <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\" category=\"{2}\"{extra}/>\n",
                esc(&outlet.name),
                esc(feed),
                esc(&tab.title)
            ));
        }
    }
}

/// The optional attributes of an outlet's feed outlines.
fn outlet_attrs(outlet: &OutletConfig) -> String {
    let mut attrs = String::new();
    if let Some(site) = &outlet.site {
        attrs.push_str(&format!(" htmlUrl=\"{}\"", esc(site)));
    }
    if let Some(lang) = &outlet.lang {
        attrs.push_str(&format!(" language=\"{}\"", esc(lang)));
    }
    if let Some(ua) = &outlet.user_agent {
        attrs.push_str(&khabar_attr("user-agent", ua));
    }
    if let Some(m) = outlet.refresh_minutes {
        attrs.push_str(&khabar_attr("refresh-minutes", &m.to_string()));
    }
    if let Some(n) = outlet.item_limit {
        attrs.push_str(&khabar_attr("item-limit", &n.to_string()));
    }
    if outlet.state_media {
        attrs.push_str(&khabar_attr("state-media", "true"));
    }
    if outlet.route {
        attrs.push_str(&khabar_attr("route", "true"));
    }
    attrs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(opml: &Opml) -> Vec<(String, Option<String>)> {
        opml.tabs
            .iter()
            .map(|t| (t.title.clone(), t.parent.clone()))
            .collect()
    }

    #[test]
    fn folders_and_category_attributes_name_tabs() {
        let doc = r#"<?xml version="1.0"?><opml version="2.0"><body>
          <outline text="Pakistan"><outline text="Dawn" xmlUrl="https://d.example/f"/></outline>
          <outline text="Loose" xmlUrl="https://l.example/f" category="/News/Iran"/>
          <outline text="Nowhere" xmlUrl="https://n.example/f"/>
        </body></opml>"#;
        let opml = parse_opml(doc).unwrap();
        assert_eq!(opml.feed_count(), 3);
        assert_eq!(
            titles(&opml),
            [("Pakistan".into(), None), ("Iran".into(), None)]
        );
        assert_eq!(opml.tabs[0].outlets[0].urls, ["https://d.example/f"]);
        assert_eq!(opml.uncategorised[0].name, "Nowhere");
    }

    #[test]
    fn nesting_makes_sub_tabs_and_category_folders_are_skipped() {
        let doc = r#"<opml version="2.0"><body>
          <outline text="News">
            <outline text="Pakistan">
              <outline text="Dawn" xmlUrl="https://d.example/f" htmlUrl="https://d.example/"/>
              <outline text="Balochistan">
                <outline text="Quetta Voice" xmlUrl="https://q.example/f"/>
                <outline text="Deeper"><outline text="D" xmlUrl="https://deep.example/f"/></outline>
              </outline>
            </outline>
            <outline text="Iran"><outline text="I" xmlUrl="https://i.example/f"/></outline>
          </outline>
        </body></opml>"#;
        let opml = parse_opml(doc).unwrap();
        assert_eq!(
            titles(&opml),
            [
                ("Pakistan".into(), None),
                ("Balochistan".into(), Some("Pakistan".into())),
                ("Deeper".into(), None),
                ("Iran".into(), None),
            ]
        );
        assert_eq!(
            opml.tabs[0].outlets[0].site.as_deref(),
            Some("https://d.example/")
        );
    }

    #[test]
    fn export_nests_sub_tabs_and_round_trips() {
        let config = crate::config::Config::parse(
            r#"
[[tabs]]
id = "pk"
title = "A & B"
time_zone = "Asia/Karachi"
[[tabs.outlets]]
name = "X \"q\""
feeds = ["https://x.example/f?a=1&b=2", "https://x.example/g"]
site = "https://x.example/"
[[tabs.outlets]]
name = "بی بی سی اردو"
feeds = ["https://u.example/f"]
lang = "ur"
state_media = true
[[tabs]]
id = "bal"
title = "Balochistan"
parent = "pk"
keywords = ["Quetta", "Gwadar"]
"#,
            "t.toml",
        )
        .unwrap();
        let doc = write_opml(&config.tabs);
        assert!(doc.contains("xmlns:khabar="), "{doc}");
        let bal = doc.find("title=\"Balochistan\"").unwrap();
        let close = doc.rfind("</outline>\n    </outline>").unwrap();
        assert!(bal < close, "the sub-tab is inside its parent:\n{doc}");
        let opml = parse_opml(&doc).unwrap();
        assert_eq!(
            titles(&opml),
            [
                ("A & B".into(), None),
                ("Balochistan".into(), Some("A & B".into()))
            ]
        );
        let pk = &opml.tabs[0];
        assert_eq!(pk.id.as_deref(), Some("pk"));
        assert_eq!(pk.extra["time-zone"], "Asia/Karachi");
        assert_eq!(
            pk.outlets[0].urls,
            ["https://x.example/f?a=1&b=2", "https://x.example/g"]
        );
        assert_eq!(pk.outlets[0].name, "X \"q\"");
        assert_eq!(pk.outlets[0].site.as_deref(), Some("https://x.example/"));
        assert_eq!(pk.outlets[1].language.as_deref(), Some("ur"));
        assert_eq!(pk.outlets[1].extra["state-media"], "true");
        assert_eq!(opml.tabs[1].keywords, ["Quetta", "Gwadar"]);
        assert_eq!(opml.tabs[1].id.as_deref(), Some("bal"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_opml("<html><body>hi</body></html>").is_err());
        assert!(
            parse_opml("<opml><body><outline text=\"a\"").is_err()
                || parse_opml("<opml><body><outline text=\"a\"")
                    .unwrap()
                    .tabs
                    .is_empty()
        );
        let deep = format!(
            "<opml><body>{}<outline text=\"f\" xmlUrl=\"https://f.example/\"/>{}</body></opml>",
            "<outline text=\"x\">".repeat(500),
            "</outline>".repeat(500)
        );
        assert_eq!(parse_opml(&deep).unwrap().feed_count(), 1);
    }
}
