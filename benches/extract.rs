//! Extraction speed (`cargo bench --bench extract`): extract + render at 100 columns for every
//! page of the vendored extraction benchmark; prints median, p95 and max per page, and the
//! pages that failed or panicked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/extraction-bench/html"
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    pages.sort();
    let mut times: Vec<(Duration, String)> = Vec::new();
    let mut failed = 0;
    for _round in 0..3 {
        times.clear();
        failed = 0;
        for path in &pages {
            let html = khabar::commands::extract::read_page(path).unwrap();
            let start = Instant::now();
            match khabar::extract::extract(&html, None, None) {
                Ok(e) => {
                    let rendered = khabar::render::render(&e.html, 100);
                    std::hint::black_box(rendered);
                }
                Err(_) => failed += 1,
            }
            times.push((
                start.elapsed(),
                path.file_name().unwrap().to_string_lossy().into_owned(),
            ));
        }
    }
    times.sort();
    let at = |q: f64| {
        times[((times.len() as f64 - 1.0) * q).round() as usize]
            .0
            .as_secs_f64()
            * 1000.0
    };
    println!(
        "extract + render at 100 columns over {} pages: median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({}); {failed} without an article",
        times.len(),
        at(0.5),
        at(0.95),
        at(1.0),
        times.last().unwrap().1
    );
}
