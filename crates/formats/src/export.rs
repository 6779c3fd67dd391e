//! Open data of a published edition (spec/formats.md §4): CSV, XLSX, JSON and a Table Schema.
//!
//! All four are rendered from one [`ExportEdition`] (classified rows plus the rule set), so they
//! carry the same rows and the same values. Conventions, documented in the Table Schema too:
//!
//! - one row per démarche, descriptive columns first (see [`DESCRIPTIVE_COLUMNS`]), then for each
//!   indicator of the rule set `{slug}_valeur`, `{slug}_niveau` and `{slug}_objectif`;
//! - `{slug}_valeur` is the exact, unrounded number, written with a `.` decimal point and no
//!   thousands separator in every CSV variant, so that programs read it as is; it is empty when
//!   there is no number (level given by a label, too few answers, nothing measured);
//! - `{slug}_niveau` is the official level label; `{slug}_objectif` is `oui` or `non`;
//! - `publics` lists the user categories separated by `;` (by ` | ` in the `;`-separated CSV);
//! - dates are ISO 8601; text is UTF-8. The default CSV ([`to_csv`] with `b';'` and a BOM) opens
//!   right in French Excel; `b','` without BOM is the variant for programs.

use obs_domain::synthesis::Synthesis;
use obs_domain::{Cell, Color, Format, Indicator, Level, Member, RuleSet};
use rust_xlsxwriter::{DocProperties, Format as XFormat, Workbook, Worksheet, XlsxError};
use serde_json::{Map, Value, json};

/// Publication facts of the exported edition.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportMeta {
    /// Edition slug (`2025-t4`).
    pub slug: String,
    /// Edition name, in French.
    pub name: String,
    /// Quarter (`2025-T4`), when the edition is quarterly.
    pub quarter: Option<String>,
    /// The rule set the levels were computed with.
    pub ruleset_id: String,
    /// Revision number of a corrected publication.
    pub revision: Option<u32>,
    /// Publication state.
    pub state: String,
    /// Publication date-time, ISO 8601.
    pub published_at: Option<String>,
    /// Whether the edition holds demonstration data.
    pub demo: bool,
}

/// One démarche with its classified cells: the edition's member record (the same record the
/// site shows) and one cell per indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// The démarche as it appears in the edition.
    pub member: Member,
    /// One cell per indicator, aligned with `rules.indicators` (a missing cell reads as the
    /// indicator's "missing" level).
    pub cells: Vec<Cell>,
}

/// Everything exported for one edition.
#[derive(Debug, Clone)]
pub struct ExportEdition<'a> {
    /// Publication facts.
    pub meta: ExportMeta,
    /// The rule set the cells were classified with.
    pub rules: &'a RuleSet,
    /// The démarches.
    pub rows: Vec<ExportRow>,
    /// Synthesis per ministry, in display order.
    pub by_ministry: Vec<(String, Synthesis)>,
}

/// Name, French title and description of the descriptive columns, in order.
pub const DESCRIPTIVE_COLUMNS: [(&str, &str, &str); 10] = [
    (
        "demarche_id",
        "Identifiant de la démarche",
        "Identifiant stable de la démarche dans l'observatoire.",
    ),
    ("titre", "Démarche", "Nom de la démarche."),
    ("ministere", "Ministère", "Ministère de rattachement."),
    (
        "administration",
        "Administration",
        "Administration qui opère la démarche.",
    ),
    (
        "domaine",
        "Domaine",
        "Administration centrale ou domaine de rattachement.",
    ),
    ("url", "Adresse", "Adresse (URL) de la démarche en ligne."),
    (
        "publics",
        "Publics",
        "Catégories d'usagers concernés, séparées par « ; » (par « | » dans la variante CSV séparée par des points-virgules).",
    ),
    (
        "volume_total",
        "Volume total",
        "Nombre annuel de démarches réalisées, tous canaux confondus.",
    ),
    (
        "volume_en_ligne",
        "Volume en ligne",
        "Nombre annuel de démarches réalisées en ligne.",
    ),
    (
        "bouton_jdma",
        "Bouton « Je donne mon avis »",
        "« oui » si le bouton « Je donne mon avis » est installé, « non » sinon, vide si inconnu.",
    ),
];

/// The CSV columns for a rule set: descriptive columns, then three per indicator.
pub fn csv_columns(rules: &RuleSet) -> Vec<String> {
    let mut cols: Vec<String> = DESCRIPTIVE_COLUMNS
        .iter()
        .map(|(n, _, _)| n.to_string())
        .collect();
    for ind in &rules.indicators {
        cols.push(format!("{}_valeur", ind.slug));
        cols.push(format!("{}_niveau", ind.slug));
        cols.push(format!("{}_objectif", ind.slug));
    }
    cols
}

/// An exact number for programs: shortest round-trip writing, `.` decimal, never an exponent.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "oui" } else { "non" }
}

/// The classified state of one indicator of a row.
struct Resolved<'r> {
    ind: &'r Indicator,
    level: &'r Level,
    cell: Cell,
}

/// The cell of indicator `i`, falling back to the indicator's "missing" level.
fn resolve<'r>(rules: &'r RuleSet, row: &ExportRow, i: usize) -> Option<Resolved<'r>> {
    let ind = rules.indicators.get(i)?;
    let missing = || Cell {
        level: ind.level_index(&ind.missing).unwrap_or(0),
        value: None,
        count: None,
    };
    let cell = row
        .cells
        .get(i)
        .copied()
        .filter(|c| c.level < ind.levels.len())
        .unwrap_or_else(missing);
    let level = ind.levels.get(cell.level)?;
    Some(Resolved { ind, level, cell })
}

/// The text fields of a row in CSV order, `list_sep` joining the user categories.
fn text_fields(rules: &RuleSet, row: &ExportRow, list_sep: &str) -> Vec<String> {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut out = vec![
        row.member.demarche_id.to_string(),
        row.member.title.clone(),
        opt(&row.member.ministere),
        opt(&row.member.administration),
        opt(&row.member.domaine),
        opt(&row.member.url),
        row.member.audiences.join(list_sep),
        row.member.volume_total.map(number).unwrap_or_default(),
        row.member.volume_online.map(number).unwrap_or_default(),
        row.member.feedback_button
            .map(|b| yes_no(b).to_string())
            .unwrap_or_default(),
    ];
    for i in 0..rules.indicators.len() {
        match resolve(rules, row, i) {
            Some(r) => {
                out.push(r.cell.value.map(number).unwrap_or_default());
                out.push(r.level.label.clone());
                out.push(yes_no(r.level.goal).to_string());
            }
            None => out.extend([String::new(), String::new(), String::new()]),
        }
    }
    out
}

/// The list separator of the `publics` column for a CSV delimiter.
fn list_separator(delimiter: u8) -> &'static str {
    if delimiter == b';' { " | " } else { ";" }
}

/// Renders the CSV: `delimiter` `b';'` with `bom` for French Excel, `b','` without for programs.
pub fn to_csv(e: &ExportEdition, delimiter: u8, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let sep = list_separator(delimiter);
    // Writing into a Vec cannot fail.
    let _ = w.write_record(csv_columns(e.rules));
    for row in &e.rows {
        let _ = w.write_record(text_fields(e.rules, row, sep));
    }
    w.into_inner().unwrap_or_default()
}

fn fill(color: Color) -> u32 {
    match color {
        Color::Green => 0xC6EFCE,
        Color::Yellow => 0xFFEB9C,
        Color::Red => 0xFFC7CE,
        Color::Blue => 0xBDD7EE,
        Color::Gray => 0xE7E6E6,
    }
}

fn level_format(color: Color) -> XFormat {
    XFormat::new().set_background_color(fill(color))
}

fn write_header(ws: &mut Worksheet, names: &[String]) -> Result<(), XlsxError> {
    let bold = XFormat::new().set_bold().set_text_wrap();
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, name, &bold)?;
        ws.set_column_width(
            c as u16,
            (name.chars().count() as f64 + 2.0).clamp(10.0, 40.0),
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_opt_number(ws: &mut Worksheet, r: u32, c: u16, v: Option<f64>) -> Result<(), XlsxError> {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        ws.write_number(r, c, v)?;
    }
    Ok(())
}

fn write_text(ws: &mut Worksheet, r: u32, c: u16, s: &str) -> Result<(), XlsxError> {
    if !s.is_empty() {
        ws.write_string(r, c, s)?;
    }
    Ok(())
}

/// Renders the workbook: sheets "Démarches" (the CSV columns, numbers as numbers, levels coloured),
/// "Synthèse par ministère" and "Légende des niveaux".
pub fn to_xlsx(e: &ExportEdition) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Observatoire de la qualité des démarches en ligne — {}",
                e.meta.name
            ))
            .set_subject(format!(
                "Édition {} (règles {})",
                e.meta.slug, e.meta.ruleset_id
            )),
    );
    let rules = e.rules;

    // Démarches.
    let ws = wb.add_worksheet();
    ws.set_name("Démarches")?;
    let columns = csv_columns(rules);
    write_header(ws, &columns)?;
    let sep = list_separator(b',');
    for (k, row) in e.rows.iter().enumerate() {
        let r = k as u32 + 1;
        ws.write_number(r, 0, row.member.demarche_id as f64)?;
        let texts = [
            &row.member.title,
            row.member.ministere.as_deref().unwrap_or(""),
            row.member.administration.as_deref().unwrap_or(""),
            row.member.domaine.as_deref().unwrap_or(""),
            row.member.url.as_deref().unwrap_or(""),
            &row.member.audiences.join(sep),
        ];
        for (j, t) in texts.iter().enumerate() {
            write_text(ws, r, j as u16 + 1, t)?;
        }
        write_opt_number(ws, r, 7, row.member.volume_total)?;
        write_opt_number(ws, r, 8, row.member.volume_online)?;
        write_text(ws, r, 9, row.member.feedback_button.map(yes_no).unwrap_or(""))?;
        for i in 0..rules.indicators.len() {
            let c = (DESCRIPTIVE_COLUMNS.len() + 3 * i) as u16;
            if let Some(res) = resolve(rules, row, i) {
                write_opt_number(ws, r, c, res.cell.value)?;
                ws.write_string_with_format(
                    r,
                    c + 1,
                    &res.level.label,
                    &level_format(res.level.color),
                )?;
                ws.write_string(r, c + 2, yes_no(res.level.goal))?;
            }
        }
    }
    if !columns.is_empty() {
        ws.autofilter(0, 0, e.rows.len() as u32, columns.len() as u16 - 1)?;
    }

    // Synthèse par ministère.
    let ws = wb.add_worksheet();
    ws.set_name("Synthèse par ministère")?;
    let colored: Vec<&Indicator> = rules.indicators.iter().filter(|i| i.has_colors()).collect();
    let mut header = vec!["Ministère".to_string(), "Démarches".to_string()];
    for ind in &colored {
        let s = ind.short_label();
        header.push(format!("{s} : part à l'objectif (%)"));
        header.push(format!("{s} : à l'objectif"));
        header.push(format!("{s} : évaluées"));
    }
    write_header(ws, &header)?;
    ws.set_column_width(0, 40)?;
    let share = XFormat::new().set_num_format("0.0");
    for (k, (ministry, synth)) in e.by_ministry.iter().enumerate() {
        let r = k as u32 + 1;
        ws.write_string(r, 0, ministry)?;
        ws.write_number(r, 1, synth.demarches as f64)?;
        for (j, ind) in colored.iter().enumerate() {
            let c = 2 + 3 * j as u16;
            if let Some(s) = synth.indicator(&ind.slug) {
                if let Some(v) = s.share.filter(|v| v.is_finite()) {
                    ws.write_number_with_format(r, c, v, &share)?;
                }
                ws.write_number(r, c + 1, s.at_goal as f64)?;
                ws.write_number(r, c + 2, s.evaluated as f64)?;
            }
        }
    }

    // Légende des niveaux.
    let ws = wb.add_worksheet();
    ws.set_name("Légende des niveaux")?;
    let header: Vec<String> = [
        "Indicateur",
        "Libellé de l'indicateur",
        "Niveau",
        "Clé du niveau",
        "Couleur",
        "Objectif atteint",
        "Seuil",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    write_header(ws, &header)?;
    let mut r = 1u32;
    for ind in &rules.indicators {
        for level in &ind.levels {
            ws.write_string(r, 0, &ind.slug)?;
            ws.write_string(r, 1, &ind.label)?;
            ws.write_string_with_format(r, 2, &level.label, &level_format(level.color))?;
            ws.write_string(r, 3, &level.key)?;
            ws.write_string(r, 4, level.color.label_fr())?;
            ws.write_string(r, 5, yes_no(level.goal))?;
            write_text(
                ws,
                r,
                6,
                &level.threshold_fr(ind.format).unwrap_or_default(),
            )?;
            r += 1;
        }
    }

    // À propos: what the file is, and a plain warning when it holds demonstration data.
    let ws = wb.add_worksheet();
    ws.set_name("À propos")?;
    let mut about = vec![
        ("Édition".to_string(), format!("{} ({})", e.meta.name, e.meta.slug)),
        ("Règles".to_string(), format!("{} ({})", rules.name, rules.id)),
        ("État".to_string(), e.meta.state.clone()),
        ("Révision".to_string(), e.meta.revision.map(|r| r.to_string()).unwrap_or_else(|| "non publiée".into())),
        ("Publiée le".to_string(), e.meta.published_at.clone().unwrap_or_default()),
    ];
    if e.meta.demo {
        about.insert(0, ("Avertissement".to_string(), DEMO_NOTICE.to_string()));
    }
    for (i, (k, v)) in about.iter().enumerate() {
        ws.write_string(i as u32, 0, k)?;
        write_text(ws, i as u32, 1, v)?;
    }
    wb.save_to_buffer()
}

/// The warning carried by every export of demonstration data.
pub const DEMO_NOTICE: &str = "Données de démonstration : mesures réelles du scanner de l'observatoire, \
     noms de démarches et rattachements déduits des adresses, non officiels.";

fn json_number(v: Option<f64>) -> Value {
    v.filter(|v| v.is_finite())
        .map_or(Value::Null, |v| json!(v))
}

fn edition_json(meta: &ExportMeta) -> Value {
    json!({
        "slug": meta.slug,
        "nom": meta.name,
        "trimestre": meta.quarter,
        "regles": meta.ruleset_id,
        "revision": meta.revision,
        "etat": meta.state,
        "publie_le": meta.published_at,
        "demo": meta.demo,
        "avertissement": if meta.demo { Value::from(DEMO_NOTICE) } else { Value::Null },
    })
}

/// Renders the JSON: `{"edition": {…}, "demarches": [{…, "indicateurs": {slug: {…}}}],
/// "synthese_par_ministere": […]}`. Indicator entries hold `valeur` (exact number or null),
/// `affichage` (the French display, truncated), `niveau`, `niveau_cle`, `couleur`,
/// `objectif_atteint` and `nombre_avis`.
pub fn to_json(e: &ExportEdition) -> Value {
    let rules = e.rules;
    let demarches: Vec<Value> = e
        .rows
        .iter()
        .map(|row| {
            let mut indicateurs = Map::new();
            for i in 0..rules.indicators.len() {
                if let Some(r) = resolve(rules, row, i) {
                    indicateurs.insert(
                        r.ind.slug.clone(),
                        json!({
                            "valeur": json_number(r.cell.value),
                            "affichage": r.cell.value.filter(|v| v.is_finite()).map(|_| r.cell.display_value(r.ind)),
                            "niveau": r.level.label,
                            "niveau_cle": r.level.key,
                            "couleur": r.level.color.as_str(),
                            "objectif_atteint": r.level.goal,
                            "nombre_avis": r.cell.count,
                        }),
                    );
                }
            }
            json!({
                "demarche_id": row.member.demarche_id,
                "titre": row.member.title,
                "ministere": row.member.ministere,
                "administration": row.member.administration,
                "domaine": row.member.domaine,
                "url": row.member.url,
                "publics": row.member.audiences,
                "volume_total": json_number(row.member.volume_total),
                "volume_en_ligne": json_number(row.member.volume_online),
                "bouton_jdma": row.member.feedback_button,
                "indicateurs": indicateurs,
            })
        })
        .collect();
    let synthese: Vec<Value> = e
        .by_ministry
        .iter()
        .map(|(ministry, s)| {
            let indicateurs: Map<String, Value> = s
                .indicators
                .iter()
                .map(|i| {
                    (
                        i.slug.clone(),
                        json!({"part_objectif": json_number(i.share), "a_l_objectif": i.at_goal, "evaluees": i.evaluated}),
                    )
                })
                .collect();
            json!({"ministere": ministry, "demarches": s.demarches, "indicateurs": indicateurs})
        })
        .collect();
    json!({
        "edition": edition_json(&e.meta),
        "demarches": demarches,
        "synthese_par_ministere": synthese,
    })
}

/// What a `{slug}_valeur` holds, in French.
fn unit_fr(format: Format) -> (&'static str, Option<(f64, Option<f64>)>) {
    match format {
        Format::Score10 => ("note sur 10", Some((0.0, Some(10.0)))),
        Format::Percent | Format::PercentInt => {
            ("pourcentage, de 0 à 100", Some((0.0, Some(100.0))))
        }
        Format::Millis => ("durée en millisecondes", Some((0.0, None))),
        Format::Count => ("nombre", Some((0.0, None))),
        Format::Points => ("points", None),
        Format::Label => (
            "toujours vide : l'indicateur ne prend que des libellés",
            None,
        ),
    }
}

/// A frictionless Table Schema (schema.data.gouv.fr style) describing every CSV column.
pub fn table_schema(e: &ExportEdition) -> Value {
    let mut fields: Vec<Value> = Vec::new();
    for (name, title, description) in DESCRIPTIVE_COLUMNS {
        let mut f =
            json!({"name": name, "title": title, "description": description, "type": "string"});
        match name {
            "demarche_id" => {
                f["type"] = json!("integer");
                f["constraints"] = json!({"required": true, "unique": true});
            }
            "titre" => f["constraints"] = json!({"required": true}),
            "volume_total" | "volume_en_ligne" => {
                f["type"] = json!("number");
                f["description"] = json!(format!(
                    "{description} Nombre avec « . » comme séparateur décimal."
                ));
                f["constraints"] = json!({"minimum": 0});
            }
            "bouton_jdma" => f["constraints"] = json!({"enum": ["oui", "non"]}),
            _ => {}
        }
        fields.push(f);
    }
    for ind in &e.rules.indicators {
        let (unit, range) = unit_fr(ind.format);
        let mut valeur = json!({
            "name": format!("{}_valeur", ind.slug),
            "title": format!("{} : valeur", ind.label),
            "description": format!(
                "Valeur exacte, non arrondie, de l'indicateur « {} » ({unit}), avec « . » comme séparateur décimal ; \
                 vide quand le niveau ne repose pas sur une valeur mesurée. L'affichage public tronque cette valeur.",
                ind.label
            ),
            "type": "number",
        });
        if let Some((min, max)) = range {
            let mut c = json!({"minimum": min});
            if let Some(max) = max {
                c["maximum"] = json!(max);
            }
            valeur["constraints"] = c;
        }
        fields.push(valeur);
        let levels: Vec<&str> = ind.levels.iter().map(|l| l.label.as_str()).collect();
        let legend: Vec<String> = ind
            .levels
            .iter()
            .map(|l| {
                let mut s = format!("« {} » ({}", l.label, l.color.label_fr());
                if let Some(t) = l.threshold_fr(ind.format) {
                    s.push_str(&format!(", {t}"));
                }
                if l.goal {
                    s.push_str(", objectif atteint");
                }
                s.push(')');
                s
            })
            .collect();
        fields.push(json!({
            "name": format!("{}_niveau", ind.slug),
            "title": format!("{} : niveau", ind.label),
            "description": format!("{} Niveaux : {}.", ind.description, legend.join(" ; ")),
            "type": "string",
            "constraints": {"required": true, "enum": levels},
        }));
        fields.push(json!({
            "name": format!("{}_objectif", ind.slug),
            "title": format!("{} : objectif atteint", ind.label),
            "description": format!("« oui » si le niveau de l'indicateur « {} » atteint l'objectif, « non » sinon.", ind.label),
            "type": "string",
            "constraints": {"required": true, "enum": ["oui", "non"]},
        }));
    }
    json!({
        "name": format!("observatoire-{}", e.meta.slug),
        "title": format!("Observatoire de la qualité des démarches en ligne — {}", e.meta.name),
        "description": format!(
            "Une ligne par démarche de l'édition « {} », niveaux calculés selon les règles « {} » ({}). \
             Fichier CSV en UTF-8, séparé par « ; » avec BOM (variante tableur) ou par « , » sans BOM (variante programmes) ; dates ISO 8601.",
            e.meta.name, e.rules.id, e.rules.name
        ) + if e.meta.demo { format!(" {DEMO_NOTICE}") } else { String::new() }.as_str(),
        "version": e.meta.revision.map_or_else(|| "1".to_string(), |r| r.to_string()),
        "missingValues": [""],
        "primaryKey": ["demarche_id"],
        "fields": fields,
    })
}

#[cfg(test)]
mod tests;
