//! Back-office accounts (`users`, `user_ministries`) and their single-use links
//! (`auth_tokens`).
//!
//! Rows come out typed: the role is a [`RoleName`] parsed once here, instants are
//! [`OffsetDateTime`]s. E-mails are compared lower-cased (the column holds the lower-cased
//! form), so `Anne@X.fr` and `anne@x.fr` are one account.

use obs_domain::Instant;
use time::OffsetDateTime;

use crate::{Conn, Result, StoreError};

/// The role column. The scope (ministries) is stored beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    /// The observatory team.
    Admin,
    /// A ministry's contact.
    Ministere,
    /// A tester.
    Testeur,
    /// Read-only back-office access.
    Lecteur,
}

impl RoleName {
    /// Every role, in the order they are listed to people.
    pub const ALL: [RoleName; 4] = [RoleName::Admin, RoleName::Ministere, RoleName::Testeur, RoleName::Lecteur];

    /// The stored (and typed) name.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleName::Admin => "admin",
            RoleName::Ministere => "ministere",
            RoleName::Testeur => "testeur",
            RoleName::Lecteur => "lecteur",
        }
    }

    /// The role of a name, if it is one.
    pub fn parse(name: &str) -> Option<RoleName> {
        RoleName::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

impl std::fmt::Display for RoleName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Lower-cased e-mail.
    pub email: String,
    /// Role.
    pub role: RoleName,
    /// Ministry labels (for `ministere`), sorted by code point.
    pub ministries: Vec<String>,
    /// Disabled accounts cannot sign in nor use their keys.
    pub disabled: bool,
    /// Argon2id PHC string; `None` until the person sets a password.
    pub password_hash: Option<String>,
    /// Base32 TOTP secret, once enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP step accepted (replay protection).
    pub totp_last_step: Option<i64>,
    /// Creation instant.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// Fields of a new account (already validated by the caller).
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Lower-cased e-mail.
    pub email: &'a str,
    /// Role.
    pub role: RoleName,
    /// Ministry labels.
    pub ministries: &'a [String],
    /// Argon2id PHC string, if the password is set at creation.
    pub password_hash: Option<&'a str>,
}

/// Why a single-use link was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// First password of a new account.
    SetPassword,
    /// Forgotten password.
    ResetPassword,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::SetPassword => "definir_mot_de_passe",
            TokenPurpose::ResetPassword => "reinitialiser_mot_de_passe",
        }
    }
}

/// How instants are stored: the shared [`Instant`] text (RFC 3339 UTC at the second, which sorts
/// as text), like every other table.
pub fn instant_text(t: OffsetDateTime) -> String {
    Instant::from(t).to_string()
}

/// Reads a stored instant (the shared conversion of the store's edge).
pub fn parse_instant(s: &str) -> Result<OffsetDateTime> {
    crate::instant(s).map(Instant::utc)
}

pub(crate) fn parse_opt_instant(s: Option<String>) -> Result<Option<OffsetDateTime>> {
    s.as_deref().map(parse_instant).transpose()
}

type UserTuple = (i64, String, String, bool, Option<String>, Option<String>, Option<i64>, String, String);

const USER_COLUMNS: &str = "id, email, role, disabled, password_hash, totp_secret, totp_last_step, created_at, updated_at";

fn user_of(t: UserTuple, mut ministries: Vec<String>) -> Result<User> {
    // Sorted here, not in SQL: collations differ between the back ends.
    ministries.sort();
    let (id, email, role, disabled, password_hash, totp_secret, totp_last_step, created_at, updated_at) = t;
    let role = RoleName::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("rôle inconnu « {role} »")))?;
    Ok(User {
        id,
        email,
        role,
        ministries,
        disabled,
        password_hash,
        totp_secret,
        totp_last_step,
        created_at: parse_instant(&created_at)?,
        updated_at: parse_instant(&updated_at)?,
    })
}

/// Creates an account and its ministries; a taken e-mail is a [`StoreError::Conflict`].
pub async fn insert(conn: Conn<'_>, user: &NewUser<'_>, now: OffsetDateTime) -> Result<i64> {
    let now = instant_text(now);
    with_conn!(conn, c, _DB => {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, role, disabled, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(user.email).bind(user.role.as_str()).bind(false).bind(user.password_hash).bind(&now)
        .fetch_one(&mut *c).await
        .map_err(|e| StoreError::from(e).conflict_on_unique(format!("un compte existe déjà pour l'adresse {}", user.email)))?;
        for ministry in user.ministries {
            sqlx::query("INSERT INTO user_ministries (user_id, ministry) VALUES ($1, $2)")
                .bind(id).bind(ministry).execute(&mut *c).await?;
        }
        Ok(id)
    })
}

/// The account with this e-mail (compared lower-cased), if any.
pub async fn by_email(conn: Conn<'_>, email: &str) -> Result<Option<User>> {
    let email = email.to_lowercase();
    with_conn!(conn, c, _DB => {
        let row: Option<UserTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1")))
            .bind(&email).fetch_optional(&mut *c).await?;
        match row {
            None => Ok(None),
            Some(t) => {
                let ministries: Vec<String> = sqlx::query_scalar("SELECT ministry FROM user_ministries WHERE user_id = $1 ORDER BY ministry")
                    .bind(t.0).fetch_all(&mut *c).await?;
                Ok(Some(user_of(t, ministries)?))
            }
        }
    })
}

/// The account with this id.
pub async fn by_id(conn: Conn<'_>, id: i64) -> Result<User> {
    with_conn!(conn, c, _DB => {
        let row: Option<UserTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")))
            .bind(id).fetch_optional(&mut *c).await?;
        let t = row.ok_or_else(|| StoreError::NotFound(format!("compte n° {id}")))?;
        let ministries: Vec<String> = sqlx::query_scalar("SELECT ministry FROM user_ministries WHERE user_id = $1 ORDER BY ministry")
            .bind(id).fetch_all(&mut *c).await?;
        user_of(t, ministries)
    })
}

/// Every account, by e-mail.
pub async fn list(conn: Conn<'_>) -> Result<Vec<User>> {
    with_conn!(conn, c, _DB => {
        let rows: Vec<UserTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users ORDER BY email")))
            .fetch_all(&mut *c).await?;
        let links: Vec<(i64, String)> = sqlx::query_as("SELECT user_id, ministry FROM user_ministries ORDER BY ministry")
            .fetch_all(&mut *c).await?;
        rows.into_iter()
            .map(|t| {
                let ministries = links.iter().filter(|(u, _)| *u == t.0).map(|(_, m)| m.clone()).collect();
                user_of(t, ministries)
            })
            .collect()
    })
}

/// Disables (or re-enables) an account.
pub async fn set_disabled(conn: Conn<'_>, id: i64, disabled: bool, now: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled).bind(instant_text(now)).bind(id).execute(&mut *c).await?;
    });
    Ok(())
}

/// Replaces the password hash.
pub async fn set_password_hash(conn: Conn<'_>, id: i64, hash: &str, now: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash).bind(instant_text(now)).bind(id).execute(&mut *c).await?;
    });
    Ok(())
}

/// Stores (or removes) the TOTP secret, with the step of the code that confirmed it.
pub async fn set_totp(conn: Conn<'_>, id: i64, secret: Option<&str>, step: Option<i64>, now: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4")
            .bind(secret).bind(step).bind(instant_text(now)).bind(id).execute(&mut *c).await?;
    });
    Ok(())
}

/// Records `step` as the last TOTP step used, only if it is later than the stored one;
/// returns whether it was (false: a replay, or a concurrent use of the same code).
pub async fn advance_totp_step(conn: Conn<'_>, id: i64, step: i64) -> Result<bool> {
    let done = with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)")
            .bind(step).bind(id).execute(&mut *c).await?.rows_affected()
    });
    Ok(done == 1)
}

/// The ministry labels the catalogue knows, sorted: the organisations of kind `ministere`
/// (recorded when an edition is published) and the ministries of the démarches of every
/// edition (imported but maybe not yet published), so that contacts can be created for a
/// first consultation.
pub async fn catalogue_ministries(conn: Conn<'_>) -> Result<Vec<String>> {
    let mut names: Vec<String> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar(
            "SELECT name FROM organisations WHERE kind = 'ministere' \
             UNION SELECT ministere FROM edition_members WHERE ministere IS NOT NULL",
        )
        .fetch_all(&mut *c).await?
    });
    names.sort();
    names.dedup();
    Ok(names)
}

/// Stores a single-use link's hash.
pub async fn insert_token(conn: Conn<'_>, hash: &str, user_id: i64, purpose: TokenPurpose, now: OffsetDateTime, expires_at: OffsetDateTime) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO auth_tokens (hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(hash).bind(user_id).bind(purpose.as_str()).bind(instant_text(now)).bind(instant_text(expires_at))
            .execute(&mut *c).await?;
    });
    Ok(())
}

/// Uses a single-use link: marks it used and returns its account, in one statement, so two
/// concurrent uses cannot both succeed. `None` when unknown, already used or expired.
pub async fn take_token(conn: Conn<'_>, hash: &str, now: OffsetDateTime) -> Result<Option<i64>> {
    let now = instant_text(now);
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_scalar("UPDATE auth_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
            .bind(&now).bind(hash).fetch_optional(&mut *c).await?
    }))
}

/// Voids the unused links of an account (a new link replaces older ones; a disabled account
/// keeps none).
pub async fn void_tokens(conn: Conn<'_>, user_id: i64, now: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(instant_text(now)).bind(user_id).execute(&mut *c).await?.rows_affected()
    }))
}
