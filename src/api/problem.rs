//! Errors as `application/problem+json` (RFC 9457). Database and internal text never leaks.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::schema::CodeErrorReason;
use crate::code::CodeError;
use crate::registry::RegistryError;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One API error: status, a stable type slug, a human message and optional extension members.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// Stable identifier of the kind of problem; the `type` member is `/problems/{slug}`.
    pub slug: &'static str,
    pub detail: String,
    pub extensions: Map<String, Value>,
    /// Extra response headers (e.g. `WWW-Authenticate`, `ETag`).
    pub headers: Vec<(header::HeaderName, String)>,
}

/// Result of a handler.
pub type ApiResult<T> = std::result::Result<T, Problem>;

impl Problem {
    pub fn new(status: StatusCode, slug: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            slug,
            detail: detail.into(),
            extensions: Map::new(),
            headers: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: Value) -> Problem {
        self.extensions.insert(key.into(), value);
        self
    }

    pub fn header(mut self, name: header::HeaderName, value: impl Into<String>) -> Problem {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bad_request(slug: &'static str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, slug, detail)
    }

    pub fn unprocessable(slug: &'static str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, slug, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
            .header(header::WWW_AUTHENTICATE, "Bearer realm=\"diachiso\"")
    }

    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// The database is out of reach: try again in a few seconds (nothing was written).
    pub fn store_unavailable() -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store-unavailable",
            "Cơ sở dữ liệu tạm thời không trả lời; không có gì được ghi, hãy thử lại sau vài giây. (The database does not answer for now; nothing was written; try again in a few seconds.)",
        )
        .header(header::RETRY_AFTER, "5")
    }

    /// An unexpected failure: logged in full, answered without detail.
    pub fn internal(error: &dyn std::fmt::Display) -> Problem {
        tracing::error!(%error, "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service failed to answer; the error has been logged",
        )
    }

    /// An invalid location code in a path or query.
    pub fn invalid_code(error: CodeError) -> Problem {
        let reason = match error {
            CodeError::Empty => CodeErrorReason::Empty,
            CodeError::InvalidCharacter { .. } => CodeErrorReason::InvalidCharacter,
            CodeError::WrongLength { .. } => CodeErrorReason::WrongLength,
            CodeError::CheckDigit => CodeErrorReason::CheckDigit,
            CodeError::PayloadOutOfRange => CodeErrorReason::OutOfRange,
            _ => CodeErrorReason::Invalid,
        };
        Problem::bad_request("invalid-code", format!("invalid location code: {error}"))
            .with("reason", json!(reason))
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("type".into(), format!("/problems/{}", self.slug).into());
        body.insert(
            "title".into(),
            self.status.canonical_reason().unwrap_or("Error").into(),
        );
        body.insert("status".into(), self.status.as_u16().into());
        body.insert("detail".into(), self.detail.into());
        body.extend(self.extensions);
        let mut response = (self.status, Value::Object(body).to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        response
    }
}

impl From<RegistryError> for Problem {
    fn from(e: RegistryError) -> Problem {
        let detail = e.to_string();
        match e {
            RegistryError::Validation(v) => {
                Problem::unprocessable("validation", detail).with("errors", json!(v.errors))
            }
            RegistryError::OutsideTerritory { .. } => {
                Problem::unprocessable("outside-territory", detail)
            }
            RegistryError::OutsideCommunes { .. } => {
                Problem::unprocessable("outside-communes", detail)
            }
            RegistryError::NotFound(_)
            | RegistryError::StreetNotFound(_)
            | RegistryError::PlanNotFound(_)
            | RegistryError::ImportNotFound(_) => Problem::not_found(detail),
            RegistryError::Busy(_) => Problem::new(StatusCode::TOO_MANY_REQUESTS, "busy", detail)
                .header(header::RETRY_AFTER, "30"),
            RegistryError::Rows(rows) => {
                let rows = serde_json::to_value(rows.iter().take(1000).collect::<Vec<_>>())
                    .unwrap_or_default();
                Problem::unprocessable("invalid-rows", detail).with("errors", rows)
            }
            RegistryError::PlanStale(_) => Problem::new(StatusCode::CONFLICT, "plan-stale", detail),
            RegistryError::Unauthorized(_) => Problem::unauthorized(detail),
            RegistryError::Forbidden(_) => Problem::forbidden(detail),
            RegistryError::InvalidQuery(_) => Problem::bad_request("invalid-query", detail),
            RegistryError::TokenRequest(_) => Problem::unprocessable("validation", detail),
            RegistryError::TokenNotFound(_) => Problem::not_found(detail),
            RegistryError::TransactionConflict(_) => {
                Problem::new(StatusCode::CONFLICT, "transaction-conflict", detail)
            }
            RegistryError::PossibleDuplicates { candidates, .. } => {
                Problem::new(StatusCode::CONFLICT, "possible-duplicate", detail)
                    .with("candidates", Value::Array(candidates))
            }
            RegistryError::Stale { current_etag } => {
                Problem::new(StatusCode::PRECONDITION_FAILED, "stale", detail)
                    .header(header::ETAG, current_etag)
            }
            RegistryError::InvalidTransition(_) => {
                Problem::new(StatusCode::CONFLICT, "invalid-transition", detail)
            }
            RegistryError::ReasonRequired
            | RegistryError::ReasonTooLong(_)
            | RegistryError::ReasonInvalid => Problem::unprocessable("reason", detail),
            RegistryError::IdempotencyKeyReused => {
                Problem::unprocessable("idempotency-key-reused", detail)
            }
            RegistryError::NoFreeCell(_) => {
                Problem::new(StatusCode::CONFLICT, "no-free-cell", detail)
            }
            RegistryError::Store(e) if e.is_unavailable() => {
                tracing::warn!(error = %e, "the store is unavailable");
                Problem::store_unavailable()
            }
            RegistryError::Store(e) => Problem::internal(&e),
            RegistryError::Internal(e) => Problem::internal(&e),
        }
    }
}
