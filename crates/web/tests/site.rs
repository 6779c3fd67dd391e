//! Integration tests of the public site's pages (home, editions, table, comparison, downloads,
//! methodology, reference pages), security headers and error pages, on the demo database.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use obs_app::{Actor, App, ExportFormat, RuleBook, Store, View};
use tower::ServiceExt;

struct Site {
    app: Arc<App>,
    router: Router,
    _dir: tempfile::TempDir,
}

async fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&dir.path().join("s.db").to_string_lossy()).await.unwrap();
    store.migrate().await.unwrap();
    site_on(store, dir).await
}

async fn site_on(store: Store, dir: tempfile::TempDir) -> Site {
    let app = App::new(store, RuleBook::embedded());
    obs_app::demo::build(&app, &obs_app::demo::DemoData::Embedded, None).await.unwrap();
    let app = Arc::new(app);
    let router = obs_web::router(obs_web::AppState::new(app.clone()));
    Site { app, router, _dir: dir }
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

async fn get(router: &Router, uri: &str) -> (StatusCode, String) {
    let (s, _, b) = send(router, Request::get(uri).body(Body::empty()).unwrap()).await;
    (s, String::from_utf8(b).unwrap())
}

fn rows_in(body: &str) -> usize {
    body.matches("<th scope=\"row\"").count()
}

#[tokio::test]
async fn home_and_archive_show_published_editions() {
    let s = site().await;
    let (st, home) = get(&s.router, "/").await;
    assert_eq!(st, StatusCode::OK);
    assert!(home.contains("Édition Décembre 2025"), "current edition first");
    assert!(home.contains("253 démarches"));
    assert!(home.contains("Données de démonstration"), "demo banner");
    // Every key indicator's share comes with its denominator.
    assert!(home.contains("démarches à l&#39;objectif sur") || home.contains("démarches à l'objectif sur"));
    assert!(home.contains("depuis Septembre 2024"), "change since the previous edition");
    let (_, archive) = get(&s.router, "/editions").await;
    for name in ["Juin 2023", "Septembre 2024", "Décembre 2025"] {
        assert!(archive.contains(name), "{name}");
    }
    assert!(archive.contains("/editions/2025-decembre/telecharger/donnees.csv"));
    assert!(archive.contains("Révision 1"));
}

#[tokio::test]
async fn table_filters_sort_and_pages_live_in_the_url() {
    let s = site().await;
    let (_, all) = get(&s.router, "/editions/2025-decembre?par_page=500").await;
    assert_eq!(rows_in(&all), 253);
    let (_, first) = get(&s.router, "/editions/2025-decembre").await;
    assert_eq!(rows_in(&first), 50, "default page size");
    assert!(first.contains("page=2"), "pagination links keep the query");
    // Level filter: exactly the démarches at goal for satisfaction.
    let table = s.app.table(&Actor::Public, "2025-decembre", View::Current).await.unwrap();
    let i = table.rules.indicator_index("satisfaction").unwrap();
    let at_goal = table.rows.iter().filter(|r| obs_domain::synthesis::goal_status(&table.rules, &r.cells, i) == Some(true)).count();
    let (_, f) = get(&s.router, "/editions/2025-decembre?niveau_satisfaction=objectif&par_page=500").await;
    assert_eq!(rows_in(&f), at_goal);
    // The filtered table agrees with the published synthesis.
    let syn = s.app.synthesis(&Actor::Public, "2025-decembre").await.unwrap();
    let sat = syn.indicators.iter().find(|x| x.slug == "satisfaction").unwrap();
    assert_eq!(at_goal as u64, sat.at_goal);
    let (_, nf) = get(&s.router, "/editions/2025-decembre?niveau_satisfaction=non-objectif&par_page=500").await;
    assert_eq!((rows_in(&f) + rows_in(&nf)) as u64, sat.evaluated);
    assert!(f.contains("correspondant aux filtres"));
    // Filters combine: adding a ministry narrows further.
    let min = table.rows.iter().find_map(|r| r.member.ministere.clone()).unwrap();
    let enc: String = form_urlencoded::byte_serialize(min.as_bytes()).collect();
    let expected = table
        .rows
        .iter()
        .filter(|r| obs_domain::synthesis::goal_status(&table.rules, &r.cells, i) == Some(true) && r.member.ministere.as_deref() == Some(&min))
        .count();
    let (_, f2) = get(&s.router, &format!("/editions/2025-decembre?niveau_satisfaction=objectif&ministere={enc}&par_page=500")).await;
    assert_eq!(rows_in(&f2), expected);
    // Accent-insensitive search.
    let (_, a) = get(&s.router, "/editions/2025-decembre?q=DEMARCHE&par_page=500").await;
    let (_, b) = get(&s.router, "/editions/2025-decembre?q=d%C3%A9marche&par_page=500").await;
    assert_eq!(rows_in(&a), rows_in(&b));
    assert!(rows_in(&a) > 0);
    // Sort on an indicator: grey values last, and the header says how it is sorted.
    let (_, sorted) = get(&s.router, "/editions/2025-decembre?tri=satisfaction&par_page=500").await;
    assert!(sorted.contains("aria-sort=\"ascending\""));
    let rank = |class: &str| match class {
        "fr-badge--success" => 0,
        "fr-badge--warning" => 1,
        "fr-badge--error" => 2,
        _ => 3, // grey
    };
    for (query, descending) in [("tri=satisfaction", false), ("tri=satisfaction&ordre=desc", true)] {
        let (_, body) = get(&s.router, &format!("/editions/2025-decembre?{query}&par_page=500")).await;
        let ranks: Vec<i32> = body
            .split("<td data-label=\"Satisfaction\">")
            .skip(1)
            .map(|cell| {
                let class = cell.split("fr-badge--no-icon ").nth(1).unwrap().split('"').next().unwrap();
                rank(class)
            })
            .collect();
        assert_eq!(ranks.len(), 253);
        let grey_from = ranks.iter().position(|&r| r == 3).unwrap();
        assert!(ranks[grey_from..].iter().all(|&r| r == 3), "{query}: grey values always last");
        let coloured = &ranks[..grey_from];
        let ordered = coloured.windows(2).all(|w| if descending { w[0] >= w[1] } else { w[0] <= w[1] });
        assert!(ordered && !coloured.is_empty(), "{query}: {coloured:?}");
    }
    // A past revision stays readable.
    let (st, _) = get(&s.router, "/editions/2025-decembre?revision=1").await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn bad_parameters_give_french_error_pages_never_500() {
    let s = site().await;
    for (uri, status, needle) in [
        ("/editions/2025-decembre?page=-1", StatusCode::BAD_REQUEST, "entier positif"),
        ("/editions/2025-decembre?page=999", StatusCode::BAD_REQUEST, "inexistante"),
        ("/editions/2025-decembre?par_page=100000", StatusCode::BAD_REQUEST, "au plus"),
        ("/editions/2025-decembre?couleur=rouge", StatusCode::BAD_REQUEST, "inconnu"),
        ("/editions/2025-decembre?niveau_satisfaction=violet", StatusCode::BAD_REQUEST, "violet"),
        ("/editions/2025-decembre?revision=abc", StatusCode::BAD_REQUEST, "revision"),
        ("/editions/2025-decembre?revision=7", StatusCode::NOT_FOUND, "introuvable"),
        ("/editions/inconnue", StatusCode::NOT_FOUND, "introuvable"),
        ("/editions/2025-decembre/comparer?avec=inconnue", StatusCode::NOT_FOUND, "introuvable"),
        ("/editions/2025-decembre/telecharger/donnees.pdf", StatusCode::NOT_FOUND, "introuvable"),
        ("/nulle-part", StatusCode::NOT_FOUND, "n&#39;existe pas"),
    ] {
        let (st, body) = get(&s.router, uri).await;
        assert_eq!(st, status, "{uri}");
        assert!(body.contains("<html lang=\"fr\"") && body.contains(needle), "{uri}: {body:.300}");
    }
}

#[tokio::test]
async fn downloads_are_identical_to_the_command_line_export() {
    let s = site().await;
    for (file, format) in [
        ("donnees.csv", ExportFormat::Csv),
        ("donnees-virgule.csv", ExportFormat::CsvComma),
        ("donnees.json", ExportFormat::Json),
        ("schema.json", ExportFormat::Schema),
        ("donnees.xlsx", ExportFormat::Xlsx),
    ] {
        let uri = format!("/editions/2025-decembre/telecharger/{file}");
        let (st, h, body) = send(&s.router, Request::get(&uri).body(Body::empty()).unwrap()).await;
        assert_eq!(st, StatusCode::OK, "{uri}");
        let expected = s.app.export(&Actor::Public, "2025-decembre", format).await.unwrap();
        if format == ExportFormat::Xlsx {
            // XLSX embeds a creation time: compare the cells instead.
            use calamine::Reader;
            let read = |b: Vec<u8>| {
                let mut wb = calamine::Xlsx::new(std::io::Cursor::new(b)).unwrap();
                wb.worksheet_range("Démarches").unwrap().rows().map(|r| format!("{r:?}")).collect::<Vec<_>>()
            };
            assert_eq!(read(body), read(expected));
        } else {
            assert_eq!(body, expected, "{uri}");
        }
        assert_eq!(h[header::CONTENT_TYPE], format.mime(), "{uri}");
        assert!(h[header::CONTENT_DISPOSITION].to_str().unwrap().contains("observatoire-2025-decembre-r1-demonstration"));
        assert!(h[header::CACHE_CONTROL].to_str().unwrap().contains("max-age"));
        let etag = h[header::ETAG].clone();
        let (st, _, _) = send(&s.router, Request::get(&uri).header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap()).await;
        assert_eq!(st, StatusCode::NOT_MODIFIED);
    }
}

#[tokio::test]
async fn exports_of_demo_data_say_so() {
    let s = site().await;
    let json: serde_json::Value =
        serde_json::from_slice(&s.app.export(&Actor::Public, "2025-decembre", ExportFormat::Json).await.unwrap()).unwrap();
    assert_eq!(json["edition"]["demo"], true);
    assert!(json["edition"]["avertissement"].as_str().unwrap().contains("démonstration"));
    let schema: serde_json::Value =
        serde_json::from_slice(&s.app.export(&Actor::Public, "2025-decembre", ExportFormat::Schema).await.unwrap()).unwrap();
    assert!(schema["description"].as_str().unwrap().contains("démonstration"));
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let s = site().await;
    for uri in ["/", "/editions/2025-decembre", "/api/v1/editions", "/static/app.css", "/nulle-part"] {
        let (_, h, _) = send(&s.router, Request::get(uri).body(Body::empty()).unwrap()).await;
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::REFERRER_POLICY));
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS over plain HTTP");
    }
    let (_, h, _) = send(&s.router, Request::get("/").header("x-forwarded-proto", "https").body(Body::empty()).unwrap()).await;
    assert!(h[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().contains("max-age="));
    // No inline script anywhere in the pages.
    let (_, home) = get(&s.router, "/").await;
    for tag in home.split("<script").skip(1) {
        assert!(tag.trim_start().starts_with("type=\"module\" src=") || tag.trim_start().starts_with("nomodule src="), "{tag:.80}");
    }
}

#[tokio::test]
async fn comparison_methodology_and_reference_pages() {
    let s = site().await;
    let d = s.app.diff(&Actor::Public, "2024-septembre", "2025-decembre").await.unwrap();
    let (_, cmp) = get(&s.router, "/editions/2025-decembre/comparer?avec=2024-septembre").await;
    assert!(cmp.contains(&format!("{} démarche(s) entrée(s)", d.entered.len())));
    assert!(cmp.contains(&format!("{} démarche(s) sortie(s)", d.left.len())));
    assert!(cmp.contains(&format!("Tous les changements ({})", d.changes.len())));
    let (_, m) = get(&s.router, "/methodologie").await;
    for name in ["Règles 2025", "Règles 2023", "Règles 2019–2022", "Disponibilité et rapidité", "Nombre d&#39;avis insuffisant"] {
        assert!(m.contains(name), "{name}");
    }
    assert!(m.contains("/editions/2025-decembre"), "which rule set each edition used");
    for uri in ["/accessibilite", "/mentions-legales", "/donnees"] {
        let (st, body) = get(&s.router, uri).await;
        assert_eq!(st, StatusCode::OK, "{uri}");
        assert!(body.contains("id=\"contenu\""));
    }
}

/// The same pages and API answers on PostgreSQL (skipped loudly without TEST_DATABASE_URL).
#[tokio::test]
async fn pages_and_api_on_postgres() {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("!!! PostgreSQL IGNORÉ pour « pages_and_api_on_postgres » : TEST_DATABASE_URL n'est pas défini");
        return;
    };
    let store = Store::throwaway_postgres(&base, &format!("obs_web_site_{}", std::process::id())).await.unwrap();
    let s = site_on(store, tempfile::tempdir().unwrap()).await;
    for uri in ["/", "/editions", "/editions/2025-decembre?niveau_satisfaction=objectif", "/methodologie", "/syntheses"] {
        let (st, _) = get(&s.router, uri).await;
        assert_eq!(st, StatusCode::OK, "{uri}");
    }
    let (_, body) = get(&s.router, "/api/v1/editions/2025-decembre/synthese").await;
    let api: serde_json::Value = serde_json::from_str(&body).unwrap();
    let syn = s.app.synthesis(&Actor::Public, "2025-decembre").await.unwrap();
    assert!(api.to_string().contains(&format!("\"demarches\":{}", syn.demarches)), "{body:.300}");
    let (_, csv, body) = send(&s.router, Request::get("/editions/2025-decembre/telecharger/donnees.csv").body(Body::empty()).unwrap()).await;
    assert!(csv.contains_key(header::ETAG));
    assert_eq!(body, s.app.export(&Actor::Public, "2025-decembre", ExportFormat::Csv).await.unwrap());
}
