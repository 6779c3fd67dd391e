use std::io::Cursor;

use calamine::{Data, Reader};
use obs_domain::synthesis::synthesize;
use obs_domain::{RawValue, RuleSet, classify};
use serde_json::Value;

use super::*;

fn rules() -> RuleSet {
    RuleSet::from_toml(include_str!("../../../../rules/2025.toml")).unwrap()
}

fn cells(rules: &RuleSet, raw: &[(&str, RawValue)]) -> Vec<Cell> {
    rules
        .indicators
        .iter()
        .map(|ind| {
            let v = raw.iter().find(|(s, _)| *s == ind.slug).map(|(_, v)| v);
            classify(ind, v, |_| None).unwrap()
        })
        .collect()
}

fn meta() -> ExportMeta {
    ExportMeta {
        slug: "2025-t4".into(),
        name: "Édition du 4e trimestre 2025".into(),
        quarter: Some("2025-T4".into()),
        ruleset_id: "2025".into(),
        revision: Some(2),
        state: "published".into(),
        published_at: Some("2026-01-15T10:00:00Z".into()),
        demo: false,
    }
}

fn edition(rules: &RuleSet) -> ExportEdition<'_> {
    let rows = vec![
        ExportRow {
            member: Member {
                demarche_id: 1,
                title: "Carte grise".into(),
                ministere: Some("Intérieur".into()),
                administration: Some("ANTS".into()),
                domaine: Some("Titres".into()),
                url: Some("https://immatriculation.ants.gouv.fr/?a=1;b=2".into()),
                audiences: vec!["Particuliers".into(), "Professionnels".into()],
                volume_total: Some(1_234_567.0),
                volume_online: Some(1_000_000.5),
                feedback_button: Some(true),
            },
            cells: cells(
                rules,
                &[
                    ("online", RawValue::text("Oui")),
                    ("satisfaction", RawValue::counted(7.96, 250)),
                    ("handicap", RawValue::number(100.0)),
                    ("dlnuf", RawValue::number(1.0)),
                    ("usage", RawValue::number(0.1 + 0.2)),
                    ("simplicity", RawValue::counted(8.2, 99)),
                    ("uptime", RawValue::number(99.86)),
                    ("performance", RawValue::number(399.6)),
                    ("auth", RawValue::text("FranceConnect +")),
                ],
            ),
        },
        ExportRow {
            member: Member {
                demarche_id: 42,
                title: "Démarche « test »; avec \"guillemets\"\net retour".into(),
                ministere: Some("Économie".into()),
                administration: None,
                domaine: None,
                url: None,
                audiences: vec![],
                volume_total: None,
                volume_online: None,
                feedback_button: Some(false),
            },
            cells: cells(
                rules,
                &[
                    ("online", RawValue::text("Non")),
                    ("help_reachable", RawValue::counted(90.0, 150)),
                ],
            ),
        },
        ExportRow {
            member: Member {
                demarche_id: 7,
                title: "Sans cellules".into(),
                ministere: Some("Intérieur".into()),
                administration: None,
                domaine: None,
                url: None,
                audiences: vec!["Associations".into()],
                volume_total: Some(1e21),
                volume_online: None,
                feedback_button: None,
            },
            cells: vec![],
        },
    ];
    let interieur: Vec<Vec<Cell>> = vec![rows[0].cells.clone()];
    let economie: Vec<Vec<Cell>> = vec![rows[1].cells.clone()];
    let by_ministry = vec![
        ("Intérieur".to_string(), synthesize(rules, &interieur)),
        ("Économie".to_string(), synthesize(rules, &economie)),
    ];
    ExportEdition {
        meta: meta(),
        rules,
        rows,
        by_ministry,
    }
}

const HEADER: &str = "demarche_id,titre,ministere,administration,domaine,url,publics,volume_total,volume_en_ligne,bouton_jdma,\
online_valeur,online_niveau,online_objectif,satisfaction_valeur,satisfaction_niveau,satisfaction_objectif,\
handicap_valeur,handicap_niveau,handicap_objectif,dlnuf_valeur,dlnuf_niveau,dlnuf_objectif,\
usage_valeur,usage_niveau,usage_objectif,simplicity_valeur,simplicity_niveau,simplicity_objectif,\
help_reachable_valeur,help_reachable_niveau,help_reachable_objectif,help_efficient_valeur,help_efficient_niveau,help_efficient_objectif,\
help_used_valeur,help_used_niveau,help_used_objectif,uptime_valeur,uptime_niveau,uptime_objectif,\
performance_valeur,performance_niveau,performance_objectif,auth_valeur,auth_niveau,auth_objectif";

#[test]
fn header_snapshot() {
    let r = rules();
    assert_eq!(csv_columns(&r).join(","), HEADER);
    let e = edition(&r);
    let csv = to_csv(&e, b',', false);
    let first_line = std::str::from_utf8(&csv)
        .unwrap()
        .split("\r\n")
        .next()
        .unwrap();
    assert_eq!(first_line, HEADER);
    let fr = to_csv(&e, b';', true);
    assert!(fr.starts_with(b"\xEF\xBB\xBFdemarche_id;titre;ministere;"));
}

fn parse_csv(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_rows_and_values() {
    let r = rules();
    let e = edition(&r);
    let rows = parse_csv(&to_csv(&e, b',', false), b',');
    assert_eq!(rows.len(), 4);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = &rows[1];
    assert_eq!(first[col("demarche_id")], "1");
    assert_eq!(first[col("publics")], "Particuliers;Professionnels");
    assert_eq!(first[col("volume_total")], "1234567");
    assert_eq!(first[col("volume_en_ligne")], "1000000.5");
    assert_eq!(first[col("bouton_jdma")], "oui");
    assert_eq!(
        first[col("satisfaction_valeur")],
        "7.96",
        "exact, not truncated"
    );
    assert_eq!(first[col("satisfaction_niveau")], "De 5 à moins de 8 / 10");
    assert_eq!(first[col("satisfaction_objectif")], "non");
    assert_eq!(
        first[col("usage_valeur")],
        "0.30000000000000004",
        "the exact double, round-trippable"
    );
    assert_eq!(
        first[col("simplicity_valeur")],
        "",
        "fewer than 100 answers: no value"
    );
    assert_eq!(first[col("simplicity_niveau")], "Nombre d'avis insuffisant");
    assert_eq!(first[col("uptime_valeur")], "99.86");
    assert_eq!(first[col("uptime_niveau")], "Partiel");
    assert_eq!(first[col("auth_niveau")], "FranceConnect +");
    assert_eq!(first[col("auth_objectif")], "oui");
    assert_eq!(first[col("online_valeur")], "");
    let second = &rows[2];
    assert_eq!(
        second[col("titre")],
        "Démarche « test »; avec \"guillemets\"\net retour"
    );
    assert_eq!(second[col("bouton_jdma")], "non");
    assert_eq!(second[col("help_reachable_valeur")], "90");
    assert_eq!(second[col("help_reachable_objectif")], "oui");
    assert_eq!(second[col("uptime_niveau")], "À venir");
    let third = &rows[3];
    assert_eq!(
        third[col("volume_total")],
        "1000000000000000000000",
        "never an exponent"
    );
    assert_eq!(third[col("bouton_jdma")], "");
    assert_eq!(
        third[col("satisfaction_niveau")],
        "À venir",
        "a missing cell reads as the missing level"
    );
    assert!(rows.iter().all(|r| r.len() == header.len()));
}

#[test]
fn three_variants_agree() {
    let r = rules();
    let e = edition(&r);
    let excel = parse_csv(&to_csv(&e, b';', true), b';');
    let programs = parse_csv(&to_csv(&e, b',', false), b',');
    assert_eq!(excel.len(), programs.len());
    let header = &programs[0];
    let publics = header.iter().position(|h| h == "publics").unwrap();
    for (a, b) in excel.iter().zip(&programs) {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            if i == publics {
                assert_eq!(x.replace(" | ", ";"), *y);
            } else {
                assert_eq!(x, y);
            }
        }
    }
    let json = to_json(&e);
    assert_eq!(json["edition"]["slug"], "2025-t4");
    assert_eq!(json["edition"]["revision"], 2);
    assert_eq!(json["edition"]["regles"], "2025");
    let demarches = json["demarches"].as_array().unwrap();
    assert_eq!(demarches.len(), programs.len() - 1);
    for (d, row) in demarches.iter().zip(&programs[1..]) {
        let get = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(
            d["demarche_id"].as_i64().unwrap().to_string(),
            *get("demarche_id")
        );
        assert_eq!(d["titre"].as_str().unwrap(), get("titre"));
        let publics: Vec<&str> = d["publics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(publics.join(";"), *get("publics"));
        assert_eq!(
            d["volume_total"]
                .as_f64()
                .map(|v| format!("{v}"))
                .unwrap_or_default(),
            *get("volume_total")
        );
        let button = match d["bouton_jdma"] {
            Value::Bool(true) => "oui",
            Value::Bool(false) => "non",
            _ => "",
        };
        assert_eq!(button, get("bouton_jdma"));
        for ind in &r.indicators {
            let i = &d["indicateurs"][&ind.slug];
            let valeur = i["valeur"]
                .as_f64()
                .map(|v| format!("{v}"))
                .unwrap_or_default();
            assert_eq!(
                valeur,
                *get(&format!("{}_valeur", ind.slug)),
                "{}",
                ind.slug
            );
            assert_eq!(
                i["niveau"].as_str().unwrap(),
                get(&format!("{}_niveau", ind.slug))
            );
            let goal = if i["objectif_atteint"].as_bool().unwrap() {
                "oui"
            } else {
                "non"
            };
            assert_eq!(goal, get(&format!("{}_objectif", ind.slug)));
        }
    }
    // JSON-only details.
    let sat = &demarches[0]["indicateurs"]["satisfaction"];
    assert_eq!(sat["affichage"], "7,9 / 10");
    assert_eq!(sat["couleur"], "yellow");
    assert_eq!(sat["nombre_avis"], 250);
    assert_eq!(sat["niveau_cle"], "orange");
    let simp = &demarches[0]["indicateurs"]["simplicity"];
    assert_eq!(simp["valeur"], Value::Null);
    assert_eq!(simp["affichage"], Value::Null);
    assert_eq!(simp["nombre_avis"], 99);
    assert_eq!(simp["couleur"], "gray");
    assert_eq!(json["synthese_par_ministere"][0]["ministere"], "Intérieur");
    assert_eq!(
        json["synthese_par_ministere"][0]["indicateurs"]["satisfaction"]["a_l_objectif"],
        0
    );
    assert_eq!(
        json["synthese_par_ministere"][0]["indicateurs"]["uptime"]["evaluees"],
        1
    );
}

fn cell_string(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

#[test]
fn xlsx_rereads_with_calamine() {
    let r = rules();
    let e = edition(&r);
    let bytes = to_xlsx(&e).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Démarches", "Synthèse par ministère", "Légende des niveaux", "À propos"]
    );
    let about = wb.worksheet_range("À propos").unwrap();
    let first = about.rows().next().unwrap().iter().map(cell_string).collect::<Vec<_>>();
    if e.meta.demo {
        assert_eq!(first[0], "Avertissement");
        assert!(first[1].contains("démonstration"));
    } else {
        assert_eq!(first[0], "Édition");
    }

    let sheet = wb.worksheet_range("Démarches").unwrap();
    let grid: Vec<Vec<String>> = sheet
        .rows()
        .map(|row| row.iter().map(cell_string).collect())
        .collect();
    let programs = parse_csv(&to_csv(&e, b',', false), b',');
    assert_eq!(grid.len(), programs.len());
    assert_eq!(grid[0].join(","), HEADER);
    // Same text as the programs CSV, numbers being real numbers in the workbook.
    for (g, c) in grid.iter().zip(&programs) {
        assert_eq!(g, c);
    }
    assert_eq!(sheet.get_value((1, 13)), Some(&Data::Float(7.96)));

    let synth = wb.worksheet_range("Synthèse par ministère").unwrap();
    assert_eq!(synth.height(), 3);
    assert_eq!(
        synth.get_value((1, 0)),
        Some(&Data::String("Intérieur".into()))
    );
    assert_eq!(synth.get_value((1, 1)), Some(&Data::Float(1.0)));
    let header: Vec<String> = synth
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(cell_string)
        .collect();
    assert!(
        header.contains(&"Satisfaction : part à l'objectif (%)".to_string()),
        "{header:?}"
    );
    assert!(
        !header.iter().any(|h| h.starts_with("Usage numérique")),
        "uncoloured indicators have no share"
    );

    let legend = wb.worksheet_range("Légende des niveaux").unwrap();
    let levels: usize = r.indicators.iter().map(|i| i.levels.len()).sum();
    assert_eq!(legend.height(), levels + 1);
    let row: Vec<String> = legend
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(cell_string)
        .collect();
    assert_eq!(
        row[..6],
        [
            "online",
            "Réalisable en ligne",
            "En cours de déploiement local",
            "local",
            "vert",
            "oui"
        ]
    );
    let sat_green: Vec<String> = legend
        .rows()
        .map(|r| r.iter().map(cell_string).collect::<Vec<_>>())
        .find(|r| r[0] == "satisfaction" && r[3] == "vert")
        .unwrap();
    assert_eq!(sat_green[6], "à partir de 8,0 / 10");
}

#[test]
fn table_schema_documents_every_column() {
    let r = rules();
    let e = edition(&r);
    let schema = table_schema(&e);
    let fields = schema["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names.join(","), HEADER);
    for f in fields {
        assert!(!f["title"].as_str().unwrap().is_empty());
        assert!(!f["description"].as_str().unwrap().is_empty());
        assert!(["string", "number", "integer"].contains(&f["type"].as_str().unwrap()));
    }
    let field = |n: &str| fields.iter().find(|f| f["name"] == n).unwrap();
    assert_eq!(field("demarche_id")["type"], "integer");
    assert_eq!(field("satisfaction_valeur")["type"], "number");
    assert_eq!(field("satisfaction_valeur")["constraints"]["maximum"], 10.0);
    let levels: Vec<&str> = field("satisfaction_niveau")["constraints"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        r.indicator("satisfaction")
            .unwrap()
            .levels
            .iter()
            .map(|l| l.label.as_str())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        field("auth_objectif")["constraints"]["enum"],
        serde_json::json!(["oui", "non"])
    );
    assert_eq!(schema["primaryKey"], serde_json::json!(["demarche_id"]));
    assert_eq!(schema["missingValues"], serde_json::json!([""]));
    // Every level written in the CSV is allowed by the schema.
    let rows = parse_csv(&to_csv(&e, b',', false), b',');
    for row in &rows[1..] {
        for (name, value) in rows[0].iter().zip(row) {
            if let Some(allowed) = field(name)["constraints"]["enum"].as_array() {
                assert!(
                    value.is_empty() || allowed.iter().any(|a| a == value),
                    "{name}: {value}"
                );
            }
        }
    }
}

#[test]
fn other_rule_sets_and_misaligned_cells() {
    for text in [
        include_str!("../../../../rules/2019.toml"),
        include_str!("../../../../rules/2023.toml"),
    ] {
        let r = RuleSet::from_toml(text).unwrap();
        let row = ExportRow {
            member: Member {
                demarche_id: 3,
                title: "x".into(),
                ministere: None,
                administration: None,
                domaine: None,
                url: None,
                audiences: vec![],
                volume_total: None,
                volume_online: None,
                feedback_button: None,
            },
            // Too short and with an out-of-range level: exported as the missing level, no panic.
            cells: vec![Cell {
                level: 99,
                value: Some(f64::NAN),
                count: None,
            }],
        };
        let e = ExportEdition {
            meta: meta(),
            rules: &r,
            rows: vec![row],
            by_ministry: vec![],
        };
        let rows = parse_csv(&to_csv(&e, b';', true), b';');
        assert_eq!(rows[0].len(), 10 + 3 * r.indicators.len());
        assert_eq!(rows[1].len(), rows[0].len());
        assert!(to_xlsx(&e).is_ok());
        assert_eq!(
            table_schema(&e)["fields"].as_array().unwrap().len(),
            rows[0].len()
        );
        assert_eq!(
            to_json(&e)["demarches"][0]["indicateurs"]
                .as_object()
                .unwrap()
                .len(),
            r.indicators.len()
        );
    }
}
