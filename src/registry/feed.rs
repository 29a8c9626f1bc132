//! What other systems and the command line read in bulk: the change feed, places by code for
//! listings and exports, statistics, and the backup and restore of a whole registry.

use super::{allow, Registry, RegistryError, Result};
use crate::auth::Actor;
use crate::code::LocationCode;
use crate::event::Event;
use crate::place::Place;
use crate::store::{Counts, ImportProgress, StoreResult};
use std::sync::Arc;

/// Most events in one page of the change feed.
pub const MAX_CHANGES_LIMIT: i64 = 10_000;

/// Row counts of the store, and which store it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub store: &'static str,
    pub counts: Counts,
    /// The longest holds of the in-memory indexes since this node started.
    pub longest_index_holds: super::LongestHolds,
}

impl Registry {
    /// At most `limit` (1 to [`MAX_CHANGES_LIMIT`]) events of the log after sequence number
    /// `after` (≥ 0), in order (readers and above).
    pub async fn changes(&self, actor: &Actor, after: i64, limit: i64) -> Result<Vec<Event>> {
        let refusal = "the change feed needs a reader token";
        if !actor.is_authenticated() {
            return Err(RegistryError::Unauthorized(refusal.into()));
        }
        allow(actor.can_read_all(), refusal)?;
        if after < 0 || !(1..=MAX_CHANGES_LIMIT).contains(&limit) {
            return Err(RegistryError::InvalidQuery(format!(
                "after ≥ 0 and 1 ≤ limit ≤ {MAX_CHANGES_LIMIT}"
            )));
        }
        self.events_after(after, limit).await
    }

    /// Events after a sequence number, for the command line's backup (no role check).
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Event>> {
        Ok(self.store.events_after(after, limit).await?)
    }

    /// The codes of the places changed by the events `since < seq ≤ up_to`, in code order.
    pub async fn changed_codes(&self, since: i64, up_to: i64) -> Result<Vec<LocationCode>> {
        const PAGE: i64 = 5000;
        let mut seen = std::collections::BTreeSet::new();
        let mut after = since;
        while after < up_to {
            let events = self.store.events_after(after, PAGE).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            seen.extend(
                events
                    .iter()
                    .filter(|e| e.seq <= up_to)
                    .map(|e| e.event.code),
            );
            after = last;
        }
        Ok(seen.into_iter().collect())
    }

    /// The sequence number of the log's last event (0 when empty).
    pub async fn last_event_seq(&self) -> Result<i64> {
        Ok(self.store.last_event_seq().await?)
    }

    /// The last event of the log the in-memory indexes reflect.
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether this node can serve: the store answers within `within` (a node whose store is
    /// unreachable should be taken out by the load balancer). Returns the log's last event.
    pub async fn ready(&self, within: std::time::Duration) -> Option<i64> {
        match tokio::time::timeout(within, self.store.last_event_seq()).await {
            Ok(Ok(seq)) => Some(seq),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the store did not answer");
                None
            }
            Err(_) => {
                tracing::warn!("readiness: the store did not answer in time");
                None
            }
        }
    }

    /// The current places with these codes, in the order given (unknown codes are skipped).
    /// Callers filter what an actor may see ([`Registry::feature_for`]).
    pub async fn places(&self, codes: &[LocationCode]) -> Result<Vec<Place>> {
        Ok(self.store.get_places(codes).await?)
    }

    /// The places with these codes, in that order, for a page a reader asked for: those read
    /// recently come from memory, the rest in one store read, remembered for the next page
    /// (unless a change happened meanwhile; see [`super::Catalog::remember`]).
    pub async fn places_for_page(&self, codes: &[LocationCode]) -> Result<Vec<Arc<Place>>> {
        let (mut found, generation) = self.with_catalog(|c| {
            let found: Vec<Option<Arc<Place>>> = codes.iter().map(|&code| c.recent(code)).collect();
            (found, c.generation())
        });
        let missing: Vec<LocationCode> = codes
            .iter()
            .zip(&found)
            .filter(|(_, p)| p.is_none())
            .map(|(&c, _)| c)
            .collect();
        if !missing.is_empty() {
            let read: Vec<Arc<Place>> = self
                .store
                .get_places(&missing)
                .await?
                .into_iter()
                .map(Arc::new)
                .collect();
            self.with_catalog(|c| {
                for p in &read {
                    c.remember(p.clone(), generation);
                }
            });
            let mut read: std::collections::HashMap<LocationCode, Arc<Place>> =
                read.into_iter().map(|p| (p.code, p)).collect();
            for (code, slot) in codes.iter().zip(found.iter_mut()) {
                if slot.is_none() {
                    *slot = read.remove(code);
                }
            }
        }
        Ok(found.into_iter().flatten().collect())
    }

    /// Attributes the actor may not read (left out of the features it is served).
    pub fn hidden_attributes(actor: &Actor) -> &'static [&'static str] {
        if actor.can_read_all() {
            &[]
        } else {
            &[crate::place::parking::PAYMENT_ACCOUNTS]
        }
    }

    /// Streams every place (of one commune, or all) in code order to `sink`.
    pub async fn export_places(
        &self, commune: Option<&str>, sink: &mut (dyn FnMut(Place) -> StoreResult<()> + Send),
    ) -> Result<()> {
        Ok(self.store.export_places(commune, sink).await?)
    }

    /// Writes a GeoPackage at `path` with the places (of one commune, or all; every status),
    /// the streets and the communes as layers, coordinates in `crs`. Returns each layer's
    /// feature count.
    pub async fn export_geopackage(
        &self, path: &std::path::Path, crs: crate::crs::Crs, commune: Option<&str>,
    ) -> Result<Vec<(&'static str, usize)>> {
        use crate::geopackage::{registry_layers, GeoPackage};
        let failed = |e: crate::geopackage::GeoPackageError| RegistryError::Internal(e.to_string());
        let [places, streets, communes] = registry_layers();
        let mut gpkg = GeoPackage::create(path, crs).await.map_err(failed)?;
        gpkg.layer(places).await.map_err(failed)?;
        let filter = super::PlaceFilter {
            commune: commune.and_then(|c| c.parse().ok()),
            statuses: crate::place::Status::ALL.to_vec(),
            ..super::PlaceFilter::default()
        };
        let (_, codes) = self.with_catalog(|c| c.list(&filter, 0, usize::MAX));
        for chunk in codes.chunks(1000) {
            for place in self.places(chunk).await? {
                gpkg.add(&self.feature(&place)).await.map_err(failed)?;
            }
        }
        gpkg.layer(streets).await.map_err(failed)?;
        let all_streets: Vec<_> = self.with_streets(|s| s.all().cloned().collect());
        for street in all_streets
            .iter()
            .filter(|s| commune.is_none_or(|c| s.communes.iter().any(|x| x == c)))
        {
            gpkg.add(&street.feature()).await.map_err(failed)?;
        }
        gpkg.layer(communes).await.map_err(failed)?;
        for c in self
            .communes()
            .all()
            .iter()
            .filter(|c| commune.is_none_or(|x| x == c.code))
        {
            gpkg.add(&c.feature()).await.map_err(failed)?;
        }
        gpkg.finish().await.map_err(failed)
    }

    /// Houses numbered by an approved plan (not retired), per commune code.
    pub async fn numbered_houses(&self) -> Result<Vec<(String, i64)>> {
        Ok(self.store.numbered_houses().await?)
    }

    /// How many rows the store holds.
    pub async fn stats(&self) -> Result<Stats> {
        Ok(Stats {
            store: self.store.backend(),
            counts: self.store.counts().await?,
            longest_index_holds: self.longest_index_holds(),
        })
    }

    /// Wake-ups after each commit that appended events, from any writer (`None` where the
    /// store cannot push them: nodes poll).
    pub async fn subscribe(&self) -> Result<Option<tokio::sync::mpsc::Receiver<()>>> {
        Ok(self.store.subscribe().await?)
    }

    /// Restores places exactly as exported (codes, statuses, versions, timestamps) with the
    /// restore's progress, in one transaction; they reach the indexes at the next catch-up.
    pub async fn restore_places(&self, places: &[Place], progress: &ImportProgress) -> Result<()> {
        let _write = self.writes.lock().await;
        Ok(self.store.insert_batch(places, &[], progress).await?)
    }

    /// Restores events with their own sequence numbers into an empty log.
    pub async fn restore_events(&self, events: &[Event]) -> Result<()> {
        let _write = self.writes.lock().await;
        Ok(self.store.restore_events(events).await?)
    }
}
