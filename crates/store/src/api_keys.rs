//! API keys (`api_keys`): the public prefix and HMAC of each key, its label, expiry and
//! revocation. Checking a presented key is the caller's job (`obs-auth`); this module stores.

use time::OffsetDateTime;

use crate::accounts::{instant_text, parse_instant, parse_opt_instant};
use crate::{Conn, Result, StoreError};

/// A key (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Id.
    pub id: i64,
    /// The account it acts for.
    pub user_id: i64,
    /// Public identifier.
    pub prefix: String,
    /// HMAC-SHA256(pepper, key), hex.
    pub hash: String,
    /// What the person called it.
    pub label: String,
    /// Creation instant.
    pub created_at: OffsetDateTime,
    /// End of validity.
    pub expires_at: OffsetDateTime,
    /// Revocation instant, if revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// Last successful use.
    pub last_used_at: Option<OffsetDateTime>,
}

/// Fields of a new key.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    /// The account.
    pub user_id: i64,
    /// Public identifier.
    pub prefix: &'a str,
    /// Stored hash.
    pub hash: &'a str,
    /// Label.
    pub label: &'a str,
    /// End of validity.
    pub expires_at: OffsetDateTime,
}

type KeyTuple = (i64, i64, String, String, String, String, String, Option<String>, Option<String>);
const COLUMNS: &str = "id, user_id, prefix, hash, label, created_at, expires_at, revoked_at, last_used_at";

fn key_of(t: KeyTuple) -> Result<ApiKey> {
    let (id, user_id, prefix, hash, label, created_at, expires_at, revoked_at, last_used_at) = t;
    Ok(ApiKey {
        id,
        user_id,
        prefix,
        hash,
        label,
        created_at: parse_instant(&created_at)?,
        expires_at: parse_instant(&expires_at)?,
        revoked_at: parse_opt_instant(revoked_at)?,
        last_used_at: parse_opt_instant(last_used_at)?,
    })
}

/// Stores a new key.
pub async fn insert(conn: Conn<'_>, key: &NewApiKey<'_>, now: OffsetDateTime) -> Result<i64> {
    with_conn!(conn, c, _DB => {
        Ok(sqlx::query_scalar("INSERT INTO api_keys (user_id, prefix, hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(key.user_id).bind(key.prefix).bind(key.hash).bind(key.label).bind(instant_text(now)).bind(instant_text(key.expires_at))
            .fetch_one(&mut *c).await
            .map_err(|e| StoreError::from(e).conflict_on_unique("préfixe de clé déjà utilisé, réessayez"))?)
    })
}

/// The key with this public prefix, if any.
pub async fn by_prefix(conn: Conn<'_>, prefix: &str) -> Result<Option<ApiKey>> {
    let row: Option<KeyTuple> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM api_keys WHERE prefix = $1"))).bind(prefix).fetch_optional(&mut *c).await?
    });
    row.map(key_of).transpose()
}

/// The keys of an account, newest first.
pub async fn for_user(conn: Conn<'_>, user_id: i64) -> Result<Vec<ApiKey>> {
    let rows: Vec<KeyTuple> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY id DESC"))).bind(user_id).fetch_all(&mut *c).await?
    });
    rows.into_iter().map(key_of).collect()
}

/// Revokes a key (no effect on an already revoked one); returns whether it was live.
pub async fn revoke(conn: Conn<'_>, id: i64, now: OffsetDateTime) -> Result<bool> {
    let n = with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(instant_text(now)).bind(id).execute(&mut *c).await?.rows_affected()
    });
    Ok(n > 0)
}

/// Revokes every live key of an account; returns how many.
pub async fn revoke_for_user(conn: Conn<'_>, user_id: i64, now: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(instant_text(now)).bind(user_id).execute(&mut *c).await?.rows_affected()
    }))
}

/// Records a successful use.
pub async fn touch(conn: Conn<'_>, id: i64, now: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2").bind(instant_text(now)).bind(id).execute(&mut *c).await?;
    });
    Ok(())
}
