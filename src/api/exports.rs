//! `/api/exports/places`: the registry as a streamed download for other systems.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::extract::{Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::schema;
use super::AppState;
use crate::code::LocationCode;
use crate::commune::is_commune_code;
use crate::formats::{FeatureWriter, Format};
use crate::place::Status;
use crate::registry::PlaceFilter;

/// Places fetched from the store per chunk of the stream.
const CHUNK: usize = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    format: Option<String>,
    commune: Option<String>,
}

/// `GET /api/exports/places?format=geojson|ndjson|csv[&commune=CODE]` (reader and above).
#[utoipa::path(
    get,
    path = "/api/exports/places",
    tag = "places",
    operation_id = "export_places",
    summary = "Download every place (or one commune's) as GeoJSON, NDJSON or CSV, streamed",
    description = "Role: **reader** or above. Every status is included. The download is streamed in \
        code order, so it starts at once and memory stays flat whatever the size. The CSV columns \
        are `code,lon,lat,kind,name,commune_code,status,house_number,street,hamlet,attributes,\
        external_ids,footprint,generated,version,created_at,updated_at` (objects as JSON text).",
    security(("bearer" = [])),
    params(
        ("format" = Option<String>, Query, description = "`geojson` (default), `ndjson` or `csv`."),
        ("commune" = Option<String>, Query, description = "Only this commune (5-digit code)."),
    ),
    responses(
        (status = 200, description = "The places, with `Content-Disposition: attachment`. With `format=ndjson`, one place Feature per line (`application/geo+json-seq`); with `format=csv`, `text/csv`.", body = schema::PlaceCollection, content_type = "application/geo+json",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"places-….geojson\"`"))),
        (status = 400, description = "An unknown or malformed parameter (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"diachiso\"`"))),
        (status = 404, description = "No such commune is loaded (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn places(
    State(state): State<AppState>,
    Auth(actor): Auth,
    QueryParams(q): QueryParams<ExportQuery>,
) -> ApiResult<Response> {
    if !actor.can_read_all() {
        return Err(Problem::unauthorized("exports need a reader token"));
    }
    let format = match q.format.as_deref() {
        None => Format::GeoJson,
        Some(f) => Format::parse(f).ok_or_else(|| {
            Problem::bad_request("invalid-query", "format is geojson, ndjson or csv")
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
    let writer = FeatureWriter::new(Vec::new(), format).map_err(|e| Problem::internal(&e))?;
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
                    Some(codes) => match registry.store().get_places(&codes).await {
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
        Body::from_stream(stream),
    )
        .into_response())
}
