//! DashLord scanner snapshots (spec/formats.md §3, data/dashlord/README.md).
//!
//! A snapshot is a directory with one sub-folder per démarche, named by its "Je donne mon avis"
//! product id, plus an `index.csv` giving the URL last scanned for each id. Each folder may hold
//! `jdma.json` (feedback scores, two formats), `jdma_3months.json` (informative, validated only),
//! `updown.json` (probe), `rgaa.json` (conformance rate) and `declaration-a11y.json` (mention).
//!
//! [`read_dashlord_dir`] reads everything it can and reports the rest as [`Problem`]s: empty and
//! missing files are warnings (the indicators they feed stay "À venir"), unreadable JSON or JSON of
//! the wrong shape is an error and contributes no value. Reading is split in two: each file is
//! parsed into a typed reading, then the readings become [`ParsedValue`]s once the whole snapshot
//! is known (the scale of `contact_reachability` is decided per snapshot, see [`read_dashlord_dir`]).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use obs_domain::RawValue;
use serde_json::{Map, Value};

use crate::dates::{paris_date_from_epoch_ms, parse_fr_date};
use crate::problems::{ParsedValue, Problem};
use crate::sheet::scale_decimal;

/// One démarche of a snapshot: a product-id folder and what its files say.
#[derive(Debug, Clone, PartialEq)]
pub struct DashlordFolder {
    /// The feedback product id (the folder name).
    pub product_id: u64,
    /// The URL last scanned for this id, from `index.csv`.
    pub url: Option<String>,
    /// The indicator values read from the folder's files.
    pub values: Vec<ParsedValue>,
    /// `Some(true)` when a readable `jdma.json` shows at least one answer, `None` otherwise.
    pub feedback_button: Option<bool>,
    /// The accessibility mention of `declaration-a11y.json` ("Accessibilité : partiellement conforme").
    pub a11y_mention: Option<String>,
    /// The accessibility declaration URL of `declaration-a11y.json`.
    pub declaration_url: Option<String>,
}

/// Everything read from one snapshot directory.
#[derive(Debug, Clone, PartialEq)]
pub struct DashlordSnapshot {
    /// The démarches, sorted by product id.
    pub folders: Vec<DashlordFolder>,
    /// Every problem found, snapshot-wide ones first, then folder by folder.
    pub problems: Vec<Problem>,
}

impl DashlordSnapshot {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// The folder of a product id.
    pub fn folder(&self, product_id: u64) -> Option<&DashlordFolder> {
        self.folders
            .binary_search_by_key(&product_id, |f| f.product_id)
            .ok()
            .map(|i| &self.folders[i])
    }
}

/// The files of a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jdma,
    Jdma3Months,
    Updown,
    Rgaa,
    Declaration,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Jdma,
        Kind::Jdma3Months,
        Kind::Updown,
        Kind::Rgaa,
        Kind::Declaration,
    ];

    fn file_name(self) -> &'static str {
        match self {
            Kind::Jdma => "jdma.json",
            Kind::Jdma3Months => "jdma_3months.json",
            Kind::Updown => "updown.json",
            Kind::Rgaa => "rgaa.json",
            Kind::Declaration => "declaration-a11y.json",
        }
    }

    /// What is left without value when the file says nothing, in French.
    fn consequence(self) -> &'static str {
        match self {
            Kind::Jdma => {
                "satisfaction, clarté du langage, aide joignable, aide efficace et autonomie restent « À venir »"
            }
            Kind::Jdma3Months => {
                "fichier informatif (3 derniers mois), aucun indicateur n'en dépend"
            }
            Kind::Updown => "disponibilité et temps de chargement restent « À venir »",
            Kind::Rgaa => "la prise en compte du handicap reste « À venir »",
            Kind::Declaration => "la mention d'accessibilité reste inconnue",
        }
    }
}

/// Where a file is: its name as reported and its folder.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    file: String,
    place: String,
}

impl Ctx {
    pub(crate) fn new(file: impl Into<String>, product_id: u64) -> Self {
        Ctx {
            file: file.into(),
            place: format!("dossier {product_id}"),
        }
    }

    fn error(&self, message: impl Into<String>) -> Problem {
        Problem::error(&self.file, message).at(&self.place)
    }

    fn warning(&self, message: impl Into<String>) -> Problem {
        Problem::warning(&self.file, message).at(&self.place)
    }

    fn value(
        &self,
        indicator: &str,
        value: RawValue,
        window: Option<&(String, String)>,
    ) -> ParsedValue {
        ParsedValue {
            indicator: indicator.to_string(),
            value,
            file: self.file.clone(),
            place: Some(self.place.clone()),
            column: None,
            window: window.cloned(),
        }
    }
}

/// What a file's bytes hold before any shape check.
#[derive(Debug)]
pub(crate) enum Content<T> {
    /// 0 bytes or only whitespace: a failed scan.
    Empty,
    /// Unreadable or of the wrong shape (an error problem was produced).
    Invalid(Problem),
    /// A reading, with warnings about it.
    Read(T, Vec<Problem>),
}

/// Parses bytes as JSON: `Ok(None)` when empty, `Err` with a French message when not JSON.
fn json(bytes: &[u8]) -> Result<Option<Value>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(None);
    }
    serde_json::from_slice(bytes).map(Some).map_err(|e| {
        format!(
            "JSON illisible (ligne {}, colonne {}) : le fichier n'est pas du JSON valide",
            e.line(),
            e.column()
        )
    })
}

/// Parses and checks a file with `shape`, turning every failure into a problem.
fn parse_with<T>(
    bytes: &[u8],
    ctx: &Ctx,
    shape: impl FnOnce(&Value, &Ctx) -> Result<(T, Vec<Problem>), String>,
) -> Content<T> {
    match json(bytes) {
        Ok(None) => Content::Empty,
        Err(m) => Content::Invalid(ctx.error(m)),
        Ok(Some(v)) => match shape(&v, ctx) {
            Ok((t, warnings)) => Content::Read(t, warnings),
            Err(m) => Content::Invalid(ctx.error(format!("contenu inattendu : {m}"))),
        },
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "un booléen",
        Value::Number(_) => "un nombre",
        Value::String(_) => "un texte",
        Value::Array(_) => "une liste",
        Value::Object(_) => "un objet",
    }
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} devrait être un objet JSON, trouvé {}", type_name(v)))
}

fn sub_object<'a>(
    m: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => object(v, &format!("« {key} »")).map(Some),
    }
}

/// A number, absent or null being `None`.
fn opt_num(m: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| format!("« {key} » n'est pas un nombre utilisable")),
        Some(v) => Err(format!(
            "« {key} » devrait être un nombre, trouvé {}",
            type_name(v)
        )),
    }
}

/// A count: a whole number ≥ 0, absent or null being `None`.
fn opt_count(m: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(u) = n.as_u64() {
                return Ok(Some(u));
            }
            match n.as_f64() {
                Some(f) if f >= 0.0 && f.fract() == 0.0 && f < 9.0e15 => Ok(Some(f as u64)),
                _ => Err(format!(
                    "« {key} » devrait être un nombre entier positif, trouvé {n}"
                )),
            }
        }
        Some(v) => Err(format!(
            "« {key} » devrait être un nombre entier, trouvé {}",
            type_name(v)
        )),
    }
}

fn req_count(m: &Map<String, Value>, key: &str) -> Result<u64, String> {
    opt_count(m, key)?.ok_or_else(|| format!("« {key} » manquant"))
}

fn opt_str<'a>(m: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(v) => Err(format!(
            "« {key} » devrait être un texte, trouvé {}",
            type_name(v)
        )),
    }
}

fn in_range(key: &str, v: f64, max: f64) -> Result<f64, String> {
    if (0.0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "« {key} » vaut {v}, hors de l'intervalle attendu 0 à {max}"
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// jdma.json and jdma_3months.json

/// A feedback file in the current format (scores already averaged).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CurrentJdma {
    satisfaction: Option<f64>,
    comprehension: Option<f64>,
    contact_reachability: Option<f64>,
    contact_satisfaction: Option<f64>,
    autonomy: Option<f64>,
    satisfaction_count: u64,
    comprehension_count: u64,
    contact_count: u64,
    reachability_count: Option<u64>,
    contact_satisfaction_count: Option<u64>,
    autonomy_count: u64,
}

/// Answers of one question of the old format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tally {
    negative: u64,
    neutral: u64,
    positive: u64,
}

impl Tally {
    fn total(self) -> u64 {
        self.negative
            .saturating_add(self.neutral)
            .saturating_add(self.positive)
    }

    /// The score /10: (10 × positive + 5 × neutral) ÷ answers, 0 when nobody answered.
    fn score(self) -> f64 {
        let n = self.total();
        if n == 0 {
            0.0
        } else {
            (10.0 * self.positive as f64 + 5.0 * self.neutral as f64) / n as f64
        }
    }
}

/// A feedback file in the old raw-count format (2023 to mid-2024).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OldJdma {
    answers_total: Option<u64>,
    satisfaction: Tally,
    easy: Option<Tally>,
    comprehensible: Option<Tally>,
    window: Option<(String, String)>,
}

/// A feedback file, either format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Jdma {
    Current(CurrentJdma),
    Old(OldJdma),
}

/// The scale of `contact_reachability` in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ReachScale {
    /// A 0–1 share, as documented.
    Share,
    /// A score out of 10 (the 2024-09-30 snapshot).
    OutOfTen,
}

impl Jdma {
    /// Whether the file shows at least one answer.
    fn has_answers(&self) -> bool {
        match self {
            Jdma::Current(c) => {
                c.satisfaction_count > 0
                    || c.comprehension_count > 0
                    || c.contact_count > 0
                    || c.autonomy_count > 0
            }
            Jdma::Old(o) => {
                o.answers_total.is_some_and(|n| n > 0)
                    || o.satisfaction.total() > 0
                    || o.easy.is_some_and(|t| t.total() > 0)
                    || o.comprehensible.is_some_and(|t| t.total() > 0)
            }
        }
    }

    /// The `contact_reachability` read, in the current format.
    fn reachability(&self) -> Option<f64> {
        match self {
            Jdma::Current(c) => c.contact_reachability,
            Jdma::Old(_) => None,
        }
    }

    /// The indicator values of the file.
    ///
    /// Current format: `satisfaction` and `simplicity` as /10 scores with their answer counts,
    /// `help_reachable` in % (share × 100, or score /10 × 10 under [`ReachScale::OutOfTen`]),
    /// `help_efficient` /10, `help_used` in % (autonomy /10 × 10), the latter only when at least
    /// one autonomy answer exists (a 0 from nobody is not a measurement, and the indicator has no
    /// "insufficient answers" level). Old format: satisfaction and simplicity from the raw counts,
    /// with the window of the file.
    fn values(&self, ctx: &Ctx, scale: ReachScale) -> Vec<ParsedValue> {
        let mut out = Vec::new();
        match self {
            Jdma::Current(c) => {
                if let Some(s) = c.satisfaction {
                    out.push(ctx.value(
                        "satisfaction",
                        RawValue::counted(s, c.satisfaction_count),
                        None,
                    ));
                }
                if let Some(s) = c.comprehension {
                    out.push(ctx.value(
                        "simplicity",
                        RawValue::counted(s, c.comprehension_count),
                        None,
                    ));
                }
                if let Some(r) = c.contact_reachability {
                    let pct = match scale {
                        ReachScale::Share => scale_decimal(r, 2),
                        ReachScale::OutOfTen => scale_decimal(r, 1),
                    };
                    let n = c.reachability_count.unwrap_or(c.contact_count);
                    out.push(ctx.value("help_reachable", RawValue::counted(pct, n), None));
                }
                if let Some(s) = c.contact_satisfaction {
                    let n = c.contact_satisfaction_count.unwrap_or(c.contact_count);
                    out.push(ctx.value("help_efficient", RawValue::counted(s, n), None));
                }
                if let Some(a) = c.autonomy
                    && c.autonomy_count > 0
                {
                    out.push(ctx.value(
                        "help_used",
                        RawValue::counted(scale_decimal(a, 1), c.autonomy_count),
                        None,
                    ));
                }
            }
            Jdma::Old(o) => {
                let w = o.window.as_ref();
                let s = o.satisfaction;
                out.push(ctx.value("satisfaction", RawValue::counted(s.score(), s.total()), w));
                if let Some(c) = o.comprehensible {
                    out.push(ctx.value("simplicity", RawValue::counted(c.score(), c.total()), w));
                }
            }
        }
        out
    }
}

fn tally(m: &Map<String, Value>, key: &str) -> Result<Option<Tally>, String> {
    let Some(t) = sub_object(m, key)? else {
        return Ok(None);
    };
    let get = |k: &str| {
        opt_count(t, k)
            .map_err(|e| format!("dans « {key} », {e}"))
            .map(|v| v.unwrap_or(0))
    };
    Ok(Some(Tally {
        negative: get("negative")?,
        neutral: get("neutral")?,
        positive: get("positive")?,
    }))
}

fn epoch_ms(m: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    let Some(v) = opt_num(m, key)? else {
        return Ok(None);
    };
    if v.fract() != 0.0 || v.abs() > 1.0e17 {
        return Err(format!(
            "« {key} » n'est pas une date en millisecondes : {v}"
        ));
    }
    paris_date_from_epoch_ms(v as i64)
        .map(Some)
        .ok_or_else(|| format!("« {key} » n'est pas une date plausible : {v}"))
}

/// Reads a feedback file (`jdma.json` or `jdma_3months.json`), either format.
pub(crate) fn parse_jdma(bytes: &[u8], ctx: &Ctx) -> Content<Jdma> {
    parse_with(bytes, ctx, |v, _| {
        let root = object(v, "le fichier")?;
        if root.contains_key("data") || root.contains_key("metadata") {
            let data = sub_object(root, "data")?.ok_or("« data » manquant")?;
            let meta = sub_object(root, "metadata")?.ok_or("« metadata » manquant")?;
            let score = |k: &str| {
                opt_num(data, k).and_then(|o| o.map(|x| in_range(k, x, 10.0)).transpose())
            };
            let satisfaction = score("satisfaction")?;
            let comprehension = score("comprehension")?;
            let contact_reachability = score("contact_reachability")?;
            let contact_satisfaction = score("contact_satisfaction")?;
            let autonomy = score("autonomy")?;
            // A count is required when its score is given; absent counts otherwise read 0.
            let count = |k: &str, needed: bool| -> Result<u64, String> {
                if needed {
                    req_count(meta, k)
                } else {
                    Ok(opt_count(meta, k)?.unwrap_or(0))
                }
            };
            let contact_count = count(
                "contact_count",
                (contact_reachability.is_some() && !meta.contains_key("contactReachability_count"))
                    || (contact_satisfaction.is_some()
                        && !meta.contains_key("contactSatisfaction_count")),
            )?;
            let jdma = CurrentJdma {
                satisfaction_count: count("satisfaction_count", satisfaction.is_some())?,
                comprehension_count: count("comprehension_count", comprehension.is_some())?,
                contact_count,
                reachability_count: opt_count(meta, "contactReachability_count")?,
                contact_satisfaction_count: opt_count(meta, "contactSatisfaction_count")?,
                autonomy_count: count("autonomy_count", autonomy.is_some())?,
                satisfaction,
                comprehension,
                contact_reachability,
                contact_satisfaction,
                autonomy,
            };
            Ok((Jdma::Current(jdma), Vec::new()))
        } else if root.contains_key("satisfaction") || root.contains_key("answersTotal") {
            let satisfaction = tally(root, "satisfaction")?.ok_or("« satisfaction » manquant")?;
            let easy = tally(root, "easy")?;
            let comprehensible = tally(root, "comprehensible")?;
            let answers_total = opt_count(root, "answersTotal")?;
            let start = epoch_ms(root, "dateStart")?;
            let end = epoch_ms(root, "dateEnd")?;
            let window = match (start, end) {
                (Some(s), Some(e)) if s <= e => Some((s, e)),
                (Some(s), Some(e)) => return Err(format!("période inversée : du {s} au {e}")),
                _ => None,
            };
            Ok((
                Jdma::Old(OldJdma {
                    answers_total,
                    satisfaction,
                    easy,
                    comprehensible,
                    window,
                }),
                Vec::new(),
            ))
        } else {
            Err("format inconnu : ni « data » et « metadata » (format actuel), ni « satisfaction » et « answersTotal » (ancien format)".into())
        }
    })
}

// ---------------------------------------------------------------------------------------------
// updown.json

/// A probe summary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Updown {
    uptime: Option<f64>,
    response: Option<f64>,
}

/// Reads `updown.json`: `uptime` (%) and `timings.response` (ms); `{}` means "not measured".
pub(crate) fn parse_updown(bytes: &[u8], ctx: &Ctx) -> Content<Updown> {
    parse_with(bytes, ctx, |v, ctx| {
        let root = object(v, "le fichier")?;
        let uptime = opt_num(root, "uptime")?
            .map(|u| in_range("uptime", u, 100.0))
            .transpose()?;
        let response = match sub_object(root, "timings")? {
            Some(t) => opt_num(t, "response")?
                .map(|r| {
                    if r >= 0.0 {
                        Ok(r)
                    } else {
                        Err(format!("« timings.response » négatif : {r}"))
                    }
                })
                .transpose()?,
            None => None,
        };
        let mut warnings = Vec::new();
        if root.is_empty() {
            warnings.push(ctx.warning(format!(
                "sonde sans mesure (« {{}} ») : {}",
                Kind::Updown.consequence()
            )));
        } else if uptime.is_none() && response.is_none() {
            warnings.push(ctx.warning(format!(
                "ni « uptime » ni « timings.response » : {}",
                Kind::Updown.consequence()
            )));
        }
        Ok((Updown { uptime, response }, warnings))
    })
}

impl Updown {
    fn values(&self, ctx: &Ctx) -> Vec<ParsedValue> {
        let mut out = Vec::new();
        if let Some(u) = self.uptime {
            out.push(ctx.value("uptime", RawValue::number(u), None));
        }
        if let Some(r) = self.response {
            out.push(ctx.value("performance", RawValue::number(r), None));
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// rgaa.json and declaration-a11y.json

/// The conformance rate read from the accessibility declaration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rgaa {
    taux: Option<f64>,
}

/// Reads `rgaa.json`: `{"taux": number|null, "date": "dd/mm/yyyy"|null}`.
pub(crate) fn parse_rgaa(bytes: &[u8], ctx: &Ctx) -> Content<Rgaa> {
    parse_with(bytes, ctx, |v, ctx| {
        let root = object(v, "le fichier")?;
        let taux = opt_num(root, "taux")?
            .map(|t| in_range("taux", t, 100.0))
            .transpose()?;
        let mut warnings = Vec::new();
        // The declaration date is checked but not used: the rate alone decides the level.
        if let Some(s) = opt_str(root, "date")?
            && parse_fr_date(s).is_none()
        {
            warnings.push(ctx.warning(format!(
                "date de déclaration illisible « {s} » (jj/mm/aaaa attendu), ignorée"
            )));
        }
        if taux.is_none() {
            warnings.push(ctx.warning(
                "pas de taux de conformité lisible : sans déclaration valable, la prise en compte du handicap vaut « Non »",
            ));
        }
        Ok((Rgaa { taux }, warnings))
    })
}

impl Rgaa {
    fn values(&self, ctx: &Ctx) -> Vec<ParsedValue> {
        let value = match self.taux {
            Some(t) => RawValue::number(t),
            None => RawValue::text("Non"),
        };
        vec![ctx.value("handicap", value, None)]
    }
}

/// The accessibility mention and declaration URL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declaration {
    mention: Option<String>,
    url: Option<String>,
}

/// Reads `declaration-a11y.json`: `{"mention": string|null, "declarationUrl"?: string|null}`.
pub(crate) fn parse_declaration(bytes: &[u8], ctx: &Ctx) -> Content<Declaration> {
    parse_with(bytes, ctx, |v, _| {
        let root = object(v, "le fichier")?;
        let clean = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mention = clean(opt_str(root, "mention")?);
        let url = clean(opt_str(root, "declarationUrl")?);
        Ok((Declaration { mention, url }, Vec::new()))
    })
}

// ---------------------------------------------------------------------------------------------
// index.csv

/// One line of `index.csv`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexEntry {
    url: Option<String>,
    line: u64,
}

/// Reads `index.csv` (`jdma_product_id,url,last_scan_utc`).
pub(crate) fn parse_index(bytes: &[u8], file: &str) -> (BTreeMap<u64, IndexEntry>, Vec<Problem>) {
    let mut map = BTreeMap::new();
    let mut problems = Vec::new();
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            problems.push(Problem::error(file, format!("CSV illisible : {e}")));
            return (map, problems);
        }
        None => {
            problems.push(Problem::warning(file, "index vide : aucune URL connue"));
            return (map, problems);
        }
    };
    let position = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(id_col), Some(url_col)) = (position("jdma_product_id"), position("url")) else {
        problems.push(Problem::error(
            file,
            "colonnes « jdma_product_id » et « url » attendues dans l'en-tête",
        ));
        return (map, problems);
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(
                    Problem::error(file, format!("ligne CSV illisible : {e}"))
                        .at(format!("ligne {line}")),
                );
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let raw_id = record.get(id_col).unwrap_or("").trim();
        let Some(id) = parse_id(raw_id) else {
            problems.push(
                Problem::error(
                    file,
                    format!("identifiant produit « {raw_id} » non numérique"),
                )
                .at(format!("ligne {line}"))
                .in_column("jdma_product_id"),
            );
            continue;
        };
        let url = record
            .get(url_col)
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string);
        if let Some(prev) = map.insert(id, IndexEntry { url, line }) {
            problems.push(
                Problem::warning(
                    file,
                    format!(
                        "identifiant {id} déjà listé ligne {} : la ligne {line} est retenue",
                        prev.line
                    ),
                )
                .at(format!("ligne {line}")),
            );
        }
    }
    (map, problems)
}

/// A product id: ASCII digits only (no sign, no spaces).
fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// The directory

/// What one file of a folder turned out to be.
enum Loaded<T> {
    Missing,
    Empty,
    Invalid,
    Read(T),
}

/// The readings of one folder, before values are emitted.
struct FolderRead {
    id: u64,
    name: String,
    jdma: Loaded<Jdma>,
    updown: Loaded<Updown>,
    rgaa: Loaded<Rgaa>,
    declaration: Loaded<Declaration>,
    problems: Vec<Problem>,
}

fn load<T>(
    folder: &Path,
    display: &str,
    id: u64,
    kind: Kind,
    absent_everywhere: bool,
    problems: &mut Vec<Problem>,
    parse: impl FnOnce(&[u8], &Ctx) -> Content<T>,
) -> Loaded<T> {
    let ctx = Ctx::new(format!("{display}/{}", kind.file_name()), id);
    let bytes = match fs::read(folder.join(kind.file_name())) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if !absent_everywhere {
                problems.push(ctx.warning(format!("fichier absent : {}", kind.consequence())));
            }
            return Loaded::Missing;
        }
        Err(e) => {
            problems.push(ctx.error(format!("fichier illisible ({e})")));
            return Loaded::Invalid;
        }
    };
    match parse(&bytes, &ctx) {
        Content::Empty => {
            problems.push(ctx.warning(format!(
                "fichier vide (échec probable du scan) : {}",
                kind.consequence()
            )));
            Loaded::Empty
        }
        Content::Invalid(p) => {
            problems.push(p);
            Loaded::Invalid
        }
        Content::Read(t, warnings) => {
            problems.extend(warnings);
            Loaded::Read(t)
        }
    }
}

/// Reads a DashLord snapshot directory.
///
/// Every numeric sub-folder is a démarche; other sub-folders are reported as errors and skipped
/// (hidden entries and plain files such as `index.csv` are not démarches). See the module
/// documentation for the files. Specifics:
///
/// - A file kind absent from **every** folder (no `updown.json` before 2025, no `rgaa.json` in
///   2025) is reported once for the snapshot rather than once per folder.
/// - `contact_reachability` should be a 0–1 share; when any `jdma.json` of the snapshot has a
///   value above 1, the whole snapshot is read as scores out of 10 (converted ×10 to %), with one
///   warning: the 2024-09-30 snapshot is on that scale, and only the snapshot as a whole tells a
///   score of 1 / 10 from a share of 100 %.
/// - Dates of the old feedback format are Europe/Paris calendar days.
///
/// Returns `Err` only when `dir` itself cannot be listed.
pub fn read_dashlord_dir(dir: &Path) -> io::Result<DashlordSnapshot> {
    let snap = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let mut problems = Vec::new();

    // 1. The démarche folders.
    let mut ids: BTreeMap<u64, String> = BTreeMap::new();
    let mut entries: Vec<(String, bool)> = Vec::new();
    for entry in fs::read_dir(dir)? {
        match entry {
            Ok(e) => {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_dir = fs::metadata(e.path()).map(|m| m.is_dir()).unwrap_or(false);
                entries.push((name, is_dir));
            }
            Err(e) => problems.push(Problem::error(
                &snap,
                format!("entrée du dossier illisible ({e})"),
            )),
        }
    }
    entries.sort();
    for (name, is_dir) in entries {
        if !is_dir || name.starts_with('.') {
            continue;
        }
        match parse_id(&name) {
            None => problems.push(Problem::error(
                format!("{snap}/{name}"),
                "nom de dossier non numérique (un dossier par identifiant produit « Je donne mon avis » attendu) : dossier ignoré",
            )),
            Some(id) => {
                if let Some(prev) = ids.get(&id) {
                    problems.push(Problem::error(
                        format!("{snap}/{name}"),
                        format!("même identifiant produit que le dossier « {prev} » : dossier ignoré"),
                    ));
                } else {
                    ids.insert(id, name);
                }
            }
        }
    }

    // 2. URLs.
    let index_file = format!("{snap}/index.csv");
    let index = match fs::read(dir.join("index.csv")) {
        Ok(bytes) => {
            let (index, index_problems) = parse_index(&bytes, &index_file);
            problems.extend(index_problems);
            for id in index.keys().filter(|id| !ids.contains_key(id)) {
                problems.push(Problem::warning(
                    &index_file,
                    format!("identifiant {id} listé sans dossier correspondant"),
                ));
            }
            Some(index)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            problems.push(Problem::warning(
                &index_file,
                "index absent : aucune URL connue pour les démarches de l'instantané",
            ));
            None
        }
        Err(e) => {
            problems.push(Problem::error(
                &index_file,
                format!("fichier illisible ({e})"),
            ));
            None
        }
    };

    // 3. File kinds absent from every folder, reported once.
    let mut absent_everywhere = [false; 5];
    if !ids.is_empty() {
        for (k, kind) in Kind::ALL.iter().enumerate() {
            absent_everywhere[k] = ids
                .values()
                .all(|name| !dir.join(name).join(kind.file_name()).exists());
            if absent_everywhere[k] {
                problems.push(Problem::warning(
                    format!("{snap}/*/{}", kind.file_name()),
                    format!(
                        "aucun des {} dossiers ne contient ce fichier : {}",
                        ids.len(),
                        kind.consequence()
                    ),
                ));
            }
        }
    }

    // 4. Read every folder.
    let mut reads = Vec::with_capacity(ids.len());
    for (&id, name) in &ids {
        let folder = dir.join(name);
        let display = format!("{snap}/{name}");
        let mut fp = Vec::new();
        let jdma = load(
            &folder,
            &display,
            id,
            Kind::Jdma,
            absent_everywhere[0],
            &mut fp,
            parse_jdma,
        );
        // Informative: parsed and validated for its problems, its values are not used.
        let _ = load(
            &folder,
            &display,
            id,
            Kind::Jdma3Months,
            absent_everywhere[1],
            &mut fp,
            parse_jdma,
        );
        let updown = load(
            &folder,
            &display,
            id,
            Kind::Updown,
            absent_everywhere[2],
            &mut fp,
            parse_updown,
        );
        let rgaa = load(
            &folder,
            &display,
            id,
            Kind::Rgaa,
            absent_everywhere[3],
            &mut fp,
            parse_rgaa,
        );
        let declaration = load(
            &folder,
            &display,
            id,
            Kind::Declaration,
            absent_everywhere[4],
            &mut fp,
            parse_declaration,
        );
        reads.push(FolderRead {
            id,
            name: name.clone(),
            jdma,
            updown,
            rgaa,
            declaration,
            problems: fp,
        });
    }

    // 5. The scale of contact_reachability, decided on the whole snapshot.
    let reach: Vec<f64> = reads
        .iter()
        .filter_map(|r| match &r.jdma {
            Loaded::Read(j) => j.reachability(),
            _ => None,
        })
        .collect();
    let above_one = reach.iter().filter(|&&r| r > 1.0).count();
    let scale = if above_one > 0 {
        problems.push(Problem::warning(
            format!("{snap}/*/jdma.json"),
            format!(
                "« contact_reachability » est une note sur 10 et non une part de 0 à 1 ({above_one} fichiers sur {} dépassent 1) : \
                 toutes les valeurs de l'instantané sont lues sur 10 et converties en pourcentage (× 10) pour « Aide joignable »",
                reach.len()
            ),
        ));
        ReachScale::OutOfTen
    } else {
        ReachScale::Share
    };

    // 6. Values.
    let mut folders = Vec::with_capacity(reads.len());
    for r in reads {
        let display = format!("{snap}/{}", r.name);
        let ctx = |kind: Kind| Ctx::new(format!("{display}/{}", kind.file_name()), r.id);
        let mut values = Vec::new();
        let mut feedback_button = None;
        if let Loaded::Read(j) = &r.jdma {
            values.extend(j.values(&ctx(Kind::Jdma), scale));
            if j.has_answers() {
                feedback_button = Some(true);
            }
        }
        if let Loaded::Read(u) = &r.updown {
            values.extend(u.values(&ctx(Kind::Updown)));
        }
        if let Loaded::Read(g) = &r.rgaa {
            values.extend(g.values(&ctx(Kind::Rgaa)));
        }
        let (a11y_mention, declaration_url) = match r.declaration {
            Loaded::Read(d) => (d.mention, d.url),
            _ => (None, None),
        };
        let url = match &index {
            Some(index) => {
                let url = index.get(&r.id).and_then(|e| e.url.clone());
                if url.is_none() {
                    problems.push(
                        Problem::warning(&index_file, "aucune URL connue pour cet identifiant")
                            .at(format!("dossier {}", r.id)),
                    );
                }
                url
            }
            None => None,
        };
        problems.extend(r.problems);
        folders.push(DashlordFolder {
            product_id: r.id,
            url,
            values,
            feedback_button,
            a11y_mention,
            declaration_url,
        });
    }
    Ok(DashlordSnapshot { folders, problems })
}

#[cfg(test)]
mod tests;
