//! The landing page, health check, small reference lists, and this API's own description.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::responses;
use super::schema;
use crate::place::PlaceKind;

/// The media type of an OpenAPI 3.1 document in JSON.
pub const OPENAPI_MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.1";

/// `GET /` — the map viewer's page.
#[utoipa::path(
    get, path = "/", tag = "meta", operation_id = "viewer",
    summary = "The map viewer's page (HTML)",
    responses(
        (status = 200, description = "The page.", body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub async fn index() -> Html<&'static str> {
    Html(include_str!("../../web/index.html"))
}

/// `GET /health` — constant answer; also the hello-world baseline of the benchmarks.
#[utoipa::path(
    get, path = "/health", tag = "meta", operation_id = "health",
    summary = "Liveness check",
    description = "Answers `ok` without touching the store (also the hello-world baseline of the benchmarks).",
    responses(
        (status = 200, description = "The process is serving.", body = String, content_type = "text/plain; charset=utf-8", example = "ok"),
    )
)]
pub async fn health() -> &'static str {
    "ok"
}

/// How long `/ready` waits for the store.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// `GET /ready` — whether this node can serve: its store answers (a load balancer takes a node
/// whose store is unreachable out).
#[utoipa::path(
    get, path = "/ready", tag = "meta", operation_id = "ready",
    summary = "Readiness check",
    description = "Public. 200 when the store answers within a second, with the event log's last \
        sequence number and the one this node's indexes reflect; 503 \
        (`/problems/store-unavailable`, `Retry-After`) otherwise. `/health` says only that the \
        process is alive.",
    responses(
        (status = 200, description = "Ready.", body = schema::Readiness),
        (status = 503, description = "The store does not answer (`/problems/store-unavailable`).", body = schema::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds"))),
    )
)]
pub async fn ready(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> super::problem::ApiResult<Json<Value>> {
    match state.registry.ready(READY_WITHIN).await {
        Some(last) => Ok(Json(json!({
            "ready": true,
            "event_log": {"last_seq": last, "applied_seq": state.registry.applied_seq()},
            "places_indexed": state.registry.place_count(),
        }))),
        None => Err(super::problem::Problem::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "store-unavailable",
            "Cơ sở dữ liệu không trả lời; nút này tạm ngừng nhận việc. (The store does not answer; this node is not ready.)",
        )
        .header(header::RETRY_AFTER, "5")),
    }
}

/// `GET /metrics` — counters in the Prometheus text format.
#[utoipa::path(
    get, path = "/metrics", tag = "meta", operation_id = "metrics",
    summary = "Metrics for monitoring (Prometheus text format)",
    description = "Public. Requests by route pattern, method and status; latency histograms by \
        route; requests refused by the rate limits, the cap on requests in flight and the \
        deadline; places indexed; the event log position this node reflects; the longest holds \
        of the in-memory indexes.",
    responses(
        (status = 200, description = "The metrics.", body = String, content_type = "text/plain; version=0.0.4; charset=utf-8"),
    )
)]
pub async fn metrics(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> Response {
    let holds = state.registry.longest_index_holds();
    let mut gauges: Vec<(&str, &str, f64)> = vec![
        (
            "diachiso_places_indexed",
            "Places in this node's in-memory indexes.",
            state.registry.place_count() as f64,
        ),
        (
            "diachiso_event_log_applied_seq",
            "The last event of the log this node's indexes reflect.",
            state.registry.applied_seq() as f64,
        ),
        (
            "diachiso_index_longest_read_hold_seconds",
            "The longest read hold of the in-memory indexes since start.",
            holds.read_us as f64 / 1e6,
        ),
        (
            "diachiso_index_longest_write_hold_seconds",
            "The longest write hold of the in-memory indexes since start.",
            holds.write_us as f64 / 1e6,
        ),
    ];
    for (name, help, n) in state.guard.refusals() {
        gauges.push((name, help, n as f64));
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&gauges),
    )
        .into_response()
}

/// `GET /api` — links to the API's resources.
#[utoipa::path(
    get, path = "/api", tag = "meta", operation_id = "api_root",
    summary = "Links to the API's resources",
    responses(
        (status = 200, description = "The service, its version and links.", body = schema::ApiRoot),
    )
)]
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
#[utoipa::path(
    get, path = "/api/kinds", tag = "meta", operation_id = "list_kinds",
    summary = "Place kinds with their labels",
    responses(
        (status = 200, description = "Every kind, in display order.", body = schema::KindList),
    )
)]
pub async fn kinds() -> Json<Value> {
    let kinds: Vec<Value> = PlaceKind::ALL
        .iter()
        .map(|k| json!({"kind": k.as_str(), "label_vi": k.label_vi(), "label_en": k.label_en()}))
        .collect();
    Json(json!({ "kinds": kinds }))
}

/// `GET /api/stats` (reader and above) — how many places by status, communes and events.
#[utoipa::path(
    get, path = "/api/stats", tag = "meta", operation_id = "stats",
    summary = "Store counts",
    description = "Role: **reader** or above (any valid token).",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts of communes, places, events and tokens, and the longest holds of the in-memory indexes.", body = schema::Stats),
        responses::TokenRequired,
        responses::SystemRole,
    )
)]
pub async fn stats(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    super::extract::Auth(actor): super::extract::Auth,
) -> super::problem::ApiResult<Json<Value>> {
    super::extract::require_reader(&actor, "statistics")?;
    let stats = state.registry.stats().await?;
    let counts = stats.counts;
    Ok(Json(json!({
        "store": stats.store,
        "communes": counts.communes,
        "places": counts.places,
        "places_indexed": state.registry.place_count(),
        "events": counts.events,
        "tokens": counts.tokens,
        "longest_index_hold_us": stats.longest_index_holds,
    })))
}

/// The served OpenAPI document, built once from the routes.
static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| {
    super::openapi()
        .to_json()
        .expect("the OpenAPI document serialises")
});

/// `GET /api/openapi.json` — this API, described from the code.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "meta", operation_id = "openapi",
    summary = "This API's OpenAPI 3.1 document",
    description = "Built from the same route table that serves the API. Answered as \
        `application/vnd.oai.openapi+json;version=3.1` when the `Accept` header names that media \
        type with `version=3.1`, otherwise as `application/json`.",
    responses(
        (status = 200, description = "The OpenAPI document.", content(
            (serde_json::Value = "application/json"),
            (serde_json::Value = "application/vnd.oai.openapi+json;version=3.1"),
        )),
    )
)]
pub async fn openapi_json(headers: HeaderMap) -> Response {
    let wants_oas31 = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| {
            let mut parts = m.split(';').map(str::trim);
            parts
                .next()
                .is_some_and(|t| t.eq_ignore_ascii_case("application/vnd.oai.openapi+json"))
                && parts.any(|p| p.replace(' ', "") == "version=3.1")
        });
    let media = if wants_oas31 {
        OPENAPI_MEDIA_TYPE
    } else {
        "application/json"
    };
    ([(header::CONTENT_TYPE, media)], OPENAPI_JSON.as_str()).into_response()
}

/// `GET /api/docs` — the API reference for people (Redoc, served from this binary).
#[utoipa::path(
    get, path = "/api/docs", tag = "meta", operation_id = "api_docs",
    summary = "The API reference for people (HTML)",
    description = "Renders /api/openapi.json with Redoc, served by this binary: no internet needed.",
    responses(
        (status = 200, description = "The page.", body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub async fn api_docs() -> Html<&'static str> {
    Html(include_str!("../../web/api.html"))
}

/// `GET /api/docs/redoc.standalone.js` — the vendored Redoc bundle (see web/vendor/README.md).
#[utoipa::path(
    get, path = "/api/docs/redoc.standalone.js", tag = "meta", operation_id = "api_docs_script",
    summary = "The Redoc script of the API reference page",
    description = "Redoc's standalone bundle (MIT), vendored in `web/vendor/`.",
    responses(
        (status = 200, description = "The script.", body = String, content_type = "text/javascript; charset=utf-8",
            headers(("Cache-Control" = String, description = "`public, max-age=86400`"))),
    )
)]
pub async fn api_docs_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../web/vendor/redoc.standalone.js"),
    )
        .into_response()
}
