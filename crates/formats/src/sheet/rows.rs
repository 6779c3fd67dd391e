//! Reading the rows under the header: each row's descriptive fields and indicator values, then
//! the checks that need the whole file (duplicate references and ids, rows without identifier).
//!
//! A row with problems is still returned; the caller decides whether to refuse the file or skip
//! the row.

use std::collections::HashMap;
use std::hash::Hash;

use super::SheetRow;
use super::cells::{
    Cell, Grid, cell_text, clean_title, parse_button, parse_jdma_id, parse_value_cell,
    parse_volume, split_audience,
};
use super::columns::{COLUMNS, Field, position_of};
use super::header::{Header, find_header};
use super::mapping::ColumnMapping;
use crate::problems::{ParsedValue, Problem};

/// The rows of a grid, with every problem found in `problems`.
pub(super) fn read_grid(
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
    if !header.check(file, mapping, problems) {
        return Vec::new();
    }
    let mut rows = Vec::new();
    let mut checks = RowChecks::new(&header);
    for (row_number, cells) in &grid[header.index + 1..] {
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        let place = format!("ligne {row_number}");
        warn_beyond_header(cells, &header, file, &place, problems);
        let (row, bad_id) = read_row(*row_number, cells, &header, file, &place, problems);
        checks.check(&row, bad_id, file, &place, problems);
        rows.push(row);
    }
    if rows.is_empty() {
        problems.push(
            Problem::warning(file, "aucune ligne de démarche sous l'en-tête")
                .at(format!("ligne {}", header.row)),
        );
    }
    rows
}

/// Cells right of the last header are ignored, with a warning (often a stray delimiter).
fn warn_beyond_header(
    cells: &[Cell],
    header: &Header,
    file: &str,
    place: &str,
    problems: &mut Vec<Problem>,
) {
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
            .at(place),
        );
    }
}

/// One row's fields and values; the flag says whether its feedback id was unreadable.
fn read_row(
    row_number: usize,
    cells: &[Cell],
    header: &Header,
    file: &str,
    place: &str,
    problems: &mut Vec<Problem>,
) -> (SheetRow, bool) {
    let mut row = SheetRow {
        row: row_number,
        ..SheetRow::default()
    };
    let mut bad_id = false;
    for (&c, (j, column)) in &header.columns {
        let cell = cells.get(*j).unwrap_or(&Cell::Empty);
        let error = |m: String| Problem::error(file, m).at(place).in_column(column);
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
                    place: Some(place.to_string()),
                    column: Some(column.clone()),
                    window: None,
                }),
                Ok(None) => {}
                Err(m) => problems.push(error(m)),
            },
        }
    }
    (row, bad_id)
}

/// The checks of a row against the rows before it: a title, an identifier, no duplicates.
struct RowChecks {
    /// Header texts of the title, reference and feedback id columns, as the file spells them.
    title: String,
    dref: String,
    jid: String,
    seen_refs: HashMap<String, usize>,
    seen_ids: HashMap<u64, usize>,
}

impl RowChecks {
    fn new(header: &Header) -> Self {
        RowChecks {
            title: header.text_of(position_of("Nom_Demarche")),
            dref: header.text_of(position_of("Ref_Demarche")),
            jid: header.text_of(position_of("Dashlord_ID_JDMA")),
            seen_refs: HashMap::new(),
            seen_ids: HashMap::new(),
        }
    }

    fn check(
        &mut self,
        row: &SheetRow,
        bad_id: bool,
        file: &str,
        place: &str,
        problems: &mut Vec<Problem>,
    ) {
        if row.title.is_none() {
            problems.push(
                Problem::error(file, "nom de la démarche vide")
                    .at(place)
                    .in_column(&self.title),
            );
        }
        if let Some(r) = &row.demarche_ref
            && let Some(first) = first_seen(&mut self.seen_refs, r.clone(), row.row)
        {
            problems.push(
                Problem::error(
                    file,
                    format!(
                        "identifiant de démarche « {r} » en double : lignes {first} et {}",
                        row.row
                    ),
                )
                .at(place)
                .in_column(&self.dref),
            );
        }
        if let Some(id) = row.jdma_id
            && let Some(first) = first_seen(&mut self.seen_ids, id, row.row)
        {
            problems.push(
                Problem::error(
                    file,
                    format!(
                        "identifiant « Je donne mon avis » {id} en double : lignes {first} et {}",
                        row.row
                    ),
                )
                .at(place)
                .in_column(&self.jid),
            );
        }
        if row.demarche_ref.is_none() && row.jdma_id.is_none() && !bad_id {
            problems.push(
                Problem::error(
                    file,
                    "démarche sans identifiant (ni Ref_Demarche ni Dashlord_ID_JDMA)",
                )
                .at(place),
            );
        }
    }
}

/// Records `key` at `row` unless already seen; returns the first row that had it.
fn first_seen<K: Eq + Hash>(seen: &mut HashMap<K, usize>, key: K, row: usize) -> Option<usize> {
    match seen.get(&key) {
        Some(&first) => Some(first),
        None => {
            seen.insert(key, row);
            None
        }
    }
}
