//! A small typed client of the Fever API (as FreshRSS, Miniflux, BazQux, Tiny Tiny RSS and
//! coldsweat serve it): every call is a POST of `api_key` = md5(`user:password`) to the
//! endpoint with `?api&…` in the query, answered with JSON carrying `auth` (1 when the key is
//! accepted). Servers differ in whether ids and flags are numbers or strings; both are read.

use std::collections::HashSet;

use md5::{Digest, Md5};
use serde::Deserialize;

use super::{Protocol, RemoteFeed, RemoteItem, SyncError};
use crate::store::sync::{Field, OutboxEntry};

/// Items per `with_ids` request: the API's limit.
const WITH_IDS_LIMIT: usize = 50;
/// `mark` requests in flight at once while pushing.
const PUSH_PARALLEL: usize = 8;

/// The Fever API key of `user` and `password`: md5 of `user:password`, in lower-case hex.
pub fn api_key(user: &str, password: &str) -> String {
    let digest = Md5::digest(format!("{user}:{password}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Fever endpoint and the key to call it with.
pub struct FeverClient {
    client: reqwest::Client,
    endpoint: String,
    key: String,
}

/// An id, a flag or a time: servers send numbers or strings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Loose {
    Int(i64),
    Text(String),
    Bool(bool),
}

impl Loose {
    fn text(&self) -> String {
        match self {
            Self::Int(n) => n.to_string(),
            Self::Text(s) => s.clone(),
            Self::Bool(b) => u8::from(*b).to_string(),
        }
    }

    fn flag(&self) -> bool {
        match self {
            Self::Int(n) => *n != 0,
            Self::Text(s) => !matches!(s.as_str(), "" | "0" | "false"),
            Self::Bool(b) => *b,
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            Self::Text(s) => s.parse().ok(),
            Self::Bool(_) => None,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Reply {
    auth: Option<Loose>,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    feeds: Vec<Feed>,
    #[serde(default)]
    feeds_groups: Vec<FeedsGroup>,
    #[serde(default)]
    items: Vec<Item>,
    unread_item_ids: Option<Loose>,
    saved_item_ids: Option<Loose>,
}

#[derive(Debug, Deserialize)]
struct Group {
    id: Loose,
    title: String,
}

#[derive(Debug, Deserialize)]
struct Feed {
    id: Loose,
    #[serde(default)]
    title: String,
}

#[derive(Debug, Deserialize)]
struct FeedsGroup {
    group_id: Loose,
    feed_ids: Loose,
}

#[derive(Debug, Deserialize)]
struct Item {
    id: Loose,
    feed_id: Loose,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    is_read: Option<Loose>,
    #[serde(default)]
    created_on_time: Option<Loose>,
}

impl Item {
    fn into_remote(self) -> RemoteItem {
        RemoteItem {
            id: self.id.text(),
            feed_id: self.feed_id.text(),
            title: self.title.unwrap_or_default(),
            url: self.url.filter(|u| !u.is_empty()),
            author: self.author.filter(|a| !a.is_empty()),
            html: self.html.filter(|h| !h.is_empty()),
            published: self.created_on_time.as_ref().and_then(Loose::int),
            read: self.is_read.as_ref().is_some_and(Loose::flag),
        }
    }
}

/// A comma-separated id list (`"1,2,3"`; some servers send a number for a single id).
fn id_set(list: Option<&Loose>) -> HashSet<String> {
    list.map(Loose::text)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl FeverClient {
    /// A client of the Fever endpoint `endpoint` calling with `key`.
    pub fn new(client: reqwest::Client, endpoint: &str, key: String) -> Self {
        Self {
            client,
            endpoint: endpoint.to_string(),
            key,
        }
    }

    fn url(&self, query: &str) -> String {
        let sep = if self.endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        if query.is_empty() {
            format!("{}{sep}api", self.endpoint)
        } else {
            format!("{}{sep}api&{query}", self.endpoint)
        }
    }

    async fn call(&self, query: &str, form: &[(&str, &str)]) -> Result<Reply, SyncError> {
        let what = if query.is_empty() { "api" } else { query };
        let mut body: Vec<(&str, &str)> = vec![("api_key", &self.key)];
        body.extend_from_slice(form);
        let response = self
            .client
            .post(self.url(query))
            .form(&body)
            .send()
            .await
            .map_err(|e| SyncError::Network(super::describe_reqwest(&e)))?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(SyncError::Auth);
        }
        if !status.is_success() {
            return Err(SyncError::Status {
                status: status.as_u16(),
                what: what.to_string(),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| SyncError::Network(super::describe_reqwest(&e)))?;
        let reply: Reply = serde_json::from_slice(&bytes)
            .map_err(|e| SyncError::Protocol(format!("`{what}`: not a Fever answer ({e})")))?;
        if !reply.auth.as_ref().is_some_and(Loose::flag) {
            return Err(SyncError::Auth);
        }
        Ok(reply)
    }

    async fn mark(&self, entry: &OutboxEntry) -> Result<(), SyncError> {
        let mark_as = match (entry.field, entry.value) {
            (Field::Read, true) => "read",
            (Field::Read, false) => "unread",
            (Field::Saved, true) => "saved",
            (Field::Saved, false) => "unsaved",
        };
        self.call(
            "",
            &[("mark", "item"), ("as", mark_as), ("id", &entry.remote_id)],
        )
        .await
        .map(|_| ())
    }
}

impl Protocol for FeverClient {
    async fn check(&self) -> Result<(), SyncError> {
        self.call("", &[]).await.map(|_| ())
    }

    async fn feeds(&self) -> Result<Vec<RemoteFeed>, SyncError> {
        let groups = self.call("groups", &[]).await?;
        let feeds = self.call("feeds", &[]).await?;
        let links = if feeds.feeds_groups.is_empty() {
            &groups.feeds_groups
        } else {
            &feeds.feeds_groups
        };
        let folder_of = |feed: &str| -> Option<String> {
            links.iter().find_map(|l| {
                let ids = id_set(Some(&l.feed_ids));
                if !ids.contains(feed) {
                    return None;
                }
                let group = l.group_id.text();
                groups
                    .groups
                    .iter()
                    .find(|g| g.id.text() == group)
                    .map(|g| g.title.clone())
            })
        };
        Ok(feeds
            .feeds
            .iter()
            .map(|f| {
                let id = f.id.text();
                RemoteFeed {
                    folder: folder_of(&id),
                    title: f.title.clone(),
                    id,
                }
            })
            .collect())
    }

    async fn items_since(
        &self,
        mark: Option<&str>,
    ) -> Result<(Vec<RemoteItem>, Option<String>), SyncError> {
        let since = mark.and_then(|m| m.parse::<i64>().ok()).unwrap_or(0);
        let reply = self.call(&format!("items&since_id={since}"), &[]).await?;
        let items: Vec<RemoteItem> = reply.items.into_iter().map(Item::into_remote).collect();
        let newest = items
            .iter()
            .filter_map(|i| i.id.parse::<i64>().ok())
            .max()
            .filter(|&n| n > since);
        // A server that ignores since_id would repeat the same page forever: stop there.
        if newest.is_none() {
            return Ok((Vec::new(), None));
        }
        Ok((items, newest.map(|n| n.to_string())))
    }

    async fn items_by_id(&self, ids: &[String]) -> Result<Vec<RemoteItem>, SyncError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(WITH_IDS_LIMIT) {
            let reply = self
                .call(&format!("items&with_ids={}", chunk.join(",")), &[])
                .await?;
            out.extend(reply.items.into_iter().map(Item::into_remote));
        }
        Ok(out)
    }

    async fn unread_ids(&self) -> Result<HashSet<String>, SyncError> {
        let reply = self.call("unread_item_ids", &[]).await?;
        if reply.unread_item_ids.is_none() {
            return Err(SyncError::Protocol(
                "no unread_item_ids in the answer".into(),
            ));
        }
        Ok(id_set(reply.unread_item_ids.as_ref()))
    }

    async fn saved_ids(&self) -> Result<HashSet<String>, SyncError> {
        let reply = self.call("saved_item_ids", &[]).await?;
        if reply.saved_item_ids.is_none() {
            return Err(SyncError::Protocol(
                "no saved_item_ids in the answer".into(),
            ));
        }
        Ok(id_set(reply.saved_item_ids.as_ref()))
    }

    async fn push(&self, changes: &[OutboxEntry]) -> Result<(), SyncError> {
        // Fever marks one item per request: a few at once.
        for chunk in changes.chunks(PUSH_PARALLEL) {
            futures::future::try_join_all(chunk.iter().map(|entry| self.mark(entry))).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_key_is_the_md5_of_user_and_password() {
        // md5("me@example.org:secret123456"), computed with md5sum.
        assert_eq!(
            api_key("me@example.org", "secret123456"),
            "feec1233e270ac1d8e8ce504cedfb5b7"
        );
    }

    #[test]
    fn ids_and_flags_read_as_numbers_or_strings() {
        let reply: Reply = serde_json::from_str(
            r#"{"auth":"1","items":[{"id":"7","feed_id":3,"is_read":"0","is_saved":1,
                "created_on_time":"1700000000","title":"T","url":""}],
                "unread_item_ids":"1, 2,3","saved_item_ids":9}"#,
        )
        .unwrap();
        assert!(reply.auth.as_ref().unwrap().flag());
        let item = reply.items.into_iter().next().unwrap().into_remote();
        assert_eq!((item.id.as_str(), item.feed_id.as_str()), ("7", "3"));
        assert!(!item.read);
        assert_eq!(item.published, Some(1_700_000_000));
        assert_eq!(item.url, None);
        let unread: HashSet<String> = ["1", "2", "3"].map(String::from).into();
        assert_eq!(id_set(reply.unread_item_ids.as_ref()), unread);
        assert_eq!(
            id_set(reply.saved_item_ids.as_ref()),
            ["9".to_string()].into()
        );
        assert!(id_set(Some(&Loose::Text(String::new()))).is_empty());
    }
}
