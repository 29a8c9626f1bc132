//! The generator of labelled demo and test data: streets, houses along both sides and places
//! of every kind, inside the real commune boundaries, dense where people live.
//!
//! No real street or building data exists for Hưng Yên in this project, so everything the
//! tests, demos and benchmarks use comes from here, and every record carries
//! `generated: true`. The output is deterministic for a seed (own SplitMix64, no dependence on
//! a crate's PRNG algorithm), and each commune has its own sub-stream, so its data does not
//! change when another commune's does.

mod addresses;
mod names;
mod residents;
mod rng;
mod weights;

pub use addresses::{write_address, HouseParts, Way};
pub use residents::generate_residents;
pub use rng::Rng;
pub use weights::{commune_weights, CommuneWeight};

use serde_json::{json, Value};

use crate::commune::{Commune, CommuneIndex};
use crate::place::PlaceKind;

/// A generated street: a line string inside one commune.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedStreet {
    /// Stable id, `G{commune}-{n}`.
    pub id: String,
    /// Name without the type, e.g. `"Lê Lợi"`.
    pub name: String,
    /// `"phố"` (urban) or `"đường"`.
    pub street_type: &'static str,
    pub commune_code: String,
    /// Vertices, lon/lat degrees, in the direction of generation.
    pub line: Vec<[f64; 2]>,
}

impl GeneratedStreet {
    /// The street as it is written in an address, e.g. `"phố Lê Lợi"`.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.street_type, self.name)
    }

    /// The street as a GeoJSON Feature (LineString), labelled generated.
    pub fn feature(&self) -> Value {
        let properties = json!({
            "street_id": self.id, "name": self.full_name(), "street_type": self.street_type,
            "commune_code": self.commune_code, "generated": true,
        });
        crate::street::line_feature(&self.id, &self.line, properties)
    }
}

/// What a run produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub places: usize,
    pub streets: usize,
    pub by_kind: std::collections::BTreeMap<&'static str, usize>,
}

/// Metres per degree of latitude and of longitude at a latitude (WGS84, good to 0.1 %).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let phi = lat.to_radians();
    (
        111_132.92 - 559.82 * (2.0 * phi).cos(),
        111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos(),
    )
}

/// Moves a lon/lat point by metres east and north.
fn offset(p: [f64; 2], east_m: f64, north_m: f64) -> [f64; 2] {
    let (m_lat, m_lon) = metres_per_degree(p[1]);
    [p[0] + east_m / m_lon, p[1] + north_m / m_lat]
}

/// Generates `places` places over the communes (shares by [`commune_weights`]), calling
/// `on_street` for each street and `on_place` for each place Feature, in a deterministic order.
///
/// ```
/// use diachiso::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
/// let index = CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap());
/// let mut places = Vec::new();
/// let summary = diachiso::generate::generate::<()>(&index, 300, 42, |_| Ok(()), |p| {
///     places.push(p);
///     Ok(())
/// }).unwrap();
/// assert_eq!(summary.places, 300);
/// assert!(places.iter().all(|p| p["properties"]["generated"] == true));
/// ```
pub fn generate<E>(
    communes: &CommuneIndex, places: usize, seed: u64,
    mut on_street: impl FnMut(&GeneratedStreet) -> Result<(), E>,
    mut on_place: impl FnMut(Value) -> Result<(), E>,
) -> Result<Summary, E> {
    let root = Rng::new(seed);
    let mut summary = Summary::default();
    for share in allocate(&commune_weights(communes), places) {
        let Some(commune) = communes.get(&share.0) else {
            continue;
        };
        let mut rng = root.fork(share.0.parse::<u64>().unwrap_or(0));
        CommuneGenerator::new(commune, communes, &mut rng).run(
            share.1,
            &mut rng,
            &mut summary,
            &mut on_street,
            &mut on_place,
        )?;
    }
    Ok(summary)
}

/// Splits `total` over the communes' weights (exact total).
fn allocate(weights: &[CommuneWeight], total: usize) -> Vec<(String, usize)> {
    let parts = largest_remainder(
        total as u64,
        &weights.iter().map(|w| w.weight).collect::<Vec<_>>(),
    );
    weights
        .iter()
        .zip(parts)
        .map(|(w, n)| (w.code.clone(), n as usize))
        .collect()
}

/// Splits `total` in proportion to `weights` by the largest-remainder method: whole parts that
/// add up to `total` exactly, the largest remainders (the earlier of equal ones) rounded up.
/// Nothing when the weights add up to nothing.
pub(crate) fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return Vec::new();
    }
    let mut shares: Vec<(u64, f64)> = weights
        .iter()
        .map(|w| {
            let exact = total as f64 * w / sum;
            (exact.floor() as u64, exact - exact.floor())
        })
        .collect();
    let mut left = total - shares.iter().map(|s| s.0).sum::<u64>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].1.total_cmp(&shares[a].1).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        shares[i].0 += 1;
        left -= 1;
    }
    shares.into_iter().map(|s| s.0).collect()
}

struct CommuneGenerator<'a> {
    commune: &'a Commune,
    index: &'a CommuneIndex,
    bbox: [f64; 4],
    urban: bool,
    street_names: Vec<&'static str>,
    streets: usize,
}

impl<'a> CommuneGenerator<'a> {
    fn new(commune: &'a Commune, index: &'a CommuneIndex, rng: &mut Rng) -> Self {
        use geo::BoundingRect;
        let r = commune.boundary.bounding_rect();
        let bbox = r.map_or([0.0; 4], |r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        let mut street_names: Vec<&'static str> = names::STREET_NAMES.to_vec();
        // Shuffle (Fisher–Yates) so each commune uses its own selection of names.
        for i in (1..street_names.len()).rev() {
            let j = rng.below(i + 1);
            street_names.swap(i, j);
        }
        CommuneGenerator {
            commune,
            index,
            bbox,
            urban: commune.unit_type == "Phường",
            street_names,
            streets: 0,
        }
    }

    fn inside(&self, p: [f64; 2]) -> bool {
        self.index
            .locate(p[0], p[1])
            .is_some_and(|c| c.code == self.commune.code)
    }

    /// A random point inside the commune (rejection sampling in its bounding box).
    fn random_point(&self, rng: &mut Rng) -> Option<[f64; 2]> {
        (0..10_000)
            .map(|_| {
                [
                    rng.range(self.bbox[0], self.bbox[2]),
                    rng.range(self.bbox[1], self.bbox[3]),
                ]
            })
            .find(|p| self.inside(*p))
    }

    /// A street of 2–4 segments of 120–400 m, mostly along the cardinal directions, cut where
    /// it would leave the commune.
    fn street(&mut self, rng: &mut Rng) -> Option<GeneratedStreet> {
        for _ in 0..30 {
            let start = self.random_point(rng)?;
            let mut bearing = (rng.below(4) as f64) * 90.0 + rng.range(-20.0, 20.0);
            let mut line = vec![start];
            for _ in 0..2 + rng.below(3) {
                let length = rng.range(120.0, 400.0);
                let (s, c) = bearing.to_radians().sin_cos();
                let next = offset(*line.last()?, length * s, length * c);
                if !self.inside(next) {
                    break;
                }
                line.push(next);
                bearing += rng.range(-25.0, 25.0);
            }
            if line.len() >= 2 {
                let n = self.streets;
                self.streets += 1;
                let name = match self.street_names.get(n) {
                    Some(name) => (*name).to_owned(),
                    None => format!("Liên thôn {}", n + 1 - self.street_names.len()),
                };
                let street_type = if self.urban && rng.unit() < 0.6 {
                    "phố"
                } else {
                    "đường"
                };
                return Some(GeneratedStreet {
                    id: format!("G{}-{:03}", self.commune.code, n + 1),
                    name,
                    street_type,
                    commune_code: self.commune.code.clone(),
                    line,
                });
            }
        }
        None
    }

    fn run<E>(
        mut self, mut remaining: usize, rng: &mut Rng, summary: &mut Summary,
        on_street: &mut impl FnMut(&GeneratedStreet) -> Result<(), E>,
        on_place: &mut impl FnMut(Value) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut failures = 0;
        while remaining > 0 && failures < 50 {
            let Some(street) = self.street(rng) else {
                failures += 1;
                continue;
            };
            on_street(&street)?;
            summary.streets += 1;
            let hamlet = if self.urban {
                format!("Tổ dân phố {}", 1 + rng.below(15))
            } else {
                format!("Thôn {}", 1 + rng.below(12))
            };
            let before = remaining;
            for (side, number, point) in frontage(&street.line, rng) {
                if remaining == 0 {
                    break;
                }
                if !self.inside(point) {
                    continue;
                }
                let kind = pick_kind(rng);
                let feature = self.place(kind, number, side, point, &street, &hamlet, rng);
                on_place(feature)?;
                *summary.by_kind.entry(kind.as_str()).or_default() += 1;
                summary.places += 1;
                remaining -= 1;
            }
            if remaining == before {
                failures += 1;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn place(
        &self, kind: PlaceKind, number: u32, _side: Side, point: [f64; 2],
        street: &GeneratedStreet, hamlet: &str, rng: &mut Rng,
    ) -> Value {
        let street_name = street.full_name();
        let commune = &self.commune.name;
        let trade = rng.pick(&names::TRADE_NAMES);
        let name = match kind {
            PlaceKind::House => format!("Nhà {number} {street_name}"),
            PlaceKind::Business => format!("{} {trade} số {number}", rng.pick(&names::BUSINESSES)),
            PlaceKind::PublicBuilding => format!(
                "{} {commune} số {number}",
                rng.pick(&names::PUBLIC_BUILDINGS)
            ),
            PlaceKind::GovernmentOffice => {
                format!("Trụ sở {} (cơ sở {number})", self.commune.full_name)
            }
            PlaceKind::TouristSite => format!("{} {trade} {commune}", rng.pick(&names::TOURIST)),
            PlaceKind::BusStation => format!("Điểm dừng xe buýt {street_name} số {number}"),
            PlaceKind::ParkingLot => format!("Bãi đỗ xe {street_name} số {number}"),
            PlaceKind::ReligiousSite => {
                format!("{} {} {hamlet}", rng.pick(&names::RELIGIOUS), commune)
            }
            PlaceKind::CommunityPoint => {
                format!("Nhà văn hóa {hamlet} ({street_name} số {number})")
            }
            PlaceKind::Other => format!("{} {street_name} số {number}", rng.pick(&names::OTHER)),
        };
        let attributes = match kind {
            PlaceKind::ParkingLot => json!({"capacity": {
                "motorbike": 50 + 10 * rng.below(30), "car": 5 * rng.below(20), "bus": rng.below(3)
            }, "opening_hours": "06:00-22:00"}),
            PlaceKind::Business => json!({"opening_hours": "07:00-21:00"}),
            _ => json!({}),
        };
        json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round7(point[0]), round7(point[1])]},
            "properties": {
                "kind": kind.as_str(),
                "name": name,
                "address": {"house_number": number.to_string(), "street": street_name, "hamlet": hamlet},
                "attributes": attributes,
                "generated": true,
            }
        })
    }
}

/// Rounds degrees to 7 decimals (about 1 cm), as survey data would be.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// Which side of the street, facing the direction of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// Frontage slots along a line: every 12–20 m a house on each side, 8 m from the centre line;
/// odd numbers on the left, even on the right, from the start (the Circular 08 convention).
fn frontage(line: &[[f64; 2]], rng: &mut Rng) -> Vec<(Side, u32, [f64; 2])> {
    let mut slots = Vec::new();
    let mut step = 0u32;
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (m_lat, m_lon) = metres_per_degree(a[1]);
        let (dx, dy) = ((b[0] - a[0]) * m_lon, (b[1] - a[1]) * m_lat);
        let length = (dx * dx + dy * dy).sqrt();
        if length < 1.0 {
            continue;
        }
        let (ux, uy) = (dx / length, dy / length);
        let mut s = rng.range(6.0, 12.0);
        while s < length {
            let centre = offset(a, ux * s, uy * s);
            // Left of the direction of travel is the direction rotated +90°.
            slots.push((
                Side::Left,
                2 * step + 1,
                offset(centre, -uy * 8.0, ux * 8.0),
            ));
            slots.push((
                Side::Right,
                2 * step + 2,
                offset(centre, uy * 8.0, -ux * 8.0),
            ));
            step += 1;
            s += rng.range(12.0, 20.0);
        }
    }
    slots
}

/// 85 % houses; the rest spread over the other kinds by plausible frequency.
fn pick_kind(rng: &mut Rng) -> PlaceKind {
    const KINDS: [(PlaceKind, u32); 10] = [
        (PlaceKind::House, 850),
        (PlaceKind::Business, 60),
        (PlaceKind::PublicBuilding, 12),
        (PlaceKind::GovernmentOffice, 4),
        (PlaceKind::TouristSite, 4),
        (PlaceKind::BusStation, 3),
        (PlaceKind::ParkingLot, 12),
        (PlaceKind::ReligiousSite, 20),
        (PlaceKind::CommunityPoint, 20),
        (PlaceKind::Other, 15),
    ];
    let weights: Vec<u32> = KINDS.iter().map(|k| k.1).collect();
    KINDS[rng.weighted(&weights)].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commune::{load, HUNG_YEN_COMMUNES_GEOJSON};

    fn index() -> CommuneIndex {
        CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap())
    }

    fn run(index: &CommuneIndex, n: usize, seed: u64) -> (Vec<GeneratedStreet>, Vec<Value>) {
        let (mut streets, mut places) = (Vec::new(), Vec::new());
        generate::<()>(
            index,
            n,
            seed,
            |s| {
                streets.push(s.clone());
                Ok(())
            },
            |p| {
                places.push(p);
                Ok(())
            },
        )
        .unwrap();
        (streets, places)
    }

    #[test]
    fn deterministic_labelled_and_inside_the_communes() {
        let index = index();
        let (streets, places) = run(&index, 2000, 7);
        assert_eq!(places.len(), 2000);
        assert_eq!(run(&index, 2000, 7).1, places, "same seed, same data");
        assert_ne!(run(&index, 2000, 8).1, places);
        for p in &places {
            assert_eq!(p["properties"]["generated"], true);
            let c = p["geometry"]["coordinates"].as_array().unwrap();
            let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                index.locate(lon, lat).is_some(),
                "{lon},{lat} outside every commune"
            );
            assert!(crate::place::PlaceDraft::from_feature(p).is_ok(), "{p}");
        }
        assert!(streets.iter().all(|s| s.line.len() >= 2));
        let kinds: std::collections::HashSet<&str> = places
            .iter()
            .map(|p| p["properties"]["kind"].as_str().unwrap())
            .collect();
        assert!(kinds.len() >= 8, "{kinds:?}");
    }

    #[test]
    fn wards_are_denser_than_rural_communes() {
        let index = index();
        let (_, places) = run(&index, 20_000, 1);
        let mut count: std::collections::HashMap<String, usize> = Default::default();
        for p in &places {
            let c = p["geometry"]["coordinates"].as_array().unwrap();
            let commune = index
                .locate(c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
                .unwrap();
            *count.entry(commune.code.clone()).or_default() += 1;
        }
        let density = |urban: bool| {
            let (n, area) = index
                .all()
                .iter()
                .filter(|c| (c.unit_type == "Phường") == urban)
                .fold((0.0, 0.0), |(n, a), c| {
                    (n + *count.get(&c.code).unwrap_or(&0) as f64, a + c.area_km2)
                });
            n / area
        };
        // Wards are denser, in the proportion of the population densities that weight them.
        let weights = commune_weights(&index);
        let weight_density = |urban: bool| {
            let (w, area) = index
                .all()
                .iter()
                .zip(&weights)
                .filter(|(c, _)| (c.unit_type == "Phường") == urban)
                .fold((0.0, 0.0), |(w, a), (c, cw)| {
                    (w + cw.weight, a + c.area_km2)
                });
            w / area
        };
        let got = density(true) / density(false);
        let want = weight_density(true) / weight_density(false);
        assert!(
            got > 1.3,
            "wards {} vs communes {} places/km²",
            density(true),
            density(false)
        );
        assert!(
            (got / want - 1.0).abs() < 0.1,
            "density ratio {got}, population ratio {want}"
        );
    }

    #[test]
    fn odd_numbers_left_even_right() {
        let mut rng = Rng::new(3);
        let line = [[106.05, 20.65], [106.05, 20.66]]; // northwards
        let slots = frontage(&line, &mut rng);
        for (side, number, p) in slots {
            assert_eq!(number % 2 == 1, side == Side::Left);
            // Facing north, left is west.
            assert_eq!(p[0] < 106.05, side == Side::Left);
        }
    }

    #[test]
    fn allocation_is_exact() {
        let w = vec![
            CommuneWeight {
                code: "1".into(),
                weight: 1.0,
            },
            CommuneWeight {
                code: "2".into(),
                weight: 1.0,
            },
            CommuneWeight {
                code: "3".into(),
                weight: 1.0,
            },
        ];
        let shares = allocate(&w, 10);
        assert_eq!(shares.iter().map(|s| s.1).sum::<usize>(), 10);
        assert!(shares.iter().all(|s| s.1 == 3 || s.1 == 4));
    }
}
