//! Province scale, functionally: the generator, bulk import (bad rows, strict mode, a kill -9 in
//! the middle and a resume), and export, through the real binary on the test store.

mod common;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::Value;

fn generate(s: &Server, n: usize, file: &str) -> String {
    let path = s.scratch(file);
    let (ok, _, err) = s.cli(&[
        "generate",
        "--places",
        &n.to_string(),
        "--seed",
        "9",
        "--out",
        &path,
    ]);
    assert!(ok, "{err}");
    path
}

fn lines(path: &str) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn import_reports_bad_rows_with_line_numbers_and_skips_them() {
    let mut s = Server::start();
    let reader = s.token("reader", &[]);
    let path = s.scratch("mixed.ndjson");
    let good =
        |name: &str, east: f64| place("business", name, offset(PHO_HIEN, east, 0.0)).to_string();
    let body = [
        good("Cửa hàng một", 0.0),
        "{not json".to_owned(),
        good("Cửa hàng hai", 100.0),
        place("castle", "Lâu đài", PHO_HIEN).to_string(),
        String::new(),
        place("business", "Ở Hà Nội", [105.85, 21.03]).to_string(),
        good("cua hang mot", 3.0), // a duplicate of line 1
        good("Cửa hàng ba", 200.0),
    ]
    .join("\n");
    std::fs::write(&path, body).unwrap();
    let (ok, _, err) = s.cli(&["import", "places", &path]);
    assert!(ok, "{err}");
    for expected in [
        "record 2: not valid JSON",
        "record 4: /properties/kind",
        "record 6: the point",
        "record 7: possible duplicate",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(err.contains("imported 3 places"), "{err}");
    assert!(err.contains("3 rejected, 1 duplicates"), "{err}");
    // Running it again is a no-op: the import is recorded as finished.
    let (ok, _, err) = s.cli(&["import", "places", &path]);
    assert!(ok);
    assert!(err.contains("imported already"), "{err}");
    s.restart();
    assert_eq!(s.stats(&reader)["places"], 3);
    let search: Value = s
        .get("/api/search?q=cua%20hang%20hai", Some(&reader))
        .json()
        .unwrap();
    assert_eq!(
        search["features"].as_array().unwrap().len(),
        1,
        "imported places are indexed after a restart"
    );

    // --strict stops at the first bad record; the records before it are committed.
    let strict = s.scratch("strict.csv");
    std::fs::write(&strict, format!(
        "lon,lat,kind,name,street\n{},{},house,Nhà 1,phố Lê Lợi\n{},{},house,Nhà 3,phố Lê Lợi\n106.0,95.0,house,Nhà 5,phố Lê Lợi\n{},{},house,Nhà 7,phố Lê Lợi\n",
        PHO_HIEN[0], PHO_HIEN[1] + 0.001, PHO_HIEN[0], PHO_HIEN[1] + 0.002, PHO_HIEN[0], PHO_HIEN[1] + 0.003,
    )).unwrap();
    let (ok, _, err) = s.cli(&["import", "places", &strict, "--strict"]);
    assert!(!ok, "{err}");
    assert!(
        err.contains("record 4:") && err.contains("2 records before it are committed"),
        "{err}"
    );
}

#[test]
fn an_import_killed_in_the_middle_resumes_without_losing_or_doubling_anything() {
    let mut s = Server::start();
    let reader = s.token("reader", &[]);
    let path = generate(&s, 6000, "places.ndjson");
    let input = lines(&path);

    // Kill -9 the import while it runs, as often as needed until one dies mid-way.
    let mut killed = false;
    for delay_ms in [400, 250, 150, 80, 40, 20] {
        let mut child = Command::new(BIN)
            .args(["import", "places", &path, "--batch-size", "250"])
            .env("DATABASE_URL", &s.database_url)
            .env("DIACHISO_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            child.wait().unwrap();
            killed = true;
            break;
        }
        child.wait().unwrap();
    }
    s.restart();
    let partial = s.stats(&reader)["places"].as_u64().unwrap();
    assert!(killed, "every import finished before it could be killed");
    assert!(
        partial < input.len() as u64,
        "the kill came too late to test anything ({partial})"
    );

    // Resume: the same command finishes the job.
    let (ok, _, err) = s.cli(&["import", "places", &path, "--batch-size", "250"]);
    assert!(ok, "{err}");
    assert!(partial == 0 || err.contains("resuming"), "{err}");
    s.restart();
    let stats = s.stats(&reader);
    let (ok, exported, err) = s.cli(&["export", "places", "--format", "ndjson"]);
    assert!(ok, "{err}");
    let exported: Vec<Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(stats["places"].as_u64().unwrap() as usize, exported.len());
    assert_eq!(
        stats["events"].as_u64().unwrap() as usize,
        exported.len(),
        "one creation event per place"
    );

    // Every input record is there exactly once (or was reported as a duplicate), each code once.
    let key = |f: &Value| {
        format!(
            "{}|{}|{}",
            f["properties"]["name"],
            f["geometry"]["coordinates"][0],
            f["geometry"]["coordinates"][1]
        )
    };
    let codes: HashSet<&str> = exported
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), exported.len(), "a code was assigned twice");
    let stored: HashSet<String> = exported.iter().map(key).collect();
    assert_eq!(stored.len(), exported.len(), "a record was imported twice");
    let missing = input.iter().filter(|f| !stored.contains(&key(f))).count();
    let duplicates: usize = err
        .rsplit("imported ")
        .next()
        .and_then(|t| t.split(", ").nth(1))
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(
        missing, duplicates,
        "records missing vs duplicates in the summary:\n{err}"
    );
    assert!(exported
        .iter()
        .all(|f| f["properties"]["generated"] == true));
}

#[test]
fn export_streams_every_format_and_filters_by_commune() {
    let s = Server::start();
    let path = generate(&s, 400, "small.ndjson");
    let (ok, _, err) = s.cli(&["import", "places", &path]);
    assert!(ok, "{err}");
    let (ok, all, _) = s.cli(&["export", "places", "--format", "ndjson"]);
    assert!(ok);
    let all: Vec<Value> = all
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(all.len() >= 390, "{}", all.len());
    let commune = all[0]["properties"]["commune_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let in_commune = all
        .iter()
        .filter(|f| f["properties"]["commune_code"] == commune.as_str())
        .count();

    let (ok, geojson, _) = s.cli(&[
        "export",
        "places",
        "--format",
        "geojson",
        "--commune",
        &commune,
    ]);
    assert!(ok);
    let fc: Value = serde_json::from_str(&geojson).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["features"].as_array().unwrap().len(), in_commune);

    let (ok, csv, _) = s.cli(&["export", "places", "--format", "csv"]);
    assert!(ok);
    assert!(csv.starts_with("code,lon,lat,kind,name,"));
    assert_eq!(csv.lines().count(), all.len() + 1);
    let (ok, _, err) = s.cli(&["export", "places", "--commune", "99999"]);
    assert!(!ok && err.contains("99999"));

    // The same as HTTP downloads for the reader role (the server learns the import at restart).
    let mut s = s;
    s.restart();
    let reader = s.token("reader", &[]);
    expect_problem(s.get("/api/exports/places", None), 401);
    let r = s.get("/api/exports/places?format=ndjson", Some(&reader));
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("places-all.ndjson"));
    let body = r.text().unwrap();
    let http: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        http, all,
        "the HTTP download equals the command-line export"
    );
    let fc: Value = s
        .get(
            &format!("/api/exports/places?commune={commune}"),
            Some(&reader),
        )
        .json()
        .unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), in_commune);
    let csv = s
        .get("/api/exports/places?format=csv", Some(&reader))
        .text()
        .unwrap();
    assert_eq!(csv.lines().count(), all.len() + 1);
    expect_problem(s.get("/api/exports/places?format=xml", Some(&reader)), 400);
    expect_problem(
        s.get("/api/exports/places?commune=99999", Some(&reader)),
        404,
    );
}

#[test]
fn a_name_that_looks_like_a_formula_is_exported_as_text() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let evil = r#"=HYPERLINK("http://evil.example","x")"#;
    let created = s.register(&admin, "business", evil, PHO_HIEN);
    assert_eq!(created["properties"]["name"], evil, "kept as typed");
    let csv = s
        .get("/api/exports/places?format=csv", Some(&admin))
        .text()
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let name = header.iter().position(|h| h == "name").unwrap();
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[name], format!("'{evil}"), "{csv}");
    // JSON keeps the name as it is: only spreadsheets run formulas.
    let json: Value = s
        .get("/api/exports/places?format=ndjson", Some(&admin))
        .text()
        .unwrap()
        .lines()
        .next()
        .map(|l| serde_json::from_str(l).unwrap())
        .unwrap();
    assert_eq!(json["properties"]["name"], evil);
}
