//! Test support: a fresh, migrated database per test on SQLite and (when `TEST_DATABASE_URL` is
//! set) PostgreSQL, opened as many times as a test needs instances.

#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use obs_jobs::Config;
use obs_store::Store;

pub enum Backend {
    Sqlite,
    Postgres,
}

/// A throwaway database; each [`Db::instance`] is a separate pool, like a separate process.
pub struct Db {
    url: String,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Db {
    pub async fn new(backend: Backend, name: &str) -> Option<Db> {
        let (url, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                (dir.path().join("jobs.db").to_string_lossy().into_owned(), Some(dir))
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
                    eprintln!("!!! PostgreSQL IGNORÉ pour « {name} » : TEST_DATABASE_URL n'est pas défini");
                    return None;
                };
                let n = COUNTER.fetch_add(1, Ordering::SeqCst);
                let db = format!("obs_jobs_{}_{}_{n}", name.chars().filter(|c| c.is_ascii_alphanumeric()).take(30).collect::<String>(), std::process::id());
                (Store::create_postgres_database(&base, &db.to_lowercase()).await.unwrap(), None)
            }
        };
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        Some(Db { url, store, _dir: dir })
    }

    /// Another connection pool on the same database (another instance of the program).
    pub async fn instance(&self) -> Store {
        Store::connect(&self.url).await.unwrap()
    }
}

/// Short intervals, so each scenario takes about a second.
pub fn fast(workers: usize) -> Config {
    Config {
        workers,
        // Long enough that a stalled test machine does not expire a healthy lease; the killed-worker
        // test waits for it once.
        lease: Duration::from_secs(2),
        heartbeat: Duration::from_millis(100),
        poll_interval: Duration::from_millis(10),
        maintenance_interval: Duration::from_millis(20),
        grace: Duration::from_secs(5),
        backoff: obs_jobs::Backoff { base: Duration::from_millis(20), max: Duration::from_secs(1), jitter: 0.0 },
    }
}

/// Polls `check` until it holds, failing the test after `secs` seconds.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Declares one async test body run on both back ends.
#[macro_export]
macro_rules! both {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let Some($db) = support::Db::new(support::Backend::Sqlite, stringify!($name)).await else { return };
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some($db) = support::Db::new(support::Backend::Postgres, stringify!($name)).await else { return };
                $body
            }
        }
    };
}
