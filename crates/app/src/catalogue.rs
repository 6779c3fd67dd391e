//! The démarche catalogue file: names and organisations for feedback product ids.
//!
//! The demo ships `data/demo-catalogue.csv`, demonstration data inferred from the scanned URLs
//! (labelled "données de démonstration" wherever it shows).

use std::collections::HashMap;

use crate::error::{AppError, Result};

/// One catalogue entry.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct Entry {
    /// Feedback product id.
    pub jdma_id: i64,
    /// Title.
    pub titre: String,
    /// Ministry.
    #[serde(default)]
    pub ministere: String,
    /// Administration.
    #[serde(default)]
    pub administration: String,
    /// Domain.
    #[serde(default)]
    pub domaine: String,
    /// Audiences, `;`-separated.
    #[serde(default)]
    pub publics: String,
    /// Total yearly volume.
    #[serde(default)]
    pub volume_total: Option<f64>,
    /// Online yearly volume.
    #[serde(default)]
    pub volume_en_ligne: Option<f64>,
    /// `online` label, when evident.
    #[serde(default)]
    pub statut_en_ligne: String,
    /// `auth` label, when evident.
    #[serde(default)]
    pub franceconnect: String,
}

/// A catalogue keyed by feedback product id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    entries: HashMap<i64, Entry>,
}

impl Catalogue {
    /// Parses the CSV text.
    pub fn parse(text: &str) -> Result<Catalogue> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let mut entries = HashMap::new();
        for (i, rec) in rdr.deserialize::<Entry>().enumerate() {
            let e = rec.map_err(|e| AppError::Invalid(format!("catalogue, ligne {} : {e}", i + 2)))?;
            if entries.insert(e.jdma_id, e).is_some() {
                return Err(AppError::Invalid(format!("catalogue, ligne {} : identifiant en double", i + 2)));
            }
        }
        Ok(Catalogue { entries })
    }

    /// The entry of a product id.
    pub fn get(&self, jdma_id: i64) -> Option<&Entry> {
        self.entries.get(&jdma_id)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn none_if_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl Entry {
    /// Ministry, if known.
    pub fn ministere(&self) -> Option<String> {
        none_if_empty(&self.ministere)
    }
    /// Administration, if known.
    pub fn administration(&self) -> Option<String> {
        none_if_empty(&self.administration)
    }
    /// Domain, if known.
    pub fn domaine(&self) -> Option<String> {
        none_if_empty(&self.domaine)
    }
    /// Audiences (the catalogue separates them with `;`).
    pub fn audiences(&self) -> Vec<String> {
        self.publics.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
}
