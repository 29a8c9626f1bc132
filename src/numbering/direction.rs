//! Which end of a street numbering starts from (Circular 08/2024, Art. 6).
//!
//! A street is stored as a drawn polyline; numbering runs either along the
//! drawn vertex order ([`Direction::Forward`]) or against it
//! ([`Direction::Reverse`]). [`choose_direction`] applies the rule and also
//! says which rule decided ([`DirectionRule`]), so the registry can show why.

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::local_frame::{frame_for_line, is_valid_lonlat};
use super::planar;

/// Numbering direction relative to the drawn vertex order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the first drawn vertex to the last.
    Forward,
    /// From the last drawn vertex to the first.
    Reverse,
}

impl Direction {
    /// The other direction.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Forward => Direction::Reverse,
            Direction::Reverse => Direction::Forward,
        }
    }
}

/// Why a direction was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionRule {
    /// Numbering runs within 22.5° of due south.
    NorthToSouth,
    /// Numbering runs within 22.5° of due west.
    EastToWest,
    /// Numbering runs within 22.5° of south-west.
    NortheastToSouthwest,
    /// Numbering runs within 22.5° of north-west.
    SoutheastToNorthwest,
    /// Radial street: from the end nearer the centre outward.
    Radial,
    /// Closed street: clockwise as seen on the map, from the first vertex.
    Loop,
    /// The street was already numbered and keeps its direction.
    Kept,
    /// An alley: from the end that meets its parent street.
    AlleyFromParent,
}

/// What the caller knows about a street before its direction is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DirectionHint {
    /// Decide from the geometry (compass rule, or loop rule when closed).
    #[default]
    Auto,
    /// Already numbered: keep this direction.
    Kept(Direction),
    /// A radial street around `centre` (`[lon, lat]`, WGS84 degrees).
    Radial {
        /// The centre the street radiates from, `[lon, lat]` degrees.
        centre: [f64; 2],
    },
    /// An alley (ngõ) or a ngách, numbered from the end on its parent line.
    AlleyFrom {
        /// The parent street's polyline, `[lon, lat]` degrees.
        parent: Vec<[f64; 2]>,
    },
}

/// A street whose first and last vertices are closer than this is a loop.
pub const LOOP_CLOSURE_M: f64 = 1.0;

/// Chooses the numbering direction of a street drawn as `coords`
/// (`[lon, lat]`, WGS84 degrees).
///
/// * `Auto`, open street: the chord from the first to the last vertex, in
///   local metres (x east, y north), has a bearing clockwise from north. The
///   allowed numbering bearings are the half-circle `[157.5°, 337.5°)` — the
///   S, SW, W and NW sectors, i.e. exactly north→south, north-east→south-west,
///   east→west and south-east→north-west. `Forward` if the chord lies in it,
///   else `Reverse`; the rule is named after the 45° sector of the resulting
///   numbering bearing. Only the chord counts, so a curved street is judged by
///   where it goes overall, not by its first bend.
/// * `Auto`, closed street (ends within [`LOOP_CLOSURE_M`] = 1 m): the
///   Circular has no rule for rings; we start at the first drawn vertex and
///   run clockwise as seen on a north-up map (a counter-clockwise drawing is
///   reversed), which is the usual reading order for a ring road.
/// * `Kept(d)`: `d` unchanged (an already numbered street keeps its order).
/// * `Radial`: from the end nearer the centre, outward.
/// * `AlleyFrom`: from the end nearer the parent street's line.
///
/// ```
/// use diachiso::numbering::{choose_direction, Direction, DirectionHint, DirectionRule};
/// // Drawn south → north (lon, lat): numbering must run north → south.
/// let drawn = [[106.05, 20.65], [106.05, 20.66]];
/// let (dir, rule) = choose_direction(&drawn, &DirectionHint::Auto).unwrap();
/// assert_eq!((dir, rule), (Direction::Reverse, DirectionRule::NorthToSouth));
/// ```
pub fn choose_direction(
    coords: &[[f64; 2]], hint: &DirectionHint,
) -> Result<(Direction, DirectionRule)> {
    let frame = frame_for_line(coords)?;
    let local: Vec<[f64; 2]> = coords.iter().map(|p| frame.to_local(*p)).collect();
    let (first, last) = (local[0], local[local.len() - 1]);
    match hint {
        DirectionHint::Kept(d) => Ok((*d, DirectionRule::Kept)),
        DirectionHint::Radial { centre } => {
            if !is_valid_lonlat(*centre) {
                return Err(Error::InvalidRules(
                    "radial centre is not a valid [lon, lat]",
                ));
            }
            let c = frame.to_local(*centre);
            let dir = nearer_end_first(planar::distance(first, c), planar::distance(last, c));
            Ok((dir, DirectionRule::Radial))
        }
        DirectionHint::AlleyFrom { parent } => {
            if parent.is_empty() || !parent.iter().all(|p| is_valid_lonlat(*p)) {
                return Err(Error::InvalidRules("alley parent line is empty or invalid"));
            }
            let parent_local: Vec<[f64; 2]> = parent.iter().map(|p| frame.to_local(*p)).collect();
            let dir = nearer_end_first(
                planar::distance_to_polyline(&parent_local, first),
                planar::distance_to_polyline(&parent_local, last),
            );
            Ok((dir, DirectionRule::AlleyFromParent))
        }
        DirectionHint::Auto => Ok(auto_direction(&local)),
    }
}

/// Forward when the first end is at least as near as the last (ties keep the
/// drawn order, so the result is stable).
fn nearer_end_first(first_distance: f64, last_distance: f64) -> Direction {
    if first_distance <= last_distance {
        Direction::Forward
    } else {
        Direction::Reverse
    }
}

fn auto_direction(local: &[[f64; 2]]) -> (Direction, DirectionRule) {
    let (first, last) = (local[0], local[local.len() - 1]);
    if planar::distance(first, last) < LOOP_CLOSURE_M {
        // Positive shoelace area = counter-clockwise on a north-up map.
        let dir = if planar::signed_area2(local) > 0.0 {
            Direction::Reverse
        } else {
            Direction::Forward
        };
        return (dir, DirectionRule::Loop);
    }
    let chord = planar::sub(first, last);
    let drawn = bearing_deg(chord);
    let (dir, numbering) = if (157.5..337.5).contains(&drawn) {
        (Direction::Forward, drawn)
    } else {
        (Direction::Reverse, (drawn + 180.0).rem_euclid(360.0))
    };
    let rule = if numbering < 202.5 {
        DirectionRule::NorthToSouth
    } else if numbering < 247.5 {
        DirectionRule::NortheastToSouthwest
    } else if numbering < 292.5 {
        DirectionRule::EastToWest
    } else {
        DirectionRule::SoutheastToNorthwest
    };
    (dir, rule)
}

/// Bearing of a local vector in degrees clockwise from north, in `[0, 360)`.
pub(crate) fn bearing_deg(v: [f64; 2]) -> f64 {
    v[0].atan2(v[1]).to_degrees().rem_euclid(360.0)
}

#[cfg(test)]
mod tests {
    use super::super::shapes;
    use super::*;

    fn auto(coords: &[[f64; 2]]) -> (Direction, DirectionRule) {
        choose_direction(coords, &DirectionHint::Auto).unwrap()
    }

    #[test]
    fn bearings_are_clockwise_from_north() {
        assert_eq!(bearing_deg([0.0, 1.0]), 0.0);
        assert_eq!(bearing_deg([1.0, 0.0]), 90.0);
        assert_eq!(bearing_deg([0.0, -1.0]), 180.0);
        assert_eq!(bearing_deg([-1.0, 0.0]), 270.0);
    }

    #[test]
    fn every_compass_drawing_maps_to_one_rule() {
        use DirectionRule::*;
        // (bearing the street is drawn towards, expected direction, rule)
        let cases = [
            (0.0, Direction::Reverse, NorthToSouth),
            (180.0, Direction::Forward, NorthToSouth),
            (90.0, Direction::Reverse, EastToWest),
            (270.0, Direction::Forward, EastToWest),
            (45.0, Direction::Reverse, NortheastToSouthwest),
            (225.0, Direction::Forward, NortheastToSouthwest),
            (135.0, Direction::Reverse, SoutheastToNorthwest),
            (315.0, Direction::Forward, SoutheastToNorthwest),
            // Just inside and outside the edges of the allowed half [157.5°, 337.5°).
            (157.6, Direction::Forward, NorthToSouth),
            (337.6, Direction::Reverse, NorthToSouth),
            (337.4, Direction::Forward, SoutheastToNorthwest),
            (157.4, Direction::Reverse, SoutheastToNorthwest),
        ];
        for (bearing, dir, rule) in cases {
            let coords = shapes::straight(shapes::ORIGIN_EN, bearing, 200.0);
            assert_eq!(auto(&coords), (dir, rule), "drawn towards {bearing}°");
        }
    }

    #[test]
    fn kept_hint_wins_over_the_compass() {
        let coords = shapes::straight(shapes::ORIGIN_EN, 0.0, 200.0);
        assert_eq!(
            choose_direction(&coords, &DirectionHint::Kept(Direction::Forward)).unwrap(),
            (Direction::Forward, DirectionRule::Kept)
        );
    }

    #[test]
    fn loops_by_orientation() {
        let cw = shapes::ring(shapes::ORIGIN_EN, 100.0, 12, true);
        let ccw = shapes::ring(shapes::ORIGIN_EN, 100.0, 12, false);
        assert_eq!(auto(&cw), (Direction::Forward, DirectionRule::Loop));
        assert_eq!(auto(&ccw), (Direction::Reverse, DirectionRule::Loop));
    }

    #[test]
    fn bad_hints_are_errors() {
        let coords = shapes::straight(shapes::ORIGIN_EN, 0.0, 200.0);
        assert!(choose_direction(
            &coords,
            &DirectionHint::Radial {
                centre: [f64::NAN, 0.0]
            }
        )
        .is_err());
        assert!(choose_direction(&coords, &DirectionHint::AlleyFrom { parent: vec![] }).is_err());
    }
}
