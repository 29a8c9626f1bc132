//! The service's answers against PostGIS's own: on thousands of points, the nearest place
//! (by WGS84 geodesic distance, `ST_Distance` on geography) and the containing commune
//! (`ST_Covers`) must agree with `GET /api/reverse`. Runs on the PostgreSQL store.

mod common;

use common::*;
use serde_json::Value;
use sqlx::{Connection, PgConnection, Row};

#[test]
fn nearest_place_and_commune_agree_with_postgis() {
    if test_store() != "postgres" {
        // The comparison needs PostGIS; scripts/test runs this file again on PostgreSQL.
        return;
    }
    let mut s = Server::start();
    let file = s.scratch("places.ndjson");
    let (ok, _, err) = s.cli(&[
        "generate", "--places", "3000", "--seed", "21", "--out", &file,
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = s.cli(&["import", "places", &file]);
    assert!(ok, "{err}");
    s.restart();
    let reader = s.token("reader", &[]);

    // 2,000 query points: half just off a place, half anywhere over the province's box.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut unit = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let places: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for i in 0..2000 {
        if i % 2 == 0 {
            let p = &places[(unit() * places.len() as f64) as usize]["geometry"]["coordinates"];
            xs.push(p[0].as_f64().unwrap() + (unit() - 0.5) * 0.002);
            ys.push(p[1].as_f64().unwrap() + (unit() - 0.5) * 0.002);
        } else {
            xs.push(105.88 + unit() * 0.8);
            ys.push(20.24 + unit() * 0.78);
        }
    }

    let url = s.database_url.clone();
    let (qx, qy) = (xs.clone(), ys.clone());
    let postgis: Vec<(Option<String>, Option<f64>, Vec<String>)> = pg::block_on(async move {
        let mut c = PgConnection::connect(&url).await.expect("connect");
        sqlx::query(
            "WITH q AS (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS pt \
                        FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)) \
             SELECT n.code, n.d, \
                    (SELECT coalesce(string_agg(c.code, ',' ORDER BY c.code), '') \
                       FROM communes c WHERE ST_Covers(c.boundary, q.pt)) AS covering \
             FROM q LEFT JOIN LATERAL ( \
                 SELECT p.code, ST_Distance(p.geom::geography, q.pt::geography) AS d \
                 FROM places p WHERE p.status <> 'retired' \
                   AND ST_DWithin(p.geom::geography, q.pt::geography, 50000) \
                 ORDER BY d, p.code LIMIT 1) n ON true \
             ORDER BY q.i",
        )
        .bind(qx)
        .bind(qy)
        .fetch_all(&mut c)
        .await
        .expect("PostGIS query")
        .iter()
        .map(|r| {
            let covering: String = r.get("covering");
            (
                r.get("code"),
                r.get("d"),
                covering
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect()
    });

    let mut compared = 0;
    let mut in_communes = 0;
    for (i, (x, y)) in xs.iter().zip(&ys).enumerate() {
        let r: Value = s
            .get(
                &format!("/api/reverse?lon={x}&lat={y}&limit=1&radius_m=50000"),
                Some(&reader),
            )
            .json()
            .unwrap();
        let (pg_code, pg_d, covering) = &postgis[i];
        // The containing commune: PostGIS's ST_Covers holds for it (on a shared boundary
        // several communes cover the point; the service's rule then takes the smallest code).
        match r["commune"]["code"].as_str() {
            Some(code) => {
                assert!(
                    covering.iter().any(|c| c == code),
                    "point {i} ({x},{y}): service says {code}, ST_Covers says {covering:?}"
                );
                if covering.len() > 1 {
                    assert_eq!(code, covering[0], "point {i} on a shared boundary");
                }
                in_communes += 1;
            }
            None => assert!(
                covering.is_empty(),
                "point {i} ({x},{y}): service says no commune, ST_Covers says {covering:?}"
            ),
        }
        // The nearest place: the same code, or an exact tie in distance (to the millimetre).
        let feature = &r["features"][0];
        match (pg_code, feature["properties"]["code"].as_str()) {
            (Some(pg), Some(ours)) => {
                let ours_d = feature["properties"]["distance_m"].as_f64().unwrap();
                let pg_d = pg_d.unwrap();
                assert!(
                    pg == ours || (ours_d - pg_d).abs() < 0.06,
                    "point {i} ({x},{y}): service {ours} at {ours_d} m, PostGIS {pg} at {pg_d} m"
                );
                assert!(
                    (ours_d - pg_d).abs() < 0.06,
                    "point {i}: distances {ours_d} vs {pg_d}"
                );
                compared += 1;
            }
            (None, None) => {}
            (pg, ours) => panic!("point {i} ({x},{y}): service {ours:?}, PostGIS {pg:?}"),
        }
    }
    assert!(compared > 1500, "{compared} nearest places compared");
    assert!(in_communes > 1000, "{in_communes} points fell in a commune");
}
