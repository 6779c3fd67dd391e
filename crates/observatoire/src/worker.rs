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

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what service managers send).
async fn terminate_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Resolves on SIGTERM (Unix); never elsewhere. The web server handles Ctrl-C itself, gracefully.
async fn sigterm() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        term.recv().await;
        return;
    }
    std::future::pending::<()>().await
}

/// `observatoire worker`: runs the jobs until Ctrl-C or SIGTERM, then shuts down gracefully.
pub(crate) async fn run_alone(app: Arc<App>, store: Store, workers: u16) -> Result<()> {
    let runtime = Runtime::new(store, registry()?, app).with_config(Config { workers: usize::from(workers), ..Config::default() });
    eprintln!("Tâches de fond : {workers} en parallèle (instance {}). Ctrl-C pour arrêter.", runtime.instance());
    runtime.run(terminate_signal()).await.map_err(|e| anyhow!("{e}"))?;
    eprintln!("Tâches de fond arrêtées.");
    Ok(())
}

/// Runs `server` with `workers` job workers beside it (none when 0). When the server stops
/// (it handles Ctrl-C gracefully) or SIGTERM arrives (the server is then dropped), the workers
/// stop claiming, let running jobs finish within their grace period and release the others.
pub(crate) async fn alongside(app: Arc<App>, store: Store, workers: u16, server: impl Future<Output = Result<()>>) -> Result<()> {
    if workers == 0 {
        return tokio::select! {
            r = server => r,
            () = sigterm() => Ok(()),
        };
    }
    let runtime = Runtime::new(store, registry()?, app).with_config(Config { workers: usize::from(workers), ..Config::default() });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut jobs = tokio::spawn(runtime.run(async move {
        let _ = stopped.await;
    }));
    let outcome = tokio::select! {
        r = server => r,
        () = sigterm() => Ok(()),
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
