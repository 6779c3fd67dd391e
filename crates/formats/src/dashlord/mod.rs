//! DashLord scanner snapshots (spec/formats.md §3, data/dashlord/README.md).
//!
//! A snapshot is a directory with one sub-folder per démarche, named by its "Je donne mon avis"
//! product id, plus an `index.csv` giving the URL last scanned for each id. Each folder may hold
//! `jdma.json` (feedback scores, two formats), `jdma_3months.json` (informative, validated only),
//! `updown.json` (probe), `rgaa.json` (conformance rate) and `declaration-a11y.json` (mention).
//!
//! [`read_dashlord`] reads everything it can and reports the rest as [`Problem`]s: empty and
//! missing files are warnings (the indicators they feed stay "À venir"), unreadable JSON or JSON of
//! the wrong shape is an error and contributes no value. Reading is split in two: each file is
//! parsed into a typed reading, then the readings become [`ParsedValue`]s once the whole snapshot
//! is known (the scale of `contact_reachability` is decided per snapshot, see [`read_dashlord`]).
//!
//! A snapshot is read from a [`SnapshotSource`]: a directory ([`read_dashlord_dir`]) or files in
//! memory ([`MemorySnapshot`], used for the demo snapshots embedded in the binary).
//!
//! Modules: `source` (disk or memory), `read` (the whole snapshot, step by step), one module
//! per file (`jdma`, `updown`, `rgaa`, `declaration`, `index`), `json` (shape checks shared by
//! the JSON files) and `kind` (the file kinds and what each one feeds).

use std::io;
use std::path::Path;

use crate::problems::{ParsedValue, Problem};

mod declaration;
mod index;
mod jdma;
mod json;
mod kind;
mod read;
mod rgaa;
mod source;
mod updown;

pub use read::read_dashlord;
pub use source::{MemorySnapshot, SnapshotSource};

#[cfg(test)]
use {
    declaration::{Declaration, parse_declaration},
    index::parse_index,
    jdma::{ReachScale, parse_jdma},
    json::{Content, Ctx},
    rgaa::parse_rgaa,
    updown::parse_updown,
};

/// One démarche of a snapshot: a product-id folder and what its files say.
#[derive(Debug, Clone, PartialEq)]
pub struct DashlordFolder {
    /// The feedback product id (the folder name).
    pub product_id: u64,
    /// The URL last scanned for this id, from `index.csv`.
    pub url: Option<String>,
    /// The indicator values read from the folder's files.
    pub values: Vec<ParsedValue>,
    /// `Some(true)` when a readable `jdma.json` shows at least one answer, `None` otherwise.
    pub feedback_button: Option<bool>,
    /// The accessibility mention of `declaration-a11y.json` ("Accessibilité : partiellement conforme").
    pub a11y_mention: Option<String>,
    /// The accessibility declaration URL of `declaration-a11y.json`.
    pub declaration_url: Option<String>,
}

/// Everything read from one snapshot directory.
#[derive(Debug, Clone, PartialEq)]
pub struct DashlordSnapshot {
    /// The démarches, sorted by product id.
    pub folders: Vec<DashlordFolder>,
    /// Every problem found, snapshot-wide ones first, then folder by folder.
    pub problems: Vec<Problem>,
}

impl DashlordSnapshot {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// The folder of a product id.
    pub fn folder(&self, product_id: u64) -> Option<&DashlordFolder> {
        self.folders
            .binary_search_by_key(&product_id, |f| f.product_id)
            .ok()
            .map(|i| &self.folders[i])
    }
}

/// Reads a DashLord snapshot directory (see [`read_dashlord`]).
///
/// Returns `Err` only when `dir` itself cannot be listed.
pub fn read_dashlord_dir(dir: &Path) -> io::Result<DashlordSnapshot> {
    read_dashlord(&SnapshotSource::Dir(dir.to_path_buf()))
}

#[cfg(test)]
mod tests;
