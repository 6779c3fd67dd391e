//! The workers: claim due jobs, run them under a renewed lease, record the outcome; and one
//! maintenance loop per instance that fires due schedules and takes back expired leases.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use obs_store::jobs::{self, AfterFailure, Claimed, Lease};
use obs_store::{Store, StoreError};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::backoff::Backoff;
use crate::clock::{Clock, SystemClock};
use crate::job::JobError;
use crate::registry::{JobContext, Registry};

/// How the workers of one instance behave.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Jobs run at the same time by this instance.
    pub workers: usize,
    /// How long a claimed job is reserved for its worker without news from it.
    pub lease: Duration,
    /// How often a running job's lease is renewed (well under `lease`).
    pub heartbeat: Duration,
    /// Pause of an idle worker before it looks for work again.
    pub poll_interval: Duration,
    /// How often schedules and expired leases are checked.
    pub maintenance_interval: Duration,
    /// How long running jobs may take to finish after shutdown is asked; then they are released
    /// (queued again, the attempt not counted).
    pub grace: Duration,
    /// Delay before a failed job's next attempt.
    pub backoff: Backoff,
}

impl Config {
    /// Refuses combinations that cannot work: a lease must be renewed before it ends.
    pub fn validate(&self) -> Result<(), RuntimeError> {
        if self.heartbeat.is_zero() || self.heartbeat >= self.lease {
            return Err(RuntimeError::Config("heartbeat doit être non nul et plus court que lease"));
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            workers: 2,
            lease: Duration::from_secs(60),
            heartbeat: Duration::from_secs(20),
            poll_interval: Duration::from_secs(1),
            maintenance_interval: Duration::from_secs(5),
            grace: Duration::from_secs(30),
            backoff: Backoff::default(),
        }
    }
}

/// Why the runtime could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// A schedule names a kind no handler runs.
    #[error("la planification « {name} » produit des tâches « {kind} » que rien ne traite")]
    OrphanSchedule {
        /// Schedule name.
        name: String,
        /// Its kind.
        kind: &'static str,
    },
    /// The configuration cannot work.
    #[error("configuration des tâches de fond invalide : {0}")]
    Config(&'static str),
    /// The database refused the start (schedules could not be declared).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The jobs runtime of one instance. Build it, then [`Runtime::run`] it until shutdown.
pub struct Runtime<C>(Shared<C>);

/// What the workers and the maintenance loop of one instance share.
struct Shared<C> {
    store: Store,
    registry: Arc<Registry<C>>,
    data: C,
    config: Config,
    clock: Arc<dyn Clock>,
    instance: String,
}

/// Aborts the task when dropped: when the runtime itself is dropped (or killed in a test), no
/// handler keeps running without its worker.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A name for this process among the instances sharing the database.
fn default_instance() -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "local".into());
    format!("{host}-{}-{:04x}", std::process::id(), fastrand::u16(..))
}

impl<C: Clone + Send + Sync + 'static> Runtime<C> {
    /// A runtime over `store` running the jobs of `registry`; handlers receive `data`.
    pub fn new(store: Store, registry: Registry<C>, data: C) -> Runtime<C> {
        Runtime(Shared {
            store,
            registry: Arc::new(registry),
            data,
            config: Config::default(),
            clock: Arc::new(SystemClock),
            instance: default_instance(),
        })
    }

    /// Replaces the configuration.
    pub fn with_config(mut self, config: Config) -> Runtime<C> {
        self.0.config = config;
        self
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Runtime<C> {
        self.0.clock = clock;
        self
    }

    /// Names this instance (its workers' lease owners are `NAME/1`, `NAME/2`…).
    pub fn with_instance(mut self, name: impl Into<String>) -> Runtime<C> {
        self.0.instance = name.into();
        self
    }

    /// This instance's name.
    pub fn instance(&self) -> &str {
        &self.0.instance
    }

    /// Declares the schedules, then runs the workers and the maintenance loop until `shutdown`
    /// completes; then stops claiming, lets running jobs finish within the grace period and
    /// releases the others. With zero workers, only declares the schedules and waits.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), RuntimeError> {
        let shared = self.0;
        shared.config.validate()?;
        if let Some(s) = shared.registry.orphan_schedules().first() {
            return Err(RuntimeError::OrphanSchedule { name: s.name.clone(), kind: s.kind });
        }
        let now = shared.clock.now();
        {
            let mut h = shared.store.conn().await?;
            for s in shared.registry.schedules() {
                let spec = s.recurrence.describe();
                let def = jobs::ScheduleDef { name: &s.name, kind: s.kind, payload: &s.payload, spec: &spec, max_attempts: s.max_attempts };
                jobs::declare_schedule(h.conn(), &def, s.recurrence.next_after(now)).await?;
            }
        }
        let shared = Arc::new(shared);
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut tasks = JoinSet::new();
        if shared.config.workers > 0 {
            tasks.spawn(maintenance_loop(Arc::clone(&shared), stop_rx.clone()));
        }
        for n in 1..=shared.config.workers {
            tasks.spawn(worker_loop(Arc::clone(&shared), n, stop_rx.clone()));
        }
        tracing::info!(instance = %shared.instance, workers = shared.config.workers, "tâches de fond démarrées");
        tokio::pin!(shutdown);
        tokio::select! {
            () = &mut shutdown => {}
            Some(ended) = tasks.join_next() => {
                tracing::error!(?ended, "une boucle de tâches s'est arrêtée d'elle-même : arrêt des tâches de fond");
            }
        }
        let _ = stop_tx.send(true);
        while let Some(ended) = tasks.join_next().await {
            if let Err(e) = ended {
                tracing::error!(error = %e, "boucle de tâches interrompue");
            }
        }
        tracing::info!(instance = %shared.instance, "tâches de fond arrêtées");
        Ok(())
    }
}

/// Waits until `stop` turns true (or its sender is gone); returns at once if it already is.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn worker_loop<C: Clone + Send + Sync + 'static>(shared: Arc<Shared<C>>, n: usize, mut stop: watch::Receiver<bool>) {
    let owner = format!("{}/{n}", shared.instance);
    let kinds = shared.registry.kinds();
    while !*stop.borrow() {
        let claimed = {
            let now = shared.clock.now();
            match shared.store.conn().await {
                Ok(mut h) => jobs::claim(h.conn(), &owner, &kinds, shared.config.lease, 1, now).await,
                Err(e) => Err(e),
            }
        };
        match claimed {
            Ok(mut got) if !got.is_empty() => {
                // Busy: look for the next job at once.
                run_job(&shared, got.remove(0), &mut stop).await;
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(worker = %owner, error = %e, "recherche de tâches impossible"),
        }
        tokio::select! {
            () = tokio::time::sleep(shared.config.poll_interval) => {}
            () = stopped(&mut stop) => {}
        }
    }
}

async fn run_job<C: Clone + Send + Sync + 'static>(shared: &Shared<C>, job: Claimed, stop: &mut watch::Receiver<bool>) {
    let lease = job.lease.clone();
    tracing::debug!(job = lease.id, kind = %job.kind, attempt = lease.attempt, owner = %lease.owner, "tâche commencée");
    let ctx = JobContext::new(shared.data.clone(), shared.store.clone(), Arc::clone(&shared.clock), lease.id, lease.attempt);
    let fut = match shared.registry.start(&job.kind, ctx, &job.payload) {
        Ok(fut) => fut,
        Err(e) => return finish(shared, &job, Err(e)).await,
    };
    let mut handle = AbortOnDrop(tokio::spawn(fut));
    let beat_every = shared.config.heartbeat;
    let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + beat_every, beat_every);
    let mut deadline: Option<tokio::time::Instant> = None;
    loop {
        let far = tokio::time::Instant::now() + Duration::from_secs(86_400);
        tokio::select! {
            ended = &mut handle.0 => {
                let outcome = match ended {
                    Ok(result) => result,
                    Err(e) if e.is_panic() => Err(JobError::retry("le traitement de la tâche a paniqué")),
                    Err(_) => Err(JobError::retry("le traitement de la tâche a été interrompu")),
                };
                return finish(shared, &job, outcome).await;
            }
            _ = beat.tick() => {
                let until = shared.clock.now() + shared.config.lease;
                let renewed = match shared.store.conn().await {
                    Ok(mut h) => jobs::heartbeat(h.conn(), &lease, until).await,
                    Err(e) => Err(e),
                };
                match renewed {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job = lease.id, owner = %lease.owner, "bail perdu (expiré ou tâche annulée) : traitement abandonné");
                        return;
                    }
                    Err(e) => tracing::warn!(job = lease.id, error = %e, "renouvellement du bail impossible"),
                }
            }
            () = stopped(stop), if deadline.is_none() => {
                deadline = Some(tokio::time::Instant::now() + shared.config.grace);
            }
            () = tokio::time::sleep_until(deadline.unwrap_or(far)), if deadline.is_some() => {
                handle.0.abort();
                let released = match shared.store.conn().await {
                    Ok(mut h) => jobs::release(h.conn(), &lease, shared.clock.now()).await,
                    Err(e) => Err(e),
                };
                match released {
                    Ok(_) => tracing::info!(job = lease.id, kind = %job.kind, "arrêt : tâche rendue à la file, elle sera reprise"),
                    Err(e) => tracing::warn!(job = lease.id, error = %e, "arrêt : tâche non rendue, elle sera reprise à l'expiration de son bail"),
                }
                return;
            }
        }
    }
}

/// Records the outcome of an attempt: done, retried after a backoff, or dead.
async fn finish<C>(shared: &Shared<C>, job: &Claimed, outcome: Result<(), JobError>) {
    let lease: &Lease = &job.lease;
    let now = shared.clock.now();
    let mut h = match shared.store.conn().await {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(job = lease.id, error = %e, "issue de la tâche non enregistrée : elle sera reprise à l'expiration de son bail");
            return;
        }
    };
    let written = match &outcome {
        Ok(()) => jobs::complete(h.conn(), lease, now).await,
        Err(e) => {
            let after = match e {
                JobError::Retry(_) if lease.attempt < job.max_attempts => {
                    AfterFailure::RetryAt(now + shared.config.backoff.delay(lease.attempt))
                }
                _ => AfterFailure::Dead,
            };
            match after {
                AfterFailure::Dead => tracing::error!(job = lease.id, kind = %job.kind, attempt = lease.attempt, error = %e, "tâche abandonnée"),
                AfterFailure::RetryAt(at) => tracing::warn!(job = lease.id, kind = %job.kind, attempt = lease.attempt, error = %e, retry_at = %at, "tâche en échec, nouvel essai prévu"),
            }
            jobs::fail(h.conn(), lease, &e.to_string(), after, now).await
        }
    };
    match written {
        Ok(true) => tracing::debug!(job = lease.id, ok = outcome.is_ok(), "tâche finie"),
        Ok(false) => tracing::warn!(job = lease.id, "bail perdu avant la fin : issue ignorée, la tâche a été reprise ailleurs ou annulée"),
        Err(e) => tracing::warn!(job = lease.id, error = %e, "issue de la tâche non enregistrée : elle sera reprise à l'expiration de son bail"),
    }
}

async fn maintenance_loop<C: Clone + Send + Sync + 'static>(shared: Arc<Shared<C>>, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        if let Err(e) = maintain(&shared).await {
            tracing::warn!(error = %e, "planifications ou baux non vérifiés");
        }
        tokio::select! {
            () = tokio::time::sleep(shared.config.maintenance_interval) => {}
            () = stopped(&mut stop) => {}
        }
    }
}

/// One maintenance pass: takes back expired leases, then fires every due schedule once.
async fn maintain<C>(shared: &Shared<C>) -> Result<(), StoreError> {
    let now = shared.clock.now();
    let names: Vec<&str> = shared.registry.schedules().iter().map(|s| s.name.as_str()).collect();
    let due = {
        let mut h = shared.store.conn().await?;
        let reaped = jobs::reap_expired(h.conn(), now).await?;
        if reaped > 0 {
            tracing::warn!(count = reaped, "tâches reprises après expiration de leur bail");
        }
        jobs::due_schedules(h.conn(), &names, now).await?
    };
    for s in due {
        let Some(entry) = shared.registry.schedules().iter().find(|e| e.name == s.name) else { continue };
        let next = entry.recurrence.next_after(s.next_run_at.max(now));
        if let Some(id) = jobs::fire(&shared.store, &s, next, now).await? {
            tracing::debug!(schedule = %s.name, job = id, due = %s.next_run_at, "occurrence planifiée mise en file");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_must_outlive_its_heartbeat() {
        assert!(Config::default().validate().is_ok());
        let bad = Config { heartbeat: Duration::from_secs(60), lease: Duration::from_secs(60), ..Config::default() };
        assert!(matches!(bad.validate(), Err(RuntimeError::Config(m)) if m.contains("heartbeat")));
        let zero = Config { heartbeat: Duration::ZERO, ..Config::default() };
        assert!(zero.validate().is_err());
    }
}
