//! When the database goes away (issue 20, first part): writes fail fast with 503
//! `store-unavailable` and `Retry-After` instead of hanging, reads the memory can answer keep
//! answering (tokens this node has seen included), `/health` stays alive, and once the
//! database is back a retry with the same `Idempotency-Key` makes exactly one place.
//!
//! The outage is real on each store: on SQLite another connection holds the write lock (a
//! locked database file); on PostgreSQL the database stops accepting connections and every
//! session to it is terminated.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use sqlx::Connection;

/// What ends an outage (given the runtime its connections live on).
type Ending = Box<dyn FnOnce(&tokio::runtime::Runtime) + Send>;

/// An outage of the server's database, ended on drop.
struct Outage {
    runtime: tokio::runtime::Runtime,
    end: Option<Ending>,
}

impl Outage {
    fn begin(s: &Server) -> Outage {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let end: Ending = if test_store() == "postgres" {
            let admin = pg::admin_url();
            let db = s.database_url.rsplit('/').next().unwrap().to_owned();
            runtime.block_on(async {
                let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query(&format!(
                    "ALTER DATABASE \"{db}\" WITH ALLOW_CONNECTIONS false"
                ))
                .execute(&mut c)
                .await
                .unwrap();
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                )
                .bind(&db)
                .execute(&mut c)
                .await
                .unwrap();
            });
            Box::new(move |rt| {
                rt.block_on(async {
                    let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
                    sqlx::query(&format!(
                        "ALTER DATABASE \"{db}\" WITH ALLOW_CONNECTIONS true"
                    ))
                    .execute(&mut c)
                    .await
                    .unwrap();
                })
            })
        } else {
            let url = s.database_url.clone();
            let conn = runtime.block_on(async {
                let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query("BEGIN EXCLUSIVE")
                    .execute(&mut c)
                    .await
                    .unwrap();
                c
            });
            Box::new(move |rt| {
                rt.block_on(async move {
                    let mut c = conn;
                    sqlx::query("ROLLBACK").execute(&mut c).await.unwrap();
                    c.close().await.unwrap();
                })
            })
        };
        Outage {
            runtime,
            end: Some(end),
        }
    }

    fn end(mut self) {
        if let Some(end) = self.end.take() {
            end(&self.runtime);
        }
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        if let Some(end) = self.end.take() {
            end(&self.runtime);
        }
    }
}

#[test]
fn writes_fail_fast_reads_from_memory_answer_and_a_retry_after_it_makes_one_place() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let reader = s.token("reader", &[]);
    let created = s.register(&admin, "religious_site", "Chùa Chuông", PHO_HIEN);
    let code = created["properties"]["code"].as_str().unwrap().to_owned();
    // The reader's token is seen once (and kept by this node); the stranger's never is.
    assert_eq!(s.get("/api/stats", Some(&reader)).status(), 200);
    let stranger = s.token("reader", &[]);

    let outage = Outage::begin(&s);
    let body = place(
        "business",
        "Tiệm sách trong lúc mất kết nối",
        offset(PHO_HIEN, 60.0, 0.0),
    );
    let write = |s: &Server| {
        s.send(
            s.request(reqwest::Method::POST, "/api/places")
                .header("content-type", "application/geo+json")
                .header("idempotency-key", "outage-1")
                .body(body.to_string()),
            Some(&admin),
        )
    };
    let started = Instant::now();
    let r = write(&s);
    let took = started.elapsed();
    assert_eq!(r.status(), 503, "{}", r.text().unwrap_or_default());
    assert!(took < Duration::from_secs(5), "a write waited {took:?}");
    assert!(r.headers().contains_key("retry-after"));
    let p: Value = r.json().unwrap();
    assert_eq!(p["type"], "/problems/store-unavailable");
    assert!(p["detail"].as_str().unwrap().contains("thử lại"), "{p}");

    // What memory holds keeps answering: reverse and search, anonymous and with the token
    // this node has seen (past its cache's 5 s, so the store would be asked if it could be).
    std::thread::sleep(Duration::from_millis(5500));
    for token in [None, Some(reader.as_str())] {
        let r = s.get(
            &format!(
                "/api/reverse?lon={}&lat={}&radius_m=50",
                PHO_HIEN[0], PHO_HIEN[1]
            ),
            token,
        );
        assert_eq!(r.status(), 200, "reverse with {token:?}");
        let v: Value = r.json().unwrap();
        // The place is provisional: the reader sees it, an anonymous caller does not.
        assert_eq!(v.to_string().contains(&code), token.is_some(), "{v}");
        let r = s.get("/api/search?q=chua%20chuong", token);
        assert_eq!(r.status(), 200, "search with {token:?}");
    }
    assert_eq!(s.get("/health", None).status(), 200);
    // Answers from memory say when they may be stale: the node could not read the event log
    // (PostgreSQL down), not when only writing is blocked (SQLite's lock).
    let r = s.get("/api/search?q=chua%20chuong", Some(&reader));
    let stale = r
        .headers()
        .get("x-registry-stale")
        .map(|v| v.to_str().unwrap().to_owned());
    if test_store() == "postgres" {
        assert_eq!(stale.as_deref(), Some("true"));
        assert!(r.headers().contains_key("x-registry-applied-seq"));
    } else {
        assert_eq!(stale, None);
    }
    if test_store() == "postgres" {
        // Unreachable: not ready, so a load balancer takes the node out. (SQLite's file is only
        // locked for writing: reads, and so readiness, go on.)
        let r = s.get("/ready", None);
        assert_eq!(r.status(), 503);
        // A token never seen cannot be checked: 503, not 401.
        assert_eq!(s.get("/api/stats", Some(&stranger)).status(), 503);
    }

    // Back: the retry with the same key makes the place, once.
    outage.end();
    let mut status = 0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        status = write(&s).status().as_u16();
        if status != 503 {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(status, 201);
    assert_eq!(write(&s).status(), 201, "the same key replays the answer");
    let found: Value = s
        .get("/api/search?q=tiem%20sach%20trong%20luc", Some(&reader))
        .json()
        .unwrap();
    assert_eq!(found["features"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(s.get("/ready", None).status(), 200);
    let fresh = within_secs(5, || {
        !s.get("/api/search?q=chua", Some(&reader))
            .headers()
            .contains_key("x-registry-stale")
    });
    assert!(fresh, "the node never said it was fresh again");
}

/// Whether `ok` holds within `secs` seconds (polled).
fn within_secs(secs: u64, mut ok: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
