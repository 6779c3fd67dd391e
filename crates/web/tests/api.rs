//! The JSON API on the demonstration database, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: it answers the same numbers as the pages, the downloads and the use cases; it
//! caches published data with strong ETags; it refuses bad parameters with French problem+json
//! answers; it matches its OpenAPI document; and every field name it answers is French.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use obs_app::{Actor, GroupBy, View, group_syntheses};
use obs_domain::diff::EditionDiff;
use obs_domain::synthesis::{BucketCount, CountShare, Headline, IndicatorSynthesis};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::TestSite;

const SLUG: &str = "2025-decembre";

/// GET that must answer 200 with JSON.
async fn ok(site: &TestSite, uri: &str) -> Value {
    let a = site.get(uri).await;
    assert_eq!(a.status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.header(header::CONTENT_TYPE), "application/json", "{uri}");
    a.json()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---------------------------------------------------------------- editions

both!(editions_list_and_detail_with_the_sites_download_urls, |site| {
    let list = ok(&site, "/api/v1/editions").await;
    let slugs: Vec<&str> = list["editions"].as_array().unwrap().iter().map(|e| e["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["2023-juin", "2024-septembre", SLUG]);
    let e = &list["editions"][2];
    assert_eq!(e["nom"], "Décembre 2025");
    assert_eq!(e["trimestre"], "2025-T4");
    assert_eq!(e["date_arret"], "2025-12-31");
    assert_eq!(e["fenetres"]["avis"]["debut"], "2025-01-01");
    assert_eq!(e["fenetres"]["sondes"]["fin"], "2025-12-31");
    assert_eq!(e["regles"], "2025");
    assert_eq!(e["etat"], "publiée");
    assert_eq!(e["revision_en_vigueur"], 1);
    assert_eq!(e["demonstration"], true);
    assert!(e["publiee_le"].is_string());

    let d = ok(&site, &format!("/api/v1/editions/{SLUG}")).await;
    assert_eq!(d["slug"], SLUG);
    let revs = d["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0]["numero"], 1);
    assert!(revs[0]["motif"].is_null());
    let hrefs: Vec<&str> = d["liens"]["telechargements"].as_array().unwrap().iter().map(|x| x["href"].as_str().unwrap()).collect();
    let expected: Vec<String> = ["donnees.csv", "donnees-virgule.csv", "donnees.xlsx", "donnees.json", "schema.json"]
        .iter()
        .map(|f| format!("/editions/{SLUG}/telecharger/{f}"))
        .collect();
    assert_eq!(hrefs, expected);
    assert_eq!(revs[0]["telechargements"][0]["href"], format!("/editions/{SLUG}/telecharger/donnees.csv?revision=1"));
    // The links work.
    for href in hrefs.iter().copied().chain([revs[0]["telechargements"][3]["href"].as_str().unwrap()]) {
        assert_eq!(site.get(href).await.status, StatusCode::OK, "{href}");
    }
    for link in ["self", "demarches", "synthese"] {
        ok(&site, d["liens"][link].as_str().unwrap()).await;
    }
    assert_eq!(site.get(d["liens"]["page"].as_str().unwrap()).await.status, StatusCode::OK);
});

// ---------------------------------------------------------------- démarches

both!(demarches_total_and_values_equal_the_table_and_the_download, |site| {
    let table = site.app.table(&Actor::Public, SLUG, View::Current).await.unwrap();
    let first = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches")).await;
    assert_eq!(first["total"].as_u64().unwrap() as usize, table.rows.len());
    assert_eq!(first["edition"], SLUG);
    assert_eq!(first["revision"], 1);
    assert_eq!(first["page"], 1);
    assert_eq!(first["par_page"], 50);
    assert_eq!(first["pages"].as_u64().unwrap() as usize, table.rows.len().div_ceil(50));
    assert_eq!(first["demarches"].as_array().unwrap().len(), 50);
    assert!(first["liens"]["precedent"].is_null());
    // Following "suivant" gives page 2, whose "precedent" leads back.
    let next = first["liens"]["suivant"].as_str().unwrap().to_string();
    assert_eq!(next, format!("/api/v1/editions/{SLUG}/demarches?page=2"));
    let second = ok(&site, &next).await;
    assert_eq!(second["page"], 2);
    assert_eq!(second["liens"]["precedent"], format!("/api/v1/editions/{SLUG}/demarches"));
    assert_ne!(first["demarches"][0]["id"], second["demarches"][0]["id"]);

    // All rows at once, against the open-data JSON file and the classified table.
    let all = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?par_page=500")).await;
    let rows = all["demarches"].as_array().unwrap();
    assert_eq!(rows.len(), table.rows.len());
    assert!(all["liens"]["suivant"].is_null());
    let dl = site.get(&format!("/editions/{SLUG}/telecharger/donnees.json")).await;
    assert_eq!(dl.status, StatusCode::OK);
    let export = dl.json();
    let exported = export["demarches"].as_array().unwrap();
    assert_eq!(exported.len(), rows.len());
    let mut with_value = 0;
    for row in rows {
        let id = row["id"].as_i64().unwrap();
        let ex = exported.iter().find(|e| e["demarche_id"].as_i64() == Some(id)).expect("row in the download");
        assert_eq!(row["titre"], ex["titre"]);
        assert_eq!(row["ministere"], ex["ministere"]);
        let t = table.row(id).unwrap();
        for (i, ind) in table.rules.indicators.iter().enumerate() {
            let api = &row["indicateurs"][&ind.slug];
            let file = &ex["indicateurs"][&ind.slug];
            let cell = &t.cells[i];
            let level = cell.level(ind);
            assert_eq!(api["niveau"], level.label.as_str());
            assert_eq!(api["niveau_cle"], level.key.as_str());
            assert_eq!(api["couleur"], level.color.as_str());
            assert_eq!(api["objectif_atteint"], level.goal);
            assert_eq!(api["valeur"].as_f64(), cell.value, "{id} {}", ind.slug);
            assert_eq!(api["affichage"].as_str().map(String::from), cell.display_value(ind));
            assert_eq!(api["nombre_avis"].as_u64(), cell.count);
            for (k, fk) in [("niveau", "niveau"), ("niveau_cle", "niveau_cle"), ("couleur", "couleur"), ("objectif_atteint", "objectif_atteint"), ("valeur", "valeur"), ("affichage", "affichage"), ("nombre_avis", "nombre_avis")] {
                assert_eq!(api[k], file[fk], "{id} {} {k}", ind.slug);
            }
            with_value += usize::from(cell.value.is_some());
        }
    }
    assert!(with_value > 100, "exact values are carried");
    // The satisfaction shows the site's truncated figure ("7,9 / 10").
    let sat = rows.iter().map(|r| &r["indicateurs"]["satisfaction"]).find(|s| s["valeur"].is_number()).unwrap();
    assert!(sat["affichage"].as_str().unwrap().ends_with(" / 10"));
});

fn html_total(html: &str) -> usize {
    let i = html.find(" démarche(s)").expect("count on the page");
    let digits: String = html[..i].chars().rev().take_while(|c| c.is_ascii_digit() || *c == '\u{202f}').filter(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().unwrap()
}

both!(filters_sort_and_pagination_are_those_of_the_page, |site| {
    let table = site.app.table(&Actor::Public, SLUG, View::Current).await.unwrap();
    let sat = table.rules.indicator_index("satisfaction").unwrap();
    let ind = &table.rules.indicators[sat];
    let ministry = table.rows.iter().find_map(|r| r.member.ministere.clone()).unwrap();
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let cases: Vec<(String, usize)> = vec![
        (
            "niveau_satisfaction=objectif".into(),
            table.rows.iter().filter(|r| ind.levels[r.cells[sat].level].goal && !ind.levels[r.cells[sat].level].is_gray()).count(),
        ),
        (
            "niveau_satisfaction=non-objectif".into(),
            table.rows.iter().filter(|r| !ind.levels[r.cells[sat].level].goal && !ind.levels[r.cells[sat].level].is_gray()).count(),
        ),
        (format!("ministere={}", enc(&ministry)), table.rows.iter().filter(|r| r.member.ministere.as_deref() == Some(ministry.as_str())).count()),
        ("public=particuliers".into(), table.rows.iter().filter(|r| r.member.audiences.iter().any(|a| a == "particuliers")).count()),
        ("q=ZZZZ-aucune".into(), 0),
    ];
    for (qs, expected) in &cases {
        let api = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?{qs}&par_page=500")).await;
        assert_eq!(api["total"].as_u64().unwrap() as usize, *expected, "{qs}");
        assert_eq!(api["demarches"].as_array().unwrap().len(), *expected, "{qs}");
        // The page of the site with the same query says the same count.
        let page = site.get(&format!("/editions/{SLUG}?{qs}")).await;
        assert_eq!(page.status, StatusCode::OK, "{qs}");
        assert_eq!(html_total(&String::from_utf8_lossy(&page.body)), *expected, "page {qs}");
    }
    assert!(cases[0].1 > 0 && cases[2].1 > 0);
    let goal = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?niveau_satisfaction=objectif&par_page=500")).await;
    assert!(goal["demarches"].as_array().unwrap().iter().all(|r| r["indicateurs"]["satisfaction"]["objectif_atteint"] == true));

    // Sorting on satisfaction, descending: non-grey values first, best first.
    let sorted = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?tri=satisfaction&ordre=desc&par_page=500")).await;
    let values: Vec<f64> = sorted["demarches"].as_array().unwrap().iter().filter_map(|r| r["indicateurs"]["satisfaction"]["valeur"].as_f64()).collect();
    assert!(values.len() > 10);
    // Sorting by title ascending, page 2 of 10: rows 11 to 20 of the full list.
    let full = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?par_page=500")).await;
    let page2 = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?par_page=10&page=2")).await;
    assert_eq!(page2["demarches"].as_array().unwrap()[..], full["demarches"].as_array().unwrap()[10..20]);
    assert_eq!(page2["liens"]["suivant"], format!("/api/v1/editions/{SLUG}/demarches?par_page=10&page=3"));
    // A frozen revision can be asked for.
    let r1 = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?revision=1&par_page=1")).await;
    assert_eq!(r1["revision"], 1);
    assert_eq!(r1["liens"]["suivant"], format!("/api/v1/editions/{SLUG}/demarches?par_page=1&revision=1&page=2"));
});

both!(one_demarche_across_editions, |site| {
    let view = site.app.demarche(&Actor::Public, 3).await.unwrap();
    let d = ok(&site, "/api/v1/demarches/3").await;
    assert_eq!(d["id"], 3);
    let slugs: Vec<&str> = d["editions"].as_array().unwrap().iter().map(|e| e["slug"].as_str().unwrap()).collect();
    let expected: Vec<&str> = view.appearances.iter().map(|a| a.table.edition.slug.as_str()).collect();
    assert_eq!(slugs, expected);
    assert_eq!(slugs.len(), 3);
    let last = view.appearances.last().unwrap();
    let row = &last.table.rows[last.row];
    assert_eq!(d["titre"], row.member.title.as_str());
    for (i, ind) in last.table.rules.indicators.iter().enumerate() {
        let api = &d["editions"][2]["indicateurs"][&ind.slug];
        assert_eq!(api["niveau"], row.cells[i].level(ind).label.as_str());
        assert_eq!(api["valeur"].as_f64(), row.cells[i].value);
    }
    assert_eq!(d["editions"][0]["regles"], "2023");
    assert!(!d["versions"].as_array().unwrap().is_empty());
    assert_eq!(d["liens"]["page"], "/demarches/3");
    // The id of every row of the table leads to its démarche.
    let page = ok(&site, &format!("/api/v1/editions/{SLUG}/demarches?par_page=3")).await;
    for r in page["demarches"].as_array().unwrap() {
        let one = ok(&site, &format!("/api/v1/demarches/{}", r["id"])).await;
        assert_eq!(one["editions"].as_array().unwrap().last().unwrap()["indicateurs"], r["indicateurs"]);
    }
});

// ---------------------------------------------------------------- syntheses

// What the API must answer for the domain's figures, written independently of the web crate's
// types: every value of the domain under its French name.

fn buckets_fr(list: &[BucketCount]) -> Value {
    list.iter().map(|b| json!({"libelle": b.label, "couleur": b.color.as_str(), "nombre": b.count})).collect()
}

fn indicators_fr(list: &[IndicatorSynthesis]) -> Value {
    list.iter()
        .map(|i| {
            json!({
                "slug": i.slug,
                "libelle": i.label,
                "indicateur_cle": i.key,
                "a_l_objectif": i.at_goal,
                "evaluees": i.evaluated,
                "part_objectif": i.share,
                "niveaux": i.levels.iter().map(|l| json!({
                    "cle": l.key, "libelle": l.label, "couleur": l.color.as_str(), "categorie": l.bucket, "objectif": l.goal, "nombre": l.count,
                })).collect::<Vec<_>>(),
                "categories": buckets_fr(&i.buckets),
            })
        })
        .collect()
}

fn headline_fr(h: &Headline) -> Value {
    let cs = |c: &CountShare| json!({"nombre": c.count, "part": c.share});
    json!({
        "demarches": h.demarches,
        "entierement_en_ligne": cs(&h.fully_online),
        "en_ligne": cs(&h.online_any),
        "taux_de_dematerialisation": h.dematerialisation_rate,
        "franceconnect": cs(&h.franceconnect),
        "bouton_jdma": cs(&h.feedback_button),
        "categories_de_satisfaction": buckets_fr(&h.satisfaction_bands),
    })
}

fn diff_fr(a: &str, b: &str, d: &EditionDiff) -> Value {
    let member = |m: &obs_domain::diff::Membership| json!({"demarche_id": m.demarche_id, "titre": m.title});
    json!({
        "a": a,
        "b": b,
        "entrees": d.entered.iter().map(member).collect::<Vec<_>>(),
        "sorties": d.left.iter().map(member).collect::<Vec<_>>(),
        "changements": d.changes.iter().map(|c| json!({
            "demarche_id": c.demarche_id, "titre": c.title, "indicateur": c.indicator,
            "avant": c.from, "couleur_avant": c.from_color.as_str(), "apres": c.to, "couleur_apres": c.to_color.as_str(),
            "valeur_avant": c.from_value, "valeur_apres": c.to_value, "sens": serde_json::to_value(c.trend).unwrap(),
        })).collect::<Vec<_>>(),
        "plus_forts_mouvements": d.biggest_moves.iter().map(|m| json!({
            "demarche_id": m.demarche_id, "titre": m.title, "hausses": m.up, "baisses": m.down,
        })).collect::<Vec<_>>(),
    })
}

both!(synthesis_equals_the_use_cases_and_the_download, |site| {
    let report = site.app.synthesis(&Actor::Public, SLUG).await.unwrap();
    let s = ok(&site, &format!("/api/v1/editions/{SLUG}/synthese")).await;
    assert_eq!(s["edition"], SLUG);
    assert_eq!(s["revision"], 1);
    assert!(s["groupe"].is_null() && s["nom"].is_null());
    assert_eq!(s["demarches"].as_u64().unwrap(), report.demarches);
    // The figures of `observatoire edition synthesis --json`, under French names.
    assert_eq!(s["indicateurs"], indicators_fr(&report.indicators));
    for (api, i) in s["indicateurs"].as_array().unwrap().iter().zip(&report.indicators) {
        assert_eq!(api["a_l_objectif"].as_u64().unwrap(), i.at_goal);
        assert_eq!(api["evaluees"].as_u64().unwrap(), i.evaluated);
        match i.share {
            Some(x) => assert!(close(api["part_objectif"].as_f64().unwrap(), x), "{}", i.slug),
            None => assert!(api["part_objectif"].is_null()),
        }
    }
    let headline = site.app.headline(&Actor::Public, SLUG).await.unwrap();
    assert_eq!(s["chiffres_cles"], headline_fr(&headline));

    // Groups: every ministry of the download's per-ministry synthesis, and a domain.
    let table = site.app.table(&Actor::Public, SLUG, View::Current).await.unwrap();
    let export = site.get(&format!("/editions/{SLUG}/telecharger/donnees.json")).await.json();
    let per_ministry = export["synthese_par_ministere"].as_array().unwrap();
    assert!(per_ministry.len() > 3);
    let groups = group_syntheses(&table, GroupBy::Ministere);
    for m in per_ministry {
        let name = m["ministere"].as_str().unwrap();
        let enc: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        let g = ok(&site, &format!("/api/v1/editions/{SLUG}/synthese?groupe=ministere&nom={enc}")).await;
        assert_eq!(g["groupe"], "ministere");
        assert_eq!(g["nom"], name);
        assert_eq!(g["demarches"], m["demarches"]);
        let mine = &groups.iter().find(|x| x.name == name).unwrap().synthesis;
        assert_eq!(g["indicateurs"], indicators_fr(&mine.indicators));
        // The same names and numbers as the download.
        for i in g["indicateurs"].as_array().unwrap() {
            let slug = i["slug"].as_str().unwrap();
            for k in ["part_objectif", "a_l_objectif", "evaluees"] {
                assert_eq!(i[k], m["indicateurs"][slug][k], "{name} {slug} {k}");
            }
        }
        // The headline stays that of the whole edition.
        assert_eq!(g["chiffres_cles"], s["chiffres_cles"]);
    }
    let dom = ok(&site, &format!("/api/v1/editions/{SLUG}/synthese?groupe=domaine&nom=Travail%20et%20emploi")).await;
    let expected = group_syntheses(&table, GroupBy::Domaine).into_iter().find(|g| g.name == "Travail et emploi").unwrap();
    assert_eq!(dom["demarches"].as_u64().unwrap(), expected.synthesis.demarches);
    assert_eq!(dom["indicateurs"], indicators_fr(&expected.synthesis.indicators));
});

// ---------------------------------------------------------------- rules and diff

both!(rule_sets_and_diff, |site| {
    let list = ok(&site, "/api/v1/indicateurs").await;
    let ids: Vec<&str> = list["regles"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2019", "2023", "2025"]);
    let r = ok(&site, "/api/v1/regles/2025").await;
    assert_eq!(r, list["regles"][2]);
    let loaded = site.app.ruleset("2025").unwrap();
    assert_eq!(r["empreinte"], loaded.hash.as_str());
    assert_eq!(r["en_vigueur"], true);
    assert_eq!(r["editions"], serde_json::json!([SLUG]));
    let sat = r["indicateurs"].as_array().unwrap().iter().find(|i| i["slug"] == "satisfaction").unwrap();
    let ind = loaded.rules.indicator("satisfaction").unwrap();
    assert_eq!(sat["niveaux"].as_array().unwrap().len(), ind.levels.len());
    for (api, l) in sat["niveaux"].as_array().unwrap().iter().zip(&ind.levels) {
        assert_eq!(api["cle"], l.key.as_str());
        assert_eq!(api["couleur"], l.color.as_str());
        assert_eq!(api["objectif"], l.goal);
        assert_eq!(api["min"].as_f64(), l.min);
        assert_eq!(api["max"].as_f64(), l.max);
        assert_eq!(api["categorie"], l.bucket());
    }
    assert!(sat["niveaux"].as_array().unwrap().iter().any(|l| l["min"].is_number() && l["objectif"] == true));

    let d = ok(&site, &format!("/api/v1/diff/2024-septembre/{SLUG}")).await;
    let expected = site.app.diff(&Actor::Public, "2024-septembre", SLUG).await.unwrap();
    assert_eq!(d["a"], "2024-septembre");
    assert_eq!(d["b"], SLUG);
    assert_eq!(d, diff_fr("2024-septembre", SLUG, &expected));
    assert!(!d["changements"].as_array().unwrap().is_empty());
    assert!(!d["plus_forts_mouvements"].as_array().unwrap().is_empty());
});

// ---------------------------------------------------------------- HTTP behaviour

both!(strong_etag_cache_control_and_304, |site| {
    for uri in [
        "/api/v1/editions".to_string(),
        format!("/api/v1/editions/{SLUG}/demarches?par_page=5"),
        format!("/api/v1/editions/{SLUG}/synthese"),
        "/api/v1/demarches/3".to_string(),
        "/api/v1/openapi.json".to_string(),
    ] {
        let a = site.get(&uri).await;
        assert_eq!(a.status, StatusCode::OK);
        let etag = a.header(header::ETAG).to_string();
        let hex: String = Sha256::digest(&a.body).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(etag, format!("\"{hex}\""), "{uri}: strong ETag = SHA-256 of the body");
        assert_eq!(a.header(header::CACHE_CONTROL), "public, max-age=3600");
        // Same answer twice: same tag.
        assert_eq!(site.get(&uri).await.header(header::ETAG), etag);
        for sent in [etag.clone(), format!("W/{etag}"), format!("\"autre\", {etag}"), "*".to_string()] {
            let req = Request::get(uri.as_str()).header(header::IF_NONE_MATCH, sent.as_str()).body(Body::empty()).unwrap();
            let b = site.send(req).await;
            assert_eq!(b.status, StatusCode::NOT_MODIFIED, "{uri} with {sent}");
            assert!(b.body.is_empty());
            assert_eq!(b.header(header::ETAG), etag);
            assert_eq!(b.header(header::CACHE_CONTROL), "public, max-age=3600");
        }
        let req = Request::get(uri.as_str()).header(header::IF_NONE_MATCH, "\"perime\"").body(Body::empty()).unwrap();
        assert_eq!(site.send(req).await.status, StatusCode::OK);
    }
    // Another page of the table is another representation.
    let p1 = site.get(&format!("/api/v1/editions/{SLUG}/demarches?par_page=5")).await;
    let p2 = site.get(&format!("/api/v1/editions/{SLUG}/demarches?par_page=5&page=2")).await;
    assert_ne!(p1.header(header::ETAG), p2.header(header::ETAG));
    // HEAD answers the headers only.
    let h = site.send(Request::head("/api/v1/editions").body(Body::empty()).unwrap()).await;
    assert_eq!(h.status, StatusCode::OK);
    assert!(h.body.is_empty());
    assert!(h.header(header::ETAG).starts_with('"'));
});

both!(any_origin_may_read, |site| {
    let req = Request::get("/api/v1/editions").header(header::ORIGIN, "https://reutilisateur.example.org").body(Body::empty()).unwrap();
    let a = site.send(req).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let pre = Request::builder()
        .method(Method::OPTIONS)
        .uri(format!("/api/v1/editions/{SLUG}/demarches"))
        .header(header::ORIGIN, "https://reutilisateur.example.org")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .body(Body::empty())
        .unwrap();
    let p = site.send(pre).await;
    assert!(p.status.is_success(), "preflight: {}", p.status);
    assert_eq!(p.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert!(p.header(header::ACCESS_CONTROL_ALLOW_METHODS).contains("GET"));
    // Errors are readable cross-origin too.
    let req = Request::get("/api/v1/editions/inconnue").header(header::ORIGIN, "https://reutilisateur.example.org").body(Body::empty()).unwrap();
    let e = site.send(req).await;
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert_eq!(e.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
});

both!(bad_requests_are_french_problems_never_500, |site| {
    let t = format!("/api/v1/editions/{SLUG}/demarches");
    let s = format!("/api/v1/editions/{SLUG}/synthese");
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/v1/editions?x=1".into(), 400, "inconnu"),
        (format!("/api/v1/editions/{SLUG}?format=xml"), 400, "inconnu"),
        ("/api/v1/editions/inconnue".into(), 404, "introuvable"),
        ("/api/v1/editions/%FF".into(), 400, "UTF-8"),
        ("/api/v1/editions/%FF/demarches".into(), 400, "UTF-8"),
        ("/api/v1/demarches/%C3".into(), 400, "UTF-8"),
        ("/api/v1/diff/%FF/a".into(), 400, "UTF-8"),
        ("/api/v1/editions/inconnue/demarches".into(), 404, "introuvable"),
        ("/api/v1/editions/inconnue/synthese".into(), 404, "introuvable"),
        (format!("{t}?page=-1"), 400, "entier positif"),
        (format!("{t}?page=0"), 400, "entier positif"),
        (format!("{t}?page=abc"), 400, "nombre entier"),
        (format!("{t}?page=99999999999999999999999"), 400, "nombre entier"),
        (format!("{t}?page=1000"), 400, "inexistante"),
        (format!("{t}?page=18446744073709551615"), 400, "page"),
        (format!("{t}?par_page=100000"), 400, "au plus"),
        (format!("{t}?par_page=0"), 400, "entier positif"),
        (format!("{t}?couleur=rouge"), 400, "inconnu"),
        (format!("{t}?niveau_inexistant=vert"), 400, "inexistant"),
        (format!("{t}?niveau_satisfaction=violet"), 400, "violet"),
        (format!("{t}?tri=nimporte"), 400, "tri"),
        (format!("{t}?ordre=haut"), 400, "ordre"),
        (format!("{t}?revision=abc"), 400, "revision"),
        (format!("{t}?revision=0"), 400, "revision"),
        (format!("{t}?revision=-3"), 400, "revision"),
        (format!("{t}?revision=99"), 404, "révision 99"),
        (format!("{s}?groupe=region&nom=Bretagne"), 400, "groupe « region » inconnu"),
        (format!("{s}?groupe=region"), 400, "inconnu"),
        (format!("{s}?groupe=ministere"), 400, "« nom » est obligatoire"),
        (format!("{s}?nom=Justice"), 400, "« groupe » est obligatoire"),
        (format!("{s}?groupe=ministere&nom=Minist%C3%A8re%20imaginaire"), 404, "ministère « Ministère imaginaire » introuvable"),
        (format!("{s}?groupe=ministere&nom=a&nom=b"), 400, "répété"),
        (format!("{s}?annee=2025"), 400, "inconnu"),
        ("/api/v1/demarches/abc".into(), 400, "nombre entier"),
        ("/api/v1/demarches/1e3".into(), 400, "nombre entier"),
        ("/api/v1/demarches/99999999999999999999999".into(), 400, "nombre entier"),
        ("/api/v1/demarches/99999999".into(), 404, "introuvable"),
        ("/api/v1/demarches/-1".into(), 404, "introuvable"),
        ("/api/v1/demarches/3?x=1".into(), 400, "inconnu"),
        ("/api/v1/regles/1999".into(), 404, "jeu de règles « 1999 » introuvable"),
        ("/api/v1/indicateurs?regles=2025".into(), 400, "inconnu"),
        ("/api/v1/diff/2023-juin/inconnue".into(), 404, "introuvable"),
        (format!("/api/v1/diff/inconnue/{SLUG}"), 404, "introuvable"),
        ("/api/v1/nimporte".into(), 404, "/api/docs"),
        ("/api/v1/editions/a/b/c/d".into(), 404, "ressource inconnue"),
        ("/api/v1/openapi.json?v=2".into(), 400, "inconnu"),
    ];
    for (uri, status, needle) in cases {
        let a = site.get(&uri).await;
        assert_eq!(a.status.as_u16(), status, "{uri}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(a.header(header::CONTENT_TYPE), "application/problem+json", "{uri}");
        let p = a.json();
        assert_eq!(p["status"], status, "{uri}");
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains(needle), "{uri}: « {detail} » should mention « {needle} »");
        assert!(a.headers.get(header::ETAG).is_none(), "{uri}: errors are not cached");
    }
    // Writing is refused with a problem too.
    let a = site.send(Request::post("/api/v1/editions").body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.header(header::CONTENT_TYPE), "application/problem+json");
    assert_eq!(a.header(header::ALLOW), "GET, HEAD");
    assert!(a.json()["detail"].as_str().unwrap().contains("lecture seule"));
});

// ---------------------------------------------------------------- OpenAPI and its page

/// Checks `v` against a JSON Schema subset (type, enum, properties, required,
/// additionalProperties, items, anyOf, $ref), collecting errors.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = doc.pointer(&r[1..]).unwrap_or_else(|| panic!("unresolved {r}"));
        return check(doc, target, v, at, errs);
    }
    if let Some(alts) = schema.get("anyOf").and_then(Value::as_array) {
        let ok = alts.iter().any(|a| {
            let mut e = Vec::new();
            check(doc, a, v, at, &mut e);
            e.is_empty()
        });
        if !ok {
            errs.push(format!("{at}: {v} matches no alternative"));
        }
        return;
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "null" => v.is_null(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "object" => v.is_object(),
            "array" => v.is_array(),
            _ => false,
        });
        if !ok {
            errs.push(format!("{at}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(v)
    {
        errs.push(format!("{at}: {v} not in {values:?}"));
    }
    if let Value::Object(o) = v {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !o.contains_key(req) {
                errs.push(format!("{at}: missing « {req} »"));
            }
        }
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(doc, ps, x, &format!("{at}.{k}"), errs),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{at}: undocumented field « {k} »")),
                    Some(s @ Value::Object(_)) => check(doc, s, x, &format!("{at}.{k}"), errs),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(a), Some(items)) = (v, schema.get("items")) {
        for (i, x) in a.iter().enumerate() {
            check(doc, items, x, &format!("{at}[{i}]"), errs);
        }
    }
}

both!(every_documented_example_answers_what_the_document_says, |site| {
    let doc = ok(&site, "/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 9);
    for (path, item) in paths {
        let op = &item["get"];
        let example = op["x-exemple"].as_str().unwrap();
        let a = site.get(example).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {example}");
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let mut errs = Vec::new();
        check(&doc, schema, &a.json(), path, &mut errs);
        assert!(errs.is_empty(), "{example} does not match its schema:\n{}", errs.join("\n"));
    }
    // Schemas are strict enough to catch an undocumented field.
    let mut errs = Vec::new();
    check(&doc, &serde_json::json!({"$ref": "#/components/schemas/Probleme"}), &serde_json::json!({"type": "about:blank", "title": "x", "status": 400, "detail": "d", "extra": 1}), "p", &mut errs);
    assert_eq!(errs.len(), 1);
    // More answers against their schemas: every page of the table, an error, a démarche in 3 editions.
    for (uri, schema) in [
        (format!("/api/v1/editions/{SLUG}/demarches?par_page=500"), "PageDemarches"),
        ("/api/v1/editions/2023-juin/demarches?par_page=500".into(), "PageDemarches"),
        ("/api/v1/indicateurs".into(), "ListeRegles"),
        (format!("/api/v1/editions/{SLUG}/synthese"), "Synthese"),
        (format!("/api/v1/diff/2023-juin/{SLUG}"), "Comparaison"),
    ] {
        let mut errs = Vec::new();
        check(&doc, &serde_json::json!({"$ref": format!("#/components/schemas/{schema}")}), &ok(&site, &uri).await, &uri, &mut errs);
        assert!(errs.is_empty(), "{uri}:\n{}", errs.join("\n"));
    }
    let e = site.get("/api/v1/editions/inconnue").await;
    let mut errs = Vec::new();
    check(&doc, &doc["components"]["schemas"]["Probleme"], &e.json(), "probleme", &mut errs);
    assert!(errs.is_empty(), "{errs:?}");
});

/// English words that were, or could become, field names: the API speaks French in every field
/// name (`self` is a link relation; `slug`, `url`, `href`, `id`, `min`, `max`, `format`,
/// `description`, `sources` belong to both languages).
const ENGLISH_KEYS: &[&str] = &[
    "name", "state", "title", "label", "key", "color", "bucket", "buckets", "goal", "count", "share", "levels", "level",
    "at_goal", "evaluated", "entered", "left", "changes", "biggest_moves", "from", "to", "from_color", "to_color", "from_value",
    "to_value", "trend", "up", "down", "indicator", "indicators", "fully_online", "online_any", "dematerialisation_rate",
    "feedback_button", "satisfaction_bands", "links", "value", "rules", "published_at", "reason", "downloads", "weight",
];

/// Every field name of `v`, with its path; the keys of the `indicateurs` maps are indicator
/// slugs (data, not field names) and are skipped, but their values are walked.
fn field_names(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(o) => {
            let is_slug_map = at.ends_with(".indicateurs");
            for (k, x) in o {
                if !is_slug_map {
                    out.push((at.to_string(), k.clone()));
                }
                field_names(x, &format!("{at}.{k}"), out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| field_names(x, &format!("{at}[]"), out)),
        _ => {}
    }
}

both!(every_answer_speaks_french_in_its_field_names, |site| {
    let doc = ok(&site, "/api/v1/openapi.json").await;
    let mut uris: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.as_str() != "/openapi.json") // OpenAPI's own vocabulary
        .map(|(_, item)| item["get"]["x-exemple"].as_str().unwrap().to_string())
        .collect();
    uris.extend([
        format!("/api/v1/editions/{SLUG}/synthese"),
        format!("/api/v1/diff/2023-juin/{SLUG}"),
        "/api/v1/demarches/3".to_string(),
    ]);
    assert_eq!(uris.len(), 11);
    for uri in &uris {
        let mut names = Vec::new();
        field_names(&ok(&site, uri).await, "", &mut names);
        assert!(names.len() > 5, "{uri}");
        let english: Vec<_> = names.iter().filter(|(_, k)| ENGLISH_KEYS.contains(&k.as_str())).collect();
        assert!(english.is_empty(), "{uri}: English field names {english:?}");
    }
    // The walk does find an English name where there is one.
    let mut names = Vec::new();
    field_names(&json!({"a": [{"at_goal": 1}], "indicateurs": {"online": {"niveau": "Oui"}}}), "", &mut names);
    let found: Vec<&str> = names.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(found, ["a", "at_goal", "indicateurs", "niveau"]);
});

both!(the_documentation_page_is_rendered_from_the_document, |site| {
    let doc = ok(&site, "/api/v1/openapi.json").await;
    let a = site.get("/api/docs").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = String::from_utf8(a.body).unwrap();
    let mut text = html.clone();
    for (entity, c) in [("&#34;", "\""), ("&quot;", "\""), ("&#38;", "&"), ("&amp;", "&"), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">")] {
        text = text.replace(entity, c);
    }
    assert!(html.contains("<h1>Documentation de l'API</h1>"));
    assert!(html.contains("aria-current=\"page\">Données ouvertes et API</a>"), "active navigation entry");
    for (path, item) in doc["paths"].as_object().unwrap() {
        let op = &item["get"];
        assert!(html.contains(&format!("<code>/api/v1{path}</code>")), "{path}");
        let summary = op["summary"].as_str().unwrap();
        assert!(text.contains(&format!(">{summary}</h3>")), "{summary}");
        let example = op["x-exemple"].as_str().unwrap();
        assert!(text.contains(&format!("<code>curl -i \"{example}\"</code>")), "{example}");
    }
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(html.contains(&format!("id=\"schema-{name}\"")), "{name}");
    }
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("<caption>Paramètres de"));
    assert!(!html.contains("swagger"));
});
