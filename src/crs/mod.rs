//! Coordinate reference systems of the files surveyors and GIS staff exchange: WGS 84 (the
//! registry's own, CRS84 lon/lat) and VN-2000 — geographic (EPSG:4756), the TM-3 zones
//! (EPSG:9205–9218; Hưng Yên's is EPSG:9209, central meridian 105°30′) and UTM 48N/49N
//! (EPSG:3405/3406).
//!
//! VN-2000 ↔ WGS 84 is the national 7-parameter transformation of Decision 05/2007/QĐ-BTNMT
//! (EPSG:6960), applied as PROJ does: on geocentric coordinates of the WGS 84 ellipsoid (which
//! VN-2000 also uses), in the position-vector convention, linearised rotations, the height
//! left as it was. The decision publishes its rotations with the opposite (coordinate-frame)
//! sign; copied as they stand they move points about 0.7 m. Projections are Krüger's series to
//! the sixth order (Karney 2011), exact to a few nanometres within the zones. Compared with
//! PROJ on a fixture of points across Vietnam (`tests/data/vn2000-proj.csv`).
//!
//! Surveyors write **X for the northing and Y for the easting**; here `x` is always the
//! easting (or longitude) and `y` the northing (or latitude), as GIS software does.

mod helmert;
mod tmerc;

use std::fmt;

/// A coordinate reference system the registry reads and writes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Crs {
    /// WGS 84 longitude, latitude (OGC CRS84; EPSG:4326 with lon/lat order).
    Crs84,
    /// VN-2000 geographic, longitude and latitude in degrees (EPSG:4756).
    Vn2000,
    /// A VN-2000 transverse Mercator zone: TM-3 (k 0.9999) or UTM (k 0.9996).
    Vn2000Tm {
        epsg: u32,
        /// Central meridian, degrees.
        lon0: f64,
        k0: f64,
    },
}

/// The VN-2000 TM-3 zones: EPSG code → central meridian (degrees).
pub const TM3_ZONES: [(u32, f64); 14] = [
    (9205, 103.0),
    (9206, 104.0),
    (9207, 104.5),
    (9208, 104.75),
    (9209, 105.5),
    (9210, 105.75),
    (9211, 106.0),
    (9212, 106.25),
    (9213, 106.5),
    (9214, 107.0),
    (9215, 107.25),
    (9216, 107.5),
    (9217, 108.25),
    (9218, 108.5),
];

const FALSE_EASTING: f64 = 500_000.0;

impl Crs {
    /// Hưng Yên's surveying system: VN-2000 / TM-3 105-30.
    pub const HUNG_YEN: Crs = Crs::Vn2000Tm {
        epsg: 9209,
        lon0: 105.5,
        k0: 0.9999,
    };

    /// The system of an EPSG code.
    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            4326 => Some(Crs::Crs84),
            4756 => Some(Crs::Vn2000),
            3405 => Some(Crs::Vn2000Tm {
                epsg: 3405,
                lon0: 105.0,
                k0: 0.9996,
            }),
            3406 => Some(Crs::Vn2000Tm {
                epsg: 3406,
                lon0: 111.0,
                k0: 0.9996,
            }),
            _ => TM3_ZONES
                .iter()
                .find(|(epsg, _)| *epsg == code)
                .map(|&(epsg, lon0)| Crs::Vn2000Tm {
                    epsg,
                    lon0,
                    k0: 0.9999,
                }),
        }
    }

    /// Reads `EPSG:9209`, `9209`, `CRS84`, or an OGC URI
    /// (`http://www.opengis.net/def/crs/EPSG/0/9209`, `…/OGC/1.3/CRS84`).
    ///
    /// ```
    /// use diachiso::crs::Crs;
    /// assert_eq!(Crs::parse("EPSG:9209"), Some(Crs::HUNG_YEN));
    /// assert_eq!(Crs::parse("http://www.opengis.net/def/crs/EPSG/0/9209"), Some(Crs::HUNG_YEN));
    /// assert_eq!(Crs::parse("http://www.opengis.net/def/crs/OGC/1.3/CRS84"), Some(Crs::Crs84));
    /// assert_eq!(Crs::parse("EPSG:2154"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Crs> {
        let s = s.trim();
        let upper = s.to_ascii_uppercase();
        if upper == "CRS84" || upper.ends_with("/OGC/1.3/CRS84") || upper == "OGC:CRS84" {
            return Some(Crs::Crs84);
        }
        let code = upper
            .strip_prefix("EPSG:")
            .or_else(|| upper.rsplit_once("/EPSG/0/").map(|(_, c)| c))
            .unwrap_or(&upper);
        Crs::from_epsg(code.parse().ok()?)
    }

    /// The EPSG code (4326 for CRS84).
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Crs84 => 4326,
            Crs::Vn2000 => 4756,
            Crs::Vn2000Tm { epsg, .. } => epsg,
        }
    }

    /// The OGC URI (`http://www.opengis.net/def/crs/…`).
    pub fn uri(self) -> String {
        match self {
            Crs::Crs84 => "http://www.opengis.net/def/crs/OGC/1.3/CRS84".to_owned(),
            other => format!("http://www.opengis.net/def/crs/EPSG/0/{}", other.epsg()),
        }
    }

    /// Whether coordinates are metres (easting, northing) rather than degrees.
    pub fn is_projected(self) -> bool {
        matches!(self, Crs::Vn2000Tm { .. })
    }

    /// Every system the registry serves, CRS84 first.
    pub fn all() -> Vec<Crs> {
        let mut all = vec![Crs::Crs84, Crs::Vn2000];
        all.extend(TM3_ZONES.iter().filter_map(|(c, _)| Crs::from_epsg(*c)));
        all.extend([3405, 3406].iter().filter_map(|c| Crs::from_epsg(*c)));
        all
    }

    /// Coordinates in this system (easting/northing, or lon/lat) of a WGS 84 point.
    ///
    /// ```
    /// use diachiso::crs::Crs;
    /// // The reference point of PROJ's cs2cs: lon 106.05, lat 20.66.
    /// let [e, n] = Crs::HUNG_YEN.from_wgs84(106.05, 20.66);
    /// assert!((e - 557_111.143).abs() < 0.001 && (n - 2_285_411.234).abs() < 0.001);
    /// ```
    pub fn from_wgs84(self, lon: f64, lat: f64) -> [f64; 2] {
        match self {
            Crs::Crs84 => [lon, lat],
            Crs::Vn2000 => helmert::wgs84_to_vn2000(lon, lat),
            Crs::Vn2000Tm { lon0, k0, .. } => {
                let [vlon, vlat] = helmert::wgs84_to_vn2000(lon, lat);
                let [e, n] = tmerc::forward(vlon - lon0, vlat, k0);
                [e + FALSE_EASTING, n]
            }
        }
    }

    /// The WGS 84 longitude and latitude of coordinates in this system.
    pub fn to_wgs84(self, x: f64, y: f64) -> [f64; 2] {
        match self {
            Crs::Crs84 => [x, y],
            Crs::Vn2000 => helmert::vn2000_to_wgs84(x, y),
            Crs::Vn2000Tm { lon0, k0, .. } => {
                let [dlon, lat] = tmerc::inverse(x - FALSE_EASTING, y, k0);
                helmert::vn2000_to_wgs84(dlon + lon0, lat)
            }
        }
    }
}

/// The systems OGC API – Features serves besides CRS84 (Part 2): VN-2000 geographic, Hưng
/// Yên's TM-3 zone and UTM 48N.
pub const OGC_CRS: [Crs; 4] = [
    Crs::Crs84,
    Crs::Vn2000,
    Crs::HUNG_YEN,
    Crs::Vn2000Tm {
        epsg: 3405,
        lon0: 105.0,
        k0: 0.9996,
    },
];

impl Crs {
    /// A point in this system's own axis order, as OGC API – Features Part 2 writes it:
    /// EPSG:4756 is latitude, longitude; the projected systems easting, northing; CRS84
    /// longitude, latitude. Metres are rounded to the millimetre, degrees to 1e-9.
    pub fn to_axes(self, lon: f64, lat: f64) -> [f64; 2] {
        let [x, y] = self.from_wgs84(lon, lat);
        match self {
            Crs::Vn2000 => [round(y, 1e9), round(x, 1e9)],
            Crs::Vn2000Tm { .. } => [round(x, 1e3), round(y, 1e3)],
            Crs::Crs84 => [x, y],
        }
    }

    /// The WGS 84 longitude and latitude of a point given in this system's axis order.
    pub fn from_axes(self, a: f64, b: f64) -> [f64; 2] {
        match self {
            Crs::Vn2000 => self.to_wgs84(b, a),
            _ => self.to_wgs84(a, b),
        }
    }

    /// A GeoJSON value with every coordinate pair written in this system (geometries,
    /// Features, FeatureCollections; a Feature's `footprint` property too).
    pub fn transform_geojson(self, value: &mut serde_json::Value) {
        if self == Crs::Crs84 {
            return;
        }
        use serde_json::Value;
        match value {
            Value::Object(o) => {
                if let Some(c) = o.get_mut("coordinates") {
                    self.transform_coordinates(c);
                }
                for key in ["geometry", "geometries", "features"] {
                    if let Some(v) = o.get_mut(key) {
                        self.transform_geojson(v);
                    }
                }
                if let Some(f) = o.get_mut("properties").and_then(|p| p.get_mut("footprint")) {
                    self.transform_geojson(f);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.transform_geojson(v)),
            _ => {}
        }
    }

    fn transform_coordinates(self, c: &mut serde_json::Value) {
        use serde_json::Value;
        let Value::Array(items) = c else {
            return;
        };
        if let [Value::Number(x), Value::Number(y), ..] = items.as_slice() {
            if let (Some(lon), Some(lat)) = (x.as_f64(), y.as_f64()) {
                let [a, b] = self.to_axes(lon, lat);
                items[0] = a.into();
                items[1] = b.into();
            }
            return;
        }
        items.iter_mut().for_each(|v| self.transform_coordinates(v));
    }
}

fn round(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Crs84 => f.write_str("CRS84"),
            other => write!(f, "EPSG:{}", other.epsg()),
        }
    }
}

/// The reference points from PROJ (`scripts/vn2000-fixture`): system, WGS 84 lon and lat,
/// and the point in that system (easting and northing, or VN-2000 lon and lat).
#[cfg(test)]
pub(crate) fn proj_fixture() -> Vec<(Crs, f64, f64, f64, f64)> {
    include_str!("../../tests/data/vn2000-proj.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("epsg"))
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
            (Crs::from_epsg(f[0] as u32).unwrap(), f[1], f[2], f[3], f[4])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::proj_fixture as fixture;
    use super::*;

    #[test]
    fn within_a_centimetre_of_proj_both_ways() {
        let points = fixture();
        assert!(points.len() >= 150);
        for (crs, lon, lat, x, y) in points {
            let [gx, gy] = crs.from_wgs84(lon, lat);
            let [glon, glat] = crs.to_wgs84(x, y);
            // 1 cm in degrees is about 9e-8 of latitude.
            let (tolerance, back) = if crs.is_projected() {
                (0.01, 9e-8)
            } else {
                (9e-8, 9e-8)
            };
            assert!(
                (gx - x).abs() < tolerance && (gy - y).abs() < tolerance,
                "{crs} forward at {lon},{lat}: {gx},{gy} against PROJ {x},{y}"
            );
            assert!(
                (glon - lon).abs() < back && (glat - lat).abs() < back,
                "{crs} inverse of {x},{y}: {glon},{glat} against {lon},{lat}"
            );
        }
    }

    #[test]
    fn the_rotation_sign_matters_by_about_seventy_centimetres() {
        // Applying the decision's published (coordinate-frame) rotations as position-vector
        // ones moves a point of Hưng Yên by ~0.7 m: the test above would catch it.
        let [e, n] = Crs::HUNG_YEN.from_wgs84(106.05, 20.66);
        let wrong = helmert::wgs84_to_vn2000_with_flipped_rotations(106.05, 20.66);
        let [we, wn] = tmerc::forward(wrong[0] - 105.5, wrong[1], 0.9999);
        let moved = ((we + FALSE_EASTING - e).powi(2) + (wn - n).powi(2)).sqrt();
        assert!((0.4..1.0).contains(&moved), "{moved} m");
    }

    #[test]
    fn axis_order_and_geojson() {
        let [lat, lon] = Crs::Vn2000.to_axes(106.05, 20.66);
        assert!((20.6..20.7).contains(&lat) && (106.0..106.1).contains(&lon));
        let [e, n] = Crs::HUNG_YEN.to_axes(106.05, 20.66);
        assert_eq!([e, n], [557_111.143, 2_285_411.234]);
        let back = Crs::Vn2000.from_axes(lat, lon);
        assert!((back[0] - 106.05).abs() < 1e-8 && (back[1] - 20.66).abs() < 1e-8);
        let mut f = serde_json::json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.05, 20.66]},
            "properties": {"footprint": {"type": "Polygon", "coordinates": [[[106.05, 20.66], [106.06, 20.66], [106.05, 20.67], [106.05, 20.66]]]}}});
        Crs::HUNG_YEN.transform_geojson(&mut f);
        assert_eq!(
            f["geometry"]["coordinates"],
            serde_json::json!([557_111.143, 2_285_411.234])
        );
        assert_eq!(
            f["properties"]["footprint"]["coordinates"][0][0],
            f["geometry"]["coordinates"]
        );
    }

    #[test]
    fn names_and_codes() {
        assert_eq!(Crs::parse("9209").unwrap().epsg(), 9209);
        assert_eq!(Crs::parse("epsg:3405").unwrap().epsg(), 3405);
        assert_eq!(Crs::parse("EPSG:4326"), Some(Crs::Crs84));
        assert!(Crs::parse("EPSG:9219").is_none() && Crs::parse("nonsense").is_none());
        assert_eq!(Crs::all().len(), 18);
        assert_eq!(Crs::HUNG_YEN.to_string(), "EPSG:9209");
    }
}
