//! Region routing in the store: the articles still waiting to be routed, and the regions
//! routing placed articles in, with the names that placed them. The routing itself is done by
//! the caller (see `refresh::route_pending`), off the writer connection.

use rusqlite::{params, params_from_iter, OptionalExtension};

use super::{like_pattern, row_to_article, Store, StoreError, ROW_COLUMNS};
use crate::model::{ArticleId, ArticleRow};

/// What routing reads of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInput {
    /// The article.
    pub id: ArticleId,
    /// Its title.
    pub title: String,
    /// Its summary (empty when it has none).
    pub summary: String,
    /// The feed's categories for it.
    pub categories: Vec<String>,
    /// Its link (empty when it has none).
    pub url: String,
}

/// One region an article was placed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The region id.
    pub region: String,
    /// The names that placed it there.
    pub matched: Vec<String>,
}

/// The `meta` key under which the fingerprint of the routing setup is kept.
const FINGERPRINT_KEY: &str = "routing_fingerprint";

impl Store {
    /// Brings the stored routes in line with the routing setup named by `fingerprint` (the
    /// gazetteer, the user's words and which feeds are routed). When it differs from the one
    /// the routes were made with, every route is dropped and every article waits to be routed
    /// again. Returns whether that happened.
    pub fn begin_routing(&mut self, fingerprint: &str) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let stored: Option<String> = tx
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [FINGERPRINT_KEY],
                |r| r.get(0),
            )
            .optional()?;
        let reset = stored.as_deref() != Some(fingerprint);
        if reset {
            tx.execute("DELETE FROM article_regions", [])?;
            tx.execute("UPDATE articles SET routed = 0 WHERE routed = 1", [])?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![FINGERPRINT_KEY, fingerprint],
            )?;
        }
        tx.commit()?;
        Ok(reset)
    }

    /// Up to `limit` articles of the feeds at `feeds` that wait to be routed.
    pub fn unrouted(&self, feeds: &[String], limit: usize) -> Result<Vec<RouteInput>, StoreError> {
        if feeds.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; feeds.len()].join(",");
        let sql = format!(
            "SELECT a.id, a.title, a.summary, a.categories, a.url FROM articles a
             WHERE a.routed = 0 AND a.feed_id IN (SELECT id FROM feeds WHERE url IN ({placeholders}))
             LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(feeds.iter()), |r| {
            Ok(RouteInput {
                id: ArticleId(r.get(0)?),
                title: r.get(1)?,
                summary: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                categories: r
                    .get::<_, Option<String>>(3)?
                    .map(|c| c.lines().map(str::to_string).collect())
                    .unwrap_or_default(),
                url: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records where routed articles belong (an empty list: routed, in no region), replacing
    /// what was recorded for them before. One transaction for the whole batch.
    pub fn record_routes(
        &mut self,
        routes: &[(ArticleId, Vec<Placement>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut clear =
                tx.prepare_cached("DELETE FROM article_regions WHERE article_id = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO article_regions (region, article_id, matched)
                 VALUES (?1, ?2, ?3)",
            )?;
            let mut done = tx.prepare_cached("UPDATE articles SET routed = 1 WHERE id = ?1")?;
            for (id, placements) in routes {
                clear.execute([id.0])?;
                for p in placements {
                    let matched = serde_json::to_string(&p.matched).unwrap_or_default();
                    insert.execute(params![p.region, id.0, matched])?;
                }
                done.execute([id.0])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Articles routing placed in `region`, newest first, at most `limit`, each with the names
    /// that placed it; with `search`, only those whose title, summary, outlet or tags contain it.
    pub fn region_articles(
        &self,
        region: &str,
        limit: usize,
        search: Option<&str>,
    ) -> Result<Vec<ArticleRow>, StoreError> {
        let filter = if search.is_some() {
            "AND (a.title LIKE ?2 ESCAPE '\\' OR a.summary LIKE ?2 ESCAPE '\\'
                  OR a.outlet LIKE ?2 ESCAPE '\\' OR a.tags LIKE ?2 ESCAPE '\\')"
        } else {
            "AND ?2 IS NULL"
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS}, r.matched FROM article_regions r
             JOIN articles a ON a.id = r.article_id
             WHERE r.region = ?1 {filter}
             ORDER BY a.published DESC, a.id DESC LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![region, search.map(like_pattern)], |r| {
            let mut row = row_to_article(r)?;
            let matched: String = r.get(super::ROW_COLUMN_COUNT)?;
            row.matched = serde_json::from_str(&matched).unwrap_or_default();
            Ok(row)
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IncomingArticle, ParsedFeed, Validators};

    fn store_with(titles: &[&str]) -> (Store, Vec<ArticleId>) {
        let mut s = Store::open_in_memory().unwrap();
        let url = "https://world.example/feed".to_string();
        s.sync_feeds(&[(url.clone(), "World".into())]).unwrap();
        let feed = s.fetch_state(&url).unwrap().unwrap().id;
        let articles = titles
            .iter()
            .enumerate()
            .map(|(i, t)| IncomingArticle {
                key: format!("k{i}"),
                title: (*t).into(),
                url: Some(format!("https://world.example/{i}")),
                authors: None,
                published: Some(1_000 + i as i64),
                updated: None,
                summary: None,
                content_html: None,
                categories: vec!["News".into(), "Opinion".into()],
                enclosures: Vec::new(),
            })
            .collect();
        let parsed = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles,
        };
        s.record_success(feed, "World", &Validators::default(), Some(&parsed), 100)
            .unwrap();
        let ids = s
            .articles_for_feeds(&[url], 100)
            .unwrap()
            .into_iter()
            .rev()
            .map(|r| r.id)
            .collect();
        (s, ids)
    }

    fn placed(region: &str, words: &[&str]) -> Placement {
        Placement {
            region: region.into(),
            matched: words.iter().map(|w| (*w).into()).collect(),
        }
    }

    #[test]
    fn routes_are_recorded_listed_and_reset_when_the_setup_changes() {
        let (mut s, ids) = store_with(&["Quetta blast", "Tennis final"]);
        let feeds = vec!["https://world.example/feed".to_string()];
        assert!(s.begin_routing("v1").unwrap());
        let pending = s.unrouted(&feeds, 10).unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].categories, ["News", "Opinion"]);
        s.record_routes(&[
            (
                ids[0],
                vec![
                    placed("balochistan", &["Quetta"]),
                    placed("pakistan", &["Quetta"]),
                ],
            ),
            (ids[1], Vec::new()),
        ])
        .unwrap();
        assert!(s.unrouted(&feeds, 10).unwrap().is_empty());
        let rows = s.region_articles("pakistan", 10, None).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].title, "Quetta blast");
        assert_eq!(rows[0].matched, ["Quetta"]);
        assert!(s.region_articles("iran", 10, None).unwrap().is_empty());
        assert!(s
            .region_articles("pakistan", 10, Some("tennis"))
            .unwrap()
            .is_empty());
        // The same setup keeps the routes; a new one drops them and routes everything again.
        assert!(!s.begin_routing("v1").unwrap());
        assert_eq!(s.region_articles("pakistan", 10, None).unwrap().len(), 1);
        assert!(s.begin_routing("v2").unwrap());
        assert!(s.region_articles("pakistan", 10, None).unwrap().is_empty());
        assert_eq!(s.unrouted(&feeds, 10).unwrap().len(), 2);
    }

    #[test]
    fn an_edited_title_is_routed_again_and_an_unchanged_one_is_not() {
        let (mut s, ids) = store_with(&["Quetta blast", "Tennis final"]);
        let feeds = vec!["https://world.example/feed".to_string()];
        s.begin_routing("v1").unwrap();
        s.record_routes(&[(ids[0], Vec::new()), (ids[1], Vec::new())])
            .unwrap();
        let url = feeds[0].clone();
        let feed = s.fetch_state(&url).unwrap().unwrap().id;
        let again = |title: &str, i: usize| IncomingArticle {
            key: format!("k{i}"),
            title: title.into(),
            url: Some(format!("https://world.example/{i}")),
            authors: None,
            published: Some(1_000 + i as i64),
            updated: None,
            summary: None,
            content_html: None,
            categories: vec!["News".into(), "Opinion".into()],
            enclosures: Vec::new(),
        };
        let parsed = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles: vec![again("Quetta blast", 0), again("Tennis final in Tehran", 1)],
        };
        s.record_success(feed, "World", &Validators::default(), Some(&parsed), 100)
            .unwrap();
        let pending: Vec<ArticleId> = s
            .unrouted(&feeds, 10)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(pending, [ids[1]]);
    }

    #[test]
    fn pruned_articles_take_their_routes_with_them() {
        let (mut s, ids) = store_with(&["Quetta blast"]);
        s.begin_routing("v1").unwrap();
        s.record_routes(&[(ids[0], vec![placed("pakistan", &["Quetta"])])])
            .unwrap();
        s.connection()
            .execute("DELETE FROM articles WHERE id = ?1", [ids[0].0])
            .unwrap();
        let left: i64 = s
            .connection()
            .query_row("SELECT COUNT(*) FROM article_regions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
