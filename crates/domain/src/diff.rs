//! Differences between two editions: démarches that entered or left, level changes, biggest moves.
//!
//! Démarches are matched by their stable id, never by title. Two editions may use different rule
//! sets; indicators are matched by slug and levels compared by label and colour.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ruleset::Color;

/// One démarche's classified row, as the diff needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffRow {
    /// Title shown in the diff.
    pub title: String,
    /// Per indicator slug: the level label, its colour, and the exact value if any.
    pub levels: BTreeMap<String, (String, Color, Option<f64>)>,
}

/// A démarche present in one edition only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// Stable démarche id.
    pub demarche_id: i64,
    /// Title.
    pub title: String,
}

/// How a level moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Towards the goal.
    Up,
    /// Away from the goal.
    Down,
    /// Into or out of grey, or between levels of the same rank.
    Other,
}

/// One level change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    /// Stable démarche id.
    pub demarche_id: i64,
    /// Title in the newer edition.
    pub title: String,
    /// Indicator slug.
    pub indicator: String,
    /// Level label before.
    pub from: String,
    /// Colour before.
    pub from_color: Color,
    /// Level label after.
    pub to: String,
    /// Colour after.
    pub to_color: Color,
    /// Exact value before.
    pub from_value: Option<f64>,
    /// Exact value after.
    pub to_value: Option<f64>,
    /// Direction of the move.
    pub trend: Trend,
}

/// A démarche with many changes in the same direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    /// Stable démarche id.
    pub demarche_id: i64,
    /// Title.
    pub title: String,
    /// Indicators that moved towards the goal.
    pub up: u32,
    /// Indicators that moved away from the goal.
    pub down: u32,
}

/// The full difference between an older edition `a` and a newer edition `b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditionDiff {
    /// In `b`, not in `a`.
    pub entered: Vec<Membership>,
    /// In `a`, not in `b`.
    pub left: Vec<Membership>,
    /// Level changes of démarches present in both.
    pub changes: Vec<LevelChange>,
    /// Démarches with the largest net moves, largest first (at most 20).
    pub biggest_moves: Vec<Move>,
}

fn rank(c: Color) -> Option<u8> {
    match c {
        Color::Green | Color::Blue => Some(2),
        Color::Yellow => Some(1),
        Color::Red => Some(0),
        Color::Gray => None,
    }
}

/// Computes the diff between two editions' rows keyed by démarche id.
pub fn diff(a: &BTreeMap<i64, DiffRow>, b: &BTreeMap<i64, DiffRow>) -> EditionDiff {
    let entered = b
        .iter()
        .filter(|(id, _)| !a.contains_key(id))
        .map(|(id, r)| Membership { demarche_id: *id, title: r.title.clone() })
        .collect();
    let left = a
        .iter()
        .filter(|(id, _)| !b.contains_key(id))
        .map(|(id, r)| Membership { demarche_id: *id, title: r.title.clone() })
        .collect();
    let mut changes = Vec::new();
    let mut moves = Vec::new();
    for (id, rb) in b {
        let Some(ra) = a.get(id) else { continue };
        let (mut up, mut down) = (0, 0);
        for (slug, (lb, cb, vb)) in &rb.levels {
            let Some((la, ca, va)) = ra.levels.get(slug) else { continue };
            if la == lb && ca == cb {
                continue;
            }
            let trend = match (rank(*ca), rank(*cb)) {
                (Some(x), Some(y)) if y > x => Trend::Up,
                (Some(x), Some(y)) if y < x => Trend::Down,
                _ => Trend::Other,
            };
            match trend {
                Trend::Up => up += 1,
                Trend::Down => down += 1,
                Trend::Other => {}
            }
            changes.push(LevelChange {
                demarche_id: *id,
                title: rb.title.clone(),
                indicator: slug.clone(),
                from: la.clone(),
                from_color: *ca,
                to: lb.clone(),
                to_color: *cb,
                from_value: *va,
                to_value: *vb,
                trend,
            });
        }
        if up + down > 0 {
            moves.push(Move { demarche_id: *id, title: rb.title.clone(), up, down });
        }
    }
    let net = |m: &Move| i64::from(m.up) - i64::from(m.down);
    moves.sort_by(|x, y| net(y).abs().cmp(&net(x).abs()).then((y.up + y.down).cmp(&(x.up + x.down))).then(x.demarche_id.cmp(&y.demarche_id)));
    moves.truncate(20);
    EditionDiff { entered, left, changes, biggest_moves: moves }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, levels: &[(&str, &str, Color)]) -> DiffRow {
        DiffRow {
            title: title.into(),
            levels: levels.iter().map(|(s, l, c)| (s.to_string(), (l.to_string(), *c, None))).collect(),
        }
    }

    #[test]
    fn finds_entered_left_and_changes_by_identity() {
        let a = BTreeMap::from([
            (1, row("Ancien titre", &[("uptime", "Partiel", Color::Yellow)])),
            (2, row("Partie", &[])),
        ]);
        let b = BTreeMap::from([
            (1, row("Nouveau titre", &[("uptime", "Optimal", Color::Green)])),
            (3, row("Entrée", &[])),
        ]);
        let d = diff(&a, &b);
        assert_eq!(d.entered, vec![Membership { demarche_id: 3, title: "Entrée".into() }]);
        assert_eq!(d.left, vec![Membership { demarche_id: 2, title: "Partie".into() }]);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].trend, Trend::Up);
        assert_eq!(d.changes[0].title, "Nouveau titre");
        assert_eq!(d.biggest_moves[0].up, 1);
    }
}
