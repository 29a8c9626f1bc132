//! VN-2000 ↔ WGS 84: the 7-parameter transformation of Decision 05/2007/QĐ-BTNMT (EPSG:6960)
//! on geocentric coordinates. Both datums use the WGS 84 ellipsoid.

/// WGS 84 semi-major axis, metres.
pub const A: f64 = 6_378_137.0;
/// WGS 84 flattening.
pub const F: f64 = 1.0 / 298.257_223_563;

/// Translation VN-2000 → WGS 84, metres.
const T: [f64; 3] = [-191.904_414_29, -39.303_182_79, -111.450_328_35];
/// Rotations, arc-seconds, in the position-vector convention (PROJ's `+towgs84` order).
const R_ARCSEC: [f64; 3] = [0.009_288_36, -0.019_754_79, 0.004_273_72];
/// Scale difference, parts per million.
const S_PPM: f64 = 0.252_906_278;

fn e2() -> f64 {
    F * (2.0 - F)
}

/// Geodetic (degrees, height 0) → geocentric, metres.
fn to_cartesian(lon: f64, lat: f64) -> [f64; 3] {
    let (sl, cl) = lon.to_radians().sin_cos();
    let (sp, cp) = lat.to_radians().sin_cos();
    let n = A / (1.0 - e2() * sp * sp).sqrt();
    [n * cp * cl, n * cp * sl, n * (1.0 - e2()) * sp]
}

/// Geocentric → geodetic longitude and latitude, degrees (the height is dropped, as PROJ's
/// pipeline keeps the input height).
fn to_geodetic(p: [f64; 3]) -> [f64; 2] {
    let [x, y, z] = p;
    let lon = y.atan2(x);
    let r = x.hypot(y);
    let e2 = e2();
    // Iterate latitude; converges to far below a nanometre in a few steps near the surface.
    let mut lat = z.atan2(r * (1.0 - e2));
    for _ in 0..6 {
        let s = lat.sin();
        let n = A / (1.0 - e2 * s * s).sqrt();
        let h = r / lat.cos() - n;
        lat = z.atan2(r * (1.0 - e2 * n / (n + h)));
    }
    [lon.to_degrees(), lat.to_degrees()]
}

/// The linearised rotation matrix (position vector), rotations in arc-seconds.
fn rotation(r: [f64; 3]) -> [[f64; 3]; 3] {
    let k = std::f64::consts::PI / (180.0 * 3600.0);
    let (rx, ry, rz) = (r[0] * k, r[1] * k, r[2] * k);
    [[1.0, -rz, ry], [rz, 1.0, -rx], [-ry, rx, 1.0]]
}

fn forward(p: [f64; 3], r: [f64; 3]) -> [f64; 3] {
    let m = rotation(r);
    let scale = 1.0 + S_PPM * 1e-6;
    std::array::from_fn(|i| T[i] + scale * (m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2]))
}

/// The inverse PROJ applies: the transposed matrix on the translated, unscaled point.
fn reverse(p: [f64; 3], r: [f64; 3]) -> [f64; 3] {
    let m = rotation(r);
    let scale = 1.0 + S_PPM * 1e-6;
    let q: [f64; 3] = std::array::from_fn(|i| (p[i] - T[i]) / scale);
    std::array::from_fn(|i| m[0][i] * q[0] + m[1][i] * q[1] + m[2][i] * q[2])
}

/// VN-2000 geographic → WGS 84, degrees.
pub fn vn2000_to_wgs84(lon: f64, lat: f64) -> [f64; 2] {
    to_geodetic(forward(to_cartesian(lon, lat), R_ARCSEC))
}

/// WGS 84 → VN-2000 geographic, degrees.
pub fn wgs84_to_vn2000(lon: f64, lat: f64) -> [f64; 2] {
    to_geodetic(reverse(to_cartesian(lon, lat), R_ARCSEC))
}

/// The mistake the decision's published signs invite (for the test that shows its size).
#[cfg(test)]
pub fn wgs84_to_vn2000_with_flipped_rotations(lon: f64, lat: f64) -> [f64; 2] {
    to_geodetic(reverse(to_cartesian(lon, lat), R_ARCSEC.map(|r| -r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geocentric_round_trip() {
        for (lon, lat) in [(106.05, 20.66), (102.1, 8.6), (117.9, 23.4), (0.0, 0.0)] {
            let [l, p] = to_geodetic(to_cartesian(lon, lat));
            assert!(
                (l - lon).abs() < 1e-11 && (p - lat).abs() < 1e-11,
                "{lon},{lat}"
            );
        }
    }

    #[test]
    fn datums_round_trip() {
        let [l, p] = vn2000_to_wgs84(106.05, 20.66);
        let [l2, p2] = wgs84_to_vn2000(l, p);
        // Within a millimetre: the height PROJ keeps (0 in, a few metres out) is dropped both ways.
        assert!(
            (l2 - 106.05).abs() < 1e-8 && (p2 - 20.66).abs() < 1e-8,
            "{l2},{p2}"
        );
        // VN-2000 and WGS 84 differ by a few metres in Hưng Yên.
        assert!((l - 106.05).abs() > 1e-5);
    }
}
