//! Parking lots and cashless payment: the lot's VietQR code and printable sticker, settled
//! transactions from payment platforms, daily totals and the progress of payment links.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{
    commune_code_param, format_param, require_role, Auth, CodePath, JsonBody, QueryParams,
};
use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::auth::{Actor, Role};
use crate::parking::{transaction_from_json, vietnam_day, MAX_BATCH};
use crate::payment::{
    bank_by_bin, format_vnd, sticker_svg, to_png, to_svg, FeeRow, StickerInfo, VietQr,
};
use crate::place::parking::PAYMENT_ACCOUNTS;
use crate::place::{Place, PlaceKind, Status};
use crate::registry::RegistryError;

/// The parking lot under a code, with its payment account number `account` (0-based).
async fn lot_account(
    state: &AppState, actor: &Actor, code: crate::code::LocationCode, account: usize,
) -> ApiResult<(std::sync::Arc<Place>, Value)> {
    let lot = state.registry.get(actor, code).await?;
    if lot.kind != PlaceKind::ParkingLot {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "not-a-parking-lot",
            format!("{code} is a {}, not a parking lot", lot.kind.label_vi()),
        ));
    }
    if lot.status == Status::Retired {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "invalid-transition",
            "the parking lot is retired: no payment code",
        ));
    }
    let accounts = lot
        .attributes
        .get(PAYMENT_ACCOUNTS)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(acc) = accounts.get(account).cloned() else {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "no-payment-account",
            if accounts.is_empty() {
                "the parking lot has no payment account yet (attributes.payment_accounts)"
                    .to_owned()
            } else {
                format!(
                    "the lot has {} payment account(s); account is 0-based",
                    accounts.len()
                )
            },
        ));
    };
    Ok((lot, acc))
}

/// The fee of a vehicle type per turn (lượt), when the lot lists one.
fn turn_fee(lot: &Place, vehicle: &str) -> Option<u64> {
    lot.attributes
        .get("fees")?
        .as_array()?
        .iter()
        .find_map(|f| {
            (f["vehicle"] == vehicle && f["period"] == "turn").then(|| f["amount_vnd"].as_u64())?
        })
}

fn vehicle_label(v: &str) -> &'static str {
    match v {
        "motorbike" => "Xe máy",
        "car" => "Ô tô",
        "bus" => "Xe khách",
        _ => "Phương tiện",
    }
}

fn period_label(p: &str) -> &'static str {
    match p {
        "turn" => "lượt",
        "hour" => "giờ",
        "day" => "ngày",
        "night" => "đêm",
        "month" => "tháng",
        _ => "",
    }
}

/// Query of `GET /api/places/{code}/payment-qr`.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QrQuery {
    /// `motorbike`, `car` or `bus`
    vehicle: Option<String>,
    /// VND, makes a dynamic code
    amount: Option<u64>,
    /// Which payment account (0-based)
    #[param(value_type = Option<u32>)]
    account: Option<usize>,
}

/// `GET /api/places/{code}/payment-qr`.
#[utoipa::path(
    get, path = "/api/places/{code}/payment-qr", tag = "parking", operation_id = "payment_qr",
    summary = "The parking lot's VietQR payment code (JSON, SVG or PNG)",
    description = "Role: **reader** or above (the code carries bank details). A NAPAS VietQR \
        (EMVCo merchant-presented) payload paying into the lot's payment account (`account`, \
        0-based, default the first): static (`01`=`11`) without an amount, dynamic (`12`) with \
        `amount` — or, with `vehicle` and no amount, the lot's per-turn fee for that vehicle. \
        The location code is in the additional data (62/03 and the purpose 62/08) so every \
        payment traces back to the lot. `Accept: image/svg+xml` or `image/png` answers the \
        QR image itself.",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The lot's location code"),
        QrQuery,
    ),
    responses(
        (status = 200, description = "The payload, or the image.", content((schema::AnyJson = "application/json"), (String = "image/svg+xml"), (String = "image/png"))),
        (status = 400, description = "Bad code or parameters.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoToken,
        responses::SystemRole,
        responses::NoSuchPlace,
        responses::NotPayableLot,
        (status = 422, description = "The amount or account cannot be encoded.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn payment_qr(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath,
    QueryParams(q): QueryParams<QrQuery>, headers: HeaderMap,
) -> ApiResult<Response> {
    super::extract::require_reader(&actor, "bank details and payment totals")?;
    if let Some(v) = &q.vehicle {
        if !crate::place::parking::VEHICLES.contains(&v.as_str()) {
            return Err(Problem::bad_request(
                "invalid-query",
                "vehicle is motorbike, car or bus",
            ));
        }
    }
    let (lot, account) = lot_account(&state, &actor, code, q.account.unwrap_or(0)).await?;
    let amount = q
        .amount
        .or_else(|| q.vehicle.as_deref().and_then(|v| turn_fee(&lot, v)));
    let bin = account["bank_bin"].as_str().unwrap_or_default();
    let number = account["account_number"].as_str().unwrap_or_default();
    let mut qr = VietQr::new(bin, number).with_location_code(code.to_string());
    if let Some(a) = amount {
        qr = qr.with_amount(a);
    }
    if let Some(v) = &q.vehicle {
        qr = qr.with_note(vehicle_label(v));
    }
    let payload = qr
        .payload()
        .map_err(|e| Problem::unprocessable("validation", e.to_string()))?;
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("image/svg+xml") {
        let svg = to_svg(&payload).map_err(|e| Problem::internal(&e))?;
        return Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response());
    }
    if accept.contains("image/png") {
        let png = to_png(&payload, 8).map_err(|e| Problem::internal(&e))?;
        return Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response());
    }
    let bank = bank_by_bin(bin);
    Ok(Json(json!({
        "payload": payload,
        "location_code": code.to_string(),
        "dynamic": amount.is_some(),
        "amount_vnd": amount,
        "vehicle": q.vehicle,
        "bank_bin": bin,
        "bank_name": bank.map(|b| b.short_name),
        "account_number": number,
        "account_name": account["account_name"],
    }))
    .into_response())
}

/// `GET /api/places/{code}/payment-sticker`.
#[utoipa::path(
    get, path = "/api/places/{code}/payment-sticker", tag = "parking", operation_id = "payment_sticker",
    summary = "A printable A5 sheet for the lot: name, code, fees and its VietQR",
    description = "Role: **reader** or above. SVG, 148 × 210 mm. Generated demo lots are labelled.",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The lot's location code")),
    responses(
        (status = 200, description = "The sheet.", body = String, content_type = "image/svg+xml"),
        responses::NoToken,
        responses::SystemRole,
        responses::NoSuchPlace,
        responses::NotPayableLot,
    )
)]
pub async fn payment_sticker(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath,
) -> ApiResult<Response> {
    super::extract::require_reader(&actor, "bank details and payment totals")?;
    let (lot, account) = lot_account(&state, &actor, code, 0).await?;
    let bin = account["bank_bin"].as_str().unwrap_or_default();
    let number = account["account_number"].as_str().unwrap_or_default();
    let payload = VietQr::new(bin, number)
        .with_location_code(code.to_string())
        .payload()
        .map_err(|e| Problem::unprocessable("validation", e.to_string()))?;
    let fees: Vec<FeeRow> = lot
        .attributes
        .get("fees")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .take(crate::payment::MAX_FEE_ROWS)
                .map(|f| FeeRow {
                    vehicle_label_vi: vehicle_label(f["vehicle"].as_str().unwrap_or("")).to_owned(),
                    period_label_vi: period_label(f["period"].as_str().unwrap_or("")).to_owned(),
                    amount_vnd: f["amount_vnd"].as_u64().unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    let operator = match lot.attributes.get("operator") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        _ => String::new(),
    };
    let feature = state.registry.feature(&lot);
    let commune = feature["properties"]["commune_name"].as_str().unwrap_or("");
    let address = [
        lot.address
            .house_number
            .as_deref()
            .map(|n| format!("Số {n}")),
        lot.address.street.clone(),
        Some(commune.to_owned()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let bank = bank_by_bin(bin).map_or(bin.to_owned(), |b| b.short_name.to_owned());
    let svg = sticker_svg(&StickerInfo {
        lot_name: lot.name.clone(),
        location_code: code.to_string(),
        address,
        operator,
        fees,
        qr_payload: payload,
        bank_label: format!("{bank} · {number}"),
        generated: lot.generated,
    })
    .map_err(|e| Problem::unprocessable("validation", e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// `POST /api/parking/transactions`.
#[utoipa::path(
    post, path = "/api/parking/transactions", tag = "parking", operation_id = "record_parking_transactions",
    summary = "Report settled parking payments (payment platforms)",
    description = "Role: **payment_platform** (or admin). One transaction object, an array, or \
        `{\"transactions\": [...]}` (at most 1000): `platform`, `transaction_id`, `lot_code`, \
        `vehicle` (motorbike, car, bus), `amount_vnd`, `paid_at` (RFC 3339). Nothing about the \
        payer is accepted. Idempotent on (platform, transaction_id): a repeat with the same \
        content is `replayed`; with other content the whole request is refused (409) and \
        nothing is written. Validated whole: any bad row → 422 listing every problem.",
    security(("bearer" = [])),
    request_body(content((schema::AnyJson = "application/json"))),
    responses(
        (status = 200, description = "The outcome of each transaction, in order.", body = schema::AnyJson),
        responses::NoToken,
        (status = 403, description = "Not a payment platform.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A transaction id already recorded with other content.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid transactions, unknown or non-parking lot codes.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn transactions(
    State(state): State<AppState>, Auth(actor): Auth, body: JsonBody,
) -> ApiResult<Json<Value>> {
    require_role(
        &actor,
        Role::PaymentPlatform,
        "payment platforms send their token",
        "reporting payments needs a payment_platform token",
    )?;
    let items: Vec<Value> = match body.value {
        Value::Array(a) => a,
        Value::Object(mut o) if o.contains_key("transactions") && o.len() == 1 => {
            match o.remove("transactions") {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(Problem::unprocessable(
                        "validation",
                        "transactions is an array",
                    ))
                }
            }
        }
        v @ Value::Object(_) => vec![v],
        _ => {
            return Err(Problem::unprocessable(
                "validation",
                "a transaction object, an array of them, or {\"transactions\": [...]}",
            ))
        }
    };
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(Problem::unprocessable(
            "validation",
            format!("1 to {MAX_BATCH} transactions per request"),
        ));
    }
    let mut errors = Vec::new();
    let parsed: Vec<_> = items
        .iter()
        .enumerate()
        .filter_map(|(i, v)| transaction_from_json(v, &format!("/{i}"), &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(RegistryError::Validation(crate::place::ValidationError { errors }).into());
    }
    let outcomes = state.registry.record_payments(&actor, &parsed).await?;
    let results: Vec<Value> = parsed
        .iter()
        .zip(&outcomes)
        .map(|(t, o)| json!({"platform": t.platform, "transaction_id": t.transaction_id, "outcome": o}))
        .collect();
    Ok(Json(json!({ "results": results })))
}

/// Query of `GET /api/parking/daily-totals`.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TotalsQuery {
    /// YYYY-MM-DD
    #[param(value_type = Option<String>)]
    from: Option<NaiveDate>,
    /// YYYY-MM-DD
    #[param(value_type = Option<String>)]
    to: Option<NaiveDate>,
    /// 12 digits
    lot_code: Option<String>,
    /// 5 digits
    commune_code: Option<String>,
}

/// `GET /api/parking/daily-totals`.
#[utoipa::path(
    get, path = "/api/parking/daily-totals", tag = "parking", operation_id = "parking_daily_totals",
    summary = "Parking payments per lot, day and vehicle type",
    description = "Role: **reader** or above (the Department). Days in Vietnam time (UTC+7), \
        `from`..=`to` (default: today), at most 366 days; filter by `lot_code` or \
        `commune_code`.",
    security(("bearer" = [])),
    params(TotalsQuery),
    responses(
        (status = 200, description = "The totals.", body = schema::AnyJson),
        responses::BadParameters,
        responses::NoToken,
        responses::SystemRole,
    )
)]
pub async fn daily_totals(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<TotalsQuery>,
) -> ApiResult<Json<Value>> {
    super::extract::require_reader(&actor, "bank details and payment totals")?;
    let today = vietnam_day(&chrono::Utc::now());
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or(to);
    if from > to || (to - from).num_days() > 366 {
        return Err(Problem::bad_request(
            "invalid-query",
            "from ≤ to, at most 366 days apart",
        ));
    }
    let lot = match q.lot_code.as_deref() {
        Some(c) => Some(
            c.parse::<crate::code::LocationCode>()
                .map_err(Problem::invalid_code)?
                .to_string(),
        ),
        None => None,
    };
    commune_code_param(q.commune_code.as_deref())?;
    let totals = state
        .registry
        .parking_totals(&actor, from, to, lot.as_deref(), q.commune_code.as_deref())
        .await?;
    let sum: i64 = totals.iter().map(|t| t.amount_vnd).sum();
    Ok(Json(json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "amount_vnd": sum,
        "amount_display": format_vnd(u64::try_from(sum).unwrap_or(0)),
        "totals": totals,
    })))
}

/// Query of `GET /api/parking/progress`.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// `json` (default) or `csv`
    format: Option<String>,
}

/// `GET /api/parking/progress`.
#[utoipa::path(
    get, path = "/api/parking/progress", tag = "parking", operation_id = "parking_progress",
    summary = "Parking lots with a payment link, per commune (JSON or CSV)",
    description = "Public (counts only). Per commune: `parking_lots` (provisional and active), \
        `certified`, `with_payment_link` (at least one payment account) and the ratio.",
    params(ProgressQuery),
    responses(
        (status = 200, description = "The figures.", content((schema::AnyJson = "application/json"), (String = "text/csv"))),
        responses::BadFormat,
    )
)]
pub async fn progress(
    State(state): State<AppState>, QueryParams(q): QueryParams<ProgressQuery>,
) -> ApiResult<Response> {
    let rows = state.registry.parking_progress().await?;
    let ratio = |linked: usize, lots: usize| {
        if lots == 0 {
            None
        } else {
            Some(((linked as f64 / lots as f64) * 1000.0).round() / 1000.0)
        }
    };
    match format_param(q.format.as_deref(), &["json", "csv"])? {
        "json" => {
            let communes: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({"commune_code": r.commune_code, "commune_name": r.commune_name,
                           "parking_lots": r.lots, "certified": r.certified,
                           "with_payment_link": r.with_payment_link,
                           "payment_link_ratio": ratio(r.with_payment_link, r.lots)})
                })
                .collect();
            let lots: usize = rows.iter().map(|r| r.lots).sum();
            let linked: usize = rows.iter().map(|r| r.with_payment_link).sum();
            Ok(Json(json!({
                "province": {"parking_lots": lots, "with_payment_link": linked, "payment_link_ratio": ratio(linked, lots)},
                "communes": communes,
            }))
            .into_response())
        }
        _ => {
            let mut out = String::from("commune_code,commune_name,parking_lots,certified,with_payment_link,payment_link_ratio\n");
            for r in &rows {
                out.push_str(&format!(
                    "{},\"{}\",{},{},{},{}\n",
                    r.commune_code,
                    crate::formats::spreadsheet_safe(&r.commune_name).replace('"', "\"\""),
                    r.lots,
                    r.certified,
                    r.with_payment_link,
                    ratio(r.with_payment_link, r.lots).map_or(String::new(), |x| x.to_string())
                ));
            }
            Ok(reply::csv(out))
        }
    }
}
