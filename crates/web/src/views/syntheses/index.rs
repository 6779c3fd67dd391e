//! GET /syntheses: the share at goal of every group of an edition, one table per grouping.

use axum::extract::{RawQuery, State};
use axum::response::Html;
use obs_app::{EditionTable, GroupBy, Scope, View, scope_synthesis};
use obs_domain::Indicator;
use obs_domain::display::format_count;
use obs_domain::synthesis::Synthesis;
use obs_present::sentences as fr;

use super::{Chosen, EditionOpt, KINDS, PageQuery, group_href, kind, query_value};
use crate::actor::Caller;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::layout::{Layout, rendered};

/// One group in the index.
pub struct IndexRow {
    /// Name.
    pub name: String,
    /// Link to its page.
    pub href: String,
    /// Number of démarches.
    pub demarches: String,
    /// Share at goal with its denominator, per key indicator.
    pub shares: Vec<String>,
}

/// One grouping in the index.
pub struct IndexTable {
    /// `ministere`…
    pub kind: &'static str,
    /// "Ministères".
    pub title: &'static str,
    /// "Ministère".
    pub column: &'static str,
    /// Rows.
    pub rows: Vec<IndexRow>,
}

#[derive(askama::Template)]
#[template(path = "syntheses.html")]
struct IndexPage {
    layout: Layout,
    edition: (String, String),
    editions: Vec<EditionOpt>,
    columns: Vec<String>,
    uncolored: Vec<String>,
    target: String,
    all: IndexRow,
    tables: Vec<IndexTable>,
}

/// GET /syntheses
pub async fn index(State(s): State<AppState>, Caller(actor): Caller, RawQuery(raw): RawQuery) -> Result<Html<String>, PageError> {
    let query = PageQuery::parse(raw, &["edition"])?;
    let chosen = Chosen::from(&s, query.get("edition")).await?;
    let table = s.app.table(&actor, &chosen.edition().slug, View::Current).await?;
    let keys: Vec<&Indicator> = table.rules.key_indicators().filter(|i| i.has_colors()).collect();
    let slug = &chosen.edition().slug;
    let all_syn = scope_synthesis(&table, &Scope::All).unwrap_or(Synthesis { demarches: 0, indicators: Vec::new() });
    let all_href = format!("/syntheses/interministerielle?edition={}", query_value(slug));
    let page = IndexPage {
        layout: Layout::new("Synthèses", "syntheses", chosen.demo),
        edition: chosen.names(),
        editions: chosen.options(),
        columns: keys.iter().map(|k| k.label.clone()).collect(),
        uncolored: table.rules.key_indicators().filter(|i| !i.has_colors()).map(|i| i.label.clone()).collect(),
        target: fr::target(table.rules.target),
        all: index_row("Ensemble de l'observatoire".into(), all_href, &all_syn, &keys),
        tables: KINDS.iter().map(|&by| index_table(&table, by, slug, &keys)).collect(),
    };
    rendered(&page)
}

/// A group's row: its démarches and its share at goal per key indicator.
fn index_row(name: String, href: String, syn: &Synthesis, keys: &[&Indicator]) -> IndexRow {
    IndexRow {
        name,
        href,
        demarches: format_count(syn.demarches),
        shares: keys.iter().map(|k| fr::share_with_ratio(syn.indicator(&k.slug))).collect(),
    }
}

/// Every group of one grouping.
fn index_table(table: &EditionTable, by: GroupBy, edition: &str, keys: &[&Indicator]) -> IndexTable {
    let rows = obs_app::group_syntheses(table, by)
        .into_iter()
        .map(|g| {
            let href = group_href(by, &g.name, edition);
            index_row(g.name, href, &g.synthesis, keys)
        })
        .collect();
    IndexTable { kind: by.as_str(), title: kind(by).plural(), column: kind(by).singular(), rows }
}
