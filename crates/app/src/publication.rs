//! What an edition publishes: synthesis (whole and per group), diff with another edition, and
//! open-data exports.

use std::collections::BTreeMap;

use obs_domain::Edition;
use obs_domain::diff::{DiffRow, EditionDiff, diff};
use obs_domain::synthesis::{Headline, Synthesis, headline, synthesize};
use obs_formats::ExportFormat;
use obs_formats::export::{ExportEdition, ExportMeta, ExportRow};

use crate::App;
use crate::editions::View;
use crate::error::{AppError, Result};
use crate::policy::Actor;
use crate::table::{EditionTable, TableRow};

/// The synthesis of an edition as published (`edition synthesis SLUG --json`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SynthesisReport {
    /// Edition slug.
    pub edition: String,
    /// Frozen revision, if published.
    pub revision: Option<i32>,
    /// Rule set id.
    pub ruleset: String,
    /// Number of démarches.
    pub demarches: u64,
    /// Per indicator figures.
    pub indicators: Vec<obs_domain::synthesis::IndicatorSynthesis>,
}

impl SynthesisReport {
    pub(crate) fn new(table: &EditionTable, s: Synthesis, revision: Option<i32>) -> SynthesisReport {
        SynthesisReport {
            edition: table.edition.slug.clone(),
            revision,
            ruleset: table.rules.id.clone(),
            demarches: s.demarches,
            indicators: s.indicators,
        }
    }
}

/// How to group démarches for a group synthesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// By ministry.
    Ministere,
    /// By administration.
    Administration,
    /// By domain.
    Domaine,
}

impl GroupBy {
    /// The name used in URLs and parameters (the inverse of [`GroupBy::parse`]).
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Ministere => "ministere",
            GroupBy::Administration => "administration",
            GroupBy::Domaine => "domaine",
        }
    }

    /// Parses `ministere`, `administration`, `domaine`.
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "ministere" => Some(GroupBy::Ministere),
            "administration" => Some(GroupBy::Administration),
            "domaine" => Some(GroupBy::Domaine),
            _ => None,
        }
    }

    /// The group name of a row ("Non renseigné" when empty).
    pub fn of(self, row: &TableRow) -> String {
        let v = match self {
            GroupBy::Ministere => &row.member.ministere,
            GroupBy::Administration => &row.member.administration,
            GroupBy::Domaine => &row.member.domaine,
        };
        v.clone().unwrap_or_else(|| "Non renseigné".to_string())
    }
}

/// The synthesis of one group.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupSynthesis {
    /// Group name.
    pub name: String,
    /// Figures.
    pub synthesis: Synthesis,
}

/// Synthesis per group, sorted by group name.
pub fn group_syntheses(table: &EditionTable, by: GroupBy) -> Vec<GroupSynthesis> {
    let mut groups: BTreeMap<String, Vec<&TableRow>> = BTreeMap::new();
    for r in &table.rows {
        groups.entry(by.of(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(name, rows)| {
            let rows: Vec<&[obs_domain::Cell]> = rows.iter().map(|r| r.cells.as_slice()).collect();
            GroupSynthesis { name, synthesis: synthesize(&table.rules, &rows) }
        })
        .collect()
}

fn diff_rows(t: &EditionTable) -> BTreeMap<i64, DiffRow> {
    t.rows
        .iter()
        .map(|r| {
            let levels = t
                .rules
                .indicators
                .iter()
                .zip(&r.cells)
                .map(|(ind, c)| {
                    let l = c.level(ind);
                    (ind.slug.clone(), (l.label.clone(), l.color, c.value))
                })
                .collect();
            (r.member.demarche_id, DiffRow { title: r.member.title.clone(), levels })
        })
        .collect()
}

impl App {
    /// The synthesis of an edition. For a published edition it is read from its revision,
    /// computed once at publication.
    pub async fn synthesis(&self, actor: &Actor, slug: &str) -> Result<SynthesisReport> {
        let e = self.edition(actor, slug).await?;
        if e.current_revision > 0 && e.state.is_published() {
            let mut h = self.store.conn().await?;
            let rev = obs_store::revisions::get(h.conn(), e.id, e.current_revision).await?;
            return serde_json::from_str(&rev.synthesis_json)
                .map_err(|err| AppError::Internal(format!("synthèse enregistrée illisible : {err}")));
        }
        let table = self.table(actor, slug, View::Current).await?;
        let s = synthesize(&table.rules, &table.rows);
        Ok(SynthesisReport::new(&table, s, table.revision.as_ref().map(|r| r.revision)))
    }

    /// Headline counts of an edition.
    pub async fn headline(&self, actor: &Actor, slug: &str) -> Result<Headline> {
        let table = self.table(actor, slug, View::Current).await?;
        let buttons: Vec<bool> = table.rows.iter().map(|r| r.member.feedback_button == Some(true)).collect();
        Ok(headline(&table.rules, &table.rows, &buttons))
    }

    /// Two editions, older first (by cut-off date, then creation): the order every comparison uses.
    pub async fn in_order(
        &self,
        actor: &Actor,
        a: &str,
        b: &str,
    ) -> Result<(Edition, Edition)> {
        let ea = self.edition(actor, a).await?;
        let eb = self.edition(actor, b).await?;
        let key = |e: &Edition| (e.cutoff, e.created_at, e.id);
        Ok(if key(&ea) <= key(&eb) { (ea, eb) } else { (eb, ea) })
    }

    /// Differences between two editions, always from the older to the newer (by cut-off date,
    /// then creation), whatever the order they are named in, so "up" means the same everywhere.
    pub async fn diff(&self, actor: &Actor, a: &str, b: &str) -> Result<EditionDiff> {
        let (older, newer) = self.in_order(actor, a, b).await?;
        let ta = self.table_of(actor, older, View::Current).await?;
        let tb = self.table_of(actor, newer, View::Current).await?;
        Ok(diff(&diff_rows(&ta), &diff_rows(&tb)))
    }

    /// An open-data export of an edition.
    pub async fn export(&self, actor: &Actor, slug: &str, format: ExportFormat) -> Result<Vec<u8>> {
        let table = self.table(actor, slug, View::Current).await?;
        export_table(&table, format)
    }
}

/// Serialises a table in an export format.
pub fn export_table(table: &EditionTable, format: ExportFormat) -> Result<Vec<u8>> {
    let e = &table.edition;
    let meta = ExportMeta {
        slug: e.slug.clone(),
        name: e.name.clone(),
        quarter: e.quarter.clone(),
        ruleset_id: table.rules.id.clone(),
        revision: table.revision.as_ref().and_then(|r| u32::try_from(r.revision).ok()),
        state: e.state.as_str().to_string(),
        published_at: table.revision.as_ref().map(|r| r.published_at.to_string()),
        demo: e.demo,
    };
    let rows = table
        .rows
        .iter()
        .map(|r| ExportRow {
            member: r.member.clone(),
            cells: r.cells.clone(),
        })
        .collect();
    let by_ministry = group_syntheses(table, GroupBy::Ministere).into_iter().map(|g| (g.name, g.synthesis)).collect();
    let ex = ExportEdition { meta, rules: &table.rules, rows, by_ministry };
    let json = |v: serde_json::Value| serde_json::to_vec_pretty(&v).map_err(|e| AppError::Internal(format!("export JSON impossible : {e}")));
    match format {
        ExportFormat::Csv => Ok(obs_formats::export::to_csv(&ex, b';', true)),
        ExportFormat::CsvComma => Ok(obs_formats::export::to_csv(&ex, b',', false)),
        ExportFormat::Xlsx => obs_formats::export::to_xlsx(&ex).map_err(|e| AppError::Internal(format!("export XLSX impossible : {e}"))),
        ExportFormat::Json => json(obs_formats::export::to_json(&ex)),
        ExportFormat::Schema => json(obs_formats::export::table_schema(&ex)),
    }
}
