//! The read-only JSON API under `/api/v1`, and its documentation page at `/api/docs`.
//!
//! One file per noun: `editions.rs` (editions, revisions, diff), `demarches.rs` (the paginated
//! table of an edition and one démarche across editions), `syntheses.rs`, `rules.rs` (rule sets
//! and indicators), `figures.rs` (French shapes of the domain's synthesis, headline and diff
//! figures: every field name of the API is French, while the CLI's `--json` keeps the domain's),
//! `openapi.rs` (the OpenAPI 3.1 document) and `docs.rs` (the HTML page rendered
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
mod figures;
mod openapi;
mod rules;
mod syntheses;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::http::{conditional, etag_of};
/// Kept here for the static-file handler (`assets.rs`), which predates [`crate::http`].
pub(crate) use crate::http::none_match;
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

/// The JSON answer for published (immutable) data: a strong ETag (SHA-256 of the body) and
/// `Cache-Control: public, max-age=3600`; `304 Not Modified` without body when the client
/// already holds it (`If-None-Match`).
pub fn published_json<T: Serialize>(headers: &HeaderMap, value: &T) -> ApiResult {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let etag = etag_of(&body);
    conditional(headers, &etag, &format!("public, max-age={MAX_AGE}"), || {
        let mut r = body.into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(r)
    })
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

/// The query parameters of a request, refusing unknown and repeated names (see
/// [`crate::http::strict_params`]).
pub(crate) fn strict_params(raw: Option<&str>, allowed: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    Ok(crate::http::strict_params(raw, allowed)?)
}
