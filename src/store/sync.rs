//! What the store keeps for syncing with reader services: each account's state (high-water
//! mark, last sync, last error), which article each remote item id is, and the **outbox** of
//! local read/unread/saved changes not yet pushed.
//!
//! Every local change to an article that a service knows is queued in the outbox by the same
//! transaction that makes it ([`Store::set_read`], [`Store::set_read_many`],
//! [`Store::set_saved`], [`Store::save_article`], [`Store::unsave_article`]), so a crash
//! between the change and its push loses nothing. A change still in the outbox wins over the
//! server's state for that item ([`Store::reconcile_remote_state`]).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Transaction};

use super::{Store, StoreError};
use crate::model::{now_unix, ArticleId, FeedId};

/// The `feeds.url` of the feed row holding an account's items for one tab. Tabs list these
/// beside their outlets' feeds (see `tabs::tabs_from_config`).
pub fn sync_feed_url(account: &str, tab_id: &str) -> String {
    format!("khabar-sync:{account}/{tab_id}")
}

/// Which state an outbox entry changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Read (`true`) or unread.
    Read,
    /// Saved / starred (`true`) or not.
    Saved,
}

impl Field {
    fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Saved => "saved",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Self::Read),
            "saved" => Some(Self::Saved),
            _ => None,
        }
    }
}

/// One local change waiting to be pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The service's id of the item.
    pub remote_id: String,
    /// What changed.
    pub field: Field,
    /// The new value (read / saved when `true`).
    pub value: bool,
    /// Bumped by every later change of the same field, so a push only clears what it sent.
    pub seq: i64,
}

/// An account's sync bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountState {
    /// The newest item id pulled so far (the protocol's own form).
    pub high_water: Option<String>,
    /// The last sync that ended, Unix seconds.
    pub last_sync: Option<i64>,
    /// Its error, if it failed.
    pub last_error: Option<String>,
    /// Changes waiting in the outbox.
    pub pending: usize,
}

/// An item pulled from a service, to store as an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteArticle {
    /// The service's id of the item.
    pub remote_id: String,
    /// The tab id it goes to.
    pub tab_id: String,
    /// The outlet shown: the service's feed title.
    pub outlet: String,
    /// Headline.
    pub title: String,
    /// The article's page.
    pub url: Option<String>,
    /// Authors.
    pub authors: Option<String>,
    /// Published, Unix seconds.
    pub published: Option<i64>,
    /// The item's HTML as the service has it.
    pub content_html: Option<String>,
    /// Read on the service.
    pub read: bool,
}

/// What reconciling with the server's unread and saved sets changed locally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Articles whose read state was changed to the server's.
    pub read_changed: usize,
    /// Articles the server starred that were marked saved here (their copies still to make).
    pub newly_saved: Vec<ArticleId>,
    /// Articles the server unstarred that were unsaved here.
    pub unsaved: usize,
    /// Markdown copies of the unsaved ones, to delete.
    pub unsaved_files: Vec<String>,
}

/// A stored item's state as reconciling needs it.
struct LocalState {
    remote: String,
    id: i64,
    read: bool,
    saved: bool,
    read_pending: bool,
    saved_pending: bool,
    file: Option<String>,
}

/// Queues a change of `field` to `value` for every remote item that is article `id`, in the
/// caller's transaction.
pub(super) fn queue_change(
    tx: &Transaction<'_>,
    id: ArticleId,
    field: Field,
    value: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO sync_outbox (account, remote_id, field, value, seq)
         SELECT account, remote_id, ?2, ?3, 0 FROM sync_items WHERE article_id = ?1
         ON CONFLICT (account, remote_id, field)
             DO UPDATE SET value = excluded.value, seq = sync_outbox.seq + 1",
    )?
    .execute(params![id.0, field.as_str(), value])?;
    Ok(())
}

impl Store {
    /// The feed row for an account's items in tab `tab_id`, made if missing.
    fn sync_feed(tx: &Transaction<'_>, account: &str, tab_id: &str) -> Result<FeedId, StoreError> {
        let url = sync_feed_url(account, tab_id);
        tx.prepare_cached(
            "INSERT INTO feeds (url, outlet) VALUES (?1, ?2) ON CONFLICT (url) DO NOTHING",
        )?
        .execute(params![url, account])?;
        Ok(FeedId(
            tx.prepare_cached("SELECT id FROM feeds WHERE url = ?1")?
                .query_row([url], |r| r.get(0))?,
        ))
    }

    /// An account's bookkeeping (all empty before its first sync).
    pub fn account_state(&self, account: &str) -> Result<AccountState, StoreError> {
        let mut state = self
            .conn
            .prepare_cached(
                "SELECT high_water, last_sync, last_error FROM sync_accounts WHERE name = ?1",
            )?
            .query_row([account], |r| {
                Ok(AccountState {
                    high_water: r.get(0)?,
                    last_sync: r.get(1)?,
                    last_error: r.get(2)?,
                    pending: 0,
                })
            })
            .optional()?
            .unwrap_or_default();
        let pending: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM sync_outbox WHERE account = ?1")?
            .query_row([account], |r| r.get(0))?;
        state.pending = usize::try_from(pending).unwrap_or(0);
        Ok(state)
    }

    /// Records how a sync of `account` ended (`error`: `None` when it worked), also on the
    /// account's feed rows, so the feed status view shows it.
    pub fn record_sync(&mut self, account: &str, error: Option<&str>) -> Result<(), StoreError> {
        let now = now_unix();
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO sync_accounts (name, last_sync, last_error) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET last_sync = ?2, last_error = ?3",
        )?
        .execute(params![account, now, error])?;
        let prefix = sync_feed_url(account, "");
        match error {
            None => tx
                .prepare_cached(
                    "UPDATE feeds SET last_fetch = ?2, last_success = ?2, last_error = NULL,
                     failures = 0 WHERE substr(url, 1, length(?1)) = ?1",
                )?
                .execute(params![prefix, now])?,
            Some(e) => tx
                .prepare_cached(
                    "UPDATE feeds SET last_fetch = ?2, last_error = ?3, failures = failures + 1
                 WHERE substr(url, 1, length(?1)) = ?1",
                )?
                .execute(params![prefix, now, e])?,
        };
        tx.commit()?;
        Ok(())
    }

    /// The remote ids of `account` already stored.
    pub fn known_remote_ids(&self, account: &str) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT remote_id FROM sync_items WHERE account = ?1")?;
        let ids = stmt.query_map([account], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// The article that remote item `remote_id` of `account` is.
    pub fn article_for_remote(
        &self,
        account: &str,
        remote_id: &str,
    ) -> Result<Option<ArticleId>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT article_id FROM sync_items WHERE account = ?1 AND remote_id = ?2",
            )?
            .query_row([account, remote_id], |r| r.get(0).map(ArticleId))
            .optional()?)
    }

    /// Stores pulled items as articles of the account's feed rows (one per tab) and maps their
    /// remote ids, then moves the high-water mark, all in one transaction. Items already stored
    /// are left alone. Returns how many were new.
    pub fn store_remote_articles(
        &mut self,
        account: &str,
        items: &[RemoteArticle],
        high_water: Option<&str>,
    ) -> Result<usize, StoreError> {
        let now = now_unix();
        let tx = self.conn.transaction()?;
        let mut feeds: HashMap<String, FeedId> = HashMap::new();
        let mut new = 0;
        for item in items {
            let feed = match feeds.get(&item.tab_id) {
                Some(f) => *f,
                None => {
                    let f = Self::sync_feed(&tx, account, &item.tab_id)?;
                    feeds.insert(item.tab_id.clone(), f);
                    f
                }
            };
            let known: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM sync_items WHERE account = ?1 AND remote_id = ?2)",
                )?
                .query_row([account, &item.remote_id], |r| r.get(0))?;
            if known {
                continue;
            }
            let published = item.published.map_or(now, |p| p.min(now));
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO articles (feed_id, key, url, title, outlet, authors, published,
                         first_seen, content_html, read)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (feed_id, key) DO NOTHING",
                )?
                .execute(params![
                    feed.0,
                    item.remote_id,
                    item.url,
                    item.title,
                    item.outlet,
                    item.authors,
                    published,
                    now,
                    item.content_html,
                    item.read
                ])?;
            let article: i64 = if inserted == 1 {
                new += 1;
                let id = tx.last_insert_rowid();
                if let Some(url) = &item.url {
                    tx.prepare_cached(
                        "UPDATE articles SET shared_url = 1 WHERE url = ?1 AND shared_url = 0
                           AND EXISTS (SELECT 1 FROM articles o WHERE o.url = ?1 AND o.id != ?2)",
                    )?
                    .execute(params![url, id])?;
                }
                id
            } else {
                tx.prepare_cached("SELECT id FROM articles WHERE feed_id = ?1 AND key = ?2")?
                    .query_row(params![feed.0, item.remote_id], |r| r.get(0))?
            };
            tx.prepare_cached(
                "INSERT OR IGNORE INTO sync_items (account, remote_id, article_id) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![account, item.remote_id, article])?;
        }
        if let Some(mark) = high_water {
            tx.prepare_cached(
                "INSERT INTO sync_accounts (name, high_water) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET high_water = ?2",
            )?
            .execute(params![account, mark])?;
        }
        tx.commit()?;
        Ok(new)
    }

    /// Up to `limit` changes of `account` waiting to be pushed, oldest first.
    pub fn outbox(&self, account: &str, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT remote_id, field, value, seq FROM sync_outbox WHERE account = ?1
             ORDER BY rowid LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![account, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (remote_id, field, value, seq) = row?;
            if let Some(field) = Field::parse(&field) {
                out.push(OutboxEntry {
                    remote_id,
                    field,
                    value,
                    seq,
                });
            }
        }
        Ok(out)
    }

    /// Clears outbox entries the service accepted, unless they changed again since they were
    /// read (their `seq` moved on).
    pub fn outbox_pushed(
        &mut self,
        account: &str,
        entries: &[OutboxEntry],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "DELETE FROM sync_outbox
                 WHERE account = ?1 AND remote_id = ?2 AND field = ?3 AND seq = ?4",
            )?;
            for e in entries {
                stmt.execute(params![account, e.remote_id, e.field.as_str(), e.seq])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Drops a queued change that only repeats what the service already has (a copy made for
    /// an item the service starred queues "saved", which needs no push).
    pub fn drop_echo(
        &mut self,
        article: ArticleId,
        field: Field,
        value: bool,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "DELETE FROM sync_outbox WHERE field = ?2 AND value = ?3 AND (account, remote_id)
                     IN (SELECT account, remote_id FROM sync_items WHERE article_id = ?1)",
            )?
            .execute(params![article.0, field.as_str(), value])?;
        Ok(())
    }

    /// Brings the read and saved state of `account`'s stored items in line with the server's
    /// complete `unread` and `saved` id sets, in one transaction. Only items stored for the
    /// account are touched, and a field with a change still in the outbox keeps the local
    /// state. Starred items become saved (without a copy: the caller makes it); unstarred
    /// ones are unsaved.
    pub fn reconcile_remote_state(
        &mut self,
        account: &str,
        unread: &HashSet<String>,
        saved: &HashSet<String>,
    ) -> Result<Reconciled, StoreError> {
        let now = now_unix();
        let tx = self.conn.transaction()?;
        let mut out = Reconciled::default();
        let items: Vec<LocalState> = {
            let mut stmt = tx.prepare_cached(
                "SELECT s.remote_id, a.id, a.read, a.saved_at IS NOT NULL,
                     EXISTS (SELECT 1 FROM sync_outbox o WHERE o.account = s.account
                             AND o.remote_id = s.remote_id AND o.field = 'read'),
                     EXISTS (SELECT 1 FROM sync_outbox o WHERE o.account = s.account
                             AND o.remote_id = s.remote_id AND o.field = 'saved'),
                     a.saved_file
                 FROM sync_items s JOIN articles a ON a.id = s.article_id WHERE s.account = ?1",
            )?;
            let rows = stmt.query_map([account], |r| {
                Ok(LocalState {
                    remote: r.get(0)?,
                    id: r.get(1)?,
                    read: r.get(2)?,
                    saved: r.get(3)?,
                    read_pending: r.get(4)?,
                    saved_pending: r.get(5)?,
                    file: r.get(6)?,
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        {
            let mut set_read = tx.prepare_cached("UPDATE articles SET read = ?2 WHERE id = ?1")?;
            let mut set_saved = tx.prepare_cached(
                "UPDATE articles SET saved_at = ?2, lang = COALESCE(lang, (SELECT COALESCE(f.lang,
                     f.feed_lang) FROM feeds f WHERE f.id = articles.feed_id)) WHERE id = ?1",
            )?;
            let mut unsave = tx.prepare_cached(
                "UPDATE articles SET saved_at = NULL, saved_html = NULL, saved_text = NULL,
                     saved_method = NULL, saved_file = NULL WHERE id = ?1",
            )?;
            for LocalState {
                remote,
                id,
                read,
                saved: is_saved,
                read_pending,
                saved_pending,
                file,
            } in items
            {
                let server_read = !unread.contains(&remote);
                if !read_pending && read != server_read {
                    set_read.execute(params![id, server_read])?;
                    out.read_changed += 1;
                }
                let server_saved = saved.contains(&remote);
                if !saved_pending && is_saved != server_saved {
                    if server_saved {
                        set_saved.execute(params![id, now])?;
                        out.newly_saved.push(ArticleId(id));
                    } else {
                        unsave.execute([id])?;
                        out.unsaved += 1;
                        out.unsaved_files.extend(file);
                    }
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(id: &str, read: bool) -> RemoteArticle {
        RemoteArticle {
            remote_id: id.into(),
            tab_id: "world".into(),
            outlet: "Remote Outlet".into(),
            title: format!("remote {id}"),
            url: Some(format!("https://r.example/{id}")),
            authors: None,
            published: Some(100),
            content_html: Some("<p>text</p>".into()),
            read,
        }
    }

    fn ids(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    fn stored() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        let items = [remote("1", false), remote("2", false), remote("3", true)];
        assert_eq!(
            s.store_remote_articles("home", &items, Some("3")).unwrap(),
            3
        );
        assert_eq!(
            s.store_remote_articles("home", &items, Some("3")).unwrap(),
            0
        );
        s
    }

    fn read_of(s: &Store, remote: &str) -> bool {
        let id = s.article_for_remote("home", remote).unwrap().unwrap();
        s.article_row(id).unwrap().unwrap().read
    }

    #[test]
    fn pulled_items_land_in_the_tab_feed_with_their_high_water_mark() {
        let s = stored();
        assert_eq!(
            s.account_state("home").unwrap().high_water.as_deref(),
            Some("3")
        );
        let rows = s
            .articles_for_feeds(&[sync_feed_url("home", "world")], 10)
            .unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.outlet == "Remote Outlet"));
        assert_eq!(s.known_remote_ids("home").unwrap(), ids(&["1", "2", "3"]));
        assert!(
            s.outbox("home", 10).unwrap().is_empty(),
            "pulling queues nothing"
        );
    }

    #[test]
    fn local_changes_are_queued_with_the_change_and_cleared_once_pushed() {
        let mut s = stored();
        let one = s.article_for_remote("home", "1").unwrap().unwrap();
        let two = s.article_for_remote("home", "2").unwrap().unwrap();
        s.set_read(one, true).unwrap();
        s.set_read_many(&[two], true).unwrap();
        s.set_saved(two, true).unwrap();
        let queued = s.outbox("home", 10).unwrap();
        let summary: Vec<_> = queued
            .iter()
            .map(|e| (e.remote_id.as_str(), e.field, e.value))
            .collect();
        assert_eq!(
            summary,
            [
                ("1", Field::Read, true),
                ("2", Field::Read, true),
                ("2", Field::Saved, true)
            ]
        );
        // A later change of the same field replaces the queued one, and a push of the old
        // value does not clear it.
        s.set_read(one, false).unwrap();
        s.outbox_pushed("home", &queued).unwrap();
        let left = s.outbox("home", 10).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!((left[0].remote_id.as_str(), left[0].value), ("1", false));
        s.outbox_pushed("home", &left).unwrap();
        assert_eq!(s.account_state("home").unwrap().pending, 0);
    }

    #[test]
    fn the_server_sets_win_except_where_the_outbox_has_a_change() {
        let mut s = stored();
        let two = s.article_for_remote("home", "2").unwrap().unwrap();
        // Locally read, not yet pushed: stays read although the server lists it unread.
        s.set_read(two, true).unwrap();
        let r = s
            .reconcile_remote_state("home", &ids(&["2", "3"]), &ids(&["1"]))
            .unwrap();
        assert!(read_of(&s, "1"), "not in the unread set: read");
        assert!(read_of(&s, "2"), "the outbox wins");
        assert!(!read_of(&s, "3"), "in the unread set: unread");
        assert_eq!(r.read_changed, 2);
        let one = s.article_for_remote("home", "1").unwrap().unwrap();
        assert_eq!(r.newly_saved, [one]);
        assert!(s.article_row(one).unwrap().unwrap().saved);
        // Unstarred on the server: unsaved here, and that queues nothing.
        let r = s
            .reconcile_remote_state("home", &ids(&["3"]), &ids(&[]))
            .unwrap();
        assert_eq!(r.unsaved, 1);
        assert!(!s.article_row(one).unwrap().unwrap().saved);
        assert_eq!(s.outbox("home", 10).unwrap().len(), 1, "only the read of 2");
    }

    #[test]
    fn items_of_other_accounts_and_local_feeds_are_never_touched() {
        let mut s = stored();
        s.store_remote_articles("work", &[remote("1", false)], None)
            .unwrap();
        s.reconcile_remote_state("home", &ids(&[]), &ids(&[]))
            .unwrap();
        let work = s.article_for_remote("work", "1").unwrap().unwrap();
        assert!(!s.article_row(work).unwrap().unwrap().read);
    }

    #[test]
    fn a_sync_outcome_shows_on_the_account_and_its_feeds() {
        let mut s = stored();
        s.record_sync("home", Some("HTTP 500")).unwrap();
        let st = s.account_state("home").unwrap();
        assert_eq!(st.last_error.as_deref(), Some("HTTP 500"));
        let feed = s
            .feed_statuses()
            .unwrap()
            .into_iter()
            .find(|f| f.url == sync_feed_url("home", "world"))
            .unwrap();
        assert_eq!(feed.last_error.as_deref(), Some("HTTP 500"));
        s.record_sync("home", None).unwrap();
        assert_eq!(s.account_state("home").unwrap().last_error, None);
    }
}
