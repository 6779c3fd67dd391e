//! GET /syntheses/{kind}/{name}: one group's figures, compared with the whole observatory or
//! another group, and their evolution over the published editions.

use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use obs_app::{EditionTable, EvolutionPoint, GroupBy, Scope, View, group_names, scope_synthesis};
use obs_domain::display::format_count;
use obs_domain::synthesis::Synthesis;
use obs_present::figures::{BandOrigin, GroupComparison, KeyBlock, Past, Side, SummaryRow};
use obs_present::sentences as fr;

use super::{Chosen, EditionOpt, KINDS, PageQuery, kind, path_segment};
use crate::actor::Caller;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::layout::{Layout, rendered};

/// The label of the whole observatory as a comparison scope.
const WHOLE: &str = "Ensemble de l'observatoire";

/// An option of the comparison selector.
pub struct CompareOpt {
    /// Value (`ministere:NOM`).
    pub value: String,
    /// Label.
    pub label: String,
    /// Selected.
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "synthesis_group.html")]
struct GroupPage {
    layout: Layout,
    path: String,
    name: String,
    edition: (String, String),
    editions: Vec<EditionOpt>,
    demarches: String,
    target: String,
    ruleset: String,
    compare_label: String,
    compare_all_selected: bool,
    compare_groups: Vec<(&'static str, Vec<CompareOpt>)>,
    summary: Vec<SummaryRow>,
    evo_note: String,
    blocks: Vec<KeyBlock>,
}

/// GET /syntheses/{kind}/{name}
pub async fn group(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Path((kind_name, name)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let by = GroupBy::parse(&kind_name).ok_or_else(|| {
        PageError::bad_request(format!("type de synthèse « {kind_name} » inconnu : « ministere », « administration » ou « domaine »"))
    })?;
    let query = PageQuery::parse(raw, &["edition", "comparer"])?;
    let chosen = Chosen::from(&s, query.get("edition")).await?;
    let table = s.app.table(&actor, &chosen.edition().slug, View::Current).await?;
    let scope = Scope::Group(by, name.clone());
    let syn = scope_synthesis(&table, &scope).ok_or_else(|| {
        PageError::not_found(format!("{} « {name} » : aucune démarche dans l'édition {}", kind(by).singular().to_lowercase(), chosen.edition().name))
    })?;
    let comparison = parse_comparison(query.get("comparer"), &table)?;
    let (other_label, other) = compared_scope(&table, comparison.as_ref());
    let evolution = s.app.evolution(&actor, &scope).await?;
    let history = history(&evolution);
    let figures = GroupComparison {
        kind: kind(by),
        group: Side { label: &name, synthesis: &syn },
        other: Side { label: &other_label, synthesis: &other },
        target: table.rules.target,
        history: &history,
        band: band_origin(&evolution, &table),
    };
    rendered(&GroupPage::new(&chosen, &table, by, &figures, comparison.as_ref()))
}

impl GroupPage {
    /// The page of a group's figures.
    fn new(chosen: &Chosen, table: &EditionTable, by: GroupBy, figures: &GroupComparison, comparison: Option<&(GroupBy, String)>) -> GroupPage {
        let name = figures.group.label;
        GroupPage {
            layout: Layout::new(format!("{} : {name}", kind(by).singular()), "syntheses", chosen.demo).crumb("Synthèses", chosen.index_href()),
            path: format!("/syntheses/{}/{}", by.as_str(), path_segment(name)),
            name: name.to_string(),
            edition: chosen.names(),
            editions: chosen.options(),
            demarches: format_count(figures.group.synthesis.demarches),
            target: fr::target(table.rules.target),
            ruleset: table.rules.name.clone(),
            compare_label: figures.other.label.to_string(),
            compare_all_selected: comparison.is_none(),
            compare_groups: compare_groups(table, (by, name), comparison),
            summary: figures.summary(table.rules.key_indicators()),
            evo_note: figures.evolution_note(),
            blocks: table.rules.key_indicators().map(|ind| figures.block(ind)).collect(),
        }
    }
}

/// The scope compared with the group: its label and figures (`None`: the whole observatory).
fn compared_scope(table: &EditionTable, comparison: Option<&(GroupBy, String)>) -> (String, Synthesis) {
    let (label, syn) = match comparison {
        None => (WHOLE.to_string(), scope_synthesis(table, &Scope::All)),
        Some((b, n)) => (n.clone(), scope_synthesis(table, &Scope::Group(*b, n.clone()))),
    };
    (label, syn.unwrap_or(Synthesis { demarches: 0, indicators: Vec::new() }))
}

/// The comparison asked for: `None` is the whole observatory.
fn parse_comparison(v: Option<&str>, table: &EditionTable) -> Result<Option<(GroupBy, String)>, PageError> {
    let Some(v) = v else { return Ok(None) };
    if v == "observatoire" {
        return Ok(None);
    }
    let (kind_name, name) = v.split_once(':').ok_or_else(|| {
        PageError::bad_request(format!(
            "comparaison « {v} » incomprise : « observatoire » ou « ministere:NOM », « administration:NOM », « domaine:NOM »"
        ))
    })?;
    let by = GroupBy::parse(kind_name).ok_or_else(|| {
        PageError::bad_request(format!("comparaison avec « {kind_name} » impossible : « ministere », « administration » ou « domaine »"))
    })?;
    let name = name.trim();
    if !group_names(table, by).iter().any(|n| n == name) {
        return Err(PageError::bad_request(format!(
            "comparaison impossible : « {name} » ({}) n'a pas de démarche dans cette édition",
            kind(by).singular().to_lowercase()
        )));
    }
    Ok(Some((by, name.to_string())))
}

/// The group's figures per published edition, as the presentation takes them.
fn history(evolution: &[EvolutionPoint]) -> Vec<Past<'_>> {
    evolution
        .iter()
        .map(|p| Past { edition: &p.edition.name, ruleset: &p.ruleset, synthesis: p.synthesis.as_ref() })
        .collect()
}

/// Bands of the evolution charts: the target of the most recent published edition's rules.
fn band_origin<'a>(evolution: &'a [EvolutionPoint], table: &'a EditionTable) -> BandOrigin<'a> {
    match evolution.last() {
        Some(p) => BandOrigin { target: p.target, ruleset: &p.ruleset, edition: &p.edition.name },
        None => BandOrigin { target: table.rules.target, ruleset: &table.rules.name, edition: &table.edition.name },
    }
}

/// The comparison selector: every other group of the edition, by grouping.
fn compare_groups(table: &EditionTable, (by, name): (GroupBy, &str), chosen: Option<&(GroupBy, String)>) -> Vec<(&'static str, Vec<CompareOpt>)> {
    KINDS
        .iter()
        .map(|&b| {
            let opts = group_names(table, b)
                .into_iter()
                .filter(|n| !(b == by && *n == name))
                .map(|n| CompareOpt {
                    value: format!("{}:{n}", b.as_str()),
                    selected: chosen.is_some_and(|(cb, cn)| *cb == b && *cn == n),
                    label: n,
                })
                .collect();
            (kind(b).plural(), opts)
        })
        .collect()
}
