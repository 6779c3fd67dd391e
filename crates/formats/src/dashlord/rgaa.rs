//! `rgaa.json`: the RGAA conformance rate published in the accessibility declaration.
//!
//! A null rate means no readable declaration, which the rules read as « Non » (not « À venir »):
//! a démarche without a valid declaration does not take disability into account.

use obs_domain::RawValue;

use super::json::{Content, Ctx, in_range, object, opt_num, opt_str, parse_with};
use crate::dates::parse_fr_date;
use crate::problems::ParsedValue;

/// The conformance rate read from the accessibility declaration.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rgaa {
    taux: Option<f64>,
}

/// Reads `rgaa.json`: `{"taux": number|null, "date": "dd/mm/yyyy"|null}`.
pub(super) fn parse_rgaa(bytes: &[u8], ctx: &Ctx) -> Content<Rgaa> {
    parse_with(bytes, ctx, |v, ctx| {
        let root = object(v, "le fichier")?;
        let taux = opt_num(root, "taux")?
            .map(|t| in_range("taux", t, 100.0))
            .transpose()?;
        let mut warnings = Vec::new();
        // The declaration date is checked but not used: the rate alone decides the level.
        if let Some(s) = opt_str(root, "date")?
            && parse_fr_date(s).is_none()
        {
            warnings.push(ctx.warning(format!(
                "date de déclaration illisible « {s} » (jj/mm/aaaa attendu), ignorée"
            )));
        }
        if taux.is_none() {
            warnings.push(ctx.warning(
                "pas de taux de conformité lisible : sans déclaration valable, la prise en compte du handicap vaut « Non »",
            ));
        }
        Ok((Rgaa { taux }, warnings))
    })
}

impl Rgaa {
    /// `handicap`: the rate, or « Non » without one.
    pub(super) fn values(&self, ctx: &Ctx) -> Vec<ParsedValue> {
        let value = match self.taux {
            Some(t) => RawValue::number(t),
            None => RawValue::text("Non"),
        };
        vec![ctx.value("handicap", value, None)]
    }
}
