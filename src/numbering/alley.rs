//! Naming and numbering an unnamed alley (ngõ) after the street house before
//! its entrance; a ngách is the same relation one level down (ngõ as parent).

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::line::StreetLine;
use super::local_frame::frame_for_line;
use super::number::HouseNumber;
use super::plan::NumberingOutcome;
use super::side::Side;

/// Where an alley leaves its parent street.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlleyEntrance {
    /// Metres along the parent street (from its numbering start) to the entrance.
    pub chainage_m: f64,
    /// The parent street's side the alley leaves from, facing its numbering direction.
    pub side: Side,
}

/// Finds where an alley drawn as `alley_coords` (`[lon, lat]`, WGS84
/// degrees, any drawn order) meets `parent`.
///
/// The entrance is the alley's end nearer the parent line; its side is the
/// side of the alley's next vertex (the one after that end), because the
/// end itself usually lies on the street's centre line.
///
/// Errors: invalid alley coordinates, or an alley whose every vertex lies on
/// the parent line (it never leaves it, so it has no side).
///
/// ```
/// use diachiso::numbering::{alley_entrance, Direction, Side, StreetLine};
/// // Parent numbered north → south along lon 106.05 (lon, lat).
/// let street = StreetLine::new(&[[106.05, 20.651], [106.05, 20.649]], Direction::Forward).unwrap();
/// // An alley leaving eastwards at lat 20.6505 (≈ 55.6 m from the start).
/// let e = alley_entrance(&street, &[[106.0508, 20.6505], [106.05, 20.6505]]).unwrap();
/// assert!((e.chainage_m - 55.6).abs() < 0.2);
/// assert_eq!(e.side, Side::Left); // facing south, east is left
/// ```
pub fn alley_entrance(parent: &StreetLine, alley_coords: &[[f64; 2]]) -> Result<AlleyEntrance> {
    frame_for_line(alley_coords)?;
    let first = alley_coords[0];
    let last = alley_coords[alley_coords.len() - 1];
    let (end, rest): (_, Vec<[f64; 2]>) =
        if parent.distance_m(first[0], first[1]) <= parent.distance_m(last[0], last[1]) {
            (first, alley_coords[1..].to_vec())
        } else {
            (
                last,
                alley_coords[..alley_coords.len() - 1]
                    .iter()
                    .rev()
                    .copied()
                    .collect(),
            )
        };
    let at_end = parent.project(end[0], end[1]);
    // The next vertex that is not on the parent line itself decides the side.
    let next = rest
        .iter()
        .find(|p| parent.distance_m(p[0], p[1]) > 1e-3)
        .ok_or(Error::TooFewVertices(1))?;
    Ok(AlleyEntrance {
        chainage_m: at_end.chainage_m,
        side: parent.project(next[0], next[1]).side,
    })
}

/// The number an alley is known by: the number (assigned or reserved) on
/// the entrance's side with the greatest chainage at or before the
/// entrance (ties: the larger number), else that side's first number (1 or
/// 2). Houses inside are then numbered by the same rules, with a line built
/// from [`DirectionHint::AlleyFrom`](super::DirectionHint::AlleyFrom).
///
/// ```
/// use diachiso::numbering::{alley_number, AlleyEntrance, NumberingOutcome, Side};
/// let nothing_before = NumberingOutcome::default();
/// let e = AlleyEntrance { chainage_m: 12.0, side: Side::Right };
/// assert_eq!(alley_number(&nothing_before, &e).to_string(), "2");
/// ```
pub fn alley_number(parent_outcome: &NumberingOutcome, entrance: &AlleyEntrance) -> HouseNumber {
    // A millimetre of slack: an alley drawn from a house's own foot point is "at" it.
    let limit = entrance.chainage_m + 1e-3;
    let assigned = parent_outcome
        .assignments
        .iter()
        .filter(|a| a.side == entrance.side && a.chainage_m <= limit)
        .map(|a| (a.chainage_m, a.number));
    let reserved = parent_outcome
        .reserved
        .iter()
        .filter(|r| r.side == entrance.side && r.chainage_m <= limit)
        .map(|r| (r.chainage_m, r.number));
    assigned
        .chain(reserved)
        .max_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
        .map(|(_, n)| n)
        .unwrap_or_else(|| first_number(entrance.side))
}

fn first_number(side: Side) -> HouseNumber {
    match HouseNumber::new(side.first_number()) {
        Ok(n) => n,
        Err(_) => unreachable!("1 and 2 are valid house numbers"),
    }
}
