//! The command line, end to end: every documented command form on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set (each test on its own database).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// Where a test's database lives: an SQLite file or a fresh PostgreSQL database URL.
enum Target {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Target {
    fn sqlite() -> Target {
        Target::Sqlite(tempfile::tempdir().unwrap())
    }

    fn postgres(name: &str) -> Option<Target> {
        let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("!!! PostgreSQL IGNORÉ pour « {name} » : TEST_DATABASE_URL n'est pas défini");
            return None;
        };
        let db = format!("obs_cli_{name}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let rt = tokio::runtime::Runtime::new().unwrap();
        let url = rt.block_on(obs_store::Store::create_postgres_database(&base, &db)).unwrap();
        Some(Target::Postgres(url))
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_observatoire"));
        cmd.env_remove("DATABASE_URL").env("OBS_LOG", "warn");
        match self {
            Target::Sqlite(dir) => {
                cmd.arg("--db").arg(dir.path().join("o.db"));
            }
            Target::Postgres(url) => {
                cmd.env("DATABASE_URL", url);
            }
        }
        cmd.args(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Gives the database an older schema that holds data: a table of a previous version and
    /// none of the migrations' bookkeeping, as on a database created before migrations existed.
    fn make_old_schema(&self) {
        use sqlx::Connection;
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let sql = "CREATE TABLE ancienne_table (id INTEGER PRIMARY KEY, nom TEXT)";
            match self {
                Target::Sqlite(dir) => {
                    let url = format!("sqlite://{}?mode=rwc", dir.path().join("o.db").display());
                    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                    sqlx::query(sql).execute(&mut c).await.unwrap();
                    sqlx::query("INSERT INTO ancienne_table (nom) VALUES ('donnée')").execute(&mut c).await.unwrap();
                }
                Target::Postgres(url) => {
                    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                    sqlx::query(sql).execute(&mut c).await.unwrap();
                }
            }
        });
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }
}

fn full_cycle(t: &Target) {
    let snap = data().join("dashlord/2025-12-31");
    let snap = snap.to_str().unwrap();
    let cat = data().join("demo-catalogue.csv");
    // A brand-new empty database gets its schema from the first command, whatever it is.
    t.ok(&["edition", "create", "2025-t4", "--name", "Décembre 2025", "--cutoff", "2025-12-31"]);
    assert!(t.ok(&["migrate"]).contains("Schéma à jour"), "migrate has nothing left to do");
    t.ok(&["edition", "create", "2024-t3", "--name", "Septembre 2024", "--rules", "2023"]);
    let list = t.ok(&["edition", "list"]);
    assert!(list.contains("2025-t4") && list.contains("brouillon"), "{list}");
    let out = t.ok(&["import", "dashlord", snap, "--edition", "2025-t4", "--catalogue", cat.to_str().unwrap()]);
    assert!(out.contains("253 démarches"), "{out}");
    t.ok(&["import", "dashlord", data().join("dashlord/2024-09-30").to_str().unwrap(), "--edition", "2024-t3"]);
    let show = t.ok(&["edition", "show", "2025-t4"]);
    assert!(show.contains("fenêtre des avis : 2025-01-01 → 2025-12-31"), "{show}");
    assert!(show.contains("journal :") && show.contains("import.dashlord") && show.contains("edition.create"), "{show}");
    t.ok(&["edition", "consult", "2025-t4"]);
    t.ok(&["edition", "publish", "2024-t3"]);
    let out = t.ok(&["edition", "publish", "2025-t4"]);
    assert!(out.contains("révision 1"), "{out}");
    assert!(t.fails(&["edition", "publish", "2025-t4"]).contains("ne change jamais"));
    let syn: serde_json::Value = serde_json::from_str(&t.ok(&["edition", "synthesis", "2025-t4", "--json"])).unwrap();
    assert_eq!(syn["edition"], "2025-t4");
    assert_eq!(syn["demarches"], 253);
    let inds = syn["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 12);
    for i in inds {
        assert!(i["slug"].is_string() && i["at_goal"].is_u64() && i["evaluated"].is_u64());
        for l in i["levels"].as_array().unwrap() {
            assert!(["green", "yellow", "red", "blue", "gray"].contains(&l["color"].as_str().unwrap()));
            assert!(l["label"].is_string() && l["count"].is_u64());
        }
    }
    let text = t.ok(&["edition", "synthesis", "2025-t4"]);
    assert!(text.contains("taux de dématérialisation pondéré") && text.contains("avec FranceConnect"), "{text}");
    let diff: serde_json::Value = serde_json::from_str(&t.ok(&["edition", "diff", "2024-t3", "2025-t4", "--json"])).unwrap();
    assert!(!diff["entered"].as_array().unwrap().is_empty() && diff["changes"].as_array().is_some());
    let csv = t.ok(&["export", "edition", "2025-t4", "--format", "csv"]);
    assert!(csv.starts_with('\u{feff}') && csv.lines().count() == 254);
    let dir = tempfile::tempdir().unwrap();
    for f in ["xlsx", "json", "schema", "csv-virgule"] {
        let path = dir.path().join(format!("out.{f}"));
        t.ok(&["export", "edition", "2025-t4", "--format", f, "--out", path.to_str().unwrap()]);
        assert!(std::fs::metadata(&path).unwrap().len() > 100);
    }
    // Corrections make a new revision.
    assert!(t.fails(&["import", "sheet", "/nonexistent.csv", "--edition", "2025-t4"]).contains("illisible"));
    let sheet = dir.path().join("c.csv");
    std::fs::write(&sheet, "Dashlord_ID_JDMA;Nom_Demarche;Taux_RGAA_Publie\n1703;Démarche corrigée;1\n").unwrap();
    assert!(t.fails(&["import", "sheet", sheet.to_str().unwrap(), "--edition", "2025-t4"]).contains("edition correct"));
    t.ok(&["edition", "correct", "2025-t4", "--reason", "Taux RGAA corrigé"]);
    t.ok(&["import", "sheet", sheet.to_str().unwrap(), "--edition", "2025-t4"]);
    assert!(t.ok(&["edition", "publish", "2025-t4"]).contains("révision 2"));
    let show: serde_json::Value = serde_json::from_str(&t.ok(&["edition", "show", "2025-t4", "--json"])).unwrap();
    assert_eq!(show["edition"]["state"], "corrigée");
    assert_eq!(show["revisions"].as_array().unwrap().len(), 2);
}

fn bad_input(t: &Target) {
    t.ok(&["migrate"]);
    t.ok(&["edition", "create", "e", "--name", "E"]);
    assert!(t.fails(&["edition", "show", "inconnue"]).contains("introuvable"));
    assert!(t.fails(&["edition", "create", "e", "--name", "E"]).contains("existe déjà"));
    assert!(t.fails(&["edition", "create", "f", "--name", "F", "--rules", "1999"]).contains("inconnu"));
    assert!(t.fails(&["edition", "create", "g", "--name", "G", "--feedback-window", "2025-12-31..2025-01-01"]).contains("après la fin"));
    assert!(t.fails(&["edition", "create", "g", "--name", "G", "--probe-window", "2025-10-01"]).contains("AAAA-MM-JJ..AAAA-MM-JJ"));
    t.ok(&["edition", "create", "g", "--name", "G", "--cutoff", "2025-12-31", "--probe-window", "2025-11-01..2025-12-31"]);
    let show = t.ok(&["edition", "show", "g"]);
    assert!(show.contains("fenêtre des sondes : 2025-11-01 → 2025-12-31") && show.contains("fenêtre des avis : 2025-01-01 → 2025-12-31"), "{show}");
    assert!(t.fails(&["export", "edition", "e", "--format", "pdf"]).contains("format"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("snap");
    std::fs::create_dir_all(bad.join("42")).unwrap();
    std::fs::write(bad.join("42/jdma.json"), "{ pas du json").unwrap();
    let err = t.fails(&["import", "dashlord", bad.to_str().unwrap(), "--edition", "e"]);
    assert!(err.contains("42") && err.contains("jdma.json") && err.contains("rien n'a été enregistré"), "{err}");
    let show: serde_json::Value = serde_json::from_str(&t.ok(&["edition", "show", "e", "--json"])).unwrap();
    assert_eq!(show["demarches"], 0, "nothing written");
    let out = t.ok(&["import", "dashlord", bad.to_str().unwrap(), "--edition", "e", "--skip-invalid"]);
    assert!(out.contains("1 démarches"), "{out}");
    let csv = dir.path().join("m.csv");
    std::fs::write(&csv, "Ref_Demarche;Note_Satisfaction\nD1;8\n").unwrap();
    let err = t.fails(&["import", "sheet", csv.to_str().unwrap(), "--edition", "e"]);
    assert!(err.contains("Nom_Demarche"), "{err}");
    let mapping = dir.path().join("map.toml");
    std::fs::write(&mapping, "[columns]\nNom_Demarche = [\"Intitulé\"]\n").unwrap();
    std::fs::write(&csv, "Ref_Demarche;Intitulé;Note_Satisfaction\nD1;Carte grise;8\n").unwrap();
    t.ok(&["import", "sheet", csv.to_str().unwrap(), "--edition", "e", "--mapping", mapping.to_str().unwrap()]);
}

/// Only an older schema that holds something waits for `observatoire migrate`; the refusal
/// writes nothing, and `migrate` then brings it up to date.
fn old_schema(t: &Target) {
    t.make_old_schema();
    for args in [&["edition", "list"][..], &["edition", "create", "x", "--name", "X"]] {
        let err = t.fails(args);
        assert!(err.contains("observatoire migrate"), "{args:?}: {err}");
    }
    t.ok(&["migrate"]);
    assert!(!t.ok(&["edition", "list"]).contains('x'), "the refused creation wrote nothing");
    t.ok(&["edition", "create", "x", "--name", "X"]);
}

#[test]
fn old_schema_sqlite() {
    old_schema(&Target::sqlite());
}

#[test]
fn old_schema_postgres() {
    if let Some(t) = Target::postgres("old") {
        old_schema(&t);
    }
}

#[test]
fn full_cycle_sqlite() {
    full_cycle(&Target::sqlite());
}

#[test]
fn full_cycle_postgres() {
    if let Some(t) = Target::postgres("cycle") {
        full_cycle(&t);
    }
}

#[test]
fn bad_input_sqlite() {
    bad_input(&Target::sqlite());
}

#[test]
fn bad_input_postgres() {
    if let Some(t) = Target::postgres("bad") {
        bad_input(&t);
    }
}

#[test]
fn demo_builds_three_published_editions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .env_remove("DATABASE_URL")
        .args(["demo", "--no-serve", "--db", db.to_str().unwrap(), "--data", data().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("publiée").count(), 3, "{text}");
    // It never deletes a real database given by mistake.
    let real = Target::sqlite();
    real.ok(&["migrate"]);
    real.ok(&["edition", "create", "vraie", "--name", "Vraie"]);
    let Target::Sqlite(real_dir) = &real else { unreachable!() };
    let out = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .env_remove("DATABASE_URL")
        .args(["demo", "--no-serve", "--db", real_dir.path().join("o.db").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("n'est pas une base de démonstration"));
    assert!(real.ok(&["edition", "list"]).contains("vraie"), "still there");
    // Running it again rebuilds a fresh database rather than failing or duplicating.
    let again = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .env_remove("DATABASE_URL")
        .args(["demo", "--no-serve", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(again.status.success());
}

/// The released binary alone runs the demo: its data are embedded, never looked up next to the
/// sources or in the working directory (issue 6).
#[test]
fn demo_runs_from_any_folder_with_embedded_data() {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .current_dir(elsewhere.path())
        .env_remove("DATABASE_URL")
        .env_remove("CARGO_MANIFEST_DIR")
        .args(["demo", "--no-serve"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("publiée").count(), 3, "{text}");
    let db = elsewhere.path().join("observatoire-demo.db");
    assert!(db.exists(), "the default demo database is created in the working folder");
    let list = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .current_dir(elsewhere.path())
        .env_remove("DATABASE_URL")
        .args(["--db", db.to_str().unwrap(), "edition", "list"])
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    for slug in ["2023-juin", "2024-septembre", "2025-decembre"] {
        assert!(list.contains(slug), "{slug} missing from {list}");
    }
    // `--data` still overrides, and names the folder it could not read.
    let out = Command::new(env!("CARGO_BIN_EXE_observatoire"))
        .current_dir(elsewhere.path())
        .env_remove("DATABASE_URL")
        .args(["demo", "--no-serve", "--db", "autre.db", "--data", "nulle-part"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nulle-part"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn serve_refuses_an_old_schema_then_serves() {
    let t = Target::sqlite();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    // On an older schema that holds data the production entry point refuses to start.
    t.make_old_schema();
    let err = t.fails(&["serve", "--listen", &listen]);
    assert!(err.contains("observatoire migrate"), "{err}");
    t.ok(&["migrate"]);
    // A malformed /metrics allow-list is refused at start, naming the variable.
    let Target::Sqlite(dir) = &t else { unreachable!() };
    let serve = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_observatoire"));
        cmd.env_remove("DATABASE_URL").env_remove("OBSERVATOIRE_METRICS_ALLOW").arg("--db").arg(dir.path().join("o.db"));
        cmd.args(["serve", "--listen", &listen]);
        cmd
    };
    let out = serve().env("OBSERVATOIRE_METRICS_ALLOW", "10.0.0.0/99").output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("OBSERVATOIRE_METRICS_ALLOW"));
    // JSON logs, one line per request.
    let mut child = serve()
        .env("OBSERVATOIRE_LOG_FORMAT", "json")
        .env("OBS_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let get = |path: &str| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&listen)?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut body = String::new();
        s.read_to_string(&mut body)?;
        Ok::<_, std::io::Error>(body)
    };
    let mut body = String::new();
    for _ in 0..100 {
        if let Ok(b) = get("/sante") {
            body = b;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The peer address reaches the allow-list through the real server: loopback may read.
    let metrics = get("/metrics").unwrap();
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(body.starts_with("HTTP/1.1 200") && body.ends_with("ok"), "{body}");
    assert!(body.to_lowercase().contains("x-request-id: "), "{body}");
    assert!(metrics.starts_with("HTTP/1.1 200") && metrics.contains("observatoire_http_requests_total{method=\"GET\",route=\"/sante\",status=\"200\"} 1"), "{metrics}");
    // The job queue's figures come from the real jobs table (the binary wires its adapter).
    assert!(metrics.contains("observatoire_jobs_stats_up 1"), "{metrics}");
    let logs = String::from_utf8_lossy(&out.stderr);
    let line = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["route"] == "/sante")
        .unwrap_or_else(|| panic!("no JSON line for /sante in: {logs}"));
    assert_eq!(line["fields"]["status"], 200);
    assert_eq!(line["fields"]["method"], "GET");
    assert!(line["span"]["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{line}");
}
