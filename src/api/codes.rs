//! `/api/codes/{code}`: is this a valid code, which cell does it name, what is registered there.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::extract::{Auth, CodePath};
use super::problem::ApiResult;
use super::AppState;
use crate::place::Status;

/// `GET /api/codes/{code}` — validity, the decoded cell and the place registered under it.
/// The status of a code is public (codes are not secrets); the place's details follow the
/// caller's visibility (anonymous callers see active places only).
pub async fn lookup(
    State(state): State<AppState>,
    Auth(actor): Auth,
    CodePath(code): CodePath,
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
        "place": visible.map(|p| state.registry.feature(p)),
    })))
}
