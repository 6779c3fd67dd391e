//! A démarche across editions: identity, dated history and its rows in every edition.
//!
//! The visibility rules of a démarche live here, once, for the page and the API alike: it is
//! shown only through the editions the caller may read (a démarche in no such edition is "not
//! found"), and its dated history stops at the latest cut-off of the editions the caller may
//! read (later versions come from work in progress).

use std::collections::HashMap;
use std::sync::Arc;

use obs_domain::{Demarche, Measurement, Member, Version};
use obs_store::{demarches, measurements};

use crate::editions::View;
use crate::error::{AppError, Result};
use crate::policy::Actor;
use crate::table::{EditionTable, TableRow};
use crate::App;

/// The démarche in one edition.
#[derive(Debug, Clone)]
pub struct Appearance {
    /// The classified edition.
    pub table: Arc<EditionTable>,
    /// Index of the démarche's row in `table.rows`.
    pub row: usize,
}

impl Appearance {
    /// The démarche's row in this edition.
    pub fn row(&self) -> &TableRow {
        &self.table.rows[self.row]
    }
}

/// Everything the démarche page shows.
#[derive(Debug, Clone)]
pub struct DemarcheView {
    /// Identity and external ids.
    pub demarche: Demarche,
    /// Dated history of title, organisation, URL and observation, oldest first, up to the
    /// latest cut-off of the editions visible to the caller.
    pub versions: Vec<Version>,
    /// Its rows in every edition visible to the caller, oldest first (matched by id, never
    /// title); never empty.
    pub appearances: Vec<Appearance>,
    /// Provenance of the raw values of the latest appearance, by measurement id.
    pub sources: HashMap<i64, Measurement>,
}

impl DemarcheView {
    /// The latest appearance (the page and the API describe the démarche as it is there).
    pub fn latest(&self) -> &Appearance {
        // `App::demarche` never builds a view without appearances.
        &self.appearances[self.appearances.len() - 1]
    }

    /// The démarche's fields in its latest edition.
    pub fn member(&self) -> &Member {
        &self.latest().row().member
    }
}

impl App {
    /// A démarche and its history across the editions the caller may read; not found when it
    /// is in none of them.
    pub async fn demarche(&self, actor: &Actor, id: i64) -> Result<DemarcheView> {
        let mut h = self.store.conn().await?;
        let demarche = demarches::get(h.conn(), id).await?;
        let versions = demarches::history(h.conn(), id).await?;
        drop(h);
        let mut appearances = Vec::new();
        let visible = self.editions(actor).await?;
        // Versions are written by publication; those dated after every edition the caller may
        // read come from work in progress.
        let horizon = visible.iter().filter_map(|e| e.cutoff).max();
        for e in visible {
            let table = self.table_of(actor, e.clone(), View::Current).await?;
            if let Some(row) = table.rows.iter().position(|r| r.member.demarche_id == id) {
                appearances.push(Appearance { table, row });
            }
        }
        let Some(last) = appearances.last() else {
            return Err(AppError::NotFound(format!("démarche n° {id}")));
        };
        let ids: Vec<i64> = last.row().raws.iter().flatten().filter_map(|r| r.measurement_id).collect();
        let versions = versions.into_iter().filter(|v| horizon.is_none_or(|h| v.valid_from <= h)).collect();
        let mut h = self.store.conn().await?;
        let sources = measurements::by_ids(h.conn(), &ids).await?.into_iter().map(|m| (m.id, m)).collect();
        Ok(DemarcheView { demarche, versions, appearances, sources })
    }
}
