//! The embedded SQLite store (one file, WAL journal).

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use geojson::Geometry;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};

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

/// SQLite through a small connection pool. Writes are serialised by the registry; the
/// pool lets reads run beside them (WAL).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite:PATH` or `sqlite://PATH`)
    /// and applies the embedded migrations of `migrations/sqlite`.
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
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
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

impl Columns for SqliteRow {
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
        Ok(self.try_get::<i64, _>(column)? != 0)
    }
}

fn place_from_row(row: &SqliteRow) -> StoreResult<Place> {
    place_from_columns(row)
}

fn event_from_row(row: &SqliteRow) -> StoreResult<Event> {
    event_from_columns(row)
}

fn token_from_row(row: &SqliteRow) -> StoreResult<TokenInfo> {
    token_from_columns(row)
}

/// Binds a place's columns in the order of `insert_place.sql` / `update_place.sql`.
fn bind_place<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    p: &'q Place,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
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
        .bind(i64::from(p.generated))
        .bind(p.version)
        .bind(time_to_text(&p.created_at))
        .bind(time_to_text(&p.updated_at))
}

async fn append_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    e: &NewEvent,
) -> StoreResult<i64> {
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

async fn upsert_import(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    p: &ImportProgress,
) -> StoreResult<()> {
    let now = time_to_text(&chrono::Utc::now());
    sqlx::query(include_str!("sql/upsert_import.sql"))
        .bind(&p.key)
        .bind(&p.source)
        .bind(p.records_done as i64)
        .bind(p.accepted as i64)
        .bind(p.rejected as i64)
        .bind(p.duplicates as i64)
        .bind(&now)
        .bind(p.finished.then_some(&now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn append_street_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    e: &NewStreetEvent,
) -> StoreResult<i64> {
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
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
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
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
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
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
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

    async fn load_place_docs(&self) -> StoreResult<Vec<PlaceDoc>> {
        load_docs_in_chunks(|after: i64| async move {
            let row = sqlx::query(include_str!("sql/select_place_docs.sql"))
                .bind(after)
                .bind(50_000i64)
                .fetch_one(&self.pool)
                .await?;
            let last: Option<i64> = row.try_get("last")?;
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
            .bind(serde_json::to_string(&list).unwrap_or_default())
            .fetch_all(&self.pool)
            .await?;
        let mut by_code: std::collections::HashMap<LocationCode, Place> = rows
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
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
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
        // Multi-row INSERTs: far fewer statements than rows (SQLite allows 32,766 parameters).
        const ROWS_PER_STATEMENT: usize = 500;
        let mut tx = self.pool.begin().await?;
        for chunk in places.chunks(ROWS_PER_STATEMENT) {
            let mut q =
                sqlx::QueryBuilder::<sqlx::Sqlite>::new(include_str!("sql/insert_places_head.sql"));
            q.push_values(chunk, |mut b, p| {
                b.push_bind(p.code.to_string())
                    .push_bind(p.kind.as_str())
                    .push_bind(p.name.as_str())
                    .push_bind(p.lon)
                    .push_bind(p.lat)
                    .push_bind(p.footprint.as_ref().map(|f| f.to_string()))
                    .push_bind(p.commune_code.as_str())
                    .push_bind(p.address.house_number.as_deref())
                    .push_bind(p.address.street.as_deref())
                    .push_bind(p.address.hamlet.as_deref())
                    .push_bind(serde_json::Value::Object(p.attributes.clone()).to_string())
                    .push_bind(
                        serde_json::to_string(&p.external_ids).unwrap_or_else(|_| "{}".into()),
                    )
                    .push_bind(p.status.as_str())
                    .push_bind(i64::from(p.generated))
                    .push_bind(p.version)
                    .push_bind(time_to_text(&p.created_at))
                    .push_bind(time_to_text(&p.updated_at));
            });
            match q.build().execute(&mut *tx).await {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::CodeTaken(chunk[0].code))
                }
                other => other?,
            };
        }
        for chunk in events.chunks(ROWS_PER_STATEMENT) {
            let mut q =
                sqlx::QueryBuilder::<sqlx::Sqlite>::new(include_str!("sql/insert_events_head.sql"));
            q.push_values(chunk, |mut b, e| {
                b.push_bind(time_to_text(&e.at))
                    .push_bind(e.actor.as_str())
                    .push_bind(e.action.as_str())
                    .push_bind(e.code.to_string())
                    .push_bind(e.before.as_ref().map(|v| v.to_string()))
                    .push_bind(e.after.as_ref().map(|v| v.to_string()))
                    .push_bind(e.reason.as_deref());
            });
            q.build().execute(&mut *tx).await?;
        }
        upsert_import(&mut tx, progress).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn import_progress(&self, key: &str) -> StoreResult<Option<ImportProgress>> {
        let row = sqlx::query(include_str!("sql/select_import.sql"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(ImportProgress {
                key: r.try_get("key")?,
                source: r.try_get("source")?,
                records_done: r.try_get::<i64, _>("records_done")? as u64,
                accepted: r.try_get::<i64, _>("accepted")? as u64,
                rejected: r.try_get::<i64, _>("rejected")? as u64,
                duplicates: r.try_get::<i64, _>("duplicates")? as u64,
                started_at: r.try_get("started_at")?,
                finished: r.try_get::<Option<String>, _>("finished_at")?.is_some(),
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

    async fn restore_events(&self, events: &[Event]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for chunk in events.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(include_str!(
                "sql/restore_events_head.sql"
            ));
            q.push_values(chunk, |mut b, e| {
                let n = &e.event;
                b.push_bind(e.seq)
                    .push_bind(time_to_text(&n.at))
                    .push_bind(n.actor.as_str())
                    .push_bind(n.action.as_str())
                    .push_bind(n.code.to_string())
                    .push_bind(n.before.as_ref().map(|v| v.to_string()))
                    .push_bind(n.after.as_ref().map(|v| v.to_string()))
                    .push_bind(n.reason.as_deref());
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn last_event_seq(&self) -> StoreResult<i64> {
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
            let json: Vec<(String, u32, u32)> = chunk
                .iter()
                .map(|r| (r.code.to_string(), r.residents, r.households))
                .collect();
            sqlx::query(include_str!("sql/insert_counts.sql"))
                .bind(id)
                .bind(serde_json::to_string(&json).unwrap_or_default())
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
