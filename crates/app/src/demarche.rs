//! A démarche across editions: identity, dated history and its rows in every edition.

use std::collections::HashMap;
use std::sync::Arc;

use obs_store::demarches::{self, Demarche, Version};
use obs_store::measurements::{self, Measurement};

use crate::editions::View;
use crate::error::Result;
use crate::policy::Actor;
use crate::table::EditionTable;
use crate::App;

/// The démarche in one edition.
#[derive(Debug, Clone)]
pub struct Appearance {
    /// The classified edition.
    pub table: Arc<EditionTable>,
    /// Index of the démarche's row in `table.rows`.
    pub row: usize,
}

/// Everything the démarche page shows.
#[derive(Debug, Clone)]
pub struct DemarcheView {
    /// Identity and external ids.
    pub demarche: Demarche,
    /// Dated history of title, organisation, URL and observation.
    pub versions: Vec<Version>,
    /// Its rows in every edition visible to the caller, oldest first (matched by id, never title).
    pub appearances: Vec<Appearance>,
    /// Provenance of the raw values of the latest appearance, by measurement id.
    pub sources: HashMap<i64, Measurement>,
}

impl App {
    /// A démarche and its history across editions.
    pub async fn demarche(&self, actor: &Actor, id: i64) -> Result<DemarcheView> {
        let mut h = self.store.conn().await?;
        let demarche = demarches::get(h.conn(), id).await?;
        let versions = demarches::history(h.conn(), id).await?;
        drop(h);
        let mut appearances = Vec::new();
        for e in self.editions(actor).await? {
            let table = self.table_of(actor, e.clone(), View::Current).await?;
            if let Some(row) = table.rows.iter().position(|r| r.member.demarche_id == id) {
                appearances.push(Appearance { table, row });
            }
        }
        let ids: Vec<i64> = appearances
            .last()
            .map(|a| a.table.rows[a.row].raws.iter().flatten().filter_map(|r| r.measurement_id).collect())
            .unwrap_or_default();
        let mut h = self.store.conn().await?;
        let sources = measurements::by_ids(h.conn(), &ids).await?.into_iter().map(|m| (m.id, m)).collect();
        Ok(DemarcheView { demarche, versions, appearances, sources })
    }
}
