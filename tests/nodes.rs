//! Several `diachiso serve` processes on one database stay consistent: what one registers the
//! other finds within a second, and simultaneous registrations never share a code.

mod common;

use std::collections::HashSet;
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// A second server process on the same store as `s`.
struct Node {
    child: Child,
    base: String,
}

impl Node {
    fn start(s: &Server) -> Node {
        let (child, base) = spawn_serve(&s.database_url);
        Node { child, base }
    }

    fn get(&self, path: &str, token: &str) -> reqwest::blocking::Response {
        reqwest::blocking::Client::new()
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .unwrap()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `found` holds, at most `limit`; returns how long it took.
fn within(limit: Duration, mut found: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if found() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn nearest_codes(node: &Node, token: &str, at: [f64; 2]) -> Vec<String> {
    let body: Value = node
        .get(
            &format!(
                "/api/reverse?lon={}&lat={}&radius_m=50&limit=100",
                at[0], at[1]
            ),
            token,
        )
        .json()
        .unwrap();
    body["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_place_registered_on_one_node_is_found_on_the_other_within_a_second() {
    let s = Server::start();
    let b = Node::start(&s);
    let editor = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);

    let created = s.register(&editor, "bus_station", "Bến xe buýt Phố Hiến", PHO_HIEN);
    let code = created["properties"]["code"].as_str().unwrap().to_owned();
    let took = within(Duration::from_secs(1), || {
        nearest_codes(&b, &reader, PHO_HIEN).contains(&code)
    });
    assert!(
        took.is_some(),
        "node B did not find {code} within one second"
    );

    // A correction on A moves the place on B too.
    let moved = offset(PHO_HIEN, 30.0, 0.0);
    let r = s.patch(
        &format!("/api/places/{code}"),
        Some(&editor),
        Some(&format!("\"{code}-1\"")),
        &json!({"geometry": {"type": "Point", "coordinates": moved}}),
    );
    assert_eq!(r.status(), 200);
    let took = within(Duration::from_secs(1), || {
        let body: Value = b
            .get(
                &format!("/api/reverse?lon={}&lat={}&radius_m=5", moved[0], moved[1]),
                &reader,
            )
            .json()
            .unwrap();
        body["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["code"] == code.as_str())
    });
    assert!(
        took.is_some(),
        "node B did not see the move within one second"
    );

    // Places imported from the command line reach the running nodes the same way.
    let file = s.scratch("more.ndjson");
    std::fs::write(
        &file,
        place(
            "community_point",
            "Nhà văn hóa tổ 9",
            offset(PHO_HIEN, 0.0, 40.0),
        )
        .to_string(),
    )
    .unwrap();
    let (ok, _, err) = s.cli(&["import", "places", &file]);
    assert!(ok, "{err}");
    for base in [s.base.clone(), b.base.clone()] {
        let found = within(Duration::from_secs(1), || {
            let body: Value = reqwest::blocking::Client::new()
                .get(format!("{base}/api/search?q=nha%20van%20hoa%20to%209"))
                .bearer_auth(&reader)
                .send()
                .unwrap()
                .json()
                .unwrap();
            !body["features"].as_array().unwrap().is_empty()
        });
        assert!(
            found.is_some(),
            "{base} did not find the imported place within one second"
        );
    }
}

#[test]
fn simultaneous_registrations_on_two_nodes_never_share_a_code() {
    let s = Server::start();
    let b = Node::start(&s);
    let editor = s.token("editor", &["11953"]);
    let bases = [s.base.clone(), b.base.clone()];
    // 24 places at the very same point, half through each node, all at once.
    let handles: Vec<_> = (0..24)
        .map(|i| {
            let base = bases[i % 2].clone();
            let editor = editor.clone();
            std::thread::spawn(move || {
                let mut body = place("house", &format!("Căn hộ {i}"), PHO_HIEN);
                body["properties"]["confirm_distinct"] = json!(true);
                let r = reqwest::blocking::Client::new()
                    .post(format!("{base}/api/places"))
                    .bearer_auth(editor)
                    .json(&body)
                    .send()
                    .unwrap();
                assert_eq!(r.status(), 201);
                r.json::<Value>().unwrap()["properties"]["code"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
        })
        .collect();
    let codes: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let distinct: HashSet<&String> = codes.iter().collect();
    assert_eq!(
        distinct.len(),
        codes.len(),
        "a code was handed out twice: {codes:?}"
    );
    let reader = s.token("reader", &[]);
    assert_eq!(s.stats(&reader)["places"], 24);
}

#[test]
fn postgres_nodes_are_woken_by_notifications_without_polling() {
    if test_store() != "postgres" {
        // SQLite has no notifications: its nodes poll (the other tests of this file).
        return;
    }
    let s = Server::start();
    let (child, base) = spawn_serve_with(&s.database_url, &["--sync-interval-ms", "0"]);
    let b = Node { child, base };
    let editor = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);
    let at = offset(PHO_HIEN, 0.0, -60.0);
    let created = s.register(&editor, "parking_lot", "Bãi đỗ xe chợ Phố Hiến", at);
    let code = created["properties"]["code"].as_str().unwrap().to_owned();
    let took = within(Duration::from_secs(1), || {
        nearest_codes(&b, &reader, at).contains(&code)
    });
    assert!(
        took.is_some(),
        "node B (no polling) did not hear of {code} within one second"
    );
}

#[test]
fn a_street_and_its_approved_plan_reach_the_other_node() {
    let s = Server::start();
    let b = Node::start(&s);
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let line = json!([offset(PHO_HIEN, 0.0, 60.0), offset(PHO_HIEN, 0.0, -60.0)]);
    let r = s.post(
        "/api/streets",
        Some(&editor),
        &json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                "properties": {"street_type": "pho", "name": "Chùa Chuông"}}),
    );
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Node B's street index learns of it from the streets' log.
    let seen = within(Duration::from_secs(3), || {
        b.get(&format!("/api/streets/{id}"), &editor).status() == 200
    });
    assert!(seen.is_some(), "node B never saw the street");
    let house = s.register(
        &editor,
        "house",
        "Hộ Chùa Chuông",
        offset(PHO_HIEN, 10.0, 0.0),
    );
    let code = house["properties"]["code"].as_str().unwrap().to_owned();
    let in_index = within(Duration::from_secs(3), || {
        nearest_codes(&b, &editor, offset(PHO_HIEN, 10.0, 0.0)).contains(&code)
    });
    assert!(in_index.is_some(), "node B never indexed the house");
    // The plan is proposed on B (its index has the street) and approved on A.
    let plan: Value = reqwest::blocking::Client::new()
        .post(format!("{}/api/streets/{id}/numbering-plans", b.base))
        .bearer_auth(&editor)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(plan["houses"][0]["code"], code.as_str(), "{plan}");
    let r = s.post(
        &format!(
            "/api/numbering-plans/{}/approve",
            plan["id"].as_str().unwrap()
        ),
        Some(&reviewer),
        &Value::Null,
    );
    assert_eq!(r.status(), 200);
    // B sees the street as numbered (direction kept) and the house's number.
    let numbered = within(Duration::from_secs(3), || {
        let st: Value = b
            .get(&format!("/api/streets/{id}"), &editor)
            .json()
            .unwrap();
        let h: Value = b
            .get(&format!("/api/places/{code}"), &editor)
            .json()
            .unwrap();
        st["properties"]["already_numbered"] == true
            && h["properties"]["address"]["house_number"] == "1"
    });
    assert!(numbered.is_some(), "node B never saw the approved plan");
}

/// (x-cache, the tile's bytes) from a node.
fn node_tile(node: &Node, token: &str, at: [f64; 2], z: u32) -> (String, Vec<u8>) {
    tile_answer(node.get(&tile_path(at, z), token))
}

#[test]
fn the_other_node_redraws_its_tiles_over_a_change_within_a_second() {
    let s = Server::start();
    let b = Node::start(&s);
    let admin = s.token("admin", &[]);
    let reader = s.token("reader", &[]);
    let far_point = [106.3400, 20.4500];
    for i in 0..40 {
        let at = offset(PHO_HIEN, f64::from(i % 8) * 90.0, f64::from(i / 8) * 70.0);
        s.register(&admin, "business", &format!("Cửa hàng {i}"), at);
    }
    s.register(&admin, "religious_site", "Chùa Keo", far_point);
    // Node B has caught up and cut its tiles: at z10 and z12 (cells), at z15 (every place).
    let caught_up = within(Duration::from_secs(2), || {
        holds_text(&node_tile(&b, &reader, far_point, 15).1, "Chùa Keo")
    });
    assert!(caught_up.is_some(), "node B never caught up");
    let zooms = [10, 12, 15];
    let mut before = Vec::new();
    for z in zooms {
        node_tile(&b, &reader, PHO_HIEN, z);
        assert_eq!(node_tile(&b, &reader, PHO_HIEN, z).0, "hit", "z{z}");
        before.push(node_tile(&b, &reader, far_point, z));
    }

    // A registers in Phố Hiến; B shows it in its tiles and finds it within a second.
    let near = offset(PHO_HIEN, 35.0, 25.0);
    s.register(&admin, "bus_station", "Bến xe buýt Phố Hiến", near);
    let shown = within(Duration::from_secs(1), || {
        holds_text(&node_tile(&b, &reader, near, 15).1, "Bến xe buýt Phố Hiến")
    });
    assert!(
        shown.is_some(),
        "node B did not redraw its z15 tile within one second"
    );
    let found: Value = b
        .get("/api/search?q=ben%20xe%20buyt%20pho%20hien", &reader)
        .json()
        .unwrap();
    assert_eq!(found["features"].as_array().unwrap().len(), 1, "{found}");
    for (i, z) in zooms.into_iter().enumerate() {
        assert_eq!(
            node_tile(&b, &reader, far_point, z),
            ("hit".to_owned(), before[i].1.clone()),
            "B keeps its far tile, z{z}"
        );
    }
    // B redrew its low-zoom tiles cell by cell; a node started now cuts them whole: the same
    // bytes (from z14 on a tile lists places in its R-tree's order, which the history shapes).
    let c = Node::start(&s);
    for z in [10, 12] {
        let redrawn = node_tile(&b, &reader, near, z).1;
        let fresh = within(Duration::from_secs(2), || {
            node_tile(&c, &reader, near, z).1 == redrawn
        });
        assert!(
            fresh.is_some(),
            "z{z}: node B's redrawn tile differs from a fresh cut"
        );
    }
}
