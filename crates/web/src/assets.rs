//! Static files embedded in the binary (DSFR and our own CSS), served with strong ETags.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// Serves `/static/{*path}`.
pub async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(file) = Assets::get(&path) else {
        return (StatusCode::NOT_FOUND, "fichier introuvable").into_response();
    };
    let etag = format!("\"{}\"", file.metadata.sha256_hash().iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    if crate::api::none_match(&headers, &etag) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mime = file.metadata.mimetype().to_string();
    let mut resp = file.data.into_owned().into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    resp
}

/// Serves `/fichiers/{name}` from the files loaded at start (see `AppState::with_files`).
pub async fn extra_file(
    axum::extract::State(s): axum::extract::State<crate::state::AppState>,
    Path(name): Path<String>,
) -> Response {
    match s.files.get(&name) {
        Some(bytes) => {
            let mime = mime_guess::from_path(&name).first_or_octet_stream().to_string();
            let mut resp = bytes.clone().into_response();
            if let Ok(v) = HeaderValue::from_str(&mime) {
                resp.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            resp
        }
        None => crate::error::PageError::not_found(format!("fichier « {name} »")).into_response(),
    }
}
