//! Figures for the synthesis pages: the synthesis of one scope (the whole observatory or one
//! group) in an edition, the list of groups, and the same figures over every visible edition.
//!
//! Pure reads over classified tables: no SQL here, the tables come from [`App::table`].

use obs_domain::synthesis::{Synthesis, synthesize};

use crate::App;
use crate::editions::View;
use crate::error::Result;
use obs_domain::Edition;
use crate::policy::Actor;
use crate::publication::GroupBy;
use crate::table::{EditionTable, TableRow};

/// What a synthesis covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every démarche of the edition.
    All,
    /// One ministry, administration or domain, by name (as [`GroupBy::of`] spells it).
    Group(GroupBy, String),
}

impl Scope {
    /// The rows of a table in this scope.
    pub fn rows<'t>(&self, table: &'t EditionTable) -> Vec<&'t TableRow> {
        match self {
            Scope::All => table.rows.iter().collect(),
            Scope::Group(by, name) => table.rows.iter().filter(|r| by.of(r) == *name).collect(),
        }
    }
}

/// The synthesis of a scope in one edition, or `None` when a group has no démarche in it.
pub fn scope_synthesis(table: &EditionTable, scope: &Scope) -> Option<Synthesis> {
    let rows = scope.rows(table);
    if rows.is_empty() && *scope != Scope::All {
        return None;
    }
    Some(synthesize(&table.rules, &rows))
}

/// The group names of an edition, sorted (as in [`crate::group_syntheses`]).
pub fn group_names(table: &EditionTable, by: GroupBy) -> Vec<String> {
    let mut names: Vec<String> = table.rows.iter().map(|r| by.of(r)).collect();
    names.sort();
    names.dedup();
    names
}

/// The figures of a scope in one edition.
#[derive(Debug, Clone)]
pub struct EvolutionPoint {
    /// The edition.
    pub edition: Edition,
    /// Name of the rule set the edition applies.
    pub ruleset: String,
    /// The share-at-goal target of that rule set, in %.
    pub target: f64,
    /// The synthesis, or `None` when the group has no démarche in this edition.
    pub synthesis: Option<Synthesis>,
}

impl App {
    /// The figures of a scope in every edition visible to the caller, oldest first, each under its
    /// own rules. Groups are matched by name.
    pub async fn evolution(&self, actor: &Actor, scope: &Scope) -> Result<Vec<EvolutionPoint>> {
        let mut out = Vec::new();
        for e in self.editions(actor).await? {
            let table = self.table_of(actor, e.clone(), View::Current).await?;
            out.push(EvolutionPoint {
                ruleset: table.rules.name.clone(),
                target: table.rules.target,
                synthesis: scope_synthesis(&table, scope),
                edition: e,
            });
        }
        Ok(out)
    }
}
