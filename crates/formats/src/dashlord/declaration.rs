//! `declaration-a11y.json`: the accessibility mention and the declaration URL.
//!
//! Descriptive only: it feeds no indicator; the mention and URL are handed to the caller with the
//! folder ([`super::DashlordFolder`]).

use super::json::{Content, Ctx, object, opt_str, parse_with};

/// The accessibility mention and declaration URL.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Declaration {
    pub(super) mention: Option<String>,
    pub(super) url: Option<String>,
}

/// Reads `declaration-a11y.json`: `{"mention": string|null, "declarationUrl"?: string|null}`.
pub(super) fn parse_declaration(bytes: &[u8], ctx: &Ctx) -> Content<Declaration> {
    parse_with(bytes, ctx, |v, _| {
        let root = object(v, "le fichier")?;
        let clean = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mention = clean(opt_str(root, "mention")?);
        let url = clean(opt_str(root, "declarationUrl")?);
        Ok((Declaration { mention, url }, Vec::new()))
    })
}
