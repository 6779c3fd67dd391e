//! Pure readers and writers of the observatory's exchange formats.
//!
//! Every function here takes bytes (or a directory to list) and returns typed data plus the
//! [`Problem`]s found, in French, with the file, row or folder, and column they concern. The
//! persist step — deciding to import, classifying values under an edition's rule set, writing to
//! the database — belongs to the caller (STYLE.md item 13).
//!
//! - [`read_dashlord`] reads a DashLord scanner snapshot (spec/formats.md §3) into
//!   [`DashlordFolder`]s: one per feedback product id, with its URL and its [`ParsedValue`]s.
//!   The snapshot is a [`SnapshotSource`]: a directory ([`read_dashlord_dir`]) or files in
//!   memory ([`MemorySnapshot`]).
//! - [`read_sheet`] reads the working spreadsheet, CSV or XLSX (§1), through a [`ColumnMapping`]
//!   that knows the historical column names and accepts the user's own, into [`SheetRow`]s.
//! - [`export`] renders a published edition as CSV, XLSX, JSON and a Table Schema (§4).
//!
//! A [`ParsedValue`] is an unclassified [`obs_domain::RawValue`] for one indicator slug, carrying
//! where it came from, so that a value the rules refuse can be reported at its place.
//!
//! ```
//! use obs_formats::{read_sheet, ColumnMapping};
//! let csv = "Ref_Demarche;Nom_Demarche;Note_Satisfaction;Aide_Joignable\n\
//!            D1;📄 #Carte grise;8,4;0,9\n\
//!            D2;Passeport;À venir;\n";
//! let data = read_sheet(csv.as_bytes(), "base.csv", &ColumnMapping::builtin());
//! assert!(data.problems.is_empty());
//! assert_eq!(data.rows[0].title.as_deref(), Some("Carte grise"));
//! assert_eq!(data.rows[0].values[1].value.as_number(), Some(90.0)); // fraction shown ×100
//! assert_eq!(data.rows[1].row, 3);
//! ```
//!
//! It deliberately does not touch a database, classify values, know which démarches exist or
//! read files other than those it is pointed at; it never panics on malformed input.
#![deny(missing_docs)]

pub mod dashlord;
mod dates;
pub mod export;
pub mod export_formats;
mod numbers;
pub mod problems;
pub mod sheet;

pub use dashlord::{
    DashlordFolder, DashlordSnapshot, MemorySnapshot, SnapshotSource, read_dashlord,
    read_dashlord_dir,
};
pub use export::{
    ExportEdition, ExportMeta, ExportRow, csv_columns, table_schema, to_csv, to_json, to_xlsx,
};
pub use export_formats::ExportFormat;
pub use problems::{ParsedValue, Problem, Severity};
pub use sheet::{ColumnMapping, SheetData, SheetRow, read_sheet};
