//! Bulk import: many places per transaction, with the same validation, commune, duplicate and
//! code rules as one registration.

use std::collections::HashSet;

use serde_json::Value;

use super::{Action, Catalog, NewEvent, Registry, RegistryError, Result, DUPLICATE_RADIUS_M};
use crate::auth::Actor;
use crate::code::{self, LocationCode};
use crate::commune::CommuneIndex;
use crate::place::{place_feature, Place, PlaceDraft, Status};
use crate::spatial::PlaceIndex;
use crate::store::{ImportProgress, StoreError};
use crate::text::names_similar;

/// One input record for [`Registry::import_batch`].
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Line number or feature index, for reports.
    pub number: u64,
    pub feature: std::result::Result<Value, String>,
}

/// What happened to a batch.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    pub accepted: Vec<LocationCode>,
    /// Record number and why it was refused.
    pub rejected: Vec<(u64, String)>,
    /// Record number and the codes of the similar places it may duplicate.
    pub duplicates: Vec<(u64, Vec<String>)>,
    /// With `strict`, the batch stopped at its first bad record.
    pub stopped: bool,
}

enum Outcome {
    Accepted(Box<Place>),
    Rejected(String),
    Duplicate(Vec<String>),
}

/// The registry's decision for one record, without writing anything.
struct Decider<'a> {
    catalog: &'a Catalog,
    communes: &'a CommuneIndex,
    actor: &'a Actor,
    at: chrono::DateTime<chrono::Utc>,
    /// Places accepted earlier in the batch (not yet in the catalog).
    batch: Vec<Place>,
    batch_points: PlaceIndex,
    batch_codes: HashSet<LocationCode>,
}

impl Decider<'_> {
    fn decide(&mut self, feature: std::result::Result<Value, String>) -> Outcome {
        let feature = match feature {
            Ok(f) => f,
            Err(e) => return Outcome::Rejected(e),
        };
        let draft = match PlaceDraft::from_feature(&feature) {
            Ok(d) => d,
            Err(e) => return Outcome::Rejected(e.to_string()),
        };
        let (lon, lat) = (draft.lon, draft.lat);
        if code::Cell::of(lon, lat).is_err() {
            return Outcome::Rejected(RegistryError::OutsideTerritory { lon, lat }.to_string());
        }
        let Some(commune) = self.communes.locate(lon, lat) else {
            return Outcome::Rejected(RegistryError::OutsideCommunes { lon, lat }.to_string());
        };
        if !self.actor.can_write_in(&commune.code) {
            return Outcome::Rejected(format!("not allowed to write in commune {}", commune.code));
        }
        if !draft.confirm_distinct {
            let similar = |kind, status, name: &str| {
                kind == draft.kind && status != Status::Retired && names_similar(name, &draft.name)
            };
            let mut codes: Vec<String> = self
                .catalog
                .within(lon, lat, DUPLICATE_RADIUS_M)
                .into_iter()
                .filter(|(d, _)| similar(d.kind, d.status, &d.name))
                .map(|(d, _)| d.code.to_string())
                .collect();
            codes.extend(
                self.batch_points
                    .nearest(lon, lat, DUPLICATE_RADIUS_M, usize::MAX, |i| {
                        let p = &self.batch[i as usize];
                        similar(p.kind, p.status, &p.name)
                    })
                    .into_iter()
                    .map(|(i, _)| self.batch[i as usize].code.to_string()),
            );
            if !codes.is_empty() {
                return Outcome::Duplicate(codes);
            }
        }
        let code = match code::nearest_free_cell(lon, lat, |c| {
            self.catalog.is_taken(c) || self.batch_codes.contains(&c)
        }) {
            Ok(c) => c,
            Err(e) => return Outcome::Rejected(e.to_string()),
        };
        Outcome::Accepted(Box::new(Place {
            code,
            kind: draft.kind,
            name: draft.name,
            lon,
            lat,
            footprint: draft.footprint,
            commune_code: commune.code.clone(),
            address: draft.address,
            attributes: draft.attributes,
            external_ids: draft.external_ids,
            status: Status::Provisional,
            generated: draft.generated,
            version: 1,
            created_at: self.at,
            updated_at: self.at,
        }))
    }
}

impl Registry {
    /// The progress of an import, by its key.
    pub async fn import_progress(&self, key: &str) -> Result<Option<ImportProgress>> {
        Ok(self.store.import_progress(key).await?)
    }

    /// Saves progress without places (e.g. to mark an import finished).
    pub async fn save_import_progress(&self, progress: &ImportProgress) -> Result<()> {
        Ok(self.store.save_import_progress(progress).await?)
    }

    /// Imports a batch of records in one transaction, with the import's progress. Bad records
    /// are reported and skipped (with `strict`, the batch ends before the first one, and
    /// `progress` counts only the records before it). Duplicates (same kind, similar name,
    /// within 15 m, also within the batch) are reported and skipped unless a record sets
    /// `confirm_distinct`. The indexes learn the new places after the commit.
    pub async fn import_batch(
        &self,
        actor: &Actor,
        rows: Vec<ImportRow>,
        strict: bool,
        progress: &mut ImportProgress,
    ) -> Result<BatchReport> {
        let _write = self.writes.lock().await;
        let communes = self.communes();
        let mut report = BatchReport::default();
        let mut processed = 0u64;
        let places = {
            let indexes = self.indexes.read().expect("index lock");
            let mut decider = Decider {
                catalog: &indexes.catalog,
                communes: &communes,
                actor,
                at: super::now(),
                batch: Vec::with_capacity(rows.len()),
                batch_points: PlaceIndex::default(),
                batch_codes: HashSet::new(),
            };
            for row in rows {
                match decider.decide(row.feature) {
                    Outcome::Accepted(place) => {
                        let id = decider.batch.len() as u32;
                        decider.batch_points.insert(id, [place.lon, place.lat]);
                        decider.batch_codes.insert(place.code);
                        decider.batch.push(*place);
                    }
                    Outcome::Rejected(why) => {
                        report.rejected.push((row.number, why));
                        if strict {
                            report.stopped = true;
                            break;
                        }
                    }
                    Outcome::Duplicate(codes) => report.duplicates.push((row.number, codes)),
                }
                processed += 1;
            }
            decider.batch
        };
        let events: Vec<NewEvent> = places
            .iter()
            .map(|p| NewEvent {
                at: p.created_at,
                actor: actor.audit_name(),
                action: Action::Create,
                code: p.code,
                before: None,
                after: Some(place_feature(
                    p,
                    communes.get(&p.commune_code).map(|c| c.full_name.as_str()),
                )),
                reason: Some(format!("import {}", progress.source)),
            })
            .collect();
        let mut next = progress.clone();
        next.records_done += processed;
        next.accepted += places.len() as u64;
        next.rejected += report.rejected.len() as u64 - u64::from(report.stopped);
        next.duplicates += report.duplicates.len() as u64;
        match self.store.insert_batch(&places, &events, &next).await {
            Ok(()) => {}
            Err(StoreError::CodeTaken(c)) => {
                // Another node registered at the same moment: nothing was committed; the
                // caller may run the batch again with fresh codes.
                return Err(StoreError::CodeTaken(c).into());
            }
            Err(e) => return Err(e.into()),
        }
        *progress = next;
        let mut indexes = self.indexes.write().expect("index lock");
        for p in &places {
            indexes.catalog.upsert(p);
        }
        report.accepted = places.iter().map(|p| p.code).collect();
        Ok(report)
    }
}
