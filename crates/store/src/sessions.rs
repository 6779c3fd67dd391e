//! Signed-in browsers (`sessions`). The row id is the SHA-256 of the cookie's secret; `data`
//! holds what the web layer keeps per session (the CSRF token…) as a JSON object.
//!
//! Timeouts are decided by the caller from the typed instants: this module only stores.

use time::OffsetDateTime;

use crate::accounts::{instant_text, parse_instant};
use crate::{Conn, Result, StoreError};

/// A session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// SHA-256 of the cookie's secret (hex).
    pub id: String,
    /// The account.
    pub user_id: i64,
    /// When it was opened.
    pub created_at: OffsetDateTime,
    /// Last request seen.
    pub last_seen_at: OffsetDateTime,
    /// Absolute end, whatever the activity.
    pub expires_at: OffsetDateTime,
    /// Per-session data (a JSON object).
    pub data: serde_json::Value,
}

/// Opens a session.
pub async fn insert(conn: Conn<'_>, id: &str, user_id: i64, now: OffsetDateTime, expires_at: OffsetDateTime, data: &serde_json::Value) -> Result<()> {
    let now = instant_text(now);
    with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, data) VALUES ($1, $2, $3, $3, $4, $5)")
            .bind(id).bind(user_id).bind(&now).bind(instant_text(expires_at)).bind(data.to_string())
            .execute(&mut *c).await?;
    });
    Ok(())
}

/// The session with this id, if any.
pub async fn get(conn: Conn<'_>, id: &str) -> Result<Option<Session>> {
    let row: Option<(String, i64, String, String, String, String)> = with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT id, user_id, created_at, last_seen_at, expires_at, data FROM sessions WHERE id = $1")
            .bind(id).fetch_optional(&mut *c).await?
    });
    row.map(|(id, user_id, created, seen, expires, data)| {
        Ok(Session {
            id,
            user_id,
            created_at: parse_instant(&created)?,
            last_seen_at: parse_instant(&seen)?,
            expires_at: parse_instant(&expires)?,
            data: serde_json::from_str(&data).map_err(|_| StoreError::Corrupt("données de session illisibles".into()))?,
        })
    })
    .transpose()
}

/// Records activity.
pub async fn touch(conn: Conn<'_>, id: &str, now: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2").bind(instant_text(now)).bind(id).execute(&mut *c).await?;
    });
    Ok(())
}

/// Replaces the per-session data.
pub async fn set_data(conn: Conn<'_>, id: &str, data: &serde_json::Value) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE sessions SET data = $1 WHERE id = $2").bind(data.to_string()).bind(id).execute(&mut *c).await?;
    });
    Ok(())
}

/// Ends one session; returns whether it existed.
pub async fn delete(conn: Conn<'_>, id: &str) -> Result<bool> {
    let n = with_conn!(conn, c, _DB => {
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut *c).await?.rows_affected()
    });
    Ok(n > 0)
}

/// Ends every session of an account ("log out everywhere", disabling); returns how many.
pub async fn delete_for_user(conn: Conn<'_>, user_id: i64) -> Result<u64> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *c).await?.rows_affected()
    }))
}

/// Deletes sessions past their absolute end or idle since before `idle_since`; returns how
/// many (for a periodic clean-up job).
pub async fn delete_expired(conn: Conn<'_>, now: OffsetDateTime, idle_since: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
            .bind(instant_text(now)).bind(instant_text(idle_since)).execute(&mut *c).await?.rows_affected()
    }))
}
