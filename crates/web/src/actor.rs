//! Who is calling: the [`Caller`] extractor and the layers that guard route groups.
//!
//! One layer ([`identify`]) runs on every request: it asks the configured [`Identify`] for the
//! [`Actor`] behind the request and stores it in the request's extensions. Handlers take a
//! [`Caller`] and pass its actor to `obs-app`, which decides with the policy. Route groups that
//! need an identified caller or the observatory team sit behind [`signed_in`] and [`team_only`].
//!
//! Today nobody can sign in, so the default [`Anonymous`] identifies everyone as the public.
//! The accounts issue plugs sessions and API keys in by implementing [`Identify`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use obs_app::Actor;

use crate::error::{ApiError, PageError};

/// A boxed future, so [`Identify`] stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Turns a request into the actor behind it (session cookie, API key…). It never refuses:
/// refusing is the job of the route groups' layers and of the policy. It gets the request's
/// parts mutably so that it can run extractors (a session layer's, for instance).
pub trait Identify: Send + Sync + 'static {
    /// The actor behind `parts`; [`Actor::Public`] when nobody is identified.
    fn identify<'a>(&'a self, parts: &'a mut Parts) -> BoxFuture<'a, Actor>;
}

/// Everyone is the public (until accounts exist).
#[derive(Debug, Clone, Copy, Default)]
pub struct Anonymous;

impl Identify for Anonymous {
    fn identify<'a>(&'a self, _parts: &'a mut Parts) -> BoxFuture<'a, Actor> {
        Box::pin(async { Actor::Public })
    }
}

/// The caller of a handler, as identified by [`identify`]; the public when that layer did not
/// run (a handler can never mistake a missing identification for a signed-in person).
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or(Caller(Actor::Public)))
    }
}

/// Layer on every request: stores the identified [`Caller`] in the request's extensions.
///
/// What an identified caller receives may hold drafts or personal data, so shared caches must
/// never keep it: its `Cache-Control` becomes `private` (and `private, no-store` when the
/// handler said nothing).
pub async fn identify(State(who): State<Arc<dyn Identify>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let actor = who.identify(&mut parts).await;
    let identified = actor.is_identified();
    parts.extensions.insert(Caller(actor));
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    if identified {
        keep_private(&mut resp);
    }
    resp
}

fn keep_private(resp: &mut Response) {
    let h = resp.headers_mut();
    let value = match h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()) {
        Some(v) => v.replace("public", "private"),
        None => "private, no-store".to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&value) {
        h.insert(header::CACHE_CONTROL, v);
    }
}

fn caller(req: &Request) -> &Actor {
    req.extensions().get::<Caller>().map(|c| &c.0).unwrap_or(&Actor::Public)
}

/// The answer to an anonymous caller of a guarded route: the API says 401; a page sends the
/// browser to the sign-in page with the way back.
fn sign_in_first(req: &Request) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api/") {
        let mut resp = ApiError::unauthorized("identification requise : fournissez une clé d'API").into_response();
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return resp;
    }
    let back: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    let mut resp = Redirect::to(&format!("/connexion?retour={back}")).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Route layer of the authenticated group: anonymous callers are sent to sign in.
pub async fn require_identified(req: Request, next: Next) -> Response {
    if !caller(&req).is_identified() {
        return sign_in_first(&req);
    }
    next.run(req).await
}

/// Route layer of the admin group: anonymous callers are sent to sign in, identified callers
/// outside the observatory team are refused (403).
pub async fn require_team(req: Request, next: Next) -> Response {
    let actor = caller(&req);
    if !actor.is_identified() {
        return sign_in_first(&req);
    }
    if !actor.is_team() {
        let msg = "réservé à l'équipe de l'observatoire";
        return if req.uri().path().starts_with("/api/") {
            ApiError::forbidden(msg).into_response()
        } else {
            PageError::forbidden(msg).into_response()
        };
    }
    next.run(req).await
}

/// Puts `group` behind [`require_identified`] (a group without routes stays as it is).
pub fn signed_in<S: Clone + Send + Sync + 'static>(group: axum::Router<S>) -> axum::Router<S> {
    if group.has_routes() { group.route_layer(axum::middleware::from_fn(require_identified)) } else { group }
}

/// Puts `group` behind [`require_team`] (a group without routes stays as it is).
pub fn team_only<S: Clone + Send + Sync + 'static>(group: axum::Router<S>) -> axum::Router<S> {
    if group.has_routes() { group.route_layer(axum::middleware::from_fn(require_team)) } else { group }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use obs_app::policy::{Account, Ministries, Role};
    use tower::ServiceExt;

    /// Identifies from a test header: `x-test-actor: admin|ministere|public`.
    struct FromHeader;

    impl Identify for FromHeader {
        fn identify<'a>(&'a self, parts: &'a mut Parts) -> BoxFuture<'a, Actor> {
            let who = parts.headers.get("x-test-actor").and_then(|v| v.to_str().ok()).unwrap_or("public").to_string();
            Box::pin(async move {
                let role = match who.as_str() {
                    "admin" => Role::Admin,
                    "ministere" => Role::Ministere(Ministries::new(["Ministère A"]).unwrap()),
                    _ => return Actor::Public,
                };
                Actor::User(Account { id: 1, email: format!("{who}@exemple.gouv.fr"), role })
            })
        }
    }

    async fn whoami(Caller(actor): Caller) -> String {
        actor.audit_name()
    }

    /// A router built like the real one: groups behind the same functions, one identify layer.
    fn app() -> Router {
        let who: Arc<dyn Identify> = Arc::new(FromHeader);
        let public = Router::new().route("/qui", get(whoami)).route(
            "/publie",
            get(|| async { ([(header::CACHE_CONTROL, "public, max-age=300")], "données publiées") }),
        );
        let authenticated = Router::new().route("/gestion/essai", get(whoami)).route("/api/v1/gestion/essai", get(whoami));
        let admin = Router::new().route("/gestion/admin/essai", get(whoami));
        Router::new()
            .merge(public)
            .merge(signed_in(authenticated))
            .merge(team_only(admin))
            .layer(axum::middleware::from_fn_with_state(who, identify))
    }

    async fn answer(uri: &str, who: &str) -> Response {
        let req = Request::get(uri).header("x-test-actor", who).body(Body::empty()).unwrap();
        app().oneshot(req).await.unwrap()
    }

    async fn call(uri: &str, who: &str) -> (StatusCode, String, String) {
        let resp = answer(uri, who).await;
        let status = resp.status();
        let location = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, location, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn shared_caches_never_keep_what_an_identified_caller_sees() {
        let cache = |r: &Response| r.headers()[header::CACHE_CONTROL].to_str().unwrap().to_string();
        assert_eq!(cache(&answer("/publie", "public").await), "public, max-age=300");
        assert_eq!(cache(&answer("/publie", "ministere").await), "private, max-age=300");
        assert_eq!(cache(&answer("/qui", "admin").await), "private, no-store");
        assert!(!answer("/qui", "public").await.headers().contains_key(header::CACHE_CONTROL));
    }

    #[tokio::test]
    async fn the_extractor_yields_the_identified_actor() {
        assert_eq!(call("/qui", "public").await.2, "public");
        assert_eq!(call("/qui", "admin").await.2, "compte:admin@exemple.gouv.fr");
        assert_eq!(call("/qui", "ministere").await.2, "compte:ministere@exemple.gouv.fr");
    }

    #[tokio::test]
    async fn anonymous_callers_are_sent_to_sign_in() {
        let (st, location, _) = call("/gestion/essai", "public").await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        assert_eq!(location, "/connexion?retour=%2Fgestion%2Fessai");
        let (st, _, body) = call("/api/v1/gestion/essai", "public").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        assert!(body.contains("identification requise"), "{body}");
        let (st, location, _) = call("/gestion/admin/essai", "public").await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        assert!(location.starts_with("/connexion"));
    }

    #[tokio::test]
    async fn groups_let_the_right_callers_through() {
        assert_eq!(call("/gestion/essai", "ministere").await.0, StatusCode::OK);
        assert_eq!(call("/gestion/essai", "admin").await.0, StatusCode::OK);
        let (st, _, body) = call("/gestion/admin/essai", "ministere").await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        assert!(body.contains("<html lang=\"fr\"") && body.contains("réservé à l&#39;équipe"), "{body:.400}");
        assert_eq!(call("/gestion/admin/essai", "admin").await.0, StatusCode::OK);
    }

    #[test]
    fn empty_groups_are_allowed() {
        let _: Router = signed_in(Router::new());
        let _: Router = team_only(Router::new());
    }
}
