//! Moving a registry between stores: `diachiso export registry` from an SQLite file and
//! `diachiso import registry` into the test store (SQLite, then PostgreSQL + PostGIS in
//! scripts/test) keep every code, status, version, timestamp and event with its sequence.

mod common;

use std::process::Command;

use common::*;
use serde_json::{json, Value};

fn run(url: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", url)
        .env("DIACHISO_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_registry_moves_between_stores_with_its_history() {
    let s = Server::start();
    let source = format!("sqlite:{}", s.scratch("source.sqlite"));
    let editor = run(
        &source,
        &[
            "token",
            "create",
            "--role",
            "editor",
            "--communes",
            "11953",
            "--name",
            "e",
        ],
    )
    .trim()
    .to_owned();
    let reviewer = run(
        &source,
        &["token", "create", "--role", "reviewer", "--name", "r"],
    )
    .trim()
    .to_owned();

    // A source registry with a history: registrations, a correction, a certification, a
    // retirement, and a bulk import.
    let (mut child, base) = spawn_serve(&source);
    let http = reqwest::blocking::Client::new();
    let mut codes = Vec::new();
    for (i, name) in ["Chùa Chuông", "Bến xe Hưng Yên", "Nhà văn hóa tổ 1"]
        .iter()
        .enumerate()
    {
        let r: Value = http
            .post(format!("{base}/api/places"))
            .bearer_auth(&editor)
            .json(&place(
                "community_point",
                name,
                offset(PHO_HIEN, 40.0 * i as f64, 0.0),
            ))
            .send()
            .unwrap()
            .json()
            .unwrap();
        codes.push(r["properties"]["code"].as_str().unwrap().to_owned());
    }
    let r = http
        .patch(format!("{base}/api/places/{}", codes[0]))
        .bearer_auth(&editor)
        .header("content-type", "application/merge-patch+json")
        .header("if-match", format!("\"{}-1\"", codes[0]))
        .body(json!({"properties": {"name": "Chùa Chuông (Kim Chung tự)"}}).to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        http.post(format!("{base}/api/places/{}/certify", codes[1]))
            .bearer_auth(&reviewer)
            .send()
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.post(format!("{base}/api/places/{}/retire", codes[2]))
            .bearer_auth(&editor)
            .json(&json!({"reason": "trùng"}))
            .send()
            .unwrap()
            .status(),
        200
    );
    let _ = child.kill();
    let _ = child.wait();
    let generated = s.scratch("generated.ndjson");
    run(
        &source,
        &["generate", "--places", "300", "--out", &generated],
    );
    run(&source, &["import", "places", &generated]);

    // Export from SQLite, restore into the test store, export again: the same registry.
    let first = s.scratch("first.ndjson");
    run(&source, &["export", "registry", "--out", &first]);
    let (ok, _, err) = s.cli(&["import", "registry", &first]);
    assert!(ok, "{err}");
    let second = s.scratch("second.ndjson");
    let (ok, _, err) = s.cli(&["export", "registry", "--out", &second]);
    assert!(ok, "{err}");
    let body = |path: &str| -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    let (a, b) = (body(&first), body(&second));
    assert!(a.len() > 300 + 104, "{} records", a.len());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let (x, y): (Value, Value) = (
            serde_json::from_str(x).unwrap(),
            serde_json::from_str(y).unwrap(),
        );
        assert_eq!(x, y, "a record changed on the way");
    }

    // The restored registry serves the same places, ETags and history; new events follow.
    let reader = s.token("reader", &[]);
    let mut s = s;
    s.restart();
    let r = s.get(&format!("/api/places/{}", codes[0]), Some(&reader));
    assert_eq!(r.headers()["etag"], format!("\"{}-2\"", codes[0]).as_str());
    let history: Value = s
        .get(&format!("/api/places/{}/history", codes[2]), Some(&reader))
        .json()
        .unwrap();
    let actions: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "retire"]);
    let last_seq = history["events"][1]["seq"].as_i64().unwrap();
    let editor = s.token("editor", &["11953"]);
    let new = s.register(&editor, "business", "Quán mới", offset(PHO_HIEN, 0.0, 90.0));
    let code = new["properties"]["code"].as_str().unwrap();
    let h: Value = s
        .get(&format!("/api/places/{code}/history"), Some(&reader))
        .json()
        .unwrap();
    assert!(h["events"][0]["seq"].as_i64().unwrap() > last_seq);
    // A second restore into a store that is no longer empty is refused.
    let (ok, _, err) = s.cli(&["import", "registry", &first]);
    assert!(!ok && err.contains("empty"), "{err}");
}
