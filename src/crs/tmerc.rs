//! Transverse Mercator on the WGS 84 ellipsoid by Krüger's series to the sixth order in the
//! third flattening n (Karney, "Transverse Mercator with an accuracy of a few nanometers",
//! J. Geodesy 85, 2011): a few nanometres within 3,900 km of the central meridian.

use super::helmert::{A, F};

fn third_flattening() -> f64 {
    F / (2.0 - F)
}

/// The rectifying radius A = a/(1+n) · (1 + n²/4 + n⁴/64 + n⁶/256).
fn rectifying_radius(n: f64) -> f64 {
    let n2 = n * n;
    A / (1.0 + n) * (1.0 + n2 / 4.0 + n2 * n2 / 64.0 + n2 * n2 * n2 / 256.0)
}

/// n, n², … n⁶.
fn powers(n: f64) -> [f64; 6] {
    let mut p = [n; 6];
    for i in 1..6 {
        p[i] = p[i - 1] * n;
    }
    p
}

fn alpha(n: f64) -> [f64; 6] {
    let [n, n2, n3, n4, n5, n6] = powers(n);
    [
        n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
            + 7891.0 * n6 / 37800.0,
        13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
            - 1_983_433.0 * n6 / 1_935_360.0,
        61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
            + 15061.0 * n5 / 26880.0
            + 167_603.0 * n6 / 181_440.0,
        49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
        34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
        212_378_941.0 * n6 / 319_334_400.0,
    ]
}

fn beta(n: f64) -> [f64; 6] {
    let [n, n2, n3, n4, n5, n6] = powers(n);
    [
        n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0
            + 96199.0 * n6 / 604_800.0,
        n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0
            - 1_118_711.0 * n6 / 3_870_720.0,
        17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
        4397.0 * n4 / 161_280.0 - 11.0 * n5 / 504.0 - 830_251.0 * n6 / 7_257_600.0,
        4583.0 * n5 / 161_280.0 - 108_847.0 * n6 / 3_991_680.0,
        20_648_693.0 * n6 / 638_668_800.0,
    ]
}

/// τ' (the conformal latitude's tangent) from τ = tan φ.
fn conformal_tan(tau: f64, e: f64) -> f64 {
    let sigma = (e * (e * tau / tau.hypot(1.0)).atanh()).sinh();
    tau * sigma.hypot(1.0) - sigma * tau.hypot(1.0)
}

/// Easting (from the central meridian, before the false easting) and northing, metres, of a
/// point `dlon` degrees from the central meridian at latitude `lat`, with scale `k0`.
pub fn forward(dlon: f64, lat: f64, k0: f64) -> [f64; 2] {
    let n = third_flattening();
    let e = (F * (2.0 - F)).sqrt();
    let (lambda, phi) = (dlon.to_radians(), lat.to_radians());
    let tau_p = conformal_tan(phi.tan(), e);
    let xi_p = tau_p.atan2(lambda.cos());
    let eta_p = (lambda.sin() / tau_p.hypot(lambda.cos())).asinh();
    let (mut xi, mut eta) = (xi_p, eta_p);
    for (j, a) in alpha(n).iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi += a * (k * xi_p).sin() * (k * eta_p).cosh();
        eta += a * (k * xi_p).cos() * (k * eta_p).sinh();
    }
    let r = k0 * rectifying_radius(n);
    [r * eta, r * xi]
}

/// The inverse of [`forward`]: degrees from the central meridian, and latitude.
pub fn inverse(easting: f64, northing: f64, k0: f64) -> [f64; 2] {
    let n = third_flattening();
    let e2 = F * (2.0 - F);
    let e = e2.sqrt();
    let r = k0 * rectifying_radius(n);
    let (xi, eta) = (northing / r, easting / r);
    let (mut xi_p, mut eta_p) = (xi, eta);
    for (j, b) in beta(n).iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi_p -= b * (k * xi).sin() * (k * eta).cosh();
        eta_p -= b * (k * xi).cos() * (k * eta).sinh();
    }
    let tau_p = xi_p.sin() / eta_p.sinh().hypot(xi_p.cos());
    let lambda = eta_p.sinh().atan2(xi_p.cos());
    // Newton's method for τ from τ' (Karney 2011, eqs. 19–21).
    let mut tau = tau_p;
    for _ in 0..5 {
        let tp = conformal_tan(tau, e);
        let d = (tau_p - tp) * (1.0 + (1.0 - e2) * tau * tau)
            / ((1.0 - e2) * tau.hypot(1.0) * tp.hypot(1.0));
        tau += d;
        if d.abs() < 1e-15 {
            break;
        }
    }
    [lambda.to_degrees(), tau.atan().to_degrees()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_across_a_zone() {
        for dlon in [-3.0, -1.5, 0.0, 0.7, 3.0] {
            for lat in [8.0, 15.0, 20.66, 23.5] {
                let [e, n] = forward(dlon, lat, 0.9999);
                let [l, p] = inverse(e, n, 0.9999);
                assert!(
                    (l - dlon).abs() < 1e-10 && (p - lat).abs() < 1e-10,
                    "{dlon},{lat}"
                );
            }
        }
        // On the central meridian the easting is 0 and the northing the meridian arc × k0.
        let [e, _] = forward(0.0, 21.0, 0.9999);
        assert!(e.abs() < 1e-9);
    }
}
