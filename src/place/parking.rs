//! The attributes of a parking lot (bãi đỗ xe, điểm trông giữ xe): operator, fee schedule and
//! the payment accounts its VietQR codes pay into.

use serde_json::{Map, Value};

use super::errors::Errors;
use super::PlaceKind;
use crate::payment::bank_by_bin;

/// Fee periods: per turn (lượt), hour, day, night, month.
pub const FEE_PERIODS: [&str; 5] = ["turn", "hour", "day", "night", "month"];
/// Vehicle types of capacity, fees and transactions.
pub const VEHICLES: [&str; 3] = ["motorbike", "car", "bus"];
/// Largest fee, VND.
pub const MAX_FEE_VND: u64 = 10_000_000;
/// Most payment accounts on one lot.
pub const MAX_PAYMENT_ACCOUNTS: usize = 5;

/// The attribute that holds bank details: never shown to anonymous callers.
pub const PAYMENT_ACCOUNTS: &str = "payment_accounts";

/// Validates a parking-lot attribute; returns false when `key` is not one of them.
pub(crate) fn check_attribute(
    key: &str, value: &Value, field: &str, kind: Option<PlaceKind>, errors: &mut Errors,
) -> bool {
    match key {
        "operator" => operator(value, field, errors),
        "fees" | PAYMENT_ACCOUNTS => {
            if kind.is_some_and(|k| k != PlaceKind::ParkingLot) {
                errors.add(field, "only parking lots have fees and payment accounts");
            } else if key == "fees" {
                fees(value, field, errors);
            } else {
                accounts(value, field, errors);
            }
        }
        _ => return false,
    }
    true
}

/// `"operator"`: a name, or `{"name": …, "tax_code": …}` (mã số thuế: 10 digits, or 10-3 for
/// a branch).
fn operator(value: &Value, field: &str, errors: &mut Errors) {
    match value {
        Value::String(s) if !s.trim().is_empty() && s.chars().count() <= 200 => {}
        Value::Object(o) => {
            for (k, v) in o {
                let f = format!("{field}/{k}");
                match (k.as_str(), v) {
                    ("name", Value::String(s))
                        if !s.trim().is_empty() && s.chars().count() <= 200 => {}
                    ("name", _) => errors.add(f, "the operator's name: 1–200 characters"),
                    ("tax_code", Value::String(s)) if is_tax_code(s) => {}
                    ("tax_code", _) => errors.add(
                        f,
                        "a Vietnamese tax code (mã số thuế) has 10 digits, or 10-3 for a branch",
                    ),
                    _ => errors.add(f, "unknown member (name, tax_code)"),
                }
            }
            if !o.contains_key("name") {
                errors.add(format!("{field}/name"), "is required");
            }
        }
        _ => errors.add(field, "a name, or {\"name\": …, \"tax_code\": …}"),
    }
}

fn is_tax_code(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    (b.len() == 10 && digits(b))
        || (b.len() == 14 && digits(&b[..10]) && b[10] == b'-' && digits(&b[11..]))
}

/// `"fees"`: `[{"vehicle": "motorbike", "period": "turn", "amount_vnd": 5000}, …]`.
fn fees(value: &Value, field: &str, errors: &mut Errors) {
    let Value::Array(rows) = value else {
        errors.add(field, "a list of {vehicle, period, amount_vnd}");
        return;
    };
    if rows.len() > 20 {
        errors.add(field, "at most 20 fees");
        return;
    }
    let mut seen = Vec::new();
    let members = ["vehicle", "period", "amount_vnd"];
    each_object_row(rows, field, &members, errors, |f, o, errors| {
        let vehicle = o.get("vehicle").and_then(Value::as_str);
        if !vehicle.is_some_and(|v| VEHICLES.contains(&v)) {
            errors.add(format!("{f}/vehicle"), "motorbike, car or bus");
        }
        let period = o.get("period").and_then(Value::as_str);
        if !period.is_some_and(|p| FEE_PERIODS.contains(&p)) {
            errors.add(format!("{f}/period"), "turn, hour, day, night or month");
        }
        if o.get("amount_vnd")
            .and_then(Value::as_u64)
            .is_none_or(|a| a > MAX_FEE_VND)
        {
            errors.add(
                format!("{f}/amount_vnd"),
                format!("a whole number of đồng from 0 to {MAX_FEE_VND}"),
            );
        }
        if seen.contains(&(vehicle, period)) {
            errors.add(f, "the same vehicle and period twice");
        }
        seen.push((vehicle, period));
    });
}

/// Checks each row of a list attribute: an object with no member but `members` (errors at
/// `field/i`), then `check` with the row's path and its members.
fn each_object_row<'a>(
    rows: &'a [Value], field: &str, members: &[&str], errors: &mut Errors,
    mut check: impl FnMut(&str, &'a Map<String, Value>, &mut Errors),
) {
    let members_text = members.join(", ");
    for (i, row) in rows.iter().enumerate() {
        let f = format!("{field}/{i}");
        let Value::Object(o) = row else {
            errors.add(f, format!("{{{members_text}}}"));
            continue;
        };
        if let Some(k) = o.keys().find(|k| !members.contains(&k.as_str())) {
            errors.add(
                format!("{f}/{k}"),
                format!("unknown member ({members_text})"),
            );
        }
        check(&f, o, errors);
    }
}

/// `"payment_accounts"`: `[{"bank_bin": "970436", "account_number": "…", "account_name": "…"}]`.
fn accounts(value: &Value, field: &str, errors: &mut Errors) {
    let Value::Array(rows) = value else {
        errors.add(field, "a list of {bank_bin, account_number, account_name}");
        return;
    };
    if rows.is_empty() || rows.len() > MAX_PAYMENT_ACCOUNTS {
        errors.add(field, format!("1 to {MAX_PAYMENT_ACCOUNTS} accounts"));
        return;
    }
    let members = ["bank_bin", "account_number", "account_name"];
    each_object_row(rows, field, &members, errors, |f, o, errors| {
        match o.get("bank_bin").and_then(Value::as_str) {
            Some(bin) if bank_by_bin(bin).is_some() => {}
            Some(bin) if bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit()) => errors.add(
                format!("{f}/bank_bin"),
                format!("{bin} is not in the list of Vietnamese banks (data/vietnam-banks.csv)"),
            ),
            _ => errors.add(format!("{f}/bank_bin"), "the bank's 6-digit NAPAS BIN"),
        }
        let number_ok = o
            .get("account_number")
            .and_then(Value::as_str)
            .is_some_and(|n| {
                (1..=19).contains(&n.len())
                    && n.bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            });
        if !number_ok {
            errors.add(
                format!("{f}/account_number"),
                "1–19 digits or capital letters",
            );
        }
        let name_ok = o
            .get("account_name")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.trim().is_empty() && n.chars().count() <= 100);
        if !name_ok {
            errors.add(
                format!("{f}/account_name"),
                "the account holder's name, 1–100 characters",
            );
        }
    });
}
