//! Drawing, changing and retiring streets, and their log.

use std::sync::Arc;

use serde_json::Value;

use crate::auth::Actor;
use crate::event::{NewStreetEvent, StreetAction};
use crate::numbering::{self, choose_direction, DirectionHint, SuffixStyle};
use crate::place::apply_merge_patch;
use crate::registry::{allow, history_for, now, required_reason, Registry, RegistryError, Result};
use crate::store::StoreError;
use crate::street::{
    new_street_id, point_line_distance_m, DirectionSetting, Street, StreetDraft, StreetStatus,
};

/// How far from its parent street an alley's entrance may be, metres.
pub const ALLEY_ENTRANCE_MAX_M: f64 = 30.0;
/// Spacing of the points sampled along a line to find the communes it crosses, metres.
const COMMUNE_SAMPLE_M: f64 = 25.0;

impl Registry {
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

    /// Builds the street a draft describes: communes, parent checks, direction.
    async fn street_from_draft(
        &self, draft: StreetDraft, id: String, previous: Option<&Street>,
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

    /// Commits a street and its event at the expected version, then updates the index; a
    /// version another writer took first answers `Stale` with the current ETag.
    async fn commit_street(
        &self, street: Street, expected_version: Option<i64>, event: NewStreetEvent,
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
        self.indexes_mut().streets.upsert(street.clone());
        Ok(Arc::new(street))
    }

    /// Draws a new street (editor of every commune it runs through).
    pub async fn create_street(&self, actor: &Actor, draft: StreetDraft) -> Result<Arc<Street>> {
        allow(
            actor.can_write(),
            "drawing streets needs an editor, reviewer or admin token",
        )?;
        let _write = self.writes.lock().await;
        let street = self.street_from_draft(draft, new_street_id(), None).await?;
        Self::require_write_street(actor, &street.communes)?;
        let event = Self::street_event(actor, StreetAction::Create, None, &street, None, None);
        self.commit_street(street, None, event).await
    }

    /// Applies a JSON merge patch to a street's Feature (If-Match required by the API).
    pub async fn patch_street(
        &self, actor: &Actor, id: &str, if_match: &str, patch: &Value,
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
        &self, actor: &Actor, id: &str, if_match: Option<&str>, reason: &str,
    ) -> Result<Arc<Street>> {
        let reason = required_reason(reason)?;
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
        &self, actor: &Actor, id: &str,
    ) -> Result<Vec<crate::event::StreetEvent>> {
        history_for(actor, self.store.street_history(id), || {
            RegistryError::StreetNotFound(id.to_owned())
        })
        .await
    }
}
