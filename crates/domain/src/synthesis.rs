//! Synthesis figures of spec/indicators.md §6: share at goal, distribution, delta, headline counts.
//!
//! Inputs are classified rows (one [`Cell`] per indicator of the rule set, in rule-set order), so
//! the same functions serve the whole observatory, a ministry, an administration or a domain.

use serde::{Deserialize, Serialize};

use crate::classify::Cell;
use crate::ruleset::{Color, RuleSet};

/// Count of démarches at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelCount {
    /// Level key.
    pub key: String,
    /// Level label.
    pub label: String,
    /// Level colour.
    pub color: Color,
    /// Statistics bucket.
    pub bucket: String,
    /// Whether the level reaches the goal.
    pub goal: bool,
    /// Number of démarches.
    pub count: u64,
}

/// Count of démarches in one statistics bucket (FranceConnect and FranceConnect + together).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BucketCount {
    /// Bucket label.
    pub label: String,
    /// Colour of the bucket's first level.
    pub color: Color,
    /// Number of démarches.
    pub count: u64,
}

/// Figures of one indicator over a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSynthesis {
    /// Indicator slug.
    pub slug: String,
    /// Indicator label.
    pub label: String,
    /// Whether it is one of the key indicators.
    pub key: bool,
    /// Démarches at goal (in the denominator).
    pub at_goal: u64,
    /// The denominator: démarches with a non-grey level, excluding those not online.
    pub evaluated: u64,
    /// `at_goal / evaluated` in %, when the denominator is not zero.
    pub share: Option<f64>,
    /// Every level of the rule set, with its count (0 when empty).
    pub levels: Vec<LevelCount>,
    /// Counts per statistics bucket, in level order.
    pub buckets: Vec<BucketCount>,
}

/// Figures of a group of démarches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Synthesis {
    /// Number of démarches in the group.
    pub demarches: u64,
    /// One entry per indicator, in rule-set order.
    pub indicators: Vec<IndicatorSynthesis>,
}

impl Synthesis {
    /// The figures of one indicator.
    pub fn indicator(&self, slug: &str) -> Option<&IndicatorSynthesis> {
        self.indicators.iter().find(|i| i.slug == slug)
    }
}

/// Whether a row is left out of share denominators (its `online` level is "Non"), for every
/// indicator but `online` itself.
pub fn excluded_from_shares(rules: &RuleSet, row: &[Cell]) -> bool {
    let Some(ex) = &rules.exclude_from_shares else { return false };
    let Some(idx) = rules.indicator_index(&ex.indicator) else { return false };
    let ind = &rules.indicators[idx];
    row.get(idx)
        .is_some_and(|c| ex.levels.iter().any(|k| ind.levels[c.level].key == *k))
}

/// How the cell of indicator `i` counts in that indicator's share at goal: `None` when it is
/// outside the denominator (grey level, or a démarche not online for any indicator but `online`
/// itself), otherwise whether it reaches the goal. Filters and syntheses both use this, so a
/// filtered table always agrees with the published shares.
pub fn goal_status(rules: &RuleSet, row: &[Cell], i: usize) -> Option<bool> {
    let ind = rules.indicators.get(i)?;
    let level = &ind.levels[row.get(i)?.level];
    let applies = rules.exclude_from_shares.as_ref().is_none_or(|e| e.indicator != ind.slug);
    if level.is_gray() || (applies && excluded_from_shares(rules, row)) {
        return None;
    }
    Some(level.goal)
}

/// Computes the synthesis of a group. Each row holds one cell per rule-set indicator.
pub fn synthesize<R: AsRef<[Cell]>>(rules: &RuleSet, rows: &[R]) -> Synthesis {
    let mut out = Vec::with_capacity(rules.indicators.len());
    for (i, ind) in rules.indicators.iter().enumerate() {
        let mut counts = vec![0u64; ind.levels.len()];
        let (mut at_goal, mut evaluated) = (0u64, 0u64);
        for row in rows {
            let row = row.as_ref();
            let Some(cell) = row.get(i) else { continue };
            counts[cell.level] += 1;
            if let Some(goal) = goal_status(rules, row, i) {
                evaluated += 1;
                at_goal += u64::from(goal);
            }
        }
        let levels: Vec<LevelCount> = ind
            .levels
            .iter()
            .zip(&counts)
            .map(|(l, &count)| LevelCount {
                key: l.key.clone(),
                label: l.label.clone(),
                color: l.color,
                bucket: l.bucket().to_string(),
                goal: l.goal,
                count,
            })
            .collect();
        let mut buckets: Vec<BucketCount> = Vec::new();
        for l in &levels {
            match buckets.iter_mut().find(|b| b.label == l.bucket) {
                Some(b) => b.count += l.count,
                None => buckets.push(BucketCount { label: l.bucket.clone(), color: l.color, count: l.count }),
            }
        }
        let has_colors = ind.has_colors();
        out.push(IndicatorSynthesis {
            slug: ind.slug.clone(),
            label: ind.label.clone(),
            key: ind.key,
            at_goal,
            evaluated,
            share: (has_colors && evaluated > 0).then(|| 100.0 * at_goal as f64 / evaluated as f64),
            levels,
            buckets,
        });
    }
    Synthesis { demarches: rows.len() as u64, indicators: out }
}

/// Change in points of the share at goal, per indicator present in both syntheses.
pub fn delta(current: &Synthesis, previous: &Synthesis) -> Vec<(String, Option<f64>)> {
    current
        .indicators
        .iter()
        .map(|c| {
            let d = previous
                .indicator(&c.slug)
                .and_then(|p| Some(c.share? - p.share?));
            (c.slug.clone(), d)
        })
        .collect()
}

/// A count and its share of the démarches observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountShare {
    /// Number of démarches.
    pub count: u64,
    /// Share of the démarches observed, in %.
    pub share: Option<f64>,
}

/// The figures the press quotes and a synthesis note must state (spec/indicators.md §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// Démarches observed.
    pub demarches: u64,
    /// Fully online (level "Oui").
    pub fully_online: CountShare,
    /// Online including Partiel and Bêta (every level with a positive weight).
    pub online_any: CountShare,
    /// Weighted "taux de dématérialisation" in %, over démarches whose `online` level has a weight.
    pub dematerialisation_rate: Option<f64>,
    /// With FranceConnect (any level of the FranceConnect bucket).
    pub franceconnect: CountShare,
    /// With the feedback button installed.
    pub feedback_button: CountShare,
    /// Démarches per satisfaction bucket.
    pub satisfaction_bands: Vec<BucketCount>,
}

/// Computes the headline counts. `buttons` says, per row, whether the feedback button is installed.
pub fn headline<R: AsRef<[Cell]>>(rules: &RuleSet, rows: &[R], buttons: &[bool]) -> Headline {
    let n = rows.len() as u64;
    let share = |count: u64| CountShare { count, share: (n > 0).then(|| 100.0 * count as f64 / n as f64) };
    let level_of = |slug: &str, row: &[Cell]| {
        let i = rules.indicator_index(slug)?;
        let c = row.get(i)?;
        Some(&rules.indicators[i].levels[c.level])
    };
    let (mut full, mut any, mut fc) = (0, 0, 0);
    let (mut weight_sum, mut weighted) = (0.0, 0u64);
    for row in rows {
        let row = row.as_ref();
        if let Some(l) = level_of("online", row) {
            if l.key == "oui" {
                full += 1;
            }
            if let Some(w) = l.weight {
                weight_sum += w;
                weighted += 1;
                if w > 0.0 {
                    any += 1;
                }
            }
        }
        if level_of("auth", row).is_some_and(|l| l.bucket() == "FranceConnect") {
            fc += 1;
        }
    }
    let synth = synthesize(rules, rows);
    Headline {
        demarches: n,
        fully_online: share(full),
        online_any: share(any),
        dematerialisation_rate: (weighted > 0).then(|| 100.0 * weight_sum / weighted as f64),
        franceconnect: share(fc),
        feedback_button: share(buttons.iter().filter(|b| **b).count() as u64),
        satisfaction_bands: synth.indicator("satisfaction").map(|s| s.buckets.clone()).unwrap_or_default(),
    }
}
