//! `index.csv`: the URL last scanned for each product id of a snapshot.
//!
//! The index is the only place a snapshot names its démarches' addresses; a bad line costs that
//! line only, never the whole snapshot.

use std::collections::BTreeMap;

use crate::problems::Problem;

/// One line of `index.csv`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct IndexEntry {
    pub(super) url: Option<String>,
    line: u64,
}

/// The columns of the index, found in its header.
struct Columns {
    id: usize,
    url: usize,
}

/// Reads `index.csv` (`jdma_product_id,url,last_scan_utc`).
pub(super) fn parse_index(bytes: &[u8], file: &str) -> (BTreeMap<u64, IndexEntry>, Vec<Problem>) {
    let mut map = BTreeMap::new();
    let mut problems = Vec::new();
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let columns = match records.next() {
        Some(Ok(header)) => columns(&header, file),
        Some(Err(e)) => Err(Problem::error(file, format!("CSV illisible : {e}"))),
        None => Err(Problem::warning(file, "index vide : aucune URL connue")),
    };
    let columns = match columns {
        Ok(c) => c,
        Err(p) => {
            problems.push(p);
            return (map, problems);
        }
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
        match entry(&record, &columns, line, file) {
            Ok(None) => {}
            Ok(Some((id, entry))) => {
                if let Some(prev) = map.insert(id, entry) {
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
            Err(p) => problems.push(p),
        }
    }
    (map, problems)
}

/// Finds the id and URL columns in the header line.
fn columns(header: &csv::StringRecord, file: &str) -> Result<Columns, Problem> {
    let position = |name: &str| header.iter().position(|h| h.trim() == name);
    match (position("jdma_product_id"), position("url")) {
        (Some(id), Some(url)) => Ok(Columns { id, url }),
        _ => Err(Problem::error(
            file,
            "colonnes « jdma_product_id » et « url » attendues dans l'en-tête",
        )),
    }
}

/// One data line: `Ok(None)` when blank, an error when the id is not a number.
fn entry(
    record: &csv::StringRecord,
    columns: &Columns,
    line: u64,
    file: &str,
) -> Result<Option<(u64, IndexEntry)>, Problem> {
    if record.iter().all(|f| f.trim().is_empty()) {
        return Ok(None);
    }
    let raw_id = record.get(columns.id).unwrap_or("").trim();
    let Some(id) = parse_id(raw_id) else {
        return Err(Problem::error(
            file,
            format!("identifiant produit « {raw_id} » non numérique"),
        )
        .at(format!("ligne {line}"))
        .in_column("jdma_product_id"));
    };
    let url = record
        .get(columns.url)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    Ok(Some((id, IndexEntry { url, line })))
}

/// A product id: ASCII digits only (no sign, no spaces).
pub(super) fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
