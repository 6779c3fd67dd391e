//! HTML pages: one module per noun, one function per verb.

pub mod demarche;
pub mod editions;
pub mod home;
pub mod layout;
pub mod pages;
pub mod syntheses;
pub mod table_parts;

use obs_app::{Actor, App};
use obs_domain::{Cell, Color, Indicator};
use obs_app::model::Edition;

use crate::error::PageError;

/// A classified cell ready for a template.
#[derive(Debug, Clone)]
pub struct CellView {
    /// Badge text: the value for score indicators ("8,4 / 10"), otherwise the level label.
    pub badge: String,
    /// DSFR badge modifier class.
    pub class: &'static str,
    /// Level label.
    pub level: String,
    /// Formatted value, when there is one and the badge does not already show it.
    pub value: Option<String>,
    /// Whether the goal is reached.
    pub goal: bool,
    /// Whether the level is grey.
    pub gray: bool,
}

/// DSFR badge class of a colour.
pub fn badge_class(c: Color) -> &'static str {
    match c {
        Color::Green => "fr-badge--success",
        Color::Yellow => "fr-badge--warning",
        Color::Red => "fr-badge--error",
        Color::Blue => "fr-badge--info",
        Color::Gray => "obs-badge--gris",
    }
}

/// Builds the view of a cell.
pub fn cell_view(ind: &Indicator, cell: &Cell) -> CellView {
    let level = cell.level(ind);
    let badge = cell.badge(ind);
    let value = cell.display_value(ind).filter(|v| *v != badge);
    CellView {
        badge,
        class: badge_class(level.color),
        level: level.label.clone(),
        value,
        goal: level.goal,
        gray: level.is_gray(),
    }
}

/// The published editions, oldest first, and whether any is demonstration data: what the public
/// site's navigation and caches are built from, whoever calls.
pub async fn published(app: &App) -> Result<(Vec<Edition>, bool), PageError> {
    let list = app.editions(&Actor::Public).await?;
    let demo = list.iter().any(|e| e.demo);
    Ok((list, demo))
}

