//! Static files embedded in the binary (DSFR and our own CSS), served under content-hashed URLs.
//!
//! Pages link to `/static/{hash}/{path}` ([`url`]), where `hash` is computed once from the
//! SHA-256 of every embedded file: any change to any asset gives new URLs, so browsers and
//! proxies may keep these answers for a year (`immutable`). One hash for the whole tree, rather
//! than one per file, keeps the relative URLs inside DSFR's CSS (fonts, icons) under the same
//! prefix, where they resolve and are cached the same way.
//!
//! Old URLs (`/static/{path}`, or a previous hash) still answer, with a one-day cache, for pages
//! rendered by an earlier version. A missing file gets the French 404 page.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::PageError;

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// Length of the hash segment, in hexadecimal digits.
const HASH_LEN: usize = 16;
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=86400";

/// The hash of the embedded tree, computed on first use (at start: the router asks for it).
static TREE_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<_> = Assets::iter().collect();
    names.sort();
    let mut h = Sha256::new();
    for name in names {
        if let Some(file) = Assets::get(&name) {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(file.metadata.sha256_hash());
        }
    }
    hex(&h.finalize()[..HASH_LEN / 2])
});

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current version segment of asset URLs.
pub fn version() -> &'static str {
    &TREE_HASH
}

/// The URL of an embedded asset, e.g. `url("app.css")` → `/static/3f…/app.css`.
pub fn url(path: &str) -> String {
    format!("/static/{}/{path}", version())
}

/// Splits `/static/{*path}` into the cache policy it deserves and the file's path.
fn resolve(path: &str) -> (&'static str, &str) {
    if let Some((first, rest)) = path.split_once('/')
        && first.len() == HASH_LEN
        && first.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return (if first == version() { IMMUTABLE } else { SHORT }, rest);
    }
    (SHORT, path)
}

/// Serves `/static/{*path}`.
pub async fn static_file(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let (cache, path) = resolve(&path);
    let Some(file) = Assets::get(path) else {
        return PageError::not_found("ce fichier n'existe pas").into_response();
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
    let cache = HeaderValue::from_static(cache);
    if crate::api::none_match(&headers, &etag) {
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        resp.headers_mut().insert(header::CACHE_CONTROL, cache);
        return resp;
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
    h.insert(header::CACHE_CONTROL, cache);
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
        None => PageError::not_found(format!("fichier « {name} »")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_urls_and_old_urls_resolve_to_the_same_file() {
        let u = url("dsfr/dsfr.min.css");
        let path = u.strip_prefix("/static/").unwrap();
        assert_eq!(resolve(path), (IMMUTABLE, "dsfr/dsfr.min.css"));
        assert_eq!(resolve("dsfr/dsfr.min.css"), (SHORT, "dsfr/dsfr.min.css"));
        assert_eq!(resolve("0123456789abcdef/app.css"), (SHORT, "app.css"), "a previous version: short cache");
        assert_eq!(version().len(), HASH_LEN);
        assert!(Assets::get("dsfr/dsfr.min.css").is_some());
    }

    #[test]
    fn relative_urls_inside_dsfr_css_resolve_to_embedded_files() {
        // A stylesheet served at /static/{hash}/dsfr/x.css resolves url(a/b) to
        // /static/{hash}/dsfr/a/b: every such target must exist in the tree.
        for css in ["dsfr/dsfr.min.css", "dsfr/utility/icons/icons.min.css"] {
            let text = String::from_utf8(Assets::get(css).unwrap().data.into_owned()).unwrap();
            let dir = &css[..css.rfind('/').unwrap()];
            let mut checked = 0;
            for part in text.split("url(").skip(1) {
                let target = part[..part.find(')').unwrap()].trim_matches(['"', '\'']);
                if target.starts_with("data:") || target.starts_with('#') || target.starts_with("var(") {
                    continue;
                }
                let target = target.split(['?', '#']).next().unwrap();
                if target.ends_with(".woff") {
                    // Legacy fallback next to each .woff2, not vendored: every supported browser
                    // takes the .woff2 listed first.
                    continue;
                }
                let mut segs: Vec<&str> = dir.split('/').collect();
                for s in target.split('/') {
                    match s {
                        ".." => {
                            segs.pop();
                        }
                        "." | "" => {}
                        s => segs.push(s),
                    }
                }
                let resolved = segs.join("/");
                assert!(Assets::get(&resolved).is_some(), "{css}: url({target}) → {resolved} is missing");
                checked += 1;
            }
            assert!(checked > 0, "{css} references files");
        }
    }
}
