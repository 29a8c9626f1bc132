//! The embedded SQLite store (one file, WAL journal): what SQLite does its own way.
//!
//! The transactions themselves are the store core's ([`super::sql`]); this file opens the
//! database, binds arguments (a list is a JSON array read with `json_each`), names unique
//! constraints the way SQLite reports them (`table.column`), and writes bulk imports as
//! multi-row `INSERT`s. SQLite has one writer, so the event log needs no lock of its own, and
//! no notifications: nodes on one SQLite file poll.

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Pool, Sqlite};

use super::places::{event_args, place_args};
use super::sql::{bind, sqlx_statements, Arg, Constraint, Dialect, SqlStore, Statement};
use super::{StoreError, StoreResult};
use crate::event::{Event, NewEvent};
use crate::place::Place;

/// SQLite as a [`Dialect`] of the store core.
#[derive(Debug, Clone, Copy)]
pub struct SqliteDialect;

/// The SQLite store. Writes are serialised by the registry; the pool lets reads run beside
/// them (WAL).
pub type SqliteStore = SqlStore<SqliteDialect>;

/// Rows per multi-row `INSERT` (SQLite allows 32,766 parameters; places have 17 columns).
const ROWS_PER_STATEMENT: usize = 500;

impl SqlStore<SqliteDialect> {
    /// Opens (creating if needed) the database at `url` (`sqlite:PATH` or `sqlite://PATH`)
    /// and applies the embedded migrations of `migrations/sqlite`.
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::during("open", "parse the URL"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(super::UNAVAILABLE_AFTER)
            .foreign_keys(true)
            // 64 MiB of page cache per connection and fewer WAL checkpoints: bulk imports
            // write hundreds of MB; profiling showed the import waiting on checkpoints.
            .pragma("cache_size", "-65536")
            .pragma("wal_autocheckpoint", "10000")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(super::UNAVAILABLE_AFTER)
            .connect_with(options)
            .await
            .map_err(StoreError::during("open", "connect"))?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqlStore { pool })
    }
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

/// A statement with its arguments bound; a list is a JSON array (read with `json_each`).
fn query<'q>(sql: &'q str, args: Vec<Arg<'q>>) -> SqliteQuery<'q> {
    let as_json = |list: Vec<String>| serde_json::to_string(&list).unwrap_or_default();
    args.into_iter()
        .fold(sqlx::query(sql), |q, arg| bind(q, arg, as_json))
}

/// Runs multi-row `INSERT`s: `head`, then a `VALUES` row per item, [`ROWS_PER_STATEMENT`] rows
/// a statement.
async fn insert_rows<'a, T>(
    conn: &mut SqliteConnection, head: &str, items: &'a [T], row: impl Fn(&'a T) -> Vec<Arg<'a>>,
) -> sqlx::Result<()> {
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<Vec<Arg<'a>>> = chunk.iter().map(&row).collect();
        let placeholders = |r: &Vec<Arg>| format!("({})", vec!["?"; r.len()].join(", "));
        let values: Vec<String> = rows.iter().map(placeholders).collect();
        let sql = format!("{head} VALUES {}", values.join(", "));
        query(&sql, rows.into_iter().flatten().collect())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[async_trait]
impl Dialect for SqliteDialect {
    type Db = Sqlite;
    type Row = SqliteRow;
    const NAME: &'static str = "sqlite";

    fn text(statement: &Statement) -> &'static str {
        statement.sqlite
    }

    sqlx_statements!();

    fn violates(error: &sqlx::Error, constraint: Constraint) -> bool {
        // SQLite names no constraint; its message says "UNIQUE constraint failed: table.column".
        let column = match constraint {
            Constraint::PlaceCode => "places.code",
            Constraint::StreetId => "streets.id",
            Constraint::SnapshotAsOf => "resident_snapshots.as_of",
        };
        match error {
            sqlx::Error::Database(e) => {
                e.is_unique_violation()
                    && e.message()
                        .split_once("constraint failed: ")
                        .is_some_and(|(_, columns)| columns.split(", ").any(|c| c == column))
            }
            _ => false,
        }
    }

    async fn lock_event_log(_conn: &mut SqliteConnection) -> sqlx::Result<()> {
        // One writer per database file: the transaction itself orders the appends.
        Ok(())
    }

    async fn insert_places(conn: &mut SqliteConnection, places: &[Place]) -> StoreResult<()> {
        let head = include_str!("sql/insert_places_head.sql");
        match insert_rows(conn, head, places, place_args).await {
            // SQLite does not say which row: the batch is refused as a whole anyway.
            Err(e) if Self::violates(&e, Constraint::PlaceCode) => {
                Err(StoreError::CodeTaken(places[0].code))
            }
            other => other.map_err(StoreError::during("insert_batch", "insert_places")),
        }
    }

    async fn insert_events(conn: &mut SqliteConnection, events: &[NewEvent]) -> sqlx::Result<()> {
        insert_rows(
            conn,
            include_str!("sql/insert_events_head.sql"),
            events,
            event_args,
        )
        .await
    }

    async fn restore_events(conn: &mut SqliteConnection, events: &[Event]) -> sqlx::Result<()> {
        // AUTOINCREMENT continues after the largest `seq` inserted: nothing else to move.
        let head = include_str!("sql/restore_events_head.sql");
        insert_rows(conn, head, events, |e| {
            let mut row = vec![Arg::Int(e.seq)];
            row.extend(event_args(&e.event));
            row
        })
        .await
    }

    async fn subscribe(
        _pool: &Pool<Sqlite>,
    ) -> sqlx::Result<Option<tokio::sync::mpsc::Receiver<()>>> {
        Ok(None)
    }
}
