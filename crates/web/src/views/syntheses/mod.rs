//! Synthesis pages: index of the groups of an edition ([`index`]), one group's figures compared
//! with another scope ([`group`]), and the interministerial synthesis ([`interministerial`]).
//!
//! Every page takes an optional `?edition=SLUG` (default: the latest published edition); the group
//! page also takes `?comparer=observatoire|ministere:NOM|administration:NOM|domaine:NOM`. Any other
//! parameter is a 400 with a French message, as for the edition table.
//!
//! Handlers parse, call the application and render; the figures, sentences and charts come from
//! `obs-present`, so a report shows the same content. This module holds what the three pages
//! share: the strict query, the edition choice and the links between pages.

mod group;
mod index;
mod interministerial;

pub use group::group;
pub use index::index;
pub use interministerial::interministerial;

use obs_app::GroupBy;
use obs_app::model::Edition;
use obs_present::sentences::GroupKind;

use super::published;
use crate::error::PageError;
use crate::state::AppState;

/// The groupings, in the order the pages list them.
const KINDS: [GroupBy; 3] = [GroupBy::Ministere, GroupBy::Administration, GroupBy::Domaine];

/// The presentation's name for a grouping (its French nouns).
fn kind(by: GroupBy) -> GroupKind {
    match by {
        GroupBy::Ministere => GroupKind::Ministere,
        GroupBy::Administration => GroupKind::Administration,
        GroupBy::Domaine => GroupKind::Domaine,
    }
}

/// The strict query of a synthesis page: only `allowed` parameters, each at most once.
struct PageQuery(Vec<(String, String)>);

impl PageQuery {
    /// Parses the query string, refusing unknown or repeated parameters.
    fn parse(raw: Option<String>, allowed: &[&str]) -> Result<PageQuery, PageError> {
        let pairs: Vec<(String, String)> = raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
        for (i, (k, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                let expected = allowed.iter().map(|a| format!("« {a} »")).collect::<Vec<_>>().join(" ou ");
                return Err(PageError::bad_request(format!("paramètre « {k} » inconnu : cette page accepte seulement {expected}")));
            }
            if pairs[..i].iter().any(|(p, _)| p == k) {
                return Err(PageError::bad_request(format!("paramètre « {k} » donné plusieurs fois")));
            }
        }
        Ok(PageQuery(pairs))
    }

    /// A parameter's value, trimmed; empty counts as absent.
    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

/// The published editions and the one a page shows.
struct Chosen {
    /// Every published edition, oldest first.
    list: Vec<Edition>,
    /// Index of the chosen one in `list`.
    idx: usize,
    /// Whether any is demonstration data.
    demo: bool,
}

impl Chosen {
    /// The edition asked for (default: the latest published).
    async fn from(s: &AppState, asked: Option<&str>) -> Result<Chosen, PageError> {
        let (list, demo) = published(&s.app).await?;
        let idx = match asked {
            Some(slug) => list
                .iter()
                .position(|e| e.slug == slug)
                .ok_or_else(|| PageError::not_found(format!("l'édition « {slug} » n'existe pas ou n'est pas publiée")))?,
            None => list.len().checked_sub(1).ok_or_else(|| PageError::not_found("aucune édition n'est encore publiée"))?,
        };
        Ok(Chosen { list, idx, demo })
    }

    /// The chosen edition.
    fn edition(&self) -> &Edition {
        &self.list[self.idx]
    }

    /// (slug, name) of the chosen edition, for templates.
    fn names(&self) -> (String, String) {
        (self.edition().slug.clone(), self.edition().name.clone())
    }

    /// The edition before the chosen one, if any.
    fn previous(&self) -> Option<&Edition> {
        self.idx.checked_sub(1).map(|p| &self.list[p])
    }

    /// The options of the edition selector, latest first.
    fn options(&self) -> Vec<EditionOpt> {
        self.list
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| EditionOpt { slug: e.slug.clone(), name: e.name.clone(), selected: i == self.idx })
            .collect()
    }

    /// Link to the index of the chosen edition's syntheses.
    fn index_href(&self) -> String {
        format!("/syntheses?edition={}", query_value(&self.edition().slug))
    }
}

/// An option of the edition selector.
pub struct EditionOpt {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Selected.
    pub selected: bool,
}

/// Percent-encodes a path segment (everything but RFC 3986 unreserved characters).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Link to a group's page in an edition.
pub fn group_href(by: GroupBy, name: &str, edition: &str) -> String {
    format!("/syntheses/{}/{}?edition={}", by.as_str(), path_segment(name), query_value(edition))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("Ministère de l'Intérieur"), "Minist%C3%A8re%20de%20l%27Int%C3%A9rieur");
        assert_eq!(path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(group_href(GroupBy::Domaine, "Santé", "2025-decembre"), "/syntheses/domaine/Sant%C3%A9?edition=2025-decembre");
    }

    #[test]
    fn query_is_strict() {
        assert!(PageQuery::parse(Some("edition=a".into()), &["edition"]).is_ok());
        assert_eq!(PageQuery::parse(Some("edition=%20".into()), &["edition"]).unwrap().get("edition"), None);
        assert!(PageQuery::parse(None, &["edition"]).unwrap().0.is_empty());
        assert!(PageQuery::parse(Some("foo=1".into()), &["edition"]).is_err());
        assert!(PageQuery::parse(Some("edition=a&edition=b".into()), &["edition"]).is_err());
    }

    #[test]
    fn every_grouping_has_its_nouns() {
        assert_eq!(KINDS.map(kind), GroupKind::ALL);
    }
}
