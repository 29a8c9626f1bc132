//! Feeds arbitrary strings to `HouseNumber::from_str`, `GroupNumber::parse` and
//! `UnitNumber::from_str` (the numbers staff type).
//!
//! Checks: parsing never panics; an accepted number prints back to a string that parses to the
//! same number, and the printed form is canonical (parsing it and printing again is stable).
//!
//! Run with `cargo +nightly fuzz run parse_house_number` from the repository root.
#![no_main]

use std::str::FromStr;

use diachiso::numbering::{GroupNumber, HouseNumber, UnitNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = HouseNumber::from_str(s) {
        let printed = n.to_string();
        assert_eq!(HouseNumber::from_str(&printed), Ok(n), "{s:?} → {printed:?}");
        assert!(n.base() >= 1 && n.base() <= 9999);
    }
    if let Ok((g, style)) = GroupNumber::parse(s) {
        let printed = g.format(style);
        assert_eq!(GroupNumber::parse(&printed).map(|p| p.0), Ok(g), "{s:?} → {printed:?}");
    }
    if let Ok(u) = UnitNumber::from_str(s) {
        let printed = u.to_string();
        assert_eq!(UnitNumber::from_str(&printed), Ok(u), "{s:?} → {printed:?}");
    }
});
