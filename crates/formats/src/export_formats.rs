//! The catalogue of open-data export formats: one entry per format with its file name on the
//! site, its command-line name, its label and description, its MIME type and the suffix of the
//! downloaded file. The pages, the API and the command line all read this list, so a format is
//! added (or renamed) in one place.

/// One export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// CSV, UTF-8 with BOM, `;` (French Excel).
    Csv,
    /// CSV, UTF-8 without BOM, `,` (programs).
    CsvComma,
    /// XLSX workbook.
    Xlsx,
    /// JSON document.
    Json,
    /// Table Schema of the CSV.
    Schema,
}

impl ExportFormat {
    /// Every format, in the order the site lists them.
    pub const ALL: [ExportFormat; 5] =
        [ExportFormat::Csv, ExportFormat::CsvComma, ExportFormat::Xlsx, ExportFormat::Json, ExportFormat::Schema];

    /// The file name under `/editions/{slug}/telecharger/`.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "donnees.csv",
            ExportFormat::CsvComma => "donnees-virgule.csv",
            ExportFormat::Xlsx => "donnees.xlsx",
            ExportFormat::Json => "donnees.json",
            ExportFormat::Schema => "schema.json",
        }
    }

    /// The format with this download file name.
    pub fn from_file_name(name: &str) -> Option<ExportFormat> {
        Self::ALL.into_iter().find(|f| f.file_name() == name)
    }

    /// The name given to `observatoire export edition --format`.
    pub fn cli_name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::CsvComma => "csv-virgule",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
            ExportFormat::Schema => "schema",
        }
    }

    /// Parses a command-line name (a few historical spellings accepted).
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s {
            "csv-comma" => Some(ExportFormat::CsvComma),
            "schema.json" => Some(ExportFormat::Schema),
            _ => Self::ALL.into_iter().find(|f| f.cli_name() == s),
        }
    }

    /// The French list of command-line names, for error messages.
    pub fn cli_names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|f| f.cli_name()).collect();
        match names.split_last() {
            Some((last, rest)) => format!("{} ou {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// Short French label of a download link.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV pour tableur",
            ExportFormat::CsvComma => "CSV pour programmes",
            ExportFormat::Xlsx => "Classeur Excel",
            ExportFormat::Json => "JSON",
            ExportFormat::Schema => "Schéma des données",
        }
    }

    /// French description of the file.
    pub fn detail(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV, UTF-8 avec BOM, séparateur point-virgule",
            ExportFormat::CsvComma => "CSV, UTF-8, séparateur virgule",
            ExportFormat::Xlsx => "XLSX : démarches, synthèse par ministère, légende",
            ExportFormat::Json => "JSON, même contenu",
            ExportFormat::Schema => "Table Schema (frictionless)",
        }
    }

    /// MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::CsvComma => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Json | ExportFormat::Schema => "application/json",
        }
    }

    /// Suffix of the downloaded file's name (`observatoire-{slug}-r{n}{suffix}`).
    pub fn file_suffix(self) -> &'static str {
        match self {
            ExportFormat::Csv => ".csv",
            ExportFormat::CsvComma => "-virgule.csv",
            ExportFormat::Xlsx => ".xlsx",
            ExportFormat::Json => ".json",
            ExportFormat::Schema => "-schema.json",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_finds_its_format() {
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_file_name(f.file_name()), Some(f));
            assert_eq!(ExportFormat::parse(f.cli_name()), Some(f));
        }
        assert_eq!(ExportFormat::parse("csv-comma"), Some(ExportFormat::CsvComma));
        assert_eq!(ExportFormat::from_file_name("donnees.pdf"), None);
        assert_eq!(ExportFormat::cli_names(), "csv, csv-virgule, xlsx, json ou schema");
    }
}
