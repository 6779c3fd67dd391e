//! Integration tests of the démarche and synthesis pages, on the demonstration database, on
//! SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.

mod support;

use std::collections::HashSet;

use axum::http::StatusCode;
use obs_app::{Actor, GroupBy, View};
use support::TestSite;

async fn get(site: &TestSite, uri: &str) -> (StatusCode, String) {
    let a = site.get(uri).await;
    (a.status, a.text())
}

/// Checks a page and returns its body.
async fn page(site: &TestSite, uri: &str, status: StatusCode) -> String {
    let (s, body) = get(site, uri).await;
    assert_eq!(s, status, "{uri}: {}", &body[..body.len().min(3000)]);
    assert!(body.contains("<html lang=\"fr\""), "{uri}: an HTML page");
    body
}

/// What askama does to a text.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Structural accessibility checks that do not need a browser.
fn well_formed(uri: &str, body: &str) {
    assert!(!body.contains(" style=\"") && !body.contains("<style"), "{uri}: inline style (CSP)");
    let mut ids = HashSet::new();
    for part in body.split(" id=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        assert!(ids.insert(id.to_string()), "{uri}: duplicate id {id}");
    }
    for part in body.split("aria-labelledby=\"").skip(1) {
        for id in part[..part.find('"').unwrap()].split_whitespace() {
            assert!(ids.contains(id), "{uri}: aria-labelledby points to missing id {id}");
        }
    }
    assert_eq!(body.matches("<table").count(), body.matches("<caption>").count(), "{uri}: every table has a caption");
    assert!(!body.contains("<th>"), "{uri}: every th has a scope");
    // Headings do not skip levels.
    let mut last = 1;
    for part in body.split("<h").skip(1) {
        if let Some(level) = part.chars().next().and_then(|c| c.to_digit(10))
            && part[1..].starts_with([' ', '>'])
        {
            assert!(level <= last + 1, "{uri}: heading h{level} after h{last}");
            last = level;
        }
    }
    // Every chart is an accessible image with its title.
    for part in body.split("<svg ").skip(1) {
        let tag = &part[..part.find('>').unwrap()];
        assert!(tag.contains("role=\"img\"") && tag.contains("aria-labelledby=\""), "{uri}: chart without role/label");
        assert!(part.contains("<title id=\""), "{uri}: chart without title");
    }
}

both!(demarche_and_synthesis_pages, |site| {
    let app = site.app.clone();
    let router = &site;
    let ok = StatusCode::OK;

    // ------------------------------------------------------------ démarche
    let (s, body) = get(router, "/demarches/abc").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("nombre entier"), "{body}");
    page(router, "/demarches/99999999", StatusCode::NOT_FOUND).await;
    page(router, "/demarches/-3", StatusCode::NOT_FOUND).await;

    // A démarche of every demo edition with values in all three.
    let editions = app.editions(&Actor::Public).await.unwrap();
    assert_eq!(editions.len(), 3);
    let latest = app.table(&Actor::Public, &editions[2].slug, View::Current).await.unwrap();
    let mut chosen = None;
    for r in &latest.rows {
        let v = app.demarche(&Actor::Public, r.member.demarche_id).await.unwrap();
        let sat = |a: &obs_app::Appearance| {
            let i = a.table.rules.indicator_index("satisfaction").unwrap();
            a.table.rows[a.row].cells[i].value.is_some()
        };
        if v.appearances.len() == 3 && v.appearances.iter().all(sat) {
            chosen = Some((r.member.demarche_id, r.member.title.clone()));
            break;
        }
    }
    let (id, title) = chosen.expect("a démarche present in the three editions");
    let uri = format!("/demarches/{id}");
    let body = page(router, &uri, ok).await;
    well_formed(&uri, &body);
    assert!(body.contains(&format!("<h1>{}</h1>", escaped(&title))));
    for e in &editions {
        assert!(body.contains(&e.name), "edition {} in the history", e.name);
    }
    assert!(body.contains("Identifiant de l&#39;observatoire"));
    assert!(body.contains("Historique des versions"));
    assert!(body.contains("Niveau, valeur brute et source de chaque indicateur"));
    assert!(body.contains("id=\"graphe-satisfaction-titre\""), "satisfaction chart");
    assert!(body.contains("class=\"obs-band\""), "threshold bands");
    assert!(body.contains("seuils des Règles 2025"), "bands drawn from the latest rules, said in the caption");
    assert!(body.contains("Satisfaction usagers : valeur et niveau par édition"), "data table beside the chart");
    assert!(body.contains("Niveau par édition des indicateurs sans valeur numérique"), "label indicators table");
    assert!(body.contains("rel=\"noopener\""));

    // ------------------------------------------------------------ index
    let body = page(router, "/syntheses", ok).await;
    well_formed("/syntheses", &body);
    assert!(body.contains("Ministères") && body.contains("Administrations") && body.contains("Domaines"));
    assert!(body.contains("Décembre 2025"));
    assert!(body.contains("href=\"/syntheses/ministere/"));
    let body = page(router, "/syntheses?edition=2023-juin", ok).await;
    assert!(body.contains("édition Juin 2023"));
    assert!(body.contains("<option value=\"2023-juin\" selected>"));
    let body = page(router, "/syntheses?tri=nom", StatusCode::BAD_REQUEST).await;
    assert!(body.contains("paramètre « tri » inconnu"), "{body}");
    page(router, "/syntheses?edition=2023-juin&edition=2024-septembre", StatusCode::BAD_REQUEST).await;
    page(router, "/syntheses?edition=inexistante", StatusCode::NOT_FOUND).await;

    // ------------------------------------------------------------ group
    let ministry = obs_app::group_names(&latest, GroupBy::Ministere).into_iter().find(|n| n != "Non renseigné").unwrap();
    let domain = obs_app::group_names(&latest, GroupBy::Domaine).into_iter().next().unwrap();
    let base = format!("/syntheses/ministere/{}", path_segment(&ministry));
    let body = page(router, &base, ok).await;
    well_formed(&base, &body);
    assert!(body.contains(&escaped(&ministry)));
    assert!(body.contains("Ensemble de l&#39;observatoire"), "compared with the whole observatory by default");
    for slug in latest.rules.key_indicators().filter(|i| i.has_colors()).map(|i| &i.slug) {
        for chart in ["part", "repartition", "evolution"] {
            assert!(body.contains(&format!("id=\"graphe-{chart}-{slug}-titre\"")), "{chart} chart of {slug}");
        }
    }
    assert!(body.contains("Objectif 80"), "the target in the chart");
    assert!(body.contains("Juin 2023") && body.contains("Septembre 2024"), "evolution over every edition");
    assert!(body.contains("la plus récente"), "band origin said in the caption");
    let with = format!("{base}?comparer=domaine:{}&edition=2024-septembre", path_segment(&domain));
    let (s, body) = get(router, &with).await;
    // The domain may not exist in 2024: either compared, or refused as a bad parameter.
    if s == ok {
        assert!(body.contains(&escaped(&domain)));
        assert!(body.contains("<option value=\"2024-septembre\" selected>"));
    } else {
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }
    let body = page(router, &format!("{base}?comparer=domaine:{}", path_segment(&domain)), ok).await;
    assert!(body.contains(&format!("<th scope=\"col\">{}</th>", escaped(&domain))));
    page(router, &format!("{base}?comparer=observatoire"), ok).await;
    page(router, &format!("{base}?comparer=region:Bretagne"), StatusCode::BAD_REQUEST).await;
    page(router, &format!("{base}?comparer=ministere:Inexistant"), StatusCode::BAD_REQUEST).await;
    page(router, &format!("{base}?comparer=nimporte"), StatusCode::BAD_REQUEST).await;
    page(router, &format!("{base}?page=2"), StatusCode::BAD_REQUEST).await;
    page(router, "/syntheses/region/Bretagne", StatusCode::BAD_REQUEST).await;
    page(router, "/syntheses/ministere/Minist%C3%A8re%20inexistant", StatusCode::NOT_FOUND).await;
    page(router, &format!("{base}?edition=inexistante"), StatusCode::NOT_FOUND).await;
    let admin = obs_app::group_names(&latest, GroupBy::Administration).into_iter().next().unwrap();
    let uri = format!("/syntheses/administration/{}", path_segment(&admin));
    well_formed(&uri, &page(router, &uri, ok).await);

    // ------------------------------------------------------------ interministerial
    let body = page(router, "/syntheses/interministerielle", ok).await;
    well_formed("/syntheses/interministerielle", &body);
    assert!(body.contains("Chiffres clés"));
    assert!(body.contains("Démarches observées") && body.contains("FranceConnect") && body.contains("Je donne mon avis"));
    assert!(body.contains("Taux de dématérialisation"));
    assert!(body.contains("Satisfaction usagers par ministère"));
    assert!(body.contains("Prise en compte du handicap par ministère"));
    assert!(body.contains("Évolution depuis Septembre 2024"));
    assert!(body.contains("\u{202f}pt"), "deltas in points");
    assert!(body.contains("id=\"graphe-ministeres-satisfaction-titre\""));
    let body = page(router, "/syntheses/interministerielle?edition=2023-juin", ok).await;
    assert!(body.contains("pas d&#39;édition précédente") || body.contains("pas d'édition précédente"));
    page(router, "/syntheses/interministerielle?edition=", ok).await;
    page(router, "/syntheses/interministerielle?x=1", StatusCode::BAD_REQUEST).await;
});

both!(pages_without_published_edition, empty, |site| {
    let router = &site;
    page(router, "/syntheses", StatusCode::NOT_FOUND).await;
    page(router, "/syntheses/interministerielle", StatusCode::NOT_FOUND).await;
    page(router, "/syntheses/ministere/Premier%20ministre", StatusCode::NOT_FOUND).await;
    page(router, "/demarches/1", StatusCode::NOT_FOUND).await;
    page(router, "/syntheses?inconnu=1", StatusCode::BAD_REQUEST).await;
});
