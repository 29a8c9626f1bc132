//! OGC API – Features, Part 1 (Core, GeoJSON) with Part 3 queryables: `/ogc`.
//!
//! Collections: `places` (feature id = location code) and `communes` (feature id = commune
//! code). Items honour `bbox` (CRS84, intersects), `limit` (default 100, clamped to 10,000),
//! `offset`, and filters as query parameters; an unknown parameter is a 400.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use geo::{BoundingRect, Intersects, Rect};
use serde_json::{json, Value};

use super::extract::Auth;
use super::meta::OPENAPI_MEDIA_TYPE;
use super::problem::{ApiResult, Problem};
use super::responses;
use super::schema;
use super::AppState;
use crate::auth::Actor;
use crate::code::LocationCode;
use crate::commune::{is_commune_code, Commune, CommuneIndex};
use crate::crs::{Crs, OGC_CRS};
use crate::place::{PlaceKind, Status};
use crate::registry::PlaceFilter;

const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 10_000;
const GEOJSON: &str = "application/geo+json";
const JSON: &str = "application/json";

/// The conformance classes this service implements.
/// (Not `…/conf/oas30`: the API is described in OpenAPI 3.1, see `/api/openapi.json`.)
pub const CONFORMANCE: [&str; 6] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
];

/// The systems a client may ask for with `crs` and `bbox-crs`, by their URI.
fn ogc_crs(uri: &str, param: &str) -> ApiResult<Crs> {
    OGC_CRS
        .iter()
        .copied()
        .find(|c| c.uri() == uri.trim())
        .ok_or_else(|| {
            bad(format!(
                "{param} is one of {}",
                OGC_CRS.map(|c| c.uri()).join(", ")
            ))
        })
}

/// Writes a body's coordinates in `crs` and says so in `Content-Crs` (OGC API – Features
/// Part 2).
fn respond_in(crs: Crs, media: &'static str, mut body: Value) -> Response {
    crs.transform_geojson(&mut body);
    let mut response = respond(media, body);
    if let Ok(v) = header::HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        response.headers_mut().insert("content-crs", v);
    }
    response
}

/// The absolute base URL of this request (`http://HOST`), for links.
fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{proto}://{host}")
}

fn link(href: String, rel: &str, media: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": media, "title": title})
}

fn respond(media: &'static str, body: Value) -> Response {
    ([(header::CONTENT_TYPE, media)], body.to_string()).into_response()
}

/// `GET /ogc` — the landing page.
#[utoipa::path(
    get, path = "/ogc", tag = "ogc", operation_id = "ogc_landing",
    summary = "OGC API – Features landing page",
    description = "Public. Links to this OpenAPI document (`service-desc`), the conformance \
        classes and the collections.",
    responses(
        (status = 200, description = "The landing page.", body = schema::LandingPage),
    )
)]
pub async fn landing(headers: HeaderMap) -> Response {
    let b = base(&headers);
    respond(
        JSON,
        json!({
            "title": "diachiso — Hưng Yên location registry",
            "description": "Places with permanent 12-digit location codes and the communes of Hưng Yên province (OGC API – Features). Place data in demos and tests is generated and marked generated: true.",
            "links": [
                link(format!("{b}/ogc"), "self", JSON, "this document"),
                link(format!("{b}/api/openapi.json"), "service-desc", OPENAPI_MEDIA_TYPE, "the API definition"),
                link(format!("{b}/ogc/conformance"), "conformance", JSON, "conformance classes"),
                link(format!("{b}/ogc/collections"), "data", JSON, "collections"),
            ]
        }),
    )
}

/// `GET /ogc/conformance`.
#[utoipa::path(
    get, path = "/ogc/conformance", tag = "ogc", operation_id = "ogc_conformance",
    summary = "The conformance classes implemented",
    description = "Public. OGC API – Features Part 1 Core and GeoJSON, OGC API – Common Core, and \
        Part 3 queryables (as query parameters). The API is described in OpenAPI 3.1, so the \
        Part 1 *OpenAPI 3.0* class is not claimed.",
    responses(
        (status = 200, description = "The classes.", body = schema::Conformance),
    )
)]
pub async fn conformance() -> Response {
    respond(JSON, json!({ "conformsTo": CONFORMANCE }))
}

/// The box around every loaded commune.
fn extent(communes: &CommuneIndex) -> [f64; 4] {
    communes
        .all()
        .iter()
        .filter_map(|c| c.boundary.bounding_rect())
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |a, r| {
            [
                a[0].min(r.min().x),
                a[1].min(r.min().y),
                a[2].max(r.max().x),
                a[3].max(r.max().y),
            ]
        })
}

fn collection(b: &str, id: &str, communes: &CommuneIndex) -> Value {
    let (title, description) = match id {
        "places" => ("Địa điểm — places", "Registered places; feature id = 12-digit location code. Anonymous clients see active places."),
        "streets" => ("Đường, phố, ngõ — streets", "Streets and alleys as lines, with their numbering direction; feature id = street id. Anonymous clients see active streets."),
        _ => ("Xã, phường — communes", "Commune-level units with their boundaries; feature id = official 5-digit code."),
    };
    json!({
        "id": id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": OGC_CRS.map(|c| c.uri()),
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [extent(communes)], "crs": CRS84}},
        "links": [
            link(format!("{b}/ogc/collections/{id}"), "self", JSON, title),
            link(format!("{b}/ogc/collections/{id}/items"), "items", GEOJSON, "items"),
            link(format!("{b}/ogc/collections/{id}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryables"),
        ]
    })
}

fn known_collection(id: &str) -> ApiResult<()> {
    if matches!(id, "places" | "communes" | "streets") {
        Ok(())
    } else {
        Err(Problem::not_found(format!(
            "no collection {id:?}; the collections are places, streets and communes"
        )))
    }
}

/// `GET /ogc/collections`.
#[utoipa::path(
    get, path = "/ogc/collections", tag = "ogc", operation_id = "ogc_collections",
    summary = "The feature collections",
    description = "Public. `places` (feature id = location code) and `communes` (feature id = commune code).",
    responses(
        (status = 200, description = "The collections.", body = schema::Collections),
    )
)]
pub async fn collections(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let b = base(&headers);
    let communes = state.registry.communes();
    respond(
        JSON,
        json!({
            "links": [link(format!("{b}/ogc/collections"), "self", JSON, "collections")],
            "collections": [collection(&b, "places", &communes), collection(&b, "streets", &communes), collection(&b, "communes", &communes)],
        }),
    )
}

/// `GET /ogc/collections/{id}`.
#[utoipa::path(
    get, path = "/ogc/collections/{id}", tag = "ogc", operation_id = "ogc_collection",
    summary = "One collection's metadata (extent, CRS, links)",
    description = "Public.",
    params(
        ("id" = schema::CollectionId, Path, description = "The collection: `places`, `streets` or `communes`."),
    ),
    responses(
        (status = 200, description = "The collection.", body = schema::Collection),
        responses::NoSuchCollection,
    )
)]
pub async fn collection_meta(
    State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap,
) -> ApiResult<Response> {
    known_collection(&id)?;
    Ok(respond(
        JSON,
        collection(&base(&headers), &id, &state.registry.communes()),
    ))
}

/// `GET /ogc/collections/{id}/queryables` — a JSON Schema of the filterable properties.
#[utoipa::path(
    get, path = "/ogc/collections/{id}/queryables", tag = "ogc", operation_id = "ogc_queryables",
    summary = "The properties items can be filtered on (JSON Schema)",
    description = "Public. For `places`: `kind`, `commune_code`, and `status` (signed-in roles).",
    params(
        ("id" = schema::CollectionId, Path, description = "The collection: `places`, `streets` or `communes`."),
    ),
    responses(
        (status = 200, description = "A JSON Schema of the queryables.", body = schema::Queryables, content_type = "application/schema+json"),
        responses::NoSuchCollection,
    )
)]
pub async fn queryables(Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    known_collection(&id)?;
    let b = base(&headers);
    let mut properties = json!({
        "geometry": {"format": "geometry-any", "x-ogc-role": "primary-geometry"},
    });
    if id == "places" {
        properties["kind"] = json!({"type": "string", "title": "kind", "enum": PlaceKind::ALL.map(PlaceKind::as_str)});
        properties["commune_code"] =
            json!({"type": "string", "title": "commune code", "pattern": "^[0-9]{5}$"});
        properties["status"] = json!({"type": "string", "title": "status (signed-in roles)", "enum": Status::ALL.map(Status::as_str)});
    } else if id == "streets" {
        properties["street_type"] = json!({"type": "string", "title": "street type", "enum": crate::numbering::StreetType::ALL.map(crate::numbering::StreetType::as_str)});
        properties["commune_code"] = json!({"type": "string", "title": "a commune the street runs through", "pattern": "^[0-9]{5}$"});
    }
    Ok(respond(
        "application/schema+json",
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": format!("{b}/ogc/collections/{id}/queryables"),
            "type": "object",
            "title": id,
            "properties": properties,
            "additionalProperties": false,
        }),
    ))
}

/// Validated items parameters.
struct ItemsQuery {
    /// CRS84 degrees, whatever `bbox-crs` the client wrote it in.
    bbox: Option<[f64; 4]>,
    /// The system the coordinates are answered in.
    crs: Crs,
    limit: usize,
    offset: usize,
    kind: Option<PlaceKind>,
    commune: Option<u32>,
    statuses: Vec<Status>,
    street_type: Option<crate::numbering::StreetType>,
}

fn bad(detail: impl Into<String>) -> Problem {
    Problem::bad_request("invalid-query", detail)
}

fn parse_items_query(
    id: &str, params: &[(String, String)], actor: &Actor,
) -> ApiResult<ItemsQuery> {
    let allowed: &[&str] = match id {
        "places" => &[
            "bbox",
            "bbox-crs",
            "crs",
            "limit",
            "offset",
            "f",
            "kind",
            "commune_code",
            "status",
        ],
        "streets" => &[
            "bbox",
            "bbox-crs",
            "crs",
            "limit",
            "offset",
            "f",
            "commune_code",
            "street_type",
        ],
        _ => &["bbox", "bbox-crs", "crs", "limit", "offset", "f"],
    };
    let mut map: HashMap<&str, &str> = HashMap::new();
    for (k, v) in params {
        if !allowed.contains(&k.as_str()) {
            return Err(bad(format!(
                "unknown query parameter {k:?}; this collection takes {}",
                allowed.join(", ")
            )));
        }
        if map.insert(k.as_str(), v.as_str()).is_some() {
            return Err(bad(format!("{k} is given twice")));
        }
    }
    if let Some(f) = map.get("f") {
        if !matches!(*f, "json" | "geojson") {
            return Err(bad("f is json or geojson"));
        }
    }
    let crs = map
        .get("crs")
        .map(|c| ogc_crs(c, "crs"))
        .transpose()?
        .unwrap_or(Crs::Crs84);
    let bbox_crs = map
        .get("bbox-crs")
        .map(|c| ogc_crs(c, "bbox-crs"))
        .transpose()?
        .unwrap_or(Crs::Crs84);
    let bbox = map.get("bbox").map(|b| bbox_in(b, bbox_crs)).transpose()?;
    let limit = match map.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => match l.parse::<u64>() {
            Ok(0) | Err(_) => return Err(bad("limit is a whole number from 1 (clamped to 10000)")),
            Ok(n) => n.min(MAX_LIMIT as u64) as usize,
        },
    };
    let offset = match map.get("offset") {
        None => 0,
        Some(o) => o
            .parse::<u32>()
            .map_err(|_| bad("offset is a whole number from 0"))? as usize,
    };
    let kind = map
        .get("kind")
        .map(|k| PlaceKind::parse(k).ok_or_else(|| bad(format!("unknown kind {k:?}"))))
        .transpose()?;
    let commune = map
        .get("commune_code")
        .map(|c| {
            if is_commune_code(c) {
                Ok(c.parse::<u32>().unwrap_or(0))
            } else {
                Err(bad("commune_code has 5 digits"))
            }
        })
        .transpose()?;
    let street_type = map
        .get("street_type")
        .map(|t| {
            crate::numbering::StreetType::parse(t)
                .ok()
                .ok_or_else(|| bad(format!("unknown street_type {t:?}")))
        })
        .transpose()?;
    let statuses = match map.get("status") {
        None if actor.can_read_all() => vec![Status::Provisional, Status::Active, Status::Retired],
        None => vec![Status::Active],
        Some(s) => {
            let status = Status::parse(s).ok_or_else(|| bad(format!("unknown status {s:?}")))?;
            if status != Status::Active && !actor.can_read_all() {
                return Err(if actor.is_authenticated() {
                    Problem::forbidden("this token may not see provisional or retired places")
                } else {
                    Problem::unauthorized("provisional and retired places need a reader token")
                });
            }
            vec![status]
        }
    };
    Ok(ItemsQuery {
        bbox,
        crs,
        limit,
        offset,
        kind,
        commune,
        statuses,
        street_type,
    })
}

/// A `bbox` in `crs` (its axis order), as the CRS84 box around it.
fn bbox_in(b: &str, crs: Crs) -> ApiResult<[f64; 4]> {
    let shape =
        "bbox is four numbers: the lower corner then the upper one, in bbox-crs's axis order";
    let n: Vec<f64> = b
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad(shape))?;
    let [a0, b0, a1, b1] = <[f64; 4]>::try_from(n).map_err(|_| bad(shape))?;
    if ![a0, b0, a1, b1].iter().all(|v| v.is_finite()) || a0 > a1 || b0 > b1 {
        return Err(bad(format!("{shape}; min ≤ max")));
    }
    // A projected box's corners are not the box of its CRS84 corners: take all four.
    let corners = [(a0, b0), (a0, b1), (a1, b0), (a1, b1)].map(|(a, b)| crs.from_axes(a, b));
    let [x0, y0, x1, y1] = corners
        .iter()
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |m, [x, y]| {
            [m[0].min(*x), m[1].min(*y), m[2].max(*x), m[3].max(*y)]
        });
    if x0 < -180.0 || x1 > 180.0 || y0 < -90.0 || y1 > 90.0 || !(x0.is_finite() && y1.is_finite()) {
        return Err(bad(
            "bbox corners must be lon −180…180, lat −90…90 (in CRS84)",
        ));
    }
    Ok([x0, y0, x1, y1])
}

/// The `next`/`prev`/`self` links of an items page.
fn page_links(
    b: &str, id: &str, params: &[(String, String)], q: &ItemsQuery, matched: usize, returned: usize,
) -> Vec<Value> {
    let url = |offset: usize| {
        let mut pairs: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "offset" && k != "limit")
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        pairs.push(format!("limit={}", q.limit));
        pairs.push(format!("offset={offset}"));
        format!("{b}/ogc/collections/{id}/items?{}", pairs.join("&"))
    };
    let mut links = vec![
        link(url(q.offset), "self", GEOJSON, "this page"),
        link(
            format!("{b}/ogc/collections/{id}"),
            "collection",
            JSON,
            "the collection",
        ),
    ];
    if q.offset + returned < matched {
        links.push(link(url(q.offset + returned), "next", GEOJSON, "next page"));
    }
    if q.offset > 0 {
        links.push(link(
            url(q.offset.saturating_sub(q.limit)),
            "prev",
            GEOJSON,
            "previous page",
        ));
    }
    links
}

/// Percent-encodes a query component.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /ogc/collections/{id}/items`.
#[utoipa::path(
    get, path = "/ogc/collections/{id}/items", tag = "ogc", operation_id = "ogc_items",
    summary = "A page of features, filtered",
    description = "Public. Anonymous callers see active places; any token sees every status \
        (filter with `status`). Places are in code order, so nearby places are near each other \
        in the pages. `kind`, `commune_code` and `status` are for `places` only. An unknown or \
        repeated parameter is a 400. Paging: follow the `next` / `prev` links.",
    security((), ("bearer" = [])),
    params(
        ("id" = schema::CollectionId, Path, description = "The collection: `places`, `streets` or `communes`."),
        ("bbox" = Option<Vec<f64>>, Query, style = Form, explode = false, min_items = 4, max_items = 4,
            description = "Only features that intersect the box: lower corner then upper corner in `bbox-crs`'s axis order (CRS84: `min lon,min lat,max lon,max lat`).", example = json!([106.0, 20.6, 106.1, 20.7])),
        ("bbox-crs" = Option<String>, Query, description = "The system of `bbox` (Part 2): CRS84 (default), or EPSG:4756, 9209 or 3405 by URI (`http://www.opengis.net/def/crs/EPSG/0/9209`)."),
        ("crs" = Option<String>, Query, description = "The system of the answer's coordinates (Part 2): CRS84 (default), `http://www.opengis.net/def/crs/EPSG/0/4756` (VN-2000, latitude then longitude), `…/9209` (VN-2000 / TM-3 105-30, Hưng Yên's; easting, northing) or `…/3405` (VN-2000 / UTM 48N). The answer says which in `Content-Crs`."),
        ("limit" = Option<u64>, Query, minimum = 1, description = "Page size (default 100; larger values are clamped to 10000)."),
        ("offset" = Option<u32>, Query, description = "Features to skip (default 0)."),
        ("f" = Option<String>, Query, description = "Output format: `json` or `geojson` (both answer GeoJSON)."),
        ("kind" = Option<PlaceKind>, Query, description = "`places` only: places of this kind."),
        ("commune_code" = Option<String>, Query, pattern = "^[0-9]{5}$", description = "`places` only: places in this commune."),
        ("status" = Option<Status>, Query, description = "`places` only: places with this status; `provisional` and `retired` need a token (default: every status the caller may see)."),
    ),
    responses(
        (status = 200, description = "The page.", body = schema::ItemsPage, content_type = "application/geo+json"),
        (status = 400, description = "An unknown, repeated, malformed or out-of-range parameter (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 401, description = "`status` other than `active` without a token, or an `Authorization` header that is malformed, unknown or revoked (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"diachiso\"`"))),
        responses::NoSuchCollection,
    )
)]
pub async fn items(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>, headers: HeaderMap,
) -> ApiResult<Response> {
    known_collection(&id)?;
    let q = parse_items_query(&id, &params, &actor)?;
    let (matched, features) = if id == "places" {
        let filter = PlaceFilter {
            bbox: q.bbox,
            kind: q.kind,
            commune: q.commune,
            statuses: q.statuses.clone(),
        };
        let (matched, codes) = state
            .registry
            .with_catalog(|c| c.list(&filter, q.offset, q.limit));
        let places = state.registry.places_for_page(&codes).await?;
        if q.crs == Crs::Crs84 {
            // The common case: written once, straight from the places.
            let links = page_links(&base(&headers), &id, &params, &q, matched, places.len());
            return place_page(&state, &actor, matched, links, &places);
        }
        (
            matched,
            places
                .iter()
                .map(|p| state.registry.feature_for(&actor, p))
                .collect::<Vec<_>>(),
        )
    } else if id == "streets" {
        let commune = q.commune.map(|c| format!("{c:05}"));
        let streets = state.registry.with_streets(|idx| match q.bbox {
            Some(b) => idx.in_box(b),
            None => idx.all().cloned().collect(),
        });
        let hits: Vec<_> = streets
            .into_iter()
            .filter(|s| {
                (s.status == crate::street::StreetStatus::Active || actor.can_read_all())
                    && q.street_type.is_none_or(|t| s.street_type == t)
                    && commune.as_ref().is_none_or(|c| s.communes.contains(c))
            })
            .collect();
        let page = hits
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|s| s.feature())
            .collect();
        (hits.len(), page)
    } else {
        let communes = state.registry.communes();
        let hits: Vec<&Commune> = match q.bbox {
            Some(b) => {
                let rect = Rect::new((b[0], b[1]), (b[2], b[3]));
                communes
                    .in_envelope(b)
                    .into_iter()
                    .filter(|c| c.boundary.intersects(&rect))
                    .collect()
            }
            None => communes.all().iter().collect(),
        };
        let page = hits
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|c| c.feature())
            .collect();
        (hits.len(), page)
    };
    let b = base(&headers);
    let links = page_links(&b, &id, &params, &q, matched, features.len());
    Ok(respond_in(
        q.crs,
        GEOJSON,
        json!({
            "type": "FeatureCollection",
            "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "numberMatched": matched,
            "numberReturned": features.len(),
            "links": links,
            "features": features,
        }),
    ))
}

/// A page of places in CRS84, serialised once from the places themselves (the same document
/// the generic path builds as a JSON tree; compared in `place::feature`'s tests).
fn place_page(
    state: &AppState, actor: &crate::auth::Actor, matched: usize, links: Vec<Value>,
    places: &[std::sync::Arc<crate::place::Place>],
) -> ApiResult<Response> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        time_stamp: String,
        number_matched: usize,
        number_returned: usize,
        links: Vec<Value>,
        features: Vec<crate::place::PlaceFeature<'a>>,
    }
    let communes = state.registry.communes();
    let hidden = crate::registry::Registry::hidden_attributes(actor);
    let page = Page {
        kind: "FeatureCollection",
        time_stamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        number_matched: matched,
        number_returned: places.len(),
        links,
        features: places
            .iter()
            .map(|p| crate::place::PlaceFeature {
                place: p,
                commune_name: communes.get(&p.commune_code).map(|c| c.full_name.as_str()),
                hidden,
            })
            .collect(),
    };
    let body = serde_json::to_vec(&page).map_err(|e| Problem::internal(&e))?;
    let mut response = ([(header::CONTENT_TYPE, GEOJSON)], body).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&format!("<{}>", Crs::Crs84.uri())) {
        response.headers_mut().insert("content-crs", v);
    }
    Ok(response)
}

/// `GET /ogc/collections/{id}/items/{featureId}`.
#[utoipa::path(
    get, path = "/ogc/collections/{id}/items/{featureId}", tag = "ogc", operation_id = "ogc_item",
    summary = "One feature",
    description = "Public. Visibility as for the items.",
    security((), ("bearer" = [])),
    params(
        ("id" = schema::CollectionId, Path, description = "The collection: `places`, `streets` or `communes`."),
        ("featureId" = String, Path, description = "A location code (`places`) or a commune code (`communes`).", example = "798580039614"),
        ("crs" = Option<String>, Query, description = "The system of the coordinates, as for the items (Part 2)."),
        ("f" = Option<String>, Query, description = "`json` or `geojson`."),
    ),
    responses(
        (status = 200, description = "The feature, with `self` and `collection` links.", body = schema::Item, content_type = "application/geo+json"),
        responses::BadAuthorization,
        (status = 404, description = "No such collection, or no feature with this id that the caller may see (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn item(
    State(state): State<AppState>, Auth(actor): Auth, Path((id, fid)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>, headers: HeaderMap,
) -> ApiResult<Response> {
    known_collection(&id)?;
    let mut crs = Crs::Crs84;
    for (k, v) in &params {
        match k.as_str() {
            "crs" => crs = ogc_crs(v, "crs")?,
            "f" if matches!(v.as_str(), "json" | "geojson") => {}
            "f" => return Err(bad("f is json or geojson")),
            other => {
                return Err(bad(format!(
                    "unknown query parameter {other:?}; a feature takes crs and f"
                )))
            }
        }
    }
    let b = base(&headers);
    let mut feature = if id == "places" {
        let code: LocationCode = fid
            .parse()
            .map_err(|e| Problem::not_found(format!("{fid:?} is not a location code: {e}")))?;
        let place = state.registry.get(&actor, code).await?;
        state.registry.feature_for(&actor, &place)
    } else if id == "streets" {
        state.registry.street(&actor, &fid)?.feature()
    } else {
        let communes = state.registry.communes();
        let c = communes
            .get(&fid)
            .ok_or_else(|| Problem::not_found(format!("no commune {fid:?}")))?;
        c.feature()
    };
    feature["links"] = json!([
        link(
            format!("{b}/ogc/collections/{id}/items/{}", encode(&fid)),
            "self",
            GEOJSON,
            "this feature"
        ),
        link(
            format!("{b}/ogc/collections/{id}"),
            "collection",
            JSON,
            "the collection"
        ),
    ]);
    Ok(respond_in(crs, GEOJSON, feature))
}
