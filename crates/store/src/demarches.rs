//! Démarches: stable identity, external ids, and the dated history of their descriptive fields.

use crate::{Conn, Result, StoreError, now_utc};

/// A démarche's identity.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Demarche {
    /// Stable id, kept across editions and renames.
    pub id: i64,
    /// Product id of the feedback service ("Je donne mon avis").
    pub jdma_id: Option<i64>,
    /// Id in the working spreadsheet (`Ref_Demarche`).
    pub sheet_ref: Option<String>,
    /// Id in the 2019–2022 observatory.
    pub legacy_id: Option<String>,
    /// Creation instant.
    pub created_at: String,
}

/// One dated version of a démarche's descriptive fields.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Version {
    /// Démarche id.
    pub demarche_id: i64,
    /// First day this version holds (ISO date).
    pub valid_from: String,
    /// Title.
    pub title: String,
    /// Ministry name.
    pub ministere: Option<String>,
    /// Administration name.
    pub administration: Option<String>,
    /// Domain name.
    pub domaine: Option<String>,
    /// Service URL.
    pub url: Option<String>,
    /// On the observed list from this day.
    pub observed: bool,
    /// Where this version came from.
    pub source: String,
}

/// What is written for a new version.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    /// Démarche id.
    pub demarche_id: i64,
    /// First day (ISO date).
    pub valid_from: &'a str,
    /// Title.
    pub title: &'a str,
    /// Ministry id.
    pub ministere_id: Option<i64>,
    /// Administration id.
    pub administration_id: Option<i64>,
    /// Domain id.
    pub domaine_id: Option<i64>,
    /// URL.
    pub url: Option<&'a str>,
    /// Observed.
    pub observed: bool,
    /// Source description.
    pub source: &'a str,
}

/// Which external id to look a démarche up by.
#[derive(Debug, Clone, Copy)]
pub enum ExternalId<'a> {
    /// Feedback product id.
    Jdma(i64),
    /// Working-spreadsheet id.
    SheetRef(&'a str),
    /// 2019–2022 id.
    Legacy(&'a str),
}

const COLS: &str = "id, jdma_id, sheet_ref, legacy_id, created_at";

/// Finds a démarche by an external id.
pub async fn find(conn: Conn<'_>, ext: ExternalId<'_>) -> Result<Option<Demarche>> {
    Ok(with_conn!(conn, c, _DB => {
        match ext {
            ExternalId::Jdma(v) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE jdma_id = $1"))).bind(v).fetch_optional(&mut *c).await?,
            ExternalId::SheetRef(v) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE sheet_ref = $1"))).bind(v).fetch_optional(&mut *c).await?,
            ExternalId::Legacy(v) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE legacy_id = $1"))).bind(v).fetch_optional(&mut *c).await?,
        }
    }))
}

/// Gets a démarche by its stable id.
pub async fn get(conn: Conn<'_>, id: i64) -> Result<Demarche> {
    let d: Option<Demarche> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE id = $1"))).bind(id).fetch_optional(&mut *c).await?
    });
    d.ok_or_else(|| StoreError::NotFound(format!("démarche n° {id}")))
}

/// Creates a démarche with its external ids.
pub async fn create(conn: Conn<'_>, jdma_id: Option<i64>, sheet_ref: Option<&str>, legacy_id: Option<&str>) -> Result<i64> {
    let r: Result<i64, sqlx::Error> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar("INSERT INTO demarches (jdma_id, sheet_ref, legacy_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(jdma_id).bind(sheet_ref).bind(legacy_id).bind(now_utc()).fetch_one(&mut *c).await
    });
    r.map_err(|e| StoreError::from(e).conflict_on_unique("identifiant de démarche déjà attribué à une autre démarche"))
}

/// Attaches missing external ids to an existing démarche (never overwrites one).
pub async fn attach_ids(conn: Conn<'_>, id: i64, jdma_id: Option<i64>, sheet_ref: Option<&str>) -> Result<()> {
    let r: Result<_, sqlx::Error> = with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE demarches SET jdma_id = COALESCE(jdma_id, $2), sheet_ref = COALESCE(sheet_ref, $3) WHERE id = $1")
            .bind(id).bind(jdma_id).bind(sheet_ref).execute(&mut *c).await.map(|_| ())
    });
    r.map_err(|e| StoreError::from(e).conflict_on_unique("identifiant de démarche déjà attribué à une autre démarche"))
}

/// Records versions in batches (replacing those that start the same day). Each démarche must
/// appear once per call.
pub async fn put_versions(conn: Conn<'_>, versions: &[NewVersion<'_>]) -> Result<()> {
    with_conn!(conn, c, DB => {
        for chunk in versions.chunks(1000) {
            let mut qb = sqlx::QueryBuilder::<DB>::new(
                "INSERT INTO demarche_versions (demarche_id, valid_from, title, ministere_id, administration_id, domaine_id, url, observed, source) ",
            );
            qb.push_values(chunk, |mut b, v| {
                b.push_bind(v.demarche_id).push_bind(v.valid_from.to_string()).push_bind(v.title.to_string())
                    .push_bind(v.ministere_id).push_bind(v.administration_id).push_bind(v.domaine_id)
                    .push_bind(v.url.map(str::to_string)).push_bind(v.observed).push_bind(v.source.to_string());
            });
            qb.push(
                " ON CONFLICT (demarche_id, valid_from) DO UPDATE SET title = excluded.title, ministere_id = excluded.ministere_id, \
                 administration_id = excluded.administration_id, domaine_id = excluded.domaine_id, url = excluded.url, \
                 observed = excluded.observed, source = excluded.source",
            );
            qb.build().execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// The dated history of a démarche, oldest first.
pub async fn history(conn: Conn<'_>, id: i64) -> Result<Vec<Version>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT v.demarche_id, v.valid_from, v.title, m.name AS ministere, a.name AS administration, d.name AS domaine, \
             v.url, v.observed, v.source FROM demarche_versions v \
             LEFT JOIN organisations m ON m.id = v.ministere_id \
             LEFT JOIN organisations a ON a.id = v.administration_id \
             LEFT JOIN organisations d ON d.id = v.domaine_id \
             WHERE v.demarche_id = $1 ORDER BY v.valid_from",
        ).bind(id).fetch_all(&mut *c).await?
    }))
}

/// Records that a démarche left the observed list on `valid_from`: a copy of its latest version
/// with `observed` false (no-op when its latest version already says so).
pub async fn mark_left(conn: Conn<'_>, id: i64, valid_from: &str, source: &str) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query(
            "INSERT INTO demarche_versions (demarche_id, valid_from, title, ministere_id, administration_id, domaine_id, url, observed, source) \
             SELECT demarche_id, $2, title, ministere_id, administration_id, domaine_id, url, $3, $4 FROM demarche_versions \
             WHERE demarche_id = $1 AND valid_from < $2 AND observed = $5 \
             AND valid_from = (SELECT MAX(valid_from) FROM demarche_versions WHERE demarche_id = $1 AND valid_from < $2) \
             ON CONFLICT (demarche_id, valid_from) DO NOTHING",
        )
        .bind(id).bind(valid_from).bind(false).bind(source).bind(true)
        .execute(&mut *c).await?;
    });
    Ok(())
}
