//! The store core: every transaction written once, over a small [`Dialect`] that says what
//! really differs between SQLite and PostgreSQL.
//!
//! A transaction here is plain sequential code: open a [`Session`] (a pooled connection or a
//! transaction, named after the operation it serves, so that a database error says in the log
//! which operation failed), run [`Statement`]s with [`Arg`]s, commit. A statement has one text
//! per dialect, each in its own `.sql` file (`src/store/{sqlite,postgres}/sql/NAME.sql`); the
//! [`statement!`] macro embeds both, so a statement missing in one dialect does not compile.
//!
//! What a dialect supplies is small: binding an [`Arg`] (a list becomes a JSON array in SQLite
//! and an SQL array in PostgreSQL), naming the unique constraint an error broke, taking the
//! event log's lock (PostgreSQL's advisory lock; nothing in SQLite, which has one writer), and
//! the bulk paths that have no common form (`COPY` in PostgreSQL, multi-row `INSERT`s in
//! SQLite). We do not use sqlx's `Any` driver: it would give up `COPY`, `LISTEN/NOTIFY`, arrays
//! and the native types.

use std::borrow::Cow;

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::TryStreamExt;
use sqlx::pool::PoolConnection;
use sqlx::{Database, Pool};

use super::codec::Columns;
use super::{StoreError, StoreResult};
use crate::event::{Event, NewEvent};
use crate::place::Place;

/// One SQL statement, with its text for each dialect.
#[derive(Debug)]
pub struct Statement {
    /// The file name without `.sql` (shown in the log when the statement fails).
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// A [`Statement`] from `src/store/{sqlite,postgres}/sql/NAME.sql`.
macro_rules! statement {
    ($name:literal) => {
        &$crate::store::sql::Statement {
            name: $name,
            sqlite: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/store/sqlite/sql/",
                $name,
                ".sql"
            )),
            postgres: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/store/postgres/sql/",
                $name,
                ".sql"
            )),
        }
    };
}
pub(crate) use statement;

/// A value bound to a statement parameter.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    OptText(Option<Cow<'a, str>>),
    Int(i64),
    Float(f64),
    OptFloat(Option<f64>),
    Bool(bool),
    /// A list of texts: an SQL `text[]` in PostgreSQL, a JSON array (for `json_each`) in SQLite.
    TextList(Vec<String>),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(s: Option<&'a str>) -> Self {
        Arg::OptText(s.map(Cow::Borrowed))
    }
}

impl From<Option<String>> for Arg<'_> {
    fn from(s: Option<String>) -> Self {
        Arg::OptText(s.map(Cow::Owned))
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

impl From<f64> for Arg<'_> {
    fn from(x: f64) -> Self {
        Arg::Float(x)
    }
}

impl From<Option<f64>> for Arg<'_> {
    fn from(x: Option<f64>) -> Self {
        Arg::OptFloat(x)
    }
}

impl From<bool> for Arg<'_> {
    fn from(b: bool) -> Self {
        Arg::Bool(b)
    }
}

/// The arguments of a statement, in parameter order: `args![a, b, c]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::store::sql::Arg::from($value)),*]
    };
}
pub(crate) use args;

/// Binds a scalar argument the same way for every driver; a list goes through the dialect's
/// own `list` (a JSON array in SQLite, an SQL array in PostgreSQL).
pub fn bind<'q, DB, L>(
    query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>, arg: Arg<'q>,
    list: fn(Vec<String>) -> L,
) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    Cow<'q, str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<Cow<'q, str>>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<f64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    L: sqlx::Encode<'q, DB> + sqlx::Type<DB> + Send + 'q,
{
    match arg {
        Arg::Text(t) => query.bind(t),
        Arg::OptText(t) => query.bind(t),
        Arg::Int(n) => query.bind(n),
        Arg::Float(x) => query.bind(x),
        Arg::OptFloat(x) => query.bind(x),
        Arg::Bool(b) => query.bind(b),
        Arg::TextList(l) => query.bind(list(l)),
    }
}

/// The statement-running methods of a [`Dialect`] over an sqlx driver, written once: each
/// dialect has its own `query(sql, args)` (binding with [`bind`]), and the driver's types
/// make the rest of the code the same.
macro_rules! sqlx_statements {
    () => {
        fn execute<'a>(
            conn: &'a mut $crate::store::sql::Connection<Self>, sql: &'a str,
            args: Vec<$crate::store::sql::Arg<'a>>,
        ) -> futures_util::future::BoxFuture<'a, sqlx::Result<u64>> {
            Box::pin(async move { Ok(query(sql, args).execute(conn).await?.rows_affected()) })
        }

        fn fetch<'a>(
            conn: &'a mut $crate::store::sql::Connection<Self>, sql: &'a str,
            args: Vec<$crate::store::sql::Arg<'a>>,
        ) -> futures_util::stream::BoxStream<'a, sqlx::Result<Self::Row>> {
            query(sql, args).fetch(conn)
        }

        fn fetch_optional<'a>(
            conn: &'a mut $crate::store::sql::Connection<Self>, sql: &'a str,
            args: Vec<$crate::store::sql::Arg<'a>>,
        ) -> futures_util::future::BoxFuture<'a, sqlx::Result<Option<Self::Row>>> {
            Box::pin(query(sql, args).fetch_optional(conn))
        }
    };
}
pub(crate) use sqlx_statements;

/// The unique constraints whose violation means something to the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// Another place (maybe on another node) holds the code.
    PlaceCode,
    /// A street with this id exists.
    StreetId,
    /// A resident-count snapshot with this as-of date exists.
    SnapshotAsOf,
}

/// What differs between the databases. Everything else is written once in the store core.
#[async_trait]
pub trait Dialect: Send + Sync + 'static {
    type Db: Database;
    /// A result row, read through the shared [`Columns`] decoders.
    type Row: Columns + Send;

    /// `"sqlite"` or `"postgres"`.
    const NAME: &'static str;

    /// This dialect's text of a statement.
    fn text(statement: &Statement) -> &'static str;

    /// Runs a statement; the number of rows it changed. (Written by [`sqlx_statements!`].)
    fn execute<'a>(
        conn: &'a mut Connection<Self>, sql: &'a str, args: Vec<Arg<'a>>,
    ) -> BoxFuture<'a, sqlx::Result<u64>>;
    /// The rows of a statement, one at a time (exports of a million places stay streamed).
    /// A stream must be read to its end: one dropped early can leave the driver's statement
    /// half-run on the connection. (Written by [`sqlx_statements!`].)
    fn fetch<'a>(
        conn: &'a mut Connection<Self>, sql: &'a str, args: Vec<Arg<'a>>,
    ) -> BoxStream<'a, sqlx::Result<Self::Row>>;
    /// The first row of a statement, if any; the driver stops the statement after it.
    /// (Written by [`sqlx_statements!`].)
    fn fetch_optional<'a>(
        conn: &'a mut Connection<Self>, sql: &'a str, args: Vec<Arg<'a>>,
    ) -> BoxFuture<'a, sqlx::Result<Option<Self::Row>>>;

    /// Whether a database error is a unique violation of this constraint.
    fn violates(error: &sqlx::Error, constraint: Constraint) -> bool;

    /// Serialises appends to the event logs until the transaction ends, so that `seq` order
    /// is commit order across processes (PostgreSQL); nothing where the database has one
    /// writer (SQLite).
    async fn lock_event_log(conn: &mut Connection<Self>) -> sqlx::Result<()>;

    /// Inserts many new places in the caller's transaction; `CodeTaken` when a code exists.
    async fn insert_places(conn: &mut Connection<Self>, places: &[Place]) -> StoreResult<()>;
    /// Appends many events in the caller's transaction (after [`Dialect::lock_event_log`]).
    async fn insert_events(conn: &mut Connection<Self>, events: &[NewEvent]) -> sqlx::Result<()>;
    /// Appends events with the sequence numbers they carry, and moves the log's sequence past
    /// the largest.
    async fn restore_events(conn: &mut Connection<Self>, events: &[Event]) -> sqlx::Result<()>;

    /// A stream of wake-ups after each commit that appended events; `None` when the database
    /// cannot push them.
    async fn subscribe(
        pool: &Pool<Self::Db>,
    ) -> sqlx::Result<Option<tokio::sync::mpsc::Receiver<()>>>;
}

/// A dialect's connection type.
pub type Connection<D> = <<D as Dialect>::Db as Database>::Connection;

/// A store over one database, through its dialect.
pub struct SqlStore<D: Dialect> {
    pub(super) pool: Pool<D::Db>,
}

impl<D: Dialect> std::fmt::Debug for SqlStore<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("dialect", &D::NAME)
            .finish()
    }
}

impl<D: Dialect> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
        }
    }
}

impl<D: Dialect> SqlStore<D> {
    /// A session on a pooled connection, for reads and single statements.
    pub(super) async fn read(&self, operation: &'static str) -> StoreResult<Session<D>> {
        let conn = self
            .pool
            .acquire()
            .await
            .map_err(StoreError::during(operation, "connect"))?;
        Ok(Session {
            conn: Conn::Pooled(conn),
            operation,
        })
    }

    /// The row a read answers, if any, decoded (`operation` names it in errors).
    pub(super) async fn read_optional<T>(
        &self, operation: &'static str, statement: &'static Statement, args: Vec<Arg<'_>>,
        decode: impl Fn(&D::Row) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let row = self
            .read(operation)
            .await?
            .optional(statement, args)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// Every row a read answers, decoded (`operation` names it in errors).
    pub(super) async fn read_all<T>(
        &self, operation: &'static str, statement: &'static Statement, args: Vec<Arg<'_>>,
        decode: impl Fn(&D::Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let rows = self.read(operation).await?.all(statement, args).await?;
        rows.iter().map(decode).collect()
    }

    /// A session in a new transaction: nothing is kept unless it is committed.
    pub(super) async fn write(&self, operation: &'static str) -> StoreResult<Session<D>> {
        let tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::during(operation, "begin"))?;
        Ok(Session {
            conn: Conn::Tx(tx),
            operation,
        })
    }
}

enum Conn<D: Dialect> {
    Pooled(PoolConnection<D::Db>),
    Tx(sqlx::Transaction<'static, D::Db>),
}

/// A connection or a transaction serving one operation of the store.
pub struct Session<D: Dialect> {
    conn: Conn<D>,
    operation: &'static str,
}

impl<D: Dialect> Session<D> {
    pub(super) fn conn(&mut self) -> &mut Connection<D> {
        match &mut self.conn {
            Conn::Pooled(c) => c,
            Conn::Tx(t) => t,
        }
    }

    /// The error of this session's operation at `statement`.
    pub(super) fn error(&self, statement: &'static str, source: sqlx::Error) -> StoreError {
        StoreError::Database {
            operation: self.operation,
            statement,
            source,
        }
    }

    /// Runs a statement; the number of rows it changed.
    pub(super) async fn execute(
        &mut self, statement: &'static Statement, args: Vec<Arg<'_>>,
    ) -> StoreResult<u64> {
        D::execute(self.conn(), D::text(statement), args)
            .await
            .map_err(|e| self.error(statement.name, e))
    }

    /// Runs a statement that may break a unique constraint: `Ok(None)` when it broke this one.
    pub(super) async fn execute_unique(
        &mut self, statement: &'static Statement, args: Vec<Arg<'_>>, constraint: Constraint,
    ) -> StoreResult<Option<u64>> {
        match D::execute(self.conn(), D::text(statement), args).await {
            Ok(n) => Ok(Some(n)),
            Err(e) if D::violates(&e, constraint) => Ok(None),
            Err(e) => Err(self.error(statement.name, e)),
        }
    }

    /// A statement answering one row that may break a unique constraint: `Ok(None)` when it
    /// broke this one.
    pub(super) async fn one_unique(
        &mut self, statement: &'static Statement, args: Vec<Arg<'_>>, constraint: Constraint,
    ) -> StoreResult<Option<D::Row>> {
        let fetched = D::fetch_optional(self.conn(), D::text(statement), args).await;
        match fetched {
            Ok(Some(row)) => Ok(Some(row)),
            Ok(None) => Err(self.error(statement.name, sqlx::Error::RowNotFound)),
            Err(e) if D::violates(&e, constraint) => Ok(None),
            Err(e) => Err(self.error(statement.name, e)),
        }
    }

    pub(super) async fn all(
        &mut self, statement: &'static Statement, args: Vec<Arg<'_>>,
    ) -> StoreResult<Vec<D::Row>> {
        let fetched = D::fetch(self.conn(), D::text(statement), args)
            .try_collect()
            .await;
        fetched.map_err(|e| self.error(statement.name, e))
    }

    pub(super) async fn optional(
        &mut self, statement: &'static Statement, args: Vec<Arg<'_>>,
    ) -> StoreResult<Option<D::Row>> {
        let fetched = D::fetch_optional(self.conn(), D::text(statement), args).await;
        fetched.map_err(|e| self.error(statement.name, e))
    }

    /// A statement that answers exactly one row.
    pub(super) async fn one(
        &mut self, statement: &'static Statement, args: Vec<Arg<'_>>,
    ) -> StoreResult<D::Row> {
        self.optional(statement, args)
            .await?
            .ok_or_else(|| self.error(statement.name, sqlx::Error::RowNotFound))
    }

    /// Takes the event logs' lock (see [`Dialect::lock_event_log`]).
    pub(super) async fn lock_event_log(&mut self) -> StoreResult<()> {
        D::lock_event_log(self.conn())
            .await
            .map_err(|e| self.error("lock_event_log", e))
    }

    /// Closes the connection instead of returning it to the pool (after a stream was left
    /// unfinished); a transaction is rolled back.
    pub(super) fn discard(&mut self) {
        if let Conn::Pooled(c) = &mut self.conn {
            c.close_on_drop();
        }
    }

    /// Commits the transaction (a pooled session has nothing to commit).
    pub(super) async fn commit(self) -> StoreResult<()> {
        match self.conn {
            Conn::Tx(tx) => tx
                .commit()
                .await
                .map_err(StoreError::during(self.operation, "commit")),
            Conn::Pooled(_) => Ok(()),
        }
    }
}

#[async_trait]
impl<D: Dialect> super::Store for SqlStore<D> {
    fn backend(&self) -> &'static str {
        D::NAME
    }

    async fn subscribe(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<()>>> {
        D::subscribe(&self.pool)
            .await
            .map_err(StoreError::during("subscribe", "listen"))
    }

    async fn counts(&self) -> StoreResult<super::Counts> {
        let mut s = self.read("counts").await?;
        let row = s.one(statement!("counts"), vec![]).await?;
        Ok(super::Counts {
            communes: row.integer("communes")?,
            places: row.integer("places")?,
            events: row.integer("events")?,
            tokens: row.integer("tokens")?,
        })
    }
}
