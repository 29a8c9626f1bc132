//! Behavioural tests of the registry core through the running binary's HTTP API.

mod common;

use common::*;
use serde_json::{json, Value};

fn code_of(feature: &Value) -> String {
    feature["properties"]["code"]
        .as_str()
        .expect("code")
        .to_owned()
}

#[test]
fn an_editor_registers_a_reviewer_certifies_and_anyone_reads_it_back() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let reader = s.token("reader", &[]);

    let r = s.post(
        "/api/places",
        Some(&editor),
        &json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": PHO_HIEN},
            "properties": {
                "kind": "parking_lot", "name": "Ba\u{0303}i đỗ xe Phố Hiến",
                "address": {"house_number": "20A", "street": "phố Nguyễn Văn Linh"},
                "attributes": {"capacity": {"motorbike": 300, "car": 40}},
                "external_ids": {"postcode": "16000"}
            }
        }),
    );
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let created: Value = r.json().unwrap();
    let code = code_of(&created);
    assert_eq!(location, format!("/api/places/{code}"));
    assert_eq!(code.len(), 12);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let p = &created["properties"];
    assert_eq!(p["commune_code"], "11953");
    assert_eq!(p["commune_name"], "Phường Phố Hiến");
    assert_eq!(p["status"], "provisional");
    assert_eq!(p["kind"], "parking_lot");
    assert_eq!(p["kind_label"], "bãi đỗ xe");
    assert_eq!(p["name"], "Bãi đỗ xe Phố Hiến", "names are stored NFC");
    assert_eq!(p["version"], 1);
    assert_eq!(etag, format!("\"{code}-1\""));
    assert_eq!(created["geometry"]["coordinates"], json!(PHO_HIEN));

    // The code decodes, without the registry, to a cell whose centre is within 5 m.
    let lookup: Value = s.get(&format!("/api/codes/{code}"), None).json().unwrap();
    let centre = lookup["cell"]["centre"].as_array().unwrap();
    let (dx, dy) = (
        (centre[0].as_f64().unwrap() - PHO_HIEN[0]) * 111_320.0 * PHO_HIEN[1].to_radians().cos(),
        (centre[1].as_f64().unwrap() - PHO_HIEN[1]) * 110_574.0,
    );
    assert!(
        (dx * dx + dy * dy).sqrt() < 5.0,
        "decoded centre {centre:?}"
    );
    assert_eq!(lookup["registered"], true);
    assert_eq!(lookup["status"], "provisional");
    assert_eq!(
        lookup["place"],
        Value::Null,
        "anonymous callers see active places only"
    );

    // Provisional: readers see it, anonymous callers do not.
    expect_problem(s.get(&location, None), 404);
    assert_eq!(s.get(&location, Some(&reader)).status(), 200);

    // Editors do not certify; reviewers do.
    expect_problem(
        s.post(&format!("{location}/certify"), Some(&editor), &Value::Null),
        403,
    );
    let r = s.post(
        &format!("{location}/certify"),
        Some(&reviewer),
        &json!({"reason": "kiểm tra thực địa"}),
    );
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().unwrap()["properties"]["status"], "active");
    expect_problem(
        s.post(
            &format!("{location}/certify"),
            Some(&reviewer),
            &Value::Null,
        ),
        409,
    );

    // Anyone reads it back, by the code in any accepted spelling.
    let grouped = format!("{} {} {}", &code[0..4], &code[4..8], &code[8..12]);
    for spelling in [
        code.clone(),
        grouped.replace(' ', "%20"),
        grouped.replace(' ', "."),
        grouped.replace(' ', "-"),
    ] {
        let r = s.get(&format!("/api/places/{spelling}"), None);
        assert_eq!(r.status(), 200, "{spelling}");
        assert_eq!(r.headers()["etag"], format!("\"{code}-2\"").as_str());
        let body: Value = r.json().unwrap();
        assert_eq!(body["properties"]["code_display"], grouped);
        assert_eq!(body["properties"]["address"]["house_number"], "20A");
    }
    let lookup: Value = s
        .get(&format!("/api/codes/{grouped}"), None)
        .json()
        .unwrap();
    assert_eq!(lookup["place"]["properties"]["code"], code);
}

#[test]
fn codes_say_what_is_wrong() {
    let s = Server::start();
    for (input, reason) in [
        ("12345", "wrong-length"),
        ("1234567890123", "wrong-length"),
        ("7958573052x0", "invalid-character"),
    ] {
        let body = expect_problem(s.get(&format!("/api/codes/{input}"), None), 400);
        assert_eq!(body["reason"], reason, "{input}");
    }
    // A valid code with its last digit changed fails the check digit.
    let editor = s.token("editor", &["11953"]);
    let code = code_of(&s.register(&editor, "business", "Cửa hàng", PHO_HIEN));
    let last = code.as_bytes()[11] - b'0';
    let typo = format!("{}{}", &code[..11], (last + 1) % 10);
    let body = expect_problem(s.get(&format!("/api/codes/{typo}"), None), 400);
    assert_eq!(body["reason"], "check-digit");
    // A valid code with nothing registered is valid and unregistered.
    let r: Value = s.get("/api/codes/000000000000", None).json().unwrap();
    assert_eq!(r["valid"], true);
    assert_eq!(r["registered"], false);
}

#[test]
fn points_outside_the_communes_are_refused_with_a_message() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let reader = s.token("reader", &[]);
    let before = s.stats(&reader);
    // Hà Nội is in the national territory but not in the communes loaded (Hưng Yên).
    let body = expect_problem(
        s.post(
            "/api/places",
            Some(&admin),
            &place("business", "Hồ Gươm", [105.8523, 21.0287]),
        ),
        422,
    );
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("not inside any commune"));
    // The sea off the coast, and a point outside the national territory.
    expect_problem(
        s.post(
            "/api/places",
            Some(&admin),
            &place("other", "Biển", [107.5, 20.0]),
        ),
        422,
    );
    let body = expect_problem(
        s.post(
            "/api/places",
            Some(&admin),
            &place("other", "Bangkok", [100.5, 13.75]),
        ),
        422,
    );
    assert_eq!(body["type"], "/problems/outside-territory");
    assert_eq!(s.stats(&reader), before);
}

#[test]
fn who_may_do_what() {
    let s = Server::start();
    let editor = s.token("editor", &["11953", "11977"]);
    let other_editor = s.token("editor", &["11977"]);
    let reader = s.token("reader", &[]);
    let admin = s.token("admin", &[]);
    let new = place("house", "Nhà văn hóa", PHO_HIEN);

    expect_problem(s.post("/api/places", None, &new), 401);
    let r = s.send(
        s.request(reqwest::Method::POST, "/api/places").json(&new),
        Some("dcs_not-a-token"),
    );
    assert_eq!(
        r.headers()["www-authenticate"].to_str().unwrap(),
        "Bearer realm=\"diachiso\""
    );
    expect_problem(r, 401);
    expect_problem(s.post("/api/places", Some(&reader), &new), 403);
    expect_problem(s.post("/api/places", Some(&other_editor), &new), 403);
    let code = code_of(&s.register(&editor, "house", "Nhà văn hóa", PHO_HIEN));

    // Token management is for admins only; a revoked token stops working at once.
    expect_problem(s.get("/api/tokens", None), 401);
    expect_problem(s.get("/api/tokens", Some(&editor)), 403);
    let r = s.post(
        "/api/tokens",
        Some(&admin),
        &json!({"role": "editor", "name": "UBND xã Tân Hưng", "communes": ["11977"]}),
    );
    assert_eq!(r.status(), 201);
    let created: Value = r.json().unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("dcs_"));
    let listed: Value = s.get("/api/tokens", Some(&admin)).json().unwrap();
    assert!(
        !listed.to_string().contains(&token),
        "secrets are never listed"
    );
    expect_problem(s.post("/api/places", Some(&token), &new), 403);
    let id = created["id"].as_i64().unwrap();
    let r = s.send(
        s.request(reqwest::Method::DELETE, &format!("/api/tokens/{id}")),
        Some(&admin),
    );
    assert_eq!(r.status(), 204);
    expect_problem(s.get("/api/stats", Some(&token)), 401);
    expect_problem(
        s.post(
            "/api/tokens",
            Some(&admin),
            &json!({"role": "editor", "name": "x"}),
        ),
        422,
    );
    expect_problem(
        s.post(
            "/api/tokens",
            Some(&admin),
            &json!({"role": "editor", "name": "x", "communes": ["99999"]}),
        ),
        422,
    );

    // History and the change feed are for signed-in roles.
    expect_problem(s.get(&format!("/api/places/{code}/history"), None), 401);
    assert_eq!(
        s.get(&format!("/api/places/{code}/history"), Some(&reader))
            .status(),
        200
    );
    expect_problem(s.get("/api/changes", None), 401);
}

#[test]
fn the_token_command_prints_only_the_token() {
    let s = Server::start();
    let (ok, stdout, _) = s.cli(&[
        "token",
        "create",
        "--role",
        "editor",
        "--communes",
        "11953,11977",
        "--name",
        "UBND phường Phố Hiến",
    ]);
    assert!(ok);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout:?}");
    assert!(lines[0].starts_with("dcs_") && lines[0].len() == 68);
    let (ok, _, stderr) = s.cli(&[
        "token",
        "create",
        "--role",
        "editor",
        "--name",
        "no communes",
    ]);
    assert!(!ok);
    assert!(stderr.contains("communes"), "{stderr}");
    let (ok, _, _) = s.cli(&["token", "create", "--role", "emperor", "--name", "x"]);
    assert!(!ok);
}

#[test]
fn corrections_need_the_current_etag_and_keep_the_code() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let both = s.token("editor", &["11953", "11977"]);
    let created = s.register(&editor, "business", "Tiệm bánh", PHO_HIEN);
    let code = code_of(&created);
    let path = format!("/api/places/{code}");

    expect_problem(
        s.patch(
            &path,
            Some(&editor),
            None,
            &json!({"properties": {"name": "Tiệm bánh mì"}}),
        ),
        428,
    );
    expect_problem(
        s.patch(
            &path,
            Some(&editor),
            Some("\"000000000000-9\""),
            &json!({"properties": {"name": "x"}}),
        ),
        412,
    );
    let etag1 = format!("\"{code}-1\"");
    let r = s.patch(
        &path,
        Some(&editor),
        Some(&etag1),
        &json!({"properties": {"name": "Tiệm bánh mì", "address": {"street": "phố Bạch Đằng"}}}),
    );
    assert_eq!(r.status(), 200);
    let etag2 = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag2, format!("\"{code}-2\""));
    // The old ETag is now stale: the second writer does not silently overwrite the first.
    let body = expect_problem(
        s.patch(
            &path,
            Some(&editor),
            Some(&etag1),
            &json!({"properties": {"name": "x"}}),
        ),
        412,
    );
    assert!(body["detail"].as_str().unwrap().contains(&etag2));

    // Moving into Tân Hưng (11977): not for an editor of Phố Hiến alone; the code stays.
    let moved = json!({"geometry": {"type": "Point", "coordinates": TAN_HUNG}});
    expect_problem(s.patch(&path, Some(&editor), Some(&etag2), &moved), 403);
    let r = s.patch(&path, Some(&both), Some(&etag2), &moved);
    assert_eq!(r.status(), 200);
    let after: Value = r.json().unwrap();
    assert_eq!(code_of(&after), code, "moving keeps the code");
    assert_eq!(after["properties"]["commune_code"], "11977");
    assert_eq!(after["properties"]["name"], "Tiệm bánh mì");
    assert_eq!(after["properties"]["address"]["street"], "phố Bạch Đằng");
    assert_eq!(after["geometry"]["coordinates"], json!(TAN_HUNG));

    // Read-only and invalid changes are refused and change nothing.
    let etag3 = format!("\"{code}-3\"");
    expect_problem(
        s.patch(
            &path,
            Some(&both),
            Some(&etag3),
            &json!({"properties": {"code": "000000000000"}}),
        ),
        422,
    );
    expect_problem(
        s.patch(
            &path,
            Some(&both),
            Some(&etag3),
            &json!({"properties": {"status": "active"}}),
        ),
        422,
    );
    expect_problem(
        s.patch(
            &path,
            Some(&both),
            Some(&etag3),
            &json!({"geometry": {"type": "Point", "coordinates": [105.85, 21.03]}}),
        ),
        422,
    );
    let now: Value = s.get(&path, Some(&both)).json().unwrap();
    assert_eq!(now, after);
}

#[test]
fn retired_codes_still_resolve_and_are_never_handed_out_again() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);
    let first = code_of(&s.register(&editor, "community_point", "Nhà văn hóa tổ 3", PHO_HIEN));
    let path = format!("/api/places/{first}");

    expect_problem(
        s.post(&format!("{path}/retire"), Some(&editor), &json!({})),
        422,
    );
    expect_problem(
        s.post(
            &format!("{path}/retire"),
            Some(&editor),
            &json!({"reason": "   "}),
        ),
        422,
    );
    let r = s.post(
        &format!("{path}/retire"),
        Some(&editor),
        &json!({"reason": "đăng ký trùng"}),
    );
    assert_eq!(r.status(), 200);
    expect_problem(
        s.post(
            &format!("{path}/retire"),
            Some(&editor),
            &json!({"reason": "again"}),
        ),
        409,
    );
    expect_problem(
        s.patch(
            &path,
            Some(&editor),
            Some(&format!("\"{first}-2\"")),
            &json!({"properties": {"name": "x"}}),
        ),
        409,
    );

    // The retired code still resolves, with its status.
    let lookup: Value = s.get(&format!("/api/codes/{first}"), None).json().unwrap();
    assert_eq!(lookup["registered"], true);
    assert_eq!(lookup["status"], "retired");
    let seen: Value = s.get(&path, Some(&reader)).json().unwrap();
    assert_eq!(seen["properties"]["status"], "retired");

    // A new place at the same point, even with the same name, gets another code; so does the
    // next one after a restart (the index of taken codes is rebuilt from the store).
    let second = code_of(&s.register(&editor, "community_point", "Nhà văn hóa tổ 3", PHO_HIEN));
    assert_ne!(second, first);
    let mut s = s;
    s.restart();
    let third = code_of(&s.post("/api/places", Some(&editor), &json!({
        "type": "Feature", "geometry": {"type": "Point", "coordinates": PHO_HIEN},
        "properties": {"kind": "community_point", "name": "Nhà văn hóa tổ 3", "confirm_distinct": true}
    })).json().unwrap());
    assert!(third != first && third != second);
}

#[test]
fn a_similar_place_nearby_is_a_possible_duplicate() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let first = code_of(&s.register(&editor, "religious_site", "Chùa Chuông", PHO_HIEN));
    let near = offset(PHO_HIEN, 8.0, 6.0); // 10 m away

    let body = expect_problem(
        s.post(
            "/api/places",
            Some(&editor),
            &place("religious_site", "chua chuong", near),
        ),
        409,
    );
    assert_eq!(body["candidates"][0]["code"], first);
    assert!(body["candidates"][0]["distance_m"].as_f64().unwrap() < 15.0);
    // Another kind, another name, or farther than 15 m: no conflict.
    s.register(&editor, "business", "Chùa Chuông", near);
    s.register(&editor, "religious_site", "Đền Mẫu", near);
    s.register(
        &editor,
        "religious_site",
        "Chùa Chuông",
        offset(PHO_HIEN, 30.0, 0.0),
    );
    // Confirmed distinct: registered, with its own code.
    let mut confirmed = place("religious_site", "Chùa Chuông", near);
    confirmed["properties"]["confirm_distinct"] = json!(true);
    let r = s.post("/api/places", Some(&editor), &confirmed);
    assert_eq!(r.status(), 201);
    assert_ne!(code_of(&r.json().unwrap()), first);
}

#[test]
fn a_retried_post_with_the_same_idempotency_key_returns_the_first_answer() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let other = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);
    let body = place("business", "Quán cà phê", PHO_HIEN);
    let post = |token: &str, body: &Value| {
        s.send(
            s.request(reqwest::Method::POST, "/api/places")
                .header("idempotency-key", "form-42")
                .json(body),
            Some(token),
        )
    };
    let r1 = post(&editor, &body);
    assert_eq!(r1.status(), 201);
    let first: Value = r1.json().unwrap();
    let after_first = s.stats(&reader);
    let r2 = post(&editor, &body);
    assert_eq!(r2.status(), 201);
    assert_eq!(r2.headers()["idempotent-replayed"], "true");
    assert_eq!(r2.json::<Value>().unwrap(), first);
    assert_eq!(s.stats(&reader), after_first, "no second place");
    // The same key with another body is an error; another client's key is its own.
    expect_problem(post(&editor, &place("business", "Quán trà", PHO_HIEN)), 422);
    let mut distinct = body.clone();
    distinct["properties"]["confirm_distinct"] = json!(true);
    let r3 = post(&other, &distinct);
    assert_eq!(r3.status(), 201);
    assert_ne!(code_of(&r3.json().unwrap()), code_of(&first));
}

#[test]
fn every_write_is_an_event_in_order() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let reader = s.token("reader", &[]);
    let code = code_of(&s.register(&editor, "bus_station", "Bến xe Hưng Yên", PHO_HIEN));
    let path = format!("/api/places/{code}");
    s.patch(
        &path,
        Some(&editor),
        Some(&format!("\"{code}-1\"")),
        &json!({"properties": {"name": "Bến xe khách Hưng Yên"}}),
    );
    s.post(&format!("{path}/certify"), Some(&reviewer), &Value::Null);
    s.post(
        &format!("{path}/retire"),
        Some(&reviewer),
        &json!({"reason": "bến xe chuyển địa điểm"}),
    );

    let history: Value = s
        .get(&format!("{path}/history"), Some(&reader))
        .json()
        .unwrap();
    let events = history["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "certify", "retire"]);
    assert_eq!(events[0]["before"], Value::Null);
    assert_eq!(events[1]["before"]["properties"]["name"], "Bến xe Hưng Yên");
    assert_eq!(
        events[1]["after"]["properties"]["name"],
        "Bến xe khách Hưng Yên"
    );
    assert_eq!(events[3]["reason"], "bến xe chuyển địa điểm");
    assert!(events[0]["actor"].as_str().unwrap().starts_with("token:"));
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));

    // The change feed pages through the same events without gaps or repeats.
    let mut after = 0;
    let mut seen = Vec::new();
    loop {
        let page: Value = s
            .get(
                &format!("/api/changes?after={after}&limit=3"),
                Some(&reader),
            )
            .json()
            .unwrap();
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            break;
        }
        seen.extend(events.iter().map(|e| e["seq"].as_i64().unwrap()));
        after = page["last_seq"].as_i64().unwrap();
    }
    assert_eq!(seen, seqs);
}

#[test]
fn another_province_can_be_imported() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    // Phường Hoàn Kiếm (00070), Hà Nội, as a rough square for the test.
    let file = s.dir().join("hanoi.geojson").display().to_string();
    std::fs::write(&file, json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": {"code": "00070", "name": "Hoàn Kiếm"},
            "geometry": {"type": "Polygon", "coordinates": [[[105.84, 21.02], [105.86, 21.02], [105.86, 21.04], [105.84, 21.04], [105.84, 21.02]]]}
        }]
    }).to_string()).unwrap();
    let hanoi = [105.8523, 21.0287];
    expect_problem(
        s.post(
            "/api/places",
            Some(&admin),
            &place("tourist_site", "Hồ Gươm", hanoi),
        ),
        422,
    );
    let (ok, _, stderr) = s.cli(&["import", "communes", &file]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("105 loaded"), "{stderr}");
    let mut s = s;
    s.restart();
    let created = s.register(&admin, "tourist_site", "Hồ Gươm", hanoi);
    assert_eq!(created["properties"]["commune_code"], "00070");
    assert_eq!(created["properties"]["commune_name"], "Phường Hoàn Kiếm");
    let (ok, _, _) = s.cli(&["import", "communes", "/nonexistent.geojson"]);
    assert!(!ok);
}

#[test]
fn control_characters_are_refused_everywhere_text_is_stored() {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let reader = s.token("reader", &[]);
    let mut body = place("business", "Quán", PHO_HIEN);
    body["properties"]["attributes"] = json!({"note": "a\u{0}b"});
    expect_problem(s.post("/api/places", Some(&editor), &body), 422);
    body["properties"]["attributes"] = json!({"tags": ["ok", {"deep": "x\u{1}"}]});
    expect_problem(s.post("/api/places", Some(&editor), &body), 422);
    let code = code_of(&s.register(&editor, "business", "Quán", PHO_HIEN));
    let before = s.stats(&reader);
    expect_problem(
        s.post(
            &format!("/api/places/{code}/certify"),
            Some(&reviewer),
            &json!({"reason": "ok\u{0}"}),
        ),
        422,
    );
    expect_problem(
        s.post(
            &format!("/api/places/{code}/retire"),
            Some(&editor),
            &json!({"reason": "trùng\u{0}"}),
        ),
        422,
    );
    assert_eq!(s.stats(&reader), before);
}

#[test]
fn a_patch_that_changes_nothing_writes_nothing_and_the_generated_label_is_not_an_edit() {
    let s = Server::start();
    let admin = s.token("admin", &[]);
    let created = s.register(&admin, "business", "Tiệm may Hoa", PHO_HIEN);
    let code = created["properties"]["code"].as_str().unwrap().to_owned();
    let path = format!("/api/places/{code}");
    let etag = format!("\"{code}-1\"");
    // The same name, with other spacing (stored normalised): nothing changes.
    let r = s.patch(
        &path,
        Some(&admin),
        Some(&etag),
        &json!({"properties": {"name": "  Tiệm may   Hoa "}}),
    );
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    let body: Value = r.json().unwrap();
    assert_eq!(body["properties"]["version"], 1);
    let events = |s: &Server| -> usize {
        let h: Value = s
            .get(&format!("{path}/history"), Some(&admin))
            .json()
            .unwrap();
        h["events"].as_array().unwrap().len()
    };
    assert_eq!(events(&s), 1, "only the registration");
    // The label of generated data is not for editors to flip, either way.
    let p = expect_problem(
        s.patch(
            &path,
            Some(&admin),
            Some(&etag),
            &json!({"properties": {"generated": true}}),
        ),
        422,
    );
    assert!(p.to_string().contains("/properties/generated"), "{p}");
    // A real change still makes a version and an event.
    let r = s.patch(
        &path,
        Some(&admin),
        Some(&etag),
        &json!({"properties": {"name": "Tiệm may Hoa Mai"}}),
    );
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["etag"].to_str().unwrap(),
        format!("\"{code}-2\"")
    );
    assert_eq!(events(&s), 2);
}
