//! `/api/changes`: the event log as a change feed for other systems.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{Auth, QueryParams};
use super::problem::ApiResult;
use super::responses;
use super::schema;
use super::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `seq` of the last event the client has seen (default 0: from the start).
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 0)]
    after: i64,
    /// Most events in the page (default 100).
    #[serde(default = "default_limit")]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    limit: i64,
}

fn default_limit() -> i64 {
    100
}

/// `GET /api/changes?after=SEQ&limit=N` (reader and above) — events with `seq > after` in
/// order. A client stores the last `seq` it processed and asks again with `after=` it: it
/// sees every change once, none twice.
#[utoipa::path(
    get, path = "/api/changes", tag = "changes", operation_id = "list_changes",
    summary = "The change feed: every event after a sequence number, in order",
    description = "Role: **reader** or above (any valid token). A client stores the last `seq` it \
        processed and asks again with `after=` it: it sees every change once and none twice. \
        Sequence numbers are strictly increasing and never reused.",
    security(("bearer" = [])),
    params(ChangesQuery),
    responses(
        (status = 200, description = "Events with `seq > after`, oldest first.", body = schema::ChangesPage),
        (status = 400, description = "An unknown, malformed or out-of-range parameter (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::TokenRequired,
    )
)]
pub async fn list(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<ChangesQuery>,
) -> ApiResult<Json<Value>> {
    let events = state.registry.changes(&actor, q.after, q.limit).await?;
    let last = events.last().map_or(q.after, |e| e.seq);
    Ok(Json(json!({ "events": events, "last_seq": last })))
}
