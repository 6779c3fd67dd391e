//! Cells, whatever the file format, and the pure functions that read them: titles, user
//! categories, indicator values in their column's unit, volumes, ids and the feedback button.
//!
//! Each rule ("8,4", "85 %", fractions shown ×100, "📄 #Carte grise") is a small function tested
//! on its own, independent of CSV or XLSX decoding.

use obs_domain::RawValue;
use obs_domain::text::fold;

use super::columns::Unit;
use crate::numbers::{ParsedNumber, parse_number, scale_decimal};

/// One cell, whatever the file format.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Cell {
    /// Empty, or text of only whitespace.
    pub(super) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// Rows of cells with the row number the user sees.
pub(super) type Grid = Vec<(usize, Vec<Cell>)>;

/// Strips leading emoji, `#` and spaces from a démarche title: "📄 #Carte grise" → "Carte grise".
pub fn clean_title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let keycap =
            matches!(next, Some('\u{fe0f}' | '\u{20e3}')) && (c.is_ascii_digit() || c == '*');
        let decoration = c == '#'
            || c.is_whitespace()
            || matches!(c, '\u{200d}' | '\u{fe0f}' | '\u{fe0e}' | '\u{20e3}')
            || (u32::from(c) >= 0x2190
                && !c.is_alphanumeric()
                && !matches!(c, '\u{2190}'..='\u{21ff}'));
        if keycap || decoration {
            i += 1;
        } else {
            break;
        }
    }
    chars[i..].iter().collect::<String>().trim().to_string()
}

/// Splits a list of user categories: "Particuliers ; Professionnels" → two items.
pub(super) fn split_audience(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([';', ',', '|', '\n', '\r']) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|o| fold(o) == fold(part)) {
            out.push(part.to_string());
        }
    }
    out
}

/// A cell as text: numbers written without a useless ".0", booleans as "Oui"/"Non".
pub(super) fn cell_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
        Cell::Number(n) => Some(format!("{n}")),
        Cell::Bool(b) => Some(if *b { "Oui" } else { "Non" }.to_string()),
    }
}

/// Reads an indicator cell. `Ok(None)` for an empty cell; a text that is not a number is passed on
/// as [`RawValue::Text`] for the caller to classify; a number that breaks the column's unit is an
/// error message.
pub(super) fn parse_value_cell(cell: &Cell, unit: Unit) -> Result<Option<RawValue>, String> {
    let (value, percent) = match cell {
        Cell::Empty => return Ok(None),
        Cell::Bool(b) => return Ok(Some(RawValue::text(if *b { "Oui" } else { "Non" }))),
        Cell::Number(n) if unit == Unit::Label => return Ok(Some(RawValue::text(format!("{n}")))),
        Cell::Number(n) => (*n, false),
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            match (unit, parse_number(t)) {
                (Unit::Label, _) | (_, None) => return Ok(Some(RawValue::text(t))),
                (_, Some(p)) => (p.value, p.percent),
            }
        }
    };
    in_unit(value, percent, unit).map(|v| Some(RawValue::number(v)))
}

/// Checks a number against its column's unit and converts fractions to percentages.
fn in_unit(value: f64, percent: bool, unit: Unit) -> Result<f64, String> {
    if !value.is_finite() {
        return Err("nombre invalide".into());
    }
    match unit {
        // Labels were returned by the caller; a number here is passed on unchanged.
        Unit::Label => Ok(value),
        Unit::Fraction if percent => {
            if !(0.0..=100.0).contains(&value) {
                return Err(format!(
                    "pourcentage attendu entre 0 et 100 %, trouvé {value} %"
                ));
            }
            Ok(value)
        }
        Unit::Fraction => {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!(
                    "fraction attendue entre 0 et 1 (0,85 pour 85 %), trouvé {value} ; écrire « {value} % » si c'est déjà un pourcentage"
                ));
            }
            Ok(scale_decimal(value, 2))
        }
        _ if percent => Err(format!(
            "un pourcentage n'est pas attendu dans cette colonne ({value} %)"
        )),
        Unit::Score10 => {
            if !(0.0..=10.0).contains(&value) {
                return Err(format!(
                    "note sur 10 attendue entre 0 et 10, trouvé {value}"
                ));
            }
            Ok(value)
        }
        Unit::Millis | Unit::Count => {
            if value < 0.0 {
                return Err(format!("nombre positif attendu, trouvé {value}"));
            }
            Ok(value)
        }
    }
}

/// Reads a volume: empty is `None`, a non-negative number is the volume, anything else an error.
pub(super) fn parse_volume(cell: &Cell) -> Result<Option<f64>, String> {
    let Some(v) = cell_number(cell, "nombre")? else {
        return Ok(None);
    };
    if !v.is_finite() || v < 0.0 {
        return Err(format!("nombre positif attendu, trouvé {v}"));
    }
    Ok(Some(v))
}

/// Reads a feedback product id: a whole number ≥ 0.
pub(super) fn parse_jdma_id(cell: &Cell) -> Result<Option<u64>, String> {
    let Some(v) = cell_number(cell, "identifiant entier")? else {
        return Ok(None);
    };
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Ok(Some(v as u64))
    } else {
        Err(format!("identifiant entier attendu, trouvé {v}"))
    }
}

/// A plain number (no "%"), empty or blank being `None`; otherwise "{expected} attendu, trouvé …".
fn cell_number(cell: &Cell, expected: &str) -> Result<Option<f64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => Ok(Some(*n)),
        Cell::Bool(_) => Err(format!("{expected} attendu, trouvé un booléen")),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => match parse_number(t) {
            Some(ParsedNumber {
                value,
                percent: false,
            }) => Ok(Some(value)),
            _ => Err(format!("{expected} attendu, trouvé « {} »", t.trim())),
        },
    }
}

/// Reads the feedback-button column: "Oui" is `true`, any other text `false`.
pub(super) fn parse_button(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Empty => None,
        Cell::Bool(b) => Some(*b),
        Cell::Number(n) => Some(*n != 0.0),
        Cell::Text(t) if t.trim().is_empty() => None,
        Cell::Text(t) => Some(fold(t) == "oui"),
    }
}
