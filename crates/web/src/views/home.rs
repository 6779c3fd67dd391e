//! Accueil: the current edition's headline figures.

use axum::extract::State;
use axum::response::Html;
use obs_domain::display::{format_count, format_share, french_day};

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
        let syn = s.app.synthesis(&actor, &current.slug).await?;
        let prev = match list.len().checked_sub(2).map(|i| &list[i]) {
            Some(p) => Some((p.name.clone(), s.app.synthesis(&actor, &p.slug).await?)),
            None => None,
        };
        let table = s.app.table(&actor, &current.slug, obs_app::View::Current).await?;
        page.target = obs_domain::display::french_decimal(table.rules.target, 0);
        page.edition = Some((
            current.name.clone(),
            current.slug.clone(),
            current.published_at.map(|i| french_day(i.date())).unwrap_or_default(),
        ));
        page.demarches = format_count(syn.demarches);
        let as_synthesis = |r: &obs_app::SynthesisReport| obs_domain::synthesis::Synthesis {
            demarches: r.demarches,
            indicators: r.indicators.clone(),
        };
        let deltas = prev
            .as_ref()
            .map(|(name, p)| (name.clone(), obs_domain::synthesis::delta(&as_synthesis(&syn), &as_synthesis(p))));
        for ind in table.rules.key_indicators() {
            let Some(i) = syn.indicators.iter().find(|x| x.slug == ind.slug) else { continue };
            let delta = deltas.as_ref().and_then(|(name, d)| {
                let points = d.iter().find(|(slug, _)| *slug == ind.slug)?.1?;
                Some(obs_present::sentences::delta_since(points, name))
            });
            page.figures.push(KeyFigure {
                label: ind.label.clone(),
                slug: ind.slug.clone(),
                share: i.share.map(format_share).unwrap_or_else(|| "—".into()),
                denominator: obs_present::sentences::at_goal_over_evaluated(i),
                delta,
                colored: ind.has_colors(),
            });
        }
    }
    rendered(&page)
}
