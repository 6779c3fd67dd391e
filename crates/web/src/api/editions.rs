//! Editions: list, one edition with its revisions and downloads, diff between two editions.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use obs_app::model::Edition;
use serde::Serialize;

use super::figures::DiffJson;
use super::{ApiPath, ApiResult, PREFIX, published_json, strict_params};
use crate::actor::Caller;
use crate::state::AppState;
use crate::views::editions::downloads;

/// A date window (inclusive ISO days).
#[derive(Debug, Serialize)]
pub struct Window {
    /// First day.
    pub debut: String,
    /// Last day.
    pub fin: String,
}

/// The measurement windows of an edition.
#[derive(Debug, Serialize)]
pub struct Windows {
    /// Feedback answers ("Je donne mon avis").
    pub avis: Option<Window>,
    /// Availability and speed probes.
    pub sondes: Option<Window>,
}

/// A downloadable file, at the same address as on the site.
#[derive(Debug, Serialize)]
pub struct DownloadJson {
    /// File name (`donnees.csv`…).
    pub fichier: &'static str,
    /// French label.
    pub libelle: &'static str,
    /// Relative URL.
    pub href: String,
    /// Format description, French.
    pub description: &'static str,
    /// MIME type.
    pub type_mime: &'static str,
}

/// Links of an edition.
#[derive(Debug, Serialize)]
pub struct EditionLinks {
    /// This edition in the API.
    #[serde(rename = "self")]
    pub this: String,
    /// Its démarches in the API.
    pub demarches: String,
    /// Its synthesis in the API.
    pub synthese: String,
    /// Its page on the site.
    pub page: String,
    /// Open-data files of the current revision.
    pub telechargements: Vec<DownloadJson>,
}

/// An edition as the API shows it.
#[derive(Debug, Serialize)]
pub struct EditionJson {
    /// Stable slug.
    pub slug: String,
    /// Name.
    pub nom: String,
    /// Quarter ("2025-T4").
    pub trimestre: Option<String>,
    /// Cut-off date.
    pub date_arret: Option<String>,
    /// Measurement windows.
    pub fenetres: Windows,
    /// Rule set id.
    pub regles: String,
    /// State (`publiée`, `corrigée`).
    pub etat: &'static str,
    /// Latest frozen revision.
    pub revision_en_vigueur: i32,
    /// First publication instant.
    pub publiee_le: Option<String>,
    /// Demonstration data.
    pub demonstration: bool,
    /// Links.
    pub liens: EditionLinks,
}

/// Downloads of an edition (of a given revision) at the site's addresses.
fn download_list(slug: &str, revision: Option<i32>) -> Vec<DownloadJson> {
    downloads(slug, revision)
        .into_iter()
        .map(|d| {
            DownloadJson { fichier: d.format.file_name(), libelle: d.label, href: d.href, description: d.detail, type_mime: d.format.mime() }
        })
        .collect()
}

fn window(w: Option<obs_domain::DayRange>) -> Option<Window> {
    w.map(|w| Window { debut: w.from.to_string(), fin: w.to.to_string() })
}

/// The API view of an edition.
pub fn edition_json(e: &Edition) -> EditionJson {
    let this = format!("{PREFIX}/editions/{}", e.slug);
    EditionJson {
        slug: e.slug.clone(),
        nom: e.name.clone(),
        trimestre: e.quarter.clone(),
        date_arret: e.cutoff.map(|d| d.to_string()),
        fenetres: Windows { avis: window(e.feedback_window), sondes: window(e.probe_window) },
        regles: e.ruleset_id.clone(),
        etat: e.state.as_str(),
        revision_en_vigueur: e.current_revision,
        publiee_le: e.published_at.map(|i| i.to_string()),
        demonstration: e.demo,
        liens: EditionLinks {
            demarches: format!("{this}/demarches"),
            synthese: format!("{this}/synthese"),
            page: format!("/editions/{}", e.slug),
            telechargements: download_list(&e.slug, None),
            this,
        },
    }
}

/// The list of editions.
#[derive(Debug, Serialize)]
pub struct EditionList {
    /// Published editions, oldest first.
    pub editions: Vec<EditionJson>,
}

/// GET /api/v1/editions
pub async fn list(State(s): State<AppState>, Caller(actor): Caller, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let list = s.app.editions(&actor).await?;
    published_json(&headers, &EditionList { editions: list.iter().map(edition_json).collect() })
}

/// One frozen revision.
#[derive(Debug, Serialize)]
pub struct RevisionJson {
    /// Number, from 1.
    pub numero: i32,
    /// Publication instant.
    pub publiee_le: String,
    /// Correction reason (None for the first publication).
    pub motif: Option<String>,
    /// Open-data files of this revision.
    pub telechargements: Vec<DownloadJson>,
}

/// One edition with its revisions.
#[derive(Debug, Serialize)]
pub struct EditionDetail {
    /// The edition.
    #[serde(flatten)]
    pub edition: EditionJson,
    /// Its revisions, oldest first.
    pub revisions: Vec<RevisionJson>,
}

/// GET /api/v1/editions/{slug}
pub async fn show(State(s): State<AppState>, Caller(actor): Caller, ApiPath(slug): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let e = s.app.edition(&actor, &slug).await?;
    let revisions = s
        .app
        .revisions(&actor, &slug)
        .await?
        .into_iter()
        .map(|r| RevisionJson {
            numero: r.revision,
            publiee_le: r.published_at.to_string(),
            motif: r.reason,
            telechargements: download_list(&slug, Some(r.revision)),
        })
        .collect();
    published_json(&headers, &EditionDetail { edition: edition_json(&e), revisions })
}

/// GET /api/v1/diff/{a}/{b}
pub async fn diff(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath((a, b)): ApiPath<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let d = s.app.diff(&actor, &a, &b).await?;
    published_json(&headers, &DiffJson::new(a, b, &d))
}
