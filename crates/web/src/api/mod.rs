//! The read-only JSON API under `/api/v1`, and its documentation page at `/api/docs`.
//!
//! One file per noun: `editions.rs` (editions, revisions, diff), `demarches.rs` (the paginated
//! table of an edition and one démarche across editions), `syntheses.rs`, `rules.rs` (rule sets
//! and indicators), `openapi.rs` (the OpenAPI 3.1 document) and `docs.rs` (the HTML page rendered
//! from that document). Handlers read as the [`Caller`](crate::actor::Caller), which today is
//! always the public: only published editions are visible, and published revisions never
//! change, so every successful answer goes through [`published_json`] (strong ETag,
//! `Cache-Control`, `304` on a match; the identification layer makes that cache private for an
//! identified caller).
//!
//! Every route is registered through [`Registry::get`], which keeps the list of paths; a test in
//! `openapi.rs` checks that this list and the paths of the OpenAPI document are the same.
//! Errors are `application/problem+json` with a French `detail` ([`ApiError`]).

mod demarches;
mod docs;
mod editions;
mod openapi;
mod rules;
mod syntheses;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

pub use docs::docs;

/// Prefix under which [`routes`] is nested.
pub const PREFIX: &str = "/api/v1";

/// What API handlers return.
pub type ApiResult = Result<Response, ApiError>;

/// The API routes and the list of their paths, built together so that they cannot differ.
pub(crate) struct Registry {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Registry {
    fn new() -> Registry {
        Registry { router: Router::new(), paths: Vec::new() }
    }

    /// Registers a GET route (HEAD is answered by axum from the same handler).
    fn get<H, T>(mut self, path: &'static str, handler: H) -> Registry
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.paths.push(path);
        self
    }

    /// The registered paths, relative to [`PREFIX`], in registration order.
    #[cfg(test)]
    pub(crate) fn paths(&self) -> &[&'static str] {
        &self.paths
    }
}

/// Every route of the API. Add new ones here only, with their description in `openapi.rs`.
pub(crate) fn registry() -> Registry {
    Registry::new()
        .get("/editions", editions::list)
        .get("/editions/{slug}", editions::show)
        .get("/editions/{slug}/demarches", demarches::list)
        .get("/editions/{slug}/synthese", syntheses::show)
        .get("/demarches/{id}", demarches::show)
        .get("/indicateurs", rules::list)
        .get("/regles/{id}", rules::show)
        .get("/diff/{a}/{b}", editions::diff)
        .get("/openapi.json", openapi::serve)
}

/// The API routes, to be nested under [`PREFIX`].
pub fn routes() -> Router<AppState> {
    registry()
        .router
        .fallback(|| async { ApiError::not_found("ressource inconnue de l'API : voir /api/docs pour la liste des adresses") })
        .method_not_allowed_fallback(|| async {
            let mut resp = ApiError::method_not_allowed("l'API est en lecture seule : seules les méthodes GET et HEAD sont acceptées")
                .into_response();
            resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            resp
        })
}

/// Cache lifetime of published data, in seconds.
pub const MAX_AGE: u32 = 3600;

/// A strong validator for a body: its SHA-256, hex, quoted.
pub fn etag_of(body: &[u8]) -> String {
    let hex: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 §13.1.2 asks).
/// Whether `If-None-Match` names this entity tag (weak comparison, lists and `*` accepted).
pub(crate) fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = strip(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == ours)
}

/// The JSON answer for published (immutable) data: a strong ETag (SHA-256 of the body) and
/// `Cache-Control: public, max-age=3600`; `304 Not Modified` without body when the client
/// already holds it (`If-None-Match`).
pub fn published_json<T: Serialize>(headers: &HeaderMap, value: &T) -> ApiResult {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let etag = etag_of(&body);
    let cache = HeaderValue::from_str(&format!("public, max-age={MAX_AGE}")).map_err(ApiError::internal)?;
    let etag_value = HeaderValue::from_str(&etag).map_err(ApiError::internal)?;
    let mut resp = if none_match(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, etag_value);
    h.insert(header::CACHE_CONTROL, cache);
    Ok(resp)
}

/// Path parameters, refused with a French problem (instead of axum's plain-text rejection) when
/// they cannot be decoded, e.g. a segment that is not UTF-8.
pub(crate) struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(e) => {
                tracing::debug!(error = %e, "bad API path");
                Err(ApiError::bad_request("adresse invalide : un élément de l'adresse n'est pas un texte UTF-8 valide"))
            }
        }
    }
}

/// The query parameters of a request, refusing any name not in `allowed` and any repeated name.
pub(crate) fn strict_params(raw: Option<&str>, allowed: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned() {
        if !allowed.contains(&k.as_str()) {
            let hint = if allowed.is_empty() {
                "cette adresse n'accepte aucun paramètre".to_string()
            } else {
                format!("paramètres acceptés : {}", allowed.join(", "))
            };
            return Err(ApiError::bad_request(format!("paramètre « {k} » inconnu ({hint})")));
        }
        if out.insert(k.clone(), v.trim().to_string()).is_some() {
            return Err(ApiError::bad_request(format!("paramètre « {k} » répété : donnez-le une seule fois")));
        }
    }
    Ok(out)
}

/// All query pairs, in order (for the edition table, whose parser is [`crate::query::TableQuery`]).
pub(crate) fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
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
    fn parameters_are_checked() {
        assert!(strict_params(Some("groupe=ministere&nom=A%20B"), &["groupe", "nom"]).unwrap()["nom"] == "A B");
        assert!(strict_params(Some("x=1"), &[]).is_err());
        assert!(strict_params(Some("nom=a&nom=b"), &["nom"]).is_err());
        assert!(strict_params(None, &[]).unwrap().is_empty());
    }
}
