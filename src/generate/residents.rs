//! Generated resident counts for generated houses: commune totals follow the communes'
//! populations in `data/` (scaled down when there are too few houses to hold them).

use std::collections::BTreeMap;

use super::{commune_weights, Rng};
use crate::code::LocationCode;
use crate::commune::CommuneIndex;
use crate::population::CountRow;

/// Average residents per household in the generated data (Vietnam's 2019 census: 3.5).
const PER_HOUSEHOLD: f64 = 3.5;
/// Most residents a generated house holds on average before totals are scaled down.
const MAX_AVERAGE_PER_HOUSE: f64 = 4.0;
/// Share of houses left empty.
const VACANT: f64 = 0.05;

/// Counts for `houses` (code, commune code): each commune's total is its population times one
/// province-wide scale (1 when the houses can hold everyone at up to 4 a house), split over
/// its occupied houses by random household sizes. Returns the rows (line numbers as in a file
/// with a header) and the scale used. Deterministic for a seed.
///
/// ```
/// use diachiso::commune::{load, CommuneIndex, HUNG_YEN_COMMUNES_GEOJSON};
/// use diachiso::code::LocationCode;
/// let communes = CommuneIndex::new(load(HUNG_YEN_COMMUNES_GEOJSON).unwrap());
/// let houses: Vec<(LocationCode, String)> = (0..200)
///     .map(|i| (LocationCode::from_payload(1000 + i).unwrap(), "11953".to_string()))
///     .collect();
/// let (rows, scale) = diachiso::generate::generate_residents(&houses, &communes, 7);
/// assert!(scale < 1.0); // 200 houses cannot hold a ward of 69,000
/// let total: u32 = rows.iter().map(|r| r.residents).sum();
/// assert!(total > 600 && total <= 800);
/// ```
pub fn generate_residents(
    houses: &[(LocationCode, String)], communes: &CommuneIndex, seed: u64,
) -> (Vec<CountRow>, f64) {
    let weights: BTreeMap<String, f64> = commune_weights(communes)
        .into_iter()
        .map(|w| (w.code, w.weight))
        .collect();
    let mut by_commune: BTreeMap<&str, Vec<LocationCode>> = BTreeMap::new();
    for (code, commune) in houses {
        by_commune.entry(commune.as_str()).or_default().push(*code);
    }
    let population: f64 = by_commune
        .keys()
        .map(|c| weights.get(*c).copied().unwrap_or(0.0))
        .sum();
    let scale = if population > 0.0 {
        (houses.len() as f64 * MAX_AVERAGE_PER_HOUSE / population).min(1.0)
    } else {
        0.0
    };
    let root = Rng::new(seed ^ 0x5e51_d3e7);
    let mut rows = Vec::with_capacity(houses.len());
    for (commune, codes) in by_commune {
        let mut rng = root.fork(commune.parse::<u64>().unwrap_or(0));
        let total = (weights.get(commune).copied().unwrap_or(0.0) * scale).round() as u64;
        let mut occupied: Vec<(LocationCode, f64)> = Vec::with_capacity(codes.len());
        for c in &codes {
            if rng.unit() < VACANT {
                continue;
            }
            let households = 1.0
                + f64::from(u8::from(rng.unit() < 0.15))
                + f64::from(u8::from(rng.unit() < 0.03));
            occupied.push((*c, households * rng.range(1.0, 2.0 * PER_HOUSEHOLD - 1.0)));
        }
        // Largest remainder: the commune's total is exact (no house when nobody lives here).
        let house_weights: Vec<f64> = occupied.iter().map(|o| o.1).collect();
        let shares = super::largest_remainder(total, &house_weights);
        for (&(code, _), residents) in occupied.iter().zip(shares) {
            let residents = residents.min(u64::from(crate::population::MAX_RESIDENTS)) as u32;
            let households = if residents == 0 {
                0
            } else {
                ((f64::from(residents) / PER_HOUSEHOLD).round() as u32).clamp(1, residents)
            };
            rows.push(CountRow {
                line: rows.len() + 2,
                code,
                residents,
                households,
            });
        }
    }
    (rows, scale)
}
