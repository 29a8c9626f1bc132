//! `/api/communes`: the communes loaded.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::commune::{is_commune_code, Commune};

fn properties(c: &Commune) -> Value {
    json!({
        "code": c.code,
        "name": c.name,
        "full_name": c.full_name,
        "unit_type": c.unit_type,
        "province_code": c.province_code,
        "province_name": c.province_name,
        "area_km2": (c.area_km2 * 100.0).round() / 100.0,
    })
}

/// `GET /api/communes` — every commune without its boundary.
#[utoipa::path(
    get, path = "/api/communes", tag = "communes", operation_id = "list_communes",
    summary = "Every commune loaded, without boundaries",
    description = "Public.",
    responses(
        (status = 200, description = "The communes.", body = schema::CommuneList),
    )
)]
pub async fn list(State(state): State<AppState>) -> Json<Value> {
    let communes = state.registry.communes();
    let items: Vec<Value> = communes.all().iter().map(properties).collect();
    Json(json!({ "count": items.len(), "communes": items }))
}

/// `GET /api/communes/{code}` — one commune as a GeoJSON Feature with its boundary.
#[utoipa::path(
    get, path = "/api/communes/{code}", tag = "communes", operation_id = "get_commune",
    summary = "One commune with its boundary",
    description = "Public.",
    params(
        ("code" = String, Path, description = "The official 5-digit commune code.", example = "11953"),
    ),
    responses(
        (status = 200, description = "The commune as a GeoJSON Feature.", body = schema::CommuneFeature, content_type = "application/geo+json"),
        (status = 400, description = "Not 5 digits (`/problems/invalid-commune-code`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::CommuneNotLoaded,
    )
)]
pub async fn get(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    if !is_commune_code(&code) {
        return Err(Problem::bad_request(
            "invalid-commune-code",
            "a commune code has 5 digits",
        ));
    }
    let communes = state.registry.communes();
    let c = communes
        .get(&code)
        .ok_or_else(|| Problem::not_found(format!("no commune {code} is loaded")))?;
    let feature = json!({
        "type": "Feature",
        "id": c.code,
        "geometry": geojson::GeometryValue::from(&c.boundary),
        "properties": properties(c),
    });
    Ok(reply::geojson(feature.to_string()))
}
