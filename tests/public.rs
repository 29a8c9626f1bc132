//! Holding up in public, tried as an attacker would over real sockets: security headers on
//! every answer, CORS only for the configured origins, rate limits per client address (and
//! guessed tokens meeting them fast), slow clients cut off while others are served. On both
//! stores (the store plays no part, but the suites run everywhere).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A server on `s`'s store with its own settings (rate limits on, unlike the other suites).
struct Node {
    child: Child,
    base: String,
}

impl Node {
    fn start(s: &Server, args: &[&str]) -> Node {
        let (child, base) = spawn_serve_with(&s.database_url, args);
        Node { child, base }
    }

    fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::blocking::RequestBuilder {
        reqwest::blocking::Client::new().request(method, format!("{}{path}", self.base))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn every_answer_carries_security_headers_and_pages_a_strict_policy() {
    let s = Server::start();
    for path in ["/health", "/api/communes", "/api/places/000000000000", "/"] {
        let r = s.get(path, None);
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        if path == "/" {
            assert!(
                csp.contains("script-src 'self'")
                    && !csp.contains("script-src 'self' 'unsafe-inline'"),
                "{csp}"
            );
        } else {
            assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
        }
    }
}

#[test]
fn cors_answers_only_the_configured_origins() {
    let s = Server::start();
    let preflight = |node: &Node, origin: &str| {
        node.request(reqwest::Method::OPTIONS, "/api/places")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type,idempotency-key",
            )
            .send()
            .unwrap()
    };
    let open = Node::start(
        &s,
        &[
            "--cors-origins",
            "https://gis.hungyen.example,https://xd.example",
        ],
    );
    let r = preflight(&open, "https://gis.hungyen.example");
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://gis.hungyen.example"
    );
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("idempotency-key"),
        "{allowed}"
    );
    let r = preflight(&open, "https://evil.example");
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    // A simple GET from an allowed page sees the ETag it needs for If-Match.
    let r = open
        .request(reqwest::Method::GET, "/api/communes")
        .header("origin", "https://xd.example")
        .send()
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://xd.example"
    );
    // No origin configured: no CORS at all.
    let closed = Node::start(&s, &[]);
    let r = preflight(&closed, "https://gis.hungyen.example");
    assert!(!r.headers().contains_key("access-control-allow-origin"));
}

#[test]
fn a_burst_meets_429_with_retry_after_and_guessed_tokens_meet_it_sooner() {
    let s = Server::start();
    let node = Node::start(&s, &["--rate-limit", "2,20"]);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let r = node
            .request(reqwest::Method::GET, "/api/communes")
            .send()
            .unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
            let p: Value = r.json().unwrap();
            assert_eq!(p["type"], "/problems/rate-limited");
            assert!(
                p["detail"].as_str().unwrap().contains("Quá nhiều yêu cầu"),
                "{p}"
            );
            break;
        }
    }
    let served = statuses.iter().filter(|s| **s == 200).count();
    assert!((18..=22).contains(&served), "the burst is 20: {statuses:?}");
    assert_eq!(statuses.last(), Some(&429));

    // Guessing tokens: each refusal costs 20 more, so a handful of guesses empty the bucket.
    let guesser = Node::start(&s, &["--rate-limit", "2,100"]);
    let mut guesses = 0;
    loop {
        let r = guesser
            .request(reqwest::Method::GET, "/api/stats")
            .bearer_auth(format!("dcs_guess_{guesses:08}"))
            .send()
            .unwrap();
        if r.status() == 429 {
            break;
        }
        assert_eq!(r.status(), 401);
        guesses += 1;
        assert!(
            guesses < 10,
            "still guessing after {guesses} refused tokens"
        );
    }
    assert!(guesses >= 3, "{guesses}");
}

#[test]
fn slow_clients_are_cut_off_while_others_are_served() {
    let s = Server::start();
    let node = Node::start(&s, &["--request-deadline", "2"]);
    // A client that sends its headers a line every 2 s: the connection closes within the
    // header-read timeout (10 s).
    let mut trickle = TcpStream::connect(node.addr()).unwrap();
    trickle
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    trickle
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    let mut closed_after = None;
    while started.elapsed() < Duration::from_secs(20) {
        let _ = trickle.write_all(b"X-Slow: 1\r\n");
        // Others are served meanwhile.
        let r = node
            .request(reqwest::Method::GET, "/health")
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let mut buf = [0u8; 256];
        match trickle.read(&mut buf) {
            Ok(0) => {
                closed_after = Some(started.elapsed());
                break;
            }
            Ok(_) => {
                closed_after = Some(started.elapsed());
                break;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => {
                closed_after = Some(started.elapsed());
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1800));
    }
    let closed_after = closed_after.expect("the trickling connection was never closed");
    assert!(closed_after < Duration::from_secs(14), "{closed_after:?}");

    // A body trickled a byte a second: 408 once the request deadline (2 s) has passed.
    let mut slow_body = TcpStream::connect(node.addr()).unwrap();
    slow_body
        .write_all(
            b"POST /api/places HTTP/1.1\r\nHost: x\r\nContent-Type: application/geo+json\r\nContent-Length: 500\r\n\r\n{",
        )
        .unwrap();
    slow_body
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    while started.elapsed() < Duration::from_secs(15) {
        let _ = slow_body.write_all(b" ");
        let mut buf = [0u8; 4096];
        match slow_body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                    break;
                }
            }
            Err(_) => {}
        }
        std::thread::sleep(Duration::from_millis(900));
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("/problems/timeout"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn readiness_and_metrics_tell_the_operations_centre_how_the_node_does() {
    let s = Server::start();
    let node = Node::start(&s, &["--rate-limit", "1,5"]);
    let ready: Value = node
        .request(reqwest::Method::GET, "/ready")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(ready["ready"], true, "{ready}");
    assert!(ready["event_log"]["last_seq"].is_i64(), "{ready}");
    // A few requests, one of them for a place that is not there, then the limit.
    let mut refused = 0;
    for path in [
        "/api/communes",
        "/api/places/795857305220",
        "/api/communes",
        "/api/communes",
        "/api/communes",
        "/api/communes",
        "/api/communes",
    ] {
        let r = node.request(reqwest::Method::GET, path).send().unwrap();
        refused += usize::from(r.status() == 429);
    }
    assert!(refused >= 1);
    std::thread::sleep(Duration::from_millis(2100)); // the bucket refills for the scrape
    let text = node
        .request(reqwest::Method::GET, "/metrics")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let line = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
    };
    assert!(
        line("diachiso_http_requests_total{route=\"/api/communes\",method=\"GET\",status=\"200\"}")
            >= 1.0
    );
    // Routes are counted by pattern, never by concrete code.
    assert!(line("diachiso_http_requests_total{route=\"/api/places/{code}\",method=\"GET\",status=\"404\"}") >= 1.0);
    assert!(!text.contains("795857305220"));
    assert_eq!(line("diachiso_rate_limited_total"), refused as f64);
    assert!(line("diachiso_http_request_duration_seconds_count{route=\"/api/communes\"}") >= 1.0);
    assert!(text.contains("# TYPE diachiso_http_request_duration_seconds histogram"));
    assert!(line("diachiso_event_log_applied_seq") >= 0.0);
}

#[test]
fn system_roles_are_told_403_on_staff_routes_and_anonymous_callers_401() {
    let s = Server::start();
    let platform = s.token_named("payment_platform", "napas", &[]);
    let sync = s.token("population_sync", &[]);
    for path in [
        "/api/stats",
        "/api/exports/places",
        "/api/exports/addresses",
    ] {
        expect_problem(s.get(path, None), 401);
        for token in [&platform, &sync] {
            let p = expect_problem(s.get(path, Some(token)), 403);
            assert!(
                p["detail"].as_str().unwrap().contains("system roles"),
                "{path}: {p}"
            );
        }
    }
}
