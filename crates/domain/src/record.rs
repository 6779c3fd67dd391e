//! The observatory's records as plain, typed data: editions, their démarches, measured values,
//! frozen revisions and the audit trail.
//!
//! These are what the storage layer returns once it has parsed its columns (state names, dates,
//! instants, raw-value columns, audiences), so every layer above works with one typed shape and
//! never re-parses text. They carry no behaviour beyond small accessors.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::{EditionState, RawValue};

/// An instant, always in UTC and to the second (how the observatory stamps what it records).
///
/// Displays and serialises as RFC 3339 (`2026-10-01T08:30:00Z`), so its text order is its time
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(OffsetDateTime);

impl Instant {
    /// Now, truncated to the second.
    pub fn now() -> Instant {
        Instant::from(OffsetDateTime::now_utc())
    }

    /// Parses an RFC 3339 instant, whatever its offset.
    pub fn parse(s: &str) -> Option<Instant> {
        OffsetDateTime::parse(s, &Rfc3339).ok().map(Instant::from)
    }

    /// The UTC date-time.
    pub fn utc(self) -> OffsetDateTime {
        self.0
    }

    /// The calendar day in UTC.
    pub fn date(self) -> Date {
        self.0.date()
    }
}

impl From<OffsetDateTime> for Instant {
    fn from(t: OffsetDateTime) -> Instant {
        let t = t.to_offset(UtcOffset::UTC);
        Instant(t.replace_nanosecond(0).unwrap_or(t))
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        let s = String::deserialize(d)?;
        Instant::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("instant RFC 3339 invalide : {s}")))
    }
}

/// Parses an ISO calendar day (`2025-12-31`).
pub fn parse_day(s: &str) -> Option<Date> {
    Date::parse(s.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// An inclusive range of days (a feedback or probe window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayRange {
    /// First day.
    #[serde(serialize_with = "iso_day")]
    pub from: Date,
    /// Last day (inclusive).
    #[serde(serialize_with = "iso_day")]
    pub to: Date,
}

impl DayRange {
    /// A range, or None when `from` is after `to`.
    pub fn new(from: Date, to: Date) -> Option<DayRange> {
        (from <= to).then_some(DayRange { from, to })
    }
}

fn iso_day<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn iso_day_opt<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

fn state_name<S: Serializer>(st: &EditionState, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(st.as_str())
}

/// An edition: a dated list of démarches measured under one rule set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edition {
    /// Id.
    pub id: i64,
    /// Stable slug used in URLs and commands.
    pub slug: String,
    /// Name ("Octobre 2026").
    pub name: String,
    /// Quarter ("2026-T3").
    pub quarter: Option<String>,
    /// Cut-off day of the data.
    #[serde(serialize_with = "iso_day_opt")]
    pub cutoff: Option<Date>,
    /// Days of the feedback answers taken into account.
    pub feedback_window: Option<DayRange>,
    /// Days of the probes taken into account.
    pub probe_window: Option<DayRange>,
    /// Rule set id.
    pub ruleset_id: String,
    /// Life-cycle state (serialised as its displayed name, « publiée »).
    #[serde(serialize_with = "state_name")]
    pub state: EditionState,
    /// Latest frozen revision (0 before publication).
    pub current_revision: i32,
    /// Reason of the open correction, if any.
    pub correction_reason: Option<String>,
    /// Built from demonstration data.
    pub demo: bool,
    /// Creation instant.
    pub created_at: Instant,
    /// First publication instant.
    pub published_at: Option<Instant>,
}

impl Edition {
    /// Whether raw values may be recorded now: before publication, or while a correction is open.
    pub fn accepts_measurements(&self) -> bool {
        self.state.accepts_measurements() || self.correction_reason.is_some()
    }
}

/// A démarche as it appears in one edition (draft or frozen).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Audiences ("Particuliers", "Professionnels"…), in input order, none empty.
    pub audiences: Vec<String>,
    /// Total yearly volume.
    pub volume_total: Option<f64>,
    /// Online yearly volume.
    pub volume_online: Option<f64>,
    /// Feedback button installed.
    pub feedback_button: Option<bool>,
}

/// A démarche's identity.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub created_at: Instant,
}

/// One dated version of a démarche's descriptive fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    /// Démarche id.
    pub demarche_id: i64,
    /// First day this version holds.
    #[serde(serialize_with = "iso_day")]
    pub valid_from: Date,
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
    /// Where this version came from (French text).
    pub source: String,
}

/// Where a raw value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueSource {
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

impl ValueSource {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueSource::Import => "import",
            ValueSource::Sonde => "sonde",
            ValueSource::Avis => "avis",
            ValueSource::Testeur => "testeur",
            ValueSource::Ministere => "ministere",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<ValueSource> {
        [ValueSource::Import, ValueSource::Sonde, ValueSource::Avis, ValueSource::Testeur, ValueSource::Ministere]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// How a reader names it, in French.
    pub fn label(self) -> &'static str {
        match self {
            ValueSource::Import => "Fichier importé",
            ValueSource::Sonde => "Sonde automatique",
            ValueSource::Avis => "Avis des usagers (« Je donne mon avis »)",
            ValueSource::Testeur => "Test humain",
            ValueSource::Ministere => "Déclaration du ministère",
        }
    }
}

/// A recorded raw value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Id.
    pub id: i64,
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
    /// Instant recorded.
    pub recorded_at: Instant,
}

/// A frozen revision of an edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub published_at: Instant,
    /// Synthesis of the whole edition, computed at publication (JSON).
    pub synthesis_json: String,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When.
    pub at: Instant,
    /// Who (user, "cli:<login>", "demo").
    pub actor: String,
    /// What (`edition.publish`, `import.dashlord`…).
    pub action: String,
    /// On what (edition slug…).
    pub subject: String,
    /// Details (French text), never secrets.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_utc_seconds_and_rfc3339() {
        let i = Instant::parse("2026-10-01T10:30:00.75+02:00").unwrap();
        assert_eq!(i.to_string(), "2026-10-01T08:30:00Z");
        assert_eq!(serde_json::to_string(&i).unwrap(), "\"2026-10-01T08:30:00Z\"");
        assert!(Instant::parse("2026-10-01").is_none());
    }

    #[test]
    fn days_and_ranges() {
        let a = parse_day("2025-01-01").unwrap();
        let b = parse_day("2025-12-31").unwrap();
        assert!(DayRange::new(b, a).is_none());
        let r = DayRange::new(a, b).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"from":"2025-01-01","to":"2025-12-31"}"#);
        assert!(parse_day("31/12/2025").is_none());
    }

    #[test]
    fn value_sources_round_trip() {
        for s in [ValueSource::Import, ValueSource::Sonde, ValueSource::Avis, ValueSource::Testeur, ValueSource::Ministere] {
            assert_eq!(ValueSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(ValueSource::parse("demo-catalogue.csv"), None);
    }
}
