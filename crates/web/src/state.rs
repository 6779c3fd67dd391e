//! Shared state of the web server.

use std::sync::Arc;

use obs_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: Arc<App>,
}

impl AppState {
    /// Wraps the application.
    pub fn new(app: Arc<App>) -> AppState {
        AppState { app }
    }
}
