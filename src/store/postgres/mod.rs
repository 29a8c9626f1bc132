//! The production store: PostgreSQL with PostGIS.
//!
//! Same contract as the SQLite store; the schema (`migrations/postgres/`) adds geometry columns
//! with GiST indexes for GIS tools and constraints that hold for every writer. Times cross the
//! wire as RFC 3339 text (`$n::timestamptz` in, `to_char(… AT TIME ZONE 'UTC', …)` out) and
//! JSON as text (`$n::jsonb` in, `::text` out), so the codecs are the SQLite store's.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use geojson::Geometry;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};

use super::codec::*;
use super::{Counts, IdempotencyRecord, ImportProgress, Store, StoreError, StoreResult};
use crate::auth::{Role, TokenInfo};
use crate::code::LocationCode;
use crate::commune::Commune;
use crate::event::{Event, NewEvent, NewStreetEvent, StreetEvent};
use crate::parking::{DailyTotal, Outcome, Transaction};
use crate::place::Place;
use crate::place::PlaceDoc;
use crate::population::{CountRow, Snapshot};
use crate::street::{CommuneRules, NumberingPlan, Street};

/// The primary key of `places`: a unique violation on it means the code is taken.
const PLACES_PKEY: &str = "places_pkey";

/// PostgreSQL + PostGIS through a connection pool. Writes of one process are serialised by
/// the registry; the database decides between processes (unique codes, row versions).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…` or `postgresql://…`) and applies the embedded
    /// migrations of `migrations/postgres` (which create the PostGIS extension if it is
    /// missing; that needs a role allowed to).
    pub async fn open(url: &str) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)?.application_name("diachiso");
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool })
    }
}

impl Columns for PgRow {
    fn text(&self, column: &str) -> StoreResult<String> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        Ok(self.try_get(column)?)
    }
    fn number(&self, column: &str) -> StoreResult<f64> {
        Ok(self.try_get(column)?)
    }
    fn opt_number(&self, column: &str) -> StoreResult<Option<f64>> {
        Ok(self.try_get(column)?)
    }
    fn integer(&self, column: &str) -> StoreResult<i64> {
        Ok(self.try_get(column)?)
    }
    fn flag(&self, column: &str) -> StoreResult<bool> {
        Ok(self.try_get(column)?)
    }
}

fn place_from_row(row: &PgRow) -> StoreResult<Place> {
    place_from_columns(row)
}

fn event_from_row(row: &PgRow) -> StoreResult<Event> {
    event_from_columns(row)
}

fn token_from_row(row: &PgRow) -> StoreResult<TokenInfo> {
    token_from_columns(row)
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds a place's columns in the order of `insert_place.sql` / `update_place.sql`.
fn bind_place<'q>(query: PgQuery<'q>, p: &'q Place) -> PgQuery<'q> {
    query
        .bind(p.code.to_string())
        .bind(p.kind.as_str())
        .bind(p.name.as_str())
        .bind(p.lon)
        .bind(p.lat)
        .bind(p.footprint.as_ref().map(|f| f.to_string()))
        .bind(p.commune_code.as_str())
        .bind(p.address.house_number.as_deref())
        .bind(p.address.street.as_deref())
        .bind(p.address.hamlet.as_deref())
        .bind(serde_json::Value::Object(p.attributes.clone()).to_string())
        .bind(serde_json::to_string(&p.external_ids).unwrap_or_else(|_| "{}".into()))
        .bind(p.status.as_str())
        .bind(p.generated)
        .bind(p.version)
        .bind(time_to_text(&p.created_at))
        .bind(time_to_text(&p.updated_at))
}

/// Appends an event in the caller's transaction. Every append first takes one transaction-scoped
/// advisory lock (`sql/lock_event_log.sql`), so `seq` order is commit order across nodes. The
/// lock is taken after the place's row is written and nothing that follows waits on another
/// writer's rows, so writers cannot deadlock on it.
/// One CSV field for `COPY … (FORMAT csv)`: text is always quoted (so an empty string is not
/// NULL), NULL is an empty unquoted field, numbers as they are.
enum Cell<'a> {
    Text(&'a str),
    Opt(Option<&'a str>),
    Number(f64),
    Integer(i64),
}

fn csv_row(out: &mut String, cells: &[Cell]) {
    use std::fmt::Write;
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(t) | Cell::Opt(Some(t)) => {
                out.push('"');
                out.push_str(&t.replace('"', "\"\""));
                out.push('"');
            }
            Cell::Opt(None) => {}
            // `{:?}` prints the shortest representation that reads back to the same f64.
            Cell::Number(x) => {
                let _ = write!(out, "{x:?}");
            }
            Cell::Integer(n) => {
                let _ = write!(out, "{n}");
            }
        }
    }
    out.push('\n');
}

async fn append_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    e: &NewEvent,
) -> StoreResult<i64> {
    sqlx::query(include_str!("sql/lock_event_log.sql"))
        .execute(&mut **tx)
        .await?;
    let seq: i64 = sqlx::query_scalar(include_str!("sql/insert_event.sql"))
        .bind(time_to_text(&e.at))
        .bind(e.actor.as_str())
        .bind(e.action.as_str())
        .bind(e.code.to_string())
        .bind(e.before.as_ref().map(|v| v.to_string()))
        .bind(e.after.as_ref().map(|v| v.to_string()))
        .bind(e.reason.as_deref())
        .fetch_one(&mut **tx)
        .await?;
    Ok(seq)
}

/// The code named by a unique violation of `places_pkey` ("Key (code)=(…) already exists.").
fn taken_code(e: &dyn sqlx::error::DatabaseError) -> Option<LocationCode> {
    let detail = e
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?
        .detail()?;
    let (_, rest) = detail.split_once("=(")?;
    rest.split_once(')')?.0.parse().ok()
}

async fn upsert_import(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    p: &ImportProgress,
) -> StoreResult<()> {
    let now = time_to_text(&chrono::Utc::now());
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    sqlx::query(include_str!("sql/upsert_import.sql"))
        .bind(&p.key)
        .bind(&p.source)
        .bind(count(p.records_done))
        .bind(count(p.accepted))
        .bind(count(p.rejected))
        .bind(count(p.duplicates))
        .bind(&now)
        .bind(p.finished.then_some(&now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn append_street_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    e: &NewStreetEvent,
) -> StoreResult<i64> {
    sqlx::query(include_str!("sql/lock_event_log.sql"))
        .execute(&mut **tx)
        .await?;
    let seq: i64 = sqlx::query_scalar(include_str!("sql/insert_street_event.sql"))
        .bind(time_to_text(&e.at))
        .bind(e.actor.as_str())
        .bind(e.action.as_str())
        .bind(e.street_id.as_str())
        .bind(e.plan_id.as_deref())
        .bind(e.before.as_ref().map(|v| v.to_string()))
        .bind(e.after.as_ref().map(|v| v.to_string()))
        .bind(e.reason.as_deref())
        .fetch_one(&mut **tx)
        .await?;
    Ok(seq)
}

/// Inserts a street (`expected_version` `None`) or updates it at that version.
async fn write_street(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    s: &Street,
    expected_version: Option<i64>,
) -> StoreResult<()> {
    let sql = if expected_version.is_some() {
        include_str!("sql/update_street.sql")
    } else {
        include_str!("sql/insert_street.sql")
    };
    let query = sqlx::query(sql)
        .bind(s.id.as_str())
        .bind(s.street_type.as_str())
        .bind(s.name.as_deref())
        .bind(s.parent_id.as_deref())
        .bind(communes_to_text(&s.communes))
        .bind(s.status.as_str())
        .bind(street_to_doc(s))
        .bind(s.version)
        .bind(time_to_text(&s.created_at))
        .bind(time_to_text(&s.updated_at));
    let query = match expected_version {
        Some(v) => query.bind(v),
        None => query,
    };
    let done = query.execute(&mut **tx).await;
    match done {
        Ok(done) if done.rows_affected() == 1 => Ok(()),
        Ok(_) => Err(StoreError::StreetConflict(s.id.clone())),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::StreetConflict(s.id.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

async fn write_plan_decision(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    plan: &NumberingPlan,
) -> StoreResult<()> {
    let done = sqlx::query(include_str!("sql/decide_plan.sql"))
        .bind(plan.id.as_str())
        .bind(plan.status.as_str())
        .bind(plan_to_doc(plan))
        .bind(plan.decided_by.as_deref())
        .bind(plan.decided_at.as_ref().map(time_to_text))
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::StreetConflict(plan.street_id.clone()))
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn load_communes(&self) -> StoreResult<Vec<Commune>> {
        let rows = sqlx::query(include_str!("sql/select_communes.sql"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let boundary: String = row.try_get("boundary")?;
                let geometry: Geometry = json_from_text(&boundary)?;
                let boundary = geo::MultiPolygon::<f64>::try_from(geometry.value)
                    .map_err(|e| StoreError::Corrupt(format!("commune boundary: {e}")))?;
                Ok(Commune {
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    full_name: row.try_get("full_name")?,
                    unit_type: row.try_get("unit_type")?,
                    province_code: row.try_get("province_code")?,
                    province_name: row.try_get("province_name")?,
                    area_km2: row.try_get("area_km2")?,
                    boundary,
                })
            })
            .collect()
    }

    async fn upsert_communes(&self, communes: &[Commune]) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await?;
        for c in communes {
            let geometry = Geometry::new(geojson::GeometryValue::from(&c.boundary));
            sqlx::query(include_str!("sql/upsert_commune.sql"))
                .bind(&c.code)
                .bind(&c.name)
                .bind(&c.full_name)
                .bind(&c.unit_type)
                .bind(&c.province_code)
                .bind(&c.province_name)
                .bind(c.area_km2)
                .bind(serde_json::to_string(&geometry).unwrap_or_default())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(communes.len())
    }

    async fn subscribe(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<()>>> {
        // LISTEN on a connection of its own; sqlx's listener reconnects by itself after a
        // lost connection (notifications sent meanwhile are lost: the nodes' polling covers
        // them, as it reads the log from the last sequence applied).
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
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
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(Some(rx))
    }

    async fn load_place_docs(&self) -> StoreResult<Vec<PlaceDoc>> {
        load_docs_in_chunks(|after: String| async move {
            let row = sqlx::query(include_str!("sql/select_place_docs.sql"))
                .bind(after)
                .bind(50_000i64)
                .fetch_one(&self.pool)
                .await?;
            let last: Option<String> = row.try_get("last")?;
            Ok(match last {
                Some(last) => Some((last, row.try_get("docs")?)),
                None => None,
            })
        })
        .await
    }

    async fn get_place(&self, code: LocationCode) -> StoreResult<Option<Place>> {
        let row = sqlx::query(include_str!("sql/select_place.sql"))
            .bind(code.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(place_from_row).transpose()
    }

    async fn get_places(&self, codes: &[LocationCode]) -> StoreResult<Vec<Place>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = codes.iter().map(LocationCode::to_string).collect();
        let rows = sqlx::query(include_str!("sql/select_places_by_codes.sql"))
            .bind(list)
            .fetch_all(&self.pool)
            .await?;
        let mut by_code: HashMap<LocationCode, Place> = rows
            .iter()
            .map(|r| place_from_row(r).map(|p| (p.code, p)))
            .collect::<StoreResult<_>>()?;
        Ok(codes.iter().filter_map(|c| by_code.remove(c)).collect())
    }

    async fn insert_place(
        &self,
        place: &Place,
        event: &NewEvent,
        idempotency: Option<&IdempotencyRecord>,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let inserted = bind_place(sqlx::query(include_str!("sql/insert_place.sql")), place)
            .execute(&mut *tx)
            .await;
        match inserted {
            Err(sqlx::Error::Database(e))
                if e.is_unique_violation() && e.constraint() == Some(PLACES_PKEY) =>
            {
                return Err(StoreError::CodeTaken(place.code))
            }
            other => other?,
        };
        let seq = append_event(&mut tx, event).await?;
        if let Some(r) = idempotency {
            sqlx::query(include_str!("sql/insert_idempotency.sql"))
                .bind(&r.scope)
                .bind(&r.key)
                .bind(&r.fingerprint)
                .bind(r.code.to_string())
                .bind(r.response.to_string())
                .bind(time_to_text(&event.at))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(seq)
    }

    async fn update_place(
        &self,
        place: &Place,
        expected_version: i64,
        event: &NewEvent,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let done = bind_place(sqlx::query(include_str!("sql/update_place.sql")), place)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::VersionConflict(place.code));
        }
        let seq = append_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn insert_batch(
        &self,
        places: &[Place],
        events: &[NewEvent],
        progress: &ImportProgress,
    ) -> StoreResult<()> {
        // COPY (CSV) rather than INSERTs: one stream per table and batch, no statement per
        // row or per 500 rows; the generated geometry columns are computed by the server.
        let mut tx = self.pool.begin().await?;
        if !places.is_empty() {
            let mut csv = String::with_capacity(places.len() * 400);
            for p in places {
                csv_row(
                    &mut csv,
                    &[
                        Cell::Text(&p.code.to_string()),
                        Cell::Text(p.kind.as_str()),
                        Cell::Text(&p.name),
                        Cell::Number(p.lon),
                        Cell::Number(p.lat),
                        Cell::Opt(p.footprint.as_ref().map(|f| f.to_string()).as_deref()),
                        Cell::Text(&p.commune_code),
                        Cell::Opt(p.address.house_number.as_deref()),
                        Cell::Opt(p.address.street.as_deref()),
                        Cell::Opt(p.address.hamlet.as_deref()),
                        Cell::Text(&serde_json::Value::Object(p.attributes.clone()).to_string()),
                        Cell::Text(
                            &serde_json::to_string(&p.external_ids).unwrap_or_else(|_| "{}".into()),
                        ),
                        Cell::Text(p.status.as_str()),
                        Cell::Text(if p.generated { "t" } else { "f" }),
                        Cell::Integer(p.version),
                        Cell::Text(&time_to_text(&p.created_at)),
                        Cell::Text(&time_to_text(&p.updated_at)),
                    ],
                );
            }
            let copied = async {
                let mut copy = (*tx)
                    .copy_in_raw(include_str!("sql/copy_places.sql"))
                    .await?;
                copy.send(csv.into_bytes()).await?;
                copy.finish().await
            }
            .await;
            match copied {
                Err(sqlx::Error::Database(e))
                    if e.is_unique_violation() && e.constraint() == Some(PLACES_PKEY) =>
                {
                    return Err(StoreError::CodeTaken(
                        taken_code(e.as_ref()).unwrap_or(places[0].code),
                    ))
                }
                other => other?,
            };
        }
        if !events.is_empty() {
            sqlx::query(include_str!("sql/lock_event_log.sql"))
                .execute(&mut *tx)
                .await?;
            let mut csv = String::with_capacity(events.len() * 800);
            for e in events {
                csv_row(
                    &mut csv,
                    &[
                        Cell::Text(&time_to_text(&e.at)),
                        Cell::Text(&e.actor),
                        Cell::Text(e.action.as_str()),
                        Cell::Text(&e.code.to_string()),
                        Cell::Opt(e.before.as_ref().map(|v| v.to_string()).as_deref()),
                        Cell::Opt(e.after.as_ref().map(|v| v.to_string()).as_deref()),
                        Cell::Opt(e.reason.as_deref()),
                    ],
                );
            }
            let mut copy = (*tx)
                .copy_in_raw(include_str!("sql/copy_events.sql"))
                .await?;
            copy.send(csv.into_bytes()).await?;
            copy.finish().await?;
        }
        upsert_import(&mut tx, progress).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn restore_events(&self, events: &[Event]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(include_str!("sql/lock_event_log.sql"))
            .execute(&mut *tx)
            .await?;
        for chunk in events.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Postgres>::new(include_str!(
                "sql/restore_events_head.sql"
            ));
            q.push_values(chunk, |mut b, e| {
                let n = &e.event;
                b.push_bind(e.seq)
                    .push_bind(time_to_text(&n.at))
                    .push_unseparated("::timestamptz")
                    .push_bind(n.actor.as_str())
                    .push_bind(n.action.as_str())
                    .push_bind(n.code.to_string())
                    .push_bind(n.before.as_ref().map(|v| v.to_string()))
                    .push_unseparated("::jsonb")
                    .push_bind(n.after.as_ref().map(|v| v.to_string()))
                    .push_unseparated("::jsonb")
                    .push_bind(n.reason.as_deref());
            });
            q.build().execute(&mut *tx).await?;
        }
        sqlx::query(include_str!("sql/restore_events_sequence.sql"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn import_progress(&self, key: &str) -> StoreResult<Option<ImportProgress>> {
        let row = sqlx::query(include_str!("sql/select_import.sql"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        let count =
            |n: i64| u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("count {n}")));
        row.map(|r| {
            Ok(ImportProgress {
                key: r.try_get("key")?,
                source: r.try_get("source")?,
                records_done: count(r.try_get("records_done")?)?,
                accepted: count(r.try_get("accepted")?)?,
                rejected: count(r.try_get("rejected")?)?,
                duplicates: count(r.try_get("duplicates")?)?,
                started_at: r.try_get("started_at")?,
                finished: r.try_get("finished")?,
            })
        })
        .transpose()
    }

    async fn save_import_progress(&self, progress: &ImportProgress) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        upsert_import(&mut tx, progress).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn export_places(
        &self,
        commune: Option<&str>,
        sink: &mut (dyn FnMut(Place) -> StoreResult<()> + Send),
    ) -> StoreResult<()> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(include_str!("sql/select_places_of_commune.sql"))
            .bind(commune)
            .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            sink(place_from_row(&row)?)?;
        }
        Ok(())
    }

    async fn last_event_seq(&self) -> StoreResult<i64> {
        // Appends are serialised by the event-log lock, so every event up to this one has
        // committed (or rolled back) by the time it is visible.
        Ok(sqlx::query_scalar(include_str!("sql/select_last_seq.sql"))
            .fetch_one(&self.pool)
            .await?)
    }

    async fn history(&self, code: LocationCode) -> StoreResult<Vec<Event>> {
        let rows = sqlx::query(include_str!("sql/select_history.sql"))
            .bind(code.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    async fn events_after(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<Event>> {
        let rows = sqlx::query(include_str!("sql/select_events_after.sql"))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    async fn find_idempotency(
        &self,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>> {
        let row = sqlx::query(include_str!("sql/select_idempotency.sql"))
            .bind(scope)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(idempotency_from_columns).transpose()
    }

    async fn create_token(
        &self,
        name: &str,
        role: Role,
        communes: &[String],
        token_hash: &str,
    ) -> StoreResult<TokenInfo> {
        let row = sqlx::query(include_str!("sql/insert_token.sql"))
            .bind(name)
            .bind(role.as_str())
            .bind(communes_to_text(communes))
            .bind(token_hash)
            .bind(time_to_text(&chrono::Utc::now()))
            .fetch_one(&self.pool)
            .await?;
        token_from_row(&row)
    }

    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
        let row = sqlx::query(include_str!("sql/select_token_by_hash.sql"))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_tokens(&self) -> StoreResult<Vec<TokenInfo>> {
        let rows = sqlx::query(include_str!("sql/select_tokens.sql"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query(include_str!("sql/revoke_token.sql"))
            .bind(id)
            .bind(time_to_text(&chrono::Utc::now()))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn counts(&self) -> StoreResult<Counts> {
        let (communes, places, events, tokens) = sqlx::query_as(include_str!("sql/counts.sql"))
            .fetch_one(&self.pool)
            .await?;
        Ok(Counts {
            communes,
            places,
            events,
            tokens,
        })
    }

    async fn load_streets(&self) -> StoreResult<Vec<Street>> {
        let docs: Vec<String> = sqlx::query_scalar(include_str!("sql/select_streets.sql"))
            .fetch_all(&self.pool)
            .await?;
        docs.iter().map(|d| street_from_doc(d)).collect()
    }

    async fn get_street(&self, id: &str) -> StoreResult<Option<Street>> {
        let doc: Option<String> = sqlx::query_scalar(include_str!("sql/select_street.sql"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        doc.as_deref().map(street_from_doc).transpose()
    }

    async fn save_street(
        &self,
        street: &Street,
        expected_version: Option<i64>,
        event: &NewStreetEvent,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        write_street(&mut tx, street, expected_version).await?;
        let seq = append_street_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn street_history(&self, id: &str) -> StoreResult<Vec<StreetEvent>> {
        let rows = sqlx::query(include_str!("sql/select_street_history.sql"))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(street_event_from_columns).collect()
    }

    async fn street_events_after(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<StreetEvent>> {
        let rows = sqlx::query(include_str!("sql/select_street_events_after.sql"))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(street_event_from_columns).collect()
    }

    async fn get_plan(&self, id: &str) -> StoreResult<Option<NumberingPlan>> {
        let doc: Option<String> = sqlx::query_scalar(include_str!("sql/select_plan.sql"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        doc.as_deref().map(plan_from_doc).transpose()
    }

    async fn list_plans(&self, street_id: &str) -> StoreResult<Vec<NumberingPlan>> {
        let docs: Vec<String> = sqlx::query_scalar(include_str!("sql/select_plans_of_street.sql"))
            .bind(street_id)
            .fetch_all(&self.pool)
            .await?;
        docs.iter().map(|d| plan_from_doc(d)).collect()
    }

    async fn insert_plan(&self, plan: &NumberingPlan, event: &NewStreetEvent) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(include_str!("sql/insert_plan.sql"))
            .bind(plan.id.as_str())
            .bind(plan.street_id.as_str())
            .bind(plan.status.as_str())
            .bind(plan_to_doc(plan))
            .bind(plan.proposed_by.as_str())
            .bind(time_to_text(&plan.proposed_at))
            .bind(plan.decided_by.as_deref())
            .bind(plan.decided_at.as_ref().map(time_to_text))
            .execute(&mut *tx)
            .await?;
        let seq = append_street_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn decide_plan(
        &self,
        plan: &NumberingPlan,
        event: &NewStreetEvent,
        streets: &[(Street, i64, NewStreetEvent)],
        places: &[(Place, i64, NewEvent)],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        write_plan_decision(&mut tx, plan).await?;
        append_street_event(&mut tx, event).await?;
        for (street, expected, e) in streets {
            write_street(&mut tx, street, Some(*expected)).await?;
            append_street_event(&mut tx, e).await?;
        }
        for (place, expected, e) in places {
            let done = bind_place(sqlx::query(include_str!("sql/update_place.sql")), place)
                .bind(*expected)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::VersionConflict(place.code));
            }
            append_event(&mut tx, e).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn numbering_rules(&self, commune_code: &str) -> StoreResult<Option<CommuneRules>> {
        let row = sqlx::query(include_str!("sql/select_numbering_rules.sql"))
            .bind(commune_code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rules_from_columns).transpose()
    }

    async fn save_numbering_rules(&self, rules: &CommuneRules) -> StoreResult<()> {
        sqlx::query(include_str!("sql/upsert_numbering_rules.sql"))
            .bind(rules.commune_code.as_str())
            .bind(suffix_style_to_text(rules.suffix_style))
            .bind(rules.reserve_every_m)
            .bind(rules.updated_by.as_str())
            .bind(time_to_text(&rules.updated_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn record_transactions(
        &self,
        transactions: &[Transaction],
        received_by: &str,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<Outcome>> {
        let mut tx = self.pool.begin().await?;
        let mut outcomes = Vec::with_capacity(transactions.len());
        for t in transactions {
            let done = sqlx::query(include_str!("sql/insert_transaction.sql"))
                .bind(t.platform.as_str())
                .bind(t.transaction_id.as_str())
                .bind(t.lot_code.to_string())
                .bind(t.vehicle.as_str())
                .bind(t.amount_vnd as i64)
                .bind(time_to_text(&t.paid_at))
                .bind(t.day().to_string())
                .bind(time_to_text(&received_at))
                .bind(received_by)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 1 {
                outcomes.push(Outcome::Recorded);
                continue;
            }
            let row = sqlx::query(include_str!("sql/select_transaction.sql"))
                .bind(t.platform.as_str())
                .bind(t.transaction_id.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if transaction_from_columns(&row)? == *t {
                outcomes.push(Outcome::Replayed);
            } else {
                return Err(StoreError::TransactionConflict(format!(
                    "{}/{}",
                    t.platform, t.transaction_id
                )));
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn daily_totals(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        lot_code: Option<&str>,
        commune_code: Option<&str>,
    ) -> StoreResult<Vec<DailyTotal>> {
        let rows = sqlx::query(include_str!("sql/select_daily_totals.sql"))
            .bind(from.to_string())
            .bind(to.to_string())
            .bind(lot_code)
            .bind(commune_code)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(daily_total_from_columns).collect()
    }

    async fn insert_snapshot(
        &self,
        snapshot: &Snapshot,
        rows: &[CountRow],
    ) -> StoreResult<Snapshot> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = match sqlx::query_scalar(include_str!("sql/insert_snapshot.sql"))
            .bind(snapshot.as_of.as_str())
            .bind(snapshot.source.as_str())
            .bind(snapshot.imported_at.as_str())
            .bind(snapshot.imported_by.as_str())
            .bind(snapshot.addresses)
            .bind(snapshot.residents)
            .bind(snapshot.households)
            .bind(snapshot.generated)
            .fetch_one(&mut *tx)
            .await
        {
            Ok(id) => id,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::SnapshotExists(snapshot.as_of.clone()))
            }
            Err(e) => return Err(e.into()),
        };
        for chunk in rows.chunks(20_000) {
            let codes: Vec<String> = chunk.iter().map(|r| r.code.to_string()).collect();
            let residents: Vec<i32> = chunk.iter().map(|r| r.residents as i32).collect();
            let households: Vec<i32> = chunk.iter().map(|r| r.households as i32).collect();
            sqlx::query(include_str!("sql/insert_counts.sql"))
                .bind(id)
                .bind(&codes)
                .bind(&residents)
                .bind(&households)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Snapshot {
            id,
            ..snapshot.clone()
        })
    }

    async fn snapshots(&self) -> StoreResult<Vec<Snapshot>> {
        let rows = sqlx::query(include_str!("sql/select_snapshots.sql"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(snapshot_from_columns).collect()
    }

    async fn snapshot_counts(&self, id: i64) -> StoreResult<Vec<(LocationCode, u32, u32)>> {
        let rows = sqlx::query(include_str!("sql/select_counts.sql"))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let count = |c: &str| -> StoreResult<u32> {
                    u32::try_from(r.integer(c)?)
                        .map_err(|_| StoreError::Corrupt(format!("{c} out of range")))
                };
                Ok((
                    code_from_text(&r.text("code")?)?,
                    count("residents")?,
                    count("households")?,
                ))
            })
            .collect()
    }

    async fn numbered_houses(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(
            sqlx::query_as(include_str!("sql/count_numbered_houses.sql"))
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn last_street_event_seq(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar(include_str!("sql/select_last_street_seq.sql"))
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
