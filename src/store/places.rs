//! Communes, places, the places' event log, idempotency records, bulk imports and exports:
//! written once for both databases.

use std::collections::HashMap;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use geojson::Geometry;

use super::codec::*;
use super::sql::{args, statement, Arg, Constraint, Dialect, Session, SqlStore};
use super::{IdempotencyRecord, ImportProgress, PlaceStore, StoreError, StoreResult};
use crate::code::LocationCode;
use crate::commune::Commune;
use crate::event::{Event, NewEvent};
use crate::place::{Place, PlaceDoc};

/// A place's columns in the order of `insert_place.sql` / `update_place.sql` (and of the bulk
/// paths of each dialect).
pub(super) fn place_args(p: &Place) -> Vec<Arg<'_>> {
    args![
        p.code.to_string(),
        p.kind.as_str(),
        p.name.as_str(),
        p.lon,
        p.lat,
        p.footprint.as_ref().map(|f| f.to_string()),
        p.commune_code.as_str(),
        p.address.house_number.as_deref(),
        p.address.street.as_deref(),
        p.address.hamlet.as_deref(),
        serde_json::Value::Object(p.attributes.clone()).to_string(),
        serde_json::to_string(&p.external_ids).unwrap_or_else(|_| "{}".into()),
        p.status.as_str(),
        p.generated,
        p.version,
        time_to_text(&p.created_at),
        time_to_text(&p.updated_at),
    ]
}

/// An event's columns in the order of `insert_event.sql` (and of the bulk paths).
pub(super) fn event_args(e: &NewEvent) -> Vec<Arg<'_>> {
    args![
        time_to_text(&e.at),
        e.actor.as_str(),
        e.action.as_str(),
        e.code.to_string(),
        e.before.as_ref().map(|v| v.to_string()),
        e.after.as_ref().map(|v| v.to_string()),
        e.reason.as_deref(),
    ]
}

/// Appends an event in the session's transaction; its sequence number. The lock comes after
/// the place's row is written and nothing that follows waits on another writer's rows, so
/// writers cannot deadlock on it.
pub(super) async fn append_event<D: Dialect>(
    session: &mut Session<D>, e: &NewEvent,
) -> StoreResult<i64> {
    session.lock_event_log().await?;
    let row = session
        .one(statement!("insert_event"), event_args(e))
        .await?;
    row.integer("seq")
}

/// Replaces a place at its expected version in the session's transaction.
pub(super) async fn update_place_in<D: Dialect>(
    session: &mut Session<D>, place: &Place, expected_version: i64,
) -> StoreResult<()> {
    let mut args = place_args(place);
    args.push(Arg::Int(expected_version));
    match session.execute(statement!("update_place"), args).await? {
        1 => Ok(()),
        _ => Err(StoreError::VersionConflict(place.code)),
    }
}

async fn upsert_import<D: Dialect>(
    session: &mut Session<D>, p: &ImportProgress,
) -> StoreResult<()> {
    let now = time_to_text(&chrono::Utc::now());
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    session
        .execute(
            statement!("upsert_import"),
            args![
                p.key.as_str(),
                p.source.as_str(),
                count(p.records_done),
                count(p.accepted),
                count(p.rejected),
                count(p.duplicates),
                now.as_str(),
                p.finished.then_some(now.as_str()),
            ],
        )
        .await?;
    Ok(())
}

fn commune_from_columns(row: &impl Columns) -> StoreResult<Commune> {
    let geometry: Geometry = json_from_text(&row.text("boundary")?)?;
    let boundary = geo::MultiPolygon::<f64>::try_from(geometry.value)
        .map_err(|e| StoreError::Corrupt(format!("commune boundary: {e}")))?;
    Ok(Commune {
        code: row.text("code")?,
        name: row.text("name")?,
        full_name: row.text("full_name")?,
        unit_type: row.text("unit_type")?,
        province_code: row.text("province_code")?,
        province_name: row.text("province_name")?,
        area_km2: row.number("area_km2")?,
        boundary,
    })
}

fn import_from_columns(row: &impl Columns) -> StoreResult<ImportProgress> {
    let count = |c: &str| -> StoreResult<u64> {
        let n = row.integer(c)?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{c} {n}")))
    };
    Ok(ImportProgress {
        key: row.text("key")?,
        source: row.text("source")?,
        records_done: count("records_done")?,
        accepted: count("accepted")?,
        rejected: count("rejected")?,
        duplicates: count("duplicates")?,
        started_at: row.text("started_at")?,
        finished: row.flag("finished")?,
    })
}

#[async_trait]
impl<D: Dialect> PlaceStore for SqlStore<D> {
    async fn load_communes(&self) -> StoreResult<Vec<Commune>> {
        self.read_all(
            "load_communes",
            statement!("select_communes"),
            vec![],
            commune_from_columns,
        )
        .await
    }

    async fn upsert_communes(&self, communes: &[Commune]) -> StoreResult<usize> {
        let mut s = self.write("upsert_communes").await?;
        for c in communes {
            let geometry = Geometry::new(geojson::GeometryValue::from(&c.boundary));
            s.execute(
                statement!("upsert_commune"),
                args![
                    c.code.as_str(),
                    c.name.as_str(),
                    c.full_name.as_str(),
                    c.unit_type.as_str(),
                    c.province_code.as_str(),
                    c.province_name.as_str(),
                    c.area_km2,
                    serde_json::to_string(&geometry).unwrap_or_default(),
                ],
            )
            .await?;
        }
        s.commit().await?;
        Ok(communes.len())
    }

    async fn load_place_docs(&self) -> StoreResult<Vec<PlaceDoc>> {
        // Keyset on the dialect's cheapest order (SQLite's rowid, PostgreSQL's primary key),
        // always read back as text.
        load_docs_in_chunks(|after: String| async move {
            let mut s = self.read("load_place_docs").await?;
            let row = s
                .one(statement!("select_place_docs"), args![after, 50_000i64])
                .await?;
            Ok(match row.opt_text("last")? {
                Some(last) => Some((last, row.text("docs")?)),
                None => None,
            })
        })
        .await
    }

    async fn get_place(&self, code: LocationCode) -> StoreResult<Option<Place>> {
        self.read_optional(
            "get_place",
            statement!("select_place"),
            args![code.to_string()],
            place_from_columns,
        )
        .await
    }

    async fn get_places(&self, codes: &[LocationCode]) -> StoreResult<Vec<Place>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        // One row holding every place as JSON: sqlx decodes a row at a time (~13 µs each),
        // the database packs and serde parses a page of 1,000 in a fraction of that.
        let list: Vec<String> = codes.iter().map(LocationCode::to_string).collect();
        let mut s = self.read("get_places").await?;
        let row = s
            .one(
                statement!("select_places_packed"),
                vec![Arg::TextList(list)],
            )
            .await?;
        let packed = row.opt_text("places")?;
        let mut by_code: HashMap<LocationCode, Place> = parse_packed_places(packed.as_deref())?
            .into_iter()
            .map(|p| (p.code, p))
            .collect();
        Ok(codes.iter().filter_map(|c| by_code.remove(c)).collect())
    }

    async fn insert_place(
        &self, place: &Place, event: &NewEvent, idempotency: Option<&IdempotencyRecord>,
    ) -> StoreResult<i64> {
        let mut s = self.write("insert_place").await?;
        let inserted = s
            .execute_unique(
                statement!("insert_place"),
                place_args(place),
                Constraint::PlaceCode,
            )
            .await?;
        if inserted.is_none() {
            return Err(StoreError::CodeTaken(place.code));
        }
        let seq = append_event(&mut s, event).await?;
        if let Some(r) = idempotency {
            s.execute(
                statement!("insert_idempotency"),
                args![
                    r.scope.as_str(),
                    r.key.as_str(),
                    r.fingerprint.as_str(),
                    r.code.to_string(),
                    r.response.to_string(),
                    time_to_text(&event.at),
                ],
            )
            .await?;
        }
        s.commit().await?;
        Ok(seq)
    }

    async fn update_place(
        &self, place: &Place, expected_version: i64, event: &NewEvent,
    ) -> StoreResult<i64> {
        let mut s = self.write("update_place").await?;
        update_place_in(&mut s, place, expected_version).await?;
        let seq = append_event(&mut s, event).await?;
        s.commit().await?;
        Ok(seq)
    }

    async fn insert_batch(
        &self, places: &[Place], events: &[NewEvent], progress: &ImportProgress,
    ) -> StoreResult<()> {
        let mut s = self.write("insert_batch").await?;
        if !places.is_empty() {
            D::insert_places(s.conn(), places).await?;
        }
        if !events.is_empty() {
            s.lock_event_log().await?;
            D::insert_events(s.conn(), events)
                .await
                .map_err(|e| s.error("insert_events", e))?;
        }
        upsert_import(&mut s, progress).await?;
        s.commit().await
    }

    async fn import_progress(&self, key: &str) -> StoreResult<Option<ImportProgress>> {
        self.read_optional(
            "import_progress",
            statement!("select_import"),
            args![key],
            import_from_columns,
        )
        .await
    }

    async fn save_import_progress(&self, progress: &ImportProgress) -> StoreResult<()> {
        let mut s = self.write("save_import_progress").await?;
        upsert_import(&mut s, progress).await?;
        s.commit().await
    }

    async fn export_places(
        &self, commune: Option<&str>, sink: &mut (dyn FnMut(Place) -> StoreResult<()> + Send),
    ) -> StoreResult<()> {
        let mut s = self.read("export_places").await?;
        let statement = statement!("select_places_of_commune");
        let failed = |e| StoreError::Database {
            operation: "export_places",
            statement: statement.name,
            source: e,
        };
        let streamed: StoreResult<()> = async {
            let mut rows = D::fetch(s.conn(), D::text(statement), args![commune]);
            while let Some(row) = rows.try_next().await.map_err(failed)? {
                sink(place_from_columns(&row)?)?;
            }
            Ok(())
        }
        .await;
        if streamed.is_err() {
            // The rows were not read to their end: this connection is not reused.
            s.discard();
        }
        streamed
    }

    async fn restore_events(&self, events: &[Event]) -> StoreResult<()> {
        let mut s = self.write("restore_events").await?;
        s.lock_event_log().await?;
        D::restore_events(s.conn(), events)
            .await
            .map_err(|e| s.error("restore_events", e))?;
        s.commit().await
    }

    async fn last_event_seq(&self) -> StoreResult<i64> {
        // Appends are serialised by the event-log lock, so every event up to this one has
        // committed (or rolled back) by the time it is visible.
        let mut s = self.read("last_event_seq").await?;
        s.one(statement!("select_last_seq"), vec![])
            .await?
            .integer("seq")
    }

    async fn history(&self, code: LocationCode) -> StoreResult<Vec<Event>> {
        self.read_all(
            "history",
            statement!("select_history"),
            args![code.to_string()],
            event_from_columns,
        )
        .await
    }

    async fn events_after(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<Event>> {
        self.read_all(
            "events_after",
            statement!("select_events_after"),
            args![after_seq, limit],
            event_from_columns,
        )
        .await
    }

    async fn find_idempotency(
        &self, scope: &str, key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>> {
        self.read_optional(
            "find_idempotency",
            statement!("select_idempotency"),
            args![scope, key],
            idempotency_from_columns,
        )
        .await
    }
}
