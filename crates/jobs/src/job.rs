//! What a job is: a serialisable, idempotent value with a stable kind name, and what a handler
//! may answer.

use obs_store::jobs::{Enqueued, NewJob};
use obs_store::{Conn, Store, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

/// A unit of background work.
///
/// The value is stored as JSON under [`Job::KIND`], and may run more than once (a retry after a
/// crash): handlers must be idempotent. Renaming `KIND` orphans the jobs already queued under the
/// old name, so treat it like a database column name.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stable name of the kind (`domain.action`, e.g. `jobs.purge_finished`).
    const KIND: &'static str;
    /// Attempts before the job is declared dead.
    const MAX_ATTEMPTS: i32 = 5;

    /// Idempotency key: while a job with this key is queued or running, enqueuing another one
    /// with the same key does nothing.
    fn unique_key(&self) -> Option<String> {
        None
    }
}

/// Why a job failed, which decides what happens next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// Worth another attempt (a service down, a lock, a timeout): retried with backoff until
    /// the job runs out of attempts.
    #[error("{0}")]
    Retry(String),
    /// No retry can succeed (an unreadable payload, a refused input): the job dies at once.
    #[error("{0}")]
    Fatal(String),
}

impl JobError {
    /// A failure worth retrying.
    pub fn retry(msg: impl Into<String>) -> JobError {
        JobError::Retry(msg.into())
    }

    /// A failure no retry can fix.
    pub fn fatal(msg: impl Into<String>) -> JobError {
        JobError::Fatal(msg.into())
    }
}

impl From<StoreError> for JobError {
    /// Database trouble is usually passing: retry.
    fn from(e: StoreError) -> JobError {
        JobError::Retry(e.to_string())
    }
}

fn payload<J: Job>(job: &J) -> Result<String, StoreError> {
    serde_json::to_string(job).map_err(|e| StoreError::Conflict(format!("tâche « {} » impossible à enregistrer : {e}", J::KIND)))
}

/// Enqueues `job`, due now.
pub async fn enqueue<J: Job>(store: &Store, job: &J) -> Result<Enqueued, StoreError> {
    let now = OffsetDateTime::now_utc();
    enqueue_at(store, job, now, now).await
}

/// Enqueues `job`, due at `run_at` (`now` is the enqueue instant).
pub async fn enqueue_at<J: Job>(store: &Store, job: &J, run_at: OffsetDateTime, now: OffsetDateTime) -> Result<Enqueued, StoreError> {
    let mut h = store.conn().await?;
    enqueue_in(h.conn(), job, run_at, now).await
}

/// Enqueues `job` on a given connection — inside a use case's transaction, the job exists if and
/// only if the change that calls for it commits.
pub async fn enqueue_in<J: Job>(conn: Conn<'_>, job: &J, run_at: OffsetDateTime, now: OffsetDateTime) -> Result<Enqueued, StoreError> {
    let payload = payload(job)?;
    let key = job.unique_key();
    let new = NewJob { kind: J::KIND, payload: &payload, run_at, max_attempts: J::MAX_ATTEMPTS, unique_key: key.as_deref() };
    obs_store::jobs::enqueue(conn, &new, now).await
}
