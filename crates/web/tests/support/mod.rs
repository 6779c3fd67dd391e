//! The one test-app builder of the web tests: the real router over a throwaway database, on
//! SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set (each test its own database,
//! named after the test and the process id, so parallel runs do not clash).
//!
//! ```ignore
//! mod support;
//! use support::{Backend, TestSite};
//!
//! both!(home_answers, |site| {
//!     assert_eq!(site.get("/").await.status, StatusCode::OK);
//! });
//!
//! // Or by hand, with options:
//! let Some(site) = TestSite::builder(Backend::Sqlite, "nom").empty().state(|s| s.with_queue(q)).build().await else { return };
//! ```

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use obs_app::{App, RuleBook, Store};
use obs_web::AppState;
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A file in a temporary folder.
    Sqlite,
    /// A fresh database on the server of `TEST_DATABASE_URL`.
    Postgres,
}

/// The application and its router, over a database that lives as long as the value.
pub struct TestSite {
    /// The use cases, to compute what the pages should show.
    pub app: Arc<App>,
    /// The real router.
    pub router: Router,
    /// Where the data lives.
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
}

/// Options of a [`TestSite`].
pub struct Builder {
    backend: Backend,
    name: String,
    demo: bool,
    state: Option<Box<dyn FnOnce(AppState) -> AppState>>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestSite {
    /// The demonstration database (three published editions) on `backend`; `None`, with a
    /// loud message, when PostgreSQL is asked for but not configured.
    pub async fn demo(backend: Backend, name: &str) -> Option<TestSite> {
        TestSite::builder(backend, name).build().await
    }

    /// A site with options.
    pub fn builder(backend: Backend, name: &str) -> Builder {
        Builder { backend, name: name.to_string(), demo: true, state: None }
    }

    /// Sends a request and reads the whole answer (20 s at most).
    pub async fn send(&self, req: Request<Body>) -> Answer {
        let uri = req.uri().to_string();
        let resp = tokio::time::timeout(Duration::from_secs(20), self.router.clone().oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("{uri}: no answer within 20 s"))
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer { status, headers, body }
    }

    /// GET `uri`.
    pub async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }
}

impl Builder {
    /// No data at all (a migrated, empty database).
    pub fn empty(mut self) -> Builder {
        self.demo = false;
        self
    }

    /// Changes the web state before the router is built (identification, queue, allow-list…).
    pub fn state(mut self, f: impl FnOnce(AppState) -> AppState + 'static) -> Builder {
        self.state = Some(Box::new(f));
        self
    }

    /// Builds the site; `None` (announced) when PostgreSQL is asked for but not configured.
    pub async fn build(self) -> Option<TestSite> {
        let (store, dir) = match self.backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("site.db").to_string_lossy()).await.unwrap();
                (store, Some(dir))
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
                    eprintln!("!!! PostgreSQL IGNORÉ pour « {} » : TEST_DATABASE_URL n'est pas défini", self.name);
                    return None;
                };
                let n = COUNTER.fetch_add(1, Ordering::SeqCst);
                let short: String = self.name.chars().filter(|c| c.is_ascii_alphanumeric()).take(30).collect();
                let db = format!("obs_web_{short}_{}_{n}", std::process::id()).to_lowercase();
                (Store::throwaway_postgres(&base, &db).await.unwrap(), None)
            }
        };
        let app = App::new(store, RuleBook::embedded());
        if self.demo {
            obs_app::demo::build(&app, &obs_app::demo::DemoData::Embedded, None).await.unwrap();
        }
        let app = Arc::new(app);
        let mut state = AppState::new(app.clone());
        if let Some(f) = self.state {
            state = f(state);
        }
        Some(TestSite { app, router: obs_web::router(state), backend: self.backend, _dir: dir })
    }
}

/// A whole answer.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// A header as text ("" when absent).
    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(&name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Declares one test body run on SQLite and on PostgreSQL: `both!(name, |site| { … })` runs
/// with the demonstration site, `both!(name, empty, |site| { … })` with an empty one.
#[macro_export]
macro_rules! both {
    ($name:ident, |$site:ident| $body:block) => {
        $crate::both!(@make $name, false, |$site| $body);
    };
    ($name:ident, empty, |$site:ident| $body:block) => {
        $crate::both!(@make $name, true, |$site| $body);
    };
    (@make $name:ident, $empty:expr, |$site:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn site(backend: support::Backend) -> Option<support::TestSite> {
                let b = support::TestSite::builder(backend, stringify!($name));
                if $empty { b.empty().build().await } else { b.build().await }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let Some($site) = site(support::Backend::Sqlite).await else { return };
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($site) = site(support::Backend::Postgres).await else { return };
                $body
            }
        }
    };
}
