//! Saved articles in the store: their stored copies, tags and the Saved tab's queries.
//! Saved rows are never pruned (see `prune` in the parent module).

use rusqlite::{params, OptionalExtension};

use super::{like_pattern, row_to_article, Store, StoreError, LANG_SQL, ROW_COLUMNS};
use crate::model::{now_unix, ArticleId, ArticleRow, ExtractMethod, SavedMeta};

/// A saved article's stored copy, as written at save time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCopy {
    /// Cleaned article HTML.
    pub html: String,
    /// The same as Markdown text.
    pub text: String,
    /// How it was obtained.
    pub method: ExtractMethod,
    /// The Markdown file written for it.
    pub file: Option<String>,
}

/// Everything stored about one saved article (for listing and export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRecord {
    /// What the saved copy records (title, outlet, times, method, tags).
    pub meta: SavedMeta,
    /// The Markdown file.
    pub file: Option<String>,
    /// The stored HTML (only when asked for bodies).
    pub html: Option<String>,
    /// The stored Markdown text (only when asked for bodies).
    pub text: Option<String>,
}

impl Store {
    /// Saved articles, most recently saved first; `search` matches title, outlet, tags and the
    /// saved text (case-insensitively for ASCII).
    pub fn saved_articles(
        &self,
        limit: usize,
        search: Option<&str>,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        let filter = if search.is_some() {
            "AND (a.title LIKE ?1 ESCAPE '\\' OR a.outlet LIKE ?1 ESCAPE '\\' OR a.tags LIKE ?1 ESCAPE '\\'
                  OR a.saved_text LIKE ?1 ESCAPE '\\')"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM articles a WHERE a.saved_at IS NOT NULL {filter}
             ORDER BY a.saved_at DESC, a.id DESC LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = match search {
            Some(q) => stmt
                .query_map([like_pattern(q)], row_to_article)?
                .collect::<Result<_, _>>()?,
            None => stmt
                .query_map([], row_to_article)?
                .collect::<Result<_, _>>()?,
        };
        Ok(rows)
    }

    /// Marks an article saved (now) or not saved.
    pub fn set_saved(&mut self, article: ArticleId, saved: bool) -> Result<(), StoreError> {
        let at = saved.then(now_unix);
        let tx = self.conn.transaction()?;
        tx.prepare_cached("UPDATE articles SET saved_at = ?2, lang = COALESCE(lang, (SELECT COALESCE(f.lang, f.feed_lang) FROM feeds f WHERE f.id = articles.feed_id)) WHERE id = ?1")?
            .execute(params![article.0, at])?;
        super::sync::queue_change(&tx, article, super::sync::Field::Saved, saved)?;
        tx.commit()?;
        Ok(())
    }

    /// Marks an article saved with its stored copy, in one transaction with the change queued
    /// for the services that know it.
    pub fn save_article(&mut self, id: ArticleId, copy: &SavedCopy) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx
            .prepare_cached(
                "UPDATE articles SET saved_at = COALESCE(saved_at, ?2), saved_html = ?3, saved_text = ?4,
                     saved_method = ?5, saved_file = ?6,
                     lang = COALESCE(lang, (SELECT COALESCE(f.lang, f.feed_lang) FROM feeds f WHERE f.id = articles.feed_id)) WHERE id = ?1",
            )?
            .execute(params![id.0, now_unix(), copy.html, copy.text, copy.method.as_str(), copy.file])?;
        super::sync::queue_change(&tx, id, super::sync::Field::Saved, true)?;
        tx.commit()?;
        Ok(n == 1)
    }

    /// Un-saves an article; returns the file its copy was written to, for removal.
    pub fn unsave_article(&mut self, id: ArticleId) -> Result<Option<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let file: Option<String> = tx
            .query_row(
                "SELECT saved_file FROM articles WHERE id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        tx.execute(
            "UPDATE articles SET saved_at = NULL, saved_html = NULL, saved_text = NULL,
                 saved_method = NULL, saved_file = NULL WHERE id = ?1",
            [id.0],
        )?;
        super::sync::queue_change(&tx, id, super::sync::Field::Saved, false)?;
        tx.commit()?;
        Ok(file)
    }

    /// Sets an article's tags (empty clears them).
    pub fn set_tags(&mut self, id: ArticleId, tags: &str) -> Result<(), StoreError> {
        let tags = crate::text::collapse_whitespace(&crate::text::sanitize(tags));
        let tags = (!tags.is_empty()).then_some(tags);
        self.conn
            .prepare_cached("UPDATE articles SET tags = ?2 WHERE id = ?1")?
            .execute(params![id.0, tags])?;
        Ok(())
    }

    /// Saved articles with everything stored about them, most recently saved first.
    pub fn saved_records(&self, with_bodies: bool) -> Result<Vec<SavedRecord>, StoreError> {
        self.query_saved("", [], with_bodies)
    }

    /// One saved article with its stored copy, if the article is saved.
    pub fn saved_record(&self, id: ArticleId) -> Result<Option<SavedRecord>, StoreError> {
        Ok(self.query_saved("AND id = ?1", [id.0], true)?.pop())
    }

    fn query_saved<P: rusqlite::Params>(
        &self,
        filter: &str,
        params: P,
        with_bodies: bool,
    ) -> Result<Vec<SavedRecord>, StoreError> {
        let bodies = if with_bodies {
            "saved_html, saved_text"
        } else {
            "NULL, NULL"
        };
        let sql = format!(
            "SELECT id, title, outlet, url, authors, published, saved_at, saved_method, saved_file, tags, {bodies},
                 {LANG_SQL}, enclosures
             FROM articles a WHERE saved_at IS NOT NULL {filter} ORDER BY saved_at DESC, id DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params, |r| {
            Ok(SavedRecord {
                meta: SavedMeta {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    outlet: r.get(2)?,
                    url: r.get(3)?,
                    authors: r.get(4)?,
                    published: r.get(5)?,
                    saved: r.get(6)?,
                    method: ExtractMethod::from_stored(
                        r.get::<_, Option<String>>(7)?.as_deref().unwrap_or(""),
                    ),
                    tags: r.get(9)?,
                    lang: r.get(12)?,
                    enclosures: super::parse_enclosures(r.get::<_, Option<String>>(13)?.as_deref()),
                },
                file: r.get(8)?,
                html: r.get(10)?,
                text: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
