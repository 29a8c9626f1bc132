//! Which street a corner house is numbered on (Circular 08/2024, Art. 6).

use serde::{Deserialize, Serialize};

/// Two cross-sections closer than this (metres) count as equal, because
/// surveyed widths of the same road class differ by about that much.
pub const WIDTH_TOLERANCE_M: f64 = 0.5;

/// One street a corner house fronts on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetChoice {
    /// The street's id in the registry.
    pub street_id: String,
    /// The street's cross-section (carriageway + pavements), metres.
    pub width_m: f64,
    /// True when the house's main door opens onto this street.
    pub main_door: bool,
    /// True when this street is already numbered.
    pub already_numbered: bool,
    /// Metres from the house to this street (last-resort tie-break).
    pub distance_m: f64,
}

/// The rule that settled a corner house's street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CornerRule {
    /// Only one street was offered.
    OnlyStreet,
    /// One street is wider than the others (by more than 0.5 m).
    LargerCrossSection,
    /// Among the widest, the main door opens onto one.
    MainDoor,
    /// Among those left, only one is already numbered.
    AlreadyNumbered,
    /// Nothing else decided: the nearest street (then the smallest id).
    Nearest,
}

/// A yes/no property of a street that can narrow the candidates.
type Criterion = fn(&StreetChoice) -> bool;

/// Chooses the street a corner house takes its number from; returns the
/// index into `choices` and the rule that decided, or `None` if empty.
///
/// The rules apply in turn, each narrowing the candidates: the larger
/// cross-section (widths within 0.5 m of the widest count as equal, measured
/// from the widest so the test is not chained), then the main door, then
/// the street already numbered, then the nearest (`distance_m`, metres),
/// then the smallest `street_id`, so the answer is always deterministic. The
/// reported rule is the one that left a single candidate. A non-finite width
/// counts as 0 m and a non-finite distance as infinitely far.
///
/// ```
/// use diachiso::numbering::{choose_street, CornerRule, StreetChoice};
/// let s = |id: &str, width_m: f64, main_door: bool| StreetChoice {
///     street_id: id.into(), width_m, main_door, already_numbered: false, distance_m: 5.0,
/// };
/// // 13 m beats 7.5 m even though the door faces the smaller street.
/// let pick = choose_street(&[s("ngo-5", 7.5, true), s("nguyen-van-linh", 13.0, false)]);
/// assert_eq!(pick, Some((1, CornerRule::LargerCrossSection)));
/// ```
pub fn choose_street(choices: &[StreetChoice]) -> Option<(usize, CornerRule)> {
    match choices.len() {
        0 => return None,
        1 => return Some((0, CornerRule::OnlyStreet)),
        _ => {}
    }
    let width = |c: &StreetChoice| {
        if c.width_m.is_finite() {
            c.width_m
        } else {
            0.0
        }
    };
    let widest = choices.iter().map(width).fold(f64::NEG_INFINITY, f64::max);
    let mut candidates: Vec<usize> = (0..choices.len())
        .filter(|&i| width(&choices[i]) >= widest - WIDTH_TOLERANCE_M)
        .collect();
    if candidates.len() == 1 {
        return Some((candidates[0], CornerRule::LargerCrossSection));
    }
    let narrowers: [(Criterion, CornerRule); 2] = [
        (|c| c.main_door, CornerRule::MainDoor),
        (|c| c.already_numbered, CornerRule::AlreadyNumbered),
    ];
    for (keep, rule) in narrowers {
        let kept: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| keep(&choices[i]))
            .collect();
        // A criterion nobody (or everybody) meets says nothing.
        if !kept.is_empty() {
            candidates = kept;
        }
        if candidates.len() == 1 {
            return Some((candidates[0], rule));
        }
    }
    let distance = |c: &StreetChoice| {
        if c.distance_m.is_finite() {
            c.distance_m
        } else {
            f64::INFINITY
        }
    };
    candidates
        .into_iter()
        .min_by(|&a, &b| {
            distance(&choices[a])
                .total_cmp(&distance(&choices[b]))
                .then_with(|| choices[a].street_id.cmp(&choices[b].street_id))
        })
        .map(|i| (i, CornerRule::Nearest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn street(
        id: &str, width_m: f64, main_door: bool, already_numbered: bool, distance_m: f64,
    ) -> StreetChoice {
        StreetChoice {
            street_id: id.to_string(),
            width_m,
            main_door,
            already_numbered,
            distance_m,
        }
    }

    #[test]
    fn art_corner_house_takes_larger_cross_section() {
        // The door and the existing numbering both favour the alley, but the
        // 16 m street is wider by more than 0.5 m.
        let choices = [
            street("ngo-12", 6.0, true, true, 3.0),
            street("pho-chua-chuong", 16.0, false, false, 8.0),
        ];
        assert_eq!(
            choose_street(&choices),
            Some((1, CornerRule::LargerCrossSection))
        );
    }

    #[test]
    fn art_corner_house_takes_main_door_when_widths_equal() {
        // 12.0 and 12.4 m are equal within 0.5 m; the door decides.
        let choices = [
            street("a", 12.4, false, true, 2.0),
            street("b", 12.0, true, false, 9.0),
            street("c", 4.0, true, true, 1.0),
        ];
        assert_eq!(choose_street(&choices), Some((1, CornerRule::MainDoor)));
    }

    #[test]
    fn art_corner_house_takes_already_numbered_street() {
        // Equal widths, both doors (a corner shop): the numbered street wins.
        let choices = [
            street("a", 10.0, true, false, 1.0),
            street("b", 10.3, true, true, 6.0),
        ];
        assert_eq!(
            choose_street(&choices),
            Some((1, CornerRule::AlreadyNumbered))
        );
    }

    #[test]
    fn ties_fall_back_to_nearest_then_id() {
        let choices = [
            street("b", 10.0, false, false, 4.0),
            street("a", 10.0, false, false, 4.0),
        ];
        assert_eq!(choose_street(&choices), Some((1, CornerRule::Nearest)));
        let choices = [
            street("b", 10.0, false, false, 3.0),
            street("a", 10.0, false, false, 4.0),
        ];
        assert_eq!(choose_street(&choices), Some((0, CornerRule::Nearest)));
    }

    #[test]
    fn tolerance_is_measured_from_the_widest() {
        // 10.0 is within 0.5 of 10.4, 9.8 is not within 0.5 of 10.4 (0.6):
        // not chained through 10.0.
        let choices = [
            street("x", 9.8, true, false, 1.0),
            street("y", 10.0, false, false, 1.0),
            street("z", 10.4, false, false, 2.0),
        ];
        assert_eq!(choose_street(&choices), Some((1, CornerRule::Nearest)));
    }

    #[test]
    fn empty_and_single() {
        assert_eq!(choose_street(&[]), None);
        assert_eq!(
            choose_street(&[street("a", f64::NAN, false, false, 1.0)]),
            Some((0, CornerRule::OnlyStreet))
        );
    }
}
