//! Edition life cycle: `brouillon` → `consultation` → `publiée` → `corrigée`.

use serde::{Deserialize, Serialize};

/// The state of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditionState {
    /// Collecting raw values; levels follow the current measurements and rule-set file.
    Brouillon,
    /// Ministries check their rows; values may still change.
    Consultation,
    /// Published: revision 1 is frozen.
    Publiee,
    /// Published again with a correction: a later revision is frozen, earlier ones stay readable.
    Corrigee,
}

impl EditionState {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            EditionState::Brouillon => "brouillon",
            EditionState::Consultation => "consultation",
            EditionState::Publiee => "publiée",
            EditionState::Corrigee => "corrigée",
        }
    }

    /// Parses a stored name (with or without accents).
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "brouillon" => Some(EditionState::Brouillon),
            "consultation" => Some(EditionState::Consultation),
            "publiee" => Some(EditionState::Publiee),
            "corrigee" => Some(EditionState::Corrigee),
            _ => None,
        }
    }

    /// Whether at least one revision is frozen.
    pub fn is_published(self) -> bool {
        matches!(self, EditionState::Publiee | EditionState::Corrigee)
    }

    /// Whether raw values can still be added without opening a correction.
    pub fn accepts_measurements(self) -> bool {
        !self.is_published()
    }

    /// Checks a move to `to`, returning a French refusal when it is not allowed.
    ///
    /// Publishing an already published edition goes through a correction (`corrigée`), which
    /// needs a reason and creates a new revision; everything else moves forward only, except
    /// that consultation can return to draft.
    pub fn check_transition(self, to: EditionState) -> Result<(), String> {
        use EditionState::*;
        let ok = matches!(
            (self, to),
            (Brouillon, Consultation)
                | (Consultation, Brouillon)
                | (Brouillon, Publiee)
                | (Consultation, Publiee)
                | (Publiee, Corrigee)
                | (Corrigee, Corrigee)
        );
        if ok {
            Ok(())
        } else if self.is_published() && to != Corrigee {
            Err(format!(
                "l'édition est {} : une révision publiée ne change jamais ; ouvrez une correction avec un motif",
                self.as_str()
            ))
        } else {
            Err(format!("passage de l'état « {} » à « {} » impossible", self.as_str(), to.as_str()))
        }
    }
}

/// A calendar quarter, e.g. `2026-T3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quarter {
    /// Year.
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// Parses `2026-T3`, `2026T3` or `2026-Q3`.
    pub fn parse(s: &str) -> Option<Quarter> {
        let s = s.trim().to_uppercase();
        let (y, q) = s.split_once(['T', 'Q'])?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        let q: u8 = q.parse().ok()?;
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// The quarter containing a month (1–12).
    pub fn of_month(year: i32, month: u8) -> Quarter {
        Quarter { year, q: (month.clamp(1, 12) - 1) / 3 + 1 }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-T{}", self.year, self.q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_revisions_never_move_back() {
        assert!(EditionState::Brouillon.check_transition(EditionState::Publiee).is_ok());
        assert!(EditionState::Publiee.check_transition(EditionState::Brouillon).is_err());
        assert!(EditionState::Publiee.check_transition(EditionState::Publiee).is_err());
        assert!(EditionState::Publiee.check_transition(EditionState::Corrigee).is_ok());
        assert!(EditionState::Brouillon.check_transition(EditionState::Corrigee).is_err());
    }

    #[test]
    fn quarters_parse() {
        assert_eq!(Quarter::parse("2026-T3"), Some(Quarter { year: 2026, q: 3 }));
        assert_eq!(Quarter::parse("2026q1"), Some(Quarter { year: 2026, q: 1 }));
        assert_eq!(Quarter::parse("2026-T5"), None);
        assert_eq!(Quarter::of_month(2025, 12).to_string(), "2025-T4");
        assert_eq!(EditionState::parse("publiee"), Some(EditionState::Publiee));
    }
}
