//! The registry: places and their lifecycle over a [`Store`], with the in-memory indexes.
//!
//! Every write runs under one in-process write lock: validate, decide (commune, duplicates,
//! code), commit the row and its event in one store transaction, and only then update the
//! in-memory indexes. Readers never see an index entry whose row is not committed.

mod catalog;
mod error;
mod feed;
mod geocode;
mod hold;
mod import;
mod import_file;
mod import_jobs;
mod importer;
mod journal;
mod parking;
mod population;
mod streets;
mod tokens;

pub use catalog::{Catalog, PlaceFilter};
pub use error::{RegistryError, Result};
pub use feed::{Stats, MAX_CHANGES_LIMIT};
pub use geocode::{
    AdminContext, ConvertedFrom, GeocodeMatch, Geocoded, MatchLevel, BATCH_COLUMNS,
    MAX_ADDRESS_QUERY_CHARS, MAX_GEOCODE_LIMIT,
};
pub use hold::{HoldClock, LongestHolds};
pub use import::{BatchReport, BulkImport, ImportRow};
pub use import_file::{check_import_format, read_import_records, ImportInput, ReadOptions};
pub use import_jobs::{ImportJob, ImportRequest, JobState, MAX_RUNNING_IMPORTS};
pub use importer::{
    ImportEnd, ImportObserver, ImportSettings, ImportSummary, ReportRow, REPORT_HEADER,
};
pub use journal::ChangeJournal;
pub use parking::LotProgress;
pub use population::{PopulationCache, PopulationData};
pub use streets::{
    CatalogueRow, PlanRequest, ALLEY_ENTRANCE_MAX_M, DEFAULT_FRONTAGE_MAX_M, MAX_UNITS,
    UNITS_ATTRIBUTE,
};
pub use tokens::{require_token_admin, NewToken, TokenCache};

use std::collections::HashSet;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;

use crate::auth::Actor;
use crate::code::{self, CodeError, LocationCode};
use crate::commune::{self, Commune, CommuneIndex};
use crate::event::{Action, Event, NewEvent};
use crate::place::{apply_merge_patch, place_feature, Place, PlaceDraft, Status};
use crate::store::{IdempotencyRecord, Store, StoreError};
use hold::Held;

/// Longest reason accepted for a retirement or certification, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

pub use crate::street::NUMBERING_ATTRIBUTE;

/// Radius of the duplicate check, metres.
pub const DUPLICATE_RADIUS_M: f64 = 15.0;

/// Places put into the indexes per write hold when many come at once (a catch-up page, an
/// import batch): at ~10 µs a place at 1M, a hold stays around a millisecond.
const INDEX_CHUNK: usize = 128;

/// Why a retired place is not changed (patched, or its apartments numbered).
pub(crate) const PLACE_RETIRED: &str = "a retired place cannot be changed";

/// An `Idempotency-Key` sent with a registration.
#[derive(Debug, Clone)]
pub struct IdempotencyRequest {
    pub key: String,
    /// SHA-256 (hex) of the request body.
    pub fingerprint: String,
}

/// The answer to a registration.
#[derive(Debug, Clone)]
pub struct Registered {
    pub code: LocationCode,
    /// The Feature answered the first time (for a replayed key, the remembered one).
    pub feature: Value,
    /// True when an `Idempotency-Key` was seen before and nothing new was created.
    pub replayed: bool,
}

struct Indexes {
    communes: Arc<CommuneIndex>,
    /// The units addresses are read against (today's communes and the former ones).
    admin: Arc<AdminContext>,
    catalog: Catalog,
    streets: crate::street::StreetIndex,
}

/// The registry service.
pub struct Registry {
    store: Arc<dyn Store>,
    indexes: RwLock<Indexes>,
    /// How long `indexes` is held, at the longest.
    holds: HoldClock,
    /// The store did not answer the last read of the event log.
    store_out: std::sync::atomic::AtomicBool,
    writes: tokio::sync::Mutex<()>,
    /// The last event of the log that the indexes reflect (see [`Registry::catch_up`]).
    applied_seq: std::sync::atomic::AtomicI64,
    /// The same for the streets' log.
    applied_street_seq: std::sync::atomic::AtomicI64,
    /// Aggregates of resident-count snapshots, and the privacy rule.
    population: PopulationCache,
    /// Tokens recently seen, by hash.
    tokens: TokenCache,
    /// Imports started over HTTP.
    import_jobs: import_jobs::ImportJobs,
}

/// A reason (for certifying or retiring) is bounded text without control characters.
fn check_reason(reason: &str) -> Result<()> {
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(RegistryError::ReasonTooLong(MAX_REASON_CHARS));
    }
    if reason.chars().any(char::is_control) {
        return Err(RegistryError::ReasonInvalid);
    }
    Ok(())
}

/// Refuses (`Forbidden`, saying `why`) unless the actor `may`.
pub(crate) fn allow(may: bool, why: &str) -> Result<()> {
    if may {
        Ok(())
    } else {
        Err(RegistryError::Forbidden(why.into()))
    }
}

/// A reason that must be given (retiring), normalised and checked.
pub(crate) fn required_reason(reason: &str) -> Result<String> {
    let reason = crate::text::normalize_name(reason);
    if reason.is_empty() {
        return Err(RegistryError::ReasonRequired);
    }
    check_reason(&reason)?;
    Ok(reason)
}

/// A reason that may be left out (certifying, deciding a plan), normalised and checked; a blank
/// one is none.
pub(crate) fn optional_reason(reason: Option<String>) -> Result<Option<String>> {
    let reason = reason
        .map(|r| crate::text::normalize_name(&r))
        .filter(|r| !r.is_empty());
    if let Some(r) = &reason {
        check_reason(r)?;
    }
    Ok(reason)
}

/// Refuses a write based on an older version: the client's `If-Match` (when it sent one) must
/// hold for the current `etag`.
pub(crate) fn check_if_match(if_match: Option<&str>, etag: String) -> Result<()> {
    match if_match {
        Some(tag) if !if_match_holds(tag, &etag) => {
            Err(RegistryError::Stale { current_etag: etag })
        }
        _ => Ok(()),
    }
}

/// Whether an entity tag list (`If-None-Match`, or `If-Match` without `*`) names `etag`;
/// weak tags (`W/"…"`) compare by their value.
pub fn etag_listed(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .any(|t| t.trim().trim_start_matches("W/") == etag)
}

/// Whether an `If-Match` header holds for the current `etag` (`*` matches any version).
pub(crate) fn if_match_holds(header: &str, etag: &str) -> bool {
    header.trim() == "*" || etag_listed(header, etag)
}

/// A history (of a place or a street) for signed-in roles, read by `events` only for them; no
/// event at all means nothing was ever registered under the key (`missing`).
pub(crate) async fn history_for<E>(
    actor: &Actor,
    events: impl std::future::Future<Output = std::result::Result<Vec<E>, StoreError>>,
    missing: impl FnOnce() -> RegistryError,
) -> Result<Vec<E>> {
    allow(
        actor.can_read_all(),
        "the history is for signed-in roles (reader and above)",
    )?;
    let events = events.await?;
    if events.is_empty() {
        return Err(missing());
    }
    Ok(events)
}

/// Now, to the microsecond (for records kept outside the registry's own writes).
pub fn now_utc() -> DateTime<Utc> {
    now()
}

/// Now, to the microsecond (what every store keeps exactly).
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl Registry {
    /// Opens the registry on a migrated store: loads the Hưng Yên communes on first start,
    /// then rebuilds the indexes from the store with bulk loading.
    pub async fn open(store: Arc<dyn Store>) -> Result<Registry> {
        let mut communes = store.load_communes().await?;
        if communes.is_empty() {
            let hung_yen = commune::load(commune::HUNG_YEN_COMMUNES_GEOJSON)
                .map_err(|e| RegistryError::Internal(format!("embedded communes: {e}")))?;
            store.upsert_communes(&hung_yen).await?;
            tracing::info!(count = hung_yen.len(), "loaded the communes of Hưng Yên");
            communes = hung_yen;
        }
        // Read the log position first: events committed while the places load are applied
        // again by the first catch-up (upserts are idempotent), never missed.
        let applied_seq = store.last_event_seq().await?;
        let applied_street_seq = store.last_street_event_seq().await?;
        let streets = crate::street::StreetIndex::new(store.load_streets().await?);
        let started = std::time::Instant::now();
        let docs = store.load_place_docs().await?;
        let loaded = started.elapsed();
        let count = docs.len();
        let catalog = tokio::task::spawn_blocking(move || Catalog::from_docs(docs))
            .await
            .map_err(|e| RegistryError::Internal(format!("index build: {e}")))?;
        let communes = CommuneIndex::new(communes);
        let indexes = Indexes {
            admin: Arc::new(AdminContext::new(&communes)),
            communes: Arc::new(communes),
            catalog,
            streets,
        };
        tracing::info!(
            places = count,
            read_s = loaded.as_secs_f64(),
            total_s = started.elapsed().as_secs_f64(),
            "indexes rebuilt from the store"
        );
        Ok(Registry {
            store,
            indexes: RwLock::new(indexes),
            holds: HoldClock::default(),
            store_out: Default::default(),
            writes: tokio::sync::Mutex::new(()),
            applied_seq: std::sync::atomic::AtomicI64::new(applied_seq),
            applied_street_seq: std::sync::atomic::AtomicI64::new(applied_street_seq),
            population: PopulationCache::default(),
            tokens: TokenCache::default(),
            import_jobs: import_jobs::ImportJobs::default(),
        })
    }

    /// Applies to the in-memory indexes every event committed since the last one applied,
    /// whoever wrote it (another node on the same database, a command-line import), and
    /// returns how many events it read. Runs under the write lock, so no local write
    /// interleaves and an index entry never goes back to an older version. The log is read in
    /// `seq` order and stores make `seq` order commit order, so nothing is skipped, and a node
    /// that lost its connection catches up from where it was. This process's own writes are
    /// read back too (cheap, idempotent): advancing the position on a local commit could skip
    /// an earlier event of another node that is not applied yet.
    pub async fn catch_up(&self) -> Result<usize> {
        let caught_up = self.catch_up_once().await;
        match &caught_up {
            Ok(_) => self
                .store_out
                .store(false, std::sync::atomic::Ordering::SeqCst),
            Err(RegistryError::Store(e)) if e.is_unavailable() => self
                .store_out
                .store(true, std::sync::atomic::Ordering::SeqCst),
            Err(_) => {}
        }
        caught_up
    }

    /// Whether the store answered the last time this node read the event log: while it does
    /// not, answers from memory may miss changes other nodes made ([`Registry::catch_up`]
    /// clears it once the node has caught up again).
    pub fn store_reachable(&self) -> bool {
        !self.store_out.load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn catch_up_once(&self) -> Result<usize> {
        use std::sync::atomic::Ordering;
        const PAGE: i64 = 2000;
        let _write = self.writes.lock().await;
        let mut total = 0;
        loop {
            let after = self.applied_seq.load(Ordering::SeqCst);
            let events = self.store.events_after(after, PAGE).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            let mut seen = HashSet::new();
            let codes: Vec<LocationCode> = events
                .iter()
                .map(|e| e.event.code)
                .filter(|c| seen.insert(*c))
                .collect();
            let places = self.store.get_places(&codes).await?;
            self.index_places(&places);
            self.applied_seq.store(last, Ordering::SeqCst);
            total += events.len();
            if (events.len() as i64) < PAGE {
                break;
            }
        }
        loop {
            let after = self.applied_street_seq.load(Ordering::SeqCst);
            let events = self.store.street_events_after(after, PAGE).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            let mut ids: Vec<&str> = events.iter().map(|e| e.event.street_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                if let Some(street) = self.store.get_street(id).await? {
                    self.indexes_mut().streets.upsert(street);
                }
            }
            self.applied_street_seq.store(last, Ordering::SeqCst);
            total += events.len();
            if (events.len() as i64) < PAGE {
                break;
            }
        }
        Ok(total)
    }

    /// The indexes, for reading (a lock poisoned by a panic while writing panics here too).
    #[track_caller]
    fn indexes(&self) -> Held<'_, RwLockReadGuard<'_, Indexes>> {
        self.holds.read(self.indexes.read().expect("index lock"))
    }

    /// The indexes, for updating after a store write. Keep each hold to one change or a small
    /// chunk of them ([`INDEX_CHUNK`]): readers wait behind it.
    #[track_caller]
    fn indexes_mut(&self) -> Held<'_, RwLockWriteGuard<'_, Indexes>> {
        self.holds.write(self.indexes.write().expect("index lock"))
    }

    /// The longest read and write holds of the in-memory indexes since start.
    pub fn longest_index_holds(&self) -> LongestHolds {
        self.holds.longest()
    }

    /// Puts places written to the store into the indexes, a chunk per hold: a catch-up page
    /// or an import batch of thousands would otherwise keep every reader waiting for it.
    fn index_places(&self, places: &[Place]) {
        for chunk in places.chunks(INDEX_CHUNK) {
            let mut indexes = self.indexes_mut();
            for p in chunk {
                indexes.catalog.upsert(p);
            }
        }
    }

    /// The communes loaded.
    pub fn communes(&self) -> Arc<CommuneIndex> {
        self.indexes().communes.clone()
    }

    /// Number of places in the index (every status).
    pub fn place_count(&self) -> usize {
        self.indexes().catalog.len()
    }

    /// Runs `f` with read access to the in-memory catalog (keep it short: writers wait).
    #[track_caller]
    pub fn with_catalog<R>(&self, f: impl FnOnce(&Catalog) -> R) -> R {
        f(&self.indexes().catalog)
    }

    /// Adds or replaces communes (e.g. another province) and rebuilds the commune index.
    pub async fn import_communes(&self, communes: Vec<Commune>) -> Result<usize> {
        let _write = self.writes.lock().await;
        let n = self.store.upsert_communes(&communes).await?;
        let all = CommuneIndex::new(self.store.load_communes().await?);
        let admin = Arc::new(AdminContext::new(&all));
        let mut indexes = self.indexes_mut();
        indexes.communes = Arc::new(all);
        indexes.admin = admin;
        Ok(n)
    }

    /// The Feature of a place as this actor may see it: anonymous callers never see bank
    /// details (a parking lot's `payment_accounts`).
    pub fn feature_for(&self, actor: &Actor, place: &Place) -> Value {
        let mut feature = self.feature(place);
        if let Some(Value::Object(a)) = feature
            .get_mut("properties")
            .and_then(|p| p.get_mut("attributes"))
        {
            for hidden in Registry::hidden_attributes(actor) {
                a.remove(*hidden);
            }
        }
        feature
    }

    /// The Feature of a place as served, with its commune's name.
    pub fn feature(&self, place: &Place) -> Value {
        let communes = self.communes();
        let name = communes
            .get(&place.commune_code)
            .map(|c| c.full_name.as_str());
        place_feature(place, name)
    }

    /// Reads a place the actor may see: anonymous callers see active places only.
    pub async fn get(&self, actor: &Actor, code: LocationCode) -> Result<Arc<Place>> {
        let (recent, generation) = self.with_catalog(|c| (c.recent(code), c.generation()));
        let place = match recent {
            Some(p) => Some(p),
            None => match self.store.get_place(code).await? {
                Some(p) => {
                    let p = Arc::new(p);
                    self.with_catalog(|c| c.remember(p.clone(), generation));
                    Some(p)
                }
                None => None,
            },
        };
        match place {
            Some(p) if p.status == Status::Active || actor.can_read_all() => Ok(p),
            _ => Err(RegistryError::NotFound(code.to_string())),
        }
    }

    /// The place registered under a code, whatever its status (for code look-ups).
    pub async fn get_any(&self, code: LocationCode) -> Result<Option<Place>> {
        Ok(self.store.get_place(code).await?)
    }

    /// The history of a place, oldest first (readers and above).
    pub async fn history(&self, actor: &Actor, code: LocationCode) -> Result<Vec<Event>> {
        history_for(actor, self.store.history(code), || {
            RegistryError::NotFound(code.to_string())
        })
        .await
    }

    /// Resolves the commune of a point, refusing points outside the territory or every commune.
    fn commune_of(&self, lon: f64, lat: f64) -> Result<String> {
        code::Cell::of(lon, lat).map_err(|_| RegistryError::OutsideTerritory { lon, lat })?;
        self.communes()
            .locate(lon, lat)
            .map(|c| c.code.clone())
            .ok_or(RegistryError::OutsideCommunes { lon, lat })
    }

    pub(crate) fn require_write_in(actor: &Actor, commune_code: &str) -> Result<()> {
        if actor.can_write_in(commune_code) {
            Ok(())
        } else if actor.can_write() {
            Err(RegistryError::Forbidden(format!(
                "this token may not write in commune {commune_code}"
            )))
        } else {
            Err(RegistryError::Forbidden(
                "registering and changing places needs an editor, reviewer or admin token".into(),
            ))
        }
    }

    /// Registers a new place and gives it its location code.
    pub async fn register(
        &self, actor: &Actor, draft: PlaceDraft, idempotency: Option<IdempotencyRequest>,
    ) -> Result<Registered> {
        let _write = self.writes.lock().await;
        let scope = actor.idempotency_scope();
        if let Some(req) = &idempotency {
            if let Some(seen) = self.store.find_idempotency(&scope, &req.key).await? {
                return if seen.fingerprint == req.fingerprint {
                    Ok(Registered {
                        code: seen.code,
                        feature: seen.response,
                        replayed: true,
                    })
                } else {
                    Err(RegistryError::IdempotencyKeyReused)
                };
            }
        }
        let commune_code = self.commune_of(draft.lon, draft.lat)?;
        Self::require_write_in(actor, &commune_code)?;
        if draft.attributes.contains_key(NUMBERING_ATTRIBUTE)
            || draft.attributes.contains_key(UNITS_ATTRIBUTE)
        {
            return Err(RegistryError::invalid(
                "/properties/attributes",
                "numbering and units are set by numbering plans and PUT /api/places/{code}/units, not sent",
            ));
        }
        if !draft.confirm_distinct {
            self.check_duplicates(&draft, None)?;
        }
        let at = now();
        // Another node may take a code between our look-up and our insert: the store's
        // unique constraint decides, and we move on to the next free cell.
        let mut lost: HashSet<LocationCode> = HashSet::new();
        let code = self.free_code(draft.lon, draft.lat, &lost)?;
        let mut place = draft.into_place(code, commune_code, at);
        loop {
            let feature = self.feature(&place);
            let event = NewEvent {
                at,
                actor: actor.audit_name(),
                action: Action::Create,
                code: place.code,
                before: None,
                after: Some(feature.clone()),
                reason: None,
            };
            let record = idempotency.as_ref().map(|req| IdempotencyRecord {
                scope: scope.clone(),
                key: req.key.clone(),
                fingerprint: req.fingerprint.clone(),
                code: place.code,
                response: feature.clone(),
            });
            match self
                .store
                .insert_place(&place, &event, record.as_ref())
                .await
            {
                Ok(_) => {
                    self.indexes_mut().catalog.upsert(&place);
                    return Ok(Registered {
                        code: place.code,
                        feature,
                        replayed: false,
                    });
                }
                Err(StoreError::CodeTaken(code)) => {
                    lost.insert(code);
                    place.code = self.free_code(place.lon, place.lat, &lost)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The free code cell nearest the point, passing over the codes taken in the catalog and
    /// those another node took meanwhile (`lost`).
    fn free_code(&self, lon: f64, lat: f64, lost: &HashSet<LocationCode>) -> Result<LocationCode> {
        let indexes = self.indexes();
        code::nearest_free_cell(lon, lat, |c| {
            indexes.catalog.is_taken(c) || lost.contains(&c)
        })
        .map_err(|e| match e {
            CodeError::NoFreeCell => {
                RegistryError::NoFreeCell(code::MAX_FREE_CELL_DISTANCE_M.round() as u32)
            }
            _ => RegistryError::OutsideTerritory { lon, lat },
        })
    }

    /// Refuses a place of the same kind with a similar name within [`DUPLICATE_RADIUS_M`].
    fn check_duplicates(&self, draft: &PlaceDraft, except: Option<LocationCode>) -> Result<()> {
        let indexes = self.indexes();
        let candidates: Vec<Value> = indexes
            .catalog
            .possible_duplicates(draft, DUPLICATE_RADIUS_M, except)
            .into_iter()
            .map(|(p, d)| {
                serde_json::json!({
                    "code": p.code.to_string(),
                    "kind": p.kind.as_str(),
                    "name": &*p.name,
                    "status": p.status.as_str(),
                    "coordinates": [p.lon, p.lat],
                    "distance_m": (d * 10.0).round() / 10.0,
                })
            })
            .collect();
        if candidates.is_empty() {
            Ok(())
        } else {
            Err(RegistryError::PossibleDuplicates {
                radius_m: DUPLICATE_RADIUS_M,
                candidates,
            })
        }
    }

    /// Reads the current place for a write, checking the ETag the client holds.
    pub(crate) async fn current_for_write(
        &self, code: LocationCode, if_match: Option<&str>,
    ) -> Result<Place> {
        let place = self
            .store
            .get_place(code)
            .await?
            .ok_or_else(|| RegistryError::NotFound(code.to_string()))?;
        check_if_match(if_match, place.etag())?;
        Ok(place)
    }

    /// The place an editor is about to change (the caller holds the write lock): read with the
    /// ETag the client holds, in a commune the actor writes in, and not retired (`retired` says
    /// why not).
    pub(crate) async fn place_to_change(
        &self, actor: &Actor, code: LocationCode, if_match: Option<&str>, retired: &str,
    ) -> Result<Place> {
        let before = self.current_for_write(code, if_match).await?;
        Self::require_write_in(actor, &before.commune_code)?;
        if before.status == Status::Retired {
            return Err(RegistryError::InvalidTransition(retired.into()));
        }
        Ok(before)
    }

    /// Commits a changed place and its event, then updates the indexes.
    pub(crate) async fn commit_change(
        &self, actor: &Actor, before: Place, mut after: Place, action: Action,
        reason: Option<String>,
    ) -> Result<Place> {
        after.version = before.version + 1;
        after.updated_at = now().max(before.updated_at);
        let event = NewEvent {
            at: after.updated_at,
            actor: actor.audit_name(),
            action,
            code: after.code,
            before: Some(self.feature(&before)),
            after: Some(self.feature(&after)),
            reason,
        };
        match self
            .store
            .update_place(&after, before.version, &event)
            .await
        {
            Ok(_) => {}
            Err(StoreError::VersionConflict(_)) => {
                let current = self.store.get_place(after.code).await?;
                return Err(RegistryError::Stale {
                    current_etag: current.map(|p| p.etag()).unwrap_or_default(),
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.indexes_mut().catalog.upsert(&after);
        Ok(after)
    }

    /// Applies a JSON merge patch (RFC 7396) to a place's Feature. Moving the point keeps the
    /// code and re-derives the commune; the editor must be allowed in both communes.
    pub async fn patch(
        &self, actor: &Actor, code: LocationCode, if_match: &str, patch: &Value,
    ) -> Result<Place> {
        let _write = self.writes.lock().await;
        let before = self
            .place_to_change(actor, code, Some(if_match), PLACE_RETIRED)
            .await?;
        let mut doc = PlaceDraft::editable_feature(&before);
        apply_merge_patch(&mut doc, patch);
        let draft = PlaceDraft::from_feature(&doc)?;
        if draft.attributes.get(UNITS_ATTRIBUTE) != before.attributes.get(UNITS_ATTRIBUTE) {
            return Err(RegistryError::invalid(
                "/properties/attributes/units",
                "apartment units are numbered with PUT /api/places/{code}/units",
            ));
        }
        if draft.attributes.get(NUMBERING_ATTRIBUTE) != before.attributes.get(NUMBERING_ATTRIBUTE) {
            return Err(RegistryError::invalid(
                "/properties/attributes/numbering",
                "is set when a numbering plan is approved and cannot be changed by hand",
            ));
        }
        if before.attributes.contains_key(NUMBERING_ATTRIBUTE)
            && (draft.address.house_number != before.address.house_number
                || draft.address.street != before.address.street)
        {
            return Err(RegistryError::invalid(
                "/properties/address",
                "this house was numbered by an approved numbering plan; its number and street change through a new plan for the street",
            ));
        }
        let commune_code = self.commune_of(draft.lon, draft.lat)?;
        Self::require_write_in(actor, &commune_code)?;
        let moved_or_renamed = draft.lon != before.lon
            || draft.lat != before.lat
            || draft.name != before.name
            || draft.kind != before.kind;
        if moved_or_renamed && !draft.confirm_distinct {
            self.check_duplicates(&draft, Some(code))?;
        }
        if draft.generated != before.generated {
            return Err(RegistryError::invalid(
                "/properties/generated",
                "the label of generated data is set by imports and the generator only",
            ));
        }
        // What the registry keeps comes from `before`; commit_change moves version and time on.
        let after = Place {
            status: before.status,
            version: before.version,
            created_at: before.created_at,
            updated_at: before.updated_at,
            ..draft.into_place(code, commune_code, before.created_at)
        };
        if after == before {
            // Nothing changes: no new version, no event (the answer and its ETag stay).
            return Ok(before);
        }
        self.commit_change(actor, before, after, Action::Update, None)
            .await
    }

    /// Certifies a provisional place (reviewer or admin): it becomes active. The reason is
    /// optional.
    pub async fn certify(
        &self, actor: &Actor, code: LocationCode, if_match: Option<&str>, reason: Option<String>,
    ) -> Result<Place> {
        allow(
            actor.can_certify(),
            "certifying needs a reviewer or admin token",
        )?;
        let reason = optional_reason(reason)?;
        let _write = self.writes.lock().await;
        let before = self.current_for_write(code, if_match).await?;
        if before.status != Status::Provisional {
            return Err(RegistryError::InvalidTransition(format!(
                "only a provisional place can be certified; this one is {}",
                before.status.as_str()
            )));
        }
        let after = Place {
            status: Status::Active,
            ..before.clone()
        };
        self.commit_change(actor, before, after, Action::Certify, reason)
            .await
    }

    /// Retires a place, with a reason. Its code stays registered and is never handed out again.
    pub async fn retire(
        &self, actor: &Actor, code: LocationCode, if_match: Option<&str>, reason: &str,
    ) -> Result<Place> {
        let reason = required_reason(reason)?;
        let _write = self.writes.lock().await;
        let before = self
            .place_to_change(actor, code, if_match, "the place is already retired")
            .await?;
        let after = Place {
            status: Status::Retired,
            ..before.clone()
        };
        self.commit_change(actor, before, after, Action::Retire, Some(reason))
            .await
    }
}
