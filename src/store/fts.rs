//! Full-text search over everything stored: titles, summaries, the feeds' full text, extracted
//! and saved text, in an FTS5 index kept by triggers (see migration v7). The text is folded by
//! [`crate::text::fold_for_search`] through SQL functions registered on every connection, so
//! the index and the queries ([`crate::search`]) agree on Arabic-script spellings.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::functions::FunctionFlags;
use rusqlite::{params_from_iter, Connection};

use super::{row_to_article, Store, StoreError, ROW_COLUMNS};
use crate::model::ArticleRow;
use crate::search::SearchQuery;

/// Most bytes of one article's body text that are indexed (a hostile feed's megabytes of text
/// would only bloat the index).
const MAX_BODY_BYTES: usize = 200_000;

/// Registers `khabar_fold(text)` and `khabar_fold_body(summary, html...)`, which the FTS
/// triggers call, and `khabar_fts_deferred()`, which tells the insert trigger to leave the
/// indexing to the inserter while the returned flag is set (see [`DeferIndexing`]).
pub(super) fn register_functions(conn: &Connection) -> rusqlite::Result<Arc<AtomicBool>> {
    let deferred = Arc::new(AtomicBool::new(false));
    let flag = deferred.clone();
    conn.create_scalar_function(
        "khabar_fts_deferred",
        0,
        FunctionFlags::SQLITE_UTF8,
        move |_| Ok(flag.load(Ordering::Relaxed)),
    )?;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("khabar_fold", 1, flags, |ctx| {
        let text: Option<String> = ctx.get(0)?;
        Ok(crate::text::fold_for_search(&text.unwrap_or_default()))
    })?;
    conn.create_scalar_function("khabar_fold_body", -1, flags, |ctx| {
        let mut body = String::new();
        for i in 0..ctx.len() {
            let Some(part) = ctx.get::<Option<String>>(i)? else {
                continue;
            };
            if body.len() >= MAX_BODY_BYTES {
                break;
            }
            let text = if part.contains('<') {
                crate::text::strip_tags(&part)
            } else {
                part
            };
            body.push_str(&crate::text::fold_for_search(&text));
            body.push(' ');
        }
        body.truncate(floor_char_boundary(&body, MAX_BODY_BYTES));
        Ok(body)
    })?;
    Ok(deferred)
}

/// While alive, articles inserted on this connection are not indexed by the trigger; the
/// inserter indexes them with [`index_from`]. Cleared on drop, so an early return by `?`
/// cannot leave the trigger off.
pub(super) struct DeferIndexing<'a>(&'a AtomicBool);

impl<'a> DeferIndexing<'a> {
    pub(super) fn start(flag: &'a AtomicBool) -> Self {
        flag.store(true, Ordering::Relaxed);
        Self(flag)
    }
}

impl Drop for DeferIndexing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Indexes for search every article from id `first` on, in one statement.
pub(super) fn index_from(conn: &Connection, first: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO articles_fts (rowid, title, body)
         SELECT id, khabar_fold(title),
             khabar_fold_body(summary, content_html, extracted_html, saved_text)
         FROM articles WHERE id >= ?1",
    )?
    .execute([first])?;
    Ok(())
}

fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

impl Store {
    /// Articles matching `query`, newest first, at most `limit`; `feeds` (the feed URLs of a
    /// tab, for `tab:`) restricts them when given.
    pub fn search(
        &self,
        query: &SearchQuery,
        feeds: Option<&[String]>,
        now: i64,
        limit: usize,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        let mut filters = Vec::new();
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let bind = |v: rusqlite::types::Value, values: &mut Vec<rusqlite::types::Value>| {
            values.push(v);
            format!("?{}", values.len())
        };
        // The index hands matches out newest rowid first and stops early, where sorting every
        // match by time costs ~100 ms for a common word at 100,000 articles. Articles arrive
        // in time order (a publication date is never later than the arrival), so the newest
        // arrivals, re-sorted by publication, are the newest matches; with filters more
        // candidates are taken, as many are dropped.
        let has_filters = query.outlet.is_some()
            || query.since_secs.is_some()
            || query.saved.is_some()
            || feeds.is_some();
        let candidates = limit
            .saturating_mul(if has_filters { 10 } else { 3 })
            .max(1000);
        let source = match &query.fts {
            Some(fts) => {
                let p = bind(fts.clone().into(), &mut values);
                format!(
                    "(SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH {p}
                      ORDER BY rowid DESC LIMIT {candidates}) m JOIN articles a ON a.id = m.id"
                )
            }
            None => "articles a".to_string(),
        };
        if let Some(outlet) = &query.outlet {
            let p = bind(super::like_pattern(outlet).into(), &mut values);
            filters.push(format!("a.outlet LIKE {p} ESCAPE '\\'"));
        }
        if let Some(secs) = query.since_secs {
            let p = bind(now.saturating_sub(secs).into(), &mut values);
            filters.push(format!("a.published >= {p}"));
        }
        match query.saved {
            Some(true) => filters.push("a.saved_at IS NOT NULL".into()),
            Some(false) => filters.push("a.saved_at IS NULL".into()),
            None => {}
        }
        if let Some(feeds) = feeds {
            let ps: Vec<String> = feeds
                .iter()
                .map(|f| bind(f.clone().into(), &mut values))
                .collect();
            filters.push(format!(
                "a.feed_id IN (SELECT id FROM feeds WHERE url IN ({}))",
                if ps.is_empty() {
                    "NULL".to_string()
                } else {
                    ps.join(",")
                }
            ));
        }
        let filter = if filters.is_empty() {
            "1".to_string()
        } else {
            filters.join(" AND ")
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {source} WHERE {filter}
             ORDER BY a.published DESC, a.id DESC LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(values.iter()), row_to_article)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IncomingArticle, ParsedFeed, Validators};

    fn item(key: &str, title: &str, summary: &str, t: i64) -> IncomingArticle {
        IncomingArticle {
            key: key.into(),
            title: title.into(),
            url: Some(format!("https://x.example/{key}")),
            authors: None,
            published: Some(t),
            updated: None,
            summary: Some(summary.into()),
            content_html: None,
            categories: Vec::new(),
            enclosures: Vec::new(),
        }
    }

    fn store_with(items: Vec<IncomingArticle>, limit: usize) -> Store {
        let mut s = Store::open_in_memory().unwrap();
        let url = "https://x.example/f".to_string();
        s.sync_feeds(&[(url.clone(), "Dawn".into())]).unwrap();
        let feed = s.fetch_state(&url).unwrap().unwrap().id;
        let parsed = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles: items,
        };
        s.record_success(feed, "Dawn", &Validators::default(), Some(&parsed), limit)
            .unwrap();
        s
    }

    fn titles(s: &Store, q: &str) -> Vec<String> {
        let q = SearchQuery::parse(q).unwrap();
        s.search(&q, None, 10_000, 100)
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect()
    }

    #[test]
    fn searches_titles_and_bodies_with_the_query_syntax() {
        let s = store_with(
            vec![
                item(
                    "a",
                    "Blast in Quetta",
                    "A suicide attack near the market",
                    3,
                ),
                item("b", "Cricket: Pakistan win", "Test match in Karachi", 2),
                item("c", "Quetta weather", "Rain and snow", 1),
            ],
            10,
        );
        assert_eq!(titles(&s, "quetta"), ["Blast in Quetta", "Quetta weather"]);
        assert_eq!(titles(&s, "\"suicide attack\""), ["Blast in Quetta"]);
        assert!(titles(&s, "\"attack suicide\"").is_empty());
        assert_eq!(titles(&s, "quetta -rain"), ["Blast in Quetta"]);
        assert_eq!(
            titles(&s, "karachi OR snow"),
            ["Cricket: Pakistan win", "Quetta weather"]
        );
        // Prefix: `quet` finds Quetta.
        assert_eq!(titles(&s, "quet").len(), 2);
        assert_eq!(titles(&s, "quetta outlet:daw").len(), 2);
        assert!(titles(&s, "quetta outlet:Geo").is_empty());
        // `now` is 10,000 s: the items (published at 1 to 3 s) are older than an hour.
        assert!(titles(&s, "quetta since:1h").is_empty());
        assert_eq!(
            titles(&s, "quetta since:3h"),
            ["Blast in Quetta", "Quetta weather"]
        );
        assert!(titles(&s, "quetta saved:yes").is_empty());
    }

    /// A refresh indexes its new articles itself (the trigger stands aside), once each; a
    /// changed article is re-indexed; an insert from anywhere else still goes through the
    /// trigger.
    #[test]
    fn refreshed_articles_are_indexed_once_and_other_inserts_by_the_trigger() {
        let mut s = store_with(
            vec![
                item("a", "Quetta blast", "", 2),
                item("b", "Kabul talks", "", 1),
            ],
            10,
        );
        let feed = s.fetch_state("https://x.example/f").unwrap().unwrap().id;
        let second = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles: vec![
                item("a", "Quetta blast toll rises", "", 2),
                item("b", "Kabul talks", "", 1),
                item("c", "Quetta rally", "", 3),
            ],
        };
        s.record_success(feed, "Dawn", &Validators::default(), Some(&second), 10)
            .unwrap();
        assert_eq!(
            titles(&s, "quetta"),
            ["Quetta rally", "Quetta blast toll rises"]
        );
        assert!(titles(&s, "blast -toll").is_empty());
        assert_eq!(titles(&s, "kabul"), ["Kabul talks"]);
        let indexed: i64 = s
            .connection()
            .query_row("SELECT COUNT(*) FROM articles_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(indexed, 3);
        s.connection()
            .execute(
                "INSERT INTO articles (feed_id, key, title, outlet, published, first_seen)
                 VALUES (?1, 'd', 'Peshawar flood', 'Dawn', 4, 4)",
                [feed.0],
            )
            .unwrap();
        assert_eq!(titles(&s, "peshawar"), ["Peshawar flood"]);
    }

    #[test]
    fn a_persian_query_finds_arabic_coded_text_and_back() {
        let s = store_with(
            vec![
                item("ar", "باكستان تستعد لمحادثات كراتشي", "", 2),
                item("fa", "نشست وزیران در تهران", "مذاکرات ادامه دارد", 1),
            ],
            10,
        );
        // Persian yeh and kaf typed; the title has Arabic kaf and yeh.
        assert_eq!(titles(&s, "باکستان"), ["باكستان تستعد لمحادثات كراتشي"]);
        // Arabic-coded yeh typed; the text is Persian.
        assert_eq!(titles(&s, "وزيران"), ["نشست وزیران در تهران"]);
        assert_eq!(titles(&s, "مذاكرات"), ["نشست وزیران در تهران"]);
    }

    #[test]
    fn the_index_follows_updates_pruning_and_saving() {
        let mut s = store_with(
            vec![
                item("a", "Old title", "", 3),
                item("b", "Second", "", 2),
                item("c", "Third", "", 1),
            ],
            10,
        );
        let id = s
            .articles_for_feeds(&["https://x.example/f".into()], 10)
            .unwrap()[0]
            .id;
        s.connection()
            .execute(
                "UPDATE articles SET title = 'New headline' WHERE id = ?1",
                [id.0],
            )
            .unwrap();
        assert!(titles(&s, "old").is_empty());
        assert_eq!(titles(&s, "headline"), ["New headline"]);
        s.save_article(
            id,
            &crate::store::SavedCopy {
                html: "<p>Saved words zebra</p>".into(),
                text: "Saved words zebra".into(),
                method: crate::model::ExtractMethod::Feed,
                file: None,
            },
        )
        .unwrap();
        assert_eq!(titles(&s, "zebra"), ["New headline"]);
        assert_eq!(titles(&s, "zebra saved:yes"), ["New headline"]);
        s.connection()
            .execute("DELETE FROM articles WHERE id = ?1", [id.0])
            .unwrap();
        assert!(titles(&s, "zebra").is_empty());
    }
}
