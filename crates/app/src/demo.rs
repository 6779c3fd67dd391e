//! The demonstration database: the three real scanner snapshots become three published
//! editions, with names and organisations from the demo catalogue.
//!
//! The demo files are embedded in the binary at build time (see `build.rs`), so
//! `observatoire demo` runs from the released binary alone, wherever it is copied;
//! `--data DOSSIER` reads a folder laid out like the repository's `data/` instead.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use obs_formats::{MemorySnapshot, SnapshotSource};

use crate::App;
use crate::catalogue::Catalogue;
use crate::editions::EditionInput;
use crate::error::{AppError, Result};
use crate::import::{ImportOptions, ImportReport, Progress};
use crate::policy::Actor;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));
}

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
    DemoEdition {
        slug: "2023-juin",
        name: "Juin 2023",
        folder: "2023-06-30",
        ruleset: "2023",
    },
    DemoEdition {
        slug: "2024-septembre",
        name: "Septembre 2024",
        folder: "2024-09-30",
        ruleset: "2023",
    },
    DemoEdition {
        slug: "2025-decembre",
        name: "Décembre 2025",
        folder: "2025-12-31",
        ruleset: "2025",
    },
];

/// The catalogue's path under `data/`.
const CATALOGUE: &str = "demo-catalogue.csv";

/// Where the demo files come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DemoData {
    /// The copies embedded in the binary when it was built (the default).
    #[default]
    Embedded,
    /// A folder laid out like the repository's `data/`: `dashlord/<snapshot>/` and
    /// `demo-catalogue.csv` (`observatoire demo --data DOSSIER`).
    Dir(PathBuf),
}

impl DemoData {
    /// The demo catalogue's text.
    pub fn catalogue_text(&self) -> Result<Cow<'static, str>> {
        match self {
            DemoData::Embedded => {
                let bytes = embedded_file(CATALOGUE).ok_or_else(|| {
                    AppError::Invalid(format!(
                        "catalogue de démonstration « {CATALOGUE} » absent du programme"
                    ))
                })?;
                std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
                    AppError::Invalid(format!(
                        "catalogue de démonstration intégré illisible : {e}"
                    ))
                })
            }
            DemoData::Dir(dir) => {
                let path = dir.join(CATALOGUE);
                std::fs::read_to_string(&path).map(Cow::Owned).map_err(|e| {
                    AppError::Invalid(format!(
                        "catalogue de démonstration « {} » illisible : {e}",
                        path.display()
                    ))
                })
            }
        }
    }

    /// The scanner snapshot of a folder of `data/dashlord` (`2025-12-31`…).
    pub fn snapshot(&self, folder: &str) -> Result<SnapshotSource> {
        match self {
            DemoData::Embedded => {
                let prefix = format!("dashlord/{folder}/");
                let mut snap = MemorySnapshot::new(folder);
                for (path, bytes) in embedded::FILES {
                    if let Some(rel) = path.strip_prefix(&prefix) {
                        snap.insert(rel, *bytes);
                    }
                }
                if snap.is_empty() {
                    return Err(AppError::Invalid(format!(
                        "instantané « {folder} » absent des données intégrées au programme"
                    )));
                }
                Ok(SnapshotSource::Memory(snap))
            }
            DemoData::Dir(dir) => Ok(SnapshotSource::Dir(dir.join("dashlord").join(folder))),
        }
    }
}

/// The bytes of an embedded demo file, by its path under `data/`.
fn embedded_file(path: &str) -> Option<&'static [u8]> {
    embedded::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
}

/// Loads the demo catalogue.
pub fn load_catalogue(data: &DemoData) -> Result<Catalogue> {
    Catalogue::parse(&data.catalogue_text()?)
}

/// Fills an empty database with the demo editions, imported and published.
pub async fn build(
    app: &App,
    data: &DemoData,
    progress: Option<Progress>,
) -> Result<Vec<ImportReport>> {
    let actor = Actor::Operator("demo".into());
    let catalogue = Arc::new(load_catalogue(data)?);
    let opts = ImportOptions {
        catalogue: Some(catalogue),
        progress,
        ..ImportOptions::default()
    };
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
        let report = app
            .import_dashlord_snapshot(&actor, &data.snapshot(d.folder)?, d.slug, &opts)
            .await?;
        app.publish(&actor, d.slug).await?;
        reports.push(report);
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_snapshot_and_the_catalogue_are_embedded() {
        for d in EDITIONS {
            let SnapshotSource::Memory(snap) = DemoData::Embedded.snapshot(d.folder).unwrap()
            else {
                panic!("embedded data is in memory");
            };
            let on_disk = std::fs::read_dir(format!(
                "{}/../../data/dashlord/{}",
                env!("CARGO_MANIFEST_DIR"),
                d.folder
            ))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                if p.is_dir() {
                    std::fs::read_dir(p).unwrap().count()
                } else {
                    1
                }
            })
            .sum::<usize>();
            assert_eq!(snap.len(), on_disk, "{}: every file embedded", d.folder);
        }
        let catalogue = load_catalogue(&DemoData::Embedded).unwrap();
        let dir = DemoData::Dir(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data"
        )));
        assert_eq!(
            DemoData::Embedded.catalogue_text().unwrap(),
            dir.catalogue_text().unwrap()
        );
        assert!(catalogue.len() > 200, "{}", catalogue.len());
    }

    #[test]
    fn embedded_snapshots_read_like_the_repository_folders() {
        let dir = DemoData::Dir(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data"
        )));
        for d in EDITIONS {
            let embedded =
                obs_formats::read_dashlord(&DemoData::Embedded.snapshot(d.folder).unwrap())
                    .unwrap();
            let folder = obs_formats::read_dashlord(&dir.snapshot(d.folder).unwrap()).unwrap();
            assert_eq!(embedded, folder, "{}", d.folder);
        }
    }

    #[test]
    fn a_missing_folder_is_a_french_error() {
        let e = DemoData::Embedded.snapshot("1999-01-01").unwrap_err();
        assert!(
            e.to_string().contains("instantané « 1999-01-01 » absent"),
            "{e}"
        );
        let e = load_catalogue(&DemoData::Dir(PathBuf::from("/nulle/part"))).unwrap_err();
        assert!(e.to_string().contains("catalogue de démonstration"), "{e}");
    }
}
