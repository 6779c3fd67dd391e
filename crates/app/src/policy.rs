//! Who may do what. Every use case that reads unpublished data or writes asks this module.

use crate::error::{AppError, Result};

/// The caller of a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An anonymous visitor of the public site or API.
    Public,
    /// The observatory team working from the command line (the operator of the machine).
    Operator(String),
}

impl Actor {
    /// The name written in the audit log.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Public => "public".to_string(),
            Actor::Operator(name) => format!("cli:{name}"),
        }
    }
}

/// An action subject to a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read a published revision, the methodology, open data.
    ReadPublished,
    /// Read draft or consultation figures.
    ReadDraft,
    /// Create or change editions, import values, publish.
    ManageEditions,
}

/// Checks that `actor` may perform `action`.
pub fn authorize(actor: &Actor, action: Action) -> Result<()> {
    match (actor, action) {
        (_, Action::ReadPublished) => Ok(()),
        (Actor::Operator(_), _) => Ok(()),
        (Actor::Public, Action::ReadDraft) => Err(AppError::Forbidden("cette édition n'est pas encore publiée".into())),
        (Actor::Public, Action::ManageEditions) => Err(AppError::Forbidden("réservé à l'équipe de l'observatoire".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_reads_published_only() {
        assert!(authorize(&Actor::Public, Action::ReadPublished).is_ok());
        assert!(authorize(&Actor::Public, Action::ReadDraft).is_err());
        assert!(authorize(&Actor::Public, Action::ManageEditions).is_err());
        assert!(authorize(&Actor::Operator("x".into()), Action::ManageEditions).is_ok());
    }
}
