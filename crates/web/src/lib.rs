//! The HTTP face of the observatory: public site (DSFR), open-data downloads and JSON API.
//!
//! [`router`] builds the whole axum application from an [`obs_app::App`]; every route is declared
//! in `router.rs`, grouped by area. Handlers parse their input, call one `obs-app` function and
//! render an askama template (pages, in `views/`) or JSON (`api/`). Pages are server-rendered and
//! need no JavaScript; charts are SVG built on the server (`charts.rs`), each with a data table.
//! Security headers (CSP without inline scripts, frame-ancestors, nosniff, referrer policy, HSTS
//! behind HTTPS) are set on every response by `headers.rs`.
//!
//! It deliberately holds no rule and no SQL: levels, shares and diffs come from `obs-app`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

mod api;
mod assets;
mod cache;
mod charts;
mod error;
mod headers;
mod http;
mod router;
mod state;
mod views;

pub use router::router;
pub use state::AppState;

/// Serves the site on `listen` until Ctrl-C, with extra files from `files_dir` if given.
pub async fn serve(app: Arc<obs_app::App>, listen: &str, files_dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    let addr: SocketAddr = listen.parse().with_context(|| format!("adresse d'écoute « {listen} » invalide"))?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("écoute sur {addr} impossible"))?;
    let mut state = AppState::new(app);
    if let Some(dir) = files_dir {
        state = state.with_files(dir).with_context(|| format!("dossier « {} » illisible", dir.display()))?;
    }
    eprintln!("Observatoire disponible sur http://{addr}/");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serveur arrêté sur erreur")?;
    Ok(())
}
