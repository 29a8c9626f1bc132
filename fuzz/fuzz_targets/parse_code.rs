//! Feeds arbitrary UTF-8 strings to `LocationCode::from_str`.
//!
//! Checks: parsing never panics; an accepted input holds exactly the 12 ASCII digits of the
//! code it parses to; an accepted code round-trips through `Display`, `grouped()` and serde;
//! an `InvalidCharacter` error points at the character it names.
//!
//! Run with `cargo +nightly fuzz run parse_code` from the repository root (needs cargo-fuzz).
#![no_main]

use std::str::FromStr;

use diachiso::code::{CodeError, LocationCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match LocationCode::from_str(s) {
        Ok(code) => {
            let canonical = code.to_string();
            assert_eq!(canonical.len(), 12);
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits, canonical);
            assert_eq!(LocationCode::from_str(&canonical), Ok(code));
            assert_eq!(LocationCode::from_str(&code.grouped()), Ok(code));
            assert_eq!(LocationCode::from_payload(code.payload()), Ok(code));
            let json = serde_json::to_string(&code).expect("serialise");
            assert_eq!(
                serde_json::from_str::<LocationCode>(&json).expect("deserialise"),
                code
            );
        }
        Err(CodeError::InvalidCharacter { ch, position }) => {
            assert_eq!(s.chars().nth(position - 1), Some(ch));
        }
        Err(CodeError::WrongLength { found }) => {
            assert_ne!(found, 12);
        }
        Err(_) => {}
    }
});
