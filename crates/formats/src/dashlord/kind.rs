//! The five files a démarche folder may hold, and what is lost when one says nothing.
//!
//! Kept apart so that the reader (which reports missing and empty files) and the parsers (which
//! warn about files without measurements) word the consequence the same way.

/// The files of a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Jdma,
    Jdma3Months,
    Updown,
    Rgaa,
    Declaration,
}

impl Kind {
    /// Every kind, in the order folders are read.
    pub(super) const ALL: [Kind; 5] = [
        Kind::Jdma,
        Kind::Jdma3Months,
        Kind::Updown,
        Kind::Rgaa,
        Kind::Declaration,
    ];

    /// The file name inside a démarche folder.
    pub(super) fn file_name(self) -> &'static str {
        match self {
            Kind::Jdma => "jdma.json",
            Kind::Jdma3Months => "jdma_3months.json",
            Kind::Updown => "updown.json",
            Kind::Rgaa => "rgaa.json",
            Kind::Declaration => "declaration-a11y.json",
        }
    }

    /// What is left without value when the file says nothing, in French.
    pub(super) fn consequence(self) -> &'static str {
        match self {
            Kind::Jdma => {
                "satisfaction, clarté du langage, aide joignable, aide efficace et autonomie restent « À venir »"
            }
            Kind::Jdma3Months => {
                "fichier informatif (3 derniers mois), aucun indicateur n'en dépend"
            }
            Kind::Updown => "disponibilité et temps de chargement restent « À venir »",
            Kind::Rgaa => "la prise en compte du handicap reste « À venir »",
            Kind::Declaration => "la mention d'accessibilité reste inconnue",
        }
    }
}
