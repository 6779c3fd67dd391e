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
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

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

/// Current UTC time as an RFC 3339 string (how instants are stored).
pub fn now_utc() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
