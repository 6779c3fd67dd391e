//! Published revisions: frozen members, frozen raw values and the rule-set text they were
//! classified with. Rows here are insert-only; database triggers refuse any update or delete.

use crate::editions::Member;
use crate::{Conn, Result, StoreError};

/// A frozen revision.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Revision {
    /// Edition id.
    pub edition_id: i64,
    /// Revision number, from 1.
    pub revision: i32,
    /// Hash of the rule-set text used.
    pub ruleset_hash: String,
    /// Reason of a correction (None for the first publication).
    pub reason: Option<String>,
    /// Publication instant.
    pub published_at: String,
    /// Synthesis of the whole edition, computed at publication (JSON).
    pub synthesis_json: String,
}

/// A frozen raw value with its cached level key.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct FrozenCell {
    /// Démarche id.
    pub demarche_id: i64,
    /// Indicator slug.
    pub indicator: String,
    /// Number.
    pub value_num: Option<f64>,
    /// Label.
    pub value_text: Option<String>,
    /// Sample size.
    pub sample_count: Option<i64>,
    /// Level key under the frozen rule set.
    pub level_key: String,
    /// The measurement it was taken from.
    pub measurement_id: Option<i64>,
}

/// Stores a rule-set text under its hash (no-op when already stored).
pub async fn put_ruleset(conn: Conn<'_>, hash: &str, id: &str, source: &str, now: &str) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO rulesets (hash, id, source, stored_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING")
            .bind(hash).bind(id).bind(source).bind(now).execute(&mut *c).await?;
    });
    Ok(())
}

/// The rule-set text stored under a hash.
pub async fn ruleset_source(conn: Conn<'_>, hash: &str) -> Result<String> {
    let s: Option<String> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar("SELECT source FROM rulesets WHERE hash = $1").bind(hash).fetch_optional(&mut *c).await?
    });
    s.ok_or_else(|| StoreError::NotFound(format!("jeu de règles {hash}")))
}

/// Inserts a revision header.
pub async fn insert(conn: Conn<'_>, r: &Revision) -> Result<()> {
    let res: Result<_, sqlx::Error> = with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO revisions (edition_id, revision, ruleset_hash, reason, published_at, synthesis_json) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(r.edition_id).bind(r.revision).bind(&r.ruleset_hash).bind(&r.reason).bind(&r.published_at).bind(&r.synthesis_json)
            .execute(&mut *c).await.map(|_| ())
    });
    res.map_err(|e| StoreError::from(e).conflict_on_unique(format!("la révision {} existe déjà", r.revision)))
}

/// Inserts the frozen members of a revision.
pub async fn insert_members(conn: Conn<'_>, edition_id: i64, revision: i32, members: &[Member]) -> Result<()> {
    with_conn!(conn, c, DB => {
        for chunk in members.chunks(500) {
            let mut qb = sqlx::QueryBuilder::<DB>::new(
                "INSERT INTO revision_members (edition_id, revision, demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button) ",
            );
            qb.push_values(chunk, |mut b, m| {
                b.push_bind(edition_id).push_bind(revision).push_bind(m.demarche_id).push_bind(m.title.clone())
                    .push_bind(m.ministere.clone()).push_bind(m.administration.clone()).push_bind(m.domaine.clone())
                    .push_bind(m.url.clone()).push_bind(m.audience.clone()).push_bind(m.volume_total)
                    .push_bind(m.volume_online).push_bind(m.feedback_button);
            });
            qb.build().execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// Inserts the frozen cells of a revision.
pub async fn insert_cells(conn: Conn<'_>, edition_id: i64, revision: i32, cells: &[FrozenCell]) -> Result<()> {
    with_conn!(conn, c, DB => {
        for chunk in cells.chunks(3000) {
            let mut qb = sqlx::QueryBuilder::<DB>::new(
                "INSERT INTO revision_cells (edition_id, revision, demarche_id, indicator, value_num, value_text, sample_count, level_key, measurement_id) ",
            );
            qb.push_values(chunk, |mut b, x| {
                b.push_bind(edition_id).push_bind(revision).push_bind(x.demarche_id).push_bind(x.indicator.clone())
                    .push_bind(x.value_num).push_bind(x.value_text.clone()).push_bind(x.sample_count)
                    .push_bind(x.level_key.clone()).push_bind(x.measurement_id);
            });
            qb.build().execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// One revision header.
pub async fn get(conn: Conn<'_>, edition_id: i64, revision: i32) -> Result<Revision> {
    let r: Option<Revision> = with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT edition_id, revision, ruleset_hash, reason, published_at, synthesis_json FROM revisions WHERE edition_id = $1 AND revision = $2")
            .bind(edition_id).bind(revision).fetch_optional(&mut *c).await?
    });
    r.ok_or_else(|| StoreError::NotFound(format!("révision {revision}")))
}

/// All revisions of an edition, oldest first.
pub async fn list(conn: Conn<'_>, edition_id: i64) -> Result<Vec<Revision>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT edition_id, revision, ruleset_hash, reason, published_at, synthesis_json FROM revisions WHERE edition_id = $1 ORDER BY revision")
            .bind(edition_id).fetch_all(&mut *c).await?
    }))
}

/// Frozen members of a revision, by title.
pub async fn members(conn: Conn<'_>, edition_id: i64, revision: i32) -> Result<Vec<Member>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button \
             FROM revision_members WHERE edition_id = $1 AND revision = $2 ORDER BY title, demarche_id",
        ).bind(edition_id).bind(revision).fetch_all(&mut *c).await?
    }))
}

/// Frozen cells of a revision.
pub async fn cells(conn: Conn<'_>, edition_id: i64, revision: i32) -> Result<Vec<FrozenCell>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, indicator, value_num, value_text, sample_count, level_key, measurement_id FROM revision_cells \
             WHERE edition_id = $1 AND revision = $2",
        ).bind(edition_id).bind(revision).fetch_all(&mut *c).await?
    }))
}
