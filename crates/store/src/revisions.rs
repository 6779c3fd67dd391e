//! Published revisions: frozen members, frozen raw values and the rule-set text they were
//! classified with. Rows here are insert-only; database triggers refuse any update or delete.
//!
//! Freezing writes thousands of rows: on PostgreSQL each table is written in one statement
//! (column arrays unnested server-side, one round trip), on SQLite in multi-row `VALUES` batches.

use obs_domain::{Instant, Member, RawValue, Revision};

use crate::editions::MemberRow;
use crate::{Conn, Result, StoreError, audiences_column, instant, raw_columns, raw_value};

/// A frozen raw value with its cached level key.
#[derive(Debug, Clone, PartialEq)]
pub struct FrozenCell {
    /// Démarche id.
    pub demarche_id: i64,
    /// Indicator slug.
    pub indicator: String,
    /// The value.
    pub value: RawValue,
    /// Level key under the frozen rule set.
    pub level_key: String,
    /// The measurement it was taken from.
    pub measurement_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    edition_id: i64,
    revision: i32,
    ruleset_hash: String,
    reason: Option<String>,
    published_at: String,
    synthesis_json: String,
}

impl RevisionRow {
    fn parse(self) -> Result<Revision> {
        Ok(Revision {
            published_at: instant(&self.published_at)?,
            edition_id: self.edition_id,
            revision: self.revision,
            ruleset_hash: self.ruleset_hash,
            reason: self.reason,
            synthesis_json: self.synthesis_json,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CellRow {
    demarche_id: i64,
    indicator: String,
    value_num: Option<f64>,
    value_text: Option<String>,
    sample_count: Option<i64>,
    level_key: String,
    measurement_id: Option<i64>,
}

/// Stores a rule-set text under its hash (no-op when already stored).
pub async fn put_ruleset(conn: Conn<'_>, hash: &str, id: &str, source: &str, now: Instant) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("INSERT INTO rulesets (hash, id, source, stored_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING")
            .bind(hash).bind(id).bind(source).bind(now.to_string()).execute(&mut *c).await?;
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
            .bind(r.edition_id).bind(r.revision).bind(&r.ruleset_hash).bind(&r.reason).bind(r.published_at.to_string()).bind(&r.synthesis_json)
            .execute(&mut *c).await.map(|_| ())
    });
    res.map_err(|e| StoreError::from(e).conflict_on_unique(format!("la révision {} existe déjà", r.revision)))
}

/// Inserts the frozen members of a revision.
pub async fn insert_members(conn: Conn<'_>, edition_id: i64, revision: i32, members: &[Member]) -> Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    match conn {
        Conn::Postgres(c) => {
            let cols = crate::editions::MemberColumns::of(members);
            cols.bind_pg(
                sqlx::query(
                    "INSERT INTO revision_members (edition_id, revision, demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button) \
                     SELECT $1, $2, * FROM UNNEST($3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::float8[], $11::float8[], $12::bool[])",
                )
                .bind(edition_id)
                .bind(revision),
            )
            .execute(&mut *c)
            .await?;
        }
        Conn::Sqlite(c) => {
            for chunk in members.chunks(500) {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO revision_members (edition_id, revision, demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button) ",
                );
                qb.push_values(chunk, |mut b, m| {
                    b.push_bind(edition_id).push_bind(revision).push_bind(m.demarche_id).push_bind(m.title.clone())
                        .push_bind(m.ministere.clone()).push_bind(m.administration.clone()).push_bind(m.domaine.clone())
                        .push_bind(m.url.clone()).push_bind(audiences_column(&m.audiences)).push_bind(m.volume_total)
                        .push_bind(m.volume_online).push_bind(m.feedback_button);
                });
                qb.build().execute(&mut *c).await?;
            }
        }
    }
    Ok(())
}

/// Inserts the frozen cells of a revision.
pub async fn insert_cells(conn: Conn<'_>, edition_id: i64, revision: i32, cells: &[FrozenCell]) -> Result<()> {
    if cells.is_empty() {
        return Ok(());
    }
    match conn {
        Conn::Postgres(c) => {
            // The largest table of a publication: streamed with COPY (text format), one round trip.
            let mut rows = String::with_capacity(cells.len() * 48);
            for x in cells {
                let (num, text, count) = raw_columns(&x.value);
                copy_field(&mut rows, Some(&edition_id.to_string()));
                copy_field(&mut rows, Some(&revision.to_string()));
                copy_field(&mut rows, Some(&x.demarche_id.to_string()));
                copy_field(&mut rows, Some(&x.indicator));
                copy_field(&mut rows, num.map(copy_float).as_deref());
                copy_field(&mut rows, text.as_deref());
                copy_field(&mut rows, count.map(|n| n.to_string()).as_deref());
                copy_field(&mut rows, Some(&x.level_key));
                copy_field(&mut rows, x.measurement_id.map(|n| n.to_string()).as_deref());
                rows.pop();
                rows.push('\n');
            }
            let mut copy = c
                .copy_in_raw(
                    "COPY revision_cells (edition_id, revision, demarche_id, indicator, value_num, value_text, sample_count, level_key, measurement_id) FROM STDIN",
                )
                .await?;
            copy.send(rows.into_bytes()).await?;
            copy.finish().await?;
        }
        Conn::Sqlite(c) => {
            for chunk in cells.chunks(3000) {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO revision_cells (edition_id, revision, demarche_id, indicator, value_num, value_text, sample_count, level_key, measurement_id) ",
                );
                qb.push_values(chunk, |mut b, x| {
                    let (num, text, count) = raw_columns(&x.value);
                    b.push_bind(edition_id).push_bind(revision).push_bind(x.demarche_id).push_bind(x.indicator.clone())
                        .push_bind(num).push_bind(text).push_bind(count)
                        .push_bind(x.level_key.clone()).push_bind(x.measurement_id);
                });
                qb.build().execute(&mut *c).await?;
            }
        }
    }
    Ok(())
}

/// Appends one field of a COPY text row, then a tab: `\N` for NULL, special characters escaped.
fn copy_field(row: &mut String, value: Option<&str>) {
    match value {
        None => row.push_str("\\N"),
        Some(v) => {
            for ch in v.chars() {
                match ch {
                    '\\' => row.push_str("\\\\"),
                    '\t' => row.push_str("\\t"),
                    '\n' => row.push_str("\\n"),
                    '\r' => row.push_str("\\r"),
                    c => row.push(c),
                }
            }
        }
    }
    row.push('\t');
}

/// A float as PostgreSQL reads it back exactly (shortest round-trip digits).
fn copy_float(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        format!("{v:?}")
    }
}

/// One revision header.
pub async fn get(conn: Conn<'_>, edition_id: i64, revision: i32) -> Result<Revision> {
    let r: Option<RevisionRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT edition_id, revision, ruleset_hash, reason, published_at, synthesis_json FROM revisions WHERE edition_id = $1 AND revision = $2")
            .bind(edition_id).bind(revision).fetch_optional(&mut *c).await?
    });
    r.ok_or_else(|| StoreError::NotFound(format!("révision {revision}")))?.parse()
}

/// All revisions of an edition, oldest first.
pub async fn list(conn: Conn<'_>, edition_id: i64) -> Result<Vec<Revision>> {
    let rows: Vec<RevisionRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as("SELECT edition_id, revision, ruleset_hash, reason, published_at, synthesis_json FROM revisions WHERE edition_id = $1 ORDER BY revision")
            .bind(edition_id).fetch_all(&mut *c).await?
    });
    rows.into_iter().map(RevisionRow::parse).collect()
}

/// Frozen members of a revision, by title.
pub async fn members(conn: Conn<'_>, edition_id: i64, revision: i32) -> Result<Vec<Member>> {
    let rows: Vec<MemberRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button \
             FROM revision_members WHERE edition_id = $1 AND revision = $2 ORDER BY title, demarche_id",
        ).bind(edition_id).bind(revision).fetch_all(&mut *c).await?
    });
    Ok(rows.into_iter().map(Member::from).collect())
}

/// Frozen cells of a revision.
pub async fn cells(conn: Conn<'_>, edition_id: i64, revision: i32) -> Result<Vec<FrozenCell>> {
    let rows: Vec<CellRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, indicator, value_num, value_text, sample_count, level_key, measurement_id FROM revision_cells \
             WHERE edition_id = $1 AND revision = $2",
        ).bind(edition_id).bind(revision).fetch_all(&mut *c).await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(FrozenCell {
                value: raw_value(r.value_num, r.value_text, r.sample_count)?,
                demarche_id: r.demarche_id,
                indicator: r.indicator,
                level_key: r.level_key,
                measurement_id: r.measurement_id,
            })
        })
        .collect()
}
