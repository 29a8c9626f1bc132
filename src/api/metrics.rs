//! What the province's operations centre scrapes: requests by route, method and status,
//! latency histograms per route, refusals by the public guard, and the registry's own figures,
//! in the Prometheus text format (`GET /metrics`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// Counters since the node started.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    /// (route, method, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → (requests per bucket, sum of seconds, count).
    latency: BTreeMap<String, ([u64; BUCKETS.len()], f64, u64)>,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, route: &str, method: &str, status: u16, took: Duration) {
        let Ok(mut c) = self.inner.lock() else { return };
        *c.requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        let seconds = took.as_secs_f64();
        let (buckets, sum, count) = c.latency.entry(route.to_owned()).or_default();
        for (bucket, le) in buckets.iter_mut().zip(BUCKETS) {
            if seconds <= le {
                *bucket += 1;
            }
        }
        *sum += seconds;
        *count += 1;
    }

    /// The counters in the Prometheus text format (version 0.0.4), followed by `gauges`
    /// (name, help, value).
    ///
    /// ```
    /// use diachiso::api::metrics::Metrics;
    /// let m = Metrics::default();
    /// m.record("/api/places/{code}", "GET", 200, std::time::Duration::from_millis(3));
    /// let text = m.render(&[("diachiso_places", "Places in the registry.", 7.0)]);
    /// assert!(text.contains("diachiso_http_requests_total{route=\"/api/places/{code}\",method=\"GET\",status=\"200\"} 1"));
    /// assert!(text.contains("diachiso_http_request_duration_seconds_bucket{route=\"/api/places/{code}\",le=\"0.005\"} 1"));
    /// assert!(text.contains("diachiso_places 7"));
    /// ```
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        let Ok(c) = self.inner.lock() else {
            return out;
        };
        out.push_str(
            "# HELP diachiso_http_requests_total Requests answered, by route, method and status.\n",
        );
        out.push_str("# TYPE diachiso_http_requests_total counter\n");
        for ((route, method, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "diachiso_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP diachiso_http_request_duration_seconds Time until the answer started, by route.\n");
        out.push_str("# TYPE diachiso_http_request_duration_seconds histogram\n");
        for (route, (buckets, sum, count)) in &c.latency {
            let route = escape(route);
            for (n, le) in buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "diachiso_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "diachiso_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "diachiso_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "diachiso_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}

/// A label value as Prometheus reads it (backslash, quote and newline escaped).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Records every request under its route's pattern (never the concrete path: codes and ids
/// would make a series per place); requests no route matched count as `unmatched`.
pub async fn record(
    State(metrics): State<std::sync::Arc<Metrics>>, req: Request, next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    metrics.record(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
