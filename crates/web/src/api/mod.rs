//! JSON API under /api/v1 (helper in progress).

use axum::Router;
use axum::response::Html;

use crate::state::AppState;

/// The API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}

/// GET /api/docs
pub async fn docs() -> Html<String> {
    Html(String::new())
}
