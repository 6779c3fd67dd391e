//! The démarche page: identity, every indicator of the latest edition with its raw value and
//! provenance, history across editions (charts over the threshold bands, with data tables) and
//! the dated history of its descriptive fields.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use obs_app::{Actor, Appearance, DemarcheView};
use obs_app::model::{Measurement, Version};
use obs_domain::display::{format_count, format_number, french_day, french_decimal};
use obs_domain::{Format, Indicator, RawValue, RuleSet};

use super::layout::{Layout, rendered};
use super::{CellView, badge_class, cell_view};
use obs_present::charts::{self, Band, LinePoint, YAxis};
use crate::error::PageError;
use crate::actor::Caller;
use crate::state::AppState;

/// Provenance of a raw value.
pub struct SourceView {
    /// Kind of source, French.
    pub kind: String,
    /// File, probe or declaration reference.
    pub reference: Option<String>,
    /// Measurement window, French.
    pub window: Option<String>,
    /// Recording date, French.
    pub recorded: String,
}

/// One indicator in the latest edition.
pub struct IndicatorRow {
    /// Label.
    pub label: String,
    /// Classified cell.
    pub cell: CellView,
    /// Raw value as measured.
    pub raw: String,
    /// Where it comes from.
    pub source: Option<SourceView>,
}

/// One edition in an indicator's history.
pub struct HistoryRow {
    /// Edition name.
    pub edition: String,
    /// Edition slug.
    pub slug: String,
    /// Value, truncated ("7,9 / 10") or "—".
    pub value: String,
    /// Level under that edition's rules (label, badge class), or none when the indicator is absent.
    pub level: Option<(String, &'static str)>,
}

/// The history of a numeric indicator.
pub struct NumericHistory {
    /// Slug.
    pub slug: String,
    /// Label.
    pub label: String,
    /// The chart.
    pub svg: String,
    /// What the bands are (caption of the chart).
    pub bands_note: String,
    /// One row per edition.
    pub rows: Vec<HistoryRow>,
}

/// One change in the descriptive history.
pub struct VersionRow {
    /// First day, French.
    pub from: String,
    /// What changed.
    pub changes: String,
    /// Title.
    pub title: String,
    /// Ministry / administration / domain.
    pub organisation: Vec<String>,
    /// URL.
    pub url: String,
}

#[derive(askama::Template)]
#[template(path = "demarche.html")]
struct DemarchePage {
    layout: Layout,
    id: i64,
    title: String,
    identity: Vec<(&'static str, String)>,
    url: Option<String>,
    url_text: Option<String>,
    latest: (String, String, String),
    indicators: Vec<IndicatorRow>,
    numeric: Vec<NumericHistory>,
    label_columns: Vec<String>,
    label_rows: Vec<(String, String, Vec<Option<CellView>>)>,
    unmeasured: Vec<String>,
    editions: Vec<(String, String)>,
    versions: Vec<VersionRow>,
}

fn source_view(m: &Measurement) -> SourceView {
    let window = m.window.map(|w| format!("du {} au {}", french_day(w.from), french_day(w.to)));
    SourceView {
        kind: m.source.label().to_string(),
        reference: m.source_ref.clone(),
        window,
        recorded: french_day(m.recorded_at.date()),
    }
}

/// The exact number, French decimal comma, every digit kept.
fn exact(v: f64) -> String {
    let s = format!("{v}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let (neg, digits) = int.strip_prefix('-').map_or((false, int), |d| (true, d));
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&obs_domain::display::group_thousands(digits));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

fn raw_text(v: &RawValue) -> String {
    match v {
        RawValue::Number { value, count: Some(n) } => format!("{} (échantillon de {})", exact(*value), format_count(*n)),
        RawValue::Number { value, count: None } => exact(*value),
        RawValue::Text(t) => format!("« {t} »"),
    }
}

/// Whether an indicator takes numbers.
fn is_numeric(ind: &Indicator) -> bool {
    ind.levels.iter().any(|l| l.is_numeric())
}

/// The vertical axis for an indicator's format.
fn axis_for(format: Format) -> YAxis {
    match format {
        Format::Score10 => YAxis { include: vec![0.0, 10.0], lower: Some(0.0), upper: Some(10.0), unit: "/ 10".into() },
        Format::Percent | Format::PercentInt => YAxis { include: vec![], lower: Some(0.0), upper: Some(100.0), unit: "%".into() },
        Format::Millis => YAxis { include: vec![0.0], lower: Some(0.0), upper: None, unit: "ms".into() },
        Format::Points => YAxis { include: vec![0.0], lower: None, upper: None, unit: "pts".into() },
        Format::Count | Format::Label => YAxis { include: vec![0.0], lower: Some(0.0), upper: None, unit: String::new() },
    }
}

/// The coloured threshold bands of an indicator.
fn bands_for(ind: &Indicator) -> Vec<Band> {
    ind.levels
        .iter()
        .filter(|l| l.is_numeric() && !l.is_gray())
        .map(|l| Band { from: l.min, to: l.max, color: l.color, label: l.label.clone() })
        .collect()
}

/// "Optimal : à partir de 99,9 % ; Partiel : …".
fn thresholds_text(ind: &Indicator) -> String {
    ind.levels
        .iter()
        .filter(|l| l.is_numeric() && !l.is_gray())
        .map(|l| format!("{} ({}) : {}", l.label, l.color.label_fr(), l.threshold_fr(ind.format).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The indicators to show, in the order of the latest rules, then those only older rules have.
fn all_indicators(appearances: &[Appearance]) -> Vec<(String, Indicator)> {
    let mut out: Vec<(String, Indicator)> = Vec::new();
    for a in appearances.iter().rev() {
        for ind in &a.table.rules.indicators {
            if !out.iter().any(|(s, _)| *s == ind.slug) {
                out.push((ind.slug.clone(), ind.clone()));
            }
        }
    }
    out
}

fn cell_in<'a>(a: &'a Appearance, slug: &str) -> Option<(&'a Indicator, &'a obs_domain::Cell)> {
    let rules: &RuleSet = &a.table.rules;
    let i = rules.indicator_index(slug)?;
    Some((&rules.indicators[i], &a.table.rows[a.row].cells[i]))
}

fn version_rows(versions: &[Version]) -> Vec<VersionRow> {
    let org = |v: &Version| {
        [("Ministère", &v.ministere), ("Administration", &v.administration), ("Domaine", &v.domaine)]
            .iter()
            .filter_map(|(k, x)| x.as_ref().map(|x| format!("{k} : {x}")))
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    let mut prev: Option<&Version> = None;
    for v in versions {
        let changes = match prev {
            None => "Première version connue".to_string(),
            Some(p) => {
                let mut c = Vec::new();
                if p.title != v.title {
                    c.push("intitulé");
                }
                if p.ministere != v.ministere {
                    c.push("ministère");
                }
                if p.administration != v.administration {
                    c.push("administration");
                }
                if p.domaine != v.domaine {
                    c.push("domaine");
                }
                if p.url != v.url {
                    c.push("adresse");
                }
                if p.observed != v.observed {
                    c.push(if v.observed { "de retour dans la liste observée" } else { "retirée de la liste observée" });
                }
                if c.is_empty() {
                    "Aucun changement visible (nouvelle source)".to_string()
                } else {
                    let s = c.join(", ");
                    let mut chars = s.chars();
                    chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default()
                }
            }
        };
        out.push(VersionRow {
            from: french_day(v.valid_from),
            changes,
            title: v.title.clone(),
            organisation: org(v),
            url: v.url.clone().unwrap_or_else(|| "—".into()),
        });
        prev = Some(v);
    }
    out
}

/// GET /demarches/{id}
pub async fn show(State(s): State<AppState>, Caller(actor): Caller, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| PageError::bad_request(format!("« {id} » n'est pas un numéro de démarche : un nombre entier est attendu")))?;
    // Only the public view is shared through the cache: another caller may see drafts.
    if actor != Actor::Public {
        return Ok(page(&s, &actor, id).await?.into_response());
    }
    // The page depends only on published revisions: cache it under the list of current ones.
    let (editions, _) = super::published(&s.app).await?;
    let generation: Vec<String> = editions.iter().map(|e| format!("{}:{}", e.id, e.current_revision)).collect();
    let key = format!("demarche|{id}|{}", generation.join(","));
    let html = s.pages.get_or_render(key, async { Ok::<_, PageError>(bytes::Bytes::from(page(&s, &actor, id).await?.0)) }).await?;
    Ok(Html(html).into_response())
}

/// The identity list of the démarche page (ids, organisation, audiences, volumes).
fn identity(id: i64, view: &DemarcheView) -> Vec<(&'static str, String)> {
    let m = view.member();
    let mut identity: Vec<(&'static str, String)> = vec![("Identifiant de l'observatoire", id.to_string())];
    if let Some(j) = view.demarche.jdma_id {
        identity.push(("Identifiant « Je donne mon avis »", j.to_string()));
    }
    if let Some(r) = &view.demarche.sheet_ref {
        identity.push(("Référence dans le tableur de suivi", r.clone()));
    }
    if let Some(l) = &view.demarche.legacy_id {
        identity.push(("Identifiant de l'observatoire 2019–2022", l.clone()));
    }
    let or_none = |v: &Option<String>| v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "Non renseigné".into());
    identity.push(("Ministère", or_none(&m.ministere)));
    identity.push(("Administration", or_none(&m.administration)));
    identity.push(("Domaine", or_none(&m.domaine)));
    identity.push(("Publics", if m.audiences.is_empty() { "Non renseigné".into() } else { m.audiences.join(", ") }));
    let vol = |v: Option<f64>| v.map(|v| french_decimal(v, 0)).unwrap_or_else(|| "non renseigné".into());
    identity.push(("Volume annuel total", vol(m.volume_total)));
    identity.push(("Volume annuel en ligne", vol(m.volume_online)));
    identity.push((
        "Bouton « Je donne mon avis »",
        match m.feedback_button {
            Some(true) => "installé".into(),
            Some(false) => "non installé".into(),
            None => "non renseigné".into(),
        },
    ));
    identity
}

/// One line per indicator of the latest edition: level, raw value and its provenance.
fn indicator_rows(view: &DemarcheView) -> Vec<IndicatorRow> {
    let last = view.latest();
    let row = last.row();
    last.table
        .rules
        .indicators
        .iter()
        .zip(&row.cells)
        .zip(&row.raws)
        .map(|((ind, cell), raw)| IndicatorRow {
            label: ind.label.clone(),
            cell: cell_view(ind, cell),
            raw: match raw {
                Some(r) => raw_text(&r.value),
                None if ind.derived.is_some() && cell.value.is_some() => "valeur calculée à partir d'autres mesures".into(),
                None => "aucune mesure".into(),
            },
            source: raw.as_ref().and_then(|r| r.measurement_id).and_then(|mid| view.sources.get(&mid)).map(source_view),
        })
        .collect()
}

/// The history of one numeric indicator across editions: table rows and a line chart over the
/// threshold bands of the latest rules.
fn numeric_history(view: &DemarcheView, slug: String, ind: &Indicator, cells: &[Option<(&Indicator, &obs_domain::Cell)>]) -> NumericHistory {
    let table = &view.latest().table;
    let names: Vec<String> = view.appearances.iter().map(|a| a.table.edition.name.clone()).collect();
    let rows: Vec<HistoryRow> = view
        .appearances
        .iter()
        .zip(cells)
        .map(|(a, c)| HistoryRow {
            edition: a.table.edition.name.clone(),
            slug: a.table.edition.slug.clone(),
            value: c.and_then(|(i, c)| c.value.map(|v| format_number(v, i.format))).unwrap_or_else(|| "—".into()),
            level: c.map(|(i, c)| {
                let l = c.level(i);
                (l.label.clone(), badge_class(l.color))
            }),
        })
        .collect();
    let points: Vec<LinePoint> = names
        .iter()
        .zip(cells)
        .map(|(n, c)| {
            let value = c.and_then(|(_, c)| c.value);
            LinePoint { label: n.clone(), value, text: value.map(|v| format_number(v, ind.format)).unwrap_or_default() }
        })
        .collect();
    let bands = bands_for(ind);
    let band_note = if bands.is_empty() {
        "Indicateur sans code couleur : pas de seuil à représenter.".to_string()
    } else {
        format!(
            "Bandes de couleur : seuils des {} (édition {}, la plus récente de cette démarche) : {}. Le niveau de chaque édition, dans le tableau, suit les règles de cette édition.",
            table.rules.name,
            table.edition.name,
            thresholds_text(ind)
        )
    };
    let better = match ind.direction {
        obs_domain::Direction::Higher => "plus la valeur est haute, mieux c'est",
        obs_domain::Direction::Lower => "plus la valeur est basse, mieux c'est",
    };
    let values_text = rows.iter().map(|r| format!("{} : {}", r.edition, r.value)).collect::<Vec<_>>().join(" ; ");
    let svg = charts::line_with_bands(
        &format!("graphe-{slug}"),
        &format!("{} : valeur de la démarche dans chaque édition", ind.label),
        &format!("Courbe des valeurs par édition ({better}). {values_text}. {band_note}"),
        &points,
        &bands,
        &axis_for(ind.format),
    );
    NumericHistory {
        bands_note: band_note,
        slug,
        label: ind.label.clone(),
        svg,
        rows,
    }
}

/// The démarche's history across editions, split the way the page shows it.
struct History {
    /// One chart and table per numeric indicator with at least one value.
    numeric: Vec<NumericHistory>,
    /// Labels of the indicators that only take labels (one column each)…
    label_columns: Vec<String>,
    /// …and their cells, one row per edition (name, slug, cells).
    label_rows: Vec<(String, String, Vec<Option<CellView>>)>,
    /// Numeric indicators never measured for this démarche.
    unmeasured: Vec<String>,
}

fn history(view: &DemarcheView) -> History {
    let mut h = History { numeric: Vec::new(), label_columns: Vec::new(), label_rows: Vec::new(), unmeasured: Vec::new() };
    let mut label_slugs = Vec::new();
    for (slug, ind) in all_indicators(&view.appearances) {
        let cells: Vec<Option<(&Indicator, &obs_domain::Cell)>> = view.appearances.iter().map(|a| cell_in(a, &slug)).collect();
        if !is_numeric(&ind) {
            h.label_columns.push(ind.label.clone());
            label_slugs.push(slug);
        } else if cells.iter().all(|c| c.is_none_or(|(_, c)| c.value.is_none())) {
            h.unmeasured.push(ind.label.clone());
        } else {
            h.numeric.push(numeric_history(view, slug, &ind, &cells));
        }
    }
    h.label_rows = view
        .appearances
        .iter()
        .map(|a| {
            let cells = label_slugs.iter().map(|s| cell_in(a, s).map(|(i, c)| cell_view(i, c))).collect();
            (a.table.edition.name.clone(), a.table.edition.slug.clone(), cells)
        })
        .collect();
    h
}

async fn page(s: &AppState, actor: &Actor, id: i64) -> Result<Html<String>, PageError> {
    let view: DemarcheView = s.app.demarche(actor, id).await?;
    let table = &view.latest().table;
    let m = view.member();
    let demo = view.appearances.iter().any(|a| a.table.edition.demo);
    let identity = identity(id, &view);
    let url = m.url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let url_text = if url.is_none() { m.url.clone().filter(|u| !u.is_empty()) } else { None };

    let indicators = indicator_rows(&view);
    let History { numeric, label_columns, label_rows, unmeasured } = history(&view);

    let page = DemarchePage {
        layout: Layout::new(m.title.clone(), "editions", demo)
            .crumb("Éditions", "/editions")
            .crumb(format!("Édition {}", table.edition.name), format!("/editions/{}", table.edition.slug)),
        id,
        title: m.title.clone(),
        identity,
        url,
        url_text,
        latest: (table.edition.slug.clone(), table.edition.name.clone(), table.rules.name.clone()),
        indicators,
        numeric,
        label_columns,
        label_rows,
        unmeasured,
        editions: view.appearances.iter().map(|a| (a.table.edition.slug.clone(), a.table.edition.name.clone())).collect(),
        versions: version_rows(&view.versions),
    };
    rendered(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_keep_every_digit() {
        assert_eq!(exact(8.14965197215777), "8,14965197215777");
        assert_eq!(exact(31.0), "31");
        assert_eq!(exact(-2.5), "-2,5");
        assert_eq!(exact(1234567.25), "1\u{202f}234\u{202f}567,25");
    }
}
