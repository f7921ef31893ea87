//! Fuzz target `sanitize`: see `tests/support/fuzz_checks.rs` for what it checks.
#![no_main]

#[allow(dead_code)] // each target uses one of the checks
#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::sanitize_text(data));
