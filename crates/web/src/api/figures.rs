//! The API's own French shapes of the domain's figures: indicator syntheses, headline counts and
//! the diff between two editions.
//!
//! Why separate types: the domain's serde names are English (`at_goal`, `levels`, `entered`…)
//! and are the contract of the command line's `--json` output, which must not change; the API
//! speaks French in every field name. Building these shapes here keeps both contracts, and the
//! names match the open-data download where it has the same figure (`a_l_objectif`, `evaluees`,
//! `part_objectif`, `bouton_jdma`, `demarche_id`). Enumerated *values* (colours, trends) stay the
//! stable codes of the domain, documented as such in the OpenAPI document.

use obs_domain::Color;
use obs_domain::diff::{EditionDiff, LevelChange, Membership, Move, Trend};
use obs_domain::synthesis::{BucketCount, CountShare, Headline, IndicatorSynthesis, LevelCount};
use serde::Serialize;

/// Count of démarches at one level.
#[derive(Debug, Serialize)]
pub struct LevelCountJson {
    /// Level key.
    pub cle: String,
    /// Level label.
    pub libelle: String,
    /// Level colour.
    pub couleur: Color,
    /// Statistics bucket.
    pub categorie: String,
    /// Whether the level reaches the goal.
    pub objectif: bool,
    /// Number of démarches.
    pub nombre: u64,
}

impl From<&LevelCount> for LevelCountJson {
    fn from(l: &LevelCount) -> Self {
        LevelCountJson {
            cle: l.key.clone(),
            libelle: l.label.clone(),
            couleur: l.color,
            categorie: l.bucket.clone(),
            objectif: l.goal,
            nombre: l.count,
        }
    }
}

/// Count of démarches in one statistics bucket.
#[derive(Debug, Serialize)]
pub struct BucketCountJson {
    /// Bucket label.
    pub libelle: String,
    /// Colour of the bucket's first level.
    pub couleur: Color,
    /// Number of démarches.
    pub nombre: u64,
}

impl From<&BucketCount> for BucketCountJson {
    fn from(b: &BucketCount) -> Self {
        BucketCountJson { libelle: b.label.clone(), couleur: b.color, nombre: b.count }
    }
}

/// Figures of one indicator over a group of démarches.
#[derive(Debug, Serialize)]
pub struct IndicatorSynthesisJson {
    /// Indicator slug.
    pub slug: String,
    /// Indicator label.
    pub libelle: String,
    /// Key indicator.
    pub indicateur_cle: bool,
    /// Démarches at goal.
    pub a_l_objectif: u64,
    /// The denominator.
    pub evaluees: u64,
    /// `a_l_objectif / evaluees` in %.
    pub part_objectif: Option<f64>,
    /// Every level with its count.
    pub niveaux: Vec<LevelCountJson>,
    /// Counts per statistics bucket.
    pub categories: Vec<BucketCountJson>,
}

impl From<&IndicatorSynthesis> for IndicatorSynthesisJson {
    fn from(i: &IndicatorSynthesis) -> Self {
        IndicatorSynthesisJson {
            slug: i.slug.clone(),
            libelle: i.label.clone(),
            indicateur_cle: i.key,
            a_l_objectif: i.at_goal,
            evaluees: i.evaluated,
            part_objectif: i.share,
            niveaux: i.levels.iter().map(Into::into).collect(),
            categories: i.buckets.iter().map(Into::into).collect(),
        }
    }
}

/// The API shape of a list of indicator syntheses, in rule-set order.
pub fn indicator_syntheses(list: &[IndicatorSynthesis]) -> Vec<IndicatorSynthesisJson> {
    list.iter().map(Into::into).collect()
}

/// A count and its share of the démarches observed.
#[derive(Debug, Serialize)]
pub struct CountShareJson {
    /// Number of démarches.
    pub nombre: u64,
    /// Share, in %.
    pub part: Option<f64>,
}

impl From<&CountShare> for CountShareJson {
    fn from(c: &CountShare) -> Self {
        CountShareJson { nombre: c.count, part: c.share }
    }
}

/// Headline counts of a whole edition.
#[derive(Debug, Serialize)]
pub struct HeadlineJson {
    /// Démarches observed.
    pub demarches: u64,
    /// Fully online.
    pub entierement_en_ligne: CountShareJson,
    /// Online, including partly or in beta.
    pub en_ligne: CountShareJson,
    /// Weighted dematerialisation rate, in %.
    pub taux_de_dematerialisation: Option<f64>,
    /// With FranceConnect.
    pub franceconnect: CountShareJson,
    /// With the "Je donne mon avis" button.
    pub bouton_jdma: CountShareJson,
    /// Démarches per satisfaction bucket.
    pub categories_de_satisfaction: Vec<BucketCountJson>,
}

impl From<&Headline> for HeadlineJson {
    fn from(h: &Headline) -> Self {
        HeadlineJson {
            demarches: h.demarches,
            entierement_en_ligne: (&h.fully_online).into(),
            en_ligne: (&h.online_any).into(),
            taux_de_dematerialisation: h.dematerialisation_rate,
            franceconnect: (&h.franceconnect).into(),
            bouton_jdma: (&h.feedback_button).into(),
            categories_de_satisfaction: h.satisfaction_bands.iter().map(Into::into).collect(),
        }
    }
}

/// A démarche present in one of the two editions only.
#[derive(Debug, Serialize)]
pub struct MembershipJson {
    /// Stable démarche id.
    pub demarche_id: i64,
    /// Title.
    pub titre: String,
}

impl From<&Membership> for MembershipJson {
    fn from(m: &Membership) -> Self {
        MembershipJson { demarche_id: m.demarche_id, titre: m.title.clone() }
    }
}

/// One level change of a démarche on an indicator.
#[derive(Debug, Serialize)]
pub struct LevelChangeJson {
    /// Stable démarche id.
    pub demarche_id: i64,
    /// Title in the newer edition.
    pub titre: String,
    /// Indicator slug.
    pub indicateur: String,
    /// Level label before.
    pub avant: String,
    /// Colour before.
    pub couleur_avant: Color,
    /// Level label after.
    pub apres: String,
    /// Colour after.
    pub couleur_apres: Color,
    /// Exact value before.
    pub valeur_avant: Option<f64>,
    /// Exact value after.
    pub valeur_apres: Option<f64>,
    /// Direction of the move (`up`, `down`, `other`).
    pub sens: Trend,
}

impl From<&LevelChange> for LevelChangeJson {
    fn from(c: &LevelChange) -> Self {
        LevelChangeJson {
            demarche_id: c.demarche_id,
            titre: c.title.clone(),
            indicateur: c.indicator.clone(),
            avant: c.from.clone(),
            couleur_avant: c.from_color,
            apres: c.to.clone(),
            couleur_apres: c.to_color,
            valeur_avant: c.from_value,
            valeur_apres: c.to_value,
            sens: c.trend,
        }
    }
}

/// A démarche with many changes in the same direction.
#[derive(Debug, Serialize)]
pub struct MoveJson {
    /// Stable démarche id.
    pub demarche_id: i64,
    /// Title.
    pub titre: String,
    /// Indicators that moved towards the goal.
    pub hausses: u32,
    /// Indicators that moved away from the goal.
    pub baisses: u32,
}

impl From<&Move> for MoveJson {
    fn from(m: &Move) -> Self {
        MoveJson { demarche_id: m.demarche_id, titre: m.title.clone(), hausses: m.up, baisses: m.down }
    }
}

/// The difference between an older edition `a` and a newer edition `b`.
#[derive(Debug, Serialize)]
pub struct DiffJson {
    /// Older edition.
    pub a: String,
    /// Newer edition.
    pub b: String,
    /// In `b`, not in `a`.
    pub entrees: Vec<MembershipJson>,
    /// In `a`, not in `b`.
    pub sorties: Vec<MembershipJson>,
    /// Level changes of démarches present in both.
    pub changements: Vec<LevelChangeJson>,
    /// Largest net moves, largest first.
    pub plus_forts_mouvements: Vec<MoveJson>,
}

impl DiffJson {
    /// The API shape of the diff from `a` to `b`.
    pub fn new(a: String, b: String, d: &EditionDiff) -> DiffJson {
        DiffJson {
            a,
            b,
            entrees: d.entered.iter().map(Into::into).collect(),
            sorties: d.left.iter().map(Into::into).collect(),
            changements: d.changes.iter().map(Into::into).collect(),
            plus_forts_mouvements: d.biggest_moves.iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use obs_domain::diff::{EditionDiff, LevelChange, Membership, Move, Trend};
    use obs_domain::synthesis::{BucketCount, CountShare, Headline, IndicatorSynthesis, LevelCount};
    use obs_domain::Color;
    use serde_json::{Value, json};

    use super::*;

    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k.clone());
                keys(x, out);
            }),
            Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }

    #[test]
    fn synthesis_figures_carry_every_value_under_french_names() {
        let i = IndicatorSynthesis {
            slug: "satisfaction".into(),
            label: "Satisfaction".into(),
            key: true,
            at_goal: 3,
            evaluated: 4,
            share: Some(75.0),
            levels: vec![LevelCount { key: "optimal".into(), label: "Optimal".into(), color: Color::Green, bucket: "Optimal".into(), goal: true, count: 3 }],
            buckets: vec![BucketCount { label: "Optimal".into(), color: Color::Green, count: 3 }],
        };
        let v = serde_json::to_value(IndicatorSynthesisJson::from(&i)).unwrap();
        assert_eq!(
            v,
            json!({
                "slug": "satisfaction", "libelle": "Satisfaction", "indicateur_cle": true,
                "a_l_objectif": 3, "evaluees": 4, "part_objectif": 75.0,
                "niveaux": [{"cle": "optimal", "libelle": "Optimal", "couleur": "green", "categorie": "Optimal", "objectif": true, "nombre": 3}],
                "categories": [{"libelle": "Optimal", "couleur": "green", "nombre": 3}],
            })
        );
        let cs = |count| CountShare { count, share: None };
        let h = Headline {
            demarches: 9,
            fully_online: cs(1),
            online_any: cs(2),
            dematerialisation_rate: Some(50.0),
            franceconnect: cs(3),
            feedback_button: cs(4),
            satisfaction_bands: vec![],
        };
        let v = serde_json::to_value(HeadlineJson::from(&h)).unwrap();
        assert_eq!(v["entierement_en_ligne"], json!({"nombre": 1, "part": null}));
        assert_eq!(v["en_ligne"]["nombre"], 2);
        assert_eq!(v["franceconnect"]["nombre"], 3);
        assert_eq!(v["bouton_jdma"]["nombre"], 4);
        assert_eq!(v["taux_de_dematerialisation"], 50.0);
    }

    #[test]
    fn the_diff_carries_every_value_under_french_names() {
        let m = Membership { demarche_id: 7, title: "T".into() };
        let d = EditionDiff {
            entered: vec![m.clone()],
            left: vec![m],
            changes: vec![LevelChange {
                demarche_id: 7,
                title: "T".into(),
                indicator: "uptime".into(),
                from: "Faible".into(),
                from_color: Color::Red,
                to: "Optimal".into(),
                to_color: Color::Green,
                from_value: Some(90.0),
                to_value: None,
                trend: Trend::Up,
            }],
            biggest_moves: vec![Move { demarche_id: 7, title: "T".into(), up: 2, down: 1 }],
        };
        let v = serde_json::to_value(DiffJson::new("x".into(), "y".into(), &d)).unwrap();
        assert_eq!(v["entrees"], json!([{"demarche_id": 7, "titre": "T"}]));
        assert_eq!(v["sorties"], v["entrees"]);
        assert_eq!(
            v["changements"][0],
            json!({"demarche_id": 7, "titre": "T", "indicateur": "uptime", "avant": "Faible", "couleur_avant": "red",
                   "apres": "Optimal", "couleur_apres": "green", "valeur_avant": 90.0, "valeur_apres": null, "sens": "up"})
        );
        assert_eq!(v["plus_forts_mouvements"], json!([{"demarche_id": 7, "titre": "T", "hausses": 2, "baisses": 1}]));
        let mut all = Vec::new();
        keys(&v, &mut all);
        for english in ["entered", "left", "changes", "biggest_moves", "title", "from", "to", "trend", "up", "down"] {
            assert!(!all.iter().any(|k| k == english), "English key « {english} »");
        }
    }
}
