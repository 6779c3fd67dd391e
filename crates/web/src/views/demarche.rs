//! The démarche page (helper in progress).

use axum::extract::{Path, State};
use axum::response::Html;

use crate::error::PageError;
use crate::state::AppState;

/// GET /demarches/{id}
pub async fn show(State(_s): State<AppState>, Path(_id): Path<String>) -> Result<Html<String>, PageError> {
    Err(PageError::not_found("fiche démarche"))
}
