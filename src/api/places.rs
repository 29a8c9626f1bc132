//! `/api/places`: register, read, correct, certify, retire, history.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::extract::{Auth, CodePath, JsonBody};
use super::problem::{ApiResult, Problem};
use super::AppState;
use crate::auth::Actor;
use crate::place::{Place, PlaceDraft};
use crate::registry::IdempotencyRequest;

fn require_signed_in(actor: &Actor) -> ApiResult<()> {
    if actor.is_authenticated() {
        Ok(())
    } else {
        Err(Problem::unauthorized(
            "this needs a token: send Authorization: Bearer TOKEN",
        ))
    }
}

/// A place answered with its ETag.
fn place_response(state: &AppState, status: StatusCode, place: &Place) -> Response {
    (
        status,
        [
            (header::ETAG, place.etag()),
            (header::CONTENT_TYPE, "application/geo+json".to_owned()),
        ],
        state.registry.feature(place).to_string(),
    )
        .into_response()
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .map(|k| k.trim().trim_matches('"'))
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-idempotency-key",
                "Idempotency-Key must be 1–255 visible ASCII characters",
            )
        })?;
    Ok(Some(key.to_owned()))
}

/// `POST /api/places` — registers a place from a GeoJSON Feature; 201 with its code.
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let key = idempotency_key(&headers)?;
    let draft =
        PlaceDraft::from_feature(&body.value).map_err(crate::registry::RegistryError::from)?;
    let idempotency = key.map(|key| IdempotencyRequest {
        key,
        fingerprint: body.fingerprint,
    });
    let registered = state.registry.register(&actor, draft, idempotency).await?;
    let version = registered.feature["properties"]["version"]
        .as_i64()
        .unwrap_or(1);
    let mut response = (
        StatusCode::CREATED,
        [
            (header::LOCATION, format!("/api/places/{}", registered.code)),
            (header::ETAG, format!("\"{}-{version}\"", registered.code)),
            (header::CONTENT_TYPE, "application/geo+json".to_owned()),
        ],
        registered.feature.to_string(),
    )
        .into_response();
    if registered.replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// `GET /api/places/{code}` — the place as a Feature, with its ETag.
pub async fn get(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CodePath(code): CodePath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let place = state.registry.get(&actor, code).await?;
    let etag = place.etag();
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// `PATCH /api/places/{code}` — JSON merge patch of the Feature; needs `If-Match`.
pub async fn patch(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CodePath(code): CodePath,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let if_match = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                "if-match-required",
                "send If-Match with the ETag from GET /api/places/{code}, so that no change is lost",
            )
        })?;
    if !body.value.is_object() {
        return Err(Problem::unprocessable(
            "validation",
            "a merge patch is a JSON object, e.g. {\"properties\": {\"name\": \"…\"}}",
        ));
    }
    let place = state
        .registry
        .patch(&actor, code, if_match, &body.value)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// The optional `{"reason": "…"}` body of certify and retire.
fn reason_of(body: &Value) -> ApiResult<Option<String>> {
    match body {
        Value::Null => Ok(None),
        Value::Object(o) => {
            if let Some(k) = o.keys().find(|k| k.as_str() != "reason") {
                return Err(Problem::unprocessable(
                    "validation",
                    format!("unknown member {k:?}; the body is {{\"reason\": \"…\"}}"),
                ));
            }
            match o.get("reason") {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Problem::unprocessable(
                    "validation",
                    "reason must be a string",
                )),
            }
        }
        _ => Err(Problem::unprocessable(
            "validation",
            "the body is {\"reason\": \"…\"}",
        )),
    }
}

/// `POST /api/places/{code}/certify` — reviewer: provisional → active.
pub async fn certify(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CodePath(code): CodePath,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let reason = reason_of(&body.value)?;
    let if_match = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok());
    let place = state
        .registry
        .certify(&actor, code, if_match, reason)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// `POST /api/places/{code}/retire` — with a reason; the code is never reused.
pub async fn retire(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CodePath(code): CodePath,
    headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let reason = reason_of(&body.value)?.unwrap_or_default();
    let if_match = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok());
    let place = state
        .registry
        .retire(&actor, code, if_match, &reason)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// `GET /api/places/{code}/history` — the place's events, oldest first (reader and above).
pub async fn history(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CodePath(code): CodePath,
) -> ApiResult<Json<Value>> {
    require_signed_in(&actor)?;
    let events = state.registry.history(&actor, code).await?;
    Ok(Json(json!({ "code": code.to_string(), "events": events })))
}
