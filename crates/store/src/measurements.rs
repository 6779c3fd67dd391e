//! Raw measurements: one value per (edition, démarche, indicator) and per collection, never a level.

use crate::{Conn, Result};

/// Where a raw value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Source {
    /// An imported file.
    #[default]
    Import,
    /// An automatic probe.
    Sonde,
    /// Feedback answers.
    Avis,
    /// A human tester.
    Testeur,
    /// A ministry declaration.
    Ministere,
}

impl Source {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Import => "import",
            Source::Sonde => "sonde",
            Source::Avis => "avis",
            Source::Testeur => "testeur",
            Source::Ministere => "ministere",
        }
    }
}

/// A value to record.
#[derive(Debug, Clone)]
pub struct NewMeasurement {
    /// Démarche id.
    pub demarche_id: i64,
    /// Indicator slug.
    pub indicator: String,
    /// Number, if numeric.
    pub value_num: Option<f64>,
    /// Label, if textual.
    pub value_text: Option<String>,
    /// Sample size.
    pub sample_count: Option<i64>,
    /// Source kind.
    pub source: Source,
    /// File or probe that produced it.
    pub source_ref: Option<String>,
    /// Window start (ISO date).
    pub window_from: Option<String>,
    /// Window end (ISO date).
    pub window_to: Option<String>,
    /// Who recorded it.
    pub author: String,
}

/// A stored value.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Measurement {
    /// Id.
    pub id: i64,
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
    /// Source kind.
    pub source: String,
    /// Source reference.
    pub source_ref: Option<String>,
    /// Window start.
    pub window_from: Option<String>,
    /// Window end.
    pub window_to: Option<String>,
    /// Author.
    pub author: String,
    /// Instant recorded.
    pub recorded_at: String,
}

/// Records values in batches, all stamped with the same instant.
pub async fn insert(conn: Conn<'_>, edition_id: i64, rows: &[NewMeasurement], recorded_at: &str) -> Result<()> {
    with_conn!(conn, c, DB => {
        for chunk in rows.chunks(500) {
            let mut qb = sqlx::QueryBuilder::<DB>::new(
                "INSERT INTO measurements (edition_id, demarche_id, indicator, value_num, value_text, sample_count, source, source_ref, window_from, window_to, author, recorded_at) ",
            );
            qb.push_values(chunk, |mut b, m| {
                b.push_bind(edition_id).push_bind(m.demarche_id).push_bind(m.indicator.clone()).push_bind(m.value_num)
                    .push_bind(m.value_text.clone()).push_bind(m.sample_count).push_bind(m.source.as_str())
                    .push_bind(m.source_ref.clone()).push_bind(m.window_from.clone()).push_bind(m.window_to.clone())
                    .push_bind(m.author.clone()).push_bind(recorded_at.to_string());
            });
            qb.build().execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// The part of a measurement that classification and freezing need.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct Value {
    /// Measurement id.
    pub id: i64,
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
}

/// The latest value of every (démarche, indicator) of an edition, unordered: the hot path of
/// draft computation and publication, so it reads only the columns they need.
pub async fn latest_values(conn: Conn<'_>, edition_id: i64) -> Result<Vec<Value>> {
    Ok(with_conn!(conn, c, _DB => {
        sqlx::query_as(
            "SELECT m.id, m.demarche_id, m.indicator, m.value_num, m.value_text, m.sample_count FROM measurements m \
             WHERE m.id IN (SELECT MAX(id) FROM measurements WHERE edition_id = $1 GROUP BY demarche_id, indicator)",
        ).bind(edition_id).fetch_all(&mut *c).await?
    }))
}

/// Values by id (for provenance display).
pub async fn by_ids(conn: Conn<'_>, ids: &[i64]) -> Result<Vec<Measurement>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, c, DB => {
        let mut qb = sqlx::QueryBuilder::<DB>::new(
            "SELECT id, demarche_id, indicator, value_num, value_text, sample_count, source, source_ref, window_from, window_to, author, recorded_at \
             FROM measurements WHERE id IN (",
        );
        let mut sep = qb.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        qb.push(") ORDER BY id");
        qb.build_query_as().fetch_all(&mut *c).await?
    }))
}
