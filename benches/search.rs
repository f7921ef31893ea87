//! Full-text search speed (`cargo bench --bench search`): a store of 500,000 articles
//! (`KHABAR_BENCH_ARTICLES` to change) in English, Urdu, Persian and Arabic, then a few query
//! kinds run 30 times each; prints the median and 95th percentile and the index's size.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use khabar::model::{IncomingArticle, ParsedFeed, Validators};
use khabar::search::SearchQuery;
use khabar::store::Store;

const TITLES: [&str; 8] = [
    "Talks resume in Islamabad as Torkham crossing reopens",
    "Rain lashes Quetta as cold wave grips Balochistan",
    "Markets rally in Karachi after central bank holds rates",
    "وزیراعظم نے قومی اسمبلی کا اجلاس کل طلب کر لیا",
    "افزایش قیمت بنزین در تهران",
    "مجلس الأمن يدعو إلى وقف فوري لإطلاق النار في غزة",
    "Cricket: Pakistan beat Afghanistan in Sharjah",
    "Floods in Sindh displace thousands",
];

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n: usize = std::env::var("KHABAR_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500_000);
    let dir = tempfile::tempdir().unwrap();
    // KHABAR_BENCH_DB keeps the database for a look with the sqlite3 shell.
    let path = std::env::var("KHABAR_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("khabar.db"));
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path).unwrap();
    let feeds: Vec<(String, String)> = (0..100)
        .map(|f| {
            (
                format!("https://feed{f}.example/rss"),
                format!("Outlet {f}"),
            )
        })
        .collect();
    store.sync_feeds(&feeds).unwrap();
    let start = Instant::now();
    let per_feed = n / feeds.len();
    for (f, (url, outlet)) in feeds.iter().enumerate() {
        let id = store.fetch_state(url).unwrap().unwrap().id;
        let articles = (0..per_feed)
            .map(|i| {
                let k = f * per_feed + i;
                IncomingArticle {
                    key: format!("k{k}"),
                    title: format!("{} {k}", TITLES[k % TITLES.len()]),
                    url: Some(format!("https://feed{f}.example/{i}")),
                    authors: None,
                    published: Some(1_700_000_000 + k as i64 * 30),
                    updated: None,
                    summary: Some(format!(
                        "Story {k}: officials said on Monday that {} would continue.",
                        TITLES[(k / 3) % TITLES.len()]
                    )),
                    content_html: None,
                    categories: Vec::new(),
                    enclosures: Vec::new(),
                }
            })
            .collect();
        let parsed = ParsedFeed {
            title: None,
            site_url: None,
            language: None,
            repair: None,
            articles,
        };
        store
            .record_success(id, outlet, &Validators::default(), Some(&parsed), per_feed)
            .unwrap();
    }
    store.checkpoint().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "search: {} articles stored in {:.1} s, database {:.0} MB",
        per_feed * feeds.len(),
        start.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    // The index's own pages (SQLite's dbstat table, when the build has it).
    let fts_bytes: Result<i64, _> = store.connection().query_row(
        "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'",
        [],
        |r| r.get(0),
    );
    match fts_bytes {
        Ok(bytes) => println!("  search index: {:.0} MB of it", bytes as f64 / 1e6),
        Err(e) => println!("  search index size unknown ({e})"),
    }
    let now = 1_700_000_000 + n as i64 * 30;
    for query in [
        "quetta",
        "\"central bank\"",
        "تهران",
        "torkham OR sindh",
        "karachi -cricket since:2d",
        "islam",
        "zzzznothing",
    ] {
        let q = SearchQuery::parse(query).unwrap();
        let mut times: Vec<Duration> = (0..30)
            .map(|_| {
                let t = Instant::now();
                let rows = store.search(&q, None, now, 1000).unwrap();
                std::hint::black_box(rows);
                t.elapsed()
            })
            .collect();
        times.sort();
        let hits = store.search(&q, None, now, 1000).unwrap().len();
        println!(
            "  {query:30} median {:6.1} ms  p95 {:6.1} ms  ({hits} rows, limit 1000)",
            times[15].as_secs_f64() * 1e3,
            times[28].as_secs_f64() * 1e3
        );
    }
}
