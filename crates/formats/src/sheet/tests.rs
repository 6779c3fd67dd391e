use obs_domain::RawValue;
use proptest::prelude::*;

use super::*;
use crate::problems::Severity;

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn n(v: f64) -> Option<ParsedNumber> {
    Some(ParsedNumber {
        value: v,
        percent: false,
    })
}

fn pct(v: f64) -> Option<ParsedNumber> {
    Some(ParsedNumber {
        value: v,
        percent: true,
    })
}

// ----- pure cell parsing

#[test]
fn numbers_as_people_write_them() {
    assert_eq!(parse_number("8,4"), n(8.4));
    assert_eq!(parse_number(" 8.4 "), n(8.4));
    assert_eq!(parse_number("85 %"), pct(85.0));
    assert_eq!(parse_number("99,95%"), pct(99.95));
    assert_eq!(parse_number("1 234"), n(1234.0));
    assert_eq!(parse_number("1\u{202f}234\u{a0}567"), n(1_234_567.0));
    assert_eq!(parse_number("-2"), n(-2.0));
    assert_eq!(parse_number("+3"), n(3.0));
    assert_eq!(parse_number(",5"), n(0.5));
    assert_eq!(parse_number("7."), n(7.0));
    assert_eq!(parse_number("1e3"), n(1000.0));
    for bad in [
        "", "%", "À venir", "n/c", "inf", "NaN", "infinity", "1,234.5", "1,2,3", "1.2.3",
        "8,4 / 10", "e5", "1e", "--1", "0x10", "1e999",
    ] {
        assert_eq!(parse_number(bad), None, "{bad}");
    }
}

#[test]
fn scaling_on_the_decimal_writing() {
    assert_eq!(scale_decimal(0.29, 2), 29.0);
    assert_eq!(
        0.29 * 100.0,
        28.999999999999996,
        "the reason scale_decimal exists"
    );
    assert_eq!(scale_decimal(0.999, 2), 99.9);
    assert_eq!(scale_decimal(0.985, 2), 98.5);
    assert_eq!(scale_decimal(1.0, 2), 100.0);
    assert_eq!(scale_decimal(0.0, 2), 0.0);
    assert_eq!(scale_decimal(0.12345, 2), 12.345);
    assert_eq!(scale_decimal(7.48, 1), 74.8);
    assert_eq!(scale_decimal(-0.03, 2), -3.0);
    assert_eq!(scale_decimal(1e-7, 2), 1e-5);
}

#[test]
fn titles_lose_leading_emoji_and_hash() {
    assert_eq!(clean_title("📄 #Carte grise"), "Carte grise");
    assert_eq!(clean_title("  #  Passeport "), "Passeport");
    assert_eq!(clean_title("🏠Demande de logement"), "Demande de logement");
    assert_eq!(clean_title("2️⃣ Inscription"), "Inscription");
    assert_eq!(clean_title("👩‍🌾 Aides PAC"), "Aides PAC");
    assert_eq!(clean_title("« Ma prime » rénov'"), "« Ma prime » rénov'");
    assert_eq!(clean_title("1001 démarches"), "1001 démarches");
    assert_eq!(clean_title("Élection #2"), "Élection #2");
    assert_eq!(clean_title("📊"), "");
}

#[test]
fn audience_lists() {
    assert_eq!(
        split_audience("Particuliers ; Professionnels"),
        vec!["Particuliers", "Professionnels"]
    );
    assert_eq!(
        split_audience("Particuliers,particuliers| Associations\n"),
        vec!["Particuliers", "Associations"]
    );
    assert!(split_audience(" ; ").is_empty());
}

#[test]
fn value_cells_by_unit() {
    let num = |v| Ok(Some(RawValue::number(v)));
    assert_eq!(parse_value_cell(&t("8,4"), Unit::Score10), num(8.4));
    assert_eq!(
        parse_value_cell(&Cell::Number(8.4), Unit::Score10),
        num(8.4)
    );
    assert_eq!(parse_value_cell(&t("0,85"), Unit::Fraction), num(85.0));
    assert_eq!(
        parse_value_cell(&Cell::Number(0.999), Unit::Fraction),
        num(99.9)
    );
    assert_eq!(parse_value_cell(&t("85 %"), Unit::Fraction), num(85.0));
    assert_eq!(parse_value_cell(&t("399"), Unit::Millis), num(399.0));
    assert_eq!(parse_value_cell(&t("3"), Unit::Count), num(3.0));
    assert_eq!(parse_value_cell(&t(""), Unit::Score10), Ok(None));
    assert_eq!(parse_value_cell(&Cell::Empty, Unit::Fraction), Ok(None));
    assert_eq!(
        parse_value_cell(&t(" À venir "), Unit::Score10),
        Ok(Some(RawValue::text("À venir")))
    );
    assert_eq!(
        parse_value_cell(&t("Nombre d'avis insuffisant"), Unit::Fraction),
        Ok(Some(RawValue::text("Nombre d'avis insuffisant")))
    );
    assert_eq!(
        parse_value_cell(&t("Oui"), Unit::Label),
        Ok(Some(RawValue::text("Oui")))
    );
    assert_eq!(
        parse_value_cell(&Cell::Number(1.0), Unit::Label),
        Ok(Some(RawValue::text("1")))
    );
    assert_eq!(
        parse_value_cell(&t("12"), Unit::Label),
        Ok(Some(RawValue::text("12")))
    );
    assert_eq!(
        parse_value_cell(&Cell::Bool(true), Unit::Label),
        Ok(Some(RawValue::text("Oui")))
    );

    let err = |c: Cell, u: Unit| parse_value_cell(&c, u).unwrap_err();
    assert!(err(t("85"), Unit::Fraction).contains("fraction attendue entre 0 et 1"));
    assert!(err(Cell::Number(1.2), Unit::Fraction).contains("fraction attendue entre 0 et 1"));
    assert!(err(t("-0,1"), Unit::Fraction).contains("fraction attendue"));
    assert!(err(t("120 %"), Unit::Fraction).contains("entre 0 et 100"));
    assert!(err(t("11"), Unit::Score10).contains("entre 0 et 10"));
    assert!(err(t("84 %"), Unit::Score10).contains("pourcentage n'est pas attendu"));
    assert!(err(t("-5"), Unit::Millis).contains("positif"));
}

#[test]
fn volumes_ids_and_buttons() {
    assert_eq!(parse_volume(&t("1 234 567")), Ok(Some(1_234_567.0)));
    assert_eq!(parse_volume(&Cell::Number(42.0)), Ok(Some(42.0)));
    assert_eq!(parse_volume(&t(" ")), Ok(None));
    assert!(
        parse_volume(&t("beaucoup"))
            .unwrap_err()
            .contains("nombre attendu")
    );
    assert!(parse_volume(&t("12 %")).is_err());
    assert!(parse_volume(&Cell::Number(-1.0)).is_err());

    assert_eq!(parse_jdma_id(&t("757")), Ok(Some(757)));
    assert_eq!(parse_jdma_id(&Cell::Number(757.0)), Ok(Some(757)));
    assert_eq!(parse_jdma_id(&Cell::Empty), Ok(None));
    assert!(
        parse_jdma_id(&t("75.5"))
            .unwrap_err()
            .contains("identifiant entier")
    );
    assert!(parse_jdma_id(&t("abc")).is_err());
    assert!(parse_jdma_id(&Cell::Number(-3.0)).is_err());

    assert_eq!(parse_button(&t("Oui")), Some(true));
    assert_eq!(parse_button(&t(" OUI ")), Some(true));
    assert_eq!(parse_button(&t("Non")), Some(false));
    assert_eq!(parse_button(&t("en cours")), Some(false));
    assert_eq!(parse_button(&t("")), None);
    assert_eq!(parse_button(&Cell::Bool(true)), Some(true));
}

#[test]
fn delimiters_and_encodings() {
    assert_eq!(detect_delimiter("a;b;c"), b';');
    assert_eq!(detect_delimiter("a,b,c"), b',');
    assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
    assert_eq!(detect_delimiter("\"x;y\",b,c"), b',');
    assert_eq!(detect_delimiter("a;b,c"), b';');
    assert_eq!(detect_delimiter("seul"), b',');
    assert_eq!(decode_text(b"\xEF\xBB\xBFabc"), "abc");
    assert_eq!(decode_text("déjà".as_bytes()), "déjà");
    assert_eq!(decode_text(b"d\xe9j\xe0 \x80"), "déjà €");
    assert_eq!(decode_text(b"\xFF\xFEa\x00\xe9\x00"), "aé");
}

// ----- mapping

#[test]
fn builtin_aliases_and_folding() {
    let m = ColumnMapping::builtin();
    for (header, canonical) in [
        ("Note_Satisfaction", "Note_Satisfaction"),
        ("note satisfaction", "Note_Satisfaction"),
        ("NOTE_SATISFACTION ", "Note_Satisfaction"),
        ("📊 Satisfaction", "Note_Satisfaction"),
        ("2️⃣ Taux de disponibilité", "Dashlord_UpDown_Dispo"),
        ("2️⃣ taux de disponibilite", "Dashlord_UpDown_Dispo"),
        ("Taux_Dispo", "Dashlord_UpDown_Dispo"),
        ("Tps_Moy_Chargement", "Dashlord_UpDown_Tps_Moy_Chargement"),
        ("Taux_Audit_RGAA", "Taux_RGAA_Publie"),
        ("DLNUF_pour_publication_", "Score_DLNUF"),
        ("DLNUF (pour publication)", "Score_DLNUF"),
        ("Tx_Recours_Demat", "Recours_au_Numerique"),
        ("pct_Recours_au_Numerique", "Recours_au_Numerique"),
        ("ID_Demarche", "Ref_Demarche"),
        ("Nom_Démarche", "Nom_Demarche"),
        ("\u{feff}Ref_Edition", "Ref_Edition"),
    ] {
        assert_eq!(m.canonical_for(header), Some(canonical), "{header}");
    }
    assert_eq!(m.canonical_for("Satisfaction"), None);
    assert_eq!(m.canonical_for(""), None);
    assert_eq!(m.canonical_names().len(), 24);
}

#[test]
fn user_mapping() {
    let m = ColumnMapping::builtin()
        .with_user_toml("[columns]\nNote_Satisfaction = [\"Satisf. 2026\", \"Note sat\"]\nnom_demarche = \"Intitulé\"\n")
        .unwrap();
    assert_eq!(m.canonical_for("satisf. 2026"), Some("Note_Satisfaction"));
    assert_eq!(m.canonical_for("Note sat"), Some("Note_Satisfaction"));
    assert_eq!(m.canonical_for("INTITULE"), Some("Nom_Demarche"));
    assert_eq!(m.spellings("Note_Satisfaction").unwrap().len(), 4);

    let e = ColumnMapping::builtin()
        .with_user_toml("[columns]\nNote_Satisfactoin = [\"x\"]")
        .unwrap_err();
    assert_eq!(e.severity, Severity::Error);
    assert!(
        e.message.contains("« Note_Satisfactoin » inconnue"),
        "{}",
        e.message
    );
    assert!(e.message.contains("Note_Satisfaction"));
    let e = ColumnMapping::builtin()
        .with_user_toml("[columns]\nNote_Satisfaction = [\"Taux_Dispo\"]")
        .unwrap_err();
    assert!(
        e.message
            .contains("désigne déjà la colonne « Dashlord_UpDown_Dispo »"),
        "{}",
        e.message
    );
    assert!(
        ColumnMapping::builtin()
            .with_user_toml("[colonnes]\n")
            .is_err()
    );
    assert!(
        ColumnMapping::builtin()
            .with_user_toml("[columns]\nNote_Satisfaction = 3")
            .is_err()
    );
    assert!(
        ColumnMapping::builtin()
            .with_user_toml("[columns\n")
            .unwrap_err()
            .message
            .contains("TOML illisible")
    );
    // A user spelling applies when reading.
    let data = read_sheet("Ref_Demarche;Intitulé\nD1;Titre\n".as_bytes(), "b.csv", &m);
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.rows[0].title.as_deref(), Some("Titre"));
}

// ----- whole files

const HEADER_2025: &str = "Ref_Edition;Ref_Demarche;Dashlord_ID_JDMA;URL_Demarche;Nom_Demarche;Nom_Administration;\
Nom_Administration_Centrale;Nom_Ministere;Volumetrie_En_Ligne;Volumetrie_Totale;Ajout_Bouton_JDMA;Statut_En_ligne;\
Note_Satisfaction;Note_Clarte_Langage;Aide_Joignable;Aide_Efficace;Niveau_Autonomie;Dashlord_UpDown_Dispo;\
Dashlord_UpDown_Tps_Moy_Chargement;Taux_RGAA_Publie;Score_DLNUF;Recours_au_Numerique;FranceConnect;Categories_Usagers";

fn values(row: &SheetRow) -> std::collections::BTreeMap<&str, RawValue> {
    row.values
        .iter()
        .map(|v| (v.indicator.as_str(), v.value.clone()))
        .collect()
}

#[test]
fn reads_a_2025_csv() {
    let csv = format!(
        "\u{feff}{HEADER_2025}\n\
         E25;D1;757;https://a.gouv.fr;📄 #Carte grise;ANTS;Intérieur;Ministère de l'Intérieur;1 000 000;1 200 000;Oui;Oui;\
         8,4;7,96;0,9;6,5;0,45;0,999;399;1;1;0,83;FranceConnect +;\"Particuliers ; Professionnels\"\n\
         ;;;;;;;;;;;;;;;;;;;;;;;\n\
         E25;D2;;;Passeport;ANTS;Intérieur;Ministère de l'Intérieur;;;Non;Partiel;\
         Nombre d'avis insuffisant;À venir;;;;;;;Non applicable;;Non;\n"
    );
    let data = read_sheet(csv.as_bytes(), "base.csv", &ColumnMapping::builtin());
    assert!(data.problems.is_empty(), "{:#?}", data.problems);
    assert_eq!(data.rows.len(), 2);
    let r = &data.rows[0];
    assert_eq!(r.row, 2);
    assert_eq!(r.edition_ref.as_deref(), Some("E25"));
    assert_eq!(r.demarche_ref.as_deref(), Some("D1"));
    assert_eq!(r.jdma_id, Some(757));
    assert_eq!(r.url.as_deref(), Some("https://a.gouv.fr"));
    assert_eq!(r.title.as_deref(), Some("Carte grise"));
    assert_eq!(r.administration.as_deref(), Some("ANTS"));
    assert_eq!(r.domaine.as_deref(), Some("Intérieur"));
    assert_eq!(r.ministere.as_deref(), Some("Ministère de l'Intérieur"));
    assert_eq!(r.volume_online, Some(1_000_000.0));
    assert_eq!(r.volume_total, Some(1_200_000.0));
    assert_eq!(r.feedback_button, Some(true));
    assert_eq!(r.audience, vec!["Particuliers", "Professionnels"]);
    let v = values(r);
    assert_eq!(v.len(), 12);
    assert_eq!(v["online"], RawValue::text("Oui"));
    assert_eq!(v["satisfaction"], RawValue::number(8.4));
    assert_eq!(v["simplicity"], RawValue::number(7.96));
    assert_eq!(v["help_reachable"], RawValue::number(90.0));
    assert_eq!(v["help_efficient"], RawValue::number(6.5));
    assert_eq!(v["help_used"], RawValue::number(45.0));
    assert_eq!(v["uptime"], RawValue::number(99.9));
    assert_eq!(v["performance"], RawValue::number(399.0));
    assert_eq!(v["handicap"], RawValue::number(100.0));
    assert_eq!(v["dlnuf"], RawValue::number(1.0));
    assert_eq!(v["usage"], RawValue::number(83.0));
    assert_eq!(v["auth"], RawValue::text("FranceConnect +"));
    let sat = r
        .values
        .iter()
        .find(|v| v.indicator == "satisfaction")
        .unwrap();
    assert_eq!(
        (
            sat.file.as_str(),
            sat.place.as_deref(),
            sat.column.as_deref()
        ),
        ("base.csv", Some("ligne 2"), Some("Note_Satisfaction"))
    );

    // The blank line 3 is skipped; the next row keeps its spreadsheet number.
    let r = &data.rows[1];
    assert_eq!(r.row, 4);
    assert_eq!(r.jdma_id, None);
    assert_eq!(r.feedback_button, Some(false));
    assert!(r.audience.is_empty());
    let v = values(r);
    assert_eq!(
        v["satisfaction"],
        RawValue::text("Nombre d'avis insuffisant")
    );
    assert_eq!(v["simplicity"], RawValue::text("À venir"));
    assert_eq!(v["dlnuf"], RawValue::text("Non applicable"));
    assert!(!v.contains_key("uptime"));
}

#[test]
fn comma_tab_and_windows_1252() {
    let m = ColumnMapping::builtin();
    let data = read_sheet(
        b"Ref_Demarche,Nom_Demarche,Note_Satisfaction\nD1,\"Titre, long\",\"8,4\"\n",
        "b.csv",
        &m,
    );
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.rows[0].title.as_deref(), Some("Titre, long"));
    assert_eq!(values(&data.rows[0])["satisfaction"], RawValue::number(8.4));

    let data = read_sheet(b"Ref_Demarche\tNom_Demarche\nD1\tTitre\n", "b.tsv", &m);
    assert_eq!(data.rows[0].title.as_deref(), Some("Titre"));

    let data = read_sheet(b"Ref_Demarche;Nom_D\xe9marche;Minist\xe8re_politique\nD1;Cr\xe9er une entreprise;\xc9conomie\n", "b.csv", &m);
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.rows[0].title.as_deref(), Some("Créer une entreprise"));
    assert_eq!(data.rows[0].ministere.as_deref(), Some("Économie"));

    // Excel's "sep=" hint line: the header is then row 2.
    let data = read_sheet(b"sep=,\nRef_Demarche,Nom_Demarche\nD1,Titre\n", "b.csv", &m);
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.rows[0].row, 3);
}

#[test]
fn historical_headers() {
    let csv = "ID_Demarche;Nom_Demarche;📊 Satisfaction;2️⃣ Taux de disponibilité;DLNUF (pour publication);Taux_Audit_RGAA;Tx_Recours_Demat;Tps_Moy_Chargement\n\
               12;Titre;7,5;99,95 %;3;0,5;0,25;812\n";
    let data = read_sheet(csv.as_bytes(), "2024.csv", &ColumnMapping::builtin());
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    let v = values(&data.rows[0]);
    assert_eq!(data.rows[0].demarche_ref.as_deref(), Some("12"));
    assert_eq!(v["satisfaction"], RawValue::number(7.5));
    assert_eq!(v["uptime"], RawValue::number(99.95));
    assert_eq!(v["dlnuf"], RawValue::number(3.0));
    assert_eq!(v["handicap"], RawValue::number(50.0));
    assert_eq!(v["usage"], RawValue::number(25.0));
    assert_eq!(v["performance"], RawValue::number(812.0));
    let sat = data.rows[0]
        .values
        .iter()
        .find(|v| v.indicator == "satisfaction")
        .unwrap();
    assert_eq!(
        sat.column.as_deref(),
        Some("📊 Satisfaction"),
        "problems name the column as the file spells it"
    );
}

#[test]
fn missing_required_columns() {
    let m = ColumnMapping::builtin();
    let data = read_sheet(b"Titre;Note_Satisfaction\nx;8\n", "b.csv", &m);
    assert!(data.rows.is_empty());
    let errors: Vec<&Problem> = data.problems.iter().filter(|p| p.is_error()).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].column.as_deref(), Some("Nom_Demarche"));
    assert!(errors[0].message.contains("« Nom_Demarche »"));
    assert!(
        errors[1].message.contains("« Ref_Demarche »")
            && errors[1].message.contains("« Dashlord_ID_JDMA »")
    );
    assert!(
        errors[1].message.contains("« ID_Demarche »"),
        "lists the accepted spellings"
    );
    assert!(
        data.problems
            .iter()
            .any(|p| p.severity == Severity::Warning && p.message.contains("« Titre »"))
    );

    // One id column is enough.
    let data = read_sheet(b"Dashlord_ID_JDMA;Nom_Demarche\n757;x\n", "b.csv", &m);
    assert!(data.problems.is_empty(), "{:?}", data.problems);
    assert_eq!(data.rows[0].jdma_id, Some(757));
}

#[test]
fn row_problems_name_row_and_column() {
    let csv = "Ref_Demarche;Dashlord_ID_JDMA;Nom_Demarche;Aide_Joignable;Volumetrie_Totale;Note_Satisfaction\n\
               D1;10;A;0,9;100;8\n\
               D2;10.5;B;85;beaucoup;Excellent\n\
               D1;11;C;;;\n\
               D4;10;;;;\n\
               ;;E;;;\n";
    let data = read_sheet(csv.as_bytes(), "b.csv", &ColumnMapping::builtin());
    assert_eq!(data.rows.len(), 5, "rows are returned even with problems");
    let errors: Vec<String> = data
        .problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(
        has("ligne 3, colonne « Dashlord_ID_JDMA » : identifiant entier attendu"),
        "{errors:#?}"
    );
    assert!(
        has("ligne 3, colonne « Aide_Joignable » : fraction attendue entre 0 et 1"),
        "{errors:#?}"
    );
    assert!(
        has("ligne 3, colonne « Volumetrie_Totale » : nombre attendu, trouvé « beaucoup »"),
        "{errors:#?}"
    );
    assert!(
        has(
            "ligne 4, colonne « Ref_Demarche » : identifiant de démarche « D1 » en double : lignes 2 et 4"
        ),
        "{errors:#?}"
    );
    assert!(
        has(
            "ligne 5, colonne « Dashlord_ID_JDMA » : identifiant « Je donne mon avis » 10 en double : lignes 2 et 5"
        ),
        "{errors:#?}"
    );
    assert!(
        has("ligne 5, colonne « Nom_Demarche » : nom de la démarche vide"),
        "{errors:#?}"
    );
    assert!(has("ligne 6 : démarche sans identifiant"), "{errors:#?}");
    assert_eq!(errors.len(), 7, "{errors:#?}");
    // A text that is not a number is passed on for the caller to classify, with its place.
    let excellent = data.rows[1]
        .values
        .iter()
        .find(|v| v.indicator == "satisfaction")
        .unwrap();
    assert_eq!(excellent.value, RawValue::text("Excellent"));
    assert_eq!(excellent.place.as_deref(), Some("ligne 3"));
    assert_eq!(excellent.column.as_deref(), Some("Note_Satisfaction"));
    assert!(
        !data.rows[1]
            .values
            .iter()
            .any(|v| v.indicator == "help_reachable")
    );
}

#[test]
fn cells_beyond_the_header_are_reported() {
    let data = read_sheet(
        b"Ref_Demarche;Nom_Demarche\nD1;A;Particuliers;;\nD2;B;;\n",
        "b.csv",
        &ColumnMapping::builtin(),
    );
    assert_eq!(data.rows.len(), 2);
    assert_eq!(data.problems.len(), 1, "{:?}", data.problems);
    assert_eq!(data.problems[0].severity, Severity::Warning);
    assert_eq!(data.problems[0].place.as_deref(), Some("ligne 2"));
    assert!(data.problems[0].message.contains("« Particuliers »"));
}

#[test]
fn duplicate_and_unknown_columns() {
    let data = read_sheet(
        b"Ref_Demarche;Nom_Demarche;Taux_RGAA_Publie;Taux_Audit_RGAA;Commentaire\nD1;A;1;1;ok\n",
        "b.csv",
        &ColumnMapping::builtin(),
    );
    let e = data.problems.iter().find(|p| p.is_error()).unwrap();
    assert!(
        e.message.contains(
            "« Taux_RGAA_Publie » et « Taux_Audit_RGAA » désignent toutes deux « Taux_RGAA_Publie »"
        ),
        "{e}"
    );
    assert_eq!(e.place.as_deref(), Some("ligne 1"));
    let w = data
        .problems
        .iter()
        .find(|p| p.severity == Severity::Warning)
        .unwrap();
    assert!(w.message.contains("« Commentaire »"));
}

#[test]
fn empty_and_header_only_files() {
    let m = ColumnMapping::builtin();
    let data = read_sheet(b"", "b.csv", &m);
    assert_eq!(data.problems[0].message, "fichier vide");
    assert!(data.has_errors());
    let data = read_sheet(b"Ref_Demarche;Nom_Demarche\n", "b.csv", &m);
    assert!(data.rows.is_empty());
    assert!(!data.has_errors());
    assert!(data.problems[0].message.contains("aucune ligne"));
    let data = read_sheet(b"PK\x03\x04garbage", "b.xlsx", &m);
    assert!(
        data.problems[0].message.starts_with("classeur illisible"),
        "{:?}",
        data.problems
    );
}

fn xlsx_fixture() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Notes").unwrap();
    ws.write_string(0, 0, "rien ici").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Base 2025").unwrap();
    // A title row above the header, and the table starting in column B.
    ws.write_string(0, 1, "Observatoire — édition 2025")
        .unwrap();
    for (c, h) in [
        "Ref_Demarche",
        "Dashlord_ID_JDMA",
        "Nom_Demarche",
        "Note_Satisfaction",
        "Aide_Joignable",
        "Ajout_Bouton_JDMA",
        "Statut_En_ligne",
        "Volumetrie_Totale",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16 + 1, *h).unwrap();
    }
    ws.write_number(3, 1, 1001).unwrap();
    ws.write_number(3, 2, 757).unwrap();
    ws.write_string(3, 3, "🚗 #Permis de conduire").unwrap();
    ws.write_number(3, 4, 8.4).unwrap();
    ws.write_number(3, 5, 0.29).unwrap();
    ws.write_boolean(3, 6, true).unwrap();
    ws.write_string(3, 7, "Oui").unwrap();
    ws.write_number(3, 8, 1234.0).unwrap();
    ws.write_string(4, 1, "D-2").unwrap();
    ws.write_string(4, 3, "Autre").unwrap();
    ws.write_string(4, 4, "À venir").unwrap();
    ws.write_number(4, 5, 1.5).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn reads_xlsx() {
    let data = read_sheet(&xlsx_fixture(), "base.xlsx", &ColumnMapping::builtin());
    assert_eq!(data.rows.len(), 2);
    let r = &data.rows[0];
    assert_eq!(r.row, 4, "rows are numbered as Excel shows them");
    assert_eq!(
        r.demarche_ref.as_deref(),
        Some("1001"),
        "a numeric id is read without \".0\""
    );
    assert_eq!(r.jdma_id, Some(757));
    assert_eq!(r.title.as_deref(), Some("Permis de conduire"));
    assert_eq!(r.feedback_button, Some(true));
    assert_eq!(r.volume_total, Some(1234.0));
    let v = values(r);
    assert_eq!(v["satisfaction"], RawValue::number(8.4));
    assert_eq!(v["help_reachable"], RawValue::number(29.0));
    assert_eq!(v["online"], RawValue::text("Oui"));
    let r = &data.rows[1];
    assert_eq!(r.row, 5);
    assert_eq!(values(r)["satisfaction"], RawValue::text("À venir"));
    let errors: Vec<String> = data
        .problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_string())
        .collect();
    assert_eq!(errors, vec!["erreur : fichier « base.xlsx », ligne 5, colonne « Aide_Joignable » : fraction attendue entre 0 et 1 (0,85 pour 85 %), trouvé 1.5 ; écrire « 1.5 % » si c'est déjà un pourcentage".to_string()]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn read_sheet_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_sheet(&bytes, "x", &ColumnMapping::builtin());
    }

    #[test]
    fn read_sheet_never_panics_on_workbook_like_bytes(tail in prop::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let data = read_sheet(&bytes, "x.xlsx", &ColumnMapping::builtin());
        prop_assert!(data.has_errors());
    }

    #[test]
    fn read_sheet_never_panics_on_sheet_like_text(
        rows in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    Just("Ref_Demarche".to_string()), Just("Nom_Demarche".to_string()),
                    Just("Dashlord_ID_JDMA".to_string()), Just("Aide_Joignable".to_string()),
                    Just("Volumetrie_Totale".to_string()), Just("Note_Satisfaction".to_string()),
                    "[0-9]{0,3}[,.]?[0-9]{0,3} ?%?", "[a-zé#📊\" ]{0,8}",
                ],
                0..7,
            ),
            0..6,
        ),
        delimiter in prop_oneof![Just(";"), Just(","), Just("\t")],
    ) {
        let text = rows.iter().map(|r| r.join(delimiter)).collect::<Vec<_>>().join("\n");
        let data = read_sheet(text.as_bytes(), "x.csv", &ColumnMapping::builtin());
        for row in &data.rows {
            for v in &row.values {
                if let RawValue::Number { value, .. } = v.value {
                    prop_assert!(value.is_finite());
                }
                prop_assert!(v.place.is_some() && v.column.is_some());
            }
        }
    }

    #[test]
    fn parse_number_agrees_with_decimal_writing(x in -1.0e9f64..1.0e9) {
        let written = format!("{x}").replace('.', ",");
        prop_assert_eq!(parse_number(&written).map(|p| p.value), Some(x));
    }

    #[test]
    fn fractions_scale_to_percent_within_bounds(x in 0.0f64..=1.0) {
        let v = scale_decimal(x, 2);
        prop_assert!((0.0..=100.0).contains(&v));
        prop_assert!((v - x * 100.0).abs() < 1e-9);
    }
}
