//! The files communes already have, on both stores: a survey table in VN-2000 (CSV and Excel)
//! imported with `--crs EPSG:9209` to within half a metre of where each point belongs, kinds
//! from words, extra columns kept; metres refused without a system; a dry run that writes
//! nothing; `--strict`; GeoJSON from another tool with extra properties; VN-2000 out through
//! OGC API – Features Part 2 and `?crs=`, compared with PROJ; and GeoPackages GDAL reads.

mod common;

use std::process::Command;

use common::{expect_problem, Server, PHO_HIEN};
use diachiso::crs::Crs;
use serde_json::{json, Value};

fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The survey table's WGS 84 truth: (STT, lon, lat).
fn truth() -> Vec<(u32, f64, f64)> {
    std::fs::read_to_string(data("survey-9209-wgs84.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

/// Every place the server serves, once it has caught up with `n` places written by the
/// command line (nodes apply the event log within a quarter second).
fn exported(s: &Server, reader: &str, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let all: Value = s
            .get("/api/exports/places?format=geojson", Some(reader))
            .json()
            .unwrap();
        let features = all["features"].as_array().cloned().unwrap_or_default();
        if features.len() >= n {
            return features;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the server never served {n} places");
}

fn metres(a: [f64; 2], b: [f64; 2]) -> f64 {
    let dy = (a[1] - b[1]) * 110_574.0;
    let dx = (a[0] - b[0]) * 111_320.0 * a[1].to_radians().cos();
    dx.hypot(dy)
}

/// Imports the survey table and checks every place against the truth.
fn survey_imports(file: &str) {
    let s = Server::start();
    let reader = s.token("reader", &[]);
    let path = data(file);

    // Metres without a system are refused, not guessed; nothing is written.
    let (ok, _, stderr) = s.cli(&["import", "places", &path]);
    assert!(!ok && stderr.contains("crs"), "{stderr}");
    assert_eq!(s.stats(&reader)["places"], 0);

    // A dry run decides every row and writes nothing.
    let report = s.scratch("report.csv");
    let (ok, _, stderr) = s.cli(&[
        "import",
        "places",
        &path,
        "--crs",
        "EPSG:9209",
        "--dry-run",
        "--report",
        &report,
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("10 places would be imported"), "{stderr}");
    assert_eq!(s.stats(&reader)["places"], 0);
    let lines = std::fs::read_to_string(&report).unwrap();
    assert_eq!(lines.lines().count(), 11, "{lines}");
    assert!(
        lines
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("2,would be imported,"),
        "{lines}"
    );

    // --strict refuses the columns the registry does not know, and fails.
    let (ok, _, stderr) = s.cli(&["import", "places", &path, "--crs", "EPSG:9209", "--strict"]);
    assert!(!ok, "{stderr}");
    assert_eq!(s.stats(&reader)["places"], 0);

    // The import.
    let (ok, _, stderr) = s.cli(&[
        "import",
        "places",
        &path,
        "--crs",
        "EPSG:9209",
        "--report",
        &report,
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("imported 10 places"), "{stderr}");
    let features = exported(&s, &reader, 10);
    assert_eq!(features.len(), 10);
    for (stt, lon, lat) in truth() {
        let f = features
            .iter()
            .find(|f| f["properties"]["attributes"]["ghi_chu"] == format!("điểm khảo sát {stt}"))
            .unwrap_or_else(|| panic!("row {stt} imported with its note kept"));
        let c = &f["geometry"]["coordinates"];
        let d = metres([c[0].as_f64().unwrap(), c[1].as_f64().unwrap()], [lon, lat]);
        assert!(d < 0.5, "row {stt} is {d} m from where it belongs");
        let p = &f["properties"];
        assert_eq!(
            p["attributes"]["dien_thoai"],
            format!("0221 38{:02} 111", stt - 1)
        );
        assert_eq!(p["address"]["house_number"], stt.to_string());
        let expected = match stt {
            1 | 8 => "religious_site",
            2 => "government_office",
            3 => "parking_lot",
            4 | 9 => "public_building",
            5 => "community_point",
            6 | 10 => "business",
            7 => "bus_station",
            _ => unreachable!(),
        };
        assert_eq!(p["kind"], expected, "row {stt}: {}", p["name"]);
    }
}

#[test]
fn a_survey_table_in_csv_imports_in_vn2000() {
    survey_imports("survey-9209.csv");
}

#[test]
fn a_survey_table_in_excel_imports_in_vn2000() {
    survey_imports("survey-9209.xlsx");
}

#[test]
fn geojson_from_another_tool_keeps_what_it_carries() {
    let s = Server::start();
    let reader = s.token("reader", &[]);
    let file = s.scratch("other.ndjson");
    let rows = [
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": PHO_HIEN},
               "properties": {"kind": "Chùa", "name": "Chùa Chuông", "pid": 17, "commune_code": "11953"}}),
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.097, 20.6384]},
               "properties": {"kind": "business", "name": "Chợ Tân Hưng", "pid": 18, "commune_code": "11953", "status": "active"}}),
    ];
    std::fs::write(
        &file,
        rows.iter().map(|r| format!("{r}\n")).collect::<String>(),
    )
    .unwrap();
    let report = s.scratch("report.csv");
    let (ok, _, stderr) = s.cli(&["import", "places", &file, "--report", &report]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("imported 2 places"), "{stderr}");
    let lines = std::fs::read_to_string(&report).unwrap();
    let second = lines.lines().find(|l| l.starts_with("2,")).unwrap();
    assert!(
        second.contains("the file says commune 11953") && second.contains("11977"),
        "{lines}"
    );
    let chua = exported(&s, &reader, 2)
        .into_iter()
        .find(|f| f["properties"]["name"] == "Chùa Chuông")
        .unwrap();
    assert_eq!(chua["properties"]["kind"], "religious_site");
    assert_eq!(chua["properties"]["attributes"]["pid"], 17);
    assert_eq!(
        chua["properties"]["status"], "provisional",
        "status is the registry's"
    );
    // --strict refuses the unknown property.
    let strict = s.scratch("strict.ndjson");
    std::fs::write(&strict, format!("{}\n", json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.06, 20.66]}, "properties": {"kind": "business", "name": "X", "pid": 1}}))).unwrap();
    let (ok, _, _) = s.cli(&["import", "places", &strict, "--strict"]);
    assert!(!ok);
    // A file none of whose records can be imported fails, dry run or not; one that can
    // succeeds even when some records are refused.
    let none = s.scratch("none.ndjson");
    std::fs::write(&none, format!("{}\n", json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, "properties": {"kind": "business", "name": "Paris"}}))).unwrap();
    for dry in [true, false] {
        let mut args = vec!["import", "places", none.as_str()];
        if dry {
            args.push("--dry-run");
        }
        let (ok, _, stderr) = s.cli(&args);
        assert!(
            !ok && stderr.contains("no record could be imported"),
            "{stderr}"
        );
    }
    let some = s.scratch("some.ndjson");
    std::fs::write(&some, format!("{}\n{}\n", json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, "properties": {"kind": "business", "name": "Paris"}}), json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.06, 20.66]}, "properties": {"kind": "Đình", "name": "Đình Hiến"}}))).unwrap();
    let (ok, _, stderr) = s.cli(&["import", "places", &some, "--dry-run"]);
    assert!(
        ok && stderr.contains("1 places would be imported, 1 rejected"),
        "{stderr}"
    );
    let (ok, _, stderr) = s.cli(&["import", "places", &some, "--dry-run", "--strict"]);
    assert!(!ok, "{stderr}");
}

/// The PROJ fixture's points of Hưng Yên's zone that lie in a loaded commune.
fn fixture_9209(s: &Server) -> Vec<([f64; 2], [f64; 2])> {
    std::fs::read_to_string(data("vn2000-proj.csv"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("9209,"))
        .map(|l| {
            let f: Vec<f64> = l.split(',').skip(1).map(|v| v.parse().unwrap()).collect();
            ([f[0], f[1]], [f[2], f[3]])
        })
        .filter(|(p, _)| {
            let r = s.get(
                &format!("/api/reverse?lon={}&lat={}&limit=1", p[0], p[1]),
                None,
            );
            r.json::<Value>().unwrap()["commune"].is_object()
        })
        .take(8)
        .collect()
}

#[test]
fn vn2000_out_agrees_with_proj() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let points = fixture_9209(&s);
    assert!(points.len() >= 5, "enough fixture points in the province");
    let mut codes = Vec::new();
    for (i, (lonlat, _)) in points.iter().enumerate() {
        let body = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": lonlat},
            "properties": {"kind": "other", "name": format!("Mốc khảo sát {i}")}});
        let r = s.post("/api/places", Some(&admin), &body);
        assert_eq!(r.status(), 201);
        codes.push(
            r.json::<Value>().unwrap()["properties"]["code"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let uri = "http://www.opengis.net/def/crs/EPSG/0/9209";
    for ((_, en), code) in points.iter().zip(&codes) {
        // One feature, OGC and the place API.
        for path in [
            format!("/ogc/collections/places/items/{code}?crs={uri}"),
            format!("/api/places/{code}?crs=EPSG:9209"),
        ] {
            let r = s.get(&path, Some(&admin));
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["content-crs"], format!("<{uri}>"));
            let f: Value = r.json().unwrap();
            let c = &f["geometry"]["coordinates"];
            let (e, n) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (e - en[0]).abs() < 0.05 && (n - en[1]).abs() < 0.05,
                "{path}: {e},{n} against PROJ {en:?}"
            );
        }
    }
    // A page in EPSG:9209, asked by a box in EPSG:9209.
    let (e0, n0) = points
        .iter()
        .map(|(_, en)| (en[0], en[1]))
        .fold((f64::MAX, f64::MAX), |a, b| (a.0.min(b.0), a.1.min(b.1)));
    let (e1, n1) = points
        .iter()
        .map(|(_, en)| (en[0], en[1]))
        .fold((f64::MIN, f64::MIN), |a, b| (a.0.max(b.0), a.1.max(b.1)));
    let r = s.get(
        &format!(
            "/ogc/collections/places/items?crs={uri}&bbox-crs={uri}&bbox={},{},{},{}",
            e0 - 1.0,
            n0 - 1.0,
            e1 + 1.0,
            n1 + 1.0
        ),
        Some(&admin),
    );
    assert_eq!(r.status(), 200);
    let page: Value = r.json().unwrap();
    assert_eq!(page["numberMatched"], points.len());
    // The collection says which systems it serves; an unknown one is a 400.
    let meta: Value = s.get("/ogc/collections/places", None).json().unwrap();
    assert!(meta["crs"].as_array().unwrap().iter().any(|c| c == uri));
    assert_eq!(
        meta["storageCrs"],
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    );
    common::expect_problem(
        s.get(
            "/ogc/collections/places/items?crs=http://www.opengis.net/def/crs/EPSG/0/2154",
            None,
        ),
        400,
    );
    // CSV exports in VN-2000 have x, y.
    let csv = s
        .get("/api/exports/places?format=csv&crs=EPSG:9209", Some(&admin))
        .text()
        .unwrap();
    assert!(csv.starts_with("code,x,y,kind"), "{csv}");
    let _ = Crs::HUNG_YEN;
}

fn ogr_count(path: &str, layer: &str) -> Option<u64> {
    let out = Command::new("ogrinfo")
        .args(["-so", path, layer])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|n| n.trim().parse().ok())
}

#[test]
fn a_geopackage_has_every_place_as_gdal_counts_them() {
    let s = Server::start();
    let reader = s.token("reader", &[]);
    let (ok, _, stderr) = s.cli(&["demo", "--places", "300"]);
    assert!(ok, "{stderr}");
    let count = s.stats(&reader)["places"].as_u64().unwrap();
    exported(&s, &reader, count as usize);
    let file = s.scratch("places.gpkg");
    let (ok, _, stderr) = s.cli(&[
        "export",
        "places",
        "--format",
        "gpkg",
        "--out",
        &file,
        "--crs",
        "EPSG:9209",
    ]);
    assert!(ok, "{stderr}");
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "ogrinfo is needed (scripts/test installs gdal-bin)"
        );
        return;
    }
    assert_eq!(ogr_count(&file, "places"), Some(count));
    assert!(ogr_count(&file, "communes").is_some_and(|n| n >= 100));
    assert!(ogr_count(&file, "streets").is_some_and(|n| n > 0));
    let srs = Command::new("ogrinfo")
        .args(["-so", &file, "places"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&srs.stdout).contains("TM-3 105-30"));
    // The same over HTTP, in CRS84.
    let r = s.get("/api/exports/places?format=gpkg", Some(&reader));
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/geopackage+sqlite3"
    );
    let http = s.scratch("http.gpkg");
    std::fs::write(&http, r.bytes().unwrap()).unwrap();
    assert_eq!(ogr_count(&http, "places"), Some(count));
}

/// Starts an import over HTTP and waits for its job to end; returns the job.
fn http_import(s: &Server, token: &str, file: &str, query: &str) -> Value {
    let bytes = std::fs::read(data(file)).unwrap();
    let r = s.send(
        s.request(
            reqwest::Method::POST,
            &format!("/api/imports?name={file}&{query}"),
        )
        .header("content-type", "application/octet-stream")
        .body(bytes),
        Some(token),
    );
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = r.status();
    let job: Value = r.json().unwrap();
    assert_eq!(status, 202, "{job}");
    let location = location.expect("a Location");
    assert_eq!(location, job["links"]["self"]);
    for _ in 0..300 {
        let job: Value = s.get(&location, Some(token)).json().unwrap();
        if job["state"] != "running" {
            return job;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the import never ended");
}

/// The report of a job, as CSV lines.
fn http_report(s: &Server, token: &str, job: &Value) -> Vec<String> {
    let r = s.get(job["links"]["report"].as_str().unwrap(), Some(token));
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    r.text().unwrap().lines().map(str::to_owned).collect()
}

#[test]
fn staff_import_a_survey_table_over_http() {
    let s = Server::start();
    let reader = s.token("reader", &[]);
    let editor = s.token("editor", &["11953"]);
    let other_editor = s.token("editor", &["11977"]);
    let reviewer = s.token("reviewer", &[]);
    let admin = s.token("admin", &[]);
    let csv = std::fs::read(data("survey-9209.csv")).unwrap();
    let post = |query: &str, token: Option<&str>, content_type: &str| {
        s.send(
            s.request(reqwest::Method::POST, &format!("/api/imports?{query}"))
                .header("content-type", content_type)
                .body(csv.clone()),
            token,
        )
    };

    // Who may import, and how the file is sent.
    expect_problem(post("name=a.csv", None, "text/csv"), 401);
    expect_problem(post("name=a.csv", Some(&reader), "text/csv"), 403);
    expect_problem(
        post("name=a.csv&certified=true", Some(&editor), "text/csv"),
        403,
    );
    expect_problem(
        post("name=a.csv", Some(&editor), "multipart/form-data"),
        415,
    );
    expect_problem(
        post("name=a.csv&crs=EPSG:1", Some(&editor), "text/csv"),
        400,
    );
    expect_problem(post("name=a.pdf", Some(&editor), "application/pdf"), 400);
    expect_problem(
        post("name=a.csv&colour=red", Some(&editor), "text/csv"),
        400,
    );

    // Metres without a system: the job says so, nothing is written.
    let job = http_import(&s, &editor, "survey-9209.csv", "dry_run=true");
    assert_eq!(job["state"], "unreadable", "{job}");
    assert!(
        job["message"].as_str().unwrap().contains("EPSG:9209"),
        "{job}"
    );

    // A dry run: the editor's commune is in, the nine others are row errors; nothing written.
    let job = http_import(&s, &editor, "survey-9209.csv", "crs=EPSG:9209&dry_run=true");
    assert_eq!(job["state"], "complete", "{job}");
    assert_eq!(
        (
            job["records_done"].as_u64(),
            job["accepted"].as_u64(),
            job["rejected"].as_u64()
        ),
        (Some(10), Some(1), Some(9)),
        "{job}"
    );
    let lines = http_report(&s, &editor, &job);
    assert_eq!(lines[0], "line,outcome,code,problems");
    assert_eq!(lines.len(), 11, "{lines:?}");
    assert!(lines[1].starts_with("2,would be imported,"), "{lines:?}");
    assert!(
        lines[2..]
            .iter()
            .all(|l| l.contains(",rejected,,not allowed to write in commune")),
        "{lines:?}"
    );
    assert_eq!(s.stats(&reader)["places"], 0);
    // The same report as JSON.
    let report: Value = s
        .get(
            &format!("{}?format=json", job["links"]["report"].as_str().unwrap()),
            Some(&editor),
        )
        .json()
        .unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), 10);
    assert_eq!(report["rows"][0]["outcome"], "would be imported");

    // Another editor does not see the job; an admin does.
    let path = job["links"]["self"].as_str().unwrap();
    expect_problem(s.get(path, Some(&other_editor)), 404);
    assert_eq!(s.get(path, Some(&admin)).status(), 200);

    // The import, then the same file again: nothing more.
    let job = http_import(&s, &editor, "survey-9209.csv", "crs=EPSG:9209");
    assert_eq!(
        (job["state"].as_str(), job["accepted"].as_u64()),
        (Some("complete"), Some(1)),
        "{job}"
    );
    let lines = http_report(&s, &editor, &job);
    let code = lines[1].split(',').nth(2).unwrap().to_owned();
    assert!(
        lines[1].starts_with("2,imported,") && code.len() == 12,
        "{lines:?}"
    );
    let place: Value = s
        .get(&format!("/api/places/{code}"), Some(&reader))
        .json()
        .unwrap();
    assert_eq!(place["properties"]["name"], "Chùa Phố Hiến");
    assert_eq!(place["properties"]["status"], "provisional");
    let again = http_import(&s, &editor, "survey-9209.csv", "crs=EPSG:9209");
    assert_eq!(again["state"], "already_imported", "{again}");
    assert_eq!(s.stats(&reader)["places"], 1);

    // A reviewer imports the workbook province-wide, certified: the temple the editor
    // imported is caught as a duplicate.
    let job = http_import(
        &s,
        &reviewer,
        "survey-9209.xlsx",
        "crs=EPSG:9209&certified=true",
    );
    assert_eq!(job["state"], "complete", "{job}");
    assert_eq!(
        (job["accepted"].as_u64(), job["duplicates"].as_u64()),
        (Some(9), Some(1)),
        "{job}"
    );
    let lines = http_report(&s, &reviewer, &job);
    assert!(
        lines[1].starts_with("2,possible duplicate,,similar to "),
        "{lines:?}"
    );
    let stats = s.stats(&reader);
    assert_eq!(stats["places"], 10, "{stats}");

    // The editor's list: their four imports, newest first.
    let list: Value = s.get("/api/imports", Some(&editor)).json().unwrap();
    let states: Vec<&str> = list["imports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["already_imported", "complete", "complete", "unreadable"]
    );
    expect_problem(s.get("/api/imports", None), 401);
}
