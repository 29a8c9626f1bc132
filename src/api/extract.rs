//! Request extractors that answer bad input with problem+json.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::problem::{ApiResult, Problem};
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
        let content_type = media_type(req.headers());
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
    if media_type(req.headers()).as_deref() == Some("text/csv") {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            hint.to_owned(),
        ))
    }
}

/// A body of at most `limit` bytes (413 naming the limit otherwise).
pub async fn body_bytes(req: Request, limit: usize) -> Result<Bytes, Problem> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("the file is larger than {} MiB", limit >> 20),
            )
        })
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

/// The media type of the body, lower case and without parameters (`text/csv` of
/// `Text/CSV; charset=utf-8`).
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// The `If-Match` header, when a write sends one (a header that is not text counts as none).
pub fn if_match(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok())
}

/// The `If-Match` header of a write that needs one (a 428 without it); `read_at` is where the
/// client gets the ETag, e.g. `/api/places/{code}`.
pub fn required_if_match<'h>(headers: &'h HeaderMap, read_at: &str) -> ApiResult<&'h str> {
    if_match(headers).ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match-required",
            format!("send If-Match with the ETag from GET {read_at}, so that no change is lost"),
        )
    })
}

/// A JSON body read as `T`; anything else is a 422 saying what the body is (`shape`, e.g.
/// `{"suffix_style": …}`) and what did not fit.
pub fn body_as<T: DeserializeOwned>(body: Value, shape: &str) -> ApiResult<T> {
    serde_json::from_value(body)
        .map_err(|e| Problem::unprocessable("validation", format!("the body is {shape}: {e}")))
}

/// A `format` query parameter: one of `choices`, the first when none is given.
pub fn format_param<'c>(format: Option<&str>, choices: &[&'c str]) -> ApiResult<&'c str> {
    match format {
        None => Ok(choices[0]),
        Some(f) => choices.iter().find(|c| **c == f).copied().ok_or_else(|| {
            Problem::bad_request(
                "invalid-query",
                format!("format {f:?}: {}", choices.join(" or ")),
            )
        }),
    }
}

/// A `commune_code` query parameter: 5 digits when given.
pub fn commune_code_param(code: Option<&str>) -> ApiResult<Option<&str>> {
    match code {
        Some(c) if !crate::commune::is_commune_code(c) => Err(Problem::bad_request(
            "invalid-query",
            "commune_code has 5 digits",
        )),
        _ => Ok(code),
    }
}

/// Refuses anonymous callers (401) where a token is needed.
pub fn require_signed_in(actor: &Actor) -> ApiResult<()> {
    if actor.is_authenticated() {
        Ok(())
    } else {
        Err(Problem::unauthorized(
            "this needs a token: send Authorization: Bearer TOKEN",
        ))
    }
}

/// Refuses all but staff roles (reader, editor, reviewer, admin): 401 without a token, 403
/// for a system role (a payment platform, population sync or analyst), which is signed in
/// but may not read the registry this way. `what` names the resource in the message.
pub fn require_reader(actor: &Actor, what: &str) -> ApiResult<()> {
    if !actor.is_authenticated() {
        return Err(Problem::unauthorized(format!(
            "{what} need a reader token: send Authorization: Bearer TOKEN"
        )));
    }
    if !actor.can_read_all() {
        return Err(Problem::forbidden(format!(
            "{what} are for reader, editor, reviewer and admin tokens, not system roles"
        )));
    }
    Ok(())
}

/// Refuses every caller but the holders of `role` (and admins): 401 without a token
/// (`unauthorized` says which token to send), 403 with another role (`forbidden`).
pub fn require_role(
    actor: &Actor, role: crate::auth::Role, unauthorized: &str, forbidden: &str,
) -> ApiResult<()> {
    if !actor.is_authenticated() {
        return Err(Problem::unauthorized(unauthorized));
    }
    if !actor.has_role(role) {
        return Err(Problem::forbidden(forbidden));
    }
    Ok(())
}
