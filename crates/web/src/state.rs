//! Shared state of the web server.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use obs_app::App;

use crate::actor::{Anonymous, Identify};
use crate::cidr::AllowList;
use crate::metrics::{Metrics, QueueStats};

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
    /// What table pages of published revisions show whatever the query (rows' markup, filter
    /// options, legends), so a query that misses `pages` only filters, sorts and slices.
    pub table_parts: Arc<crate::views::table_parts::TablePartsCache>,
    /// Turns a request into an actor (everyone is the public until accounts exist).
    pub identify: Arc<dyn Identify>,
    /// Request counters and durations, exported at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The job queue's figures for `/metrics`, when a jobs runtime is wired.
    pub queue: Option<Arc<dyn QueueStats>>,
    /// Peers allowed to read `/metrics`.
    pub metrics_allow: Arc<AllowList>,
}

impl AppState {
    /// Wraps the application, with everybody anonymous and `/metrics` open to loopback only.
    pub fn new(app: Arc<App>) -> AppState {
        AppState {
            app,
            files: Arc::new(HashMap::new()),
            pages: Arc::new(crate::cache::PageCache::new(64 << 20)),
            table_parts: Arc::new(crate::views::table_parts::TablePartsCache::new(16)),
            identify: Arc::new(Anonymous),
            metrics: Arc::new(Metrics::new()),
            queue: None,
            metrics_allow: Arc::new(AllowList::loopback()),
        }
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

    /// Identifies callers with `identify` (sessions, API keys).
    pub fn with_identify(mut self, identify: Arc<dyn Identify>) -> AppState {
        self.identify = identify;
        self
    }

    /// Reports the job queue at `/metrics`.
    pub fn with_queue(mut self, queue: Arc<dyn QueueStats>) -> AppState {
        self.queue = Some(queue);
        self
    }

    /// Opens `/metrics` to these peers instead of loopback only.
    pub fn with_metrics_allow(mut self, allow: AllowList) -> AppState {
        self.metrics_allow = Arc::new(allow);
        self
    }
}
