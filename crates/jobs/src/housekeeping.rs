//! Jobs the observatory needs whatever else it does: the purge of finished jobs, and SQLite's
//! `PRAGMA optimize`. Both run daily at a quiet hour in Paris.

use serde::{Deserialize, Serialize};

use crate::job::{Job, JobError};
use crate::recurrence::Recurrence;
use crate::registry::{JobContext, Registry};

/// Deletes jobs that finished (done, dead or cancelled) more than `days` days ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeFinishedJobs {
    /// Age, in days, past which a finished job is deleted.
    pub days: u32,
}

impl Job for PurgeFinishedJobs {
    const KIND: &'static str = "jobs.purge_finished";
}

impl PurgeFinishedJobs {
    /// Runs the purge; returns how many jobs were deleted.
    pub async fn run<C>(&self, ctx: &JobContext<C>) -> Result<u64, JobError> {
        let before = ctx.now() - time::Duration::days(i64::from(self.days));
        let mut h = ctx.store().conn().await?;
        let n = obs_store::jobs::purge_finished(h.conn(), before).await?;
        tracing::info!(deleted = n, days = self.days, "tâches terminées purgées");
        Ok(n)
    }
}

/// Lets SQLite refresh its query-planner statistics (`PRAGMA optimize`, as SQLite recommends
/// for long-lived connections); nothing to do on PostgreSQL, where autovacuum analyses tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimizeDatabase {}

impl Job for OptimizeDatabase {
    const KIND: &'static str = "db.optimize";
    const MAX_ATTEMPTS: i32 = 2;
}

impl OptimizeDatabase {
    /// Runs it; returns whether anything ran.
    pub async fn run<C>(&self, ctx: &JobContext<C>) -> Result<bool, JobError> {
        let mut h = ctx.store().conn().await?;
        Ok(obs_store::jobs::optimize(h.conn()).await?)
    }
}

/// When housekeeping runs and what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Housekeeping {
    /// Finished jobs are kept this many days.
    pub retention_days: u32,
    /// Daily purge time in Paris.
    pub purge_at: Recurrence,
    /// Daily optimisation time in Paris.
    pub optimize_at: Recurrence,
}

impl Default for Housekeeping {
    /// Keep 30 days; purge at 03:30 and optimise at 04:00, Paris time.
    fn default() -> Housekeeping {
        Housekeeping {
            retention_days: 30,
            purge_at: Recurrence::DailyParis(time::macros::time!(03:30)),
            optimize_at: Recurrence::DailyParis(time::macros::time!(04:00)),
        }
    }
}

/// Schedule names (stable: they identify the schedules in the database).
pub const PURGE_SCHEDULE: &str = "housekeeping.purge_finished_jobs";
/// See [`PURGE_SCHEDULE`].
pub const OPTIMIZE_SCHEDULE: &str = "housekeeping.optimize_database";

/// Registers the housekeeping handlers and their daily schedules.
pub fn register<C: Clone + Send + Sync + 'static>(registry: &mut Registry<C>, cfg: &Housekeeping) -> Result<(), serde_json::Error> {
    registry
        .register(|ctx, job: PurgeFinishedJobs| async move { job.run(&ctx).await.map(|_| ()) })
        .register(|ctx, job: OptimizeDatabase| async move { job.run(&ctx).await.map(|_| ()) });
    registry.schedule(PURGE_SCHEDULE, cfg.purge_at, &PurgeFinishedJobs { days: cfg.retention_days })?;
    registry.schedule(OPTIMIZE_SCHEDULE, cfg.optimize_at, &OptimizeDatabase {})?;
    Ok(())
}
