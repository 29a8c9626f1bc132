//! Resident-count snapshots over the store, and their aggregates (cached per snapshot).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::{allow, now, Registry, RegistryError, Result};
use crate::auth::{Actor, Role};
use crate::code::LocationCode;
use crate::place::{PlaceKind, Status};
use crate::population::{
    AddressCount, CountRow, PopulationIndex, PrivacyRule, PublicView, RowError, Snapshot,
};
use crate::store::StoreError;

/// How long aggregates are reused while places keep changing before they are brought up to
/// date (a moved house shows in the map after at most this long). Bringing them up to date
/// recounts only the houses that changed, then applies the privacy rule again (~22 ms at 1M
/// addresses); this bounds how often that runs under a steady stream of writes.
const UPDATE_AFTER: Duration = Duration::from_secs(1);

/// A snapshot's aggregates: exact, and as the public sees them.
#[derive(Debug, Clone)]
pub struct PopulationData {
    pub snapshot: Snapshot,
    pub exact: PopulationIndex,
    pub public: PublicView,
    /// Counted addresses per commune whose place is a numbered house (for progress reports).
    pub linked_per_commune: HashMap<u32, u64>,
    /// How long the last build or update took (measured, for BENCHMARKS.md).
    pub build_time: Duration,
    /// Each counted house of the snapshot as the aggregates hold it (`None`: no place under
    /// the code when counted), so that a change of the house is taken out exactly.
    counted: HashMap<LocationCode, (AddressCount, bool)>,
}

/// Where a counted house's place is: lon, lat (degrees) and commune (as a number).
type Position = (f64, f64, u32);

/// A built snapshot: the catalog generation and time it was built (or updated) at.
type Built = (u64, Instant, Arc<PopulationData>);

/// The cache of built aggregates.
#[derive(Debug, Default)]
pub struct PopulationCache {
    built: Mutex<HashMap<i64, Built>>,
    rule: Mutex<PrivacyRule>,
    /// One build or update at a time: the others wait for it and take its result.
    updating: tokio::sync::Mutex<()>,
}

impl PopulationData {
    /// Recounts the houses whose places changed: each is taken out where the aggregates
    /// counted it and counted again where its place is now (`now`: its position and commune,
    /// `None` when no place holds the code).
    fn recount(&mut self, changed: Vec<(LocationCode, Option<Position>)>) {
        for (code, now) in changed {
            let Some((counted, placed)) = self.counted.get_mut(&code) else {
                continue; // not a counted house of this snapshot
            };
            if *placed {
                self.exact.remove(counted);
                if let Some(n) = self.linked_per_commune.get_mut(&counted.commune) {
                    *n = n.saturating_sub(1);
                }
            }
            *placed = now.is_some();
            if let Some((lon, lat, commune)) = now {
                (counted.lon, counted.lat, counted.commune) = (lon, lat, commune);
                self.exact.add(counted);
                *self.linked_per_commune.entry(commune).or_default() += 1;
            }
        }
    }
}

impl Registry {
    /// The privacy rule public answers follow.
    pub fn privacy_rule(&self) -> PrivacyRule {
        *self.population.rule.lock().expect("rule lock")
    }

    /// Sets the privacy rule (from the server's configuration).
    pub fn set_privacy_rule(&self, rule: PrivacyRule) {
        *self.population.rule.lock().expect("rule lock") = rule;
        self.population.built.lock().expect("cache lock").clear();
    }

    /// Imports one snapshot of resident counts: validated whole against the registry (every
    /// code registered, a house, not retired), then saved in one transaction, or nothing.
    pub async fn import_residents(
        &self, actor: &Actor, as_of: NaiveDate, source: &str, rows: Vec<CountRow>, generated: bool,
    ) -> Result<Snapshot> {
        allow(
            actor.has_role(Role::PopulationSync) || *actor == Actor::Local,
            "importing resident counts needs a population_sync token",
        )?;
        let source = crate::text::normalize_name(source);
        if source.is_empty() || source.chars().count() > 200 {
            return Err(RegistryError::invalid("/source", "1–200 characters"));
        }
        let mut errors: Vec<RowError> = Vec::new();
        self.with_catalog(|catalog| {
            for row in &rows {
                let problem = match catalog.by_code(row.code) {
                    None => Some("no place is registered under this code"),
                    Some(d) if d.status == Status::Retired => Some("the place is retired"),
                    Some(d) if d.kind != PlaceKind::House => {
                        Some("counts attach to addresses (houses) only")
                    }
                    Some(_) => None,
                };
                if let Some(p) = problem {
                    errors.push(RowError {
                        line: row.line,
                        message: format!("{}: {p}", row.code),
                    });
                }
            }
        });
        if !errors.is_empty() {
            return Err(RegistryError::Rows(errors));
        }
        let snapshot = Snapshot {
            id: 0,
            as_of: as_of.to_string(),
            source,
            imported_at: now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            imported_by: actor.audit_name(),
            addresses: rows.len() as i64,
            residents: rows.iter().map(|r| i64::from(r.residents)).sum(),
            households: rows.iter().map(|r| i64::from(r.households)).sum(),
            generated,
        };
        match self.store.insert_snapshot(&snapshot, &rows).await {
            Ok(s) => Ok(s),
            Err(StoreError::SnapshotExists(d)) => Err(RegistryError::InvalidTransition(format!(
                "a snapshot as of {d} is kept already; snapshots are never replaced"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Every snapshot kept, oldest first.
    pub async fn snapshots(&self) -> Result<Vec<Snapshot>> {
        Ok(self.store.snapshots().await?)
    }

    /// The aggregates of a snapshot (by id; the latest when `None`), built on first use, then
    /// brought up to date when places have changed and [`UPDATE_AFTER`] has passed: only the
    /// houses that changed are recounted (the catalog's journal names them); a full build again
    /// only when the journal has forgotten changes since.
    pub async fn population(&self, snapshot: Option<i64>) -> Result<Arc<PopulationData>> {
        let snapshots = self.store.snapshots().await?;
        let chosen = match snapshot {
            Some(id) => snapshots.into_iter().find(|s| s.id == id),
            None => snapshots.into_iter().last(),
        }
        .ok_or_else(|| {
            RegistryError::NotFound(match snapshot {
                Some(id) => format!("snapshot {id}"),
                None => "any resident-count snapshot (import one first)".into(),
            })
        })?;
        if let Some(data) = self.fresh_population(chosen.id) {
            return Ok(data);
        }
        let _turn = self.population.updating.lock().await;
        // Built or updated by the request before this one?
        if let Some(data) = self.fresh_population(chosen.id) {
            return Ok(data);
        }
        let rule = self.privacy_rule();
        let kept = self
            .population
            .built
            .lock()
            .expect("cache lock")
            .remove(&chosen.id);
        let generation = self.with_catalog(|c| c.generation());
        if let Some((since, _, data)) = kept {
            // The houses changed since, with where their places are now.
            let changed = self.with_catalog(|c| {
                let codes: HashSet<LocationCode> = c.changed_codes_since(since)?.collect();
                Some(
                    codes
                        .into_iter()
                        .filter(|code| data.counted.contains_key(code))
                        .map(|code| (code, c.by_code(code).map(|d| (d.lon, d.lat, d.commune))))
                        .collect::<Vec<_>>(),
                )
            });
            if let Some(changed) = changed {
                let data = tokio::task::spawn_blocking(move || {
                    let started = Instant::now();
                    let mut data = Arc::unwrap_or_clone(data);
                    data.recount(changed);
                    data.public = PublicView::build(&data.exact, rule);
                    data.build_time = started.elapsed();
                    data
                })
                .await
                .map_err(|e| RegistryError::Internal(format!("aggregation: {e}")))?;
                return Ok(self.keep_population(generation, data));
            }
        }
        let counts = self.store.snapshot_counts(chosen.id).await?;
        let (addresses, counted, linked) = self.with_catalog(|catalog| {
            let mut linked: HashMap<u32, u64> = HashMap::new();
            let mut addresses = Vec::with_capacity(counts.len());
            let mut counted = HashMap::with_capacity(counts.len());
            for (code, residents, households) in &counts {
                let d = catalog.by_code(*code);
                let a = AddressCount {
                    lon: d.map_or(0.0, |d| d.lon),
                    lat: d.map_or(0.0, |d| d.lat),
                    commune: d.map_or(0, |d| d.commune),
                    residents: *residents,
                    households: *households,
                };
                counted.insert(*code, (a, d.is_some()));
                if d.is_some() {
                    *linked.entry(a.commune).or_default() += 1;
                    addresses.push(a);
                }
            }
            (addresses, counted, linked)
        });
        let started = Instant::now();
        let (exact, public) = tokio::task::spawn_blocking(move || {
            let exact = PopulationIndex::build(&addresses);
            let public = PublicView::build(&exact, rule);
            (exact, public)
        })
        .await
        .map_err(|e| RegistryError::Internal(format!("aggregation: {e}")))?;
        let data = PopulationData {
            snapshot: chosen,
            exact,
            public,
            linked_per_commune: linked,
            build_time: started.elapsed(),
            counted,
        };
        Ok(self.keep_population(generation, data))
    }

    /// The aggregates of a snapshot if they are current, or were brought up to date less than
    /// [`UPDATE_AFTER`] ago.
    fn fresh_population(&self, snapshot: i64) -> Option<Arc<PopulationData>> {
        let generation = self.with_catalog(|c| c.generation());
        let built = self.population.built.lock().expect("cache lock");
        let (g, at, data) = built.get(&snapshot)?;
        (*g == generation || at.elapsed() < UPDATE_AFTER).then(|| data.clone())
    }

    /// Keeps aggregates current for `generation`, and returns them.
    fn keep_population(&self, generation: u64, data: PopulationData) -> Arc<PopulationData> {
        let data = Arc::new(data);
        let mut cache = self.population.built.lock().expect("cache lock");
        if cache.len() > 8 {
            cache.clear();
        }
        cache.insert(data.snapshot.id, (generation, Instant::now(), data.clone()));
        data
    }
}
