//! Démarches: stable identity, external ids, and the dated history of their descriptive fields.

use obs_domain::{Demarche, Version};
use time::Date;

use crate::{Conn, Result, StoreError, day, instant, now_utc};

#[derive(sqlx::FromRow)]
struct DemarcheRow {
    id: i64,
    jdma_id: Option<i64>,
    sheet_ref: Option<String>,
    legacy_id: Option<String>,
    created_at: String,
}

impl DemarcheRow {
    fn parse(self) -> Result<Demarche> {
        Ok(Demarche {
            created_at: instant(&self.created_at)?,
            id: self.id,
            jdma_id: self.jdma_id,
            sheet_ref: self.sheet_ref,
            legacy_id: self.legacy_id,
        })
    }
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    demarche_id: i64,
    valid_from: String,
    title: String,
    ministere: Option<String>,
    administration: Option<String>,
    domaine: Option<String>,
    url: Option<String>,
    observed: bool,
    source: String,
}

impl VersionRow {
    fn parse(self) -> Result<Version> {
        Ok(Version {
            valid_from: day(&self.valid_from)?,
            demarche_id: self.demarche_id,
            title: self.title,
            ministere: self.ministere,
            administration: self.administration,
            domaine: self.domaine,
            url: self.url,
            observed: self.observed,
            source: self.source,
        })
    }
}

/// What is written for a new version.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    /// Démarche id.
    pub demarche_id: i64,
    /// First day.
    pub valid_from: Date,
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
    let row: Option<DemarcheRow> = with_conn!(conn, c, _DB => {
        match ext {
            ExternalId::Jdma(v) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE jdma_id = $1"))).bind(v).fetch_optional(&mut *c).await?,
            ExternalId::SheetRef(v) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE sheet_ref = $1"))).bind(v).fetch_optional(&mut *c).await?,
            ExternalId::Legacy(v) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE legacy_id = $1"))).bind(v).fetch_optional(&mut *c).await?,
        }
    });
    row.map(DemarcheRow::parse).transpose()
}

/// Gets a démarche by its stable id.
pub async fn get(conn: Conn<'_>, id: i64) -> Result<Demarche> {
    let d: Option<DemarcheRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM demarches WHERE id = $1"))).bind(id).fetch_optional(&mut *c).await?
    });
    d.ok_or_else(|| StoreError::NotFound(format!("démarche n° {id}")))?.parse()
}

/// Creates a démarche with its external ids.
pub async fn create(conn: Conn<'_>, jdma_id: Option<i64>, sheet_ref: Option<&str>, legacy_id: Option<&str>) -> Result<i64> {
    let r: Result<i64, sqlx::Error> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar("INSERT INTO demarches (jdma_id, sheet_ref, legacy_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(jdma_id).bind(sheet_ref).bind(legacy_id).bind(now_utc().to_string()).fetch_one(&mut *c).await
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

/// Records versions (replacing those that start the same day): one statement on PostgreSQL,
/// batches on SQLite. Each démarche must appear once per call.
pub async fn put_versions(conn: Conn<'_>, versions: &[NewVersion<'_>]) -> Result<()> {
    const UPDATE: &str = " ON CONFLICT (demarche_id, valid_from) DO UPDATE SET title = excluded.title, ministere_id = excluded.ministere_id, \
                          administration_id = excluded.administration_id, domaine_id = excluded.domaine_id, url = excluded.url, \
                          observed = excluded.observed, source = excluded.source";
    if versions.is_empty() {
        return Ok(());
    }
    match conn {
        Conn::Postgres(c) => {
            let sql = format!(
                "INSERT INTO demarche_versions (demarche_id, valid_from, title, ministere_id, administration_id, domaine_id, url, observed, source) \
                 SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::int8[], $7::text[], $8::bool[], $9::text[]){UPDATE}"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(versions.iter().map(|v| v.demarche_id).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.valid_from.to_string()).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.title).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.ministere_id).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.administration_id).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.domaine_id).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.url).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.observed).collect::<Vec<_>>())
                .bind(versions.iter().map(|v| v.source).collect::<Vec<_>>())
                .execute(&mut *c)
                .await?;
        }
        Conn::Sqlite(c) => {
            for chunk in versions.chunks(1000) {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO demarche_versions (demarche_id, valid_from, title, ministere_id, administration_id, domaine_id, url, observed, source) ",
                );
                qb.push_values(chunk, |mut b, v| {
                    b.push_bind(v.demarche_id).push_bind(v.valid_from.to_string()).push_bind(v.title.to_string())
                        .push_bind(v.ministere_id).push_bind(v.administration_id).push_bind(v.domaine_id)
                        .push_bind(v.url.map(str::to_string)).push_bind(v.observed).push_bind(v.source.to_string());
                });
                qb.push(UPDATE);
                qb.build().execute(&mut *c).await?;
            }
        }
    }
    Ok(())
}

/// The dated history of a démarche, oldest first.
pub async fn history(conn: Conn<'_>, id: i64) -> Result<Vec<Version>> {
    let rows: Vec<VersionRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT v.demarche_id, v.valid_from, v.title, m.name AS ministere, a.name AS administration, d.name AS domaine, \
             v.url, v.observed, v.source FROM demarche_versions v \
             LEFT JOIN organisations m ON m.id = v.ministere_id \
             LEFT JOIN organisations a ON a.id = v.administration_id \
             LEFT JOIN organisations d ON d.id = v.domaine_id \
             WHERE v.demarche_id = $1 ORDER BY v.valid_from",
        ).bind(id).fetch_all(&mut *c).await?
    });
    rows.into_iter().map(VersionRow::parse).collect()
}

/// Records that a démarche left the observed list on `valid_from`: a copy of its latest version
/// with `observed` false (no-op when its latest version already says so).
pub async fn mark_left(conn: Conn<'_>, id: i64, valid_from: Date, source: &str) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query(
            "INSERT INTO demarche_versions (demarche_id, valid_from, title, ministere_id, administration_id, domaine_id, url, observed, source) \
             SELECT demarche_id, $2, title, ministere_id, administration_id, domaine_id, url, $3, $4 FROM demarche_versions \
             WHERE demarche_id = $1 AND valid_from < $2 AND observed = $5 \
             AND valid_from = (SELECT MAX(valid_from) FROM demarche_versions WHERE demarche_id = $1 AND valid_from < $2) \
             ON CONFLICT (demarche_id, valid_from) DO NOTHING",
        )
        .bind(id).bind(valid_from.to_string()).bind(false).bind(source).bind(true)
        .execute(&mut *c).await?;
    });
    Ok(())
}
