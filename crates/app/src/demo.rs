//! The demonstration database: the three real scanner snapshots become three published
//! editions, with names and organisations from the demo catalogue.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogue::Catalogue;
use crate::editions::EditionInput;
use crate::error::{AppError, Result};
use crate::import::{ImportOptions, ImportReport, Progress};
use crate::policy::Actor;
use crate::App;

/// One snapshot of the demo.
#[derive(Debug, Clone, Copy)]
pub struct DemoEdition {
    /// Edition slug.
    pub slug: &'static str,
    /// Edition name.
    pub name: &'static str,
    /// Folder under `data/dashlord`.
    pub folder: &'static str,
    /// Rule set in force at the time.
    pub ruleset: &'static str,
}

/// The three demo editions, oldest first.
pub const EDITIONS: [DemoEdition; 3] = [
    DemoEdition { slug: "2023-juin", name: "Juin 2023", folder: "2023-06-30", ruleset: "2023" },
    DemoEdition { slug: "2024-septembre", name: "Septembre 2024", folder: "2024-09-30", ruleset: "2023" },
    DemoEdition { slug: "2025-decembre", name: "Décembre 2025", folder: "2025-12-31", ruleset: "2025" },
];

/// The repository's `data/` folder, where the demo files live.
pub fn default_data_dir() -> PathBuf {
    let here = PathBuf::from("data");
    if here.join("dashlord").is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// Loads the demo catalogue from a data folder.
pub fn load_catalogue(data_dir: &Path) -> Result<Catalogue> {
    let path = data_dir.join("demo-catalogue.csv");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| AppError::Invalid(format!("catalogue de démonstration « {} » illisible : {e}", path.display())))?;
    Catalogue::parse(&text)
}

/// Fills an empty database with the demo editions, imported and published.
pub async fn build(app: &App, data_dir: &Path, progress: Option<Progress>) -> Result<Vec<ImportReport>> {
    let actor = Actor::Operator("demo".into());
    let catalogue = Arc::new(load_catalogue(data_dir)?);
    let opts = ImportOptions { catalogue: Some(catalogue), progress, ..ImportOptions::default() };
    let mut reports = Vec::new();
    for d in EDITIONS {
        app.create_edition(
            &actor,
            EditionInput {
                slug: d.slug.into(),
                name: d.name.into(),
                ruleset: Some(d.ruleset.into()),
                cutoff: Some(d.folder.into()),
                demo: true,
                ..EditionInput::default()
            },
        )
        .await?;
        let report = app.import_dashlord(&actor, &data_dir.join("dashlord").join(d.folder), d.slug, &opts).await?;
        app.publish(&actor, d.slug).await?;
        reports.push(report);
    }
    Ok(reports)
}
