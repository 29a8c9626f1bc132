//! `/api/codes/{code}`: is this a valid code, which cell does it name, what is registered there.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::extract::{Auth, CodePath};
use super::problem::ApiResult;
use super::responses;
use super::schema;
use super::AppState;
use crate::place::Status;

/// `GET /api/codes/{code}` — validity, the decoded cell and the place registered under it.
/// The status of a code is public (codes are not secrets); the place's details follow the
/// caller's visibility (anonymous callers see active places only).
#[utoipa::path(
    get, path = "/api/codes/{code}", tag = "codes", operation_id = "lookup_code",
    summary = "Check a location code and see what is registered under it",
    description = "Public. Decodes the code without the registry (its cell), and tells whether a \
        place holds it and that place's status (codes are not secrets). The place itself is \
        included when the caller may see it: anonymous callers see active places only.",
    security((), ("bearer" = [])),
    params(
        ("code" = String, Path, description = "The 12-digit location code; spaces, dots and hyphens between digits are accepted.", example = "7985 8003 9614"),
    ),
    responses(
        (status = 200, description = "A valid code.", body = schema::CodeLookup),
        responses::InvalidCode,
        responses::BadAuthorization,
    )
)]
pub async fn lookup(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath,
) -> ApiResult<Json<Value>> {
    let place = state.registry.get_any(code).await?;
    let visible = place
        .as_ref()
        .filter(|p| p.status == Status::Active || actor.can_read_all());
    Ok(Json(json!({
        "code": code.to_string(),
        "code_display": code.grouped(),
        "valid": true,
        "check_digit": code.check_digit(),
        "cell": {
            "centre": code.centre(),
            "bounds": code.bounds(),
        },
        "registered": place.is_some(),
        "status": place.as_ref().map(|p| p.status.as_str()),
        "place": visible.map(|p| state.registry.feature_for(&actor, p)),
    })))
}
