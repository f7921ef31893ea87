//! The extractor against the public article-extraction benchmark (dev half, vendored in
//! `tests/fixtures/extraction-bench`, MIT). Fails if F1 drops below the reached figure minus
//! 0.005, so extraction quality cannot regress silently.

use std::collections::HashMap;

use serde_json::Value;

use crate::Sandbox;

/// F1 reached by the general rules when this floor was set (by the same scorer as
/// `shared/extraction-bench/score`: 4-token shingles of `\w+` tokens, per-page precision and
/// recall averaged). A fit figure on the dev half: phrases taken from single benchmark pages
/// were removed (0.9883 before, 0.9878 after), and the rules are not tuned to these pages.
const REACHED_F1: f64 = 0.987;

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn shingles(text: &str) -> HashMap<Vec<String>, usize> {
    let toks = tokens(text);
    let mut out = HashMap::new();
    if toks.is_empty() {
        return out;
    }
    if toks.len() < 4 {
        *out.entry(toks).or_default() += 1;
        return out;
    }
    for w in toks.windows(4) {
        *out.entry(w.to_vec()).or_default() += 1;
    }
    out
}

/// (precision, recall) means over the truth's pages.
fn score(
    truth: &serde_json::Map<String, Value>,
    predictions: &serde_json::Map<String, Value>,
) -> (f64, f64) {
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    for (id, t) in truth {
        let expected = shingles(t["articleBody"].as_str().unwrap_or_default());
        let got = shingles(
            predictions
                .get(id)
                .and_then(|p| p["articleBody"].as_str())
                .unwrap_or_default(),
        );
        let mut tp = 0usize;
        for (sh, n) in &got {
            tp += (*n).min(expected.get(sh).copied().unwrap_or(0));
        }
        let fp = got.values().sum::<usize>() - tp;
        let fneg = expected.values().sum::<usize>() - tp;
        if tp + fp > 0 {
            precisions.push(tp as f64 / (tp + fp) as f64);
        }
        if tp + fneg > 0 {
            recalls.push(tp as f64 / (tp + fneg) as f64);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    (mean(&precisions), mean(&recalls))
}

#[test]
fn extraction_benchmark_f1_does_not_regress() {
    let bench = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/extraction-bench"
    );
    let sb = Sandbox::new();
    sb.write_config("");
    let out = sb.dir.path().join("predictions.json");
    sb.cmd()
        .args(["extract", "--batch", &format!("{bench}/html"), "--json"])
        .arg(&out)
        // 88 pages in a debug build take about 25 s alone; leave room for a loaded machine.
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{bench}/ground-truth.json")).unwrap(),
    )
    .unwrap();
    let predictions: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let truth = truth.as_object().unwrap();
    assert_eq!(truth.len(), 88);
    let (p, r) = score(truth, predictions.as_object().unwrap());
    let f1 = 2.0 * p * r / (p + r);
    println!("extraction benchmark: F1 {f1:.4}, precision {p:.4}, recall {r:.4}");
    assert!(
        f1 >= REACHED_F1 - 0.005,
        "F1 {f1:.4} fell below {:.4}",
        REACHED_F1 - 0.005
    );
}

#[test]
fn extract_prints_the_site_article_without_boilerplate() {
    let page = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pages/site-article.html"
    );
    let sb = Sandbox::new();
    sb.write_config("");
    let out = sb.stdout_of(&[
        "extract",
        page,
        "--url",
        "https://groundzero.example/pakistan-says-dialogue-with-kabul-is-open/",
    ]);
    let text = String::from_utf8(out).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for line in include_str!("../fixtures/pages/site-article.expected.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let found = flat[at..]
            .find(&line)
            .unwrap_or_else(|| panic!("missing or out of order: {line}"));
        at += found + line.len();
    }
    for bad in include_str!("../fixtures/pages/site-article.forbidden.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        assert!(!flat.contains(bad.trim()), "boilerplate leaked: {bad}");
    }
}

#[test]
fn tables_and_images_stay_readable_in_the_reader() {
    let html = include_str!("../fixtures/pages/table-article.html");
    let e = khabar::extract::extract(html, Some("https://x.example/a"), None).unwrap();
    let r = khabar::render::render(&e.html, 60);
    let lines: Vec<&str> = r.lines.iter().map(|l| l.text.as_str()).collect();
    let row = lines
        .iter()
        .find(|l| l.contains("Khyber Pakhtunkhwa") && l.contains("45"))
        .expect("a table row on one line");
    assert!(row.contains("41%"), "{row}");
    let header = lines
        .iter()
        .position(|l| l.contains("Province") && l.contains("Seats"))
        .expect("header row");
    let punjab = lines.iter().position(|l| l.contains("Punjab")).unwrap();
    assert!(header < punjab);
    // Columns line up: "Seats" and the seat numbers start at the same column.
    let col = |line: &str, needle: &str| line.find(needle).map(|b| line[..b].chars().count());
    assert_eq!(col(lines[header], "Seats"), col(lines[punjab], "141"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("[image: Voters queue in Quetta]")),
        "{lines:#?}"
    );
}
