//! Organisations: ministères, their administrations, and "domaines" (administrations centrales).

use crate::{Conn, Result};

/// The kind of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// A ministry.
    Ministere,
    /// A direction or operator of a ministry.
    Administration,
    /// An "administration centrale" grouping.
    Domaine,
}

impl OrgKind {
    fn as_str(self) -> &'static str {
        match self {
            OrgKind::Ministere => "ministere",
            OrgKind::Administration => "administration",
            OrgKind::Domaine => "domaine",
        }
    }
}

/// Returns the id of the organisation of this kind and name, creating it if needed.
pub async fn ensure(conn: Conn<'_>, kind: OrgKind, name: &str, parent_id: Option<i64>) -> Result<i64> {
    with_conn!(conn, c, _DB => {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE kind = $1 AND name = $2")
            .bind(kind.as_str()).bind(name).fetch_optional(&mut *c).await?;
        match found {
            Some(id) => Ok(id),
            None => Ok(sqlx::query_scalar("INSERT INTO organisations (kind, name, parent_id) VALUES ($1, $2, $3) RETURNING id")
                .bind(kind.as_str()).bind(name).bind(parent_id).fetch_one(&mut *c).await?),
        }
    })
}
