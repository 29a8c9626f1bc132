//! Location code: encode, decode, parse (criterion).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use diachiso::code::{decode, encode, LocationCode};

fn points(n: usize) -> Vec<[f64; 2]> {
    let mut rng = diachiso::generate::Rng::new(11);
    (0..n)
        .map(|_| [rng.range(102.0, 118.0), rng.range(6.0, 23.5)])
        .collect()
}

fn code(c: &mut Criterion) {
    let pts = points(1024);
    let codes: Vec<LocationCode> = pts.iter().map(|p| encode(p[0], p[1]).unwrap()).collect();
    let texts: Vec<String> = codes.iter().map(|c| c.grouped()).collect();
    let mut i = 0;
    c.bench_function("code/encode", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            encode(black_box(pts[i][0]), black_box(pts[i][1]))
        })
    });
    c.bench_function("code/decode", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            decode(black_box(codes[i]))
        })
    });
    c.bench_function("code/parse_grouped", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            black_box(&texts[i]).parse::<LocationCode>()
        })
    });
}

criterion_group!(benches, code);
criterion_main!(benches);
