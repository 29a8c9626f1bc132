//! Communes (xã, phường, đặc khu): the level below the province since 1 July 2025.
//!
//! [`Commune`] is the record; [`CommuneIndex`] answers "which commune contains this point"
//! through an R-tree over polygon envelopes followed by an exact test; [`load`] reads a GeoJSON
//! FeatureCollection of boundaries and names each commune's province from the national list
//! of administrative units shipped in `data/`.

mod admin_units;
mod index;
mod load;

pub use admin_units::{AdminUnit, AdminUnits};
pub use index::CommuneIndex;
pub use load::{load, parse_feature_collection, LoadError, HUNG_YEN_COMMUNES_GEOJSON};

use geo::MultiPolygon;

/// A commune-level administrative unit with its boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    /// Official 5-digit code, e.g. `"11953"` (Phường Phố Hiến).
    pub code: String,
    /// Short name, e.g. `"Phố Hiến"`.
    pub name: String,
    /// Full name with the unit type, e.g. `"Phường Phố Hiến"`.
    pub full_name: String,
    /// `"Xã"`, `"Phường"` or `"Đặc khu"`.
    pub unit_type: String,
    /// Official 2-digit province code, e.g. `"33"` for Hưng Yên.
    pub province_code: String,
    /// Province name, e.g. `"Tỉnh Hưng Yên"`.
    pub province_name: String,
    /// Geodesic area of the boundary in km² (WGS84 ellipsoid).
    pub area_km2: f64,
    /// Boundary, lon/lat degrees (CRS84).
    pub boundary: MultiPolygon<f64>,
}

impl Commune {
    /// The commune as a GeoJSON Feature (its boundary; area rounded to 0.01 km²).
    pub fn feature(&self) -> serde_json::Value {
        serde_json::json!({
            "type": "Feature",
            "id": self.code,
            "geometry": geojson::GeometryValue::from(&self.boundary),
            "properties": {
                "code": self.code, "name": self.name, "full_name": self.full_name,
                "unit_type": self.unit_type, "province_code": self.province_code,
                "province_name": self.province_name,
                "area_km2": (self.area_km2 * 100.0).round() / 100.0,
            }
        })
    }
}

/// Whether `s` is an official 5-digit commune code.
///
/// ```
/// assert!(diachiso::commune::is_commune_code("11953"));
/// assert!(!diachiso::commune::is_commune_code("1195"));
/// assert!(!diachiso::commune::is_commune_code("1195x"));
/// ```
pub fn is_commune_code(s: &str) -> bool {
    s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit())
}
