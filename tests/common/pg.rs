//! PostgreSQL databases for the harness (`DIACHISO_TEST_STORE=postgres`): one fresh database
//! per server, copied from a template database that already holds PostGIS (creating the
//! extension takes about a second; copying the template a fifth of that). The cluster is
//! named by `DIACHISO_TEST_PG_URL`, a superuser's URL (`scripts/test` starts a throwaway one).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use sqlx::{Connection, Executor, PgConnection};

/// The template every test database is copied from.
const TEMPLATE: &str = "diachiso_test_template";
/// Advisory lock key serialising the template's creation between test processes.
const TEMPLATE_LOCK: i64 = 0x6469_6163_6869;

/// The URL of the cluster's maintenance database, from `DIACHISO_TEST_PG_URL`.
pub fn admin_url() -> String {
    std::env::var("DIACHISO_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "DIACHISO_TEST_STORE=postgres needs DIACHISO_TEST_PG_URL=postgres://USER@HOST:PORT/postgres \
             (a superuser; scripts/test starts a throwaway cluster and sets it)"
        )
    })
}

/// `url` with its database name replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

/// Runs a future to completion on a runtime of its own, in a thread of its own (so that it
/// works whether or not the caller is inside a runtime).
pub fn block_on<T: Send + 'static>(f: impl Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
            .block_on(f)
    })
    .join()
    .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {url}: {e}"))
}

/// Creates the template database with PostGIS unless it exists (once per process; an advisory
/// lock keeps concurrent test processes from racing).
async fn ensure_template(admin_url: &str) {
    let mut admin = connect(admin_url).await;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(TEMPLATE)
            .fetch_one(&mut admin)
            .await
            .expect("look for the template database");
    if !exists {
        admin
            .execute(format!("CREATE DATABASE {TEMPLATE}").as_str())
            .await
            .expect("create the template database");
        let mut template = connect(&with_database(admin_url, TEMPLATE)).await;
        template
            .execute("CREATE EXTENSION IF NOT EXISTS postgis")
            .await
            .expect("PostGIS in the template database (is postgresql-15-postgis-3 installed?)");
        template.close().await.ok();
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .expect("advisory unlock");
    admin.close().await.ok();
}

/// A fresh database, dropped (best effort) when this value is.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    pub name: String,
    /// The `DATABASE_URL` of the database.
    pub url: String,
}

impl TestDatabase {
    /// Creates an empty database with PostGIS (and nothing else: the service migrates it).
    pub fn create() -> TestDatabase {
        static TEMPLATE_READY: OnceLock<()> = OnceLock::new();
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = admin_url();
        TEMPLATE_READY.get_or_init(|| {
            let url = admin_url.clone();
            block_on(async move { ensure_template(&url).await });
        });
        let name = format!(
            "t_{}_{}_{:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let (url, sql) = (
            admin_url.clone(),
            format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"),
        );
        block_on(async move {
            let mut admin = connect(&url).await;
            admin
                .execute(sql.as_str())
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            admin.close().await.ok();
        });
        TestDatabase {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (url, sql) = (
            self.admin_url.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        // Never panics (it may run while a failed test unwinds).
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&url).await {
                    let _ = admin.execute(sql.as_str()).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}
