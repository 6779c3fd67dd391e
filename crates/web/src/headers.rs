//! Security headers set on every response.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Content Security Policy: our own origin only, no inline script; inline styles are allowed for
/// SVG charts' presentation attributes only through `style-src 'self'` (we use none inline).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers; HSTS only when the request came over HTTPS (directly or through a
/// proxy that says so), since HSTS over plain HTTP is ignored and would mislead.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let https = req.uri().scheme_str() == Some("https")
        || req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    resp
}
