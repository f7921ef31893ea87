//! Feeds: fetching over HTTP, parsing documents, and OPML import/export.

pub mod address;
pub mod fetch;
pub mod opml;
pub mod parse;
