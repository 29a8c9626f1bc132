//! The bad-input suite (issue 2, item 8): throws malformed, mistyped, oversized, hostile and
//! unauthorised requests at the running binary and checks, for every case:
//!
//! - the answer is a 4xx (the exact status where the contract defines one), never a 5xx;
//! - it is `application/problem+json` with `status` and a non-empty `detail`;
//! - the process is still running, and `/health` still answers after each batch;
//! - the store holds exactly what it held before the batch: the counts of `/api/stats`, the
//!   whole change feed, the token list, and a pre-registered place byte for byte (body and
//!   ETag, read with a reader token).
//!
//! Valid-but-hostile strings (SQL, HTML, format strings) are registered for real and must come
//! back verbatim. One test sends a few hundred randomly mutated bodies (fixed seed) and
//! accounts for the mutations that happened to stay valid.

mod common;

use common::*;
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

/// How a case authenticates.
#[derive(Clone, Debug)]
enum AuthHeader {
    None,
    Bearer(String),
    /// The raw bytes of the `Authorization` header.
    Raw(Vec<u8>),
}

/// How a case sends its body.
#[derive(Clone, Debug)]
enum Body {
    None,
    Bytes(Vec<u8>),
    /// Sent with `Transfer-Encoding: chunked` (no `Content-Length`).
    Chunked(Vec<u8>),
    /// Sent over a bare socket (for bodies the server stops reading).
    Tcp {
        bytes: Vec<u8>,
        chunked: bool,
    },
}

/// One bad request and what must be answered.
#[derive(Clone, Debug)]
struct Case {
    name: String,
    method: Method,
    path: String,
    auth: AuthHeader,
    content_type: Option<String>,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Body,
    /// Acceptable statuses (all 4xx).
    expect: Vec<u16>,
    /// Expected `type` member, `/problems/{slug}`.
    slug: Option<&'static str>,
    /// Expected `reason` member (invalid codes).
    reason: Option<&'static str>,
    /// A JSON pointer that must appear as `field` in the `errors` member.
    field: Option<String>,
}

fn case(name: impl Into<String>, method: Method, path: impl Into<String>) -> Case {
    Case {
        name: name.into(),
        method,
        path: path.into(),
        auth: AuthHeader::None,
        content_type: None,
        headers: Vec::new(),
        body: Body::None,
        expect: Vec::new(),
        slug: None,
        reason: None,
        field: None,
    }
}

fn get(name: impl Into<String>, path: impl Into<String>) -> Case {
    case(name, Method::GET, path)
}

fn post(name: impl Into<String>, path: impl Into<String>) -> Case {
    case(name, Method::POST, path)
}

impl Case {
    fn token(mut self, token: &str) -> Case {
        self.auth = AuthHeader::Bearer(token.to_owned());
        self
    }

    fn auth_raw(mut self, value: &[u8]) -> Case {
        self.auth = AuthHeader::Raw(value.to_vec());
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    fn json(self, value: &Value) -> Case {
        self.raw(value.to_string())
    }

    /// Raw bytes with `Content-Type: application/json`.
    fn raw(mut self, bytes: impl Into<Vec<u8>>) -> Case {
        self.body = Body::Bytes(bytes.into());
        if self.content_type.is_none() {
            self.content_type = Some("application/json".into());
        }
        self
    }

    fn chunked(mut self) -> Case {
        self.body = match self.body {
            Body::Bytes(b) | Body::Chunked(b) => Body::Chunked(b),
            Body::Tcp { bytes, .. } => Body::Tcp {
                bytes,
                chunked: true,
            },
            Body::None => Body::Chunked(Vec::new()),
        };
        self
    }

    /// Sends the body over a bare socket.
    fn tcp(mut self) -> Case {
        self.body = match self.body {
            Body::Bytes(bytes) => Body::Tcp {
                bytes,
                chunked: false,
            },
            Body::Chunked(bytes) => Body::Tcp {
                bytes,
                chunked: true,
            },
            other => other,
        };
        self
    }

    fn content_type(mut self, ct: Option<&str>) -> Case {
        self.content_type = ct.map(str::to_owned);
        self
    }

    fn header(mut self, name: &'static str, value: &[u8]) -> Case {
        self.headers.push((name, value.to_vec()));
        self
    }

    fn expect(mut self, statuses: &[u16]) -> Case {
        assert!(
            statuses.iter().all(|s| (400..500).contains(s)),
            "case {}: only 4xx may be expected",
            self.name
        );
        self.expect = statuses.to_vec();
        self
    }

    fn slug(mut self, slug: &'static str) -> Case {
        self.slug = Some(slug);
        self
    }

    fn reason(mut self, reason: &'static str) -> Case {
        self.reason = Some(reason);
        self
    }

    fn field(mut self, pointer: impl Into<String>) -> Case {
        self.field = Some(pointer.into());
        self
    }
}

/// An answer, however it was received.
struct Answer {
    status: u16,
    content_type: String,
    www_authenticate: bool,
    allow: bool,
    text: String,
}

/// Sends a case with reqwest.
fn send_reqwest(server: &Server, c: &Case) -> Result<Answer, String> {
    let mut req = server.request(c.method.clone(), &c.path);
    match &c.auth {
        AuthHeader::None => {}
        AuthHeader::Bearer(t) => req = req.bearer_auth(t),
        AuthHeader::Raw(v) => {
            let value =
                HeaderValue::from_bytes(v).map_err(|e| format!("bad header in the test: {e}"))?;
            req = req.header("authorization", value);
        }
    }
    if let Some(ct) = &c.content_type {
        req = req.header("content-type", ct.as_str());
    }
    for (name, value) in &c.headers {
        let value =
            HeaderValue::from_bytes(value).map_err(|e| format!("bad header in the test: {e}"))?;
        req = req.header(*name, value);
    }
    req = match &c.body {
        Body::None => req,
        Body::Bytes(b) => req.body(b.clone()),
        Body::Chunked(b) => req.body(reqwest::blocking::Body::new(std::io::Cursor::new(
            b.clone(),
        ))),
        Body::Tcp { .. } => unreachable!("sent by send_tcp"),
    };
    let r = req.send().map_err(|e| format!("no answer: {e}"))?;
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let www_authenticate = r.headers().contains_key("www-authenticate");
    let allow = r.headers().contains_key("allow");
    let status = r.status().as_u16();
    let text = r.text().map_err(|e| format!("reading the body: {e}"))?;
    Ok(Answer {
        status,
        content_type,
        www_authenticate,
        allow,
        text,
    })
}

/// Sends a case over a bare TCP connection: the body is written from another thread while the
/// answer is read, so that a server that answers 413 and closes early is still heard (an HTTP
/// client library would report the broken pipe instead of the answer).
fn send_tcp(server: &Server, c: &Case) -> Result<Answer, String> {
    use std::io::{Read, Write};
    let Body::Tcp { bytes, chunked } = &c.body else {
        unreachable!("sent by send_reqwest")
    };
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n",
        c.method, c.path
    );
    if let AuthHeader::Bearer(t) = &c.auth {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(ct) = &c.content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    if *chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
    }
    let mut request = head.into_bytes();
    if *chunked {
        for chunk in bytes.chunks(64 * 1024) {
            request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            request.extend_from_slice(chunk);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
    } else {
        request.extend_from_slice(bytes);
    }
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let sender = std::thread::spawn(move || {
        // The server may stop reading and close: a failed write is expected then.
        let _ = writer.write_all(&request);
    });
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    let _ = sender.join();
    if raw.is_empty() {
        return Err(format!("no answer on the socket ({read:?})"));
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no end of headers")?;
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {head:?}"))?;
    let mut answer = Answer {
        status,
        content_type: String::new(),
        www_authenticate: false,
        allow: false,
        text: body.to_owned(),
    };
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => answer.content_type = value.trim().to_owned(),
            "www-authenticate" => answer.www_authenticate = true,
            "allow" => answer.allow = true,
            "transfer-encoding" if value.trim().eq_ignore_ascii_case("chunked") => {
                return Err("chunked answers are not decoded by this helper".into())
            }
            _ => {}
        }
    }
    Ok(answer)
}

/// Sends one case and checks the answer; returns the problem body or what was wrong.
fn try_case(server: &mut Server, c: &Case) -> Result<Value, String> {
    if c.expect.is_empty() {
        return Err("no expected status".into());
    }
    let answer = match c.body {
        Body::Tcp { .. } => send_tcp(server, c),
        _ => match send_reqwest(server, c) {
            // A server that answers 413 and closes before the client has written the whole
            // body races with the client library, which then reports the broken pipe instead
            // of the answer (seen under load): hear the answer over a bare socket instead.
            Err(e) if c.expect == [413] && e.starts_with("no answer") => {
                send_tcp(server, &c.clone().tcp())
            }
            other => other,
        },
    };
    if !server.alive() {
        return Err("the server process died".into());
    }
    let Answer {
        status,
        content_type,
        www_authenticate,
        allow,
        text,
    } = answer?;
    let shown: String = text.chars().take(400).collect();
    macro_rules! check {
        ($cond:expr, $($msg:tt)*) => {
            if !$cond {
                return Err(format!($($msg)*));
            }
        };
    }
    check!(status < 500, "server error {status}: {shown}");
    check!(
        c.expect.contains(&status),
        "expected {:?}, got {status}: {shown}",
        c.expect
    );
    check!(
        content_type == "application/problem+json",
        "content type {content_type:?} of the {status} answer {shown}"
    );
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| format!("problem body is not JSON ({e}): {shown}"))?;
    check!(body["status"] == status, "status member: {shown}");
    check!(
        body["detail"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty()),
        "problem without detail: {shown}"
    );
    check!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("/problems/")),
        "problem without type: {shown}"
    );
    check!(
        status != 401 || www_authenticate,
        "401 without WWW-Authenticate"
    );
    check!(status != 405 || allow, "405 without Allow");
    if status == 422 {
        // A validation answer says what is wrong: a list of errors or a specific slug.
        let specific = body["errors"].as_array().is_some_and(|e| !e.is_empty())
            || body["type"]
                .as_str()
                .is_some_and(|t| t != "/problems/bad-request");
        check!(specific, "422 without errors or a specific type: {shown}");
    }
    if let Some(slug) = c.slug {
        check!(
            body["type"] == format!("/problems/{slug}"),
            "problem type, expected {slug}: {shown}"
        );
    }
    if let Some(reason) = c.reason {
        check!(
            body["reason"] == reason,
            "reason, expected {reason}: {shown}"
        );
    }
    if let Some(field) = &c.field {
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        // The error may point at the field or at a member inside it.
        check!(
            fields
                .iter()
                .any(|f| f == field || f.starts_with(&format!("{field}/"))),
            "expected an error on {field}, got {fields:?}: {shown}"
        );
    }
    Ok(body)
}

/// Sends one case and panics, naming it, if the answer is wrong.
fn run_case(server: &mut Server, c: &Case) -> Value {
    try_case(server, c).unwrap_or_else(|e| panic!("case {}: {e}", c.name))
}

// ---------------------------------------------------------------------------------------------
// Store snapshots
// ---------------------------------------------------------------------------------------------

/// What the store holds, as seen through the API.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    stats: Value,
    /// The pre-registered place: body text and ETag, exactly as served.
    place: String,
    etag: String,
    /// The whole change feed.
    events: Vec<Value>,
    /// The token list (without secrets).
    tokens: Value,
}

/// Tokens and a place every test starts with.
struct Fixture {
    admin: String,
    reader: String,
    /// Editor of Phố Hiến (11953).
    editor: String,
    /// Editor of Tân Hưng (11977) only.
    other_editor: String,
    reviewer: String,
    /// Code of a place registered in Phố Hiến at setup.
    known: String,
}

impl Fixture {
    fn new(server: &Server) -> Fixture {
        let admin = server.token("admin", &[]);
        let reader = server.token("reader", &[]);
        let editor = server.token("editor", &["11953"]);
        let other_editor = server.token("editor", &["11977"]);
        let reviewer = server.token("reviewer", &[]);
        let r = server.post("/api/places", Some(&editor), &valid_feature());
        let status = r.status();
        let body: Value = r.json().expect("json");
        assert_eq!(status, 201, "the valid base feature must register: {body}");
        let known = body["properties"]["code"]
            .as_str()
            .expect("code")
            .to_owned();
        Fixture {
            admin,
            reader,
            editor,
            other_editor,
            reviewer,
            known,
        }
    }

    fn snapshot(&self, server: &Server) -> Snapshot {
        let stats = server.stats(&self.reader);
        let r = server.get(&format!("/api/places/{}", self.known), Some(&self.reader));
        assert_eq!(r.status(), 200, "the known place must be readable");
        let etag = r
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .expect("ETag")
            .to_owned();
        let place = r.text().expect("body");
        let mut events = Vec::new();
        let mut after = 0i64;
        loop {
            let r = server.get(
                &format!("/api/changes?after={after}&limit=10000"),
                Some(&self.reader),
            );
            assert_eq!(r.status(), 200, "change feed");
            let page: Value = r.json().expect("json");
            let batch = page["events"].as_array().expect("events").clone();
            if batch.is_empty() {
                break;
            }
            after = page["last_seq"].as_i64().expect("last_seq");
            events.extend(batch);
        }
        let r = server.get("/api/tokens", Some(&self.admin));
        let status = r.status();
        let body = r.text().unwrap_or_default();
        assert_eq!(status, 200, "token list: {body}");
        let tokens: Value = serde_json::from_str(&body).expect("json");
        Snapshot {
            stats,
            place,
            etag,
            events,
            tokens,
        }
    }

    fn known_path(&self, suffix: &str) -> String {
        format!("/api/places/{}{suffix}", self.known)
    }
}

/// The server answers its health check and its process runs.
fn assert_healthy(server: &mut Server, after: &str) {
    assert!(server.alive(), "{after}: the server process died");
    let r = server.get("/health", None);
    assert_eq!(r.status(), 200, "{after}: /health");
}

/// Runs a batch of cases and checks that nothing in the store changed; returns how many ran.
/// Every failing case is reported, not only the first.
fn run_batch(server: &mut Server, fx: &Fixture, label: &str, cases: &[Case]) -> usize {
    let before = fx.snapshot(server);
    let mut failures = Vec::new();
    for c in cases {
        if let Err(e) = try_case(server, c) {
            failures.push(format!("case {}: {e}", c.name));
            if !server.alive() {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{label}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_healthy(server, label);
    let after = fx.snapshot(server);
    assert_store_unchanged(&before, &after, label);
    cases.len()
}

fn assert_store_unchanged(before: &Snapshot, after: &Snapshot, label: &str) {
    assert_eq!(before.stats, after.stats, "{label}: store counts changed");
    assert_eq!(
        before.etag, after.etag,
        "{label}: the known place's ETag changed"
    );
    assert_eq!(
        before.place, after.place,
        "{label}: the known place changed"
    );
    assert_eq!(
        before.events.len(),
        after.events.len(),
        "{label}: events were appended"
    );
    assert_eq!(
        before.events, after.events,
        "{label}: the change feed changed"
    );
    assert_eq!(
        before.tokens, after.tokens,
        "{label}: the token list changed"
    );
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/// A valid, rich Feature in Phố Hiến (every optional part present), registrable any number of
/// times (`confirm_distinct`).
fn valid_feature() -> Value {
    feature_at(PHO_HIEN, "Bãi đỗ xe Phố Hiến")
}

fn feature_at(at: [f64; 2], name: &str) -> Value {
    let [x, y] = at;
    let d = 0.0001;
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [x, y]},
        "properties": {
            "kind": "parking_lot",
            "name": name,
            "address": {"house_number": "12A", "street": "phố Nguyễn Văn Linh", "hamlet": "Tổ dân phố 3"},
            "attributes": {
                "capacity": {"motorbike": 300, "car": 40},
                "phone": "0221 3862 123",
                "opening_hours": "06:00-22:00"
            },
            "external_ids": {"postcode": "16000", "land_parcel_sheet": "12", "land_parcel_plot": "345"},
            "footprint": {"type": "Polygon", "coordinates": [[
                [x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]
            ]]},
            "generated": false,
            "confirm_distinct": true
        }
    })
}

/// `base` with the value at a JSON pointer replaced (parents created as objects).
fn with(base: &Value, pointer: &str, value: Value) -> Value {
    let mut doc = base.clone();
    let mut at = &mut doc;
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        at = match at {
            Value::Array(a) => {
                let idx: usize = part.parse().expect("array index");
                if last {
                    a[idx] = value;
                    return doc;
                }
                &mut a[idx]
            }
            other => {
                if !other.is_object() {
                    *other = json!({});
                }
                let o = other.as_object_mut().expect("object");
                if last {
                    o.insert((*part).to_owned(), value);
                    return doc;
                }
                o.entry((*part).to_owned()).or_insert(json!({}))
            }
        };
    }
    value
}

/// `base` without the member at a JSON pointer.
fn without(base: &Value, pointer: &str) -> Value {
    let mut doc = base.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    let target = if parent.is_empty() {
        &mut doc
    } else {
        doc.pointer_mut(parent).expect("parent exists")
    };
    target.as_object_mut().expect("object").remove(key);
    doc
}

/// A valid body as text with one substring replaced (for literals JSON values cannot hold).
fn replace_once(base: &Value, from: &str, to: &str) -> String {
    let text = base.to_string();
    assert!(text.contains(from), "{from:?} not in the base body");
    text.replacen(from, to, 1)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// Malformed, truncated, oversized, mis-encoded and mis-typed bodies: 400, 413, 415, and
/// nothing stored.
#[test]
fn malformed_bodies_are_refused_and_change_nothing() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    let base = valid_feature();
    let base_text = base.to_string();
    let p = "/api/places";
    let mut cases: Vec<Case> = Vec::new();
    let malformed = |name: &str, body: &[u8]| {
        post(format!("malformed: {name}"), p)
            .token(&fx.editor)
            .raw(body.to_vec())
            .expect(&[400])
    };

    // Every truncation point of the valid body (it contains multi-byte UTF-8, so some cuts
    // also split a character). The empty body is "no Feature": 400 or 422.
    let bytes = base_text.as_bytes();
    cases.push(
        post("truncated at 0 bytes", p)
            .token(&fx.editor)
            .raw(Vec::new())
            .expect(&[400, 422]),
    );
    for cut in 1..bytes.len() {
        cases.push(
            post(format!("truncated at {cut} of {} bytes", bytes.len()), p)
                .token(&fx.editor)
                .raw(bytes[..cut].to_vec())
                .expect(&[400]),
        );
    }

    // Malformed JSON.
    for (name, body) in [
        ("lone brace", "{"),
        ("lone closing brace", "}"),
        ("trailing comma", r#"{"type":"Feature",}"#),
        ("single quotes", "{'type':'Feature'}"),
        ("unquoted key", r#"{type:"Feature"}"#),
        ("comment", r#"{"type":"Feature" /* c */}"#),
        ("missing colon", r#"{"type" "Feature"}"#),
        ("unterminated string", r#"{"type":"Feature}"#),
        ("bad escape", r#"{"type":"Fe\qature"}"#),
        (
            "lone surrogate escape",
            r#"{"type":"Feature","properties":{"name":"a\ud800b"}}"#,
        ),
        (
            "lone low surrogate escape",
            r#"{"properties":{"name":"\udc00"}}"#,
        ),
        (
            "raw control character in string",
            "{\"type\":\"Feat\u{1}ure\"}",
        ),
        ("raw newline in string", "{\"type\":\"Feat\nure\"}"),
        ("only whitespace", "   \n\t  "),
        ("garbage", "hello world"),
        ("xml", "<Feature/>"),
        ("form", "kind=house&name=x"),
        ("two documents", "{} {}"),
        ("NUL byte", "\u{0}"),
    ] {
        cases.push(malformed(name, body.as_bytes()));
    }
    cases.push(malformed(
        "valid body plus garbage",
        format!("{base_text}x").as_bytes(),
    ));
    cases.push(malformed(
        "valid body plus a brace",
        format!("{base_text}}}").as_bytes(),
    ));
    cases.push(malformed(
        "valid body twice",
        format!("{base_text}{base_text}").as_bytes(),
    ));
    cases.push(malformed(
        "valid body, NUL after",
        format!("{base_text}\0").as_bytes(),
    ));

    // Number literals JSON does not have, and numbers no f64 holds.
    for (name, literal) in [
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("nan", "nan"),
        ("inf", "inf"),
        ("leading plus", "+106.068"),
        ("leading dot", ".5"),
        ("trailing dot", "106."),
        ("leading zero", "0106.068"),
        ("hex", "0x6A"),
        ("bare exponent", "1e"),
        ("double minus", "--1"),
        ("1e400", "1e400"),
        ("-1e400", "-1e400"),
        ("1e308*10 written out", "1e309"),
        ("a 400-digit integer", &"9".repeat(400)),
    ] {
        let body = replace_once(&base, "106.068,", &format!("{literal},"));
        cases.push(malformed(&format!("longitude {name}"), body.as_bytes()));
        let body = replace_once(&base, "\"car\":40", &format!("\"car\":{literal}"));
        cases.push(malformed(&format!("capacity {name}"), body.as_bytes()));
    }

    // Invalid UTF-8 inside an otherwise valid body, and a BOM.
    for (name, bad) in [
        ("0xFF", &b"\xff"[..]),
        ("0xFE 0xFF", b"\xfe\xff"),
        ("lone continuation byte", b"\x80"),
        ("truncated 2-byte sequence", b"\xc3"),
        ("bad continuation", b"\xc3\x28"),
        ("overlong slash", b"\xc0\xaf"),
        ("overlong NUL", b"\xc0\x80"),
        ("encoded surrogate", b"\xed\xa0\x80"),
        ("beyond U+10FFFF", b"\xf4\x90\x80\x80"),
        ("5-byte form", b"\xf8\x88\x80\x80\x80"),
        ("Latin-1 e-acute", b"\xe9"),
    ] {
        let text = base_text.replacen("Phố Hiến\"", "Phố Hiến\u{1}\"", 1);
        let mut body = Vec::new();
        let (head, tail) = text.split_once('\u{1}').expect("marker");
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bad);
        body.extend_from_slice(tail.as_bytes());
        cases.push(malformed(
            &format!("invalid UTF-8 ({name}) in the name"),
            &body,
        ));
    }
    let mut latin1 = Vec::new();
    for ch in base_text.chars() {
        // The body re-encoded byte-per-char (what a Windows-1252 client might send).
        latin1.push(u32::from(ch).min(0xFF) as u8);
    }
    cases.push(malformed(
        "the whole body in a single-byte encoding",
        &latin1,
    ));
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in base_text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    cases.push(malformed("the body in UTF-16LE with a BOM", &utf16));
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(base_text.as_bytes());
    cases.push(malformed("UTF-8 BOM before a valid body", &bom));

    // Deep nesting (beyond any sane recursion limit), at the top and inside a valid body.
    cases.push(malformed("10,000 [", "[".repeat(10_000).as_bytes()));
    cases.push(malformed(
        "10,000 nested arrays, closed",
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).as_bytes(),
    ));
    cases.push(malformed(
        "10,000 nested objects",
        format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)).as_bytes(),
    ));
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    cases.push(malformed(
        "5,000-deep array in the attributes",
        replace_once(&base, "\"phone\"", &format!("\"deep\":{deep},\"phone\"")).as_bytes(),
    ));

    // Bodies that are JSON but not a Feature object.
    for (name, body) in [
        ("null", "null"),
        ("array", "[]"),
        ("array of the feature", &format!("[{base_text}]")),
        ("string", "\"Feature\""),
        ("number", "42"),
        ("true", "true"),
        ("empty object", "{}"),
        (
            "FeatureCollection",
            &json!({"type": "FeatureCollection", "features": [base]}).to_string(),
        ),
    ] {
        cases.push(
            post(format!("JSON but not a Feature: {name}"), p)
                .token(&fx.editor)
                .raw(body.as_bytes().to_vec())
                .expect(&[422]),
        );
    }

    // Content types.
    for ct in [
        Some("text/plain"),
        Some("text/html"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/xml"),
        Some("application/octet-stream"),
        Some("application/jsonx"),
        Some("application/json-seq"),
        Some("json"),
        Some(""),
        Some("application/json%00"),
        Some("application/json+x"),
        Some("application/problem+json"),
        None,
    ] {
        let mut c = post(format!("content type {ct:?}"), p)
            .token(&fx.editor)
            .content_type(ct);
        c.body = Body::Bytes(base_text.clone().into_bytes());
        cases.push(c.expect(&[415]).slug("unsupported-media-type"));
    }
    // Content types that are JSON, with a body that is not.
    for ct in [
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/geo+json",
    ] {
        cases.push(
            post(format!("{ct} with a broken body"), p)
                .token(&fx.editor)
                .content_type(Some(ct))
                .raw(bytes[..bytes.len() / 2].to_vec())
                .expect(&[400]),
        );
    }

    // Bodies over 1 MiB: with Content-Length and chunked, valid JSON and garbage.
    let huge_name = "x".repeat(1024 * 1024 + 1);
    let big_valid = with(&base, "/properties/name", json!(huge_name)).to_string();
    let just_over = format!(
        "{base_text}{}",
        " ".repeat(1024 * 1024 + 1 - base_text.len())
    );
    assert_eq!(just_over.len(), 1024 * 1024 + 1);
    for (name, body) in [
        ("a 1 MiB name", big_valid.clone().into_bytes()),
        (
            "1 MiB + 1 byte (valid JSON padded with spaces)",
            just_over.into_bytes(),
        ),
    ] {
        cases.push(
            post(format!("too large: {name}"), p)
                .token(&fx.editor)
                .raw(body.clone())
                .expect(&[413])
                .slug("too-large"),
        );
        cases.push(
            post(format!("too large, chunked: {name}"), p)
                .token(&fx.editor)
                .raw(body.clone())
                .chunked()
                .expect(&[413])
                .slug("too-large"),
        );
        cases.push(
            post(format!("too large, raw socket: {name}"), p)
                .token(&fx.editor)
                .raw(body)
                .tcp()
                .expect(&[413])
                .slug("too-large"),
        );
    }
    // Bodies far over the limit, which the server stops reading: over a bare socket.
    for (name, body) in [
        ("4 MiB of garbage", vec![b'a'; 4 * 1024 * 1024]),
        ("16 MiB of a valid-looking array", {
            let mut b = b"[".to_vec();
            b.extend(std::iter::repeat_n(&b"1,"[..], 8 * 1024 * 1024).flatten());
            b.extend_from_slice(b"1]");
            b
        }),
    ] {
        cases.push(
            post(format!("too large, raw socket: {name}"), p)
                .token(&fx.editor)
                .raw(body.clone())
                .tcp()
                .expect(&[413])
                .slug("too-large"),
        );
        cases.push(
            post(format!("too large, raw socket, chunked: {name}"), p)
                .token(&fx.editor)
                .raw(body)
                .tcp()
                .chunked()
                .expect(&[413])
                .slug("too-large"),
        );
    }
    cases.push(
        post("1 MiB POSTed to a GET/PATCH route", fx.known_path(""))
            .token(&fx.editor)
            .raw(big_valid.clone().into_bytes())
            .expect(&[405, 413]),
    );
    let mut big_patch = case("too large: PATCH body", Method::PATCH, fx.known_path(""))
        .token(&fx.editor)
        .content_type(Some("application/merge-patch+json"))
        .header("if-match", b"*")
        .expect(&[413]);
    big_patch.body = Body::Bytes(big_valid.into_bytes());
    cases.push(big_patch);

    // The same malformed bodies on the other JSON endpoints.
    let retire = fx.known_path("/retire");
    let certify = fx.known_path("/certify");
    for (path, token) in [
        (retire.as_str(), &fx.editor),
        (certify.as_str(), &fx.reviewer),
        ("/api/tokens", &fx.admin),
    ] {
        for (name, body) in [
            ("truncated", &b"{\"reason\": \"gi"[..]),
            ("NaN", b"{\"reason\": NaN}"),
            ("invalid UTF-8", b"{\"reason\": \"\xff\"}"),
            ("deep", &"[".repeat(10_000).into_bytes()),
        ] {
            cases.push(
                post(format!("{path}: {name}"), path)
                    .token(token)
                    .raw(body.to_vec())
                    .expect(&[400]),
            );
        }
        cases.push(
            post(format!("{path}: text/plain"), path)
                .token(token)
                .content_type(Some("text/plain"))
                .raw(b"{\"reason\": \"x\"}".to_vec())
                .expect(&[415]),
        );
        cases.push(
            post(format!("{path}: too large"), path)
                .token(token)
                .raw(vec![b' '; 1024 * 1024 + 10])
                .expect(&[413]),
        );
    }
    for (name, body) in [
        ("truncated", &b"{\"properties\": {\"name\": \"x"[..]),
        ("NaN", b"{\"geometry\": {\"coordinates\": [NaN, 20]}}"),
        (
            "1e400",
            b"{\"geometry\": {\"type\": \"Point\", \"coordinates\": [1e400, 20]}}",
        ),
        (
            "invalid UTF-8",
            b"{\"properties\": {\"name\": \"\xc3\x28\"}}",
        ),
        ("BOM", b"\xef\xbb\xbf{\"properties\": {\"name\": \"BOM\"}}"),
        ("deep", &"{\"a\":".repeat(10_000).into_bytes()),
    ] {
        let mut c = case(format!("PATCH: {name}"), Method::PATCH, fx.known_path(""))
            .token(&fx.editor)
            .content_type(Some("application/merge-patch+json"))
            .header("if-match", b"*")
            .expect(&[400]);
        c.body = Body::Bytes(body.to_vec());
        cases.push(c);
    }

    let n = run_batch(&mut server, &fx, "malformed bodies", &cases);
    assert!(n > 600, "only {n} cases");
    eprintln!("malformed bodies: {n} cases");
}

/// Well-formed JSON that is not a valid place: 422 naming the field, and nothing stored.
#[test]
fn invalid_places_are_422_and_change_nothing() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    let base = valid_feature();
    let p = "/api/places";
    let mut cases: Vec<Case> = Vec::new();
    let invalid = |name: String, body: Value, field: Option<&str>| {
        let c = post(name, p).token(&fx.editor).json(&body).expect(&[422]);
        match field {
            Some(f) => c.field(f),
            None => c,
        }
    };

    // Wrong JSON types for every field.
    let wrong_types: [(&str, Value); 7] = [
        ("null", Value::Null),
        ("true", json!(true)),
        ("0", json!(0)),
        ("1.5", json!(1.5)),
        ("a string", json!("x")),
        ("an array", json!([])),
        ("an object", json!({})),
    ];
    // (pointer, field reported, which of the wrong types are actually valid there)
    let fields: [(&str, &str, &[&str]); 22] = [
        ("/type", "/type", &[]),
        ("/geometry", "/geometry", &[]),
        ("/geometry/type", "/geometry/type", &[]),
        ("/geometry/coordinates", "/geometry/coordinates", &[]),
        ("/geometry/coordinates/0", "/geometry/coordinates", &[]),
        ("/geometry/coordinates/1", "/geometry/coordinates", &[]),
        ("/properties", "/properties", &[]),
        ("/properties/kind", "/properties/kind", &[]),
        ("/properties/name", "/properties/name", &["a string"]),
        ("/properties/address", "/properties/address", &["an object"]),
        ("/properties/footprint", "/properties/footprint", &["null"]),
        (
            "/properties/address/house_number",
            "/properties/address/house_number",
            &["null", "a string"],
        ),
        (
            "/properties/address/street",
            "/properties/address/street",
            &["null", "a string"],
        ),
        (
            "/properties/address/hamlet",
            "/properties/address/hamlet",
            &["null", "a string"],
        ),
        (
            "/properties/attributes",
            "/properties/attributes",
            &["an object"],
        ),
        (
            "/properties/attributes/capacity",
            "/properties/attributes/capacity",
            &["an object"],
        ),
        (
            "/properties/attributes/capacity/car",
            "/properties/attributes/capacity/car",
            &["0"],
        ),
        (
            "/properties/attributes/phone",
            "/properties/attributes/phone",
            &["a string"],
        ),
        (
            "/properties/external_ids",
            "/properties/external_ids",
            &["an object"],
        ),
        (
            "/properties/external_ids/postcode",
            "/properties/external_ids/postcode",
            &[],
        ),
        ("/properties/generated", "/properties/generated", &["true"]),
        (
            "/properties/confirm_distinct",
            "/properties/confirm_distinct",
            &["true"],
        ),
    ];
    for (pointer, reported, valid) in fields {
        for (tname, value) in &wrong_types {
            if valid.contains(tname) {
                continue;
            }
            // The geometry's errors are reported on the first thing found wrong, and an empty
            // properties object on its missing members.
            let field = if pointer.starts_with("/geometry") || pointer == "/properties" {
                None
            } else {
                Some(reported)
            };
            cases.push(invalid(
                format!("{pointer} is {tname}"),
                with(&base, pointer, value.clone()),
                field,
            ));
        }
    }
    // Required members missing.
    for pointer in [
        "/type",
        "/geometry",
        "/geometry/type",
        "/geometry/coordinates",
        "/properties",
        "/properties/kind",
        "/properties/name",
    ] {
        cases.push(invalid(
            format!("{pointer} missing"),
            without(&base, pointer),
            None,
        ));
    }

    // Coordinates out of range, outside the territory, outside the province.
    for (name, coords, slug) in [
        ("longitude 180.0001", json!([180.0001, 20.66]), "validation"),
        ("longitude -181", json!([-181.0, 20.66]), "validation"),
        ("latitude 90.5", json!([106.068, 90.5]), "validation"),
        ("latitude -1000", json!([106.068, -1000.0]), "validation"),
        ("lat/lon swapped", json!([20.6634, 106.068]), "validation"),
        (
            "huge longitude 99999999999999999999999",
            json!(99_999_999_999_999_999_999_999.0_f64)
                .as_f64()
                .map(|x| json!([x, 20.66]))
                .unwrap(),
            "validation",
        ),
        ("1.7e308", json!([1.7e308, 1.7e308]), "validation"),
        ("-1.7e308", json!([-1.7e308, 20.66]), "validation"),
        ("null island", json!([0.0, 0.0]), "outside-territory"),
        ("negative zero", json!([-0.0, -0.0]), "outside-territory"),
        ("Paris", json!([2.35, 48.85]), "outside-territory"),
        (
            "just west of the box",
            json!([101.9999, 20.66]),
            "outside-territory",
        ),
        (
            "just north of the box",
            json!([106.068, 23.5001]),
            "outside-territory",
        ),
        (
            "swapped, inside lon range",
            json!([20.66, 20.66]),
            "outside-territory",
        ),
        (
            "the sea east of the province",
            json!([107.5, 20.0]),
            "outside-communes",
        ),
        (
            "Hanoi (in the territory, no commune loaded)",
            json!([105.85, 21.03]),
            "outside-communes",
        ),
        (
            "Ho Chi Minh City",
            json!([106.70, 10.78]),
            "outside-communes",
        ),
        ("Hoang Sa", json!([112.0, 16.5]), "outside-communes"),
        ("box corner 102,6", json!([102.0, 6.0]), "outside-communes"),
        (
            "box corner 118,23.5",
            json!([118.0, 23.5]),
            "outside-communes",
        ),
    ] {
        cases.push(
            post(format!("coordinates {name}"), p)
                .token(&fx.editor)
                .json(&with(&base, "/geometry/coordinates", coords))
                .expect(&[422])
                .slug(slug),
        );
    }
    // Written out as text: numbers JSON can hold but f64 rounds.
    for (name, literal) in [
        ("99999999999999999999999", "99999999999999999999999"),
        ("-99999999999999999999999", "-99999999999999999999999"),
        ("1e308", "1e308"),
        ("tiny 1e-400 (underflows to 0)", "1e-400"),
    ] {
        let body = replace_once(&base, "106.068,", &format!("{literal},"));
        cases.push(
            post(format!("longitude literal {name}"), p)
                .token(&fx.editor)
                .raw(body)
                .expect(&[422]),
        );
    }
    // Positions of the wrong length or shape.
    for (name, coords) in [
        ("empty", json!([])),
        ("one number", json!([106.068])),
        ("four numbers", json!([106.068, 20.6634, 0.0, 0.0])),
        (
            "ten numbers",
            json!([106.068, 20.6634, 0, 0, 0, 0, 0, 0, 0, 0]),
        ),
        ("nested position", json!([[106.068, 20.6634]])),
        ("strings", json!(["106.068", "20.6634"])),
        ("longitude null", json!([null, 20.6634])),
        ("booleans", json!([true, false])),
        ("object", json!({"lon": 106.068, "lat": 20.6634})),
        ("height is a string", json!([106.068, 20.6634, "abc"])),
        ("height is null", json!([106.068, 20.6634, null])),
        ("height is an object", json!([106.068, 20.6634, {}])),
    ] {
        cases.push(
            post(format!("coordinates {name}"), p)
                .token(&fx.editor)
                .json(&with(&base, "/geometry/coordinates", coords))
                .expect(&[422]),
        );
    }
    // Geometries other than a Point.
    for geometry in [
        json!({"type": "LineString", "coordinates": [[106.068, 20.6634], [106.069, 20.6635]]}),
        json!({"type": "Polygon", "coordinates": [[[106.068, 20.66], [106.069, 20.66], [106.069, 20.67], [106.068, 20.66]]]}),
        json!({"type": "MultiPoint", "coordinates": [[106.068, 20.6634]]}),
        json!({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [106.068, 20.6634]}]}),
        json!({"type": "point", "coordinates": [106.068, 20.6634]}),
        json!({"type": "POINT", "coordinates": [106.068, 20.6634]}),
        json!({"type": "Point ", "coordinates": [106.068, 20.6634]}),
        json!({"type": "Feature", "coordinates": [106.068, 20.6634]}),
        json!({"coordinates": [106.068, 20.6634]}),
        json!({"type": "Point"}),
        json!({"type": "Point", "coordinates": null}),
        json!({"type": "Point", "coordinates": "106.068,20.6634"}),
    ] {
        let name = format!("geometry {geometry}");
        cases.push(invalid(name, with(&base, "/geometry", geometry), None));
    }
    for t in ["FeatureCollection", "feature", "Point", "", "Feature "] {
        cases.push(invalid(
            format!("type {t:?}"),
            with(&base, "/type", json!(t)),
            Some("/type"),
        ));
    }

    // Unknown kinds.
    for kind in [
        "castle",
        "",
        " ",
        "Business",
        "BUSINESS",
        "business ",
        " business",
        "parking-lot",
        "parking lot",
        "bãi đỗ xe",
        "công trình công cộng",
        "house\u{0}",
        "house\u{200b}",
        "ｈｏｕｓｅ",
        "other; DROP TABLE places; --",
        "<script>alert(1)</script>",
    ] {
        cases.push(invalid(
            format!("kind {kind:?}"),
            with(&base, "/properties/kind", json!(kind)),
            Some("/properties/kind"),
        ));
    }

    // Unknown fields at every level.
    for (pointer, reported) in [
        ("/colour", "/colour"),
        ("/Type", "/Type"),
        ("/crs", "/crs"),
        ("/properties/colour", "/properties/colour"),
        ("/properties/Kind", "/properties/Kind"),
        ("/properties/name ", "/properties/name "),
        ("/properties/__proto__", "/properties/__proto__"),
        ("/properties/population", "/properties/population"),
        ("/properties/address/zip", "/properties/address/zip"),
        ("/properties/address/ward", "/properties/address/ward"),
        (
            "/properties/attributes/capacity/tank",
            "/properties/attributes/capacity/tank",
        ),
        (
            "/properties/attributes/Bad Key",
            "/properties/attributes/Bad Key",
        ),
        ("/properties/attributes/", "/properties/attributes/"),
        (
            "/properties/external_ids/Bad-Id",
            "/properties/external_ids/Bad-Id",
        ),
    ] {
        cases.push(invalid(
            format!("unknown member {pointer}"),
            with(&base, pointer, json!("x")),
            Some(reported),
        ));
    }
    // Foreign members of the geometry and of the footprint are refused like those of the
    // Feature (the Feature's own unknown members are).
    cases.push(invalid(
        "unknown member /geometry/colour".into(),
        with(&base, "/geometry/colour", json!("red")),
        None,
    ));
    cases.push(invalid(
        "unknown member /geometry/crs".into(),
        with(
            &base,
            "/geometry/crs",
            json!({"type": "name", "properties": {"name": "EPSG:3405"}}),
        ),
        None,
    ));
    cases.push(invalid(
        "unknown member /properties/footprint/colour".into(),
        with(&base, "/properties/footprint/colour", json!("red")),
        Some("/properties/footprint"),
    ));
    // The footprint is stored as sent: a foreign member would smuggle unvalidated data in.
    cases.push(invalid(
        "footprint with a 500 KB foreign member".into(),
        with(
            &base,
            "/properties/footprint/junk",
            json!("j".repeat(500 * 1024)),
        ),
        Some("/properties/footprint"),
    ));
    // The Feature's optional members have types too (RFC 7946: id a string or number, bbox
    // an array of 2n numbers).
    for (name, pointer, value) in [
        ("bbox a string", "/bbox", json!("106,20,107,21")),
        (
            "bbox of strings",
            "/bbox",
            json!(["106", "20", "107", "21"]),
        ),
        ("bbox an object", "/bbox", json!({"west": 106})),
        ("id an object", "/id", json!({"code": "795857305212"})),
        ("id an array", "/id", json!([1])),
        ("id a boolean", "/id", json!(true)),
    ] {
        cases.push(invalid(
            format!("Feature {name}"),
            with(&base, pointer, value),
            None,
        ));
    }

    // Read-only members.
    for (member, value) in [
        ("code", json!("795857305212")),
        ("code_display", json!("7958 5730 5212")),
        ("commune_code", json!("11977")),
        ("commune_name", json!("Xã Tân Hưng")),
        ("status", json!("active")),
        ("status", json!("retired")),
        ("version", json!(99)),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("updated_at", json!("2020-01-01T00:00:00Z")),
        ("kind_label", json!("bãi đỗ xe")),
        ("code", Value::Null),
    ] {
        let pointer = format!("/properties/{member}");
        cases.push(invalid(
            format!("read-only {member} = {value}"),
            with(&base, &pointer, value),
            Some(&pointer),
        ));
    }

    // Names: empty, blank, overlong, control characters.
    let nfd_e = "e\u{323}\u{302}"; // ệ decomposed: 3 code points, 1 character after NFC
    for (name, value) in [
        ("empty", String::new()),
        ("spaces", "   ".to_owned()),
        ("ideographic space", "\u{3000}".to_owned()),
        ("201 ASCII characters", "a".repeat(201)),
        ("201 Vietnamese characters", "\u{1ec7}".repeat(201)),
        (
            "201 characters written decomposed (603 code points)",
            nfd_e.repeat(201),
        ),
        ("10,000 characters", "Chùa ".repeat(2_000)),
        ("NUL", "Chùa\u{0}Keo".to_owned()),
        ("BEL", "Chùa\u{7}Keo".to_owned()),
        ("ESC (terminal escape)", "\u{1b}[31mChùa Keo".to_owned()),
        ("DEL", "Chùa Keo\u{7f}".to_owned()),
        ("C1 CSI", "Chùa\u{9b}Keo".to_owned()),
        ("backspace", "Chùa\u{8}Keo".to_owned()),
    ] {
        cases.push(invalid(
            format!("name {name}"),
            with(&base, "/properties/name", json!(value)),
            Some("/properties/name"),
        ));
    }
    for (part, max) in [("house_number", 20), ("street", 200), ("hamlet", 200)] {
        let pointer = format!("/properties/address/{part}");
        cases.push(invalid(
            format!("{part} of {} characters", max + 1),
            with(&base, &pointer, json!("1".repeat(max + 1))),
            Some(&pointer),
        ));
        cases.push(invalid(
            format!("{part} with a NUL"),
            with(&base, &pointer, json!("12\u{0}")),
            Some(&pointer),
        ));
        cases.push(invalid(
            format!("{part} empty"),
            with(&base, &pointer, json!("")),
            Some(&pointer),
        ));
    }

    // Attributes and external ids.
    for (name, pointer, value, field) in [
        (
            "capacity -1",
            "/properties/attributes/capacity/car",
            json!(-1),
            "/properties/attributes/capacity/car",
        ),
        (
            "capacity 1.5",
            "/properties/attributes/capacity/car",
            json!(1.5),
            "/properties/attributes/capacity/car",
        ),
        (
            "capacity 100001",
            "/properties/attributes/capacity/car",
            json!(100_001),
            "/properties/attributes/capacity/car",
        ),
        (
            "capacity u64::MAX",
            "/properties/attributes/capacity/car",
            json!(u64::MAX),
            "/properties/attributes/capacity/car",
        ),
        (
            "capacity i64::MIN",
            "/properties/attributes/capacity/car",
            json!(i64::MIN),
            "/properties/attributes/capacity/car",
        ),
        (
            "capacity as text",
            "/properties/attributes/capacity/car",
            json!("40"),
            "/properties/attributes/capacity/car",
        ),
        (
            "capacity an array",
            "/properties/attributes/capacity",
            json!([300, 40]),
            "/properties/attributes/capacity",
        ),
        (
            "website a number",
            "/properties/attributes/website",
            json!(1),
            "/properties/attributes/website",
        ),
        (
            "attribute name upper case",
            "/properties/attributes/Phone",
            json!("1"),
            "/properties/attributes/Phone",
        ),
        (
            "attribute name 65 characters",
            &format!("/properties/attributes/{}", "a".repeat(65)),
            json!(1),
            &format!("/properties/attributes/{}", "a".repeat(65)),
        ),
        (
            "attribute name with SQL",
            "/properties/attributes/x'; DROP TABLE places; --",
            json!(1),
            "/properties/attributes/x'; DROP TABLE places; --",
        ),
        (
            "attributes over 16 KiB",
            "/properties/attributes/description",
            json!("a".repeat(17 * 1024)),
            "/properties/attributes",
        ),
        (
            "postcode of 4 digits",
            "/properties/external_ids/postcode",
            json!("1600"),
            "/properties/external_ids/postcode",
        ),
        (
            "postcode with letters",
            "/properties/external_ids/postcode",
            json!("16OOO"),
            "/properties/external_ids/postcode",
        ),
        (
            "postcode as a number",
            "/properties/external_ids/postcode",
            json!(16000),
            "/properties/external_ids/postcode",
        ),
        (
            "land parcel sheet 11 characters",
            "/properties/external_ids/land_parcel_sheet",
            json!("12345678901"),
            "/properties/external_ids/land_parcel_sheet",
        ),
        (
            "land parcel plot with a space",
            "/properties/external_ids/land_parcel_plot",
            json!("34 5"),
            "/properties/external_ids/land_parcel_plot",
        ),
        (
            "other id 101 characters",
            "/properties/external_ids/business_registry",
            json!("9".repeat(101)),
            "/properties/external_ids/business_registry",
        ),
        (
            "other id with a NUL",
            "/properties/external_ids/business_registry",
            json!("01\u{0}"),
            "/properties/external_ids/business_registry",
        ),
        (
            "other id empty",
            "/properties/external_ids/business_registry",
            json!(""),
            "/properties/external_ids/business_registry",
        ),
    ] {
        cases.push(invalid(
            name.to_string(),
            with(&base, pointer, value),
            Some(field),
        ));
    }
    let mut many_ids = serde_json::Map::new();
    for i in 0..21 {
        many_ids.insert(format!("system_{i}"), json!("1"));
    }
    cases.push(invalid(
        "21 external ids".into(),
        with(&base, "/properties/external_ids", Value::Object(many_ids)),
        Some("/properties/external_ids"),
    ));
    cases.push(invalid(
        "capacity on a house".into(),
        with(&base, "/properties/kind", json!("house")),
        Some("/properties/attributes/capacity"),
    ));

    // Footprints.
    let [x, y] = PHO_HIEN;
    let ring = |pts: Value| json!({"type": "Polygon", "coordinates": [pts]});
    for (name, footprint) in [
        ("a Point", json!({"type": "Point", "coordinates": [x, y]})),
        (
            "a LineString",
            json!({"type": "LineString", "coordinates": [[x, y], [x + 0.001, y]]}),
        ),
        (
            "no type",
            json!({"coordinates": [[[x, y], [x + 0.001, y], [x, y + 0.001], [x, y]]]}),
        ),
        (
            "a string",
            json!("POLYGON((106 20, 106.1 20, 106 20.1, 106 20))"),
        ),
        ("no rings", json!({"type": "Polygon", "coordinates": []})),
        (
            "coordinates not an array",
            json!({"type": "Polygon", "coordinates": {}}),
        ),
        (
            "a ring of 3 positions",
            ring(json!([[x, y], [x + 0.001, y], [x, y]])),
        ),
        (
            "an open ring",
            ring(json!([
                [x, y],
                [x + 0.001, y],
                [x, y + 0.001],
                [x + 0.001, y + 0.001]
            ])),
        ),
        (
            "a ring in the sea of another country",
            ring(json!([[0, 0], [1, 0], [1, 1], [0, 0]])),
        ),
        (
            "positions as strings",
            ring(json!([
                ["106", "20"],
                ["106.1", "20"],
                ["106", "20.1"],
                ["106", "20"]
            ])),
        ),
        ("positions of one number", ring(json!([[x], [x], [x], [x]]))),
        (
            "a position with a string height",
            ring(json!([
                [x, y, "high"],
                [x + 0.001, y],
                [x, y + 0.001],
                [x, y, "high"]
            ])),
        ),
        (
            "positions of ten numbers",
            ring(json!([
                [x, y, 0, 0, 0, 0, 0, 0, 0, 0],
                [x + 0.001, y],
                [x, y + 0.001],
                [x, y, 0, 0, 0, 0, 0, 0, 0, 0]
            ])),
        ),
        ("a ring of numbers", ring(json!([1, 2, 3, 1]))),
        (
            "a MultiPolygon with a bad polygon",
            json!({"type": "MultiPolygon", "coordinates": [[]]}),
        ),
        (
            "a MultiPolygon whose coordinates are a string",
            json!({"type": "MultiPolygon", "coordinates": "x"}),
        ),
    ] {
        cases.push(invalid(
            format!("footprint {name}"),
            with(&base, "/properties/footprint", footprint),
            Some("/properties/footprint"),
        ));
    }
    let many: Vec<Value> = (0..=10_001)
        .map(|i| {
            let a = f64::from(i) / 10_001.0 * std::f64::consts::TAU;
            if i == 10_001 {
                json!([x + 0.001, y])
            } else {
                json!([x + 0.001 * a.cos(), y + 0.001 * a.sin()])
            }
        })
        .collect();
    cases.push(invalid(
        "footprint with 10,002 vertices".into(),
        with(&base, "/properties/footprint", ring(Value::Array(many))),
        Some("/properties/footprint"),
    ));

    // Everything wrong at once: every problem reported.
    let all_wrong = json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [106.068, 20.6634]},
        "properties": {"kind": "castle", "name": "", "colour": "red", "code": "1"}
    });
    let body = run_case(
        &mut server,
        &post("everything wrong at once", p)
            .token(&fx.editor)
            .json(&all_wrong)
            .expect(&[422]),
    );
    let reported: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    for f in [
        "/properties/kind",
        "/properties/name",
        "/properties/colour",
        "/properties/code",
    ] {
        assert!(
            reported.contains(&f),
            "everything wrong at once: {f} not reported in {body}"
        );
    }

    let n = run_batch(&mut server, &fx, "invalid places", &cases);
    assert!(n > 250, "only {n} cases");
    eprintln!("invalid places: {n} cases");
}

/// Missing, malformed, unknown and revoked credentials (401), roles and communes that do not
/// allow the request (403), bad Idempotency-Key headers and bad token-management requests.
#[test]
fn bad_credentials_and_headers_change_nothing() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    // A token created and revoked through the API.
    let r = server.post(
        "/api/tokens",
        Some(&fx.admin),
        &json!({"role": "editor", "name": "to be revoked", "communes": ["11953"]}),
    );
    assert_eq!(r.status(), 201);
    let created: Value = r.json().expect("json");
    let revoked = created["token"].as_str().expect("token").to_owned();
    let id = created["id"].as_i64().expect("id");
    let r = server
        .request(Method::DELETE, &format!("/api/tokens/{id}"))
        .bearer_auth(&fx.admin);
    assert_eq!(server.send(r, None).status(), 204);

    let body = valid_feature();
    let p = "/api/places";
    let mut cases: Vec<Case> = Vec::new();

    // Garbage Authorization headers: 401 on every endpoint, never a silent anonymous.
    let mut wrong_hash = fx.editor.clone();
    let last = wrong_hash.pop().expect("non-empty token");
    wrong_hash.push(if last == 'a' { 'b' } else { 'a' });
    let long = format!("Bearer {}", "A".repeat(10_000));
    let garbage: Vec<(&str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("Bearer", b"Bearer".to_vec()),
        ("Bearer and a space", b"Bearer ".to_vec()),
        ("Bearer and spaces", b"Bearer      ".to_vec()),
        ("Basic", b"Basic dXNlcjpwYXNzd29yZA==".to_vec()),
        ("Digest", b"Digest username=\"admin\"".to_vec()),
        ("token without scheme", fx.editor.clone().into_bytes()),
        ("Token scheme", format!("Token {}", fx.editor).into_bytes()),
        (
            "Bearer with a wrong hash",
            format!("Bearer {wrong_hash}").into_bytes(),
        ),
        (
            "Bearer with the token twice",
            format!("Bearer {0}{0}", fx.editor).into_bytes(),
        ),
        (
            "Bearer with a suffix",
            format!("Bearer {}x", fx.editor).into_bytes(),
        ),
        (
            "Bearer with a prefix",
            format!("Bearer x{}", fx.editor).into_bytes(),
        ),
        (
            "Bearer with two tokens",
            format!("Bearer {} {}", fx.editor, fx.editor).into_bytes(),
        ),
        ("Bearer revoked", format!("Bearer {revoked}").into_bytes()),
        ("Bearer of SQL", b"Bearer ' OR '1'='1".to_vec()),
        (
            "Bearer of SQL 2",
            b"Bearer x' OR 1=1; DROP TABLE tokens; --".to_vec(),
        ),
        ("Bearer of 10,000 characters", long.into_bytes()),
        (
            "Bearer of non-ASCII bytes",
            b"Bearer \xc3\xa9\xff\xfe".to_vec(),
        ),
        ("Bearer of obs-text", b"Bearer \x80\x81".to_vec()),
        ("Bearer null", b"Bearer null".to_vec()),
        ("Bearer undefined", b"Bearer undefined".to_vec()),
    ];
    for (name, value) in &garbage {
        cases.push(
            post(format!("POST place, Authorization {name}"), p)
                .auth_raw(value)
                .json(&body)
                .expect(&[401])
                .slug("unauthorized"),
        );
        for path in [
            fx.known_path(""),
            "/api/stats".to_owned(),
            "/api/changes?after=0".to_owned(),
            fx.known_path("/history"),
            format!("/api/codes/{}", fx.known),
            "/api/tokens".to_owned(),
        ] {
            cases.push(
                get(format!("GET {path}, Authorization {name}"), path)
                    .auth_raw(value)
                    .expect(&[401]),
            );
        }
        cases.push(
            post(
                format!("certify, Authorization {name}"),
                fx.known_path("/certify"),
            )
            .auth_raw(value)
            .expect(&[401]),
        );
        cases.push(
            post(
                format!("retire, Authorization {name}"),
                fx.known_path("/retire"),
            )
            .auth_raw(value)
            .json(&json!({"reason": "x"}))
            .expect(&[401]),
        );
        cases.push(
            post(format!("create token, Authorization {name}"), "/api/tokens")
                .auth_raw(value)
                .json(&json!({"role": "admin", "name": "x"}))
                .expect(&[401]),
        );
    }

    // No token at all.
    cases.push(post("POST place anonymously", p).json(&body).expect(&[401]));
    cases.push(post("certify anonymously", fx.known_path("/certify")).expect(&[401]));
    cases.push(
        post("retire anonymously", fx.known_path("/retire"))
            .json(&json!({"reason": "x"}))
            .expect(&[401]),
    );
    cases.push(
        case("PATCH anonymously", Method::PATCH, fx.known_path(""))
            .header("if-match", b"*")
            .content_type(Some("application/merge-patch+json"))
            .raw(b"{\"properties\": {\"name\": \"x\"}}".to_vec())
            .expect(&[401]),
    );
    cases.push(get("history anonymously", fx.known_path("/history")).expect(&[401]));
    cases.push(get("changes anonymously", "/api/changes").expect(&[401]));
    cases.push(get("stats anonymously", "/api/stats").expect(&[401]));
    cases.push(get("tokens anonymously", "/api/tokens").expect(&[401]));
    cases.push(
        post("create token anonymously", "/api/tokens")
            .json(&json!({"role": "admin", "name": "x"}))
            .expect(&[401]),
    );
    cases.push(case("revoke token anonymously", Method::DELETE, "/api/tokens/1").expect(&[401]));
    cases.push(get("provisional place anonymously", fx.known_path("")).expect(&[404]));

    // Roles and communes that do not allow the write: 403.
    cases.push(
        post("POST place as reader", p)
            .token(&fx.reader)
            .json(&body)
            .expect(&[403]),
    );
    cases.push(
        post("POST place in Phố Hiến as the Tân Hưng editor", p)
            .token(&fx.other_editor)
            .json(&body)
            .expect(&[403]),
    );
    cases.push(
        post("POST place in Tân Hưng as the Phố Hiến editor", p)
            .token(&fx.editor)
            .json(&feature_at(TAN_HUNG, "Bãi xe Tân Hưng"))
            .expect(&[403]),
    );
    cases.push(
        post("certify as editor", fx.known_path("/certify"))
            .token(&fx.editor)
            .expect(&[403]),
    );
    cases.push(
        post("certify as reader", fx.known_path("/certify"))
            .token(&fx.reader)
            .expect(&[403]),
    );
    cases.push(
        post("retire as reader", fx.known_path("/retire"))
            .token(&fx.reader)
            .json(&json!({"reason": "x"}))
            .expect(&[403]),
    );
    cases.push(
        post(
            "retire as the editor of another commune",
            fx.known_path("/retire"),
        )
        .token(&fx.other_editor)
        .json(&json!({"reason": "x"}))
        .expect(&[403]),
    );
    for (who, token) in [
        ("reader", &fx.reader),
        ("editor of another commune", &fx.other_editor),
    ] {
        cases.push(
            case(format!("PATCH as {who}"), Method::PATCH, fx.known_path(""))
                .token(token)
                .header("if-match", b"*")
                .content_type(Some("application/merge-patch+json"))
                .raw(b"{\"properties\": {\"name\": \"x\"}}".to_vec())
                .expect(&[403]),
        );
    }
    for (who, token) in [
        ("reader", &fx.reader),
        ("editor", &fx.editor),
        ("reviewer", &fx.reviewer),
    ] {
        cases.push(
            post(format!("create token as {who}"), "/api/tokens")
                .token(token)
                .json(&json!({"role": "admin", "name": "escalation"}))
                .expect(&[403]),
        );
        cases.push(
            get(format!("list tokens as {who}"), "/api/tokens")
                .token(token)
                .expect(&[403]),
        );
        cases.push(
            case(
                format!("revoke the admin token as {who}"),
                Method::DELETE,
                "/api/tokens/1",
            )
            .token(token)
            .expect(&[403]),
        );
    }

    // Bad token-management requests (admin).
    for (name, body) in [
        ("unknown role", json!({"role": "root", "name": "x"})),
        ("role as a number", json!({"role": 1, "name": "x"})),
        ("role missing", json!({"name": "x"})),
        ("name missing", json!({"role": "reader"})),
        ("name empty", json!({"role": "reader", "name": ""})),
        ("name blank", json!({"role": "reader", "name": "   "})),
        (
            "name 201 characters",
            json!({"role": "reader", "name": "n".repeat(201)}),
        ),
        (
            "name with NUL",
            json!({"role": "reader", "name": "a\u{0}b"}),
        ),
        ("name a number", json!({"role": "reader", "name": 5})),
        (
            "editor without communes",
            json!({"role": "editor", "name": "x"}),
        ),
        (
            "editor with empty communes",
            json!({"role": "editor", "name": "x", "communes": []}),
        ),
        (
            "editor of an unknown commune",
            json!({"role": "editor", "name": "x", "communes": ["99999"]}),
        ),
        (
            "editor of a malformed commune",
            json!({"role": "editor", "name": "x", "communes": ["1195"]}),
        ),
        (
            "editor of a commune given as a number",
            json!({"role": "editor", "name": "x", "communes": [11953]}),
        ),
        (
            "editor, communes a string",
            json!({"role": "editor", "name": "x", "communes": "11953"}),
        ),
        (
            "editor of SQL",
            json!({"role": "editor", "name": "x", "communes": ["11953'); DROP TABLE tokens; --"]}),
        ),
        (
            "reader with communes",
            json!({"role": "reader", "name": "x", "communes": ["11953"]}),
        ),
        (
            "unknown member",
            json!({"role": "reader", "name": "x", "expires": "never"}),
        ),
        ("an id", json!({"role": "reader", "name": "x", "id": 1})),
        (
            "a hash",
            json!({"role": "admin", "name": "x", "hash": "00"}),
        ),
        ("an array", json!([{"role": "reader", "name": "x"}])),
        ("null", Value::Null),
        ("a string", json!("reader")),
    ] {
        cases.push(
            post(format!("create token: {name}"), "/api/tokens")
                .token(&fx.admin)
                .json(&body)
                .expect(&[422]),
        );
    }
    cases.push(
        post("create token: empty body", "/api/tokens")
            .token(&fx.admin)
            .expect(&[400, 422]),
    );
    for (id, status) in [
        ("abc", 400),
        ("1.5", 400),
        ("99999999999999999999", 400),
        ("%FF", 400),
        ("999999", 404),
        ("0", 404),
        ("-1", 404),
    ] {
        cases.push(
            case(
                format!("revoke token {id:?}"),
                Method::DELETE,
                format!("/api/tokens/{id}"),
            )
            .token(&fx.admin)
            .expect(&[status]),
        );
    }
    cases.push(
        case(
            "revoke the revoked token again",
            Method::DELETE,
            format!("/api/tokens/{id}"),
        )
        .token(&fx.admin)
        .expect(&[404]),
    );

    // Bad Idempotency-Key headers on a body that is otherwise valid.
    for (name, key) in [
        ("empty", &b""[..]),
        ("256 characters", &[b'k'; 256][..]),
        ("10,000 characters", &[b'k'; 10_000][..]),
        ("non-ASCII", "khóa-1".as_bytes()),
        ("obs-text bytes", b"\x80\xff"),
        ("inner space", b"a b"),
        ("tab", b"a\tb"),
        ("only quotes", b"\"\""),
    ] {
        cases.push(
            post(format!("Idempotency-Key {name}"), p)
                .token(&fx.editor)
                .header("idempotency-key", key)
                .json(&body)
                .expect(&[400])
                .slug("invalid-idempotency-key"),
        );
    }

    let n = run_batch(&mut server, &fx, "credentials and headers", &cases);
    assert!(n > 200, "only {n} cases");
    eprintln!("credentials and headers: {n} cases");
}

/// Invalid codes in every path that takes one, unknown routes and methods, bad query strings.
#[test]
fn invalid_codes_paths_and_queries_change_nothing() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    let known = fx.known.clone();
    let digits: Vec<u8> = known.bytes().collect();
    // Every single-digit error in the check digit, and an adjacent transposition.
    let mut wrong_check = Vec::new();
    for d in b'0'..=b'9' {
        if d != digits[11] {
            let mut c = digits.clone();
            c[11] = d;
            wrong_check.push(String::from_utf8(c).expect("ascii"));
        }
    }
    let mut transposed = digits.clone();
    let i = (0..10)
        .find(|&i| transposed[i] != transposed[i + 1])
        .expect("a code with two different adjacent digits");
    transposed.swap(i, i + 1);
    let transposed = String::from_utf8(transposed).expect("ascii");

    // (name, path segment as sent, expected reason or None for any 400)
    let mut codes: Vec<(String, String, Option<&'static str>)> = vec![
        ("too short".into(), "12345".into(), Some("wrong-length")),
        (
            "11 digits".into(),
            known[..11].to_owned(),
            Some("wrong-length"),
        ),
        (
            "13 digits".into(),
            format!("{known}0"),
            Some("wrong-length"),
        ),
        (
            "10,000 digits".into(),
            "1".repeat(10_000),
            Some("wrong-length"),
        ),
        (
            "letters".into(),
            "abcdefghijkl".into(),
            Some("invalid-character"),
        ),
        (
            "a letter O for a zero".into(),
            known.replacen('0', "O", 1),
            Some("invalid-character"),
        ),
        (
            "10,000 letters".into(),
            "x".repeat(10_000),
            Some("invalid-character"),
        ),
        (
            "Arabic-Indic digits".into(),
            "٣".repeat(12),
            Some("invalid-character"),
        ),
        (
            "full-width digits".into(),
            "７".repeat(12),
            Some("invalid-character"),
        ),
        (
            "Devanagari digits".into(),
            "३".repeat(12),
            Some("invalid-character"),
        ),
        (
            "superscript digits".into(),
            "³".repeat(12),
            Some("invalid-character"),
        ),
        (
            "an emoji".into(),
            format!("{}🙂", &known[..11]),
            Some("invalid-character"),
        ),
        (
            "a leading hyphen".into(),
            format!("-{known}"),
            Some("invalid-character"),
        ),
        (
            "a trailing dot".into(),
            format!("{known}."),
            Some("invalid-character"),
        ),
        (
            "an underscore".into(),
            format!("{}_{}", &known[..4], &known[4..]),
            Some("invalid-character"),
        ),
        (
            "a slash (encoded)".into(),
            format!("{}%2F{}", &known[..4], &known[4..]),
            Some("invalid-character"),
        ),
        (
            "a plus".into(),
            format!("+{known}"),
            Some("invalid-character"),
        ),
        (
            "a negative number".into(),
            "-1".into(),
            Some("invalid-character"),
        ),
        ("NUL".into(), "%00".into(), Some("invalid-character")),
        (
            "NUL inside".into(),
            format!("{}%00{}", &known[..6], &known[6..]),
            Some("invalid-character"),
        ),
        (
            "SQL".into(),
            "1%27%20OR%20%271%27%3D%271".into(),
            Some("invalid-character"),
        ),
        (
            "SQL 2".into(),
            "1;DROP%20TABLE%20places".into(),
            Some("invalid-character"),
        ),
        (
            "script".into(),
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
            Some("invalid-character"),
        ),
        ("blank".into(), "%20%20%20".into(), Some("empty")),
        (
            "out of range".into(),
            "966367641607".into(),
            Some("out-of-range"),
        ),
        ("all nines".into(), "999999999999".into(), None),
        ("transposed digits".into(), transposed, Some("check-digit")),
        (
            "percent-encoded invalid UTF-8".into(),
            "%FF%FE%FD".into(),
            None,
        ),
        (
            "truncated percent-encoded UTF-8".into(),
            "%E1%BB".into(),
            None,
        ),
        (
            "percent-encoded garbage 10,000 times".into(),
            "%41".repeat(10_000),
            Some("invalid-character"),
        ),
        (
            "a broken percent escape".into(),
            "%ZZ795857305212".into(),
            None,
        ),
    ];
    for c in wrong_check {
        codes.push((format!("wrong check digit {c}"), c, Some("check-digit")));
    }

    let mut cases: Vec<Case> = Vec::new();
    for (name, segment, reason) in &codes {
        let with_reason = |c: Case| {
            let c = c.expect(&[400]);
            match reason {
                Some(r) => c.reason(r).slug("invalid-code"),
                None => c,
            }
        };
        cases.push(with_reason(get(
            format!("GET /api/codes: {name}"),
            format!("/api/codes/{segment}"),
        )));
        cases.push(with_reason(
            get(
                format!("GET /api/codes as reader: {name}"),
                format!("/api/codes/{segment}"),
            )
            .token(&fx.reader),
        ));
        cases.push(with_reason(
            get(
                format!("GET place: {name}"),
                format!("/api/places/{segment}"),
            )
            .token(&fx.reader),
        ));
        cases.push(with_reason(
            get(
                format!("GET history: {name}"),
                format!("/api/places/{segment}/history"),
            )
            .token(&fx.reader),
        ));
        cases.push(with_reason(
            case(
                format!("PATCH: {name}"),
                Method::PATCH,
                format!("/api/places/{segment}"),
            )
            .token(&fx.editor)
            .header("if-match", b"*")
            .content_type(Some("application/merge-patch+json"))
            .raw(b"{\"properties\": {\"name\": \"x\"}}".to_vec()),
        ));
        cases.push(with_reason(
            post(
                format!("certify: {name}"),
                format!("/api/places/{segment}/certify"),
            )
            .token(&fx.reviewer),
        ));
        cases.push(with_reason(
            post(
                format!("retire: {name}"),
                format!("/api/places/{segment}/retire"),
            )
            .token(&fx.editor)
            .json(&json!({"reason": "x"})),
        ));
    }

    // Valid codes that name no place: 404 for reads and writes.
    let unregistered = valid_unregistered_code(&server, &fx);
    cases.push(
        get(
            "GET an unregistered code",
            format!("/api/places/{unregistered}"),
        )
        .token(&fx.reader)
        .expect(&[404]),
    );
    cases.push(
        get(
            "history of an unregistered code",
            format!("/api/places/{unregistered}/history"),
        )
        .token(&fx.reader)
        .expect(&[404]),
    );
    cases.push(
        case(
            "PATCH an unregistered code",
            Method::PATCH,
            format!("/api/places/{unregistered}"),
        )
        .token(&fx.editor)
        .header("if-match", b"*")
        .content_type(Some("application/merge-patch+json"))
        .raw(b"{\"properties\": {\"name\": \"x\"}}".to_vec())
        .expect(&[404]),
    );
    cases.push(
        post(
            "certify an unregistered code",
            format!("/api/places/{unregistered}/certify"),
        )
        .token(&fx.reviewer)
        .expect(&[404]),
    );
    cases.push(
        post(
            "retire an unregistered code",
            format!("/api/places/{unregistered}/retire"),
        )
        .token(&fx.editor)
        .json(&json!({"reason": "x"}))
        .expect(&[404]),
    );

    // Unknown routes: 404 problem.
    for path in [
        "/nope".to_owned(),
        "/api/nope".to_owned(),
        "/API/places".to_owned(),
        "/api/places/".to_owned(),
        "/api/codes/".to_owned(),
        fx.known_path("/nope"),
        fx.known_path("/history/extra"),
        format!("/api/places/{known}/certify/again"),
        "/api/communes/11953/places".to_owned(),
        format!("/{}", "a/".repeat(5_000)),
        "/api/%FF".to_owned(),
        "/api/places%00".to_owned(),
        "/.env".to_owned(),
        "/api/..%2F..%2Fetc%2Fpasswd".to_owned(),
    ] {
        let shown: String = path.chars().take(60).collect();
        cases.push(
            get(format!("GET {shown}"), path.clone())
                .token(&fx.reader)
                .expect(&[404])
                .slug("not-found"),
        );
        cases.push(
            post(format!("POST {shown}"), path)
                .token(&fx.editor)
                .json(&valid_feature())
                .expect(&[404]),
        );
    }

    // An empty code between two slashes: a 400 (empty code) on the matching route.
    cases.push(
        get("GET /api/places//history", "/api/places//history")
            .token(&fx.reader)
            .expect(&[400, 404]),
    );
    cases.push(
        post("POST /api/places//certify", "/api/places//certify")
            .token(&fx.reviewer)
            .expect(&[400, 404]),
    );

    // Wrong methods: 405 problem with Allow.
    for (method, path) in [
        (Method::GET, "/api/places".to_owned()),
        (Method::PUT, "/api/places".to_owned()),
        (Method::DELETE, "/api/places".to_owned()),
        (Method::PATCH, "/api/places".to_owned()),
        (Method::DELETE, fx.known_path("")),
        (Method::PUT, fx.known_path("")),
        (Method::POST, fx.known_path("")),
        (Method::GET, fx.known_path("/certify")),
        (Method::GET, fx.known_path("/retire")),
        (Method::DELETE, fx.known_path("/history")),
        (Method::POST, format!("/api/codes/{known}")),
        (Method::POST, "/health".to_owned()),
        (Method::DELETE, "/api/stats".to_owned()),
        (Method::POST, "/api/changes".to_owned()),
        (Method::PUT, "/api/tokens".to_owned()),
        (Method::GET, "/api/tokens/1".to_owned()),
        (Method::POST, "/api/communes/11953".to_owned()),
        (Method::OPTIONS, "/api/places".to_owned()),
        (
            Method::from_bytes(b"PROPFIND").expect("method"),
            fx.known_path(""),
        ),
    ] {
        let mut c = case(format!("{method} {path}"), method, path)
            .token(&fx.admin)
            .expect(&[405])
            .slug("method-not-allowed");
        c.content_type = Some("application/json".into());
        c.body = Body::Bytes(valid_feature().to_string().into_bytes());
        cases.push(c);
    }

    // Bad query strings on the change feed.
    for q in [
        "foo=1",
        "after=0&foo=1",
        "after=-1",
        "after=abc",
        "after=1.5",
        "after=",
        "after=99999999999999999999",
        "limit=0",
        "limit=-1",
        "limit=10001",
        "limit=99999999999999999999",
        "limit=1e3",
        "limit=",
        "limit=%FF",
        "after=1&after=2",
        "after=0;DROP%20TABLE%20events",
        "after[]=1",
        "AFTER=1",
    ] {
        cases.push(
            get(format!("changes?{q}"), format!("/api/changes?{q}"))
                .token(&fx.reader)
                .expect(&[400]),
        );
    }

    // Bad commune codes.
    for (code, status) in [
        ("abc", 400),
        ("1195", 400),
        ("119533", 400),
        ("11953%00", 400),
        ("%FF", 400),
        ("١١٩٥٣", 400),
        ("11953%20", 400),
        ("99999", 404),
        ("00000", 404),
    ] {
        cases.push(
            get(format!("commune {code}"), format!("/api/communes/{code}")).expect(&[status]),
        );
    }

    let n = run_batch(&mut server, &fx, "codes, paths and queries", &cases);
    assert!(n > 300, "only {n} cases");
    eprintln!("codes, paths and queries: {n} cases");
}

/// A valid code near the known place that names no place (from `/api/codes`).
fn valid_unregistered_code(server: &Server, fx: &Fixture) -> String {
    // Walk the 11-digit payloads after the known one, trying every check digit, until a code
    // is valid and free.
    let payload: u64 = fx.known[..11].parse().expect("digits");
    for delta in 1..1000u64 {
        for check in 0..10 {
            let code = format!("{:011}{check}", payload + delta);
            let r = server.get(&format!("/api/codes/{code}"), Some(&fx.reader));
            if r.status() == 200 {
                let v: Value = r.json().expect("json");
                if v["registered"] == false {
                    return code;
                }
                break;
            }
        }
    }
    panic!("no free valid code near the known place");
}

/// PATCH, certify and retire with missing or stale preconditions and invalid results.
#[test]
fn lifecycle_errors_change_nothing() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    let path = fx.known_path("");
    let current_etag = |server: &Server| -> String {
        let r = server.get(&path, Some(&fx.reader));
        r.headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .expect("etag")
            .to_owned()
    };
    // One successful correction, so that an old ETag exists.
    let stale = current_etag(&server);
    let r = server.patch(
        &path,
        Some(&fx.editor),
        Some(&stale),
        &json!({"properties": {"address": {"house_number": "12B"}}}),
    );
    assert_eq!(
        r.status(),
        200,
        "a valid patch: {}",
        r.text().unwrap_or_default()
    );
    let etag = current_etag(&server);
    assert_ne!(etag, stale);

    let patch = |name: &str, if_match: Option<&[u8]>, body: &[u8]| {
        let mut c = case(format!("PATCH {name}"), Method::PATCH, path.clone())
            .token(&fx.editor)
            .content_type(Some("application/merge-patch+json"));
        if let Some(tag) = if_match {
            c = c.header("if-match", tag);
        }
        c.body = Body::Bytes(body.to_vec());
        c
    };
    let rename_text = json!({"properties": {"name": "Tên mới"}}).to_string();
    let rename = rename_text.as_bytes();
    let mut cases: Vec<Case> = vec![
        patch("without If-Match", None, rename).expect(&[428]),
        patch("with a stale ETag", Some(stale.as_bytes()), rename).expect(&[412]),
        patch("with a made-up ETag", Some(b"\"123-1\""), rename).expect(&[412]),
        patch("with an empty If-Match", Some(b""), rename).expect(&[412, 428]),
        patch("with If-Match garbage", Some(b"garbage"), rename).expect(&[412]),
        patch(
            "with a weak stale ETag",
            Some(format!("W/{stale}").as_bytes()),
            rename,
        )
        .expect(&[412]),
        patch(
            "with a list of stale ETags",
            Some(format!("{stale}, \"x\"").as_bytes()),
            rename,
        )
        .expect(&[412]),
        patch(
            "with a non-ASCII If-Match",
            Some("\"ê\"".as_bytes()),
            rename,
        )
        .expect(&[400, 412, 428]),
        patch(
            "with a 10,000-character If-Match",
            Some("x".repeat(10_000).as_bytes()),
            rename,
        )
        .expect(&[412]),
        patch(
            "without If-Match and an invalid body",
            None,
            br#"{"properties": {"kind": "castle"}}"#,
        )
        .expect(&[428]),
    ];
    let tag = etag.as_bytes();
    for (name, body, field) in [
        (
            "kind castle",
            json!({"properties": {"kind": "castle"}}),
            Some("/properties/kind"),
        ),
        (
            "kind null (removes it)",
            json!({"properties": {"kind": null}}),
            Some("/properties/kind"),
        ),
        (
            "kind a number",
            json!({"properties": {"kind": 7}}),
            Some("/properties/kind"),
        ),
        (
            "name empty",
            json!({"properties": {"name": ""}}),
            Some("/properties/name"),
        ),
        (
            "name null (removes it)",
            json!({"properties": {"name": null}}),
            Some("/properties/name"),
        ),
        (
            "name 201 characters",
            json!({"properties": {"name": "n".repeat(201)}}),
            Some("/properties/name"),
        ),
        (
            "name with a NUL",
            json!({"properties": {"name": "a\u{0}b"}}),
            Some("/properties/name"),
        ),
        (
            "name an object",
            json!({"properties": {"name": {"vi": "x"}}}),
            Some("/properties/name"),
        ),
        (
            "self-certify via status",
            json!({"properties": {"status": "active"}}),
            Some("/properties/status"),
        ),
        (
            "set the code",
            json!({"properties": {"code": "795857305212"}}),
            Some("/properties/code"),
        ),
        (
            "set the commune",
            json!({"properties": {"commune_code": "11977"}}),
            Some("/properties/commune_code"),
        ),
        (
            "set the version",
            json!({"properties": {"version": 1}}),
            Some("/properties/version"),
        ),
        (
            "unknown property",
            json!({"properties": {"colour": "red"}}),
            Some("/properties/colour"),
        ),
        (
            "unknown top-level member",
            json!({"colour": "red"}),
            Some("/colour"),
        ),
        (
            "unknown address part",
            json!({"properties": {"address": {"zip": "1"}}}),
            Some("/properties/address/zip"),
        ),
        (
            "capacity -5",
            json!({"properties": {"attributes": {"capacity": {"car": -5}}}}),
            Some("/properties/attributes/capacity/car"),
        ),
        (
            "postcode wrong",
            json!({"properties": {"external_ids": {"postcode": "abc"}}}),
            Some("/properties/external_ids/postcode"),
        ),
        (
            "footprint a string",
            json!({"properties": {"footprint": "x"}}),
            Some("/properties/footprint"),
        ),
        (
            "generated a string",
            json!({"properties": {"generated": "yes"}}),
            Some("/properties/generated"),
        ),
        (
            "properties null (removes them)",
            json!({"properties": null}),
            None,
        ),
        ("properties an array", json!({"properties": []}), None),
        (
            "type FeatureCollection",
            json!({"type": "FeatureCollection"}),
            Some("/type"),
        ),
        (
            "type null (removes it)",
            json!({"type": null}),
            Some("/type"),
        ),
        (
            "geometry null (removes it)",
            json!({"geometry": null}),
            None,
        ),
        (
            "geometry a LineString",
            json!({"geometry": {"type": "LineString"}}),
            None,
        ),
        (
            "coordinates a string",
            json!({"geometry": {"coordinates": "x"}}),
            None,
        ),
        (
            "coordinates of one number",
            json!({"geometry": {"coordinates": [106.0]}}),
            None,
        ),
        (
            "coordinates [200, 20]",
            json!({"geometry": {"coordinates": [200.0, 20.0]}}),
            None,
        ),
        ("array body", json!([]), None),
        ("string body", json!("x"), None),
        ("number body", json!(1), None),
        ("null body", Value::Null, None),
    ] {
        let mut c = patch(name, Some(tag), body.to_string().as_bytes()).expect(&[422]);
        if let Some(f) = field {
            c = c.field(f);
        }
        cases.push(c);
    }
    for (name, coords, slug) in [
        ("into Hanoi", json!([105.85, 21.03]), "outside-communes"),
        ("into the sea", json!([107.5, 20.0]), "outside-communes"),
        (
            "out of the territory",
            json!([2.35, 48.85]),
            "outside-territory",
        ),
    ] {
        let body = json!({"geometry": {"coordinates": coords}}).to_string();
        cases.push(
            patch(&format!("moving {name}"), Some(tag), body.as_bytes())
                .expect(&[422])
                .slug(slug),
        );
    }
    let into_tan_hung = json!({"geometry": {"coordinates": TAN_HUNG}}).to_string();
    cases.push(
        patch(
            "moving into a commune the editor may not write in",
            Some(tag),
            into_tan_hung.as_bytes(),
        )
        .expect(&[403]),
    );
    cases.push(patch("empty body", Some(tag), b"").expect(&[400, 422]));
    cases.push(
        patch("text/plain", Some(tag), rename)
            .content_type(Some("text/plain"))
            .expect(&[415]),
    );
    cases.push(patch("malformed", Some(tag), b"{\"properties\": ").expect(&[400]));
    // Last, so that if it is wrongly accepted the ETag change does not spoil the cases above.
    let height = json!({"geometry": {"coordinates": [106.068, 20.6634, "x"]}}).to_string();
    cases.push(
        patch(
            "coordinates with a string height",
            Some(tag),
            height.as_bytes(),
        )
        .expect(&[422]),
    );

    // Retire without a proper reason.
    let retire = fx.known_path("/retire");
    for (name, body) in [
        ("no body", None),
        ("{}", Some(json!({}))),
        ("reason null", Some(json!({"reason": null}))),
        ("reason empty", Some(json!({"reason": ""}))),
        ("reason blank", Some(json!({"reason": " \t\n "}))),
        ("reason a number", Some(json!({"reason": 42}))),
        ("reason an array", Some(json!({"reason": ["x"]}))),
        (
            "reason 1001 characters",
            Some(json!({"reason": "r".repeat(1001)})),
        ),
        (
            "unknown member",
            Some(json!({"reason": "x", "force": true})),
        ),
        ("only an unknown member", Some(json!({"why": "x"}))),
        ("an array", Some(json!(["x"]))),
        ("a string", Some(json!("x"))),
    ] {
        let c = post(format!("retire with {name}"), retire.clone()).token(&fx.editor);
        let c = match body {
            Some(b) => c.json(&b),
            None => c,
        };
        cases.push(c.expect(&[422]));
    }
    cases.push(
        post("retire with a stale If-Match", retire.clone())
            .token(&fx.editor)
            .header("if-match", stale.as_bytes())
            .json(&json!({"reason": "x"}))
            .expect(&[412]),
    );
    // Certify with bad bodies or preconditions.
    let certify = fx.known_path("/certify");
    for (name, body) in [
        ("unknown member", json!({"reason": "x", "status": "active"})),
        ("reason a number", json!({"reason": 1})),
        ("an array", json!([])),
    ] {
        cases.push(
            post(format!("certify with {name}"), certify.clone())
                .token(&fx.reviewer)
                .json(&body)
                .expect(&[422]),
        );
    }
    cases.push(
        post("certify with a stale If-Match", certify.clone())
            .token(&fx.reviewer)
            .header("if-match", stale.as_bytes())
            .expect(&[412]),
    );
    let mut total = run_batch(&mut server, &fx, "lifecycle: provisional", &cases);

    // Certify once (a change), then every second certification is a 409 that changes nothing.
    let r = server.post(&certify, Some(&fx.reviewer), &Value::Null);
    assert_eq!(r.status(), 200, "certify: {}", r.text().unwrap_or_default());
    let mut again = Vec::new();
    for i in 0..3 {
        again.push(
            post(format!("certify again #{i}"), certify.clone())
                .token(&fx.reviewer)
                .expect(&[409]),
        );
    }
    again.push(
        post("certify again as admin with a reason", certify.clone())
            .token(&fx.admin)
            .json(&json!({"reason": "again"}))
            .expect(&[409]),
    );
    again.push(
        post("retire with no reason after certification", retire.clone())
            .token(&fx.editor)
            .expect(&[422]),
    );
    total += run_batch(&mut server, &fx, "lifecycle: active", &again);

    // Retire (a change), then nothing more may happen to it.
    let r = server.post(&retire, Some(&fx.editor), &json!({"reason": "phá dỡ"}));
    assert_eq!(r.status(), 200, "retire: {}", r.text().unwrap_or_default());
    let etag = current_etag(&server);
    let retired = vec![
        post("retire twice", retire.clone())
            .token(&fx.editor)
            .json(&json!({"reason": "again"}))
            .expect(&[409]),
        post("certify a retired place", certify.clone())
            .token(&fx.reviewer)
            .expect(&[409]),
        patch("a retired place", Some(etag.as_bytes()), rename).expect(&[409]),
        patch("a retired place with *", Some(b"*"), rename).expect(&[409]),
        patch(
            "a retired place back to life",
            Some(b"*"),
            br#"{"properties": {"status": "active"}}"#,
        )
        .expect(&[409, 422]),
    ];
    total += run_batch(&mut server, &fx, "lifecycle: retired", &retired);
    eprintln!("lifecycle: {total} cases");
}

/// Strings that look like SQL, HTML or format directives are data: stored verbatim, returned
/// as JSON, and nothing is executed. Duplicates and reused idempotency keys change nothing.
#[test]
fn hostile_strings_are_stored_verbatim() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    let before = fx.snapshot(&server);
    let names = [
        "'; DROP TABLE places; --",
        "Robert'); DROP TABLE events;--",
        "\" OR \"1\"=\"1",
        "' OR 1=1 --",
        "1; DELETE FROM places WHERE 1=1",
        "x' UNION SELECT token_hash FROM tokens --",
        "<script>alert(\"xss\")</script>",
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(document.cookie)</script>",
        "&lt;b&gt; &amp; &#x3C;",
        "{{7*7}} ${7*7} #{7*7} %s %n %x %d",
        "\\ backslash \\\" quote \\u0000",
        "../../etc/passwd",
        "null",
        "undefined",
        "NaN",
        "Chùa Keo 🙏 㐀 𠀀",
        "Đình làng Đông Hồ — “quoted” ‘single’",
        &"\u{1ec7}".repeat(200),
    ];
    // Invisible direction overrides and zero-width characters make a name read other than it
    // is (`gnp.exe` shown as `exe.png`): refused, with the character named, and nothing kept.
    for (i, name) in ["\u{202e}gnp.exe", "zero\u{200b}width", "Chùa\u{2067}Keo"]
        .iter()
        .enumerate()
    {
        let at = offset(PHO_HIEN, -30.0 * (i as f64 + 1.0), -40.0);
        let problem = expect_problem(
            server.post(
                "/api/places",
                Some(&fx.editor),
                &place("business", name, at),
            ),
            422,
        );
        assert!(
            problem["errors"][0]["field"] == "/properties/name"
                && problem["detail"].as_str().unwrap().contains("U+"),
            "{name:?}: {problem}"
        );
    }
    let mut registered = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let at = offset(PHO_HIEN, 30.0 * (i as f64 + 1.0), -40.0);
        let mut body = with(
            &place("business", name, at),
            "/properties/address/street",
            json!(name),
        );
        body = with(&body, "/properties/attributes/description", json!(name));
        body = with(
            &body,
            "/properties/external_ids/business_registry",
            json!(name.chars().take(100).collect::<String>()),
        );
        let r = server.post("/api/places", Some(&fx.editor), &body);
        let status = r.status();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = r.text().expect("body");
        assert_eq!(status, 201, "name {name:?} must register: {text}");
        assert!(
            ct.starts_with("application/geo+json"),
            "name {name:?}: content type {ct}"
        );
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            v["properties"]["name"], *name,
            "name {name:?} returned changed"
        );
        assert_eq!(
            v["properties"]["address"]["street"], *name,
            "street {name:?} returned changed"
        );
        assert_eq!(
            v["properties"]["attributes"]["description"], *name,
            "description {name:?}"
        );
        registered.push((
            name.to_string(),
            v["properties"]["code"].as_str().expect("code").to_owned(),
        ));
    }
    // Decomposed input is stored NFC; control-like white space is normalised away, never stored.
    let nfd = "e\u{323}\u{302}".repeat(200);
    let v = server.register(&fx.editor, "house", &nfd, offset(PHO_HIEN, -60.0, 60.0));
    assert_eq!(
        v["properties"]["name"],
        "\u{1ec7}".repeat(200),
        "200 decomposed characters are stored NFC"
    );
    let mut extra = 1;
    // White-space control characters (tab, CR, LF) are either refused or collapsed to single
    // spaces: never stored.
    let r = server.post(
        "/api/places",
        Some(&fx.editor),
        &place("house", "Nhà\tsố\n12\r\nA", offset(PHO_HIEN, -90.0, 60.0)),
    );
    let status = r.status().as_u16();
    let text = r.text().expect("body");
    match status {
        201 => {
            extra += 1;
            let v: Value = serde_json::from_str(&text).expect("json");
            assert_eq!(
                v["properties"]["name"], "Nhà số 12 A",
                "white space collapsed"
            );
        }
        422 => assert!(
            text.contains("/properties/name"),
            "refused for its name: {text}"
        ),
        other => panic!("a name with tabs and newlines: {other} {text}"),
    }
    // Negative zero and a height are fine.
    let mut body = place("house", "Nhà có độ cao", offset(PHO_HIEN, -120.0, 60.0));
    body["geometry"]["coordinates"] = json!([
        body["geometry"]["coordinates"][0],
        body["geometry"]["coordinates"][1],
        -0.0
    ]);
    body["properties"]["attributes"] = json!({"floor": -0.0, "height_m": 0.0});
    let r = server.post("/api/places", Some(&fx.editor), &body);
    assert_eq!(
        r.status(),
        201,
        "negative zero: {}",
        r.text().unwrap_or_default()
    );
    extra += 1;

    // Read back: verbatim through GET (reader) and the code look-up.
    for (name, code) in &registered {
        let r = server.get(&format!("/api/places/{code}"), Some(&fx.reader));
        assert_eq!(r.status(), 200);
        let v: Value = r.json().expect("json");
        assert_eq!(
            v["properties"]["name"],
            name.as_str(),
            "GET {code}: name changed"
        );
        let r = server.get(&format!("/api/codes/{code}"), Some(&fx.reader));
        let v: Value = r.json().expect("json");
        assert_eq!(
            v["place"]["properties"]["name"],
            name.as_str(),
            "code look-up {code}"
        );
    }
    // Nothing was dropped or deleted: every table still answers with the right counts.
    let after = fx.snapshot(&server);
    let n = registered.len() as i64 + extra;
    assert_eq!(
        after.stats["places"].as_i64(),
        before.stats["places"].as_i64().map(|p| p + n)
    );
    assert_eq!(after.stats["places_indexed"], after.stats["places"]);
    assert_eq!(
        after.stats["events"].as_i64(),
        before.stats["events"].as_i64().map(|e| e + n)
    );
    assert_eq!(after.stats["tokens"], before.stats["tokens"]);
    assert_eq!(after.stats["communes"], before.stats["communes"]);
    assert_eq!(after.place, before.place, "the known place changed");
    assert_eq!(
        after.events[..before.events.len()],
        before.events[..],
        "old events changed"
    );
    assert_eq!(server.get("/api/communes/11953", None).status(), 200);
    // And it all survives a restart (the SQL was stored, not run).
    server.restart();
    let restarted = fx.snapshot(&server);
    assert_eq!(restarted, after, "the store differs after a restart");

    // Failed writes with hostile strings change nothing either.
    let (sql_name, sql_code) = &registered[0];
    let mut cases = vec![
        post(
            "a duplicate of the SQL name without confirm_distinct",
            "/api/places",
        )
        .token(&fx.editor)
        .json(&place("business", sql_name, offset(PHO_HIEN, 30.0, -40.0)))
        .expect(&[409])
        .slug("possible-duplicate"),
        post("a duplicate with another letter case", "/api/places")
            .token(&fx.editor)
            .json(&place(
                "business",
                &sql_name.to_uppercase(),
                offset(PHO_HIEN, 31.0, -40.0),
            ))
            .expect(&[409]),
        get(
            "the SQL name's code with SQL appended",
            format!("/api/places/{sql_code}'; DROP TABLE places; --"),
        )
        .token(&fx.reader)
        .expect(&[400]),
    ];
    // An Idempotency-Key replayed with another body.
    let key = b"key-1";
    let first = place("house", "Nhà idempotent", offset(PHO_HIEN, 0.0, 120.0));
    let r = server.send(
        server
            .request(Method::POST, "/api/places")
            .header("idempotency-key", "key-1")
            .json(&first),
        Some(&fx.editor),
    );
    assert_eq!(r.status(), 201);
    let r = server.send(
        server
            .request(Method::POST, "/api/places")
            .header("idempotency-key", "key-1")
            .json(&first),
        Some(&fx.editor),
    );
    assert_eq!(r.status(), 201, "a replay answers the first answer");
    cases.push(
        post("Idempotency-Key reused with another body", "/api/places")
            .token(&fx.editor)
            .header("idempotency-key", key)
            .json(&place("house", "Nhà khác", offset(PHO_HIEN, 0.0, 150.0)))
            .expect(&[422])
            .slug("idempotency-key-reused"),
    );
    // A failed request with an Idempotency-Key is not remembered: the same key then works for
    // a valid body, and an invalid body is refused again rather than replayed.
    let failing = place("castle", "Lâu đài", offset(PHO_HIEN, 0.0, 200.0));
    let elsewhere = place("house", "Nhà ngoài xã", TAN_HUNG);
    cases.push(
        post("Idempotency-Key with an invalid body", "/api/places")
            .token(&fx.editor)
            .header("idempotency-key", b"key-after-failure")
            .json(&failing)
            .expect(&[422]),
    );
    cases.push(
        post("Idempotency-Key with a forbidden body", "/api/places")
            .token(&fx.editor)
            .header("idempotency-key", b"key-after-failure")
            .json(&elsewhere)
            .expect(&[403]),
    );
    cases.push(
        post("Idempotency-Key with the invalid body again", "/api/places")
            .token(&fx.editor)
            .header("idempotency-key", b"key-after-failure")
            .json(&failing)
            .expect(&[422])
            .slug("validation"),
    );
    let n = run_batch(&mut server, &fx, "hostile strings: failed writes", &cases);
    let ok = place("house", "Nhà sau lỗi", offset(PHO_HIEN, 0.0, 230.0));
    let r = server.send(
        server
            .request(Method::POST, "/api/places")
            .header("idempotency-key", "key-after-failure")
            .json(&ok),
        Some(&fx.editor),
    );
    let status = r.status();
    let replayed = r.headers().contains_key("idempotent-replayed");
    assert_eq!(
        status,
        201,
        "a key whose earlier requests failed must work: {}",
        r.text().unwrap_or_default()
    );
    assert!(!replayed, "nothing to replay after failures");

    // A body of exactly 1 MiB is not too large.
    let text = place("house", "Nhà 1 MiB", offset(PHO_HIEN, 0.0, 260.0)).to_string();
    let exact = format!("{text}{}", " ".repeat(1024 * 1024 - text.len()));
    assert_eq!(exact.len(), 1024 * 1024);
    let r = server.send(
        server
            .request(Method::POST, "/api/places")
            .header("content-type", "application/json")
            .body(exact),
        Some(&fx.editor),
    );
    assert_eq!(
        r.status(),
        201,
        "exactly 1 MiB: {}",
        r.text().unwrap_or_default()
    );
    eprintln!(
        "hostile strings: {} stored, {n} refused",
        registered.len() as i64 + extra
    );
}

// ---------------------------------------------------------------------------------------------
// Mutation fuzzing
// ---------------------------------------------------------------------------------------------

/// xorshift64* — a tiny deterministic generator (no dependency, fixed seed).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that make a mutation interesting to a JSON parser and a validator.
const INSERTS: [&str; 24] = [
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\\",
    "null",
    "true",
    "NaN",
    "-",
    "1e400",
    "0",
    "99999999999999999999999",
    "\u{0}",
    "\u{1}",
    "\u{ff}",
    "ệ",
    "\\u0000",
    "\\ud800",
    "{}",
    "[]",
    "\"x\":1,",
];

fn mutate(rng: &mut XorShift, base: &[u8]) -> (Vec<u8>, String) {
    let mut body = base.to_vec();
    let mut what = Vec::new();
    for _ in 0..=rng.below(3) {
        if body.is_empty() {
            body.push(b'{');
        }
        let at = rng.below(body.len());
        match rng.below(6) {
            0 => {
                let bit = rng.below(8);
                body[at] ^= 1 << bit;
                what.push(format!("flip bit {bit} at {at}"));
            }
            1 => {
                let len = 1 + rng.below(8).min(body.len() - at - 1);
                body.drain(at..at + len);
                what.push(format!("delete {len} at {at}"));
            }
            2 => {
                let byte = rng.next() as u8;
                body.insert(at, byte);
                what.push(format!("insert byte {byte:#04x} at {at}"));
            }
            3 => {
                let piece = INSERTS[rng.below(INSERTS.len())];
                body.splice(at..at, piece.bytes());
                what.push(format!("insert {piece:?} at {at}"));
            }
            4 => {
                let len = 1 + rng.below(16).min(body.len() - at - 1);
                let slice = body[at..at + len].to_vec();
                let to = rng.below(body.len());
                body.splice(to..to, slice);
                what.push(format!("copy {len} from {at} to {to}"));
            }
            _ => {
                // Replace a digit with another (often a still-valid body).
                let digits: Vec<usize> = (0..body.len())
                    .filter(|&i| body[i].is_ascii_digit())
                    .collect();
                if let Some(&i) = digits.get(rng.below(digits.len().max(1))) {
                    let d = b'0' + rng.below(10) as u8;
                    body[i] = d;
                    what.push(format!("digit at {i} := {}", d as char));
                }
            }
        }
    }
    (body, what.join(", "))
}

/// A few hundred mutated versions of a valid body: never a 5xx, the server keeps running, and
/// the store grows by exactly the mutations that were valid places (201).
#[test]
fn mutated_bodies_never_break_the_server() {
    let mut server = Server::start();
    let fx = Fixture::new(&server);
    let before = fx.snapshot(&server);
    let base = valid_feature().to_string().into_bytes();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut created = 0i64;
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    const MUTATIONS: usize = 400;
    for i in 0..MUTATIONS {
        let (body, what) = mutate(&mut rng, &base);
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(300)
            .collect::<String>();
        let r = server.send(
            server
                .request(Method::POST, "/api/places")
                .header("content-type", "application/json")
                .body(body),
            Some(&fx.admin),
        );
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = r.text().unwrap_or_default();
        *by_status.entry(status).or_default() += 1;
        assert!(
            status < 500,
            "mutation {i} ({what}) gave {status}: {text}\nbody: {shown}"
        );
        match status {
            201 => {
                created += 1;
                let v: Value = serde_json::from_str(&text).expect("201 body is JSON");
                let code = v["properties"]["code"].as_str().expect("code");
                let r = server.get(&format!("/api/places/{code}"), Some(&fx.reader));
                assert_eq!(
                    r.status(),
                    200,
                    "mutation {i} ({what}): the new place is not readable"
                );
            }
            400..=499 => {
                assert_eq!(
                    ct, "application/problem+json",
                    "mutation {i} ({what}): {status} {text}"
                );
                let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                    panic!("mutation {i} ({what}): problem not JSON ({e}): {text}")
                });
                assert!(
                    v["detail"].as_str().is_some_and(|d| !d.is_empty()),
                    "mutation {i} ({what}): no detail: {text}"
                );
            }
            other => panic!("mutation {i} ({what}): unexpected status {other}: {text}"),
        }
        assert!(
            server.alive(),
            "mutation {i} ({what}) killed the server\nbody: {shown}"
        );
    }
    assert_healthy(&mut server, "mutations");
    let after = fx.snapshot(&server);
    assert_eq!(
        after.stats["places"].as_i64(),
        before.stats["places"].as_i64().map(|p| p + created),
        "places after {created} valid mutations"
    );
    assert_eq!(
        after.stats["events"].as_i64(),
        before.stats["events"].as_i64().map(|e| e + created),
        "events after {created} valid mutations"
    );
    assert_eq!(after.stats["places_indexed"], after.stats["places"]);
    assert_eq!(after.stats["tokens"], before.stats["tokens"]);
    assert_eq!(after.stats["communes"], before.stats["communes"]);
    assert_eq!(after.place, before.place, "the known place changed");
    assert_eq!(after.etag, before.etag, "the known place's ETag changed");
    assert_eq!(
        after.events[..before.events.len()],
        before.events[..],
        "old events changed"
    );
    assert_eq!(after.tokens, before.tokens, "tokens changed");
    // The fuzzing must exercise both sides: mostly refusals, some valid mutations.
    let refused: usize = by_status
        .iter()
        .filter(|(s, _)| (400..500).contains(*s))
        .map(|(_, n)| n)
        .sum();
    assert!(refused > MUTATIONS / 2, "too few refusals: {by_status:?}");
    assert!(created > 0, "no mutation stayed valid: {by_status:?}");
    eprintln!("mutations: {MUTATIONS} sent, {created} valid (201), by status {by_status:?}");
}

/// The writers added with streets, parking and population get the same treatment: mutated
/// bodies (and query strings) never give a 5xx or stop the server, and every refusal is a
/// problem+json with a detail.
#[test]
fn mutated_bodies_to_the_newer_writers_never_break_the_server() {
    let mut server = Server::start();
    let admin = server.token("admin", &[]);
    let platform = server.token_named("payment_platform", "napas", &[]);
    let sync = server.token("population_sync", &[]);
    let lot = server.register(
        &admin,
        "parking_lot",
        "Bãi xe thử",
        offset(PHO_HIEN, 50.0, 50.0),
    )["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let house = server.register(&admin, "house", "Nhà thử", offset(PHO_HIEN, 12.0, 0.0))
        ["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let line = json!([offset(PHO_HIEN, 0.0, 80.0), offset(PHO_HIEN, 0.0, -80.0)]);
    let street = json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
        "properties": {"street_type": "pho", "name": "Thử", "width_m": 12, "suffix_style": "dash"}});
    let r = server.post("/api/streets", Some(&admin), &street);
    assert_eq!(r.status(), 201);
    let street_id = r.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let targets: Vec<(&str, String, &str, String, &str)> = vec![
        ("POST", "/api/streets".into(), "application/geo+json", street.to_string(), admin.as_str()),
        (
            "POST",
            format!("/api/streets/{street_id}/numbering-plans"),
            "application/json",
            json!({"renumber_all": true, "suffix_style": "letters", "reserve_every_m": 8, "frontage_max_m": 30}).to_string(),
            admin.as_str(),
        ),
        (
            "PUT",
            "/api/communes/11953/numbering-rules".into(),
            "application/json",
            json!({"suffix_style": "dash", "reserve_every_m": 6}).to_string(),
            admin.as_str(),
        ),
        (
            "POST",
            "/api/parking/transactions".into(),
            "application/json",
            json!({"transactions": [{"platform": "napas", "transaction_id": "T1", "lot_code": lot,
                "vehicle": "car", "amount_vnd": 30000, "paid_at": "2026-11-27T08:00:00+07:00"}]}).to_string(),
            platform.as_str(),
        ),
        (
            "POST",
            "/api/residents/imports?as_of=2026-11-01".into(),
            "text/csv",
            format!("code,residents,households\n{house},4,1\n"),
            sync.as_str(),
        ),
    ];
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for (method, path, content_type, base, token) in &targets {
        for i in 0..120 {
            let (body, what) = mutate(&mut rng, base.as_bytes());
            // Half the time, mutate the query string too.
            let path = if i % 2 == 1 && path.contains('?') {
                let (p, q) = path.split_once('?').unwrap();
                let (q, _) = mutate(&mut rng, q.as_bytes());
                format!(
                    "{p}?{}",
                    String::from_utf8_lossy(&q).replace(['#', ' '], "")
                )
            } else {
                path.clone()
            };
            let r = server.send(
                server
                    .request(Method::from_bytes(method.as_bytes()).unwrap(), &path)
                    .header("content-type", *content_type)
                    .body(body.clone()),
                Some(token),
            );
            let status = r.status().as_u16();
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = r.text().unwrap_or_default();
            let shown: String = String::from_utf8_lossy(&body).chars().take(200).collect();
            assert!(
                status < 500,
                "{method} {path} mutation {i} ({what}) gave {status}: {text}\nbody: {shown}"
            );
            if status >= 400 {
                assert_eq!(
                    ct, "application/problem+json",
                    "{method} {path} ({what}): {status} {text}"
                );
                let v: Value = serde_json::from_str(&text).unwrap();
                assert!(
                    v["detail"].as_str().is_some_and(|d| !d.is_empty()),
                    "{text}"
                );
            }
        }
        assert!(server.alive(), "{method} {path} killed the server");
    }
    // And garbage on the read side of the new endpoints.
    for path in [
        "/api/population/h3?res=99",
        "/api/population/h3?res=8&bbox=1,2,3",
        "/api/population/h3?res=8&bbox=nan,nan,nan,nan",
        "/api/population/communes?snapshot=-1",
        "/api/parking/daily-totals?from=2026-02-30",
        "/api/exports/addresses?since=-5",
        "/api/streets?bbox=a,b,c,d",
        "/api/streets/st-%00%00",
        "/api/numbering-plans/np-..%2f..",
        "/api/communes/99999/house-numbers",
        "/api/communes/11953/house-numbers?format=xml",
        "/tiles/places/30/1/1.mvt",
        "/tiles/places/3/99/1.mvt",
        "/api/places/000000000000/payment-qr?amount=-1",
    ] {
        let r = server.get(path, Some(&admin));
        let status = r.status().as_u16();
        assert!(
            (400..500).contains(&status),
            "{path}: {status} {}",
            r.text().unwrap_or_default()
        );
    }
    assert_healthy(&mut server, "newer writers");
}
