//! Store errors. Callers match on the kind; the message is French and safe to show.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A looked-up row does not exist.
    #[error("{0} introuvable")]
    NotFound(String),
    /// A unique key is already taken.
    #[error("{0}")]
    Conflict(String),
    /// The schema does not match this binary.
    #[error("schéma de base en version {applied}, ce programme attend la version {expected} : lancez « observatoire migrate »")]
    SchemaMismatch {
        /// Latest migration applied.
        applied: i64,
        /// Latest migration this binary knows.
        expected: i64,
    },
    /// A stored value this binary cannot read (a state, date, role or value column out of shape).
    #[error("donnée stockée illisible : {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("erreur de base de données : {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration impossible : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Turns a unique-constraint violation into a [`StoreError::Conflict`] with `msg`.
    pub fn conflict_on_unique(self, msg: impl Into<String>) -> StoreError {
        match &self {
            StoreError::Db(sqlx::Error::Database(d)) if d.is_unique_violation() => StoreError::Conflict(msg.into()),
            _ => self,
        }
    }
}
