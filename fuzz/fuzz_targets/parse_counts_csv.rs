//! Feeds arbitrary bytes to the resident-count file parser (`parse_counts_csv`).
//!
//! Checks: it never panics; accepted rows have distinct codes, households ≤ residents, counts
//! within their limits, and increasing line numbers; a refusal always names at least one line.
//!
//! Run with `cargo +nightly fuzz run parse_counts_csv` from the repository root.
#![no_main]

use std::collections::HashSet;

use diachiso::population::{parse_counts_csv, MAX_HOUSEHOLDS, MAX_RESIDENTS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_counts_csv(data) {
        Ok(rows) => {
            let mut seen = HashSet::new();
            let mut last = 1;
            for r in &rows {
                assert!(seen.insert(r.code), "duplicate code accepted");
                assert!(r.households <= r.residents);
                assert!(r.residents <= MAX_RESIDENTS && r.households <= MAX_HOUSEHOLDS);
                assert!(r.line > last);
                last = r.line;
            }
        }
        Err(errors) => assert!(!errors.is_empty()),
    }
});
