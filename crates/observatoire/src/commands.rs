//! One function per subcommand.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use obs_app::{Actor, App, AppError, EditionInput, ExportFormat, ImportOptions, ImportReport, RuleBook, Store};
use obs_domain::EditionState;

use crate::cli::{Cli, Command, EditionCmd, ExportCmd, Global, ImportCmd};

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

/// Opens the configured store, refusing a schema that does not match this binary.
async fn open(global: &Global) -> Result<App> {
    let url = database_url(global, "observatoire.db");
    let store = Store::connect(&url).await.map_err(|e| anyhow!("{e}"))?;
    store.check_schema().await.map_err(|e| anyhow!("{e}"))?;
    Ok(App::new(store, rule_book(global)?))
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
        Command::Serve { listen, files } => {
            let app = open(g).await?;
            obs_web::serve(Arc::new(app), &listen, files.as_deref()).await
        }
        Command::Demo { listen, data, no_serve, files } => demo(g, &listen, data, no_serve, files).await,
        Command::Edition(cmd) => edition(g, cmd).await,
        Command::Import(cmd) => import(g, cmd).await,
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

async fn demo(g: &Global, listen: &str, data: Option<PathBuf>, no_serve: bool, files: Option<PathBuf>) -> Result<()> {
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
    let app = App::new(store, rule_book(g)?);
    if !app.editions(&operator()).await.map_err(explain)?.is_empty() {
        bail!("la base « {url} » contient déjà des éditions : la démonstration demande une base vide");
    }
    let data_dir = data.unwrap_or_else(obs_app::demo::default_data_dir);
    let reports = obs_app::demo::build(&app, &data_dir, None).await.map_err(explain)?;
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
    obs_web::serve(Arc::new(app), listen, files.as_deref()).await
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
