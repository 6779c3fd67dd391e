//! Reading a whole snapshot: list the démarche folders, read the index, parse every file, decide
//! the snapshot-wide scale of `contact_reachability`, then emit each folder's values.
//!
//! Each step is a function of what the previous ones found, so that snapshot-wide facts (a file
//! kind absent everywhere, the reachability scale) are known before any folder is judged.

use std::collections::BTreeMap;
use std::io;

use super::declaration::{Declaration, parse_declaration};
use super::index::{IndexEntry, parse_id, parse_index};
use super::jdma::{Jdma, ReachScale, parse_jdma};
use super::json::{Content, Ctx};
use super::kind::Kind;
use super::rgaa::{Rgaa, parse_rgaa};
use super::source::SnapshotSource;
use super::updown::{Updown, parse_updown};
use super::{DashlordFolder, DashlordSnapshot};
use crate::problems::Problem;

/// What one file of a folder turned out to be.
enum Loaded<T> {
    Missing,
    Empty,
    Invalid,
    Read(T),
}

/// The readings of one folder, before values are emitted.
struct FolderRead {
    id: u64,
    name: String,
    jdma: Loaded<Jdma>,
    updown: Loaded<Updown>,
    rgaa: Loaded<Rgaa>,
    declaration: Loaded<Declaration>,
    problems: Vec<Problem>,
}

/// The file kinds absent from every folder, reported once for the snapshot.
#[derive(Default)]
struct AbsentEverywhere([bool; Kind::ALL.len()]);

impl AbsentEverywhere {
    fn contains(&self, kind: Kind) -> bool {
        self.0[kind as usize]
    }
}

/// Reads a DashLord snapshot, from disk or memory.
///
/// Every numeric sub-folder is a démarche; other sub-folders are reported as errors and skipped
/// (hidden entries and plain files such as `index.csv` are not démarches). See the module
/// documentation for the files. Specifics:
///
/// - A file kind absent from **every** folder (no `updown.json` before 2025, no `rgaa.json` in
///   2025) is reported once for the snapshot rather than once per folder.
/// - `contact_reachability` should be a 0–1 share; when any `jdma.json` of the snapshot has a
///   value above 1, the whole snapshot is read as scores out of 10 (converted ×10 to %), with one
///   warning: the 2024-09-30 snapshot is on that scale, and only the snapshot as a whole tells a
///   score of 1 / 10 from a share of 100 %.
/// - Dates of the old feedback format are Europe/Paris calendar days.
///
/// Returns `Err` only when the snapshot itself cannot be listed.
pub fn read_dashlord(source: &SnapshotSource) -> io::Result<DashlordSnapshot> {
    let snap = source.name();
    let mut problems = Vec::new();
    let ids = folders(source, &snap, &mut problems)?;
    let index_file = format!("{snap}/index.csv");
    let index = index(source, &index_file, &ids, &mut problems);
    let absent = absent_everywhere(source, &snap, &ids, &mut problems);
    let reads: Vec<FolderRead> = ids
        .iter()
        .map(|(&id, name)| read_folder(source, &snap, id, name, &absent))
        .collect();
    let scale = reach_scale(&reads, &snap, &mut problems);
    let mut folders = Vec::with_capacity(reads.len());
    for r in reads {
        let url = match &index {
            Some(index) => {
                let url = index.get(&r.id).and_then(|e| e.url.clone());
                if url.is_none() {
                    problems.push(
                        Problem::warning(&index_file, "aucune URL connue pour cet identifiant")
                            .at(format!("dossier {}", r.id)),
                    );
                }
                url
            }
            None => None,
        };
        folders.push(r.into_folder(&snap, scale, url, &mut problems));
    }
    Ok(DashlordSnapshot { folders, problems })
}

/// 1. The démarche folders: product id → folder name.
fn folders(
    source: &SnapshotSource,
    snap: &str,
    problems: &mut Vec<Problem>,
) -> io::Result<BTreeMap<u64, String>> {
    let mut entries = Vec::new();
    for entry in source.entries()? {
        match entry {
            Ok(e) => entries.push(e),
            Err(e) => problems.push(Problem::error(
                snap,
                format!("entrée du dossier illisible ({e})"),
            )),
        }
    }
    entries.sort();
    let mut ids: BTreeMap<u64, String> = BTreeMap::new();
    for entry in entries {
        if !entry.is_dir || entry.name.starts_with('.') {
            continue;
        }
        let name = entry.name;
        match parse_id(&name) {
            None => problems.push(Problem::error(
                format!("{snap}/{name}"),
                "nom de dossier non numérique (un dossier par identifiant produit « Je donne mon avis » attendu) : dossier ignoré",
            )),
            Some(id) => {
                if let Some(prev) = ids.get(&id) {
                    problems.push(Problem::error(
                        format!("{snap}/{name}"),
                        format!("même identifiant produit que le dossier « {prev} » : dossier ignoré"),
                    ));
                } else {
                    ids.insert(id, name);
                }
            }
        }
    }
    Ok(ids)
}

/// 2. The URLs of `index.csv`, `None` when the index is missing or unreadable.
fn index(
    source: &SnapshotSource,
    index_file: &str,
    ids: &BTreeMap<u64, String>,
    problems: &mut Vec<Problem>,
) -> Option<BTreeMap<u64, IndexEntry>> {
    match source.read("index.csv") {
        Ok(bytes) => {
            let (index, index_problems) = parse_index(&bytes, index_file);
            problems.extend(index_problems);
            for id in index.keys().filter(|id| !ids.contains_key(id)) {
                problems.push(Problem::warning(
                    index_file,
                    format!("identifiant {id} listé sans dossier correspondant"),
                ));
            }
            Some(index)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            problems.push(Problem::warning(
                index_file,
                "index absent : aucune URL connue pour les démarches de l'instantané",
            ));
            None
        }
        Err(e) => {
            problems.push(Problem::error(
                index_file,
                format!("fichier illisible ({e})"),
            ));
            None
        }
    }
}

/// 3. File kinds absent from every folder, reported once.
fn absent_everywhere(
    source: &SnapshotSource,
    snap: &str,
    ids: &BTreeMap<u64, String>,
    problems: &mut Vec<Problem>,
) -> AbsentEverywhere {
    let mut absent = AbsentEverywhere::default();
    if ids.is_empty() {
        return absent;
    }
    for kind in Kind::ALL {
        let everywhere = ids
            .values()
            .all(|name| !source.exists(&format!("{name}/{}", kind.file_name())));
        absent.0[kind as usize] = everywhere;
        if everywhere {
            problems.push(Problem::warning(
                format!("{snap}/*/{}", kind.file_name()),
                format!(
                    "aucun des {} dossiers ne contient ce fichier : {}",
                    ids.len(),
                    kind.consequence()
                ),
            ));
        }
    }
    absent
}

/// 4. Every file of one folder, parsed, with the problems found.
fn read_folder(
    source: &SnapshotSource,
    snap: &str,
    id: u64,
    name: &str,
    absent: &AbsentEverywhere,
) -> FolderRead {
    let folder = FolderFiles {
        source,
        snap,
        id,
        name,
        absent,
    };
    let mut problems = Vec::new();
    let jdma = folder.load(Kind::Jdma, &mut problems, parse_jdma);
    // Informative: parsed and validated for its problems, its values are not used.
    let _ = folder.load(Kind::Jdma3Months, &mut problems, parse_jdma);
    let updown = folder.load(Kind::Updown, &mut problems, parse_updown);
    let rgaa = folder.load(Kind::Rgaa, &mut problems, parse_rgaa);
    let declaration = folder.load(Kind::Declaration, &mut problems, parse_declaration);
    FolderRead {
        id,
        name: name.to_string(),
        jdma,
        updown,
        rgaa,
        declaration,
        problems,
    }
}

/// One démarche folder of a snapshot, whose files are loaded one by one.
struct FolderFiles<'a> {
    source: &'a SnapshotSource,
    snap: &'a str,
    id: u64,
    name: &'a str,
    absent: &'a AbsentEverywhere,
}

impl FolderFiles<'_> {
    /// Reads and parses one file, turning a missing, unreadable, empty or invalid file into a
    /// problem (a missing file is not reported when it is absent from every folder).
    fn load<T>(
        &self,
        kind: Kind,
        problems: &mut Vec<Problem>,
        parse: impl FnOnce(&[u8], &Ctx) -> Content<T>,
    ) -> Loaded<T> {
        let ctx = Ctx::new(
            format!("{}/{}/{}", self.snap, self.name, kind.file_name()),
            self.id,
        );
        let bytes = match self
            .source
            .read(&format!("{}/{}", self.name, kind.file_name()))
        {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !self.absent.contains(kind) {
                    problems.push(ctx.warning(format!("fichier absent : {}", kind.consequence())));
                }
                return Loaded::Missing;
            }
            Err(e) => {
                problems.push(ctx.error(format!("fichier illisible ({e})")));
                return Loaded::Invalid;
            }
        };
        match parse(&bytes, &ctx) {
            Content::Empty => {
                problems.push(ctx.warning(format!(
                    "fichier vide (échec probable du scan) : {}",
                    kind.consequence()
                )));
                Loaded::Empty
            }
            Content::Invalid(p) => {
                problems.push(p);
                Loaded::Invalid
            }
            Content::Read(t, warnings) => {
                problems.extend(warnings);
                Loaded::Read(t)
            }
        }
    }
}

/// 5. The scale of `contact_reachability`, decided on the whole snapshot.
fn reach_scale(reads: &[FolderRead], snap: &str, problems: &mut Vec<Problem>) -> ReachScale {
    let reach: Vec<f64> = reads
        .iter()
        .filter_map(|r| match &r.jdma {
            Loaded::Read(j) => j.reachability(),
            _ => None,
        })
        .collect();
    let above_one = reach.iter().filter(|&&r| r > 1.0).count();
    if above_one == 0 {
        return ReachScale::Share;
    }
    problems.push(Problem::warning(
        format!("{snap}/*/jdma.json"),
        format!(
            "« contact_reachability » est une note sur 10 et non une part de 0 à 1 ({above_one} fichiers sur {} dépassent 1) : \
             toutes les valeurs de l'instantané sont lues sur 10 et converties en pourcentage (× 10) pour « Aide joignable »",
            reach.len()
        ),
    ));
    ReachScale::OutOfTen
}

impl FolderRead {
    /// 6. The folder's values; its problems are appended after `problems`.
    fn into_folder(
        self,
        snap: &str,
        scale: ReachScale,
        url: Option<String>,
        problems: &mut Vec<Problem>,
    ) -> DashlordFolder {
        let ctx = |kind: Kind| {
            Ctx::new(
                format!("{snap}/{}/{}", self.name, kind.file_name()),
                self.id,
            )
        };
        let mut values = Vec::new();
        let mut feedback_button = None;
        if let Loaded::Read(j) = &self.jdma {
            values.extend(j.values(&ctx(Kind::Jdma), scale));
            if j.has_answers() {
                feedback_button = Some(true);
            }
        }
        if let Loaded::Read(u) = &self.updown {
            values.extend(u.values(&ctx(Kind::Updown)));
        }
        if let Loaded::Read(g) = &self.rgaa {
            values.extend(g.values(&ctx(Kind::Rgaa)));
        }
        let (a11y_mention, declaration_url) = match self.declaration {
            Loaded::Read(d) => (d.mention, d.url),
            _ => (None, None),
        };
        problems.extend(self.problems);
        DashlordFolder {
            product_id: self.id,
            url,
            values,
            feedback_button,
            a11y_mention,
            declaration_url,
        }
    }
}
