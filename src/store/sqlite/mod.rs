//! The embedded SQLite store (one file, WAL journal): what SQLite does its own way.
//!
//! The transactions themselves are the store core's ([`super::sql`]); this file opens the
//! database, binds arguments (a list is a JSON array read with `json_each`), names unique
//! constraints the way SQLite reports them (`table.column`), and writes bulk imports as
//! multi-row `INSERT`s. SQLite has one writer, so the event log needs no lock of its own, and
//! no notifications: nodes on one SQLite file poll.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Pool, QueryBuilder, Row, Sqlite};

use super::codec::Columns;
use super::places::{event_args, place_args};
use super::sql::{Arg, Constraint, Dialect, SqlStore, Statement};
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
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // 64 MiB of page cache per connection and fewer WAL checkpoints: bulk imports
            // write hundreds of MB; profiling showed the import waiting on checkpoints.
            .pragma("cache_size", "-65536")
            .pragma("wal_autocheckpoint", "10000")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(StoreError::during("open", "connect"))?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqlStore { pool })
    }
}

impl Columns for SqliteRow {
    fn text(&self, column: &str) -> StoreResult<String> {
        self.try_get(column).map_err(column_error)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.try_get(column).map_err(column_error)
    }
    fn number(&self, column: &str) -> StoreResult<f64> {
        self.try_get(column).map_err(column_error)
    }
    fn opt_number(&self, column: &str) -> StoreResult<Option<f64>> {
        self.try_get(column).map_err(column_error)
    }
    fn integer(&self, column: &str) -> StoreResult<i64> {
        self.try_get(column).map_err(column_error)
    }
    fn flag(&self, column: &str) -> StoreResult<bool> {
        Ok(self.try_get::<i64, _>(column).map_err(column_error)? != 0)
    }
}

fn column_error(e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("column: {e}"))
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

fn bind<'q>(query: SqliteQuery<'q>, arg: Arg<'q>) -> SqliteQuery<'q> {
    match arg {
        Arg::Text(t) => query.bind(t),
        Arg::OptText(t) => query.bind(t),
        Arg::Int(n) => query.bind(n),
        Arg::Float(x) => query.bind(x),
        Arg::OptFloat(x) => query.bind(x),
        Arg::Bool(b) => query.bind(b),
        Arg::TextList(list) => query.bind(serde_json::to_string(&list).unwrap_or_default()),
    }
}

fn bind_separated(b: &mut sqlx::query_builder::Separated<'_, '_, Sqlite, &str>, arg: Arg<'_>) {
    match arg {
        Arg::Text(t) => b.push_bind(t.into_owned()),
        Arg::OptText(t) => b.push_bind(t.map(|t| t.into_owned())),
        Arg::Int(n) => b.push_bind(n),
        Arg::Float(x) => b.push_bind(x),
        Arg::OptFloat(x) => b.push_bind(x),
        Arg::Bool(v) => b.push_bind(v),
        Arg::TextList(list) => b.push_bind(serde_json::to_string(&list).unwrap_or_default()),
    };
}

fn query<'q>(sql: &'q str, args: Vec<Arg<'q>>) -> SqliteQuery<'q> {
    args.into_iter().fold(sqlx::query(sql), bind)
}

/// Runs one multi-row `INSERT` (`head` then a `VALUES` row per item).
async fn insert_rows<'a, T>(
    conn: &mut SqliteConnection,
    head: &str,
    items: &'a [T],
    row: impl Fn(&'a T) -> Vec<Arg<'a>>,
) -> sqlx::Result<()> {
    let mut q = QueryBuilder::<Sqlite>::new(head);
    q.push_values(items, |mut b, item| {
        for arg in row(item) {
            bind_separated(&mut b, arg);
        }
    });
    q.build().execute(conn).await?;
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

    async fn execute(
        conn: &mut SqliteConnection,
        sql: &str,
        args: Vec<Arg<'_>>,
    ) -> sqlx::Result<u64> {
        Ok(query(sql, args).execute(conn).await?.rows_affected())
    }

    async fn fetch_all(
        conn: &mut SqliteConnection,
        sql: &str,
        args: Vec<Arg<'_>>,
    ) -> sqlx::Result<Vec<SqliteRow>> {
        query(sql, args).fetch_all(conn).await
    }

    async fn fetch_optional(
        conn: &mut SqliteConnection,
        sql: &str,
        args: Vec<Arg<'_>>,
    ) -> sqlx::Result<Option<SqliteRow>> {
        query(sql, args).fetch_optional(conn).await
    }

    fn fetch_stream<'c>(
        conn: &'c mut SqliteConnection,
        sql: &'c str,
        args: Vec<Arg<'c>>,
    ) -> BoxStream<'c, sqlx::Result<SqliteRow>> {
        query(sql, args).fetch(conn)
    }

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
        for chunk in places.chunks(ROWS_PER_STATEMENT) {
            let inserted = insert_rows(
                conn,
                include_str!("sql/insert_places_head.sql"),
                chunk,
                place_args,
            )
            .await;
            match inserted {
                // SQLite does not say which row: the batch is refused as a whole anyway.
                Err(e) if Self::violates(&e, Constraint::PlaceCode) => {
                    return Err(StoreError::CodeTaken(chunk[0].code))
                }
                other => other.map_err(StoreError::during("insert_batch", "insert_places"))?,
            }
        }
        Ok(())
    }

    async fn insert_events(conn: &mut SqliteConnection, events: &[NewEvent]) -> sqlx::Result<()> {
        for chunk in events.chunks(ROWS_PER_STATEMENT) {
            insert_rows(
                conn,
                include_str!("sql/insert_events_head.sql"),
                chunk,
                event_args,
            )
            .await?;
        }
        Ok(())
    }

    async fn restore_events(conn: &mut SqliteConnection, events: &[Event]) -> sqlx::Result<()> {
        // AUTOINCREMENT continues after the largest `seq` inserted: nothing else to move.
        for chunk in events.chunks(ROWS_PER_STATEMENT) {
            insert_rows(
                conn,
                include_str!("sql/restore_events_head.sql"),
                chunk,
                |e| {
                    let mut row = vec![Arg::Int(e.seq)];
                    row.extend(event_args(&e.event));
                    row
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn subscribe(
        _pool: &Pool<Sqlite>,
    ) -> sqlx::Result<Option<tokio::sync::mpsc::Receiver<()>>> {
        Ok(None)
    }
}
