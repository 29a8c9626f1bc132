//! Streets, numbering plans and the house-number catalogue through the running binary
//! (Circular 08/2024/TT-BXD), on whichever store `DIACHISO_TEST_STORE` names.

mod common;

use common::*;
use serde_json::{json, Value};

/// A street feature drawn through these points (lon, lat).
fn street(street_type: &str, name: Option<&str>, line: &[[f64; 2]], extra: Value) -> Value {
    let mut props = json!({"street_type": street_type, "generated": true});
    if let Some(n) = name {
        props["name"] = json!(n);
    }
    for (k, v) in extra.as_object().unwrap() {
        props[k] = v.clone();
    }
    json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line}, "properties": props})
}

fn draw(s: &Server, token: &str, feature: &Value) -> Value {
    let r = s.post("/api/streets", Some(token), feature);
    let status = r.status();
    let body: Value = r.json().unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

fn house(s: &Server, token: &str, name: &str, at: [f64; 2]) -> String {
    s.register(token, "house", name, at)["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn propose(s: &Server, token: &str, street_id: &str, body: Value) -> Value {
    let r = s.post(
        &format!("/api/streets/{street_id}/numbering-plans"),
        Some(token),
        &body,
    );
    let status = r.status();
    let plan: Value = r.json().unwrap();
    assert_eq!(status, 201, "{plan}");
    plan
}

fn number_of(plan: &Value, code: &str) -> String {
    plan["houses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in the plan: {plan}"))["new_number"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A north–south street through Phố Hiến, drawn north to south, 240 m long.
fn north_south() -> Vec<[f64; 2]> {
    vec![offset(PHO_HIEN, 0.0, 120.0), offset(PHO_HIEN, 0.0, -120.0)]
}

#[test]
fn an_editor_draws_a_street_the_province_approves_its_plan_and_anyone_downloads_the_catalogue() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);

    // Drawn south → north: the Circular numbers it north → south, so the registry reverses it.
    let mut line = north_south();
    line.reverse();
    let st = draw(
        &s,
        &editor,
        &street(
            "pho",
            Some("Nguyễn Văn Linh"),
            &line,
            json!({"width_m": 24}),
        ),
    );
    let id = st["id"].as_str().unwrap().to_owned();
    let p = &st["properties"];
    assert_eq!(p["numbering_direction"], "reverse");
    assert_eq!(p["direction_rule"], "north_to_south");
    assert_eq!(p["communes"], json!(["11953"]));
    assert_eq!(p["display_name"], "phố Nguyễn Văn Linh");

    // Facing south, the left is east: odd numbers east, even west, from the north end.
    let east: Vec<String> = [90.0, 30.0, -30.0]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            house(
                &s,
                &editor,
                &format!("Hộ đông {i}"),
                offset(PHO_HIEN, 12.0, *n),
            )
        })
        .collect();
    let west: Vec<String> = [60.0, 0.0, -90.0]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            house(
                &s,
                &editor,
                &format!("Hộ tây {i}"),
                offset(PHO_HIEN, -12.0, *n),
            )
        })
        .collect();
    // A house 200 m away is not on this street.
    let far = house(&s, &editor, "Hộ xa", offset(PHO_HIEN, 200.0, 0.0));

    let plan = propose(&s, &editor, &id, Value::Null);
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["street_id"], id.as_str());
    let numbers: Vec<String> = east
        .iter()
        .chain(&west)
        .map(|c| number_of(&plan, c))
        .collect();
    assert_eq!(numbers, ["1", "3", "5", "2", "4", "6"]);
    assert!(plan["houses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["old_number"].is_null() && h["changed"] == true));
    assert!(!plan["houses"].to_string().contains(&far));
    let plan_id = plan["id"].as_str().unwrap().to_owned();

    // A draft is for staff; the commune proposes and only the province decides.
    expect_problem(s.get(&format!("/api/numbering-plans/{plan_id}"), None), 404);
    expect_problem(
        s.post(
            &format!("/api/numbering-plans/{plan_id}/approve"),
            Some(&editor),
            &Value::Null,
        ),
        403,
    );
    let r = s.post(
        &format!("/api/numbering-plans/{plan_id}/approve"),
        Some(&reviewer),
        &json!({"reason": "đúng quy hoạch"}),
    );
    assert_eq!(r.status(), 200);
    let approved: Value = r.json().unwrap();
    assert_eq!(approved["status"], "approved");
    // The public sees the approved plan without the codes of houses that are not active (all
    // are provisional until certified below) and without the names of the tokens.
    let public_houses = |s: &Server| -> Vec<String> {
        let public: Value = s
            .get(&format!("/api/numbering-plans/{plan_id}"), None)
            .json()
            .unwrap();
        assert!(!public.to_string().contains("token:"), "{public}");
        assert_eq!(public["proposed_by"], "staff");
        public["houses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(public_houses(&s).is_empty());
    let listed: Value = s
        .get(&format!("/api/streets/{id}/numbering-plans"), None)
        .json()
        .unwrap();
    assert!(!listed.to_string().contains("token:"), "{listed}");
    let staff: Value = s
        .get(&format!("/api/numbering-plans/{plan_id}"), Some(&editor))
        .json()
        .unwrap();
    assert_eq!(staff["houses"].as_array().unwrap().len(), 6);
    expect_problem(
        s.post(
            &format!("/api/numbering-plans/{plan_id}/approve"),
            Some(&reviewer),
            &Value::Null,
        ),
        409,
    );

    // The houses carry their numbers, with an event each.
    let h: Value = s
        .get(&format!("/api/places/{}", west[0]), Some(&editor))
        .json()
        .unwrap();
    assert_eq!(h["properties"]["address"]["house_number"], "2");
    assert_eq!(h["properties"]["address"]["street"], "phố Nguyễn Văn Linh");
    assert_eq!(
        h["properties"]["attributes"]["numbering"]["plan_id"],
        plan_id.as_str()
    );
    let history: Value = s
        .get(&format!("/api/places/{}/history", west[0]), Some(&editor))
        .json()
        .unwrap();
    let last = history["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "update");
    assert!(
        last["reason"].as_str().unwrap().contains(&plan_id),
        "{last}"
    );
    let street_history: Value = s
        .get(&format!("/api/streets/{id}/history"), Some(&editor))
        .json()
        .unwrap();
    let actions: Vec<&str> = street_history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "propose", "approve", "update"]);
    // Approved: the street counts as numbered and keeps its direction from now on.
    let numbered: Value = s.get(&format!("/api/streets/{id}"), None).json().unwrap();
    assert_eq!(numbered["properties"]["already_numbered"], true);
    assert_eq!(numbered["properties"]["direction"], "reverse");
    assert_eq!(numbered["properties"]["direction_rule"], "kept");
    // A planned number is not changed by hand.
    let etag = s
        .get(&format!("/api/places/{}", west[0]), Some(&editor))
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let p = expect_problem(
        s.patch(
            &format!("/api/places/{}", west[0]),
            Some(&editor),
            Some(&etag),
            &json!({"properties": {"address": {"house_number": "2B"}}}),
        ),
        422,
    );
    assert!(p.to_string().contains("numbering plan"), "{p}");

    // The public catalogue lists certified houses; staff see provisional ones too.
    let csv = s
        .get("/api/communes/11953/house-numbers", None)
        .text()
        .unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    let staff = s
        .get("/api/communes/11953/house-numbers", Some(&editor))
        .text()
        .unwrap();
    assert_eq!(staff.lines().count(), 7);
    for code in east.iter().chain(&west) {
        let r = s.post(
            &format!("/api/places/{code}/certify"),
            Some(&reviewer),
            &Value::Null,
        );
        assert_eq!(r.status(), 200);
    }
    assert_eq!(public_houses(&s).len(), 6, "certified houses are public");

    // The catalogue: documented columns, one row per numbered house, Vietnamese addresses.
    let r = s.get("/api/communes/11953/house-numbers", None);
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,house_number,street,street_id,commune_code,commune_name,full_address,plan_id,approved_at,lon,lat,status,generated"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6, "{csv}");
    let row = rows.iter().find(|r| r.starts_with(&east[0])).unwrap();
    assert!(
        row.contains("\"Số 1, phố Nguyễn Văn Linh, phường Phố Hiến, tỉnh Hưng Yên\""),
        "{row}"
    );
    assert!(row.contains(&plan_id));
    let geo: Value = s
        .get("/api/communes/11953/house-numbers?format=geojson", None)
        .json()
        .unwrap();
    assert_eq!(geo["features"].as_array().unwrap().len(), 6);
    // The plate list prints every number of the street.
    let html = s
        .get(&format!("/api/streets/{id}/plates"), None)
        .text()
        .unwrap();
    for n in ["1", "2", "3", "4", "5", "6"] {
        assert!(html.contains(&format!("<div class=\"n\">{n}</div>")), "{n}");
    }
    assert!(html.contains("DỮ LIỆU MẪU"), "generated data is labelled");

    // The street is an OGC feature too.
    let items: Value = s
        .get("/ogc/collections/streets/items", None)
        .json()
        .unwrap();
    assert_eq!(items["numberMatched"], 1);
    let one: Value = s
        .get(&format!("/ogc/collections/streets/items/{id}"), None)
        .json()
        .unwrap();
    assert_eq!(one["properties"]["name"], "Nguyễn Văn Linh");

    // A typed address finds the house (certified: anyone can).
    let found: Value = s
        .get("/api/search?q=4%20nguyen%20van%20linh%20pho%20hien", None)
        .json()
        .unwrap();
    assert_eq!(
        found["features"][0]["properties"]["code"],
        west[1].as_str(),
        "{found}"
    );
}

#[test]
fn a_new_house_between_two_numbered_houses_takes_the_smaller_number_with_a_suffix() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    // The commune chooses dash suffixes (20-1, 20-2).
    let r = s
        .request(reqwest::Method::PUT, "/api/communes/11953/numbering-rules")
        .json(&json!({"suffix_style": "dash"}));
    assert_eq!(s.send(r, Some(&editor)).status(), 200);
    let st = draw(
        &s,
        &editor,
        &street("duong", Some("Điện Biên"), &north_south(), json!({})),
    );
    let id = st["id"].as_str().unwrap().to_owned();
    assert_eq!(st["properties"]["suffix_style"], "dash");
    let a = house(&s, &editor, "Hộ 1", offset(PHO_HIEN, 10.0, 100.0));
    let b = house(&s, &editor, "Hộ 2", offset(PHO_HIEN, 10.0, 90.0));
    let plan = propose(&s, &editor, &id, Value::Null);
    assert_eq!(
        (number_of(&plan, &a), number_of(&plan, &b)),
        ("1".into(), "3".into())
    );
    let r = s.post(
        &format!(
            "/api/numbering-plans/{}/approve",
            plan["id"].as_str().unwrap()
        ),
        Some(&reviewer),
        &Value::Null,
    );
    assert_eq!(r.status(), 200);

    // Built later between 1 and 3, with no free number: 1-1; an extension continues at 5.
    let c = house(&s, &editor, "Hộ 3", offset(PHO_HIEN, 10.0, 95.0));
    let d = house(&s, &editor, "Hộ 4", offset(PHO_HIEN, 10.0, 20.0));
    let plan = propose(&s, &editor, &id, Value::Null);
    assert_eq!(number_of(&plan, &a), "1");
    assert_eq!(number_of(&plan, &b), "3");
    assert_eq!(number_of(&plan, &c), "1-1");
    assert_eq!(number_of(&plan, &d), "5");
    let kept: Vec<&Value> = plan["houses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["changed"] == false)
        .collect();
    assert_eq!(
        kept.len(),
        2,
        "the numbered houses keep their numbers: {plan}"
    );
    let reasons: Vec<&str> = plan["houses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"infill") && reasons.contains(&"extension"),
        "{reasons:?}"
    );

    // A house changed after the plan was computed makes the plan stale: nothing is applied.
    let etag = s.get(&format!("/api/places/{c}"), Some(&editor)).headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let r = s.patch(
        &format!("/api/places/{c}"),
        Some(&editor),
        Some(&etag),
        &json!({"properties": {"name": "Hộ ba"}}),
    );
    assert_eq!(r.status(), 200);
    let before = s.stats(&reviewer);
    let p = expect_problem(
        s.post(
            &format!(
                "/api/numbering-plans/{}/approve",
                plan["id"].as_str().unwrap()
            ),
            Some(&reviewer),
            &Value::Null,
        ),
        409,
    );
    assert_eq!(p["type"], "/problems/plan-stale");
    assert_eq!(
        s.stats(&reviewer),
        before,
        "a refused approval writes nothing"
    );
    let h: Value = s
        .get(&format!("/api/places/{d}"), Some(&editor))
        .json()
        .unwrap();
    assert!(h["properties"]["address"]["house_number"].is_null());
    // Rejecting needs a reason.
    let url = format!(
        "/api/numbering-plans/{}/reject",
        plan["id"].as_str().unwrap()
    );
    expect_problem(s.post(&url, Some(&reviewer), &Value::Null), 422);
    let r = s.post(&url, Some(&reviewer), &json!({"reason": "tính lại"}));
    assert_eq!(r.status(), 200);
    // Hand edits cannot forge the plan's record.
    let etag = s.get(&format!("/api/places/{a}"), Some(&editor)).headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    expect_problem(
        s.patch(
            &format!("/api/places/{a}"),
            Some(&editor),
            Some(&etag),
            &json!({"properties": {"attributes": {"numbering": null}}}),
        ),
        422,
    );
}

#[test]
fn an_unnamed_alley_is_named_after_the_house_before_its_entrance_and_numbered_from_its_street() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let st = draw(
        &s,
        &editor,
        &street(
            "pho",
            Some("Nguyễn Văn Linh"),
            &north_south(),
            json!({"width_m": 20}),
        ),
    );
    let street_id = st["id"].as_str().unwrap().to_owned();
    // West side (even numbers): houses at 100 m and 60 m north; the alley leaves westwards at
    // 40 m north, so the house just before its entrance is number 4.
    house(&s, &editor, "Hộ 1", offset(PHO_HIEN, -10.0, 100.0));
    house(&s, &editor, "Hộ 2", offset(PHO_HIEN, -10.0, 60.0));
    house(&s, &editor, "Hộ 3", offset(PHO_HIEN, -10.0, 20.0));
    let alley = draw(
        &s,
        &editor,
        &street(
            "ngo",
            None,
            &[offset(PHO_HIEN, -1.0, 40.0), offset(PHO_HIEN, -150.0, 40.0)],
            json!({"parent_id": street_id}),
        ),
    );
    let alley_id = alley["id"].as_str().unwrap().to_owned();
    assert_eq!(alley["properties"]["direction_rule"], "alley_from_parent");
    assert_eq!(alley["properties"]["numbering_direction"], "forward");
    // Inside the alley: facing west, the left is south. Houses 30 m and 80 m in.
    let south = house(&s, &editor, "Hộ ngõ nam", offset(PHO_HIEN, -40.0, 33.0));
    let north = house(&s, &editor, "Hộ ngõ bắc", offset(PHO_HIEN, -90.0, 47.0));

    let plan = propose(&s, &editor, &street_id, Value::Null);
    assert_eq!(
        plan["alleys"],
        json!([{"street_id": alley_id, "street_version": 1, "old_number": null, "new_number": "4"}])
    );
    assert!(
        plan["corner_houses_elsewhere"]
            .as_array()
            .unwrap()
            .is_empty()
            || !plan.to_string().contains(&south)
    );
    let r = s.post(
        &format!(
            "/api/numbering-plans/{}/approve",
            plan["id"].as_str().unwrap()
        ),
        Some(&reviewer),
        &Value::Null,
    );
    assert_eq!(r.status(), 200, "{}", r.text().unwrap());
    let a: Value = s
        .get(&format!("/api/streets/{alley_id}"), None)
        .json()
        .unwrap();
    assert_eq!(a["properties"]["display_name"], "ngõ 4");

    let plan = propose(&s, &editor, &alley_id, Value::Null);
    assert_eq!(number_of(&plan, &south), "1");
    assert_eq!(number_of(&plan, &north), "2");
    let r = s.post(
        &format!(
            "/api/numbering-plans/{}/approve",
            plan["id"].as_str().unwrap()
        ),
        Some(&reviewer),
        &Value::Null,
    );
    assert_eq!(r.status(), 200);
    let csv = s
        .get("/api/communes/11953/house-numbers", Some(&editor))
        .text()
        .unwrap();
    assert!(
        csv.contains("\"Số 1, ngõ 4, phố Nguyễn Văn Linh, phường Phố Hiến, tỉnh Hưng Yên\""),
        "{csv}"
    );
    let found: Value = s
        .get(
            "/api/search?q=1%20ngo%204%20nguyen%20van%20linh%20pho%20hien",
            Some(&editor),
        )
        .json()
        .unwrap();
    assert_eq!(
        found["features"][0]["properties"]["code"],
        south.as_str(),
        "{found}"
    );
}

#[test]
fn streets_refuse_bad_input_and_other_communes_editors() {
    let mut s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let other = s.token("editor", &["11977"]);
    let reader = s.token("reader", &[]);
    let ok = street("pho", Some("Lê Lợi"), &north_south(), json!({}));
    expect_problem(s.post("/api/streets", None, &ok), 401);
    expect_problem(s.post("/api/streets", Some(&reader), &ok), 403);
    expect_problem(s.post("/api/streets", Some(&other), &ok), 403);
    for (bad, field) in [
        (
            street("pho", None, &north_south(), json!({})),
            "/properties/name",
        ),
        (
            street("avenue", Some("X"), &north_south(), json!({})),
            "/properties/street_type",
        ),
        (
            street(
                "pho",
                Some("X"),
                &north_south(),
                json!({"direction": "reverse"}),
            ),
            "/properties/direction",
        ),
        (
            street("pho", Some("X"), &north_south(), json!({"width_m": "wide"})),
            "/properties/width_m",
        ),
        (
            street("ngach", Some("X"), &north_south(), json!({})),
            "/properties/parent_id",
        ),
        (
            street("pho", Some("X"), &[PHO_HIEN], json!({})),
            "/geometry/coordinates",
        ),
        (
            street(
                "pho",
                Some("X"),
                &north_south(),
                json!({"id": "st-0000000000"}),
            ),
            "/properties/id",
        ),
        (
            street(
                "ngo",
                None,
                &north_south(),
                json!({"parent_id": "st-0000000000"}),
            ),
            "/properties/parent_id",
        ),
    ] {
        let p = expect_problem(s.post("/api/streets", Some(&editor), &bad), 422);
        assert!(p.to_string().contains(field), "{field}: {p}");
    }
    // A line leaving the loaded communes.
    let p = expect_problem(
        s.post(
            "/api/streets",
            Some(&editor),
            &street("duong", Some("X"), &[PHO_HIEN, [106.3, 21.0]], json!({})),
        ),
        422,
    );
    assert_eq!(p["type"], "/problems/outside-communes");
    expect_problem(s.get("/api/streets/st-0000000000", None), 404);
    expect_problem(s.get("/api/streets/nope", None), 404);
    expect_problem(
        s.get("/api/numbering-plans/np-0000000000", Some(&reader)),
        404,
    );
    let created = draw(&s, &editor, &ok);
    let id = created["id"].as_str().unwrap();
    // The other commune's editor can neither change nor plan it; a patch needs If-Match.
    expect_problem(
        s.post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&other),
            &Value::Null,
        ),
        403,
    );
    expect_problem(
        s.patch(
            &format!("/api/streets/{id}"),
            Some(&editor),
            None,
            &json!({"properties": {"width_m": 30}}),
        ),
        428,
    );
    expect_problem(
        s.patch(
            &format!("/api/streets/{id}"),
            Some(&editor),
            Some("\"st-0-9\""),
            &json!({"properties": {"width_m": 30}}),
        ),
        412,
    );
    let etag = s.get(&format!("/api/streets/{id}"), None).headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let r = s.patch(
        &format!("/api/streets/{id}"),
        Some(&editor),
        Some(&etag),
        &json!({"properties": {"width_m": 30, "already_numbered": true, "direction": "reverse"}}),
    );
    assert_eq!(r.status(), 200);
    let patched: Value = r.json().unwrap();
    assert_eq!(patched["properties"]["direction_rule"], "kept");
    assert_eq!(patched["properties"]["numbering_direction"], "reverse");
    assert_eq!(patched["properties"]["version"], 2);
    expect_problem(
        s.post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&editor),
            &json!({"frontage_max_m": 1000}),
        ),
        422,
    );
    expect_problem(
        s.post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&editor),
            &json!({"colour": 1}),
        ),
        422,
    );
    expect_problem(
        s.post(
            &format!("/api/streets/{id}/retire"),
            Some(&editor),
            &Value::Null,
        ),
        422,
    );
    let r = s.post(
        &format!("/api/streets/{id}/retire"),
        Some(&editor),
        &json!({"reason": "vẽ trùng"}),
    );
    assert_eq!(r.status(), 200);
    expect_problem(s.get(&format!("/api/streets/{id}"), None), 404);
    expect_problem(
        s.post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&editor),
            &Value::Null,
        ),
        409,
    );
    assert!(s.alive());
}

#[test]
fn apartments_are_numbered_floor_unit_under_their_buildings_code() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let other = s.token("editor", &["11977"]);
    let building = s.register(&editor, "house", "Chung cư Phố Hiến", PHO_HIEN);
    let code = building["properties"]["code"].as_str().unwrap().to_owned();
    let path = format!("/api/places/{code}/units");
    let put = |token: &str, body: Value| {
        s.send(
            s.request(reqwest::Method::PUT, &path).json(&body),
            Some(token),
        )
    };
    // Entrance to the south; four units at the compass points on floor 25, and a basement.
    let body = json!({"access_bearing_deg": 180, "units": [
        {"floor": 25, "bearing_deg": 0}, {"floor": 25, "bearing_deg": 90},
        {"floor": 25, "bearing_deg": 180}, {"floor": 25, "bearing_deg": 270},
        {"floor": -1, "bearing_deg": 270}]});
    expect_problem(put(&other, body.clone()), 403);
    let r = put(&editor, body);
    assert_eq!(r.status(), 200);
    let b: Value = r.json().unwrap();
    let units = b["properties"]["attributes"]["units"]
        .as_array()
        .unwrap()
        .clone();
    let numbers: Vec<Value> = units.iter().map(|u| u["number"].clone()).collect();
    // Clockwise from the entrance: south 01, west 02... as the engine's rule gives.
    assert_eq!(
        numbers,
        [
            json!("25-03"),
            json!("25-04"),
            json!("25-01"),
            json!("25-02"),
            Value::Null
        ]
    );
    assert!(
        units[2]["full_address"]
            .as_str()
            .unwrap()
            .starts_with("Căn hộ 25-01, "),
        "{units:?}"
    );
    assert!(units[2]["full_address"]
        .as_str()
        .unwrap()
        .ends_with("phường Phố Hiến, tỉnh Hưng Yên"));
    assert_eq!(b["properties"]["version"], 2);
    // Bad bodies, and the units are not edited by hand.
    expect_problem(
        put(
            &editor,
            json!({"access_bearing_deg": 400, "units": [{"floor": 1, "bearing_deg": 0}]}),
        ),
        422,
    );
    expect_problem(
        put(&editor, json!({"access_bearing_deg": 0, "units": []})),
        422,
    );
    expect_problem(
        put(
            &editor,
            json!({"access_bearing_deg": 0, "units": [{"floor": 1}]}),
        ),
        422,
    );
    let etag = s
        .get(&format!("/api/places/{code}"), Some(&editor))
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    expect_problem(
        s.patch(
            &format!("/api/places/{code}"),
            Some(&editor),
            Some(&etag),
            &json!({"properties": {"attributes": {"units": []}}}),
        ),
        422,
    );
}

#[test]
fn a_street_crossing_a_commune_boundary_belongs_to_both_and_is_numbered_through() {
    let s = Server::start();
    let pho_hien = s.token("editor", &["11953"]);
    let both = s.token("editor", &["11953", "11977"]);
    let reviewer = s.token("reviewer", &[]);
    // From Phố Hiến's centre to Tân Hưng's: about 4 km, NW → SE, across the boundary.
    let line = [PHO_HIEN, TAN_HUNG];
    let feature = street("duong", Some("Tô Hiệu"), &line, json!({"width_m": 20}));
    expect_problem(s.post("/api/streets", Some(&pho_hien), &feature), 403);
    let st = draw(&s, &both, &feature);
    let id = st["id"].as_str().unwrap().to_owned();
    assert_eq!(st["properties"]["communes"], json!(["11953", "11977"]));
    // Drawn NW → SE; numbering runs SE → NW (the Circular's rule), i.e. from Tân Hưng.
    assert_eq!(st["properties"]["direction_rule"], "southeast_to_northwest");
    assert_eq!(st["properties"]["numbering_direction"], "reverse");
    // One house near each end, on the same side (north-east of the line).
    let near_tan_hung = house(&s, &both, "Hộ đầu Tân Hưng", offset(TAN_HUNG, 8.0, 8.0));
    let near_pho_hien = house(&s, &both, "Hộ đầu Phố Hiến", offset(PHO_HIEN, 8.0, 8.0));
    let plan = propose(&s, &both, &id, Value::Null);
    // Facing north-west, north-east is the right: even numbers, from the Tân Hưng end.
    assert_eq!(number_of(&plan, &near_tan_hung), "2");
    assert_eq!(number_of(&plan, &near_pho_hien), "4");
    let r = s.post(
        &format!(
            "/api/numbering-plans/{}/approve",
            plan["id"].as_str().unwrap()
        ),
        Some(&reviewer),
        &Value::Null,
    );
    assert_eq!(r.status(), 200);
    // Each commune's catalogue lists its own house on the shared street.
    let csv = s
        .get("/api/communes/11977/house-numbers", Some(&both))
        .text()
        .unwrap();
    assert!(
        csv.contains(&near_tan_hung) && !csv.contains(&near_pho_hien),
        "{csv}"
    );
    assert!(
        csv.contains("\"Số 2, đường Tô Hiệu, xã Tân Hưng, tỉnh Hưng Yên\""),
        "{csv}"
    );
    let csv = s
        .get("/api/communes/11953/house-numbers", Some(&both))
        .text()
        .unwrap();
    assert!(
        csv.contains("\"Số 4, đường Tô Hiệu, phường Phố Hiến, tỉnh Hưng Yên\""),
        "{csv}"
    );
}

#[test]
fn a_house_group_is_lettered_a10_or_bl_a_10() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let st = draw(
        &s,
        &editor,
        &street("pho", Some("Khu nhà ở A"), &north_south(), json!({})),
    );
    let id = st["id"].as_str().unwrap().to_owned();
    let east1 = house(&s, &editor, "Lô 1", offset(PHO_HIEN, 10.0, 100.0));
    let east2 = house(&s, &editor, "Lô 2", offset(PHO_HIEN, 10.0, 60.0));
    let west1 = house(&s, &editor, "Lô 3", offset(PHO_HIEN, -10.0, 100.0));
    let plan = propose(
        &s,
        &editor,
        &id,
        json!({"house_group": {"letter": "a", "style": "block"}}),
    );
    assert_eq!(number_of(&plan, &east1), "BL.A-1");
    assert_eq!(number_of(&plan, &east2), "BL.A-3");
    assert_eq!(number_of(&plan, &west1), "BL.A-2");
    assert_eq!(
        plan["rules"]["house_group"],
        json!({"letter": "a", "style": "block"})
    );
    let r = s.post(
        &format!(
            "/api/numbering-plans/{}/approve",
            plan["id"].as_str().unwrap()
        ),
        Some(&reviewer),
        &Value::Null,
    );
    assert_eq!(r.status(), 200);
    // Kept on the next plan (read back as group numbers); an infill cannot be lettered.
    let between = house(&s, &editor, "Lô 4", offset(PHO_HIEN, 10.0, 80.0));
    let p = expect_problem(
        s.post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&editor),
            &json!({"house_group": {"letter": "A", "style": "block"}}),
        ),
        422,
    );
    assert!(p.to_string().contains("renumber_all"), "{p}");
    let plan = propose(
        &s,
        &editor,
        &id,
        json!({"house_group": {"letter": "A"}, "renumber_all": true}),
    );
    assert_eq!(number_of(&plan, &east1), "A1");
    assert_eq!(number_of(&plan, &between), "A3");
    assert_eq!(number_of(&plan, &east2), "A5");
    expect_problem(
        s.post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&editor),
            &json!({"house_group": {"letter": "7"}}),
        ),
        422,
    );
}
