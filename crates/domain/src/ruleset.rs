//! Rule sets: the versioned list of indicators and the levels their values map to.
//!
//! A rule set is data (a TOML file shipped in `rules/`), parsed and validated here. Validation
//! refuses files whose numeric levels overlap or leave gaps, so that every number maps to exactly
//! one level and classification never has to guess.

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// The colour of a level, as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    /// Goal reached.
    Green,
    /// Intermediate.
    Yellow,
    /// Far from the goal.
    Red,
    /// Special case counted at goal or apart (FranceConnect, démarche proactive).
    Blue,
    /// Not evaluated: excluded from shares.
    Gray,
}

impl Color {
    /// The name used in files, URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Green => "green",
            Color::Yellow => "yellow",
            Color::Red => "red",
            Color::Blue => "blue",
            Color::Gray => "gray",
        }
    }

    /// The French name of the colour, for text alternatives.
    pub fn label_fr(self) -> &'static str {
        match self {
            Color::Green => "vert",
            Color::Yellow => "orange",
            Color::Red => "rouge",
            Color::Blue => "bleu",
            Color::Gray => "gris",
        }
    }
}

/// How an indicator's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A score out of ten, one decimal: "7,9 / 10".
    Score10,
    /// A percentage, one decimal: "99,8 %".
    Percent,
    /// A percentage without decimals: "42 %".
    PercentInt,
    /// Milliseconds, no decimals: "399 ms".
    Millis,
    /// A whole count: "3".
    Count,
    /// Points of a combined score: "7 pts".
    Points,
    /// The indicator has only labels.
    Label,
}

/// Which way numbers improve, used to sort and to describe thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Higher values are better (scores, rates).
    #[default]
    Higher,
    /// Lower values are better (response time, data items asked again).
    Lower,
}

/// One level of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Stable identifier within the indicator (used in URLs, filters and storage).
    pub key: String,
    /// Official French label.
    pub label: String,
    /// Published colour.
    pub color: Color,
    /// Whether a démarche at this level reaches the goal.
    #[serde(default)]
    pub goal: bool,
    /// Statistics bucket; defaults to the label. Levels sharing a bucket are counted together.
    #[serde(default)]
    pub bucket: Option<String>,
    /// Inclusive lower bound for numbers.
    #[serde(default)]
    pub min: Option<f64>,
    /// Exclusive upper bound for numbers.
    #[serde(default)]
    pub max: Option<f64>,
    /// Whether this level takes numbers (implied by `min` or `max`).
    #[serde(default)]
    pub numeric: bool,
    /// Other spellings accepted for this label.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Weight of this level in the "taux de dématérialisation" (0–1), for the `online` indicator.
    #[serde(default)]
    pub weight: Option<f64>,
}

impl Level {
    /// Whether the level accepts numbers.
    pub fn is_numeric(&self) -> bool {
        self.numeric || self.min.is_some() || self.max.is_some()
    }

    /// The statistics bucket label.
    pub fn bucket(&self) -> &str {
        self.bucket.as_deref().unwrap_or(&self.label)
    }

    /// Whether a number falls in this level's half-open interval `[min, max)`.
    pub fn contains(&self, v: f64) -> bool {
        self.is_numeric()
            && self.min.is_none_or(|m| v >= m)
            && self.max.is_none_or(|m| v < m)
    }

    /// Whether the level is grey (not evaluated, excluded from shares).
    pub fn is_gray(&self) -> bool {
        self.color == Color::Gray
    }

    /// A French description of the threshold, e.g. "à partir de 8" or "moins de 400".
    pub fn threshold_fr(&self, format: Format) -> Option<String> {
        let f = |v: f64| crate::display::format_number(v, format);
        match (self.min, self.max) {
            (Some(a), Some(b)) => Some(format!("de {} à moins de {}", f(a), f(b))),
            (Some(a), None) => Some(format!("à partir de {}", f(a))),
            (None, Some(b)) => Some(format!("moins de {}", f(b))),
            (None, None) if self.is_numeric() => Some("toute valeur mesurée".to_string()),
            _ => None,
        }
    }
}

/// A part of a derived score: points awarded by thresholds on another measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsPart {
    /// The measured indicator the points are read from (e.g. `uptime`).
    pub input: String,
    /// `[threshold, points]` pairs: points when the value is strictly above the threshold,
    /// first match wins (list them from the highest threshold down).
    #[serde(default)]
    pub above: Vec<(f64, i32)>,
    /// `[threshold, points]` pairs: points when the value is strictly below the threshold,
    /// first match wins (list them from the lowest threshold up).
    #[serde(default)]
    pub below: Vec<(f64, i32)>,
    /// Points when no pair matches.
    pub otherwise: i32,
}

impl PointsPart {
    /// Points for one input value.
    pub fn points(&self, v: f64) -> i32 {
        for &(t, p) in &self.above {
            if v > t {
                return p;
            }
        }
        for &(t, p) in &self.below {
            if v < t {
                return p;
            }
        }
        self.otherwise
    }
}

/// How a derived indicator computes its value from other measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    /// The score is the sum of these parts' points.
    pub points_sum: Vec<PointsPart>,
}

impl Derived {
    /// The score, or `None` when an input is missing.
    pub fn compute(&self, input: impl Fn(&str) -> Option<f64>) -> Option<f64> {
        let mut total = 0;
        for part in &self.points_sum {
            total += part.points(input(&part.input)?);
        }
        Some(f64::from(total))
    }
}

/// One indicator of a rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable identifier (`satisfaction`, `uptime`…).
    pub slug: String,
    /// French label.
    pub label: String,
    /// Short French label for table headers.
    #[serde(default)]
    pub short: Option<String>,
    /// One of the five key indicators.
    #[serde(default)]
    pub key: bool,
    /// What the indicator measures, in French, for the methodology page.
    #[serde(default)]
    pub description: String,
    /// Where its values come from, in French.
    #[serde(default)]
    pub sources: Vec<String>,
    /// How numbers are displayed.
    pub format: Format,
    /// Which way numbers improve.
    #[serde(default)]
    pub direction: Direction,
    /// Whether a numeric level's badge shows the value (e.g. "8,4 / 10") rather than its label.
    #[serde(default)]
    pub badge_shows_value: bool,
    /// Minimum sample size for a number to be classified; below it, the `insufficient` level.
    #[serde(default)]
    pub min_count: Option<u64>,
    /// Level used when the sample is too small.
    #[serde(default)]
    pub insufficient: Option<String>,
    /// Level used when nothing was measured.
    pub missing: String,
    /// Computed from other measurements rather than measured directly.
    #[serde(default)]
    pub derived: Option<Derived>,
    /// The levels, in display order (best first, grey last).
    pub levels: Vec<Level>,
}

impl Indicator {
    /// Short label for headers.
    pub fn short_label(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.label)
    }

    /// The level with this key.
    pub fn level(&self, key: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.key == key)
    }

    /// Index of the level with this key.
    pub fn level_index(&self, key: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.key == key)
    }

    /// Whether the indicator has coloured (non-grey) levels at all.
    pub fn has_colors(&self) -> bool {
        self.levels.iter().any(|l| !l.is_gray())
    }

    /// Index of the level a label designates, comparing folded spellings.
    pub fn level_for_text(&self, text: &str) -> Option<usize> {
        let t = fold(text);
        self.levels.iter().position(|l| {
            fold(&l.label) == t || l.aliases.iter().any(|a| fold(a) == t)
        })
    }

    /// Index of the level containing a number.
    pub fn level_for_number(&self, v: f64) -> Option<usize> {
        self.levels.iter().position(|l| l.contains(v))
    }
}

/// Which démarches are left out of the denominator of "share at goal".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// The indicator looked at (`online`).
    pub indicator: String,
    /// The level keys that exclude a démarche (`non`).
    pub levels: Vec<String>,
}

/// A complete, validated rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Stable identifier (`2019`, `2023`, `2025`).
    pub id: String,
    /// French name.
    pub name: String,
    /// The editions it applies to, in French.
    #[serde(default)]
    pub period: String,
    /// The share-at-goal target, in % (80).
    #[serde(default = "default_target")]
    pub target: f64,
    /// Démarches left out of the "share at goal" denominator.
    #[serde(default)]
    pub exclude_from_shares: Option<Exclusion>,
    /// The indicators, in display order.
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

fn default_target() -> f64 {
    80.0
}

/// A rule-set file that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RuleSetError {
    /// The TOML does not parse or has unknown fields.
    #[error("jeu de règles illisible : {0}")]
    Syntax(String),
    /// The content is inconsistent.
    #[error("jeu de règles « {ruleset} », indicateur « {indicator} » : {message}")]
    Invalid {
        /// Rule set id.
        ruleset: String,
        /// Indicator slug.
        indicator: String,
        /// What is wrong, in French.
        message: String,
    },
}

impl RuleSet {
    /// Parses and validates a rule set from its TOML text.
    pub fn from_toml(text: &str) -> Result<RuleSet, RuleSetError> {
        let rs: RuleSet = toml::from_str(text).map_err(|e| RuleSetError::Syntax(e.to_string()))?;
        rs.validate()?;
        Ok(rs)
    }

    /// The indicator with this slug.
    pub fn indicator(&self, slug: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.slug == slug)
    }

    /// Position of the indicator with this slug.
    pub fn indicator_index(&self, slug: &str) -> Option<usize> {
        self.indicators.iter().position(|i| i.slug == slug)
    }

    /// The key indicators, in order.
    pub fn key_indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter().filter(|i| i.key)
    }

    fn validate(&self) -> Result<(), RuleSetError> {
        let mut seen = std::collections::HashSet::new();
        for ind in &self.indicators {
            let bad = |message: String| RuleSetError::Invalid {
                ruleset: self.id.clone(),
                indicator: ind.slug.clone(),
                message,
            };
            if !seen.insert(ind.slug.as_str()) {
                return Err(bad("indicateur déclaré deux fois".into()));
            }
            let mut keys = std::collections::HashSet::new();
            let mut labels = std::collections::HashSet::new();
            for l in &ind.levels {
                if !keys.insert(l.key.as_str()) {
                    return Err(bad(format!("niveau « {} » déclaré deux fois", l.key)));
                }
                for name in std::iter::once(&l.label).chain(&l.aliases) {
                    if !l.is_numeric() && !labels.insert(fold(name)) {
                        return Err(bad(format!("libellé « {name} » utilisé par deux niveaux")));
                    }
                }
                if let (Some(a), Some(b)) = (l.min, l.max)
                    && a >= b {
                        return Err(bad(format!("niveau « {} » : min {a} ≥ max {b}", l.key)));
                    }
                if let Some(w) = l.weight
                    && !(0.0..=1.0).contains(&w) {
                        return Err(bad(format!("niveau « {} » : poids {w} hors de 0–1", l.key)));
                    }
            }
            for (what, key) in [("missing", Some(&ind.missing)), ("insufficient", ind.insufficient.as_ref())] {
                if let Some(key) = key
                    && ind.level(key).is_none() {
                        return Err(bad(format!("{what} désigne le niveau inconnu « {key} »")));
                    }
            }
            if ind.min_count.is_some() != ind.insufficient.is_some() {
                return Err(bad("min_count et insufficient vont ensemble".into()));
            }
            // Numeric levels must tile the real line: sorted by lower bound, each one starts
            // where the previous one ends, the first is unbounded below and the last above.
            let mut numeric: Vec<&Level> = ind.levels.iter().filter(|l| l.is_numeric()).collect();
            numeric.sort_by(|a, b| {
                a.min.unwrap_or(f64::NEG_INFINITY).total_cmp(&b.min.unwrap_or(f64::NEG_INFINITY))
            });
            if !numeric.is_empty() {
                if numeric[0].min.is_some() {
                    return Err(bad(format!(
                        "aucun niveau pour les valeurs sous {}",
                        numeric[0].min.unwrap_or_default()
                    )));
                }
                for pair in numeric.windows(2) {
                    if pair[0].max != pair[1].min {
                        return Err(bad(format!(
                            "les niveaux « {} » et « {} » ne se suivent pas (trou ou chevauchement)",
                            pair[0].key, pair[1].key
                        )));
                    }
                }
                if let Some(m) = numeric.last().and_then(|l| l.max) {
                    return Err(bad(format!("aucun niveau pour les valeurs à partir de {m}")));
                }
            }
        }
        if let Some(ex) = &self.exclude_from_shares {
            let ind = self.indicator(&ex.indicator).ok_or_else(|| RuleSetError::Invalid {
                ruleset: self.id.clone(),
                indicator: ex.indicator.clone(),
                message: "exclusion sur un indicateur absent".into(),
            })?;
            for k in &ex.levels {
                if ind.level(k).is_none() {
                    return Err(RuleSetError::Invalid {
                        ruleset: self.id.clone(),
                        indicator: ex.indicator.clone(),
                        message: format!("exclusion sur le niveau inconnu « {k} »"),
                    });
                }
            }
        }
        Ok(())
    }
}
