//! Démarches: the paginated table of an edition (same filters, sort and pagination as the page)
//! and one démarche across editions.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use obs_app::TableRow;
use obs_domain::{Cell, RuleSet};
use serde::Serialize;

use super::{ApiPath, ApiResult, PREFIX, published_json, strict_params};
use crate::actor::Caller;
use crate::http::query_pairs;
use crate::error::ApiError;
use crate::state::AppState;

/// The classified value of one indicator for one démarche.
#[derive(Debug, Serialize)]
pub struct IndicatorValue {
    /// Level label.
    pub niveau: String,
    /// Level key (the value of the `niveau_<indicateur>` filter).
    pub niveau_cle: String,
    /// Colour: green, yellow, red, blue or gray.
    pub couleur: &'static str,
    /// Whether the level reaches the goal.
    pub objectif_atteint: bool,
    /// The exact value behind the level.
    pub valeur: Option<f64>,
    /// The value as the site shows it, truncated ("7,9 / 10").
    pub affichage: Option<String>,
    /// Sample size (feedback answers), when known.
    pub nombre_avis: Option<u64>,
}

/// The indicators of a row, by slug.
pub fn indicators(rules: &RuleSet, cells: &[Cell]) -> BTreeMap<String, IndicatorValue> {
    rules
        .indicators
        .iter()
        .zip(cells)
        .map(|(ind, c)| {
            let level = c.level(ind);
            let v = IndicatorValue {
                niveau: level.label.clone(),
                niveau_cle: level.key.clone(),
                couleur: level.color.as_str(),
                objectif_atteint: level.goal,
                valeur: c.value,
                affichage: c.display_value(ind),
                nombre_avis: c.count,
            };
            (ind.slug.clone(), v)
        })
        .collect()
}

/// One démarche of an edition.
#[derive(Debug, Serialize)]
pub struct RowJson {
    /// Stable id.
    pub id: i64,
    /// Title in this edition.
    pub titre: String,
    /// Ministry.
    pub ministere: Option<String>,
    /// Administration.
    pub administration: Option<String>,
    /// Domain.
    pub domaine: Option<String>,
    /// Service URL.
    pub url: Option<String>,
    /// Audiences.
    pub publics: Vec<String>,
    /// Indicators by slug.
    pub indicateurs: BTreeMap<String, IndicatorValue>,
}

fn row_json(rules: &RuleSet, r: &TableRow) -> RowJson {
    let m = &r.member;
    RowJson {
        id: m.demarche_id,
        titre: m.title.clone(),
        ministere: m.ministere.clone(),
        administration: m.administration.clone(),
        domaine: m.domaine.clone(),
        url: m.url.clone(),
        publics: m.audiences.clone(),
        indicateurs: indicators(rules, &r.cells),
    }
}

/// Previous and next pages.
#[derive(Debug, Serialize)]
pub struct PageLinks {
    /// Next page, if any.
    pub suivant: Option<String>,
    /// Previous page, if any.
    pub precedent: Option<String>,
}

/// A page of the edition table.
#[derive(Debug, Serialize)]
pub struct RowPage {
    /// Edition slug.
    pub edition: String,
    /// Revision shown.
    pub revision: Option<i32>,
    /// Démarches matching the filters.
    pub total: usize,
    /// Page number, from 1.
    pub page: usize,
    /// Rows per page.
    pub par_page: usize,
    /// Number of pages.
    pub pages: usize,
    /// The rows of this page.
    pub demarches: Vec<RowJson>,
    /// Neighbour pages.
    pub liens: PageLinks,
}

/// GET /api/v1/editions/{slug}/demarches
pub async fn list(State(s): State<AppState>, Caller(actor): Caller, ApiPath(slug): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    let page = s.app.table_page(&actor, &slug, &query_pairs(raw.as_deref())).await?;
    let (table, q, pages) = (&page.table, &page.query, page.pages());
    let link = |page: usize| {
        let qs = q.with_page(page);
        let base = format!("{PREFIX}/editions/{slug}/demarches");
        if qs.is_empty() { base } else { format!("{base}?{qs}") }
    };
    let body = RowPage {
        edition: table.edition.slug.clone(),
        revision: table.revision.as_ref().map(|r| r.revision),
        total: page.total,
        page: q.page,
        par_page: q.per_page,
        pages,
        demarches: page.rows().map(|r| row_json(&table.rules, r)).collect(),
        liens: PageLinks {
            suivant: (q.page < pages).then(|| link(q.page + 1)),
            precedent: (q.page > 1).then(|| link(q.page - 1)),
        },
    };
    published_json(&headers, &body)
}

/// External ids of a démarche.
#[derive(Debug, Serialize)]
pub struct ExternalIds {
    /// Product id of the feedback service ("Je donne mon avis").
    pub jdma: Option<i64>,
    /// Id in the working spreadsheet.
    pub tableur: Option<String>,
    /// Id in the 2019–2022 observatory.
    pub ancien_observatoire: Option<String>,
}

/// A dated version of a démarche's descriptive fields.
#[derive(Debug, Serialize)]
pub struct VersionJson {
    /// First day it holds.
    pub depuis: String,
    /// Title.
    pub titre: String,
    /// Ministry.
    pub ministere: Option<String>,
    /// Administration.
    pub administration: Option<String>,
    /// Domain.
    pub domaine: Option<String>,
    /// Service URL.
    pub url: Option<String>,
    /// On the observed list.
    pub observee: bool,
    /// Where it came from.
    pub source: String,
}

/// The démarche in one edition.
#[derive(Debug, Serialize)]
pub struct AppearanceJson {
    /// Edition slug.
    pub slug: String,
    /// Edition name.
    pub nom: String,
    /// Revision read.
    pub revision: Option<i32>,
    /// Rule set of that revision.
    pub regles: String,
    /// Title in that edition.
    pub titre: String,
    /// Ministry in that edition.
    pub ministere: Option<String>,
    /// Administration in that edition.
    pub administration: Option<String>,
    /// Indicators by slug, under that edition's rules.
    pub indicateurs: BTreeMap<String, IndicatorValue>,
}

/// Links of a démarche.
#[derive(Debug, Serialize)]
pub struct DemarcheLinks {
    /// This démarche in the API.
    #[serde(rename = "self")]
    pub this: String,
    /// Its page on the site.
    pub page: String,
}

/// One démarche across editions.
#[derive(Debug, Serialize)]
pub struct DemarcheJson {
    /// Stable id.
    pub id: i64,
    /// Title in the latest edition.
    pub titre: String,
    /// Ministry in the latest edition.
    pub ministere: Option<String>,
    /// Administration in the latest edition.
    pub administration: Option<String>,
    /// Domain in the latest edition.
    pub domaine: Option<String>,
    /// Service URL in the latest edition.
    pub url: Option<String>,
    /// Audiences in the latest edition.
    pub publics: Vec<String>,
    /// External ids.
    pub identifiants: ExternalIds,
    /// Dated versions, oldest first (up to the latest published edition).
    pub versions: Vec<VersionJson>,
    /// Its rows in every published edition, oldest first.
    pub editions: Vec<AppearanceJson>,
    /// Links.
    pub liens: DemarcheLinks,
}

/// GET /api/v1/demarches/{id}
pub async fn show(State(s): State<AppState>, Caller(actor): Caller, ApiPath(id): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let n: i64 = id
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request(format!("identifiant de démarche « {id} » invalide : un nombre entier est attendu")))?;
    let v = s.app.demarche(&actor, n).await?;
    published_json(&headers, &demarche_json(n, &v))
}

/// The API view of a démarche across the editions the public may read.
fn demarche_json(n: i64, v: &obs_app::DemarcheView) -> DemarcheJson {
    let last = v.latest();
    let latest = last.row();
    let versions = v
        .versions
        .iter()
        .map(|ver| VersionJson {
            depuis: ver.valid_from.to_string(),
            titre: ver.title.clone(),
            ministere: ver.ministere.clone(),
            administration: ver.administration.clone(),
            domaine: ver.domaine.clone(),
            url: ver.url.clone(),
            observee: ver.observed,
            source: ver.source.clone(),
        })
        .collect();
    let editions = v
        .appearances
        .iter()
        .map(|a| {
            let t = &a.table;
            let r = &t.rows[a.row];
            AppearanceJson {
                slug: t.edition.slug.clone(),
                nom: t.edition.name.clone(),
                revision: t.revision.as_ref().map(|r| r.revision),
                regles: t.rules.id.clone(),
                titre: r.member.title.clone(),
                ministere: r.member.ministere.clone(),
                administration: r.member.administration.clone(),
                indicateurs: indicators(&t.rules, &r.cells),
            }
        })
        .collect();
    let row = row_json(&last.table.rules, latest);
    DemarcheJson {
        id: n,
        titre: row.titre,
        ministere: row.ministere,
        administration: row.administration,
        domaine: row.domaine,
        url: row.url,
        publics: row.publics,
        identifiants: ExternalIds {
            jdma: v.demarche.jdma_id,
            tableur: v.demarche.sheet_ref.clone(),
            ancien_observatoire: v.demarche.legacy_id.clone(),
        },
        versions,
        editions,
        liens: DemarcheLinks { this: format!("{PREFIX}/demarches/{n}"), page: format!("/demarches/{n}") },
    }
}
