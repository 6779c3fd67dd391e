//! Importers' persist step: validate everything first, then write everything in one transaction.
//!
//! Parsing lives in `obs-formats` (pure). Here every parsed value is also classified under the
//! edition's rule set, so that a label matching no level is reported with its file, row and
//! column before anything is written. By default any blocking problem rejects the whole import;
//! with `skip_invalid` the valid rows are imported and the problems reported.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use obs_domain::record::parse_day;
use obs_domain::{DayRange, Edition, Member, RawValue, RuleSet, ValueSource, classify};
use obs_formats::{ParsedValue, Problem, Severity, SnapshotSource};
use obs_store::demarches::{self, ExternalId};
use obs_store::editions;
use obs_store::measurements::{self, NewMeasurement};
use obs_store::{Tx, audit, now_utc};

use crate::App;
use crate::catalogue::Catalogue;
use crate::error::{AppError, Result};
use crate::policy::{Action, Actor, Resource, authorize};

/// A progress callback: (done, total).
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Options shared by importers.
#[derive(Clone, Default)]
pub struct ImportOptions {
    /// Import the valid rows and report the others instead of rejecting the whole input.
    pub skip_invalid: bool,
    /// Names and organisations for feedback product ids unknown so far.
    pub catalogue: Option<Arc<Catalogue>>,
    /// Extra column spellings for the spreadsheet importer (TOML text).
    pub mapping: Option<String>,
    /// Progress reporting for long imports.
    pub progress: Option<Progress>,
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    /// Edition slug.
    pub edition: String,
    /// Démarches in the input that were imported.
    pub demarches: usize,
    /// Démarches created because they were unknown.
    pub created: usize,
    /// Raw values recorded.
    pub values: usize,
    /// Every problem found (warnings, and errors skipped with `skip_invalid`).
    pub problems: Vec<Problem>,
}

/// One démarche of an input, whatever the format.
#[derive(Debug, Clone, Default)]
struct Incoming {
    jdma_id: Option<i64>,
    sheet_ref: Option<String>,
    title: Option<String>,
    ministere: Option<String>,
    administration: Option<String>,
    domaine: Option<String>,
    url: Option<String>,
    audiences: Vec<String>,
    volume_total: Option<f64>,
    volume_online: Option<f64>,
    feedback_button: Option<bool>,
    values: Vec<Sourced>,
    place: String,
}

/// What a parser produced, ready for the persist step.
struct Parsed {
    items: Vec<Incoming>,
    problems: Vec<Problem>,
    /// Audit action and input (`import.sheet FILE`).
    label: String,
    /// Whether a row with an error is left out whole (spreadsheets) under `skip_invalid`.
    whole_rows: bool,
}

/// A parsed value and where it comes from (the input file, or the catalogue's declarations).
#[derive(Debug, Clone)]
struct Sourced {
    parsed: ParsedValue,
    source: ValueSource,
}

impl Sourced {
    fn all(values: Vec<ParsedValue>, source: ValueSource) -> Vec<Sourced> {
        values.into_iter().map(|parsed| Sourced { parsed, source }).collect()
    }
}

fn error(file: &str, place: Option<String>, column: Option<String>, message: String) -> Problem {
    Problem { severity: Severity::Error, file: file.to_string(), place, column, message }
}

/// Classifies every value under the rules; drops and reports those that match no level.
fn check_values(rules: &RuleSet, items: &mut [Incoming], problems: &mut Vec<Problem>) {
    for item in items.iter_mut() {
        item.values.retain(|Sourced { parsed: v, .. }| {
            let Some(ind) = rules.indicator(&v.indicator) else { return true };
            match classify(ind, Some(&v.value), |_| None) {
                Ok(_) => true,
                Err(e) => {
                    problems.push(error(&v.file, v.place.clone(), v.column.clone(), e.to_string()));
                    false
                }
            }
        });
    }
}

fn apply_catalogue(item: &mut Incoming, cat: &Catalogue) {
    let Some(e) = item.jdma_id.and_then(|id| cat.get(id)) else { return };
    item.title = item.title.take().or_else(|| Some(e.titre.clone()));
    item.ministere = item.ministere.take().or_else(|| e.ministere());
    item.administration = item.administration.take().or_else(|| e.administration());
    item.domaine = item.domaine.take().or_else(|| e.domaine());
    if item.audiences.is_empty() {
        item.audiences = e.audiences();
    }
    item.volume_total = item.volume_total.or(e.volume_total);
    item.volume_online = item.volume_online.or(e.volume_en_ligne);
    for (slug, label) in [("online", &e.statut_en_ligne), ("auth", &e.franceconnect)] {
        if !label.trim().is_empty() && !item.values.iter().any(|v| v.parsed.indicator == slug) {
            // The catalogue records what ministries declare.
            item.values.push(Sourced {
                parsed: ParsedValue {
                    indicator: slug.to_string(),
                    value: RawValue::text(label.trim()),
                    file: "data/demo-catalogue.csv".to_string(),
                    place: Some(format!("identifiant {}", e.jdma_id)),
                    column: None,
                    window: None,
                },
                source: ValueSource::Ministere,
            });
        }
    }
}

impl App {
    /// Reads the edition to import into and refuses early when it no longer accepts values
    /// (the check is repeated, under lock, in the transaction that writes: see `persist`).
    async fn writable_edition(&self, actor: &Actor, slug: &str) -> Result<Edition> {
        authorize(actor, Action::ManageEditions, Resource::Observatory)?;
        let mut h = self.store.conn().await?;
        let e = editions::by_slug(h.conn(), slug).await?;
        check_writable(&e)?;
        Ok(e)
    }

    /// Imports a scanner results folder (one sub-folder per feedback product id) into an edition.
    pub async fn import_dashlord(&self, actor: &Actor, dir: &Path, slug: &str, opts: &ImportOptions) -> Result<ImportReport> {
        self.import_dashlord_snapshot(actor, &SnapshotSource::Dir(dir.to_path_buf()), slug, opts).await
    }

    /// Imports a scanner snapshot, from a folder or from files in memory (the embedded demo).
    pub async fn import_dashlord_snapshot(&self, actor: &Actor, source: &SnapshotSource, slug: &str, opts: &ImportOptions) -> Result<ImportReport> {
        let e = self.writable_edition(actor, slug).await?;
        let snapshot = obs_formats::read_dashlord(source)
            .map_err(|err| AppError::Invalid(format!("dossier « {source} » illisible : {err}")))?;
        let mut problems = snapshot.problems;
        let mut items: Vec<Incoming> = snapshot
            .folders
            .into_iter()
            .map(|f| Incoming {
                jdma_id: i64::try_from(f.product_id).ok(),
                url: f.url,
                feedback_button: f.feedback_button,
                values: Sourced::all(f.values, ValueSource::Import),
                place: format!("dossier {}", f.product_id),
                ..Incoming::default()
            })
            .collect();
        if let Some(cat) = &opts.catalogue {
            items.iter_mut().for_each(|i| apply_catalogue(i, cat));
        }
        let label = format!("import.dashlord {source}");
        // A folder with an unreadable file is still a démarche of the edition (the file counts as
        // empty), so folders are never dropped whole.
        self.persist(actor, e, Parsed { items, problems: problems.split_off(0), label, whole_rows: false }, opts).await
    }

    /// Imports the working spreadsheet (CSV or XLSX bytes) into an edition.
    pub async fn import_sheet(&self, actor: &Actor, bytes: &[u8], file_name: &str, slug: &str, opts: &ImportOptions) -> Result<ImportReport> {
        let e = self.writable_edition(actor, slug).await?;
        let mut mapping = obs_formats::sheet::ColumnMapping::builtin();
        if let Some(text) = &opts.mapping {
            mapping = mapping.with_user_toml(text).map_err(|p| AppError::ImportRejected(vec![p]))?;
        }
        let data = obs_formats::sheet::read_sheet(bytes, file_name, &mapping);
        let mut problems = data.problems;
        let mut items = Vec::new();
        for r in data.rows {
            if let Some(ed) = r.edition_ref.as_deref().filter(|s| !s.trim().is_empty()) {
                let f = obs_domain::text::fold(ed);
                if f != obs_domain::text::fold(&e.slug) && f != obs_domain::text::fold(&e.name) {
                    problems.push(Problem {
                        severity: Severity::Warning,
                        file: file_name.to_string(),
                        place: Some(format!("ligne {}", r.row)),
                        column: Some("Ref_Edition".into()),
                        message: format!("ligne d'une autre édition (« {ed} »), ignorée"),
                    });
                    continue;
                }
            }
            items.push(Incoming {
                jdma_id: r.jdma_id.and_then(|v| i64::try_from(v).ok()),
                sheet_ref: r.demarche_ref,
                title: r.title,
                ministere: r.ministere,
                administration: r.administration,
                domaine: r.domaine,
                url: r.url,
                audiences: r.audience,
                volume_total: r.volume_total,
                volume_online: r.volume_online,
                feedback_button: r.feedback_button,
                values: Sourced::all(r.values, ValueSource::Ministere),
                place: format!("ligne {}", r.row),
            });
        }
        if let Some(cat) = &opts.catalogue {
            items.iter_mut().for_each(|i| apply_catalogue(i, cat));
        }
        let label = format!("import.sheet {file_name}");
        self.persist(actor, e, Parsed { items, problems, label, whole_rows: true }, opts).await
    }

    async fn persist(&self, actor: &Actor, e: Edition, parsed: Parsed, opts: &ImportOptions) -> Result<ImportReport> {
        let Parsed { mut items, mut problems, label, whole_rows } = parsed;
        let label = label.as_str();
        let rules = self.rules.get(&e.ruleset_id)?.rules.clone();
        check_values(&rules, &mut items, &mut problems);
        if opts.skip_invalid && whole_rows {
            // Spreadsheet rows are all-or-nothing too: a row with any error is left out whole.
            let bad: HashSet<&str> = problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .filter_map(|p| p.place.as_deref())
                .collect();
            items.retain(|i| !bad.contains(i.place.as_str()));
        }
        let blocking = problems.iter().any(|p| p.severity == Severity::Error);
        if blocking && !opts.skip_invalid {
            return Err(AppError::ImportRejected(problems));
        }
        let now = now_utc();
        let author = actor.audit_name();
        let total = items.len() as u64;
        let mut tx = self.store.begin().await?;
        // The state may have changed since it was first read (a publication in between): check
        // it again with the edition locked, in the transaction that writes the values.
        let locked = editions::lock_by_slug(tx.conn(), &e.slug).await?;
        check_writable(&locked)?;
        if locked.ruleset_id != e.ruleset_id {
            return Err(AppError::Refused(format!("le jeu de règles de l'édition « {} » a changé pendant l'import : relancez-le", e.slug)));
        }
        let (mut created, mut values) = (0, 0);
        let mut members = Vec::with_capacity(items.len());
        let mut rows = Vec::new();
        // Where each démarche was met in this input: two rows for one démarche would make the
        // second silently overwrite the first.
        let mut seen: HashMap<i64, String> = HashMap::new();
        for (i, item) in items.into_iter().enumerate() {
            let resolved = match resolve(&mut tx, &item).await {
                Ok(r) => Ok(r),
                Err(AppError::Invalid(msg)) => Err(msg),
                Err(other) => return Err(other),
            };
            let resolved = resolved.and_then(|(id, is_new)| match seen.get(&id) {
                Some(first) => Err(format!("{} : même démarche (n° {id}) que {first}", item.place)),
                None => Ok((id, is_new)),
            });
            let (id, is_new) = match resolved {
                Ok(r) => r,
                Err(message) => {
                    problems.push(Problem {
                        severity: Severity::Error,
                        file: item.values.first().map(|v| v.parsed.file.clone()).unwrap_or_else(|| label.to_string()),
                        place: Some(item.place.clone()),
                        column: None,
                        message,
                    });
                    if opts.skip_invalid {
                        continue;
                    }
                    // Nothing is committed: dropping the transaction rolls it back.
                    return Err(AppError::ImportRejected(problems));
                }
            };
            seen.insert(id, item.place.clone());
            created += usize::from(is_new);
            // Fields the input does not give keep their value in this edition (a scanner import
            // after the spreadsheet must not erase names and ministries), then the last
            // published title.
            let existing = editions::member(tx.conn(), e.id, id).await?;
            let keep = |new: &Option<String>, old: Option<&Option<String>>| new.clone().or_else(|| old.cloned().flatten());
            let previous_title = match (&item.title, &existing) {
                (Some(_), _) => None,
                (None, Some(m)) => Some(m.title.clone()),
                (None, None) if !is_new => demarches::history(tx.conn(), id).await?.pop().map(|v| v.title),
                (None, None) => None,
            };
            let title = item
                .title
                .clone()
                .or(previous_title)
                .unwrap_or_else(|| match item.jdma_id {
                    Some(j) => format!("Démarche n° {j}"),
                    None => format!("Démarche {}", item.sheet_ref.clone().unwrap_or_default()),
                });
            members.push(Member {
                demarche_id: id,
                title,
                ministere: keep(&item.ministere, existing.as_ref().map(|m| &m.ministere)),
                administration: keep(&item.administration, existing.as_ref().map(|m| &m.administration)),
                domaine: keep(&item.domaine, existing.as_ref().map(|m| &m.domaine)),
                url: keep(&item.url, existing.as_ref().map(|m| &m.url)),
                audiences: if item.audiences.is_empty() {
                    existing.as_ref().map(|m| m.audiences.clone()).unwrap_or_default()
                } else {
                    item.audiences.clone()
                },
                volume_total: item.volume_total.or(existing.as_ref().and_then(|m| m.volume_total)),
                volume_online: item.volume_online.or(existing.as_ref().and_then(|m| m.volume_online)),
                feedback_button: item.feedback_button.or(existing.as_ref().and_then(|m| m.feedback_button)),
            });
            for Sourced { parsed: v, source } in &item.values {
                rows.push(NewMeasurement {
                    demarche_id: id,
                    indicator: v.indicator.clone(),
                    value: v.value.clone(),
                    source: *source,
                    source_ref: Some(match (&v.place, &v.column) {
                        (Some(p), Some(c)) => format!("{} ({p}, {c})", v.file),
                        (Some(p), None) => format!("{} ({p})", v.file),
                        _ => v.file.clone(),
                    }),
                    window: v.window.as_ref().map(|(from, to)| day_range(from, to)).transpose()?,
                    author: author.clone(),
                });
                values += 1;
            }
            if let Some(p) = &opts.progress {
                p(i as u64 + 1, total);
            }
        }
        editions::put_members(tx.conn(), e.id, &members).await?;
        measurements::insert(tx.conn(), e.id, &rows, now).await?;
        let detail = format!(
            "{} démarches ({created} créées), {values} valeurs, {} problème(s)",
            members.len(),
            problems.len()
        );
        audit::record(tx.conn(), &author, label.split(' ').next().unwrap_or(label), &e.slug, &detail).await?;
        tx.commit().await?;
        Ok(ImportReport { edition: e.slug, demarches: members.len(), created, values, problems })
    }
}

/// Refuses values for an edition that no longer accepts them (published, no correction open).
fn check_writable(e: &Edition) -> Result<()> {
    if e.accepts_measurements() {
        return Ok(());
    }
    let slug = &e.slug;
    Err(AppError::Refused(format!(
        "l'édition « {slug} » est {} (révision {}) : ses valeurs ne changent plus. \
         Pour la corriger, ouvrez d'abord une correction : observatoire edition correct {slug} --reason \"…\"",
        e.state.as_str(),
        e.current_revision
    )))
}

/// The window of a parsed value (ISO days from the parsers).
fn day_range(from: &str, to: &str) -> Result<DayRange> {
    let invalid = || AppError::Invalid(format!("période de mesure invalide : du « {from} » au « {to} »"));
    let (a, b) = (parse_day(from).ok_or_else(invalid)?, parse_day(to).ok_or_else(invalid)?);
    DayRange::new(a, b).ok_or_else(invalid)
}

/// Finds the démarche of an incoming row by its external ids, or creates it.
async fn resolve(tx: &mut Tx, item: &Incoming) -> Result<(i64, bool)> {
    let by_ref = match &item.sheet_ref {
        Some(r) => demarches::find(tx.conn(), ExternalId::SheetRef(r)).await?,
        None => None,
    };
    let by_jdma = match item.jdma_id {
        Some(j) => demarches::find(tx.conn(), ExternalId::Jdma(j)).await?,
        None => None,
    };
    match (by_ref, by_jdma) {
        (Some(a), Some(b)) if a.id != b.id => Err(AppError::Invalid(format!(
            "{} : la référence « {} » et l'identifiant JDMA {} désignent deux démarches différentes (n° {} et n° {})",
            item.place,
            item.sheet_ref.clone().unwrap_or_default(),
            item.jdma_id.unwrap_or_default(),
            a.id,
            b.id
        ))),
        (Some(d), _) | (None, Some(d)) => {
            demarches::attach_ids(tx.conn(), d.id, item.jdma_id, item.sheet_ref.as_deref()).await?;
            Ok((d.id, false))
        }
        (None, None) => {
            if item.jdma_id.is_none() && item.sheet_ref.is_none() {
                return Err(AppError::Invalid(format!("{} : aucun identifiant de démarche", item.place)));
            }
            Ok((demarches::create(tx.conn(), item.jdma_id, item.sheet_ref.as_deref(), None).await?, true))
        }
    }
}
