//! Feeds arbitrary strings to the EMVCo TLV and VietQR parsers (payloads scanned from the
//! field can be anything).
//!
//! Checks: they never panic; a payload `parse_vietqr` accepts has a valid CRC, and building a
//! VietQR from what was parsed gives a payload that parses to the same fields.
//!
//! Run with `cargo +nightly fuzz run parse_vietqr` from the repository root.
#![no_main]

use diachiso::payment::{parse_tlv, parse_vietqr, verify_crc, VietQr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_tlv(s);
    if let Ok(p) = parse_vietqr(s) {
        assert!(verify_crc(s).is_ok());
        let mut qr = VietQr::new(p.bank_bin.clone(), p.account_number.clone());
        if let Some(a) = p.amount_vnd {
            qr = qr.with_amount(a);
        }
        if let Some(code) = &p.location_code {
            qr = qr.with_location_code(code.clone());
        }
        if let Ok(rebuilt) = qr.payload() {
            let again = parse_vietqr(&rebuilt).expect("a built payload parses");
            assert_eq!(again.bank_bin, p.bank_bin);
            assert_eq!(again.account_number, p.account_number);
            assert_eq!(again.amount_vnd, p.amount_vnd);
        }
    }
});
