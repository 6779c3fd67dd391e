//! Editions and the démarches they contain.

use obs_domain::{DayRange, Edition, EditionState, Instant, Member};
use time::Date;

use crate::{Conn, Result, StoreError, audiences, audiences_column, instant, now_utc, opt_day, window, window_columns};

/// The stored shape of an edition, parsed into [`Edition`] by [`EditionRow::parse`].
#[derive(sqlx::FromRow)]
struct EditionRow {
    id: i64,
    slug: String,
    name: String,
    quarter: Option<String>,
    cutoff: Option<String>,
    feedback_from: Option<String>,
    feedback_to: Option<String>,
    probe_from: Option<String>,
    probe_to: Option<String>,
    ruleset_id: String,
    state: String,
    current_revision: i32,
    correction_reason: Option<String>,
    demo: bool,
    created_at: String,
    published_at: Option<String>,
}

impl EditionRow {
    fn parse(self) -> Result<Edition> {
        Ok(Edition {
            state: EditionState::parse(&self.state).ok_or_else(|| StoreError::Corrupt(format!("état d'édition « {} »", self.state)))?,
            cutoff: opt_day(self.cutoff)?,
            feedback_window: window(self.feedback_from, self.feedback_to)?,
            probe_window: window(self.probe_from, self.probe_to)?,
            created_at: instant(&self.created_at)?,
            published_at: self.published_at.as_deref().map(instant).transpose()?,
            id: self.id,
            slug: self.slug,
            name: self.name,
            quarter: self.quarter,
            ruleset_id: self.ruleset_id,
            current_revision: self.current_revision,
            correction_reason: self.correction_reason,
            demo: self.demo,
        })
    }
}

/// Fields of a new edition.
#[derive(Debug, Clone)]
pub struct NewEdition {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Quarter.
    pub quarter: Option<String>,
    /// Cut-off day.
    pub cutoff: Option<Date>,
    /// Feedback window.
    pub feedback_window: Option<DayRange>,
    /// Probe window.
    pub probe_window: Option<DayRange>,
    /// Rule set id.
    pub ruleset_id: String,
    /// Demonstration data.
    pub demo: bool,
}

/// The stored shape of a member (draft or frozen).
#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    demarche_id: i64,
    title: String,
    ministere: Option<String>,
    administration: Option<String>,
    domaine: Option<String>,
    url: Option<String>,
    audience: String,
    volume_total: Option<f64>,
    volume_online: Option<f64>,
    feedback_button: Option<bool>,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Member {
        Member {
            audiences: audiences(&r.audience),
            demarche_id: r.demarche_id,
            title: r.title,
            ministere: r.ministere,
            administration: r.administration,
            domaine: r.domaine,
            url: r.url,
            volume_total: r.volume_total,
            volume_online: r.volume_online,
            feedback_button: r.feedback_button,
        }
    }
}

const COLS: &str = "id, slug, name, quarter, cutoff, feedback_from, feedback_to, probe_from, probe_to, ruleset_id, state, \
                    current_revision, correction_reason, demo, created_at, published_at";

/// Creates an edition in state `brouillon`.
pub async fn create(conn: Conn<'_>, e: &NewEdition) -> Result<i64> {
    let (ff, ft) = window_columns(e.feedback_window);
    let (pf, pt) = window_columns(e.probe_window);
    let r: Result<i64, sqlx::Error> = with_conn!(conn, c, _DB => {
        sqlx::query_scalar(
            "INSERT INTO editions (slug, name, quarter, cutoff, feedback_from, feedback_to, probe_from, probe_to, ruleset_id, state, demo, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'brouillon', $10, $11) RETURNING id",
        )
        .bind(&e.slug).bind(&e.name).bind(&e.quarter).bind(e.cutoff.map(|d| d.to_string())).bind(ff).bind(ft).bind(pf).bind(pt)
        .bind(&e.ruleset_id).bind(e.demo).bind(now_utc().to_string())
        .fetch_one(&mut *c).await
    });
    r.map_err(|err| StoreError::from(err).conflict_on_unique(format!("l'édition « {} » existe déjà", e.slug)))
}

/// Finds an edition by slug.
pub async fn by_slug(conn: Conn<'_>, slug: &str) -> Result<Edition> {
    let e: Option<EditionRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM editions WHERE slug = $1"))).bind(slug).fetch_optional(&mut *c).await?
    });
    e.ok_or_else(|| StoreError::NotFound(format!("édition « {slug} »")))?.parse()
}

/// Finds an edition by slug and locks its row until the transaction ends, so that a check of its
/// state and the write it guards see the same state (PostgreSQL: `FOR UPDATE`; SQLite: the
/// no-op update makes the transaction the single writer from this point).
pub async fn lock_by_slug(conn: Conn<'_>, slug: &str) -> Result<Edition> {
    let e: Option<EditionRow> = match conn {
        Conn::Sqlite(c) => {
            sqlx::query("UPDATE editions SET id = id WHERE slug = $1").bind(slug).execute(&mut *c).await?;
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM editions WHERE slug = $1"))).bind(slug).fetch_optional(&mut *c).await?
        }
        Conn::Postgres(c) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM editions WHERE slug = $1 FOR UPDATE")))
                .bind(slug)
                .fetch_optional(&mut *c)
                .await?
        }
    };
    e.ok_or_else(|| StoreError::NotFound(format!("édition « {slug} »")))?.parse()
}

/// All editions, by cut-off date then creation.
pub async fn list(conn: Conn<'_>) -> Result<Vec<Edition>> {
    let rows: Vec<EditionRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM editions ORDER BY COALESCE(cutoff, created_at), id"))).fetch_all(&mut *c).await?
    });
    rows.into_iter().map(EditionRow::parse).collect()
}

/// Writes the state, current revision, publication instant and correction reason.
pub async fn set_state(
    conn: Conn<'_>,
    id: i64,
    state: EditionState,
    current_revision: i32,
    published_at: Option<Instant>,
    correction_reason: Option<&str>,
) -> Result<()> {
    with_conn!(conn, c, _DB => {
        sqlx::query("UPDATE editions SET state = $2, current_revision = $3, published_at = COALESCE(published_at, $4), correction_reason = $5 WHERE id = $1")
            .bind(id).bind(state.as_str()).bind(current_revision).bind(published_at.map(|i| i.to_string())).bind(correction_reason)
            .execute(&mut *c).await?;
    });
    Ok(())
}

/// Adds or updates the démarches of an edition: one statement on PostgreSQL, batches on SQLite.
/// Each démarche must appear once per call.
pub async fn put_members(conn: Conn<'_>, edition_id: i64, members: &[Member]) -> Result<()> {
    const UPDATE: &str = " ON CONFLICT (edition_id, demarche_id) DO UPDATE SET title = excluded.title, ministere = excluded.ministere, \
                          administration = excluded.administration, domaine = excluded.domaine, url = excluded.url, audience = excluded.audience, \
                          volume_total = excluded.volume_total, volume_online = excluded.volume_online, feedback_button = excluded.feedback_button";
    if members.is_empty() {
        return Ok(());
    }
    match conn {
        Conn::Postgres(c) => {
            let sql = format!(
                "INSERT INTO edition_members (edition_id, demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button) \
                 SELECT $1, * FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[], $11::bool[]){UPDATE}"
            );
            MemberColumns::of(members).bind_pg(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(edition_id)).execute(&mut *c).await?;
        }
        Conn::Sqlite(c) => {
            for chunk in members.chunks(500) {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO edition_members (edition_id, demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button) ",
                );
                qb.push_values(chunk, |mut b, m| {
                    b.push_bind(edition_id).push_bind(m.demarche_id).push_bind(m.title.clone()).push_bind(m.ministere.clone())
                        .push_bind(m.administration.clone()).push_bind(m.domaine.clone()).push_bind(m.url.clone())
                        .push_bind(audiences_column(&m.audiences)).push_bind(m.volume_total).push_bind(m.volume_online).push_bind(m.feedback_button);
                });
                qb.push(UPDATE);
                qb.build().execute(&mut *c).await?;
            }
        }
    }
    Ok(())
}

/// Members as column arrays, for one PostgreSQL `UNNEST` insert.
pub(crate) struct MemberColumns {
    demarche_id: Vec<i64>,
    title: Vec<String>,
    ministere: Vec<Option<String>>,
    administration: Vec<Option<String>>,
    domaine: Vec<Option<String>>,
    url: Vec<Option<String>>,
    audience: Vec<String>,
    volume_total: Vec<Option<f64>>,
    volume_online: Vec<Option<f64>>,
    feedback_button: Vec<Option<bool>>,
}

impl MemberColumns {
    pub(crate) fn of(members: &[Member]) -> MemberColumns {
        MemberColumns {
            demarche_id: members.iter().map(|m| m.demarche_id).collect(),
            title: members.iter().map(|m| m.title.clone()).collect(),
            ministere: members.iter().map(|m| m.ministere.clone()).collect(),
            administration: members.iter().map(|m| m.administration.clone()).collect(),
            domaine: members.iter().map(|m| m.domaine.clone()).collect(),
            url: members.iter().map(|m| m.url.clone()).collect(),
            audience: members.iter().map(|m| audiences_column(&m.audiences)).collect(),
            volume_total: members.iter().map(|m| m.volume_total).collect(),
            volume_online: members.iter().map(|m| m.volume_online).collect(),
            feedback_button: members.iter().map(|m| m.feedback_button).collect(),
        }
    }

    /// Binds the ten arrays, in column order, after the parameters already bound.
    pub(crate) fn bind_pg<'q>(self, q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        q.bind(self.demarche_id)
            .bind(self.title)
            .bind(self.ministere)
            .bind(self.administration)
            .bind(self.domaine)
            .bind(self.url)
            .bind(self.audience)
            .bind(self.volume_total)
            .bind(self.volume_online)
            .bind(self.feedback_button)
    }
}

/// The démarches of an edition (draft view), by title.
pub async fn members(conn: Conn<'_>, edition_id: i64) -> Result<Vec<Member>> {
    let rows: Vec<MemberRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button \
             FROM edition_members WHERE edition_id = $1 ORDER BY title, demarche_id",
        ).bind(edition_id).fetch_all(&mut *c).await?
    });
    Ok(rows.into_iter().map(Member::from).collect())
}

/// One démarche of an edition, if it is a member.
pub async fn member(conn: Conn<'_>, edition_id: i64, demarche_id: i64) -> Result<Option<Member>> {
    let row: Option<MemberRow> = with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT demarche_id, title, ministere, administration, domaine, url, audience, volume_total, volume_online, feedback_button \
             FROM edition_members WHERE edition_id = $1 AND demarche_id = $2",
        ).bind(edition_id).bind(demarche_id).fetch_optional(&mut *c).await?
    });
    Ok(row.map(Member::from))
}
