//! Background work that survives restarts and runs once even when several instances share one
//! database.
//!
//! A [`Job`] is a serialisable value with a stable kind name; enqueuing it ([`enqueue`]) writes
//! a row through `obs_store::jobs`, inside the caller's transaction if it wants
//! ([`enqueue_in`]). A [`Registry`] maps each kind to an async handler
//! (`Fn(JobContext<C>, J) -> Result<(), JobError>`) and declares recurring jobs
//! ([`Recurrence`]: every N seconds, or daily at a Paris wall-clock time). A [`Runtime`] runs
//! the registry on one instance:
//!
//! - N workers claim due jobs (`FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer on SQLite),
//!   run each under a lease renewed by a heartbeat, and record done, a retry after an
//!   exponential [`Backoff`] with jitter, or dead after the last attempt;
//! - a maintenance loop takes back jobs whose lease expired (their worker died) and fires due
//!   schedules, each occurrence once across all instances (compare-and-set on the schedule row);
//! - shutdown stops claiming, lets running jobs finish within a grace period and releases the
//!   others, which are retried.
//!
//! ```no_run
//! use obs_jobs::{Job, JobError, Recurrence, Registry, Runtime};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct SayHello { to: String }
//! impl Job for SayHello { const KIND: &'static str = "demo.say_hello"; }
//!
//! # async fn example(store: obs_store::Store) -> Result<(), Box<dyn std::error::Error>> {
//! let mut registry = Registry::<()>::new();
//! registry.register(|_ctx, job: SayHello| async move {
//!     println!("bonjour {}", job.to);
//!     Ok::<(), JobError>(())
//! });
//! registry.schedule("demo.hello_every_minute", Recurrence::every_seconds(60).unwrap(), &SayHello { to: "tous".into() })?;
//! obs_jobs::enqueue(&store, &SayHello { to: "Marianne".into() }).await?;
//! Runtime::new(store, registry, ()).run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
//!
//! Delivery is at least once: a job may run again after a crash or a lost lease, so handlers
//! must be idempotent. It deliberately holds no SQL (all in `obs_store::jobs`) and no
//! application logic: the program registers handlers that call its use cases.

#![deny(missing_docs)]

mod backoff;
mod clock;
pub mod housekeeping;
mod job;
mod recurrence;
mod registry;
mod runtime;

pub use backoff::Backoff;
pub use clock::{Clock, ManualClock, SystemClock};
pub use job::{Job, JobError, enqueue, enqueue_at, enqueue_in};
pub use obs_store::jobs::{Enqueued, JobRow, JobState, JobStats};
pub use recurrence::Recurrence;
pub use registry::{JobContext, Registry, ScheduleEntry};
pub use runtime::{Config, Runtime, RuntimeError};
