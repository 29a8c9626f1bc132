//! How WGS84 `[lon, lat]` degrees become flat local metres.
//!
//! Numbering only needs distances along and across a street, so a local
//! equirectangular projection around the street's centroid is enough: at
//! Hưng Yên's latitude (≈ 20.6° N) the scale error over a street a few km
//! long is a few parts in 10⁴ (well under a metre), far below the accuracy of
//! the digitised geometry. It is *not* meant for lines tens of km long.

use super::error::{Error, Result};

/// Mean Earth radius (IUGG), in metres.
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A tangent-plane frame: x east, y north, both in metres, origin at `[lon0, lat0]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LocalFrame {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl LocalFrame {
    /// A frame centred on `[lon0, lat0]` (degrees).
    pub(crate) fn at(lon0: f64, lat0: f64) -> Self {
        let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Self {
            lon0,
            lat0,
            m_per_deg_lon: m_per_deg_lat * lat0.to_radians().cos(),
            m_per_deg_lat,
        }
    }

    /// A frame centred on the mean of `coords` (`[lon, lat]` degrees), so the
    /// distortion is spread evenly over the line. `coords` must be non-empty.
    pub(crate) fn around(coords: &[[f64; 2]]) -> Self {
        let n = coords.len().max(1) as f64;
        let (sx, sy) = coords
            .iter()
            .fold((0.0, 0.0), |(sx, sy), p| (sx + p[0], sy + p[1]));
        Self::at(sx / n, sy / n)
    }

    /// `[lon, lat]` degrees → `[x east, y north]` metres.
    pub(crate) fn to_local(self, p: [f64; 2]) -> [f64; 2] {
        [
            (p[0] - self.lon0) * self.m_per_deg_lon,
            (p[1] - self.lat0) * self.m_per_deg_lat,
        ]
    }

    /// `[x east, y north]` metres → `[lon, lat]` degrees.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn to_lonlat(self, p: [f64; 2]) -> [f64; 2] {
        [
            self.lon0 + p[0] / self.m_per_deg_lon,
            self.lat0 + p[1] / self.m_per_deg_lat,
        ]
    }
}

/// True when `p` is a finite `[lon, lat]` within the WGS84 ranges.
pub(crate) fn is_valid_lonlat(p: [f64; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite() && p[0].abs() <= 180.0 && p[1].abs() <= 90.0
}

/// Checks every vertex and that at least two of them differ (by more than a
/// millimetre), returning the frame the line will be measured in.
pub(crate) fn frame_for_line(coords: &[[f64; 2]]) -> Result<LocalFrame> {
    if let Some((index, p)) = coords
        .iter()
        .enumerate()
        .find(|(_, p)| !is_valid_lonlat(**p))
    {
        return Err(Error::InvalidCoordinate {
            index,
            lon: p[0],
            lat: p[1],
        });
    }
    let frame = LocalFrame::around(coords);
    let local: Vec<[f64; 2]> = coords.iter().map(|p| frame.to_local(*p)).collect();
    let distinct = dedup_local(&local).len();
    if distinct < 2 {
        return Err(Error::TooFewVertices(distinct));
    }
    Ok(frame)
}

/// Drops consecutive vertices closer than 1 mm: they make zero-length
/// segments, whose direction (and so whose side) is undefined.
pub(crate) fn dedup_local(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_none_or(|q| super::planar::distance(*q, *p) > 1e-3)
        {
            out.push(*p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let f = LocalFrame::at(106.05, 20.65);
        let p = f.to_local([106.05, 21.65]);
        assert!((p[1] - 111_195.0).abs() < 5.0, "{p:?}");
        // cos(20.65°) ≈ 0.93575, so a degree of longitude is shorter.
        let q = f.to_local([107.05, 20.65]);
        assert!((q[0] - 111_195.0 * 0.935_75).abs() < 10.0, "{q:?}");
    }

    #[test]
    fn round_trip() {
        let f = LocalFrame::at(106.05, 20.65);
        let ll = f.to_lonlat([123.0, -456.0]);
        let back = f.to_local(ll);
        assert!((back[0] - 123.0).abs() < 1e-6 && (back[1] + 456.0).abs() < 1e-6);
    }

    #[test]
    fn rejects_bad_coordinates() {
        assert!(matches!(
            frame_for_line(&[[106.0, 20.0], [f64::NAN, 20.0]]),
            Err(Error::InvalidCoordinate { index: 1, .. })
        ));
        assert!(matches!(
            frame_for_line(&[[106.0, 95.0], [106.0, 20.0]]),
            Err(Error::InvalidCoordinate { index: 0, .. })
        ));
        assert_eq!(
            frame_for_line(&[[106.0, 20.0], [106.0, 20.0]]),
            Err(Error::TooFewVertices(1))
        );
        assert_eq!(frame_for_line(&[]), Err(Error::TooFewVertices(0)));
    }
}
