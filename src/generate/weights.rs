//! How many generated places each commune gets: by resident population.

use crate::commune::CommuneIndex;

/// Metadata of the Hưng Yên communes (population, flags), embedded.
const COMMUNES_CSV: &str = include_str!("../../data/hung-yen-2025/communes.csv");

/// A commune's share of the generated places.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneWeight {
    pub code: String,
    pub weight: f64,
}

/// Weights proportional to population, so wards (dense) get more places per km² than rural
/// communes. Populations flagged suspect in the source (zero, tiny, copied) and communes not in
/// the metadata (imported ones) get their area times the median density of their unit type.
/// The populations only shape generated data; they are never shown as facts.
pub fn commune_weights(communes: &CommuneIndex) -> Vec<CommuneWeight> {
    let mut population: std::collections::HashMap<&str, f64> = Default::default();
    for line in COMMUNES_CSV.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() > 7 && f[7] == "0" {
            if let Ok(p) = f[6].parse::<f64>() {
                population.insert(f[0], p);
            }
        }
    }
    let median_density = |unit_type: &str| -> f64 {
        let mut d: Vec<f64> = communes
            .all()
            .iter()
            .filter(|c| c.unit_type == unit_type && c.area_km2 > 0.0)
            .filter_map(|c| population.get(c.code.as_str()).map(|p| p / c.area_km2))
            .collect();
        d.sort_by(f64::total_cmp);
        d.get(d.len() / 2).copied().unwrap_or(1000.0)
    };
    let (ward, rural) = (median_density("Phường"), median_density("Xã"));
    communes
        .all()
        .iter()
        .map(|c| CommuneWeight {
            code: c.code.clone(),
            weight: population.get(c.code.as_str()).copied().unwrap_or_else(|| {
                c.area_km2
                    * if c.unit_type == "Phường" {
                        ward
                    } else {
                        rural
                    }
            }),
        })
        .collect()
}
