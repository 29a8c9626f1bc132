//! The schema defends itself against writers other than this service (issue 5): on both
//! stores places are never deleted, codes never change and the event log is append-only; on
//! PostgreSQL + PostGIS the code's check digit, the value lists and the coordinates are
//! constraints too, and GIS tools find the geometry columns, their GiST indexes and the keys.
//!
//! Each test starts the real service on a fresh store (`DIACHISO_TEST_STORE`), registers
//! through the API, then writes to the database directly, as another program would.
//! PostgreSQL-only tests return early on SQLite; on PostgreSQL a missing database fails them.

mod common;

use common::*;
use diachiso::code::LocationCode;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection, SqliteConnection};

fn is_postgres() -> bool {
    test_store() == "postgres"
}

/// Runs each statement on its own against the store at `url`, returning for each the number of
/// rows it touched or the database's message.
fn execute_each(url: &str, statements: &[String]) -> Vec<Result<u64, String>> {
    let url = url.to_owned();
    let statements = statements.to_vec();
    pg::block_on(async move {
        let mut results = Vec::new();
        if url.starts_with("sqlite:") {
            let mut c = SqliteConnection::connect(&url).await.expect("connect");
            for s in &statements {
                let r = sqlx::query(s).execute(&mut c).await;
                results.push(r.map(|d| d.rows_affected()).map_err(|e| e.to_string()));
            }
        } else {
            let mut c = PgConnection::connect(&url).await.expect("connect");
            for s in &statements {
                let r = sqlx::query(s).execute(&mut c).await;
                results.push(r.map(|d| d.rows_affected()).map_err(|e| e.to_string()));
            }
        }
        results
    })
}

/// Runs a query whose one row is one text column (PostgreSQL).
fn pg_text(url: &str, sql: &str) -> Vec<String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    pg::block_on(async move {
        let mut c = PgConnection::connect(&url).await.expect("connect");
        sqlx::query_scalar::<_, String>(&sql)
            .fetch_all(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    })
}

/// A server with one registered place; returns the server, a reader token and the code.
fn server_with_a_place() -> (Server, String, String) {
    let s = Server::start();
    let editor = s.token("editor", &["11953"]);
    let reader = s.token("reader", &[]);
    let created = s.register(&editor, "parking_lot", "Bãi đỗ xe Phố Hiến", PHO_HIEN);
    let code = created["properties"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    (s, reader, code)
}

/// Another valid code (right check digit) that is not `code`.
fn other_valid_code(code: &str) -> String {
    let c: LocationCode = code.parse().expect("code");
    LocationCode::from_payload(c.payload() ^ 1)
        .expect("payload")
        .to_string()
}

#[test]
fn places_are_never_deleted_codes_never_change_and_events_are_append_only() {
    let (s, reader, code) = server_with_a_place();
    let before = s.stats(&reader);
    let other = other_valid_code(&code);
    let refused = [
        format!("DELETE FROM places WHERE code = '{code}'"),
        "DELETE FROM places".to_owned(),
        format!("UPDATE places SET code = '{other}' WHERE code = '{code}'"),
        "UPDATE events SET actor = 'someone else'".to_owned(),
        format!("UPDATE events SET reason = 'rewritten' WHERE code = '{code}'"),
        "DELETE FROM events".to_owned(),
    ];
    for (statement, result) in refused.iter().zip(execute_each(&s.database_url, &refused)) {
        let message = result.expect_err(statement);
        assert!(
            message.contains("never") || message.contains("append-only"),
            "{statement}: {message}"
        );
    }
    if is_postgres() {
        let truncates = [
            "TRUNCATE places CASCADE".to_owned(),
            "TRUNCATE events".to_owned(),
        ];
        for (statement, result) in truncates
            .iter()
            .zip(execute_each(&s.database_url, &truncates))
        {
            assert!(result.is_err(), "{statement} was allowed");
        }
    }
    // Other changes to a place are allowed (the service's own corrections are such updates).
    let allowed = [format!(
        "UPDATE places SET name = name WHERE code = '{code}'"
    )];
    assert_eq!(execute_each(&s.database_url, &allowed), vec![Ok(1)]);
    assert_eq!(s.stats(&reader), before, "the store changed");
    let r = s.get(&format!("/api/places/{code}"), Some(&reader));
    assert_eq!(r.status(), 200);
}

#[test]
fn the_stored_communes_are_the_embedded_ones_exactly() {
    let s = Server::start();
    let url = s.database_url.clone();
    let stored = pg::block_on(async move {
        let store = diachiso::store::open(&url).await.expect("open the store");
        store.load_communes().await.expect("load communes")
    });
    let mut embedded =
        diachiso::commune::load(diachiso::commune::HUNG_YEN_COMMUNES_GEOJSON).expect("embedded");
    embedded.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(stored.len(), 104);
    for (a, b) in stored.iter().zip(&embedded) {
        assert_eq!(a, b, "commune {} differs after the round trip", b.code);
    }
}

#[test]
fn the_store_reports_taken_codes_and_stale_versions_and_keeps_nothing_of_them() {
    use diachiso::event::{Action, NewEvent};
    use diachiso::store::StoreError;

    let (s, reader, code) = server_with_a_place();
    let before = s.stats(&reader);
    let url = s.database_url.clone();
    pg::block_on(async move {
        let store = diachiso::store::open(&url).await.expect("open the store");
        let code: LocationCode = code.parse().expect("code");
        let mut place = store
            .get_place(code)
            .await
            .expect("read")
            .expect("the place");
        let event = NewEvent {
            at: place.updated_at,
            actor: "test".into(),
            action: Action::Create,
            code,
            before: None,
            after: Some(json!({"type": "Feature"})),
            reason: None,
        };
        match store.insert_place(&place, &event, None).await {
            Err(StoreError::CodeTaken(c)) => assert_eq!(c, code),
            other => panic!("inserting a taken code: {other:?}"),
        }
        let stale = place.version + 1;
        place.name = "Tên khác".into();
        place.version = stale + 1;
        match store.update_place(&place, stale, &event).await {
            Err(StoreError::VersionConflict(c)) => assert_eq!(c, code),
            other => panic!("updating a stale version: {other:?}"),
        }
        let events = store.events_after(0, 100).await.expect("events");
        assert_eq!(events.len(), 1, "{events:?}");
        // A correct update commits with its event, whose sequence number follows.
        place.version = stale;
        let seq = store
            .update_place(&place, stale - 1, &event)
            .await
            .expect("update");
        assert!(seq > events[0].seq);
        let stored = store.get_place(code).await.expect("read").expect("place");
        assert_eq!(stored, place, "the place round-trips exactly");
    });
    let after = s.stats(&reader);
    assert_eq!(after["events"], before["events"].as_i64().unwrap() + 1);
}

/// An INSERT of a place as another program would write it, with `code` and one column changed.
fn foreign_insert(code: &str, column: &str, value: &str) -> String {
    let mut columns: Vec<(&str, String)> = vec![
        ("code", format!("'{code}'")),
        ("kind", "'house'".to_owned()),
        ("name", "'Nhà số 1'".to_owned()),
        ("lon", PHO_HIEN[0].to_string()),
        ("lat", PHO_HIEN[1].to_string()),
        ("commune_code", "'11953'".to_owned()),
        ("status", "'provisional'".to_owned()),
        ("version", "1".to_owned()),
        ("created_at", "now()".to_owned()),
        ("updated_at", "now()".to_owned()),
    ];
    if !column.is_empty() {
        columns.retain(|(c, _)| *c != column);
        columns.push((column, value.to_owned()));
    }
    let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
    let values: Vec<&str> = columns.iter().map(|(_, v)| v.as_str()).collect();
    format!(
        "INSERT INTO places ({}) VALUES ({})",
        names.join(", "),
        values.join(", ")
    )
}

#[test]
fn postgres_constraints_hold_for_other_writers() {
    if !is_postgres() {
        eprintln!("PostgreSQL only (DIACHISO_TEST_STORE=postgres)");
        return;
    }
    let (s, reader, code) = server_with_a_place();
    let before = s.stats(&reader);
    let good = LocationCode::from_payload(12_345_678_901 % LocationCode::MAX_PAYLOAD)
        .expect("code")
        .to_string();
    let mut bad_check_digit = good.clone();
    let last = bad_check_digit.pop().expect("digit");
    bad_check_digit.push(if last == '9' { '0' } else { '9' });
    let refused: Vec<(&str, String)> = vec![
        ("bad check digit", foreign_insert(&bad_check_digit, "", "")),
        ("11 digits", foreign_insert(&good[..11], "", "")),
        ("13 digits", foreign_insert(&format!("{good}0"), "", "")),
        ("letters", foreign_insert("79585730522O", "", "")),
        ("code taken", foreign_insert(&code, "", "")),
        ("unknown kind", foreign_insert(&good, "kind", "'castle'")),
        ("unknown status", foreign_insert(&good, "status", "'deleted'")),
        ("lon 101.9", foreign_insert(&good, "lon", "101.9")),
        ("lon NaN", foreign_insert(&good, "lon", "'NaN'")),
        ("lat 23.6", foreign_insert(&good, "lat", "23.6")),
        ("empty name", foreign_insert(&good, "name", "''")),
        ("unknown commune", foreign_insert(&good, "commune_code", "'99999'")),
        ("version 0", foreign_insert(&good, "version", "0")),
        ("attributes an array", foreign_insert(&good, "attributes", "'[]'")),
        (
            "footprint a point",
            foreign_insert(&good, "footprint", r#"'{"type":"Point","coordinates":[106,20]}'"#),
        ),
        (
            "geom set by hand",
            foreign_insert(&good, "geom", "ST_SetSRID(ST_MakePoint(106, 20), 4326)"),
        ),
        (
            "event with an unknown action",
            format!(
                "INSERT INTO events (at, actor, action, code) VALUES (now(), 'x', 'delete', '{code}')"
            ),
        ),
        (
            "event with its own sequence number",
            format!(
                "INSERT INTO events (seq, at, actor, action, code) VALUES (1000, now(), 'x', 'update', '{code}')"
            ),
        ),
        (
            "event about no place",
            format!(
                "INSERT INTO events (at, actor, action, code) VALUES (now(), 'x', 'update', '{good}')"
            ),
        ),
        (
            "token with an unknown role",
            "INSERT INTO tokens (name, role, token_hash, created_at) VALUES ('x', 'root', 'h', now())"
                .to_owned(),
        ),
        (
            "status changed to an unknown value",
            format!("UPDATE places SET status = 'gone' WHERE code = '{code}'"),
        ),
        (
            "moved out of the territory",
            format!("UPDATE places SET lon = 2.35, lat = 48.85 WHERE code = '{code}'"),
        ),
    ];
    let statements: Vec<String> = refused.iter().map(|(_, s)| s.clone()).collect();
    for ((name, statement), result) in refused
        .iter()
        .zip(execute_each(&s.database_url, &statements))
    {
        assert!(result.is_err(), "{name} was allowed: {statement}");
    }
    assert_eq!(s.stats(&reader), before, "a refused write left something");

    // A correct row from another program is accepted, and its geometry is its lon/lat.
    let accepted = [foreign_insert(
        &good,
        "footprint",
        r#"'{"type":"Polygon","coordinates":[[[106.0679,20.6633,5],[106.0681,20.6633,5],[106.0681,20.6635,5],[106.0679,20.6633,5]]]}'"#,
    )];
    assert_eq!(execute_each(&s.database_url, &accepted), vec![Ok(1)]);
    let row = pg_text(
        &s.database_url,
        &format!(
            "SELECT concat_ws(' ', ST_X(geom) = lon, ST_Y(geom) = lat, ST_SRID(geom), \
             GeometryType(footprint_geom), ST_NDims(footprint_geom)) FROM places WHERE code = '{good}'"
        ),
    );
    assert_eq!(row, ["t t 4326 MULTIPOLYGON 2"]);
}

#[test]
fn postgres_check_digit_function_agrees_with_the_service() {
    if !is_postgres() {
        eprintln!("PostgreSQL only (DIACHISO_TEST_STORE=postgres)");
        return;
    }
    let s = Server::start();
    // Valid codes spread over the payload range, every single-digit substitution of each,
    // every adjacent transposition, and malformed strings.
    let mut candidates = Vec::new();
    // (Not every payload is a cell of the territory; those that are not are skipped.)
    let codes = (0..400u64).filter_map(|i| {
        LocationCode::from_payload(i * 7_777_777_777 % LocationCode::MAX_PAYLOAD).ok()
    });
    for code in codes {
        let code = code.to_string();
        let digits: Vec<char> = code.chars().collect();
        for at in 0..12 {
            for d in '0'..='9' {
                let mut v = digits.clone();
                v[at] = d;
                candidates.push(v.into_iter().collect::<String>());
            }
            if at < 11 {
                let mut v = digits.clone();
                v.swap(at, at + 1);
                candidates.push(v.into_iter().collect());
            }
        }
    }
    candidates.extend(["", "0", "12345678901a", "１２３", " 795857305220"].map(String::from));
    let url = s.database_url.clone();
    let list = candidates.clone();
    let answers: Vec<bool> = pg::block_on(async move {
        let mut c = PgConnection::connect(&url).await.expect("connect");
        sqlx::query_scalar(
            "SELECT c ~ '^[0-9]{12}$' AND diachiso_damm_valid(c) FROM unnest($1::text[]) WITH ORDINALITY AS t(c, i) ORDER BY i",
        )
        .bind(list)
        .fetch_all(&mut c)
        .await
        .expect("diachiso_damm_valid")
    });
    assert_eq!(answers.len(), candidates.len());
    let mut valid = 0;
    for (candidate, sql_says) in candidates.iter().zip(answers) {
        let rust_says = candidate.len() == 12 && candidate.parse::<LocationCode>().is_ok();
        assert_eq!(sql_says, rust_says, "{candidate:?}");
        valid += usize::from(rust_says);
    }
    assert!(
        valid >= 200,
        "only {valid} valid codes among the candidates"
    );
}

#[test]
fn postgres_layers_for_gis_tools() {
    if !is_postgres() {
        eprintln!("PostgreSQL only (DIACHISO_TEST_STORE=postgres)");
        return;
    }
    let (s, reader, code) = server_with_a_place();
    let layers = pg_text(
        &s.database_url,
        "SELECT concat_ws(' ', f_table_name, f_geometry_column, type, srid, coord_dimension) \
         FROM geometry_columns ORDER BY 1",
    );
    assert_eq!(
        layers,
        [
            "communes boundary MULTIPOLYGON 4326 2",
            "places footprint_geom MULTIPOLYGON 4326 2",
            "places geom POINT 4326 2",
            "places_active footprint_geom MULTIPOLYGON 4326 2",
            "places_active geom POINT 4326 2",
            "streets geom LINESTRING 4326 2",
        ]
    );
    let gist = pg_text(
        &s.database_url,
        "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%' ORDER BY 1",
    );
    assert_eq!(
        gist,
        [
            "communes_boundary",
            "places_footprint_geom",
            "places_geom",
            "streets_geom"
        ]
    );
    let keys = pg_text(
        &s.database_url,
        "SELECT conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE contype = 'p' AND conrelid::regclass::text IN ('places', 'communes') ORDER BY 1",
    );
    assert_eq!(
        keys,
        ["communes PRIMARY KEY (code)", "places PRIMARY KEY (code)"]
    );
    // 104 commune polygons; the point layer follows corrections; the view shows active places.
    let communes = pg_text(&s.database_url, "SELECT count(*)::text FROM communes");
    assert_eq!(communes, ["104"]);
    let active = || pg_text(&s.database_url, "SELECT count(*)::text FROM places_active");
    assert_eq!(active(), ["0"]);
    let reviewer = s.token("reviewer", &[]);
    let r = s.post(
        &format!("/api/places/{code}/certify"),
        Some(&reviewer),
        &json!({}),
    );
    assert_eq!(r.status(), 200);
    assert_eq!(active(), ["1"]);
    let etag = s
        .get(&format!("/api/places/{code}"), Some(&reader))
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_owned();
    let moved = offset(PHO_HIEN, 8.0, 3.0);
    let r = s.patch(
        &format!("/api/places/{code}"),
        Some(&reviewer),
        Some(&etag),
        &json!({"geometry": {"type": "Point", "coordinates": moved}}),
    );
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    let xy = pg_text(
        &s.database_url,
        &format!(
            "SELECT concat_ws(' ', ST_X(geom), ST_Y(geom), ST_Contains(c.boundary, p.geom)) \
                  FROM places p JOIN communes c ON c.code = p.commune_code WHERE p.code = '{code}'"
        ),
    );
    let served: Value = s
        .get(&format!("/api/places/{code}"), Some(&reader))
        .json()
        .expect("json");
    let [x, y] = [0, 1].map(|i| {
        served["geometry"]["coordinates"][i]
            .as_f64()
            .expect("lon/lat")
    });
    assert_eq!(xy, [format!("{x} {y} t")]);
}

#[test]
fn test_database_urls_name_the_database() {
    assert_eq!(
        pg::with_database("postgres://u@127.0.0.1:5/postgres", "t_1"),
        "postgres://u@127.0.0.1:5/t_1"
    );
    assert_eq!(
        pg::with_database("postgresql://u:p@h/postgres?sslmode=disable", "t"),
        "postgresql://u:p@h/t?sslmode=disable"
    );
    assert_eq!(pg::with_database("postgres://h:5", "t"), "postgres://h:5/t");
}

#[test]
fn streets_and_plans_keep_their_history_against_foreign_writes() {
    let (s, _reader, _code) = server_with_a_place();
    let editor = s.token("editor", &["11953"]);
    let reviewer = s.token("reviewer", &[]);
    let line = json!([offset(PHO_HIEN, 0.0, 80.0), offset(PHO_HIEN, 0.0, -80.0)]);
    let r = s.post(
        "/api/streets",
        Some(&editor),
        &json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                "properties": {"street_type": "pho", "name": "Bãi Sậy"}}),
    );
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let plan: Value = s
        .post(
            &format!("/api/streets/{id}/numbering-plans"),
            Some(&editor),
            &Value::Null,
        )
        .json()
        .unwrap();
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let r = s.post(
        &format!("/api/numbering-plans/{plan_id}/reject"),
        Some(&reviewer),
        &json!({"reason": "thử"}),
    );
    assert_eq!(r.status(), 200);
    let refused = [
        format!("DELETE FROM streets WHERE id = '{id}'"),
        format!("UPDATE streets SET id = 'st-zzzzzzzzzz' WHERE id = '{id}'"),
        "UPDATE street_events SET actor = 'someone else'".to_owned(),
        "DELETE FROM street_events".to_owned(),
        format!("UPDATE numbering_plans SET status = 'approved' WHERE id = '{plan_id}'"),
        format!("DELETE FROM numbering_plans WHERE id = '{plan_id}'"),
    ];
    for (statement, result) in refused.iter().zip(execute_each(&s.database_url, &refused)) {
        let message = result.expect_err(statement);
        assert!(
            message.contains("never") || message.contains("append-only"),
            "{statement}: {message}"
        );
    }
    // The street and its log are as the service left them.
    let history: Value = s
        .get(&format!("/api/streets/{id}/history"), Some(&editor))
        .json()
        .unwrap();
    let actions: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "propose", "reject"]);
}
