//! Proposing a numbering plan from plain data: the numbers the engine gives the street's
//! houses, what changes for each, the numbers reserved for vacant frontage, and the alleys
//! renamed after the house before their entrance.
//!
//! The registry reads the street, its houses (see [`houses_on_street`](super::houses_on_street))
//! and its alleys; every decision from there on is made here, so it is tested without a store.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::plan::{
    HouseGroup, NumberingPlan, PlanAlley, PlanError, PlanHouse, PlanReserved, PlanRules,
    PlanStatus, NUMBERING_ATTRIBUTE,
};
use super::street_houses::{StreetHouse, StreetHouses};
use super::{Street, StreetStatus};
use crate::numbering::{
    self, alley_entrance, alley_number, Frontage, HouseNumber, Rules, StreetLine,
};
use crate::place::Place;

/// Everything a plan is computed from.
#[derive(Debug, Clone)]
pub struct ProposalInput<'a> {
    /// The new plan's id (the registry draws a random one).
    pub id: String,
    pub street: &'a Street,
    /// How a house on the street is written without its number ("ngõ 5, phố Nguyễn Văn
    /// Linh"): a house whose text differs changes even when its number stays.
    pub street_text: &'a str,
    pub houses: &'a StreetHouses,
    /// The streets leaving from this one; the active unnamed ones are named after the
    /// house before their entrance.
    pub alleys: &'a [Arc<Street>],
    pub rules: PlanRules,
    /// Who proposes, as the log writes it.
    pub proposed_by: String,
    pub at: DateTime<Utc>,
}

/// Computes a draft plan: a number for every house, the numbers reserved for vacant
/// frontage, and the alleys' new names.
pub fn propose(input: ProposalInput<'_>) -> Result<NumberingPlan, PlanError> {
    let ProposalInput {
        id,
        street,
        street_text,
        houses,
        alleys,
        rules,
        proposed_by,
        at,
    } = input;
    let group = rules.house_group;
    let line = StreetLine::new(&street.line, street.numbering_direction)
        .map_err(|e| PlanError::invalid("/geometry", e.to_string()))?;
    let frontages: Vec<Frontage> = houses
        .houses
        .iter()
        .map(|h| Frontage {
            id: h.place.code.to_string(),
            lon: h.place.lon,
            lat: h.place.lat,
            existing: existing_number_on(&h.place, street, group),
        })
        .collect();
    let outcome = numbering::number_street(
        &line,
        &frontages,
        &Rules {
            suffix_style: rules.suffix_style,
            reserve_every_m: rules.reserve_every_m,
            renumber_all: rules.renumber_all,
        },
    )
    .map_err(|e| PlanError::invalid("/", e.to_string()))?;
    if group.is_some()
        && outcome
            .assignments
            .iter()
            .any(|a| a.number.suffix().is_some())
    {
        return Err(PlanError::invalid(
            "/house_group",
            "an infill number (20A, 20-1) cannot be written in a house group: renumber the group (renumber_all: true)",
        ));
    }
    let by_code: HashMap<String, &StreetHouse> = houses
        .houses
        .iter()
        .map(|h| (h.place.code.to_string(), h))
        .collect();
    let mut plan_houses: Vec<PlanHouse> = outcome
        .assignments
        .iter()
        .filter_map(|a| {
            let house = by_code.get(&a.id)?;
            let new_number = match group {
                None => a.number.to_string(),
                Some(g) => group_number(g, a.number)?,
            };
            let old_number = house.place.address.house_number.clone();
            let changed = old_number.as_deref() != Some(new_number.as_str())
                || house.place.address.street.as_deref() != Some(street_text);
            Some(PlanHouse {
                code: a.id.clone(),
                place_version: house.place.version,
                side: a.side,
                chainage_m: to_decimetre(a.chainage_m),
                old_number,
                new_number,
                reason: a.reason.code().to_owned(),
                reason_text: a.reason.description().to_owned(),
                changed,
                corner_rule: house.corner_rule.clone(),
            })
        })
        .collect();
    plan_houses.sort_by(|a, b| {
        (a.side as u8, a.chainage_m)
            .partial_cmp(&(b.side as u8, b.chainage_m))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let reserved = outcome
        .reserved
        .iter()
        .map(|r| PlanReserved {
            side: r.side,
            number: r.number.to_string(),
            chainage_m: to_decimetre(r.chainage_m),
        })
        .collect();
    let alleys = alleys
        .iter()
        .filter(|s| {
            s.parent_id.as_deref() == Some(street.id.as_str())
                && s.status == StreetStatus::Active
                && s.name.is_none()
        })
        .filter_map(|alley| {
            let entrance = alley_entrance(&line, &alley.line).ok()?;
            Some(PlanAlley {
                street_id: alley.id.clone(),
                street_version: alley.version,
                old_number: alley.entrance_number.clone(),
                new_number: alley_number(&outcome, &entrance).to_string(),
            })
        })
        .collect();
    Ok(NumberingPlan {
        id,
        street_id: street.id.clone(),
        street_version: street.version,
        status: PlanStatus::Draft,
        rules,
        houses: plan_houses,
        reserved,
        alleys,
        corner_houses_elsewhere: houses.elsewhere.clone(),
        proposed_by,
        proposed_at: at,
        decided_by: None,
        decided_at: None,
        decision_reason: None,
    })
}

/// Chainages are shown to the decimetre: the survey is not more precise than that.
fn to_decimetre(m: f64) -> f64 {
    (m * 10.0).round() / 10.0
}

/// The existing number of a house on this street: its number counts when an approved plan
/// put it on this street, or (never planned) when its street text names this street.
fn existing_number_on(
    place: &Place, street: &Street, group: Option<HouseGroup>,
) -> Option<HouseNumber> {
    let written = place.address.house_number.as_deref()?;
    let number = match group {
        // In a house group the plates read A10 / BL.A-10: the number within the group counts.
        Some(g) => numbering::GroupNumber::parse(written)
            .ok()
            .filter(|(n, _)| n.group() == g.letter.to_ascii_uppercase())
            .and_then(|(n, _)| HouseNumber::new(u32::from(n.number())).ok())?,
        None => written.parse().ok()?,
    };
    match place.attributes.get(NUMBERING_ATTRIBUTE) {
        Some(n) => (n["street_id"].as_str() == Some(street.id.as_str())).then_some(number),
        None => {
            let text = crate::text::fold(place.address.street.as_deref()?);
            let own = crate::text::fold(&street.display_name());
            let bare = street.name.as_deref().map(crate::text::fold);
            (text.starts_with(&own) || bare.is_some_and(|b| text == b)).then_some(number)
        }
    }
}

/// A number written in a house group; `None` for an infill suffix, which a group cannot carry
/// (such a house is left out of the plan, see `PlanRequest::house_group`).
fn group_number(g: HouseGroup, n: HouseNumber) -> Option<String> {
    if n.suffix().is_some() {
        return None;
    }
    let number = u16::try_from(n.base()).ok()?;
    numbering::GroupNumber::new(g.letter, number)
        .ok()
        .map(|n| n.format(g.style))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbering::{GroupStyle, Side};
    use crate::street::fixtures::{alley, commune_rules, house, numbered, on_street, street, t};
    use crate::street::PlanRequest;

    fn plan_for(
        street: &Street, houses: &StreetHouses, alleys: &[Arc<Street>], request: PlanRequest,
    ) -> Result<NumberingPlan, PlanError> {
        propose(ProposalInput {
            id: "np-testplan01".into(),
            street,
            street_text: &street.display_name(),
            houses,
            alleys,
            rules: request.rules(street, &commune_rules(None)),
            proposed_by: "token:1:editor".into(),
            at: t(9),
        })
    }

    fn number_of(plan: &NumberingPlan, place: &Place) -> String {
        let code = place.code.to_string();
        plan.houses
            .iter()
            .find(|h| h.code == code)
            .map(|h| h.new_number.clone())
            .unwrap_or_else(|| panic!("{code} is not in the plan"))
    }

    #[test]
    fn a_fresh_street_is_numbered_odd_on_the_left_and_even_on_the_right_from_its_start() {
        let street = street();
        // Numbered southwards, so east is the left side.
        let east: Vec<Place> = [90.0, 30.0, -30.0]
            .iter()
            .map(|n| house(12.0, *n))
            .collect();
        let west: Vec<Place> = [60.0, 0.0, -90.0]
            .iter()
            .map(|n| house(-12.0, *n))
            .collect();
        let houses = on_street(east.iter().chain(&west).cloned().collect());
        let plan = plan_for(&street, &houses, &[], PlanRequest::default()).expect("a plan");

        let numbers: Vec<String> = east
            .iter()
            .chain(&west)
            .map(|p| number_of(&plan, p))
            .collect();
        assert_eq!(numbers, ["1", "3", "5", "2", "4", "6"]);
        let sides: Vec<Side> = plan.houses.iter().map(|h| h.side).collect();
        assert_eq!(
            sides,
            [
                Side::Left,
                Side::Left,
                Side::Left,
                Side::Right,
                Side::Right,
                Side::Right
            ]
        );
        assert!(plan
            .houses
            .windows(2)
            .all(|w| w[0].side != w[1].side || w[0].chainage_m <= w[1].chainage_m));
        assert!(
            (plan.houses[0].chainage_m - 30.0).abs() < 0.5,
            "{:?}",
            plan.houses[0]
        );
        assert!(plan
            .houses
            .iter()
            .all(|h| h.changed && h.place_version == 1));
        assert_eq!(plan.change_count(), 6);
        assert_eq!(
            (plan.status, plan.street_version, plan.proposed_at),
            (PlanStatus::Draft, 3, t(9))
        );
    }

    #[test]
    fn keep_mode_keeps_consistent_numbers_and_fits_new_houses_around_them() {
        let street = street();
        let one = numbered(house(10.0, 100.0), "1");
        let three = numbered(house(10.0, 90.0), "3");
        let between = house(10.0, 95.0);
        let beyond = house(10.0, 20.0);
        let houses = on_street(vec![
            one.clone(),
            three.clone(),
            between.clone(),
            beyond.clone(),
        ]);

        let kept = plan_for(&street, &houses, &[], PlanRequest::default()).expect("a plan");
        assert_eq!(
            [&one, &three, &between, &beyond].map(|p| number_of(&kept, p)),
            ["1", "3", "1A", "5"]
        );
        let unchanged: Vec<&str> = kept
            .houses
            .iter()
            .filter(|h| !h.changed)
            .map(|h| h.new_number.as_str())
            .collect();
        assert_eq!(unchanged, ["1", "3"]);

        let request = PlanRequest {
            renumber_all: true,
            ..PlanRequest::default()
        };
        let fresh = plan_for(&street, &houses, &[], request).expect("a plan");
        assert_eq!(
            [&one, &between, &three, &beyond].map(|p| number_of(&fresh, p)),
            ["1", "3", "5", "7"]
        );
    }

    #[test]
    fn a_number_written_on_another_street_is_not_kept() {
        let street = street();
        let mut elsewhere = numbered(house(10.0, 60.0), "7");
        elsewhere.address.street = Some("phố Lê Lợi".into());
        let plan = plan_for(
            &street,
            &on_street(vec![elsewhere.clone()]),
            &[],
            PlanRequest::default(),
        )
        .expect("a plan");
        assert_eq!(number_of(&plan, &elsewhere), "1");
        assert_eq!(plan.houses[0].old_number.as_deref(), Some("7"));
        assert!(plan.houses[0].changed);
    }

    #[test]
    fn an_unnamed_alley_is_named_after_the_house_before_its_entrance() {
        let street = street();
        let houses = on_street(vec![house(12.0, 90.0), house(12.0, 30.0)]);
        let ngo = alley("st-ngothu0001", &street, 50.0);
        let mut named = alley("st-ngocoten01", &street, 10.0);
        named.name = Some("Hoà Bình".into());
        let other_parent = Street {
            parent_id: Some("st-otherstree".into()),
            ..alley("st-ngokhac001", &street, 50.0)
        };
        let alleys = [ngo, named, other_parent].map(Arc::new);
        let plan = plan_for(&street, &houses, &alleys, PlanRequest::default()).expect("a plan");
        assert_eq!(
            plan.alleys,
            [PlanAlley {
                street_id: "st-ngothu0001".into(),
                street_version: 1,
                old_number: None,
                new_number: "1".into(),
            }]
        );
    }

    #[test]
    fn a_house_group_writes_lettered_numbers_and_refuses_infill() {
        let street = street();
        let houses = on_street(vec![house(12.0, 90.0), house(-12.0, 60.0)]);
        let group = |style| PlanRequest {
            house_group: Some(HouseGroup { letter: 'b', style }),
            ..PlanRequest::default()
        };
        let plan = plan_for(&street, &houses, &[], group(GroupStyle::Block)).expect("a plan");
        let numbers: Vec<&str> = plan.houses.iter().map(|h| h.new_number.as_str()).collect();
        assert_eq!(numbers, ["BL.B-1", "BL.B-2"]);

        let one = numbered(house(10.0, 100.0), "B1");
        let three = numbered(house(10.0, 90.0), "B3");
        let between = house(10.0, 95.0);
        let houses = on_street(vec![one, three, between]);
        let err = plan_for(&street, &houses, &[], group(GroupStyle::Compact)).expect_err("infill");
        assert!(
            matches!(
                err,
                PlanError::Invalid {
                    field: "/house_group",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_street_whose_line_has_one_point_gives_no_plan() {
        let mut street = street();
        street.line = vec![street.line[0], street.line[0]];
        let err = plan_for(
            &street,
            &StreetHouses::default(),
            &[],
            PlanRequest::default(),
        )
        .expect_err("a degenerate line");
        assert!(
            matches!(
                err,
                PlanError::Invalid {
                    field: "/geometry",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
