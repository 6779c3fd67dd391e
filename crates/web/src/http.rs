//! What every handler repeats, once: query parameters parsed strictly with one French error,
//! strong entity tags and conditional requests (`If-None-Match` → `304`).
//!
//! The revision a request names (`revision=N` → which figures to read) is parsed by the use
//! cases themselves (`App::table_request`, `App::table_for`), so pages, API and downloads agree.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, PageError};

/// A refused query parameter, with its French explanation; becomes a 400 page or problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest(pub String);

impl From<BadRequest> for ApiError {
    fn from(e: BadRequest) -> ApiError {
        ApiError::bad_request(e.0)
    }
}

impl From<BadRequest> for PageError {
    fn from(e: BadRequest) -> PageError {
        PageError::bad_request(e.0)
    }
}

/// All query pairs, in order (for parsers that accept repeated or open-ended names, like the
/// edition table's `niveau_*` filters).
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}

/// The query parameters of a request, refusing any name not in `allowed` and any repeated name.
pub fn strict_params(raw: Option<&str>, allowed: &[&str]) -> Result<BTreeMap<String, String>, BadRequest> {
    let mut out = BTreeMap::new();
    for (k, v) in query_pairs(raw) {
        if !allowed.contains(&k.as_str()) {
            let hint = if allowed.is_empty() {
                "cette adresse n'accepte aucun paramètre".to_string()
            } else {
                format!("paramètres acceptés : {}", allowed.join(", "))
            };
            return Err(BadRequest(format!("paramètre « {k} » inconnu ({hint})")));
        }
        if out.insert(k.clone(), v.trim().to_string()).is_some() {
            return Err(BadRequest(format!("paramètre « {k} » répété : donnez-le une seule fois")));
        }
    }
    Ok(out)
}

/// A strong validator for a body: its SHA-256, hex, quoted.
pub fn etag_of(body: &[u8]) -> String {
    let hex: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names this entity tag (weak comparison, as RFC 9110 §13.1.2 asks;
/// lists and `*` accepted).
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = strip(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == ours)
}

/// Answers a conditional GET: `304 Not Modified` without body when the client holds `etag`,
/// otherwise the response `build` makes; both carry the `ETag` and `Cache-Control` given.
pub fn conditional<E>(
    headers: &HeaderMap,
    etag: &str,
    cache_control: &str,
    build: impl FnOnce() -> Result<Response, E>,
) -> Result<Response, E> {
    let mut resp = if none_match(headers, etag) { StatusCode::NOT_MODIFIED.into_response() } else { build()? };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(cache_control) {
        h.insert(header::CACHE_CONTROL, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists() {
        let tag = etag_of(b"{}");
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 66);
        let mut h = HeaderMap::new();
        assert!(!none_match(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap());
        assert!(none_match(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(none_match(&h, &tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"autre\""));
        assert!(!none_match(&h, &tag));
    }

    #[test]
    fn conditional_answers_304_with_the_same_headers() {
        let tag = etag_of(b"x");
        let mut h = HeaderMap::new();
        let ok = conditional::<()>(&h, &tag, "public, max-age=60", || Ok("x".into_response())).unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&tag).unwrap());
        let not = conditional::<()>(&h, &tag, "public, max-age=60", || panic!("no body for a match")).unwrap();
        assert_eq!(not.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(not.headers()[header::ETAG], tag.as_str());
        assert_eq!(not.headers()[header::CACHE_CONTROL], "public, max-age=60");
    }

    #[test]
    fn parameters_are_checked() {
        assert!(strict_params(Some("groupe=ministere&nom=A%20B"), &["groupe", "nom"]).unwrap()["nom"] == "A B");
        assert!(strict_params(Some("x=1"), &[]).unwrap_err().0.contains("aucun paramètre"));
        assert!(strict_params(Some("nom=a&nom=b"), &["nom"]).unwrap_err().0.contains("répété"));
        assert!(strict_params(None, &[]).unwrap().is_empty());
    }
}
