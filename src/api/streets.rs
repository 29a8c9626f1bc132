//! `/api/streets` and `/api/numbering-plans`: streets and alleys, numbering plans under
//! Circular 08/2024/TT-BXD, the commune catalogue and plate lists.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use utoipa::IntoParams;

use super::extract::{
    body_as, commune_code_param, format_param, if_match, require_signed_in, required_if_match,
    Auth, JsonBody, QueryParams,
};
use super::places::{place_response, reason_of};
use super::problem::{ApiResult, Problem};
use super::reply;
use super::responses;
use super::schema;
use super::AppState;
use crate::auth::Actor;
use crate::numbering::SuffixStyle;
use crate::registry::{PlanRequest, RegistryError};
use crate::street::{is_plan_id, is_street_id, NumberingPlan, Street, StreetDraft};

fn street_id(id: &str) -> ApiResult<&str> {
    checked_id(id, is_street_id, "a street id", "st")
}

fn plan_id(id: &str) -> ApiResult<&str> {
    checked_id(id, is_plan_id, "a numbering plan id", "np")
}

/// An id from the path when `valid` says it is one; otherwise no such resource can exist: a 404
/// saying what the id should be (`what`, written `prefix`- and 10 letters or digits).
fn checked_id<'a>(
    id: &'a str, valid: fn(&str) -> bool, what: &str, prefix: &str,
) -> ApiResult<&'a str> {
    if valid(id) {
        Ok(id)
    } else {
        Err(Problem::not_found(format!(
            "{id:?} is not {what} ({prefix}- and 10 letters or digits)"
        )))
    }
}

fn street_response(status: StatusCode, street: &Street) -> Response {
    reply::geojson_with_etag(status, street.etag(), &street.feature())
}

/// `POST /api/streets` — draws a street or an alley.
#[utoipa::path(
    post, path = "/api/streets", tag = "streets", operation_id = "create_street",
    summary = "Draw a street or an alley",
    description = "Role: **editor** of every commune the line runs through, **reviewer** or \
        **admin**. A GeoJSON Feature with a LineString (lon/lat) and `street_type` (`duong`, \
        `pho`, `ngo`, `ngach`, `hem`, `kiet`), `name` (optional for an alley with a \
        `parent_id`: it is then named after the number at its entrance), `width_m` \
        (cross-section), `direction` (`auto`; `forward`/`reverse` only with \
        `already_numbered: true`), `radial_centre`, `suffix_style`, `reserve_every_m`. The \
        registry derives the communes and the numbering direction (N→S, E→W, NE→SW, SE→NW, \
        radial from the centre, alleys from their street).",
    security(("bearer" = [])),
    request_body(content((schema::AnyJson = "application/geo+json"), (schema::AnyJson = "application/json"))),
    responses(
        (status = 201, description = "The street, with its id.", body = schema::AnyJson, content_type = "application/geo+json",
            headers(("ETag" = String, description = "Strong ETag `\"ID-VERSION\"`"), ("Location" = String, description = "`/api/streets/{id}`"))),
        (status = 400, description = "Malformed JSON.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoValidToken,
        (status = 403, description = "The token may not write in a commune of the street.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid street (`/problems/validation`, with `errors`) or outside every commune.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>, Auth(actor): Auth, body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let draft = StreetDraft::from_feature(&body.value).map_err(RegistryError::from)?;
    let street = state.registry.create_street(&actor, draft).await?;
    let mut response = street_response(StatusCode::CREATED, &street);
    if let Ok(v) = header::HeaderValue::from_str(&format!("/api/streets/{}", street.id)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// `GET /api/streets` — streets in a box or a commune.
#[utoipa::path(
    get, path = "/api/streets", tag = "streets", operation_id = "list_streets",
    summary = "Streets and alleys as a FeatureCollection",
    description = "Public (active streets; tokens see retired ones too). Filter with `bbox` \
        and `commune_code`; `limit` (default 1000, at most 10000).",
    security((), ("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "The streets.", body = schema::AnyJson, content_type = "application/geo+json"),
        responses::BadParameters,
    )
)]
pub async fn list(
    State(state): State<AppState>, Auth(actor): Auth, QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Response> {
    let bbox = super::extract::bbox_param(q.bbox.as_deref())?;
    commune_code_param(q.commune_code.as_deref())?;
    let limit = q.limit.unwrap_or(1000);
    if !(1..=10_000).contains(&limit) {
        return Err(Problem::bad_request(
            "invalid-query",
            "limit is from 1 to 10000",
        ));
    }
    let streets = state.registry.with_streets(|idx| match bbox {
        Some(b) => idx.in_box(b),
        None => idx.all().cloned().collect(),
    });
    let features: Vec<Value> = streets
        .iter()
        .filter(|s| s.status == crate::street::StreetStatus::Active || actor.can_read_all())
        .filter(|s| {
            q.commune_code
                .as_ref()
                .is_none_or(|c| s.communes.contains(c))
        })
        .take(limit as usize)
        .map(|s| s.feature())
        .collect();
    Ok(reply::feature_collection(features))
}

/// Query of `GET /api/streets`.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `min lon,min lat,max lon,max lat`
    bbox: Option<String>,
    /// 5 digits
    commune_code: Option<String>,
    /// 1–10000
    limit: Option<u32>,
}

/// `GET /api/streets/{id}`.
#[utoipa::path(
    get, path = "/api/streets/{id}", tag = "streets", operation_id = "get_street",
    summary = "Read a street",
    description = "Public for active streets.",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Street id", example = "st-0k3m9q2xa7")),
    responses(
        (status = 200, description = "The street.", body = schema::AnyJson, content_type = "application/geo+json",
            headers(("ETag" = String, description = "Strong ETag"))),
        responses::NoSuchStreet,
    )
)]
pub async fn get(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<Response> {
    let street = state.registry.street(&actor, street_id(&id)?)?;
    Ok(street_response(StatusCode::OK, &street))
}

/// `PATCH /api/streets/{id}` — JSON merge patch; needs `If-Match`.
#[utoipa::path(
    patch, path = "/api/streets/{id}", tag = "streets", operation_id = "patch_street",
    summary = "Correct a street (JSON merge patch)",
    description = "Role: **editor** of the street's communes (old and new), **reviewer** or \
        **admin**. `If-Match` is required.",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Street id"),
        ("If-Match" = String, Header, description = "The ETag from the last read."),
    ),
    request_body(content((schema::AnyJson = "application/merge-patch+json"), (schema::AnyJson = "application/json"))),
    responses(
        (status = 200, description = "The street after the change.", body = schema::AnyJson, content_type = "application/geo+json"),
        responses::NoValidToken,
        (status = 403, description = "Not allowed in the street's communes.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoSuchStreet,
        responses::StreetRetired,
        (status = 412, description = "Changed since read (`/problems/stale`).", body = schema::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid street.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>, headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let id = street_id(&id)?;
    let if_match = required_if_match(&headers, "/api/streets/{id}")?;
    if !body.value.is_object() {
        return Err(Problem::unprocessable(
            "validation",
            "a merge patch is a JSON object",
        ));
    }
    let street = state
        .registry
        .patch_street(&actor, id, if_match, &body.value)
        .await?;
    Ok(street_response(StatusCode::OK, &street))
}

/// `POST /api/streets/{id}/retire`.
#[utoipa::path(
    post, path = "/api/streets/{id}/retire", tag = "streets", operation_id = "retire_street",
    summary = "Retire a street, with a reason",
    description = "Role: **editor** of the street's communes, **reviewer** or **admin**.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Street id"), ("If-Match" = Option<String>, Header, nullable = false, description = "Optional ETag")),
    request_body(content((schema::ReasonBody = "application/json"))),
    responses(
        (status = 200, description = "The retired street.", body = schema::AnyJson, content_type = "application/geo+json"),
        responses::NoValidToken,
        (status = 403, description = "Not allowed.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoSuchStreet,
        (status = 409, description = "Already retired.", body = schema::Problem, content_type = "application/problem+json"),
        responses::StaleEtag,
        responses::NoReason,
    )
)]
pub async fn retire(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>, headers: HeaderMap,
    body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let id = street_id(&id)?;
    let reason = reason_of(&body.value)?.unwrap_or_default();
    let if_match = if_match(&headers);
    let street = state
        .registry
        .retire_street(&actor, id, if_match, &reason)
        .await?;
    Ok(street_response(StatusCode::OK, &street))
}

/// `GET /api/streets/{id}/history`.
#[utoipa::path(
    get, path = "/api/streets/{id}/history", tag = "streets", operation_id = "street_history",
    summary = "A street's events (and its plans'), oldest first",
    description = "Role: **reader** or above.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Street id")),
    responses(
        (status = 200, description = "The events.", body = schema::AnyJson),
        responses::NoValidToken,
        responses::NoSuchStreet,
    )
)]
pub async fn history(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    require_signed_in(&actor)?;
    let id = street_id(&id)?;
    let events = state.registry.street_history(&actor, id).await?;
    Ok(Json(json!({ "street_id": id, "events": events })))
}

/// A plan as served, with each house's address after the plan.
fn plan_json(state: &AppState, plan: &NumberingPlan) -> Value {
    let mut v = serde_json::to_value(plan).unwrap_or(Value::Null);
    v["change_count"] = plan.change_count().into();
    if let Some(street) = state.registry.with_streets(|s| s.get(&plan.street_id)) {
        v["street_name"] = state.registry.street_address_text(&street).into();
    }
    v
}

/// `POST /api/streets/{id}/numbering-plans` — computes and saves a draft plan.
#[utoipa::path(
    post, path = "/api/streets/{id}/numbering-plans", tag = "streets", operation_id = "propose_numbering_plan",
    summary = "Propose a numbering plan for a street (draft)",
    description = "Role: **editor** of the street's communes (the commune proposes), reviewer, \
        admin. Numbers every house (kind `house`) within `frontage_max_m` of the line for which \
        the corner rule picks this street: odd left, even right, facing the direction of \
        numbering; existing consistent numbers kept unless `renumber_all`; reserved numbers for \
        vacant frontage (`reserve_every_m`); infill as the smaller neighbour + suffix; \
        unnamed alleys named after the number before their entrance. Every house is listed \
        with old → new and the reason. Body optional: `{renumber_all, suffix_style, \
        reserve_every_m, frontage_max_m}`.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Street id")),
    request_body(content((Option<schema::AnyJson> = "application/json"))),
    responses(
        (status = 201, description = "The draft plan.", body = schema::AnyJson),
        responses::NoValidToken,
        (status = 403, description = "Not an editor of the street's communes.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoSuchStreet,
        responses::StreetRetired,
        (status = 422, description = "Invalid options.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn propose(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>, body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let id = street_id(&id)?;
    let request: PlanRequest = match body.value {
        Value::Null => PlanRequest::default(),
        v => body_as(
            v,
            "{renumber_all, suffix_style, reserve_every_m, frontage_max_m}",
        )?,
    };
    let plan = state.registry.propose_plan(&actor, id, request).await?;
    Ok((StatusCode::CREATED, Json(plan_json(&state, &plan))).into_response())
}

/// `GET /api/streets/{id}/numbering-plans`.
#[utoipa::path(
    get, path = "/api/streets/{id}/numbering-plans", tag = "streets", operation_id = "list_numbering_plans",
    summary = "A street's numbering plans, newest first",
    description = "Public: approved plans; tokens see drafts and rejected plans too.",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Street id")),
    responses(
        (status = 200, description = "The plans.", body = schema::AnyJson),
        responses::NoSuchStreet,
    )
)]
pub async fn plans(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = street_id(&id)?;
    let plans = state.registry.plans_of(&actor, id).await?;
    let plans: Vec<Value> = plans.iter().map(|p| plan_json(&state, p)).collect();
    Ok(Json(json!({ "street_id": id, "plans": plans })))
}

/// `GET /api/numbering-plans/{id}`.
#[utoipa::path(
    get, path = "/api/numbering-plans/{id}", tag = "streets", operation_id = "get_numbering_plan",
    summary = "A numbering plan with every house's old → new number",
    description = "Public for approved plans; tokens see drafts and rejected plans.",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Plan id", example = "np-4hx8c0m1z9")),
    responses(
        (status = 200, description = "The plan.", body = schema::AnyJson),
        responses::NoSuchPlan,
    )
)]
pub async fn plan(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let plan = state.registry.plan(&actor, plan_id(&id)?).await?;
    Ok(Json(plan_json(&state, &plan)))
}

/// `POST /api/numbering-plans/{id}/approve`.
#[utoipa::path(
    post, path = "/api/numbering-plans/{id}/approve", tag = "streets", operation_id = "approve_numbering_plan",
    summary = "Approve a draft plan: apply every number in one transaction",
    description = "Role: **reviewer** or **admin** (the province decides). Refused with 409 \
        `/problems/plan-stale` when the street, an alley or a house changed since the plan was \
        computed (propose a new one). Each renumbered house gets an `update` event.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body(content((Option<schema::ReasonBody> = "application/json"))),
    responses(
        (status = 200, description = "The approved plan.", body = schema::AnyJson),
        responses::NoValidToken,
        responses::NotReviewer,
        responses::NoSuchPlan,
        (status = 409, description = "Already decided, or stale.", body = schema::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad body.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>, body: JsonBody,
) -> ApiResult<Json<Value>> {
    decide(state, actor, id, body, true).await
}

/// `POST /api/numbering-plans/{id}/reject`.
#[utoipa::path(
    post, path = "/api/numbering-plans/{id}/reject", tag = "streets", operation_id = "reject_numbering_plan",
    summary = "Reject a draft plan, with a reason",
    description = "Role: **reviewer** or **admin**. Nothing is applied.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body(content((schema::ReasonBody = "application/json"))),
    responses(
        (status = 200, description = "The rejected plan.", body = schema::AnyJson),
        responses::NoValidToken,
        responses::NotReviewer,
        responses::NoSuchPlan,
        (status = 409, description = "Already decided.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoReason,
    )
)]
pub async fn reject(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>, body: JsonBody,
) -> ApiResult<Json<Value>> {
    decide(state, actor, id, body, false).await
}

async fn decide(
    state: AppState, actor: Actor, id: String, body: JsonBody, approve: bool,
) -> ApiResult<Json<Value>> {
    require_signed_in(&actor)?;
    let id = plan_id(&id)?;
    let reason = reason_of(&body.value)?;
    let plan = state
        .registry
        .decide_plan(&actor, id, approve, reason)
        .await?;
    Ok(Json(plan_json(&state, &plan)))
}

/// Body of `PUT /api/communes/{code}/numbering-rules`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesBody {
    suffix_style: SuffixStyle,
    #[serde(default)]
    reserve_every_m: Option<f64>,
}

/// `GET /api/communes/{code}/numbering-rules`.
#[utoipa::path(
    get, path = "/api/communes/{code}/numbering-rules", tag = "streets", operation_id = "get_numbering_rules",
    summary = "A commune's numbering rules",
    description = "Public. `suffix_style` (`letters`: 20A, 20B; `dash`: 20-1, 20-2) and \
        `reserve_every_m` (one reserved number per N metres of vacant frontage).",
    params(("code" = String, Path, description = "Commune code", example = "11953")),
    responses(
        (status = 200, description = "The rules.", body = schema::AnyJson),
        responses::NoSuchCommune,
    )
)]
pub async fn rules(
    State(state): State<AppState>, Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let rules = state.registry.numbering_rules(&code).await?;
    Ok(Json(serde_json::to_value(rules).unwrap_or(Value::Null)))
}

/// `PUT /api/communes/{code}/numbering-rules`.
#[utoipa::path(
    put, path = "/api/communes/{code}/numbering-rules", tag = "streets", operation_id = "set_numbering_rules",
    summary = "Set a commune's numbering rules",
    description = "Role: **editor** of the commune, reviewer, admin.",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Commune code")),
    request_body(content((schema::AnyJson = "application/json"))),
    responses(
        (status = 200, description = "The rules.", body = schema::AnyJson),
        responses::NoValidToken,
        (status = 403, description = "Not an editor of the commune.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoSuchCommune,
        (status = 422, description = "Invalid rules.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_rules(
    State(state): State<AppState>, Auth(actor): Auth, Path(code): Path<String>, body: JsonBody,
) -> ApiResult<Json<Value>> {
    require_signed_in(&actor)?;
    let body: RulesBody = body_as(
        body.value,
        r#"{"suffix_style": "letters" | "dash", "reserve_every_m": N}"#,
    )?;
    let rules = state
        .registry
        .set_numbering_rules(&actor, &code, body.suffix_style, body.reserve_every_m)
        .await?;
    Ok(Json(serde_json::to_value(rules).unwrap_or(Value::Null)))
}

/// Query of the catalogue.
#[derive(Debug, serde::Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// `csv` or `geojson`
    format: Option<String>,
}

/// The catalogue's CSV columns, in order (documented in docs/house-numbering.md).
pub const CATALOGUE_COLUMNS: [&str; 13] = [
    "code",
    "house_number",
    "street",
    "street_id",
    "commune_code",
    "commune_name",
    "full_address",
    "plan_id",
    "approved_at",
    "lon",
    "lat",
    "status",
    "generated",
];

/// `GET /api/communes/{code}/house-numbers` — the standardised catalogue.
#[utoipa::path(
    get, path = "/api/communes/{code}/house-numbers", tag = "streets", operation_id = "house_number_catalogue",
    summary = "The commune's standardised house-number catalogue (CSV or GeoJSON)",
    description = "Public (certified houses; tokens also see provisional ones). One row per house numbered by an approved plan: `code, \
        house_number, street, street_id, commune_code, commune_name, full_address, plan_id, \
        approved_at, lon, lat, status, generated`. `format=csv` (default) or `geojson`.",
    params(
        ("code" = String, Path, description = "Commune code"),
        CatalogueQuery,
    ),
    responses(
        (status = 200, description = "The catalogue.", content((String = "text/csv"), (schema::AnyJson = "application/geo+json"))),
        responses::BadFormat,
        responses::NoSuchCommune,
    )
)]
pub async fn catalogue(
    State(state): State<AppState>, Auth(actor): Auth, Path(code): Path<String>,
    QueryParams(q): QueryParams<CatalogueQuery>,
) -> ApiResult<Response> {
    let rows = state.registry.catalogue(&actor, &code).await?;
    match format_param(q.format.as_deref(), &["csv", "geojson"])? {
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let io = |e: csv::Error| Problem::internal(&e);
            w.write_record(CATALOGUE_COLUMNS).map_err(io)?;
            for r in &rows {
                w.write_record(crate::formats::spreadsheet_record([
                    r.code.as_str(),
                    &r.house_number,
                    &r.street,
                    &r.street_id,
                    &r.commune_code,
                    &r.commune_name,
                    &r.full_address,
                    &r.plan_id,
                    &r.approved_at,
                    &r.lon.to_string(),
                    &r.lat.to_string(),
                    &r.status,
                    if r.generated { "true" } else { "false" },
                ]))
                .map_err(io)?;
            }
            let bytes = w.into_inner().map_err(|e| Problem::internal(&e))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"so-nha-{code}.csv\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => {
            let features: Vec<Value> = rows
                .iter()
                .map(|r| {
                    json!({
                        "type": "Feature",
                        "id": r.code,
                        "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                        "properties": r,
                    })
                })
                .collect();
            Ok(reply::feature_collection(features))
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `GET /api/streets/{id}/plates` — a printable list of the street's house-number plates.
#[utoipa::path(
    get, path = "/api/streets/{id}/plates", tag = "streets", operation_id = "street_plates",
    summary = "Printable plate list (biển số nhà) of a street",
    description = "Public. An HTML page for printing: one plate per numbered house, in order \
        along the street (left side, odd numbers, then right side, even), with the location \
        code and full address.",
    params(("id" = String, Path, description = "Street id")),
    responses(
        (status = 200, description = "The page.", body = String, content_type = "text/html"),
        responses::NoSuchStreet,
    )
)]
pub async fn plates(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<Response> {
    let street = state.registry.street(&actor, street_id(&id)?)?;
    let mut rows: Vec<crate::registry::CatalogueRow> = Vec::new();
    for commune in &street.communes {
        rows.extend(
            state
                .registry
                .catalogue(&actor, commune)
                .await?
                .into_iter()
                .filter(|r| r.street_id == street.id),
        );
    }
    let name = state.registry.street_address_text(&street);
    let mut html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Biển số nhà — {t}</title>\
<style>body{{font-family:sans-serif;margin:1cm}}.plate{{display:inline-block;width:7.5cm;margin:.3cm;padding:.4cm;border:3px solid #0b3d91;border-radius:6px;text-align:center;page-break-inside:avoid}}\
.n{{font-size:40pt;font-weight:bold;color:#0b3d91}}.s{{font-size:12pt}}.c{{font-family:monospace;font-size:10pt;color:#333}}.g{{color:#a00;font-weight:bold}}.a{{font-size:8pt;color:#444}}</style></head><body>\
<h1>Biển số nhà — {t}</h1><p>{count} biển, theo Thông tư 08/2024/TT-BXD.</p>",
        t = html_escape(&name),
        count = rows.len()
    );
    if street.generated || rows.iter().any(|r| r.generated) {
        html.push_str("<p class=\"g\">DỮ LIỆU MẪU (sinh tự động) — generated demo data</p>");
    }
    for r in &rows {
        let code = r
            .code
            .parse::<crate::code::LocationCode>()
            .map(|c| c.grouped())
            .unwrap_or_else(|_| r.code.clone());
        html.push_str(&format!(
            "<div class=\"plate\"><div class=\"n\">{}</div><div class=\"s\">{}</div><div class=\"c\">{}</div><div class=\"a\">{}</div></div>",
            html_escape(&r.house_number),
            html_escape(&r.street),
            html_escape(&code),
            html_escape(&r.full_address),
        ));
    }
    html.push_str("</body></html>");
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// Body of `PUT /api/places/{code}/units`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitsBody {
    access_bearing_deg: f64,
    units: Vec<UnitBody>,
}

/// One apartment as drawn on the floor plan.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitBody {
    floor: i32,
    bearing_deg: f64,
}

/// `PUT /api/places/{code}/units` — numbers a building's apartments floor–unit.
#[utoipa::path(
    put, path = "/api/places/{code}/units", tag = "streets", operation_id = "number_apartment_units",
    summary = "Number a building's apartments floor–unit (25-06)",
    description = "Role: **editor** of the building's commune, reviewer, admin. Circular \
        08/2024 Art. 13: units are numbered floor–unit (`25-06`), per floor clockwise from the \
        first unit left of the main access, floors from 1 (basements get no number). Body: \
        `access_bearing_deg` (bearing from the building's core to its main access) and \
        `units: [{floor, bearing_deg}]` (each unit's bearing from the core). The numbers are \
        kept in the building's `units` attribute under its location code (an `update` event), \
        each with its full address (\"Căn hộ 25-06, Số 20, …\").",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The building's location code"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Optional ETag"),
    ),
    request_body(content((schema::AnyJson = "application/json"))),
    responses(
        (status = 200, description = "The building with its units.", body = schema::PlaceFeature, content_type = "application/geo+json"),
        (status = 400, description = "Bad code.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoToken,
        (status = 403, description = "Not allowed in the commune.", body = schema::Problem, content_type = "application/problem+json"),
        responses::NoSuchPlace,
        (status = 409, description = "Retired.", body = schema::Problem, content_type = "application/problem+json"),
        responses::StaleEtag,
        (status = 422, description = "Invalid units or not a residential building.", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn units(
    State(state): State<AppState>, Auth(actor): Auth,
    super::extract::CodePath(code): super::extract::CodePath, headers: HeaderMap, body: JsonBody,
) -> ApiResult<Response> {
    require_signed_in(&actor)?;
    let body: UnitsBody = body_as(
        body.value,
        r#"{"access_bearing_deg": B, "units": [{"floor": F, "bearing_deg": B}]}"#,
    )?;
    let positions: Vec<crate::numbering::UnitPosition> = body
        .units
        .iter()
        .map(|u| crate::numbering::UnitPosition {
            floor: u.floor,
            bearing_deg: u.bearing_deg,
        })
        .collect();
    let if_match = if_match(&headers);
    let place = state
        .registry
        .number_units(&actor, code, if_match, body.access_bearing_deg, &positions)
        .await?;
    Ok(place_response(&state, StatusCode::OK, &place))
}
