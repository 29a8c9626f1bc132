//! House-numbering engine (Circular 08/2024/TT-BXD), criterion: one street of 1 km, curved,
//! with 200 frontages, numbered afresh, in keep mode with infill, and in keep mode with a new
//! house before the first number (the worst case: the whole side is renumbered); the line's
//! construction and projections; the direction rule.
//!
//! Every input is generated deterministically here (no random numbers): an S-shaped street
//! near Phố Hiến drawn as 100 segments of 10 m, and houses every 10 m on each side, 8–15 m
//! from the line.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use diachiso::numbering::{
    choose_direction, number_street, Direction, DirectionHint, Frontage, NumberingOutcome, Rules,
    StreetLine,
};

/// Near Phố Hiến, Hưng Yên: `[lon, lat]` degrees.
const ORIGIN: [f64; 2] = [106.05, 20.65];
/// Metres per degree of latitude (mean Earth radius).
const M_PER_DEG_LAT: f64 = 111_195.08;

/// Local metres (x east, y north) around [`ORIGIN`] → `[lon, lat]`.
fn ll(p: [f64; 2]) -> [f64; 2] {
    let m_per_deg_lon = M_PER_DEG_LAT * ORIGIN[1].to_radians().cos();
    [
        ORIGIN[0] + p[0] / m_per_deg_lon,
        ORIGIN[1] + p[1] / M_PER_DEG_LAT,
    ]
}

/// The street in local metres: 100 segments of 10 m (1 km), starting south-west and heading
/// roughly north-east with the heading swinging ±40° (an S-curve), so the direction rule has
/// to reverse it and projections meet bends.
fn street_local() -> Vec<[f64; 2]> {
    let mut at = [0.0, 0.0];
    let mut pts = vec![at];
    for i in 0..100 {
        let bearing = (45.0 + 40.0 * (i as f64 / 100.0 * std::f64::consts::TAU).sin()).to_radians();
        at = [at[0] + 10.0 * bearing.sin(), at[1] + 10.0 * bearing.cos()];
        pts.push(at);
    }
    pts
}

/// The point `chainage` metres along the drawn local line, `left` metres to its left
/// (negative = right).
fn beside(line: &[[f64; 2]], chainage: f64, left: f64) -> [f64; 2] {
    let mut remaining = chainage;
    for (i, w) in line.windows(2).enumerate() {
        let (dx, dy) = (w[1][0] - w[0][0], w[1][1] - w[0][1]);
        let len = (dx * dx + dy * dy).sqrt();
        if remaining <= len || i == line.len() - 2 {
            let (tx, ty) = (dx / len, dy / len);
            return [
                w[0][0] + tx * remaining - ty * left,
                w[0][1] + ty * remaining + tx * left,
            ];
        }
        remaining -= len;
    }
    unreachable!("the street has segments")
}

/// 200 frontages, none numbered: house `k` at `5 + 5k` metres along the drawn line, on the left
/// for even `k` and on the right for odd `k` (so 100 per side, 10 m apart), 8–15 m from the line.
fn frontages(line: &[[f64; 2]]) -> Vec<Frontage> {
    (0..200)
        .map(|k| {
            let offset = 8.0 + (k * 7 % 8) as f64;
            let left = if k % 2 == 0 { offset } else { -offset };
            let p = ll(beside(line, 5.0 + 5.0 * k as f64, left));
            Frontage {
                id: format!("h{k:03}"),
                lon: p[0],
                lat: p[1],
                existing: None,
            }
        })
        .collect()
}

/// `frontages` with the houses `k` for which `old(k)` holds numbered as a fresh numbering of
/// those houses alone would number them; the others without a number.
fn half_numbered(
    line: &StreetLine, frontages: &[Frontage], old: impl Fn(usize) -> bool,
) -> Vec<Frontage> {
    let numbered: Vec<Frontage> = frontages
        .iter()
        .enumerate()
        .filter(|(k, _)| old(*k))
        .map(|(_, f)| f.clone())
        .collect();
    let numbers = number_street(line, &numbered, &Rules::default()).expect("numbering");
    frontages
        .iter()
        .map(|f| Frontage {
            existing: numbers.number_of(&f.id),
            ..f.clone()
        })
        .collect()
}

/// How many houses got each reason, by reason code.
fn reasons(outcome: &NumberingOutcome) -> Vec<(&'static str, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for a in &outcome.assignments {
        *counts.entry(a.reason.code()).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

fn numbering(c: &mut Criterion) {
    let local = street_local();
    let coords: Vec<[f64; 2]> = local.iter().copied().map(ll).collect();
    let (line, rule) = StreetLine::from_hint(&coords, &DirectionHint::Auto).expect("line");
    assert!(
        (line.length_m() - 1000.0).abs() < 1.0,
        "{}",
        line.length_m()
    );
    assert_eq!(line.direction(), Direction::Reverse, "{rule:?}");
    let fresh = frontages(&local);
    let rules = Rules::default();

    // Keep mode: every other house of each side (100 in all) already carries the number a
    // fresh numbering of those 100 gives (1, 3, 5… and 2, 4, 6…, no gaps); the 100 others are
    // new. The street is numbered against its drawn order, so the old houses are chosen to
    // include the first house of each side in numbering order: 98 new houses then fall
    // between two numbered houses and take the smaller neighbour's number with a suffix (1A,
    // 3A…), and the last new house of each side continues after the last number.
    let mixed = half_numbered(&line, &fresh, |k| k % 4 >= 2);
    let check = number_street(&line, &mixed, &rules).expect("numbering");
    assert_eq!(
        reasons(&check),
        [("extension", 2), ("infill", 98), ("kept", 100)],
        "infill case"
    );
    // The other half numbered instead: now a new house stands before number 1 (and 2). With
    // no free number below it, 1 is released for it, then 3 for the two houses before it, and
    // so on: the whole side is renumbered (made_room_at_start), one release per pass.
    let cascade = half_numbered(&line, &fresh, |k| k % 4 < 2);
    let check = number_street(&line, &cascade, &rules).expect("numbering");
    assert_eq!(
        reasons(&check),
        [("made_room_at_start", 100), ("sequence", 100)],
        "cascade case"
    );

    let mut group = c.benchmark_group("numbering");
    group.bench_function("number_street_1km_200_fresh", |b| {
        b.iter(|| {
            number_street(black_box(&line), black_box(&fresh), &rules).map(|o| o.reserved.len())
        })
    });
    group.bench_function("number_street_1km_200_keep_half_infill", |b| {
        b.iter(|| {
            number_street(black_box(&line), black_box(&mixed), &rules).map(|o| o.reserved.len())
        })
    });
    group.bench_function("number_street_1km_200_keep_half_new_house_at_start", |b| {
        b.iter(|| {
            number_street(black_box(&line), black_box(&cascade), &rules).map(|o| o.reserved.len())
        })
    });
    group.bench_function("street_line_new_and_200_projections", |b| {
        b.iter(|| {
            let line = StreetLine::new(black_box(&coords), Direction::Reverse).expect("line");
            fresh
                .iter()
                .map(|f| line.project(f.lon, f.lat).chainage_m)
                .sum::<f64>()
        })
    });
    group.bench_function("choose_direction_1km_101_vertices", |b| {
        b.iter(|| choose_direction(black_box(&coords), &DirectionHint::Auto))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = numbering
}
criterion_main!(benches);
