//! The edition table: every démarche of an edition with one classified cell per indicator.
//!
//! A draft is computed from the latest measurements under the current rule-set file; a published
//! revision from its frozen raw values under its frozen rule-set text. Either way levels are
//! computed here, from raw values, never read pre-coloured.

use std::collections::HashMap;
use std::sync::Arc;

use obs_domain::{Cell, Edition, Member, RawValue, Revision, RuleSet, classify};

/// A raw value with its provenance, as shown on a démarche page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Raw {
    /// The value.
    pub value: RawValue,
    /// The measurement row it comes from.
    pub measurement_id: Option<i64>,
}

/// One démarche of the table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableRow {
    /// Descriptive fields in this edition.
    pub member: Member,
    /// One cell per rule-set indicator, in rule-set order.
    pub cells: Vec<Cell>,
    /// The raw value behind each cell (None when nothing was measured or the value is derived).
    pub raws: Vec<Option<Raw>>,
    /// The title folded for accent- and case-insensitive sorting, computed once.
    pub title_key: String,
    /// The ministry folded for sorting, computed once (sorting folded both names on every
    /// comparison before, about an eighth of an uncached view's time).
    pub ministere_key: Option<String>,
    /// Title, ministry, administration and id folded for search, computed once.
    pub search_key: String,
}

impl AsRef<[Cell]> for TableRow {
    fn as_ref(&self) -> &[Cell] {
        &self.cells
    }
}

/// A whole edition, classified.
#[derive(Debug, Clone)]
pub struct EditionTable {
    /// The edition.
    pub edition: Edition,
    /// The frozen revision shown, or None for a draft computation.
    pub revision: Option<Revision>,
    /// The rules applied.
    pub rules: Arc<RuleSet>,
    /// Rows sorted by title.
    pub rows: Vec<TableRow>,
    /// Raw values the rules could not classify (French messages); the cell shows the missing level.
    pub errors: Vec<String>,
}

impl EditionTable {
    /// The row of a démarche.
    pub fn row(&self, demarche_id: i64) -> Option<&TableRow> {
        self.rows.iter().find(|r| r.member.demarche_id == demarche_id)
    }
}

/// Input of a classification: members and their raw values by (démarche, indicator).
pub(crate) fn classify_rows(
    rules: &RuleSet,
    members: Vec<Member>,
    values: &HashMap<i64, HashMap<String, Raw>>,
) -> (Vec<TableRow>, Vec<String>) {
    let empty = HashMap::new();
    let mut errors = Vec::new();
    let mut rows: Vec<TableRow> = members
        .into_iter()
        .map(|member| {
            let vals = values.get(&member.demarche_id).unwrap_or(&empty);
            let inputs = |slug: &str| vals.get(slug).and_then(|r| r.value.as_number());
            let mut cells = Vec::with_capacity(rules.indicators.len());
            let mut raws = Vec::with_capacity(rules.indicators.len());
            for ind in &rules.indicators {
                let raw = vals.get(&ind.slug);
                let cell = match classify(ind, raw.map(|r| &r.value), inputs) {
                    Ok(c) => c,
                    Err(e) => {
                        errors.push(format!("démarche n° {} « {} » : {e}", member.demarche_id, member.title));
                        classify(ind, None, |_| None).unwrap_or(Cell { level: 0, value: None, count: None })
                    }
                };
                cells.push(cell);
                raws.push(raw.cloned());
            }
            let title_key = obs_domain::text::fold(&member.title);
            let ministere_key = member.ministere.as_deref().map(obs_domain::text::fold);
            let search_key = obs_domain::text::fold(&format!(
                "{} {} {} {}",
                member.title,
                member.ministere.as_deref().unwrap_or(""),
                member.administration.as_deref().unwrap_or(""),
                member.demarche_id
            ));
            TableRow { member, cells, raws, title_key, ministere_key, search_key }
        })
        .collect();
    // Row order (and so the order of every export) must not depend on the database collation.
    rows.sort_by(|a, b| a.title_key.cmp(&b.title_key).then(a.member.demarche_id.cmp(&b.member.demarche_id)));
    (rows, errors)
}
