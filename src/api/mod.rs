//! The HTTP API (axum). Handlers validate, call the registry, and answer JSON / GeoJSON;
//! every error is `application/problem+json`.

mod changes;
mod codes;
mod communes;
mod exports;
mod extract;
mod geocode;
mod imports;
pub mod limits;
mod lookup;
mod meta;
pub mod metrics;
mod ogc;
mod parking;
mod places;
mod population;
mod problem;
mod public;
mod reply;
mod reports;
mod responses;
pub mod schema;
mod streets;
mod tiles;
mod tokens;
mod viewer;

pub use extract::MAX_BODY_BYTES;
pub use meta::OPENAPI_MEDIA_TYPE;
pub use problem::{Problem, PROBLEM_JSON};
pub use public::PublicSettings;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, Ref, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::registry::Registry;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    /// Vector tiles already cut for the current state of the catalog.
    pub tiles: Arc<tiles::TileCache>,
    /// Requests counted for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// Rate limits, the cap on requests in flight, deadlines (and what they refused).
    pub guard: Arc<public::Guard>,
}

impl AppState {
    /// The state of a service over this registry, facing the public as `settings` say.
    pub fn new(registry: Arc<Registry>, settings: PublicSettings) -> AppState {
        AppState {
            registry,
            tiles: Arc::default(),
            metrics: Arc::default(),
            guard: Arc::new(public::Guard::new(settings)),
        }
    }
}

/// The whole HTTP service: the routes, then (inside out) the public guard (rate limits, cap
/// on requests in flight, deadline), problem+json for every error, panics caught, security
/// headers, CORS and compression.
pub fn router(state: AppState) -> Router {
    let (routes, _) = api_routes().split_for_parts();
    let cors = public::cors(&state.guard.settings().cors_origins);
    let guard = state.guard.clone();
    let router = routes
        .route_layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::record,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.registry.clone(),
            public::stale_header,
        ))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(guard, public::guard))
        .layer(middleware::from_fn(problem_for_every_error))
        .layer(CatchPanicLayer::custom(|_| {
            Problem::internal(&"a handler panicked").into_response()
        }))
        .layer(middleware::from_fn(public::security_headers));
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
    .layer(compression())
}

/// Smallest answer worth compressing, bytes: below it the encoding's overhead and the CPU cost
/// are not paid back.
pub const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// gzip or brotli, as the client's `Accept-Encoding` prefers, for JSON, GeoJSON, CSV, vector
/// tiles and the viewer's files above [`COMPRESS_ABOVE_BYTES`]; not for PNG images (already
/// compressed). Streamed answers (exports, batch geocoding) stay streamed: each chunk is
/// compressed as it passes. Brotli at a low level, since answers are compressed per request.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    use tower_http::compression::{CompressionLayer, CompressionLevel};
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(
            SizeAbove::new(COMPRESS_ABOVE_BYTES)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::SSE),
        )
}

/// Every route of the service with its documentation. `routes!` registers each handler under
/// the method and path of its `#[utoipa::path]` attribute and adds that attribute's operation to
/// the OpenAPI document, so the route table and the document come from one place. Handlers of
/// one `routes!` share one path (the macro routes every method it lists on every path it lists).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta::index))
        .routes(routes!(meta::health))
        .routes(routes!(meta::api_root))
        .routes(routes!(meta::openapi_json))
        .routes(routes!(meta::api_docs))
        .routes(routes!(meta::api_docs_script))
        .routes(routes!(meta::kinds))
        .routes(routes!(meta::stats))
        .routes(routes!(places::create))
        .routes(routes!(places::get, places::patch))
        .routes(routes!(places::certify))
        .routes(routes!(places::retire))
        .routes(routes!(places::history))
        .routes(routes!(codes::lookup))
        .routes(routes!(lookup::reverse))
        .routes(routes!(lookup::search))
        .routes(routes!(geocode::geocode))
        .routes(routes!(geocode::batch))
        .routes(routes!(communes::list))
        .routes(routes!(communes::get))
        .routes(routes!(changes::list))
        .routes(routes!(exports::places))
        .routes(routes!(imports::start, imports::list))
        .routes(routes!(imports::get))
        .routes(routes!(imports::report))
        .routes(routes!(tokens::create, tokens::list))
        .routes(routes!(tokens::revoke))
        .routes(routes!(ogc::landing))
        .routes(routes!(ogc::conformance))
        .routes(routes!(ogc::collections))
        .routes(routes!(ogc::collection_meta))
        .routes(routes!(ogc::queryables))
        .routes(routes!(ogc::items))
        .routes(routes!(ogc::item))
        .routes(routes!(streets::create, streets::list))
        .routes(routes!(streets::get, streets::patch))
        .routes(routes!(streets::retire))
        .routes(routes!(streets::history))
        .routes(routes!(streets::propose, streets::plans))
        .routes(routes!(streets::plan))
        .routes(routes!(streets::approve))
        .routes(routes!(streets::reject))
        .routes(routes!(streets::rules, streets::set_rules))
        .routes(routes!(streets::catalogue))
        .routes(routes!(streets::plates))
        .routes(routes!(streets::units))
        .routes(routes!(parking::payment_qr))
        .routes(routes!(parking::payment_sticker))
        .routes(routes!(parking::transactions))
        .routes(routes!(parking::daily_totals))
        .routes(routes!(parking::progress))
        .routes(routes!(population::import))
        .routes(routes!(population::snapshots))
        .routes(routes!(population::h3))
        .routes(routes!(population::communes))
        .routes(routes!(exports::addresses))
        .routes(routes!(reports::progress))
        .routes(routes!(tiles::tile))
        .routes(routes!(viewer::file))
        .routes(routes!(viewer::glyphs))
        .routes(routes!(viewer::province))
        .routes(routes!(viewer::session))
        .routes(routes!(meta::ready))
        .routes(routes!(meta::metrics))
}

/// The OpenAPI 3.1 document of the whole HTTP API, as served at `/api/openapi.json`.
pub fn openapi() -> OpenApiDoc {
    let (_, mut doc) = api_routes().split_for_parts();
    add_internal_error(&mut doc);
    doc
}

/// Every documented operation as `(METHOD, path)`, e.g. `("GET", "/api/places/{code}")`,
/// sorted. The router serves exactly these (plus `HEAD` wherever there is a `GET`).
pub fn documented_routes() -> Vec<(String, String)> {
    let doc = serde_json::to_value(openapi()).unwrap_or_default();
    let mut routes: Vec<(String, String)> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| {
                    matches!(
                        method.as_str(),
                        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                    )
                })
                .map(move |(method, _)| (method.to_ascii_uppercase(), path.clone()))
        })
        .collect();
    routes.sort();
    routes
}

/// Every handler may fail unexpectedly (a store error, a panic): a 500 problem whose detail
/// says only that the error was logged.
fn add_internal_error(doc: &mut OpenApiDoc) {
    let response = ResponseBuilder::new()
        .description(
            "The service failed to answer; the error has been logged (`/problems/internal`). \
             No internal detail is shown.",
        )
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            op.responses
                .responses
                .entry("500".into())
                .or_insert_with(|| response.clone().into());
        }
    }
}

const API_DESCRIPTION: &str = "The digital address and location registry of Hưng Yên province \
(Sở Xây dựng): places with permanent 12-digit location codes (mã định danh địa điểm), their \
lifecycle and history, the province's communes, reverse lookup and Vietnamese-aware search, a \
change feed for other systems, and OGC API – Features for GIS clients.

**Authentication.** Send `Authorization: Bearer TOKEN`. Without the header a request is \
anonymous (public reads of active places); a header that is present but malformed, unknown or \
revoked is always a 401, never a silent downgrade to anonymous. Roles are ordered \
reader < editor < reviewer < admin; each operation's description names the role it needs. An \
editor writes only in the communes on its token.

**Errors** are `application/problem+json` (RFC 9457, schema `Problem`) with a stable `type` \
`/problems/{slug}`. A path that no route serves is a 404 whose `detail` starts with \
`no such resource`; a method that a path does not serve is a 405 \
(`/problems/method-not-allowed`) with an `Allow` header. Request bodies are at most 1 MiB \
of UTF-8 JSON.

**Concurrency.** Places carry strong ETags `\"CODE-VERSION\"`: `If-None-Match` on reads, \
`If-Match` on writes (required for PATCH). `Idempotency-Key` makes registering a place safe to \
retry.

Place data in demos and tests is generated and marked `generated: true`.";

/// The document's fixed parts; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(title = "diachiso", description = API_DESCRIPTION),
    tags(
        (name = "places", description = "Register, read, correct, certify and retire places (địa điểm)."),
        (name = "codes", description = "Location codes (mã định danh địa điểm): validity, cell, registration."),
        (name = "search", description = "Reverse lookup and Vietnamese-aware search."),
        (name = "communes", description = "The commune-level units (xã, phường, đặc khu) of the province."),
        (name = "changes", description = "The event log as a change feed for other systems."),
        (name = "streets", description = "Streets and alleys, numbering plans under Circular 08/2024/TT-BXD, the house-number catalogue."),
        (name = "parking", description = "Parking lots and cashless payment: VietQR codes, stickers, settled transactions, progress."),
        (name = "population", description = "The population map: resident counts per address (never per person), H3 and commune aggregates under the privacy rule."),
        (name = "tokens", description = "Bearer tokens (admin)."),
        (name = "ogc", description = "OGC API – Features, Part 1 (Core, GeoJSON) and Part 3 queryables."),
        (name = "meta", description = "Pages, health, reference lists and this document."),
    ),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

/// The `bearer` security scheme.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, doc: &mut OpenApiDoc) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`Authorization: Bearer TOKEN`, a token made with `diachiso token create` \
                         or `POST /api/tokens` (`dcs_` and 64 hex digits).",
                    ))
                    .build(),
            ),
        );
    }
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

/// How long a client may take to send a request's headers, and to start its next request on
/// a kept-alive connection, before the connection is closed (a client that trickles a header
/// line every few seconds holds nothing for long).
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long requests in flight may take to finish after Ctrl-C or SIGTERM.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves HTTP/1.1 until Ctrl-C or SIGTERM, then lets requests in flight finish. Each
/// connection has [`HEADER_READ_TIMEOUT`]; each request carries its client's address for the
/// rate limits.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    use tower::ServiceExt;
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                app.clone().oneshot(req)
            });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still in flight after the shutdown grace period");
        }
    }
    Ok(())
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
