//! Reference pages: methodology (generated from the rule-set files), open data, accessibility
//! statement, legal notice.

use axum::extract::State;
use axum::response::Html;

use super::layout::{Layout, rendered};
use super::{badge_class, published};
use obs_app::LoadedRules;
use obs_app::model::Edition;
use obs_domain::{Indicator, Level};
use crate::error::PageError;
use crate::state::AppState;

/// A level in the methodology.
pub struct LevelDoc {
    /// Label.
    pub label: String,
    /// Badge class.
    pub class: &'static str,
    /// Colour, French.
    pub color: &'static str,
    /// Threshold text.
    pub threshold: String,
    /// Goal reached.
    pub goal: bool,
    /// Statistics bucket, when it differs from the label.
    pub bucket: Option<String>,
}

/// An indicator in the methodology.
pub struct IndicatorDoc {
    /// Slug.
    pub slug: String,
    /// Label.
    pub label: String,
    /// Key indicator.
    pub key: bool,
    /// Description.
    pub description: String,
    /// Sources.
    pub sources: String,
    /// Minimum sample.
    pub min_count: Option<u64>,
    /// Levels.
    pub levels: Vec<LevelDoc>,
}

/// A rule set in the methodology.
pub struct RuleSetDoc {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Period.
    pub period: String,
    /// Content hash (short).
    pub hash: String,
    /// Editions that use it.
    pub editions: Vec<(String, String)>,
    /// Indicators.
    pub indicators: Vec<IndicatorDoc>,
}

#[derive(askama::Template)]
#[template(path = "methodology.html")]
struct MethodologyPage {
    layout: Layout,
    rulesets: Vec<RuleSetDoc>,
}

/// GET /methodologie
pub async fn methodology(State(s): State<AppState>) -> Result<Html<String>, PageError> {
    let (editions, demo) = published(&s.app).await?;
    let mut rulesets: Vec<RuleSetDoc> = s.app.rulesets().map(|loaded| ruleset_doc(loaded, &editions)).collect();
    rulesets.reverse();
    rendered(&MethodologyPage { layout: Layout::new("Méthodologie", "methodologie", demo), rulesets })
}

/// A rule set as the methodology page describes it, with the published editions it applies to.
fn ruleset_doc(loaded: &LoadedRules, editions: &[Edition]) -> RuleSetDoc {
    let r = &loaded.rules;
    RuleSetDoc {
        id: r.id.clone(),
        name: r.name.clone(),
        period: r.period.clone(),
        hash: loaded.hash[..12].to_string(),
        editions: editions.iter().filter(|e| e.ruleset_id == r.id).map(|e| (e.slug.clone(), e.name.clone())).collect(),
        indicators: r.indicators.iter().map(indicator_doc).collect(),
    }
}

fn indicator_doc(ind: &Indicator) -> IndicatorDoc {
    IndicatorDoc {
        slug: ind.slug.clone(),
        label: ind.label.clone(),
        key: ind.key,
        description: ind.description.clone(),
        sources: ind.sources.join(", "),
        min_count: ind.min_count,
        levels: ind.levels.iter().map(|l| level_doc(ind, l)).collect(),
    }
}

fn level_doc(ind: &Indicator, l: &Level) -> LevelDoc {
    LevelDoc {
        label: l.label.clone(),
        class: badge_class(l.color),
        color: l.color.label_fr(),
        threshold: l.threshold_fr(ind.format).unwrap_or_else(|| "libellé".into()),
        goal: l.goal,
        bucket: l.bucket.clone().filter(|b| *b != l.label),
    }
}

#[derive(askama::Template)]
#[template(path = "open_data.html")]
struct OpenDataPage {
    layout: Layout,
    editions: Vec<(String, String, Vec<super::editions::Download>)>,
}

/// GET /donnees
pub async fn open_data(State(s): State<AppState>) -> Result<Html<String>, PageError> {
    let (list, demo) = published(&s.app).await?;
    let editions = list.iter().rev().map(|e| (e.slug.clone(), e.name.clone(), super::editions::downloads(&e.slug, None))).collect();
    rendered(&OpenDataPage { layout: Layout::new("Données ouvertes et API", "api", demo), editions })
}

#[derive(askama::Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
}

/// GET /accessibilite
pub async fn accessibility(State(s): State<AppState>) -> Result<Html<String>, PageError> {
    let (_, demo) = published(&s.app).await?;
    rendered(&AccessibilityPage { layout: Layout::new("Déclaration d'accessibilité", "", demo) })
}

#[derive(askama::Template)]
#[template(path = "legal.html")]
struct LegalPage {
    layout: Layout,
}

/// GET /mentions-legales
pub async fn legal(State(s): State<AppState>) -> Result<Html<String>, PageError> {
    let (_, demo) = published(&s.app).await?;
    rendered(&LegalPage { layout: Layout::new("Mentions légales", "", demo) })
}
