//! Classification: from a raw value to a level, under one indicator's rules.

use serde::{Deserialize, Serialize};

use crate::display::format_number;
use crate::ruleset::{Indicator, Level};
use crate::value::RawValue;

/// The classified value of one (démarche, indicator) pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Index of the level in the indicator's `levels`.
    pub level: usize,
    /// The exact number behind the level, if any.
    pub value: Option<f64>,
    /// The sample size, if known.
    pub count: Option<u64>,
}

impl Cell {
    /// The level of this cell.
    pub fn level<'i>(&self, ind: &'i Indicator) -> &'i Level {
        &ind.levels[self.level]
    }

    /// The value formatted for display, truncated ("7,9 / 10", "99,8 %").
    pub fn display_value(&self, ind: &Indicator) -> Option<String> {
        self.value.map(|v| format_number(v, ind.format))
    }

    /// The text of the badge: the value for numeric levels of indicators that show it
    /// (satisfaction "8,4 / 10"), otherwise the level label ("Optimal", "À venir").
    pub fn badge(&self, ind: &Indicator) -> String {
        let level = self.level(ind);
        match self.value {
            Some(v) if ind.badge_shows_value && level.is_numeric() => format_number(v, ind.format),
            _ => level.label.clone(),
        }
    }
}

/// A raw value that the rules cannot classify. Importers report it; it is never dropped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClassifyError {
    /// A text that matches no level label.
    #[error("indicateur « {indicator} » : la valeur « {text} » ne correspond à aucun niveau (attendu : {expected})")]
    UnknownLabel {
        /// Indicator slug.
        indicator: String,
        /// The text found.
        text: String,
        /// The accepted labels, in French.
        expected: String,
    },
    /// A number for an indicator that only takes labels.
    #[error("indicateur « {indicator} » : un libellé est attendu (parmi {expected}), pas le nombre {value}")]
    NumberNotAccepted {
        /// Indicator slug.
        indicator: String,
        /// The number found.
        value: f64,
        /// The accepted labels, in French.
        expected: String,
    },
    /// Not a finite number.
    #[error("indicateur « {indicator} » : valeur numérique invalide")]
    NotFinite {
        /// Indicator slug.
        indicator: String,
    },
}

fn expected_labels(ind: &Indicator) -> String {
    ind.levels
        .iter()
        .filter(|l| !l.is_numeric())
        .map(|l| format!("« {} »", l.label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Classifies a raw value (or its absence) under an indicator.
///
/// `inputs` gives the other measurements of the same démarche, used by derived indicators
/// (the 2019–2022 "Disponibilité et rapidité" score).
pub fn classify(
    ind: &Indicator,
    raw: Option<&RawValue>,
    inputs: impl Fn(&str) -> Option<f64>,
) -> Result<Cell, ClassifyError> {
    let missing = || Cell { level: ind.level_index(&ind.missing).unwrap_or(0), value: None, count: None };
    match raw {
        Some(RawValue::Text(t)) => match ind.level_for_text(t) {
            Some(level) => Ok(Cell { level, value: None, count: None }),
            None => Err(ClassifyError::UnknownLabel {
                indicator: ind.slug.clone(),
                text: t.clone(),
                expected: expected_labels(ind),
            }),
        },
        Some(RawValue::Number { value, count }) => classify_number(ind, *value, *count),
        None => match &ind.derived {
            Some(d) => match d.compute(inputs) {
                Some(v) => classify_number(ind, v, None),
                None => Ok(missing()),
            },
            None => Ok(missing()),
        },
    }
}

fn classify_number(ind: &Indicator, v: f64, count: Option<u64>) -> Result<Cell, ClassifyError> {
    if !v.is_finite() {
        return Err(ClassifyError::NotFinite { indicator: ind.slug.clone() });
    }
    if let (Some(min), Some(n), Some(key)) = (ind.min_count, count, &ind.insufficient)
        && n < min {
            let level = ind.level_index(key).unwrap_or(0);
            return Ok(Cell { level, value: None, count });
        }
    match ind.level_for_number(v) {
        Some(level) => Ok(Cell { level, value: Some(v), count }),
        None => Err(ClassifyError::NumberNotAccepted {
            indicator: ind.slug.clone(),
            value: v,
            expected: expected_labels(ind),
        }),
    }
}
