//! Streets, alleys and numbering plans over the store, with the street index.
//!
//! Writes follow the places' discipline: under the registry's write lock, validate, decide,
//! commit the row and its event in one transaction, then update the in-memory index. A plan's
//! approval commits the plan, every renumbered house (with its place event) and every renamed
//! alley in one transaction: all or nothing.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{check_reason, now, Registry, RegistryError, Result};
use crate::auth::Actor;
use crate::event::{Action, NewEvent, NewStreetEvent, StreetAction};
use crate::numbering::{
    self, alley_entrance, alley_number, choose_direction, choose_street, format_full_address,
    DirectionHint, Frontage, HouseNumber, Rules, StreetChoice, StreetLine, SuffixStyle,
};
use crate::place::{apply_merge_patch, Place, PlaceKind, Status};
use crate::store::StoreError;
use crate::street::{
    new_plan_id, new_street_id, point_line_distance_m, CommuneRules, DirectionSetting, HouseGroup,
    NumberingPlan, PlanAlley, PlanHouse, PlanReserved, PlanRules, PlanStatus, Street, StreetDraft,
    StreetStatus,
};

/// How far from its parent street an alley's entrance may be, metres.
pub const ALLEY_ENTRANCE_MAX_M: f64 = 30.0;
/// Default distance from a street within which a house is numbered on it, metres.
pub const DEFAULT_FRONTAGE_MAX_M: f64 = 40.0;
/// A second street counts for the corner rule when it passes within this many metres more
/// than the nearest street.
pub const CORNER_SLACK_M: f64 = 10.0;
/// Spacing of the points sampled along a line to find the communes it crosses, metres.
const COMMUNE_SAMPLE_M: f64 = 25.0;

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

/// One row of a commune's standardised house-number catalogue.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CatalogueRow {
    pub code: String,
    pub house_number: String,
    pub street: String,
    pub street_id: String,
    pub commune_code: String,
    pub commune_name: String,
    pub full_address: String,
    pub plan_id: String,
    pub approved_at: String,
    pub lon: f64,
    pub lat: f64,
    pub status: String,
    pub generated: bool,
}

fn parse_number(s: &str) -> Option<HouseNumber> {
    s.parse().ok()
}

/// "tỉnh Hưng Yên" from the province name as loaded ("Hưng Yên" or "Tỉnh Hưng Yên").
fn province_in_address(name: &str) -> String {
    let lower_first = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    if name.starts_with("Tỉnh ") || name.starts_with("Thành phố ") {
        lower_first(name)
    } else {
        format!("tỉnh {name}")
    }
}

/// "phường Phố Hiến" from "Phường Phố Hiến".
fn commune_in_address(full_name: &str) -> String {
    let mut c = full_name.chars();
    c.next()
        .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl Registry {
    /// Runs `f` with read access to the street index.
    pub fn with_streets<R>(&self, f: impl FnOnce(&crate::street::StreetIndex) -> R) -> R {
        f(&self.indexes.read().expect("index lock").streets)
    }

    /// A street by id: anonymous callers see active streets only.
    pub fn street(&self, actor: &Actor, id: &str) -> Result<Arc<Street>> {
        match self.with_streets(|s| s.get(id)) {
            Some(s) if s.status == StreetStatus::Active || actor.can_read_all() => Ok(s),
            _ => Err(RegistryError::StreetNotFound(id.to_owned())),
        }
    }

    /// The communes a line runs through, in order, sampling every [`COMMUNE_SAMPLE_M`];
    /// every sample must lie in a loaded commune.
    fn communes_of_line(&self, line: &[[f64; 2]]) -> Result<Vec<String>> {
        let mut codes: Vec<String> = Vec::new();
        let communes = self.communes();
        for w in line.windows(2) {
            let d = crate::spatial::haversine_distance_m(w[0], w[1]);
            let steps = (d / COMMUNE_SAMPLE_M).ceil().max(1.0) as usize;
            for i in 0..=steps {
                let t = i as f64 / steps as f64;
                let (lon, lat) = (
                    w[0][0] + t * (w[1][0] - w[0][0]),
                    w[0][1] + t * (w[1][1] - w[0][1]),
                );
                let c = communes
                    .locate(lon, lat)
                    .ok_or(RegistryError::OutsideCommunes { lon, lat })?;
                if !codes.contains(&c.code) {
                    codes.push(c.code.clone());
                }
            }
        }
        Ok(codes)
    }

    /// An editor writes a street only if it may write in every commune the street runs
    /// through (a street crossing a boundary is the province's, or both communes', business).
    fn require_write_street(actor: &Actor, communes: &[String]) -> Result<()> {
        communes
            .iter()
            .try_for_each(|c| Self::require_write_in(actor, c))
    }

    /// Builds the street a draft describes: communes, parent checks, direction.
    async fn street_from_draft(
        &self,
        draft: StreetDraft,
        id: String,
        previous: Option<&Street>,
    ) -> Result<Street> {
        let communes = self.communes_of_line(&draft.line)?;
        let parent = match &draft.parent_id {
            Some(pid) => {
                let parent = self
                    .with_streets(|s| s.get(pid))
                    .filter(|p| p.status == StreetStatus::Active)
                    .ok_or_else(|| {
                        RegistryError::invalid(
                            "/properties/parent_id",
                            "no active street has this id",
                        )
                    })?;
                if pid == &id {
                    return Err(RegistryError::invalid(
                        "/properties/parent_id",
                        "a street cannot be its own parent",
                    ));
                }
                if draft.street_type == numbering::StreetType::Ngach
                    && !parent.street_type.is_alley()
                {
                    return Err(RegistryError::invalid(
                        "/properties/parent_id",
                        "a ngách leaves from a ngõ (an alley), not from a street",
                    ));
                }
                let near = [draft.line[0], draft.line[draft.line.len() - 1]]
                    .iter()
                    .map(|p| point_line_distance_m(*p, &parent.line))
                    .fold(f64::INFINITY, f64::min);
                if near > ALLEY_ENTRANCE_MAX_M {
                    return Err(RegistryError::invalid(
                        "/geometry/coordinates",
                        format!("an alley starts at its parent street: its nearer end is {near:.0} m from it (at most {ALLEY_ENTRANCE_MAX_M} m)"),
                    ));
                }
                Some(parent)
            }
            None => None,
        };
        let suffix_style = match draft.suffix_style {
            Some(s) => s,
            None => match previous {
                Some(p) => p.suffix_style,
                None => self
                    .store
                    .numbering_rules(&communes[0])
                    .await?
                    .map(|r| r.suffix_style)
                    .unwrap_or(SuffixStyle::Letters),
            },
        };
        let hint = match (draft.direction, draft.radial_centre, &parent) {
            (DirectionSetting::Forward, _, _) => DirectionHint::Kept(numbering::Direction::Forward),
            (DirectionSetting::Reverse, _, _) => DirectionHint::Kept(numbering::Direction::Reverse),
            (DirectionSetting::Auto, Some(centre), _) => DirectionHint::Radial { centre },
            (DirectionSetting::Auto, None, Some(parent)) => DirectionHint::AlleyFrom {
                parent: parent.line.clone(),
            },
            (DirectionSetting::Auto, None, None) => DirectionHint::Auto,
        };
        let (numbering_direction, direction_rule) = choose_direction(&draft.line, &hint)
            .map_err(|e| RegistryError::invalid("/geometry/coordinates", e.to_string()))?;
        let at = now();
        Ok(Street {
            id,
            street_type: draft.street_type,
            name: draft.name,
            line: draft.line,
            width_m: draft.width_m,
            communes,
            direction: draft.direction,
            radial_centre: draft.radial_centre,
            already_numbered: draft.already_numbered,
            suffix_style,
            reserve_every_m: draft.reserve_every_m,
            parent_id: draft.parent_id,
            entrance_number: previous.and_then(|p| p.entrance_number.clone()),
            numbering_direction,
            direction_rule,
            status: StreetStatus::Active,
            generated: draft.generated,
            version: previous.map_or(1, |p| p.version + 1),
            created_at: previous.map_or(at, |p| p.created_at),
            updated_at: previous.map_or(at, |p| at.max(p.updated_at)),
        })
    }

    fn street_event(
        actor: &Actor,
        action: StreetAction,
        before: Option<&Street>,
        after: &Street,
        plan_id: Option<String>,
        reason: Option<String>,
    ) -> NewStreetEvent {
        NewStreetEvent {
            at: after.updated_at,
            actor: actor.audit_name(),
            action,
            street_id: after.id.clone(),
            plan_id,
            before: before.map(Street::feature),
            after: Some(after.feature()),
            reason,
        }
    }

    async fn commit_street(
        &self,
        street: Street,
        expected_version: Option<i64>,
        event: NewStreetEvent,
    ) -> Result<Arc<Street>> {
        match self
            .store
            .save_street(&street, expected_version, &event)
            .await
        {
            Ok(_) => {}
            Err(StoreError::StreetConflict(_)) => {
                let current = self.store.get_street(&street.id).await?;
                return Err(RegistryError::Stale {
                    current_etag: current.map(|s| s.etag()).unwrap_or_default(),
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.indexes
            .write()
            .expect("index lock")
            .streets
            .upsert(street.clone());
        Ok(Arc::new(street))
    }

    /// Draws a new street (editor of every commune it runs through).
    pub async fn create_street(&self, actor: &Actor, draft: StreetDraft) -> Result<Arc<Street>> {
        if !actor.can_write() {
            return Err(RegistryError::Forbidden(
                "drawing streets needs an editor, reviewer or admin token".into(),
            ));
        }
        let _write = self.writes.lock().await;
        let street = self.street_from_draft(draft, new_street_id(), None).await?;
        Self::require_write_street(actor, &street.communes)?;
        let event = Self::street_event(actor, StreetAction::Create, None, &street, None, None);
        self.commit_street(street, None, event).await
    }

    async fn current_street_for_write(&self, id: &str, if_match: Option<&str>) -> Result<Street> {
        let street = self
            .store
            .get_street(id)
            .await?
            .ok_or_else(|| RegistryError::StreetNotFound(id.to_owned()))?;
        if let Some(tag) = if_match {
            let matches = super::if_match_holds(tag, &street.etag());
            if !matches {
                return Err(RegistryError::Stale {
                    current_etag: street.etag(),
                });
            }
        }
        Ok(street)
    }

    /// Applies a JSON merge patch to a street's Feature (If-Match required by the API).
    pub async fn patch_street(
        &self,
        actor: &Actor,
        id: &str,
        if_match: &str,
        patch: &Value,
    ) -> Result<Arc<Street>> {
        let _write = self.writes.lock().await;
        let before = self.current_street_for_write(id, Some(if_match)).await?;
        Self::require_write_street(actor, &before.communes)?;
        if before.status == StreetStatus::Retired {
            return Err(RegistryError::InvalidTransition(
                "a retired street cannot be changed".into(),
            ));
        }
        let mut doc = StreetDraft::editable_feature(&before);
        apply_merge_patch(&mut doc, patch);
        let draft = StreetDraft::from_feature(&doc)?;
        let after = self
            .street_from_draft(draft, before.id.clone(), Some(&before))
            .await?;
        Self::require_write_street(actor, &after.communes)?;
        let event = Self::street_event(
            actor,
            StreetAction::Update,
            Some(&before),
            &after,
            None,
            None,
        );
        self.commit_street(after, Some(before.version), event).await
    }

    /// Retires a street, with a reason; its id is never reused.
    pub async fn retire_street(
        &self,
        actor: &Actor,
        id: &str,
        if_match: Option<&str>,
        reason: &str,
    ) -> Result<Arc<Street>> {
        let reason = crate::text::normalize_name(reason);
        if reason.is_empty() {
            return Err(RegistryError::ReasonRequired);
        }
        check_reason(&reason)?;
        let _write = self.writes.lock().await;
        let before = self.current_street_for_write(id, if_match).await?;
        Self::require_write_street(actor, &before.communes)?;
        if before.status == StreetStatus::Retired {
            return Err(RegistryError::InvalidTransition(
                "the street is already retired".into(),
            ));
        }
        let after = Street {
            status: StreetStatus::Retired,
            version: before.version + 1,
            updated_at: now().max(before.updated_at),
            ..before.clone()
        };
        let event = Self::street_event(
            actor,
            StreetAction::Retire,
            Some(&before),
            &after,
            None,
            Some(reason),
        );
        self.commit_street(after, Some(before.version), event).await
    }

    /// The streets' log for one street (readers and above).
    pub async fn street_history(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<crate::event::StreetEvent>> {
        if !actor.can_read_all() {
            return Err(RegistryError::Forbidden(
                "the history is for signed-in roles (reader and above)".into(),
            ));
        }
        let events = self.store.street_history(id).await?;
        if events.is_empty() {
            return Err(RegistryError::StreetNotFound(id.to_owned()));
        }
        Ok(events)
    }

    /// The street a house is numbered on, and the chain of its parents ("ngõ 5", "phố X").
    fn street_chain(&self, street: &Street) -> Vec<Arc<Street>> {
        let mut chain = Vec::new();
        let mut next = Some(Arc::new(street.clone()));
        while let Some(s) = next {
            next = s
                .parent_id
                .as_ref()
                .and_then(|p| self.with_streets(|idx| idx.get(p)))
                .filter(|p| !chain.iter().any(|c: &Arc<Street>| c.id == p.id) && p.id != s.id);
            chain.push(s);
            if chain.len() > 8 {
                break;
            }
        }
        chain
    }

    /// How a house on this street is written, without its number: "ngõ 5, phố Nguyễn Văn Linh".
    pub fn street_address_text(&self, street: &Street) -> String {
        self.street_chain(street)
            .iter()
            .map(|s| s.display_name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The full Vietnamese address of a number on a street: "Số 20A, ngõ 5, phố Nguyễn Văn
    /// Linh, phường Phố Hiến, tỉnh Hưng Yên".
    pub fn full_address(&self, number: &str, street: &Street, commune_code: &str) -> String {
        let chain = self.street_chain(street);
        let names: Vec<String> = chain
            .iter()
            .map(|s| {
                s.name
                    .clone()
                    .or_else(|| s.entrance_number.clone())
                    .unwrap_or_default()
            })
            .collect();
        let parts: Vec<(numbering::StreetType, &str)> = chain
            .iter()
            .zip(&names)
            .map(|(s, n)| (s.street_type, n.as_str()))
            .collect();
        let communes = self.communes();
        let (commune, province) = communes
            .get(commune_code)
            .map(|c| {
                (
                    commune_in_address(&c.full_name),
                    province_in_address(&c.province_name),
                )
            })
            .unwrap_or_default();
        format_full_address(number, &parts, &commune, &province)
    }

    /// The full Vietnamese address of a place: through its numbered street when a plan
    /// numbered it, else from its address parts ("Số 7, phố Lê Lợi, thôn Đông, phường Phố
    /// Hiến, tỉnh Hưng Yên").
    pub fn full_address_of(&self, place: &Place) -> String {
        let number = place.address.house_number.as_deref();
        let street = place
            .attributes
            .get(super::NUMBERING_ATTRIBUTE)
            .and_then(|n| n["street_id"].as_str())
            .and_then(|id| self.with_streets(|s| s.get(id)));
        if let (Some(number), Some(street)) = (number, &street) {
            return self.full_address(number, street, &place.commune_code);
        }
        let communes = self.communes();
        let (commune, province) = communes
            .get(&place.commune_code)
            .map(|c| {
                (
                    commune_in_address(&c.full_name),
                    province_in_address(&c.province_name),
                )
            })
            .unwrap_or_default();
        [
            number.map(|n| format!("Số {n}")),
            place.address.street.clone(),
            place.address.hamlet.clone(),
            Some(commune),
            Some(province),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }

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
                .get(super::NUMBERING_ATTRIBUTE)
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

    /// The standardised catalogue of a commune: every house numbered by an approved plan,
    /// ordered by street, side and number. Anonymous callers get certified (active) houses
    /// only, as everywhere else; signed-in roles also provisional ones.
    pub async fn catalogue(&self, actor: &Actor, commune_code: &str) -> Result<Vec<CatalogueRow>> {
        let commune_name = self
            .communes()
            .get(commune_code)
            .map(|c| c.full_name.clone())
            .ok_or_else(|| RegistryError::NotFound(format!("commune {commune_code}")))?;
        let mut houses: Vec<Place> = Vec::new();
        self.store
            .export_places(Some(commune_code), &mut |p: Place| {
                if p.kind == PlaceKind::House
                    && (p.status == Status::Active
                        || (p.status == Status::Provisional && actor.can_read_all()))
                    && p.attributes.contains_key(super::NUMBERING_ATTRIBUTE)
                {
                    houses.push(p);
                }
                Ok(())
            })
            .await?;
        let mut rows: Vec<(String, u8, Option<HouseNumber>, CatalogueRow)> = Vec::new();
        for p in houses {
            let n = &p.attributes["numbering"];
            let street_id = n["street_id"].as_str().unwrap_or_default().to_owned();
            let number = p.address.house_number.clone().unwrap_or_default();
            let full_address = match self.with_streets(|s| s.get(&street_id)) {
                Some(street) => self.full_address(&number, &street, &p.commune_code),
                None => format!(
                    "Số {number}, {}",
                    p.address.street.clone().unwrap_or_default()
                ),
            };
            let side = u8::from(n["side"].as_str() == Some("right"));
            rows.push((
                street_id.clone(),
                side,
                parse_number(&number),
                CatalogueRow {
                    code: p.code.to_string(),
                    house_number: number,
                    street: p.address.street.clone().unwrap_or_default(),
                    street_id,
                    commune_code: p.commune_code.clone(),
                    commune_name: commune_name.clone(),
                    full_address,
                    plan_id: n["plan_id"].as_str().unwrap_or_default().to_owned(),
                    approved_at: n["approved_at"].as_str().unwrap_or_default().to_owned(),
                    lon: p.lon,
                    lat: p.lat,
                    status: p.status.as_str().to_owned(),
                    generated: p.generated,
                },
            ));
        }
        rows.sort_by(|a, b| (&a.3.street, &a.0, a.1, a.2).cmp(&(&b.3.street, &b.0, b.1, b.2)));
        Ok(rows.into_iter().map(|r| r.3).collect())
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

/// The attribute that holds a building's apartment units (written only by
/// [`Registry::number_units`]).
pub const UNITS_ATTRIBUTE: &str = "units";

/// Most apartment units one building may have.
pub const MAX_UNITS: usize = 5000;

impl Registry {
    /// Numbers a building's apartments floor–unit (Circular 08/2024, Art. 13): per floor, units
    /// clockwise from the main access, floors from 1 (basements get no number). The units are
    /// kept in the building's `units` attribute, under its location code, with an event.
    pub async fn number_units(
        &self,
        actor: &Actor,
        code: crate::code::LocationCode,
        if_match: Option<&str>,
        access_bearing_deg: f64,
        units: &[numbering::UnitPosition],
    ) -> Result<Place> {
        if units.is_empty() || units.len() > MAX_UNITS {
            return Err(RegistryError::invalid(
                "/units",
                format!("1 to {MAX_UNITS} units"),
            ));
        }
        if !access_bearing_deg.is_finite() || !(0.0..360.0).contains(&access_bearing_deg) {
            return Err(RegistryError::invalid(
                "/access_bearing_deg",
                "the main access's bearing from the building's core, degrees 0 ≤ b < 360",
            ));
        }
        if let Some(i) = units.iter().position(|u| {
            !u.bearing_deg.is_finite()
                || !(0.0..360.0).contains(&u.bearing_deg)
                || !(-10..=200).contains(&u.floor)
        }) {
            return Err(RegistryError::invalid(
                format!("/units/{i}"),
                "floor from -10 (basements) to 200, bearing_deg 0 ≤ b < 360",
            ));
        }
        let _write = self.writes.lock().await;
        let before = self.current_for_write(code, if_match).await?;
        Self::require_write_in(actor, &before.commune_code)?;
        if before.status == Status::Retired {
            return Err(RegistryError::InvalidTransition(
                "a retired place cannot be changed".into(),
            ));
        }
        if !matches!(
            before.kind,
            PlaceKind::House | PlaceKind::Other | PlaceKind::PublicBuilding
        ) {
            return Err(RegistryError::invalid(
                "/",
                "apartments belong to a residential building (kind house, other or public_building)",
            ));
        }
        let numbers = numbering::number_units(units, access_bearing_deg);
        let address = self.full_address_of(&before);
        let list: Vec<Value> = units
            .iter()
            .zip(&numbers)
            .map(|(u, n)| {
                json!({
                    "number": n.map(|n| n.to_string()),
                    "floor": u.floor,
                    "bearing_deg": u.bearing_deg,
                    "full_address": n.map(|n| format!("Căn hộ {n}, {address}")),
                })
            })
            .collect();
        let mut after = before.clone();
        after
            .attributes
            .insert(UNITS_ATTRIBUTE.into(), Value::Array(list));
        self.commit_change(
            actor,
            before,
            after,
            super::Action::Update,
            Some("apartment units numbered".into()),
        )
        .await
    }
}
