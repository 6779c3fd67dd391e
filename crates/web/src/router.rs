//! Every route of the program, grouped by access level, then by area.
//!
//! - public: the site, the open-data downloads, the read-only API, assets and health;
//! - authenticated: anything that needs an identified caller (the back office of the accounts
//!   issue goes here), behind [`actor::signed_in`];
//! - admin: what only the observatory team may reach, behind [`actor::team_only`];
//! - monitoring: `/metrics`, open to the allow-listed peers only.
//!
//! Layers on every request, from the outside in: panics caught, timeout, compression, security
//! headers, request id, the request's span, identification of the caller, then the log line and
//! metrics of the request.

use std::time::Duration;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::PageError;
use crate::state::AppState;
use crate::{actor, api, assets, headers, metrics, request_log, views};

/// Builds the application router.
pub fn router(state: AppState) -> Router {
    // Computed now rather than on the first page (it hashes every embedded asset).
    let _ = assets::version();
    let request_id = axum::http::HeaderName::from_static(request_log::REQUEST_ID);
    Router::new()
        .merge(public())
        .merge(actor::signed_in(authenticated()))
        .merge(actor::team_only(admin()))
        .merge(monitoring(&state))
        .fallback(|| async { PageError::not_found("cette page n'existe pas") })
        .layer(middleware::from_fn_with_state(state.metrics.clone(), request_log::observe))
        .layer(middleware::from_fn_with_state(state.identify.clone(), actor::identify))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_log::span)
                .on_request(())
                .on_response(())
                .on_body_chunk(())
                .on_eos(())
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(middleware::from_fn(headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// Open to everyone, read-only.
fn public() -> Router<AppState> {
    // Open data is meant to be reused: GET endpoints of the API and downloads allow any origin.
    let cors = CorsLayer::new().allow_methods([Method::GET, Method::HEAD]).allow_origin(Any);
    let api = api::routes().layer(cors.clone());
    Router::new()
        // Site
        .route("/", get(views::home::show))
        .route("/editions", get(views::editions::archive))
        .route("/editions/{slug}", get(views::editions::table))
        .route("/editions/{slug}/comparer", get(views::editions::compare))
        .route("/editions/{slug}/telecharger/{file}", get(views::editions::download).layer(cors))
        .route("/demarches/{id}", get(views::demarche::show))
        .route("/syntheses", get(views::syntheses::index))
        .route("/syntheses/interministerielle", get(views::syntheses::interministerial))
        .route("/syntheses/{kind}/{name}", get(views::syntheses::group))
        .route("/methodologie", get(views::pages::methodology))
        .route("/donnees", get(views::pages::open_data))
        .route("/accessibilite", get(views::pages::accessibility))
        .route("/mentions-legales", get(views::pages::legal))
        // JSON API and its documentation
        .nest("/api/v1", api)
        .route("/api/docs", get(api::docs))
        // Assets and health
        .route("/static/{*path}", get(assets::static_file))
        .route("/fichiers/{name}", get(assets::extra_file))
        .route("/sante", get(|| async { "ok" }))
}

/// Needs an identified caller: empty until the accounts issue adds the back office
/// (`/gestion/…`) and the API's draft endpoints.
fn authenticated() -> Router<AppState> {
    Router::new()
}

/// The observatory team only: empty until the accounts issue adds user management.
fn admin() -> Router<AppState> {
    Router::new()
}

/// Monitoring, for the allow-listed peers only.
fn monitoring(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/metrics", get(metrics::export))
        .route_layer(middleware::from_fn_with_state(state.metrics_allow.clone(), metrics::only_allowed_peers))
}
