//! Region routing speed (`cargo bench --bench routing`): 100,000 items (title and summary, in
//! English, Urdu, Persian and Arabic) routed with the shipped gazetteer on one thread.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

const ITEMS: usize = 100_000;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let g = khabar::routing::Gazetteer::shipped().unwrap();
    let samples = [
        ("Torkham border reopens after five days of closure", "Trucks crossed between Pakistan and Afghanistan on Monday as officials in Peshawar and Kabul agreed new document rules for traders."),
        ("Stock markets rally in New York as tech shares climb", "The Dow hit a record while investors weighed interest rate cuts and earnings from large technology companies."),
        ("بلوچستان میں مسافر بس پر حملہ، متعدد افراد زخمی", "پولیس کے مطابق حملہ آور کوئٹہ کے قریب پہاڑوں کی طرف فرار ہو گئے اور علاقے میں سرچ آپریشن جاری ہے۔"),
        ("آلودگی هوا ادارات تهران را تعطیل کرد", "مقامات استان تهران دستور تعطیلی دو روزه مدارس و ادارات را صادر کردند و از شهروندان خواستند در خانه بمانند."),
        ("حملات إسرائيلية على غزة وسقوط ضحايا", "أعلن مسؤولون فلسطينيون في القطاع سقوط عشرات الضحايا في غارات ليلية استهدفت منازل في رفح وخان يونس."),
    ];
    let items: Vec<(String, String)> = (0..ITEMS)
        .map(|n| {
            let (t, s) = samples[n % samples.len()];
            (format!("{t} {n}"), s.to_string())
        })
        .collect();
    let start = Instant::now();
    let mut placed = 0usize;
    for (t, s) in &items {
        placed += g
            .route(t, s, &[], "https://example.com/news/1")
            .regions
            .len();
    }
    let took = start.elapsed();
    println!(
        "routing: {ITEMS} items in {:.3} s ({:.1} µs per item, {placed} placements)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / ITEMS as f64
    );
}
