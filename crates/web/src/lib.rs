//! The HTTP face of the observatory: public site (DSFR), open-data downloads and JSON API.
//!
//! [`router`] builds the whole axum application from an [`obs_app::App`]; every route is declared
//! in `router.rs`, grouped by area. Handlers parse their input, call one `obs-app` function and
//! render an askama template (pages, in `views/`) or JSON (`api/`). Pages are server-rendered and
//! need no JavaScript; charts are SVG built on the server by `obs-present`, each with a data table.
//! Security headers (CSP without inline scripts, frame-ancestors, nosniff, referrer policy, HSTS
//! behind HTTPS) are set on every response by `headers.rs`.
//!
//! Routes are grouped by access level (public, authenticated, admin, monitoring). Handlers learn
//! who calls through the [`Caller`] extractor, filled by an [`Identify`] implementation (today
//! everyone is the public; the accounts issue plugs sessions and API keys in). Every request is
//! logged on one structured line and counted for Prometheus (`/metrics`, allow-listed peers).
//! Assets are served under content-hashed URLs, cached for a year.
//!
//! It deliberately holds no rule and no SQL: levels, shares and diffs come from `obs-app`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

mod actor;
mod api;
mod assets;
mod cache;
mod cidr;
mod error;
mod headers;
mod http;
mod metrics;
mod request_log;
mod router;
mod state;
mod views;

pub use actor::{BoxFuture, Caller, Identify};
pub use cidr::AllowList;
pub use metrics::{QueueCount, QueueSnapshot, QueueStats};
pub use router::router;
pub use state::AppState;

/// The environment variable listing the peers allowed to read `/metrics` (comma-separated
/// CIDR ranges; loopback only when unset).
pub const METRICS_ALLOW_ENV: &str = "OBSERVATOIRE_METRICS_ALLOW";

/// The `/metrics` allow-list from [`METRICS_ALLOW_ENV`], read once at start.
pub fn metrics_allow_from_env() -> anyhow::Result<AllowList> {
    match std::env::var(METRICS_ALLOW_ENV) {
        Ok(v) if !v.trim().is_empty() => AllowList::parse(&v).map_err(|e| anyhow::anyhow!("{METRICS_ALLOW_ENV} : {e}")),
        _ => Ok(AllowList::loopback()),
    }
}

/// Serves the site on `listen` until Ctrl-C or SIGTERM, with extra files from `files_dir` if
/// given and the job queue figures of `/metrics` from `queue`.
pub async fn serve(
    app: Arc<obs_app::App>,
    listen: &str,
    files_dir: Option<&std::path::Path>,
    queue: Option<Arc<dyn QueueStats>>,
) -> anyhow::Result<()> {
    let shutdown = shutdown_signal();
    let addr: SocketAddr = listen.parse().with_context(|| format!("adresse d'écoute « {listen} » invalide"))?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("écoute sur {addr} impossible"))?;
    let mut state = AppState::new(app).with_metrics_allow(metrics_allow_from_env()?);
    if let Some(queue) = queue {
        state = state.with_queue(queue);
    }
    if let Some(dir) = files_dir {
        state = state.with_files(dir).with_context(|| format!("dossier « {} » illisible", dir.display()))?;
    }
    eprintln!("Observatoire disponible sur http://{addr}/");
    // The peer address feeds the `/metrics` allow-list (never a client header).
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
        .context("serveur arrêté sur erreur")?;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what service managers send), so in-flight requests
/// finish before the process exits. The SIGTERM handler is installed when this is called, not
/// when the future is first polled: a SIGTERM that arrives while the server is still starting
/// must not kill the process with the default action.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
