//! Which houses a street numbers: those near it for which the corner rule (Circular
//! 08/2024, Art. 6) picks this street among the streets about as near.

use std::sync::Arc;

use serde_json::Value;

use super::Street;
use crate::numbering::{choose_street, StreetChoice};
use crate::place::Place;

/// A second street counts for the corner rule when it passes within this many metres more
/// than the nearest street.
pub const CORNER_SLACK_M: f64 = 10.0;

/// A house standing near a street, with the active streets near it, nearest first (as
/// [`StreetIndex::near`](super::StreetIndex::near) gives them) and their distance in metres.
#[derive(Debug, Clone)]
pub struct NearbyHouse {
    pub place: Place,
    pub streets_near: Vec<(Arc<Street>, f64)>,
}

/// A house a street numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetHouse {
    pub place: Place,
    /// For a corner house: the rule that gave it this street over the others near it.
    pub corner_rule: Option<String>,
}

/// The houses a street numbers, and the nearby ones the corner rule gives to another street.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreetHouses {
    pub houses: Vec<StreetHouse>,
    /// Location codes of the houses numbered on another street.
    pub elsewhere: Vec<String>,
}

/// Sorts the houses near street `street_id` into those it numbers and those another street
/// takes by the corner rule (Circular 08/2024, Art. 6).
pub fn houses_on_street(street_id: &str, nearby: Vec<NearbyHouse>) -> StreetHouses {
    let mut sorted = StreetHouses::default();
    for NearbyHouse {
        place,
        mut streets_near,
    } in nearby
    {
        // A corner house fronts two streets: only streets about as near as the nearest
        // one compete for it (a house deep in an alley is not on the avenue 40 m away).
        if let Some(nearest) = streets_near.first().map(|(_, d)| *d) {
            streets_near.retain(|(_, d)| *d <= nearest + CORNER_SLACK_M);
        }
        let main_door = place
            .attributes
            .get("main_door_street")
            .and_then(Value::as_str);
        let choices: Vec<StreetChoice> = streets_near
            .iter()
            .map(|(s, d)| StreetChoice {
                street_id: s.id.clone(),
                width_m: s.width_m,
                main_door: main_door == Some(s.id.as_str()),
                already_numbered: s.already_numbered,
                distance_m: *d,
            })
            .collect();
        match choose_street(&choices) {
            Some((i, rule)) if choices[i].street_id == street_id => {
                // The rule is worth showing only when another street competed.
                let corner_rule = (choices.len() > 1).then(|| {
                    serde_json::to_value(rule)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                });
                sorted.houses.push(StreetHouse { place, corner_rule });
            }
            Some(_) => sorted.elsewhere.push(place.code.to_string()),
            None => {}
        }
    }
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::street::fixtures::{house, street};

    #[test]
    fn a_corner_house_goes_to_the_wider_street_and_a_far_street_does_not_compete() {
        let avenue = Arc::new(street());
        let lane = Arc::new(Street {
            id: "st-ngangnho01".into(),
            width_m: 6.0,
            ..street()
        });
        let corner = house(8.0, 40.0);
        let deep = house(30.0, 0.0);
        let nearby = vec![
            NearbyHouse {
                place: corner.clone(),
                streets_near: vec![(lane.clone(), 6.0), (avenue.clone(), 8.0)],
            },
            // 25 m from the lane, 38 m from the avenue: beyond the slack, the avenue does not compete.
            NearbyHouse {
                place: deep.clone(),
                streets_near: vec![(lane.clone(), 25.0), (avenue.clone(), 38.0)],
            },
        ];
        let on_avenue = houses_on_street(&avenue.id, nearby.clone());
        assert_eq!(on_avenue.houses.len(), 1);
        assert_eq!(on_avenue.houses[0].place, corner);
        assert_eq!(
            on_avenue.houses[0].corner_rule.as_deref(),
            Some("larger_cross_section")
        );
        assert_eq!(on_avenue.elsewhere, [deep.code.to_string()]);

        let on_lane = houses_on_street(&lane.id, nearby);
        assert_eq!(on_lane.houses.len(), 1);
        assert_eq!(on_lane.houses[0].place, deep);
        assert_eq!(
            on_lane.houses[0].corner_rule, None,
            "nothing competed for it"
        );
        assert_eq!(on_lane.elsewhere, [corner.code.to_string()]);
    }
}
