//! One function per subcommand.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use obs_app::{Actor, App, AppError, EditionInput, ExportFormat, ImportOptions, ImportReport, RuleBook, Store};
use obs_domain::EditionState;

use crate::cli::{Cli, Command, EditionCmd, ExportCmd, Global, ImportCmd, RoleArg, UserCmd};

fn operator() -> Actor {
    Actor::Operator(std::env::var("USER").unwrap_or_else(|_| "operateur".into()))
}

/// The database URL: `DATABASE_URL` wins, then `--db`, then `observatoire.db`.
fn database_url(global: &Global, default_file: &str) -> String {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => global
            .db
            .clone()
            .unwrap_or_else(|| PathBuf::from(default_file))
            .to_string_lossy()
            .into_owned(),
    }
}

fn rule_book(global: &Global) -> Result<RuleBook> {
    Ok(match &global.rules_dir {
        Some(dir) => RuleBook::with_dir(dir).map_err(explain)?,
        None => RuleBook::embedded(),
    })
}

/// Opens the configured store: a brand-new empty database gets the schema; an existing one
/// must match this binary (an older one with data waits for `observatoire migrate`).
async fn open_store(global: &Global) -> Result<Store> {
    let url = database_url(global, "observatoire.db");
    Store::open(&url).await.map_err(|e| anyhow!("{e}"))
}

/// The application on the configured store.
async fn open(global: &Global) -> Result<App> {
    Ok(App::new(open_store(global).await?, rule_book(global)?))
}

/// Turns an application error into a message listing every import problem.
fn explain(e: AppError) -> anyhow::Error {
    if let AppError::ImportRejected(problems) = &e {
        let mut msg = format!("{e}\n");
        for p in problems {
            msg.push_str(&format!("  {p}\n"));
        }
        return anyhow!(msg.trim_end().to_string());
    }
    anyhow!("{e}")
}

fn print_report(r: &ImportReport) {
    for p in &r.problems {
        eprintln!("  {p}");
    }
    println!(
        "Import dans « {} » : {} démarches ({} nouvelles), {} valeurs, {} signalement(s).",
        r.edition,
        r.demarches,
        r.created,
        r.values,
        r.problems.len()
    );
}

fn progress_bar() -> obs_app::import::Progress {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} démarches").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Arc::new(move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
        if done == total {
            bar.finish_and_clear();
        }
    })
}

pub async fn run(cli: Cli) -> Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Migrate => {
            let store = Store::connect(&database_url(g, "observatoire.db")).await.map_err(|e| anyhow!("{e}"))?;
            store.migrate().await.map_err(|e| anyhow!("{e}"))?;
            println!("Schéma à jour.");
            Ok(())
        }
        Command::Serve { listen, files, jobs } => {
            let store = open_store(g).await?;
            let app = Arc::new(App::new(store.clone(), rule_book(g)?));
            let queue: Arc<dyn obs_web::QueueStats> = Arc::new(crate::worker::JobQueue(store.clone()));
            let server = obs_web::serve(Arc::clone(&app), &listen, files.as_deref(), Some(queue));
            crate::worker::alongside(app, store, jobs.workers, server).await
        }
        Command::Worker { workers } => {
            let store = open_store(g).await?;
            let app = Arc::new(App::new(store.clone(), rule_book(g)?));
            crate::worker::run_alone(app, store, workers).await
        }
        Command::Jobs(cmd) => crate::jobs::run(&open_store(g).await?, cmd).await,
        Command::Demo { listen, data, no_serve, files, jobs } => demo(g, &listen, data, no_serve, files, jobs.workers).await,
        Command::Edition(cmd) => edition(g, cmd).await,
        Command::Import(cmd) => import(g, cmd).await,
        Command::User(cmd) => user(g, cmd).await,
        Command::Export(ExportCmd::Edition { slug, format, out }) => {
            let app = open(g).await?;
            let f = ExportFormat::parse(&format)
                .ok_or_else(|| anyhow!("format « {format} » inconnu : {}", ExportFormat::cli_names()))?;
            let bytes = app.export(&operator(), &slug, f).await.map_err(explain)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &bytes).with_context(|| format!("écriture de « {} » impossible", path.display()))?;
                    eprintln!("Export écrit dans « {} » ({} octets).", path.display(), bytes.len());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
    }
}

async fn demo(g: &Global, listen: &str, data: Option<PathBuf>, no_serve: bool, files: Option<PathBuf>, workers: u16) -> Result<()> {
    let url = match std::env::var("DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            let path = g.db.clone().unwrap_or_else(|| PathBuf::from("observatoire-demo.db"));
            if path.exists() {
                refuse_unless_demo(&path).await?;
            }
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", path.display()));
                if p.exists() {
                    std::fs::remove_file(&p).with_context(|| format!("suppression de « {} » impossible", p.display()))?;
                }
            }
            path.to_string_lossy().into_owned()
        }
    };
    let store = Store::connect(&url).await.map_err(|e| anyhow!("{e}"))?;
    store.migrate().await.map_err(|e| anyhow!("{e}"))?;
    let app = App::new(store.clone(), rule_book(g)?);
    if !app.editions(&operator()).await.map_err(explain)?.is_empty() {
        bail!("la base « {url} » contient déjà des éditions : la démonstration demande une base vide");
    }
    let data = data.map_or(obs_app::demo::DemoData::Embedded, obs_app::demo::DemoData::Dir);
    let reports = obs_app::demo::build(&app, &data, None).await.map_err(explain)?;
    for r in &reports {
        let warnings = r.problems.len();
        println!(
            "Édition « {} » : {} démarches, {} valeurs, {} signalement(s) (fichiers vides ou absents…), publiée.",
            r.edition, r.demarches, r.values, warnings
        );
    }
    println!("Base de démonstration prête : {url}");
    if no_serve {
        return Ok(());
    }
    let app = Arc::new(app);
    let queue: Arc<dyn obs_web::QueueStats> = Arc::new(crate::worker::JobQueue(store.clone()));
    let server = obs_web::serve(Arc::clone(&app), listen, files.as_deref(), Some(queue));
    crate::worker::alongside(app, store, workers, server).await
}

/// `demo` rebuilds its database from scratch: it only ever deletes a file that holds nothing but
/// demonstration editions, never a real database given by mistake.
async fn refuse_unless_demo(path: &Path) -> Result<()> {
    let refuse = || anyhow!(
        "« {} » existe et n'est pas une base de démonstration : choisissez un autre fichier avec --db (rien n'a été supprimé)",
        path.display()
    );
    if std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(false) {
        return Ok(());
    }
    let store = Store::connect(&path.to_string_lossy()).await.map_err(|_| refuse())?;
    let app = App::new(store, RuleBook::embedded());
    let editions = app.editions(&operator()).await.map_err(|_| refuse())?;
    app.close().await;
    if editions.iter().all(|e| e.demo) { Ok(()) } else { Err(refuse()) }
}

async fn edition(g: &Global, cmd: EditionCmd) -> Result<()> {
    let app = open(g).await?;
    let me = operator();
    match cmd {
        EditionCmd::Create { slug, name, rules, quarter, cutoff, feedback_window, probe_window } => {
            let window = |w: Option<String>, what: &str| -> Result<Option<(String, String)>> {
                match w {
                    None => Ok(None),
                    Some(w) => match w.split_once("..") {
                        Some((a, b)) => Ok(Some((a.to_string(), b.to_string()))),
                        None => bail!("{what} « {w} » invalide : format attendu AAAA-MM-JJ..AAAA-MM-JJ"),
                    },
                }
            };
            let input = EditionInput {
                slug,
                name,
                ruleset: rules,
                quarter,
                cutoff,
                feedback_window: window(feedback_window, "fenêtre des avis")?,
                probe_window: window(probe_window, "fenêtre des sondes")?,
                demo: false,
            };
            let e = app.create_edition(&me, input).await.map_err(explain)?;
            println!("Édition « {} » créée en brouillon (règles {}).", e.slug, e.ruleset_id);
        }
        EditionCmd::List { json } => {
            let list = app.editions(&me).await.map_err(explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for e in list {
                    println!(
                        "{:<20} {:<24} {:<13} règles {}  révision {}",
                        e.slug, e.name, e.state.as_str(), e.ruleset_id, e.current_revision
                    );
                }
            }
        }
        EditionCmd::Show { slug, json } => {
            let e = app.edition(&me, &slug).await.map_err(explain)?;
            let revs = app.revisions(&me, &slug).await.map_err(explain)?;
            let table = app.table(&me, &slug, obs_app::View::Current).await.map_err(explain)?;
            if json {
                let v = serde_json::json!({
                    "edition": e,
                    "revisions": revs.iter().map(|r| serde_json::json!({"revision": r.revision, "published_at": r.published_at.to_string(), "reason": r.reason, "ruleset_hash": r.ruleset_hash})).collect::<Vec<_>>(),
                    "demarches": table.rows.len(),
                    "errors": table.errors,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!("Édition « {} » — {}", e.slug, e.name);
                println!("  état : {} ; règles : {} ; trimestre : {}", e.state.as_str(), e.ruleset_id, e.quarter.as_deref().unwrap_or("—"));
                if let Some(c) = e.cutoff {
                    println!("  date d'arrêt : {c}");
                }
                if let Some(w) = e.feedback_window {
                    println!("  fenêtre des avis : {} → {}", w.from, w.to);
                }
                if let Some(w) = e.probe_window {
                    println!("  fenêtre des sondes : {} → {}", w.from, w.to);
                }
                println!("  démarches : {}", table.rows.len());
                for r in &revs {
                    println!(
                        "  révision {} publiée le {}{}",
                        r.revision,
                        r.published_at,
                        r.reason.as_ref().map(|m| format!(" — motif : {m}")).unwrap_or_default()
                    );
                }
                if let Some(reason) = &e.correction_reason {
                    println!("  correction ouverte : {reason}");
                }
                for err in &table.errors {
                    println!("  valeur non classable : {err}");
                }
                let journal = app.journal(&me, &slug).await.map_err(explain)?;
                if !journal.is_empty() {
                    println!("  journal :");
                    for j in journal.iter().take(20) {
                        println!("    {} {} {} — {}", j.at, j.actor, j.action, j.detail);
                    }
                }
            }
        }
        EditionCmd::Consult { slug } => {
            app.set_state(&me, &slug, EditionState::Consultation).await.map_err(explain)?;
            println!("Édition « {slug} » en consultation des ministères.");
        }
        EditionCmd::Draft { slug } => {
            app.set_state(&me, &slug, EditionState::Brouillon).await.map_err(explain)?;
            println!("Édition « {slug} » remise en brouillon.");
        }
        EditionCmd::Publish { slug } => {
            let r = app.publish(&me, &slug).await.map_err(explain)?;
            println!("Édition « {slug} » publiée : révision {} ({}).", r.revision, r.published_at);
        }
        EditionCmd::Correct { slug, reason } => {
            app.open_correction(&me, &slug, &reason).await.map_err(explain)?;
            println!("Correction ouverte sur « {slug} » ; importez les valeurs corrigées puis publiez.");
        }
        EditionCmd::Diff { a, b, json } => {
            let d = app.diff(&me, &a, &b).await.map_err(explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                println!("De « {a} » à « {b} » :");
                println!("  entrées : {}", d.entered.len());
                for m in &d.entered {
                    println!("    + n° {} {}", m.demarche_id, m.title);
                }
                println!("  sorties : {}", d.left.len());
                for m in &d.left {
                    println!("    - n° {} {}", m.demarche_id, m.title);
                }
                println!("  changements de niveau : {}", d.changes.len());
                for m in d.biggest_moves.iter().take(10) {
                    println!("    n° {} {} : {} en hausse, {} en baisse", m.demarche_id, m.title, m.up, m.down);
                }
            }
        }
        EditionCmd::Synthesis { slug, json } => {
            let s = app.synthesis(&me, &slug).await.map_err(explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!("Synthèse de « {} » : {} démarches (règles {})", s.edition, s.demarches, s.ruleset);
                for i in &s.indicators {
                    let share = i.share.map(obs_domain::display::format_share).unwrap_or_else(|| "—".into());
                    println!("  {:<40} {share:>8} à l'objectif ({} / {})", i.label, i.at_goal, i.evaluated);
                }
                let h = app.headline(&me, &slug).await.map_err(explain)?;
                let cs = |c: &obs_domain::synthesis::CountShare| {
                    format!("{} ({})", c.count, c.share.map(obs_domain::display::format_share).unwrap_or_else(|| "—".into()))
                };
                println!("Chiffres clés :");
                println!("  entièrement en ligne (Oui) : {}", cs(&h.fully_online));
                println!("  en ligne, y compris partiel et bêta : {}", cs(&h.online_any));
                if let Some(rate) = h.dematerialisation_rate {
                    println!("  taux de dématérialisation pondéré : {}", obs_domain::display::format_share(rate));
                }
                println!("  avec FranceConnect : {}", cs(&h.franceconnect));
                println!("  avec le bouton « Je donne mon avis » : {}", cs(&h.feedback_button));
                for b in &h.satisfaction_bands {
                    println!("  satisfaction « {} » : {}", b.label, b.count);
                }
            }
        }
    }
    Ok(())
}

async fn import(g: &Global, cmd: ImportCmd) -> Result<()> {
    let app = open(g).await?;
    let me = operator();
    match cmd {
        ImportCmd::Dashlord { dir, edition, skip_invalid, catalogue } => {
            let catalogue = match catalogue {
                Some(p) => Some(Arc::new(read_catalogue(&p)?)),
                None => None,
            };
            let opts = ImportOptions { skip_invalid, catalogue, progress: Some(progress_bar()), ..ImportOptions::default() };
            let r = app.import_dashlord(&me, &dir, &edition, &opts).await.map_err(explain)?;
            print_report(&r);
        }
        ImportCmd::Sheet { file, edition, skip_invalid, mapping } => {
            let bytes = std::fs::read(&file).with_context(|| format!("fichier « {} » illisible", file.display()))?;
            let mapping = match mapping {
                Some(p) => Some(std::fs::read_to_string(&p).with_context(|| format!("fichier « {} » illisible", p.display()))?),
                None => None,
            };
            let opts = ImportOptions { skip_invalid, mapping, progress: Some(progress_bar()), ..ImportOptions::default() };
            let name = file.to_string_lossy();
            let r = app.import_sheet(&me, &bytes, &name, &edition, &opts).await.map_err(explain)?;
            print_report(&r);
        }
    }
    Ok(())
}

fn read_catalogue(path: &Path) -> Result<obs_app::catalogue::Catalogue> {
    let text = std::fs::read_to_string(path).with_context(|| format!("catalogue « {} » illisible", path.display()))?;
    obs_app::catalogue::Catalogue::parse(&text).map_err(explain)
}

/// The base of links printed for people: `OBSERVATOIRE_PUBLIC_URL`, or the default address
/// of `serve`.
fn public_url() -> String {
    match std::env::var("OBSERVATOIRE_PUBLIC_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_string(),
        _ => "http://127.0.0.1:8080".to_string(),
    }
}

/// Reads a password from standard input, without its trailing newline (`\n` or `\r\n`).
fn read_password_stdin() -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).context("lecture du mot de passe sur l'entrée standard impossible")?;
    let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    if text.is_empty() {
        bail!("aucun mot de passe lu sur l'entrée standard");
    }
    Ok(text.to_string())
}

async fn user(g: &Global, cmd: UserCmd) -> Result<()> {
    use obs_app::accounts::{NewAccount, Security};
    use obs_app::accounts::RoleName;
    // The command line needs no API-key pepper: it manages accounts, not keys.
    let security = Security::new(None);
    match cmd {
        UserCmd::Create { email, role, ministeres, password_stdin } => {
            let role = match role {
                RoleArg::Admin => RoleName::Admin,
                RoleArg::Ministere => RoleName::Ministere,
                RoleArg::Testeur => RoleName::Testeur,
                RoleArg::Lecteur => RoleName::Lecteur,
            };
            let password = if password_stdin { Some(read_password_stdin()?) } else { None };
            let app = open(g).await?;
            let created = app
                .create_user(&operator(), &security, NewAccount { email, role, ministries: ministeres, password })
                .await
                .map_err(explain)?;
            let a = &created.account;
            println!("Compte créé : {} (rôle {}).", a.email, a.role);
            for m in &a.ministries {
                println!("  ministère : {m}");
            }
            if let Some(link) = created.link {
                println!("Lien à usage unique pour définir le mot de passe, valable une heure (jusqu'à {}) :", obs_domain::Instant::from(link.expires_at));
                println!("  {}/connexion/definir-mot-de-passe?jeton={}", public_url(), link.token);
                println!("Note : la page de ce lien arrive avec le back-office ; d'ici là, utilisez --password-stdin.");
            }
            Ok(())
        }
        UserCmd::List { json } => {
            let app = open(g).await?;
            let users = app.list_users(&operator()).await.map_err(explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
                return Ok(());
            }
            if users.is_empty() {
                println!("Aucun compte.");
                return Ok(());
            }
            let width = users.iter().map(|u| u.email.chars().count()).max().unwrap_or(0).max("ADRESSE".len());
            println!("{:<width$}  {:<9}  {:<11}  {:<12}  MINISTÈRES", "ADRESSE", "RÔLE", "ÉTAT", "MOT DE PASSE");
            for u in &users {
                let state = if u.disabled { "désactivé" } else { "actif" };
                let password = if u.password_set { "défini" } else { "à définir" };
                println!("{:<width$}  {:<9}  {:<11}  {:<12}  {}", u.email, u.role.as_str(), state, password, u.ministries.join(" | "));
            }
            Ok(())
        }
        UserCmd::Disable { email } => {
            let app = open(g).await?;
            let a = app.disable_user(&operator(), &security, &email).await.map_err(explain)?;
            println!("Compte {} désactivé : sessions fermées, clés d'API révoquées.", a.email);
            Ok(())
        }
    }
}
