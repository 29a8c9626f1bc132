//! Resident-count snapshots over the store, and their aggregates (cached per snapshot).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::{allow, now, Registry, RegistryError, Result};
use crate::auth::{Actor, Role};
use crate::place::{PlaceKind, Status};
use crate::population::{
    AddressCount, CountRow, PopulationIndex, PrivacyRule, PublicView, RowError, Snapshot,
};
use crate::store::StoreError;

/// How long aggregates built from the in-memory catalog are reused while places keep
/// changing (a moved house shows in the map after at most this long).
const REBUILD_AFTER: Duration = Duration::from_secs(30);

/// A snapshot's aggregates: exact, and as the public sees them.
#[derive(Debug)]
pub struct PopulationData {
    pub snapshot: Snapshot,
    pub exact: PopulationIndex,
    pub public: PublicView,
    /// Counted addresses per commune whose place is a numbered house (for progress reports).
    pub linked_per_commune: HashMap<u32, u64>,
    /// How long building took (measured, for BENCHMARKS.md).
    pub build_time: Duration,
}

/// A built snapshot: the catalog generation and time it was built at.
type Built = (u64, Instant, Arc<PopulationData>);

/// The cache of built aggregates.
#[derive(Debug, Default)]
pub struct PopulationCache {
    built: Mutex<HashMap<i64, Built>>,
    rule: Mutex<PrivacyRule>,
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

    /// The aggregates of a snapshot (by id; the latest when `None`), built on first use and
    /// reused until places have changed and [`REBUILD_AFTER`] has passed.
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
        let generation = self.with_catalog(|c| c.generation());
        if let Some((g, at, data)) = self
            .population
            .built
            .lock()
            .expect("cache lock")
            .get(&chosen.id)
        {
            if *g == generation || at.elapsed() < REBUILD_AFTER {
                return Ok(data.clone());
            }
        }
        let counts = self.store.snapshot_counts(chosen.id).await?;
        let rule = self.privacy_rule();
        let (addresses, linked) = self.with_catalog(|catalog| {
            let mut linked: HashMap<u32, u64> = HashMap::new();
            let addresses: Vec<AddressCount> = counts
                .iter()
                .filter_map(|(code, residents, households)| {
                    let d = catalog.by_code(*code)?;
                    *linked.entry(d.commune).or_default() += 1;
                    Some(AddressCount {
                        lon: d.lon,
                        lat: d.lat,
                        commune: d.commune,
                        residents: *residents,
                        households: *households,
                    })
                })
                .collect();
            (addresses, linked)
        });
        let started = Instant::now();
        let (exact, public) = tokio::task::spawn_blocking(move || {
            let exact = PopulationIndex::build(&addresses);
            let public = PublicView::build(&exact, rule);
            (exact, public)
        })
        .await
        .map_err(|e| RegistryError::Internal(format!("aggregation: {e}")))?;
        let data = Arc::new(PopulationData {
            snapshot: chosen,
            exact,
            public,
            linked_per_commune: linked,
            build_time: started.elapsed(),
        });
        let mut cache = self.population.built.lock().expect("cache lock");
        if cache.len() > 8 {
            cache.clear();
        }
        cache.insert(data.snapshot.id, (generation, Instant::now(), data.clone()));
        Ok(data)
    }
}
