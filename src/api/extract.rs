//! Request extractors that answer bad input with problem+json.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::problem::Problem;
use super::AppState;
use crate::auth::Actor;
use crate::code::LocationCode;

/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body (`application/json`, `application/geo+json` or
/// `application/merge-patch+json`), at most [`MAX_BODY_BYTES`], valid UTF-8. An empty body is
/// `Value::Null`.
pub struct JsonBody {
    pub value: Value,
    /// SHA-256 (hex) of the raw body, for idempotency fingerprints.
    pub fingerprint: String,
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Problem> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| too_large())?;
        if bytes.is_empty() {
            // No body at all: handlers decide whether that is allowed (certify needs none).
            return Ok(JsonBody {
                value: Value::Null,
                fingerprint: hex::encode(Sha256::digest(&bytes)),
            });
        }
        match content_type.as_deref() {
            Some("application/json" | "application/geo+json" | "application/merge-patch+json") => {
                parse_json(&bytes)
            }
            other => Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!(
                    "send JSON with Content-Type application/json (got {})",
                    other.unwrap_or("no Content-Type")
                ),
            )),
        }
    }
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
    )
}

fn parse_json(bytes: &Bytes) -> Result<JsonBody, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Problem::bad_request(
            "invalid-utf8",
            format!("the body is not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Problem::bad_request("malformed-json", format!("the body is not valid JSON: {e}"))
    })?;
    Ok(JsonBody {
        value,
        fingerprint: hex::encode(Sha256::digest(bytes)),
    })
}

/// The caller: anonymous without an `Authorization` header, or the token's holder.
/// A header that is present but wrong is a 401, never a silent downgrade to anonymous.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Auth(Actor::Anonymous));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Problem::unauthorized("use the header Authorization: Bearer TOKEN"))?;
        let info = state
            .registry
            .authenticate(token)
            .await?
            .ok_or_else(|| Problem::unauthorized("the token is unknown or revoked"))?;
        Ok(Auth(Actor::Token(info)))
    }
}

/// Refuses a body not sent as `text/csv` (415, with `hint` saying what to send).
pub fn require_csv(req: &Request, hint: &str) -> Result<(), Problem> {
    let csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("text/csv")
        });
    if csv {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            hint.to_owned(),
        ))
    }
}

/// A location code from the path, accepted with spaces, dots or hyphens.
pub struct CodePath(pub LocationCode);

impl<S: Send + Sync> FromRequestParts<S> for CodePath {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw): Path<String> = Path::from_request_parts(parts, state)
            .await
            .map_err(|e| Problem::bad_request("invalid-path", e.body_text()))?;
        raw.parse().map(CodePath).map_err(Problem::invalid_code)
    }
}

/// Query parameters; unknown or malformed parameters are a 400 with the reason.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| QueryParams(q))
            .map_err(|e| Problem::bad_request("invalid-query", e.body_text()))
    }
}

/// A `bbox` query parameter, `min lon,min lat,max lon,max lat` (four finite numbers, min ≤ max).
pub fn bbox_param(b: Option<&str>) -> Result<Option<[f64; 4]>, Problem> {
    let Some(b) = b else { return Ok(None) };
    let n: Vec<f64> = b
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()
        .filter(|n: &Vec<f64>| {
            n.len() == 4 && n.iter().all(|v| v.is_finite()) && n[0] <= n[2] && n[1] <= n[3]
        })
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-query",
                "bbox is four numbers: min lon, min lat, max lon, max lat",
            )
        })?;
    Ok(Some([n[0], n[1], n[2], n[3]]))
}
