//! Presentation shared by the public site and generated reports: SVG charts and the French
//! sentences that describe synthesis figures.
//!
//! - [`charts`] draws accessible SVG (`role="img"`, `<title>`, `<desc>`, no inline style) from
//!   plain series: [`charts::share_bars`], [`charts::distribution`], [`charts::line_with_bands`].
//! - [`sentences`] says figures in French, with the decimal comma, truncated figures and the
//!   no-break spaces of French typography ([`sentences::french_spacing`]).
//! - [`figures`] puts both together for the synthesis pages: per indicator, a sentence, charts and
//!   the data tables carrying the same numbers ([`figures::GroupComparison`],
//!   [`figures::ministry_block`], [`figures::headline_rows`]).
//!
//! Inputs are domain types ([`obs_domain::synthesis::Synthesis`], [`obs_domain::Indicator`]) and
//! plain strings; outputs are strings and plain structs, so an HTML template and a PDF or DOCX
//! generator render the same content.
//!
//! ```
//! use obs_present::charts::{ShareBar, share_bars};
//! use obs_present::sentences::{french_spacing, target};
//! let svg = share_bars(
//!     "graphe",
//!     "Satisfaction",
//!     &french_spacing("Part à l'objectif : 72,4 %"),
//!     &[ShareBar { label: "Culture".into(), share: Some(72.4), text: "72,4 %".into() }],
//!     80.0,
//! );
//! assert!(svg.starts_with("<svg ") && svg.contains("role=\"img\""));
//! assert_eq!(target(80.0), "80\u{202f}%");
//! assert_eq!(french_spacing("Objectif : 80 %"), "Objectif\u{a0}: 80\u{202f}%");
//! ```
//!
//! It deliberately knows nothing of HTTP, templates, URLs or storage: callers choose the scopes to
//! compare, compute the syntheses and give the links.
#![deny(missing_docs)]

pub mod charts;
pub mod figures;
pub mod sentences;
