//! The canonical columns of the working spreadsheet (2025 names), what each one feeds, and the
//! spellings known from earlier bases.
//!
//! One table ([`COLUMNS`]) drives both header recognition and row reading, so adding a column is
//! one entry here.

use obs_domain::text::fold;

/// What a column feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    EditionRef,
    DemarcheRef,
    JdmaId,
    Url,
    Title,
    Administration,
    Domaine,
    Ministere,
    VolumeOnline,
    VolumeTotal,
    FeedbackButton,
    Audience,
    /// An indicator value: its slug and how its numbers are written.
    Value(&'static str, Unit),
}

/// How the numbers of an indicator column are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    /// Only labels ("Oui", "FranceConnect +"); numbers are passed on as text.
    Label,
    /// A score out of 10.
    Score10,
    /// A fraction 0–1 shown ×100, or a percentage when written with "%".
    Fraction,
    /// Milliseconds.
    Millis,
    /// A count ≥ 0.
    Count,
}

/// One canonical column.
pub(super) struct ColumnSpec {
    /// The 2025 name.
    pub(super) name: &'static str,
    /// Spellings of earlier bases.
    pub(super) aliases: &'static [&'static str],
    /// What the column feeds.
    pub(super) field: Field,
}

/// The canonical columns (2025 names) and the spellings known from earlier bases.
pub(super) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "Ref_Edition",
        aliases: &[],
        field: Field::EditionRef,
    },
    ColumnSpec {
        name: "Ref_Demarche",
        aliases: &["ID_Demarche"],
        field: Field::DemarcheRef,
    },
    ColumnSpec {
        name: "Dashlord_ID_JDMA",
        aliases: &[],
        field: Field::JdmaId,
    },
    ColumnSpec {
        name: "URL_Demarche",
        aliases: &[],
        field: Field::Url,
    },
    ColumnSpec {
        name: "Nom_Demarche",
        aliases: &[],
        field: Field::Title,
    },
    ColumnSpec {
        name: "Nom_Administration",
        aliases: &[],
        field: Field::Administration,
    },
    ColumnSpec {
        name: "Nom_Administration_Centrale",
        aliases: &[],
        field: Field::Domaine,
    },
    ColumnSpec {
        name: "Nom_Ministere",
        aliases: &["Ministere_politique"],
        field: Field::Ministere,
    },
    ColumnSpec {
        name: "Volumetrie_En_Ligne",
        aliases: &[],
        field: Field::VolumeOnline,
    },
    ColumnSpec {
        name: "Volumetrie_Totale",
        aliases: &[],
        field: Field::VolumeTotal,
    },
    ColumnSpec {
        name: "Ajout_Bouton_JDMA",
        aliases: &[],
        field: Field::FeedbackButton,
    },
    ColumnSpec {
        name: "Categories_Usagers",
        aliases: &[],
        field: Field::Audience,
    },
    ColumnSpec {
        name: "Statut_En_ligne",
        aliases: &[],
        field: Field::Value("online", Unit::Label),
    },
    ColumnSpec {
        name: "Note_Satisfaction",
        aliases: &["📊 Satisfaction"],
        field: Field::Value("satisfaction", Unit::Score10),
    },
    ColumnSpec {
        name: "Note_Clarte_Langage",
        aliases: &[],
        field: Field::Value("simplicity", Unit::Score10),
    },
    ColumnSpec {
        name: "Aide_Joignable",
        aliases: &[],
        field: Field::Value("help_reachable", Unit::Fraction),
    },
    ColumnSpec {
        name: "Aide_Efficace",
        aliases: &[],
        field: Field::Value("help_efficient", Unit::Score10),
    },
    ColumnSpec {
        name: "Niveau_Autonomie",
        aliases: &[],
        field: Field::Value("help_used", Unit::Fraction),
    },
    ColumnSpec {
        name: "Dashlord_UpDown_Dispo",
        aliases: &["2️⃣ Taux de disponibilité", "Taux_Dispo"],
        field: Field::Value("uptime", Unit::Fraction),
    },
    ColumnSpec {
        name: "Dashlord_UpDown_Tps_Moy_Chargement",
        aliases: &["Tps_Moy_Chargement"],
        field: Field::Value("performance", Unit::Millis),
    },
    ColumnSpec {
        name: "Taux_RGAA_Publie",
        aliases: &["Taux_Audit_RGAA"],
        field: Field::Value("handicap", Unit::Fraction),
    },
    ColumnSpec {
        name: "Score_DLNUF",
        aliases: &["DLNUF_pour_publication_", "DLNUF (pour publication)"],
        field: Field::Value("dlnuf", Unit::Count),
    },
    ColumnSpec {
        name: "Recours_au_Numerique",
        aliases: &["Tx_Recours_Demat", "pct_Recours_au_Numerique"],
        field: Field::Value("usage", Unit::Fraction),
    },
    ColumnSpec {
        name: "FranceConnect",
        aliases: &[],
        field: Field::Value("auth", Unit::Label),
    },
];

/// The comparison key of a header: folded (case, accents, spaces), `_` read as a space.
pub(super) fn header_key(s: &str) -> String {
    fold(&s.replace(['_', '\u{feff}'], " "))
}

/// The index in [`COLUMNS`] of a canonical name (0 when unknown, which never happens for the
/// names the reader asks for).
pub(super) fn position_of(name: &str) -> usize {
    COLUMNS.iter().position(|c| c.name == name).unwrap_or(0)
}
