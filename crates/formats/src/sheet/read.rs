//! Decoding a spreadsheet file into a [`Grid`] of cells: CSV (encoding and delimiter detected,
//! Excel's `sep=` hint honoured) or a workbook (XLSX, XLS, ODS through calamine).
//!
//! Everything after this step works on cells and never knows which format the user sent.

use std::io::Cursor;

use super::cells::{Cell, Grid};
use super::columns::position_of;
use super::header::find_header;
use super::mapping::ColumnMapping;
use crate::problems::Problem;

/// The grid of a file, the workbook or CSV being detected from the content, not the name.
///
/// The first sheet of a workbook holding a `Nom_Demarche` column is chosen (else the first
/// sheet). `None` when nothing can be read, with the reason in `problems`.
pub(super) fn file_grid(
    bytes: &[u8],
    file_name: &str,
    mapping: &ColumnMapping,
    problems: &mut Vec<Problem>,
) -> Option<Grid> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        problems.push(Problem::error(file_name, "fichier vide"));
        return None;
    }
    let is_workbook =
        bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    if !is_workbook {
        return Some(csv_grid(bytes, file_name, problems));
    }
    let sheets = match workbook_grids(bytes) {
        Ok(sheets) => sheets,
        Err(e) => {
            problems.push(Problem::error(
                file_name,
                format!("classeur illisible : {e}"),
            ));
            return None;
        }
    };
    let title = position_of("Nom_Demarche");
    let pick = sheets
        .iter()
        .position(|(_, g)| find_header(g, mapping).is_some_and(|h| h.columns.contains_key(&title)))
        .unwrap_or(0);
    let grid = sheets.into_iter().nth(pick).map(|(_, g)| g);
    if grid.is_none() {
        problems.push(Problem::error(file_name, "classeur sans feuille"));
    }
    grid
}

/// Decodes a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252.
pub(super) fn decode_text(bytes: &[u8]) -> String {
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
pub(super) fn detect_delimiter(line: &str) -> u8 {
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

/// The delimiter of a CSV text and where its records start: Excel's "sep=;" hint line when
/// present (the records then start on line 2), else the delimiter detected on the header line.
fn delimiter_and_body(text: &str) -> (u8, &str, usize) {
    let first = text.lines().next().unwrap_or("");
    if first.len() == 5
        && first.to_ascii_lowercase().starts_with("sep=")
        && first.is_char_boundary(4)
    {
        let body = text.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
        (first.as_bytes()[4], body, 1)
    } else {
        (detect_delimiter(first), text, 0)
    }
}

/// The cells of a CSV file; unreadable records are reported and skipped.
fn csv_grid(bytes: &[u8], file: &str, problems: &mut Vec<Problem>) -> Grid {
    let text = decode_text(bytes);
    let (delimiter, body, line_offset) = delimiter_and_body(&text);
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

/// A workbook cell as a [`Cell`]: dates as ISO text, errors as their text.
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
