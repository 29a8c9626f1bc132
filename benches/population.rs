//! Aggregation of resident counts: one snapshot of 1,000,000 counted addresses to H3 cells
//! (resolutions 6–10), communes and the province, then the public view (privacy rule).
//! Addresses are spread over the real Hưng Yên communes by population, as the generator does.

use criterion::{criterion_group, criterion_main, Criterion};
use diachiso::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
use diachiso::generate::{commune_weights, Rng};
use diachiso::population::{AddressCount, PopulationIndex, PrivacyRule, PublicView};

fn addresses(n: usize) -> Vec<AddressCount> {
    let communes = CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap());
    let weights = commune_weights(&communes);
    let total: f64 = weights.iter().map(|w| w.weight).sum();
    let mut rng = Rng::new(7);
    let mut out = Vec::with_capacity(n);
    for w in &weights {
        let c = communes.get(&w.code).unwrap();
        let share = (n as f64 * w.weight / total).round() as usize;
        let r = geo::BoundingRect::bounding_rect(&c.boundary).unwrap();
        let mut placed = 0;
        while placed < share && out.len() < n {
            let (lon, lat) = (
                rng.range(r.min().x, r.max().x),
                rng.range(r.min().y, r.max().y),
            );
            if communes.locate(lon, lat).is_some_and(|x| x.code == c.code) {
                let residents = 1 + rng.below(7) as u32;
                out.push(AddressCount {
                    lon,
                    lat,
                    commune: c.code.parse().unwrap(),
                    residents,
                    households: 1 + u32::from(residents > 5),
                });
                placed += 1;
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let data = addresses(1_000_000);
    let mut g = c.benchmark_group("population_1m");
    g.sample_size(10);
    g.bench_function("aggregate_h3_6_to_10_and_communes", |b| {
        b.iter(|| PopulationIndex::build(&data))
    });
    let mut index = PopulationIndex::build(&data);
    g.bench_function("public_view_k10", |b| {
        b.iter(|| PublicView::build(&index, PrivacyRule::default()))
    });
    // What bringing the aggregates up to date costs per changed house: taken out where it was
    // counted and counted again where it is (100 houses moved 50 m east, then back).
    let moved: Vec<(AddressCount, AddressCount)> = data
        .iter()
        .step_by(data.len() / 100)
        .map(|a| {
            (
                *a,
                AddressCount {
                    lon: a.lon + 0.0005,
                    ..*a
                },
            )
        })
        .collect();
    g.bench_function("recount_100_moved_houses", |b| {
        b.iter(|| {
            for (from, to) in &moved {
                index.remove(from);
                index.add(to);
            }
            for (from, to) in &moved {
                index.remove(to);
                index.add(from);
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
