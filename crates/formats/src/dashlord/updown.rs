//! `updown.json`: the probe summary (availability over the window and mean response time).
//!
//! `{}` is how the scanner says "not measured": a warning, not an error, and no value.

use obs_domain::RawValue;

use super::json::{Content, Ctx, in_range, object, opt_num, parse_with, sub_object};
use super::kind::Kind;
use crate::problems::ParsedValue;

/// A probe summary.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Updown {
    uptime: Option<f64>,
    response: Option<f64>,
}

/// Reads `updown.json`: `uptime` (%) and `timings.response` (ms); `{}` means "not measured".
pub(super) fn parse_updown(bytes: &[u8], ctx: &Ctx) -> Content<Updown> {
    parse_with(bytes, ctx, |v, ctx| {
        let root = object(v, "le fichier")?;
        let uptime = opt_num(root, "uptime")?
            .map(|u| in_range("uptime", u, 100.0))
            .transpose()?;
        let response = match sub_object(root, "timings")? {
            Some(t) => opt_num(t, "response")?
                .map(|r| {
                    if r >= 0.0 {
                        Ok(r)
                    } else {
                        Err(format!("« timings.response » négatif : {r}"))
                    }
                })
                .transpose()?,
            None => None,
        };
        let mut warnings = Vec::new();
        if root.is_empty() {
            warnings.push(ctx.warning(format!(
                "sonde sans mesure (« {{}} ») : {}",
                Kind::Updown.consequence()
            )));
        } else if uptime.is_none() && response.is_none() {
            warnings.push(ctx.warning(format!(
                "ni « uptime » ni « timings.response » : {}",
                Kind::Updown.consequence()
            )));
        }
        Ok((Updown { uptime, response }, warnings))
    })
}

impl Updown {
    /// `uptime` in % and `performance` in ms, each when measured.
    pub(super) fn values(&self, ctx: &Ctx) -> Vec<ParsedValue> {
        let mut out = Vec::new();
        if let Some(u) = self.uptime {
            out.push(ctx.value("uptime", RawValue::number(u), None));
        }
        if let Some(r) = self.response {
            out.push(ctx.value("performance", RawValue::number(r), None));
        }
        out
    }
}
