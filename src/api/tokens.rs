//! `/api/tokens`: token management (admin).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::extract::{Auth, JsonBody};
use super::problem::{ApiResult, Problem};
use super::AppState;
use crate::auth::{check_new_token, generate_token, hash_token, Actor, Role};

fn require_admin(actor: &Actor) -> ApiResult<()> {
    match actor {
        Actor::Anonymous => Err(Problem::unauthorized(
            "token management needs an admin token",
        )),
        a if a.can_admin() => Ok(()),
        _ => Err(Problem::forbidden("token management needs an admin token")),
    }
}

/// `POST /api/tokens` — `{"role": "editor", "name": "…", "communes": ["11953"]}`; the token
/// is in the answer once and never again.
pub async fn create(
    State(state): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody,
) -> ApiResult<Response> {
    require_admin(&actor)?;
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
    let index = state.registry.communes();
    let (name, communes) = check_new_token(role, &communes, name, |c| index.get(c).is_some())
        .map_err(|m| invalid(&m))?;
    let token = generate_token();
    let info = state
        .registry
        .store()
        .create_token(&name, role, &communes, &hash_token(&token))
        .await
        .map_err(|e| Problem::internal(&e))?;
    let mut body = serde_json::to_value(&info).unwrap_or_default();
    body["token"] = json!(token);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/tokens` — every token, without secrets.
pub async fn list(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Value>> {
    require_admin(&actor)?;
    let tokens = state
        .registry
        .store()
        .list_tokens()
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(json!({ "tokens": tokens })))
}

/// `DELETE /api/tokens/{id}` — revokes a token at once.
pub async fn revoke(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&actor)?;
    let id: i64 = id
        .parse()
        .map_err(|_| Problem::bad_request("invalid-path", "a token id is a number"))?;
    let revoked = state
        .registry
        .store()
        .revoke_token(id)
        .await
        .map_err(|e| Problem::internal(&e))?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(format!("no active token {id}")))
    }
}
