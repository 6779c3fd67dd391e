//! Test support: a fresh database per test, on SQLite and (when `TEST_DATABASE_URL` is set) on
//! PostgreSQL, so the same test body runs on both back ends, in parallel.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use obs_app::{Actor, App, RuleBook, Store};

pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub app: App,
    /// The same database, for tests that bypass the application on purpose.
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A migrated, empty store; `None` (with a loud message) when PostgreSQL is not configured.
pub async fn store(backend: Backend, name: &str) -> Option<(Store, Option<tempfile::TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::connect(&dir.path().join("t.db").to_string_lossy()).await.unwrap();
            store.migrate().await.unwrap();
            Some((store, Some(dir)))
        }
        Backend::Postgres => {
            let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
                eprintln!("!!! PostgreSQL IGNORÉ pour « {name} » : TEST_DATABASE_URL n'est pas défini");
                return None;
            };
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let db = format!("obs_t_{}_{}_{}", name.chars().filter(|c| c.is_ascii_alphanumeric()).take(30).collect::<String>(), std::process::id(), n);
            Some((Store::throwaway_postgres(&base, &db.to_lowercase()).await.unwrap(), None))
        }
    }
}

pub async fn app(backend: Backend, name: &str) -> Option<TestDb> {
    app_with_rules(backend, name, RuleBook::embedded()).await
}

pub async fn app_with_rules(backend: Backend, name: &str, rules: RuleBook) -> Option<TestDb> {
    let (store, dir) = store(backend, name).await?;
    Some(TestDb { app: App::new(store.clone(), rules), store, _dir: dir })
}

pub fn op() -> Actor {
    Actor::Operator("test".into())
}

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// Declares one async test body run on both back ends.
#[macro_export]
macro_rules! both {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let Some($db) = support::app(support::Backend::Sqlite, stringify!($name)).await else { return };
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = support::app(support::Backend::Postgres, stringify!($name)).await else { return };
                $body
            }
        }
    };
}

/// Copies a directory tree (to corrupt a copy of real data safely).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
