//! Use cases: one function per action, shared by the command line, the web server and jobs.
//!
//! [`App`] holds the [`obs_store::Store`] and the [`RuleBook`]. Each public method takes the
//! caller ([`Actor`]), checks it through [`policy`], validates its input, runs in one transaction
//! when it writes, records what it did in the audit log and returns typed output. Errors are
//! [`AppError`]s with French messages; nothing is written when one is returned.
//!
//! Main flows: [`App::create_edition`] → [`App::import_dashlord`] / [`App::import_sheet`] →
//! [`App::table`] (levels computed from raw values) → [`App::publish`] (one transaction) →
//! [`App::synthesis`], [`App::diff`], [`App::export`].
//! Accounts, sessions and API keys: [`accounts`] (settings passed as an [`accounts::Security`]).
//!
//! It deliberately holds no HTTP or terminal code.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub mod accounts;
pub mod catalogue;
pub mod demo;
mod demarche;
mod editions;
mod error;
pub mod import;
mod insights;
pub mod policy;
mod publication;
pub mod query;
pub mod rules;
mod table;

pub use demarche::{Appearance, DemarcheView};
pub use editions::{EditionInput, View};
pub use error::{AppError, Result};
pub use import::{ImportOptions, ImportReport};
pub use insights::{EvolutionPoint, Scope, group_names, scope_synthesis};
pub use obs_store::{PoolStats, Store};
/// The records use cases return: typed domain data (parsed once by the store), never storage
/// rows, re-exported here so callers need not name `obs_domain` for them.
pub mod model {
    pub use obs_domain::{AuditEntry, DayRange, Demarche, Edition, Instant, Measurement, Member, Revision, ValueSource, Version};
}
pub use policy::Actor;
pub use obs_formats::ExportFormat;
pub use publication::{GroupBy, GroupSynthesis, SynthesisReport, export_table, group_syntheses};
pub use query::{TablePage, TableQuery, TableRequest};
pub use rules::{LoadedRules, RuleBook};
pub use table::{EditionTable, Raw, TableRow};

/// The application: storage, rules and a cache of published (immutable) tables.
///
/// Its storage and rule book are private: callers (web, command line, jobs) go through its use
/// cases only, so every read and write passes the policy and the typed boundary.
pub struct App {
    store: Store,
    rules: RuleBook,
    published: Mutex<HashMap<(i64, i32), Arc<EditionTable>>>,
}

impl App {
    /// Builds the application.
    pub fn new(store: Store, rules: RuleBook) -> App {
        App { store, rules, published: Mutex::new(HashMap::new()) }
    }

    /// The database pool's figures, for monitoring.
    pub fn pool_stats(&self) -> PoolStats {
        self.store.pool_stats()
    }

    /// Every known rule set (public documentation: methodology page, rules API).
    pub fn rulesets(&self) -> impl Iterator<Item = &LoadedRules> {
        self.rules.all()
    }

    /// One known rule set by id, with a French error listing the known ones.
    pub fn ruleset(&self, id: &str) -> Result<&LoadedRules> {
        self.rules.get(id)
    }

    /// Closes the database pool (end of a command).
    pub async fn close(&self) {
        self.store.close().await;
    }
}
