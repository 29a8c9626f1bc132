//! The HTTP API (axum). Handlers validate, call the registry, and answer JSON / GeoJSON;
//! every error is `application/problem+json`.

mod changes;
mod codes;
mod communes;
mod extract;
mod lookup;
mod meta;
mod ogc;
mod places;
mod problem;
mod tokens;

pub use extract::MAX_BODY_BYTES;
pub use problem::{Problem, PROBLEM_JSON};

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use crate::registry::Registry;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
}

/// The whole HTTP service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(meta::index))
        .route("/health", get(meta::health))
        .route("/api", get(meta::api_root))
        .route("/api/kinds", get(meta::kinds))
        .route("/api/stats", get(meta::stats))
        .route("/api/places", post(places::create))
        .route("/api/places/{code}", get(places::get).patch(places::patch))
        .route("/api/places/{code}/certify", post(places::certify))
        .route("/api/places/{code}/retire", post(places::retire))
        .route("/api/places/{code}/history", get(places::history))
        .route("/api/codes/{code}", get(codes::lookup))
        .route("/ogc", get(ogc::landing))
        .route("/ogc/conformance", get(ogc::conformance))
        .route("/ogc/collections", get(ogc::collections))
        .route("/ogc/collections/{id}", get(ogc::collection_meta))
        .route("/ogc/collections/{id}/queryables", get(ogc::queryables))
        .route("/ogc/collections/{id}/items", get(ogc::items))
        .route("/ogc/collections/{id}/items/{fid}", get(ogc::item))
        .route("/api/reverse", get(lookup::reverse))
        .route("/api/search", get(lookup::search))
        .route("/api/communes", get(communes::list))
        .route("/api/communes/{code}", get(communes::get))
        .route("/api/changes", get(changes::list))
        .route("/api/tokens", post(tokens::create).get(tokens::list))
        .route("/api/tokens/{id}", axum::routing::delete(tokens::revoke))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(problem_for_every_error))
        .layer(CatchPanicLayer::custom(|_| {
            Problem::internal(&"a handler panicked").into_response()
        }))
}

async fn not_found() -> Problem {
    Problem::not_found("no such resource; the API starts at /api")
}

/// Turns the framework's own error answers (405, 413, plain-text rejections) into
/// problem+json, so that clients see one error format.
async fn problem_for_every_error(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed on this resource".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024)
        }
        _ => String::from_utf8_lossy(&text).into_owned(),
    };
    let slug = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    let mut problem = Problem::new(status, slug, detail).into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
