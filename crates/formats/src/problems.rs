//! Problems: what a reader found wrong in its input, in French, with the place it was found.
//!
//! Policy: readers never fail on bad content. They return what they could read plus a list of
//! [`Problem`]s. An [`Severity::Error`] means the input cannot be trusted as is (the caller refuses
//! the import unless the user asked to skip bad rows or files); a [`Severity::Warning`] is a
//! real-world defect that is reported and handled (an empty scanner file, an id without URL).
//! Only I/O failures on the input itself surface as Rust errors.

use std::fmt;

/// How serious a problem is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Severity {
    /// The input is wrong; importing it as is would publish something false.
    Error,
    /// A defect that is reported and handled (the value stays "À venir", for instance).
    Warning,
}

impl Severity {
    /// The French word for the severity: "erreur" or "avertissement".
    pub fn label_fr(&self) -> &'static str {
        match self {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        }
    }
}

/// One problem found in an input, with where it was found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the user knows it (`2025-12-31/757/jdma.json`, `base.xlsx`).
    pub file: String,
    /// Where in the file or snapshot: `ligne 12`, `dossier 1234`.
    pub place: Option<String>,
    /// The column, as spelled in the file's header (or its canonical name when it is missing).
    pub column: Option<String>,
    /// What is wrong, in French.
    pub message: String,
}

impl Problem {
    /// An error about a file.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.into(),
            place: None,
            column: None,
            message: message.into(),
        }
    }

    /// A warning about a file.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            file: file.into(),
            place: None,
            column: None,
            message: message.into(),
        }
    }

    /// Sets the place (`ligne 12`, `dossier 1234`).
    pub fn at(mut self, place: impl Into<String>) -> Self {
        self.place = Some(place.into());
        self
    }

    /// Sets the column.
    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// `erreur : fichier « 2025-12-31/757/jdma.json » (dossier 757) : …` or
    /// `avertissement : fichier « base.csv », ligne 12, colonne « Note_Satisfaction » : …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} : fichier « {} »",
            self.severity.label_fr(),
            self.file
        )?;
        if let Some(place) = &self.place {
            if place.starts_with("dossier") {
                write!(f, " ({place})")?;
            } else {
                write!(f, ", {place}")?;
            }
        }
        if let Some(column) = &self.column {
            write!(f, ", colonne « {column} »")?;
        }
        write!(f, " : {}", self.message)
    }
}

/// One raw value read from an input, for one indicator of the rule sets, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedValue {
    /// The indicator slug of `rules/*.toml` (`satisfaction`, `uptime`…).
    pub indicator: String,
    /// The value, unclassified: the caller classifies it under the edition's rule set.
    pub value: obs_domain::RawValue,
    /// The file it comes from (same spelling as [`Problem::file`]).
    pub file: String,
    /// Where in the file (`ligne 12`, `dossier 757`), to report classification errors.
    pub place: Option<String>,
    /// The column, for spreadsheets.
    pub column: Option<String>,
    /// The measurement window (first day, last day), ISO `yyyy-mm-dd`, when the source says it.
    pub window: Option<(String, String)>,
}

impl ParsedValue {
    /// The problem to report when this value cannot be classified: same file, place and column.
    pub fn problem(&self, severity: Severity, message: impl Into<String>) -> Problem {
        Problem {
            severity,
            file: self.file.clone(),
            place: self.place.clone(),
            column: self.column.clone(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_folder_line_and_column() {
        let p = Problem::error("2025-12-31/757/jdma.json", "fichier vide").at("dossier 757");
        assert_eq!(
            p.to_string(),
            "erreur : fichier « 2025-12-31/757/jdma.json » (dossier 757) : fichier vide"
        );
        let p = Problem::warning("base.csv", "valeur inconnue")
            .at("ligne 12")
            .in_column("Note_Satisfaction");
        assert_eq!(
            p.to_string(),
            "avertissement : fichier « base.csv », ligne 12, colonne « Note_Satisfaction » : valeur inconnue"
        );
        assert_eq!(
            Problem::warning("x", "m").to_string(),
            "avertissement : fichier « x » : m"
        );
        assert!(!Problem::warning("x", "m").is_error());
    }
}
