//! Distances on the Earth, in metres.

use geo::{Distance, Geodesic, Haversine, Point};

/// Great-circle distance in metres between two lon/lat points (degrees) on a sphere of
/// mean radius 6,371,008.8 m. Error under 0.5 % against the ellipsoid; fine for tens of metres.
///
/// ```
/// // Two points 0.001° of latitude apart near Phố Hiến: about 111 m.
/// let d = diachiso::spatial::haversine_distance_m([106.068, 20.663], [106.068, 20.664]);
/// assert!((d - 111.2).abs() < 0.5);
/// ```
pub fn haversine_distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Haversine.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

/// Geodesic distance in metres on the WGS84 ellipsoid (Karney's algorithm) between two
/// lon/lat points in degrees.
///
/// ```
/// let d = diachiso::spatial::geodesic_distance_m([106.068, 20.663], [106.068, 20.664]);
/// assert!((d - 110.7).abs() < 0.5);
/// ```
pub fn geodesic_distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Geodesic.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

/// A lon/lat box `[min_lon, min_lat, max_lon, max_lat]` that surely contains every point
/// within `radius_m` metres of (lon, lat). It is 1 % larger than needed, so callers filter by
/// an exact distance afterwards.
pub fn degrees_envelope(lon: f64, lat: f64, radius_m: f64) -> [f64; 4] {
    // Metres per degree of latitude are at least 110,574 m; of longitude, 111,320·cos(lat).
    let dlat = radius_m / 110_574.0 * 1.01;
    let dlon = radius_m / (111_320.0 * lat.to_radians().cos().max(1e-6)) * 1.01;
    [lon - dlon, lat - dlat, lon + dlon, lat + dlat]
}
