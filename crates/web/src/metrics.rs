//! Prometheus metrics at `/metrics`: requests by route, the database pool and the job queue.
//!
//! Request counts and durations are recorded by the request layer (`request_log.rs`) under the
//! route's template (`/editions/{slug}`), never the raw path, so the number of series stays
//! bounded and no identifier or query string leaks. The pool and the queue are read when the
//! endpoint is scraped. The queue is reached through [`QueueStats`], which the program wires to
//! the jobs runtime; without it, the queue metrics are absent.
//!
//! The endpoint answers only peers in the allow-list (`OBSERVATOIRE_METRICS_ALLOW`, loopback by
//! default), judged on the TCP peer address; everybody else gets the ordinary 404 page.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::actor::BoxFuture;
use crate::cidr::AllowList;
use crate::error::PageError;
use crate::state::AppState;

/// The job queue as seen by monitoring.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueSnapshot {
    /// Jobs by kind and state (`queued`, `running`, `dead`…).
    pub counts: Vec<QueueCount>,
    /// Queued jobs that already failed at least once (waiting for a retry).
    pub retrying: i64,
    /// How long the oldest due job has been waiting, in seconds (0 when none is late).
    pub lag_seconds: f64,
}

/// How many jobs of one kind are in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCount {
    /// Kind of job.
    pub kind: String,
    /// State name.
    pub state: String,
    /// Count.
    pub count: i64,
}

/// Reads the job queue's figures when `/metrics` is scraped (implemented over the jobs table
/// by the program; tests use a fake).
pub trait QueueStats: Send + Sync + 'static {
    /// The current figures, or a message explaining why they could not be read.
    fn snapshot(&self) -> BoxFuture<'_, Result<QueueSnapshot, String>>;
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    state: String,
}

fn duration_histogram() -> Histogram {
    // 1 ms to ~4 s.
    Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0])
}

/// Every metric of the server, in one registry owned by the router's state (not a global, so
/// two routers in one process, as in tests, count separately).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pool_size: Gauge,
    pool_idle: Gauge,
    jobs: Family<JobLabels, Gauge>,
    jobs_retrying: Gauge,
    jobs_lag: Gauge<f64, AtomicU64>,
    jobs_up: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// An empty registry with every metric declared.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("observatoire");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(duration_histogram);
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        let jobs = Family::<JobLabels, Gauge>::default();
        let jobs_retrying = Gauge::default();
        let jobs_lag = Gauge::<f64, AtomicU64>::default();
        let jobs_up = Gauge::default();
        registry.register("http_requests", "Requêtes HTTP par route, méthode et statut", requests.clone());
        registry.register("http_request_duration_seconds", "Durée des requêtes HTTP par route", durations.clone());
        registry.register("db_pool_connections", "Connexions ouvertes du pool de la base", pool_size.clone());
        registry.register("db_pool_idle_connections", "Connexions inactives du pool de la base", pool_idle.clone());
        registry.register("jobs", "Tâches de fond par type et par état", jobs.clone());
        registry.register("jobs_retrying", "Tâches en attente d'un nouvel essai après un échec", jobs_retrying.clone());
        registry.register("jobs_lag_seconds", "Retard de la plus ancienne tâche due, en secondes", jobs_lag.clone());
        registry.register("jobs_stats_up", "1 si les chiffres des tâches ont pu être lus", jobs_up.clone());
        Metrics { registry, requests, durations, pool_size, pool_idle, jobs, jobs_retrying, jobs_lag, jobs_up }
    }

    /// Counts one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let (method, route) = (method.to_string(), route.to_string());
        self.durations.get_or_create(&RouteLabels { method: method.clone(), route: route.clone() }).observe(elapsed.as_secs_f64());
        self.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    }

    /// The OpenMetrics text, with the pool and queue figures read now.
    fn render(&self, pool: obs_app::PoolStats, queue: Option<Result<QueueSnapshot, String>>) -> String {
        self.pool_size.set(i64::from(pool.size));
        self.pool_idle.set(i64::try_from(pool.idle).unwrap_or(i64::MAX));
        self.jobs.clear();
        match queue {
            Some(Ok(q)) => {
                for c in &q.counts {
                    self.jobs.get_or_create(&JobLabels { kind: c.kind.clone(), state: c.state.clone() }).set(c.count);
                }
                self.jobs_retrying.set(q.retrying);
                self.jobs_lag.set(q.lag_seconds);
                self.jobs_up.set(1);
            }
            Some(Err(e)) => {
                tracing::warn!(error = %e, "statistiques des tâches illisibles");
                self.jobs_up.set(0);
            }
            None => {
                self.jobs_up.set(0);
            }
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "encodage des métriques impossible");
        }
        out
    }
}

/// Serves `/metrics`.
pub async fn export(State(s): State<AppState>) -> Response {
    let queue = match &s.queue {
        Some(q) => Some(q.snapshot().await),
        None => None,
    };
    let body = s.metrics.render(s.app.pool_stats(), queue);
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Route layer of `/metrics`: only peers of the allow-list get through; the others (and a
/// request without a known peer) get the ordinary 404 page, which reveals nothing.
pub async fn only_allowed_peers(State(allow): State<Arc<AllowList>>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match peer {
        Some(ip) if allow.allows(ip) => next.run(req).await,
        _ => PageError::not_found("cette page n'existe pas").into_response(),
    }
}
