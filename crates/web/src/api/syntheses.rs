//! Synthesis of an edition, whole or for one ministry, administration or domain, with the
//! headline counts of the whole edition.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use obs_app::{GroupBy, View, group_syntheses};
use obs_app::Actor;
use obs_domain::synthesis::Headline;
use serde::Serialize;

use super::figures::{HeadlineJson, IndicatorSynthesisJson, indicator_syntheses};
use super::{ApiPath, ApiResult, published_json, strict_params};
use crate::error::ApiError;
use crate::actor::Caller;
use crate::state::AppState;

/// The synthesis answer.
#[derive(Debug, Serialize)]
pub struct SynthesisJson {
    /// Edition slug.
    pub edition: String,
    /// Revision the figures come from.
    pub revision: Option<i32>,
    /// Rule set id.
    pub regles: String,
    /// Grouping asked for, if any.
    pub groupe: Option<GroupBy>,
    /// Group name, if any.
    pub nom: Option<String>,
    /// Number of démarches in the group (or the edition).
    pub demarches: u64,
    /// Per indicator figures, in rule-set order (the figures of `edition synthesis --json`,
    /// under French names).
    pub indicateurs: Vec<IndicatorSynthesisJson>,
    /// Headline counts of the whole edition.
    pub chiffres_cles: HeadlineJson,
}

fn group_label(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Ministere => "ministère",
        GroupBy::Administration => "administration",
        GroupBy::Domaine => "domaine",
    }
}

/// The group asked for: both `groupe` and `nom`, or neither.
fn group_param(raw: Option<&str>) -> Result<Option<(GroupBy, String)>, ApiError> {
    let params = strict_params(raw, &["groupe", "nom"])?;
    let groupe = params.get("groupe").filter(|v| !v.is_empty());
    let nom = params.get("nom").filter(|v| !v.is_empty());
    let by = groupe
        .map(|g| {
            GroupBy::parse(g).ok_or_else(|| {
                ApiError::bad_request(format!("groupe « {g} » inconnu : « ministere », « administration » ou « domaine »"))
            })
        })
        .transpose()?;
    match (by, nom) {
        (None, None) => Ok(None),
        (Some(by), Some(n)) => Ok(Some((by, n.clone()))),
        (Some(_), None) => Err(ApiError::bad_request("le paramètre « nom » est obligatoire avec « groupe » : nom exact du groupe")),
        (None, Some(_)) => Err(ApiError::bad_request(
            "le paramètre « groupe » est obligatoire avec « nom » : « ministere », « administration » ou « domaine »",
        )),
    }
}

/// GET /api/v1/editions/{slug}/synthese[?groupe=ministere|administration|domaine&nom=NAME]
pub async fn show(State(s): State<AppState>, Caller(actor): Caller, ApiPath(slug): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    let group = group_param(raw.as_deref())?;
    let headline = s.app.headline(&actor, &slug).await?;
    let body = match group {
        None => edition_synthesis(&s, &actor, &slug, &headline).await?,
        Some((by, name)) => group_synthesis(&s, &actor, &slug, by, &name, &headline).await?,
    };
    published_json(&headers, &body)
}

/// The figures frozen at publication: the same as `edition synthesis` and the site.
async fn edition_synthesis(s: &AppState, actor: &Actor, slug: &str, headline: &Headline) -> Result<SynthesisJson, ApiError> {
    let r = s.app.synthesis(actor, slug).await?;
    Ok(SynthesisJson {
        edition: r.edition,
        revision: r.revision,
        regles: r.ruleset,
        groupe: None,
        nom: None,
        demarches: r.demarches,
        indicateurs: indicator_syntheses(&r.indicators),
        chiffres_cles: headline.into(),
    })
}

/// The figures of one ministry, administration or domain of the current revision.
async fn group_synthesis(s: &AppState, actor: &Actor, slug: &str, by: GroupBy, name: &str, headline: &Headline) -> Result<SynthesisJson, ApiError> {
    let table = s.app.table(actor, slug, View::Current).await?;
    let g = group_syntheses(&table, by)
        .into_iter()
        .find(|g| g.name == name)
        .ok_or_else(|| ApiError::not_found(format!("{} « {name} » introuvable dans l'édition « {slug} »", group_label(by))))?;
    Ok(SynthesisJson {
        edition: table.edition.slug.clone(),
        revision: table.revision.as_ref().map(|r| r.revision),
        regles: table.rules.id.clone(),
        groupe: Some(by),
        nom: Some(g.name),
        demarches: g.synthesis.demarches,
        indicateurs: indicator_syntheses(&g.synthesis.indicators),
        chiffres_cles: headline.into(),
    })
}
