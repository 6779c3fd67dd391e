//! Synthesis pages (helper in progress).

use axum::extract::{Path, State};
use axum::response::Html;

use crate::error::PageError;
use crate::state::AppState;

/// GET /syntheses
pub async fn index(State(_s): State<AppState>) -> Result<Html<String>, PageError> {
    Err(PageError::not_found("synthèses"))
}

/// GET /syntheses/interministerielle
pub async fn interministerial(State(_s): State<AppState>) -> Result<Html<String>, PageError> {
    Err(PageError::not_found("synthèses"))
}

/// GET /syntheses/{kind}/{name}
pub async fn group(State(_s): State<AppState>, Path((_k, _n)): Path<(String, String)>) -> Result<Html<String>, PageError> {
    Err(PageError::not_found("synthèses"))
}
