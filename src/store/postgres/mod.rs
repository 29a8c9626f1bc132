//! The production store, PostgreSQL with PostGIS: what PostgreSQL does its own way.
//!
//! The transactions themselves are the store core's ([`super::sql`]); the schema
//! (`migrations/postgres/`) adds geometry columns with GiST indexes for GIS tools and
//! constraints that hold for every writer. Times cross the wire as RFC 3339 text
//! (`$n::timestamptz` in, `to_char(… AT TIME ZONE 'UTC', …)` out) and JSON as text (`$n::jsonb`
//! in, `::text` out), so the codecs are shared with SQLite. What is PostgreSQL's own: the
//! advisory lock that makes `seq` order commit order across nodes, `COPY` for bulk imports and
//! restores, SQL arrays for lists, and `LISTEN/NOTIFY` wake-ups.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{
    PgArguments, PgConnectOptions, PgConnection, PgDatabaseError, PgPoolOptions, PgRow,
};
use sqlx::{Pool, Postgres};

use super::places::{event_args, place_args};
use super::sql::{bind, sqlx_statements, Arg, Constraint, Dialect, SqlStore, Statement};
use super::{StoreError, StoreResult};
use crate::code::LocationCode;
use crate::event::{Event, NewEvent};
use crate::place::Place;

/// PostgreSQL + PostGIS as a [`Dialect`] of the store core.
#[derive(Debug, Clone, Copy)]
pub struct PgDialect;

/// The PostgreSQL store. Writes of one process are serialised by the registry; the database
/// decides between processes (unique codes, row versions, the event log's lock).
pub type PgStore = SqlStore<PgDialect>;

impl SqlStore<PgDialect> {
    /// Connects to `url` (`postgres://…` or `postgresql://…`) and applies the embedded
    /// migrations of `migrations/postgres` (which create the PostGIS extension if it is
    /// missing; that needs a role allowed to).
    pub async fn open(url: &str) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(StoreError::during("open", "parse the URL"))?
            .application_name("diachiso");
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(super::UNAVAILABLE_AFTER)
            .connect_with(options)
            .await
            .map_err(StoreError::during("open", "connect"))?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(SqlStore { pool })
    }
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// A statement with its arguments bound; a list is an SQL `text[]`.
fn query<'q>(sql: &'q str, args: Vec<Arg<'q>>) -> PgQuery<'q> {
    args.into_iter()
        .fold(sqlx::query(sql), |q, arg| bind(q, arg, |list| list))
}

/// Appends one row of `COPY … (FORMAT csv)`: text is always quoted (so an empty string is not
/// NULL), NULL is an empty unquoted field, numbers as they are.
fn csv_row(out: &mut String, cells: Vec<Arg<'_>>) {
    use std::fmt::Write;
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Arg::Text(t) | Arg::OptText(Some(t)) => {
                out.push('"');
                out.push_str(&t.replace('"', "\"\""));
                out.push('"');
            }
            Arg::OptText(None) | Arg::OptFloat(None) => {}
            // `{:?}` prints the shortest representation that reads back to the same f64.
            Arg::Float(x) | Arg::OptFloat(Some(x)) => {
                let _ = write!(out, "{x:?}");
            }
            Arg::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Arg::Bool(b) => out.push(if b { 't' } else { 'f' }),
            // No COPY path has a list column; written as JSON text should one appear.
            Arg::TextList(list) => {
                let json = serde_json::to_string(&list).unwrap_or_default();
                out.push('"');
                out.push_str(&json.replace('"', "\"\""));
                out.push('"');
            }
        }
    }
    out.push('\n');
}

/// Streams rows into a table with `COPY … FROM STDIN (FORMAT csv)`: one stream per table and
/// batch, no statement per row; generated columns (geometry) are computed by the server.
async fn copy_in<'a, T>(
    conn: &mut PgConnection, copy: &str, items: &'a [T], row: impl Fn(&'a T) -> Vec<Arg<'a>>,
) -> sqlx::Result<()> {
    let mut csv = String::with_capacity(items.len() * 400);
    for item in items {
        csv_row(&mut csv, row(item));
    }
    let mut stream = conn.copy_in_raw(copy).await?;
    stream.send(csv.into_bytes()).await?;
    stream.finish().await?;
    Ok(())
}

/// The code named by a unique violation of `places_pkey` ("Key (code)=(…) already exists.").
fn taken_code(error: &sqlx::Error) -> Option<LocationCode> {
    let sqlx::Error::Database(e) = error else {
        return None;
    };
    let detail = e.try_downcast_ref::<PgDatabaseError>()?.detail()?;
    let (_, rest) = detail.split_once("=(")?;
    rest.split_once(')')?.0.parse().ok()
}

#[async_trait]
impl Dialect for PgDialect {
    type Db = Postgres;
    type Row = PgRow;
    const NAME: &'static str = "postgres";

    fn text(statement: &Statement) -> &'static str {
        statement.postgres
    }

    sqlx_statements!();

    fn violates(error: &sqlx::Error, constraint: Constraint) -> bool {
        let name = match constraint {
            Constraint::PlaceCode => "places_pkey",
            Constraint::StreetId => "streets_pkey",
            Constraint::SnapshotAsOf => "resident_snapshots_as_of_key",
        };
        matches!(error, sqlx::Error::Database(e)
            if e.is_unique_violation() && e.constraint() == Some(name))
    }

    async fn lock_event_log(conn: &mut PgConnection) -> sqlx::Result<()> {
        sqlx::query(include_str!("sql/lock_event_log.sql"))
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn insert_places(conn: &mut PgConnection, places: &[Place]) -> StoreResult<()> {
        match copy_in(
            conn,
            include_str!("sql/copy_places.sql"),
            places,
            place_args,
        )
        .await
        {
            Err(e) if Self::violates(&e, Constraint::PlaceCode) => Err(StoreError::CodeTaken(
                taken_code(&e).unwrap_or(places[0].code),
            )),
            other => other.map_err(StoreError::during("insert_batch", "copy_places")),
        }
    }

    async fn insert_events(conn: &mut PgConnection, events: &[NewEvent]) -> sqlx::Result<()> {
        copy_in(
            conn,
            include_str!("sql/copy_events.sql"),
            events,
            event_args,
        )
        .await
    }

    async fn restore_events(conn: &mut PgConnection, events: &[Event]) -> sqlx::Result<()> {
        // COPY writes the identity column's values as given (like OVERRIDING SYSTEM VALUE);
        // the sequence is then moved past the largest.
        copy_in(
            conn,
            include_str!("sql/copy_events_with_seq.sql"),
            events,
            |e| {
                let mut row = vec![Arg::Int(e.seq)];
                row.extend(event_args(&e.event));
                row
            },
        )
        .await?;
        sqlx::query(include_str!("sql/restore_events_sequence.sql"))
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn subscribe(
        pool: &Pool<Postgres>,
    ) -> sqlx::Result<Option<tokio::sync::mpsc::Receiver<()>>> {
        // LISTEN on a connection of its own; sqlx's listener reconnects by itself after a
        // lost connection (notifications sent meanwhile are lost: the nodes' polling covers
        // them, as it reads the log from the last sequence applied).
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen("diachiso_events").await?;
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(_) => {
                        // A full channel already holds a wake-up: nothing is lost.
                        if let Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) =
                            tx.try_send(())
                        {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "listening for events failed; retrying");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(Some(rx))
    }
}
