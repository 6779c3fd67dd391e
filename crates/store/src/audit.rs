//! The audit log: who did what, when. Written in the same transaction as the change it records.

use obs_domain::AuditEntry;

use crate::{Conn, Result, instant, now_utc};

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

/// Appends an entry.
pub async fn record(conn: Conn<'_>, actor: &str, action: &str, subject: &str, detail: &str) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(now_utc().to_string()).bind(actor).bind(action).bind(subject).bind(detail)
            .execute(&mut *c).await?;
    });
    Ok(())
}

/// Entries about a subject, newest first.
pub async fn for_subject(conn: Conn<'_>, subject: &str) -> Result<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT id, at, actor, action, subject, detail FROM audit_log WHERE subject = $1 ORDER BY id DESC")
            .bind(subject).fetch_all(&mut *c).await?
    });
    rows.into_iter()
        .map(|r| Ok(AuditEntry { at: instant(&r.at)?, id: r.id, actor: r.actor, action: r.action, subject: r.subject, detail: r.detail }))
        .collect()
}
