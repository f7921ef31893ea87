//! Saved-article export speed (`cargo bench --bench saved`): 10,000 saved articles exported
//! by the real binary in each format.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Instant;

const ARTICLES: usize = 10_000;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut store = khabar::store::Store::open(&data.join("khabar.db")).unwrap();
    store
        .sync_feeds(&[("https://bench.example/feed".into(), "Bench".into())])
        .unwrap();
    let conn = store.connection();
    let tx = conn.transaction().unwrap();
    let paragraph =
        "<p>Officials in Islamabad and Kabul met again on Monday to discuss the crossing, \
                     trade, refugees and security along the border, with no agreement yet.</p>";
    let html = paragraph.repeat(25);
    let text = khabar::saving::to_markdown(&html);
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO articles (feed_id, key, url, title, outlet, published, first_seen, saved_at,
                     saved_html, saved_text, saved_method)
                 VALUES (1, ?1, ?2, ?3, 'Bench', ?4, ?4, ?4, ?5, ?6, 'general extractor')",
            )
            .unwrap();
        for n in 0..ARTICLES {
            stmt.execute(rusqlite::params![
                format!("k{n}"),
                format!("https://bench.example/{n}"),
                format!("Saved story {n}: talks on the Torkham crossing resume"),
                1_795_514_400 - n as i64 * 60,
                html,
                text
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(store);
    for format in ["md", "txt", "html"] {
        let out = dir.path().join(format!("export-{format}"));
        let start = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(["saved", "export"])
            .arg(&out)
            .args(["--format", format])
            .env("KHABAR_DATA", &data)
            .env("KHABAR_CONFIG", dir.path().join("none.toml"))
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let files = std::fs::read_dir(&out).unwrap().count();
        println!(
            "saved export --format {format}: {files} files in {:.2} s",
            start.elapsed().as_secs_f64()
        );
    }
}
