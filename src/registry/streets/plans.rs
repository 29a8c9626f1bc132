//! Numbering rules and plans over the store: proposing a plan for a street, reading plans,
//! deciding them. What a plan says and what a decision writes is worked out from plain data in
//! `crate::street` ([`propose`], [`decide`]); here are the write lock, the reads, the commit
//! in one store transaction and the index updates.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::code::LocationCode;
use crate::event::{Action, NewEvent, NewStreetEvent, StreetAction};
use crate::numbering::SuffixStyle;
use crate::place::{Place, PlaceKind, Status};
use crate::registry::{allow, now, optional_reason, Registry, RegistryError, Result};
use crate::store::StoreError;
use crate::street::{
    decide, ensure_draft, ensure_numberable, ensure_street_unchanged, houses_on_street,
    new_plan_id, point_line_distance_m, propose, CommuneRules, CurrentState, Decision, NearbyHouse,
    NumberingPlan, PlanError, PlanRequest, PlanStatus, ProposalInput, Street, StreetHouses,
    Verdict,
};

/// The plan's domain errors answer as they always have: 422 on a field, 409
/// `invalid-transition`, 409 `plan-stale`.
impl From<PlanError> for RegistryError {
    fn from(e: PlanError) -> RegistryError {
        match e {
            PlanError::Invalid { field, message } => RegistryError::invalid(field, message),
            PlanError::Transition(message) => RegistryError::InvalidTransition(message),
            PlanError::Stale(message) => RegistryError::PlanStale(message),
        }
    }
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
        &self, actor: &Actor, commune_code: &str, suffix_style: SuffixStyle,
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
        &self, actor: &Actor, street_id: &str, request: PlanRequest,
    ) -> Result<NumberingPlan> {
        allow(
            actor.can_write(),
            "proposing a numbering plan needs an editor token of the street's commune",
        )?;
        request.validate()?;
        let _write = self.writes.lock().await;
        let street = self.current_street_for_write(street_id, None).await?;
        Self::require_write_street(actor, &street.communes)?;
        ensure_numberable(&street)?;
        let commune_rules = self.numbering_rules(&street.communes[0]).await?;
        let rules = request.rules(&street, &commune_rules);
        let houses = self.houses_of_street(&street, rules.frontage_max_m).await?;
        let alleys = self.with_streets(|idx| {
            idx.all()
                .filter(|s| s.parent_id.as_deref() == Some(street.id.as_str()))
                .cloned()
                .collect::<Vec<_>>()
        });
        let at = now();
        let plan = propose(ProposalInput {
            id: new_plan_id(),
            street: &street,
            street_text: &self.street_address_text(&street),
            houses: &houses,
            alleys: &alleys,
            rules,
            proposed_by: actor.audit_name(),
            at,
        })?;
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
    async fn houses_of_street(&self, street: &Street, frontage_max_m: f64) -> Result<StreetHouses> {
        let [x0, y0, x1, y1] = street.bbox();
        let pad_lat = frontage_max_m / 111_320.0;
        let pad_lon = pad_lat / y0.to_radians().cos().max(0.1);
        let codes: Vec<LocationCode> = self.with_catalog(|c| {
            c.in_box([x0 - pad_lon, y0 - pad_lat, x1 + pad_lon, y1 + pad_lat])
                .filter(|d| d.kind == PlaceKind::House && d.status != Status::Retired)
                .filter(|d| point_line_distance_m([d.lon, d.lat], &street.line) <= frontage_max_m)
                .map(|d| d.code)
                .collect()
        });
        let places = self.store.get_places(&codes).await?;
        // One short read of the index per house: writers wait on it.
        let nearby = places
            .into_iter()
            .map(|place| NearbyHouse {
                streets_near: self
                    .with_streets(|idx| idx.near(place.lon, place.lat, frontage_max_m)),
                place,
            })
            .collect();
        Ok(houses_on_street(&street.id, nearby))
    }

    /// A plan by id (readers and above; anonymous callers see approved plans only).
    pub async fn plan(&self, actor: &Actor, id: &str) -> Result<NumberingPlan> {
        match self.store.get_plan(id).await? {
            Some(p) if p.status == PlanStatus::Approved || actor.can_read_all() => {
                Ok(self.plan_shown_to(actor, p))
            }
            _ => Err(RegistryError::PlanNotFound(id.to_owned())),
        }
    }

    /// A plan as `actor` may see it: staff see it whole; the public sees the houses whose
    /// places are active (not the codes of provisional or retired places) and not which token
    /// proposed or decided it (`staff` instead).
    fn plan_shown_to(&self, actor: &Actor, mut plan: NumberingPlan) -> NumberingPlan {
        if actor.can_read_all() {
            return plan;
        }
        let active = |code: &str| {
            code.parse::<crate::code::LocationCode>()
                .ok()
                .and_then(|c| self.with_catalog(|cat| cat.by_code(c).map(|d| d.status)))
                == Some(Status::Active)
        };
        plan.houses.retain(|h| active(&h.code));
        plan.corner_houses_elsewhere.retain(|c| active(c));
        plan.proposed_by = "staff".into();
        if plan.decided_by.is_some() {
            plan.decided_by = Some("staff".into());
        }
        plan
    }

    /// The plans of a street, newest first.
    pub async fn plans_of(&self, actor: &Actor, street_id: &str) -> Result<Vec<NumberingPlan>> {
        self.street(actor, street_id)?;
        let plans = self.store.list_plans(street_id).await?;
        Ok(plans
            .into_iter()
            .filter(|p| p.status == PlanStatus::Approved || actor.can_read_all())
            .map(|p| self.plan_shown_to(actor, p))
            .collect())
    }

    /// Approves (`approve = true`) or rejects a draft plan (reviewer or admin). Approval applies
    /// every number, street text and alley name of the plan in one transaction; it is refused
    /// if the street or any house changed since the plan was computed.
    pub async fn decide_plan(
        &self, actor: &Actor, id: &str, approve: bool, reason: Option<String>,
    ) -> Result<NumberingPlan> {
        allow(
            actor.can_certify(),
            "the province decides numbering plans: a reviewer or admin token is needed",
        )?;
        let reason = optional_reason(reason)?;
        if !approve && reason.is_none() {
            return Err(RegistryError::ReasonRequired);
        }
        let verdict = if approve {
            Verdict::Approve
        } else {
            Verdict::Reject
        };
        let _write = self.writes.lock().await;
        let plan = self
            .store
            .get_plan(id)
            .await?
            .ok_or_else(|| RegistryError::PlanNotFound(id.to_owned()))?;
        ensure_draft(&plan)?;
        let street = self.current_street_for_write(&plan.street_id, None).await?;
        let (alleys, houses) = match verdict {
            Verdict::Reject => (Vec::new(), Vec::new()),
            Verdict::Approve => {
                // A stale plan is refused before its alleys and houses are read.
                ensure_street_unchanged(&plan, &street)?;
                self.plan_subjects(&plan).await?
            }
        };
        let at = now();
        let current = CurrentState {
            street: &street,
            street_text: &self.street_address_text(&street),
            alleys: &alleys,
            houses: &houses,
        };
        let Decision {
            plan,
            streets,
            houses,
        } = decide(plan, verdict, &current, &actor.audit_name(), reason, at)?;
        let event = NewStreetEvent {
            at,
            actor: actor.audit_name(),
            action: match verdict {
                Verdict::Approve => StreetAction::Approve,
                Verdict::Reject => StreetAction::Reject,
            },
            street_id: street.id.clone(),
            plan_id: Some(plan.id.clone()),
            before: None,
            after: Some(plan_summary(&plan)),
            reason: plan.decision_reason.clone(),
        };
        if verdict == Verdict::Reject {
            self.store.decide_plan(&plan, &event, &[], &[]).await?;
            return Ok(plan);
        }
        let streets: Vec<(Street, i64, NewStreetEvent)> = streets
            .into_iter()
            .map(|r| {
                let event = Self::street_event(
                    actor,
                    StreetAction::Update,
                    Some(&r.before),
                    &r.after,
                    Some(plan.id.clone()),
                    Some(r.reason),
                );
                (r.after, r.before.version, event)
            })
            .collect();
        let places: Vec<(Place, i64, NewEvent)> = houses
            .into_iter()
            .map(|r| {
                let event = NewEvent {
                    at: r.after.updated_at,
                    actor: actor.audit_name(),
                    action: Action::Update,
                    code: r.after.code,
                    before: Some(self.feature(&r.before)),
                    after: Some(self.feature(&r.after)),
                    reason: Some(r.reason),
                };
                (r.after, r.before.version, event)
            })
            .collect();
        match self
            .store
            .decide_plan(&plan, &event, &streets, &places)
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
        let mut indexes = self.indexes_mut();
        for (s, _, _) in streets {
            indexes.streets.upsert(s);
        }
        for (p, _, _) in &places {
            indexes.catalog.upsert(p);
        }
        Ok(plan)
    }

    /// The alleys and houses a plan renames and renumbers, as the store holds them now.
    async fn plan_subjects(&self, plan: &NumberingPlan) -> Result<(Vec<Street>, Vec<Place>)> {
        let mut alleys = Vec::with_capacity(plan.alleys.len());
        for a in &plan.alleys {
            alleys.push(self.current_street_for_write(&a.street_id, None).await?);
        }
        // A code that does not parse finds no house: the decision reports the house as gone.
        let codes: Vec<LocationCode> = plan
            .houses
            .iter()
            .filter_map(|h| h.code.parse().ok())
            .collect();
        let houses = self.store.get_places(&codes).await?;
        Ok((alleys, houses))
    }
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
