//! The figures of the synthesis pages as plain data: for each indicator, a sentence, charts
//! (SVG) and the data tables that carry the same numbers.
//!
//! Inputs are domain syntheses and plain strings (no edition rows, no URLs): the caller decides
//! which scopes to compare and how to link them. The same blocks fill the site's pages and can
//! fill a report.

use obs_domain::display::{format_count, format_share};
use obs_domain::synthesis::{Headline, IndicatorSynthesis, Synthesis};
use obs_domain::{Color, Indicator};

use crate::charts::{self, Band, LinePoint, Segment, ShareBar, StackRow, YAxis};
use crate::sentences::{self as fr, GroupKind};

/// One scope of a comparison: a label ("Ministère de la Culture", "Ensemble de l'observatoire")
/// and its figures.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// What the scope is called.
    pub label: &'a str,
    /// Its figures.
    pub synthesis: &'a Synthesis,
}

/// A group's figures in one past or present edition, for the evolution charts.
#[derive(Debug, Clone, Copy)]
pub struct Past<'a> {
    /// Edition name.
    pub edition: &'a str,
    /// Name of the rule set the edition applies.
    pub ruleset: &'a str,
    /// The group's figures, or `None` when the group has no démarche in that edition.
    pub synthesis: Option<&'a Synthesis>,
}

/// Where the green band of the evolution charts comes from: the target of the most recent
/// edition's rules.
#[derive(Debug, Clone, Copy)]
pub struct BandOrigin<'a> {
    /// The target, in %.
    pub target: f64,
    /// Rule set name.
    pub ruleset: &'a str,
    /// Edition name.
    pub edition: &'a str,
}

/// A group compared with another scope, in one edition, with its history.
#[derive(Debug, Clone, Copy)]
pub struct GroupComparison<'a> {
    /// What kind of group it is.
    pub kind: GroupKind,
    /// The group.
    pub group: Side<'a>,
    /// The scope it is compared with.
    pub other: Side<'a>,
    /// The target of the edition's rules, in %.
    pub target: f64,
    /// The group's figures in every published edition, oldest first.
    pub history: &'a [Past<'a>],
    /// Origin of the evolution charts' band.
    pub band: BandOrigin<'a>,
}

/// A row of a "share at goal" table.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct DistRow {
    /// Level or bucket label.
    pub label: String,
    /// One cell per scope.
    pub cells: Vec<String>,
}

/// A row of an evolution table.
#[derive(Debug, Clone, PartialEq)]
pub struct EvoRow {
    /// Edition name.
    pub edition: String,
    /// "72,4 %" or "—".
    pub share: String,
    /// "181 à l'objectif sur 250 évaluées" or why there is no figure.
    pub detail: String,
    /// Rule set name.
    pub ruleset: String,
}

/// Everything shown for one key indicator of a group.
#[derive(Debug, Clone)]
pub struct KeyBlock {
    /// Indicator slug.
    pub slug: String,
    /// Indicator label.
    pub label: String,
    /// Whether the indicator has a goal (coloured levels).
    pub colored: bool,
    /// Sentence with the share, its denominator and the target.
    pub statement: String,
    /// Same for the other scope (empty without a goal).
    pub comparison: String,
    /// Share chart (empty without a goal).
    pub share_svg: String,
    /// Share table.
    pub share_rows: Vec<ShareRow>,
    /// Distribution chart.
    pub dist_svg: String,
    /// Distribution table column headers (the two scopes).
    pub dist_cols: Vec<String>,
    /// Distribution table rows.
    pub dist_rows: Vec<DistRow>,
    /// Evolution chart (empty without a goal).
    pub evo_svg: String,
    /// Evolution table.
    pub evo_rows: Vec<EvoRow>,
}

/// One line of the summary table: indicator, the group's share, the other scope's share.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Indicator label.
    pub label: String,
    /// The group: "72,4 % (181 / 250)".
    pub group: String,
    /// The other scope.
    pub other: String,
}

/// The bands of a share chart over editions: at or above the target, below it.
fn target_bands(target: f64) -> Vec<Band> {
    vec![
        Band { from: Some(target), to: None, color: Color::Green, label: format!("Objectif ({} et plus)", fr::target(target)) },
        Band { from: None, to: Some(target), color: Color::Gray, label: "Sous l'objectif".into() },
    ]
}

/// The vertical axis of a share: 0 to 100 %.
fn share_axis() -> YAxis {
    YAxis { include: vec![0.0, 100.0], lower: Some(0.0), upper: Some(100.0), unit: "%".into() }
}

fn share_row(label: &str, i: Option<&IndicatorSynthesis>) -> ShareRow {
    ShareRow {
        label: label.to_string(),
        share: fr::share(i),
        at_goal: fr::count_of(i, |i| i.at_goal),
        evaluated: fr::count_of(i, |i| i.evaluated),
    }
}

impl<'a> GroupComparison<'a> {
    /// The caption of the evolution charts.
    pub fn evolution_note(&self) -> String {
        fr::evolution_note(self.band.target, self.band.ruleset, self.band.edition)
    }

    /// The summary table: one row per key indicator that has a goal.
    pub fn summary<'i>(&self, indicators: impl IntoIterator<Item = &'i Indicator>) -> Vec<SummaryRow> {
        indicators
            .into_iter()
            .filter(|ind| ind.has_colors())
            .map(|ind| SummaryRow {
                label: ind.label.clone(),
                group: fr::share_with_ratio(self.group.synthesis.indicator(&ind.slug)),
                other: fr::share_with_ratio(self.other.synthesis.indicator(&ind.slug)),
            })
            .collect()
    }

    /// The block of one indicator.
    pub fn block(&self, ind: &Indicator) -> KeyBlock {
        let (mine, theirs) = (self.group.synthesis.indicator(&ind.slug), self.other.synthesis.indicator(&ind.slug));
        let colored = ind.has_colors();
        let (dist_svg, dist_rows) = self.distribution(ind, mine, theirs);
        let (evo_svg, evo_rows) = self.evolution(ind, colored);
        KeyBlock {
            slug: ind.slug.clone(),
            label: ind.label.clone(),
            colored,
            statement: fr::goal_statement(mine, colored, self.target),
            comparison: if colored { fr::comparison_statement(self.other.label, theirs) } else { String::new() },
            share_svg: self.share_chart(ind, mine, theirs),
            share_rows: vec![share_row(self.group.label, mine), share_row(self.other.label, theirs)],
            dist_svg,
            dist_cols: vec![self.group.label.to_string(), self.other.label.to_string()],
            dist_rows,
            evo_svg,
            evo_rows,
        }
    }

    fn share_chart(&self, ind: &Indicator, mine: Option<&IndicatorSynthesis>, theirs: Option<&IndicatorSynthesis>) -> String {
        let bars = [
            ShareBar { label: self.group.label.to_string(), share: mine.and_then(|i| i.share), text: fr::share_with_ratio(mine) },
            ShareBar { label: self.other.label.to_string(), share: theirs.and_then(|i| i.share), text: fr::share_with_ratio(theirs) },
        ];
        let sides: Vec<(String, String)> = bars.iter().map(|b| (b.label.clone(), b.text.clone())).collect();
        charts::share_bars(
            &format!("graphe-part-{}", ind.slug),
            &fr::french_spacing(&format!("{} : part des démarches à l'objectif", ind.label)),
            &fr::compared_share_description(self.target, &sides),
            &bars,
            self.target,
        )
    }

    /// Distribution per statistics bucket (same rules on both sides: same edition).
    fn distribution(&self, ind: &Indicator, mine: Option<&IndicatorSynthesis>, theirs: Option<&IndicatorSynthesis>) -> (String, Vec<DistRow>) {
        let buckets = mine.map(|i| i.buckets.as_slice()).unwrap_or_default();
        let other_count = |label: &str| theirs.and_then(|t| t.buckets.iter().find(|b| b.label == label)).map_or(0, |b| b.count);
        let total_mine: u64 = buckets.iter().map(|b| b.count).sum();
        let total_other: u64 = theirs.map_or(0, |t| t.buckets.iter().map(|b| b.count).sum());
        let levels: Vec<(String, u64, u64)> = buckets.iter().map(|b| (b.label.clone(), b.count, other_count(&b.label))).collect();
        let rows = levels
            .iter()
            .map(|(label, a, b)| DistRow {
                label: label.clone(),
                cells: vec![fr::count_and_percent(*a, total_mine), fr::count_and_percent(*b, total_other)],
            })
            .collect();
        let stack = |label: &str, pick: fn(&(String, u64, u64)) -> u64| StackRow {
            label: label.to_string(),
            segments: buckets.iter().zip(&levels).map(|(b, l)| Segment { label: b.label.clone(), color: b.color, count: pick(l) }).collect(),
        };
        let svg = charts::distribution(
            &format!("graphe-repartition-{}", ind.slug),
            &fr::french_spacing(&format!("{} : répartition des démarches par niveau", ind.label)),
            &fr::distribution_description(self.group.label, self.other.label, &levels),
            &[stack(self.group.label, |l| l.1), stack(self.other.label, |l| l.2)],
        );
        (svg, rows)
    }

    /// Evolution over every published edition, under each edition's rules.
    fn evolution(&self, ind: &Indicator, colored: bool) -> (String, Vec<EvoRow>) {
        let points: Vec<(&Past, Option<&IndicatorSynthesis>)> =
            self.history.iter().map(|p| (p, p.synthesis.and_then(|s| s.indicator(&ind.slug)))).collect();
        let rows = points
            .iter()
            .map(|(p, i)| EvoRow {
                edition: p.edition.to_string(),
                share: fr::share(*i),
                detail: fr::evolution_detail(self.kind, p.synthesis.is_some(), *i),
                ruleset: p.ruleset.to_string(),
            })
            .collect();
        if !colored {
            return (String::new(), rows);
        }
        let line: Vec<LinePoint> = points
            .iter()
            .map(|(p, i)| {
                let value = i.and_then(|i| i.share);
                LinePoint { label: p.edition.to_string(), value, text: value.map(format_share).unwrap_or_default() }
            })
            .collect();
        let values: Vec<(String, String)> = points.iter().map(|(p, i)| (p.edition.to_string(), fr::share(*i))).collect();
        let svg = charts::line_with_bands(
            &format!("graphe-evolution-{}", ind.slug),
            &fr::french_spacing(&format!("{} : part à l'objectif d'une édition à l'autre, {}", ind.label, self.group.label)),
            &fr::evolution_description(&values, &self.evolution_note()),
            &line,
            &target_bands(self.band.target),
            &share_axis(),
        );
        (svg, rows)
    }
}

/// A headline figure of the interministerial synthesis.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineRow {
    /// What is counted.
    pub label: String,
    /// Count.
    pub count: String,
    /// Share of the démarches observed.
    pub share: String,
}

/// The headline figures, in the order the synthesis note states them.
pub fn headline_rows(h: &Headline) -> Vec<HeadlineRow> {
    let row = |label: &str, c: &obs_domain::synthesis::CountShare| HeadlineRow {
        label: fr::french_spacing(label),
        count: format_count(c.count),
        share: c.share.map(format_share).unwrap_or_else(|| fr::MISSING.into()),
    };
    vec![
        HeadlineRow { label: "Démarches observées".into(), count: format_count(h.demarches), share: format_share(100.0) },
        row("Entièrement réalisables en ligne (« Oui »)", &h.fully_online),
        row("Réalisables en ligne, y compris partiellement ou en version bêta", &h.online_any),
        row("Avec FranceConnect ou FranceConnect +", &h.franceconnect),
        row("Avec le bouton « Je donne mon avis »", &h.feedback_button),
    ]
}

/// One satisfaction band: (label, count, share of the démarches in a band).
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    /// Band label.
    pub label: String,
    /// Count.
    pub count: String,
    /// Share.
    pub share: String,
}

/// The satisfaction bands as a chart and its table.
pub fn satisfaction_bands(h: &Headline) -> (String, Vec<BandRow>) {
    let total: u64 = h.satisfaction_bands.iter().map(|b| b.count).sum();
    let rows: Vec<BandRow> = h
        .satisfaction_bands
        .iter()
        .map(|b| BandRow { label: b.label.clone(), count: format_count(b.count), share: fr::percent_of(b.count, total) })
        .collect();
    let pairs: Vec<(String, String)> = rows.iter().map(|r| (r.label.clone(), r.count.clone())).collect();
    let svg = charts::distribution(
        "graphe-satisfaction-tranches",
        "Démarches par tranche de satisfaction",
        &fr::satisfaction_bands_description(h.demarches, &pairs),
        &[StackRow {
            label: "Ensemble de l'observatoire".into(),
            segments: h.satisfaction_bands.iter().map(|b| Segment { label: b.label.clone(), color: b.color, count: b.count }).collect(),
        }],
    );
    (svg, rows)
}

/// A ministry (or the whole observatory) in the per-ministry comparison of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct MinistryRow {
    /// Name.
    pub name: String,
    /// Link to its page, given by the caller (none for the whole observatory, or in a report).
    pub href: Option<String>,
    /// "72,4 %".
    pub share: String,
    /// "181 / 250".
    pub ratio: String,
    /// "+3,2 pts" or "—".
    pub delta: String,
}

/// One indicator compared across ministries.
#[derive(Debug, Clone)]
pub struct MinistryBlock {
    /// Indicator slug.
    pub slug: String,
    /// Indicator label.
    pub label: String,
    /// Chart: one bar per ministry.
    pub svg: String,
    /// Rows, the whole observatory first.
    pub rows: Vec<MinistryRow>,
}

/// A ministry's figures in the current and the previous edition.
#[derive(Debug, Clone, Copy)]
pub struct MinistryFigures<'a> {
    /// Name.
    pub name: &'a str,
    /// Link to its page, if any.
    pub href: Option<&'a str>,
    /// Current figures.
    pub current: Option<&'a Synthesis>,
    /// Figures of the previous edition, for the change in points.
    pub previous: Option<&'a Synthesis>,
}

/// One indicator across ministries: `all` is the whole observatory (first row, no bar), then
/// one row and one bar per ministry.
pub fn ministry_block(ind: &Indicator, target: f64, all: MinistryFigures, ministries: &[MinistryFigures]) -> MinistryBlock {
    let slug = ind.slug.as_str();
    let row = |m: &MinistryFigures| {
        let i = m.current.and_then(|s| s.indicator(slug));
        MinistryRow {
            name: m.name.to_string(),
            href: m.href.map(str::to_string),
            share: fr::share(i),
            ratio: fr::ratio(i),
            delta: fr::delta_text(m.current, m.previous, slug),
        }
    };
    let bars: Vec<ShareBar> = ministries
        .iter()
        .map(|m| {
            let i = m.current.and_then(|s| s.indicator(slug));
            ShareBar { label: m.name.to_string(), share: i.and_then(|i| i.share), text: fr::share_with_ratio(i) }
        })
        .collect();
    let pairs: Vec<(String, String)> = bars.iter().map(|b| (b.label.clone(), b.text.clone())).collect();
    let svg = charts::share_bars(
        &format!("graphe-ministeres-{slug}"),
        &fr::french_spacing(&format!("{} : part des démarches à l'objectif par ministère", ind.label)),
        &fr::ministries_share_description(target, &pairs),
        &bars,
        target,
    );
    let rows = std::iter::once(&all).chain(ministries).map(row).collect();
    MinistryBlock { slug: slug.to_string(), label: ind.label.clone(), svg, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use obs_domain::synthesis::BucketCount;

    fn syn(at_goal: u64, evaluated: u64, buckets: &[(&str, Color, u64)]) -> Synthesis {
        Synthesis {
            demarches: evaluated,
            indicators: vec![IndicatorSynthesis {
                slug: "satisfaction".into(),
                label: "Satisfaction".into(),
                key: true,
                at_goal,
                evaluated,
                share: (evaluated > 0).then(|| 100.0 * at_goal as f64 / evaluated as f64),
                levels: Vec::new(),
                buckets: buckets.iter().map(|(l, c, n)| BucketCount { label: (*l).into(), color: *c, count: *n }).collect(),
            }],
        }
    }

    fn satisfaction() -> Indicator {
        let rules = obs_domain::RuleSet::from_toml(include_str!("../../../rules/2025.toml")).unwrap();
        rules.indicator("satisfaction").unwrap().clone()
    }

    #[test]
    fn a_group_block_has_its_sentence_charts_and_tables() {
        let group = syn(3, 4, &[("Vert", Color::Green, 3), ("Rouge", Color::Red, 1)]);
        let all = syn(5, 10, &[("Vert", Color::Green, 5), ("Rouge", Color::Red, 5)]);
        let history = [
            Past { edition: "Juin 2023", ruleset: "Règles 2023", synthesis: None },
            Past { edition: "Décembre 2025", ruleset: "Règles 2025", synthesis: Some(&group) },
        ];
        let c = GroupComparison {
            kind: GroupKind::Ministere,
            group: Side { label: "Culture", synthesis: &group },
            other: Side { label: "Ensemble de l'observatoire", synthesis: &all },
            target: 80.0,
            history: &history,
            band: BandOrigin { target: 80.0, ruleset: "Règles 2025", edition: "Décembre 2025" },
        };
        let ind = satisfaction();
        let b = c.block(&ind);
        assert!(b.colored);
        assert!(b.statement.starts_with("75,0\u{202f}% des démarches évaluées sont à l'objectif (3 sur 4)"), "{}", b.statement);
        assert_eq!(b.comparison, "Ensemble de l'observatoire\u{a0}: 50,0\u{202f}% (5 / 10).");
        assert_eq!(b.share_rows[0], ShareRow { label: "Culture".into(), share: "75,0\u{202f}%".into(), at_goal: "3".into(), evaluated: "4".into() });
        assert_eq!(b.dist_rows[1].cells, vec!["1 (25,0\u{202f}%)".to_string(), "5 (50,0\u{202f}%)".to_string()]);
        for (svg, id) in [(&b.share_svg, "graphe-part-satisfaction"), (&b.dist_svg, "graphe-repartition-satisfaction"), (&b.evo_svg, "graphe-evolution-satisfaction")] {
            assert!(svg.contains(&format!("aria-labelledby=\"{id}-titre {id}-desc\"")), "{svg}");
        }
        assert_eq!(b.evo_rows[0].detail, "aucune démarche de ce ministère dans l'édition");
        assert_eq!(b.evo_rows[1].detail, "3 à l'objectif sur 4 évaluées");
        let summary = c.summary([&ind]);
        assert_eq!(summary[0].group, "75,0\u{202f}% (3 / 4)");
        assert!(c.evolution_note().contains("la plus récente"));
    }

    #[test]
    fn ministries_come_after_the_whole_observatory() {
        let cur = syn(3, 4, &[]);
        let prev = syn(1, 4, &[]);
        let ind = satisfaction();
        let all = MinistryFigures { name: "Ensemble de l'observatoire", href: None, current: Some(&cur), previous: Some(&prev) };
        let m = [MinistryFigures { name: "Culture", href: Some("/syntheses/ministere/Culture"), current: Some(&cur), previous: None }];
        let b = ministry_block(&ind, 80.0, all, &m);
        assert_eq!(b.rows.len(), 2);
        assert_eq!(b.rows[0].delta, "+50,0\u{202f}pts");
        assert_eq!(b.rows[1].delta, "—");
        assert_eq!(b.rows[1].href.as_deref(), Some("/syntheses/ministere/Culture"));
        assert_eq!(b.svg.matches("class=\"obs-bar\"").count(), 1, "one bar per ministry, none for the whole");
    }

    #[test]
    fn headline_rows_are_in_note_order() {
        let cs = |count| obs_domain::synthesis::CountShare { count, share: Some(50.0) };
        let h = Headline {
            demarches: 2,
            fully_online: cs(1),
            online_any: cs(1),
            dematerialisation_rate: None,
            franceconnect: cs(1),
            feedback_button: cs(1),
            satisfaction_bands: vec![BucketCount { label: "8 et plus".into(), color: Color::Green, count: 2 }],
        };
        let rows = headline_rows(&h);
        assert_eq!(rows[0].share, "100,0\u{202f}%");
        assert_eq!(rows[1].label, "Entièrement réalisables en ligne («\u{a0}Oui\u{a0}»)");
        let (svg, bands) = satisfaction_bands(&h);
        assert!(svg.contains("graphe-satisfaction-tranches-titre"));
        assert_eq!(bands[0].share, "100,0\u{202f}%");
    }
}
