//! Apartment numbers: floor–unit (`25-06`), Circular 08/2024, Art. 13.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// An apartment's number: floor (from 1, basements excluded) and unit on the floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitNumber {
    floor: u16,
    unit: u16,
}

impl UnitNumber {
    /// Floor `1..` and unit `1..`.
    pub fn new(floor: u16, unit: u16) -> Result<Self> {
        if floor == 0 || unit == 0 {
            return Err(Error::InvalidUnitNumber {
                input: format!("{floor}-{unit}"),
                reason: "floor and unit start at 1",
            });
        }
        Ok(Self { floor, unit })
    }

    /// The floor, 1 = ground floor.
    pub fn floor(self) -> u16 {
        self.floor
    }

    /// The unit on its floor, 1 = first clockwise from the main access.
    pub fn unit(self) -> u16 {
        self.unit
    }
}

impl fmt::Display for UnitNumber {
    /// Both parts padded to at least two digits (`03-12`, `25-06`, `105-03`)
    /// so that numbers sort and read alike on every floor.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.floor, self.unit)
    }
}

impl FromStr for UnitNumber {
    type Err = Error;

    /// Accepts `25-06`, `3-12` or `03-12` (padding optional), surrounding spaces ignored.
    fn from_str(input: &str) -> Result<Self> {
        let bad = |reason| Error::InvalidUnitNumber {
            input: input.to_string(),
            reason,
        };
        let (floor, unit) = input
            .trim()
            .split_once('-')
            .ok_or_else(|| bad("expected floor-unit"))?;
        let part = |s: &str| {
            if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("floor and unit must be numbers"));
            }
            s.parse::<u16>().map_err(|_| bad("number too large"))
        };
        UnitNumber::new(part(floor)?, part(unit)?).map_err(|_| bad("floor and unit start at 1"))
    }
}

super::text_conversions!(UnitNumber);

/// One apartment to number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitPosition {
    /// Storey: 1 = ground floor, 0 and below = basements.
    pub floor: i32,
    /// Bearing from the floor's main access core (stairs/lifts) to the unit's
    /// door, degrees clockwise from north.
    pub bearing_deg: f64,
}

/// Numbers apartments floor by floor; basements (floor < 1) get `None`.
///
/// On each floor units are ordered clockwise by `(bearing − access_bearing)
/// mod 360` and numbered from 1 (ties keep the input order). Interpretation
/// of "the first unit on the left of the main access": `access_bearing_deg`
/// is the bearing from the access core towards the main entrance; a person
/// coming in from there faces the opposite way, and turning clockwise from
/// the entrance (on a north-up plan) first passes the units on their left.
/// Floors above 65 535 also get `None` (they cannot be written).
///
/// ```
/// use diachiso::numbering::{number_units, UnitPosition};
/// // Entrance to the south (180°); four units at the compass points, plus a basement.
/// let u = |floor, bearing_deg| UnitPosition { floor, bearing_deg };
/// let units = [u(25, 0.0), u(25, 90.0), u(25, 180.0), u(25, 270.0), u(-1, 270.0)];
/// let got: Vec<String> = number_units(&units, 180.0)
///     .iter()
///     .map(|n| n.map_or("-".to_string(), |n| n.to_string()))
///     .collect();
/// // Clockwise from south: south (at the entrance), west, north, east.
/// assert_eq!(got, ["25-03", "25-04", "25-01", "25-02", "-"]);
/// ```
pub fn number_units(units: &[UnitPosition], access_bearing_deg: f64) -> Vec<Option<UnitNumber>> {
    let mut out = vec![None; units.len()];
    let mut floors: Vec<u16> = units.iter().filter_map(|u| storey(u.floor)).collect();
    floors.sort_unstable();
    floors.dedup();
    for floor in floors {
        let mut on_floor: Vec<usize> = (0..units.len())
            .filter(|&i| storey(units[i].floor) == Some(floor))
            .collect();
        let turn = |i: usize| (units[i].bearing_deg - access_bearing_deg).rem_euclid(360.0);
        // Stable sort: equal bearings keep the input order.
        on_floor.sort_by(|&a, &b| turn(a).total_cmp(&turn(b)));
        for (k, i) in on_floor.into_iter().enumerate() {
            let unit = u16::try_from(k + 1).ok();
            out[i] = unit.and_then(|unit| UnitNumber::new(floor, unit).ok());
        }
    }
    out
}

/// A writable floor number, or `None` for basements and absurd storeys.
fn storey(floor: i32) -> Option<u16> {
    u16::try_from(floor).ok().filter(|&f| f >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(floor: i32, bearing_deg: f64) -> UnitPosition {
        UnitPosition { floor, bearing_deg }
    }

    fn show(v: &[Option<UnitNumber>]) -> Vec<String> {
        v.iter()
            .map(|n| n.map_or("-".to_string(), |n| n.to_string()))
            .collect()
    }

    #[test]
    fn art_apartment_floor_unit() {
        // Access from the east (90°). Units on floors 3 and 25 at bearings
        // 100° (just clockwise of the access: first), 200°, 350°, 80°
        // (just anticlockwise: last).
        let units = [
            u(3, 350.0),
            u(3, 100.0),
            u(3, 80.0),
            u(3, 200.0),
            u(25, 80.0),
            u(25, 100.0),
        ];
        let got = show(&number_units(&units, 90.0));
        assert_eq!(got, ["03-03", "03-01", "03-04", "03-02", "25-02", "25-01"]);
        assert_eq!(UnitNumber::new(25, 6).unwrap().to_string(), "25-06");
        assert_eq!("3-12".parse::<UnitNumber>().unwrap().to_string(), "03-12");
        assert_eq!(
            " 25-06 ".parse::<UnitNumber>().unwrap(),
            UnitNumber::new(25, 6).unwrap()
        );
        assert_eq!(UnitNumber::new(105, 3).unwrap().to_string(), "105-03");
    }

    #[test]
    fn art_basement_has_no_unit_number() {
        let units = [u(0, 10.0), u(-2, 20.0), u(1, 30.0)];
        let got = number_units(&units, 0.0);
        assert_eq!(got[0], None);
        assert_eq!(got[1], None);
        assert_eq!(got[2], Some(UnitNumber::new(1, 1).unwrap()));
    }

    #[test]
    fn negative_and_wrapping_bearings() {
        // -10° is 350°: after 0° and 180° when the access is at 0°.
        let got = show(&number_units(
            &[u(1, -10.0), u(1, 180.0), u(1, 0.0), u(1, 0.0)],
            0.0,
        ));
        assert_eq!(got, ["01-04", "01-03", "01-01", "01-02"]);
    }

    #[test]
    fn rejects_malformed_units() {
        for bad in [
            "",
            "25",
            "0-1",
            "1-0",
            "a-1",
            "1-",
            "-1",
            "1-2-3",
            "99999999-1",
        ] {
            assert!(bad.parse::<UnitNumber>().is_err(), "{bad:?}");
        }
    }
}
