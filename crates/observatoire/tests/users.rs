//! `observatoire user create|list|disable`, end to end, on SQLite and on PostgreSQL when
//! `TEST_DATABASE_URL` is set. Scripts outside the repository rely on these exact forms.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use obs_app::accounts::Security;
use obs_app::{App, RuleBook, Store};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

const TRAVAIL: &str = "Ministère du Travail, de la Santé et des Solidarités";
const ARMEES: &str = "Ministère des Armées";
const PASSWORD: &str = "une phrase de passe assez longue";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

enum Target {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Target {
    fn postgres() -> Option<Target> {
        let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("!!! PostgreSQL IGNORÉ pour les commandes user : TEST_DATABASE_URL n'est pas défini");
            return None;
        };
        let db = format!("obs_cli_users_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let rt = tokio::runtime::Runtime::new().unwrap();
        Some(Target::Postgres(rt.block_on(Store::create_postgres_database(&base, &db)).unwrap()))
    }

    fn url(&self) -> String {
        match self {
            Target::Sqlite(dir) => dir.path().join("o.db").to_string_lossy().into_owned(),
            Target::Postgres(url) => url.clone(),
        }
    }

    fn run_with(&self, args: &[&str], stdin: Option<&str>, public_url: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_observatoire"));
        cmd.env_remove("DATABASE_URL").env_remove("OBSERVATOIRE_PUBLIC_URL").env("OBS_LOG", "warn");
        if let Some(u) = public_url {
            cmd.env("OBSERVATOIRE_PUBLIC_URL", u);
        }
        match self {
            Target::Sqlite(dir) => cmd.arg("--db").arg(dir.path().join("o.db")),
            Target::Postgres(url) => cmd.env("DATABASE_URL", url),
        };
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_with(args, None, None)
    }

    fn ok_with(&self, args: &[&str], stdin: Option<&str>, public_url: Option<&str>) -> String {
        let out = self.run_with(args, stdin, public_url);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run_with(args, stdin, None);
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    /// Signs in through the use case, as the login page will.
    fn can_log_in(&self, email: &str, password: &str) -> bool {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let app = App::new(Store::open(&self.url()).await.unwrap(), RuleBook::embedded());
            let ok = app.authenticate(&Security::new(None), email, password).await.is_ok();
            app.close().await;
            ok
        })
    }
}

fn user_commands(t: &Target) {
    // The catalogue brings the ministries (labels with commas included).
    t.ok(&["edition", "create", "2025-t4", "--name", "Décembre 2025"]);
    let cat = data().join("demo-catalogue.csv");
    t.ok(&["import", "dashlord", data().join("dashlord/2025-12-31").to_str().unwrap(), "--edition", "2025-t4", "--catalogue", cat.to_str().unwrap()]);
    assert_eq!(t.ok(&["user", "list"]).trim(), "Aucun compte.");

    // Password from standard input, without its trailing newline.
    let out = t.ok_with(&["user", "create", "Admin@Exemple.gouv.fr", "--role", "admin", "--password-stdin"], Some(&format!("{PASSWORD}\n")), None);
    assert!(out.contains("Compte créé : admin@exemple.gouv.fr (rôle admin)."), "{out}");
    assert!(!out.contains("jeton="), "{out}");
    assert!(t.can_log_in("admin@exemple.gouv.fr", PASSWORD));
    assert!(!t.can_log_in("admin@exemple.gouv.fr", &format!("{PASSWORD}\n")));
    t.ok_with(&["user", "create", "windows@exemple.gouv.fr", "--role", "lecteur", "--password-stdin"], Some(&format!("{PASSWORD}\r\n")), None);
    assert!(t.can_log_in("windows@exemple.gouv.fr", PASSWORD));

    // A ministry account with two full labels, one of them with commas; a one-time link.
    let out = t.ok_with(
        &["user", "create", "contact@travail.gouv.fr", "--role", "ministere", "--ministere", TRAVAIL, "--ministere", ARMEES],
        None,
        Some("https://observatoire.exemple.gouv.fr/"),
    );
    assert!(out.contains(&format!("ministère : {TRAVAIL}")) && out.contains(&format!("ministère : {ARMEES}")), "{out}");
    let link = out.lines().find(|l| l.contains("jeton=")).expect(&out).trim();
    assert!(link.starts_with("https://observatoire.exemple.gouv.fr/connexion/definir-mot-de-passe?jeton="), "{link}");
    assert_eq!(link.rsplit('=').next().unwrap().len(), 43);
    assert!(out.contains("valable une heure") && out.contains("arrive avec le back-office"), "{out}");
    let out = t.ok(&["user", "create", "testeur@exemple.gouv.fr", "--role", "testeur"]);
    assert!(out.contains("http://127.0.0.1:8080/connexion/definir-mot-de-passe?jeton="), "{out}");

    // Bad input: non-zero exit, a French message, nothing written.
    let refusals: [(&[&str], Option<&str>, &str); 9] = [
        (&["user", "create", "x@exemple.gouv.fr", "--role", "chef"], None, "chef"),
        (&["user", "create", "x@exemple.gouv.fr", "--role", "ministere"], None, "au moins un ministère"),
        (&["user", "create", "x@exemple.gouv.fr", "--role", "ministere", "--ministere", "Ministère du Travail"], None, "« Ministère du Travail » inconnu du catalogue"),
        (&["user", "create", "x@exemple.gouv.fr", "--role", "lecteur", "--ministere", ARMEES], None, "ne se rattache à aucun ministère"),
        (&["user", "create", "x@exemple.gouv.fr", "--role", "lecteur", "--password-stdin"], Some("azerty123456\n"), "les plus courants"),
        (&["user", "create", "x@exemple.gouv.fr", "--role", "lecteur", "--password-stdin"], Some("court\n"), "au moins 12 caractères"),
        (&["user", "create", "x@exemple.gouv.fr", "--role", "lecteur", "--password-stdin"], Some(""), "aucun mot de passe"),
        (&["user", "create", "pas-une-adresse", "--role", "lecteur"], None, "adresse électronique « pas-une-adresse » invalide"),
        (&["user", "create", "ADMIN@exemple.gouv.fr", "--role", "lecteur"], None, "un compte existe déjà"),
    ];
    for (args, stdin, expected) in refusals {
        let err = t.fails(args, stdin);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let list: serde_json::Value = serde_json::from_str(&t.ok(&["user", "list", "--json"])).unwrap();
    let emails: Vec<&str> = list.as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["admin@exemple.gouv.fr", "contact@travail.gouv.fr", "testeur@exemple.gouv.fr", "windows@exemple.gouv.fr"]);
    let contact = &list[1];
    assert_eq!(contact["role"], "ministere");
    assert_eq!(contact["password_set"], false);
    assert_eq!(contact["disabled"], false);
    assert_eq!(contact["ministries"].as_array().unwrap().len(), 2);

    // Table, then disabling.
    let table = t.ok(&["user", "list"]);
    assert!(table.starts_with("ADRESSE"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("contact@travail.gouv.fr") && l.contains("ministere") && l.contains("à définir") && l.contains(TRAVAIL)), "{table}");
    assert!(t.ok(&["user", "disable", "windows@exemple.gouv.fr"]).contains("désactivé"));
    assert!(!t.can_log_in("windows@exemple.gouv.fr", PASSWORD));
    assert!(t.ok(&["user", "list"]).lines().any(|l| l.starts_with("windows@") && l.contains("désactivé")));
    assert!(t.fails(&["user", "disable", "windows@exemple.gouv.fr"], None).contains("déjà désactivé"));
    assert!(t.fails(&["user", "disable", "personne@exemple.gouv.fr"], None).contains("introuvable"));
}

#[test]
fn user_commands_sqlite() {
    user_commands(&Target::Sqlite(tempfile::tempdir().unwrap()));
}

#[test]
fn user_commands_postgres() {
    if let Some(t) = Target::postgres() {
        user_commands(&t);
    }
}
