//! Editions: list, one edition with its revisions and downloads, diff between two editions.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use obs_app::Actor;
use obs_app::model::Edition;
use obs_domain::diff::EditionDiff;
use serde::Serialize;

use super::{ApiPath, ApiResult, PREFIX, published_json, strict_params};
use crate::state::AppState;
use crate::views::editions::downloads;

/// A date window (inclusive ISO days).
#[derive(Debug, Serialize)]
pub struct Window {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
}

/// The measurement windows of an edition.
#[derive(Debug, Serialize)]
pub struct Windows {
    /// Feedback answers ("Je donne mon avis").
    pub feedback: Option<Window>,
    /// Availability and speed probes.
    pub probes: Option<Window>,
}

/// A downloadable file, at the same address as on the site.
#[derive(Debug, Serialize)]
pub struct DownloadJson {
    /// File name (`donnees.csv`…).
    pub file: String,
    /// French label.
    pub label: &'static str,
    /// Relative URL.
    pub href: String,
    /// Format description, French.
    pub detail: &'static str,
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
    pub downloads: Vec<DownloadJson>,
}

/// An edition as the API shows it.
#[derive(Debug, Serialize)]
pub struct EditionJson {
    /// Stable slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Quarter ("2025-T4").
    pub quarter: Option<String>,
    /// Cut-off date.
    pub cutoff: Option<String>,
    /// Measurement windows.
    pub windows: Windows,
    /// Rule set id.
    pub ruleset: String,
    /// State (`publiée`, `corrigée`).
    pub state: String,
    /// Latest frozen revision.
    pub current_revision: i32,
    /// First publication instant.
    pub published_at: Option<String>,
    /// Demonstration data.
    pub demo: bool,
    /// Links.
    pub links: EditionLinks,
}

/// Downloads of an edition (of a given revision) at the site's addresses.
fn download_list(slug: &str, revision: Option<i32>) -> Vec<DownloadJson> {
    downloads(slug, revision)
        .into_iter()
        .map(|d| {
            DownloadJson { file: d.format.file_name().to_string(), label: d.label, href: d.href, detail: d.detail }
        })
        .collect()
}

fn window(w: Option<obs_domain::DayRange>) -> Option<Window> {
    w.map(|w| Window { from: w.from.to_string(), to: w.to.to_string() })
}

/// The API view of an edition.
pub fn edition_json(e: &Edition) -> EditionJson {
    let this = format!("{PREFIX}/editions/{}", e.slug);
    EditionJson {
        slug: e.slug.clone(),
        name: e.name.clone(),
        quarter: e.quarter.clone(),
        cutoff: e.cutoff.map(|d| d.to_string()),
        windows: Windows { feedback: window(e.feedback_window), probes: window(e.probe_window) },
        ruleset: e.ruleset_id.clone(),
        state: e.state.as_str().to_string(),
        current_revision: e.current_revision,
        published_at: e.published_at.map(|i| i.to_string()),
        demo: e.demo,
        links: EditionLinks {
            demarches: format!("{this}/demarches"),
            synthese: format!("{this}/synthese"),
            page: format!("/editions/{}", e.slug),
            downloads: download_list(&e.slug, None),
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
pub async fn list(State(s): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let list = s.app.editions(&Actor::Public).await?;
    published_json(&headers, &EditionList { editions: list.iter().map(edition_json).collect() })
}

/// One frozen revision.
#[derive(Debug, Serialize)]
pub struct RevisionJson {
    /// Number, from 1.
    pub number: i32,
    /// Publication instant.
    pub published_at: String,
    /// Correction reason (None for the first publication).
    pub reason: Option<String>,
    /// Open-data files of this revision.
    pub downloads: Vec<DownloadJson>,
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
pub async fn show(State(s): State<AppState>, ApiPath(slug): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let e = s.app.edition(&Actor::Public, &slug).await?;
    let revisions = s
        .app
        .revisions(&Actor::Public, &slug)
        .await?
        .into_iter()
        .map(|r| RevisionJson {
            number: r.revision,
            published_at: r.published_at.to_string(),
            reason: r.reason,
            downloads: download_list(&slug, Some(r.revision)),
        })
        .collect();
    published_json(&headers, &EditionDetail { edition: edition_json(&e), revisions })
}

/// The diff between two editions, with their slugs.
#[derive(Debug, Serialize)]
pub struct DiffJson {
    /// Older edition.
    pub a: String,
    /// Newer edition.
    pub b: String,
    /// The differences.
    #[serde(flatten)]
    pub diff: EditionDiff,
}

/// GET /api/v1/diff/{a}/{b}
pub async fn diff(
    State(s): State<AppState>,
    ApiPath((a, b)): ApiPath<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let d = s.app.diff(&Actor::Public, &a, &b).await?;
    published_json(&headers, &DiffJson { a, b, diff: d })
}
