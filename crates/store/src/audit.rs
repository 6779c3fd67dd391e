//! The audit log: who did what, when. Written in the same transaction as the change it records.

use crate::{Conn, Result, now_utc};

/// One audit entry.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// UTC instant.
    pub at: String,
    /// Who (user, "cli:<login>", "demo").
    pub actor: String,
    /// What (`edition.publish`, `import.dashlord`…).
    pub action: String,
    /// On what (edition slug…).
    pub subject: String,
    /// Details (JSON or French text), never secrets.
    pub detail: String,
}

/// Appends an entry.
pub async fn record(conn: Conn<'_>, actor: &str, action: &str, subject: &str, detail: &str) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(now_utc()).bind(actor).bind(action).bind(subject).bind(detail)
            .execute(&mut *c).await?;
    });
    Ok(())
}

/// Entries about a subject, newest first.
pub async fn for_subject(conn: Conn<'_>, subject: &str) -> Result<Vec<AuditEntry>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT id, at, actor, action, subject, detail FROM audit_log WHERE subject = $1 ORDER BY id DESC")
            .bind(subject).fetch_all(&mut *c).await?
    }))
}
