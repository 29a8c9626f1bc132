//! Test harness: runs the real `diachiso` binary on a throwaway store and talks HTTP to it.
//!
//! The store comes from `DIACHISO_TEST_STORE`: `sqlite` (default; a file in a temporary
//! directory) or `postgres` (a fresh database per server in the cluster named by
//! `DIACHISO_TEST_PG_URL`, dropped afterwards). The same tests run unchanged against every store.
#![allow(dead_code)]

pub mod pg;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_diachiso");

/// Centre of Phường Phố Hiến (11953), lon/lat.
pub const PHO_HIEN: [f64; 2] = [106.068, 20.6634];
/// Admin centre of Xã Tân Hưng (11977).
pub const TAN_HUNG: [f64; 2] = [106.097, 20.6384];

/// A running server on its own store.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub database_url: String,
    _dir: tempfile::TempDir,
    client: Client,
    /// The server's PostgreSQL database (store `postgres`), dropped after the server stops.
    pg_database: Option<pg::TestDatabase>,
}

impl Server {
    /// Starts a server on a fresh store.
    pub fn start() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut pg_database = None;
        let database_url = match test_store() {
            "sqlite" => format!("sqlite:{}", dir.path().join("test.sqlite").display()),
            "postgres" => pg_database.insert(pg::TestDatabase::create()).url.clone(),
            other => unreachable!("store {other}"),
        };
        let mut server = Server::start_on(dir, database_url);
        server.pg_database = pg_database;
        server
    }

    fn start_on(dir: tempfile::TempDir, database_url: String) -> Server {
        let mut server = Server {
            child: None,
            base: String::new(),
            database_url,
            _dir: dir,
            pg_database: None,
            client: Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let mut child = Command::new(BIN)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("DATABASE_URL", &self.database_url)
            .env("DIACHISO_LOG", "warn")
            // The suites fire requests faster than any person; tests/public.rs turns the
            // limits on where they are the subject.
            .env("DIACHISO_RATE_LIMIT", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start diachiso serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the listening line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        self.base = addr.to_owned();
        self.child = Some(child);
    }

    /// Stops the server and starts it again on the same store.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Stops the server (SIGKILL: nothing may depend on a clean shutdown).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Runs the CLI against this server's store and returns (status success, stdout, stderr).
    pub fn cli(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(BIN)
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("DIACHISO_LOG", "warn")
            .output()
            .expect("run diachiso");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// A path for a scratch file in the server's temporary directory.
    pub fn scratch(&self, name: &str) -> String {
        self._dir.path().join(name).display().to_string()
    }

    /// Creates a token with the CLI and returns it.
    pub fn token(&self, role: &str, communes: &[&str]) -> String {
        self.token_named(role, "test", communes)
    }

    /// A token with its holder's name (a payment platform's token is named with the platform).
    pub fn token_named(&self, role: &str, name: &str, communes: &[&str]) -> String {
        let list = communes.join(",");
        let mut args = vec!["token", "create", "--role", role, "--name", name];
        if !communes.is_empty() {
            args.extend(["--communes", &list]);
        }
        let (ok, stdout, stderr) = self.cli(&args);
        assert!(ok, "token create failed: {stderr}");
        stdout.trim().to_owned()
    }

    /// The server's own temporary directory (for files a test hands to the CLI).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(self.client.get(self.url(path)), token)
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send(self.client.post(self.url(path)).json(body), token)
    }

    pub fn patch(
        &self, path: &str, token: Option<&str>, if_match: Option<&str>, body: &Value,
    ) -> Response {
        let mut req = self
            .client
            .patch(self.url(path))
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string());
        if let Some(tag) = if_match {
            req = req.header("if-match", tag);
        }
        self.send(req, token)
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn send(&self, req: RequestBuilder, token: Option<&str>) -> Response {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        req.send().expect("request")
    }

    /// Registers a place and returns the answer's Feature (asserting 201).
    pub fn register(&self, token: &str, kind: &str, name: &str, at: [f64; 2]) -> Value {
        let r = self.post("/api/places", Some(token), &place(kind, name, at));
        let status = r.status();
        let body: Value = r.json().expect("json");
        assert_eq!(status, 201, "register failed: {body}");
        body
    }

    /// Store counts, read through the API with a fresh reader token (without the timings of
    /// the index holds, which change with every request).
    pub fn stats(&self, reader: &str) -> Value {
        let r = self.get("/api/stats", Some(reader));
        let status = r.status();
        let body = r.text().unwrap_or_default();
        assert_eq!(status, 200, "GET /api/stats: {body}");
        let mut stats: Value = serde_json::from_str(&body).expect("json");
        let holds = stats
            .as_object_mut()
            .and_then(|o| o.remove("longest_index_hold_us"));
        assert!(
            holds.is_some_and(|h| h["read_us"].is_u64() && h["write_us"].is_u64()),
            "{body}"
        );
        stats
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The store the tests run on: `DIACHISO_TEST_STORE`, `sqlite` when unset.
pub fn test_store() -> &'static str {
    match std::env::var("DIACHISO_TEST_STORE").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => "sqlite",
        Ok("postgres") => "postgres",
        Ok(other) => panic!("unknown DIACHISO_TEST_STORE {other:?} (sqlite or postgres)"),
    }
}

/// Starts another `diachiso serve` on a store (a second node, or a source registry) and returns
/// the process with its base URL.
pub fn spawn_serve(database_url: &str) -> (Child, String) {
    spawn_serve_with(database_url, &[])
}

/// [`spawn_serve`] with more arguments for `serve`.
pub fn spawn_serve_with(database_url: &str, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("DIACHISO_LOG", "warn")
        .env("DIACHISO_RATE_LIMIT", "off")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start diachiso serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the listening line");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, base)
}

/// A GeoJSON Feature for a new place.
pub fn place(kind: &str, name: &str, at: [f64; 2]) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": at},
        "properties": {"kind": kind, "name": name}
    })
}

/// Moves a point by metres east and north (small distances).
pub fn offset(at: [f64; 2], east_m: f64, north_m: f64) -> [f64; 2] {
    [
        at[0] + east_m / (111_320.0 * at[1].to_radians().cos()),
        at[1] + north_m / 110_574.0,
    ]
}

/// Asserts a problem+json answer with this status and returns its body.
pub fn expect_problem(r: Response, status: u16) -> Value {
    let got = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().expect("body");
    assert_eq!(got, status, "expected {status}, got {got}: {text}");
    assert_eq!(ct, "application/problem+json", "content type of {text}");
    let body: Value = serde_json::from_str(&text).expect("problem body is JSON");
    assert_eq!(body["status"], status);
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "problem without detail: {text}"
    );
    body
}

/// The path of the `places` tile that holds a point at zoom z (Web Mercator, XYZ, as the
/// viewer's map asks for it).
pub fn tile_path(at: [f64; 2], z: u32) -> String {
    let n = f64::from(1u32 << z);
    let x = ((at[0] + 180.0) / 360.0 * n).floor();
    let lat = at[1].to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    format!("/tiles/places/{z}/{x}/{y}.mvt")
}

/// A tile's answer: its `x-cache` header (hit or miss) and its bytes.
pub fn tile_answer(r: Response) -> (String, Vec<u8>) {
    assert_eq!(r.status(), 200);
    let cache = r.headers()["x-cache"].to_str().unwrap().to_owned();
    (cache, r.bytes().unwrap().to_vec())
}

/// Whether a tile (or any bytes) holds a text, e.g. a place's name.
pub fn holds_text(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
