//! Test helper: generates streets of several shapes in Hưng Yên (around
//! lon 106.05, lat 20.65) and houses beside them, deterministically.
//!
//! Everything is laid out in metres east/north of [`ORIGIN`] and converted to
//! `[lon, lat]` WGS84 degrees, the form the engine takes.

use super::local_frame::LocalFrame;
use super::number::HouseNumber;
use super::plan::Frontage;
use super::planar;

/// Near Phố Hiến, Hưng Yên: `[lon, lat]` degrees.
pub(crate) const ORIGIN: [f64; 2] = [106.05, 20.65];
/// [`ORIGIN`] in local metres.
pub(crate) const ORIGIN_EN: [f64; 2] = [0.0, 0.0];

fn frame() -> LocalFrame {
    LocalFrame::at(ORIGIN[0], ORIGIN[1])
}

/// Metres east/north of [`ORIGIN`] → `[lon, lat]`.
pub(crate) fn ll(en: [f64; 2]) -> [f64; 2] {
    frame().to_lonlat(en)
}

/// `[lon, lat]` → metres east/north of [`ORIGIN`].
pub(crate) fn en(ll: [f64; 2]) -> [f64; 2] {
    frame().to_local(ll)
}

/// The point `distance` metres from `start` towards `bearing` (degrees clockwise from north).
pub(crate) fn towards(start: [f64; 2], bearing: f64, distance: f64) -> [f64; 2] {
    let b = bearing.to_radians();
    [start[0] + distance * b.sin(), start[1] + distance * b.cos()]
}

/// A straight street drawn from `start` (metres) towards `bearing` for
/// `length` metres, with a vertex every 50 m so the R-tree holds many segments.
pub(crate) fn straight(start: [f64; 2], bearing: f64, length: f64) -> Vec<[f64; 2]> {
    let n = (length / 50.0).ceil().max(1.0) as usize;
    (0..=n)
        .map(|i| ll(towards(start, bearing, length * i as f64 / n as f64)))
        .collect()
}

/// An arc of radius `radius` around `centre`, drawn from bearing `from` to
/// bearing `to` (degrees; increasing = clockwise) with `n` segments.
pub(crate) fn arc(centre: [f64; 2], radius: f64, from: f64, to: f64, n: usize) -> Vec<[f64; 2]> {
    (0..=n)
        .map(|i| {
            ll(towards(
                centre,
                from + (to - from) * i as f64 / n as f64,
                radius,
            ))
        })
        .collect()
}

/// A closed ring (last vertex = first) of `n` segments, drawn clockwise or not.
pub(crate) fn ring(centre: [f64; 2], radius: f64, n: usize, clockwise: bool) -> Vec<[f64; 2]> {
    let sweep = if clockwise { 360.0 } else { -360.0 };
    let mut pts = arc(centre, radius, 0.0, sweep, n);
    pts[n] = pts[0];
    pts
}

/// The point at `chainage` metres along the DRAWN polyline, moved `left`
/// metres to the left of the drawn direction (negative = right).
pub(crate) fn beside(coords: &[[f64; 2]], chainage: f64, left: f64) -> [f64; 2] {
    let pts: Vec<[f64; 2]> = coords.iter().map(|p| en(*p)).collect();
    let mut remaining = chainage;
    for (i, w) in pts.windows(2).enumerate() {
        let d = planar::sub(w[0], w[1]);
        let len = planar::dot(d, d).sqrt();
        if remaining <= len || i == pts.len() - 2 {
            let t = [d[0] / len, d[1] / len];
            let normal_left = [-t[1], t[0]];
            return ll([
                w[0][0] + t[0] * remaining + normal_left[0] * left,
                w[0][1] + t[1] * remaining + normal_left[1] * left,
            ]);
        }
        remaining -= len;
    }
    unreachable!("a street has at least one segment")
}

/// `count` houses `id_prefix1, id_prefix2…` beside the drawn polyline, the
/// first at `first` metres, then every `spacing` metres, `left` metres to the
/// left of the drawn direction (negative = right); none numbered.
pub(crate) fn houses(
    coords: &[[f64; 2]], id_prefix: &str, first: f64, spacing: f64, count: usize, left: f64,
) -> Vec<Frontage> {
    (0..count)
        .map(|i| {
            frontage(
                &format!("{id_prefix}{}", i + 1),
                beside(coords, first + spacing * i as f64, left),
                None,
            )
        })
        .collect()
}

/// One frontage at `p` (`[lon, lat]`).
pub(crate) fn frontage(id: &str, p: [f64; 2], existing: Option<&str>) -> Frontage {
    Frontage {
        id: id.to_string(),
        lon: p[0],
        lat: p[1],
        existing: existing.map(|s| s.parse::<HouseNumber>().unwrap()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beside_walks_the_drawn_line() {
        let s = straight(ORIGIN_EN, 90.0, 200.0); // drawn eastwards
        let p = en(beside(&s, 120.0, 10.0));
        // Left of "eastwards" is north.
        assert!(
            (p[0] - 120.0).abs() < 1e-6 && (p[1] - 10.0).abs() < 1e-6,
            "{p:?}"
        );
    }

    #[test]
    fn ring_is_closed() {
        let r = ring(ORIGIN_EN, 50.0, 8, true);
        assert_eq!(r.first(), r.last());
    }
}
