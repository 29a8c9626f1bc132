//! `/api/tokens`: token management (admin).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::extract::{Auth, JsonBody};
use super::problem::{ApiResult, Problem};
use super::responses;
use super::schema;
use super::AppState;
use crate::auth::Role;

/// `POST /api/tokens` — `{"role": "editor", "name": "…", "communes": ["11953"]}`; the token
/// is in the answer once and never again.
#[utoipa::path(
    post, path = "/api/tokens", tag = "tokens", operation_id = "create_token",
    summary = "Make a token",
    description = "Role: **admin**. Editors need the communes they may write in; other roles take \
        none. The token's secret is in this answer once and never again (only its SHA-256 is stored).",
    security(("bearer" = [])),
    request_body(
        description = "The holder and rights (at most 1 MiB).",
        content((schema::NewToken = "application/json")),
    ),
    responses(
        (status = 201, description = "The token, with its secret.", body = schema::CreatedToken),
        (status = 400, description = "Malformed JSON (`/problems/malformed-json`) or a body that is not UTF-8 (`/problems/invalid-utf8`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::TokenRequired,
        responses::NotAdmin,
        responses::BodyTooLarge,
        responses::BodyNotJson,
        (status = 422, description = "An unknown role or member, no name, or communes that do not fit the role or are not loaded (`/problems/validation`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>, Auth(actor): Auth, body: JsonBody,
) -> ApiResult<Response> {
    crate::registry::require_token_admin(&actor)?;
    let invalid = |m: &str| Problem::unprocessable("validation", m.to_owned());
    let Value::Object(o) = &body.value else {
        return Err(invalid(
            "the body is {\"role\": …, \"name\": …, \"communes\": […]}",
        ));
    };
    if let Some(k) = o
        .keys()
        .find(|k| !matches!(k.as_str(), "role" | "name" | "communes"))
    {
        return Err(invalid(&format!("unknown member {k:?}")));
    }
    let role = o
        .get("role")
        .and_then(Value::as_str)
        .and_then(Role::parse)
        .ok_or_else(|| invalid("role must be one of reader, editor, reviewer, admin"))?;
    let name = o
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("name must be a string"))?;
    let communes: Vec<String> = match o.get("communes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid("communes must be an array of commune codes"))?,
        Some(_) => return Err(invalid("communes must be an array of commune codes")),
    };
    let made = state
        .registry
        .create_token(&actor, role, &communes, name)
        .await?;
    let mut body = serde_json::to_value(&made.info).unwrap_or_default();
    body["token"] = json!(made.secret);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/tokens` — every token, without secrets.
#[utoipa::path(
    get, path = "/api/tokens", tag = "tokens", operation_id = "list_tokens",
    summary = "Every token, without secrets",
    description = "Role: **admin**.",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens, revoked ones included.", body = schema::TokenList),
        responses::TokenRequired,
        responses::NotAdmin,
    )
)]
pub async fn list(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Value>> {
    let tokens = state.registry.tokens(&actor).await?;
    Ok(Json(json!({ "tokens": tokens })))
}

/// `DELETE /api/tokens/{id}` — revokes a token at once.
#[utoipa::path(
    delete, path = "/api/tokens/{id}", tag = "tokens", operation_id = "revoke_token",
    summary = "Revoke a token at once",
    description = "Role: **admin**.",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The token's id.", example = 3),
    ),
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, description = "The id is not a number (`/problems/invalid-path`).", body = schema::Problem, content_type = "application/problem+json"),
        responses::TokenRequired,
        responses::NotAdmin,
        (status = 404, description = "No active token with this id (`/problems/not-found`).", body = schema::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    State(state): State<AppState>, Auth(actor): Auth, Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: i64 = id
        .parse()
        .map_err(|_| Problem::bad_request("invalid-path", "a token id is a number"))?;
    state.registry.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
