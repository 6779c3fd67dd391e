//! The working spreadsheet (spec/formats.md §1): one row per démarche, CSV or XLSX.
//!
//! [`read_sheet`] finds the header row, maps the headers to canonical columns through a
//! [`ColumnMapping`] (built-in aliases plus the user's), and turns every row into a [`SheetRow`]
//! with its descriptive fields and its indicator values, unclassified. Every problem carries the
//! row number the user sees in the spreadsheet (the header being row 1 in a plain file) and the
//! column as spelled in the file.
//!
//! Cell parsing lives in small pure functions ([`parse_number`], [`clean_title`]…) so that the
//! rules ("8,4", "85 %", fractions shown ×100) are tested on their own.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use obs_domain::RawValue;
use obs_domain::text::fold;

use crate::problems::{ParsedValue, Problem};

// ---------------------------------------------------------------------------------------------
// Columns

/// What a column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    EditionRef,
    DemarcheRef,
    JdmaId,
    Url,
    Title,
    Administration,
    Domaine,
    Ministere,
    VolumeOnline,
    VolumeTotal,
    FeedbackButton,
    Audience,
    Value(&'static str, Unit),
}

/// How the numbers of an indicator column are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Only labels ("Oui", "FranceConnect +"); numbers are passed on as text.
    Label,
    /// A score out of 10.
    Score10,
    /// A fraction 0–1 shown ×100, or a percentage when written with "%".
    Fraction,
    /// Milliseconds.
    Millis,
    /// A count ≥ 0.
    Count,
}

struct ColumnSpec {
    name: &'static str,
    aliases: &'static [&'static str],
    field: Field,
}

/// The canonical columns (2025 names) and the spellings known from earlier bases.
const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "Ref_Edition",
        aliases: &[],
        field: Field::EditionRef,
    },
    ColumnSpec {
        name: "Ref_Demarche",
        aliases: &["ID_Demarche"],
        field: Field::DemarcheRef,
    },
    ColumnSpec {
        name: "Dashlord_ID_JDMA",
        aliases: &[],
        field: Field::JdmaId,
    },
    ColumnSpec {
        name: "URL_Demarche",
        aliases: &[],
        field: Field::Url,
    },
    ColumnSpec {
        name: "Nom_Demarche",
        aliases: &[],
        field: Field::Title,
    },
    ColumnSpec {
        name: "Nom_Administration",
        aliases: &[],
        field: Field::Administration,
    },
    ColumnSpec {
        name: "Nom_Administration_Centrale",
        aliases: &[],
        field: Field::Domaine,
    },
    ColumnSpec {
        name: "Nom_Ministere",
        aliases: &["Ministere_politique"],
        field: Field::Ministere,
    },
    ColumnSpec {
        name: "Volumetrie_En_Ligne",
        aliases: &[],
        field: Field::VolumeOnline,
    },
    ColumnSpec {
        name: "Volumetrie_Totale",
        aliases: &[],
        field: Field::VolumeTotal,
    },
    ColumnSpec {
        name: "Ajout_Bouton_JDMA",
        aliases: &[],
        field: Field::FeedbackButton,
    },
    ColumnSpec {
        name: "Categories_Usagers",
        aliases: &[],
        field: Field::Audience,
    },
    ColumnSpec {
        name: "Statut_En_ligne",
        aliases: &[],
        field: Field::Value("online", Unit::Label),
    },
    ColumnSpec {
        name: "Note_Satisfaction",
        aliases: &["📊 Satisfaction"],
        field: Field::Value("satisfaction", Unit::Score10),
    },
    ColumnSpec {
        name: "Note_Clarte_Langage",
        aliases: &[],
        field: Field::Value("simplicity", Unit::Score10),
    },
    ColumnSpec {
        name: "Aide_Joignable",
        aliases: &[],
        field: Field::Value("help_reachable", Unit::Fraction),
    },
    ColumnSpec {
        name: "Aide_Efficace",
        aliases: &[],
        field: Field::Value("help_efficient", Unit::Score10),
    },
    ColumnSpec {
        name: "Niveau_Autonomie",
        aliases: &[],
        field: Field::Value("help_used", Unit::Fraction),
    },
    ColumnSpec {
        name: "Dashlord_UpDown_Dispo",
        aliases: &["2️⃣ Taux de disponibilité", "Taux_Dispo"],
        field: Field::Value("uptime", Unit::Fraction),
    },
    ColumnSpec {
        name: "Dashlord_UpDown_Tps_Moy_Chargement",
        aliases: &["Tps_Moy_Chargement"],
        field: Field::Value("performance", Unit::Millis),
    },
    ColumnSpec {
        name: "Taux_RGAA_Publie",
        aliases: &["Taux_Audit_RGAA"],
        field: Field::Value("handicap", Unit::Fraction),
    },
    ColumnSpec {
        name: "Score_DLNUF",
        aliases: &["DLNUF_pour_publication_", "DLNUF (pour publication)"],
        field: Field::Value("dlnuf", Unit::Count),
    },
    ColumnSpec {
        name: "Recours_au_Numerique",
        aliases: &["Tx_Recours_Demat", "pct_Recours_au_Numerique"],
        field: Field::Value("usage", Unit::Fraction),
    },
    ColumnSpec {
        name: "FranceConnect",
        aliases: &[],
        field: Field::Value("auth", Unit::Label),
    },
];

/// The comparison key of a header: folded (case, accents, spaces), `_` read as a space.
fn header_key(s: &str) -> String {
    fold(&s.replace(['_', '\u{feff}'], " "))
}

/// Which header spellings designate which canonical column.
///
/// Headers are compared folded: case, accents, repeated spaces and `_` versus space do not matter.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMapping {
    /// Per canonical column (in [`COLUMNS`] order), its accepted spellings, canonical name first.
    spellings: Vec<Vec<String>>,
}

/// The name used for problems about the mapping file.
const MAPPING_FILE: &str = "correspondance des colonnes";

impl ColumnMapping {
    /// The canonical names and the aliases known from earlier bases.
    pub fn builtin() -> Self {
        let spellings = COLUMNS
            .iter()
            .map(|c| {
                std::iter::once(c.name)
                    .chain(c.aliases.iter().copied())
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        ColumnMapping { spellings }
    }

    /// Adds the spellings of a user mapping file: `[columns]` then `Canonical = ["Spelling", …]`
    /// (a single string is accepted too). An unknown canonical name, or a spelling already taken
    /// by another column, is an error.
    pub fn with_user_toml(self, text: &str) -> Result<Self, Problem> {
        self.with_user_toml_named(text, MAPPING_FILE)
    }

    /// Same as [`ColumnMapping::with_user_toml`], naming the file in problems.
    pub fn with_user_toml_named(mut self, text: &str, file: &str) -> Result<Self, Problem> {
        let err = |m: String| Problem::error(file, m);
        let table: toml::Table =
            toml::from_str(text).map_err(|e| err(format!("TOML illisible : {}", e.message())))?;
        for key in table.keys() {
            if key != "columns" {
                return Err(err(format!(
                    "section « {key} » inconnue (seule « [columns] » est attendue)"
                )));
            }
        }
        let Some(columns) = table.get("columns") else {
            return Ok(self);
        };
        let columns = columns
            .as_table()
            .ok_or_else(|| err("« columns » doit être une table [columns]".into()))?;
        for (canonical, value) in columns {
            let Some(i) = COLUMNS
                .iter()
                .position(|c| header_key(c.name) == header_key(canonical))
            else {
                return Err(err(format!(
                    "colonne canonique « {canonical} » inconnue ; colonnes possibles : {}",
                    COLUMNS
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            let names: Vec<String> = match value {
                toml::Value::String(s) => vec![s.clone()],
                toml::Value::Array(a) => a
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| {
                        err(format!(
                            "« {canonical} » : une liste de textes est attendue"
                        ))
                    })?,
                _ => {
                    return Err(err(format!(
                        "« {canonical} » : une liste de textes est attendue"
                    )));
                }
            };
            for name in names {
                let key = header_key(&name);
                if key.is_empty() {
                    return Err(err(format!("« {canonical} » : intitulé vide")));
                }
                if let Some(j) = self.column_of_key(&key) {
                    if j != i {
                        return Err(err(format!(
                            "l'intitulé « {name} » désigne déjà la colonne « {} »",
                            COLUMNS[j].name
                        )));
                    }
                    continue;
                }
                self.spellings[i].push(name);
            }
        }
        Ok(self)
    }

    /// The canonical column names, in order.
    pub fn canonical_names(&self) -> Vec<&'static str> {
        COLUMNS.iter().map(|c| c.name).collect()
    }

    /// The accepted spellings of a canonical column (canonical name first).
    pub fn spellings(&self, canonical: &str) -> Option<&[String]> {
        let i = COLUMNS.iter().position(|c| c.name == canonical)?;
        Some(&self.spellings[i])
    }

    /// The canonical column a header designates.
    pub fn canonical_for(&self, header: &str) -> Option<&'static str> {
        self.column_of_key(&header_key(header))
            .map(|i| COLUMNS[i].name)
    }

    fn column_of_key(&self, key: &str) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        self.spellings
            .iter()
            .position(|names| names.iter().any(|n| header_key(n) == key))
    }

    fn quoted_spellings(&self, i: usize) -> String {
        self.spellings[i]
            .iter()
            .map(|s| format!("« {s} »"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Default for ColumnMapping {
    fn default() -> Self {
        ColumnMapping::builtin()
    }
}

// ---------------------------------------------------------------------------------------------
// Rows

/// One démarche row of the spreadsheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetRow {
    /// The row number the user sees: the spreadsheet row in a workbook, the line where the record
    /// starts in a CSV file (the header of a plain file is row 1).
    pub row: usize,
    /// `Ref_Edition`.
    pub edition_ref: Option<String>,
    /// `Ref_Demarche`, the stable démarche id.
    pub demarche_ref: Option<String>,
    /// `Dashlord_ID_JDMA`, the feedback product id.
    pub jdma_id: Option<u64>,
    /// `URL_Demarche`.
    pub url: Option<String>,
    /// `Nom_Demarche`, leading emoji and `#` stripped, trimmed.
    pub title: Option<String>,
    /// `Nom_Administration`.
    pub administration: Option<String>,
    /// `Nom_Administration_Centrale`.
    pub domaine: Option<String>,
    /// `Nom_Ministere`.
    pub ministere: Option<String>,
    /// `Volumetrie_Totale`.
    pub volume_total: Option<f64>,
    /// `Volumetrie_En_Ligne`.
    pub volume_online: Option<f64>,
    /// `Ajout_Bouton_JDMA`: "Oui" is `true`, any other text `false`, empty `None`.
    pub feedback_button: Option<bool>,
    /// `Categories_Usagers`, split on `;`, `,`, `|` and line breaks.
    pub audience: Vec<String>,
    /// The indicator values, unclassified.
    pub values: Vec<ParsedValue>,
}

/// What [`read_sheet`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetData {
    /// The démarche rows, in file order (blank rows skipped).
    pub rows: Vec<SheetRow>,
    /// Every problem found.
    pub problems: Vec<Problem>,
}

impl SheetData {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// One cell, whatever the file format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// Rows of cells with the row number the user sees.
type Grid = Vec<(usize, Vec<Cell>)>;

// ---------------------------------------------------------------------------------------------
// Pure cell parsing

/// A number read from a text cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedNumber {
    /// The number as written.
    pub value: f64,
    /// Whether it was written with a trailing "%" (it is then already a percentage).
    pub percent: bool,
}

/// Reads a number written by a person: "8,4", "8.4", "1 234", "85 %", "-2". Returns `None` for
/// anything else (labels, "n/c", "inf", two decimal separators).
pub fn parse_number(s: &str) -> Option<ParsedNumber> {
    let mut t = s.trim();
    let percent = t.ends_with('%');
    if percent {
        t = t[..t.len() - 1].trim_end();
    }
    let mut clean: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.contains(',') {
        if clean.contains('.') {
            return None;
        }
        clean = clean.replace(',', ".");
    }
    if !is_decimal_literal(&clean) {
        return None;
    }
    let value: f64 = clean.parse().ok()?;
    value.is_finite().then_some(ParsedNumber { value, percent })
}

/// `[+-]digits[.digits][e[+-]digits]`, with at least one digit in the mantissa.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// Multiplies by 10^`pow` on the decimal writing of `v`, so that 0.29 gives 29 and not
/// 28.999999999999996 (a figure truncated for display must not lose a unit).
pub fn scale_decimal(v: f64, pow: usize) -> f64 {
    if !v.is_finite() {
        return v;
    }
    // Rust prints the shortest representation that round-trips, never in exponent form.
    let s = format!("{}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut frac = frac.to_string();
    while frac.len() < pow {
        frac.push('0');
    }
    let shifted = format!("{int}{}.{}", &frac[..pow], &frac[pow..]);
    let r: f64 = shifted.parse().unwrap_or(v.abs() * 10f64.powi(pow as i32));
    if v < 0.0 { -r } else { r }
}

/// Strips leading emoji, `#` and spaces from a démarche title: "📄 #Carte grise" → "Carte grise".
pub fn clean_title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let keycap =
            matches!(next, Some('\u{fe0f}' | '\u{20e3}')) && (c.is_ascii_digit() || c == '*');
        let decoration = c == '#'
            || c.is_whitespace()
            || matches!(c, '\u{200d}' | '\u{fe0f}' | '\u{fe0e}' | '\u{20e3}')
            || (u32::from(c) >= 0x2190
                && !c.is_alphanumeric()
                && !matches!(c, '\u{2190}'..='\u{21ff}'));
        if keycap || decoration {
            i += 1;
        } else {
            break;
        }
    }
    chars[i..].iter().collect::<String>().trim().to_string()
}

/// Splits a list of user categories: "Particuliers ; Professionnels" → two items.
pub(crate) fn split_audience(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split([';', ',', '|', '\n', '\r']) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|o| fold(o) == fold(part)) {
            out.push(part.to_string());
        }
    }
    out
}

/// A cell as text: numbers written without a useless ".0", booleans as "Oui"/"Non".
fn cell_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
        Cell::Number(n) => Some(format!("{n}")),
        Cell::Bool(b) => Some(if *b { "Oui" } else { "Non" }.to_string()),
    }
}

/// Reads an indicator cell. `Ok(None)` for an empty cell; a text that is not a number is passed on
/// as [`RawValue::Text`] for the caller to classify; a number that breaks the column's unit is an
/// error message.
pub(crate) fn parse_value_cell(cell: &Cell, unit: Unit) -> Result<Option<RawValue>, String> {
    let (value, percent) = match cell {
        Cell::Empty => return Ok(None),
        Cell::Bool(b) => return Ok(Some(RawValue::text(if *b { "Oui" } else { "Non" }))),
        Cell::Number(n) if unit == Unit::Label => return Ok(Some(RawValue::text(format!("{n}")))),
        Cell::Number(n) => (*n, false),
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            match (unit, parse_number(t)) {
                (Unit::Label, _) | (_, None) => return Ok(Some(RawValue::text(t))),
                (_, Some(p)) => (p.value, p.percent),
            }
        }
    };
    if !value.is_finite() {
        return Err("nombre invalide".into());
    }
    let v = match unit {
        // Labels were returned above; a number here is passed on unchanged.
        Unit::Label => value,
        Unit::Fraction if percent => {
            if !(0.0..=100.0).contains(&value) {
                return Err(format!(
                    "pourcentage attendu entre 0 et 100 %, trouvé {value} %"
                ));
            }
            value
        }
        Unit::Fraction => {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!(
                    "fraction attendue entre 0 et 1 (0,85 pour 85 %), trouvé {value} ; écrire « {value} % » si c'est déjà un pourcentage"
                ));
            }
            scale_decimal(value, 2)
        }
        _ if percent => {
            return Err(format!(
                "un pourcentage n'est pas attendu dans cette colonne ({value} %)"
            ));
        }
        Unit::Score10 => {
            if !(0.0..=10.0).contains(&value) {
                return Err(format!(
                    "note sur 10 attendue entre 0 et 10, trouvé {value}"
                ));
            }
            value
        }
        Unit::Millis | Unit::Count => {
            if value < 0.0 {
                return Err(format!("nombre positif attendu, trouvé {value}"));
            }
            value
        }
    };
    Ok(Some(RawValue::number(v)))
}

/// Reads a volume: empty is `None`, a non-negative number is the volume, anything else an error.
pub(crate) fn parse_volume(cell: &Cell) -> Result<Option<f64>, String> {
    let v = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => *n,
        Cell::Bool(_) => return Err("nombre attendu, trouvé un booléen".into()),
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Text(t) => match parse_number(t) {
            Some(ParsedNumber {
                value,
                percent: false,
            }) => value,
            _ => return Err(format!("nombre attendu, trouvé « {} »", t.trim())),
        },
    };
    if !v.is_finite() || v < 0.0 {
        return Err(format!("nombre positif attendu, trouvé {v}"));
    }
    Ok(Some(v))
}

/// Reads a feedback product id: a whole number ≥ 0.
pub(crate) fn parse_jdma_id(cell: &Cell) -> Result<Option<u64>, String> {
    let v = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => *n,
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Text(t) => match parse_number(t) {
            Some(ParsedNumber {
                value,
                percent: false,
            }) => value,
            _ => {
                return Err(format!(
                    "identifiant entier attendu, trouvé « {} »",
                    t.trim()
                ));
            }
        },
        Cell::Bool(_) => return Err("identifiant entier attendu, trouvé un booléen".into()),
    };
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Ok(Some(v as u64))
    } else {
        Err(format!("identifiant entier attendu, trouvé {v}"))
    }
}

/// Reads the feedback-button column: "Oui" is `true`, any other text `false`.
pub(crate) fn parse_button(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Empty => None,
        Cell::Bool(b) => Some(*b),
        Cell::Number(n) => Some(*n != 0.0),
        Cell::Text(t) if t.trim().is_empty() => None,
        Cell::Text(t) => Some(fold(t) == "oui"),
    }
}

// ---------------------------------------------------------------------------------------------
// Files

/// Decodes a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252.
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_with_bom_removal(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The delimiter of a header line: the most frequent of `;`, `,` and tab outside quotes
/// (`;` wins ties, as French Excel writes it).
pub(crate) fn detect_delimiter(line: &str) -> u8 {
    let (mut semi, mut comma, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi == 0 && comma == 0 && tab == 0 {
        b','
    } else if semi >= comma && semi >= tab {
        b';'
    } else if tab >= comma {
        b'\t'
    } else {
        b','
    }
}

fn csv_grid(bytes: &[u8], file: &str, problems: &mut Vec<Problem>) -> Grid {
    let text = decode_text(bytes);
    let mut body: &str = &text;
    let mut line_offset = 0;
    // Excel's "sep=;" hint line.
    let first = body.lines().next().unwrap_or("");
    let delimiter = if first.len() == 5
        && first.to_ascii_lowercase().starts_with("sep=")
        && first.is_char_boundary(4)
    {
        let d = first.as_bytes()[4];
        body = body.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
        line_offset = 1;
        d
    } else {
        detect_delimiter(first)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let mut grid = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map(|p| p.line() as usize).unwrap_or(0) + line_offset;
                grid.push((line, r.iter().map(|f| Cell::Text(f.to_string())).collect()));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0) + line_offset;
                problems.push(
                    Problem::error(file, format!("ligne CSV illisible : {e}"))
                        .at(format!("ligne {line}")),
                );
            }
        }
    }
    grid
}

fn data_to_cell(d: &calamine::Data) -> Cell {
    use calamine::Data;
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                Cell::Text(format!("{y:04}-{mo:02}-{d:02}"))
            } else {
                Cell::Text(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"))
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}

/// The sheets of a workbook as grids, or an error message.
fn workbook_grids(bytes: &[u8]) -> Result<Vec<(String, Grid)>, String> {
    use calamine::Reader;
    let run = || -> Result<Vec<(String, Grid)>, String> {
        let mut wb =
            calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
            let (row0, _) = range.start().unwrap_or((0, 0));
            let grid = range
                .rows()
                .enumerate()
                .map(|(i, r)| (row0 as usize + i + 1, r.iter().map(data_to_cell).collect()))
                .collect();
            out.push((name, grid));
        }
        Ok(out)
    };
    // Malformed workbooks must never bring the caller down, even if the reader panics.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err("structure du classeur invalide".into()))
}

/// The resolved header: which file column feeds which canonical column.
struct Header {
    /// Index in the grid of the header row.
    index: usize,
    /// Row number of the header.
    row: usize,
    /// Canonical column index → (file column index, header text).
    columns: BTreeMap<usize, (usize, String)>,
    duplicates: Vec<(usize, String, String)>,
    unknown: Vec<String>,
    /// Number of cells up to the last non-blank header cell.
    width: usize,
}

fn resolve_header(grid: &Grid, index: usize, mapping: &ColumnMapping) -> Header {
    let (row, cells) = &grid[index];
    let mut columns: BTreeMap<usize, (usize, String)> = BTreeMap::new();
    let mut duplicates = Vec::new();
    let mut unknown = Vec::new();
    for (j, cell) in cells.iter().enumerate() {
        let Some(text) = cell_text(cell) else {
            continue;
        };
        match mapping.column_of_key(&header_key(&text)) {
            Some(c) => match columns.get(&c) {
                Some((_, first)) => duplicates.push((c, first.clone(), text)),
                None => {
                    columns.insert(c, (j, text));
                }
            },
            None => unknown.push(text),
        }
    }
    let width = cells
        .iter()
        .rposition(|c| !c.is_blank())
        .map_or(0, |i| i + 1);
    Header {
        index,
        row: *row,
        columns,
        duplicates,
        unknown,
        width,
    }
}

fn position_of(name: &str) -> usize {
    COLUMNS.iter().position(|c| c.name == name).unwrap_or(0)
}

/// Finds the header row among the first non-blank rows: the first one naming the démarche
/// column, else the one recognising most columns, else the first non-blank row.
fn find_header(grid: &Grid, mapping: &ColumnMapping) -> Option<Header> {
    let title = position_of("Nom_Demarche");
    let candidates: Vec<usize> = (0..grid.len())
        .filter(|&i| grid[i].1.iter().any(|c| !c.is_blank()))
        .take(10)
        .collect();
    let headers: Vec<Header> = candidates
        .iter()
        .map(|&i| resolve_header(grid, i, mapping))
        .collect();
    let best = headers
        .iter()
        .position(|h| h.columns.contains_key(&title))
        .or_else(|| {
            let most = headers.iter().map(|h| h.columns.len()).max()?;
            (most > 0)
                .then(|| headers.iter().position(|h| h.columns.len() == most))
                .flatten()
        })
        .unwrap_or(0);
    headers.into_iter().nth(best)
}

/// Reads the working spreadsheet, CSV or XLSX (detected from the content, not the name).
///
/// The first sheet of a workbook holding a `Nom_Demarche` column is read (else the first sheet).
/// Rows are returned even when they have problems; the caller refuses the import when any
/// problem is an error, unless the user chose to skip bad rows.
pub fn read_sheet(bytes: &[u8], file_name: &str, mapping: &ColumnMapping) -> SheetData {
    let mut problems = Vec::new();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        problems.push(Problem::error(file_name, "fichier vide"));
        return SheetData {
            rows: Vec::new(),
            problems,
        };
    }
    let is_workbook =
        bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    let grid = if is_workbook {
        match workbook_grids(bytes) {
            Err(e) => {
                problems.push(Problem::error(
                    file_name,
                    format!("classeur illisible : {e}"),
                ));
                return SheetData {
                    rows: Vec::new(),
                    problems,
                };
            }
            Ok(sheets) => {
                let title = position_of("Nom_Demarche");
                let pick = sheets
                    .iter()
                    .position(|(_, g)| {
                        find_header(g, mapping).is_some_and(|h| h.columns.contains_key(&title))
                    })
                    .unwrap_or(0);
                match sheets.into_iter().nth(pick) {
                    Some((_, g)) => g,
                    None => {
                        problems.push(Problem::error(file_name, "classeur sans feuille"));
                        return SheetData {
                            rows: Vec::new(),
                            problems,
                        };
                    }
                }
            }
        }
    } else {
        csv_grid(bytes, file_name, &mut problems)
    };
    let rows = read_grid(&grid, file_name, mapping, &mut problems);
    SheetData { rows, problems }
}

fn read_grid(
    grid: &Grid,
    file: &str,
    mapping: &ColumnMapping,
    problems: &mut Vec<Problem>,
) -> Vec<SheetRow> {
    let Some(header) = find_header(grid, mapping) else {
        problems.push(Problem::error(
            file,
            "aucune ligne d'en-tête : le fichier ne contient que des lignes vides",
        ));
        return Vec::new();
    };
    let at_header = format!("ligne {}", header.row);
    for (c, first, second) in &header.duplicates {
        problems.push(
            Problem::error(
                file,
                format!(
                    "les colonnes « {first} » et « {second} » désignent toutes deux « {} »",
                    COLUMNS[*c].name
                ),
            )
            .at(&at_header)
            .in_column(second),
        );
    }
    if !header.unknown.is_empty() {
        problems.push(
            Problem::warning(
                file,
                format!(
                    "colonnes non reconnues, ignorées : {} (ajoutez-les au fichier de correspondance si elles doivent être lues)",
                    header.unknown.iter().map(|u| format!("« {u} »")).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(&at_header),
        );
    }
    let (title, dref, jid) = (
        position_of("Nom_Demarche"),
        position_of("Ref_Demarche"),
        position_of("Dashlord_ID_JDMA"),
    );
    let mut missing = false;
    if !header.columns.contains_key(&title) {
        missing = true;
        problems.push(
            Problem::error(
                file,
                format!(
                    "colonne obligatoire absente ; intitulés acceptés : {}",
                    mapping.quoted_spellings(title)
                ),
            )
            .at(&at_header)
            .in_column("Nom_Demarche"),
        );
    }
    if !header.columns.contains_key(&dref) && !header.columns.contains_key(&jid) {
        missing = true;
        problems.push(
            Problem::error(
                file,
                format!(
                    "aucune colonne d'identifiant de démarche ; il en faut une parmi « Ref_Demarche » ({}) et « Dashlord_ID_JDMA » ({})",
                    mapping.quoted_spellings(dref),
                    mapping.quoted_spellings(jid)
                ),
            )
            .at(&at_header)
            .in_column("Ref_Demarche / Dashlord_ID_JDMA"),
        );
    }
    if missing {
        return Vec::new();
    }

    let mut rows = Vec::new();
    let mut seen_refs: HashMap<String, usize> = HashMap::new();
    let mut seen_ids: HashMap<u64, usize> = HashMap::new();
    for (row_number, cells) in &grid[header.index + 1..] {
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        let place = format!("ligne {row_number}");
        let beyond: Vec<String> = cells
            .iter()
            .skip(header.width)
            .filter_map(cell_text)
            .collect();
        if !beyond.is_empty() {
            problems.push(
                Problem::warning(
                    file,
                    format!(
                        "cellules au-delà de la dernière colonne d'en-tête, ignorées : {} (séparateur en trop ?)",
                        beyond.iter().map(|b| format!("« {b} »")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .at(&place),
            );
        }
        let mut row = SheetRow {
            row: *row_number,
            ..SheetRow::default()
        };
        let mut bad_id = false;
        for (&c, (j, column)) in &header.columns {
            let cell = cells.get(*j).unwrap_or(&Cell::Empty);
            let error = |m: String| Problem::error(file, m).at(&place).in_column(column);
            match COLUMNS[c].field {
                Field::EditionRef => row.edition_ref = cell_text(cell),
                Field::DemarcheRef => row.demarche_ref = cell_text(cell),
                Field::JdmaId => match parse_jdma_id(cell) {
                    Ok(v) => row.jdma_id = v,
                    Err(m) => {
                        bad_id = true;
                        problems.push(error(m));
                    }
                },
                Field::Url => row.url = cell_text(cell),
                Field::Title => {
                    row.title = cell_text(cell)
                        .map(|t| clean_title(&t))
                        .filter(|t| !t.is_empty())
                }
                Field::Administration => row.administration = cell_text(cell),
                Field::Domaine => row.domaine = cell_text(cell),
                Field::Ministere => row.ministere = cell_text(cell),
                Field::VolumeOnline | Field::VolumeTotal => match parse_volume(cell) {
                    Ok(v) if COLUMNS[c].field == Field::VolumeOnline => row.volume_online = v,
                    Ok(v) => row.volume_total = v,
                    Err(m) => problems.push(error(m)),
                },
                Field::FeedbackButton => row.feedback_button = parse_button(cell),
                Field::Audience => {
                    row.audience = cell_text(cell)
                        .map(|t| split_audience(&t))
                        .unwrap_or_default()
                }
                Field::Value(indicator, unit) => match parse_value_cell(cell, unit) {
                    Ok(Some(value)) => row.values.push(ParsedValue {
                        indicator: indicator.to_string(),
                        value,
                        file: file.to_string(),
                        place: Some(place.clone()),
                        column: Some(column.clone()),
                        window: None,
                    }),
                    Ok(None) => {}
                    Err(m) => problems.push(error(m)),
                },
            }
        }
        if row.title.is_none() {
            let column = header
                .columns
                .get(&title)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            problems.push(
                Problem::error(file, "nom de la démarche vide")
                    .at(&place)
                    .in_column(column),
            );
        }
        if let Some(r) = &row.demarche_ref {
            let column = header
                .columns
                .get(&dref)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            if let Some(first) = seen_refs.insert(r.clone(), row.row) {
                seen_refs.insert(r.clone(), first);
                problems.push(
                    Problem::error(
                        file,
                        format!(
                            "identifiant de démarche « {r} » en double : lignes {first} et {}",
                            row.row
                        ),
                    )
                    .at(&place)
                    .in_column(column),
                );
            }
        }
        if let Some(id) = row.jdma_id {
            let column = header
                .columns
                .get(&jid)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            if let Some(first) = seen_ids.insert(id, row.row) {
                seen_ids.insert(id, first);
                problems.push(
                    Problem::error(file, format!("identifiant « Je donne mon avis » {id} en double : lignes {first} et {}", row.row))
                        .at(&place)
                        .in_column(column),
                );
            }
        }
        if row.demarche_ref.is_none() && row.jdma_id.is_none() && !bad_id {
            problems.push(
                Problem::error(
                    file,
                    "démarche sans identifiant (ni Ref_Demarche ni Dashlord_ID_JDMA)",
                )
                .at(&place),
            );
        }
        rows.push(row);
    }
    if rows.is_empty() {
        problems
            .push(Problem::warning(file, "aucune ligne de démarche sous l'en-tête").at(&at_header));
    }
    rows
}

#[cfg(test)]
mod tests;
