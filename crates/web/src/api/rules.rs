//! Rule sets: indicators and the levels their values map to.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use obs_app::{Actor, LoadedRules, rules::CURRENT};
use obs_app::model::Edition;
use obs_domain::{Color, Direction, Format, Indicator, Level};
use serde::Serialize;

use super::{ApiPath, ApiResult, PREFIX, published_json, strict_params};
use crate::error::ApiError;
use crate::state::AppState;

/// One level of an indicator.
#[derive(Debug, Serialize)]
pub struct LevelJson {
    /// Stable key (filter value).
    pub key: String,
    /// Official French label.
    pub label: String,
    /// Colour.
    pub color: Color,
    /// Whether it reaches the goal.
    pub goal: bool,
    /// Statistics bucket (levels sharing it are counted together).
    pub bucket: String,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Exclusive upper bound.
    pub max: Option<f64>,
    /// Whether numbers fall in this level.
    pub numeric: bool,
    /// French description of the threshold.
    pub threshold: Option<String>,
    /// Weight in the dematerialisation rate.
    pub weight: Option<f64>,
}

/// One indicator.
#[derive(Debug, Serialize)]
pub struct IndicatorJson {
    /// Stable slug.
    pub slug: String,
    /// French label.
    pub label: String,
    /// Short label.
    pub short: String,
    /// Key indicator.
    pub key: bool,
    /// What it measures.
    pub description: String,
    /// Where values come from.
    pub sources: Vec<String>,
    /// Display format.
    pub format: Format,
    /// Which way numbers improve.
    pub direction: Direction,
    /// Minimum sample size.
    pub min_count: Option<u64>,
    /// Level used when nothing was measured.
    pub missing: String,
    /// Level used when the sample is too small.
    pub insufficient: Option<String>,
    /// Computed from other measurements.
    pub derived: bool,
    /// Levels, best first.
    pub levels: Vec<LevelJson>,
}

/// Which démarches are left out of share denominators.
#[derive(Debug, Serialize)]
pub struct ExclusionJson {
    /// Indicator looked at.
    pub indicator: String,
    /// Level keys that exclude.
    pub levels: Vec<String>,
}

/// One rule set.
#[derive(Debug, Serialize)]
pub struct RuleSetJson {
    /// Stable id.
    pub id: String,
    /// French name.
    pub name: String,
    /// Editions it applies to, French.
    pub period: String,
    /// Share-at-goal target, %.
    pub target: f64,
    /// SHA-256 of the rule-set file.
    pub hash: String,
    /// Used by new editions.
    pub current: bool,
    /// Exclusion from shares.
    pub exclude_from_shares: Option<ExclusionJson>,
    /// Published editions under these rules.
    pub editions: Vec<String>,
    /// This rule set in the API.
    #[serde(rename = "self")]
    pub this: String,
    /// Indicators, in display order.
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
pub async fn list(State(s): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let editions = s.app.editions(&Actor::Public).await?;
    let regles = s.app.rulesets().map(|l| ruleset_json(l, &editions)).collect();
    published_json(&headers, &RuleSetList { regles })
}

/// GET /api/v1/regles/{id}
pub async fn show(State(s): State<AppState>, ApiPath(id): ApiPath<String>, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    let loaded = s.app.rulesets().find(|l| l.rules.id == id).ok_or_else(|| {
        let known: Vec<String> = s.app.rulesets().map(|l| l.rules.id.clone()).collect();
        ApiError::not_found(format!("jeu de règles « {id} » introuvable (connus : {})", known.join(", ")))
    })?;
    let editions = s.app.editions(&Actor::Public).await?;
    published_json(&headers, &ruleset_json(loaded, &editions))
}
