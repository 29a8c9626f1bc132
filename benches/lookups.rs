//! Spatial look-ups at province scale (criterion): point-in-commune over the real Hưng Yên
//! boundaries, nearest neighbour and nearest free cell among 1,000,000 generated places.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use diachiso::code::nearest_free_cell;
use diachiso::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
use diachiso::generate::Rng;
use diachiso::registry::Catalog;

/// Places of the generator, as the catalog would hold them after an import.
fn catalog(n: usize, communes: &CommuneIndex) -> (Catalog, Vec<[f64; 2]>) {
    let mut places = Vec::with_capacity(n);
    let mut taken = std::collections::HashSet::new();
    let at = chrono::Utc::now();
    diachiso::generate::generate::<()>(
        communes,
        n,
        5,
        |_| Ok(()),
        |f| {
            let draft = diachiso::place::PlaceDraft::from_feature(&f).expect("valid");
            let code =
                nearest_free_cell(draft.lon, draft.lat, |c| taken.contains(&c)).expect("code");
            taken.insert(code);
            places.push(diachiso::place::Place {
                code,
                kind: draft.kind,
                name: draft.name,
                lon: draft.lon,
                lat: draft.lat,
                footprint: None,
                commune_code: "11953".into(),
                address: draft.address,
                attributes: Default::default(),
                external_ids: Default::default(),
                status: diachiso::place::Status::Active,
                generated: true,
                version: 1,
                created_at: at,
                updated_at: at,
            });
            Ok(())
        },
    )
    .expect("generate");
    let points = places.iter().map(|p| [p.lon, p.lat]).collect();
    (Catalog::build(&places), points)
}

fn lookups(c: &mut Criterion) {
    let communes = CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap());
    let mut rng = Rng::new(3);
    let queries: Vec<[f64; 2]> = (0..1024)
        .map(|_| [rng.range(106.0, 106.6), rng.range(20.35, 21.0)])
        .collect();
    let mut i = 0;
    c.bench_function("commune/point_in_commune", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            communes.locate(black_box(queries[i][0]), black_box(queries[i][1]))
        })
    });

    let (catalog, points) = catalog(1_000_000, &communes);
    c.bench_function("places_1m/nearest_10_within_1km", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            catalog
                .nearest(queries[i][0], queries[i][1], 1000.0, 10, |_| true)
                .len()
        })
    });
    c.bench_function("places_1m/nearest_free_cell_at_a_taken_point", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            let p = points[i];
            nearest_free_cell(black_box(p[0]), black_box(p[1]), |code| {
                catalog.is_taken(code)
            })
        })
    });
    c.bench_function("places_1m/search_2_words", |b| {
        b.iter(|| {
            catalog
                .search(black_box("chua pho"), None, 10, |_| true)
                .len()
        })
    });
    // The keystrokes of autocomplete, and common words, alone and near points.
    for q in [
        "n",
        "ch",
        "nha",
        "chua ng",
        "nha van hoa",
        "truong tieu hoc",
    ] {
        c.bench_function(&format!("places_1m/search/{q}"), |b| {
            b.iter(|| catalog.search(black_box(q), None, 10, |_| true).len())
        });
        c.bench_function(&format!("places_1m/search_near/{q}"), |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                catalog
                    .search(black_box(q), Some(points[i]), 10, |_| true)
                    .len()
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = lookups
}
criterion_main!(benches);
