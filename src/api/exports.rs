//! `/api/exports/places`: the registry as a streamed download for other systems.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::responses;
use super::schema;
use super::AppState;
use crate::code::LocationCode;
use crate::commune::is_commune_code;
use crate::formats::{FeatureWriter, Format};
use crate::place::Status;
use crate::registry::PlaceFilter;

/// Places fetched from the store per chunk of the stream.
const CHUNK: usize = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `geojson` (default), `ndjson`, `csv`, or `gpkg` (a GeoPackage with the places, streets and
    /// communes as layers, for QGIS; built, then sent).
    format: Option<String>,
    /// Only this commune (5-digit code).
    commune: Option<String>,
    /// The coordinates' system: CRS84 (default), `EPSG:4756`, `EPSG:9205`–`9218` (Hưng Yên:
    /// `EPSG:9209`) or `EPSG:3405`/`3406`. CSV then has `x`, `y` (easting, northing) instead of
    /// `lon`, `lat`; GeoJSON names the system in a `crs` member.
    #[param(example = json!("EPSG:9209"))]
    crs: Option<String>,
}

/// `GET /api/exports/places?format=geojson|ndjson|csv[&commune=CODE]` (reader and above).
#[utoipa::path(
    get, path = "/api/exports/places", tag = "places", operation_id = "export_places",
    summary = "Download every place (or one commune's) as GeoJSON, NDJSON or CSV, streamed",
    description = "Role: **reader** or above. Every status is included. The download is streamed in \
        code order, so it starts at once and memory stays flat whatever the size. The CSV columns \
        are `code,lon,lat,kind,name,commune_code,status,house_number,street,hamlet,attributes,\
        external_ids,footprint,generated,version,created_at,updated_at` (objects as JSON text).",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "The places, with `Content-Disposition: attachment`. With `format=ndjson`, one place Feature per line (`application/geo+json-seq`); with `format=csv`, `text/csv`.", body = schema::PlaceCollection, content_type = "application/geo+json",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"places-….geojson\"`"))),
        (status = 400, description = "An unknown or malformed parameter (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::TokenRequired,
        responses::CommuneNotLoaded,
        responses::SystemRole,
    )
)]
pub async fn places(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<ExportQuery>,
) -> ApiResult<Response> {
    super::extract::require_reader(&actor, "exports")?;
    let gpkg = q
        .format
        .as_deref()
        .is_some_and(|f| f.eq_ignore_ascii_case("gpkg"));
    let format = match q.format.as_deref() {
        None => Format::GeoJson,
        Some(_) if gpkg => Format::GeoJson,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Problem::bad_request("invalid-query", "format is geojson, ndjson, csv or gpkg")
        })?,
    };
    let commune = match q.commune.as_deref() {
        None => None,
        Some(c) if is_commune_code(c) => {
            if state.registry.communes().get(c).is_none() {
                return Err(Problem::not_found(format!("no commune {c} is loaded")));
            }
            Some(c.to_owned())
        }
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid-query",
                "commune has 5 digits",
            ))
        }
    };
    let filter = PlaceFilter {
        commune: commune.as_deref().and_then(|c| c.parse().ok()),
        statuses: Status::ALL.to_vec(),
        ..PlaceFilter::default()
    };
    let (_, codes) = state
        .registry
        .with_catalog(|c| c.list(&filter, 0, usize::MAX));
    let crs = super::places::crs_param(q.crs.as_deref())?;
    if gpkg {
        return geopackage(&state, crs, commune.as_deref()).await;
    }
    let writer =
        FeatureWriter::in_crs(Vec::new(), format, crs).map_err(|e| Problem::internal(&e))?;
    let chunks: Vec<Vec<LocationCode>> = codes.chunks(CHUNK).map(<[_]>::to_vec).collect();
    let registry = state.registry.clone();
    let stream = futures_util::stream::unfold(
        (writer, chunks.into_iter(), false),
        move |(mut writer, mut chunks, done)| {
            let registry = registry.clone();
            async move {
                if done {
                    return None;
                }
                let result = match chunks.next() {
                    Some(codes) => match registry.places(&codes).await {
                        Ok(places) => places
                            .iter()
                            .try_for_each(|p| writer.write(&registry.feature(p)))
                            .map(|_| false),
                        Err(e) => Err(std::io::Error::other(e.to_string())),
                    },
                    None => writer.finish_in_place().map(|_| true),
                };
                let bytes = Bytes::from(std::mem::take(writer.get_mut()));
                match result {
                    Ok(finished) => {
                        Some((Ok::<_, std::io::Error>(bytes), (writer, chunks, finished)))
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "export failed mid-stream");
                        Some((Err(e), (writer, chunks, true)))
                    }
                }
            }
        },
    );
    let name = format!(
        "places-{}.{}",
        commune.as_deref().unwrap_or("all"),
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        // Fused: a compressing layer may poll once more after the end.
        Body::from_stream(futures_util::StreamExt::fuse(stream)),
    )
        .into_response())
}

/// A GeoPackage of the places (and the streets and communes) as a download. A GeoPackage is
/// a database, not a stream: it is built in a temporary file, then sent.
async fn geopackage(
    state: &AppState, crs: crate::crs::Crs, commune: Option<&str>,
) -> ApiResult<Response> {
    let path = std::env::temp_dir().join(format!(
        "diachiso-export-{}-{}.gpkg",
        std::process::id(),
        rand::random::<u64>()
    ));
    let written = state.registry.export_geopackage(&path, crs, commune).await;
    let bytes = tokio::fs::read(&path).await;
    let _ = tokio::fs::remove_file(&path).await;
    written?;
    let bytes = bytes.map_err(|e| Problem::internal(&e))?;
    let name = match commune {
        Some(c) => format!("places-{c}.gpkg"),
        None => "places.gpkg".to_owned(),
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/geopackage+sqlite3".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Query of `GET /api/exports/addresses`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AddressesQuery {
    /// A sequence number of the change feed
    since: Option<i64>,
    /// `csv` or `ndjson`
    format: Option<String>,
}

/// The columns of the address export, in order (documented in docs/population.md).
pub const ADDRESS_COLUMNS: [&str; 13] = [
    "code",
    "full_address",
    "commune_code",
    "commune_name",
    "house_number",
    "street",
    "street_id",
    "hamlet",
    "status",
    "lon",
    "lat",
    "as_of",
    "generated",
];

/// `GET /api/exports/addresses` — addresses in the population database's terms.
#[utoipa::path(
    get, path = "/api/exports/addresses", tag = "population", operation_id = "export_addresses",
    summary = "Addresses for the population database: full, or changed since a sequence number",
    description = "Role: **reader** or above. Every house (any status) as location code, full \
        Vietnamese address, commune code and name, house number, street (and street id when a \
        numbering plan set it), hamlet, status, coordinates and `as_of` (when the record last \
        changed). Without `since`: all of them. With `since=SEQ`: only those changed by events \
        after SEQ. The `X-Last-Seq` header gives the log position to pass as `since` next time \
        (rows changed meanwhile may come twice: apply them as upserts). `format` csv (default) \
        or ndjson.",
    security(("bearer" = [])),
    params(AddressesQuery),
    responses(
        (status = 200, description = "The addresses.", content((String = "text/csv"), (String = "application/x-ndjson")),
            headers(("X-Last-Seq" = i64, description = "Pass as `since` for the next incremental export"))),
        responses::BadParameters,
        (status = 401, description = "No reader token.", body = schema::Problem, content_type = "application/problem+json"),
        responses::SystemRole,
    )
)]
pub async fn addresses(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<AddressesQuery>,
) -> ApiResult<Response> {
    super::extract::require_reader(&actor, "address exports")?;
    let ndjson = match q.format.as_deref() {
        None | Some("csv") => false,
        Some("ndjson") => true,
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid-query",
                "format is csv or ndjson",
            ))
        }
    };
    if q.since.is_some_and(|s| s < 0) {
        return Err(Problem::bad_request(
            "invalid-query",
            "since is a sequence number ≥ 0",
        ));
    }
    let last_seq = state.registry.last_event_seq().await?;
    let codes: Vec<LocationCode> = match q.since {
        None | Some(0) => {
            let filter = PlaceFilter {
                kind: Some(crate::place::PlaceKind::House),
                statuses: Status::ALL.to_vec(),
                ..PlaceFilter::default()
            };
            state
                .registry
                .with_catalog(|c| c.list(&filter, 0, usize::MAX))
                .1
        }
        Some(since) => {
            let seen = state.registry.changed_codes(since, last_seq).await?;
            state.registry.with_catalog(|c| {
                seen.into_iter()
                    .filter(|code| {
                        c.by_code(*code)
                            .is_some_and(|d| d.kind == crate::place::PlaceKind::House)
                    })
                    .collect()
            })
        }
    };
    let chunks: Vec<Vec<LocationCode>> = codes.chunks(CHUNK).map(<[_]>::to_vec).collect();
    let registry = state.registry.clone();
    let header_row = if ndjson {
        Vec::new()
    } else {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(ADDRESS_COLUMNS)
            .map_err(|e| Problem::internal(&e))?;
        w.into_inner().map_err(|e| Problem::internal(&e))?
    };
    let head =
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(header_row)) });
    let rows = futures_util::stream::unfold(chunks.into_iter(), move |mut chunks| {
        let registry = registry.clone();
        async move {
            let codes = chunks.next()?;
            let result = match registry.places(&codes).await {
                Ok(places) => address_rows(&registry, &places, ndjson),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            };
            if let Err(e) = &result {
                tracing::error!(error = %e, "address export failed mid-stream");
            }
            Some((result.map(Bytes::from), chunks))
        }
    });
    use futures_util::StreamExt;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                if ndjson {
                    "application/x-ndjson"
                } else {
                    "text/csv; charset=utf-8"
                }
                .to_owned(),
            ),
            (
                header::HeaderName::from_static("x-last-seq"),
                last_seq.to_string(),
            ),
        ],
        Body::from_stream(head.chain(rows).fuse()),
    )
        .into_response())
}

fn address_rows(
    registry: &crate::registry::Registry, places: &[crate::place::Place], ndjson: bool,
) -> std::io::Result<Vec<u8>> {
    let communes = registry.communes();
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut lines = Vec::new();
    for p in places {
        let commune_name = communes
            .get(&p.commune_code)
            .map(|c| c.full_name.clone())
            .unwrap_or_default();
        let street_id = p
            .attributes
            .get(crate::registry::NUMBERING_ATTRIBUTE)
            .and_then(|n| n["street_id"].as_str())
            .unwrap_or("")
            .to_owned();
        let row = [
            p.code.to_string(),
            registry.full_address_of(p),
            p.commune_code.clone(),
            commune_name,
            p.address.house_number.clone().unwrap_or_default(),
            p.address.street.clone().unwrap_or_default(),
            street_id,
            p.address.hamlet.clone().unwrap_or_default(),
            p.status.as_str().to_owned(),
            p.lon.to_string(),
            p.lat.to_string(),
            p.updated_at.to_rfc3339(),
            p.generated.to_string(),
        ];
        if ndjson {
            let obj: serde_json::Map<String, serde_json::Value> = ADDRESS_COLUMNS
                .iter()
                .zip(row)
                .map(|(k, v)| {
                    let v = match *k {
                        "lon" | "lat" => v
                            .parse::<f64>()
                            .map(serde_json::Value::from)
                            .unwrap_or_default(),
                        "generated" => serde_json::Value::Bool(v == "true"),
                        _ => serde_json::Value::String(v),
                    };
                    ((*k).to_owned(), v)
                })
                .collect();
            serde_json::to_writer(&mut lines, &obj)?;
            lines.push(b'\n');
        } else {
            out.write_record(crate::formats::spreadsheet_record(&row))
                .map_err(std::io::Error::other)?;
        }
    }
    if ndjson {
        Ok(lines)
    } else {
        out.into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}
