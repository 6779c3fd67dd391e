//! Editions and the démarches they contain.

use crate::{Conn, Result, StoreError, now_utc};

/// An edition row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Edition {
    /// Id.
    pub id: i64,
    /// Stable slug used in URLs and commands.
    pub slug: String,
    /// Name ("Octobre 2026").
    pub name: String,
    /// Quarter ("2026-T3").
    pub quarter: Option<String>,
    /// Cut-off date (ISO).
    pub cutoff: Option<String>,
    /// Feedback window start (ISO date, inclusive).
    pub feedback_from: Option<String>,
    /// Feedback window end (ISO date, inclusive).
    pub feedback_to: Option<String>,
    /// Probe window start.
    pub probe_from: Option<String>,
    /// Probe window end.
    pub probe_to: Option<String>,
    /// Rule set id.
    pub ruleset_id: String,
    /// State name (`brouillon`, `consultation`, `publiée`, `corrigée`).
    pub state: String,
    /// Latest frozen revision (0 before publication).
    pub current_revision: i32,
    /// Reason of the open correction, if any.
    pub correction_reason: Option<String>,
    /// Built from demonstration data.
    pub demo: bool,
    /// Creation instant.
    pub created_at: String,
    /// First publication instant.
    pub published_at: Option<String>,
}

/// Fields of a new edition.
#[derive(Debug, Clone, Default)]
pub struct NewEdition {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Quarter.
    pub quarter: Option<String>,
    /// Cut-off date.
    pub cutoff: Option<String>,
    /// Feedback window.
    pub feedback_window: Option<(String, String)>,
    /// Probe window.
    pub probe_window: Option<(String, String)>,
    /// Rule set id.
    pub ruleset_id: String,
    /// Demonstration data.
    pub demo: bool,
}

/// A démarche as it appears in one edition.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Member {
    /// Démarche id.
    pub demarche_id: i64,
    /// Title in this edition.
    pub title: String,
    /// Ministry.
    pub ministere: Option<String>,
    /// Administration.
    pub administration: Option<String>,
    /// Domain.
    pub domaine: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Audiences, `|`-separated.
    pub audience: String,
    /// Total yearly volume.
    pub volume_total: Option<f64>,
    /// Online yearly volume.
    pub volume_online: Option<f64>,
    /// Feedback button installed.
    pub feedback_button: Option<bool>,
}

const COLS: &str = "id, slug, name, quarter, cutoff, feedback_from, feedback_to, probe_from, probe_to, ruleset_id, state, \
                    current_revision, correction_reason, demo, created_at, published_at";

/// Creates an edition in state `brouillon`.
pub async fn create(conn: Conn<'_>, e: &NewEdition) -> Result<i64> {
    let (ff, ft) = e.feedback_window.clone().unzip();
    let (pf, pt) = e.probe_window.clone().unzip();
    let r: Result<i64, sqlx::Error> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar(
            "INSERT INTO editions (slug, name, quarter, cutoff, feedback_from, feedback_to, probe_from, probe_to, ruleset_id, state, demo, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'brouillon', $10, $11) RETURNING id",
        )
        .bind(&e.slug).bind(&e.name).bind(&e.quarter).bind(&e.cutoff).bind(ff).bind(ft).bind(pf).bind(pt)
        .bind(&e.ruleset_id).bind(e.demo).bind(now_utc())
        .fetch_one(&mut *c).await
    });
    r.map_err(|err| StoreError::from(err).conflict_on_unique(format!("l'édition « {} » existe déjà", e.slug)))
}

/// Finds an edition by slug.
pub async fn by_slug(conn: Conn<'_>, slug: &str) -> Result<Edition> {
    let e: Option<Edition> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM editions WHERE slug = $1"))).bind(slug).fetch_optional(&mut *c).await?
    });
    e.ok_or_else(|| StoreError::NotFound(format!("édition « {slug} »")))
}

/// All editions, by cut-off date then creation.
pub async fn list(conn: Conn<'_>) -> Result<Vec<Edition>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM editions ORDER BY COALESCE(cutoff, created_at), id"))).fetch_all(&mut *c).await?
    }))
}

/// Writes the state, current revision, publication instant and correction reason.
pub async fn set_state(
    conn: Conn<'_>,
    id: i64,
    state: &str,
    current_revision: i32,
    published_at: Option<&str>,
    correction_reason: Option<&str>,
) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE editions SET state = $2, current_revision = $3, published_at = COALESCE(published_at, $4), correction_reason = $5 WHERE id = $1")
            .bind(id).bind(state).bind(current_revision).bind(published_at).bind(correction_reason)
            .execute(&mut *c).await?;
    });
    Ok(())
}

/// Adds or updates the démarches of an edition, in batches.
pub async fn put_members(conn: Conn<'_>, edition_id: i64, members: &[Member]) -> Result<()> {
    with_conn!(conn, c, DB => {
        for chunk in members.chunks(500) {
            let mut qb = sqlx::QueryBuilder::<DB>::new(
                "INSERT INTO edition_members (edition_id, demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button) ",
            );
            qb.push_values(chunk, |mut b, m| {
                b.push_bind(edition_id).push_bind(m.demarche_id).push_bind(m.title.clone()).push_bind(m.ministere.clone())
                    .push_bind(m.administration.clone()).push_bind(m.domaine.clone()).push_bind(m.url.clone())
                    .push_bind(m.audience.clone()).push_bind(m.volume_total).push_bind(m.volume_online).push_bind(m.feedback_button);
            });
            qb.push(" ON CONFLICT (edition_id, demarche_id) DO UPDATE SET title = excluded.title, ministere = excluded.ministere, \
                     administration = excluded.administration, domaine = excluded.domaine, url = excluded.url, audience = excluded.audience, \
                     volume_total = excluded.volume_total, volume_online = excluded.volume_online, feedback_button = excluded.feedback_button");
            qb.build().execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// The démarches of an edition (draft view), by title.
pub async fn members(conn: Conn<'_>, edition_id: i64) -> Result<Vec<Member>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button \
             FROM edition_members WHERE edition_id = $1 ORDER BY title, demarche_id",
        ).bind(edition_id).fetch_all(&mut *c).await?
    }))
}

/// One démarche of an edition, if it is a member.
pub async fn member(conn: Conn<'_>, edition_id: i64, demarche_id: i64) -> Result<Option<Member>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button \
             FROM edition_members WHERE edition_id = $1 AND demarche_id = $2",
        ).bind(edition_id).bind(demarche_id).fetch_optional(&mut *c).await?
    }))
}
