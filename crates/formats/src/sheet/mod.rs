//! The working spreadsheet (spec/formats.md §1): one row per démarche, CSV or XLSX.
//!
//! [`read_sheet`] finds the header row, maps the headers to canonical columns through a
//! [`ColumnMapping`] (built-in aliases plus the user's), and turns every row into a [`SheetRow`]
//! with its descriptive fields and its indicator values, unclassified. Every problem carries the
//! row number the user sees in the spreadsheet (the header being row 1 in a plain file) and the
//! column as spelled in the file.
//!
//! Cell parsing lives in small pure functions ([`parse_number`], [`clean_title`]…) so that the
//!
//! Modules, in reading order: `read` (bytes → grid of cells, CSV or workbook), `header` (which
//! row is the header, which column is which, through `mapping` and the `columns` table), `rows`
//! (each row's fields and values, whole-file checks), `cells` (one cell at a time). Number
//! writing is shared with the scanner reader in [`crate::numbers`].

use crate::problems::{ParsedValue, Problem};

mod cells;
mod columns;
mod header;
mod mapping;
mod read;
mod rows;

pub use crate::numbers::{ParsedNumber, parse_number, scale_decimal};
pub use cells::clean_title;
pub use mapping::ColumnMapping;

#[cfg(test)]
use {
    cells::{Cell, parse_button, parse_jdma_id, parse_value_cell, parse_volume, split_audience},
    columns::Unit,
    read::{decode_text, detect_delimiter},
};

/// One démarche row of the spreadsheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetRow {
    /// The row number the user sees: the spreadsheet row in a workbook, the line where the record
    /// starts in a CSV file (the header of a plain file is row 1).
    pub row: usize,
    /// `Ref_Edition`.
    pub edition_ref: Option<String>,
    /// `Ref_Demarche`, the stable démarche id.
    pub demarche_ref: Option<String>,
    /// `Dashlord_ID_JDMA`, the feedback product id.
    pub jdma_id: Option<u64>,
    /// `URL_Demarche`.
    pub url: Option<String>,
    /// `Nom_Demarche`, leading emoji and `#` stripped, trimmed.
    pub title: Option<String>,
    /// `Nom_Administration`.
    pub administration: Option<String>,
    /// `Nom_Administration_Centrale`.
    pub domaine: Option<String>,
    /// `Nom_Ministere`.
    pub ministere: Option<String>,
    /// `Volumetrie_Totale`.
    pub volume_total: Option<f64>,
    /// `Volumetrie_En_Ligne`.
    pub volume_online: Option<f64>,
    /// `Ajout_Bouton_JDMA`: "Oui" is `true`, any other text `false`, empty `None`.
    pub feedback_button: Option<bool>,
    /// `Categories_Usagers`, split on `;`, `,`, `|` and line breaks.
    pub audience: Vec<String>,
    /// The indicator values, unclassified.
    pub values: Vec<ParsedValue>,
}

/// What [`read_sheet`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetData {
    /// The démarche rows, in file order (blank rows skipped).
    pub rows: Vec<SheetRow>,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl SheetData {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Reads the working spreadsheet, CSV or XLSX (detected from the content, not the name).
///
/// The first sheet of a workbook holding a `Nom_Demarche` column is read (else the first sheet).
/// Rows are returned even when they have problems; the caller refuses the import when any
/// problem is an error, unless the user chose to skip bad rows.
pub fn read_sheet(bytes: &[u8], file_name: &str, mapping: &ColumnMapping) -> SheetData {
    let mut problems = Vec::new();
    let rows = match read::file_grid(bytes, file_name, mapping, &mut problems) {
        Some(grid) => rows::read_grid(&grid, file_name, mapping, &mut problems),
        None => Vec::new(),
    };
    SheetData { rows, problems }
}

#[cfg(test)]
mod tests;
