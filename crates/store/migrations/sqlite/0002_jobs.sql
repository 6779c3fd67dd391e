-- Durable background jobs and recurring schedules (SQLite). Keep in step with
-- ../postgres/0002_jobs.sql: same tables, same columns, same order (a test compares them).
--
-- Instants in these two tables are Unix milliseconds (UTC) in an INTEGER: the claim and the
-- lease checks compare them in SQL on both back ends, which text timestamps would make fragile.

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead', 'cancelled')),
    run_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    lease_owner TEXT,
    lease_until INTEGER,
    last_error TEXT,
    unique_key TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);

-- Idempotency: one pending (queued or running) job per key; a finished one frees its key.
CREATE UNIQUE INDEX jobs_pending_key ON jobs (unique_key) WHERE state IN ('queued', 'running');
-- What the workers scan: due jobs, and running jobs whose lease may have expired.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';
-- The purge of finished jobs.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('done', 'dead', 'cancelled');

-- Recurring work: each row fires once per occurrence, whichever instance gets there first
-- (next_run_at is advanced with a compare-and-set in the transaction that enqueues the job).
CREATE TABLE job_schedules (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    spec TEXT NOT NULL,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    next_run_at INTEGER NOT NULL,
    last_fired_at INTEGER
);
