//! The population map: resident-count imports, H3 and commune aggregates (privacy rule for
//! everyone but population analysts), and the province totals.

use std::collections::HashMap;
use utoipa::IntoParams;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use h3o::CellIndex;
use serde_json::{json, Value};

use super::extract::{require_role, Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::auth::{Actor, Role};
use crate::population::{parse_counts_csv, Figures, MAX_RES, MIN_RES};
use crate::registry::PopulationData;
use crate::registry::RegistryError;

/// Largest resident-count file accepted over HTTP (about 2 million rows).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// Whether the caller sees exact figures.
fn exact(actor: &Actor) -> bool {
    actor.has_role(Role::PopulationAnalyst)
}

/// Query of the import.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// YYYY-MM-DD, the export's date
    #[param(value_type = String, example = json!("2026-11-01"))]
    as_of: NaiveDate,
    /// Where it comes from (default: api)
    source: Option<String>,
}

/// `POST /api/residents/imports`.
#[utoipa::path(
    post, path = "/api/residents/imports", tag = "population", operation_id = "import_residents",
    summary = "Import a snapshot of resident counts (CSV: code,residents,households)",
    description = "Role: **population_sync** (or admin). The body is the population database's \
        export as CSV with the header `code,residents,households` (no other column: no names, \
        no ID numbers), at most 64 MiB; `as_of` is its date. Validated whole — bad numbers, \
        unknown, retired or non-house codes, duplicates — with every problem listed by line \
        (422 `/problems/invalid-rows`); then saved in one transaction. A snapshot is never \
        replaced: a second import with the same `as_of` is a 409.",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content((String = "text/csv"))),
    responses(
        (status = 201, description = "The snapshot kept.", body = schema::AnyJson),
        (status = 400, description = "Bad query.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoToken,
        (status = 403, description = "Not population_sync.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A snapshot with this date exists.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 MiB.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid rows, each with its line.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<ImportQuery>,
    req: Request,
) -> ApiResult<Response> {
    require_role(
        &actor,
        Role::PopulationSync,
        "imports need a population_sync token",
        "importing resident counts needs a population_sync token",
    )?;
    super::extract::require_csv(
        &req,
        "send the export as text/csv (code,residents,households)",
    )?;
    let bytes = super::extract::body_bytes(req, MAX_IMPORT_BYTES).await?;
    let rows = parse_counts_csv(&bytes[..]).map_err(RegistryError::Rows)?;
    let snapshot = state
        .registry
        .import_residents(
            &actor,
            q.as_of,
            q.source.as_deref().unwrap_or("api"),
            rows,
            false,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(snapshot)).into_response())
}

/// `GET /api/residents/snapshots`.
#[utoipa::path(
    get, path = "/api/residents/snapshots", tag = "population", operation_id = "resident_snapshots",
    summary = "The snapshots kept (dates and totals)",
    description = "Public: ids and dates (to pick one for the map). Totals are shown exact to \
        population analysts and under the privacy rule to everyone else.",
    security((), ("bearer" = [])),
    responses((status = 200, description = "The snapshots, oldest first.", body = schema::AnyJson)),
)]
pub async fn snapshots(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Value>> {
    let rule = state.registry.privacy_rule();
    let list: Vec<Value> = state
        .registry
        .snapshots()
        .await?
        .into_iter()
        .map(|s| {
            let shown = |n: i64| -> Value {
                if exact(&actor) {
                    n.into()
                } else if (n as u64) < rule.k {
                    Value::Null
                } else {
                    rule.shown(n as u64).into()
                }
            };
            json!({"id": s.id, "as_of": s.as_of, "source": s.source, "imported_at": s.imported_at,
                   "addresses": s.addresses, "residents": shown(s.residents),
                   "households": shown(s.households), "generated": s.generated})
        })
        .collect();
    Ok(Json(json!({ "snapshots": list })))
}

/// Query of the hexagon map.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HexQuery {
    /// 6–10
    res: Option<u8>,
    /// min lon,min lat,max lon,max lat
    bbox: Option<String>,
    /// Snapshot id
    snapshot: Option<i64>,
    /// Another snapshot id
    compare: Option<i64>,
}

/// Query of the commune map: which snapshot, and which to compare it with.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SnapshotQuery {
    /// Snapshot id
    snapshot: Option<i64>,
    /// Another snapshot id
    compare: Option<i64>,
}

/// The figures of each unit the caller may see at a resolution: `None` = suppressed.
fn units(data: &PopulationData, res: u8, exact: bool) -> Vec<(CellIndex, Option<Figures>)> {
    if exact {
        let mut v: Vec<_> = data
            .exact
            .cells(res)
            .iter()
            .map(|(c, f)| (*c, Some(*f)))
            .collect();
        v.sort_by_key(|(c, _)| u64::from(*c));
        v
    } else {
        data.public
            .units(res)
            .iter()
            .map(|u| (u.cell, u.figures))
            .collect()
    }
}

fn in_box(cell: CellIndex, bbox: Option<[f64; 4]>) -> bool {
    let Some([x0, y0, x1, y1]) = bbox else {
        return true;
    };
    let centre = h3o::LatLng::from(cell);
    // Pad by the cell's size, so cells overlapping the box's edge are kept.
    let pad = cell.area_km2().sqrt() / 111.0;
    centre.lng() >= x0 - pad
        && centre.lng() <= x1 + pad
        && centre.lat() >= y0 - pad
        && centre.lat() <= y1 + pad
}

fn figure_properties(f: Option<Figures>, area_km2: f64) -> serde_json::Map<String, Value> {
    let mut p = serde_json::Map::new();
    match f {
        Some(f) => {
            p.insert("residents".into(), f.residents.into());
            p.insert("households".into(), f.households.into());
            p.insert("addresses".into(), f.addresses.into());
            p.insert(
                "density_per_km2".into(),
                if area_km2 > 0.0 {
                    ((f.residents as f64 / area_km2) * 10.0).round() / 10.0
                } else {
                    0.0
                }
                .into(),
            );
            p.insert("suppressed".into(), false.into());
        }
        None => {
            for k in ["residents", "households", "addresses", "density_per_km2"] {
                p.insert(k.into(), Value::Null);
            }
            p.insert("suppressed".into(), true.into());
        }
    }
    p
}

/// A map's FeatureCollection: the features, the snapshot they come from, whether the figures
/// are exact, and the map's own member (`extra`).
fn map_answer(
    data: &PopulationData, exact: bool, extra: (&str, Value), features: Vec<Value>,
) -> Response {
    let snapshot = &data.snapshot;
    let mut body = json!({
        "type": "FeatureCollection",
        "snapshot": {"id": snapshot.id, "as_of": snapshot.as_of, "generated": snapshot.generated},
        "exact": exact,
        "features": features,
    });
    body[extra.0] = extra.1;
    reply::geojson(body.to_string())
}

/// `GET /api/population/h3`.
#[utoipa::path(
    get, path = "/api/population/h3", tag = "population", operation_id = "population_h3",
    summary = "Residents per H3 cell, as GeoJSON hexagons for a choropleth",
    description = "Public, under the privacy rule (docs/population.md): no area with fewer \
        than k residents or households is shown (k = 10 unless configured); a cell whose \
        children would be small is shown whole at its coarser resolution (`resolution` says \
        which); a resolution-6 cell below k is `suppressed`; residents and households are \
        rounded. Role **population_analyst** sees exact figures for every cell. `res` 6–10 \
        (default 8), `bbox` optional, `snapshot` (default the latest), `compare` another \
        snapshot id for `residents_change`.",
    security((), ("bearer" = [])),
    params(HexQuery),
    responses(
        (status = 200, description = "Hexagons with `h3`, `resolution`, `residents`, `households`, `addresses`, `density_per_km2`, `suppressed`.", body = schema::AnyJson, content_type = "application/geo+json"),
        responses::BadParameters,
        (status = 404, description = "No such snapshot (or none yet).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn h3(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<HexQuery>,
) -> ApiResult<Response> {
    let res = q.res.unwrap_or(8);
    if !(MIN_RES..=MAX_RES).contains(&res) {
        return Err(Problem::bad_request(
            "invalid-query",
            format!("res is {MIN_RES} to {MAX_RES}"),
        ));
    }
    let bbox = super::extract::bbox_param(q.bbox.as_deref())?;
    let data = state.registry.population(q.snapshot).await?;
    let exact = exact(&actor);
    let before: Option<HashMap<CellIndex, u64>> = match q.compare {
        Some(id) => {
            let other = state.registry.population(Some(id)).await?;
            Some(
                units(&other, res, exact)
                    .into_iter()
                    .filter_map(|(c, f)| f.map(|f| (c, f.residents)))
                    .collect(),
            )
        }
        None => None,
    };
    let features: Vec<Value> = units(&data, res, exact)
        .into_iter()
        .filter(|(c, _)| in_box(*c, bbox))
        .map(|(cell, f)| {
            let mut ring: Vec<[f64; 2]> = cell
                .boundary()
                .iter()
                .map(|ll| [ll.lng(), ll.lat()])
                .collect();
            if let Some(first) = ring.first().copied() {
                ring.push(first);
            }
            let mut props = figure_properties(f, cell.area_km2());
            props.insert("h3".into(), cell.to_string().into());
            props.insert("resolution".into(), u8::from(cell.resolution()).into());
            if let Some(before) = &before {
                let change =
                    f.and_then(|f| before.get(&cell).map(|b| f.residents as i64 - *b as i64));
                props.insert("residents_change".into(), change.into());
            }
            json!({"type": "Feature", "id": cell.to_string(),
                   "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": props})
        })
        .collect();
    let privacy = if exact {
        Value::Null
    } else {
        json!(state.registry.privacy_rule())
    };
    Ok(map_answer(&data, exact, ("privacy", privacy), features))
}

/// `GET /api/population/communes`.
#[utoipa::path(
    get, path = "/api/population/communes", tag = "population", operation_id = "population_communes",
    summary = "Residents per commune, as GeoJSON polygons, with the province totals",
    description = "Public, under the privacy rule: a commune is shown only when it has at \
        least k residents and households and the part of its people in suppressed cells is 0 \
        or at least k; figures rounded. **population_analyst** sees exact figures. Density from \
        the commune's geodesic area. `snapshot`, `compare` as for the H3 map.",
    security((), ("bearer" = [])),
    params(SnapshotQuery),
    responses(
        (status = 200, description = "Communes with `code`, `name`, `residents`, `households`, `addresses`, `density_per_km2`, `suppressed`; `province` totals.", body = schema::AnyJson, content_type = "application/geo+json"),
        responses::BadParameters,
        (status = 404, description = "No such snapshot.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn communes(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<SnapshotQuery>,
) -> ApiResult<Response> {
    let data = state.registry.population(q.snapshot).await?;
    let exact = exact(&actor);
    let figures = |data: &PopulationData, commune: u32| -> Option<Figures> {
        if exact {
            Some(
                data.exact
                    .communes()
                    .get(&commune)
                    .copied()
                    .unwrap_or_default(),
            )
        } else {
            match data.public.commune(commune) {
                Some(f) => f,
                None => Some(Figures::default()),
            }
        }
    };
    let other = match q.compare {
        Some(id) => Some(state.registry.population(Some(id)).await?),
        None => None,
    };
    let communes = state.registry.communes();
    let features: Vec<Value> = communes
        .all()
        .iter()
        .map(|c| {
            let n: u32 = c.code.parse().unwrap_or(0);
            let f = figures(&data, n);
            let mut props = figure_properties(f, c.area_km2);
            props.insert("code".into(), c.code.clone().into());
            props.insert("name".into(), c.name.clone().into());
            props.insert("full_name".into(), c.full_name.clone().into());
            props.insert(
                "area_km2".into(),
                ((c.area_km2 * 100.0).round() / 100.0).into(),
            );
            if let Some(other) = &other {
                let change = match (f, figures(other, n)) {
                    (Some(a), Some(b)) => Some(a.residents as i64 - b.residents as i64),
                    _ => None,
                };
                props.insert("residents_change".into(), change.into());
            }
            json!({"type": "Feature", "id": c.code,
                   "geometry": geojson::GeometryValue::from(&c.boundary), "properties": props})
        })
        .collect();
    let province = if exact {
        Some(data.exact.total())
    } else {
        data.public.province()
    };
    let area: f64 = communes.all().iter().map(|c| c.area_km2).sum();
    let province = Value::Object(figure_properties(province, area));
    Ok(map_answer(&data, exact, ("province", province), features))
}
