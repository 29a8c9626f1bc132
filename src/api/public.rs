//! Holding up in public: what every request goes through before a handler sees it. Security
//! headers on every answer, CORS from a configured allow-list, a deadline per request, a cap
//! on requests in flight, and rate limits per client address ([`super::limits`]). The slow
//! client that trickles its headers is cut by the connection's header-read timeout
//! ([`super::serve`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::limits::{Charge, RateLimits};
use super::problem::Problem;

/// How a node faces the public: set from the command line or the environment
/// (`diachiso serve --help`), with defaults a province can run on.
#[derive(Debug, Clone)]
pub struct PublicSettings {
    /// Origins (`https://host[:port]`) whose web pages may call the API; `*` for any.
    pub cors_origins: Vec<String>,
    /// How long a request may take before its answer starts (uploads get [`UPLOAD_DEADLINE`]).
    pub request_deadline: Duration,
    /// Requests served at once; more get 503 with `Retry-After`.
    pub max_in_flight: usize,
    /// Requests per second and burst per client address; `None` turns the limits off
    /// (`DIACHISO_RATE_LIMIT=off`, for load benchmarks).
    pub rate: Option<(f64, f64)>,
    /// A reverse proxy in front whose `X-Forwarded-For` names the client.
    pub trusted_proxy: Option<IpAddr>,
}

impl Default for PublicSettings {
    fn default() -> Self {
        PublicSettings {
            cors_origins: Vec::new(),
            request_deadline: Duration::from_secs(30),
            max_in_flight: 1024,
            rate: Some((200.0, 1000.0)),
            trusted_proxy: None,
        }
    }
}

/// How long an upload (an import, a batch to geocode, resident counts: up to 256 MiB) may take.
pub const UPLOAD_DEADLINE: Duration = Duration::from_secs(600);

/// What the public middleware shares.
#[derive(Debug)]
pub struct Guard {
    settings: PublicSettings,
    in_flight: Arc<tokio::sync::Semaphore>,
    limits: Option<RateLimits>,
    /// Requests refused by the rate limit, the cap on requests in flight, the deadline.
    refused: [AtomicU64; 3],
}

impl Guard {
    pub fn new(settings: PublicSettings) -> Guard {
        Guard {
            in_flight: Arc::new(tokio::sync::Semaphore::new(settings.max_in_flight)),
            limits: settings
                .rate
                .map(|(rate, burst)| RateLimits::new(rate, burst)),
            settings,
            refused: Default::default(),
        }
    }

    /// The settings the node runs with.
    pub fn settings(&self) -> &PublicSettings {
        &self.settings
    }

    /// Refusals so far, as metrics: (name, help, count).
    pub fn refusals(&self) -> [(&'static str, &'static str, u64); 3] {
        let n = |i: usize| self.refused[i].load(Ordering::Relaxed);
        [
            (
                "diachiso_rate_limited_total",
                "Requests refused by the rate limits (429).",
                n(0),
            ),
            (
                "diachiso_busy_total",
                "Requests refused at the cap on requests in flight (503).",
                n(1),
            ),
            (
                "diachiso_timed_out_total",
                "Requests past their deadline (408).",
                n(2),
            ),
        ]
    }

    /// The client's address: the connection's, or the last hop a trusted proxy added.
    fn client(&self, req: &Request) -> Option<IpAddr> {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())?;
        if Some(peer) == self.settings.trusted_proxy {
            let forwarded = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            return forwarded.or(Some(peer));
        }
        Some(peer)
    }
}

/// Requests whose body may be large and slow to arrive.
fn is_upload(req: &Request) -> bool {
    req.method() == Method::POST
        && matches!(
            req.uri().path(),
            "/api/imports" | "/api/geocode/batch" | "/api/residents/imports"
        )
}

/// What a request costs against its client's rate limit: most cost one; those that make the
/// server read or write a lot cost more.
fn cost(req: &Request) -> f64 {
    let path = req.uri().path();
    let query = req.uri().query().unwrap_or("");
    let large_page = query.split('&').any(|kv| {
        kv.strip_prefix("limit=")
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n > 1000)
    });
    if is_upload(req) || path.starts_with("/api/exports/") {
        50.0
    } else if large_page || path.starts_with("/api/population/") {
        10.0
    } else {
        1.0
    }
}

/// What an answer adds to its request's cost: a refused token is a guess (or a mistake) and
/// costs as much as 20 requests, so that guessing tokens meets the limit quickly.
fn afterwards(status: StatusCode) -> f64 {
    if status == StatusCode::UNAUTHORIZED {
        20.0
    } else {
        0.0
    }
}

/// The guard every request passes: rate limit, cap on requests in flight, deadline.
pub async fn guard(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    let client = guard.client(&req);
    if let (Some(limits), Some(ip)) = (&guard.limits, client) {
        if let Charge::Refused { retry_after } = limits.charge(ip, cost(&req)) {
            guard.refused[0].fetch_add(1, Ordering::Relaxed);
            return Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!(
                    "Quá nhiều yêu cầu từ địa chỉ này; thử lại sau {retry_after} giây. (Too many requests from this address; retry in {retry_after} s.)"
                ),
            )
            .header(header::RETRY_AFTER, retry_after.to_string())
            .into_response();
        }
    }
    let Ok(_permit) = guard.in_flight.clone().try_acquire_owned() else {
        guard.refused[1].fetch_add(1, Ordering::Relaxed);
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Dịch vụ đang quá tải; thử lại sau 1 giây. (The service is at its limit of requests in flight; retry in 1 s.)",
        )
        .header(header::RETRY_AFTER, "1")
        .into_response();
    };
    let deadline = if is_upload(&req) {
        UPLOAD_DEADLINE
    } else {
        guard.settings.request_deadline
    };
    let response = match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            guard.refused[2].fetch_add(1, Ordering::Relaxed);
            Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "Yêu cầu không xong trong {} giây (gửi quá chậm?). (The request did not complete within {} s: was its body sent too slowly?)",
                deadline.as_secs(),
                deadline.as_secs()
            ),
        )
        .header(header::CONNECTION, "close")
        .into_response()
        }
    };
    if let (Some(limits), Some(ip)) = (&guard.limits, client) {
        let extra = afterwards(response.status());
        if extra > 0.0 {
            limits.penalize(ip, extra);
        }
    }
    response
}

/// While the store does not answer, answers from memory say so: `X-Registry-Stale: true` and
/// the last event of the log they reflect (`X-Registry-Applied-Seq`), since other nodes may
/// have written meanwhile.
pub async fn stale_header(
    State(registry): State<Arc<crate::registry::Registry>>, req: Request, next: Next,
) -> Response {
    let mut response = next.run(req).await;
    if !registry.store_reachable() {
        let headers = response.headers_mut();
        headers.insert(
            HeaderName::from_static("x-registry-stale"),
            HeaderValue::from_static("true"),
        );
        if let Ok(seq) = HeaderValue::from_str(&registry.applied_seq().to_string()) {
            headers.insert(HeaderName::from_static("x-registry-applied-seq"), seq);
        }
    }
    response
}

/// The Content Security Policy of the HTML pages (the viewer, the API reference): scripts
/// from this server only (MapLibre's and Redoc's workers from `blob:`), inline styles allowed
/// (both libraries set them), images and basemap tiles from any https host an officer
/// configures, and no framing by other sites.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; \
    child-src blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; \
    connect-src 'self' https:; font-src 'self' data:; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// Everything else (JSON, tiles, CSV) is data: nothing in it may run or be framed.
const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Security headers on every answer (added where a handler did not set them).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        if is_page { PAGE_CSP } else { DATA_CSP },
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    response
}

/// CORS for the configured origins: other departments' web apps may call the API from a
/// browser, with a token in `Authorization` (no cookies cross-site). No origin configured:
/// no CORS headers, and browsers keep other sites out.
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
                HeaderName::from_static("idempotency-key"),
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                HeaderName::from_static("content-crs"),
                HeaderName::from_static("x-cache"),
                HeaderName::from_static("x-registry-stale"),
                HeaderName::from_static("x-registry-applied-seq"),
            ])
            .max_age(Duration::from_secs(3600)),
    )
}
