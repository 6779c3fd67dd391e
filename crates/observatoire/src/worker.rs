//! Background jobs of the binary: which jobs it knows, and running them beside the web server
//! (`serve`, `demo`) or alone (`worker`).

use std::future::Future;
use std::sync::Arc;

use anyhow::{Result, anyhow};
use obs_app::{App, Store};
use obs_jobs::housekeeping::{self, Housekeeping};
use obs_jobs::{Config, Registry, Runtime};

/// What every job handler receives: the application (its use cases).
pub(crate) type JobData = Arc<App>;

/// Every job kind this program runs, and its schedules.
pub(crate) fn registry() -> Result<Registry<JobData>> {
    let mut registry = Registry::new();
    housekeeping::register(&mut registry, &Housekeeping::default()).map_err(|e| anyhow!("planification impossible : {e}"))?;
    Ok(registry)
}

/// `observatoire worker`: runs the jobs until Ctrl-C or SIGTERM, then shuts down gracefully.
pub(crate) async fn run_alone(app: Arc<App>, store: Store, workers: u16) -> Result<()> {
    let runtime = Runtime::new(store, registry()?, app).with_config(Config { workers: usize::from(workers), ..Config::default() });
    eprintln!("Tâches de fond : {workers} en parallèle (instance {}). Ctrl-C pour arrêter.", runtime.instance());
    runtime.run(obs_web::shutdown_signal()).await.map_err(|e| anyhow!("{e}"))?;
    eprintln!("Tâches de fond arrêtées.");
    Ok(())
}

/// Runs `server` with `workers` job workers beside it (none when 0). When the server stops
/// (it shuts down gracefully on Ctrl-C or SIGTERM), the workers stop claiming, let running jobs
/// finish within their grace period and release the others.
pub(crate) async fn alongside(app: Arc<App>, store: Store, workers: u16, server: impl Future<Output = Result<()>>) -> Result<()> {
    if workers == 0 {
        return server.await;
    }
    let runtime = Runtime::new(store, registry()?, app).with_config(Config { workers: usize::from(workers), ..Config::default() });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut jobs = tokio::spawn(runtime.run(async move {
        let _ = stopped.await;
    }));
    let outcome = tokio::select! {
        r = server => r,
        ended = &mut jobs => {
            // The runtime only ends by itself when it cannot start: stop the whole process.
            return match ended {
                Ok(Ok(())) => Err(anyhow!("les tâches de fond se sont arrêtées")),
                Ok(Err(e)) => Err(anyhow!("tâches de fond : {e}")),
                Err(e) => Err(anyhow!("tâches de fond interrompues : {e}")),
            };
        }
    };
    let _ = stop.send(());
    match jobs.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "arrêt des tâches de fond"),
        Err(e) => tracing::error!(error = %e, "arrêt des tâches de fond"),
    }
    outcome
}

/// The job queue's figures for `/metrics`, read from the jobs table.
pub(crate) struct JobQueue(pub(crate) Store);

impl obs_web::QueueStats for JobQueue {
    fn snapshot(&self) -> std::pin::Pin<Box<dyn Future<Output = Result<obs_web::QueueSnapshot, String>> + Send + '_>> {
        Box::pin(async move {
            let now = time::OffsetDateTime::now_utc();
            let stats = obs_store::jobs::stats_at(&self.0, now).await.map_err(|e| e.to_string())?;
            Ok(obs_web::QueueSnapshot {
                counts: stats
                    .by_kind
                    .iter()
                    .map(|c| obs_web::QueueCount { kind: c.kind.clone(), state: c.state.as_str().to_string(), count: c.count })
                    .collect(),
                retrying: stats.retrying,
                lag_seconds: stats.oldest_due.map_or(0.0, |due| (now - due).as_seconds_f64().max(0.0)),
            })
        })
    }
}
