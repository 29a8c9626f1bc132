//! Reading commune boundaries from GeoJSON.

use geo::orient::{Direction, Orient};
use geo::{GeodesicArea, MultiPolygon, Polygon};
use geojson::{FeatureCollection, GeoJson, GeometryValue};

use super::{is_commune_code, AdminUnits, Commune};

/// The 104 communes of Hưng Yên (2025), embedded from `data/hung-yen-2025/communes.geojson`.
pub const HUNG_YEN_COMMUNES_GEOJSON: &str =
    include_str!("../../data/hung-yen-2025/communes.geojson");

/// Why a commune file was refused. Nothing is loaded when any feature is bad.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("not a GeoJSON FeatureCollection: {0}")]
    NotGeoJson(String),
    #[error("feature {index}: {message}")]
    Feature { index: usize, message: String },
    #[error("commune code {0} appears more than once")]
    Duplicate(String),
}

/// Parses a GeoJSON FeatureCollection of commune boundaries.
///
/// Each feature needs a Polygon or MultiPolygon geometry (lon/lat, CRS84) and the properties
/// `code` (5 digits) and `name`; `fullName` is optional. The province and the unit type come
/// from the national list of units; a code missing from it must carry `province_code`,
/// `province_name` and `unit_type` properties.
pub fn load(geojson: &str) -> Result<Vec<Commune>, LoadError> {
    let fc = parse_feature_collection(geojson)?;
    let units = AdminUnits::national();
    let mut seen = std::collections::HashSet::new();
    let mut communes = Vec::with_capacity(fc.features.len());
    for (index, feature) in fc.features.into_iter().enumerate() {
        let err = |message: String| LoadError::Feature { index, message };
        let prop = |name: &str| -> Option<String> {
            feature
                .property(name)
                .and_then(|v| v.as_str())
                .map(crate::text::normalize_name)
                .filter(|s| !s.is_empty())
        };
        let code = prop("code").ok_or_else(|| err("no `code` property".into()))?;
        if !is_commune_code(&code) {
            return Err(err(format!(
                "`code` {code:?} is not a 5-digit commune code"
            )));
        }
        let name = prop("name").ok_or_else(|| err("no `name` property".into()))?;
        let unit = units.get(&code);
        let (province_code, province_name, unit_type) = match unit {
            Some(u) => (
                u.province_code.clone(),
                u.province_name.clone(),
                u.commune_type.clone(),
            ),
            None => (
                prop("province_code").ok_or_else(|| {
                    err(format!(
                        "code {code} is not in the national list and has no `province_code`"
                    ))
                })?,
                prop("province_name").unwrap_or_default(),
                prop("unit_type").unwrap_or_else(|| "Xã".into()),
            ),
        };
        let full_name = prop("fullName")
            .or_else(|| unit.map(|u| u.commune_full_name.clone()))
            .unwrap_or_else(|| format!("{unit_type} {name}"));
        let boundary = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(v @ GeometryValue::MultiPolygon { .. }) => MultiPolygon::<f64>::try_from(v),
            Some(v @ GeometryValue::Polygon { .. }) => {
                Polygon::<f64>::try_from(v).map(|p| MultiPolygon(vec![p]))
            }
            _ => return Err(err("geometry must be a Polygon or MultiPolygon".into())),
        }
        .map_err(|e| err(format!("bad geometry: {e}")))?
        // RFC 7946 winding (exterior counter-clockwise); the geodesic area needs it too.
        .orient(Direction::Default);
        if !boundary
            .0
            .iter()
            .flat_map(|p| p.exterior().coords())
            .all(|c| c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
        {
            return Err(err("coordinates must be lon/lat degrees".into()));
        }
        if !seen.insert(code.clone()) {
            return Err(LoadError::Duplicate(code));
        }
        let area_km2 = boundary.geodesic_area_unsigned() / 1e6;
        communes.push(Commune {
            code,
            name,
            full_name,
            unit_type,
            province_code,
            province_name,
            area_km2,
            boundary,
        });
    }
    Ok(communes)
}

/// Parses text as a GeoJSON FeatureCollection.
pub fn parse_feature_collection(geojson: &str) -> Result<FeatureCollection, LoadError> {
    match geojson.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Ok(fc),
        Ok(_) => Err(LoadError::NotGeoJson(
            "the top level is not a FeatureCollection".into(),
        )),
        Err(e) => Err(LoadError::NotGeoJson(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hung_yen_has_104_communes_whose_areas_add_up_to_the_province() {
        let communes = load(HUNG_YEN_COMMUNES_GEOJSON).unwrap();
        assert_eq!(communes.len(), 104);
        assert!(communes.iter().all(|c| c.province_code == "33"));
        assert_eq!(
            communes.iter().filter(|c| c.unit_type == "Phường").count(),
            11
        );
        let total: f64 = communes.iter().map(|c| c.area_km2).sum();
        // The official area is 2,514.81 km²; the boundaries are a cartographic product whose
        // geodesic area comes out 2.4 % larger (2,574 km²), so a 3 % band catches a wrong
        // winding (which gives the area of the rest of the Earth) or a dropped polygon.
        assert!(
            (total - 2514.81).abs() / 2514.81 < 0.03,
            "total area {total} km²"
        );
    }

    #[test]
    fn refuses_a_feature_without_a_code() {
        let bad = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},
            "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        assert!(matches!(
            load(bad),
            Err(LoadError::Feature { index: 0, .. })
        ));
    }
}
