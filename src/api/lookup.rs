//! `/api/reverse` and `/api/search`: finding places by position and by what people type.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{commune_code_param, Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::auth::Actor;
use crate::code::LocationCode;
use crate::place::PlaceDoc;
use crate::place::{PlaceKind, Status};

/// Default and largest number of answers.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;
/// Default and largest reverse-lookup radius, metres.
const DEFAULT_RADIUS_M: f64 = 1_000.0;
const MAX_RADIUS_M: f64 = 50_000.0;

/// Statuses a caller finds by position or text: active for everyone, provisional too for
/// signed-in roles. Retired places are found by their code only.
fn findable(actor: &Actor) -> &'static [Status] {
    if actor.can_read_all() {
        &[Status::Provisional, Status::Active]
    } else {
        &[Status::Active]
    }
}

/// A compact Feature of a place, answered from memory. Serialised straight from this struct
/// (no intermediate `serde_json::Value`: building one was a quarter of a reverse look-up's
/// time in the profile).
#[derive(serde::Serialize)]
pub struct DocFeature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    geometry: PointGeometry,
    properties: DocProperties<'a>,
}

#[derive(serde::Serialize)]
struct PointGeometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

#[derive(serde::Serialize)]
struct DocProperties<'a> {
    code: String,
    code_display: String,
    kind: &'static str,
    kind_label: &'static str,
    name: &'a str,
    status: &'static str,
    commune_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    commune_name: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    address: String,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    match_quality: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_m: Option<f64>,
}

/// The Feature of a found place; `distance_m` is rounded to 0.1 m.
pub fn doc_feature<'a>(
    doc: &'a PlaceDoc, commune_name: Option<&'a str>, match_quality: Option<Value>,
    distance_m: Option<f64>,
) -> DocFeature<'a> {
    DocFeature {
        kind: "Feature",
        id: doc.code.to_string(),
        geometry: PointGeometry {
            kind: "Point",
            coordinates: [doc.lon, doc.lat],
        },
        properties: DocProperties {
            code: doc.code.to_string(),
            code_display: doc.code.grouped(),
            kind: doc.kind.as_str(),
            kind_label: doc.kind.label_vi(),
            name: &doc.name,
            status: doc.status.as_str(),
            commune_code: doc.commune_code(),
            commune_name,
            address: doc.address_text(),
            match_quality,
            distance_m: distance_m.map(|d| (d * 10.0).round() / 10.0),
        },
    }
}

/// A FeatureCollection of found places with the answer's other members.
#[derive(serde::Serialize)]
struct FoundCollection<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    query: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    commune: Option<Option<Value>>,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    features: Vec<DocFeature<'a>>,
}

impl FoundCollection<'_> {
    fn respond(&self) -> Response {
        reply::geojson(serde_json::to_string(self).unwrap_or_default())
    }
}

fn parse_kind(kind: Option<&str>) -> ApiResult<Option<PlaceKind>> {
    kind.map(|k| {
        PlaceKind::parse(k)
            .ok_or_else(|| Problem::bad_request("invalid-query", format!("unknown kind {k:?}")))
    })
    .transpose()
}

fn check_limit(limit: Option<usize>) -> ApiResult<usize> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n),
        _ => Err(Problem::bad_request(
            "invalid-query",
            format!("limit is from 1 to {MAX_LIMIT}"),
        )),
    }
}

fn check_lon_lat(lon: f64, lat: f64) -> ApiResult<()> {
    if lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0 {
        Ok(())
    } else {
        Err(Problem::bad_request(
            "invalid-query",
            "lon is from -180 to 180 and lat from -90 to 90 (degrees, WGS84)",
        ))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReverseQuery {
    /// Longitude, degrees (WGS84).
    #[param(minimum = -180, maximum = 180, example = json!(106.068))]
    lon: f64,
    /// Latitude, degrees (WGS84).
    #[param(minimum = -90, maximum = 90, example = json!(20.6634))]
    lat: f64,
    /// Most places (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// Only places of this kind.
    #[param(value_type = Option<PlaceKind>)]
    kind: Option<String>,
    /// Search radius, metres (default 1000).
    #[param(exclusive_minimum = 0, maximum = 50000)]
    radius_m: Option<f64>,
}

/// `GET /api/reverse?lon=&lat=[&limit=][&kind=][&radius_m=]` — the commune containing the
/// point and the nearest places within the radius, nearest first, with geodesic distances in
/// metres (WGS84). In open country the list is empty and the commune is still answered.
#[utoipa::path(
    get, path = "/api/reverse", tag = "search", operation_id = "reverse_lookup",
    summary = "Places nearest a point, and the commune that contains it",
    description = "Public. Nearest first, with geodesic distances in metres (WGS84). Anonymous \
        callers find active places; any token finds provisional ones too; retired places are \
        found by their code only. In open country the list is empty and the commune is still \
        answered.",
    security((), ("bearer" = [])),
    params(ReverseQuery),
    responses(
        (status = 200, description = "The places found and the commune.", body = schema::ReverseResult, content_type = "application/geo+json"),
        responses::InvalidQuery,
        responses::BadAuthorization,
    )
)]
pub async fn reverse(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<ReverseQuery>,
) -> ApiResult<Response> {
    check_lon_lat(q.lon, q.lat)?;
    let limit = check_limit(q.limit)?;
    let kind = parse_kind(q.kind.as_deref())?;
    let radius_m = q.radius_m.unwrap_or(DEFAULT_RADIUS_M);
    if !(radius_m > 0.0 && radius_m <= MAX_RADIUS_M) {
        return Err(Problem::bad_request(
            "invalid-query",
            format!("radius_m is above 0 and at most {MAX_RADIUS_M} metres"),
        ));
    }
    let statuses = findable(&actor);
    let communes = state.registry.communes();
    let commune = communes.locate(q.lon, q.lat);
    let response = state.registry.with_catalog(|catalog| {
        let features: Vec<DocFeature> = catalog
            .nearest(q.lon, q.lat, radius_m, limit, |d| {
                statuses.contains(&d.status) && kind.is_none_or(|k| k == d.kind)
            })
            .into_iter()
            .map(|(d, dist)| {
                let name = communes
                    .get_by_number(d.commune)
                    .map(|c| c.full_name.as_str());
                doc_feature(d, name, None, Some(dist))
            })
            .collect();
        FoundCollection {
            kind: "FeatureCollection",
            query: json!({"lon": q.lon, "lat": q.lat, "radius_m": radius_m, "limit": limit}),
            commune: Some(commune.map(|c| {
                json!({
                    "code": c.code, "name": c.name, "full_name": c.full_name,
                    "province_code": c.province_code, "province_name": c.province_name,
                })
            })),
            number_returned: features.len(),
            features,
        }
        .respond()
    });
    Ok(response)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What the user typed (1–200 characters after trimming).
    #[param(min_length = 1, max_length = 200, example = json!("chua keo"))]
    q: String,
    /// Most places (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// Rank nearer places first (give `lat` too).
    #[param(minimum = -180, maximum = 180)]
    lon: Option<f64>,
    /// Rank nearer places first (give `lon` too).
    #[param(minimum = -90, maximum = 90)]
    lat: Option<f64>,
    /// Only places of this kind.
    #[param(value_type = Option<PlaceKind>)]
    kind: Option<String>,
    /// Only places in this commune.
    #[param(pattern = "^[0-9]{5}$")]
    commune_code: Option<String>,
}

/// A query that is a location code typed with or without separators.
fn as_code(q: &str) -> Option<LocationCode> {
    let digits: String = q
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// `GET /api/search?q=&limit=[&lon=&lat=][&kind=][&commune_code=]` — places whose name or
/// address matches every word of `q`, ignoring case, diacritics and tone-mark placement; the
/// last word may be incomplete; words of 5+ letters tolerate one typo. Ranked by match
/// quality, then distance from lon/lat when given. A 12-digit code finds its place.
#[utoipa::path(
    get, path = "/api/search", tag = "search", operation_id = "search_places",
    summary = "Find places by name, address or code, the way people type",
    description = "Public. Every word of `q` must match the name or address, ignoring case, \
        diacritics (`đ` = `d`) and tone-mark placement (`Thuỵ` = `Thụy`); the last word may be \
        incomplete; words of 5+ letters tolerate one typo. Ranked by match quality, then by \
        distance from `lon`/`lat` when given. A 12-digit code, with or without separators, finds \
        its place first. Visibility as for reverse lookup.",
    security((), ("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, description = "The places found, best first.", body = schema::SearchResult, content_type = "application/geo+json"),
        responses::InvalidQuery,
        responses::BadAuthorization,
    )
)]
pub async fn search(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<SearchQuery>,
) -> ApiResult<Response> {
    let text = q.q.trim();
    if text.is_empty() || text.chars().count() > 200 {
        return Err(Problem::bad_request(
            "invalid-query",
            "q has 1 to 200 characters",
        ));
    }
    let limit = check_limit(q.limit)?;
    let kind = parse_kind(q.kind.as_deref())?;
    let near = match (q.lon, q.lat) {
        (Some(lon), Some(lat)) => {
            check_lon_lat(lon, lat)?;
            Some([lon, lat])
        }
        (None, None) => None,
        _ => {
            return Err(Problem::bad_request(
                "invalid-query",
                "give both lon and lat, or neither",
            ))
        }
    };
    let commune =
        commune_code_param(q.commune_code.as_deref())?.map(|c| c.parse::<u32>().unwrap_or(0));
    let statuses = findable(&actor);
    let communes = state.registry.communes();
    // A typed address (it starts with a house number): the commune named at the end becomes a
    // filter, and houses with exactly that number rank first.
    let names: Vec<(String, String)> = communes
        .all()
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let address = crate::search::parse_address_query(text, &names);
    let address_commune = match (&address.commune_code, commune) {
        (Some(code), None) if address.house_number.is_some() && as_code(text).is_none() => {
            Some(code.parse::<u32>().unwrap_or(0))
        }
        _ => None,
    };
    let keep_in = |d: &PlaceDoc, commune: Option<u32>| {
        statuses.contains(&d.status)
            && kind.is_none_or(|k| k == d.kind)
            && commune.is_none_or(|c| c == d.commune)
    };
    let keep = |d: &PlaceDoc| keep_in(d, commune);
    // With a house number, the exact number is lifted from a wider list; otherwise only
    // `limit` are wanted, and the index can stop early.
    let wanted = if address.house_number.is_some() {
        limit.max(50)
    } else {
        limit
    };
    let response = state.registry.with_catalog(|catalog| {
        let by_code = as_code(text)
            .and_then(|code| catalog.by_code(code))
            .filter(|d| keep(d));
        // Read as an address first; when that finds nothing, the words were not a commune.
        let mut hits = match address_commune {
            Some(c) => catalog.search(&address.text, near, wanted, |d| keep_in(d, Some(c))),
            None => Vec::new(),
        };
        if hits.is_empty() {
            hits = catalog.search(text, near, wanted, keep);
        }
        if let Some(number) = &address.house_number {
            let exact = |d: &PlaceDoc| {
                d.house_number()
                    .is_some_and(|n| n.eq_ignore_ascii_case(number))
            };
            hits.sort_by_key(|h| !exact(h.0));
        }
        let features = by_code
            .map(|d| {
                (
                    d,
                    u32::MAX,
                    near.map(|p| crate::spatial::geodesic_distance_m(p, [d.lon, d.lat])),
                )
            })
            .into_iter()
            .chain(
                hits.into_iter()
                    .filter(|h| by_code.is_none_or(|c| c.code != h.0.code)),
            )
            .take(limit)
            .map(|(d, score, dist)| {
                let quality = if score == u32::MAX {
                    json!("code")
                } else {
                    json!(score)
                };
                let name = communes
                    .get_by_number(d.commune)
                    .map(|c| c.full_name.as_str());
                doc_feature(d, name, Some(quality), dist)
            })
            .collect::<Vec<_>>();
        FoundCollection {
            kind: "FeatureCollection",
            query: json!({"q": text, "limit": limit}),
            commune: None,
            number_returned: features.len(),
            features,
        }
        .respond()
    });
    Ok(response)
}
