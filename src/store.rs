//! The SQLite store: feeds, articles, read state, fetch validators and errors.
//!
//! Synchronous and single-connection; async code reaches it through `spawn_blocking`.
//! The schema is versioned with `PRAGMA user_version` and upgraded by [`MIGRATIONS`] in one
//! transaction at open. Articles keep their outlet name, so saved articles outlive their feed;
//! pruning never deletes saved articles and remembers the read state of what it deletes.

use std::path::Path;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

mod fts;
mod handle;
mod regions;
mod saved;
pub mod sync;

pub use handle::StoreHandle;
pub use regions::{Placement, RouteInput};
pub use saved::{SavedCopy, SavedRecord};

use crate::model::{
    now_unix, ArticleId, ArticleRow, ArticleText, Enclosure, ExtractMethod, FeedId, FeedStatus,
    ParsedFeed, Validators,
};

/// Store failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An SQLite error. (Not a `source`: its text is already in the message, and printing
    /// the chain would repeat it.)
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The database file could not be opened.
    #[error("cannot open the database {}: {reason}", path.display())]
    Open {
        /// The file.
        path: std::path::PathBuf,
        /// Why, in words (read-only location, permissions, not a database).
        reason: String,
    },
    /// The database was written by a newer khabar.
    #[error("database schema version {found} is newer than this khabar understands ({supported})")]
    TooNew {
        /// The version found.
        found: u32,
        /// The newest version we know.
        supported: u32,
    },
    /// A background store call died (it panicked or was cancelled).
    #[error("store task failed: {0}")]
    Background(String),
    /// The data directory could not be created.
    #[error("cannot create data directory: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

/// Schema migrations; entry `n` upgrades version `n` to `n + 1`.
pub const MIGRATIONS: &[&str] = &[
    // v1: the initial schema.
    "CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        outlet TEXT NOT NULL,
        title TEXT,
        etag TEXT,
        last_modified TEXT,
        last_fetch INTEGER,
        last_success INTEGER,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_attempt INTEGER,
        retry_until INTEGER
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        key TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        outlet TEXT NOT NULL,
        authors TEXT,
        published INTEGER NOT NULL,
        updated INTEGER,
        first_seen INTEGER NOT NULL,
        summary TEXT,
        content_html TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        saved_at INTEGER,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX articles_by_time ON articles (published DESC);
    CREATE INDEX articles_by_feed ON articles (feed_id, published DESC);
    CREATE INDEX articles_unread ON articles (feed_id) WHERE read = 0;
    CREATE INDEX articles_saved ON articles (saved_at) WHERE saved_at IS NOT NULL;
    CREATE TABLE read_marks (
        feed_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;",
    // v2: readable text extracted from the article page, cached; saved copies and tags.
    "ALTER TABLE articles ADD COLUMN extracted_html TEXT;
    ALTER TABLE articles ADD COLUMN extracted_words INTEGER;
    ALTER TABLE articles ADD COLUMN extract_method TEXT;
    ALTER TABLE articles ADD COLUMN extract_error TEXT;
    ALTER TABLE articles ADD COLUMN extracted_at INTEGER;
    ALTER TABLE articles ADD COLUMN saved_html TEXT;
    ALTER TABLE articles ADD COLUMN saved_method TEXT;
    ALTER TABLE articles ADD COLUMN saved_file TEXT;
    ALTER TABLE articles ADD COLUMN tags TEXT;",
    // v3: the saved copy as Markdown text, so exports need no re-rendering.
    "ALTER TABLE articles ADD COLUMN saved_text TEXT;",
    // v4: mark articles whose URL is also carried by another feed, so unread counts can
    // de-duplicate stories cheaply (only the few shared URLs need a DISTINCT).
    "ALTER TABLE articles ADD COLUMN shared_url INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_by_url ON articles (url);
    UPDATE articles SET shared_url = 1
        WHERE url IN (SELECT url FROM articles WHERE url IS NOT NULL GROUP BY url HAVING COUNT(*) > 1);
    DROP INDEX articles_unread;
    CREATE INDEX articles_unread ON articles (feed_id, shared_url) WHERE read = 0;",
    // v5: region routing. The feed's categories are kept; `routed` says an article's regions
    // are up to date; `article_regions` lists the regions routing placed it in and why.
    "ALTER TABLE articles ADD COLUMN categories TEXT;
    ALTER TABLE articles ADD COLUMN routed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_unrouted ON articles (feed_id) WHERE routed = 0;
    CREATE TABLE article_regions (
        region TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        matched TEXT NOT NULL,
        PRIMARY KEY (region, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_regions_by_article ON article_regions (article_id);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",
    // v6: languages. `feeds.lang` is the outlet's `lang` from the config, `feeds.feed_lang`
    // the feed's own `<language>`; `articles.lang` is fixed when an article is saved, so a
    // saved copy keeps it after its feed leaves the config.
    "ALTER TABLE feeds ADD COLUMN lang TEXT;
    ALTER TABLE feeds ADD COLUMN feed_lang TEXT;
    ALTER TABLE articles ADD COLUMN lang TEXT;",
    // v7: full-text search. The index holds folded text (see `text::fold_for_search`, run
    // through the `khabar_fold*` SQL functions every connection registers), kept in step with
    // the articles by triggers; an existing store is indexed here, once.
    "CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content = '', contentless_delete = 1, tokenize = 'unicode61'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, khabar_fold(new.title),
            khabar_fold_body(new.summary, new.content_html, new.extracted_html, new.saved_text));
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.id;
    END;
    CREATE TRIGGER articles_fts_update
        AFTER UPDATE OF title, summary, content_html, extracted_html, saved_text ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.id;
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, khabar_fold(new.title),
            khabar_fold_body(new.summary, new.content_html, new.extracted_html, new.saved_text));
    END;
    INSERT INTO articles_fts (rowid, title, body)
        SELECT id, khabar_fold(title), khabar_fold_body(summary, content_html, extracted_html, saved_text)
        FROM articles;",
    // v8: enclosures (podcast audio, video, documents), a JSON array of
    // `{"url", "type", "length", "duration"}`; NULL when the item has none.
    "ALTER TABLE articles ADD COLUMN enclosures TEXT;",
    // v9: a refresh indexes a feed's new articles for search in one statement (see
    // `Store::record_success`): FTS5 flushes its pending terms at every statement of a
    // transaction, so a trigger per inserted row wrote one tiny index segment per article and
    // spent a third of a cold refresh merging them. Other inserts still go through the trigger.
    "DROP TRIGGER articles_fts_insert;
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN NOT khabar_fts_deferred()
    BEGIN
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, khabar_fold(new.title),
            khabar_fold_body(new.summary, new.content_html, new.extracted_html, new.saved_text));
    END;",
    // v10: sync with reader services (see `store::sync`): each account's bookkeeping, which
    // article each remote item is, and the outbox of local changes not yet pushed.
    "CREATE TABLE sync_accounts (
        name TEXT PRIMARY KEY,
        high_water TEXT,
        last_sync INTEGER,
        last_error TEXT
    ) WITHOUT ROWID;
    CREATE TABLE sync_items (
        account TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (account, remote_id)
    ) WITHOUT ROWID;
    CREATE INDEX sync_items_by_article ON sync_items (article_id);
    CREATE TABLE sync_outbox (
        account TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        UNIQUE (account, remote_id, field)
    );",
    // v11: a note on the last document a feed sent, such as the repair its bytes needed
    // (see `ParsedFeed::repair`); NULL when it was read as sent.
    "ALTER TABLE feeds ADD COLUMN last_note TEXT;",
];

/// What one successful fetch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertReport {
    /// Articles not seen before.
    pub new: usize,
    /// Articles pruned past the per-feed cap.
    pub pruned: usize,
}

/// A feed as the refresher needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFetchState {
    /// Store id.
    pub id: FeedId,
    /// Validators for conditional GET.
    pub validators: Validators,
    /// Last attempt, Unix seconds.
    pub last_fetch: Option<i64>,
    /// Not before this time unless forced, Unix seconds.
    pub next_attempt: Option<i64>,
    /// Consecutive failures so far.
    pub failures: u32,
    /// The server asked us (`Retry-After`) not to come back before this time, Unix seconds.
    pub retry_until: Option<i64>,
}

/// The store: one SQLite connection.
pub struct Store {
    conn: Connection,
    /// While set, inserted articles skip the search-index trigger: the inserter indexes them
    /// itself, all at once (read by the `khabar_fts_deferred()` SQL function).
    fts_deferred: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

const ROW_COLUMNS: &str = "a.id, a.feed_id, a.title, a.outlet, a.url, a.published, a.read, \
     a.saved_at IS NOT NULL, substr(a.summary, 1, 500), a.tags, \
     COALESCE(a.lang, (SELECT COALESCE(f.lang, f.feed_lang) FROM feeds f WHERE f.id = a.feed_id))";

/// How many columns [`ROW_COLUMNS`] selects: further columns of a query start here.
const ROW_COLUMN_COUNT: usize = 11;

/// The language an article is in, as SQL over `articles a`: fixed at save time, else the
/// outlet's from the config, else the feed's own.
const LANG_SQL: &str =
    "COALESCE(a.lang, (SELECT COALESCE(f.lang, f.feed_lang) FROM feeds f WHERE f.id = a.feed_id))";

fn row_to_article(row: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleRow> {
    Ok(ArticleRow {
        id: ArticleId(row.get(0)?),
        feed_id: FeedId(row.get::<_, Option<i64>>(1)?.unwrap_or(0)),
        title: row.get(2)?,
        outlet: row.get(3)?,
        url: row.get(4)?,
        published: row.get(5)?,
        read: row.get(6)?,
        saved: row.get(7)?,
        summary: row.get(8)?,
        tags: row.get(9)?,
        lang: row.get(10)?,
        matched: Vec::new(),
        ignored: false,
    })
}

/// An open failure, with the path and, where it is the cause, the read-only location.
fn open_error(path: &Path, e: StoreError) -> StoreError {
    let reason = match &e {
        StoreError::Sqlite(inner) => {
            let read_only = path
                .parent()
                .and_then(|d| std::fs::metadata(d).ok())
                .is_some_and(|m| m.permissions().readonly())
                || std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
            let text = inner.to_string();
            if read_only || text.contains("readonly") || text.contains("read-only") {
                format!("the location is read-only ({text})")
            } else {
                text
            }
        }
        _ => return e,
    };
    StoreError::Open {
        path: path.to_path_buf(),
        reason,
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let opened = Connection::open(path).map_err(StoreError::from);
        opened.and_then(Self::init).map_err(|e| open_error(path, e))
    }

    /// Opens the database for reading only, for commands that only read: they work on a
    /// read-only mount or file. A database that does not exist yet reads as an empty one, and
    /// one that needs a schema upgrade is upgraded if it can be written.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            return Self::open_in_memory();
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let version_of = |conn: &Connection| -> rusqlite::Result<u32> {
            conn.pragma_query_value(None, "user_version", |r| r.get(0))
        };
        let plain =
            Connection::open_with_flags(path, flags).and_then(|c| version_of(&c).map(|v| (c, v)));
        let (conn, version) = match plain {
            Ok(opened) => opened,
            // A WAL database on read-only media cannot create its shared-memory file; as an
            // immutable file it can still be read.
            Err(_) => {
                let uri = format!("file:{}?immutable=1", path.display());
                Connection::open_with_flags(uri, flags)
                    .and_then(|c| version_of(&c).map(|v| (c, v)))
                    .map_err(|e| open_error(path, e.into()))?
            }
        };
        let supported = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
        if version > supported {
            return Err(StoreError::TooNew {
                found: version,
                supported,
            });
        }
        if version < supported {
            drop(conn);
            return Self::open(path);
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let fts_deferred = fts::register_functions(&conn)?;
        Ok(Self { conn, fts_deferred })
    }

    /// An in-memory store, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        let fts_deferred = fts::register_functions(&conn)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A refresh rewrites the same index pages many times over: checkpointing every 4 MB
        // (SQLite's default) copied them to the database again and again inside the writer's
        // commits. The log is truncated after every refresh (`Store::checkpoint`).
        conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
        if version > supported {
            return Err(StoreError::TooNew {
                found: version,
                supported,
            });
        }
        if version < supported {
            // Building the search index (v7) over a large store takes a while: say so once,
            // on a terminal, before anything else is drawn there.
            if version < 7 && supported >= 7 && version > 0 {
                let stored: i64 =
                    conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?;
                if stored > 0 && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                    let stored = crate::text::plural(
                        usize::try_from(stored).unwrap_or(usize::MAX),
                        "stored article",
                    );
                    eprintln!("khabar: indexing {stored} for search (once)…");
                }
            }
            let tx = conn.transaction()?;
            for script in &MIGRATIONS[version as usize..] {
                tx.execute_batch(script)?;
            }
            tx.pragma_update(None, "user_version", supported)?;
            tx.commit()?;
        }
        Ok(Self { conn, fts_deferred })
    }

    /// Folds the write-ahead log back into the database and truncates it, so the WAL file
    /// does not stay large after a big refresh (or after interrupted ones).
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Makes sure every configured feed has a row and carries its outlet's current name.
    pub fn sync_feeds(&mut self, feeds: &[(String, String)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO feeds (url, outlet) VALUES (?1, ?2)
                 ON CONFLICT (url) DO UPDATE SET outlet = excluded.outlet WHERE outlet != excluded.outlet",
            )?;
            for (url, outlet) in feeds {
                stmt.execute(params![url, outlet])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records each feed's language from the config (`None`: the outlet sets none).
    pub fn set_feed_langs(&mut self, langs: &[(String, Option<String>)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt =
                tx.prepare_cached("UPDATE feeds SET lang = ?2 WHERE url = ?1 AND lang IS NOT ?2")?;
            for (url, lang) in langs {
                stmt.execute(params![url, lang])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Fetch bookkeeping for the feed at `url` (which must have been synced).
    pub fn fetch_state(&self, url: &str) -> Result<Option<FeedFetchState>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, etag, last_modified, last_fetch, next_attempt, failures, retry_until
                 FROM feeds WHERE url = ?1",
            )?
            .query_row([url], |r| {
                Ok(FeedFetchState {
                    id: FeedId(r.get(0)?),
                    validators: Validators {
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                    },
                    last_fetch: r.get(3)?,
                    next_attempt: r.get(4)?,
                    failures: r.get(5)?,
                    retry_until: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// Records a successful fetch: validators, and the parsed articles when the body was new.
    /// Everything happens in one transaction.
    pub fn record_success(
        &mut self,
        feed: FeedId,
        outlet: &str,
        validators: &Validators,
        parsed: Option<&ParsedFeed>,
        item_limit: usize,
    ) -> Result<UpsertReport, StoreError> {
        let now = now_unix();
        let tx = self.conn.transaction()?;
        let mut report = UpsertReport::default();
        tx.prepare_cached(
            "UPDATE feeds SET etag = ?2, last_modified = ?3, last_fetch = ?4, last_success = ?4,
                 last_error = NULL, failures = 0, next_attempt = NULL, retry_until = NULL,
                 title = COALESCE(?5, title), feed_lang = COALESCE(?6, feed_lang),
                 last_note = CASE WHEN ?7 THEN ?8 ELSE last_note END
             WHERE id = ?1",
        )?
        .execute(params![
            feed.0,
            validators.etag,
            validators.last_modified,
            now,
            parsed.and_then(|p| p.title.as_deref()),
            parsed.and_then(|p| p.language.as_deref()),
            // A body that did not change (304) keeps the note of the one it repeats.
            parsed.is_some(),
            parsed.and_then(|p| p.repair.as_deref())
        ])?;
        if let Some(parsed) = parsed {
            let mut insert = tx.prepare_cached(
                "INSERT INTO articles (feed_id, key, url, title, outlet, authors, published, updated,
                     first_seen, summary, content_html, categories, enclosures, read)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                     EXISTS (SELECT 1 FROM read_marks WHERE feed_id = ?1 AND key = ?2))
                 ON CONFLICT (feed_id, key) DO NOTHING",
            )?;
            // A URL seen in another article (another feed) marks both as shared.
            let mut mark_shared = tx.prepare_cached(
                "UPDATE articles SET shared_url = 1 WHERE url = ?1 AND shared_url = 0
                   AND EXISTS (SELECT 1 FROM articles o WHERE o.url = ?1 AND o.id != ?2)",
            )?;
            // A changed title, summary, link or categories can change the regions: route again.
            let mut update = tx.prepare_cached(
                "UPDATE articles SET url = ?3, title = ?4, outlet = ?5, authors = ?6, updated = ?7,
                     summary = ?8, content_html = COALESCE(?9, content_html), categories = ?10,
                     enclosures = ?11,
                     routed = routed AND title IS ?4 AND summary IS ?8 AND url IS ?3
                         AND categories IS ?10
                 WHERE feed_id = ?1 AND key = ?2
                   AND (title IS NOT ?4 OR url IS NOT ?3 OR updated IS NOT ?7 OR summary IS NOT ?8
                        OR outlet IS NOT ?5 OR (?9 IS NOT NULL AND content_html IS NOT ?9)
                        OR authors IS NOT ?6 OR categories IS NOT ?10 OR enclosures IS NOT ?11)",
            )?;
            let deferred = fts::DeferIndexing::start(&self.fts_deferred);
            let mut first_new = None;
            for a in &parsed.articles {
                let categories = join_categories(&a.categories);
                let enclosures = enclosures_json(&a.enclosures);
                // Future dates (bad clocks, scheduled posts) would pin an item to the top.
                let published = a.published.map_or(now, |p| p.min(now));
                let inserted = insert.execute(params![
                    feed.0,
                    a.key,
                    a.url,
                    a.title,
                    outlet,
                    a.authors,
                    published,
                    a.updated,
                    now,
                    a.summary,
                    a.content_html,
                    categories,
                    enclosures
                ])?;
                if inserted == 1 {
                    report.new += 1;
                    let id = tx.last_insert_rowid();
                    first_new.get_or_insert(id);
                    if let Some(url) = &a.url {
                        mark_shared.execute(params![url, id])?;
                    }
                } else {
                    update.execute(params![
                        feed.0,
                        a.key,
                        a.url,
                        a.title,
                        outlet,
                        a.authors,
                        a.updated,
                        a.summary,
                        a.content_html,
                        categories,
                        enclosures
                    ])?;
                }
            }
            drop(deferred);
            // One writer: the articles this transaction inserted are all those from the first.
            if let Some(first) = first_new {
                fts::index_from(&tx, first)?;
            }
            let keep = item_limit.max(parsed.articles.len());
            report.pruned = prune(&tx, feed, keep)?;
        }
        tx.commit()?;
        Ok(report)
    }

    /// Records a failed fetch and when the next automatic attempt may happen.
    pub fn record_failure(
        &mut self,
        feed: FeedId,
        error: &str,
        next_attempt: Option<i64>,
        retry_until: Option<i64>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE feeds SET last_fetch = ?2, last_error = ?3, failures = failures + 1,
                     next_attempt = ?4, retry_until = ?5 WHERE id = ?1",
            )?
            .execute(params![
                feed.0,
                now_unix(),
                error,
                next_attempt,
                retry_until
            ])?;
        Ok(())
    }

    /// The newest articles of the feeds at `urls`, newest first, at most `limit`.
    pub fn articles_for_feeds(
        &self,
        urls: &[String],
        limit: usize,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        self.search_feeds(urls, limit, None)
    }

    /// Like [`Store::articles_for_feeds`], keeping only articles whose title, summary, outlet or
    /// tags contain `search` (ASCII case-insensitively), over everything stored, not only the
    /// newest rows.
    pub fn search_feeds(
        &self,
        urls: &[String],
        limit: usize,
        search: Option<&str>,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        if urls.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.feed_ids(urls)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // ?1 is the search pattern (NULL when not searching); feed ids follow as ?2, ?3, ...
        let placeholders: Vec<String> = (2..ids.len() + 2).map(|n| format!("?{n}")).collect();
        let placeholders = placeholders.join(",");
        let filter = if search.is_some() {
            "AND (a.title LIKE ?1 ESCAPE '\\' OR a.summary LIKE ?1 ESCAPE '\\'
                  OR a.outlet LIKE ?1 ESCAPE '\\' OR a.tags LIKE ?1 ESCAPE '\\')"
        } else {
            "AND ?1 IS NULL"
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM articles a WHERE a.feed_id IN ({placeholders}) {filter}
             ORDER BY a.published DESC, a.id DESC LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let pattern = search.map_or(rusqlite::types::Value::Null, |q| {
            rusqlite::types::Value::Text(like_pattern(q))
        });
        let values: Vec<rusqlite::types::Value> = std::iter::once(pattern)
            .chain(ids.into_iter().map(rusqlite::types::Value::Integer))
            .collect();
        let rows = stmt.query_map(params_from_iter(values.iter()), row_to_article)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn feed_ids(&self, urls: &[String]) -> Result<Vec<i64>, StoreError> {
        let placeholders = vec!["?"; urls.len()].join(",");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id FROM feeds WHERE url IN ({placeholders})"
        ))?;
        let ids = stmt.query_map(params_from_iter(urls.iter()), |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// Unread articles per tab, each tab given by its feed URLs; the same story (URL) carried by
    /// two feeds of a tab counts once.
    pub fn unread_by_tab(&self, tabs: &[Vec<String>]) -> Result<Vec<u32>, StoreError> {
        let mut counts = Vec::with_capacity(tabs.len());
        for urls in tabs {
            if urls.is_empty() {
                counts.push(0);
                continue;
            }
            let placeholders: Vec<String> = (1..=urls.len()).map(|n| format!("?{n}")).collect();
            let placeholders = placeholders.join(",");
            let feeds = format!("(SELECT id FROM feeds WHERE url IN ({placeholders}))");
            let sql = format!(
                "SELECT (SELECT COUNT(*) FROM articles a
                            WHERE a.read = 0 AND a.shared_url = 0 AND a.feed_id IN {feeds})
                      + (SELECT COUNT(DISTINCT a.url) FROM articles a
                            WHERE a.read = 0 AND a.shared_url = 1 AND a.feed_id IN {feeds})"
            );
            counts.push(
                self.conn
                    .prepare_cached(&sql)?
                    .query_row(params_from_iter(urls.iter()), |r| r.get(0))?,
            );
        }
        Ok(counts)
    }

    /// The enclosures of the articles `ids` that have any.
    pub fn enclosures(
        &self,
        ids: &[ArticleId],
    ) -> Result<std::collections::HashMap<ArticleId, Vec<Enclosure>>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT enclosures FROM articles WHERE id = ?1 AND enclosures IS NOT NULL",
        )?;
        let mut out = std::collections::HashMap::new();
        for id in ids {
            let stored: Option<String> = stmt.query_row([id.0], |r| r.get(0)).optional()?;
            let list = parse_enclosures(stored.as_deref());
            if !list.is_empty() {
                out.insert(*id, list);
            }
        }
        Ok(out)
    }

    /// Marks an article read or unread (queuing the change for the services that know it).
    pub fn set_read(&mut self, article: ArticleId, read: bool) -> Result<(), StoreError> {
        self.set_read_many(&[article], read)
    }

    /// Marks many articles read or unread in one transaction, queuing the changes for the
    /// services that know them (see [`sync`]) in the same transaction.
    pub fn set_read_many(&mut self, articles: &[ArticleId], read: bool) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("UPDATE articles SET read = ?2 WHERE id = ?1")?;
            for a in articles {
                stmt.execute(params![a.0, read])?;
                sync::queue_change(&tx, *a, sync::Field::Read, read)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Health of every feed in the store: failing feeds first, then by outlet.
    pub fn feed_statuses(&self) -> Result<Vec<FeedStatus>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.url, f.outlet, f.last_fetch, f.last_success, f.last_error, f.failures,
                 f.next_attempt, f.last_note,
                 (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id),
                 (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0)
             FROM feeds f ORDER BY f.last_error IS NULL, f.outlet, f.url",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FeedStatus {
                id: FeedId(r.get(0)?),
                url: r.get(1)?,
                outlet: r.get(2)?,
                last_fetch: r.get(3)?,
                last_success: r.get(4)?,
                last_error: r.get(5)?,
                failures: r.get(6)?,
                next_attempt: r.get(7)?,
                note: r.get(8)?,
                items: r.get(9)?,
                unread: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Direct access for benchmarks and tests that need to seed data quickly.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Everything the reader needs about one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDetail {
    /// The headline row.
    pub row: ArticleRow,
    /// Author names.
    pub authors: Option<String>,
    /// The feed's full content HTML, if it carried one.
    pub content_html: Option<String>,
    /// Cached extraction result, if any.
    pub extracted: Option<ArticleText>,
    /// The last extraction failure, if any.
    pub extract_error: Option<String>,
    /// The article HTML stored when it was saved.
    pub saved_html: Option<String>,
    /// How the saved text was obtained.
    pub saved_method: Option<ExtractMethod>,
    /// When it was saved, Unix seconds.
    pub saved_at: Option<i64>,
    /// The URL of the feed it came from (its page may share that feed's private origin).
    pub feed_url: Option<String>,
    /// Media attached to it.
    pub enclosures: Vec<Enclosure>,
}

impl Store {
    /// Loads one article for the reader.
    pub fn article_detail(&self, id: ArticleId) -> Result<Option<ArticleDetail>, StoreError> {
        let sql = format!(
            "SELECT {ROW_COLUMNS}, a.authors, a.content_html, a.extracted_html, a.extracted_words,
                 a.extract_method, a.extract_error, a.saved_html, a.saved_method, a.saved_at,
                 (SELECT f.url FROM feeds f WHERE f.id = a.feed_id), a.enclosures
             FROM articles a WHERE a.id = ?1"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id.0], |r| {
                let html: Option<String> = r.get(ROW_COLUMN_COUNT + 2)?;
                let words: Option<i64> = r.get(ROW_COLUMN_COUNT + 3)?;
                let method: Option<String> = r.get(ROW_COLUMN_COUNT + 4)?;
                Ok(ArticleDetail {
                    row: row_to_article(r)?,
                    authors: r.get(ROW_COLUMN_COUNT)?,
                    content_html: r.get(ROW_COLUMN_COUNT + 1)?,
                    extracted: html.map(|html| ArticleText {
                        html,
                        words: usize::try_from(words.unwrap_or(0)).unwrap_or(0),
                        method: ExtractMethod::from_stored(method.as_deref().unwrap_or("")),
                        saved_copy: false,
                    }),
                    extract_error: r.get(ROW_COLUMN_COUNT + 5)?,
                    saved_html: r.get(ROW_COLUMN_COUNT + 6)?,
                    saved_method: r
                        .get::<_, Option<String>>(ROW_COLUMN_COUNT + 7)?
                        .map(|m| ExtractMethod::from_stored(&m)),
                    saved_at: r.get(ROW_COLUMN_COUNT + 8)?,
                    feed_url: r.get(ROW_COLUMN_COUNT + 9)?,
                    enclosures: parse_enclosures(
                        r.get::<_, Option<String>>(ROW_COLUMN_COUNT + 10)?
                            .as_deref(),
                    ),
                })
            })
            .optional()?)
    }

    /// Caches an extraction result (or its failure) for an article.
    pub fn cache_extraction(
        &mut self,
        id: ArticleId,
        result: Result<&ArticleText, &str>,
    ) -> Result<(), StoreError> {
        let now = now_unix();
        match result {
            Ok(c) => self.conn.prepare_cached(
                "UPDATE articles SET extracted_html = ?2, extracted_words = ?3, extract_method = ?4,
                     extract_error = NULL, extracted_at = ?5 WHERE id = ?1",
            )?
            .execute(params![id.0, c.html, i64::try_from(c.words).unwrap_or(i64::MAX), c.method.as_str(), now])?,
            Err(e) => self
                .conn
                .prepare_cached("UPDATE articles SET extract_error = ?2, extracted_at = ?3 WHERE id = ?1")?
                .execute(params![id.0, e, now])?,
        };
        Ok(())
    }

    /// Records authors found on the article page when the feed named none.
    pub fn set_authors_if_missing(
        &mut self,
        id: ArticleId,
        authors: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE articles SET authors = ?2 WHERE id = ?1 AND (authors IS NULL OR authors = '')")?
            .execute(params![id.0, authors])?;
        Ok(())
    }

    /// The ids of a list's neighbours are the app's business; this gives any article's row.
    pub fn article_row(&self, id: ArticleId) -> Result<Option<ArticleRow>, StoreError> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM articles a WHERE a.id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id.0], row_to_article)
            .optional()?)
    }
}

/// A LIKE pattern matching `q` anywhere, with LIKE's wildcards escaped.
/// Categories as stored: one per line (none stored as NULL).
fn join_categories(categories: &[String]) -> Option<String> {
    (!categories.is_empty()).then(|| categories.join("\n"))
}

/// Enclosures as stored: a JSON array (none stored as NULL).
fn enclosures_json(enclosures: &[Enclosure]) -> Option<String> {
    if enclosures.is_empty() {
        return None;
    }
    serde_json::to_string(enclosures).ok()
}

/// Stored enclosures read back; text this version cannot read counts as none.
pub(crate) fn parse_enclosures(stored: Option<&str>) -> Vec<Enclosure> {
    stored
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default()
}

fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Deletes a feed's articles beyond the newest `keep`, sparing saved ones, and remembers the
/// read state of the deleted so a re-appearing item stays read.
fn prune(tx: &rusqlite::Transaction<'_>, feed: FeedId, keep: usize) -> Result<usize, StoreError> {
    let keep = i64::try_from(keep).unwrap_or(i64::MAX);
    let victims = "SELECT id FROM articles WHERE feed_id = ?1 AND saved_at IS NULL
                   ORDER BY published DESC, id DESC LIMIT -1 OFFSET ?2";
    tx.prepare_cached(&format!(
        "INSERT OR IGNORE INTO read_marks (feed_id, key)
         SELECT feed_id, key FROM articles WHERE read = 1 AND id IN ({victims})"
    ))?
    .execute(params![feed.0, keep])?;
    let n = tx
        .prepare_cached(&format!("DELETE FROM articles WHERE id IN ({victims})"))?
        .execute(params![feed.0, keep])?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IncomingArticle;

    fn article(key: &str, published: i64) -> IncomingArticle {
        IncomingArticle {
            key: key.into(),
            title: format!("title {key}"),
            url: Some(format!("https://x.example/{key}")),
            authors: None,
            published: Some(published),
            updated: None,
            summary: None,
            content_html: None,
            categories: Vec::new(),
            enclosures: Vec::new(),
        }
    }

    fn feed_of(articles: Vec<IncomingArticle>) -> ParsedFeed {
        ParsedFeed {
            title: Some("F".into()),
            site_url: None,
            language: None,
            repair: None,
            articles,
        }
    }

    fn store_with_feed() -> (Store, FeedId) {
        let mut s = Store::open_in_memory().unwrap();
        s.sync_feeds(&[("https://x.example/feed".into(), "X".into())])
            .unwrap();
        let id = s.fetch_state("https://x.example/feed").unwrap().unwrap().id;
        (s, id)
    }

    #[test]
    fn enclosures_are_stored_updated_and_read_back() {
        let (mut s, feed) = store_with_feed();
        let mut a = article("ep", 100);
        a.enclosures = vec![Enclosure {
            url: "https://p.example/ep.mp3".into(),
            mime: Some("audio/mpeg".into()),
            length: Some(1000),
            duration: None,
        }];
        s.record_success(
            feed,
            "X",
            &Validators::default(),
            Some(&feed_of(vec![a.clone(), article("b", 90)])),
            100,
        )
        .unwrap();
        let rows = s
            .articles_for_feeds(&["https://x.example/feed".into()], 10)
            .unwrap();
        let detail = s.article_detail(rows[0].id).unwrap().unwrap();
        assert_eq!(detail.enclosures, a.enclosures);
        assert!(s
            .article_detail(rows[1].id)
            .unwrap()
            .unwrap()
            .enclosures
            .is_empty());
        // A later fetch that changes the enclosure updates it.
        a.enclosures[0].duration = Some(2041);
        s.record_success(
            feed,
            "X",
            &Validators::default(),
            Some(&feed_of(vec![a.clone()])),
            100,
        )
        .unwrap();
        let by_id = s.enclosures(&[rows[0].id, rows[1].id]).unwrap();
        assert_eq!(by_id.len(), 1);
        assert_eq!(by_id[&rows[0].id], a.enclosures);
    }

    #[test]
    fn a_checkpoint_empties_the_write_ahead_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        let mut s = Store::open(&path).unwrap();
        let feeds: Vec<(String, String)> = (0..2000)
            .map(|i| (format!("https://a.example/{i}"), "A".to_string()))
            .collect();
        s.sync_feeds(&feeds).unwrap();
        let wal = dir.path().join("k.db-wal");
        assert!(std::fs::metadata(&wal).unwrap().len() > 0);
        s.checkpoint().unwrap();
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    }

    #[test]
    fn read_only_opening_reads_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        let missing = Store::open_read_only(&path).unwrap();
        assert!(missing.feed_statuses().unwrap().is_empty());
        assert!(!path.exists(), "reading creates no database");
        let mut s = Store::open(&path).unwrap();
        s.sync_feeds(&[("https://a.example/f".into(), "A".into())])
            .unwrap();
        drop(s);
        let mut ro = Store::open_read_only(&path).unwrap();
        assert_eq!(ro.feed_statuses().unwrap().len(), 1);
        let write = ro.sync_feeds(&[("https://b.example/f".into(), "B".into())]);
        assert!(write.is_err(), "a read-only store refuses writes");
    }

    #[test]
    fn open_errors_name_the_path_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-db");
        std::fs::write(
            &path,
            "this is not an SQLite file, just some text ".repeat(50),
        )
        .unwrap();
        let err = Store::open(&path).err().unwrap();
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(std::error::Error::source(&err).is_none(), "{text}");
    }

    #[test]
    fn upsert_is_idempotent_and_counts_new() {
        let (mut s, id) = store_with_feed();
        let f = feed_of(vec![article("a", 100), article("b", 200)]);
        let v = Validators::default();
        assert_eq!(s.record_success(id, "X", &v, Some(&f), 100).unwrap().new, 2);
        assert_eq!(s.record_success(id, "X", &v, Some(&f), 100).unwrap().new, 0);
        let rows = s
            .articles_for_feeds(&["https://x.example/feed".into()], 10)
            .unwrap();
        assert_eq!(
            rows.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
            ["title b", "title a"]
        );
    }

    #[test]
    fn search_covers_every_stored_article_and_escapes_wildcards() {
        let (mut s, id) = store_with_feed();
        let mut articles: Vec<IncomingArticle> =
            (0..50).map(|i| article(&format!("k{i}"), i)).collect();
        articles[3].title = "Old story about Gwadar".into();
        articles[7].title = "100% turnout_in Swat".into();
        s.record_success(
            id,
            "X",
            &Validators::default(),
            Some(&feed_of(articles)),
            100,
        )
        .unwrap();
        let urls = ["https://x.example/feed".to_string()];
        // The match is older than the newest 10 rows but still found.
        let hits = s.search_feeds(&urls, 10, Some("gwadar")).unwrap();
        assert_eq!(
            hits.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
            ["Old story about Gwadar"]
        );
        assert_eq!(s.search_feeds(&urls, 10, Some("100%")).unwrap().len(), 1);
        assert_eq!(s.search_feeds(&urls, 10, Some("0_t")).unwrap().len(), 0);
        assert_eq!(s.search_feeds(&urls, 10, None).unwrap().len(), 10);
    }

    #[test]
    fn unread_by_tab_counts_a_story_in_two_feeds_once() {
        let mut s = Store::open_in_memory().unwrap();
        let (a, b) = (
            "https://a.example/f".to_string(),
            "https://b.example/f".to_string(),
        );
        s.sync_feeds(&[(a.clone(), "A".into()), (b.clone(), "B".into())])
            .unwrap();
        let v = Validators::default();
        for url in [&a, &b] {
            let id = s.fetch_state(url).unwrap().unwrap().id;
            s.record_success(id, "X", &v, Some(&feed_of(vec![article("same", 1)])), 10)
                .unwrap();
        }
        let ida = s.fetch_state(&a).unwrap().unwrap().id;
        s.record_success(ida, "X", &v, Some(&feed_of(vec![article("other", 2)])), 10)
            .unwrap();
        assert_eq!(
            s.unread_by_tab(&[vec![a.clone(), b.clone()], vec![b], vec![]])
                .unwrap(),
            [2, 1, 0]
        );
    }

    #[test]
    fn saved_search_covers_title_tags_and_full_text() {
        let (mut s, id) = store_with_feed();
        let v = Validators::default();
        s.record_success(
            id,
            "X",
            &v,
            Some(&feed_of(
                (0..3).map(|i| article(&format!("k{i}"), i)).collect(),
            )),
            10,
        )
        .unwrap();
        let rows = s
            .articles_for_feeds(&["https://x.example/feed".into()], 10)
            .unwrap();
        let copy = |text: &str| SavedCopy {
            html: format!("<p>{text}</p>"),
            text: text.into(),
            method: ExtractMethod::Feed,
            file: None,
        };
        s.save_article(rows[0].id, &copy("Talks in Istanbul collapsed"))
            .unwrap();
        s.save_article(rows[1].id, &copy("Nothing to see")).unwrap();
        s.set_tags(rows[1].id, "kp, security").unwrap();
        fn titles(s: &Store, q: &str) -> Vec<ArticleId> {
            s.saved_articles(10, Some(q))
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect()
        }
        assert_eq!(titles(&s, "istanbul"), [rows[0].id]);
        assert_eq!(titles(&s, "security"), [rows[1].id]);
        let mut both = titles(&s, "title k");
        both.sort();
        let mut expected = vec![rows[0].id, rows[1].id];
        expected.sort();
        assert_eq!(both, expected);
        assert_eq!(s.saved_articles(10, None).unwrap().len(), 2);
        // Unsaving returns the file to delete and drops the copy.
        assert_eq!(s.unsave_article(rows[0].id).unwrap(), None);
        assert!(titles(&s, "istanbul").is_empty());
    }

    #[test]
    fn validators_are_stored_on_not_modified() {
        let (mut s, id) = store_with_feed();
        let v = Validators {
            etag: Some("\"e1\"".into()),
            last_modified: Some("Mon".into()),
        };
        s.record_success(id, "X", &v, None, 10).unwrap();
        assert_eq!(
            s.fetch_state("https://x.example/feed")
                .unwrap()
                .unwrap()
                .validators,
            v
        );
    }

    #[test]
    fn pruning_keeps_saved_and_remembers_read() {
        let (mut s, id) = store_with_feed();
        let v = Validators::default();
        let first = feed_of((0..5).map(|i| article(&format!("k{i}"), i)).collect());
        s.record_success(id, "X", &v, Some(&first), 5).unwrap();
        let urls = ["https://x.example/feed".to_string()];
        let rows = s.articles_for_feeds(&urls, 10).unwrap();
        let oldest = rows.last().unwrap().id;
        let second_oldest = rows[3].id;
        s.set_saved(oldest, true).unwrap();
        s.set_read(second_oldest, true).unwrap();
        // Five newer items push the five old ones past the cap of 5.
        let second = feed_of((10..15).map(|i| article(&format!("k{i}"), i)).collect());
        let report = s.record_success(id, "X", &v, Some(&second), 5).unwrap();
        assert_eq!(report.pruned, 4, "the saved one survives");
        assert!(s
            .saved_articles(10, None)
            .unwrap()
            .iter()
            .any(|r| r.id == oldest));
        // The read item that was pruned comes back read.
        s.record_success(id, "X", &v, Some(&feed_of(vec![article("k1", 1)])), 100)
            .unwrap();
        let rows = s.articles_for_feeds(&urls, 20).unwrap();
        assert!(rows.iter().find(|r| r.title == "title k1").unwrap().read);
    }

    #[test]
    fn failures_are_recorded_and_cleared() {
        let (mut s, id) = store_with_feed();
        s.record_failure(id, "HTTP 500", Some(123), None).unwrap();
        let st = &s.feed_statuses().unwrap()[0];
        assert_eq!(
            (st.last_error.as_deref(), st.failures, st.next_attempt),
            (Some("HTTP 500"), 1, Some(123))
        );
        s.record_success(id, "X", &Validators::default(), None, 10)
            .unwrap();
        let st = &s.feed_statuses().unwrap()[0];
        assert_eq!((st.last_error.as_deref(), st.failures), (None, 0));
    }

    #[test]
    fn every_older_schema_upgrades_and_keeps_its_articles() {
        for version in 1..MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("k.db");
            {
                let conn = Connection::open(&path).unwrap();
                // Versions with the search index have triggers that call these.
                fts::register_functions(&conn).unwrap();
                for script in &MIGRATIONS[..version] {
                    conn.execute_batch(script).unwrap();
                }
                conn.pragma_update(None, "user_version", version as i64)
                    .unwrap();
                conn.execute(
                    "INSERT INTO feeds (url, outlet) VALUES ('https://x.example/f', 'X')",
                    [],
                )
                .unwrap();
                for (key, url) in [
                    ("a", "https://s.example/1"),
                    ("b", "https://s.example/1"),
                    ("c", "https://s.example/2"),
                ] {
                    conn.execute(
                        "INSERT INTO articles (feed_id, key, url, title, outlet, published, first_seen, read)
                         VALUES (1, ?1, ?2, 'T', 'X', 1, 1, 0)",
                        [key, url],
                    )
                    .unwrap();
                }
                if version >= 4 {
                    // From v4 on, the writer marks the two articles that share a URL.
                    conn.execute(
                        "UPDATE articles SET shared_url = 1 WHERE key IN ('a', 'b')",
                        [],
                    )
                    .unwrap();
                }
            }
            let s = Store::open(&path).unwrap();
            assert_eq!(
                s.schema_version().unwrap() as usize,
                MIGRATIONS.len(),
                "from v{version}"
            );
            let count: i64 = s
                .conn
                .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))
                .unwrap();
            assert_eq!(count, 3, "from v{version}");
            // Articles stored before full-text search are indexed by the upgrade.
            let q = crate::search::SearchQuery::parse("t").unwrap();
            assert_eq!(
                s.search(&q, None, 10, 10).unwrap().len(),
                3,
                "from v{version}"
            );
            assert_eq!(
                s.unread_by_tab(&[vec!["https://x.example/f".into()]])
                    .unwrap(),
                [2],
                "from v{version}"
            );
        }
    }

    #[test]
    fn reopening_a_file_database_keeps_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        Store::open(&path).unwrap();
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap() as usize, MIGRATIONS.len());
    }
}
