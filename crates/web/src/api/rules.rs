//! Rule sets: indicators and the levels their values map to.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use obs_app::{LoadedRules, rules::CURRENT};
use obs_app::model::Edition;
use obs_domain::{Color, Direction, Format, Indicator, Level};
use serde::Serialize;

use super::{ApiPath, ApiResult, PREFIX, published_json, strict_params};
use crate::error::ApiError;
use crate::actor::Caller;
use crate::state::AppState;

/// One level of an indicator.
#[derive(Debug, Serialize)]
pub struct LevelJson {
    /// Stable key (filter value).
    #[serde(rename = "cle")]
    pub key: String,
    /// Official French label.
    #[serde(rename = "libelle")]
    pub label: String,
    /// Colour.
    #[serde(rename = "couleur")]
    pub color: Color,
    /// Whether it reaches the goal.
    #[serde(rename = "objectif")]
    pub goal: bool,
    /// Statistics bucket (levels sharing it are counted together).
    #[serde(rename = "categorie")]
    pub bucket: String,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Exclusive upper bound.
    pub max: Option<f64>,
    /// Whether numbers fall in this level.
    #[serde(rename = "numerique")]
    pub numeric: bool,
    /// French description of the threshold.
    #[serde(rename = "seuil")]
    pub threshold: Option<String>,
    /// Weight in the dematerialisation rate.
    #[serde(rename = "poids")]
    pub weight: Option<f64>,
}

/// One indicator.
#[derive(Debug, Serialize)]
pub struct IndicatorJson {
    /// Stable slug.
    pub slug: String,
    /// French label.
    #[serde(rename = "libelle")]
    pub label: String,
    /// Short label.
    #[serde(rename = "libelle_court")]
    pub short: String,
    /// Key indicator.
    #[serde(rename = "indicateur_cle")]
    pub key: bool,
    /// What it measures.
    pub description: String,
    /// Where values come from.
    pub sources: Vec<String>,
    /// Display format.
    pub format: Format,
    /// Which way numbers improve.
    #[serde(rename = "sens")]
    pub direction: Direction,
    /// Minimum sample size.
    #[serde(rename = "effectif_minimum")]
    pub min_count: Option<u64>,
    /// Level used when nothing was measured.
    #[serde(rename = "niveau_sans_mesure")]
    pub missing: String,
    /// Level used when the sample is too small.
    #[serde(rename = "niveau_insuffisant")]
    pub insufficient: Option<String>,
    /// Computed from other measurements.
    #[serde(rename = "derive")]
    pub derived: bool,
    /// Levels, best first.
    #[serde(rename = "niveaux")]
    pub levels: Vec<LevelJson>,
}

/// Which démarches are left out of share denominators.
#[derive(Debug, Serialize)]
pub struct ExclusionJson {
    /// Indicator looked at.
    #[serde(rename = "indicateur")]
    pub indicator: String,
    /// Level keys that exclude.
    #[serde(rename = "niveaux")]
    pub levels: Vec<String>,
}

/// One rule set.
#[derive(Debug, Serialize)]
pub struct RuleSetJson {
    /// Stable id.
    pub id: String,
    /// French name.
    #[serde(rename = "nom")]
    pub name: String,
    /// Editions it applies to, French.
    #[serde(rename = "periode")]
    pub period: String,
    /// Share-at-goal target, %.
    #[serde(rename = "cible")]
    pub target: f64,
    /// SHA-256 of the rule-set file.
    #[serde(rename = "empreinte")]
    pub hash: String,
    /// Used by new editions.
    #[serde(rename = "en_vigueur")]
    pub current: bool,
    /// Exclusion from shares.
    #[serde(rename = "exclusion_des_parts")]
    pub exclude_from_shares: Option<ExclusionJson>,
    /// Published editions under these rules.
    pub editions: Vec<String>,
    /// This rule set in the API.
    #[serde(rename = "self")]
    pub this: String,
    /// Indicators, in display order.
    #[serde(rename = "indicateurs")]
    pub indicators: Vec<IndicatorJson>,
}

/// The list of rule sets.
#[derive(Debug, Serialize)]
pub struct RuleSetList {
    /// Every known rule set, by id.
    pub regles: Vec<RuleSetJson>,
}

fn level_json(ind: &Indicator, l: &Level) -> LevelJson {
    LevelJson {
        key: l.key.clone(),
        label: l.label.clone(),
        color: l.color,
        goal: l.goal,
        bucket: l.bucket().to_string(),
        min: l.min,
        max: l.max,
        numeric: l.is_numeric(),
        threshold: l.threshold_fr(ind.format),
        weight: l.weight,
    }
}

fn ruleset_json(loaded: &LoadedRules, editions: &[Edition]) -> RuleSetJson {
    let r = &loaded.rules;
    RuleSetJson {
        id: r.id.clone(),
        name: r.name.clone(),
        period: r.period.clone(),
        target: r.target,
        hash: loaded.hash.clone(),
        current: r.id == CURRENT,
        exclude_from_shares: r
            .exclude_from_shares
            .as_ref()
            .map(|e| ExclusionJson { indicator: e.indicator.clone(), levels: e.levels.clone() }),
        editions: editions.iter().filter(|e| e.ruleset_id == r.id).map(|e| e.slug.clone()).collect(),
        this: format!("{PREFIX}/regles/{}", r.id),
        indicators: r
            .indicators
            .iter()
            .map(|ind| IndicatorJson {
                slug: ind.slug.clone(),
                label: ind.label.clone(),
                short: ind.short_label().to_string(),
                key: ind.key,
                description: ind.description.clone(),
                sources: ind.sources.clone(),
                format: ind.format,
                direction: ind.direction,
                min_count: ind.min_count,
                missing: ind.missing.clone(),
                insufficient: ind.insufficient.clone(),
                derived: ind.derived.is_some(),
                levels: ind.levels.iter().map(|l| level_json(ind, l)).collect(),
            })
            .collect(),
    }
}

/// GET /api/v1/indicateurs
pub async fn list(State(s): State<AppState>, Caller(actor): Caller, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let editions = s.app.editions(&actor).await?;
    let regles = s.app.rulesets().map(|l| ruleset_json(l, &editions)).collect();
    published_json(&headers, &RuleSetList { regles })
}

/// GET /api/v1/regles/{id}
pub async fn show(State(s): State<AppState>, Caller(actor): Caller, ApiPath(id): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let loaded = s.app.rulesets().find(|l| l.rules.id == id).ok_or_else(|| {
        let known: Vec<String> = s.app.rulesets().map(|l| l.rules.id.clone()).collect();
        ApiError::not_found(format!("jeu de règles « {id} » introuvable (connus : {})", known.join(", ")))
    })?;
    let editions = s.app.editions(&actor).await?;
    published_json(&headers, &ruleset_json(loaded, &editions))
}
