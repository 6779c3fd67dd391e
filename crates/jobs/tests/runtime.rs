//! The jobs runtime end to end, each scenario on SQLite and on PostgreSQL (own database each):
//! racing instances, a worker killed mid-job, schedules across instances, retries, idempotency,
//! cancel/retry, graceful shutdown, housekeeping and statistics.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use obs_jobs::{Enqueued, Job, JobError, JobState, ManualClock, Recurrence, Registry, Runtime};
use obs_store::StoreError;
use obs_store::jobs::{self, ListFilter};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Count {
    n: u32,
}
impl Job for Count {
    const KIND: &'static str = "test.count";
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Flaky {
    failures: u32,
}
impl Job for Flaky {
    const KIND: &'static str = "test.flaky";
    const MAX_ATTEMPTS: i32 = 3;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Keyed {
    key: String,
}
impl Job for Keyed {
    const KIND: &'static str = "test.keyed";
    fn unique_key(&self) -> Option<String> {
        Some(format!("keyed:{}", self.key))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tick {}
impl Job for Tick {
    const KIND: &'static str = "test.tick";
}

/// Starts a runtime in the background; dropping the sender (or sending) shuts it down.
fn start<C: Clone + Send + Sync + 'static>(rt: Runtime<C>) -> (oneshot::Sender<()>, tokio::task::JoinHandle<Result<(), obs_jobs::RuntimeError>>) {
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(rt.run(async move {
        let _ = rx.await;
    }));
    (tx, handle)
}

async fn job(store: &obs_store::Store, id: i64) -> obs_jobs::JobRow {
    let mut h = store.conn().await.unwrap();
    jobs::get(h.conn(), id).await.unwrap()
}

async fn count_in(store: &obs_store::Store, state: JobState) -> i64 {
    jobs::stats(store).await.unwrap().count(state)
}

fn created(e: Enqueued) -> i64 {
    match e {
        Enqueued::Created(id) => id,
        Enqueued::AlreadyPending => panic!("expected a new job"),
    }
}

both!(two_instances_race_on_1000_jobs_and_run_each_once, |db| {
    for n in 0..1000u32 {
        obs_jobs::enqueue(&db.store, &Count { n }).await.unwrap();
    }
    let seen: Arc<Mutex<Vec<(u32, String)>>> = Arc::default();
    let mut runs = Vec::new();
    for name in ["a", "b"] {
        let mut reg = Registry::new();
        let seen = Arc::clone(&seen);
        reg.register(move |_ctx, job: Count| {
            let seen = Arc::clone(&seen);
            async move {
                seen.lock().unwrap().push((job.n, name.to_string()));
                tokio::task::yield_now().await;
                Ok(())
            }
        });
        let rt = Runtime::new(db.instance().await, reg, ()).with_config(support::fast(2)).with_instance(name);
        runs.push(start(rt));
    }
    support::eventually(120, "1000 jobs done", || async { count_in(&db.store, JobState::Done).await == 1000 }).await;
    for (stop, handle) in runs {
        stop.send(()).unwrap();
        handle.await.unwrap().unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    let mut ns: Vec<u32> = seen.iter().map(|(n, _)| *n).collect();
    ns.sort_unstable();
    assert_eq!(ns, (0..1000).collect::<Vec<_>>(), "every job ran exactly once");
    let by_instance: HashMap<&str, usize> = seen.iter().fold(HashMap::new(), |mut m, (_, who)| {
        *m.entry(who.as_str()).or_default() += 1;
        m
    });
    assert_eq!(by_instance.len(), 2, "both instances took jobs: {by_instance:?}");
    let all = {
        let mut h = db.store.conn().await.unwrap();
        jobs::list(h.conn(), &ListFilter { limit: 2000, ..ListFilter::default() }).await.unwrap()
    };
    assert!(all.iter().all(|j| j.state == JobState::Done && j.attempts == 1 && j.lease_owner.is_none()));
});

both!(a_killed_worker_lease_expires_and_another_finishes_the_job, |db| {
    let first_run = Arc::new(AtomicBool::new(true));
    let finished = Arc::new(AtomicUsize::new(0));
    let registry = |first_run: Arc<AtomicBool>, finished: Arc<AtomicUsize>| {
        let mut reg = Registry::new();
        reg.register(move |_ctx, _job: Count| {
            let hang = first_run.swap(false, Ordering::SeqCst);
            let finished = Arc::clone(&finished);
            async move {
                if hang {
                    std::future::pending::<()>().await;
                }
                finished.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        });
        reg
    };
    let id = created(obs_jobs::enqueue(&db.store, &Count { n: 1 }).await.unwrap());
    let doomed = Runtime::new(db.instance().await, registry(Arc::clone(&first_run), Arc::clone(&finished)), ())
        .with_config(support::fast(1))
        .with_instance("doomed");
    let (_stop, doomed) = start(doomed);
    support::eventually(10, "job running on the doomed instance", || async {
        let j = job(&db.store, id).await;
        j.state == JobState::Running && j.lease_owner.as_deref() == Some("doomed/1")
    })
    .await;
    // The instance dies without a word: no release, no more heartbeats.
    doomed.abort();
    let _ = doomed.await;
    let rescuer = Runtime::new(db.instance().await, registry(first_run, Arc::clone(&finished)), ())
        .with_config(support::fast(1))
        .with_instance("rescuer");
    let (stop, rescuer) = start(rescuer);
    support::eventually(10, "job done by the rescuer", || async { job(&db.store, id).await.state == JobState::Done }).await;
    stop.send(()).unwrap();
    rescuer.await.unwrap().unwrap();
    let j = job(&db.store, id).await;
    assert_eq!(j.attempts, 2, "the lost attempt counts");
    assert_eq!(j.last_error.as_deref(), Some(jobs::LEASE_EXPIRED));
    assert_eq!(finished.load(Ordering::SeqCst), 1);
});

both!(a_recurring_job_fires_once_per_period_across_three_instances, |db| {
    let t0 = datetime!(2026-01-01 00:00:10 UTC);
    let clock = Arc::new(ManualClock::new(t0));
    let ticks = Arc::new(AtomicUsize::new(0));
    let mut runs = Vec::new();
    for name in ["i1", "i2", "i3"] {
        let mut reg = Registry::new();
        let ticks = Arc::clone(&ticks);
        reg.register(move |_ctx, _job: Tick| {
            let ticks = Arc::clone(&ticks);
            async move {
                ticks.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        });
        reg.schedule("test.every_minute", Recurrence::every_seconds(60).unwrap(), &Tick {}).unwrap();
        let mut cfg = support::fast(2);
        cfg.lease = Duration::from_secs(3600);
        let rt = Runtime::new(db.instance().await, reg, ()).with_config(cfg).with_clock(clock.clone()).with_instance(name);
        runs.push(start(rt));
    }
    let settle = || tokio::time::sleep(Duration::from_millis(150));
    settle().await;
    assert_eq!(ticks.load(Ordering::SeqCst), 0, "nothing is due before the first minute");
    for period in 1..=4 {
        clock.set(datetime!(2026-01-01 00:00:00 UTC) + time::Duration::minutes(period) + time::Duration::milliseconds(5));
        support::eventually(10, "one tick", || async { ticks.load(Ordering::SeqCst) == period as usize }).await;
        settle().await;
        assert_eq!(ticks.load(Ordering::SeqCst), period as usize, "exactly one tick for period {period}");
    }
    // A long outage: the missed periods fire once, not once each.
    clock.set(datetime!(2026-01-01 01:00:30 UTC));
    support::eventually(10, "catch-up tick", || async { ticks.load(Ordering::SeqCst) == 5 }).await;
    settle().await;
    assert_eq!(ticks.load(Ordering::SeqCst), 5);
    for (stop, handle) in runs {
        stop.send(()).unwrap();
        handle.await.unwrap().unwrap();
    }
    let mut h = db.store.conn().await.unwrap();
    let tick_jobs = jobs::list(h.conn(), &ListFilter { kind: Some(Tick::KIND.into()), ..ListFilter::default() }).await.unwrap();
    let mut keys: Vec<String> = tick_jobs.iter().filter_map(|j| j.unique_key.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 5, "{keys:?}");
    let schedules = jobs::schedules(h.conn()).await.unwrap();
    assert_eq!(schedules.len(), 1);
    assert_eq!(schedules[0].next_run_at, datetime!(2026-01-01 01:01:00 UTC));
    assert_eq!(schedules[0].spec, "toutes les 60 s");
});

both!(failures_are_retried_with_backoff_then_the_job_dies, |db| {
    let attempts: Arc<Mutex<Vec<(u32, tokio::time::Instant)>>> = Arc::default();
    let mut reg = Registry::new();
    let seen = Arc::clone(&attempts);
    reg.register(move |ctx, job: Flaky| {
        let seen = Arc::clone(&seen);
        async move {
            seen.lock().unwrap().push((job.failures, tokio::time::Instant::now()));
            if (ctx.attempt() as u32) <= job.failures { Err(JobError::retry("service indisponible")) } else { Ok(()) }
        }
    });
    reg.register(|_ctx, _job: Count| async { Err(JobError::fatal("entrée refusée")) });
    let always = created(obs_jobs::enqueue(&db.store, &Flaky { failures: 99 }).await.unwrap());
    let twice = created(obs_jobs::enqueue(&db.store, &Flaky { failures: 2 }).await.unwrap());
    let fatal = created(obs_jobs::enqueue(&db.store, &Count { n: 0 }).await.unwrap());
    let garbled = {
        let mut h = db.store.conn().await.unwrap();
        let now = OffsetDateTime::now_utc();
        let new = jobs::NewJob { kind: Count::KIND, payload: "{\"n\": \"pas un nombre\"}", run_at: now, max_attempts: 5, unique_key: None };
        created(jobs::enqueue(h.conn(), &new, now).await.unwrap())
    };
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(support::fast(2)));
    support::eventually(20, "all settled", || async {
        let (a, b, c, d) = (job(&db.store, always).await, job(&db.store, twice).await, job(&db.store, fatal).await, job(&db.store, garbled).await);
        a.state == JobState::Dead && b.state == JobState::Done && c.state == JobState::Dead && d.state == JobState::Dead
    })
    .await;
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();

    let a = job(&db.store, always).await;
    assert_eq!((a.attempts, a.last_error.as_deref()), (3, Some("service indisponible")));
    assert!(a.finished_at.is_some());
    let times: Vec<tokio::time::Instant> = attempts.lock().unwrap().iter().filter(|(f, _)| *f == 99).map(|(_, t)| *t).collect();
    assert_eq!(times.len(), 3);
    // Backoff 20 ms then 40 ms (no jitter in tests).
    assert!(times[1] - times[0] >= Duration::from_millis(20), "{:?}", times[1] - times[0]);
    assert!(times[2] - times[1] >= Duration::from_millis(40), "{:?}", times[2] - times[1]);

    let b = job(&db.store, twice).await;
    assert_eq!(b.attempts, 3, "two failures then success");
    let c = job(&db.store, fatal).await;
    assert_eq!((c.attempts, c.last_error.as_deref()), (1, Some("entrée refusée")), "a fatal error is not retried");
    let d = job(&db.store, garbled).await;
    assert_eq!(d.attempts, 1);
    assert!(d.last_error.unwrap().contains("contenu illisible"));
});

both!(a_unique_key_makes_enqueue_idempotent_while_pending, |db| {
    let k = Keyed { key: "rapport-2026-t3".into() };
    let first = created(obs_jobs::enqueue(&db.store, &k).await.unwrap());
    assert_eq!(obs_jobs::enqueue(&db.store, &k).await.unwrap(), Enqueued::AlreadyPending);
    created(obs_jobs::enqueue(&db.store, &Keyed { key: "autre".into() }).await.unwrap());
    assert_eq!(count_in(&db.store, JobState::Queued).await, 2);

    let mut reg = Registry::new();
    reg.register(|_ctx, _job: Keyed| async { Ok(()) });
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(support::fast(1)));
    support::eventually(10, "done", || async { job(&db.store, first).await.state == JobState::Done }).await;
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();
    // Finished: the key is free again.
    let again = created(obs_jobs::enqueue(&db.store, &k).await.unwrap());
    assert_ne!(again, first);
});

both!(cancel_and_retry_as_the_command_line_uses_them, |db| {
    let now = OffsetDateTime::now_utc();
    let later = now + time::Duration::hours(1);
    let id = created(obs_jobs::enqueue_at(&db.store, &Count { n: 7 }, later, now).await.unwrap());
    let mut h = db.store.conn().await.unwrap();
    let j = jobs::cancel(h.conn(), id, now).await.unwrap();
    assert_eq!((j.state, j.finished_at.is_some()), (JobState::Cancelled, true));
    let again = jobs::cancel(h.conn(), id, now).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(ref m) if m.contains("déjà terminée")), "{again}");
    let j = jobs::retry(h.conn(), id, now).await.unwrap();
    assert_eq!((j.state, j.attempts, j.run_at, j.finished_at), (JobState::Queued, 0, obs_store::jobs::from_ms(obs_store::jobs::to_ms(now)).unwrap(), None));
    let pending = jobs::retry(h.conn(), id, now).await.unwrap_err();
    assert!(matches!(pending, StoreError::Conflict(_)), "{pending}");
    assert!(matches!(jobs::cancel(h.conn(), 999_999, now).await.unwrap_err(), StoreError::NotFound(_)));
    assert!(matches!(jobs::retry(h.conn(), 999_999, now).await.unwrap_err(), StoreError::NotFound(_)));
    assert!(matches!(jobs::get(h.conn(), 999_999).await.unwrap_err(), StoreError::NotFound(_)));
    let listed = jobs::list(h.conn(), &ListFilter { state: Some(JobState::Queued), ..ListFilter::default() }).await.unwrap();
    assert_eq!(listed.iter().map(|j| j.id).collect::<Vec<_>>(), [id]);
    drop(h);

    // Cancelling a running job: its worker loses the lease at the next heartbeat and drops it.
    struct Flag(Arc<AtomicBool>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicBool::new(false));
    let mut reg = Registry::new();
    let d = Arc::clone(&dropped);
    reg.register(move |_ctx, _job: Count| {
        let flag = Flag(Arc::clone(&d));
        async move {
            let _flag = flag;
            std::future::pending::<()>().await;
            Ok(())
        }
    });
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(support::fast(1)));
    support::eventually(10, "running", || async { job(&db.store, id).await.state == JobState::Running }).await;
    {
        let mut h = db.store.conn().await.unwrap();
        jobs::cancel(h.conn(), id, OffsetDateTime::now_utc()).await.unwrap();
    }
    support::eventually(10, "handler dropped", || async { dropped.load(Ordering::SeqCst) }).await;
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();
    assert_eq!(job(&db.store, id).await.state, JobState::Cancelled);
});

both!(graceful_shutdown_finishes_short_jobs_and_releases_long_ones, |db| {
    // A short job finishes within the grace period.
    let mut reg = Registry::new();
    reg.register(|_ctx, job: Count| async move {
        if job.n == 0 {
            tokio::time::sleep(Duration::from_millis(300)).await;
        } else {
            std::future::pending::<()>().await;
        }
        Ok(())
    });
    let short = created(obs_jobs::enqueue(&db.store, &Count { n: 0 }).await.unwrap());
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(support::fast(1)));
    support::eventually(10, "short job running", || async { job(&db.store, short).await.state == JobState::Running }).await;
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();
    assert_eq!(job(&db.store, short).await.state, JobState::Done);

    // A long job is released when the grace period ends; a queued one is not claimed any more.
    let long = created(obs_jobs::enqueue(&db.store, &Count { n: 1 }).await.unwrap());
    let mut reg = Registry::new();
    reg.register(|_ctx, job: Count| async move {
        if job.n == 1 {
            std::future::pending::<()>().await;
        }
        Ok(())
    });
    let mut cfg = support::fast(1);
    cfg.grace = Duration::from_millis(150);
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(cfg));
    support::eventually(10, "long job running", || async { job(&db.store, long).await.state == JobState::Running }).await;
    let waiting = created(obs_jobs::enqueue(&db.store, &Count { n: 2 }).await.unwrap());
    let asked = tokio::time::Instant::now();
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();
    assert!(asked.elapsed() < Duration::from_secs(3), "shutdown waited {:?}", asked.elapsed());
    let l = job(&db.store, long).await;
    assert_eq!((l.state, l.attempts, l.lease_owner), (JobState::Queued, 0, None), "released, attempt not counted");
    assert_eq!(job(&db.store, waiting).await.state, JobState::Queued);
});

both!(housekeeping_purges_old_finished_jobs_and_optimizes, |db| {
    let now = datetime!(2026-06-15 12:00 UTC);
    let mut h = db.store.conn().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        let new = jobs::NewJob { kind: Count::KIND, payload: &format!("{{\"n\":{n}}}"), run_at: now, max_attempts: 1, unique_key: None };
        ids.push(created(jobs::enqueue(h.conn(), &new, now).await.unwrap()));
    }
    // Job 0 cancelled 40 days ago, job 1 cancelled 10 days ago, job 2 still queued.
    jobs::cancel(h.conn(), ids[0], now - time::Duration::days(40)).await.unwrap();
    jobs::cancel(h.conn(), ids[1], now - time::Duration::days(10)).await.unwrap();
    drop(h);

    let clock = Arc::new(ManualClock::new(now));
    let mut reg = Registry::<()>::new();
    obs_jobs::housekeeping::register(&mut reg, &obs_jobs::housekeeping::Housekeeping::default()).unwrap();
    // Run the two housekeeping jobs by enqueuing them now (the schedules fire at night).
    obs_jobs::enqueue_at(&db.store, &obs_jobs::housekeeping::PurgeFinishedJobs { days: 30 }, now, now).await.unwrap();
    let opt = created(obs_jobs::enqueue_at(&db.store, &obs_jobs::housekeeping::OptimizeDatabase {}, now, now).await.unwrap());
    let mut cfg = support::fast(1);
    cfg.lease = Duration::from_secs(3600);
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(cfg).with_clock(clock));
    support::eventually(10, "housekeeping done", || async { count_in(&db.store, JobState::Done).await == 2 }).await;
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();
    let mut h = db.store.conn().await.unwrap();
    assert!(matches!(jobs::get(h.conn(), ids[0]).await.unwrap_err(), StoreError::NotFound(_)), "40 days old: purged");
    assert_eq!(jobs::get(h.conn(), ids[1]).await.unwrap().state, JobState::Cancelled, "10 days old: kept");
    assert_eq!(jobs::get(h.conn(), ids[2]).await.unwrap().state, JobState::Queued, "pending: kept");
    assert_eq!(jobs::get(h.conn(), opt).await.unwrap().state, JobState::Done);
    // Both daily schedules are declared for the next night, Paris time (summer: UTC+2).
    let schedules = jobs::schedules(h.conn()).await.unwrap();
    let next: Vec<(&str, OffsetDateTime)> = schedules.iter().map(|s| (s.name.as_str(), s.next_run_at)).collect();
    assert_eq!(
        next,
        [
            (obs_jobs::housekeeping::OPTIMIZE_SCHEDULE, datetime!(2026-06-16 02:00 UTC)),
            (obs_jobs::housekeeping::PURGE_SCHEDULE, datetime!(2026-06-16 01:30 UTC)),
        ]
    );
});

both!(statistics_count_depth_failures_and_lag, |db| {
    let now = datetime!(2026-06-15 12:00 UTC);
    let mut h = db.store.conn().await.unwrap();
    let mk = |kind: &'static str, run_at: OffsetDateTime| jobs::NewJob { kind, payload: "{}", run_at, max_attempts: 2, unique_key: None };
    let due_early = created(jobs::enqueue(h.conn(), &mk("a", now - time::Duration::minutes(5)), now).await.unwrap());
    created(jobs::enqueue(h.conn(), &mk("a", now + time::Duration::minutes(5)), now).await.unwrap());
    created(jobs::enqueue(h.conn(), &mk("b", now - time::Duration::minutes(1)), now).await.unwrap());
    // Claim "a"'s due job and fail it once: queued again with an error (retrying).
    let claimed = jobs::claim(h.conn(), "w", &["a"], Duration::from_secs(60), 10, now).await.unwrap();
    assert_eq!(claimed.iter().map(|c| c.lease.id).collect::<Vec<_>>(), [due_early]);
    let retry_at = now + time::Duration::minutes(1);
    assert!(jobs::fail(h.conn(), &claimed[0].lease, "oups", jobs::AfterFailure::RetryAt(retry_at), now).await.unwrap());
    // A second failure is refused to a stale lease (fencing).
    assert!(!jobs::fail(h.conn(), &claimed[0].lease, "oups", jobs::AfterFailure::Dead, now).await.unwrap());
    drop(h);
    let s = jobs::stats_at(&db.store, now).await.unwrap();
    assert_eq!(s.count(JobState::Queued), 3);
    assert_eq!(s.retrying, 1);
    assert_eq!(s.oldest_due, Some(now - time::Duration::minutes(1)));
    assert_eq!(
        s.by_kind.iter().map(|c| (c.kind.as_str(), c.state, c.count)).collect::<Vec<_>>(),
        [("a", JobState::Queued, 2), ("b", JobState::Queued, 1)]
    );
});

both!(a_panicking_handler_is_retried_and_its_worker_survives, |db| {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut reg = Registry::new();
    let c = Arc::clone(&calls);
    reg.register(move |_ctx, _job: Tick| {
        let first = c.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            assert!(!first, "boom on the first attempt");
            Ok(())
        }
    });
    let id = created(obs_jobs::enqueue(&db.store, &Tick {}).await.unwrap());
    let (stop, run) = start(Runtime::new(db.instance().await, reg, ()).with_config(support::fast(1)));
    support::eventually(10, "done after the panic", || async { job(&db.store, id).await.state == JobState::Done }).await;
    stop.send(()).unwrap();
    run.await.unwrap().unwrap();
    let j = job(&db.store, id).await;
    assert_eq!((j.attempts, j.last_error.as_deref()), (2, Some("le traitement de la tâche a paniqué")));
});

both!(the_runtime_refuses_to_start_on_a_bad_setup, |db| {
    let mut reg = Registry::<()>::new();
    reg.schedule("test.orphan", Recurrence::every_seconds(60).unwrap(), &Tick {}).unwrap();
    let err = Runtime::new(db.instance().await, reg, ()).run(async {}).await.unwrap_err();
    assert!(err.to_string().contains("« test.orphan »"), "{err}");
    let mut cfg = support::fast(1);
    cfg.heartbeat = cfg.lease;
    let err = Runtime::new(db.instance().await, Registry::<()>::new(), ()).with_config(cfg).run(async {}).await.unwrap_err();
    assert!(err.to_string().contains("heartbeat"), "{err}");
});
