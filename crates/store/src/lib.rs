//! The only place with SQL: migrations, queries and transactions, on SQLite or PostgreSQL.
//!
//! [`Store`] wraps either an SQLite pool (the embedded default: one file, WAL) or a PostgreSQL
//! pool, chosen from the URL scheme ([`Store::connect`]). Every query is written once, with `$N`
//! placeholders that both drivers accept, and compiled against both native drivers through the
//! `with_conn!` macro, so the two back ends cannot drift apart. Reads go through [`Store::conn`],
//! writes through a [`Tx`] that commits or rolls back as a whole.
//!
//! One module per entity: [`orgs`], [`demarches`], [`editions`], [`measurements`],
//! [`revisions`], [`audit`]; accounts: [`accounts`], [`sessions`], [`api_keys`]; and the
//! background job queue [`jobs`].
//!
//! It deliberately knows no rule: it stores raw values and frozen revisions, and never decides a
//! level (the caller passes level keys it computed with `obs-domain`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use obs_domain::record::parse_day;
use obs_domain::{DayRange, Instant, RawValue};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use time::Date;

/// Runs `$body` with `$c` bound to the native connection and `$DB` to the database type.
macro_rules! with_conn {
    ($conn:expr, $c:ident, $DB:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => {
                #[allow(dead_code)]
                type $DB = sqlx::Sqlite;
                $body
            }
            $crate::Conn::Postgres($c) => {
                #[allow(dead_code)]
                type $DB = sqlx::Postgres;
                $body
            }
        }
    };
}

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod demarches;
pub mod editions;
pub mod jobs;
mod error;
pub mod measurements;
pub mod orgs;
pub mod revisions;
pub mod sessions;

pub use error::StoreError;

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// What [`Store::prepare`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepared {
    /// The database was empty: the whole schema was created.
    Created,
    /// The schema already matched this binary.
    Ready,
}

/// The connection pool's figures, for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections (busy or idle).
    pub size: u32,
    /// Open connections waiting for work.
    pub idle: usize,
}

/// A connection to the observatory's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
}

/// A borrowed native connection (from the pool or inside a transaction).
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut PgConnection),
}

/// Anything that lends a native connection: a pooled [`Handle`] or a [`Tx`].
pub trait Lend {
    /// The native connection.
    fn conn(&mut self) -> Conn<'_>;
}

impl Lend for Handle {
    fn conn(&mut self) -> Conn<'_> {
        Handle::conn(self)
    }
}

impl Lend for Tx {
    fn conn(&mut self) -> Conn<'_> {
        Tx::conn(self)
    }
}

/// A pooled connection for reads.
pub enum Handle {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

impl Handle {
    /// The native connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Handle::Sqlite(c) => Conn::Sqlite(c),
            Handle::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A transaction: everything written through it commits together or not at all.
pub enum Tx {
    /// SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// The native connection inside the transaction.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Commits.
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens a database from a URL: `postgres://…` selects PostgreSQL; `sqlite:PATH`,
    /// `sqlite://PATH` or a bare path selects an SQLite file (created if missing).
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            return Ok(Store { pool: Pool::Postgres(pool) });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Store { pool: Pool::Sqlite(pool) })
    }

    /// Which engine this store uses.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Opens a database ready for this binary: [`Store::connect`], then [`Store::prepare`].
    /// What every command but `migrate` uses.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.prepare().await?;
        Ok(store)
    }

    /// Creates the schema of a brand-new database (no table at all: a new SQLite file or an
    /// empty PostgreSQL database), and otherwise checks that the schema matches this binary.
    ///
    /// An older schema that holds data is never migrated implicitly: upgrading production data
    /// is a deliberate act (`observatoire migrate`, after a backup), while an empty database has
    /// nothing to lose.
    pub async fn prepare(&self) -> Result<Prepared> {
        if self.is_empty().await? {
            self.migrate().await?;
            return Ok(Prepared::Created);
        }
        self.check_schema().await?;
        Ok(Prepared::Ready)
    }

    /// Whether the database has no table at all (not even the migrations' bookkeeping).
    async fn is_empty(&self) -> Result<bool> {
        let mut h = self.conn().await?;
        let tables: i64 = match h.conn() {
            Conn::Sqlite(c) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .fetch_one(&mut *c)
                    .await?
            }
            Conn::Postgres(c) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()")
                    .fetch_one(&mut *c)
                    .await?
            }
        };
        Ok(tables == 0)
    }

    /// Refuses a schema older (or newer) than this binary: the server must not run on it.
    pub async fn check_schema(&self) -> Result<()> {
        let migrator = match self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        let expected = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let mut h = self.conn().await?;
        let applied: Option<i64> = with_conn!(h.conn(), c, _DB => {
            let exists: bool = match self.backend() {
                Backend::Sqlite => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_master WHERE name = '_sqlx_migrations'").fetch_one(&mut *c).await? > 0,
                Backend::Postgres => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()").fetch_one(&mut *c).await? > 0,
            };
            if exists {
                sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success").fetch_one(&mut *c).await?
            } else {
                None
            }
        });
        let applied = applied.unwrap_or(0);
        if applied != expected {
            return Err(StoreError::SchemaMismatch { applied, expected });
        }
        Ok(())
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<Handle> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Handle::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Handle::Postgres(p.acquire().await?),
        })
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// The pool's open and idle connections.
    pub fn pool_stats(&self) -> PoolStats {
        match &self.pool {
            Pool::Sqlite(p) => PoolStats { size: p.size(), idle: p.num_idle() },
            Pool::Postgres(p) => PoolStats { size: p.size(), idle: p.num_idle() },
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// The list of (table, column) of the schema, sorted, to compare the two back ends.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let mut h = self.conn().await?;
        let mut cols: Vec<(String, String)> = match h.conn() {
            Conn::Sqlite(c) => sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
            )
            .fetch_all(&mut *c)
            .await?,
            Conn::Postgres(c) => sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(&mut *c)
            .await?,
        };
        cols.sort();
        Ok(cols)
    }

    /// Creates a fresh, empty PostgreSQL database (no schema) next to `base_url`, dropping any
    /// previous one of that name, and returns its URL. For tests and benchmarks.
    pub async fn create_postgres_database(base_url: &str, name: &str) -> Result<String> {
        let admin = PgPoolOptions::new().max_connections(1).connect(base_url).await?;
        let safe: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>().to_lowercase();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {safe} WITH (FORCE)"))).execute(&admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {safe}"))).execute(&admin).await?;
        admin.close().await;
        let opts = PgConnectOptions::from_str(base_url)?;
        let host = opts.get_host();
        let port = opts.get_port();
        let user = opts.get_username();
        Ok(format!("postgres://{user}@{host}:{port}/{safe}"))
    }

    /// A migrated store on a fresh PostgreSQL database next to `base_url` (tests, benchmarks).
    pub async fn throwaway_postgres(base_url: &str, name: &str) -> Result<Store> {
        let url = Store::create_postgres_database(base_url, name).await?;
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(store)
    }
}

/// Current UTC instant, to the second (how instants are stamped).
pub fn now_utc() -> Instant {
    Instant::now()
}

/// Parses a stored RFC 3339 instant.
pub(crate) fn instant(s: &str) -> Result<Instant> {
    Instant::parse(s).ok_or_else(|| StoreError::Corrupt(format!("instant « {s} »")))
}

/// Parses a stored ISO day.
pub(crate) fn day(s: &str) -> Result<Date> {
    parse_day(s).ok_or_else(|| StoreError::Corrupt(format!("date « {s} »")))
}

/// Parses an optional stored ISO day.
pub(crate) fn opt_day(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(day).transpose()
}

/// Parses a stored inclusive window of days (both ends or neither).
pub(crate) fn window(from: Option<String>, to: Option<String>) -> Result<Option<DayRange>> {
    match (from, to) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => {
            let (a, b) = (day(&a)?, day(&b)?);
            DayRange::new(a, b).map(Some).ok_or_else(|| StoreError::Corrupt(format!("période du {a} au {b}")))
        }
        (a, b) => Err(StoreError::Corrupt(format!("période incomplète ({a:?}, {b:?})"))),
    }
}

/// The two columns of a stored window.
pub(crate) fn window_columns(w: Option<DayRange>) -> (Option<String>, Option<String>) {
    w.map(|w| (w.from.to_string(), w.to.to_string())).unzip()
}

/// Rebuilds a raw value from its three stored columns (number + sample size, or label).
pub(crate) fn raw_value(num: Option<f64>, text: Option<String>, count: Option<i64>) -> Result<RawValue> {
    match (num, text) {
        (Some(value), None) => {
            let count = count.map(|c| u64::try_from(c).map_err(|_| StoreError::Corrupt(format!("effectif {c}")))).transpose()?;
            Ok(RawValue::Number { value, count })
        }
        (None, Some(t)) if count.is_none() => Ok(RawValue::Text(t)),
        (num, text) => Err(StoreError::Corrupt(format!("valeur brute ({num:?}, {text:?}, {count:?})"))),
    }
}

/// The three stored columns of a raw value: number, label, sample size.
pub(crate) fn raw_columns(v: &RawValue) -> (Option<f64>, Option<String>, Option<i64>) {
    match v {
        RawValue::Number { value, count } => (Some(*value), None, count.map(|c| i64::try_from(c).unwrap_or(i64::MAX))),
        RawValue::Text(t) => (None, Some(t.clone()), None),
    }
}

/// Audiences are stored in one column, `|`-separated; this is the only place that knows it.
pub(crate) fn audiences(joined: &str) -> Vec<String> {
    joined.split('|').filter(|a| !a.is_empty()).map(str::to_string).collect()
}

/// The stored form of a list of audiences.
pub(crate) fn audiences_column(list: &[String]) -> String {
    list.iter().filter(|a| !a.is_empty()).map(String::as_str).collect::<Vec<_>>().join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_round_trip_through_their_columns() {
        for v in [RawValue::counted(7.96, 250), RawValue::number(99.5), RawValue::text("FranceConnect +")] {
            let (n, t, c) = raw_columns(&v);
            assert_eq!(raw_value(n, t, c).unwrap(), v);
        }
        // A row with both or neither column, or a label with a sample size, is not a raw value.
        assert!(matches!(raw_value(None, None, None), Err(StoreError::Corrupt(_))));
        assert!(matches!(raw_value(Some(1.0), Some("Oui".into()), None), Err(StoreError::Corrupt(_))));
        assert!(matches!(raw_value(None, Some("Oui".into()), Some(3)), Err(StoreError::Corrupt(_))));
        assert!(matches!(raw_value(Some(1.0), None, Some(-1)), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn windows_and_days_are_parsed_once_and_strictly() {
        let w = window(Some("2025-01-01".into()), Some("2025-12-31".into())).unwrap().unwrap();
        assert_eq!(window_columns(Some(w)), (Some("2025-01-01".into()), Some("2025-12-31".into())));
        assert_eq!(window(None, None).unwrap(), None);
        assert!(window(Some("2025-01-01".into()), None).is_err(), "half a window");
        assert!(window(Some("2025-12-31".into()), Some("2025-01-01".into())).is_err(), "reversed");
        assert!(day("31/12/2025").is_err());
        assert_eq!(instant("2026-10-01T08:30:00Z").unwrap().to_string(), "2026-10-01T08:30:00Z");
        assert!(instant("hier").is_err());
    }

    #[test]
    fn audiences_are_a_list_above_the_store() {
        let list = vec!["Particuliers".to_string(), "Professionnels".to_string()];
        assert_eq!(audiences(&audiences_column(&list)), list);
        assert!(audiences("").is_empty());
        assert_eq!(audiences("|Particuliers||"), vec!["Particuliers".to_string()]);
    }
}
