//! Deciding a numbering plan from plain data: the province approves a draft (its numbers,
//! street texts and alley names applied) or rejects it (nothing applied). An approval is
//! refused when the street, an alley or a house changed since the plan was computed, because
//! the plan's numbers were chosen for what they were then.
//!
//! The registry reads the plan and the current street, alleys and houses, calls [`decide`],
//! and commits what it returns in one transaction; nothing here needs a store.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::plan::{NumberingPlan, PlanError, PlanStatus, NUMBERING_ATTRIBUTE};
use super::{DirectionSetting, Street, StreetStatus};
use crate::numbering::{Direction, DirectionRule};
use crate::place::Place;

/// The province's decision on a draft plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    Reject,
}

/// What the store holds now of what a plan was computed from.
#[derive(Debug, Clone, Copy)]
pub struct CurrentState<'a> {
    pub street: &'a Street,
    /// How a house on the street is written now, without its number.
    pub street_text: &'a str,
    /// The plan's alleys as stored now (only an approval reads them).
    pub alleys: &'a [Street],
    /// The plan's houses as stored now (only an approval reads them).
    pub houses: &'a [Place],
}

/// A new version of a street that a decision writes.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetRevision {
    pub before: Street,
    pub after: Street,
    /// Why, as the street's event says it.
    pub reason: String,
}

/// A new version of a house that a decision writes.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseRevision {
    pub before: Place,
    pub after: Place,
    /// Why, as the place's event says it.
    pub reason: String,
}

/// A decided plan and the writes its decision makes, in the order they are committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub plan: NumberingPlan,
    /// Renamed alleys first (the houses' street texts use the new names), then the street
    /// itself when its direction becomes kept.
    pub streets: Vec<StreetRevision>,
    pub houses: Vec<HouseRevision>,
}

/// Refuses a plan that is already decided.
pub fn ensure_draft(plan: &NumberingPlan) -> Result<(), PlanError> {
    if plan.status == PlanStatus::Draft {
        Ok(())
    } else {
        Err(PlanError::Transition(format!(
            "the plan is already {}",
            plan.status.as_str()
        )))
    }
}

/// Refuses to apply a plan to a street that changed (or was retired) since it was computed.
pub fn ensure_street_unchanged(plan: &NumberingPlan, street: &Street) -> Result<(), PlanError> {
    if street.version != plan.street_version || street.status != StreetStatus::Active {
        return Err(PlanError::Stale(format!(
            "the street changed since the plan was computed (version {} → {}); propose a new plan",
            plan.street_version, street.version
        )));
    }
    Ok(())
}

/// Decides a draft plan at `at`: records the decision on the plan and, for an approval, every
/// alley, street and house version it writes. A rejection writes nothing but the plan.
pub fn decide(
    mut plan: NumberingPlan, verdict: Verdict, current: &CurrentState<'_>, decided_by: &str,
    reason: Option<String>, at: DateTime<Utc>,
) -> Result<Decision, PlanError> {
    ensure_draft(&plan)?;
    plan.status = match verdict {
        Verdict::Approve => PlanStatus::Approved,
        Verdict::Reject => PlanStatus::Rejected,
    };
    plan.decided_by = Some(decided_by.to_owned());
    plan.decided_at = Some(at);
    plan.decision_reason = reason;
    if verdict == Verdict::Reject {
        return Ok(Decision {
            plan,
            streets: Vec::new(),
            houses: Vec::new(),
        });
    }
    ensure_street_unchanged(&plan, current.street)?;
    let mut streets = renamed_alleys(&plan, current.alleys, at)?;
    streets.extend(direction_kept(&plan, current.street, at));
    let houses = renumbered_houses(&plan, current, at)?;
    Ok(Decision {
        plan,
        streets,
        houses,
    })
}

/// The plan's alleys whose entrance number changes, each checked against its version.
fn renamed_alleys(
    plan: &NumberingPlan, alleys: &[Street], at: DateTime<Utc>,
) -> Result<Vec<StreetRevision>, PlanError> {
    let by_id: HashMap<&str, &Street> = alleys.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut renamed = Vec::new();
    for a in &plan.alleys {
        let Some(&before) = by_id.get(a.street_id.as_str()) else {
            return Err(PlanError::Stale(format!(
                "the alley {} is gone",
                a.street_id
            )));
        };
        if before.version != a.street_version {
            return Err(PlanError::Stale(format!(
                "the alley {} changed since the plan was computed; propose a new plan",
                a.street_id
            )));
        }
        if before.entrance_number.as_deref() == Some(a.new_number.as_str()) {
            continue;
        }
        let after = Street {
            entrance_number: Some(a.new_number.clone()),
            version: before.version + 1,
            updated_at: at.max(before.updated_at),
            ..before.clone()
        };
        renamed.push(StreetRevision {
            before: before.clone(),
            after,
            reason: format!("numbering plan {} approved", plan.id),
        });
    }
    Ok(renamed)
}

/// Once approved, the street is numbered: its direction is kept from now on, whatever later
/// corrections of its line would give by the compass rules.
fn direction_kept(
    plan: &NumberingPlan, street: &Street, at: DateTime<Utc>,
) -> Option<StreetRevision> {
    if street.already_numbered && street.direction != DirectionSetting::Auto {
        return None;
    }
    let after = Street {
        already_numbered: true,
        direction: match street.numbering_direction {
            Direction::Forward => DirectionSetting::Forward,
            Direction::Reverse => DirectionSetting::Reverse,
        },
        direction_rule: DirectionRule::Kept,
        version: street.version + 1,
        updated_at: at.max(street.updated_at),
        ..street.clone()
    };
    Some(StreetRevision {
        before: street.clone(),
        after,
        reason: format!("numbering plan {} approved: direction kept", plan.id),
    })
}

/// Every house of the plan whose address or plan record changes, each checked against the
/// version the plan was computed from.
fn renumbered_houses(
    plan: &NumberingPlan, current: &CurrentState<'_>, at: DateTime<Utc>,
) -> Result<Vec<HouseRevision>, PlanError> {
    let by_code: HashMap<String, &Place> = current
        .houses
        .iter()
        .map(|p| (p.code.to_string(), p))
        .collect();
    let street_id = current.street.id.as_str();
    let mut revisions = Vec::new();
    for h in &plan.houses {
        let Some(&before) = by_code.get(&h.code) else {
            return Err(PlanError::Stale(format!("the house {} is gone", h.code)));
        };
        if before.version != h.place_version {
            return Err(PlanError::Stale(format!(
                "the house {} changed since the plan was computed; propose a new plan",
                h.code
            )));
        }
        // A house this street's plans already numbered, left as it is: no new version.
        let on_this_street = before
            .attributes
            .get(NUMBERING_ATTRIBUTE)
            .is_some_and(|n| n["street_id"].as_str() == Some(street_id));
        if !h.changed && on_this_street {
            continue;
        }
        let mut after = before.clone();
        after.address.house_number = Some(h.new_number.clone());
        after.address.street = Some(current.street_text.to_owned());
        after.attributes.insert(
            NUMBERING_ATTRIBUTE.into(),
            json!({
                "street_id": street_id,
                "plan_id": plan.id,
                "approved_at": at.to_rfc3339(),
                "side": h.side,
            }),
        );
        after.version = before.version + 1;
        after.updated_at = at.max(before.updated_at);
        revisions.push(HouseRevision {
            before: before.clone(),
            after,
            reason: format!(
                "numbering plan {}: {} ({})",
                plan.id, h.reason_text, h.reason
            ),
        });
    }
    Ok(revisions)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::street::fixtures::{alley, commune_rules, house, numbered, on_street, street, t};
    use crate::street::{propose, PlanRequest, ProposalInput};

    /// A house this street's earlier plan numbered "1", as that approval left it.
    fn planned_one(street: &Street) -> Place {
        let mut place = numbered(house(10.0, 100.0), "1");
        place.attributes.insert(
            NUMBERING_ATTRIBUTE.into(),
            json!({"street_id": street.id, "plan_id": "np-earlier0001", "side": "left"}),
        );
        place.version = 2;
        place
    }

    /// The planned "1", a new house just after it (1A), a never-planned "3" whose number and
    /// street text are already right, and an alley leaving between 1A and 3.
    fn neighbourhood() -> (Street, Vec<Place>, Vec<Street>) {
        let street = street();
        let houses = vec![
            planned_one(&street),
            house(10.0, 95.0),
            numbered(house(10.0, 90.0), "3"),
        ];
        let alleys = vec![alley("st-ngothu0001", &street, 92.0)];
        (street, houses, alleys)
    }

    fn draft(street: &Street, houses: &[Place], alleys: &[Street]) -> NumberingPlan {
        let alleys: Vec<Arc<Street>> = alleys.iter().cloned().map(Arc::new).collect();
        propose(ProposalInput {
            id: "np-testplan01".into(),
            street,
            street_text: &street.display_name(),
            houses: &on_street(houses.to_vec()),
            alleys: &alleys,
            rules: PlanRequest::default().rules(street, &commune_rules(None)),
            proposed_by: "token:1:editor".into(),
            at: t(9),
        })
        .expect("a plan")
    }

    fn decide_now(
        plan: NumberingPlan, verdict: Verdict, street: &Street, alleys: &[Street], houses: &[Place],
    ) -> Result<Decision, PlanError> {
        let current = CurrentState {
            street,
            street_text: &street.display_name(),
            alleys,
            houses,
        };
        decide(
            plan,
            verdict,
            &current,
            "token:2:reviewer",
            Some("đúng".into()),
            t(10),
        )
    }

    #[test]
    fn an_approval_writes_exactly_the_changed_houses_with_new_versions() {
        let (street, houses, alleys) = neighbourhood();
        let plan = draft(&street, &houses, &alleys);
        let decision =
            decide_now(plan, Verdict::Approve, &street, &alleys, &houses).expect("approved");

        assert_eq!(decision.plan.status, PlanStatus::Approved);
        assert_eq!(
            decision.plan.decided_by.as_deref(),
            Some("token:2:reviewer")
        );
        assert_eq!(decision.plan.decided_at, Some(t(10)));
        // The planned "1" stays as it is; the new house gets 1A; the "3" keeps its number
        // but gets the plan's record, so it is written too.
        let written: Vec<(String, Option<&str>, i64)> = decision
            .houses
            .iter()
            .map(|r| {
                (
                    r.after.code.to_string(),
                    r.after.address.house_number.as_deref(),
                    r.after.version,
                )
            })
            .collect();
        assert_eq!(
            written,
            [
                (houses[1].code.to_string(), Some("1A"), 2),
                (houses[2].code.to_string(), Some("3"), 2),
            ]
        );
        for r in &decision.houses {
            assert_eq!(r.after.version, r.before.version + 1);
            assert_eq!(r.after.updated_at, t(10));
            assert_eq!(
                r.after.address.street.as_deref(),
                Some("phố Nguyễn Văn Linh")
            );
            let record = &r.after.attributes[NUMBERING_ATTRIBUTE];
            assert_eq!(record["street_id"], street.id.as_str());
            assert_eq!(record["plan_id"], "np-testplan01");
            assert_eq!(record["side"], "left");
            assert_eq!(r.before.name, r.after.name);
        }
        assert!(decision.houses[0]
            .reason
            .starts_with("numbering plan np-testplan01: "));
    }

    #[test]
    fn an_approval_renames_the_alleys_and_keeps_the_streets_direction() {
        let (street, houses, alleys) = neighbourhood();
        let plan = draft(&street, &houses, &alleys);
        let decision =
            decide_now(plan, Verdict::Approve, &street, &alleys, &houses).expect("approved");
        let [renamed, kept] = decision.streets.as_slice() else {
            panic!("an alley and the street: {:?}", decision.streets);
        };
        assert_eq!(renamed.after.id, "st-ngothu0001");
        assert_eq!(renamed.after.entrance_number.as_deref(), Some("1A"));
        assert_eq!(renamed.after.version, 2);
        assert_eq!(kept.after.id, street.id);
        assert!(kept.after.already_numbered);
        assert_eq!(kept.after.direction, DirectionSetting::Forward);
        assert_eq!(kept.after.direction_rule, DirectionRule::Kept);
        assert_eq!(kept.after.version, street.version + 1);

        // Approving a second plan on the numbered street leaves the street and the
        // already-named alley alone.
        let alleys = vec![renamed.after.clone()];
        let street = kept.after.clone();
        let plan = draft(&street, &houses, &alleys);
        let again =
            decide_now(plan, Verdict::Approve, &street, &alleys, &houses).expect("approved");
        assert_eq!(again.streets, []);
    }

    #[test]
    fn an_approval_whose_houses_changed_since_the_plan_is_stale() {
        let (street, houses, alleys) = neighbourhood();
        let plan = draft(&street, &houses, &alleys);

        let mut edited = houses.clone();
        edited[2].name = "Hộ ba".into();
        edited[2].version += 1;
        let err = decide_now(plan.clone(), Verdict::Approve, &street, &alleys, &edited)
            .expect_err("stale");
        assert_eq!(
            err,
            PlanError::Stale(format!(
                "the house {} changed since the plan was computed; propose a new plan",
                houses[2].code
            ))
        );

        let err = decide_now(plan, Verdict::Approve, &street, &alleys, &houses[..2])
            .expect_err("a house is missing");
        assert_eq!(
            err,
            PlanError::Stale(format!("the house {} is gone", houses[2].code))
        );
    }

    #[test]
    fn an_approval_after_the_street_or_an_alley_changed_is_stale() {
        let (street, houses, alleys) = neighbourhood();
        let plan = draft(&street, &houses, &alleys);

        let moved = Street {
            version: street.version + 1,
            ..street.clone()
        };
        assert!(matches!(
            ensure_street_unchanged(&plan, &moved),
            Err(PlanError::Stale(_))
        ));
        let err = decide_now(plan.clone(), Verdict::Approve, &moved, &alleys, &houses)
            .expect_err("stale street");
        assert!(
            matches!(&err, PlanError::Stale(m) if m.contains("version 3 → 4")),
            "{err:?}"
        );

        let retired = Street {
            status: StreetStatus::Retired,
            ..street.clone()
        };
        assert!(matches!(
            ensure_street_unchanged(&plan, &retired),
            Err(PlanError::Stale(_))
        ));

        let mut renamed = alleys.clone();
        renamed[0].version += 1;
        let err = decide_now(plan, Verdict::Approve, &street, &renamed, &houses)
            .expect_err("stale alley");
        assert!(
            matches!(&err, PlanError::Stale(m) if m.contains("st-ngothu0001")),
            "{err:?}"
        );
    }

    #[test]
    fn a_rejection_changes_no_house_and_no_street_even_when_the_plan_is_stale() {
        let (street, houses, alleys) = neighbourhood();
        let plan = draft(&street, &houses, &alleys);
        assert!(plan.change_count() > 0, "the plan would renumber houses");
        let moved = Street {
            version: street.version + 1,
            ..street.clone()
        };
        let decision =
            decide_now(plan, Verdict::Reject, &moved, &alleys, &houses).expect("rejected");
        assert_eq!(decision.plan.status, PlanStatus::Rejected);
        assert_eq!(decision.plan.decision_reason.as_deref(), Some("đúng"));
        assert_eq!(decision.houses, []);
        assert_eq!(decision.streets, []);
    }

    #[test]
    fn a_decided_plan_cannot_be_decided_again() {
        let (street, houses, alleys) = neighbourhood();
        let plan = draft(&street, &houses, &alleys);
        let approved = decide_now(plan, Verdict::Approve, &street, &alleys, &houses)
            .expect("approved")
            .plan;
        let err =
            decide_now(approved, Verdict::Reject, &street, &alleys, &houses).expect_err("decided");
        assert_eq!(
            err,
            PlanError::Transition("the plan is already approved".into())
        );
    }
}
