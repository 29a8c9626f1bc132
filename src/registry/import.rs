//! Bulk import: many places per transaction, with the same validation, commune, duplicate and
//! code rules as one registration.

use std::collections::HashSet;

use serde_json::Value;

use super::{Catalog, Registry, RegistryError, Result, DUPLICATE_RADIUS_M};
use crate::auth::Actor;
use crate::code::{self, LocationCode};
use crate::commune::CommuneIndex;
use crate::event::{Action, NewEvent};
use crate::place::{place_feature, Place, PlaceDraft, Status};
use crate::spatial::PlaceIndex;
use crate::store::ImportProgress;

/// One input record for [`BulkImport::push`].
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
    /// The status new places start with.
    status: Status,
    /// Places accepted earlier in the batch (not yet in the catalog).
    batch: Vec<Place>,
    batch_points: PlaceIndex,
    batch_codes: HashSet<LocationCode>,
}

impl Decider<'_> {
    /// Counts a place as part of the batch: its code is taken, it is a duplicate candidate.
    fn accept(&mut self, place: Place) {
        let id = self.batch.len() as u32;
        self.batch_points.insert(id, [place.lon, place.lat]);
        self.batch_codes.insert(place.code);
        self.batch.push(place);
    }

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
            let mut codes: Vec<String> = self
                .catalog
                .possible_duplicates(&draft, DUPLICATE_RADIUS_M, None)
                .into_iter()
                .map(|(d, _)| d.code.to_string())
                .collect();
            codes.extend(
                self.batch_points
                    .nearest(lon, lat, DUPLICATE_RADIUS_M, usize::MAX, |i| {
                        let p = &self.batch[i as usize];
                        draft.may_duplicate(p.kind, p.status, &p.name)
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
            status: self.status,
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

    /// Starts a bulk import. The import holds the registry's write lock until it is finished
    /// (it is meant for the command line, not for a serving process).
    pub async fn bulk_import(
        &self,
        actor: Actor,
        strict: bool,
        progress: ImportProgress,
    ) -> BulkImport<'_> {
        BulkImport {
            registry: self,
            _write: self.writes.lock().await,
            actor,
            strict,
            committed: progress,
            status: Status::Provisional,
            decided: None,
            in_flight: None,
        }
    }
}

/// A batch whose transaction is running.
struct InFlight {
    commit: tokio::task::JoinHandle<Result<()>>,
    places: std::sync::Arc<Vec<Place>>,
    progress: ImportProgress,
}

/// A bulk import in progress: batches are decided on this thread while the previous batch's
/// transaction commits on another, so parsing, deciding and writing overlap on two cores.
pub struct BulkImport<'a> {
    registry: &'a Registry,
    _write: tokio::sync::MutexGuard<'a, ()>,
    actor: Actor,
    strict: bool,
    /// What is committed (places, events and progress in one transaction per batch).
    committed: ImportProgress,
    /// The status new places start with (provisional unless certified on import).
    status: Status,
    /// The progress including the last decided batch.
    decided: Option<ImportProgress>,
    in_flight: Option<InFlight>,
}

impl BulkImport<'_> {
    /// New places start active: for trusted sources imported by a reviewer, an admin or the
    /// local command line (the demo loader, an already-verified registry).
    pub fn certify_on_import(&mut self) -> Result<()> {
        if !self.actor.can_certify() {
            return Err(RegistryError::Forbidden(
                "certifying on import needs a reviewer, admin or the local command line".into(),
            ));
        }
        self.status = Status::Active;
        Ok(())
    }

    /// The progress that is committed.
    pub fn committed(&self) -> &ImportProgress {
        &self.committed
    }

    /// Decides a batch of records and starts its transaction; returns what was decided (the
    /// rejected and duplicate records). Bad records are skipped (with `strict`, the batch ends
    /// before the first one and the report says `stopped`). Duplicates — same kind, similar
    /// name, within 15 m, also within the batches not yet committed — are skipped unless a
    /// record sets `confirm_distinct`. The indexes learn the places after their commit.
    pub async fn push(&mut self, rows: Vec<ImportRow>) -> Result<BatchReport> {
        let registry = self.registry;
        let communes = registry.communes();
        let mut report = BatchReport::default();
        let mut processed = 0u64;
        let prior = self.in_flight.as_ref().map(|f| f.places.clone());
        let places = {
            let indexes = registry.indexes();
            let mut decider = Decider {
                catalog: &indexes.catalog,
                communes: &communes,
                actor: &self.actor,
                at: super::now(),
                status: self.status,
                batch: Vec::with_capacity(rows.len()),
                batch_points: PlaceIndex::default(),
                batch_codes: HashSet::new(),
            };
            // The batch in flight is not in the catalog yet: its places count as taken and as
            // duplicate candidates, as if they were part of this batch.
            for p in prior.iter().flat_map(|p| p.iter()) {
                decider.accept(p.clone());
            }
            let first_new = decider.batch.len();
            for row in rows {
                match decider.decide(row.feature) {
                    Outcome::Accepted(place) => decider.accept(*place),
                    Outcome::Rejected(why) => {
                        report.rejected.push((row.number, why));
                        if self.strict {
                            report.stopped = true;
                            break;
                        }
                    }
                    Outcome::Duplicate(codes) => report.duplicates.push((row.number, codes)),
                }
                processed += 1;
            }
            decider.batch.split_off(first_new)
        };
        let source = self.committed.source.clone();
        let events: Vec<NewEvent> = places
            .iter()
            .map(|p| NewEvent {
                at: p.created_at,
                actor: self.actor.audit_name(),
                action: Action::Create,
                code: p.code,
                before: None,
                after: Some(place_feature(
                    p,
                    communes.get(&p.commune_code).map(|c| c.full_name.as_str()),
                )),
                reason: Some(format!("import {source}")),
            })
            .collect();
        let mut next = self
            .decided
            .clone()
            .unwrap_or_else(|| self.committed.clone());
        next.records_done += processed;
        next.accepted += places.len() as u64;
        next.rejected += report.rejected.len() as u64 - u64::from(report.stopped);
        next.duplicates += report.duplicates.len() as u64;
        report.accepted = places.iter().map(|p| p.code).collect();

        // Wait for the previous batch, then start this one's transaction.
        self.settle().await?;
        let store = registry.store.clone();
        let progress = next.clone();
        let places = std::sync::Arc::new(places);
        let batch = places.clone();
        let commit = tokio::spawn(async move {
            store.insert_batch(&batch, &events, &progress).await?;
            Ok(())
        });
        self.in_flight = Some(InFlight {
            commit,
            places,
            progress: next.clone(),
        });
        self.decided = Some(next);
        Ok(report)
    }

    /// Waits for the batch in flight and moves its places into the indexes.
    async fn settle(&mut self) -> Result<()> {
        let Some(flight) = self.in_flight.take() else {
            return Ok(());
        };
        flight
            .commit
            .await
            .map_err(|e| RegistryError::Internal(format!("import task: {e}")))??;
        {
            let mut indexes = self.registry.indexes_mut();
            for p in flight.places.iter() {
                indexes.catalog.upsert(p);
            }
        }
        self.committed = flight.progress;
        Ok(())
    }

    /// Commits what is in flight and returns the committed progress.
    pub async fn finish(mut self) -> Result<ImportProgress> {
        self.settle().await?;
        Ok(self.committed)
    }
}
