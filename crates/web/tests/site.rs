//! Integration tests of the public site's pages (home, editions, table, comparison, downloads,
//! methodology, reference pages), security headers and error pages, on the demo database, on
//! SQLite and (with `TEST_DATABASE_URL`) PostgreSQL; hashed assets, `/metrics` and the request
//! log.

#[path = "site/monitoring.rs"]
mod monitoring;
mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use obs_app::{Actor, ExportFormat, View};
use support::TestSite;

async fn send(s: &TestSite, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let a = s.send(req).await;
    (a.status, a.headers, a.body)
}

async fn get(s: &TestSite, uri: &str) -> (StatusCode, String) {
    let a = s.get(uri).await;
    (a.status, a.text())
}

fn rows_in(body: &str) -> usize {
    body.matches("<th scope=\"row\"").count()
}

both!(home_and_archive_show_published_editions, |s| {
    let (st, home) = get(&s, "/").await;
    assert_eq!(st, StatusCode::OK);
    assert!(home.contains("Édition Décembre 2025"), "current edition first");
    assert!(home.contains("253 démarches"));
    assert!(home.contains("Données de démonstration"), "demo banner");
    // Every key indicator's share comes with its denominator.
    assert!(home.contains("démarches à l&#39;objectif sur") || home.contains("démarches à l'objectif sur"));
    assert!(home.contains("depuis Septembre 2024"), "change since the previous edition");
    let (_, archive) = get(&s, "/editions").await;
    for name in ["Juin 2023", "Septembre 2024", "Décembre 2025"] {
        assert!(archive.contains(name), "{name}");
    }
    assert!(archive.contains("/editions/2025-decembre/telecharger/donnees.csv"));
    assert!(archive.contains("Révision 1"));
});

// Issue 6 §7: rows' markup, filter options and legends are built once per published revision
// and shared by every query; each query only picks, orders and cuts the rows.
both!(table_rows_markup_is_shared_by_every_query, |s| {
    let rows = |body: &str| -> Vec<String> {
        body.split("<tr>").skip(2).map(|r| r[..r.find("</tr>").unwrap()].to_string()).collect()
    };
    let (_, by_title) = get(&s, "/editions/2025-decembre?par_page=500").await;
    let (_, by_ministry) = get(&s, "/editions/2025-decembre?par_page=500&tri=ministere&ordre=desc").await;
    let (mut a, mut b) = (rows(&by_title), rows(&by_ministry));
    assert_eq!(a.len(), 253);
    assert!(a.iter().all(|r| r.contains("<th scope=\"row\"") && r.matches("<td ").count() > 2));
    assert_ne!(a, b, "another order");
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same rows, byte for byte");
    // Options come from the whole table whatever the filters; the chosen one is selected.
    let table = s.app.table(&Actor::Public, "2025-decembre", View::Current).await.unwrap();
    let min = table.rows.iter().find_map(|r| r.member.ministere.clone()).unwrap();
    let enc: String = form_urlencoded::byte_serialize(min.as_bytes()).collect();
    let (_, filtered) = get(&s, &format!("/editions/2025-decembre?ministere={enc}")).await;
    let all_selected = "<option value=\"\" selected>Tous les ministères";
    assert!(by_title.contains(all_selected) && !filtered.contains(all_selected), "{min}");
    assert_eq!(filtered.matches(" selected>").count(), by_title.matches(" selected>").count());
    let options = |body: &str| body.matches("<option ").count();
    assert_eq!(options(&filtered), options(&by_title));
    assert_eq!(filtered.matches("obs-legend\"").count(), table.rules.indicators.len());
});

both!(table_filters_sort_and_pages_live_in_the_url, |s| {
    let (_, all) = get(&s, "/editions/2025-decembre?par_page=500").await;
    assert_eq!(rows_in(&all), 253);
    let (_, first) = get(&s, "/editions/2025-decembre").await;
    assert_eq!(rows_in(&first), 50, "default page size");
    assert!(first.contains("page=2"), "pagination links keep the query");
    // Level filter: exactly the démarches at goal for satisfaction.
    let table = s.app.table(&Actor::Public, "2025-decembre", View::Current).await.unwrap();
    let i = table.rules.indicator_index("satisfaction").unwrap();
    let at_goal = table.rows.iter().filter(|r| obs_domain::synthesis::goal_status(&table.rules, &r.cells, i) == Some(true)).count();
    let (_, f) = get(&s, "/editions/2025-decembre?niveau_satisfaction=objectif&par_page=500").await;
    assert_eq!(rows_in(&f), at_goal);
    // The filtered table agrees with the published synthesis.
    let syn = s.app.synthesis(&Actor::Public, "2025-decembre").await.unwrap();
    let sat = syn.indicators.iter().find(|x| x.slug == "satisfaction").unwrap();
    assert_eq!(at_goal as u64, sat.at_goal);
    let (_, nf) = get(&s, "/editions/2025-decembre?niveau_satisfaction=non-objectif&par_page=500").await;
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
    let (_, f2) = get(&s, &format!("/editions/2025-decembre?niveau_satisfaction=objectif&ministere={enc}&par_page=500")).await;
    assert_eq!(rows_in(&f2), expected);
    // Accent-insensitive search.
    let (_, a) = get(&s, "/editions/2025-decembre?q=DEMARCHE&par_page=500").await;
    let (_, b) = get(&s, "/editions/2025-decembre?q=d%C3%A9marche&par_page=500").await;
    assert_eq!(rows_in(&a), rows_in(&b));
    assert!(rows_in(&a) > 0);
    // Sort on an indicator: grey values last, and the header says how it is sorted.
    let (_, sorted) = get(&s, "/editions/2025-decembre?tri=satisfaction&par_page=500").await;
    assert!(sorted.contains("aria-sort=\"ascending\""));
    let rank = |class: &str| match class {
        "fr-badge--success" => 0,
        "fr-badge--warning" => 1,
        "fr-badge--error" => 2,
        _ => 3, // grey
    };
    for (query, descending) in [("tri=satisfaction", false), ("tri=satisfaction&ordre=desc", true)] {
        let (_, body) = get(&s, &format!("/editions/2025-decembre?{query}&par_page=500")).await;
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
    let (st, _) = get(&s, "/editions/2025-decembre?revision=1").await;
    assert_eq!(st, StatusCode::OK);
});

both!(bad_parameters_give_french_error_pages_never_500, |s| {
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
        let (st, body) = get(&s, uri).await;
        assert_eq!(st, status, "{uri}");
        assert!(body.contains("<html lang=\"fr\"") && body.contains(needle), "{uri}: {body:.300}");
    }
});

both!(downloads_are_identical_to_the_command_line_export, |s| {
    for (file, format) in [
        ("donnees.csv", ExportFormat::Csv),
        ("donnees-virgule.csv", ExportFormat::CsvComma),
        ("donnees.json", ExportFormat::Json),
        ("schema.json", ExportFormat::Schema),
        ("donnees.xlsx", ExportFormat::Xlsx),
    ] {
        let uri = format!("/editions/2025-decembre/telecharger/{file}");
        let (st, h, body) = send(&s, Request::get(&uri).body(Body::empty()).unwrap()).await;
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
        let (st, _, _) = send(&s, Request::get(&uri).header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap()).await;
        assert_eq!(st, StatusCode::NOT_MODIFIED);
    }
});

both!(exports_of_demo_data_say_so, |s| {
    let json: serde_json::Value =
        serde_json::from_slice(&s.app.export(&Actor::Public, "2025-decembre", ExportFormat::Json).await.unwrap()).unwrap();
    assert_eq!(json["edition"]["demo"], true);
    assert!(json["edition"]["avertissement"].as_str().unwrap().contains("démonstration"));
    let schema: serde_json::Value =
        serde_json::from_slice(&s.app.export(&Actor::Public, "2025-decembre", ExportFormat::Schema).await.unwrap()).unwrap();
    assert!(schema["description"].as_str().unwrap().contains("démonstration"));
});

both!(security_headers_on_every_response, |s| {
    for uri in ["/", "/editions/2025-decembre", "/api/v1/editions", "/static/app.css", "/nulle-part"] {
        let (_, h, _) = send(&s, Request::get(uri).body(Body::empty()).unwrap()).await;
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::REFERRER_POLICY));
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS over plain HTTP");
    }
    let (_, h, _) = send(&s, Request::get("/").header("x-forwarded-proto", "https").body(Body::empty()).unwrap()).await;
    assert!(h[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().contains("max-age="));
    // No inline script anywhere in the pages.
    let (_, home) = get(&s, "/").await;
    for tag in home.split("<script").skip(1) {
        assert!(tag.trim_start().starts_with("type=\"module\" src=") || tag.trim_start().starts_with("nomodule src="), "{tag:.80}");
    }
});

both!(comparison_methodology_and_reference_pages, |s| {
    let d = s.app.diff(&Actor::Public, "2024-septembre", "2025-decembre").await.unwrap();
    let (_, cmp) = get(&s, "/editions/2025-decembre/comparer?avec=2024-septembre").await;
    assert!(cmp.contains(&format!("{} démarche(s) entrée(s)", d.entered.len())));
    assert!(cmp.contains(&format!("{} démarche(s) sortie(s)", d.left.len())));
    assert!(cmp.contains(&format!("Tous les changements ({})", d.changes.len())));
    let (_, m) = get(&s, "/methodologie").await;
    for name in ["Règles 2025", "Règles 2023", "Règles 2019–2022", "Disponibilité et rapidité", "Nombre d&#39;avis insuffisant"] {
        assert!(m.contains(name), "{name}");
    }
    assert!(m.contains("/editions/2025-decembre"), "which rule set each edition used");
    for uri in ["/accessibilite", "/mentions-legales", "/donnees"] {
        let (st, body) = get(&s, uri).await;
        assert_eq!(st, StatusCode::OK, "{uri}");
        assert!(body.contains("id=\"contenu\""));
    }
});

both!(assets_are_served_under_hashed_urls_and_old_urls_still_answer, |s| {
    let (_, home) = get(&s, "/").await;
    let href = home.split("<link rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let hash = href.strip_prefix("/static/").unwrap().split('/').next().unwrap().to_string();
    assert_eq!(href, format!("/static/{hash}/dsfr/dsfr.min.css"), "{href}");
    assert_eq!(hash.len(), 16);
    assert!(!home.contains("\"/static/dsfr/"), "every asset URL carries the hash");
    // Hashed: a year, immutable; the font it loads by a relative URL is under the same prefix.
    for uri in [href.clone(), format!("/static/{hash}/dsfr/fonts/Marianne-Regular.woff2"), format!("/static/{hash}/app.css")] {
        let a = s.get(&uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(a.header(header::CACHE_CONTROL), "public, max-age=31536000, immutable", "{uri}");
        assert!(!a.body.is_empty());
    }
    assert_eq!(s.get(&href).await.header(header::CONTENT_TYPE), "text/css");
    // Old URLs and a previous hash still answer, with a shorter cache.
    for uri in ["/static/dsfr/dsfr.min.css", "/static/0123456789abcdef/dsfr/dsfr.min.css"] {
        let a = s.get(uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(a.header(header::CACHE_CONTROL), "public, max-age=86400", "{uri}");
    }
    // Conditional requests still work.
    let etag = s.get(&href).await.header(header::ETAG).to_string();
    let (st, h, _) = send(&s, Request::get(&href).header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap()).await;
    assert_eq!(st, StatusCode::NOT_MODIFIED);
    assert!(h[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    // A missing file gets the French 404 page.
    for uri in ["/static/absent.css", &format!("/static/{hash}/dsfr/absent.js")] {
        let (st, body) = get(&s, uri).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("<html lang=\"fr\"") && body.contains("Page introuvable"), "{uri}: {body:.200}");
    }
});

both!(api_synthesis_and_download_agree_with_the_use_cases, |s| {
    let body = s.get("/api/v1/editions/2025-decembre/synthese").await.text();
    let syn = s.app.synthesis(&Actor::Public, "2025-decembre").await.unwrap();
    assert!(body.contains(&format!("\"demarches\":{}", syn.demarches)), "{body:.300}");
    let (_, csv, body) = send(&s, Request::get("/editions/2025-decembre/telecharger/donnees.csv").body(Body::empty()).unwrap()).await;
    assert!(csv.contains_key(header::ETAG));
    assert_eq!(body, s.app.export(&Actor::Public, "2025-decembre", ExportFormat::Csv).await.unwrap());
});
