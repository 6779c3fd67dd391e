//! Shape checks shared by the JSON files of a folder: where a file is ([`Ctx`]), what its bytes
//! hold ([`Content`]), and small typed getters that turn a wrong shape into a French message.
//!
//! Every parser of a folder file goes through [`parse_with`], so that empty files, invalid JSON
//! and unexpected shapes are reported the same way whatever the file.

use obs_domain::RawValue;
use serde_json::{Map, Value};

use crate::problems::{ParsedValue, Problem};

/// Where a file is: its name as reported and its folder.
#[derive(Debug, Clone)]
pub(super) struct Ctx {
    file: String,
    place: String,
}

impl Ctx {
    /// A file of the folder of `product_id`, named as problems will show it.
    pub(super) fn new(file: impl Into<String>, product_id: u64) -> Self {
        Ctx {
            file: file.into(),
            place: format!("dossier {product_id}"),
        }
    }

    /// An error about this file, placed in its folder.
    pub(super) fn error(&self, message: impl Into<String>) -> Problem {
        Problem::error(&self.file, message).at(&self.place)
    }

    /// A warning about this file, placed in its folder.
    pub(super) fn warning(&self, message: impl Into<String>) -> Problem {
        Problem::warning(&self.file, message).at(&self.place)
    }

    /// A value read from this file, remembering where it came from.
    pub(super) fn value(
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
pub(super) enum Content<T> {
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
pub(super) fn parse_with<T>(
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

/// A JSON type as a French noun phrase, for "trouvé …" messages.
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

/// `v` as an object, or a message naming `what`.
pub(super) fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} devrait être un objet JSON, trouvé {}", type_name(v)))
}

/// The object under `key`, absent or null being `None`.
pub(super) fn sub_object<'a>(
    m: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => object(v, &format!("« {key} »")).map(Some),
    }
}

/// A number, absent or null being `None`.
pub(super) fn opt_num(m: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
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
pub(super) fn opt_count(m: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
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

/// A count that must be present.
pub(super) fn req_count(m: &Map<String, Value>, key: &str) -> Result<u64, String> {
    opt_count(m, key)?.ok_or_else(|| format!("« {key} » manquant"))
}

/// A text, absent or null being `None`.
pub(super) fn opt_str<'a>(m: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(v) => Err(format!(
            "« {key} » devrait être un texte, trouvé {}",
            type_name(v)
        )),
    }
}

/// `v` when within 0 to `max`, else a message naming `key`.
pub(super) fn in_range(key: &str, v: f64, max: f64) -> Result<f64, String> {
    if (0.0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "« {key} » vaut {v}, hors de l'intervalle attendu 0 à {max}"
        ))
    }
}
