//! Accueil: the current edition's headline figures.

use axum::extract::State;
use axum::response::Html;
use obs_app::model::Edition;
use obs_app::{Actor, SynthesisReport};
use obs_domain::RuleSet;
use obs_domain::display::{format_count, format_share, french_day, french_decimal};
use obs_domain::synthesis::{Synthesis, delta};

use super::layout::{Layout, rendered};
use super::published;
use crate::error::PageError;
use crate::actor::Caller;
use crate::state::AppState;

/// One key figure.
pub struct KeyFigure {
    /// Indicator label.
    pub label: String,
    /// Indicator slug.
    pub slug: String,
    /// "72,4 %" or "—".
    pub share: String,
    /// "181 démarches sur 250 évaluées".
    pub denominator: String,
    /// "+3,2 pts depuis Septembre 2024", if comparable.
    pub delta: Option<String>,
    /// Whether the indicator has colour levels (usage does not).
    pub colored: bool,
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    edition: Option<(String, String, String)>,
    demarches: String,
    figures: Vec<KeyFigure>,
    target: String,
    editions_count: usize,
}

/// GET /
pub async fn show(State(s): State<AppState>, Caller(actor): Caller) -> Result<Html<String>, PageError> {
    let (list, demo) = published(&s.app).await?;
    let mut page = HomePage {
        layout: Layout::new("Accueil", "accueil", demo),
        edition: None,
        demarches: "0".into(),
        figures: Vec::new(),
        target: "80".into(),
        editions_count: list.len(),
    };
    if let Some(current) = list.last() {
        let previous = list.len().checked_sub(2).map(|i| &list[i]);
        show_current(&mut page, &s, &actor, current, previous).await?;
    }
    rendered(&page)
}

/// Fills the page with the current edition's figures, compared with the previous edition's.
async fn show_current(page: &mut HomePage, s: &AppState, actor: &Actor, current: &Edition, previous: Option<&Edition>) -> Result<(), PageError> {
    let syn = s.app.synthesis(actor, &current.slug).await?;
    let since = match previous {
        Some(p) => Some((p.name.clone(), s.app.synthesis(actor, &p.slug).await?)),
        None => None,
    };
    let rules = &s.app.ruleset(&syn.ruleset)?.rules;
    page.target = french_decimal(rules.target, 0);
    page.edition = Some((current.name.clone(), current.slug.clone(), current.published_at.map(|i| french_day(i.date())).unwrap_or_default()));
    page.demarches = format_count(syn.demarches);
    page.figures = key_figures(rules, &syn, since.as_ref());
    Ok(())
}

/// The key indicators' shares at goal, with their denominators and their change since the
/// previous edition (`since`: its name and figures) when comparable.
fn key_figures(rules: &RuleSet, syn: &SynthesisReport, since: Option<&(String, SynthesisReport)>) -> Vec<KeyFigure> {
    let as_synthesis = |r: &SynthesisReport| Synthesis { demarches: r.demarches, indicators: r.indicators.clone() };
    let deltas = since.map(|(name, p)| (name, delta(&as_synthesis(syn), &as_synthesis(p))));
    rules
        .key_indicators()
        .filter_map(|ind| {
            let i = syn.indicators.iter().find(|x| x.slug == ind.slug)?;
            let delta = deltas.as_ref().and_then(|(name, d)| {
                let points = d.iter().find(|(slug, _)| *slug == ind.slug)?.1?;
                Some(obs_present::sentences::delta_since(points, name))
            });
            Some(KeyFigure {
                label: ind.label.clone(),
                slug: ind.slug.clone(),
                share: i.share.map(format_share).unwrap_or_else(|| "—".into()),
                denominator: obs_present::sentences::at_goal_over_evaluated(i),
                delta,
                colored: ind.has_colors(),
            })
        })
        .collect()
}
