//! The rule book: every rule set the program knows, with its source text and content hash.
//!
//! The three official rule sets are embedded in the binary; a rules directory (option
//! `--rules-dir` / `OBS_RULES_DIR`) overrides them file by file, so a team member can change a
//! threshold, recompute a draft edition and see the levels move without rebuilding.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use obs_domain::RuleSet;
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};

const EMBEDDED: [(&str, &str); 3] = [
    ("2019", include_str!("../../../rules/2019.toml")),
    ("2023", include_str!("../../../rules/2023.toml")),
    ("2025", include_str!("../../../rules/2025.toml")),
];

/// The rule set new editions use unless told otherwise.
pub const CURRENT: &str = "2025";

/// A loaded rule set and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedRules {
    /// The parsed rules.
    pub rules: Arc<RuleSet>,
    /// The exact text, stored with every revision frozen under it.
    pub source: String,
    /// SHA-256 of the text, hex.
    pub hash: String,
}

impl LoadedRules {
    /// Parses a rule-set text.
    pub fn parse(source: &str) -> Result<LoadedRules> {
        let rules = RuleSet::from_toml(source).map_err(|e| AppError::Invalid(e.to_string()))?;
        Ok(LoadedRules { rules: Arc::new(rules), source: source.to_string(), hash: hash(source) })
    }
}

/// SHA-256 of a text, hex.
pub fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// All known rule sets by id.
#[derive(Debug, Clone)]
pub struct RuleBook {
    sets: BTreeMap<String, LoadedRules>,
}

impl RuleBook {
    /// The embedded official rule sets.
    pub fn embedded() -> RuleBook {
        let sets = EMBEDDED
            .iter()
            .map(|(id, text)| {
                let loaded = LoadedRules::parse(text).expect("embedded rule sets are valid (tested)");
                (id.to_string(), loaded)
            })
            .collect();
        RuleBook { sets }
    }

    /// The embedded rule sets, overridden by every `*.toml` file of `dir`.
    pub fn with_dir(dir: &Path) -> Result<RuleBook> {
        let mut book = RuleBook::embedded();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| AppError::Invalid(format!("dossier de règles « {} » illisible : {e}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| AppError::Invalid(format!("fichier « {} » illisible : {e}", path.display())))?;
                let loaded = LoadedRules::parse(&text)
                    .map_err(|e| AppError::Invalid(format!("fichier « {} » : {e}", path.display())))?;
                book.sets.insert(loaded.rules.id.clone(), loaded);
            }
        }
        Ok(book)
    }

    /// The rule set with this id.
    pub fn get(&self, id: &str) -> Result<&LoadedRules> {
        self.sets.get(id).ok_or_else(|| {
            AppError::Invalid(format!(
                "jeu de règles « {id} » inconnu (connus : {})",
                self.sets.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// All rule sets, by id.
    pub fn all(&self) -> impl Iterator<Item = &LoadedRules> {
        self.sets.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rule_sets_parse() {
        let book = RuleBook::embedded();
        assert_eq!(book.all().count(), 3);
        assert!(book.get("2025").is_ok());
        assert!(book.get("1999").is_err());
    }
}
