//! [`ColumnMapping`]: which header spellings designate which canonical column, built from the
//! known aliases plus the user's own mapping file.
//!
//! Kept apart from the reader so that the mapping file is validated once, before any spreadsheet
//! is read, and its errors name the file rather than a row.

use super::columns::{COLUMNS, header_key};
use crate::problems::Problem;

/// Which header spellings designate which canonical column.
///
/// Headers are compared folded: case, accents, repeated spaces and `_` versus space do not matter.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMapping {
    /// Per canonical column (in [`COLUMNS`] order), its accepted spellings, canonical name first.
    spellings: Vec<Vec<String>>,
}

/// The name used for problems about the mapping file.
const MAPPING_FILE: &str = "correspondance des colonnes";

impl ColumnMapping {
    /// The canonical names and the aliases known from earlier bases.
    pub fn builtin() -> Self {
        let spellings = COLUMNS
            .iter()
            .map(|c| {
                std::iter::once(c.name)
                    .chain(c.aliases.iter().copied())
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        ColumnMapping { spellings }
    }

    /// Adds the spellings of a user mapping file: `[columns]` then `Canonical = ["Spelling", …]`
    /// (a single string is accepted too). An unknown canonical name, or a spelling already taken
    /// by another column, is an error.
    pub fn with_user_toml(self, text: &str) -> Result<Self, Problem> {
        self.with_user_toml_named(text, MAPPING_FILE)
    }

    /// Same as [`ColumnMapping::with_user_toml`], naming the file in problems.
    pub fn with_user_toml_named(mut self, text: &str, file: &str) -> Result<Self, Problem> {
        let err = |m: String| Problem::error(file, m);
        let table: toml::Table =
            toml::from_str(text).map_err(|e| err(format!("TOML illisible : {}", e.message())))?;
        for key in table.keys() {
            if key != "columns" {
                return Err(err(format!(
                    "section « {key} » inconnue (seule « [columns] » est attendue)"
                )));
            }
        }
        let Some(columns) = table.get("columns") else {
            return Ok(self);
        };
        let columns = columns
            .as_table()
            .ok_or_else(|| err("« columns » doit être une table [columns]".into()))?;
        for (canonical, value) in columns {
            let i = canonical_index(canonical).map_err(err)?;
            for name in user_spellings(canonical, value).map_err(err)? {
                self.add_spelling(i, canonical, name).map_err(err)?;
            }
        }
        Ok(self)
    }

    /// Adds `name` to column `i` (written `canonical` in the file), unless another column
    /// already answers to it.
    fn add_spelling(&mut self, i: usize, canonical: &str, name: String) -> Result<(), String> {
        let key = header_key(&name);
        if key.is_empty() {
            return Err(format!("« {canonical} » : intitulé vide"));
        }
        match self.column_of_key(&key) {
            Some(j) if j != i => Err(format!(
                "l'intitulé « {name} » désigne déjà la colonne « {} »",
                COLUMNS[j].name
            )),
            Some(_) => Ok(()),
            None => {
                self.spellings[i].push(name);
                Ok(())
            }
        }
    }

    /// The canonical column names, in order.
    pub fn canonical_names(&self) -> Vec<&'static str> {
        COLUMNS.iter().map(|c| c.name).collect()
    }

    /// The accepted spellings of a canonical column (canonical name first).
    pub fn spellings(&self, canonical: &str) -> Option<&[String]> {
        let i = COLUMNS.iter().position(|c| c.name == canonical)?;
        Some(&self.spellings[i])
    }

    /// The canonical column a header designates.
    pub fn canonical_for(&self, header: &str) -> Option<&'static str> {
        self.column_of_key(&header_key(header))
            .map(|i| COLUMNS[i].name)
    }

    /// The index in [`COLUMNS`] of the column a folded header designates.
    pub(super) fn column_of_key(&self, key: &str) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        self.spellings
            .iter()
            .position(|names| names.iter().any(|n| header_key(n) == key))
    }

    /// The accepted spellings of column `i`, quoted for a French message.
    pub(super) fn quoted_spellings(&self, i: usize) -> String {
        self.spellings[i]
            .iter()
            .map(|s| format!("« {s} »"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Default for ColumnMapping {
    fn default() -> Self {
        ColumnMapping::builtin()
    }
}

/// The index of a canonical name written in the mapping file (compared folded).
fn canonical_index(canonical: &str) -> Result<usize, String> {
    COLUMNS
        .iter()
        .position(|c| header_key(c.name) == header_key(canonical))
        .ok_or_else(|| {
            format!(
                "colonne canonique « {canonical} » inconnue ; colonnes possibles : {}",
                COLUMNS
                    .iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The spellings given for one canonical column: a text or a list of texts.
fn user_spellings(canonical: &str, value: &toml::Value) -> Result<Vec<String>, String> {
    let expected = || format!("« {canonical} » : une liste de textes est attendue");
    match value {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(expected),
        _ => Err(expected()),
    }
}
