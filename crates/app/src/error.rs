//! Application errors. Every message is French and safe to show to the user who caused it;
//! internal details (SQL, paths of the server) stay in the logs.

use obs_formats::Problem;

/// Why a use case did not complete. Nothing was written when one is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("{0} introuvable")]
    NotFound(String),
    /// The input is invalid.
    #[error("{0}")]
    Invalid(String),
    /// The action is not allowed in the current state (e.g. changing a published revision).
    #[error("{0}")]
    Refused(String),
    /// The caller may not do this.
    #[error("action non autorisée : {0}")]
    Forbidden(String),
    /// An import found blocking problems; every one is listed.
    #[error("import refusé : {} problème(s) bloquant(s), rien n'a été enregistré", .0.iter().filter(|p| p.severity == obs_formats::Severity::Error).count())]
    ImportRejected(Vec<Problem>),
    /// Storage failure.
    #[error(transparent)]
    Store(obs_store::StoreError),
    /// A failure that is not the caller's fault (unreadable stored data, export writer error).
    /// The detail is for the log; users see a generic message.
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl From<obs_store::StoreError> for AppError {
    fn from(e: obs_store::StoreError) -> Self {
        match e {
            obs_store::StoreError::NotFound(what) => AppError::NotFound(what),
            obs_store::StoreError::Conflict(msg) => AppError::Invalid(msg),
            other => AppError::Store(other),
        }
    }
}

/// Result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
