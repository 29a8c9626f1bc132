//! Vector tile encoding at province scale (criterion): the `places` layer of a z10 tile (thinned
//! to one point per cell of a 256 × 256 grid) and of a z15 tile (every place) over 1,000,000
//! generated places, as `GET /tiles/places/{z}/{x}/{y}.mvt` builds them (R-tree box query,
//! projection, MVT encoding).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use diachiso::code::nearest_free_cell;
use diachiso::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
use diachiso::registry::Catalog;
use diachiso::tiles::{places_tile, world, TileId, BUFFER};

/// 1,000,000 places of the generator, as the catalog would hold them after an import.
fn catalog(n: usize) -> Catalog {
    let communes = CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap());
    let mut places = Vec::with_capacity(n);
    let mut taken = std::collections::HashSet::new();
    let at = chrono::Utc::now();
    diachiso::generate::generate::<()>(
        &communes,
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
    Catalog::build(&places)
}

/// The tile of zoom `z` holding a point.
fn tile_at(z: u32, lon: f64, lat: f64) -> TileId {
    let [x, y] = world(lon, lat);
    let n = f64::from(1u32 << z);
    TileId::new(z, (x * n) as u32, (y * n) as u32).unwrap()
}

fn tiles(c: &mut Criterion) {
    let catalog = catalog(1_000_000);
    // Phố Hiến (Hưng Yên town centre), the densest part of the generated province.
    let (lon, lat) = (106.068, 20.6634);
    for z in [10, 15] {
        let t = tile_at(z, lon, lat);
        let bbox = t.bbox(BUFFER);
        let size = places_tile(t, catalog.in_box(bbox), |_| true).len();
        let points = catalog.in_box(bbox).count();
        eprintln!(
            "z{z} tile {}/{}: {points} places in the box, {size} bytes",
            t.x, t.y
        );
        c.bench_function(&format!("tiles/places_z{z}"), |b| {
            b.iter(|| black_box(places_tile(t, catalog.in_box(bbox), |_| true)))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = tiles
}
criterion_main!(benches);
