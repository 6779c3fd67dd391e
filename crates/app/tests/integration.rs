//! Integration tests of the use cases on SQLite and PostgreSQL (one fresh database per test).

mod support;

use obs_app::{AppError, EditionInput, ExportFormat, ImportOptions, View};
use obs_domain::EditionState;
use support::{data_dir, op};

async fn edition(app: &obs_app::App, slug: &str, rules: &str) {
    app.create_edition(
        &op(),
        EditionInput { slug: slug.into(), name: format!("Édition {slug}"), ruleset: Some(rules.into()), cutoff: Some("2025-12-31".into()), ..Default::default() },
    )
    .await
    .unwrap();
}

fn level_of(t: &obs_app::EditionTable, jdma_title_or_id: i64, slug: &str) -> String {
    let i = t.rules.indicator_index(slug).unwrap();
    let row = t.rows.iter().find(|r| r.member.title == format!("Démarche n° {jdma_title_or_id}")).expect("row");
    t.rules.indicators[i].levels[row.cells[i].level].label.clone()
}

both!(real_snapshots_import_with_their_defects_reported, |db| {
    let app = &db.app;
    for (slug, folder, rules, n) in [("a", "2023-06-30", "2023", 207), ("b", "2024-09-30", "2023", 236), ("c", "2025-12-31", "2025", 253)] {
        edition(app, slug, rules).await;
        let r = app.import_dashlord(&op(), &data_dir().join("dashlord").join(folder), slug, &ImportOptions::default()).await.unwrap();
        assert_eq!(r.demarches, n, "{folder}");
        assert_eq!(r.created + (n - r.created), n);
        assert!(!r.problems.is_empty(), "{folder}: defects must be reported");
        assert!(r.problems.iter().all(|p| p.severity == obs_formats::Severity::Warning), "{folder}: no blocking problem in real data");
    }
    // 2025-12-31/757 has empty feedback files: its satisfaction is "À venir", never red.
    let t = app.table(&op(), "c", View::Draft).await.unwrap();
    assert_eq!(level_of(&t, 757, "satisfaction"), "À venir");
    // An updown.json holding {} means not measured.
    let empties = ["2025-12-31"].iter().flat_map(|f| std::fs::read_dir(data_dir().join("dashlord").join(f)).unwrap()).filter_map(|e| {
        let e = e.ok()?;
        let s = std::fs::read_to_string(e.path().join("updown.json")).ok()?;
        (s.trim() == "{}").then(|| e.file_name().to_string_lossy().parse::<i64>().ok()).flatten()
    }).collect::<Vec<_>>();
    assert!(!empties.is_empty());
    for id in empties {
        assert_eq!(level_of(&t, id, "uptime"), "À venir");
    }
    // The same démarche (same feedback product id) is one démarche across the three editions.
    let id = t.rows.iter().find(|r| r.member.title == "Démarche n° 1703").unwrap().member.demarche_id;
    let view = app.demarche(&op(), id).await.unwrap();
    let slugs: Vec<&str> = view.appearances.iter().map(|a| a.table.edition.slug.as_str()).collect();
    assert_eq!(slugs, ["b", "c"], "1703 is in the 2024 and 2025 snapshots only");
});

both!(invalid_json_fails_the_whole_import_unless_skipped, |db| {
    let app = &db.app;
    edition(app, "x", "2025").await;
    let tmp = tempfile::tempdir().unwrap();
    let src = data_dir().join("dashlord/2025-12-31");
    support::copy_dir(&src, tmp.path());
    std::fs::write(tmp.path().join("1703/jdma.json"), "{\"data\": {oops").unwrap();
    let err = app.import_dashlord(&op(), tmp.path(), "x", &ImportOptions::default()).await.unwrap_err();
    match &err {
        AppError::ImportRejected(problems) => {
            assert!(problems.iter().any(|p| p.severity == obs_formats::Severity::Error && p.file.contains("1703") && p.file.contains("jdma.json")), "{problems:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("rien n'a été enregistré"));
    let t = app.table(&op(), "x", View::Draft).await.unwrap();
    assert_eq!(t.rows.len(), 0, "nothing written");
    let opts = ImportOptions { skip_invalid: true, ..Default::default() };
    let r = app.import_dashlord(&op(), tmp.path(), "x", &opts).await.unwrap();
    assert_eq!(r.demarches, 253, "the démarche with a bad file is still imported");
    let t = app.table(&op(), "x", View::Draft).await.unwrap();
    assert_eq!(level_of(&t, 1703, "satisfaction"), "À venir");
});

both!(publication_freezes_and_corrections_make_revisions, |db| {
    let app = &db.app;
    edition(app, "p", "2025").await;
    app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), "p", &ImportOptions::default()).await.unwrap();
    app.set_state(&op(), "p", EditionState::Consultation).await.unwrap();
    let r1 = app.publish(&op(), "p").await.unwrap();
    assert_eq!(r1.revision, 1);
    let e = app.edition(&op(), "p").await.unwrap();
    assert_eq!(e.state, obs_domain::EditionState::Publiee);
    // A published revision never changes.
    let again = app.publish(&op(), "p").await.unwrap_err();
    assert!(matches!(again, AppError::Refused(_)) && again.to_string().contains("ne change jamais"), "{again}");
    let imp = app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), "p", &ImportOptions::default()).await.unwrap_err();
    assert!(matches!(imp, AppError::Refused(_)), "{imp}");
    // Correction: a sheet changes one value, a new revision is published with its reason.
    let before = app.table(&op(), "p", View::Current).await.unwrap();
    let row = before.rows.iter().find(|r| r.member.title == "Démarche n° 1703").unwrap();
    let id = row.member.demarche_id;
    assert!(app.open_correction(&op(), "p", " ").await.is_err(), "a reason is required");
    app.open_correction(&op(), "p", "Taux RGAA publié corrigé").await.unwrap();
    let csv = "Dashlord_ID_JDMA;Nom_Demarche;Taux_RGAA_Publie\n1703;Démarche n° 1703;1\n";
    app.import_sheet(&op(), csv.as_bytes(), "correction.csv", "p", &ImportOptions::default()).await.unwrap();
    let r2 = app.publish(&op(), "p").await.unwrap();
    assert_eq!(r2.revision, 2);
    assert_eq!(r2.reason.as_deref(), Some("Taux RGAA publié corrigé"));
    assert_eq!(app.edition(&op(), "p").await.unwrap().state, obs_domain::EditionState::Corrigee);
    let v1 = app.table(&op(), "p", View::Revision(1)).await.unwrap();
    let v2 = app.table(&op(), "p", View::Revision(2)).await.unwrap();
    let h = v1.rules.indicator_index("handicap").unwrap();
    let lvl = |t: &obs_app::EditionTable| t.rules.indicators[h].levels[t.row(id).unwrap().cells[h].level].label.clone();
    assert_eq!(lvl(&v1), "À venir", "revision 1 stays readable, unchanged");
    assert_eq!(lvl(&v2), "Oui");
    assert_eq!(app.revisions(&op(), "p").await.unwrap().len(), 2);
});

both!(frozen_rows_are_refused_by_the_database, |db| {
    let app = &db.app;
    edition(app, "f", "2025").await;
    app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), "f", &ImportOptions::default()).await.unwrap();
    app.publish(&op(), "f").await.unwrap();
    // Even bypassing the application, the database refuses to change a frozen revision.
    let mut tx = db.store.begin().await.unwrap();
    let res = match tx.conn() {
        obs_store::Conn::Sqlite(c) => sqlx::query("UPDATE revision_cells SET level_key = 'x'").execute(&mut *c).await.map(|_| ()),
        obs_store::Conn::Postgres(c) => sqlx::query("UPDATE revision_cells SET level_key = 'x'").execute(&mut *c).await.map(|_| ()),
    };
    assert!(res.is_err(), "trigger must refuse");
});

both!(synthesis_lists_every_level_and_matches_the_table, |db| {
    let app = &db.app;
    edition(app, "s", "2025").await;
    app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), "s", &ImportOptions::default()).await.unwrap();
    let draft = app.synthesis(&op(), "s").await.unwrap();
    app.publish(&op(), "s").await.unwrap();
    let published = app.synthesis(&obs_app::Actor::Public, "s").await.unwrap();
    assert_eq!(published.demarches, 253);
    assert_eq!(published.revision, Some(1));
    assert_eq!(draft.indicators, published.indicators, "stored synthesis equals the computed one");
    let rules = app.ruleset("2025").unwrap().rules.clone();
    for (ind, s) in rules.indicators.iter().zip(&published.indicators) {
        assert_eq!(s.slug, ind.slug);
        assert_eq!(s.levels.len(), ind.levels.len(), "every level listed, even empty");
        assert_eq!(s.levels.iter().map(|l| l.count).sum::<u64>(), 253);
        assert!(s.at_goal <= s.evaluated);
    }
    let sat = published.indicators.iter().find(|i| i.slug == "satisfaction").unwrap();
    assert!(sat.evaluated > 50 && sat.at_goal > 0, "{sat:?}");
    let json = serde_json::to_value(&published).unwrap();
    assert_eq!(json["edition"], "s");
    assert!(json["indicators"][0]["levels"][0]["color"].is_string());
});

both!(changing_a_rule_file_moves_draft_levels_not_published_ones, |db| {
    let app = &db.app;
    edition(app, "r", "2025").await;
    edition(app, "q", "2025").await;
    for slug in ["r", "q"] {
        app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), slug, &ImportOptions::default()).await.unwrap();
    }
    app.publish(&op(), "q").await.unwrap();
    let count_green = |t: &obs_app::EditionTable| {
        let i = t.rules.indicator_index("satisfaction").unwrap();
        t.rows.iter().filter(|r| t.rules.indicators[i].levels[r.cells[i].level].key == "vert").count()
    };
    let before = count_green(&app.table(&op(), "r", View::Draft).await.unwrap());
    let published_before = count_green(&app.table(&op(), "q", View::Current).await.unwrap());
    // Same store, new rule book where green starts at 9 instead of 8.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data_dir().join("../rules/2025.toml")).unwrap()
        .replacen("goal = true, min = 8.0 }", "goal = true, min = 9.0 }", 1)
        .replacen("min = 5.0, max = 8.0 }", "min = 5.0, max = 9.0 }", 1);
    std::fs::write(dir.path().join("2025.toml"), text).unwrap();
    let app2 = obs_app::App::new(db.store.clone(), obs_app::RuleBook::with_dir(dir.path()).unwrap());
    let after = count_green(&app2.table(&op(), "r", View::Draft).await.unwrap());
    assert!(after < before, "draft levels follow the rule file ({before} → {after})");
    let published_after = count_green(&app2.table(&op(), "q", View::Current).await.unwrap());
    assert_eq!(published_after, published_before, "a published revision keeps its frozen rules");
});

both!(spreadsheet_bad_input_changes_nothing, |db| {
    let app = &db.app;
    edition(app, "t", "2025").await;
    let ok = "Ref_Demarche;Nom_Demarche;Nom_Ministere;Statut_En_ligne;Note_Satisfaction;FranceConnect\nD1;Carte grise;Intérieur;Oui;8,4;FranceConnect +\nD2;Passeport;Intérieur;Partiel;À venir;Non\n";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("missing column", b"Ref_Demarche;Note_Satisfaction\nD1;8\n".to_vec(), "Nom_Demarche"),
        ("unknown label", b"Ref_Demarche;Nom_Demarche;Statut_En_ligne\nD1;A;Peut-etre\n".to_vec(), "Peut-etre"),
        ("duplicate id", b"Ref_Demarche;Nom_Demarche\nD1;A\nD1;B\n".to_vec(), "D1"),
    ];
    for (what, bytes, needle) in cases {
        let err = app.import_sheet(&op(), &bytes, "f.csv", "t", &ImportOptions::default()).await.unwrap_err();
        let AppError::ImportRejected(problems) = &err else { panic!("{what}: {err}") };
        let text = problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
        assert!(text.contains(needle), "{what}: {text}");
        assert_eq!(app.table(&op(), "t", View::Draft).await.unwrap().rows.len(), 0, "{what}: nothing written");
    }
    // XLSX with a text in a numeric column.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Ref_Demarche", "Nom_Demarche", "Note_Satisfaction"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "D9").unwrap();
    ws.write_string(1, 1, "Démarche").unwrap();
    ws.write_string(1, 2, "huit").unwrap();
    let xlsx = wb.save_to_buffer().unwrap();
    let err = app.import_sheet(&op(), &xlsx, "f.xlsx", "t", &ImportOptions::default()).await.unwrap_err();
    let AppError::ImportRejected(problems) = &err else { panic!("{err}") };
    assert!(problems.iter().any(|p| p.to_string().contains("huit") && p.to_string().contains("ligne 2")), "{problems:?}");
    // Unknown edition.
    let err = app.import_sheet(&op(), ok.as_bytes(), "f.csv", "inconnue", &ImportOptions::default()).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)), "{err}");
    assert!(err.to_string().contains("inconnue"));
    // The valid file imports; FranceConnect + is in the FranceConnect bucket.
    let r = app.import_sheet(&op(), ok.as_bytes(), "f.csv", "t", &ImportOptions::default()).await.unwrap();
    assert_eq!((r.demarches, r.created), (2, 2));
    let s = app.synthesis(&op(), "t").await.unwrap();
    let auth = s.indicators.iter().find(|i| i.slug == "auth").unwrap();
    assert_eq!(auth.buckets.iter().find(|b| b.label == "FranceConnect").unwrap().count, 1);
    // Skip-invalid imports the valid rows only.
    let mixed = "Ref_Demarche;Nom_Demarche;Statut_En_ligne\nD3;A;Oui\nD4;B;Peut-etre\n";
    let r = app.import_sheet(&op(), mixed.as_bytes(), "m.csv", "t", &ImportOptions { skip_invalid: true, ..Default::default() }).await.unwrap();
    assert!(r.problems.iter().any(|p| p.severity == obs_formats::Severity::Error));
    assert_eq!(app.table(&op(), "t", View::Draft).await.unwrap().rows.len(), 3, "D4 is left out whole");
    // Two rows of one démarche: refused by default, the second skipped with skip_invalid, on
    // both back ends alike (one matched by reference, the other by feedback product id).
    let twice = "Ref_Demarche;Dashlord_ID_JDMA;Nom_Demarche;Note_Satisfaction\nD9;;A;8\n;777;B;3\nD9b;;C;5\n";
    app.import_sheet(&op(), "Ref_Demarche;Dashlord_ID_JDMA;Nom_Demarche\nD9;777;A\n".as_bytes(), "ids.csv", "t", &ImportOptions::default()).await.unwrap();
    let err = app.import_sheet(&op(), twice.as_bytes(), "twice.csv", "t", &ImportOptions::default()).await.unwrap_err();
    assert!(err.to_string().contains("rien n'a été enregistré") || matches!(err, AppError::ImportRejected(_)), "{err}");
    let AppError::ImportRejected(problems) = &err else { panic!("{err}") };
    assert!(problems.iter().any(|p| p.message.contains("même démarche")), "{problems:?}");
    let rows_before = app.table(&op(), "t", View::Draft).await.unwrap().rows.len();
    let r = app.import_sheet(&op(), twice.as_bytes(), "twice.csv", "t", &ImportOptions { skip_invalid: true, ..Default::default() }).await.unwrap();
    assert_eq!(r.demarches, 2, "the repeated démarche is skipped");
    assert_eq!(app.table(&op(), "t", View::Draft).await.unwrap().rows.len(), rows_before + 1);
});

both!(bad_edition_input_is_refused, |db| {
    let app = &db.app;
    let bad = |slug: &str, rules: Option<&str>, cutoff: Option<&str>| EditionInput {
        slug: slug.into(),
        name: "N".into(),
        ruleset: rules.map(String::from),
        cutoff: cutoff.map(String::from),
        ..Default::default()
    };
    assert!(app.create_edition(&op(), bad("Avec Espace", None, None)).await.is_err());
    assert!(app.create_edition(&op(), bad("ok", Some("1999"), None)).await.unwrap_err().to_string().contains("1999"));
    assert!(app.create_edition(&op(), bad("ok", None, Some("31/12/2025"))).await.unwrap_err().to_string().contains("AAAA-MM-JJ"));
    app.create_edition(&op(), bad("ok", None, None)).await.unwrap();
    assert!(app.create_edition(&op(), bad("ok", None, None)).await.unwrap_err().to_string().contains("existe déjà"));
    assert!(app.create_edition(&obs_app::Actor::Public, bad("pub", None, None)).await.is_err(), "the public cannot write");
    assert!(app.table(&obs_app::Actor::Public, "ok", View::Current).await.is_err(), "drafts are not public");
});

both!(diff_and_exports_agree, |db| {
    let app = &db.app;
    obs_app::demo::build(app, &obs_app::demo::DemoData::Dir(data_dir()), None).await.unwrap();
    let d = app.diff(&op(), "2024-septembre", "2025-decembre").await.unwrap();
    let a = app.table(&op(), "2024-septembre", View::Current).await.unwrap();
    let b = app.table(&op(), "2025-decembre", View::Current).await.unwrap();
    let ids = |t: &obs_app::EditionTable| t.rows.iter().map(|r| r.member.demarche_id).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(d.entered.len(), ids(&b).difference(&ids(&a)).count());
    assert_eq!(d.left.len(), ids(&a).difference(&ids(&b)).count());
    assert!(!d.changes.is_empty());
    // Leaving the observed list is a dated event in the démarche's history.
    let gone = d.left.first().expect("some démarches left between 2024 and 2025").demarche_id;
    let versions = app.demarche(&op(), gone).await.unwrap().versions;
    let last = versions.last().unwrap();
    assert!(!last.observed && last.valid_from.to_string() == "2025-12-31", "{versions:?}");
    assert!(versions.iter().any(|v| v.observed));
    let csv = app.export(&op(), "2025-decembre", ExportFormat::Csv).await.unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
    let mut rdr = csv::ReaderBuilder::new().delimiter(b';').from_reader(&csv[3..]);
    assert_eq!(rdr.records().count(), 253);
    let json: serde_json::Value = serde_json::from_slice(&app.export(&op(), "2025-decembre", ExportFormat::Json).await.unwrap()).unwrap();
    assert_eq!(json["demarches"].as_array().unwrap().len(), 253);
    let xlsx = app.export(&op(), "2025-decembre", ExportFormat::Xlsx).await.unwrap();
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(wb.worksheet_range("Démarches").unwrap().rows().count(), 254);
});

#[tokio::test]
async fn schemas_of_both_backends_match() {
    let Some((sqlite, _d)) = support::store(support::Backend::Sqlite, "schema").await else { return };
    let Some((pg, _)) = support::store(support::Backend::Postgres, "schema").await else { return };
    assert_eq!(sqlite.schema_columns().await.unwrap(), pg.schema_columns().await.unwrap());
}

both!(a_refused_publication_changes_nothing, |db| {
    let app = &db.app;
    edition(app, "z", "2025").await;
    let csv = "Ref_Demarche;Nom_Demarche;Statut_En_ligne;FranceConnect\nD1;A;Oui;FranceConnect +\nD2;B;Partiel;Non\n";
    app.import_sheet(&op(), csv.as_bytes(), "z.csv", "z", &ImportOptions::default()).await.unwrap();
    // A new rule file no longer knows "FranceConnect +": the stored label cannot be classified.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data_dir().join("../rules/2025.toml"))
        .unwrap()
        .replace("{ key = \"fc_plus\", label = \"FranceConnect +\", color = \"blue\", goal = true, bucket = \"FranceConnect\", aliases = [\"FranceConnect Plus\"] },\n", "");
    assert!(!text.contains("fc_plus"));
    std::fs::write(dir.path().join("2025.toml"), text).unwrap();
    let strict = obs_app::App::new(db.store.clone(), obs_app::RuleBook::with_dir(dir.path()).unwrap());
    let err = strict.publish(&op(), "z").await.unwrap_err();
    assert!(matches!(err, AppError::Refused(_)) && err.to_string().contains("FranceConnect +"), "{err}");
    // Nothing changed: still a draft, no revision, and the table still computes.
    let e = app.edition(&op(), "z").await.unwrap();
    assert_eq!((e.state.as_str(), e.current_revision), ("brouillon", 0));
    assert!(app.revisions(&op(), "z").await.unwrap().is_empty());
    // With the official rules it publishes.
    assert_eq!(app.publish(&op(), "z").await.unwrap().revision, 1);
});

both!(history_shows_published_versions_only, |db| {
    let app = &db.app;
    edition(app, "h", "2025").await;
    let sheet = "Ref_Demarche;Dashlord_ID_JDMA;Nom_Demarche;Nom_Ministere\nD1;1703;Carte grise;Intérieur\n";
    app.import_sheet(&op(), sheet.as_bytes(), "h.csv", "h", &ImportOptions::default()).await.unwrap();
    // A scanner import afterwards keeps the names and ministry the spreadsheet gave.
    app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), "h", &ImportOptions::default()).await.unwrap();
    let t = app.table(&op(), "h", View::Draft).await.unwrap();
    let row = t.rows.iter().find(|r| r.member.title == "Carte grise").expect("title kept");
    assert_eq!(row.member.ministere.as_deref(), Some("Intérieur"));
    let id = row.member.demarche_id;
    app.publish(&op(), "h").await.unwrap();
    app.open_correction(&op(), "h", "Renommage").await.unwrap();
    let secret = "Ref_Demarche;Nom_Demarche;Nom_Ministere\nD1;TITRE NON PUBLIÉ;Ministère secret\n";
    app.import_sheet(&op(), secret.as_bytes(), "c.csv", "h", &ImportOptions::default()).await.unwrap();
    let public = app.demarche(&obs_app::Actor::Public, id).await.unwrap();
    assert!(public.versions.iter().all(|v| v.title == "Carte grise"), "{:?}", public.versions);
    app.publish(&op(), "h").await.unwrap();
    let public = app.demarche(&obs_app::Actor::Public, id).await.unwrap();
    assert_eq!(public.versions.last().unwrap().title, "TITRE NON PUBLIÉ", "published corrections enter the history");
});

// Issue 6: the state check of an import and the writes it guards happen in one transaction.
// A publication in flight (its transaction has changed the state but not committed yet) must
// make a concurrent import wait and then refuse; reading the state before the transaction began
// (as the importer once did) let the values into the published edition.
both!(an_import_racing_a_publication_is_refused, |db| {
    let app = &db.app;
    edition(app, "course", "2025").await;
    let mut tx = db.store.begin().await.unwrap();
    let sql = "UPDATE editions SET state = 'publiée', current_revision = 1 WHERE slug = 'course'";
    match tx.conn() {
        obs_store::Conn::Sqlite(c) => sqlx::query(sql).execute(&mut *c).await.map(|_| ()),
        obs_store::Conn::Postgres(c) => sqlx::query(sql).execute(&mut *c).await.map(|_| ()),
    }
    .unwrap();
    let csv = "Ref_Demarche;Nom_Demarche;Statut_En_ligne\nC1;Course;Oui\n";
    let (me, opts) = (op(), ImportOptions::default());
    let import = app.import_sheet(&me, csv.as_bytes(), "course.csv", "course", &opts);
    let publication = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        tx.commit().await.unwrap();
    };
    let (result, ()) = tokio::join!(import, publication);
    let err = result.expect_err("the import must see the committed publication");
    assert!(matches!(err, AppError::Refused(_)) && err.to_string().contains("ne changent plus"), "{err}");
});

// Frozen values come back bit for bit (PostgreSQL writes them with COPY, SQLite with VALUES).
both!(frozen_values_equal_the_draft_they_froze, |db| {
    let app = &db.app;
    edition(app, "exact", "2025").await;
    app.import_dashlord(&op(), &data_dir().join("dashlord/2025-12-31"), "exact", &ImportOptions::default()).await.unwrap();
    let csv = "Ref_Demarche;Nom_Demarche;Note_Satisfaction;Statut_En_ligne\nX1;Tab\there \\ back;7.123456789012345;Oui\n";
    app.import_sheet(&op(), csv.as_bytes(), "x.csv", "exact", &ImportOptions::default()).await.unwrap();
    app.publish(&op(), "exact").await.unwrap();
    let draft = app.table(&op(), "exact", View::Draft).await.unwrap();
    let frozen = app.table(&op(), "exact", View::Revision(1)).await.unwrap();
    assert_eq!(draft.rows.len(), frozen.rows.len());
    for (d, f) in draft.rows.iter().zip(&frozen.rows) {
        assert_eq!(d.member, f.member);
        assert_eq!(d.cells, f.cells, "{}", d.member.title);
        let raws = |r: &obs_app::TableRow| r.raws.iter().map(|x| x.as_ref().map(|x| x.value.clone())).collect::<Vec<_>>();
        assert_eq!(raws(d), raws(f), "{}", d.member.title);
    }
});
