//! A street line in numbering order, and where a point lies along it.
//!
//! Projection goes through an R-tree of the line's segments so that long,
//! densely digitised streets stay fast to query.

use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;
use serde::{Deserialize, Serialize};

use super::direction::{choose_direction, Direction, DirectionHint, DirectionRule};
use super::error::Result;
use super::local_frame::{dedup_local, frame_for_line, LocalFrame};
use super::planar;
use super::side::Side;

/// One segment in the R-tree, tagged with its index along the line.
type Segment = GeomWithData<Line<[f64; 2]>, usize>;

/// Where a point lies relative to a street.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// Metres along the street from the numbering start to the foot of the
    /// point, clamped to `[0, length]`.
    pub chainage_m: f64,
    /// Metres from the point to the street (perpendicular distance; for a
    /// point beyond an end, the distance to that end).
    pub offset_m: f64,
    /// Side of the street, facing the numbering direction.
    pub side: Side,
}

/// A street's centre line, held in local metres in numbering order.
#[derive(Debug, Clone)]
pub struct StreetLine {
    frame: LocalFrame,
    direction: Direction,
    /// Vertices in local metres, already in numbering order.
    vertices: Vec<[f64; 2]>,
    /// Chainage of each vertex, metres.
    chainage_at: Vec<f64>,
    segments: RTree<Segment>,
}

impl StreetLine {
    /// Builds a line from `coords` (`[lon, lat]`, WGS84 degrees, in drawn
    /// order) numbered in `direction` relative to that order.
    ///
    /// Needs at least two distinct, finite vertices within the WGS84 ranges.
    /// Distances are measured in a local equirectangular projection around
    /// the line's centroid: accurate to well under a metre for streets a few
    /// km long, not meant for lines tens of km long.
    ///
    /// ```
    /// use diachiso::numbering::{Direction, Side, StreetLine};
    /// // Drawn north → south along lon 106.05, about 222 m long.
    /// let line = StreetLine::new(&[[106.05, 20.651], [106.05, 20.649]], Direction::Forward).unwrap();
    /// assert!((line.length_m() - 222.4).abs() < 0.5);
    /// // A point 10 m east of the line's middle (lon, lat): facing south, east is on the left.
    /// let p = line.project(106.05 + 10.0 / 104_050.0, 20.65);
    /// assert!((p.chainage_m - 111.2).abs() < 0.5 && (p.offset_m - 10.0).abs() < 0.1);
    /// assert_eq!(p.side, Side::Left);
    /// ```
    pub fn new(coords: &[[f64; 2]], direction: Direction) -> Result<StreetLine> {
        let frame = frame_for_line(coords)?;
        let mut local: Vec<[f64; 2]> = coords.iter().map(|p| frame.to_local(*p)).collect();
        if direction == Direction::Reverse {
            local.reverse();
        }
        let vertices = dedup_local(&local);
        let mut chainage_at = Vec::with_capacity(vertices.len());
        let mut total = 0.0;
        chainage_at.push(0.0);
        for w in vertices.windows(2) {
            total += planar::distance(w[0], w[1]);
            chainage_at.push(total);
        }
        let segments = RTree::bulk_load(
            vertices
                .windows(2)
                .enumerate()
                .map(|(i, w)| GeomWithData::new(Line::new(w[0], w[1]), i))
                .collect(),
        );
        Ok(StreetLine {
            frame,
            direction,
            vertices,
            chainage_at,
            segments,
        })
    }

    /// Chooses the direction from `hint` (see [`choose_direction`]) and builds
    /// the line; returns the rule that decided.
    ///
    /// ```
    /// use diachiso::numbering::{DirectionHint, DirectionRule, StreetLine};
    /// // Drawn west → east (lon, lat): numbered east → west.
    /// let (line, rule) = StreetLine::from_hint(&[[106.049, 20.65], [106.051, 20.65]], &DirectionHint::Auto).unwrap();
    /// assert_eq!(rule, DirectionRule::EastToWest);
    /// assert!(line.project(106.0505, 20.65).chainage_m < 60.0); // near the east end
    /// ```
    pub fn from_hint(
        coords: &[[f64; 2]], hint: &DirectionHint,
    ) -> Result<(StreetLine, DirectionRule)> {
        let (direction, rule) = choose_direction(coords, hint)?;
        Ok((StreetLine::new(coords, direction)?, rule))
    }

    /// Numbering direction relative to the drawn vertex order.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Length of the line in metres.
    pub fn length_m(&self) -> f64 {
        self.chainage_at.last().copied().unwrap_or(0.0)
    }

    /// Where the point (`lon`, `lat`: WGS84 degrees) lies along the line.
    ///
    /// The nearest segment is found through the R-tree (ties go to the
    /// segment nearer the start, so the answer is deterministic); the side is
    /// the sign of the cross product of that segment's direction (in
    /// numbering order) and the vector to the point — a point exactly on the
    /// line counts as left. A point beyond an end takes its side from the end
    /// segment. Non-finite input gives NaN distances (callers validate).
    pub fn project(&self, lon: f64, lat: f64) -> Projection {
        let p = self.frame.to_local([lon, lat]);
        if !(p[0].is_finite() && p[1].is_finite()) {
            return Projection {
                chainage_m: f64::NAN,
                offset_m: f64::NAN,
                side: Side::Left,
            };
        }
        let mut best: Option<(f64, usize)> = None;
        for (seg, d2) in self.segments.nearest_neighbor_iter_with_distance_2(&p) {
            match best {
                None => best = Some((d2, seg.data)),
                // Beyond a millimetre² the iterator has left the tie.
                Some((best_d2, _)) if d2 > best_d2 + 1e-6 => break,
                Some((best_d2, i)) => best = Some((best_d2, i.min(seg.data))),
            }
        }
        let i = best.map_or(0, |(_, i)| i);
        let (a, b) = (self.vertices[i], self.vertices[i + 1]);
        let t = planar::segment_parameter(a, b, p);
        let d = planar::sub(a, b);
        let foot = [a[0] + t * d[0], a[1] + t * d[1]];
        let side = if planar::cross(d, planar::sub(a, p)) >= 0.0 {
            Side::Left
        } else {
            Side::Right
        };
        Projection {
            chainage_m: (self.chainage_at[i] + t * planar::distance(a, b))
                .clamp(0.0, self.length_m()),
            offset_m: planar::distance(foot, p),
            side,
        }
    }

    /// Distance in metres from the point (`lon`, `lat`) to the line.
    pub fn distance_m(&self, lon: f64, lat: f64) -> f64 {
        self.project(lon, lat).offset_m
    }
}

#[cfg(test)]
mod tests {
    use super::super::shapes::{self, beside, ORIGIN_EN};
    use super::*;

    #[test]
    fn rejects_degenerate_lines() {
        assert!(StreetLine::new(&[[106.05, 20.65]], Direction::Forward).is_err());
        assert!(StreetLine::new(&[[106.05, 20.65], [106.05, 20.65]], Direction::Forward).is_err());
        assert!(StreetLine::new(
            &[[106.05, 20.65], [f64::INFINITY, 20.65]],
            Direction::Forward
        )
        .is_err());
        assert!(StreetLine::new(&[[190.0, 20.65], [106.05, 20.65]], Direction::Forward).is_err());
    }

    #[test]
    fn chainage_and_side_on_a_straight_street() {
        // Drawn towards the east, 300 m.
        let s = shapes::straight(ORIGIN_EN, 90.0, 300.0);
        let fwd = StreetLine::new(&s, Direction::Forward).unwrap();
        assert!((fwd.length_m() - 300.0).abs() < 0.05);
        let north = beside(&s, 100.0, 8.0); // left of eastwards = north
        let p = fwd.project(north[0], north[1]);
        assert!((p.chainage_m - 100.0).abs() < 0.05 && (p.offset_m - 8.0).abs() < 0.01);
        assert_eq!(p.side, Side::Left);
        // Numbered the other way (westwards) the same house is 200 m in, on the right.
        let rev = StreetLine::new(&s, Direction::Reverse).unwrap();
        let q = rev.project(north[0], north[1]);
        assert!((q.chainage_m - 200.0).abs() < 0.05);
        assert_eq!(q.side, Side::Right);
    }

    #[test]
    fn points_past_the_ends_clamp_and_keep_the_end_side() {
        let s = shapes::straight(ORIGIN_EN, 180.0, 100.0); // drawn southwards
        let line = StreetLine::new(&s, Direction::Forward).unwrap();
        // 20 m before the start, 5 m east: facing south, east is left.
        let before = shapes::ll([5.0, 20.0]);
        let p = line.project(before[0], before[1]);
        assert_eq!(p.chainage_m, 0.0);
        assert!((p.offset_m - (20.0f64.powi(2) + 25.0).sqrt()).abs() < 0.01);
        assert_eq!(p.side, Side::Left);
        let after = shapes::ll([-5.0, -130.0]);
        let q = line.project(after[0], after[1]);
        assert!((q.chainage_m - 100.0).abs() < 1e-6);
        assert_eq!(q.side, Side::Right);
    }

    #[test]
    fn follows_a_curve() {
        // Quarter circle of radius 100 m around the origin, drawn clockwise
        // from north to east: length = π/2 · 100 ≈ 157 m (chords slightly less).
        let c = shapes::arc(ORIGIN_EN, 100.0, 0.0, 90.0, 30);
        let line = StreetLine::new(&c, Direction::Forward).unwrap();
        assert!((line.length_m() - 157.0).abs() < 0.5, "{}", line.length_m());
        // Point on the inside of the curve at bearing 45°: 90 m from the centre.
        let inside = shapes::ll(shapes::towards(ORIGIN_EN, 45.0, 90.0));
        let p = line.project(inside[0], inside[1]);
        assert!((p.chainage_m - 78.5).abs() < 0.5 && (p.offset_m - 10.0).abs() < 0.1);
        // Moving clockwise, the centre is on the right.
        assert_eq!(p.side, Side::Right);
    }

    #[test]
    fn non_finite_points_do_not_panic() {
        let s = shapes::straight(ORIGIN_EN, 180.0, 100.0);
        let line = StreetLine::new(&s, Direction::Forward).unwrap();
        assert!(line.project(f64::NAN, 20.0).chainage_m.is_nan());
        assert!(line.distance_m(106.05, 20.65) < 1e-6);
    }
}
