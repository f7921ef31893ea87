//! DOM helpers shared by the cleaner, the pruner, the embed handling and the page reader: a
//! leaf, importing none of its siblings, so that they never import one another for these.

use dom_query::NodeRef;

/// Elements after which the text gets a paragraph break.
pub(super) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "dl"
            | "blockquote"
            | "pre"
            | "table"
            | "figure"
            | "figcaption"
            | "hr"
            | "address"
            | "details"
            | "summary"
            | "center"
            | "body"
            | "html"
    )
}

/// Elements after which the text gets a line break.
pub(super) fn is_line(name: &str) -> bool {
    matches!(name, "li" | "tr" | "dt" | "dd" | "br" | "caption")
}

/// Lower-cased letters and digits only. Extractors disagree on spacing
/// around inline elements ("MacBook s"), so block texts are compared in this
/// compact form.
pub(super) fn compact_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
        }
    }
    out
}

/// True for elements that structure text into blocks or lines.
pub(super) fn is_blockish(name: &str) -> bool {
    (is_block(name) || is_line(name) || matches!(name, "td" | "th")) && name != "br"
}

/// Element name in lower case ("" for non-elements).
pub(super) fn name_of(node: &NodeRef) -> String {
    if !node.is_element() {
        return String::new();
    }
    node.node_name()
        .map(|n| n.to_ascii_lowercase())
        .unwrap_or_default()
}
