//! GET /syntheses/interministerielle: headline figures of an edition and the satisfaction and
//! accessibility of every ministry, with the change since the previous edition.

use axum::extract::{RawQuery, State};
use axum::response::Html;
use obs_app::{EditionTable, GroupBy, GroupSynthesis, Scope, View, scope_synthesis};
use obs_domain::display::format_share;
use obs_present::figures::{self, BandRow, HeadlineRow, MinistryBlock, MinistryFigures};
use obs_present::sentences as fr;

use super::{Chosen, EditionOpt, PageQuery, group_href};
use crate::actor::Caller;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::layout::{Layout, rendered};

/// The indicators compared across ministries.
const COMPARED: [&str; 2] = ["satisfaction", "handicap"];

#[derive(askama::Template)]
#[template(path = "synthesis_interministerial.html")]
struct InterPage {
    layout: Layout,
    edition: (String, String),
    editions: Vec<EditionOpt>,
    previous: Option<String>,
    target: String,
    headline: Vec<HeadlineRow>,
    rate: String,
    weights: String,
    bands_svg: String,
    bands: Vec<BandRow>,
    blocks: Vec<MinistryBlock>,
}

/// GET /syntheses/interministerielle
pub async fn interministerial(State(s): State<AppState>, Caller(actor): Caller, RawQuery(raw): RawQuery) -> Result<Html<String>, PageError> {
    let query = PageQuery::parse(raw, &["edition"])?;
    let chosen = Chosen::from(&s, query.get("edition")).await?;
    let slug = &chosen.edition().slug;
    let table = s.app.table(&actor, slug, View::Current).await?;
    let previous = match chosen.previous() {
        Some(p) => Some(s.app.table(&actor, &p.slug, View::Current).await?),
        None => None,
    };
    let h = s.app.headline(&actor, slug).await?;
    let (bands_svg, bands) = figures::satisfaction_bands(&h);
    let page = InterPage {
        layout: Layout::new(format!("Synthèse interministérielle — {}", chosen.edition().name), "syntheses", chosen.demo)
            .crumb("Synthèses", chosen.index_href()),
        edition: chosen.names(),
        editions: chosen.options(),
        previous: chosen.previous().map(|p| p.name.clone()),
        target: fr::target(table.rules.target),
        headline: figures::headline_rows(&h),
        rate: h.dematerialisation_rate.map(format_share).unwrap_or_else(|| fr::MISSING.into()),
        weights: table.rules.indicator("online").map(|i| fr::weights(&i.levels)).unwrap_or_default(),
        bands_svg,
        bands,
        blocks: ministry_blocks(&table, previous.as_deref(), slug),
    };
    rendered(&page)
}

/// One block per compared indicator: the whole observatory, then each ministry.
fn ministry_blocks(table: &EditionTable, previous: Option<&EditionTable>, edition: &str) -> Vec<MinistryBlock> {
    let all = scope_synthesis(table, &Scope::All);
    let prev_all = previous.and_then(|t| scope_synthesis(t, &Scope::All));
    let groups = obs_app::group_syntheses(table, GroupBy::Ministere);
    let prev_groups: Vec<GroupSynthesis> = previous.map(|t| obs_app::group_syntheses(t, GroupBy::Ministere)).unwrap_or_default();
    let hrefs: Vec<String> = groups.iter().map(|g| group_href(GroupBy::Ministere, &g.name, edition)).collect();
    let ministries: Vec<MinistryFigures> = groups
        .iter()
        .zip(&hrefs)
        .map(|(g, href)| MinistryFigures {
            name: &g.name,
            href: Some(href),
            current: Some(&g.synthesis),
            previous: prev_groups.iter().find(|p| p.name == g.name).map(|p| &p.synthesis),
        })
        .collect();
    let whole = MinistryFigures { name: "Ensemble de l'observatoire", href: None, current: all.as_ref(), previous: prev_all.as_ref() };
    COMPARED
        .iter()
        .filter_map(|slug| table.rules.indicator(slug))
        .map(|ind| figures::ministry_block(ind, table.rules.target, whole, &ministries))
        .collect()
}
