//! Errors of the web layer.
//!
//! Policy: pages answer with a French DSFR error page, the API with `application/problem+json`;
//! the status says what kind of problem it is (400 bad parameter, 404 unknown slug, 403 not
//! published, 500 anything else). Internal details go to the log, never to the response.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use obs_app::AppError;

use crate::views::layout::{Layout, render};

/// An error shown as an HTML page (`Clone`: the page cache hands one render's error to every
/// request that waited for it).
#[derive(Debug, Clone)]
pub struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    /// 404.
    pub fn not_found(what: impl Into<String>) -> PageError {
        PageError { status: StatusCode::NOT_FOUND, message: what.into() }
    }

    /// 400.
    pub fn bad_request(msg: impl Into<String>) -> PageError {
        PageError { status: StatusCode::BAD_REQUEST, message: msg.into() }
    }

    /// 403.
    pub fn forbidden(msg: impl Into<String>) -> PageError {
        PageError { status: StatusCode::FORBIDDEN, message: msg.into() }
    }
}

fn classify(e: &AppError) -> (StatusCode, String) {
    match e {
        AppError::NotFound(_) => (StatusCode::NOT_FOUND, e.to_string()),
        AppError::Invalid(_) | AppError::ImportRejected(_) => (StatusCode::BAD_REQUEST, e.to_string()),
        AppError::Refused(_) => (StatusCode::CONFLICT, e.to_string()),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, e.to_string()),
        _ => {
            // Internal errors: the detail goes to the log, never to the response.
            tracing::error!(error = %e, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, "erreur interne : l'équipe a été prévenue, réessayez plus tard".into())
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        let (status, message) = classify(&e);
        PageError { status, message }
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    heading: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let heading = match self.status {
            StatusCode::NOT_FOUND => "Page introuvable",
            StatusCode::BAD_REQUEST => "Demande incorrecte",
            StatusCode::FORBIDDEN => "Accès refusé",
            StatusCode::CONFLICT => "Action impossible",
            _ => "Erreur inattendue",
        };
        let page = ErrorPage {
            layout: Layout::new(heading, "", false),
            status: self.status.as_u16(),
            heading,
            message: self.message,
        };
        let body = render(&page).unwrap_or_else(|_| Html(heading.to_string()));
        (self.status, body).into_response()
    }
}

/// An error of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// 400.
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, message: msg.into() }
    }

    /// 404.
    pub fn not_found(msg: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, message: msg.into() }
    }

    /// 401: the caller must identify (an API key).
    pub fn unauthorized(msg: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::UNAUTHORIZED, message: msg.into() }
    }

    /// 403.
    pub fn forbidden(msg: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::FORBIDDEN, message: msg.into() }
    }

    /// 405.
    pub fn method_not_allowed(msg: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::METHOD_NOT_ALLOWED, message: msg.into() }
    }

    /// 500: the cause goes to the log, the response says only that something failed.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal API error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "erreur interne : l'équipe a été prévenue, réessayez plus tard".into(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let (status, message) = classify(&e);
        ApiError { status, message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "type": "about:blank",
            "title": self.status.canonical_reason().unwrap_or("Erreur"),
            "status": self.status.as_u16(),
            "detail": self.message,
        });
        let mut resp = (self.status, body.to_string()).into_response();
        resp.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        resp
    }
}
