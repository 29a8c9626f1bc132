//! The landing page, health check and small reference lists.

use axum::response::Html;
use axum::Json;
use serde_json::{json, Value};

use crate::place::PlaceKind;

/// `GET /` — the map viewer's page.
pub async fn index() -> Html<&'static str> {
    Html(include_str!("../../web/index.html"))
}

/// `GET /health` — constant answer; also the hello-world baseline of the benchmarks.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /api` — links to the API's resources.
pub async fn api_root() -> Json<Value> {
    Json(json!({
        "service": "diachiso",
        "version": env!("CARGO_PKG_VERSION"),
        "links": {
            "places": "/api/places/{code}",
            "codes": "/api/codes/{code}",
            "communes": "/api/communes",
            "kinds": "/api/kinds",
            "changes": "/api/changes?after=0",
            "tokens": "/api/tokens",
        }
    }))
}

/// `GET /api/kinds` — place kinds with their Vietnamese and English labels.
pub async fn kinds() -> Json<Value> {
    let kinds: Vec<Value> = PlaceKind::ALL
        .iter()
        .map(|k| json!({"kind": k.as_str(), "label_vi": k.label_vi(), "label_en": k.label_en()}))
        .collect();
    Json(json!({ "kinds": kinds }))
}

/// `GET /api/stats` (reader and above) — how many places by status, communes and events.
pub async fn stats(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    super::extract::Auth(actor): super::extract::Auth,
) -> super::problem::ApiResult<Json<Value>> {
    if !actor.can_read_all() {
        return Err(super::problem::Problem::unauthorized(
            "statistics need a reader token",
        ));
    }
    let counts = state
        .registry
        .store()
        .counts()
        .await
        .map_err(|e| super::problem::Problem::internal(&e))?;
    Ok(Json(json!({
        "store": state.registry.store().backend(),
        "communes": counts.communes,
        "places": counts.places,
        "places_indexed": state.registry.place_count(),
        "events": counts.events,
        "tokens": counts.tokens,
    })))
}
