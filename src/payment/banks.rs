//! Vietnamese banks and their NAPAS BINs (the 6-digit bank identifier in VietQR tag 38/01/00).
//!
//! The list is `data/vietnam-banks.csv` (columns `bin,short_name,name`), embedded in the
//! binary and parsed once on first use.

use std::sync::OnceLock;

use super::error::{Error, Result};

// In diachiso this file is src/payment/banks.rs and the path is "../../data/vietnam-banks.csv".
const BANKS_CSV: &str = include_str!("../../data/vietnam-banks.csv");

/// A bank that can receive VietQR transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bank {
    /// NAPAS BIN, 6 digits (e.g. `970436`).
    pub bin: &'static str,
    /// Name people use (e.g. `Vietcombank`).
    pub short_name: &'static str,
    /// Full Vietnamese name (e.g. `Ngân hàng TMCP Ngoại thương Việt Nam`).
    pub name: &'static str,
}

/// All banks of the embedded list, in file order (ascending BIN).
///
/// ```
/// let banks = diachiso::payment::banks();
/// assert!(banks.len() > 40);
/// assert!(banks.iter().any(|b| b.short_name == "Vietcombank"));
/// ```
pub fn banks() -> &'static [Bank] {
    static BANKS: OnceLock<Vec<Bank>> = OnceLock::new();
    BANKS.get_or_init(|| {
        // The embedded file is checked by this module's tests, so this cannot fail at run time.
        parse_banks_csv(BANKS_CSV).expect("data/vietnam-banks.csv is valid (checked by tests)")
    })
}

/// The bank with NAPAS BIN `bin`, if listed.
///
/// ```
/// let bank = diachiso::payment::bank_by_bin("970423").unwrap();
/// assert_eq!(bank.short_name, "TPBank");
/// assert!(diachiso::payment::bank_by_bin("000000").is_none());
/// ```
pub fn bank_by_bin(bin: &str) -> Option<&'static Bank> {
    banks().iter().find(|b| b.bin == bin)
}

/// Parses the bank list: a `bin,short_name,name` header, then one bank a line, three
/// comma-separated fields without quoting; BINs are 6 digits and unique.
fn parse_banks_csv(text: &'static str) -> Result<Vec<Bank>> {
    let bad =
        |line: usize, why: &str| Error::BankList(format!("vietnam-banks.csv line {line}: {why}"));
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim_end() == "bin,short_name,name" => {}
        _ => return Err(bad(1, "header is not bin,short_name,name")),
    }
    let mut out: Vec<Bank> = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&'static str> = line.split(',').collect();
        let [bin, short_name, name] = fields[..] else {
            return Err(bad(line_no, "expected 3 fields"));
        };
        if bin.len() != 6 || !bin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(line_no, "BIN is not 6 digits"));
        }
        if short_name.trim().is_empty() || name.trim().is_empty() || line.contains('"') {
            return Err(bad(line_no, "empty or quoted name"));
        }
        if out.iter().any(|b| b.bin == bin) {
            return Err(bad(line_no, "duplicate BIN"));
        }
        out.push(Bank {
            bin,
            short_name,
            name,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn embedded_csv_parses() {
        let banks = parse_banks_csv(BANKS_CSV).unwrap();
        assert_eq!(banks.len(), BANKS_CSV.lines().count() - 1);
        assert_eq!(banks, super::banks());
    }

    #[test]
    fn bins_are_unique_six_digit_numbers() {
        let mut seen = HashSet::new();
        for bank in banks() {
            assert_eq!(bank.bin.len(), 6, "{bank:?}");
            assert!(bank.bin.bytes().all(|b| b.is_ascii_digit()), "{bank:?}");
            assert!(seen.insert(bank.bin), "duplicate {}", bank.bin);
            assert_eq!(bank.short_name.trim(), bank.short_name);
            assert_eq!(bank.name.trim(), bank.name);
        }
    }

    #[test]
    fn well_known_bins() {
        for (bin, short) in [
            ("970436", "Vietcombank"),
            ("970415", "VietinBank"),
            ("970418", "BIDV"),
            ("970405", "Agribank"),
            ("970422", "MB"),
            ("970407", "Techcombank"),
            ("970416", "ACB"),
            ("970423", "TPBank"),
            ("970403", "Sacombank"),
        ] {
            assert_eq!(bank_by_bin(bin).map(|b| b.short_name), Some(short), "{bin}");
        }
    }

    #[test]
    fn malformed_lists_are_rejected() {
        for bad in [
            "bin,name\n970436,VCB,x\n",
            "bin,short_name,name\n97043,VCB,x\n",
            "bin,short_name,name\n970436,VCB\n",
            "bin,short_name,name\n970436,VCB,x,y\n",
            "bin,short_name,name\n970436,VCB,x\n970436,VCB2,y\n",
            "bin,short_name,name\n970436,,x\n",
            "bin,short_name,name\n970436,\"VCB\",x\n",
        ] {
            assert!(parse_banks_csv(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_banks_csv("bin,short_name,name\r\n970436,VCB,x\r\n")
                .unwrap()
                .len(),
            1
        );
    }
}
