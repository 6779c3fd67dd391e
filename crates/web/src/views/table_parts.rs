//! The parts of an edition table page that do not depend on the query, built once per published
//! revision.
//!
//! Why: a table query that changes on every request (search, sort, page size) always misses the
//! page cache, and a profile of that load put most of an uncached view's time in rebuilding, for
//! every request, strings that never change for a frozen revision — each cell's badge, level and
//! value, the filter options, the legends. Here each row's `<tr>` markup is rendered once and a
//! request only filters, sorts row indices, slices its page and copies that page's rows.
//! A draft (never cached) builds its parts on every request, like before.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use askama::Template;
use obs_app::EditionTable;
use obs_app::model::Member;

use super::editions::LegendView;
use super::{CellView, badge_class, cell_view};
use crate::error::PageError;

/// One row of the table, rendered on its own.
#[derive(Template)]
#[template(path = "table_row.html")]
struct RowMarkup<'a> {
    id: i64,
    title: &'a str,
    ministere: &'a str,
    administration: &'a str,
    cells: Vec<CellView>,
    /// Short label of each column, for the cells' `data-label`.
    shorts: &'a [&'a str],
}

/// What a table page shows whatever the query.
pub struct TableParts {
    /// Each row's `<tr>` markup (HTML-escaped already), in the table's order.
    pub rows: Vec<String>,
    /// Distinct ministries, sorted.
    pub ministeres: Vec<String>,
    /// Distinct administrations, sorted.
    pub administrations: Vec<String>,
    /// Distinct domains, sorted.
    pub domaines: Vec<String>,
    /// Distinct audiences, sorted.
    pub publics: Vec<String>,
    /// The legend of every indicator.
    pub legends: Vec<LegendView>,
    /// Size of the last page rendered with these parts, minus its rows: the next page's buffer is
    /// sized from it so it does not grow by doubling.
    chrome_len: AtomicUsize,
}

impl TableParts {
    /// Renders the rows and collects the filter options and legends of a table.
    pub fn build(table: &EditionTable) -> Result<TableParts, askama::Error> {
        let rules = &table.rules;
        let shorts: Vec<&str> = rules.indicators.iter().map(|ind| ind.short_label()).collect();
        let rows = table
            .rows
            .iter()
            .map(|r| {
                RowMarkup {
                    id: r.member.demarche_id,
                    title: &r.member.title,
                    ministere: r.member.ministere.as_deref().unwrap_or(""),
                    administration: r.member.administration.as_deref().unwrap_or(""),
                    cells: rules.indicators.iter().zip(&r.cells).map(|(ind, c)| cell_view(ind, c)).collect(),
                    shorts: &shorts,
                }
                .render()
            })
            .collect::<Result<Vec<String>, _>>()?;
        let distinct = |f: fn(&Member) -> Vec<&str>| -> Vec<String> {
            let set: BTreeSet<&str> = table.rows.iter().flat_map(|r| f(&r.member)).filter(|s| !s.is_empty()).collect();
            set.into_iter().map(str::to_string).collect()
        };
        let legends = rules
            .indicators
            .iter()
            .map(|ind| LegendView {
                slug: ind.slug.clone(),
                label: ind.label.clone(),
                description: ind.description.clone(),
                levels: ind
                    .levels
                    .iter()
                    .map(|l| (l.label.clone(), badge_class(l.color), l.threshold_fr(ind.format).unwrap_or_default(), l.goal))
                    .collect(),
            })
            .collect();
        Ok(TableParts {
            rows,
            ministeres: distinct(|m| m.ministere.as_deref().into_iter().collect()),
            administrations: distinct(|m| m.administration.as_deref().into_iter().collect()),
            domaines: distinct(|m| m.domaine.as_deref().into_iter().collect()),
            publics: distinct(|m| m.audiences.iter().map(String::as_str).collect()),
            legends,
            chrome_len: AtomicUsize::new(0),
        })
    }

    /// A buffer large enough for a page made of these rows (from the previous page's size).
    pub fn buffer_for(&self, rows: &[&str]) -> String {
        let rows_len: usize = rows.iter().map(|r| r.len()).sum();
        String::with_capacity(self.chrome_len.load(Ordering::Relaxed).max(16 << 10) + rows_len)
    }

    /// Records the size of a page rendered from these rows, for [`TableParts::buffer_for`].
    pub fn rendered(&self, page_len: usize, rows: &[&str]) {
        let rows_len: usize = rows.iter().map(|r| r.len()).sum();
        self.chrome_len.store(page_len.saturating_sub(rows_len), Ordering::Relaxed);
    }
}

/// The parts of published revisions, by (edition id, revision number), which never change.
pub struct TablePartsCache {
    parts: moka::future::Cache<(i64, i32), Arc<TableParts>>,
}

impl TablePartsCache {
    /// A cache of the parts of at most `max_tables` revisions (a few hundred KB each).
    pub fn new(max_tables: u64) -> TablePartsCache {
        TablePartsCache { parts: moka::future::Cache::new(max_tables) }
    }

    /// The parts of a table: built once per published revision (concurrent misses build once),
    /// on every call for a draft.
    pub async fn get(&self, table: &EditionTable) -> Result<Arc<TableParts>, PageError> {
        let build = async { TableParts::build(table).map(Arc::new).map_err(render_error) };
        match &table.revision {
            Some(r) => self.parts.try_get_with((table.edition.id, r.revision), build).await.map_err(|e| (*e).clone()),
            None => build.await,
        }
    }
}

/// A template failure: an internal error (500, logged).
pub fn render_error(e: askama::Error) -> PageError {
    PageError::from(obs_app::AppError::Internal(format!("rendu de la page impossible : {e}")))
}
