//! One structured log line and one metrics sample per request.
//!
//! The line carries the method, the route template (`/editions/{slug}`, never the raw path or
//! the query string, which may hold search terms or, on future routes, tokens), the status, the
//! duration and, through the request's span, the request id (`x-request-id`, set by tower-http when the client sent none and
//! echoed in the response). Headers, cookies included, are never logged. The output format
//! (text or JSON) is the subscriber's business, chosen by the program at start.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::Metrics;

/// The route label of requests that matched no route (one label for all of them, so a scan of
/// random URLs cannot create unbounded series).
pub const UNMATCHED: &str = "(aucune)";

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// The method as a bounded label: any extension method a client invents counts as `autre`.
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "autre",
    }
}

/// The span around a request, opened by tower-http's trace layer: every line logged while
/// answering (this one, errors) carries the request id.
pub fn span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    // A caller-given id (from a proxy) is kept, but a long one is cut: it is the client's text.
    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    let id = id.get(..id.len().min(64)).unwrap_or("-");
    tracing::info_span!(target: "obs_web::requete", "requete", request_id = %id)
}

/// Layer on every route: logs and counts the request once it is answered.
pub async fn observe(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| UNMATCHED.to_owned());
    let resp = next.run(req).await;
    let elapsed = start.elapsed();
    let status = resp.status().as_u16();
    metrics.record(method, &route, status, elapsed);
    tracing::info!(
        target: "obs_web::requete",
        method = %method,
        route = %route,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "requête"
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"PROPFIND").unwrap()), "autre");
        assert_eq!(method_label(&Method::from_bytes(b"X-ALEATOIRE-123").unwrap()), "autre");
    }
}
