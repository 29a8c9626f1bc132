//! `/api/geocode`: written addresses to location codes, one at a time or a CSV at once.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::schema;
use super::AppState;
use crate::commune::is_commune_code;
use crate::formats::{CsvBatch, CsvBatchError};
use crate::registry::{GeocodeMatch, BATCH_COLUMNS, MAX_GEOCODE_LIMIT};

use crate::registry::MAX_ADDRESS_QUERY_CHARS as MAX_QUERY_CHARS;

/// Largest batch body, bytes (a million rows of a typical address list).
pub const MAX_BATCH_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GeocodeQuery {
    /// The address, at most 300 characters.
    #[param(value_type = String, example = json!("Số 12, ngõ 5, phố Nguyễn Văn Linh, phường Phố Hiến"))]
    q: Option<String>,
    /// Most answers (default 5).
    #[param(minimum = 1, maximum = 20)]
    limit: Option<usize>,
    /// Only in this commune (5 digits).
    commune_code: Option<String>,
}

/// Checks a written address: present, not too long, no control characters.
fn check_text(q: Option<&str>) -> ApiResult<&str> {
    let text = q.map(str::trim).unwrap_or("");
    if text.is_empty() {
        return Err(Problem::bad_request(
            "invalid-query",
            "q is the address to look up, e.g. q=12 Nguyễn Văn Linh, Phố Hiến",
        ));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::bad_request(
            "invalid-query",
            format!("q has at most {MAX_QUERY_CHARS} characters (one address)"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Problem::bad_request(
            "invalid-query",
            "q must not contain control characters",
        ));
    }
    Ok(text)
}

/// The Feature of an answer.
fn match_feature(m: &GeocodeMatch) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": m.point},
        "properties": {
            "code": m.code.map(|c| c.to_string()),
            "code_display": m.code.map(|c| c.grouped()),
            "full_address": m.full_address,
            "commune_code": m.commune_code,
            "match_level": m.match_level,
            "score": (m.score * 1000.0).round() / 1000.0,
            "name": m.name,
            "kind": m.kind.map(|k| k.as_str()),
            "converted_from": m.converted_from,
            "notes": m.notes,
        }
    })
}

/// `GET /api/geocode?q=…` — a written address matched to the registry.
#[utoipa::path(
    get, path = "/api/geocode", tag = "lookups", operation_id = "geocode",
    summary = "Match a written address to a location code",
    description = "Public (anonymous callers match active places only). Reads the address as \
        people write it — today's form or the pre-2025 one (ward, district, province, the former \
        Thái Bình included), with or without diacritics, abbreviated (`SN`, `P.`, `TP.`, `TDP`, \
        `UBND` …), in any order, with one typo in long words — and answers, best first: the \
        **house** when its number is registered on that street (and alley) in that commune, \
        else the **street**, a named **place**, or only the **commune** (`match_level`). A \
        number that is not registered never gives another house. `query.parsed` shows what was \
        understood; `converted_from`, which former units were converted.",
    params(GeocodeQuery),
    responses(
        (status = 200, description = "A FeatureCollection of answers, best first, with `query`.", body = schema::AnyJson, content_type = "application/geo+json"),
        (status = 400, description = "No, too long or malformed text, or a bad parameter (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 401, description = "An `Authorization` header that is malformed, unknown or revoked (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
pub async fn geocode(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<GeocodeQuery>,
) -> ApiResult<Response> {
    let text = check_text(q.q.as_deref())?;
    let limit = q.limit.unwrap_or(5);
    if !(1..=MAX_GEOCODE_LIMIT).contains(&limit) {
        return Err(Problem::bad_request(
            "invalid-query",
            format!("limit is 1 to {MAX_GEOCODE_LIMIT}"),
        ));
    }
    if q.commune_code
        .as_deref()
        .is_some_and(|c| !is_commune_code(c))
    {
        return Err(Problem::bad_request(
            "invalid-query",
            "commune_code has 5 digits",
        ));
    }
    let answer = state
        .registry
        .geocode(&actor, text, limit, q.commune_code.as_deref());
    let features: Vec<Value> = answer.matches.iter().map(match_feature).collect();
    let body = json!({
        "type": "FeatureCollection",
        "query": {"text": text, "parsed": answer.parsed},
        "features": features,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

impl From<CsvBatchError> for Problem {
    fn from(e: CsvBatchError) -> Problem {
        let detail = e.to_string();
        match e {
            CsvBatchError::TooManyRows => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", detail)
            }
            _ => Problem::unprocessable("invalid-file", detail),
        }
    }
}

/// `POST /api/geocode/batch?column=…` — a CSV of addresses, answered row by row.
#[utoipa::path(
    post, path = "/api/geocode/batch", tag = "lookups", operation_id = "geocode_batch",
    summary = "Match a CSV file of addresses (up to a million rows)",
    description = "Role: **reader** or above. The body is a CSV file (UTF-8, a byte-order mark \
        is fine; `,`, `;` or tab, found from the header) with a header line. `column` names the \
        column the address is in; repeat it to join several columns in order (\"Số nhà\", \
        \"Đường\", \"Xã\"). The answer is the same file, every column in the same order, with \
        `code`, `full_address`, `commune_code`, `match_level` and `score` added (empty when \
        nothing matched), streamed as it is computed. The file is checked whole first, so an \
        answer never stops half-written.",
    params(("column" = Vec<String>, Query, example = "dia_chi", description = "The address column(s), by header name (case and diacritics ignored); repeat it to join several columns in order.")),
    request_body(content((String = "text/csv"))),
    responses(
        (status = 200, description = "The file with the five columns added.", body = String, content_type = "text/csv"),
        (status = 400, description = "No `column` (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A system role (`/problems/forbidden`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 256 MiB or more than a million rows (`/problems/too-large`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as text/csv (`/problems/unsupported-media-type`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not UTF-8, empty, or without the named column (`/problems/invalid-file`).", body = schema::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
pub async fn batch(
    State(state): State<AppState>, Auth(actor): Auth,
    QueryParams(params): QueryParams<Vec<(String, String)>>, req: Request,
) -> ApiResult<Response> {
    if !actor.is_authenticated() {
        return Err(Problem::unauthorized(
            "batch geocoding needs a reader token",
        ));
    }
    if !actor.can_read_all() {
        return Err(Problem::forbidden(
            "batch geocoding is for reader, editor, reviewer and admin tokens",
        ));
    }
    let mut columns = Vec::new();
    for (key, value) in params {
        match key.as_str() {
            "column" => columns.push(value),
            other => {
                return Err(Problem::bad_request(
                    "invalid-query",
                    format!("unknown parameter {other:?}: only column"),
                ))
            }
        }
    }
    if columns.is_empty() {
        return Err(Problem::bad_request(
            "invalid-query",
            "name the address column: ?column=Địa chỉ (repeat it to join several)",
        ));
    }
    super::extract::require_csv(&req, "send the file as text/csv")?;
    let bytes = super::extract::body_bytes(req, MAX_BATCH_BYTES).await?;
    let (checked_tx, checked) = tokio::sync::oneshot::channel();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(16);
    let registry = state.registry.clone();
    tokio::task::spawn_blocking(move || {
        // The whole file is checked before the first row is answered.
        let batch = match CsvBatch::check(&bytes, &columns) {
            Ok(batch) => batch,
            Err(e) => {
                let _ = checked_tx.send(Err(e));
                return;
            }
        };
        if checked_tx.send(Ok(())).is_err() {
            return;
        }
        batch.run(
            BATCH_COLUMNS,
            |address| registry.geocode_columns(&actor, address),
            // A client that went away stops nothing else: the rest is dropped.
            |chunk| {
                let _ = tx.blocking_send(Ok(chunk));
            },
            |_| {},
        );
    });
    match checked.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e.into()),
        Err(_) => return Err(Problem::internal(&"the batch task ended early")),
    }
    let stream = tokio_stream_from(rx);
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The receiving end of a channel as a stream of body chunks.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
