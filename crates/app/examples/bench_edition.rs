//! Benchmark: compute + publish of a synthetic edition, and synthesis of a published edition.
//!
//!   cargo run --release -p obs-app --example bench_edition -- [N ...]
//!
//! For each N (default 5000 and 50000): N démarches × 12 indicators are imported through the
//! real spreadsheet importer (not timed), then `publish` (draft computation from raw values +
//! freezing in one transaction) is timed, then `synthesis` of the published edition is timed
//! (median of 200 calls). Always on SQLite, and also on PostgreSQL when `DATABASE_URL` (or
//! `TEST_DATABASE_URL`) is a `postgres://` URL (a throwaway database is created next to it), so
//! one run prints both figures side by side.

use std::time::Instant;

use obs_app::{Actor, App, EditionInput, ImportOptions, RuleBook, Store};

fn synthetic_csv(n: usize) -> String {
    let mut s = String::from(
        "Ref_Demarche;Nom_Demarche;Nom_Ministere;Statut_En_ligne;Note_Satisfaction;Note_Clarte_Langage;Aide_Joignable;\
         Aide_Efficace;Niveau_Autonomie;Dashlord_UpDown_Dispo;Dashlord_UpDown_Tps_Moy_Chargement;Taux_RGAA_Publie;\
         Score_DLNUF;Recours_au_Numerique;FranceConnect\n",
    );
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 10_000) as f64 / 10_000.0
    };
    let online = ["Oui", "Partiel", "Non", "En cours de déploiement local", "À venir"];
    let auth = ["FranceConnect", "FranceConnect +", "Non", "Non applicable"];
    for i in 0..n {
        let r = next();
        s.push_str(&format!(
            "S{i};Démarche synthétique {i};Ministère {m};{o};{sat:.3};{cla:.3};{hr:.4};{he:.3};{au:.4};{up:.5};{ms:.1};{rg:.3};{dl};{us:.4};{fc}\n",
            m = i % 17,
            o = online[(r * 5.0) as usize % 5],
            sat = 3.0 + next() * 7.0,
            cla = 3.0 + next() * 7.0,
            hr = 0.5 + next() * 0.5,
            he = 3.0 + next() * 7.0,
            au = next(),
            up = 0.97 + next() * 0.03,
            ms = 100.0 + next() * 1200.0,
            rg = next(),
            dl = (next() * 8.0) as u32,
            us = next(),
            fc = auth[(next() * 4.0) as usize % 4],
        ));
    }
    s
}

/// The PostgreSQL server to benchmark too, if one is configured.
fn postgres_url() -> Option<String> {
    ["DATABASE_URL", "TEST_DATABASE_URL"].into_iter().filter_map(|k| std::env::var(k).ok()).find(|u| u.starts_with("postgres"))
}

async fn store(postgres: Option<&str>, n: usize) -> (Store, Option<tempfile::TempDir>) {
    match postgres {
        Some(url) => (Store::throwaway_postgres(url, &format!("obs_bench_{n}_{}", std::process::id())).await.unwrap(), None),
        None => {
            let dir = tempfile::tempdir().unwrap();
            let s = Store::connect(&dir.path().join("bench.db").to_string_lossy()).await.unwrap();
            s.migrate().await.unwrap();
            (s, Some(dir))
        }
    }
}

/// Imports (not timed), publishes and reads the synthesis of an N-démarche edition; returns the
/// publication time in seconds.
async fn run(postgres: Option<&str>, n: usize) -> f64 {
    let op = Actor::Operator("bench".into());
    let (store, _dir) = store(postgres, n).await;
    let backend = format!("{:?}", store.backend());
    let app = App::new(store, RuleBook::embedded());
    app.create_edition(&op, EditionInput { slug: "bench".into(), name: "Bench".into(), ..Default::default() }).await.unwrap();
    let csv = synthetic_csv(n);
    let t = Instant::now();
    let r = app.import_sheet(&op, csv.as_bytes(), "synthetique.csv", "bench", &ImportOptions::default()).await.unwrap();
    let import_s = t.elapsed().as_secs_f64();
    assert_eq!(r.demarches, n);
    let t = Instant::now();
    let rev = app.publish(&op, "bench").await.unwrap();
    let publish_s = t.elapsed().as_secs_f64();
    assert_eq!(rev.revision, 1);
    let mut times = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let s = app.synthesis(&Actor::Public, "bench").await.unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(s.demarches as usize, n);
    }
    times.sort_by(f64::total_cmp);
    let median_ms = times[times.len() / 2] * 1000.0;
    println!(
        "{backend}: {n} démarches × 12 indicateurs ({} valeurs) — import {import_s:.2} s (non compté), compute + publish {publish_s:.3} s, synthèse publiée médiane {median_ms:.2} ms",
        r.values
    );
    app.close().await;
    publish_s
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![5_000, 50_000] } else { sizes };
    let pg = postgres_url();
    if pg.is_none() {
        println!("(PostgreSQL ignoré : DATABASE_URL ou TEST_DATABASE_URL postgres://… non défini)");
    }
    let backends: Vec<Option<&str>> = std::iter::once(None).chain(pg.as_deref().map(Some)).collect();
    for backend in backends {
        let mut first: Option<(usize, f64)> = None;
        for &n in &sizes {
            let publish_s = run(backend, n).await;
            match first {
                None => first = Some((n, publish_s)),
                Some((n0, p0)) => println!(
                    "  croissance : ×{:.1} démarches → ×{:.1} temps de publication (linéaire si ≤ ×{:.0})",
                    n as f64 / n0 as f64,
                    publish_s / p0,
                    n as f64 / n0 as f64 * 1.2
                ),
            }
        }
    }
}
