//! `/api/imports`: staff import a spreadsheet or a GeoJSON file through the same importer as
//! `diachiso import places`, as a job: a dry run first, a progress resource, the report.

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{media_type, Auth, QueryParams};
use super::problem::{ApiResult, Problem};
use super::{reply, schema, AppState};
use crate::auth::Actor;
use crate::registry::{ImportJob, ImportRequest, ReadOptions, REPORT_HEADER};

/// Largest file accepted over HTTP, bytes (about 200,000 spreadsheet rows). Larger files are
/// for `diachiso import places` on the server.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name (its extension says its format).
    #[param(example = json!("dia-diem-xa-tien-lu.xlsx"))]
    name: Option<String>,
    /// csv, xlsx, geojson or ndjson.
    format: Option<String>,
    /// The coordinates' system: EPSG:4326 (default), EPSG:4756, EPSG:9205–9218 (Hưng Yên:
    /// EPSG:9209; X = northing, Y = easting), EPSG:3405/3406.
    #[param(example = json!("EPSG:9209"))]
    crs: Option<String>,
    /// Which column holds which field, for headers not recognised: field=Header pairs,
    /// comma-separated.
    #[param(example = json!("name=Tên cơ sở,kind=Loại hình"))]
    columns: Option<String>,
    /// The workbook's sheet (default: the first).
    sheet: Option<String>,
    /// Decide everything, write nothing.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    dry_run: bool,
    /// Refuse unknown columns and stop at the first bad row.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    strict: bool,
    /// New places start active (reviewer and admin).
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    certified: bool,
}

/// The format a Content-Type names, when the file's name does not say.
fn format_of_media(media: Option<&str>) -> Option<&'static str> {
    match media? {
        "text/csv" | "text/tab-separated-values" => Some("csv"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Some("xlsx"),
        "application/geo+json" | "application/json" => Some("geojson"),
        "application/x-ndjson" | "application/geo+json-seq" | "application/x-ndgeojson" => {
            Some("ndjson")
        }
        _ => None,
    }
}

/// A job as its progress resource shows it, with its links.
fn job_body(job: &ImportJob) -> Value {
    let mut body = serde_json::to_value(job).unwrap_or_default();
    body["links"] = json!({
        "self": format!("/api/imports/{}", job.id),
        "report": format!("/api/imports/{}/report", job.id),
    });
    body
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Staff only: the same refusal for anonymous callers on every import route.
fn signed_in(actor: &Actor) -> ApiResult<()> {
    if actor.is_authenticated() {
        Ok(())
    } else {
        Err(Problem::unauthorized(
            "importing needs an editor, reviewer or admin token",
        ))
    }
}

/// `POST /api/imports` — start an import (or a dry run) of a file.
#[utoipa::path(
    post, path = "/api/imports", tag = "places", operation_id = "start_import",
    summary = "Import places from a spreadsheet or a GeoJSON file",
    description = "Role: **editor** (rows outside their communes are row errors), **reviewer** \
        or **admin**. The body is the file itself (at most 64 MiB): a CSV (`,` `;` or tab, UTF-8 \
        with or without BOM) or Excel workbook with Vietnamese or English headers (Tên, Loại, \
        Địa chỉ, Số nhà, Đường, Thôn, X, Y, Kinh độ, Vĩ độ …; unknown columns are kept as \
        attributes), a GeoJSON FeatureCollection or newline-delimited GeoJSON. The format comes \
        from `format`, else from `name`'s extension, else from the Content-Type. The import runs \
        as a job: the answer (202) is its progress resource; poll it until `state` is no longer \
        `running`, then read the report. Send `dry_run=true` first: it decides every row (the \
        code each would get, every problem) and writes nothing. Sending the same file again, \
        read the same way, resumes an import that was cut off and does nothing for one that \
        finished.",
    params(ImportQuery),
    request_body(content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (schema::AnyJson = "application/geo+json"))),
    responses(
        (status = 202, description = "The job started; `Location` is its progress resource.", body = schema::AnyJson, content_type = "application/json"),
        (status = 400, description = "A bad parameter, an empty file or a format that cannot be told (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token that may not write, or `certified` by an editor (`/problems/forbidden`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 MiB (`/problems/too-large`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Sent as a multipart form: send the file itself (`/problems/unsupported-media-type`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Two imports are running already (`/problems/busy`, `Retry-After`).", body = schema::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
pub async fn start(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<ImportQuery>,
    req: Request,
) -> ApiResult<Response> {
    signed_in(&actor)?;
    let media = media_type(req.headers());
    if media.as_deref() == Some("multipart/form-data") {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the file itself as the body (not a form), with its name in ?name=",
        ));
    }
    let columns: Vec<String> = q.columns.into_iter().collect();
    let format = q.format.or_else(|| {
        let named = q.name.as_deref().is_some_and(|n| n.contains('.'));
        (!named)
            .then(|| format_of_media(media.as_deref()).map(str::to_owned))
            .flatten()
    });
    let options = ReadOptions::parse(
        format.as_deref(),
        q.crs.as_deref(),
        &columns,
        q.sheet,
        q.strict,
    )
    .map_err(|e| Problem::bad_request("invalid-query", e))?;
    let name = q.name.unwrap_or_else(|| "upload".to_owned());
    if name.chars().count() > 255 || name.chars().any(char::is_control) {
        return Err(Problem::bad_request(
            "invalid-query",
            "name is the file's name: at most 255 characters, no control characters",
        ));
    }
    let bytes = super::extract::body_bytes(req, MAX_IMPORT_BYTES).await?;
    let job = state.registry.start_import(
        actor,
        ImportRequest {
            name,
            bytes: bytes.to_vec(),
            options,
            dry_run: q.dry_run,
            certified: q.certified,
        },
    )?;
    let mut response = json_response(StatusCode::ACCEPTED, job_body(&job));
    if let Ok(location) = format!("/api/imports/{}", job.id).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /api/imports` — the caller's imports.
#[utoipa::path(
    get, path = "/api/imports", tag = "places", operation_id = "list_imports",
    summary = "The caller's imports of the last day",
    description = "Role: **editor** or above; admins see everyone's. Newest first. Jobs are \
        kept in memory for a day by the node that ran them.",
    responses(
        (status = 200, description = "`{\"imports\": [job …]}`.", body = schema::AnyJson, content_type = "application/json"),
        (status = 401, description = "No token, or an unknown or revoked one (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
pub async fn list(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Response> {
    signed_in(&actor)?;
    let jobs: Vec<Value> = state
        .registry
        .import_jobs(&actor)
        .iter()
        .map(job_body)
        .collect();
    Ok(json_response(StatusCode::OK, json!({ "imports": jobs })))
}

/// `GET /api/imports/{id}` — an import's progress.
#[utoipa::path(
    get, path = "/api/imports/{id}", tag = "places", operation_id = "get_import",
    summary = "An import's progress",
    description = "Role: the **editor**, reviewer or admin token that started it, or an admin. `state` is `running`, \
        `complete`, `already_imported`, `stopped` (strict), `unreadable` (see `message`) or \
        `failed`; the counts are of records read so far.",
    params(("id" = String, Path, description = "The job's id.")),
    responses(
        (status = 200, description = "The job.", body = schema::AnyJson, content_type = "application/json"),
        (status = 401, description = "No token, or an unknown or revoked one (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job for this token (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<Response> {
    signed_in(&actor)?;
    let job = state.registry.import_job(&actor, &id)?;
    Ok(json_response(StatusCode::OK, job_body(&job)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// csv (default) or json.
    format: Option<String>,
}

/// `GET /api/imports/{id}/report` — what happened to each row.
#[utoipa::path(
    get, path = "/api/imports/{id}/report", tag = "places", operation_id = "import_report",
    summary = "An import's row-by-row report",
    description = "Role: the **editor**, reviewer or admin token that started it, or an admin. One row per record read so \
        far: `line` (the spreadsheet's line, the header being line 1, or the feature's \
        number), `outcome` (`imported`, `would be imported`, `rejected`, `possible duplicate`), \
        `code` and `problems`. CSV by default, `format=json` for `{\"job\": …, \"rows\": […]}`.",
    params(
        ("id" = String, Path, description = "The job's id."),
        ReportQuery,
    ),
    responses(
        (status = 200, description = "The report.", body = String, content_type = "text/csv"),
        (status = 400, description = "A format other than csv or json (`/problems/invalid-query`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one (`/problems/unauthorized`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job for this token (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
pub async fn report(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
    QueryParams(q): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    signed_in(&actor)?;
    let json = match q.format.as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid-query",
                "format is csv or json",
            ))
        }
    };
    let (job, rows) = state.registry.import_report(&actor, &id)?;
    if json {
        return Ok(json_response(
            StatusCode::OK,
            json!({ "job": job_body(&job), "rows": rows }),
        ));
    }
    let write = || -> Result<Vec<u8>, csv::Error> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(REPORT_HEADER)?;
        for r in &rows {
            out.write_record(crate::formats::spreadsheet_record([
                r.line.to_string().as_str(),
                r.outcome,
                r.code.as_str(),
                r.problems.as_str(),
            ]))?;
        }
        out.into_inner().map_err(|e| e.into_error().into())
    };
    let body = write().map_err(|e| Problem::internal(&e))?;
    Ok(reply::csv(body))
}
