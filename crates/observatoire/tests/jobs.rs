//! Background jobs from the command line, end to end on SQLite and (when `TEST_DATABASE_URL` is
//! set) PostgreSQL: `jobs list|show|retry|cancel`, `worker`, and the workers inside `serve`.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use obs_jobs::housekeeping::PurgeFinishedJobs;
use obs_jobs::{Enqueued, JobState};
use obs_store::Store;
use time::OffsetDateTime;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A test database (SQLite file or fresh PostgreSQL database) and the binary pointed at it.
struct Target {
    url: String,
    sqlite_dir: Option<tempfile::TempDir>,
}

impl Target {
    fn sqlite() -> Target {
        let dir = tempfile::tempdir().unwrap();
        Target { url: dir.path().join("o.db").to_string_lossy().into_owned(), sqlite_dir: Some(dir) }
    }

    fn postgres(name: &str) -> Option<Target> {
        let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("!!! PostgreSQL IGNORÉ pour « {name} » : TEST_DATABASE_URL n'est pas défini");
            return None;
        };
        let db = format!("obs_clijobs_{name}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let url = block_on(Store::create_postgres_database(&base, &db)).unwrap();
        Some(Target { url, sqlite_dir: None })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_observatoire"));
        cmd.env_remove("DATABASE_URL").env_remove("OBSERVATOIRE_WORKERS").env("OBS_LOG", "warn");
        match &self.sqlite_dir {
            Some(_) => {
                cmd.arg("--db").arg(Path::new(&self.url));
            }
            None => {
                cmd.env("DATABASE_URL", &self.url);
            }
        }
        cmd.args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    }

    /// Runs `f` on a fresh connection to the test database (one runtime for both: PostgreSQL
    /// connections belong to the runtime that opened them).
    fn with_store<T, Fut: std::future::Future<Output = T>>(&self, f: impl FnOnce(Store) -> Fut) -> T {
        block_on(async {
            let store = Store::connect(&self.url).await.unwrap();
            let out = f(store.clone()).await;
            store.close().await;
            out
        })
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

fn enqueue_purge(t: &Target, run_at: OffsetDateTime) -> i64 {
    let id = t.with_store(|store| async move {
        obs_jobs::enqueue_at(&store, &PurgeFinishedJobs { days: 30 }, run_at, OffsetDateTime::now_utc()).await.unwrap()
    });
    match id {
        Enqueued::Created(id) => id,
        Enqueued::AlreadyPending => panic!("new job expected"),
    }
}

fn state(t: &Target, id: i64) -> JobState {
    t.with_store(|store| async move {
        let mut h = store.conn().await.unwrap();
        obs_store::jobs::get(h.conn(), id).await.unwrap().state
    })
}

fn wait_for(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends SIGTERM (what a service manager sends) and returns the exit output.
fn terminate(mut child: Child) -> Output {
    let ok = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn queue_commands(t: &Target) {
    t.ok(&["migrate"]);
    assert_eq!(t.ok(&["jobs", "list"]).trim(), "Aucune tâche.");
    assert!(t.ok(&["jobs", "schedules"]).contains("Aucune tâche périodique"));
    let later = OffsetDateTime::now_utc() + time::Duration::hours(2);
    let id = enqueue_purge(t, later);
    let ids = id.to_string();
    let list = t.ok(&["jobs", "list"]);
    assert!(list.contains("jobs.purge_finished") && list.contains("en attente") && list.contains("essais 0/5"), "{list}");
    let show = t.ok(&["jobs", "show", &ids]);
    assert!(show.contains(&format!("Tâche n° {id} — jobs.purge_finished")) && show.contains("contenu : {\"days\":30}"), "{show}");
    let json: serde_json::Value = serde_json::from_str(&t.ok(&["jobs", "show", &ids, "--json"])).unwrap();
    assert_eq!(json["state"], "queued");
    assert!(t.ok(&["jobs", "cancel", &ids]).contains("annulée"));
    assert!(t.fails(&["jobs", "cancel", &ids]).contains("déjà terminée"));
    assert_eq!(t.ok(&["jobs", "list", "--state", "queued"]).trim(), "Aucune tâche.");
    assert!(t.ok(&["jobs", "list", "--state", "cancelled", "--json"]).contains("\"cancelled\""));
    assert!(t.ok(&["jobs", "retry", &ids]).contains("remise en file"));
    assert!(t.fails(&["jobs", "retry", &ids]).contains("rien à relancer"));
    assert!(t.fails(&["jobs", "show", "999999"]).contains("tâche n° 999999 introuvable"));
    assert!(!t.run(&["jobs", "list", "--state", "finie"]).status.success());
}

#[test]
fn queue_commands_sqlite() {
    queue_commands(&Target::sqlite());
}

#[test]
fn queue_commands_postgres() {
    if let Some(t) = Target::postgres("queue") {
        queue_commands(&t);
    }
}

fn worker_process(t: &Target) {
    t.ok(&["migrate"]);
    let id = enqueue_purge(t, OffsetDateTime::now_utc());
    let child = t.spawn(&["worker", "--workers", "1"], &[]);
    wait_for(30, "job done by the worker", || state(t, id) == JobState::Done);
    let out = terminate(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Tâches de fond arrêtées"), "{stderr}");
    let schedules = t.with_store(|store| async move {
        let mut h = store.conn().await.unwrap();
        obs_store::jobs::schedules(h.conn()).await.unwrap()
    });
    let names: Vec<&str> = schedules.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["housekeeping.optimize_database", "housekeeping.purge_finished_jobs"]);
    let listed = t.ok(&["jobs", "schedules"]);
    assert!(listed.contains("housekeeping.purge_finished_jobs") && listed.contains("chaque jour à 03:30:00 (heure de Paris)"), "{listed}");
    assert!(t.fails(&["worker", "--workers", "0"]).contains("--workers"));
}

#[test]
fn worker_process_sqlite() {
    worker_process(&Target::sqlite());
}

#[test]
fn worker_process_postgres() {
    if let Some(t) = Target::postgres("worker") {
        worker_process(&t);
    }
}

fn serve_runs_workers_unless_turned_off(t: &Target) {
    t.ok(&["migrate"]);
    let id = enqueue_purge(t, OffsetDateTime::now_utc());
    // Turned off through the environment: the job stays queued.
    let off = t.spawn(&["serve", "--listen", "127.0.0.1:0"], &[("OBSERVATOIRE_WORKERS", "0")]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(state(t, id), JobState::Queued);
    let out = terminate(off);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Default: two workers inside the server run it.
    let on = t.spawn(&["serve", "--listen", "127.0.0.1:0"], &[]);
    wait_for(30, "job done inside serve", || state(t, id) == JobState::Done);
    let out = terminate(on);
    assert!(out.status.success(), "{:?} {}", out.status, String::from_utf8_lossy(&out.stderr));
}

#[test]
fn serve_runs_workers_unless_turned_off_sqlite() {
    serve_runs_workers_unless_turned_off(&Target::sqlite());
}

#[test]
fn serve_runs_workers_unless_turned_off_postgres() {
    if let Some(t) = Target::postgres("serve") {
        serve_runs_workers_unless_turned_off(&t);
    }
}
