//! Persistence behind one interface: SQLite (embedded default) and PostgreSQL + PostGIS for
//! production. The database is the source of truth; every write and its event are one
//! transaction.
//!
//! The interface is split by concern ([`PlaceStore`], [`StreetStore`], [`TokenStore`],
//! [`ParkingStore`], [`PopulationStore`]; [`Store`] is all of them). One implementation,
//! [`sql::SqlStore`], writes each transaction once for both databases over a small
//! [`sql::Dialect`] (`sqlite`, `postgres`); its methods live in one file per concern.

mod codec;
mod parking;
mod places;
mod population;
mod postgres;
pub(crate) mod sql;
mod sqlite;
mod streets;
mod tokens;

pub use postgres::{PgDialect, PgStore};
pub use sqlite::{SqliteDialect, SqliteStore};

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;

use crate::auth::{Role, TokenInfo};
use crate::code::LocationCode;
use crate::commune::Commune;
use crate::event::{Event, NewEvent, NewStreetEvent, StreetEvent};
use crate::parking::{DailyTotal, Outcome, Transaction};
use crate::place::{Place, PlaceDoc};
use crate::population::{CountRow, Snapshot};
use crate::street::{CommuneRules, NumberingPlan, Street};

/// Store errors. Database text is kept for the log and never shown to clients.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database error, with the store operation and the statement (or step: connect, begin,
    /// commit) where it happened.
    #[error("{operation} failed at {statement}: {source}")]
    Database {
        operation: &'static str,
        statement: &'static str,
        source: sqlx::Error,
    },
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("the location code {0} is already taken")]
    CodeTaken(LocationCode),
    #[error("the place {0} was changed by someone else")]
    VersionConflict(LocationCode),
    #[error("the street {0} was changed by someone else")]
    StreetConflict(String),
    #[error("the transaction {0} was already recorded with other content")]
    TransactionConflict(String),
    #[error("a snapshot as of {0} is kept already; snapshots are never replaced")]
    SnapshotExists(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("the export was stopped: {0}")]
    Sink(String),
    #[error("unsupported DATABASE_URL {0:?}: use sqlite:PATH or postgres://…")]
    UnsupportedUrl(String),
}

impl StoreError {
    /// Whether the database is out of reach rather than refusing this request: it does not
    /// accept connections, the pool could not hand one out in time, the connection broke, the
    /// server is shutting down, or (SQLite) the file is locked, read-only or cannot be opened.
    /// Such an error is worth retrying later; the answer is 503, not 500.
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Database {
            source, statement, ..
        } = self
        else {
            return false;
        };
        if *statement == "connect" {
            // Whatever the reason a new connection is refused (the server down, the database
            // not accepting connections), it is the store that is out of reach.
            return true;
        }
        match source {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                // PostgreSQL: connection exceptions (class 08), shutdown and "cannot connect
                // now" (57P01–57P03), too many connections (53300).
                code.starts_with("08")
                    || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
                    // SQLite's primary result codes: BUSY, LOCKED, READONLY, IOERR, CANTOPEN.
                    || code
                        .parse::<i32>()
                        .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 14))
            }),
            _ => false,
        }
    }

    /// Wraps a database error of `operation` at `step` (for `map_err`).
    pub fn during(
        operation: &'static str, step: &'static str,
    ) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Database {
            operation,
            statement: step,
            source,
        }
    }
}

/// Result of store operations.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// How long a request waits for the database before it is told the store is unavailable (a
/// connection from the pool, SQLite's lock): long enough for a busy moment (an import batch
/// commits in well under a second), short enough that clients do not pile up during an outage.
pub const UNAVAILABLE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// A remembered answer to a POST carrying an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq)]
pub struct IdempotencyRecord {
    /// Whose key it is (one client's keys never clash with another's).
    pub scope: String,
    pub key: String,
    /// SHA-256 of the request body, to refuse the same key with another body.
    pub fingerprint: String,
    pub code: LocationCode,
    /// The body of the first answer.
    pub response: Value,
}

/// Progress of a bulk import, committed with each batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportProgress {
    /// Fingerprint of the input (size and hashes of its first and last MiB).
    pub key: String,
    pub source: String,
    /// Input records processed (accepted, rejected or duplicate), in input order.
    pub records_done: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub started_at: String,
    pub finished: bool,
}

impl ImportProgress {
    /// An import of this input that has not committed anything yet.
    pub fn new(key: String, source: String) -> ImportProgress {
        ImportProgress {
            key,
            source,
            records_done: 0,
            accepted: 0,
            rejected: 0,
            duplicates: 0,
            started_at: String::new(),
            finished: false,
        }
    }
}

/// How many rows the main tables hold (for checks that a failed write left nothing behind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub communes: i64,
    pub places: i64,
    pub events: i64,
    pub tokens: i64,
}

/// Everything the registry keeps: the union of the stores by concern.
#[async_trait]
pub trait Store:
    PlaceStore + StreetStore + TokenStore + ParkingStore + PopulationStore + Send + Sync + 'static
{
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// A stream of wake-ups, one (at least) after each commit that appended events, from any
    /// writer; `None` when the store cannot push them (SQLite: nodes poll).
    async fn subscribe(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<()>>>;

    /// How many rows the main tables hold.
    async fn counts(&self) -> StoreResult<Counts>;
}

/// Communes, places, their event log, idempotency records, bulk imports and exports.
#[async_trait]
pub trait PlaceStore: Send + Sync {
    async fn load_communes(&self) -> StoreResult<Vec<Commune>>;
    /// Inserts or replaces communes by code, in one transaction. Returns how many.
    async fn upsert_communes(&self, communes: &[Commune]) -> StoreResult<usize>;

    /// What the in-memory indexes need of every place, for the start-up load.
    async fn load_place_docs(&self) -> StoreResult<Vec<PlaceDoc>>;
    async fn get_place(&self, code: LocationCode) -> StoreResult<Option<Place>>;
    /// The places with these codes, in the order given; unknown codes are skipped.
    async fn get_places(&self, codes: &[LocationCode]) -> StoreResult<Vec<Place>>;
    /// Inserts a place with its creation event (and idempotency record) in one transaction;
    /// `CodeTaken` if the code exists. Returns the event's sequence number.
    async fn insert_place(
        &self, place: &Place, event: &NewEvent, idempotency: Option<&IdempotencyRecord>,
    ) -> StoreResult<i64>;
    /// Replaces a place whose stored version is `expected_version`, with its event, in one
    /// transaction; `VersionConflict` otherwise.
    async fn update_place(
        &self, place: &Place, expected_version: i64, event: &NewEvent,
    ) -> StoreResult<i64>;

    /// Inserts a batch of new places with their events and the import's progress, in one
    /// transaction; `CodeTaken` if any code exists.
    async fn insert_batch(
        &self, places: &[Place], events: &[NewEvent], progress: &ImportProgress,
    ) -> StoreResult<()>;
    /// The progress of an import, by its key.
    async fn import_progress(&self, key: &str) -> StoreResult<Option<ImportProgress>>;
    /// Marks an import finished (or records progress with no new place).
    async fn save_import_progress(&self, progress: &ImportProgress) -> StoreResult<()>;
    /// Streams every place (of one commune, or all) in code order to `sink`.
    async fn export_places(
        &self, commune: Option<&str>, sink: &mut (dyn FnMut(Place) -> StoreResult<()> + Send),
    ) -> StoreResult<()>;

    /// Appends events with the sequence numbers they carry (restoring another store's log
    /// into an empty one); the next new event follows the largest.
    async fn restore_events(&self, events: &[Event]) -> StoreResult<()>;
    /// The sequence number of the last event (0 when the log is empty).
    async fn last_event_seq(&self) -> StoreResult<i64>;
    /// The events of one place, oldest first.
    async fn history(&self, code: LocationCode) -> StoreResult<Vec<Event>>;
    /// At most `limit` events after a sequence number, in order.
    async fn events_after(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<Event>>;
    async fn find_idempotency(
        &self, scope: &str, key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>>;
}

/// API tokens (only their hashes are stored).
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(
        &self, name: &str, role: Role, communes: &[String], token_hash: &str,
    ) -> StoreResult<TokenInfo>;
    /// The unrevoked token with this hash.
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>>;
    async fn list_tokens(&self) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes a token; false if there is no such unrevoked token.
    async fn revoke_token(&self, id: i64) -> StoreResult<bool>;
}

/// Streets and alleys, their log, numbering plans and the communes' numbering rules.
#[async_trait]
pub trait StreetStore: Send + Sync {
    /// Every street, every status (to rebuild the street index).
    async fn load_streets(&self) -> StoreResult<Vec<Street>>;
    async fn get_street(&self, id: &str) -> StoreResult<Option<Street>>;
    /// Inserts a street (`expected_version` `None`) or replaces the one whose stored version is
    /// `expected_version` (`StreetConflict` otherwise), with its event, in one transaction.
    async fn save_street(
        &self, street: &Street, expected_version: Option<i64>, event: &NewStreetEvent,
    ) -> StoreResult<i64>;
    /// The sequence number of the streets' log's last event (0 when empty).
    async fn last_street_event_seq(&self) -> StoreResult<i64>;
    /// The streets' log for one street, oldest first.
    async fn street_history(&self, id: &str) -> StoreResult<Vec<StreetEvent>>;
    /// The streets' log after a sequence number (for other nodes to catch up).
    async fn street_events_after(
        &self, after_seq: i64, limit: i64,
    ) -> StoreResult<Vec<StreetEvent>>;

    async fn get_plan(&self, id: &str) -> StoreResult<Option<NumberingPlan>>;
    /// The plans of a street, newest first.
    async fn list_plans(&self, street_id: &str) -> StoreResult<Vec<NumberingPlan>>;
    /// Saves a new draft plan with its `propose` event.
    async fn insert_plan(&self, plan: &NumberingPlan, event: &NewStreetEvent) -> StoreResult<i64>;
    /// Records a decision on a draft plan in one transaction: the plan (`StreetConflict` if it
    /// is no longer a draft), its event, and for an approval the renamed alleys and the
    /// renumbered places (each at its expected version, a conflict otherwise) with their
    /// events.
    async fn decide_plan(
        &self, plan: &NumberingPlan, event: &NewStreetEvent,
        streets: &[(Street, i64, NewStreetEvent)], places: &[(Place, i64, NewEvent)],
    ) -> StoreResult<()>;
    /// Houses numbered by an approved plan (not retired), per commune code.
    async fn numbered_houses(&self) -> StoreResult<Vec<(String, i64)>>;

    /// The numbering rules a commune has set.
    async fn numbering_rules(&self, commune_code: &str) -> StoreResult<Option<CommuneRules>>;
    async fn save_numbering_rules(&self, rules: &CommuneRules) -> StoreResult<()>;
}

/// Settled parking payments.
#[async_trait]
pub trait ParkingStore: Send + Sync {
    /// Records settled parking payments in one transaction: each is new (`Recorded`) or the
    /// same as one recorded before (`Replayed`); `TransactionConflict` (nothing written) when
    /// a (platform, transaction id) was recorded with other content.
    async fn record_transactions(
        &self, transactions: &[Transaction], received_by: &str,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<Outcome>>;
    /// Totals per lot, day (Vietnam time) and vehicle type, for days `from..=to`, optionally
    /// of one lot or one commune.
    async fn daily_totals(
        &self, from: chrono::NaiveDate, to: chrono::NaiveDate, lot_code: Option<&str>,
        commune_code: Option<&str>,
    ) -> StoreResult<Vec<DailyTotal>>;
}

/// Resident-count snapshots (counts per address, never people).
#[async_trait]
pub trait PopulationStore: Send + Sync {
    /// Saves a snapshot of resident counts with all its rows in one transaction
    /// (`SnapshotExists` when one with the same as-of date is kept already).
    async fn insert_snapshot(
        &self, snapshot: &Snapshot, rows: &[CountRow],
    ) -> StoreResult<Snapshot>;
    /// Every snapshot, oldest first.
    async fn snapshots(&self) -> StoreResult<Vec<Snapshot>>;
    /// The counts of a snapshot: (code, residents, households).
    async fn snapshot_counts(&self, id: i64) -> StoreResult<Vec<(LocationCode, u32, u32)>>;
}

/// Opens the store named by a `DATABASE_URL` (`sqlite:PATH`, `sqlite://PATH`, `postgres://…`,
/// `postgresql://…`) and applies its embedded migrations.
pub async fn open(database_url: &str) -> StoreResult<Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(database_url).await?))
    } else if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::open(database_url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(database_url.to_owned()))
    }
}
