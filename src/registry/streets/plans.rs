//! Numbering rules and plans: proposing a plan for a street, reading plans, deciding them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::event::{Action, NewEvent, NewStreetEvent, StreetAction};
use crate::numbering::{
    self, alley_entrance, alley_number, choose_street, Frontage, HouseNumber, Rules, StreetChoice,
    StreetLine, SuffixStyle,
};
use crate::place::{Place, PlaceKind, Status};
use crate::registry::{check_reason, now, Registry, RegistryError, Result, NUMBERING_ATTRIBUTE};
use crate::store::StoreError;
use crate::street::{
    new_plan_id, point_line_distance_m, CommuneRules, DirectionSetting, HouseGroup, NumberingPlan,
    PlanAlley, PlanHouse, PlanReserved, PlanRules, PlanStatus, Street, StreetStatus,
};

/// Default distance from a street within which a house is numbered on it, metres.
pub const DEFAULT_FRONTAGE_MAX_M: f64 = 40.0;
/// A second street counts for the corner rule when it passes within this many metres more
/// than the nearest street.
pub const CORNER_SLACK_M: f64 = 10.0;

/// What a commune editor asks for when proposing a plan (all optional).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Renumber every house from the start (default: keep consistent existing numbers).
    #[serde(default)]
    pub renumber_all: bool,
    /// Override the street's / commune's suffix style for this plan.
    pub suffix_style: Option<SuffixStyle>,
    /// Override the reserved-number rule: one number per N metres of vacant frontage.
    pub reserve_every_m: Option<f64>,
    /// How far from the line a house may stand, metres (5–100, default 40).
    pub frontage_max_m: Option<f64>,
    /// Number the street's houses as a lettered house group (dãy, lô): `A10` or `BL.A-10`.
    pub house_group: Option<HouseGroup>,
}

fn parse_number(s: &str) -> Option<HouseNumber> {
    s.parse().ok()
}

impl Registry {
    /// The rules a commune has set (letters and no reserved numbers when it has set none).
    pub async fn numbering_rules(&self, commune_code: &str) -> Result<CommuneRules> {
        if self.communes().get(commune_code).is_none() {
            return Err(RegistryError::NotFound(format!("commune {commune_code}")));
        }
        Ok(self
            .store
            .numbering_rules(commune_code)
            .await?
            .unwrap_or(CommuneRules {
                commune_code: commune_code.to_owned(),
                suffix_style: SuffixStyle::Letters,
                reserve_every_m: None,
                updated_by: "default".into(),
                updated_at: DateTime::<Utc>::UNIX_EPOCH,
            }))
    }

    /// Sets a commune's numbering rules (an editor of that commune, or above).
    pub async fn set_numbering_rules(
        &self,
        actor: &Actor,
        commune_code: &str,
        suffix_style: SuffixStyle,
        reserve_every_m: Option<f64>,
    ) -> Result<CommuneRules> {
        if self.communes().get(commune_code).is_none() {
            return Err(RegistryError::NotFound(format!("commune {commune_code}")));
        }
        Self::require_write_in(actor, commune_code)?;
        if reserve_every_m.is_some_and(|m| !(1.0..=1000.0).contains(&m)) {
            return Err(RegistryError::invalid(
                "/reserve_every_m",
                "one reserved number per N metres: N from 1 to 1000",
            ));
        }
        let rules = CommuneRules {
            commune_code: commune_code.to_owned(),
            suffix_style,
            reserve_every_m,
            updated_by: actor.audit_name(),
            updated_at: now(),
        };
        self.store.save_numbering_rules(&rules).await?;
        Ok(rules)
    }

    /// Computes a draft numbering plan for a street and saves it (editor of its communes).
    pub async fn propose_plan(
        &self,
        actor: &Actor,
        street_id: &str,
        request: PlanRequest,
    ) -> Result<NumberingPlan> {
        if !actor.can_write() {
            return Err(RegistryError::Forbidden(
                "proposing a numbering plan needs an editor token of the street's commune".into(),
            ));
        }
        let frontage_max_m = request.frontage_max_m.unwrap_or(DEFAULT_FRONTAGE_MAX_M);
        if !(5.0..=100.0).contains(&frontage_max_m) {
            return Err(RegistryError::invalid(
                "/frontage_max_m",
                "from 5 to 100 metres",
            ));
        }
        if request
            .reserve_every_m
            .is_some_and(|m| !(1.0..=1000.0).contains(&m))
        {
            return Err(RegistryError::invalid(
                "/reserve_every_m",
                "one reserved number per N metres: N from 1 to 1000",
            ));
        }
        if let Some(g) = request.house_group {
            if !g.letter.is_ascii_alphabetic() {
                return Err(RegistryError::invalid(
                    "/house_group/letter",
                    "a letter A–Z",
                ));
            }
        }
        let _write = self.writes.lock().await;
        let street = self.current_street_for_write(street_id, None).await?;
        Self::require_write_street(actor, &street.communes)?;
        if street.status != StreetStatus::Active {
            return Err(RegistryError::InvalidTransition(
                "a retired street is not numbered".into(),
            ));
        }
        let commune_rules = self.numbering_rules(&street.communes[0]).await?;
        let rules = PlanRules {
            suffix_style: request.suffix_style.unwrap_or(street.suffix_style),
            reserve_every_m: request
                .reserve_every_m
                .or(street.reserve_every_m)
                .or(commune_rules.reserve_every_m),
            renumber_all: request.renumber_all,
            frontage_max_m,
            house_group: request.house_group,
        };
        let (houses, elsewhere) = self.houses_of_street(&street, frontage_max_m).await?;
        let line = StreetLine::new(&street.line, street.numbering_direction)
            .map_err(|e| RegistryError::invalid("/geometry", e.to_string()))?;
        let frontages: Vec<Frontage> = houses
            .iter()
            .map(|(p, _)| Frontage {
                id: p.code.to_string(),
                lon: p.lon,
                lat: p.lat,
                existing: existing_number_on(p, &street, request.house_group),
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
        .map_err(|e| RegistryError::invalid("/", e.to_string()))?;
        if request.house_group.is_some()
            && outcome
                .assignments
                .iter()
                .any(|a| a.number.suffix().is_some())
        {
            return Err(RegistryError::invalid(
                "/house_group",
                "an infill number (20A, 20-1) cannot be written in a house group: renumber the group (renumber_all: true)",
            ));
        }
        let street_text = self.street_address_text(&street);
        let by_code: HashMap<String, &(Place, Option<String>)> =
            houses.iter().map(|h| (h.0.code.to_string(), h)).collect();
        let mut plan_houses: Vec<PlanHouse> = outcome
            .assignments
            .iter()
            .filter_map(|a| {
                let (place, corner_rule) = by_code.get(&a.id)?;
                let new_number = match request.house_group {
                    None => a.number.to_string(),
                    Some(g) => group_number(g, a.number)?,
                };
                let old_number = place.address.house_number.clone();
                let changed = old_number.as_deref() != Some(new_number.as_str())
                    || place.address.street.as_deref() != Some(street_text.as_str());
                Some(PlanHouse {
                    code: a.id.clone(),
                    place_version: place.version,
                    side: a.side,
                    chainage_m: (a.chainage_m * 10.0).round() / 10.0,
                    old_number,
                    new_number,
                    reason: a.reason.code().to_owned(),
                    reason_text: a.reason.description().to_owned(),
                    changed,
                    corner_rule: corner_rule.clone(),
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
                chainage_m: (r.chainage_m * 10.0).round() / 10.0,
            })
            .collect();
        let alleys = self
            .with_streets(|idx| {
                idx.all()
                    .filter(|s| {
                        s.parent_id.as_deref() == Some(street.id.as_str())
                            && s.status == StreetStatus::Active
                            && s.name.is_none()
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .filter_map(|alley| {
                let entrance = alley_entrance(&line, &alley.line).ok()?;
                let number = alley_number(&outcome, &entrance).to_string();
                Some(PlanAlley {
                    street_id: alley.id.clone(),
                    street_version: alley.version,
                    old_number: alley.entrance_number.clone(),
                    new_number: number,
                })
            })
            .collect();
        let at = now();
        let plan = NumberingPlan {
            id: new_plan_id(),
            street_id: street.id.clone(),
            street_version: street.version,
            status: PlanStatus::Draft,
            rules,
            houses: plan_houses,
            reserved,
            alleys,
            corner_houses_elsewhere: elsewhere,
            proposed_by: actor.audit_name(),
            proposed_at: at,
            decided_by: None,
            decided_at: None,
            decision_reason: None,
        };
        let event = NewStreetEvent {
            at,
            actor: actor.audit_name(),
            action: StreetAction::Propose,
            street_id: street.id.clone(),
            plan_id: Some(plan.id.clone()),
            before: None,
            after: Some(plan_summary(&plan)),
            reason: None,
        };
        self.store.insert_plan(&plan, &event).await?;
        Ok(plan)
    }

    /// The houses numbered on a street: active or provisional houses within `frontage_max_m`
    /// of its line for which the corner rule picks this street (with the rule, for corner
    /// houses), and the codes of nearby houses it gives to another street.
    async fn houses_of_street(
        &self,
        street: &Street,
        frontage_max_m: f64,
    ) -> Result<(Vec<(Place, Option<String>)>, Vec<String>)> {
        let [x0, y0, x1, y1] = street.bbox();
        let pad_lat = frontage_max_m / 111_320.0;
        let pad_lon = pad_lat / y0.to_radians().cos().max(0.1);
        let codes: Vec<crate::code::LocationCode> = self.with_catalog(|c| {
            c.in_box([x0 - pad_lon, y0 - pad_lat, x1 + pad_lon, y1 + pad_lat])
                .filter(|d| d.kind == PlaceKind::House && d.status != Status::Retired)
                .filter(|d| point_line_distance_m([d.lon, d.lat], &street.line) <= frontage_max_m)
                .map(|d| d.code)
                .collect()
        });
        let places = self.store.get_places(&codes).await?;
        let mut mine = Vec::new();
        let mut elsewhere = Vec::new();
        for place in places {
            let mut near = self.with_streets(|idx| idx.near(place.lon, place.lat, frontage_max_m));
            // A corner house fronts two streets: only streets about as near as the nearest
            // one compete for it (a house deep in an alley is not on the avenue 40 m away).
            if let Some(nearest) = near.first().map(|(_, d)| *d) {
                near.retain(|(_, d)| *d <= nearest + CORNER_SLACK_M);
            }
            let main_door = place
                .attributes
                .get("main_door_street")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let choices: Vec<StreetChoice> = near
                .iter()
                .map(|(s, d)| StreetChoice {
                    street_id: s.id.clone(),
                    width_m: s.width_m,
                    main_door: main_door.as_deref() == Some(s.id.as_str()),
                    already_numbered: s.already_numbered,
                    distance_m: *d,
                })
                .collect();
            match choose_street(&choices) {
                Some((i, rule)) if choices[i].street_id == street.id => {
                    let rule = (choices.len() > 1).then(|| {
                        serde_json::to_value(rule)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    });
                    mine.push((place, rule));
                }
                Some(_) => elsewhere.push(place.code.to_string()),
                None => {}
            }
        }
        Ok((mine, elsewhere))
    }

    /// A plan by id (readers and above; anonymous callers see approved plans only).
    pub async fn plan(&self, actor: &Actor, id: &str) -> Result<NumberingPlan> {
        match self.store.get_plan(id).await? {
            Some(p) if p.status == PlanStatus::Approved || actor.can_read_all() => Ok(p),
            _ => Err(RegistryError::PlanNotFound(id.to_owned())),
        }
    }

    /// The plans of a street, newest first.
    pub async fn plans_of(&self, actor: &Actor, street_id: &str) -> Result<Vec<NumberingPlan>> {
        self.street(actor, street_id)?;
        let plans = self.store.list_plans(street_id).await?;
        Ok(plans
            .into_iter()
            .filter(|p| p.status == PlanStatus::Approved || actor.can_read_all())
            .collect())
    }

    /// Approves (`approve = true`) or rejects a draft plan (reviewer or admin). Approval applies
    /// every number, street text and alley name of the plan in one transaction; it is refused
    /// if the street or any house changed since the plan was computed.
    pub async fn decide_plan(
        &self,
        actor: &Actor,
        id: &str,
        approve: bool,
        reason: Option<String>,
    ) -> Result<NumberingPlan> {
        if !actor.can_certify() {
            return Err(RegistryError::Forbidden(
                "the province decides numbering plans: a reviewer or admin token is needed".into(),
            ));
        }
        let reason = reason
            .map(|r| crate::text::normalize_name(&r))
            .filter(|r| !r.is_empty());
        if let Some(r) = &reason {
            check_reason(r)?;
        }
        if !approve && reason.is_none() {
            return Err(RegistryError::ReasonRequired);
        }
        let _write = self.writes.lock().await;
        let mut plan = self
            .store
            .get_plan(id)
            .await?
            .ok_or_else(|| RegistryError::PlanNotFound(id.to_owned()))?;
        if plan.status != PlanStatus::Draft {
            return Err(RegistryError::InvalidTransition(format!(
                "the plan is already {}",
                plan.status.as_str()
            )));
        }
        let street = self.current_street_for_write(&plan.street_id, None).await?;
        let at = now();
        plan.status = if approve {
            PlanStatus::Approved
        } else {
            PlanStatus::Rejected
        };
        plan.decided_by = Some(actor.audit_name());
        plan.decided_at = Some(at);
        plan.decision_reason = reason.clone();
        let event = NewStreetEvent {
            at,
            actor: actor.audit_name(),
            action: if approve {
                StreetAction::Approve
            } else {
                StreetAction::Reject
            },
            street_id: street.id.clone(),
            plan_id: Some(plan.id.clone()),
            before: None,
            after: Some(plan_summary(&plan)),
            reason: reason.clone(),
        };
        if !approve {
            self.store.decide_plan(&plan, &event, &[], &[]).await?;
            return Ok(plan);
        }
        if street.version != plan.street_version || street.status != StreetStatus::Active {
            return Err(RegistryError::PlanStale(format!(
                "the street changed since the plan was computed (version {} → {}); propose a new plan",
                plan.street_version, street.version
            )));
        }
        // Renamed alleys first: the houses' street text uses the new names.
        let mut alleys = Vec::new();
        for a in &plan.alleys {
            let before = self.current_street_for_write(&a.street_id, None).await?;
            if before.version != a.street_version {
                return Err(RegistryError::PlanStale(format!(
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
            let e = Self::street_event(
                actor,
                StreetAction::Update,
                Some(&before),
                &after,
                Some(plan.id.clone()),
                Some(format!("numbering plan {} approved", plan.id)),
            );
            alleys.push((after, before.version, e));
        }
        // Once approved, the street is numbered: its direction is kept from now on, whatever
        // later corrections of its line would give by the compass rules.
        if !street.already_numbered || street.direction == DirectionSetting::Auto {
            let after = Street {
                already_numbered: true,
                direction: match street.numbering_direction {
                    numbering::Direction::Forward => DirectionSetting::Forward,
                    numbering::Direction::Reverse => DirectionSetting::Reverse,
                },
                direction_rule: numbering::DirectionRule::Kept,
                version: street.version + 1,
                updated_at: at.max(street.updated_at),
                ..street.clone()
            };
            let e = Self::street_event(
                actor,
                StreetAction::Update,
                Some(&street),
                &after,
                Some(plan.id.clone()),
                Some(format!(
                    "numbering plan {} approved: direction kept",
                    plan.id
                )),
            );
            alleys.push((after, street.version, e));
        }
        let street_text = self.street_address_text(&street);
        let codes: Vec<crate::code::LocationCode> = plan
            .houses
            .iter()
            .filter_map(|h| h.code.parse().ok())
            .collect();
        let current: HashMap<String, Place> = self
            .store
            .get_places(&codes)
            .await?
            .into_iter()
            .map(|p| (p.code.to_string(), p))
            .collect();
        let mut places = Vec::new();
        for h in &plan.houses {
            let Some(before) = current.get(&h.code) else {
                return Err(RegistryError::PlanStale(format!(
                    "the house {} is gone",
                    h.code
                )));
            };
            if before.version != h.place_version {
                return Err(RegistryError::PlanStale(format!(
                    "the house {} changed since the plan was computed; propose a new plan",
                    h.code
                )));
            }
            // A house this street's plans already numbered, left as it is: no new version.
            let on_this_street = before
                .attributes
                .get(NUMBERING_ATTRIBUTE)
                .is_some_and(|n| n["street_id"].as_str() == Some(street.id.as_str()));
            if !h.changed && on_this_street {
                continue;
            }
            let mut after = before.clone();
            after.address.house_number = Some(h.new_number.clone());
            after.address.street = Some(street_text.clone());
            after.attributes.insert(
                "numbering".into(),
                json!({
                    "street_id": street.id,
                    "plan_id": plan.id,
                    "approved_at": at.to_rfc3339(),
                    "side": h.side,
                }),
            );
            after.version = before.version + 1;
            after.updated_at = at.max(before.updated_at);
            let e = NewEvent {
                at: after.updated_at,
                actor: actor.audit_name(),
                action: Action::Update,
                code: after.code,
                before: Some(self.feature(before)),
                after: Some(self.feature(&after)),
                reason: Some(format!(
                    "numbering plan {}: {} ({})",
                    plan.id, h.reason_text, h.reason
                )),
            };
            places.push((after, before.version, e));
        }
        match self
            .store
            .decide_plan(&plan, &event, &alleys, &places)
            .await
        {
            Ok(()) => {}
            Err(StoreError::VersionConflict(code)) => {
                return Err(RegistryError::PlanStale(format!(
                    "the house {code} changed meanwhile; propose a new plan"
                )))
            }
            Err(StoreError::StreetConflict(id)) => {
                return Err(RegistryError::PlanStale(format!(
                    "{id} changed meanwhile; propose a new plan"
                )))
            }
            Err(e) => return Err(e.into()),
        }
        let mut indexes = self.indexes.write().expect("index lock");
        for (s, _, _) in alleys {
            indexes.streets.upsert(s);
        }
        for (p, _, _) in &places {
            indexes.catalog.upsert(p);
        }
        Ok(plan)
    }
}

/// The existing number of a house on this street: its number counts when an approved plan
/// put it on this street, or (never planned) when its street text names this street.
fn existing_number_on(
    place: &Place,
    street: &Street,
    group: Option<HouseGroup>,
) -> Option<HouseNumber> {
    let written = place.address.house_number.as_deref()?;
    let number = match group {
        // In a house group the plates read A10 / BL.A-10: the number within the group counts.
        Some(g) => numbering::GroupNumber::parse(written)
            .ok()
            .filter(|(n, _)| n.group() == g.letter.to_ascii_uppercase())
            .and_then(|(n, _)| HouseNumber::new(u32::from(n.number())).ok())?,
        None => parse_number(written)?,
    };
    match place.attributes.get("numbering") {
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

/// What the log keeps of a plan: its id, status and counts (the plan itself is in its table).
fn plan_summary(plan: &NumberingPlan) -> Value {
    json!({
        "plan_id": plan.id,
        "status": plan.status.as_str(),
        "houses": plan.houses.len(),
        "changes": plan.change_count(),
        "reserved": plan.reserved.len(),
        "alleys": plan.alleys.len(),
    })
}
