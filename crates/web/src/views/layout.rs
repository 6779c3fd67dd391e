//! The page frame shared by every page: title, navigation, demo banner, breadcrumb.

use askama::Template;
use axum::response::Html;

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Page title (also the `<title>` prefix).
    pub title: String,
    /// Key of the active navigation entry (`accueil`, `editions`, `syntheses`, `methodologie`, `api`).
    pub active: &'static str,
    /// Shows the "données de démonstration" banner.
    pub demo: bool,
    /// Breadcrumb entries before the current page: (label, href).
    pub crumbs: Vec<(String, String)>,
}

impl Layout {
    /// A frame.
    pub fn new(title: impl Into<String>, active: &'static str, demo: bool) -> Layout {
        Layout { title: title.into(), active, demo, crumbs: Vec::new() }
    }

    /// Adds a breadcrumb entry.
    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Layout {
        self.crumbs.push((label.into(), href.into()));
        self
    }

    /// The navigation entries: (key, label, href).
    pub fn nav(&self) -> [(&'static str, &'static str, &'static str); 5] {
        [
            ("accueil", "Accueil", "/"),
            ("editions", "Éditions", "/editions"),
            ("syntheses", "Synthèses", "/syntheses"),
            ("methodologie", "Méthodologie", "/methodologie"),
            ("api", "Données ouvertes et API", "/donnees"),
        ]
    }
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, askama::Error> {
    t.render().map(Html)
}

/// Renders a page; a template failure is an internal error (500, logged).
pub fn rendered<T: Template>(t: &T) -> Result<Html<String>, crate::error::PageError> {
    render(t).map_err(|e| crate::error::PageError::from(obs_app::AppError::Internal(format!("rendu de la page impossible : {e}"))))
}
