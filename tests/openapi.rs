//! The served OpenAPI document (`/api/openapi.json`) against the running binary.
//!
//! Fails when the document and the routes disagree, in either direction:
//!
//! - a documented path or method that the router does not serve (the probe gets the fallback
//!   404 "no such resource…" or a 405);
//! - a routed method that is not documented on a documented path (the `Allow` header of a 405
//!   lists more than the document);
//! - a route registered outside `routes!` (and so undocumented): the router's source may
//!   register routes only through `routes!`, and the list below must equal the document;
//! - an answer whose status, media type or body the document does not describe (every probe's
//!   answer, and a tour of real answers, are checked against the documented schemas with a
//!   small JSON Schema checker that also refuses members the schema does not list).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// Every route the service has, as `(METHOD, path)`. Adding or removing a route means changing
/// this list: the API contract changes in review, not by accident.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/metrics"),
    ("GET", "/api"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/redoc.standalone.js"),
    ("GET", "/api/kinds"),
    ("GET", "/api/stats"),
    ("POST", "/api/places"),
    ("GET", "/api/places/{code}"),
    ("PATCH", "/api/places/{code}"),
    ("POST", "/api/places/{code}/certify"),
    ("POST", "/api/places/{code}/retire"),
    ("GET", "/api/places/{code}/history"),
    ("GET", "/api/codes/{code}"),
    ("GET", "/api/reverse"),
    ("GET", "/api/search"),
    ("GET", "/api/geocode"),
    ("POST", "/api/geocode/batch"),
    ("GET", "/api/communes"),
    ("GET", "/api/communes/{code}"),
    ("GET", "/api/changes"),
    ("GET", "/api/exports/places"),
    ("POST", "/api/imports"),
    ("GET", "/api/imports"),
    ("GET", "/api/imports/{id}"),
    ("GET", "/api/imports/{id}/report"),
    ("POST", "/api/tokens"),
    ("GET", "/api/tokens"),
    ("DELETE", "/api/tokens/{id}"),
    ("GET", "/ogc"),
    ("GET", "/ogc/conformance"),
    ("GET", "/ogc/collections"),
    ("GET", "/ogc/collections/{id}"),
    ("GET", "/ogc/collections/{id}/queryables"),
    ("GET", "/ogc/collections/{id}/items"),
    ("GET", "/ogc/collections/{id}/items/{featureId}"),
    ("POST", "/api/streets"),
    ("GET", "/api/streets"),
    ("GET", "/api/streets/{id}"),
    ("PATCH", "/api/streets/{id}"),
    ("POST", "/api/streets/{id}/retire"),
    ("GET", "/api/streets/{id}/history"),
    ("POST", "/api/streets/{id}/numbering-plans"),
    ("GET", "/api/streets/{id}/numbering-plans"),
    ("GET", "/api/streets/{id}/plates"),
    ("GET", "/api/numbering-plans/{id}"),
    ("POST", "/api/numbering-plans/{id}/approve"),
    ("POST", "/api/numbering-plans/{id}/reject"),
    ("GET", "/api/communes/{code}/numbering-rules"),
    ("PUT", "/api/communes/{code}/numbering-rules"),
    ("GET", "/api/communes/{code}/house-numbers"),
    ("PUT", "/api/places/{code}/units"),
    ("GET", "/api/places/{code}/payment-qr"),
    ("GET", "/api/places/{code}/payment-sticker"),
    ("POST", "/api/parking/transactions"),
    ("GET", "/api/parking/daily-totals"),
    ("GET", "/api/parking/progress"),
    ("POST", "/api/residents/imports"),
    ("GET", "/api/residents/snapshots"),
    ("GET", "/api/population/h3"),
    ("GET", "/api/population/communes"),
    ("GET", "/api/exports/addresses"),
    ("GET", "/api/reports/progress"),
    ("GET", "/tiles/{layer}/{z}/{x}/{y}"),
    ("GET", "/viewer/{file}"),
    ("GET", "/viewer/glyphs/{range}"),
    ("GET", "/api/province"),
    ("GET", "/api/session"),
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn fetch_doc(s: &Server) -> Value {
    let r = s.get("/api/openapi.json", None);
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    r.json().expect("the document is JSON")
}

/// `(METHOD, path)` of every operation in a document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().expect("path item") {
            if METHODS.contains(&method.as_str()) {
                ops.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    ops
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &doc["paths"][path][method.to_ascii_lowercase()];
    assert!(op.is_object(), "{method} {path} is not documented");
    op
}

// ---------------------------------------------------------------------------------------------
// A small JSON Schema checker for what utoipa emits (OpenAPI 3.1 / JSON Schema 2020-12 subset).
// Strict: an object schema with `properties` and no `additionalProperties` refuses other members,
// so a member the code emits but the document does not list is caught.
// ---------------------------------------------------------------------------------------------

fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("external $ref {reference}"));
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("unresolved $ref {reference}"))
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        other => panic!("unknown JSON Schema type {other}"),
    }
}

/// Checks `value` against `schema`; returns what is wrong, each with a JSON pointer.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut errors = Vec::new();
    check_into(doc, schema, value, at, &mut errors);
    errors
}

fn check_into(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: no value is allowed here"));
        }
        return;
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        check_into(doc, resolve(doc, r), value, at, errors);
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for sub in all {
            check_into(doc, sub, value, at, errors);
        }
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        if !any.iter().any(|sub| check(doc, sub, value, at).is_empty()) {
            errors.push(format!("{at}: matches none of anyOf: {value}"));
        }
    }
    if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
        let results: Vec<Vec<String>> = one.iter().map(|sub| check(doc, sub, value, at)).collect();
        let ok = results.iter().filter(|r| r.is_empty()).count();
        if ok != 1 {
            errors.push(format!(
                "{at}: matches {ok} of oneOf (exactly 1 wanted): {:?}",
                results
            ));
        }
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_matches(t, value) => {
            errors.push(format!("{at}: {value} is not of type {t}"));
            return;
        }
        Some(Value::Array(ts)) if !ts.iter().any(|t| type_matches(t.as_str().unwrap(), value)) => {
            errors.push(format!("{at}: {value} is not of type {ts:?}"));
            return;
        }
        _ => {}
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            errors.push(format!("{at}: {value} is not one of {e:?}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != value {
            errors.push(format!("{at}: {value} is not {c}"));
        }
    }
    match value {
        Value::Object(o) => {
            for key in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = key.as_str().unwrap();
                if !o.contains_key(key) {
                    errors.push(format!("{at}: required member {key:?} is missing"));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (key, v) in o {
                let here = format!("{at}/{key}");
                match (
                    props.and_then(|p| p.get(key)),
                    s.get("additionalProperties"),
                ) {
                    (Some(sub), _) => check_into(doc, sub, v, &here, errors),
                    (None, Some(Value::Bool(true))) => {}
                    (None, Some(Value::Bool(false))) => {
                        errors.push(format!("{here}: member not allowed"))
                    }
                    (None, Some(sub)) => check_into(doc, sub, v, &here, errors),
                    (None, None) if props.is_some() => errors.push(format!(
                        "{here}: member not described by the schema (value {v})"
                    )),
                    (None, None) => {}
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = s.get("items") {
                for (i, v) in a.iter().enumerate() {
                    check_into(doc, items, v, &format!("{at}/{i}"), errors);
                }
            }
            if let Some(n) = s.get("minItems").and_then(Value::as_u64) {
                if (a.len() as u64) < n {
                    errors.push(format!("{at}: fewer than {n} items"));
                }
            }
            if let Some(n) = s.get("maxItems").and_then(Value::as_u64) {
                if (a.len() as u64) > n {
                    errors.push(format!("{at}: more than {n} items"));
                }
            }
        }
        Value::String(text) => {
            if let Some(p) = s.get("pattern").and_then(Value::as_str) {
                if !pattern_matches(p, text) {
                    errors.push(format!("{at}: {text:?} does not match {p}"));
                }
            }
            let chars = text.chars().count() as u64;
            if s.get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|n| chars < n)
            {
                errors.push(format!("{at}: {text:?} is too short"));
            }
            if s.get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|n| chars > n)
            {
                errors.push(format!("{at}: {text:?} is too long"));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap();
            let bound = |k: &str| s.get(k).and_then(Value::as_f64);
            if bound("minimum").is_some_and(|m| x < m)
                || bound("maximum").is_some_and(|m| x > m)
                || bound("exclusiveMinimum").is_some_and(|m| x <= m)
                || bound("exclusiveMaximum").is_some_and(|m| x >= m)
            {
                errors.push(format!("{at}: {x} is out of the documented range"));
            }
        }
        _ => {}
    }
}

/// One element of a pattern: a character class (inclusive ranges) and how often, min to max.
type Atom = (Vec<(char, char)>, usize, usize);

/// The regular expressions the document uses: `^…$` over literals, `[…]` classes with ranges,
/// and the quantifiers `{n}` and `+`.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let body = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .unwrap_or_else(|| panic!("pattern {pattern} is not anchored"));
    let mut atoms: Vec<Atom> = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let class = if c == '[' {
            let mut ranges = Vec::new();
            let mut members: Vec<char> = Vec::new();
            for c in chars.by_ref() {
                if c == ']' {
                    break;
                }
                members.push(c);
            }
            let mut i = 0;
            while i < members.len() {
                if i + 2 < members.len() && members[i + 1] == '-' {
                    ranges.push((members[i], members[i + 2]));
                    i += 3;
                } else {
                    ranges.push((members[i], members[i]));
                    i += 1;
                }
            }
            ranges
        } else {
            assert!(
                !"\\.()|*?".contains(c),
                "pattern {pattern}: {c} unsupported"
            );
            vec![(c, c)]
        };
        let (min, max) = match chars.peek() {
            Some('{') => {
                chars.next();
                let n: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let n = n.parse().unwrap();
                (n, n)
            }
            Some('+') => {
                chars.next();
                (1, usize::MAX)
            }
            _ => (1, 1),
        };
        atoms.push((class, min, max));
    }
    fn go(atoms: &[Atom], text: &[char]) -> bool {
        let Some(((class, min, max), rest)) = atoms.split_first() else {
            return text.is_empty();
        };
        let fits = |c: char| class.iter().any(|(a, b)| (*a..=*b).contains(&c));
        let mut n = 0;
        while n < text.len() && n < *max && fits(text[n]) {
            n += 1;
        }
        (*min..=n).rev().any(|k| go(rest, &text[k..]))
    }
    go(&atoms, &text.chars().collect::<Vec<_>>())
}

/// The documented schema of an answer, or a panic naming what is not documented.
fn response_schema<'a>(
    doc: &'a Value, method: &str, path: &str, status: u16, media: &str,
) -> Option<&'a Value> {
    let op = operation(doc, method, path);
    let response = &op["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path} answered {status}, which is not documented (documented: {:?})",
        op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, r),
        None => response,
    };
    let content = response.get("content").and_then(Value::as_object);
    if media.is_empty() {
        return None;
    }
    let content = content.unwrap_or_else(|| {
        panic!("{method} {path} {status} answered {media}, but the document gives no content")
    });
    let (_, media_doc) = content
        .iter()
        .find(|(m, _)| essence(m) == media)
        .unwrap_or_else(|| {
            panic!(
                "{method} {path} {status} answered {media}, documented: {:?}",
                content.keys().collect::<Vec<_>>()
            )
        });
    media_doc.get("schema")
}

/// The media type without parameters, lower case.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Checks an answer against the document; returns the body when it is JSON.
fn conforms(doc: &Value, method: &str, path: &str, r: reqwest::blocking::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let media = r
        .headers()
        .get("content-type")
        .map(|v| essence(v.to_str().unwrap()))
        .unwrap_or_default();
    let headers = r.headers().clone();
    let text = r.text().expect("body");
    let schema = response_schema(doc, method, path, status, &media);
    let response = &operation(doc, method, path)["responses"][status.to_string()];
    for (name, _) in response
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let optional = name.eq_ignore_ascii_case("Idempotent-Replayed");
        assert!(
            optional || headers.contains_key(name.as_str()),
            "{method} {path} {status}: documented header {name} is missing"
        );
    }
    let body = if media.ends_with("json") {
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path} {status}: not JSON ({e}): {text}"))
    } else {
        Value::Null
    };
    if let (Some(schema), true) = (schema, media.ends_with("json")) {
        let errors = check(doc, schema, &body, "");
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not match the documented schema:\n  {}\nbody: {body}",
            errors.join("\n  ")
        );
    }
    (status, body)
}

// ---------------------------------------------------------------------------------------------
// The document itself
// ---------------------------------------------------------------------------------------------

#[test]
fn the_document_is_openapi_3_1_and_describes_the_whole_api() {
    let s = Server::start();
    let doc = fetch_doc(&s);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "diachiso");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["info"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("Authorization: Bearer TOKEN")));
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "Problem",
        "PlaceFeature",
        "PlaceProperties",
        "NewPlace",
        "PlaceKind",
        "Status",
        "Event",
        "CodeLookup",
        "ItemsPage",
    ] {
        assert!(schemas.contains_key(name), "schema {name} is missing");
    }
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http");
    assert_eq!(bearer["scheme"], "bearer");

    // The served document is the library's, and the media type follows Accept.
    assert_eq!(
        doc,
        serde_json::to_value(diachiso::api::openapi()).unwrap(),
        "served document differs from diachiso::api::openapi()"
    );
    let r = s.send(
        s.request(Method::GET, "/api/openapi.json").header(
            "accept",
            "application/vnd.oai.openapi+json;version=3.1, application/json;q=0.5",
        ),
        None,
    );
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.oai.openapi+json;version=3.1"
    );
    let landing: Value = s.get("/ogc", None).json().unwrap();
    let desc = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "service-desc")
        .expect("service-desc link");
    assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.1");
    assert!(desc["href"]
        .as_str()
        .unwrap()
        .ends_with("/api/openapi.json"));
    let conformance: Value = s.get("/ogc/conformance", None).json().unwrap();
    assert!(
        !conformance.to_string().contains("conf/oas30"),
        "the API is described in OpenAPI 3.1, not 3.0"
    );

    // Every $ref resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        resolve(&doc, r);
    }

    // Operations: unique ids, a tag, a summary, a success answer and the 500; path parameters
    // and path templates agree; every security requirement names the bearer scheme; the
    // enumerations are the domain's.
    let mut ids = BTreeSet::new();
    for (method, path) in operations(&doc) {
        let op = operation(&doc, &method, &path);
        let id = op["operationId"].as_str().expect("operationId");
        assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path}: no tag"
        );
        assert!(
            op["summary"].as_str().is_some_and(|t| !t.is_empty()),
            "{method} {path}: no summary"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{method} {path}: no success answer"
        );
        assert!(responses.contains_key("500"), "{method} {path}: no 500");
        let templated: BTreeSet<&str> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(templated, declared, "{method} {path}: path parameters");
        for requirement in op["security"].as_array().into_iter().flatten() {
            for scheme in requirement.as_object().unwrap().keys() {
                assert_eq!(scheme, "bearer", "{method} {path}: unknown scheme");
            }
        }
        let needs_token = op["security"]
            .as_array()
            .is_some_and(|r| !r.iter().any(|req| req.as_object().unwrap().is_empty()));
        if needs_token {
            let text = op["description"].as_str().unwrap_or("");
            assert!(
                [
                    "reader",
                    "editor",
                    "reviewer",
                    "admin",
                    "payment_platform",
                    "population_sync",
                    "population_analyst"
                ]
                .iter()
                .any(|r| text.contains(&format!("**{r}**"))),
                "{method} {path}: needs a token but names no role"
            );
        }
    }
    let kinds: Vec<Value> = diachiso::place::PlaceKind::ALL
        .iter()
        .map(|k| json!(k.as_str()))
        .collect();
    assert_eq!(schemas["PlaceKind"]["enum"], json!(kinds));
    let statuses: Vec<Value> = diachiso::place::Status::ALL
        .iter()
        .map(|k| json!(k.as_str()))
        .collect();
    assert_eq!(schemas["Status"]["enum"], json!(statuses));
    let place_props = &schemas["PlaceProperties"]["properties"];
    for p in [
        "code",
        "code_display",
        "kind",
        "kind_label",
        "name",
        "commune_code",
        "commune_name",
        "status",
        "address",
        "attributes",
        "external_ids",
        "footprint",
        "generated",
        "version",
        "created_at",
        "updated_at",
    ] {
        assert!(
            place_props[p].is_object(),
            "PlaceProperties.{p} is not described"
        );
    }
    for p in [
        "type",
        "title",
        "status",
        "detail",
        "errors",
        "candidates",
        "reason",
    ] {
        assert!(
            schemas["Problem"]["properties"][p].is_object(),
            "Problem.{p} is not described"
        );
    }
}

#[test]
fn the_documented_operations_are_exactly_the_routes() {
    let s = Server::start();
    let doc = fetch_doc(&s);
    let documented = operations(&doc);
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(listed.len(), ROUTES.len(), "ROUTES lists a route twice");
    let missing: Vec<_> = listed.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&listed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes not documented: {missing:?}; documented but not in ROUTES: {extra:?}"
    );
    let from_library: BTreeSet<(String, String)> =
        diachiso::api::documented_routes().into_iter().collect();
    assert_eq!(from_library, documented);
}

/// No route may bypass `routes!` (an axum or OpenApiRouter `.route(...)`, a nested or merged
/// router, a service): such a route would be served but not documented.
#[test]
fn routes_are_registered_only_through_the_documented_route_table() {
    let forbidden = [
        ".route(",
        ".route_service(",
        ".nest(",
        ".nest_service(",
        ".merge(",
        "Router::new(",
        "routing::get(",
        "routing::post(",
        "routing::patch(",
        "routing::delete(",
        "routing::put(",
        "routing::any(",
    ];
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                for (i, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if forbidden.iter().any(|f| code.contains(f)) {
                        offenders.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes must be registered with routes!(...) in src/api/mod.rs so that they are \
         documented:\n{}",
        offenders.join("\n")
    );
}

/// Fills a documented path with placeholders that are syntactically valid.
fn concrete(path: &str) -> String {
    let path = if path.starts_with("/api/communes/") {
        path.replace("{code}", "11953")
    } else if path.starts_with("/api/tokens/") {
        path.replace("{id}", "1")
    } else {
        path.replace("{code}", "000000000000")
            .replace("{id}", "places")
            .replace("{featureId}", "000000000000")
            .replace("{layer}", "places")
            .replace("{z}", "0")
            .replace("{x}", "0")
            .replace("{y}", "0.mvt")
            .replace("{file}", "app.js")
            .replace("{range}", "0-255.pbf")
    };
    assert!(!path.contains('{'), "no placeholder for {path}");
    path
}

/// The query string of an operation's required query parameters, from their examples.
fn required_query(op: &Value, method: &str, path: &str) -> String {
    let pairs: Vec<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            let example = p
                .get("example")
                .or_else(|| p["schema"].get("example"))
                .unwrap_or_else(|| panic!("{method} {path}: required {name} has no example"));
            let value = match example {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{name}={}", value.replace(' ', "%20"))
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// The request a probe sends for one documented operation.
fn probe(
    s: &Server, doc: &Value, method: &str, path: &str, token: Option<&str>,
) -> reqwest::blocking::Response {
    let op = operation(doc, method, path);
    let url = format!("{}{}", concrete(path), required_query(op, method, path));
    let mut req = s.request(Method::from_bytes(method.as_bytes()).unwrap(), &url);
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "header" && p["required"] == true {
            req = req.header(p["name"].as_str().unwrap(), "\"000000000000-1\"");
        }
    }
    if op.get("requestBody").is_some() {
        req = req.header("content-type", "application/json").body("{}");
    }
    s.send(req, token)
}

/// Every documented operation exists in the router (not the fallback 404, not a 405) and
/// answers only what the document describes; every documented path allows exactly the
/// documented methods.
#[test]
fn every_documented_operation_is_routed_and_answers_as_documented() {
    let s = Server::start();
    let doc = fetch_doc(&s);
    let reader = s.token("reader", &[]); // id 1: the placeholder token id, revoked by the probe
    let admin = s.token("admin", &[]);
    let mut answered: BTreeMap<(String, String), Vec<u16>> = BTreeMap::new();
    for token in [None, Some(admin.as_str())] {
        for (method, path) in operations(&doc) {
            let r = probe(&s, &doc, &method, &path, token);
            let status = r.status().as_u16();
            let ct = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let r = if status == 404 || status == 405 {
                let body: Value = r.json().expect("a problem");
                assert_ne!(
                    status, 405,
                    "{method} {path} is documented but not routed: {body}"
                );
                assert!(
                    !body["detail"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("no such resource"),
                    "{method} {path} is documented but not routed (fallback 404)"
                );
                assert_eq!(ct, "application/problem+json");
                let errors = check(
                    &doc,
                    response_schema(&doc, &method, &path, 404, "application/problem+json").unwrap(),
                    &body,
                    "",
                );
                assert!(errors.is_empty(), "{method} {path} 404: {errors:?}");
                answered
                    .entry((method.clone(), path.clone()))
                    .or_default()
                    .push(status);
                continue;
            } else {
                r
            };
            let (status, _) = conforms(&doc, &method, &path, r);
            answered
                .entry((method.clone(), path.clone()))
                .or_default()
                .push(status);
        }
    }
    assert_eq!(answered.len(), operations(&doc).len());
    assert_eq!(
        s.get("/api/stats", Some(&reader)).status(),
        401,
        "DELETE /api/tokens/1 revoked the reader"
    );

    // The router allows on each documented path exactly the documented methods (axum adds
    // HEAD wherever there is a GET).
    let mut by_path: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (method, path) in operations(&doc) {
        by_path.entry(path).or_default().insert(method);
    }
    for (path, methods) in &by_path {
        let unused = ["PUT", "DELETE", "PATCH", "POST", "GET"]
            .into_iter()
            .find(|m| !methods.contains(*m))
            .expect("an undocumented method");
        let r = s.send(
            s.request(
                Method::from_bytes(unused.as_bytes()).unwrap(),
                &concrete(path),
            ),
            None,
        );
        let allow = r
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned())
            .expect("a 405 names the allowed methods");
        expect_problem(r, 405);
        let allow: BTreeSet<String> = allow
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        let mut expected = methods.clone();
        if expected.contains("GET") {
            expected.insert("HEAD".into());
        }
        assert_eq!(&allow, &expected, "methods routed on {path}");
    }

    // And a path nobody documented is the fallback.
    let r = s.get("/api/no-such-thing", None);
    let body = expect_problem(r, 404);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .starts_with("no such resource"));
}

/// A tour of real answers, each checked against the documented status, media type, headers
/// and schema.
#[test]
fn real_answers_match_the_documented_schemas() {
    let s = Server::start();
    let doc = fetch_doc(&s);
    let admin = s.token("admin", &[]);
    let reviewer = s.token("reviewer", &[]);
    let editor = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);
    let ok = |method: &str, template: &str, r: reqwest::blocking::Response| {
        conforms(&doc, method, template, r)
    };
    let post = |path: &str, token: Option<&str>, body: Value, key: Option<&str>| {
        let mut req = s
            .request(Method::POST, path)
            .header("content-type", "application/geo+json")
            .body(body.to_string());
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        s.send(req, token)
    };

    // A place with every optional part: the answer carries every property the schema lists.
    let [lon, lat] = PHO_HIEN;
    let d = 0.0002;
    let full = json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": PHO_HIEN},
        "properties": {
            "kind": "parking_lot", "name": "Bãi đỗ xe Phố Hiến",
            "address": {"house_number": "20A", "street": "phố Nguyễn Văn Linh", "hamlet": "tổ 5"},
            "attributes": {"capacity": {"motorbike": 300, "car": 40}, "phone": "0221 3862 000"},
            "external_ids": {"postcode": "16000"},
            "footprint": {"type": "Polygon", "coordinates": [[
                [lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]
            ]]},
            "generated": true
        }
    });
    let (status, created) = ok(
        "POST",
        "/api/places",
        post("/api/places", Some(&editor), full.clone(), Some("tour-1")),
    );
    assert_eq!(status, 201);
    let schemas = &doc["components"]["schemas"];
    for p in schemas["PlaceProperties"]["properties"]
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            created["properties"].get(p).is_some(),
            "the created place lacks the documented property {p}: {created}"
        );
    }
    for p in schemas["PlaceFeature"]["required"].as_array().unwrap() {
        assert!(created.get(p.as_str().unwrap()).is_some());
    }
    let code = created["properties"]["code"].as_str().unwrap().to_owned();
    let place = format!("/api/places/{code}");
    let r = post("/api/places", Some(&editor), full.clone(), Some("tour-1"));
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(ok("POST", "/api/places", r).1, created);
    assert_eq!(
        ok(
            "POST",
            "/api/places",
            post("/api/places", Some(&editor), full.clone(), None)
        )
        .0,
        409,
        "a possible duplicate, with candidates"
    );
    let mut other = full.clone();
    other["properties"]["name"] = json!("Khác");
    assert_eq!(
        ok(
            "POST",
            "/api/places",
            post("/api/places", Some(&editor), other, Some("tour-1"))
        )
        .0,
        422
    );
    let (_, invalid) = ok(
        "POST",
        "/api/places",
        post(
            "/api/places",
            Some(&editor),
            json!({"type": "Feature", "properties": {"kind": "castle", "code": "1"}}),
            None,
        ),
    );
    assert!(
        invalid["errors"].as_array().is_some_and(|e| e.len() >= 3),
        "{invalid}"
    );
    assert_eq!(
        ok(
            "POST",
            "/api/places",
            post("/api/places", None, full.clone(), None)
        )
        .0,
        401
    );
    let tan_hung = place_at("other", "Ở Tân Hưng", TAN_HUNG);
    assert_eq!(
        ok(
            "POST",
            "/api/places",
            post("/api/places", Some(&editor), tan_hung, None)
        )
        .0,
        403
    );

    // Reading, conditional reading, correcting.
    let r = s.get(&place, Some(&reader));
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(ok("GET", "/api/places/{code}", r).0, 200);
    assert_eq!(ok("GET", "/api/places/{code}", s.get(&place, None)).0, 404);
    let r = s.send(
        s.request(Method::GET, &place)
            .header("if-none-match", &etag),
        Some(&reader),
    );
    assert_eq!(ok("GET", "/api/places/{code}", r).0, 304);
    assert_eq!(
        ok("GET", "/api/places/{code}", s.get("/api/places/1234", None)).0,
        400
    );
    let patch = json!({"properties": {"name": "Bãi đỗ xe Phố Hiến (mở rộng)", "address": {"hamlet": null}}});
    assert_eq!(
        ok(
            "PATCH",
            "/api/places/{code}",
            s.patch(&place, Some(&editor), None, &patch)
        )
        .0,
        428
    );
    assert_eq!(
        ok(
            "PATCH",
            "/api/places/{code}",
            s.patch(&place, Some(&editor), Some(&etag), &patch)
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "PATCH",
            "/api/places/{code}",
            s.patch(&place, Some(&editor), Some(&etag), &patch)
        )
        .0,
        412
    );
    assert_eq!(
        ok(
            "PATCH",
            "/api/places/{code}",
            s.patch(&place, Some(&editor), Some("*"), &json!([1]))
        )
        .0,
        422
    );

    // Lifecycle.
    let certify = format!("{place}/certify");
    assert_eq!(
        ok(
            "POST",
            "/api/places/{code}/certify",
            s.post(&certify, Some(&editor), &Value::Null)
        )
        .0,
        403
    );
    assert_eq!(
        ok(
            "POST",
            "/api/places/{code}/certify",
            s.post(&certify, Some(&reviewer), &json!({"reason": "đã kiểm tra"}))
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "POST",
            "/api/places/{code}/certify",
            s.post(&certify, Some(&reviewer), &Value::Null)
        )
        .0,
        409
    );
    let (_, public) = ok(
        "GET",
        "/api/codes/{code}",
        s.get(&format!("/api/codes/{code}"), None),
    );
    assert!(public["place"].is_object());
    let (_, free) = ok(
        "GET",
        "/api/codes/{code}",
        s.get("/api/codes/0000 0000 0000", None),
    );
    assert_eq!(free["registered"], false);
    let (_, bad) = ok(
        "GET",
        "/api/codes/{code}",
        s.get("/api/codes/123456789012", None),
    );
    assert!(bad["reason"].is_string(), "{bad}");
    let r = s.send(
        s.request(Method::GET, "/api/codes/000000000000")
            .header("authorization", "Bearer nope"),
        None,
    );
    assert_eq!(ok("GET", "/api/codes/{code}", r).0, 401);

    // A second place to retire.
    let gone = s.register(&admin, "house", "Nhà số 3", offset(PHO_HIEN, 60.0, 0.0));
    let gone = format!(
        "/api/places/{}/retire",
        gone["properties"]["code"].as_str().unwrap()
    );
    assert_eq!(
        ok(
            "POST",
            "/api/places/{code}/retire",
            s.post(&gone, Some(&editor), &Value::Null)
        )
        .0,
        422
    );
    assert_eq!(
        ok(
            "POST",
            "/api/places/{code}/retire",
            s.post(&gone, Some(&editor), &json!({"reason": "đăng ký nhầm"}))
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "POST",
            "/api/places/{code}/retire",
            s.post(&gone, Some(&editor), &json!({"reason": "lần nữa"}))
        )
        .0,
        409
    );

    // History and the change feed.
    let (_, history) = ok(
        "GET",
        "/api/places/{code}/history",
        s.get(&format!("{place}/history"), Some(&reader)),
    );
    assert_eq!(history["events"].as_array().unwrap().len(), 3);
    assert_eq!(
        ok(
            "GET",
            "/api/places/{code}/history",
            s.get(&format!("{place}/history"), None)
        )
        .0,
        401
    );
    assert_eq!(
        ok(
            "GET",
            "/api/places/{code}/history",
            s.get("/api/places/000000000000/history", Some(&reader))
        )
        .0,
        404
    );
    let (_, feed) = ok(
        "GET",
        "/api/changes",
        s.get("/api/changes?after=0&limit=100", Some(&reader)),
    );
    assert_eq!(feed["events"].as_array().unwrap().len(), 5);
    assert_eq!(
        ok(
            "GET",
            "/api/changes",
            s.get("/api/changes?after=-1", Some(&reader))
        )
        .0,
        400
    );
    assert_eq!(
        ok("GET", "/api/changes", s.get("/api/changes", None)).0,
        401
    );

    // Reverse lookup and search.
    let (_, near) = ok(
        "GET",
        "/api/reverse",
        s.get(
            &format!("/api/reverse?lon={lon}&lat={lat}&radius_m=500"),
            Some(&reader),
        ),
    );
    assert!(near["commune"].is_object() && !near["features"].as_array().unwrap().is_empty());
    let (_, sea) = ok(
        "GET",
        "/api/reverse",
        s.get("/api/reverse?lon=107.9&lat=19.9", None),
    );
    assert!(sea["commune"].is_null());
    assert_eq!(
        ok("GET", "/api/reverse", s.get("/api/reverse?lon=1", None)).0,
        400
    );
    let (_, found) = ok(
        "GET",
        "/api/search",
        s.get(
            &format!("/api/search?q=bai%20do%20xe&lon={lon}&lat={lat}"),
            None,
        ),
    );
    assert!(
        found["features"][0]["properties"]["distance_m"].is_number(),
        "{found}"
    );
    let spaced = format!("{} {} {}", &code[..4], &code[4..8], &code[8..]);
    let (_, by_code) = ok(
        "GET",
        "/api/search",
        s.get(
            &format!("/api/search?q={}", spaced.replace(' ', "%20")),
            None,
        ),
    );
    assert_eq!(by_code["features"][0]["properties"]["match"], "code");
    assert_eq!(
        ok(
            "GET",
            "/api/search",
            s.get("/api/search?q=x&commune_code=1", None)
        )
        .0,
        400
    );

    // Communes.
    let (_, communes) = ok("GET", "/api/communes", s.get("/api/communes", None));
    assert!(communes["count"].as_u64().unwrap() > 100);
    assert_eq!(
        ok(
            "GET",
            "/api/communes/{code}",
            s.get("/api/communes/11953", None)
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/communes/{code}",
            s.get("/api/communes/99999", None)
        )
        .0,
        404
    );
    assert_eq!(
        ok(
            "GET",
            "/api/communes/{code}",
            s.get("/api/communes/x", None)
        )
        .0,
        400
    );

    // OGC API – Features.
    for (template, path) in [
        ("/ogc", "/ogc"),
        ("/ogc/conformance", "/ogc/conformance"),
        ("/ogc/collections", "/ogc/collections"),
        ("/ogc/collections/{id}", "/ogc/collections/places"),
        ("/ogc/collections/{id}", "/ogc/collections/communes"),
        (
            "/ogc/collections/{id}/queryables",
            "/ogc/collections/places/queryables",
        ),
        (
            "/ogc/collections/{id}/queryables",
            "/ogc/collections/communes/queryables",
        ),
        (
            "/ogc/collections/{id}/items",
            "/ogc/collections/places/items",
        ),
        (
            "/ogc/collections/{id}/items",
            "/ogc/collections/communes/items?limit=2&offset=1&bbox=106.0,20.6,106.1,20.7",
        ),
        (
            "/ogc/collections/{id}/items/{featureId}",
            &format!("/ogc/collections/places/items/{code}"),
        ),
        (
            "/ogc/collections/{id}/items/{featureId}",
            "/ogc/collections/communes/items/11953",
        ),
    ] {
        assert_eq!(ok("GET", template, s.get(path, None)).0, 200, "{path}");
    }
    let (_, all) = ok(
        "GET",
        "/ogc/collections/{id}/items",
        s.get(
            "/ogc/collections/places/items?status=retired&kind=house&commune_code=11953",
            Some(&reader),
        ),
    );
    assert_eq!(all["numberMatched"], 1);
    assert_eq!(
        ok(
            "GET",
            "/ogc/collections/{id}/items",
            s.get("/ogc/collections/places/items?status=retired", None)
        )
        .0,
        401
    );
    assert_eq!(
        ok(
            "GET",
            "/ogc/collections/{id}/items",
            s.get("/ogc/collections/places/items?colour=red", None)
        )
        .0,
        400
    );
    assert_eq!(
        ok(
            "GET",
            "/ogc/collections/{id}/items",
            s.get("/ogc/collections/roads/items", None)
        )
        .0,
        404
    );
    assert_eq!(
        ok(
            "GET",
            "/ogc/collections/{id}/items/{featureId}",
            s.get("/ogc/collections/places/items/1", None)
        )
        .0,
        404
    );
    assert_eq!(
        ok(
            "GET",
            "/ogc/collections/{id}",
            s.get("/ogc/collections/roads", None)
        )
        .0,
        404
    );

    // Tokens.
    let (_, made) = ok(
        "POST",
        "/api/tokens",
        s.post(
            "/api/tokens",
            Some(&admin),
            &json!({"role": "editor", "name": "UBND", "communes": ["11953"]}),
        ),
    );
    let id = made["id"].as_i64().unwrap();
    assert_eq!(
        ok(
            "POST",
            "/api/tokens",
            s.post(
                "/api/tokens",
                Some(&admin),
                &json!({"role": "root", "name": "x"})
            )
        )
        .0,
        422
    );
    assert_eq!(
        ok(
            "POST",
            "/api/tokens",
            s.post("/api/tokens", Some(&reader), &json!({}))
        )
        .0,
        403
    );
    assert_eq!(
        ok(
            "DELETE",
            "/api/tokens/{id}",
            s.send(
                s.request(Method::DELETE, &format!("/api/tokens/{id}")),
                Some(&admin)
            )
        )
        .0,
        204
    );
    assert_eq!(
        ok(
            "DELETE",
            "/api/tokens/{id}",
            s.send(
                s.request(Method::DELETE, &format!("/api/tokens/{id}")),
                Some(&admin)
            )
        )
        .0,
        404
    );
    assert_eq!(
        ok(
            "DELETE",
            "/api/tokens/{id}",
            s.send(s.request(Method::DELETE, "/api/tokens/x"), Some(&admin))
        )
        .0,
        400
    );
    let (_, tokens) = ok("GET", "/api/tokens", s.get("/api/tokens", Some(&admin)));
    assert!(tokens["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["revoked_at"].is_string()));
    assert_eq!(ok("GET", "/api/tokens", s.get("/api/tokens", None)).0, 401);

    // Small resources and pages.
    let (_, kinds) = ok("GET", "/api/kinds", s.get("/api/kinds", None));
    assert_eq!(
        kinds["kinds"].as_array().unwrap().len(),
        diachiso::place::PlaceKind::ALL.len()
    );
    assert_eq!(
        ok("GET", "/api/stats", s.get("/api/stats", Some(&reader))).0,
        200
    );
    assert_eq!(ok("GET", "/api/stats", s.get("/api/stats", None)).0, 401);
    for path in [
        "/api",
        "/health",
        "/",
        "/api/docs",
        "/api/docs/redoc.standalone.js",
        "/api/openapi.json",
    ] {
        assert_eq!(ok("GET", path, s.get(path, None)).0, 200, "{path}");
    }
    let page = s.get("/api/docs", None).text().unwrap();
    assert!(page.contains("/api/openapi.json") && page.contains("/api/docs/redoc.standalone.js"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    let script = s.get("/api/docs/redoc.standalone.js", None).text().unwrap();
    assert!(script.contains("Redoc"));

    // Streets, numbering plans and the catalogue.
    let line = json!([offset(PHO_HIEN, 0.0, 100.0), offset(PHO_HIEN, 0.0, -100.0)]);
    let (status, st) = ok(
        "POST",
        "/api/streets",
        post(
            "/api/streets",
            Some(&editor),
            json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                   "properties": {"street_type": "pho", "name": "Lê Văn Lương"}}),
            None,
        ),
    );
    assert_eq!(status, 201);
    let sid = st["id"].as_str().unwrap().to_owned();
    let street_path = format!("/api/streets/{sid}");
    assert_eq!(
        ok(
            "GET",
            "/api/streets",
            s.get("/api/streets?commune_code=11953", None)
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/streets",
            s.get("/api/streets?colour=red", None)
        )
        .0,
        400
    );
    assert_eq!(
        ok("GET", "/api/streets/{id}", s.get(&street_path, None)).0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/streets/{id}",
            s.get("/api/streets/st-0000000000", None)
        )
        .0,
        404
    );
    assert_eq!(
        ok(
            "GET",
            "/api/streets/{id}/history",
            s.get(&format!("{street_path}/history"), Some(&editor))
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "PATCH",
            "/api/streets/{id}",
            s.patch(&street_path, Some(&editor), None, &json!({}))
        )
        .0,
        428
    );
    s.register(
        &editor,
        "house",
        "Hộ Lê Văn Lương",
        offset(PHO_HIEN, 10.0, 0.0),
    );
    let (status, plan) = ok(
        "POST",
        "/api/streets/{id}/numbering-plans",
        s.post(
            &format!("{street_path}/numbering-plans"),
            Some(&editor),
            &Value::Null,
        ),
    );
    assert_eq!(status, 201);
    let plan_path = format!("/api/numbering-plans/{}", plan["id"].as_str().unwrap());
    assert_eq!(
        ok(
            "GET",
            "/api/streets/{id}/numbering-plans",
            s.get(&format!("{street_path}/numbering-plans"), Some(&editor))
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/numbering-plans/{id}",
            s.get(&plan_path, Some(&editor))
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "POST",
            "/api/numbering-plans/{id}/reject",
            s.post(
                &format!("{plan_path}/reject"),
                Some(&editor),
                &json!({"reason": "x"})
            )
        )
        .0,
        403
    );
    assert_eq!(
        ok(
            "POST",
            "/api/numbering-plans/{id}/approve",
            s.post(
                &format!("{plan_path}/approve"),
                Some(&reviewer),
                &Value::Null
            )
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/streets/{id}/plates",
            s.get(&format!("{street_path}/plates"), None)
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/communes/{code}/house-numbers",
            s.get("/api/communes/11953/house-numbers?format=geojson", None)
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "GET",
            "/api/communes/{code}/numbering-rules",
            s.get("/api/communes/11953/numbering-rules", None)
        )
        .0,
        200
    );
    let put = s
        .request(Method::PUT, "/api/communes/11953/numbering-rules")
        .json(&json!({"suffix_style": "letters", "reserve_every_m": 5}));
    assert_eq!(
        ok(
            "PUT",
            "/api/communes/{code}/numbering-rules",
            s.send(put, Some(&editor))
        )
        .0,
        200
    );
    assert_eq!(
        ok(
            "POST",
            "/api/streets/{id}/retire",
            s.post(
                &format!("{street_path}/retire"),
                Some(&editor),
                &json!({"reason": "thử"})
            )
        )
        .0,
        200
    );
}

fn place_at(kind: &str, name: &str, at: [f64; 2]) -> Value {
    place(kind, name, at)
}

/// The checker itself: it must refuse what the document forbids, or the tests above prove
/// nothing.
#[test]
fn the_schema_checker_refuses_what_it_should() {
    let doc = serde_json::to_value(diachiso::api::openapi()).unwrap();
    let problem = json!({"$ref": "#/components/schemas/Problem"});
    let good = json!({"type": "/problems/invalid-code", "title": "Bad Request", "status": 400,
        "detail": "x", "reason": "check-digit"});
    assert_eq!(check(&doc, &problem, &good, ""), Vec::<String>::new());
    for (bad, why) in [
        (
            json!({"type": "/problems/x", "title": "t", "status": 400}),
            "missing detail",
        ),
        (
            json!({"type": "/problems/x", "title": "t", "status": 400, "detail": "d", "extra": 1}),
            "undescribed member",
        ),
        (
            json!({"type": "/problems/x", "title": "t", "status": 200, "detail": "d"}),
            "status below 400",
        ),
        (
            json!({"type": "problems/x", "title": "t", "status": 400, "detail": "d"}),
            "type pattern",
        ),
        (
            json!({"type": "/problems/x", "title": "t", "status": "400", "detail": "d"}),
            "status type",
        ),
        (
            json!({"type": "/problems/x", "title": "t", "status": 400, "detail": "d", "reason": "bad"}),
            "reason enum",
        ),
        (
            json!({"type": "/problems/x", "title": "t", "status": 400, "detail": "d", "errors": [{"field": "/a"}]}),
            "nested required",
        ),
    ] {
        assert!(
            !check(&doc, &problem, &bad, "").is_empty(),
            "accepted: {why}"
        );
    }
    let lookup = json!({"$ref": "#/components/schemas/CodeLookup"});
    let mut code = json!({"code": "000000000000", "code_display": "0000 0000 0000", "valid": true,
        "check_digit": 0, "cell": {"centre": [102.0, 6.0], "bounds": [102.0, 6.0, 102.1, 6.1]},
        "registered": false, "status": null, "place": null});
    assert_eq!(check(&doc, &lookup, &code, ""), Vec::<String>::new());
    code["status"] = json!("gone");
    assert!(
        !check(&doc, &lookup, &code, "").is_empty(),
        "oneOf with null"
    );
    code["status"] = json!("active");
    code["cell"]["centre"] = json!([1.0]);
    assert!(!check(&doc, &lookup, &code, "").is_empty(), "minItems");
    assert!(pattern_matches(
        "^[0-9]{4} [0-9]{4} [0-9]{4}$",
        "1234 5678 9012"
    ));
    assert!(!pattern_matches(
        "^[0-9]{4} [0-9]{4} [0-9]{4}$",
        "1234 5678 901"
    ));
    assert!(pattern_matches(
        "^dcs_[0-9a-f]{64}$",
        &format!("dcs_{}", "a1".repeat(32))
    ));
    assert!(!pattern_matches("^/problems/[a-z0-9-]+$", "/problems/"));
}
