//! Shared state of the web server.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use obs_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: Arc<App>,
    /// Extra files served under `/fichiers/`, read into memory at start (documents to publish
    /// beside the observatory, or the reference file of the web benchmark).
    pub files: Arc<HashMap<String, Vec<u8>>>,
    /// Rendered pages of published data.
    pub pages: Arc<crate::cache::PageCache>,
}

impl AppState {
    /// Wraps the application.
    pub fn new(app: Arc<App>) -> AppState {
        AppState { app, files: Arc::new(HashMap::new()), pages: Arc::new(crate::cache::PageCache::new(64 << 20)) }
    }

    /// Loads every regular file of `dir` (not recursive) to serve under `/fichiers/NAME`.
    pub fn with_files(mut self, dir: &Path) -> std::io::Result<AppState> {
        let mut files = HashMap::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                files.insert(entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path())?);
            }
        }
        self.files = Arc::new(files);
        Ok(self)
    }
}
