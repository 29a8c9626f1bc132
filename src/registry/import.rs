//! Bulk import: many places per transaction, with the same validation, commune, duplicate and
//! code rules as one registration.

use std::collections::HashSet;

use serde_json::Value;

use super::{Catalog, Registry, RegistryError, Result, DUPLICATE_RADIUS_M};
use crate::auth::Actor;
use crate::code::{self, LocationCode};
use crate::commune::CommuneIndex;
use crate::event::{Action, NewEvent};
use crate::place::{place_feature, relax_feature, Place, PlaceDraft, Status};
use crate::spatial::PlaceIndex;
use crate::store::ImportProgress;

/// One input record for [`BulkImport::push`].
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Line number or feature index, for reports.
    pub number: u64,
    pub feature: std::result::Result<Value, String>,
    /// The commune the source names for the record (a code or a name): checked against the
    /// commune its point is in, which is the one kept.
    pub declared_commune: Option<String>,
    /// What reading the record noted (columns kept, coordinates read the other way round).
    pub notes: Vec<String>,
}

impl ImportRow {
    /// A record with nothing noted.
    pub fn new(number: u64, feature: std::result::Result<Value, String>) -> ImportRow {
        ImportRow {
            number,
            feature,
            declared_commune: None,
            notes: Vec::new(),
        }
    }
}

/// What happened to a batch.
#[derive(Debug, Clone, Default)]
pub struct BatchReport {
    /// Record number and the code each accepted record got (would get, in a dry run).
    pub accepted: Vec<(u64, LocationCode)>,
    /// Record number and what is worth a look in an accepted record.
    pub warnings: Vec<(u64, String)>,
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

/// Places decided but not in the catalog yet (the batch in flight, or everything a dry run
/// would import): their codes are taken and they are duplicate candidates.
#[derive(Debug, Default)]
struct Pending {
    places: Vec<Place>,
    points: PlaceIndex,
    codes: HashSet<LocationCode>,
}

impl Pending {
    fn add(&mut self, place: Place) {
        self.points
            .insert(self.places.len() as u32, [place.lon, place.lat]);
        self.codes.insert(place.code);
        self.places.push(place);
    }

    fn of(places: &[Place]) -> Pending {
        let mut pending = Pending::default();
        for p in places {
            pending.add(p.clone());
        }
        pending
    }
}

/// What the file says of a record's commune, against the commune its point is in.
fn commune_mismatch(declared: &str, commune: &crate::commune::Commune) -> Option<String> {
    let declared = declared.trim();
    if crate::commune::is_commune_code(declared) {
        return (declared != commune.code).then(|| {
            format!(
                "the file says commune {declared}; the point is in {} ({}), which is kept",
                commune.code, commune.full_name
            )
        });
    }
    let name = crate::text::fold(crate::address::split_unit_name(declared).1);
    let same = name.is_empty()
        || name == crate::text::fold(&commune.name)
        || crate::text::fold(declared) == crate::text::fold(&commune.full_name);
    (!same).then(|| {
        format!(
            "the file says {declared:?} (a former commune's name?); the point is in {}, which is kept",
            commune.full_name
        )
    })
}

/// The registry's decision for one record, without writing anything.
struct Decider<'a> {
    catalog: &'a Catalog,
    communes: &'a CommuneIndex,
    actor: &'a Actor,
    at: chrono::DateTime<chrono::Utc>,
    /// The status new places start with.
    status: Status,
    /// Features from other tools are relaxed (unknown properties kept as attributes).
    lenient: bool,
    pending: &'a mut Pending,
}

impl Decider<'_> {
    fn decide(&mut self, row: ImportRow, notes: &mut Vec<String>) -> Outcome {
        notes.extend(row.notes);
        let mut feature = match row.feature {
            Ok(f) => f,
            Err(e) => return Outcome::Rejected(e),
        };
        let mut declared = row.declared_commune;
        if self.lenient {
            let relaxed = relax_feature(&mut feature);
            notes.extend(relaxed.notes);
            declared = declared.or(relaxed.declared_commune);
        }
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
        if let Some(w) = declared.and_then(|d| commune_mismatch(&d, commune)) {
            notes.push(w);
        }
        if !draft.confirm_distinct {
            let mut codes: Vec<String> = self
                .catalog
                .possible_duplicates(&draft, DUPLICATE_RADIUS_M, None)
                .into_iter()
                .map(|(d, _)| d.code.to_string())
                .collect();
            let pending = &*self.pending;
            codes.extend(
                pending
                    .points
                    .nearest(lon, lat, DUPLICATE_RADIUS_M, usize::MAX, |i| {
                        let p = &pending.places[i as usize];
                        draft.may_duplicate(p.kind, p.status, &p.name)
                    })
                    .into_iter()
                    .map(|(i, _)| pending.places[i as usize].code.to_string()),
            );
            if !codes.is_empty() {
                return Outcome::Duplicate(codes);
            }
        }
        let code = match code::nearest_free_cell(lon, lat, |c| {
            self.catalog.is_taken(c) || self.pending.codes.contains(&c)
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

    /// Starts a bulk import that holds the registry's write lock until it is finished, so
    /// one batch is decided while the previous one commits (the command line, where nothing
    /// else writes).
    pub async fn bulk_import(
        &self, actor: Actor, strict: bool, progress: ImportProgress,
    ) -> BulkImport<'_> {
        let mut import = self.bulk_import_shared(actor, strict, progress);
        import.held = Some(self.writes.lock().await);
        import
    }

    /// Starts a bulk import that takes the registry's write lock for each batch and commits
    /// the batch before letting go, so officers' writes go on between batches (a serving
    /// process).
    pub fn bulk_import_shared(
        &self, actor: Actor, strict: bool, progress: ImportProgress,
    ) -> BulkImport<'_> {
        BulkImport {
            registry: self,
            held: None,
            actor,
            strict,
            dry_run: false,
            committed: progress,
            status: Status::Provisional,
            decided: None,
            in_flight: None,
            pending: Pending::default(),
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
    /// The write lock, when held for the whole import; otherwise each batch takes it.
    held: Option<tokio::sync::MutexGuard<'a, ()>>,
    actor: Actor,
    strict: bool,
    /// Decide everything, write nothing.
    dry_run: bool,
    /// What is committed (places, events and progress in one transaction per batch).
    committed: ImportProgress,
    /// The status new places start with (provisional unless certified on import).
    status: Status,
    /// The progress including the last decided batch.
    decided: Option<ImportProgress>,
    in_flight: Option<InFlight>,
    /// Decided places not in the catalog yet.
    pending: Pending,
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

    /// Decides every record and writes nothing (`finish` then says what would be imported).
    pub fn dry_run(&mut self) {
        self.dry_run = true;
    }

    /// The progress that is committed.
    pub fn committed(&self) -> &ImportProgress {
        &self.committed
    }

    /// The progress including what is decided (all of a dry run).
    pub fn progress(&self) -> &ImportProgress {
        self.decided.as_ref().unwrap_or(&self.committed)
    }

    /// Decides a batch of records and starts its transaction; returns what was decided (the
    /// rejected and duplicate records). Bad records are skipped (with `strict`, the batch ends
    /// before the first one and the report says `stopped`). Duplicates — same kind, similar
    /// name, within 15 m, also within the batches not yet committed — are skipped unless a
    /// record sets `confirm_distinct`. The indexes learn the places after their commit.
    pub async fn push(&mut self, rows: Vec<ImportRow>) -> Result<BatchReport> {
        let registry = self.registry;
        // Without the lock held throughout, this batch holds it until it is committed.
        let _batch_lock = match self.held {
            Some(_) => None,
            None => Some(registry.writes.lock().await),
        };
        let communes = registry.communes();
        let mut report = BatchReport::default();
        let mut processed = 0u64;
        let mut pending = std::mem::take(&mut self.pending);
        let first_new = pending.places.len();
        {
            let indexes = registry.indexes();
            let mut decider = Decider {
                catalog: &indexes.catalog,
                communes: &communes,
                actor: &self.actor,
                at: super::now(),
                status: self.status,
                lenient: !self.strict,
                pending: &mut pending,
            };
            for row in rows {
                let number = row.number;
                let mut notes = Vec::new();
                match decider.decide(row, &mut notes) {
                    Outcome::Accepted(place) => {
                        report.accepted.push((number, place.code));
                        report
                            .warnings
                            .extend(notes.into_iter().map(|n| (number, n)));
                        decider.pending.add(*place);
                    }
                    Outcome::Rejected(why) => {
                        report.rejected.push((number, why));
                        if self.strict {
                            report.stopped = true;
                            break;
                        }
                    }
                    Outcome::Duplicate(codes) => report.duplicates.push((number, codes)),
                }
                processed += 1;
            }
        }
        let mut next = self
            .decided
            .clone()
            .unwrap_or_else(|| self.committed.clone());
        next.records_done += processed;
        next.accepted += (pending.places.len() - first_new) as u64;
        next.rejected += report.rejected.len() as u64 - u64::from(report.stopped);
        next.duplicates += report.duplicates.len() as u64;
        if self.dry_run {
            // Everything decided stays pending: later records are checked against it.
            self.pending = pending;
            self.decided = Some(next);
            return Ok(report);
        }
        // The batch in flight becomes what the next batch is checked against.
        let places = pending.places.split_off(first_new);
        self.pending = Pending::of(&places);
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
        if self.held.is_none() {
            self.settle().await?;
            self.pending = Pending::default();
        }
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
        self.registry.index_places(&flight.places);
        self.committed = flight.progress;
        Ok(())
    }

    /// Commits what is in flight and returns the committed progress (for a dry run, what
    /// would have been imported; nothing is written).
    pub async fn finish(mut self) -> Result<ImportProgress> {
        if self.dry_run {
            return Ok(self.decided.unwrap_or(self.committed));
        }
        self.settle().await?;
        Ok(self.committed)
    }
}
