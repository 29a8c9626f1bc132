//! Parking payments: settled transactions reported by payment platforms, and what the
//! Department reads of them (daily totals per lot and vehicle type). Nothing about the payer is
//! ever received or stored: no name, account, phone or plate number.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::code::LocationCode;
use crate::place::parking::VEHICLES;
use crate::place::FieldError;

/// Largest single payment accepted, VND.
pub const MAX_AMOUNT_VND: u64 = 1_000_000_000;
/// Most transactions in one request.
pub const MAX_BATCH: usize = 1000;

/// A settled payment as a platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// Who settled it (e.g. `napas`, `vnpay`): 1–64 of a–z, 0–9, `_`, `-`; the name of the
    /// platform's token, never only what a request says ([`is_platform_id`]).
    pub platform: String,
    /// The platform's id of the transaction: 1–128 visible ASCII characters.
    pub transaction_id: String,
    pub lot_code: LocationCode,
    /// `motorbike`, `car` or `bus`.
    pub vehicle: String,
    pub amount_vnd: u64,
    pub paid_at: DateTime<Utc>,
}

impl Transaction {
    /// The day of the payment in Vietnam (UTC+7), which daily totals count by.
    ///
    /// ```
    /// use diachiso::parking::vietnam_day;
    /// let t = chrono::DateTime::parse_from_rfc3339("2026-11-26T18:30:00Z").unwrap();
    /// assert_eq!(vietnam_day(&t.to_utc()).to_string(), "2026-11-27");
    /// ```
    pub fn day(&self) -> NaiveDate {
        vietnam_day(&self.paid_at)
    }

    /// Whether another report of the same (platform, transaction id) says the same thing.
    pub fn same_as(&self, other: &Transaction) -> bool {
        self == other
    }
}

/// The calendar day in Vietnam (UTC+7, no daylight saving) of an instant.
pub fn vietnam_day(t: &DateTime<Utc>) -> NaiveDate {
    let ict = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    t.with_timezone(&ict).date_naive()
}

/// Whether `name` is a platform id: 1–64 of a–z, 0–9, `_` and `-` (a payment platform's token
/// is named with it).
///
/// ```
/// use diachiso::parking::is_platform_id;
/// assert!(is_platform_id("napas"));
/// assert!(!is_platform_id("NAPAS gateway"));
/// ```
pub fn is_platform_id(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Reads one transaction object, adding every problem to `errors` under `at`; a transaction
/// without `platform` gets an empty one, for the caller to fill from the token.
pub fn transaction_from_json(
    v: &Value, at: &str, errors: &mut Vec<FieldError>,
) -> Option<Transaction> {
    let mut add = |field: &str, message: &str| {
        errors.push(FieldError {
            field: format!("{at}/{field}"),
            message: message.to_owned(),
        })
    };
    let Value::Object(o) = v else {
        add("", "a transaction is an object {platform, transaction_id, lot_code, vehicle, amount_vnd, paid_at}");
        return None;
    };
    for k in o.keys() {
        if !matches!(
            k.as_str(),
            "platform" | "transaction_id" | "lot_code" | "vehicle" | "amount_vnd" | "paid_at"
        ) {
            add(k, "unknown member; nothing about the payer is accepted");
        }
    }
    let text = |k: &str| o.get(k).and_then(Value::as_str);
    // The platform may be left out: it is the token's (a different one is refused later).
    let platform = match o.get("platform") {
        None => Some(""),
        Some(_) => text("platform").filter(|p| is_platform_id(p)),
    };
    if platform.is_none() {
        add("platform", "1–64 of a–z, 0–9, _ and -");
    }
    let transaction_id = text("transaction_id")
        .filter(|t| (1..=128).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_graphic()));
    if transaction_id.is_none() {
        add("transaction_id", "1–128 visible ASCII characters");
    }
    let lot_code = text("lot_code").and_then(|c| c.parse::<LocationCode>().ok());
    if lot_code.is_none() {
        add("lot_code", "the lot's 12-digit location code");
    }
    let vehicle = text("vehicle").filter(|v| VEHICLES.contains(v));
    if vehicle.is_none() {
        add("vehicle", "motorbike, car or bus");
    }
    let amount = o
        .get("amount_vnd")
        .and_then(Value::as_u64)
        .filter(|a| (1..=MAX_AMOUNT_VND).contains(a));
    if amount.is_none() {
        add("amount_vnd", "a whole number of đồng from 1 to 1000000000");
    }
    let paid_at = text("paid_at")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.to_utc().trunc_subsecs_micro());
    if paid_at.is_none() {
        add(
            "paid_at",
            "an RFC 3339 time with its offset, e.g. 2026-11-27T08:15:00+07:00",
        );
    }
    Some(Transaction {
        platform: platform?.to_owned(),
        transaction_id: transaction_id?.to_owned(),
        lot_code: lot_code?,
        vehicle: vehicle?.to_owned(),
        amount_vnd: amount?,
        paid_at: paid_at?,
    })
}

trait TruncMicros {
    fn trunc_subsecs_micro(self) -> Self;
}

impl TruncMicros for DateTime<Utc> {
    fn trunc_subsecs_micro(self) -> Self {
        use chrono::SubsecRound;
        self.trunc_subsecs(6)
    }
}

/// What happened to one reported transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Recorded now.
    Recorded,
    /// Already recorded with the same content (a retry): nothing changed.
    Replayed,
}

/// Totals of one lot, day and vehicle type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyTotal {
    pub lot_code: String,
    /// YYYY-MM-DD, Vietnam time.
    pub day: String,
    pub vehicle: String,
    pub transactions: i64,
    pub amount_vnd: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_transaction_is_read_whole_or_every_problem_is_named() {
        let mut errors = Vec::new();
        let t = transaction_from_json(
            &json!({"platform": "napas", "transaction_id": "FT2633100001", "lot_code": "795857305220",
                    "vehicle": "car", "amount_vnd": 30000, "paid_at": "2026-11-27T06:59:59+07:00"}),
            "/0",
            &mut errors,
        );
        let t = t.unwrap_or_else(|| panic!("{errors:?}"));
        assert_eq!(t.day().to_string(), "2026-11-27");
        assert_eq!(t.paid_at.to_rfc3339(), "2026-11-26T23:59:59+00:00");
        let mut errors = Vec::new();
        let bad = transaction_from_json(
            &json!({"platform": "NAPAS", "lot_code": "798580039615", "vehicle": "truck",
                    "amount_vnd": 0, "paid_at": "yesterday", "payer_name": "Nguyễn Văn A"}),
            "/0",
            &mut errors,
        );
        assert!(bad.is_none());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "/0/payer_name",
                "/0/platform",
                "/0/transaction_id",
                "/0/lot_code",
                "/0/vehicle",
                "/0/amount_vnd",
                "/0/paid_at"
            ]
        );
    }
}
