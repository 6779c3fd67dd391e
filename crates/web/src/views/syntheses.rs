//! Synthesis pages: index of the groups of an edition, one group's figures (share at goal, per-level
//! distribution, comparison, evolution), and the interministerial synthesis.
//!
//! Every page takes an optional `?edition=SLUG` (default: the latest published edition); the group
//! page also takes `?comparer=observatoire|ministere:NOM|administration:NOM|domaine:NOM`. Any other
//! parameter is a 400 with a French message, as for the edition table.

use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use obs_app::model::Edition;
use obs_app::{EditionTable, GroupBy, Scope, View, group_names, scope_synthesis};
use obs_domain::display::{format_count, format_delta_points, format_share, french_decimal};
use obs_domain::synthesis::{IndicatorSynthesis, Synthesis, delta};
use obs_domain::{Color, Indicator};

use super::layout::{Layout, rendered};
use super::published;
use crate::charts::{self, Band, LinePoint, Segment, ShareBar, StackRow, YAxis};
use crate::error::PageError;
use crate::actor::Caller;
use crate::state::AppState;

// ---------------------------------------------------------------- shared helpers

/// Parses the query string, refusing unknown or repeated parameters.
fn parse_query(raw: Option<String>, allowed: &[&str]) -> Result<Vec<(String, String)>, PageError> {
    let pairs: Vec<(String, String)> = raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    for (i, (k, _)) in pairs.iter().enumerate() {
        if !allowed.contains(&k.as_str()) {
            let expected = allowed.iter().map(|a| format!("« {a} »")).collect::<Vec<_>>().join(" ou ");
            return Err(PageError::bad_request(format!("paramètre « {k} » inconnu : cette page accepte seulement {expected}")));
        }
        if pairs[..i].iter().any(|(p, _)| p == k) {
            return Err(PageError::bad_request(format!("paramètre « {k} » donné plusieurs fois")));
        }
    }
    Ok(pairs)
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// The published editions and the index of the one asked for (default: the latest).
async fn chosen_edition(s: &AppState, asked: Option<&str>) -> Result<(Vec<Edition>, usize, bool), PageError> {
    let (list, demo) = published(&s.app).await?;
    let idx = match asked {
        Some(slug) => list
            .iter()
            .position(|e| e.slug == slug)
            .ok_or_else(|| PageError::not_found(format!("l'édition « {slug} » n'existe pas ou n'est pas publiée")))?,
        None => list.len().checked_sub(1).ok_or_else(|| PageError::not_found("aucune édition n'est encore publiée"))?,
    };
    Ok((list, idx, demo))
}

/// An option of the edition selector.
pub struct EditionOpt {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Selected.
    pub selected: bool,
}

fn edition_options(list: &[Edition], idx: usize) -> Vec<EditionOpt> {
    list.iter()
        .enumerate()
        .rev()
        .map(|(i, e)| EditionOpt { slug: e.slug.clone(), name: e.name.clone(), selected: i == idx })
        .collect()
}

/// URL kind of a grouping.
/// French noun of a grouping, singular and plural.
fn kind_label(by: GroupBy) -> (&'static str, &'static str) {
    match by {
        GroupBy::Ministere => ("Ministère", "Ministères"),
        GroupBy::Administration => ("Administration", "Administrations"),
        GroupBy::Domaine => ("Domaine", "Domaines"),
    }
}

/// "ce ministère", "cette administration", "ce domaine".
fn this_group(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Ministere => "ce ministère",
        GroupBy::Administration => "cette administration",
        GroupBy::Domaine => "ce domaine",
    }
}

const KINDS: [GroupBy; 3] = [GroupBy::Ministere, GroupBy::Administration, GroupBy::Domaine];

/// Percent-encodes a path segment (everything but RFC 3986 unreserved characters).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Link to a group's page in an edition.
pub fn group_href(by: GroupBy, name: &str, edition: &str) -> String {
    format!("/syntheses/{}/{}?edition={}", by.as_str(), path_segment(name), query_value(edition))
}

/// "72,4 %" or "—".
fn share_text(i: Option<&IndicatorSynthesis>) -> String {
    i.and_then(|i| i.share).map(format_share).unwrap_or_else(|| "—".into())
}

/// "181 / 250".
fn ratio_text(i: Option<&IndicatorSynthesis>) -> String {
    match i {
        Some(i) => format!("{} / {}", format_count(i.at_goal), format_count(i.evaluated)),
        None => "—".into(),
    }
}

/// "72,4 % (181 / 250)" or "non évalué".
fn share_with_ratio(i: Option<&IndicatorSynthesis>) -> String {
    match i {
        Some(x) if x.share.is_some() => format!("{} ({})", share_text(i), ratio_text(i)),
        _ => "non évalué".into(),
    }
}

/// The key indicators that have a goal (coloured levels), in rule-set order.
fn colored_keys(table: &EditionTable) -> Vec<&Indicator> {
    table.rules.key_indicators().filter(|i| i.has_colors()).collect()
}

fn pct(count: u64, total: u64) -> String {
    if total == 0 { "—".into() } else { format_share(100.0 * count as f64 / total as f64) }
}

/// The target as written: "80 %".
fn target_text(t: f64) -> String {
    format!("{}\u{202f}%", french_decimal(t, 0))
}

fn comparison_points(points: &[(String, Option<&IndicatorSynthesis>)]) -> Vec<LinePoint> {
    points
        .iter()
        .map(|(label, i)| LinePoint {
            label: label.clone(),
            value: i.and_then(|i| i.share),
            text: i.and_then(|i| i.share).map(format_share).unwrap_or_default(),
        })
        .collect()
}

fn target_bands(target: f64) -> Vec<Band> {
    vec![
        Band { from: Some(target), to: None, color: Color::Green, label: format!("Objectif ({} et plus)", target_text(target)) },
        Band { from: None, to: Some(target), color: Color::Gray, label: "Sous l'objectif".into() },
    ]
}

fn share_axis() -> YAxis {
    YAxis { include: vec![0.0, 100.0], lower: Some(0.0), upper: Some(100.0), unit: "%".into() }
}

// ---------------------------------------------------------------- index

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
    let pairs = parse_query(raw, &["edition"])?;
    let (list, idx, demo) = chosen_edition(&s, param(&pairs, "edition")).await?;
    let e = &list[idx];
    let table = s.app.table(&actor, &e.slug, View::Current).await?;
    let keys = colored_keys(&table);
    let row = |name: String, href: String, syn: &Synthesis| IndexRow {
        name,
        href,
        demarches: format_count(syn.demarches),
        shares: keys.iter().map(|k| share_with_ratio(syn.indicator(&k.slug))).collect(),
    };
    let all_syn = scope_synthesis(&table, &Scope::All).unwrap_or(Synthesis { demarches: 0, indicators: Vec::new() });
    let all = row("Ensemble de l'observatoire".into(), format!("/syntheses/interministerielle?edition={}", query_value(&e.slug)), &all_syn);
    let tables = KINDS
        .iter()
        .map(|&by| {
            let (column, title) = kind_label(by);
            let rows = obs_app::group_syntheses(&table, by)
                .into_iter()
                .map(|g| {
                    let href = group_href(by, &g.name, &e.slug);
                    row(g.name, href, &g.synthesis)
                })
                .collect();
            IndexTable { kind: by.as_str(), title, column, rows }
        })
        .collect();
    let page = IndexPage {
        layout: Layout::new("Synthèses", "syntheses", demo),
        edition: (e.slug.clone(), e.name.clone()),
        editions: edition_options(&list, idx),
        columns: keys.iter().map(|k| k.label.clone()).collect(),
        uncolored: table.rules.key_indicators().filter(|i| !i.has_colors()).map(|i| i.label.clone()).collect(),
        target: target_text(table.rules.target),
        all,
        tables,
    };
    rendered(&page)
}

// ---------------------------------------------------------------- group

/// A row of a "share at goal" table.
pub struct ShareRow {
    /// Scope label.
    pub label: String,
    /// "72,4 %".
    pub share: String,
    /// At goal.
    pub at_goal: String,
    /// Evaluated.
    pub evaluated: String,
}

/// A row of a distribution table: level, then one "count (share)" per scope.
pub struct DistRow {
    /// Level or bucket label.
    pub label: String,
    /// One cell per scope.
    pub cells: Vec<String>,
}

/// A row of an evolution table.
pub struct EvoRow {
    /// Edition name.
    pub edition: String,
    /// "72,4 %" or "—".
    pub share: String,
    /// "181 / 250" or an explanation.
    pub detail: String,
    /// Rule set name.
    pub ruleset: String,
}

/// Everything shown for one key indicator.
pub struct KeyBlock {
    /// Slug.
    pub slug: String,
    /// Label.
    pub label: String,
    /// Has a goal.
    pub colored: bool,
    /// Sentence with the share, its denominator and the target.
    pub statement: String,
    /// Same for the comparison scope.
    pub comparison: String,
    /// Share chart.
    pub share_svg: String,
    /// Share table.
    pub share_rows: Vec<ShareRow>,
    /// Distribution chart.
    pub dist_svg: String,
    /// Distribution table column headers (scopes).
    pub dist_cols: Vec<String>,
    /// Distribution table rows.
    pub dist_rows: Vec<DistRow>,
    /// Evolution chart.
    pub evo_svg: String,
    /// Evolution table.
    pub evo_rows: Vec<EvoRow>,
}

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
    summary: Vec<(String, String, String)>,
    evo_note: String,
    blocks: Vec<KeyBlock>,
}

/// The comparison asked for: `None` is the whole observatory.
fn parse_comparison(v: Option<&str>, table: &EditionTable) -> Result<Option<(GroupBy, String)>, PageError> {
    let Some(v) = v else { return Ok(None) };
    if v == "observatoire" {
        return Ok(None);
    }
    let (kind, name) = v.split_once(':').ok_or_else(|| {
        PageError::bad_request(format!(
            "comparaison « {v} » incomprise : « observatoire » ou « ministere:NOM », « administration:NOM », « domaine:NOM »"
        ))
    })?;
    let by = GroupBy::parse(kind).ok_or_else(|| {
        PageError::bad_request(format!("comparaison avec « {kind} » impossible : « ministere », « administration » ou « domaine »"))
    })?;
    let name = name.trim();
    if !group_names(table, by).iter().any(|n| n == name) {
        return Err(PageError::bad_request(format!(
            "comparaison impossible : « {name} » ({}) n'a pas de démarche dans cette édition",
            kind_label(by).0.to_lowercase()
        )));
    }
    Ok(Some((by, name.to_string())))
}

/// GET /syntheses/{kind}/{name}
pub async fn group(
    State(s): State<AppState>,
    Caller(actor): Caller,
    Path((kind, name)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let by = GroupBy::parse(&kind).ok_or_else(|| {
        PageError::bad_request(format!("type de synthèse « {kind} » inconnu : « ministere », « administration » ou « domaine »"))
    })?;
    let pairs = parse_query(raw, &["edition", "comparer"])?;
    let (list, idx, demo) = chosen_edition(&s, param(&pairs, "edition")).await?;
    let e = &list[idx];
    let table = s.app.table(&actor, &e.slug, View::Current).await?;
    let (singular, _) = kind_label(by);
    let scope = Scope::Group(by, name.clone());
    let Some(syn) = scope_synthesis(&table, &scope) else {
        return Err(PageError::not_found(format!(
            "{} « {name} » : aucune démarche dans l'édition {}",
            singular.to_lowercase(),
            e.name
        )));
    };
    let comparison = parse_comparison(param(&pairs, "comparer"), &table)?;
    let (other_scope, other_label) = match &comparison {
        None => (Scope::All, "Ensemble de l'observatoire".to_string()),
        Some((b, n)) => (Scope::Group(*b, n.clone()), n.clone()),
    };
    let other = scope_synthesis(&table, &other_scope).unwrap_or(Synthesis { demarches: 0, indicators: Vec::new() });
    let evolution = s.app.evolution(&actor, &scope).await?;
    let target = table.rules.target;
    // Bands of the evolution charts: the target of the most recent published edition's rules.
    let (band_target, band_rules, band_edition) = evolution
        .last()
        .map(|p| (p.target, p.ruleset.clone(), p.edition.name.clone()))
        .unwrap_or((target, table.rules.name.clone(), e.name.clone()));
    let evo_note = format!(
        "Bande verte : objectif de {} des {} (édition {band_edition}, la plus récente). Chaque édition est calculée selon ses propres règles (colonne « Règles » du tableau).",
        target_text(band_target),
        band_rules
    );
    let mut blocks = Vec::new();
    let mut summary = Vec::new();
    for ind in table.rules.key_indicators() {
        let mine = syn.indicator(&ind.slug);
        let theirs = other.indicator(&ind.slug);
        let colored = ind.has_colors();
        let statement = match mine {
            Some(i) if colored => match i.share {
                Some(sh) => format!(
                    "{} des démarches évaluées sont à l'objectif ({} sur {}) ; objectif du Gouvernement : {}.",
                    format_share(sh),
                    format_count(i.at_goal),
                    format_count(i.evaluated),
                    target_text(target)
                ),
                None => "Aucune démarche évaluée pour cet indicateur dans cette édition.".into(),
            },
            _ => "Indicateur sans objectif chiffré : seule la répartition des démarches est publiée.".into(),
        };
        let comparison_text = if colored {
            format!("{other_label} : {}.", share_with_ratio(theirs))
        } else {
            String::new()
        };
        if colored {
            summary.push((ind.label.clone(), share_with_ratio(mine), share_with_ratio(theirs)));
        }
        let id = &ind.slug;
        let share_svg = charts::share_bars(
            &format!("graphe-part-{id}"),
            &format!("{} : part des démarches à l'objectif", ind.label),
            &format!(
                "Barres horizontales de 0 à 100 %, avec une ligne à l'objectif de {}. {name} : {}. {other_label} : {}.",
                target_text(target),
                share_with_ratio(mine),
                share_with_ratio(theirs)
            ),
            &[
                ShareBar { label: name.clone(), share: mine.and_then(|i| i.share), text: share_with_ratio(mine) },
                ShareBar { label: other_label.clone(), share: theirs.and_then(|i| i.share), text: share_with_ratio(theirs) },
            ],
            target,
        );
        let share_rows = [(&name, mine), (&other_label, theirs)]
            .into_iter()
            .map(|(label, i)| ShareRow {
                label: label.clone(),
                share: share_text(i),
                at_goal: i.map(|i| format_count(i.at_goal)).unwrap_or_else(|| "—".into()),
                evaluated: i.map(|i| format_count(i.evaluated)).unwrap_or_else(|| "—".into()),
            })
            .collect();
        // Distribution per statistics bucket (same rules on both sides: same edition).
        let buckets = mine.map(|i| i.buckets.clone()).unwrap_or_default();
        let other_count = |label: &str| theirs.and_then(|t| t.buckets.iter().find(|b| b.label == label)).map_or(0, |b| b.count);
        let (tot_mine, tot_other) = (
            buckets.iter().map(|b| b.count).sum::<u64>(),
            theirs.map_or(0, |t| t.buckets.iter().map(|b| b.count).sum::<u64>()),
        );
        let dist_rows = buckets
            .iter()
            .map(|b| {
                let o = other_count(&b.label);
                DistRow {
                    label: b.label.clone(),
                    cells: vec![
                        format!("{} ({})", format_count(b.count), pct(b.count, tot_mine)),
                        format!("{} ({})", format_count(o), pct(o, tot_other)),
                    ],
                }
            })
            .collect();
        let stack = |label: &str, counts: Vec<u64>| StackRow {
            label: label.to_string(),
            segments: buckets.iter().zip(counts).map(|(b, count)| Segment { label: b.label.clone(), color: b.color, count }).collect(),
        };
        let dist_desc = buckets
            .iter()
            .map(|b| format!("{} : {} et {}", b.label, format_count(b.count), format_count(other_count(&b.label))))
            .collect::<Vec<_>>()
            .join(" ; ");
        let dist_svg = charts::distribution(
            &format!("graphe-repartition-{id}"),
            &format!("{} : répartition des démarches par niveau", ind.label),
            &format!("Barres empilées, une pour {name} puis une pour {other_label}. Nombre de démarches par niveau, {dist_desc}."),
            &[
                stack(&name, buckets.iter().map(|b| b.count).collect()),
                stack(&other_label, buckets.iter().map(|b| other_count(&b.label)).collect()),
            ],
        );
        // Evolution over every published edition, under each edition's rules.
        let evo: Vec<(String, Option<&IndicatorSynthesis>)> = evolution
            .iter()
            .map(|p| (p.edition.name.clone(), p.synthesis.as_ref().and_then(|s| s.indicator(&ind.slug))))
            .collect();
        let evo_rows = evolution
            .iter()
            .zip(&evo)
            .map(|(p, (_, i))| EvoRow {
                edition: p.edition.name.clone(),
                share: share_text(*i),
                detail: match (&p.synthesis, i) {
                    (None, _) => format!("aucune démarche de {} dans l'édition", this_group(by)),
                    (Some(_), None) => "indicateur absent des règles de l'édition".into(),
                    (Some(_), Some(x)) if x.share.is_none() => "aucune démarche évaluée".into(),
                    (Some(_), Some(x)) => format!("{} à l'objectif sur {} évaluées", format_count(x.at_goal), format_count(x.evaluated)),
                },
                ruleset: p.ruleset.clone(),
            })
            .collect();
        let evo_desc = evo
            .iter()
            .map(|(ed, i)| format!("{ed} : {}", share_text(*i)))
            .collect::<Vec<_>>()
            .join(" ; ");
        let evo_svg = if colored {
            charts::line_with_bands(
                &format!("graphe-evolution-{id}"),
                &format!("{} : part à l'objectif d'une édition à l'autre, {name}", ind.label),
                &format!("Courbe de la part des démarches à l'objectif par édition. {evo_desc}. {evo_note}"),
                &comparison_points(&evo),
                &target_bands(band_target),
                &share_axis(),
            )
        } else {
            String::new()
        };
        blocks.push(KeyBlock {
            slug: ind.slug.clone(),
            label: ind.label.clone(),
            colored,
            statement,
            comparison: comparison_text,
            share_svg,
            share_rows,
            dist_svg,
            dist_cols: vec![name.clone(), other_label.clone()],
            dist_rows,
            evo_svg,
            evo_rows,
        });
    }
    let compare_groups = KINDS
        .iter()
        .map(|&b| {
            let opts = group_names(&table, b)
                .into_iter()
                .filter(|n| !(b == by && *n == name))
                .map(|n| CompareOpt {
                    value: format!("{}:{n}", b.as_str()),
                    selected: comparison.as_ref().is_some_and(|(cb, cn)| *cb == b && *cn == n),
                    label: n,
                })
                .collect();
            (kind_label(b).1, opts)
        })
        .collect();
    let page = GroupPage {
        layout: Layout::new(format!("{singular} : {name}"), "syntheses", demo).crumb("Synthèses", format!("/syntheses?edition={}", query_value(&e.slug))),
        path: format!("/syntheses/{}/{}", by.as_str(), path_segment(&name)),
        name: name.clone(),
        edition: (e.slug.clone(), e.name.clone()),
        editions: edition_options(&list, idx),
        demarches: format_count(syn.demarches),
        target: target_text(target),
        ruleset: table.rules.name.clone(),
        compare_label: other_label,
        compare_all_selected: comparison.is_none(),
        compare_groups,
        summary,
        evo_note,
        blocks,
    };
    rendered(&page)
}

// ---------------------------------------------------------------- interministerial

/// A headline figure.
pub struct HeadlineRow {
    /// What is counted.
    pub label: String,
    /// Count.
    pub count: String,
    /// Share of the démarches observed.
    pub share: String,
}

/// A ministry row for one indicator.
pub struct MinistryRow {
    /// Name.
    pub name: String,
    /// Link to its page (none for the whole observatory).
    pub href: Option<String>,
    /// "72,4 %".
    pub share: String,
    /// "181 / 250".
    pub ratio: String,
    /// "+3,2 pts" or "—".
    pub delta: String,
}

/// One indicator per ministry.
pub struct MinistryBlock {
    /// Slug.
    pub slug: String,
    /// Label.
    pub label: String,
    /// Chart.
    pub svg: String,
    /// Rows, the whole observatory first.
    pub rows: Vec<MinistryRow>,
}

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
    bands: Vec<(String, String, String)>,
    blocks: Vec<MinistryBlock>,
}

fn delta_of(cur: Option<&Synthesis>, prev: Option<&Synthesis>, slug: &str) -> String {
    let (Some(c), Some(p)) = (cur, prev) else { return "—".into() };
    delta(c, p)
        .into_iter()
        .find(|(s, _)| s == slug)
        .and_then(|(_, d)| d)
        .map(format_delta_points)
        .unwrap_or_else(|| "—".into())
}

/// GET /syntheses/interministerielle
pub async fn interministerial(State(s): State<AppState>, Caller(actor): Caller, RawQuery(raw): RawQuery) -> Result<Html<String>, PageError> {
    let pairs = parse_query(raw, &["edition"])?;
    let (list, idx, demo) = chosen_edition(&s, param(&pairs, "edition")).await?;
    let e = &list[idx];
    let table = s.app.table(&actor, &e.slug, View::Current).await?;
    let prev_table = match idx.checked_sub(1) {
        Some(p) => Some(s.app.table(&actor, &list[p].slug, View::Current).await?),
        None => None,
    };
    let h = s.app.headline(&actor, &e.slug).await?;
    let cs = |label: &str, c: &obs_domain::synthesis::CountShare| HeadlineRow {
        label: label.into(),
        count: format_count(c.count),
        share: c.share.map(format_share).unwrap_or_else(|| "—".into()),
    };
    let headline = vec![
        HeadlineRow { label: "Démarches observées".into(), count: format_count(h.demarches), share: format_share(100.0) },
        cs("Entièrement réalisables en ligne (« Oui »)", &h.fully_online),
        cs("Réalisables en ligne, y compris partiellement ou en version bêta", &h.online_any),
        cs("Avec FranceConnect ou FranceConnect +", &h.franceconnect),
        cs("Avec le bouton « Je donne mon avis »", &h.feedback_button),
    ];
    let band_total: u64 = h.satisfaction_bands.iter().map(|b| b.count).sum();
    let bands: Vec<(String, String, String)> = h
        .satisfaction_bands
        .iter()
        .map(|b| (b.label.clone(), format_count(b.count), pct(b.count, band_total)))
        .collect();
    let bands_svg = charts::distribution(
        "graphe-satisfaction-tranches",
        "Démarches par tranche de satisfaction",
        &format!(
            "Barre empilée des {} démarches observées par tranche de note de satisfaction : {}.",
            format_count(h.demarches),
            bands.iter().map(|(l, c, _)| format!("{l} : {c}")).collect::<Vec<_>>().join(" ; ")
        ),
        &[StackRow {
            label: "Ensemble de l'observatoire".into(),
            segments: h.satisfaction_bands.iter().map(|b| Segment { label: b.label.clone(), color: b.color, count: b.count }).collect(),
        }],
    );
    let cur_all = scope_synthesis(&table, &Scope::All);
    let prev_all = prev_table.as_ref().and_then(|t| scope_synthesis(t, &Scope::All));
    let groups = obs_app::group_syntheses(&table, GroupBy::Ministere);
    let prev_groups = prev_table.as_ref().map(|t| obs_app::group_syntheses(t, GroupBy::Ministere)).unwrap_or_default();
    let target = table.rules.target;
    let mut blocks = Vec::new();
    for slug in ["satisfaction", "handicap"] {
        let Some(ind) = table.rules.indicator(slug) else { continue };
        let mut rows = vec![MinistryRow {
            name: "Ensemble de l'observatoire".into(),
            href: None,
            share: share_text(cur_all.as_ref().and_then(|s| s.indicator(slug))),
            ratio: ratio_text(cur_all.as_ref().and_then(|s| s.indicator(slug))),
            delta: delta_of(cur_all.as_ref(), prev_all.as_ref(), slug),
        }];
        let mut bars = Vec::new();
        for g in &groups {
            let i = g.synthesis.indicator(slug);
            let prev = prev_groups.iter().find(|p| p.name == g.name).map(|p| &p.synthesis);
            rows.push(MinistryRow {
                name: g.name.clone(),
                href: Some(group_href(GroupBy::Ministere, &g.name, &e.slug)),
                share: share_text(i),
                ratio: ratio_text(i),
                delta: delta_of(Some(&g.synthesis), prev, slug),
            });
            bars.push(ShareBar { label: g.name.clone(), share: i.and_then(|i| i.share), text: share_with_ratio(i) });
        }
        let svg = charts::share_bars(
            &format!("graphe-ministeres-{slug}"),
            &format!("{} : part des démarches à l'objectif par ministère", ind.label),
            &format!(
                "Une barre par ministère, de 0 à 100 %, avec une ligne à l'objectif de {}. {}.",
                target_text(target),
                bars.iter().map(|b| format!("{} : {}", b.label, b.text)).collect::<Vec<_>>().join(" ; ")
            ),
            &bars,
            target,
        );
        blocks.push(MinistryBlock { slug: slug.into(), label: ind.label.clone(), svg, rows });
    }
    let page = InterPage {
        layout: Layout::new(format!("Synthèse interministérielle — {}", e.name), "syntheses", demo)
            .crumb("Synthèses", format!("/syntheses?edition={}", query_value(&e.slug))),
        edition: (e.slug.clone(), e.name.clone()),
        editions: edition_options(&list, idx),
        previous: idx.checked_sub(1).map(|p| list[p].name.clone()),
        target: target_text(target),
        headline,
        rate: h.dematerialisation_rate.map(format_share).unwrap_or_else(|| "—".into()),
        weights: table
            .rules
            .indicator("online")
            .map(|i| {
                i.levels
                    .iter()
                    .filter_map(|l| Some(format!("« {} » : {}", l.label, french_decimal(l.weight?, if l.weight? == l.weight?.trunc() { 0 } else { 1 }))))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            })
            .unwrap_or_default(),
        bands_svg,
        bands,
        blocks,
    };
    rendered(&page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("Ministère de l'Intérieur"), "Minist%C3%A8re%20de%20l%27Int%C3%A9rieur");
        assert_eq!(path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(group_href(GroupBy::Domaine, "Santé", "2025-decembre"), "/syntheses/domaine/Sant%C3%A9?edition=2025-decembre");
    }

    #[test]
    fn query_is_strict() {
        assert!(parse_query(Some("edition=a".into()), &["edition"]).is_ok());
        assert!(parse_query(None, &["edition"]).unwrap().is_empty());
        assert!(parse_query(Some("foo=1".into()), &["edition"]).is_err());
        assert!(parse_query(Some("edition=a&edition=b".into()), &["edition"]).is_err());
    }
}
