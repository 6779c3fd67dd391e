//! The durable job queue and its recurring schedules: the SQL behind `obs-jobs`.
//!
//! A job is a row of `jobs`: a stable `kind`, a JSON `payload`, a due instant (`run_at`), a
//! [`JobState`], an attempt counter and a lease (`lease_owner`, `lease_until`) held by the worker
//! running it. Workers [`claim`] due jobs — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances
//! sharing one database never take the same row; one `UPDATE … RETURNING` statement on SQLite,
//! whose writers are serialised — then [`heartbeat`] while the job runs and finish it with
//! [`complete`], [`fail`] or [`release`]. Every one of those writes is fenced by the [`Lease`]
//! (id, owner, attempt): a worker whose lease expired and was taken over ([`reap_expired`])
//! can no longer touch the row.
//!
//! A `unique_key` makes an enqueue idempotent: a second job with the same key while one is
//! queued or running is not created ([`Enqueued::AlreadyPending`]).
//!
//! Recurring work lives in `job_schedules`: [`fire`] advances `next_run_at` with a
//! compare-and-set and enqueues the occurrence in the same transaction, so a period fires once
//! whatever the number of instances. When occurrences fall due is decided by the caller (this
//! module stores instants; it knows no calendar).
//!
//! Instants are `time::OffsetDateTime` in Rust and Unix milliseconds in SQL. Every function
//! takes "now" from its caller, so tests can drive the clock.

use std::time::Duration;

use time::OffsetDateTime;

use crate::{Conn, Result, Store, StoreError};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for its `run_at` and a free worker (also after a failed attempt, until its retry).
    Queued,
    /// Leased by a worker.
    Running,
    /// Finished successfully.
    Done,
    /// Failed on its last allowed attempt, or with an error that no retry can fix.
    Dead,
    /// Cancelled by an operator.
    Cancelled,
}

impl JobState {
    /// Every state, in life order.
    pub const ALL: [JobState; 5] = [JobState::Queued, JobState::Running, JobState::Done, JobState::Dead, JobState::Cancelled];

    /// The name stored in the database and shown on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
            JobState::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The French label for people.
    pub fn label(self) -> &'static str {
        match self {
            JobState::Queued => "en attente",
            JobState::Running => "en cours",
            JobState::Done => "terminée",
            JobState::Dead => "abandonnée",
            JobState::Cancelled => "annulée",
        }
    }
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// Stable kind name (the handler registered under it runs the job).
    pub kind: &'a str,
    /// JSON payload.
    pub payload: &'a str,
    /// Not before this instant.
    pub run_at: OffsetDateTime,
    /// Attempts before the job is declared dead (at least 1).
    pub max_attempts: i32,
    /// Idempotency key: no second pending job with the same key.
    pub unique_key: Option<&'a str>,
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job, with its id.
    Created(i64),
    /// A queued or running job already has this unique key: nothing was written.
    AlreadyPending,
}

/// One stored job.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JobRow {
    /// Id.
    pub id: i64,
    /// Kind name.
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// State.
    pub state: JobState,
    /// Due instant (of the next attempt when queued).
    #[serde(with = "time::serde::rfc3339")]
    pub run_at: OffsetDateTime,
    /// Attempts started so far.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// Worker holding the lease, while running.
    pub lease_owner: Option<String>,
    /// End of the lease, while running.
    #[serde(with = "time::serde::rfc3339::option")]
    pub lease_until: Option<OffsetDateTime>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// Idempotency key.
    pub unique_key: Option<String>,
    /// Enqueue instant.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Start of the latest attempt.
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    /// When it reached `done`, `dead` or `cancelled`.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct RawJob {
    id: i64,
    kind: String,
    payload: String,
    state: String,
    run_at: i64,
    attempts: i32,
    max_attempts: i32,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    last_error: Option<String>,
    unique_key: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

const JOB_COLS: &str = "id, kind, payload, state, run_at, attempts, max_attempts, lease_owner, lease_until, last_error, \
                        unique_key, created_at, started_at, finished_at";

impl TryFrom<RawJob> for JobRow {
    type Error = StoreError;

    fn try_from(r: RawJob) -> Result<JobRow> {
        let state = JobState::parse(&r.state).ok_or_else(|| corrupt(format!("état de tâche « {} » inconnu", r.state)))?;
        Ok(JobRow {
            id: r.id,
            kind: r.kind,
            payload: r.payload,
            state,
            run_at: from_ms(r.run_at)?,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            lease_owner: r.lease_owner,
            lease_until: r.lease_until.map(from_ms).transpose()?,
            last_error: r.last_error,
            unique_key: r.unique_key,
            created_at: from_ms(r.created_at)?,
            started_at: r.started_at.map(from_ms).transpose()?,
            finished_at: r.finished_at.map(from_ms).transpose()?,
        })
    }
}

fn corrupt(msg: String) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(msg.into()))
}

/// An instant as stored: Unix milliseconds.
pub fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A stored instant back to UTC.
pub fn from_ms(ms: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|e| corrupt(format!("instant {ms} invalide : {e}")))
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Adds `job` to the queue (inside the caller's transaction when given one, so a use case can
/// enqueue atomically with the write that calls for the job).
pub async fn enqueue(conn: Conn<'_>, job: &NewJob<'_>, now: OffsetDateTime) -> Result<Enqueued> {
    let id: Option<i64> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, state, run_at, attempts, max_attempts, unique_key, created_at) \
             VALUES ($1, $2, 'queued', $3, 0, $4, $5, $6) \
             ON CONFLICT (unique_key) WHERE state IN ('queued', 'running') DO NOTHING RETURNING id",
        )
        .bind(job.kind).bind(job.payload).bind(to_ms(job.run_at)).bind(job.max_attempts.max(1)).bind(job.unique_key).bind(to_ms(now))
        .fetch_optional(&mut *c).await?
    });
    Ok(match id {
        Some(id) => Enqueued::Created(id),
        None => Enqueued::AlreadyPending,
    })
}

/// A job a worker holds, and the proof of it: every later write on the job checks all three
/// fields, so a worker that lost its lease cannot finish a job someone else took over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Job id.
    pub id: i64,
    /// Worker that holds it.
    pub owner: String,
    /// The attempt this lease is for (1 for the first run).
    pub attempt: i32,
}

/// A claimed job, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    /// The lease to renew and to finish with.
    pub lease: Lease,
    /// Kind name.
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// Attempts allowed.
    pub max_attempts: i32,
}

/// Takes up to `limit` due jobs of the given kinds (oldest due first) for `owner`, leased until
/// `now + lease`. Instances sharing a PostgreSQL database skip each other's locked rows; on
/// SQLite the single statement runs under the database's one writer.
pub async fn claim(
    conn: Conn<'_>,
    owner: &str,
    kinds: &[&str],
    lease: Duration,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<Claimed>> {
    if kinds.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let now_ms = to_ms(now);
    let skip_locked = match conn {
        Conn::Sqlite(_) => "",
        Conn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let rows: Vec<(i64, String, String, i32, i32)> = with_conn!(conn, c, DB => {
        let mut qb = sqlx::QueryBuilder::<DB>::new("UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ");
        qb.push_bind(owner).push(", lease_until = ").push_bind(now_ms.saturating_add(ms(lease)))
            .push(", started_at = ").push_bind(now_ms)
            .push(" WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ").push_bind(now_ms)
            .push(" AND kind IN (");
        let mut sep = qb.separated(", ");
        for k in kinds {
            sep.push_bind(*k);
        }
        qb.push(") ORDER BY run_at, id LIMIT ").push_bind(limit).push(skip_locked)
            .push(") RETURNING id, kind, payload, attempts, max_attempts");
        qb.build_query_as().fetch_all(&mut *c).await?
    });
    let mut claimed: Vec<Claimed> = rows
        .into_iter()
        .map(|(id, kind, payload, attempt, max_attempts)| Claimed {
            lease: Lease { id, owner: owner.to_string(), attempt },
            kind,
            payload,
            max_attempts,
        })
        .collect();
    claimed.sort_by_key(|c| c.lease.id);
    Ok(claimed)
}

const FENCE: &str = "id = $1 AND lease_owner = $2 AND attempts = $3 AND state = 'running'";

/// Extends a lease to `until`. `false` when the lease is lost (expired and taken over, or the job
/// was cancelled): the worker must stop working on it.
pub async fn heartbeat(conn: Conn<'_>, lease: &Lease, until: OffsetDateTime) -> Result<bool> {
    let n = with_conn!(conn, c, _DB => {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE jobs SET lease_until = $4 WHERE {FENCE}")))
            .bind(lease.id).bind(&lease.owner).bind(lease.attempt).bind(to_ms(until))
            .execute(&mut *c).await?.rows_affected()
    });
    Ok(n == 1)
}

/// Marks a leased job done. `false` when the lease was lost meanwhile (nothing written).
pub async fn complete(conn: Conn<'_>, lease: &Lease, now: OffsetDateTime) -> Result<bool> {
    let n = with_conn!(conn, c, _DB => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET state = 'done', finished_at = $4, lease_owner = NULL, lease_until = NULL WHERE {FENCE}"
        )))
        .bind(lease.id).bind(&lease.owner).bind(lease.attempt).bind(to_ms(now))
        .execute(&mut *c).await?.rows_affected()
    });
    Ok(n == 1)
}

/// What becomes of a job whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Queued again, due at this instant.
    RetryAt(OffsetDateTime),
    /// No more attempts: state `dead`.
    Dead,
}

/// Records a failed attempt and its error. `false` when the lease was lost (nothing written).
pub async fn fail(conn: Conn<'_>, lease: &Lease, error: &str, after: AfterFailure, now: OffsetDateTime) -> Result<bool> {
    let (state, run_at, finished_at) = match after {
        AfterFailure::RetryAt(at) => ("queued", Some(to_ms(at)), None),
        AfterFailure::Dead => ("dead", None, Some(to_ms(now))),
    };
    let n = with_conn!(conn, c, _DB => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET state = $4, run_at = COALESCE($5, run_at), finished_at = $6, last_error = $7, \
             lease_owner = NULL, lease_until = NULL WHERE {FENCE}"
        )))
        .bind(lease.id).bind(&lease.owner).bind(lease.attempt).bind(state).bind(run_at).bind(finished_at).bind(error)
        .execute(&mut *c).await?.rows_affected()
    });
    Ok(n == 1)
}

/// Gives a job back without counting the attempt (graceful shutdown): queued again, due now.
pub async fn release(conn: Conn<'_>, lease: &Lease, now: OffsetDateTime) -> Result<bool> {
    let n = with_conn!(conn, c, _DB => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET state = 'queued', attempts = attempts - 1, run_at = $4, lease_owner = NULL, lease_until = NULL WHERE {FENCE}"
        )))
        .bind(lease.id).bind(&lease.owner).bind(lease.attempt).bind(to_ms(now))
        .execute(&mut *c).await?.rows_affected()
    });
    Ok(n == 1)
}

/// The error recorded on a job whose worker vanished.
pub const LEASE_EXPIRED: &str = "bail expiré : le travailleur s'est arrêté sans terminer la tâche";

/// Takes back running jobs whose lease ended before `now` (their worker died): queued again and
/// due now, or `dead` when that was their last allowed attempt. Returns how many.
pub async fn reap_expired(conn: Conn<'_>, now: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query(
            "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, \
             finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END, \
             run_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL \
             WHERE state = 'running' AND lease_until < $1",
        )
        .bind(to_ms(now)).bind(LEASE_EXPIRED)
        .execute(&mut *c).await?.rows_affected()
    }))
}

/// One job by id.
pub async fn get(conn: Conn<'_>, id: i64) -> Result<JobRow> {
    let raw: Option<RawJob> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1"))).bind(id).fetch_optional(&mut *c).await?
    });
    raw.ok_or_else(|| StoreError::NotFound(format!("tâche n° {id}")))?.try_into()
}

/// Which jobs [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this state.
    pub state: Option<JobState>,
    /// Only this kind.
    pub kind: Option<String>,
    /// At most this many (newest first); 0 means 100.
    pub limit: i64,
}

/// Jobs, newest first.
pub async fn list(conn: Conn<'_>, filter: &ListFilter) -> Result<Vec<JobRow>> {
    let limit = if filter.limit <= 0 { 100 } else { filter.limit };
    let raws: Vec<RawJob> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM jobs WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR kind = $2) ORDER BY id DESC LIMIT $3"
        )))
        .bind(filter.state.map(JobState::as_str)).bind(filter.kind.as_deref()).bind(limit)
        .fetch_all(&mut *c).await?
    });
    raws.into_iter().map(JobRow::try_from).collect()
}

/// Puts a dead or cancelled job back in the queue, due now, with a fresh set of attempts.
/// Refused (conflict, French message) for a job that is pending or done.
pub async fn retry(conn: Conn<'_>, id: i64, now: OffsetDateTime) -> Result<JobRow> {
    let changed = transition(
        conn,
        id,
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, finished_at = NULL WHERE id = $1 AND state IN ('dead', 'cancelled') \
         AND NOT EXISTS (SELECT 1 FROM jobs p WHERE p.unique_key = jobs.unique_key AND p.state IN ('queued', 'running'))",
        now,
    )
    .await?;
    changed.ok_or_else(|| StoreError::Conflict(format!("la tâche n° {id} n'est ni abandonnée ni annulée, ou une tâche de même clé est déjà en attente : rien à relancer")))
}

/// Cancels a queued or running job. A running job's worker loses its lease at its next
/// heartbeat and stops. Refused (conflict) for a job that already finished.
pub async fn cancel(conn: Conn<'_>, id: i64, now: OffsetDateTime) -> Result<JobRow> {
    let changed = transition(
        conn,
        id,
        "UPDATE jobs SET state = 'cancelled', finished_at = $2, lease_owner = NULL, lease_until = NULL \
         WHERE id = $1 AND state IN ('queued', 'running')",
        now,
    )
    .await?;
    changed.ok_or_else(|| StoreError::Conflict(format!("la tâche n° {id} est déjà terminée : rien à annuler")))
}

/// Runs a guarded state change (`$1` = id, `$2` = now) and returns the job after it: `None` when
/// the guard refused, `NotFound` when there is no such job. The check and the write are one
/// statement, so no concurrent change slips between them.
async fn transition(conn: Conn<'_>, id: i64, sql: &'static str, now: OffsetDateTime) -> Result<Option<JobRow>> {
    let raw: Option<RawJob> = with_conn!(conn, c, _DB => {
        let n = sqlx::query(sql).bind(id).bind(to_ms(now)).execute(&mut *c).await?.rows_affected();
        let row: Option<RawJob> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1")))
            .bind(id).fetch_optional(&mut *c).await?;
        match row {
            None => return Err(StoreError::NotFound(format!("tâche n° {id}"))),
            Some(_) if n == 0 => None,
            Some(r) => Some(r),
        }
    });
    raw.map(JobRow::try_from).transpose()
}

/// Deletes finished jobs (done, dead or cancelled) that finished before `before`. Returns how many.
pub async fn purge_finished(conn: Conn<'_>, before: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query("DELETE FROM jobs WHERE state IN ('done', 'dead', 'cancelled') AND finished_at < $1")
            .bind(to_ms(before)).execute(&mut *c).await?.rows_affected()
    }))
}

/// `PRAGMA optimize` on SQLite (refreshes the query planner's statistics where they are stale);
/// nothing on PostgreSQL, whose autovacuum does it. Returns whether anything ran.
pub async fn optimize(conn: Conn<'_>) -> Result<bool> {
    match conn {
        Conn::Sqlite(c) => {
            sqlx::query("PRAGMA optimize").execute(&mut *c).await?;
            Ok(true)
        }
        Conn::Postgres(_) => Ok(false),
    }
}

/// How many jobs of one kind are in one state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KindStateCount {
    /// Kind name.
    pub kind: String,
    /// State.
    pub state: JobState,
    /// Count.
    pub count: i64,
}

/// Queue statistics for monitoring (`/metrics`) and the command line.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct JobStats {
    /// Jobs by kind and state, sorted by kind then state.
    pub by_kind: Vec<KindStateCount>,
    /// Queued jobs that already failed at least once (waiting for a retry).
    pub retrying: i64,
    /// Due time of the oldest queued job that is due now or overdue — how far the workers lag.
    #[serde(with = "time::serde::rfc3339::option")]
    pub oldest_due: Option<OffsetDateTime>,
}

impl JobStats {
    /// Total of one state across kinds.
    pub fn count(&self, state: JobState) -> i64 {
        self.by_kind.iter().filter(|c| c.state == state).map(|c| c.count).sum()
    }
}

/// Queue depth by state and kind, failures and lag, as of `now`.
pub async fn stats_at(store: &Store, now: OffsetDateTime) -> Result<JobStats> {
    let mut h = store.conn().await?;
    let (rows, retrying, oldest): (Vec<(String, String, i64)>, i64, Option<i64>) = with_conn!(h.conn(), c, _DB => {
        let rows = sqlx::query_as("SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state").fetch_all(&mut *c).await?;
        let retrying = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND last_error IS NOT NULL").fetch_one(&mut *c).await?;
        let oldest = sqlx::query_scalar("SELECT MIN(run_at) FROM jobs WHERE state = 'queued' AND run_at <= $1")
            .bind(to_ms(now)).fetch_one(&mut *c).await?;
        (rows, retrying, oldest)
    });
    let mut by_kind = rows
        .into_iter()
        .map(|(kind, state, count)| {
            let state = JobState::parse(&state).ok_or_else(|| corrupt(format!("état de tâche « {state} » inconnu")))?;
            Ok(KindStateCount { kind, state, count })
        })
        .collect::<Result<Vec<_>>>()?;
    by_kind.sort_by(|a, b| (&a.kind, a.state as u8).cmp(&(&b.kind, b.state as u8)));
    Ok(JobStats { by_kind, retrying, oldest_due: oldest.map(from_ms).transpose()? })
}

/// Queue depth by state and kind, failures and lag, now (what `/metrics` reports).
pub async fn stats(store: &Store) -> Result<JobStats> {
    stats_at(store, OffsetDateTime::now_utc()).await
}

/// A recurring job as declared by the program.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleDef<'a> {
    /// Unique, stable name.
    pub name: &'a str,
    /// Kind of the jobs it enqueues.
    pub kind: &'a str,
    /// Their JSON payload.
    pub payload: &'a str,
    /// The recurrence, as text (compared to notice a change of period).
    pub spec: &'a str,
    /// Attempts allowed to each occurrence.
    pub max_attempts: i32,
}

/// A stored schedule.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Schedule {
    /// Name.
    pub name: String,
    /// Kind of the jobs it enqueues.
    pub kind: String,
    /// Their JSON payload.
    pub payload: String,
    /// Recurrence.
    pub spec: String,
    /// Attempts allowed to each occurrence.
    pub max_attempts: i32,
    /// Next occurrence.
    #[serde(with = "time::serde::rfc3339")]
    pub next_run_at: OffsetDateTime,
    /// Due instant of the last occurrence enqueued.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_fired_at: Option<OffsetDateTime>,
}

type RawSchedule = (String, String, String, String, i32, i64, Option<i64>);

fn schedule(r: RawSchedule) -> Result<Schedule> {
    Ok(Schedule {
        name: r.0,
        kind: r.1,
        payload: r.2,
        spec: r.3,
        max_attempts: r.4,
        next_run_at: from_ms(r.5)?,
        last_fired_at: r.6.map(from_ms).transpose()?,
    })
}

/// Declares a schedule (every instance does at start). A new one is due at `first_due`; an
/// existing one keeps its `next_run_at` unless its recurrence changed, so restarts neither skip
/// nor repeat an occurrence.
pub async fn declare_schedule(conn: Conn<'_>, def: &ScheduleDef<'_>, first_due: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query(
            "INSERT INTO job_schedules (name, kind, payload, spec, max_attempts, next_run_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, max_attempts = excluded.max_attempts, \
             next_run_at = CASE WHEN job_schedules.spec = excluded.spec THEN job_schedules.next_run_at ELSE excluded.next_run_at END, \
             spec = excluded.spec",
        )
        .bind(def.name).bind(def.kind).bind(def.payload).bind(def.spec).bind(def.max_attempts.max(1)).bind(to_ms(first_due))
        .execute(&mut *c).await?;
    });
    Ok(())
}

/// Every schedule, by name.
pub async fn schedules(conn: Conn<'_>) -> Result<Vec<Schedule>> {
    let raws: Vec<RawSchedule> = with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT name, kind, payload, spec, max_attempts, next_run_at, last_fired_at FROM job_schedules ORDER BY name")
            .fetch_all(&mut *c).await?
    });
    raws.into_iter().map(schedule).collect()
}

/// Schedules whose next occurrence is due at `now`, among `names` (the ones this program
/// knows how to compute).
pub async fn due_schedules(conn: Conn<'_>, names: &[&str], now: OffsetDateTime) -> Result<Vec<Schedule>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let raws: Vec<RawSchedule> = with_conn!(conn, c, DB => {
        let mut qb = sqlx::QueryBuilder::<DB>::new(
            "SELECT name, kind, payload, spec, max_attempts, next_run_at, last_fired_at FROM job_schedules WHERE next_run_at <= ",
        );
        qb.push_bind(to_ms(now)).push(" AND name IN (");
        let mut sep = qb.separated(", ");
        for n in names {
            sep.push_bind(*n);
        }
        qb.push(") ORDER BY next_run_at, name");
        qb.build_query_as().fetch_all(&mut *c).await?
    });
    raws.into_iter().map(schedule).collect()
}

/// The unique key of one occurrence of a schedule.
pub fn occurrence_key(name: &str, due: OffsetDateTime) -> String {
    format!("schedule:{name}@{}", to_ms(due))
}

/// Fires one due occurrence of `due` (as read by [`due_schedules`]): in one transaction, moves
/// `next_run_at` to `next` only if it still equals the occurrence read (compare-and-set), and
/// enqueues the job (unique key: schedule name and due instant). `Some(job id)` when this
/// caller fired it; `None` when another instance already had.
pub async fn fire(store: &Store, due: &Schedule, next: OffsetDateTime, now: OffsetDateTime) -> Result<Option<i64>> {
    let mut tx = store.begin().await?;
    let advanced = with_conn!(tx.conn(), c, _DB => {
        sqlx::query("UPDATE job_schedules SET next_run_at = $3, last_fired_at = $2 WHERE name = $1 AND next_run_at = $2")
            .bind(&due.name).bind(to_ms(due.next_run_at)).bind(to_ms(next))
            .execute(&mut *c).await?.rows_affected()
    });
    if advanced != 1 {
        return Ok(None);
    }
    let key = occurrence_key(&due.name, due.next_run_at);
    let job = NewJob { kind: &due.kind, payload: &due.payload, run_at: due.next_run_at, max_attempts: due.max_attempts, unique_key: Some(&key) };
    let id = match enqueue(tx.conn(), &job, now).await? {
        Enqueued::Created(id) => Some(id),
        Enqueued::AlreadyPending => None,
    };
    tx.commit().await?;
    Ok(id)
}
