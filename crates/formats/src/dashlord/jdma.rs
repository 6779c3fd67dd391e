//! `jdma.json` and `jdma_3months.json`: "Je donne mon avis" feedback, in two formats.
//!
//! The current format gives averaged scores with their answer counts; the old raw-count format
//! (2023 to mid-2024) gives negative/neutral/positive tallies per question and the window they
//! cover. Both become the same indicator values, so that an edition never depends on which format
//! its snapshot used.

use obs_domain::RawValue;
use serde_json::{Map, Value};

use super::json::{
    Content, Ctx, in_range, object, opt_count, opt_num, parse_with, req_count, sub_object,
};
use crate::dates::paris_date_from_epoch_ms;
use crate::numbers::scale_decimal;
use crate::problems::ParsedValue;

/// A feedback file in the current format (scores already averaged).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CurrentJdma {
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
pub(super) struct Tally {
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
pub(super) struct OldJdma {
    answers_total: Option<u64>,
    satisfaction: Tally,
    easy: Option<Tally>,
    comprehensible: Option<Tally>,
    window: Option<(String, String)>,
}

/// A feedback file, either format.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Jdma {
    Current(CurrentJdma),
    Old(OldJdma),
}

/// The scale of `contact_reachability` in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ReachScale {
    /// A 0–1 share, as documented.
    Share,
    /// A score out of 10 (the 2024-09-30 snapshot).
    OutOfTen,
}

impl Jdma {
    /// Whether the file shows at least one answer.
    pub(super) fn has_answers(&self) -> bool {
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
    pub(super) fn reachability(&self) -> Option<f64> {
        match self {
            Jdma::Current(c) => c.contact_reachability,
            Jdma::Old(_) => None,
        }
    }

    /// The indicator values of the file (see [`CurrentJdma::values`] and [`OldJdma::values`]).
    pub(super) fn values(&self, ctx: &Ctx, scale: ReachScale) -> Vec<ParsedValue> {
        match self {
            Jdma::Current(c) => c.values(ctx, scale),
            Jdma::Old(o) => o.values(ctx),
        }
    }
}

impl CurrentJdma {
    /// `satisfaction` and `simplicity` as /10 scores with their answer counts, `help_reachable`
    /// in % (share × 100, or score /10 × 10 under [`ReachScale::OutOfTen`]), `help_efficient`
    /// /10, `help_used` in % (autonomy /10 × 10), the latter only when at least one autonomy
    /// answer exists (a 0 from nobody is not a measurement, and the indicator has no
    /// "insufficient answers" level).
    fn values(&self, ctx: &Ctx, scale: ReachScale) -> Vec<ParsedValue> {
        let mut out = Vec::new();
        let mut push = |slug: &str, value: Option<f64>, count: u64| {
            if let Some(v) = value {
                out.push(ctx.value(slug, RawValue::counted(v, count), None));
            }
        };
        push("satisfaction", self.satisfaction, self.satisfaction_count);
        push("simplicity", self.comprehension, self.comprehension_count);
        let reach_pow = match scale {
            ReachScale::Share => 2,
            ReachScale::OutOfTen => 1,
        };
        push(
            "help_reachable",
            self.contact_reachability
                .map(|r| scale_decimal(r, reach_pow)),
            self.reachability_count.unwrap_or(self.contact_count),
        );
        push(
            "help_efficient",
            self.contact_satisfaction,
            self.contact_satisfaction_count
                .unwrap_or(self.contact_count),
        );
        push(
            "help_used",
            self.autonomy
                .filter(|_| self.autonomy_count > 0)
                .map(|a| scale_decimal(a, 1)),
            self.autonomy_count,
        );
        out
    }
}

impl OldJdma {
    /// Satisfaction and simplicity from the raw counts, with the window of the file.
    fn values(&self, ctx: &Ctx) -> Vec<ParsedValue> {
        let w = self.window.as_ref();
        let s = self.satisfaction;
        let mut out = vec![ctx.value("satisfaction", RawValue::counted(s.score(), s.total()), w)];
        if let Some(c) = self.comprehensible {
            out.push(ctx.value("simplicity", RawValue::counted(c.score(), c.total()), w));
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
pub(super) fn parse_jdma(bytes: &[u8], ctx: &Ctx) -> Content<Jdma> {
    parse_with(bytes, ctx, |v, _| {
        let root = object(v, "le fichier")?;
        let jdma = if root.contains_key("data") || root.contains_key("metadata") {
            Jdma::Current(current_format(root)?)
        } else if root.contains_key("satisfaction") || root.contains_key("answersTotal") {
            Jdma::Old(old_format(root)?)
        } else {
            return Err("format inconnu : ni « data » et « metadata » (format actuel), ni « satisfaction » et « answersTotal » (ancien format)".into());
        };
        Ok((jdma, Vec::new()))
    })
}

/// The current format: `{"data": {scores}, "metadata": {counts}}`.
fn current_format(root: &Map<String, Value>) -> Result<CurrentJdma, String> {
    let data = sub_object(root, "data")?.ok_or("« data » manquant")?;
    let meta = sub_object(root, "metadata")?.ok_or("« metadata » manquant")?;
    let score =
        |k: &str| opt_num(data, k).and_then(|o| o.map(|x| in_range(k, x, 10.0)).transpose());
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
            || (contact_satisfaction.is_some() && !meta.contains_key("contactSatisfaction_count")),
    )?;
    Ok(CurrentJdma {
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
    })
}

/// The old raw-count format: tallies per question, `answersTotal`, `dateStart`/`dateEnd`.
fn old_format(root: &Map<String, Value>) -> Result<OldJdma, String> {
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
    Ok(OldJdma {
        answers_total,
        satisfaction,
        easy,
        comprehensible,
        window,
    })
}
