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
pub mod rules;
mod table;

pub use demarche::{Appearance, DemarcheView};
pub use editions::{EditionInput, View};
pub use error::{AppError, Result};
pub use import::{ImportOptions, ImportReport};
pub use insights::{EvolutionPoint, Scope, group_names, scope_synthesis};
pub use obs_store::{PoolStats, Store};
/// Storage types that cross into the web layer (plain data).
pub mod model {
    pub use obs_store::demarches::{Demarche, Version};
    pub use obs_store::editions::{Edition, Member};
    pub use obs_store::measurements::Measurement;
    pub use obs_store::revisions::Revision;
}
pub use policy::Actor;
pub use publication::{ExportFormat, GroupBy, GroupSynthesis, SynthesisReport, export_table, group_syntheses};
pub use rules::{LoadedRules, RuleBook};
pub use table::{EditionTable, Raw, TableRow};

/// The application: storage, rules and a cache of published (immutable) tables.
pub struct App {
    /// The database.
    pub store: Store,
    /// Known rule sets.
    pub rules: RuleBook,
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
}
