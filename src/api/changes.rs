//! `/api/changes`: the event log as a change feed for other systems.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::AppState;

/// Most events in one page.
pub const MAX_CHANGES_LIMIT: i64 = 10_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// Sequence number of the last event the client has seen (0 to start).
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    100
}

/// `GET /api/changes?after=SEQ&limit=N` (reader and above) — events with `seq > after` in
/// order. A client stores the last `seq` it processed and asks again with `after=` it: it
/// sees every change once, none twice.
pub async fn list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    QueryParams(q): QueryParams<ChangesQuery>,
) -> ApiResult<Json<Value>> {
    if !actor.is_authenticated() {
        return Err(Problem::unauthorized(
            "the change feed needs a reader token",
        ));
    }
    if !actor.can_read_all() {
        return Err(Problem::forbidden("the change feed needs a reader token"));
    }
    if q.after < 0 || !(1..=MAX_CHANGES_LIMIT).contains(&q.limit) {
        return Err(Problem::bad_request(
            "invalid-query",
            format!("after ≥ 0 and 1 ≤ limit ≤ {MAX_CHANGES_LIMIT}"),
        ));
    }
    let events = state
        .registry
        .store()
        .events_after(q.after, q.limit)
        .await
        .map_err(|e| Problem::internal(&e))?;
    let last = events.last().map_or(q.after, |e| e.seq);
    Ok(Json(json!({ "events": events, "last_seq": last })))
}
