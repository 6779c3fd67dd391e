//! Raw values: what a measurement says before any rule is applied.

use serde::{Deserialize, Serialize};

/// One raw value for a (démarche, indicator) pair.
///
/// A value is either a number (a score, a rate in %, a duration in ms, a count), optionally with
/// the sample size it was computed from, or a text that must be one of the indicator's labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RawValue {
    /// A number, with the number of answers or samples behind it when known.
    Number {
        /// The exact, unrounded value.
        value: f64,
        /// The sample size (feedback answers), when the source gives one.
        count: Option<u64>,
    },
    /// A label, e.g. "Oui", "À venir", "FranceConnect +".
    Text(String),
}

impl RawValue {
    /// A number without sample size.
    pub fn number(value: f64) -> Self {
        RawValue::Number { value, count: None }
    }

    /// A number with its sample size.
    pub fn counted(value: f64, count: u64) -> Self {
        RawValue::Number { value, count: Some(count) }
    }

    /// A label.
    pub fn text(s: impl Into<String>) -> Self {
        RawValue::Text(s.into())
    }

    /// The numeric value, if any.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            RawValue::Number { value, .. } => Some(*value),
            RawValue::Text(_) => None,
        }
    }
}
