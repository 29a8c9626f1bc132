//! Column encodings shared by the stores: times as RFC 3339 text, JSON as text, enums as
//! their identifiers.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::{StoreError, StoreResult};
use crate::auth::{Role, TokenInfo};
use crate::code::LocationCode;
use crate::event::Action;
use crate::place::PlaceDoc;
use crate::place::{PlaceKind, Status};

pub fn time_to_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn time_from_text(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

pub fn code_from_text(s: &str) -> StoreResult<LocationCode> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("code {s:?}: {e}")))
}

pub fn kind_from_text(s: &str) -> StoreResult<PlaceKind> {
    PlaceKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("kind {s:?}")))
}

pub fn status_from_text(s: &str) -> StoreResult<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("status {s:?}")))
}

pub fn action_from_text(s: &str) -> StoreResult<Action> {
    Action::parse(s).ok_or_else(|| StoreError::Corrupt(format!("action {s:?}")))
}

pub fn json_from_text<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

pub fn opt_json_from_text(s: Option<String>) -> StoreResult<Option<Value>> {
    s.as_deref().map(json_from_text).transpose()
}

pub fn communes_to_text(communes: &[String]) -> String {
    communes.join(",")
}

pub fn token_from_parts(
    id: i64, name: String, role: &str, communes: &str, created_at: String,
    revoked_at: Option<String>,
) -> StoreResult<TokenInfo> {
    Ok(TokenInfo {
        id,
        name,
        role: Role::parse(role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        communes: communes
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at,
        revoked_at,
    })
}

/// A coordinate in packed JSON: a number (PostgreSQL writes every digit a double needs), or
/// text (SQLite's JSON numbers keep 15 significant digits, so it sends 17 as text).
struct Coordinate(f64);

impl<'de> serde::Deserialize<'de> for Coordinate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Coordinate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, or a number as text")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Coordinate, E> {
                Ok(Coordinate(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Coordinate, E> {
                Ok(Coordinate(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Coordinate, E> {
                Ok(Coordinate(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Coordinate, E> {
                v.parse().map(Coordinate).map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// One chunk of a store's start-up load (`select_place_docs.sql`): an array of
/// `[code, kind, status, commune_code, lon, lat, name, house_number, street, hamlet]`.
pub fn parse_place_docs(text: &str) -> StoreResult<Vec<PlaceDoc>> {
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Coordinate,
        Coordinate,
        std::borrow::Cow<'a, str>,
        Option<std::borrow::Cow<'a, str>>,
        Option<std::borrow::Cow<'a, str>>,
        Option<std::borrow::Cow<'a, str>>,
    );
    let rows: Vec<Row> = json_from_text_borrowed(text)?;
    rows.into_iter()
        .map(
            |(code, kind, status, commune, lon, lat, name, number, street, hamlet)| {
                Ok(PlaceDoc::new(
                    code_from_text(code)?,
                    kind_from_text(kind)?,
                    status_from_text(status)?,
                    commune,
                    [lon.0, lat.0],
                    &name,
                    [number.as_deref(), street.as_deref(), hamlet.as_deref()],
                ))
            },
        )
        .collect()
}

fn json_from_text_borrowed<'a, T: serde::Deserialize<'a>>(s: &'a str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

/// The start-up load shared by the stores: asks `fetch` for chunk after chunk (each the key of
/// its last row and the JSON text of its rows, `None` when no row is left) and parses each on a
/// blocking thread while the database builds the next.
pub async fn load_docs_in_chunks<K, F, Fut>(mut fetch: F) -> StoreResult<Vec<PlaceDoc>>
where
    K: Default,
    F: FnMut(K) -> Fut,
    Fut: std::future::Future<Output = StoreResult<Option<(K, String)>>>,
{
    let mut docs = Vec::new();
    let mut after = K::default();
    let mut parsing: Option<tokio::task::JoinHandle<StoreResult<Vec<PlaceDoc>>>> = None;
    loop {
        let chunk = fetch(after).await?;
        if let Some(previous) = parsing.take() {
            docs.extend(
                previous
                    .await
                    .map_err(|e| StoreError::Corrupt(e.to_string()))??,
            );
        }
        let Some((last, text)) = chunk else { break };
        after = last;
        parsing = Some(tokio::task::spawn_blocking(move || parse_place_docs(&text)));
    }
    Ok(docs)
}

/// Reading a column of a result row by name, the same way for every store; the decoders
/// below are written once against it.
pub trait Columns {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn number(&self, column: &str) -> StoreResult<f64>;
    fn opt_number(&self, column: &str) -> StoreResult<Option<f64>>;
    fn integer(&self, column: &str) -> StoreResult<i64>;
    /// A boolean (PostgreSQL's `boolean`, SQLite's 0 or 1).
    fn flag(&self, column: &str) -> StoreResult<bool>;
}

/// Any sqlx row whose driver decodes these types reads the same way.
impl<R> Columns for R
where
    R: sqlx::Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
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
        self.try_get(column).map_err(column_error)
    }
}

/// A column that is missing or does not decode: the stored data is not what the schema says.
fn column_error(e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(format!("column: {e}"))
}

/// The columns of a place packed as a JSON array (`select_places_packed.sql`), in order.
pub const PACKED_PLACE_COLUMNS: [&str; 17] = [
    "code",
    "kind",
    "name",
    "lon",
    "lat",
    "footprint",
    "commune_code",
    "house_number",
    "street",
    "hamlet",
    "attributes",
    "external_ids",
    "status",
    "generated",
    "version",
    "created_at",
    "updated_at",
];

/// A row packed as a JSON array, read by name like a database row, so that one decoder serves
/// both. Numbers may come as JSON numbers or as text (SQLite writes coordinates as text with
/// 17 significant digits: its JSON numbers keep 15, which would move a point by a hair).
pub struct JsonRow<'a> {
    columns: &'static [&'static str],
    values: &'a [serde_json::Value],
}

impl<'a> JsonRow<'a> {
    fn value(&self, column: &str) -> StoreResult<&'a serde_json::Value> {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| StoreError::Corrupt(format!("packed row: no column {column}")))
    }

    fn wrong(column: &str, v: &serde_json::Value) -> StoreError {
        StoreError::Corrupt(format!("packed row: column {column} is {v}"))
    }
}

/// A value a column must have.
fn required<T>(column: &str, value: Option<T>) -> StoreResult<T> {
    value.ok_or_else(|| StoreError::Corrupt(format!("packed row: column {column} is null")))
}

impl Columns for JsonRow<'_> {
    fn text(&self, column: &str) -> StoreResult<String> {
        required(column, self.opt_text(column)?)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        match self.value(column)? {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => Ok(Some(s.clone())),
            v => Err(Self::wrong(column, v)),
        }
    }
    fn number(&self, column: &str) -> StoreResult<f64> {
        required(column, self.opt_number(column)?)
    }
    fn opt_number(&self, column: &str) -> StoreResult<Option<f64>> {
        match self.value(column)? {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::Number(n) => Ok(n.as_f64()),
            serde_json::Value::String(s) => s
                .parse()
                .map(Some)
                .map_err(|_| Self::wrong(column, &serde_json::Value::String(s.clone()))),
            v => Err(Self::wrong(column, v)),
        }
    }
    fn integer(&self, column: &str) -> StoreResult<i64> {
        let v = self.value(column)?;
        v.as_i64().ok_or_else(|| Self::wrong(column, v))
    }
    fn flag(&self, column: &str) -> StoreResult<bool> {
        match self.value(column)? {
            serde_json::Value::Bool(b) => Ok(*b),
            serde_json::Value::Number(n) if n.as_i64() == Some(0) => Ok(false),
            serde_json::Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
            v => Err(Self::wrong(column, v)),
        }
    }
}

/// Places packed as one JSON array of rows (`select_places_packed.sql`; `None`: no row).
pub fn parse_packed_places(text: Option<&str>) -> StoreResult<Vec<crate::place::Place>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let rows: Vec<Vec<serde_json::Value>> = json_from_text_borrowed(text)?;
    rows.iter()
        .map(|values| {
            place_from_columns(&JsonRow {
                columns: &PACKED_PLACE_COLUMNS,
                values,
            })
        })
        .collect()
}

/// A place from a row of `select_place*.sql`.
pub fn place_from_columns(row: &impl Columns) -> StoreResult<crate::place::Place> {
    Ok(crate::place::Place {
        code: code_from_text(&row.text("code")?)?,
        kind: kind_from_text(&row.text("kind")?)?,
        name: row.text("name")?,
        lon: row.number("lon")?,
        lat: row.number("lat")?,
        footprint: opt_json_from_text(row.opt_text("footprint")?)?,
        commune_code: row.text("commune_code")?,
        address: crate::place::Address {
            house_number: row.opt_text("house_number")?,
            street: row.opt_text("street")?,
            hamlet: row.opt_text("hamlet")?,
        },
        attributes: json_from_text(&row.text("attributes")?)?,
        external_ids: json_from_text(&row.text("external_ids")?)?,
        status: status_from_text(&row.text("status")?)?,
        generated: row.flag("generated")?,
        version: row.integer("version")?,
        created_at: time_from_text(&row.text("created_at")?)?,
        updated_at: time_from_text(&row.text("updated_at")?)?,
    })
}

/// An event from a row of `select_history.sql` / `select_events_after.sql`.
pub fn event_from_columns(row: &impl Columns) -> StoreResult<crate::event::Event> {
    Ok(crate::event::Event {
        seq: row.integer("seq")?,
        event: crate::event::NewEvent {
            at: time_from_text(&row.text("at")?)?,
            actor: row.text("actor")?,
            action: action_from_text(&row.text("action")?)?,
            code: code_from_text(&row.text("code")?)?,
            before: opt_json_from_text(row.opt_text("before")?)?,
            after: opt_json_from_text(row.opt_text("after")?)?,
            reason: row.opt_text("reason")?,
        },
    })
}

/// A token from a row of `select_token*.sql` / `insert_token.sql`.
pub fn token_from_columns(row: &impl Columns) -> StoreResult<TokenInfo> {
    token_from_parts(
        row.integer("id")?,
        row.text("name")?,
        &row.text("role")?,
        &row.text("communes")?,
        row.text("created_at")?,
        row.opt_text("revoked_at")?,
    )
}

/// An idempotency record from a row of `select_idempotency.sql`.
pub fn idempotency_from_columns(row: &impl Columns) -> StoreResult<super::IdempotencyRecord> {
    Ok(super::IdempotencyRecord {
        scope: row.text("scope")?,
        key: row.text("key")?,
        fingerprint: row.text("fingerprint")?,
        code: code_from_text(&row.text("code")?)?,
        response: json_from_text(&row.text("response")?)?,
    })
}

/// A street from its stored document (the Feature served).
pub fn street_from_doc(text: &str) -> StoreResult<crate::street::Street> {
    let v: Value = json_from_text(text)?;
    crate::street::Street::from_feature(&v).map_err(StoreError::Corrupt)
}

/// A street's stored document.
pub fn street_to_doc(street: &crate::street::Street) -> String {
    street.feature().to_string()
}

/// A numbering plan from its stored document.
pub fn plan_from_doc(text: &str) -> StoreResult<crate::street::NumberingPlan> {
    json_from_text(text)
}

/// A numbering plan's stored document.
pub fn plan_to_doc(plan: &crate::street::NumberingPlan) -> String {
    serde_json::to_string(plan).unwrap_or_default()
}

/// Decodes a row of `street_events`.
pub fn street_event_from_columns(row: &impl Columns) -> StoreResult<crate::event::StreetEvent> {
    let action = row.text("action")?;
    Ok(crate::event::StreetEvent {
        seq: row.integer("seq")?,
        event: crate::event::NewStreetEvent {
            at: time_from_text(&row.text("at")?)?,
            actor: row.text("actor")?,
            action: crate::event::StreetAction::parse(&action)
                .ok_or_else(|| StoreError::Corrupt(format!("street action {action:?}")))?,
            street_id: row.text("street_id")?,
            plan_id: row.opt_text("plan_id")?,
            before: opt_json_from_text(row.opt_text("before")?)?,
            after: opt_json_from_text(row.opt_text("after")?)?,
            reason: row.opt_text("reason")?,
        },
    })
}

/// Decodes a row of `commune_numbering_rules`.
pub fn rules_from_columns(row: &impl Columns) -> StoreResult<crate::street::CommuneRules> {
    let style = row.text("suffix_style")?;
    Ok(crate::street::CommuneRules {
        commune_code: row.text("commune_code")?,
        suffix_style: json_from_text(&format!("{style:?}"))?,
        reserve_every_m: row.opt_number("reserve_every_m")?,
        updated_by: row.text("updated_by")?,
        updated_at: time_from_text(&row.text("updated_at")?)?,
    })
}

/// The identifier of a suffix style as stored.
pub fn suffix_style_to_text(style: crate::numbering::SuffixStyle) -> &'static str {
    match style {
        crate::numbering::SuffixStyle::Letters => "letters",
        crate::numbering::SuffixStyle::Dash => "dash",
    }
}

/// Decodes a row of `parking_transactions` (`select_transaction.sql`).
pub fn transaction_from_columns(row: &impl Columns) -> StoreResult<crate::parking::Transaction> {
    Ok(crate::parking::Transaction {
        platform: row.text("platform")?,
        transaction_id: row.text("transaction_id")?,
        lot_code: code_from_text(&row.text("lot_code")?)?,
        vehicle: row.text("vehicle")?,
        amount_vnd: u64::try_from(row.integer("amount_vnd")?)
            .map_err(|_| StoreError::Corrupt("negative amount".into()))?,
        paid_at: time_from_text(&row.text("paid_at")?)?,
    })
}

/// Decodes a row of `select_daily_totals.sql`.
pub fn daily_total_from_columns(row: &impl Columns) -> StoreResult<crate::parking::DailyTotal> {
    Ok(crate::parking::DailyTotal {
        lot_code: row.text("lot_code")?,
        day: row.text("day")?,
        vehicle: row.text("vehicle")?,
        transactions: row.integer("transactions")?,
        amount_vnd: row.integer("amount_vnd")?,
    })
}

/// Decodes a row of `resident_snapshots`.
pub fn snapshot_from_columns(row: &impl Columns) -> StoreResult<crate::population::Snapshot> {
    Ok(crate::population::Snapshot {
        id: row.integer("id")?,
        as_of: row.text("as_of")?,
        source: row.text("source")?,
        imported_at: row.text("imported_at")?,
        imported_by: row.text("imported_by")?,
        addresses: row.integer("addresses")?,
        residents: row.integer("residents")?,
        households: row.integer("households")?,
        generated: row.flag("generated")?,
    })
}
