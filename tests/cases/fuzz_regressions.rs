//! Inputs the fuzz targets (`fuzz/`) found, minimised, kept as regression tests: every file
//! under `tests/fixtures/fuzz/<target>/` goes through that target's checks
//! (`tests/support/fuzz_checks.rs`) in its own thread, so a stack overflow shows as a failed
//! test with the file's name rather than an abort.

use std::path::Path;

use crate::fuzz_checks;

/// Runs `check` on every file of `tests/fixtures/fuzz/<target>/`, failing with the names of
/// the files it panics on. Returns how many files were checked.
fn run(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let started = std::time::Instant::now();
        // libFuzzer runs on the main thread (8 MB of stack): so does this check.
        let outcome = std::thread::Builder::new()
            .stack_size(8 * 1024 * 1024)
            .spawn(move || check(&data))
            .unwrap()
            .join();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if outcome.is_err() {
            failed.push(name);
        } else {
            let took = started.elapsed();
            assert!(took.as_secs() < 20, "{name}: {took:?}");
        }
    }
    assert!(failed.is_empty(), "{target}: {failed:?}");
    files.len()
}

#[test]
fn feed_inputs_found_by_fuzzing() {
    assert!(run("feed", fuzz_checks::feed) > 0);
}

#[test]
fn opml_inputs_found_by_fuzzing() {
    assert!(run("opml", fuzz_checks::opml) > 0);
}

#[test]
fn config_inputs_found_by_fuzzing() {
    assert!(run("config", fuzz_checks::config) > 0);
}

#[test]
fn sanitize_inputs_found_by_fuzzing() {
    assert!(run("sanitize", fuzz_checks::sanitize_text) > 0);
}

#[test]
fn extract_inputs_found_by_fuzzing() {
    assert!(run("extract", fuzz_checks::extract) > 0);
}

#[test]
fn render_inputs_found_by_fuzzing() {
    assert!(run("render", fuzz_checks::render_html) > 0);
}
