//! The observatory's rules, as pure functions over plain types.
//!
//! This crate knows the vocabulary of spec/indicators.md and nothing about HTTP, SQL or files:
//!
//! - [`RuleSet`] is a versioned list of [`Indicator`]s and their [`Level`]s, parsed from TOML
//!   ([`RuleSet::from_toml`]) and validated so that every number maps to exactly one level.
//! - [`RawValue`] is what a measurement says; [`classify`] turns it into a [`Cell`] (a level and the
//!   exact value) under one indicator, refusing labels that match no level.
//! - [`display`] formats numbers the French way, truncating so a figure never contradicts its colour.
//! - [`synthesis`] computes shares at goal, distributions, deltas and headline counts for any group.
//! - [`diff`] compares two editions by démarche identity; [`EditionState`] is the publication life cycle.
//! - [`record`] holds the typed records (editions, members, measurements, revisions) that the
//!   storage layer returns once parsed.
//!
//! ```
//! use obs_domain::{classify, RawValue, RuleSet};
//! let rules = RuleSet::from_toml(include_str!("../../../rules/2025.toml")).unwrap();
//! let sat = rules.indicator("satisfaction").unwrap();
//! let cell = classify(sat, Some(&RawValue::counted(7.96, 250)), |_| None).unwrap();
//! assert_eq!(cell.level(sat).color.as_str(), "yellow");
//! assert_eq!(cell.badge(sat), "7,9 / 10");
//! ```
//!
//! It deliberately does not load files, store anything or know which démarches exist.
#![deny(missing_docs)]

mod classify;
pub mod diff;
pub mod display;
mod edition;
pub mod record;
mod ruleset;
pub mod synthesis;
pub mod text;
mod value;

pub use classify::{Cell, ClassifyError, classify};
pub use edition::{EditionState, Quarter};
pub use ruleset::{Color, Derived, Direction, Exclusion, Format, Indicator, Level, PointsPart, RuleSet, RuleSetError};
pub use record::{AuditEntry, DayRange, Demarche, Edition, Instant, Measurement, Member, Revision, ValueSource, Version};
pub use value::RawValue;
