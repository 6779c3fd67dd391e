//! Finding and judging the header row: which file column feeds which canonical column, which
//! headers are unknown or duplicated, and whether the required columns are there.
//!
//! The header is decided before any row is read, so a missing required column is reported once
//! instead of on every row.

use std::collections::BTreeMap;

use super::cells::{Grid, cell_text};
use super::columns::{COLUMNS, header_key, position_of};
use super::mapping::ColumnMapping;
use crate::problems::Problem;

/// The resolved header: which file column feeds which canonical column.
pub(super) struct Header {
    /// Index in the grid of the header row.
    pub(super) index: usize,
    /// Row number of the header.
    pub(super) row: usize,
    /// Canonical column index → (file column index, header text).
    pub(super) columns: BTreeMap<usize, (usize, String)>,
    /// Canonical column index, first header text, second header text.
    duplicates: Vec<(usize, String, String)>,
    /// Header texts no spelling knows.
    unknown: Vec<String>,
    /// Number of cells up to the last non-blank header cell.
    pub(super) width: usize,
}

/// Maps every non-blank cell of row `index` to its canonical column.
fn resolve_header(grid: &Grid, index: usize, mapping: &ColumnMapping) -> Header {
    let (row, cells) = &grid[index];
    let mut columns: BTreeMap<usize, (usize, String)> = BTreeMap::new();
    let mut duplicates = Vec::new();
    let mut unknown = Vec::new();
    for (j, cell) in cells.iter().enumerate() {
        let Some(text) = cell_text(cell) else {
            continue;
        };
        match mapping.column_of_key(&header_key(&text)) {
            Some(c) => match columns.get(&c) {
                Some((_, first)) => duplicates.push((c, first.clone(), text)),
                None => {
                    columns.insert(c, (j, text));
                }
            },
            None => unknown.push(text),
        }
    }
    let width = cells
        .iter()
        .rposition(|c| !c.is_blank())
        .map_or(0, |i| i + 1);
    Header {
        index,
        row: *row,
        columns,
        duplicates,
        unknown,
        width,
    }
}

/// Finds the header row among the first non-blank rows: the first one naming the démarche
/// column, else the one recognising most columns, else the first non-blank row.
pub(super) fn find_header(grid: &Grid, mapping: &ColumnMapping) -> Option<Header> {
    let title = position_of("Nom_Demarche");
    let candidates: Vec<usize> = (0..grid.len())
        .filter(|&i| grid[i].1.iter().any(|c| !c.is_blank()))
        .take(10)
        .collect();
    let headers: Vec<Header> = candidates
        .iter()
        .map(|&i| resolve_header(grid, i, mapping))
        .collect();
    let best = headers
        .iter()
        .position(|h| h.columns.contains_key(&title))
        .or_else(|| {
            let most = headers.iter().map(|h| h.columns.len()).max()?;
            (most > 0)
                .then(|| headers.iter().position(|h| h.columns.len() == most))
                .flatten()
        })
        .unwrap_or(0);
    headers.into_iter().nth(best)
}

impl Header {
    /// The header text of canonical column `c` in the file, empty when the column is absent.
    pub(super) fn text_of(&self, c: usize) -> String {
        self.columns
            .get(&c)
            .map(|(_, h)| h.clone())
            .unwrap_or_default()
    }

    /// Reports duplicated and unknown headers, and missing required columns; `false` when a
    /// required column is missing (no row can then be read).
    pub(super) fn check(
        &self,
        file: &str,
        mapping: &ColumnMapping,
        problems: &mut Vec<Problem>,
    ) -> bool {
        let at_header = format!("ligne {}", self.row);
        for (c, first, second) in &self.duplicates {
            problems.push(
                Problem::error(
                    file,
                    format!(
                        "les colonnes « {first} » et « {second} » désignent toutes deux « {} »",
                        COLUMNS[*c].name
                    ),
                )
                .at(&at_header)
                .in_column(second),
            );
        }
        if !self.unknown.is_empty() {
            problems.push(
                Problem::warning(
                    file,
                    format!(
                        "colonnes non reconnues, ignorées : {} (ajoutez-les au fichier de correspondance si elles doivent être lues)",
                        self.unknown.iter().map(|u| format!("« {u} »")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .at(&at_header),
            );
        }
        self.has_required(file, mapping, &at_header, problems)
    }

    /// Whether the title column and an identifier column are there, reporting each one missing.
    fn has_required(
        &self,
        file: &str,
        mapping: &ColumnMapping,
        at_header: &str,
        problems: &mut Vec<Problem>,
    ) -> bool {
        let (title, dref, jid) = (
            position_of("Nom_Demarche"),
            position_of("Ref_Demarche"),
            position_of("Dashlord_ID_JDMA"),
        );
        let mut complete = true;
        if !self.columns.contains_key(&title) {
            complete = false;
            problems.push(
                Problem::error(
                    file,
                    format!(
                        "colonne obligatoire absente ; intitulés acceptés : {}",
                        mapping.quoted_spellings(title)
                    ),
                )
                .at(at_header)
                .in_column("Nom_Demarche"),
            );
        }
        if !self.columns.contains_key(&dref) && !self.columns.contains_key(&jid) {
            complete = false;
            problems.push(
                Problem::error(
                    file,
                    format!(
                        "aucune colonne d'identifiant de démarche ; il en faut une parmi « Ref_Demarche » ({}) et « Dashlord_ID_JDMA » ({})",
                        mapping.quoted_spellings(dref),
                        mapping.quoted_spellings(jid)
                    ),
                )
                .at(at_header)
                .in_column("Ref_Demarche / Dashlord_ID_JDMA"),
            );
        }
        complete
    }
}
