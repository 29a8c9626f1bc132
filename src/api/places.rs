//! `/api/places`: register, read, correct, certify, retire, history.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{
    if_match, require_signed_in, required_if_match, Auth, CodePath, JsonBody, QueryParams,
};
use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::crs::Crs;
use crate::place::{Place, PlaceDraft};
use crate::registry::IdempotencyRequest;

/// A place answered with its ETag.
pub(super) fn place_response(state: &AppState, status: StatusCode, place: &Place) -> Response {
    reply::geojson_with_etag(status, place.etag(), &state.registry.feature(place))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .map(|k| k.trim().trim_matches('"'))
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-idempotency-key",
                "Idempotency-Key must be 1–255 visible ASCII characters",
            )
        })?;
    Ok(Some(key.to_owned()))
}

/// `POST /api/places` — registers a place from a GeoJSON Feature; 201 with its code.
#[utoipa::path(
    post, path = "/api/places", tag = "places", operation_id = "create_place",
    summary = "Register a place and give it its location code",
    description = "Role: **editor** (in the communes on its token), **reviewer** or **admin**. \
        The registry derives the commune from the point, refuses a similar place of the same kind \
        within 15 m unless `confirm_distinct` is true, and picks the code of the point's cell or \
        the nearest free cell (within 142 m). The place starts `provisional`. \
        With an `Idempotency-Key`, resending the same body answers the first 201 again \
        (with `Idempotent-Replayed: true`); the same key with another body is a 422.",
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = Option<String>, Header, nullable = false, description = "1–255 visible ASCII characters, scoped to the token; makes retries safe.", example = "c0ffee-2026-01-01-0001"),
    ),
    request_body(
        description = "A GeoJSON Feature with a Point geometry (at most 1 MiB, UTF-8).",
        content(
            (schema::NewPlace = "application/geo+json"),
            (schema::NewPlace = "application/json"),
        ),
    ),
    responses(
        (status = 201, description = "Registered (or replayed for a repeated `Idempotency-Key`).", body = schema::PlaceFeature, content_type = "application/geo+json",
            headers(
                ("Location" = String, description = "`/api/places/{code}`"),
                ("ETag" = String, description = "Strong ETag `\"CODE-VERSION\"`"),
                ("Idempotent-Replayed" = String, description = "`true` when this is the stored answer to an earlier request with the same key"),
            )),
        (status = 400, description = "Malformed JSON (`/problems/malformed-json`), a body that is not UTF-8 (`/problems/invalid-utf8`) or a bad `Idempotency-Key` (`/problems/invalid-idempotency-key`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::TokenRequired,
        (status = 403, description = "The token may not write in the point's commune (`/problems/forbidden`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Similar places nearby (`/problems/possible-duplicate`, with `candidates`), or no free code cell near the point (`/problems/no-free-cell`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::BodyTooLarge,
        responses::BodyNotJson,
        (status = 422, description = "Invalid Feature (`/problems/validation`, with every field error in `errors`), a point outside the territory or every loaded commune (`/problems/outside-territory`, `/problems/outside-communes`), or an `Idempotency-Key` reused with another body (`/problems/idempotency-key-reused`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>, Auth(actor): Auth, headers: HeaderMap, body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let key = idempotency_key(&headers)?;
    let draft =
        PlaceDraft::from_feature(&body.value).map_err(crate::registry::RegistryError::from)?;
    let idempotency = key.map(|key| IdempotencyRequest {
        key,
        fingerprint: body.fingerprint,
    });
    let registered = state.registry.register(&actor, draft, idempotency).await?;
    let version = registered.feature["properties"]["version"]
        .as_i64()
        .unwrap_or(1);
    let mut response = (
        StatusCode::CREATED,
        [
            (header::LOCATION, format!("/api/places/{}", registered.code)),
            (header::ETAG, format!("\"{}-{version}\"", registered.code)),
            (header::CONTENT_TYPE, "application/geo+json".to_owned()),
        ],
        registered.feature.to_string(),
    )
        .into_response();
    if registered.replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// `GET /api/places/{code}` — the place as a Feature, with its ETag.
#[utoipa::path(
    get, path = "/api/places/{code}", tag = "places", operation_id = "get_place",
    summary = "Read a place",
    description = "Anonymous callers see active places only (others are a 404); any token sees \
        every status. Answers 304 when `If-None-Match` holds the current ETag.",
    security((), ("bearer" = [])),
    params(
        ("code" = String, Path, description = "The 12-digit location code; spaces, dots and hyphens between digits are accepted.", example = "798580039614"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags the client holds; the current one makes a 304."),
        CrsQuery,
    ),
    responses(
        (status = 200, description = "The place.", body = schema::PlaceFeature, content_type = "application/geo+json",
            headers(("ETag" = String, description = "Strong ETag `\"CODE-VERSION\"`"), ("Content-Crs" = String, description = "`<URI>` of the coordinates' system"))),
        (status = 304, description = "Not modified.",
            headers(("ETag" = String, description = "The current ETag"))),
        responses::InvalidCode,
        responses::BadAuthorization,
        (status = 404, description = "No place under this code that the caller may see (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath,
    QueryParams(q): QueryParams<CrsQuery>, headers: HeaderMap,
) -> ApiResult<Response> {
    let crs = crs_param(q.crs.as_deref())?;
    let place = state.registry.get(&actor, code).await?;
    let etag = place.etag();
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::registry::etag_listed(v, &etag));
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let mut feature = state.registry.feature_for(&actor, &place);
    crs.transform_geojson(&mut feature);
    let mut response = reply::geojson_with_etag(StatusCode::OK, etag, &feature);
    if let Ok(v) = header::HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        response.headers_mut().insert("content-crs", v);
    }
    Ok(response)
}

/// The `crs` of a read.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CrsQuery {
    /// The coordinates' system: CRS84 (default), `EPSG:4756` (VN-2000; latitude, longitude),
    /// `EPSG:9209` (Hưng Yên's VN-2000 / TM-3 zone; easting, northing), any VN-2000 TM-3 zone
    /// `EPSG:9205`–`9218`, or `EPSG:3405`/`3406` (UTM); the answer's `Content-Crs` says which.
    #[param(example = json!("EPSG:9209"))]
    crs: Option<String>,
}

/// A `crs` parameter: CRS84 when absent.
pub fn crs_param(crs: Option<&str>) -> ApiResult<Crs> {
    match crs {
        None => Ok(Crs::Crs84),
        Some(c) => Crs::parse(c).ok_or_else(|| {
            Problem::bad_request(
                "invalid-query",
                format!("crs {c:?}: CRS84, EPSG:4756, EPSG:9205 to EPSG:9218 (Hưng Yên: EPSG:9209), EPSG:3405 or EPSG:3406"),
            )
        }),
    }
}

/// `PATCH /api/places/{code}` — JSON merge patch of the Feature; needs `If-Match`.
#[utoipa::path(
    patch, path = "/api/places/{code}", tag = "places", operation_id = "patch_place",
    summary = "Correct a place (JSON merge patch)",
    description = "Role: **editor** (in the place's commune, and in the new one when the point \
        moves), **reviewer** or **admin**. `If-Match` is required so that no change is lost. \
        Moving the point keeps the code and re-derives the commune; moving, renaming or changing \
        the kind is checked for similar places nearby again. A retired place cannot be changed.",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The 12-digit location code.", example = "798580039614"),
        ("If-Match" = String, Header, description = "The ETag from the last read (`*` matches any version)."),
    ),
    request_body(
        description = "A JSON merge patch (RFC 7396) of the place's editable Feature (at most 1 MiB).",
        content(
            (schema::PlacePatch = "application/merge-patch+json"),
            (schema::PlacePatch = "application/json"),
            (schema::PlacePatch = "application/geo+json"),
        ),
    ),
    responses(
        (status = 200, description = "The place after the change.", body = schema::PlaceFeature, content_type = "application/geo+json",
            headers(("ETag" = String, description = "The new ETag"))),
        responses::InvalidCodeOrBody,
        responses::TokenRequired,
        (status = 403, description = "The token may not write in the place's (old or new) commune (`/problems/forbidden`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoPlaceUnderCode,
        (status = 409, description = "The place is retired (`/problems/invalid-transition`) or similar places are nearby (`/problems/possible-duplicate`, with `candidates`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The place changed since it was read (`/problems/stale`).", body = schema::Problem, content_type = "application/problem+json",
            headers(("ETag" = String, description = "The current ETag"))),
        responses::BodyTooLarge,
        responses::BodyNotJson,
        (status = 422, description = "The patch is not an object or the patched Feature is invalid (`/problems/validation`, with `errors`), or the point is outside the territory or every commune.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing (`/problems/if-match-required`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath, headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let if_match = required_if_match(&headers, "/api/places/{code}")?;
    if !body.value.is_object() {
        return Err(Problem::unprocessable(
            "validation",
            "a merge patch is a JSON object, e.g. {\"properties\": {\"name\": \"…\"}}",
        ));
    }
    let place = state
        .registry
        .patch(&actor, code, if_match, &body.value)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// The optional `{"reason": "…"}` body of certify and retire.
pub(super) fn reason_of(body: &Value) -> ApiResult<Option<String>> {
    match body {
        Value::Null => Ok(None),
        Value::Object(o) => {
            if let Some(k) = o.keys().find(|k| k.as_str() != "reason") {
                return Err(Problem::unprocessable(
                    "validation",
                    format!("unknown member {k:?}; the body is {{\"reason\": \"…\"}}"),
                ));
            }
            match o.get("reason") {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Problem::unprocessable(
                    "validation",
                    "reason must be a string",
                )),
            }
        }
        _ => Err(Problem::unprocessable(
            "validation",
            "the body is {\"reason\": \"…\"}",
        )),
    }
}

/// `POST /api/places/{code}/certify` — reviewer: provisional → active.
#[utoipa::path(
    post, path = "/api/places/{code}/certify", tag = "places", operation_id = "certify_place",
    summary = "Certify a provisional place (it becomes active)",
    description = "Role: **reviewer** or **admin** (province-wide). The body and `If-Match` are optional.",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The 12-digit location code.", example = "798580039614"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "When given, the ETag the change is based on."),
    ),
    request_body(
        description = "Optional: why (no body at all is fine).",
        content((Option<schema::ReasonBody> = "application/json")),
    ),
    responses(
        (status = 200, description = "The place, now active.", body = schema::PlaceFeature, content_type = "application/geo+json",
            headers(("ETag" = String, description = "The new ETag"))),
        responses::InvalidCodeOrBody,
        responses::TokenRequired,
        (status = 403, description = "The token is not a reviewer's or an admin's (`/problems/forbidden`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoPlaceUnderCode,
        (status = 409, description = "The place is not provisional (`/problems/invalid-transition`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::StaleIfMatch,
        responses::BodyTooLarge,
        responses::OptionalBodyNotJson,
        (status = 422, description = "The body is not `{\"reason\": \"…\"}` (`/problems/validation`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn certify(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath, headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let reason = reason_of(&body.value)?;
    let if_match = if_match(&headers);
    let place = state
        .registry
        .certify(&actor, code, if_match, reason)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// `POST /api/places/{code}/retire` — with a reason; the code is never reused.
#[utoipa::path(
    post, path = "/api/places/{code}/retire", tag = "places", operation_id = "retire_place",
    summary = "Retire a place, with a reason",
    description = "Role: **editor** (in the place's commune), **reviewer** or **admin**. The code \
        stays registered and is never handed out again. `If-Match` is optional.",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The 12-digit location code.", example = "798580039614"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "When given, the ETag the change is based on."),
    ),
    request_body(
        description = "Why the place is retired (1–1000 characters).",
        content((schema::ReasonBody = "application/json")),
    ),
    responses(
        (status = 200, description = "The place, now retired.", body = schema::PlaceFeature, content_type = "application/geo+json",
            headers(("ETag" = String, description = "The new ETag"))),
        responses::InvalidCodeOrBody,
        responses::TokenRequired,
        (status = 403, description = "The token may not write in the place's commune (`/problems/forbidden`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoPlaceUnderCode,
        (status = 409, description = "The place is already retired (`/problems/invalid-transition`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::StaleIfMatch,
        responses::BodyTooLarge,
        responses::OptionalBodyNotJson,
        (status = 422, description = "No reason or one longer than 1000 characters (`/problems/reason`), or a body that is not `{\"reason\": \"…\"}` (`/problems/validation`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn retire(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath, headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let reason = reason_of(&body.value)?.unwrap_or_default();
    let if_match = if_match(&headers);
    let place = state
        .registry
        .retire(&actor, code, if_match, &reason)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}

/// `GET /api/places/{code}/history` — the place's events, oldest first (reader and above).
#[utoipa::path(
    get, path = "/api/places/{code}/history", tag = "places", operation_id = "place_history",
    summary = "A place's events, oldest first",
    description = "Role: **reader** or above (any valid token). Each event carries the Feature \
        before and after the write, who made it, when, and why.",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The 12-digit location code.", example = "798580039614"),
    ),
    responses(
        (status = 200, description = "The events.", body = schema::PlaceHistory),
        responses::InvalidCode,
        responses::TokenRequired,
        (status = 404, description = "No place was ever registered under this code (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn history(
    State(state): State<AppState>, Auth(actor): Auth, CodePath(code): CodePath,
) -> ApiResult<Json<Value>> {
    require_signed_in(&actor)?;
    let events = state.registry.history(&actor, code).await?;
    Ok(Json(json!({ "code": code.to_string(), "events": events })))
}
