//! The population map through the running binary: resident-count imports (validated whole,
//! one transaction), the privacy rule tested against the subtraction attacks the issue names
//! (two resolutions, a commune minus its cells, the province minus its communes, two
//! snapshots), exact figures for analysts, and the outbound address export.

mod common;

use std::collections::HashMap;

use common::*;
use h3o::{CellIndex, LatLng, Resolution};
use serde_json::{json, Value};

const K: u64 = 10;

/// One counted house of the test data.
#[derive(Debug, Clone)]
struct House {
    code: String,
    commune: String,
    at: [f64; 2],
    residents: u64,
    households: u64,
}

fn centre(cell: CellIndex) -> [f64; 2] {
    let ll = LatLng::from(cell);
    [ll.lng(), ll.lat()]
}

fn cell_of(at: [f64; 2], res: Resolution) -> CellIndex {
    LatLng::new(at[1], at[0]).unwrap().to_cell(res)
}

struct World {
    s: Server,
    analyst: String,
    sync: String,
    houses: Vec<House>,
    /// The parent (res 9) with one small child, and its small child.
    p: CellIndex,
    small_child: CellIndex,
    /// The parent whose children all pass.
    q: CellIndex,
    q_children: [CellIndex; 2],
}

fn csv_of(rows: &[(&str, u64, u64)]) -> String {
    let mut s = String::from("code,residents,households\n");
    for (c, r, h) in rows {
        s.push_str(&format!("{c},{r},{h}\n"));
    }
    s
}

fn import(s: &Server, token: &str, as_of: &str, csv: &str) -> reqwest::blocking::Response {
    s.send(
        s.request(
            reqwest::Method::POST,
            &format!("/api/residents/imports?as_of={as_of}"),
        )
        .header("content-type", "text/csv")
        .body(csv.to_owned()),
        Some(token),
    )
}

/// Houses in three places: two res-9 clusters in Phố Hiến, a lone small house and a medium
/// cluster in two far communes (each in its own res-6 cell).
fn world() -> World {
    let s = Server::start();
    let editor = s.token("admin", &[]);
    let analyst = s.token("population_analyst", &[]);
    let sync = s.token("population_sync", &[]);
    let p = cell_of(PHO_HIEN, Resolution::Nine);
    let pk: Vec<CellIndex> = p.children(Resolution::Ten).collect();
    let q = cell_of(offset(PHO_HIEN, 900.0, 900.0), Resolution::Nine);
    let qk: Vec<CellIndex> = q.children(Resolution::Ten).collect();
    let far_small = [106.574, 20.3036];
    let far_medium = [106.459, 20.3158];
    let plan = [
        (centre(pk[0]), 40, 12),
        (centre(pk[1]), 3, 1),
        (centre(qk[0]), 30, 10),
        (centre(qk[1]), 25, 10),
        (far_small, 3, 1),
        (far_medium, 60, 15),
    ];
    let houses: Vec<House> = plan
        .iter()
        .enumerate()
        .map(|(i, (at, residents, households))| {
            let f = s.register(&editor, "house", &format!("Hộ số {i}"), *at);
            House {
                code: f["properties"]["code"].as_str().unwrap().to_owned(),
                commune: f["properties"]["commune_code"].as_str().unwrap().to_owned(),
                at: *at,
                residents: *residents,
                households: *households,
            }
        })
        .collect();
    assert_ne!(
        houses[4].commune, houses[5].commune,
        "the far houses are in two communes"
    );
    assert_ne!(
        cell_of(far_small, Resolution::Six),
        cell_of(far_medium, Resolution::Six)
    );
    let rows: Vec<(&str, u64, u64)> = houses
        .iter()
        .map(|h| (h.code.as_str(), h.residents, h.households))
        .collect();
    let r = import(&s, &sync, "2026-10-01", &csv_of(&rows));
    assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    World {
        s,
        analyst,
        sync,
        houses,
        p,
        small_child: pk[1],
        q,
        q_children: [qk[0], qk[1]],
    }
}

fn features(v: &Value) -> Vec<Value> {
    v["features"].as_array().unwrap().clone()
}

fn h3_map(s: &Server, token: Option<&str>, query: &str) -> Vec<Value> {
    let r = s.get(&format!("/api/population/h3?{query}"), token);
    assert_eq!(r.status(), 200);
    features(&r.json().unwrap())
}

fn cell(f: &Value) -> CellIndex {
    f["properties"]["h3"].as_str().unwrap().parse().unwrap()
}

/// True residents of an area: the houses whose res-10 cell lies in it.
fn true_residents(houses: &[House], area: CellIndex) -> u64 {
    let res = area.resolution();
    houses
        .iter()
        .filter(|h| cell_of(h.at, Resolution::Ten).parent(res) == Some(area))
        .map(|h| h.residents)
        .sum()
}

fn safe(hidden: u64) -> bool {
    hidden == 0 || hidden >= K
}

#[test]
fn the_public_map_merges_small_cells_into_their_parent_and_analysts_see_exact_counts() {
    let w = world();
    let public = h3_map(&w.s, None, "res=10");
    for f in &public {
        let p = &f["properties"];
        if p["suppressed"] == true {
            assert!(p["residents"].is_null() && p["households"].is_null());
        } else {
            assert!(
                p["residents"].as_u64().unwrap() >= K && p["households"].as_u64().unwrap() >= K,
                "{f}"
            );
            assert_eq!(p["residents"].as_u64().unwrap() % 5, 0, "rounded");
        }
        assert!(
            f["geometry"]["coordinates"][0].as_array().unwrap().len() >= 7,
            "a closed hexagon"
        );
    }
    // The parent with a 3-resident child is shown whole, at resolution 9; the other splits.
    let by_cell: HashMap<CellIndex, &Value> = public.iter().map(|f| (cell(f), f)).collect();
    let p = by_cell
        .get(&w.p)
        .expect("the parent stands in for its children");
    assert_eq!(p["properties"]["resolution"], 9);
    assert_eq!(p["properties"]["residents"], 45, "43 rounded");
    assert!(!by_cell.contains_key(&w.small_child));
    assert!(w.q_children.iter().all(|c| by_cell.contains_key(c)));
    // Readers see the same as anonymous users; analysts see the small cell exactly.
    let reader = w.s.token("reader", &[]);
    assert_eq!(h3_map(&w.s, Some(&reader), "res=10"), public);
    let exact = h3_map(&w.s, Some(&w.analyst), "res=10");
    let small = exact
        .iter()
        .find(|f| cell(f) == w.small_child)
        .expect("exact cell");
    assert_eq!(small["properties"]["residents"], 3);
    assert_eq!(small["properties"]["suppressed"], false);
    // A bbox keeps what it touches.
    let near = h3_map(
        &w.s,
        None,
        &format!(
            "res=10&bbox={},{},{},{}",
            PHO_HIEN[0] - 0.01,
            PHO_HIEN[1] - 0.01,
            PHO_HIEN[0] + 0.01,
            PHO_HIEN[1] + 0.01
        ),
    );
    assert!(near.iter().any(|f| cell(f) == w.p));
    assert!(near.len() < public.len());
    // Per-address counts are never served: not on the place, not in the layers.
    let place: Value =
        w.s.get(&format!("/api/places/{}", w.houses[1].code), Some(&reader))
            .json()
            .unwrap();
    assert!(!place.to_string().contains("residents"));
    expect_problem(w.s.get("/api/population/h3?res=11", None), 400);
    expect_problem(w.s.get("/api/population/h3?snapshot=99", None), 404);
}

#[test]
fn two_resolutions_subtracted_leave_nothing_hidden() {
    let w = world();
    for r in 7..=10u8 {
        let coarse = h3_map(&w.s, None, &format!("res={}", r - 1));
        let fine = h3_map(&w.s, None, &format!("res={r}"));
        for u in coarse
            .iter()
            .filter(|f| f["properties"]["suppressed"] == false)
        {
            let unit = cell(u);
            let inside: Vec<CellIndex> = fine
                .iter()
                .map(cell)
                .filter(|c| {
                    c.resolution() >= unit.resolution() && c.parent(unit.resolution()) == Some(unit)
                })
                .collect();
            // Shown whole again, or split into children that are all shown: the attacker's
            // "parent minus children" is exactly zero people.
            let shown: u64 = inside.iter().map(|c| true_residents(&w.houses, *c)).sum();
            assert_eq!(
                true_residents(&w.houses, unit) - shown,
                0,
                "res {r}: {unit}"
            );
        }
    }
}

#[test]
fn a_commune_minus_its_cells_and_the_province_minus_its_communes_hide_no_small_count() {
    let w = world();
    let communes: Value = w.s.get("/api/population/communes", None).json().unwrap();
    let shown: HashMap<String, Value> = features(&communes)
        .into_iter()
        .map(|f| {
            (
                f["properties"]["code"].as_str().unwrap().to_owned(),
                f["properties"].clone(),
            )
        })
        .collect();
    // The commune of the lone 3-resident house: its total minus its shown cells would be 3.
    assert_eq!(shown[&w.houses[4].commune]["suppressed"], true);
    let coarse = h3_map(&w.s, None, "res=6");
    let shown_cells: Vec<CellIndex> = coarse
        .iter()
        .filter(|f| f["properties"]["suppressed"] == false)
        .map(cell)
        .collect();
    let in_shown_cell = |h: &House| {
        shown_cells
            .iter()
            .any(|c| cell_of(h.at, Resolution::Ten).parent(c.resolution()) == Some(*c))
    };
    for (code, props) in &shown {
        if props["suppressed"] == true || props["residents"] == 0 {
            continue;
        }
        let total: u64 = w
            .houses
            .iter()
            .filter(|h| &h.commune == code)
            .map(|h| h.residents)
            .sum();
        let in_cells: u64 = w
            .houses
            .iter()
            .filter(|h| &h.commune == code && in_shown_cell(h))
            .map(|h| h.residents)
            .sum();
        assert!(
            safe(total - in_cells),
            "commune {code} minus its cells = {}",
            total - in_cells
        );
    }
    let province: u64 = w.houses.iter().map(|h| h.residents).sum();
    let in_shown_communes: u64 = w
        .houses
        .iter()
        .filter(|h| shown[&h.commune]["suppressed"] == false)
        .map(|h| h.residents)
        .sum();
    assert!(
        safe(province - in_shown_communes),
        "province minus communes = {}",
        province - in_shown_communes
    );
    let in_cells: u64 = w
        .houses
        .iter()
        .filter(|h| in_shown_cell(h))
        .map(|h| h.residents)
        .sum();
    assert!(
        safe(province - in_cells),
        "province minus cells = {}",
        province - in_cells
    );
    assert_eq!(communes["province"]["residents"], 160, "161 rounded");
    // Analysts see every commune exactly.
    let exact: Value =
        w.s.get("/api/population/communes", Some(&w.analyst))
            .json()
            .unwrap();
    let small = features(&exact)
        .into_iter()
        .find(|f| f["properties"]["code"] == w.houses[4].commune.as_str())
        .unwrap();
    assert_eq!(small["properties"]["residents"], 3);
    assert!(small["properties"]["density_per_km2"].as_f64().unwrap() > 0.0);
}

/// The analyst's exact residents per commune.
fn exact_communes(w: &World) -> HashMap<String, u64> {
    let v: Value =
        w.s.get("/api/population/communes", Some(&w.analyst))
            .json()
            .unwrap();
    features(&v)
        .into_iter()
        .filter(|f| f["properties"]["residents"].as_u64().unwrap_or(0) > 0)
        .map(|f| {
            (
                f["properties"]["code"].as_str().unwrap().to_owned(),
                f["properties"]["residents"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_moved_house_is_counted_where_it_is_now_without_a_new_snapshot() {
    let mut w = world();
    let admin = w.s.token("admin", &[]);
    let before = exact_communes(&w);
    // The 40-resident house of Phố Hiến moves next to the far medium cluster, in its commune.
    let moved_to = offset(w.houses[5].at, 300.0, 0.0);
    let code = w.houses[0].code.clone();
    let r = w.s.patch(
        &format!("/api/places/{code}"),
        Some(&admin),
        Some(&format!("\"{code}-1\"")),
        &json!({"geometry": {"type": "Point", "coordinates": moved_to}}),
    );
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    let moved: Value = r.json().unwrap();
    w.houses[0].at = moved_to;
    w.houses[0].commune = moved["properties"]["commune_code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(w.houses[0].commune, w.houses[5].commune);
    // Within a few seconds (aggregates are brought up to date at most once a second), both the
    // communes and every exact cell say what the houses now say.
    let expected = |w: &World| {
        let mut e: HashMap<String, u64> = HashMap::new();
        for h in &w.houses {
            *e.entry(h.commune.clone()).or_default() += h.residents;
        }
        e
    };
    let start = std::time::Instant::now();
    while exact_communes(&w) != expected(&w) && start.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let after = exact_communes(&w);
    assert_eq!(after, expected(&w), "before the move: {before:?}");
    assert_ne!(after, before);
    for res in 6..=10 {
        for f in h3_map(&w.s, Some(&w.analyst), &format!("res={res}")) {
            assert_eq!(
                f["properties"]["residents"].as_u64().unwrap(),
                true_residents(&w.houses, cell(&f)),
                "res {res}: {f}"
            );
        }
    }
    let old_cell = cell_of(PHO_HIEN, Resolution::Ten);
    let exact = h3_map(&w.s, Some(&w.analyst), "res=10");
    assert!(
        exact.iter().all(|f| true_residents(&w.houses, cell(f)) > 0),
        "no empty cell is left where the house was ({old_cell})"
    );
}

#[test]
fn two_snapshots_reveal_no_exact_small_change() {
    let w = world();
    // Two people move into one house of the split parent: 30 → 32.
    let rows: Vec<(String, u64, u64)> = w
        .houses
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                h.code.clone(),
                if i == 2 { 32 } else { h.residents },
                h.households,
            )
        })
        .collect();
    let rows: Vec<(&str, u64, u64)> = rows.iter().map(|(c, r, h)| (c.as_str(), *r, *h)).collect();
    let r = import(&w.s, &w.sync, "2026-11-01", &csv_of(&rows));
    assert_eq!(r.status(), 201);
    let second = r.json::<Value>().unwrap()["id"].as_i64().unwrap();
    let first = second - 1;
    let diff = h3_map(
        &w.s,
        None,
        &format!("res=10&snapshot={second}&compare={first}"),
    );
    let changed = diff.iter().find(|f| cell(f) == w.q_children[0]).unwrap();
    assert_eq!(
        changed["properties"]["residents_change"], 0,
        "32 and 30 both show as 30"
    );
    for f in &diff {
        if let Some(change) = f["properties"]["residents_change"].as_i64() {
            assert_eq!(
                change % 5,
                0,
                "changes between rounded figures are multiples of 5"
            );
        }
    }
    let exact = h3_map(
        &w.s,
        Some(&w.analyst),
        &format!("res=10&snapshot={second}&compare={first}"),
    );
    let changed = exact.iter().find(|f| cell(f) == w.q_children[0]).unwrap();
    assert_eq!(changed["properties"]["residents_change"], 2);
    // The snapshots list keeps both dates.
    let list: Value = w.s.get("/api/residents/snapshots", None).json().unwrap();
    let dates: Vec<&str> = list["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["as_of"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-10-01", "2026-11-01"]);
    let _ = w.q;
}

#[test]
fn an_import_is_validated_whole_and_applied_in_one_transaction() {
    let w = world();
    let s = &w.s;
    let editor = s.token("editor", &["11953"]);
    let before: Value = s.get("/api/residents/snapshots", None).json().unwrap();
    let lot = s.register(
        &editor,
        "parking_lot",
        "Bãi xe",
        offset(PHO_HIEN, 300.0, 300.0),
    );
    let retired = s.register(&editor, "house", "Hộ cũ", offset(PHO_HIEN, -300.0, 300.0));
    let retired_code = retired["properties"]["code"].as_str().unwrap().to_owned();
    assert_eq!(
        s.post(
            &format!("/api/places/{retired_code}/retire"),
            Some(&editor),
            &json!({"reason": "phá dỡ"})
        )
        .status(),
        200
    );
    let unknown = "000000000000"; // valid check digit, never registered
    let bad = format!(
        "code,residents,households\n{},4,1\n{},2,1\n{},3,1\n{unknown},1,1\n{},-2,1\n{},5,1\n",
        w.houses[0].code,
        lot["properties"]["code"].as_str().unwrap(),
        retired_code,
        w.houses[1].code,
        w.houses[0].code,
    );
    let p = expect_problem(import(s, &w.sync, "2026-12-01", &bad), 422);
    let lines: Vec<u64> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [6, 7], "syntax and duplicates first: {p}");
    let bad = format!(
        "code,residents,households\n{},4,1\n{},2,1\n{},3,1\n{unknown},1,1\n",
        w.houses[0].code,
        lot["properties"]["code"].as_str().unwrap(),
        retired_code,
    );
    let p = expect_problem(import(s, &w.sync, "2026-12-01", &bad), 422);
    let lines: Vec<u64> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5], "{p}");
    let after: Value = s.get("/api/residents/snapshots", None).json().unwrap();
    assert_eq!(before, after, "nothing was kept");
    // No personal data, ever.
    let p = expect_problem(
        import(
            s,
            &w.sync,
            "2026-12-01",
            &format!(
                "code,residents,households,full_name\n{},1,1,Nguyễn Văn A\n",
                w.houses[0].code
            ),
        ),
        422,
    );
    assert!(p.to_string().contains("no personal data"));
    // Roles, media type, the same date twice.
    expect_problem(
        import(s, &editor, "2026-12-01", "code,residents,households\n"),
        403,
    );
    expect_problem(
        import(s, &w.analyst, "2026-12-01", "code,residents,households\n"),
        403,
    );
    let r = s.send(
        s.request(
            reqwest::Method::POST,
            "/api/residents/imports?as_of=2026-12-01",
        )
        .header("content-type", "application/json")
        .body("{}"),
        Some(&w.sync),
    );
    assert_eq!(r.status(), 415);
    expect_problem(
        import(
            s,
            &w.sync,
            "2026-10-01",
            &csv_of(&[(&w.houses[0].code, 4, 1)]),
        ),
        409,
    );
    expect_problem(
        import(s, &w.sync, "2026-13-01", "code,residents,households\n"),
        400,
    );
    // The command line imports a file the same way.
    let file = s.scratch("counts.csv");
    std::fs::write(&file, csv_of(&[(&w.houses[0].code, 4, 1)])).unwrap();
    let (ok, _, err) = s.cli(&["import", "residents", &file, "--as-of", "2026-12-01"]);
    assert!(ok, "{err}");
    assert!(err.contains("1 addresses, 4 residents"), "{err}");
    std::fs::write(
        &file,
        format!("code,residents,households\n{retired_code},4,1\n"),
    )
    .unwrap();
    let (ok, _, err) = s.cli(&["import", "residents", &file, "--as-of", "2026-12-02"]);
    assert!(
        !ok && err.contains(":2: ") && err.contains("retired"),
        "{err}"
    );
}

#[test]
fn addresses_go_out_in_the_population_databases_terms_full_and_incremental() {
    let w = world();
    let s = &w.s;
    let reader = s.token("reader", &[]);
    expect_problem(s.get("/api/exports/addresses", None), 401);
    let r = s.get("/api/exports/addresses", Some(&reader));
    assert_eq!(r.status(), 200);
    let last: i64 = r.headers()["x-last-seq"].to_str().unwrap().parse().unwrap();
    let csv = r.text().unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,full_address,commune_code,commune_name,house_number,street,street_id,hamlet,status,lon,lat,as_of,generated"
    );
    assert_eq!(lines.count(), w.houses.len());
    assert!(csv.contains("phường Phố Hiến, tỉnh Hưng Yên"), "{csv}");
    // Nothing changed since: an empty increment; then one house moves.
    let r = s.get(
        &format!("/api/exports/addresses?since={last}&format=ndjson"),
        Some(&reader),
    );
    assert_eq!(r.text().unwrap(), "");
    let admin = s.token("admin", &[]);
    let code = &w.houses[0].code;
    let etag = s
        .get(&format!("/api/places/{code}"), Some(&admin))
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let r = s.patch(
        &format!("/api/places/{code}"),
        Some(&admin),
        Some(&etag),
        &json!({"properties": {"address": {"house_number": "12", "street": "phố Lê Lợi"}}}),
    );
    assert_eq!(r.status(), 200);
    let r = s.get(
        &format!("/api/exports/addresses?since={last}&format=ndjson"),
        Some(&reader),
    );
    let rows: Vec<Value> = r
        .text()
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["code"], code.as_str());
    assert_eq!(rows[0]["house_number"], "12");
    assert!(rows[0]["full_address"]
        .as_str()
        .unwrap()
        .starts_with("Số 12, phố Lê Lợi, phường Phố Hiến"));

    // The monthly progress report counts the linked addresses.
    let report: Value = s.get("/api/reports/progress", None).json().unwrap();
    assert_eq!(report["province"]["houses"], w.houses.len());
    assert_eq!(report["province"]["addresses_linked"], w.houses.len());
    assert_eq!(report["province"]["houses_numbered"], 0);
    let pho_hien = report["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commune_code"] == "11953")
        .unwrap()
        .clone();
    assert_eq!(pho_hien["houses"], 4);
    assert_eq!(pho_hien["linked_ratio"], 1.0);
    let csv = s
        .get("/api/reports/progress?format=csv", None)
        .text()
        .unwrap();
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .starts_with("commune_code,commune_name,places_public_building"));
    assert!(csv.lines().last().unwrap().starts_with("province,"));
}

#[test]
fn serve_demo_fills_an_empty_store_with_labelled_generated_data() {
    let mut s = Server::start();
    s.stop();
    let (mut child, base) = spawn_serve_with(&s.database_url, &["--demo", "1500"]);
    let get = |path: &str| -> Value {
        reqwest::blocking::get(format!("{base}{path}"))
            .unwrap()
            .json()
            .unwrap()
    };
    let communes = get("/api/population/communes");
    assert_eq!(
        communes["snapshot"]["generated"], true,
        "the snapshot is labelled generated"
    );
    assert!(communes["province"]["residents"].as_u64().unwrap() > 1000);
    // Certified, so anonymous users see the places; streets came along.
    let places = get("/ogc/collections/places/items?limit=5");
    assert_eq!(places["numberMatched"], 1500);
    assert!(places["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["generated"] == true));
    let streets = get("/ogc/collections/streets/items?limit=1");
    assert!(streets["numberMatched"].as_u64().unwrap() > 10);
    assert_eq!(streets["features"][0]["properties"]["generated"], true);
    // Commune totals follow data/'s populations: the most populous ward has more than a
    // small rural commune (Phố Hiến 68,982 vs Tân Hưng 35,222 in data/).
    let exact = |code: &str| {
        communes["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["code"] == code)
            .unwrap()["properties"]["residents"]
            .clone()
    };
    if let (Some(a), Some(b)) = (exact("11953").as_u64(), exact("11977").as_u64()) {
        assert!(a > b, "{a} vs {b}");
    }
    child.kill().ok();
    child.wait().ok();
}
