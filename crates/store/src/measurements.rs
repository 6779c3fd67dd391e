//! Raw measurements: one value per (edition, démarche, indicator) and per collection, never a level.
//!
//! A value is stored in three columns (number, label, sample size) and comes back as one
//! [`RawValue`]; its source as a [`ValueSource`]; its window as a [`DayRange`].

use obs_domain::{DayRange, Instant, Measurement, RawValue, ValueSource};

use crate::{Conn, Result, StoreError, instant, raw_columns, raw_value, window, window_columns};

/// A value to record.
#[derive(Debug, Clone)]
pub struct NewMeasurement {
    /// Démarche id.
    pub demarche_id: i64,
    /// Indicator slug.
    pub indicator: String,
    /// The value.
    pub value: RawValue,
    /// Source kind.
    pub source: ValueSource,
    /// File or probe that produced it.
    pub source_ref: Option<String>,
    /// Days the value covers.
    pub window: Option<DayRange>,
    /// Who recorded it.
    pub author: String,
}

#[derive(sqlx::FromRow)]
struct MeasurementRow {
    id: i64,
    demarche_id: i64,
    indicator: String,
    value_num: Option<f64>,
    value_text: Option<String>,
    sample_count: Option<i64>,
    source: String,
    source_ref: Option<String>,
    window_from: Option<String>,
    window_to: Option<String>,
    author: String,
    recorded_at: String,
}

impl MeasurementRow {
    fn parse(self) -> Result<Measurement> {
        Ok(Measurement {
            value: raw_value(self.value_num, self.value_text, self.sample_count)?,
            source: ValueSource::parse(&self.source).ok_or_else(|| StoreError::Corrupt(format!("source « {} »", self.source)))?,
            window: window(self.window_from, self.window_to)?,
            recorded_at: instant(&self.recorded_at)?,
            id: self.id,
            demarche_id: self.demarche_id,
            indicator: self.indicator,
            source_ref: self.source_ref,
            author: self.author,
        })
    }
}

/// Records values, all stamped with the same instant: one statement on PostgreSQL (arrays
/// unnested server-side), multi-row `VALUES` batches on SQLite.
pub async fn insert(conn: Conn<'_>, edition_id: i64, rows: &[NewMeasurement], recorded_at: Instant) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let at = recorded_at.to_string();
    match conn {
        Conn::Postgres(c) => {
            let mut cols = Columns::default();
            for m in rows {
                cols.push(m);
            }
            sqlx::query(
                "INSERT INTO measurements (edition_id, demarche_id, indicator, value_num, value_text, sample_count, source, source_ref, window_from, window_to, author, recorded_at) \
                 SELECT $1, * , $12 FROM UNNEST($2::int8[], $3::text[], $4::float8[], $5::text[], $6::int8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])",
            )
            .bind(edition_id)
            .bind(cols.demarche_id).bind(cols.indicator).bind(cols.num).bind(cols.text).bind(cols.count)
            .bind(cols.source).bind(cols.source_ref).bind(cols.window_from).bind(cols.window_to).bind(cols.author)
            .bind(at)
            .execute(&mut *c)
            .await?;
        }
        Conn::Sqlite(c) => {
            for chunk in rows.chunks(500) {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO measurements (edition_id, demarche_id, indicator, value_num, value_text, sample_count, source, source_ref, window_from, window_to, author, recorded_at) ",
                );
                qb.push_values(chunk, |mut b, m| {
                    let (num, text, count) = raw_columns(&m.value);
                    let (wf, wt) = window_columns(m.window);
                    b.push_bind(edition_id).push_bind(m.demarche_id).push_bind(m.indicator.clone()).push_bind(num)
                        .push_bind(text).push_bind(count).push_bind(m.source.as_str())
                        .push_bind(m.source_ref.clone()).push_bind(wf).push_bind(wt)
                        .push_bind(m.author.clone()).push_bind(at.clone());
                });
                qb.build().execute(&mut *c).await?;
            }
        }
    }
    Ok(())
}

/// Column arrays of new measurements, for one `UNNEST` insert.
#[derive(Default)]
struct Columns {
    demarche_id: Vec<i64>,
    indicator: Vec<String>,
    num: Vec<Option<f64>>,
    text: Vec<Option<String>>,
    count: Vec<Option<i64>>,
    source: Vec<&'static str>,
    source_ref: Vec<Option<String>>,
    window_from: Vec<Option<String>>,
    window_to: Vec<Option<String>>,
    author: Vec<String>,
}

impl Columns {
    fn push(&mut self, m: &NewMeasurement) {
        let (num, text, count) = raw_columns(&m.value);
        let (wf, wt) = window_columns(m.window);
        self.demarche_id.push(m.demarche_id);
        self.indicator.push(m.indicator.clone());
        self.num.push(num);
        self.text.push(text);
        self.count.push(count);
        self.source.push(m.source.as_str());
        self.source_ref.push(m.source_ref.clone());
        self.window_from.push(wf);
        self.window_to.push(wt);
        self.author.push(m.author.clone());
    }
}

/// The part of a measurement that classification and freezing need.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// Measurement id.
    pub id: i64,
    /// Démarche id.
    pub demarche_id: i64,
    /// Indicator slug.
    pub indicator: String,
    /// The value.
    pub value: RawValue,
}

#[derive(sqlx::FromRow)]
struct ValueRow {
    id: i64,
    demarche_id: i64,
    indicator: String,
    value_num: Option<f64>,
    value_text: Option<String>,
    sample_count: Option<i64>,
}

/// The latest value of every (démarche, indicator) of an edition, unordered: the hot path of
/// draft computation and publication, so it reads only the columns they need.
pub async fn latest_values(conn: Conn<'_>, edition_id: i64) -> Result<Vec<Value>> {
    let rows: Vec<ValueRow> = match conn {
        Conn::Sqlite(c) => {
            sqlx::query_as(
                "SELECT m.id, m.demarche_id, m.indicator, m.value_num, m.value_text, m.sample_count FROM measurements m \
                 WHERE m.id IN (SELECT MAX(id) FROM measurements WHERE edition_id = $1 GROUP BY demarche_id, indicator)",
            )
            .bind(edition_id)
            .fetch_all(&mut *c)
            .await?
        }
        Conn::Postgres(c) => {
            sqlx::query_as(
                "SELECT DISTINCT ON (demarche_id, indicator) id, demarche_id, indicator, value_num, value_text, sample_count \
                 FROM measurements WHERE edition_id = $1 ORDER BY demarche_id, indicator, id DESC",
            )
            .bind(edition_id)
            .fetch_all(&mut *c)
            .await?
        }
    };
    rows.into_iter()
        .map(|r| {
            Ok(Value {
                value: raw_value(r.value_num, r.value_text, r.sample_count)?,
                id: r.id,
                demarche_id: r.demarche_id,
                indicator: r.indicator,
            })
        })
        .collect()
}

/// Values by id (for provenance display).
pub async fn by_ids(conn: Conn<'_>, ids: &[i64]) -> Result<Vec<Measurement>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<MeasurementRow> = with_conn!(conn, c, DB => {
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
    });
    rows.into_iter().map(MeasurementRow::parse).collect()
}
