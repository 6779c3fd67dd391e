//! Every route of the program, grouped by area.

use std::time::Duration;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use crate::error::PageError;
use crate::state::AppState;
use crate::{api, assets, headers, views};

/// Builds the application router.
pub fn router(state: AppState) -> Router {
    // Open data is meant to be reused: GET endpoints of the API and downloads allow any origin.
    let cors = CorsLayer::new().allow_methods([Method::GET, Method::HEAD]).allow_origin(Any);
    let api = api::routes().layer(cors.clone());
    Router::new()
        // Public site
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
        .fallback(|| async { PageError::not_found("cette page n'existe pas") })
        .layer(middleware::from_fn(headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}
