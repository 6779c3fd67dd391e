//! The French words and sentences that describe synthesis figures.
//!
//! One function per phrase, so the site, the API documentation and a future report say the same
//! thing the same way. Figures come from [`obs_domain::display`] (decimal comma, truncation, narrow
//! no-break space before `%`); every sentence goes through [`french_spacing`], which puts the
//! no-break spaces French typography requires before `:` `;` `?` `!` `%` and inside « ».

use obs_domain::Level;
use obs_domain::display::{NNBSP, format_count, format_delta_points, format_share, french_decimal};
use obs_domain::synthesis::{IndicatorSynthesis, Synthesis, delta};

/// No-break space (U+00A0): before `:` and inside « ».
pub const NBSP: char = '\u{a0}';

/// What shows where a figure is missing.
pub const MISSING: &str = "—";

/// Replaces the ordinary space before `:` (no-break space), `;` `?` `!` `%` (narrow no-break
/// space), after `«` and before `»` (no-break space) by the space French typography requires.
pub fn french_spacing(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next = chars.get(i + 1).copied();
            let prev = i.checked_sub(1).map(|p| chars[p]);
            match (prev, next) {
                (_, Some(':' | '»')) | (Some('«'), _) => out.push(NBSP),
                (_, Some(';' | '?' | '!' | '%')) => out.push(NNBSP),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A kind of group of démarches, with the French nouns that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// A ministry.
    Ministere,
    /// An administration.
    Administration,
    /// A domain.
    Domaine,
}

impl GroupKind {
    /// Every kind, in the order the pages list them.
    pub const ALL: [GroupKind; 3] = [GroupKind::Ministere, GroupKind::Administration, GroupKind::Domaine];

    /// "Ministère".
    pub fn singular(self) -> &'static str {
        match self {
            GroupKind::Ministere => "Ministère",
            GroupKind::Administration => "Administration",
            GroupKind::Domaine => "Domaine",
        }
    }

    /// "Ministères".
    pub fn plural(self) -> &'static str {
        match self {
            GroupKind::Ministere => "Ministères",
            GroupKind::Administration => "Administrations",
            GroupKind::Domaine => "Domaines",
        }
    }

    /// "ce ministère", "cette administration", "ce domaine".
    pub fn this(self) -> &'static str {
        match self {
            GroupKind::Ministere => "ce ministère",
            GroupKind::Administration => "cette administration",
            GroupKind::Domaine => "ce domaine",
        }
    }
}

/// "72,4 %", or "—" when nothing was evaluated.
pub fn share(i: Option<&IndicatorSynthesis>) -> String {
    i.and_then(|i| i.share).map(format_share).unwrap_or_else(|| MISSING.into())
}

/// "181 / 250" (at goal / evaluated), or "—".
pub fn ratio(i: Option<&IndicatorSynthesis>) -> String {
    match i {
        Some(i) => format!("{} / {}", format_count(i.at_goal), format_count(i.evaluated)),
        None => MISSING.into(),
    }
}

/// A count, or "—" when the indicator is absent.
pub fn count_of(i: Option<&IndicatorSynthesis>, f: fn(&IndicatorSynthesis) -> u64) -> String {
    i.map(|i| format_count(f(i))).unwrap_or_else(|| MISSING.into())
}

/// "72,4 % (181 / 250)", or "non évalué".
pub fn share_with_ratio(i: Option<&IndicatorSynthesis>) -> String {
    match i {
        Some(x) if x.share.is_some() => format!("{} ({})", share(i), ratio(i)),
        _ => "non évalué".into(),
    }
}

/// `count` as a share of `total`: "12,5 %", or "—" when the total is zero.
pub fn percent_of(count: u64, total: u64) -> String {
    if total == 0 { MISSING.into() } else { format_share(100.0 * count as f64 / total as f64) }
}

/// "12 (12,5 %)": a count and its share of the total.
pub fn count_and_percent(count: u64, total: u64) -> String {
    format!("{} ({})", format_count(count), percent_of(count, total))
}

/// The target as written: "80 %".
pub fn target(t: f64) -> String {
    format!("{}{NNBSP}%", french_decimal(t, 0))
}

/// The sentence opening an indicator's block: the share at goal, its denominator and the target.
pub fn goal_statement(i: Option<&IndicatorSynthesis>, colored: bool, goal: f64) -> String {
    let s = match i {
        Some(i) if colored => match i.share {
            Some(sh) => format!(
                "{} des démarches évaluées sont à l'objectif ({} sur {}) ; objectif du Gouvernement : {}.",
                format_share(sh),
                format_count(i.at_goal),
                format_count(i.evaluated),
                target(goal)
            ),
            None => "Aucune démarche évaluée pour cet indicateur dans cette édition.".into(),
        },
        _ => "Indicateur sans objectif chiffré : seule la répartition des démarches est publiée.".into(),
    };
    french_spacing(&s)
}

/// "Ensemble de l'observatoire : 70,1 % (1 234 / 1 760)."
pub fn comparison_statement(label: &str, theirs: Option<&IndicatorSynthesis>) -> String {
    french_spacing(&format!("{label} : {}.", share_with_ratio(theirs)))
}

/// "181 démarches à l'objectif sur 250 évaluées".
pub fn at_goal_over_evaluated(i: &IndicatorSynthesis) -> String {
    format!("{} démarches à l'objectif sur {} évaluées", format_count(i.at_goal), format_count(i.evaluated))
}

/// "+3,2 pts depuis Septembre 2024".
pub fn delta_since(points: f64, edition: &str) -> String {
    format!("{} depuis {edition}", format_delta_points(points))
}

/// The change of an indicator's share at goal between two syntheses: "+3,2 pts", or "—" when
/// either side is missing or the share is not comparable.
pub fn delta_text(current: Option<&Synthesis>, previous: Option<&Synthesis>, slug: &str) -> String {
    let (Some(c), Some(p)) = (current, previous) else { return MISSING.into() };
    delta(c, p)
        .into_iter()
        .find(|(s, _)| s == slug)
        .and_then(|(_, d)| d)
        .map(format_delta_points)
        .unwrap_or_else(|| MISSING.into())
}

/// Caption of an evolution chart: where its green band comes from, and why each edition keeps
/// its own rules.
pub fn evolution_note(band_target: f64, ruleset: &str, edition: &str) -> String {
    french_spacing(&format!(
        "Bande verte : objectif de {} des {ruleset} (édition {edition}, la plus récente). Chaque édition est calculée selon ses propres règles (colonne « Règles » du tableau).",
        target(band_target)
    ))
}

/// The "Détail" cell of an evolution row: why there is no figure, or at goal over evaluated.
/// `group_present` is false when the group has no démarche in that edition.
pub fn evolution_detail(kind: GroupKind, group_present: bool, i: Option<&IndicatorSynthesis>) -> String {
    match (group_present, i) {
        (false, _) => format!("aucune démarche de {} dans l'édition", kind.this()),
        (true, None) => "indicateur absent des règles de l'édition".into(),
        (true, Some(x)) if x.share.is_none() => "aucune démarche évaluée".into(),
        (true, Some(x)) => format!("{} à l'objectif sur {} évaluées", format_count(x.at_goal), format_count(x.evaluated)),
    }
}

/// The weights of the levels of an indicator: "« Oui » : 1 ; « Partiel » : 0,5".
pub fn weights(levels: &[Level]) -> String {
    let s = levels
        .iter()
        .filter_map(|l| {
            let w = l.weight?;
            Some(format!("« {} » : {}", l.label, french_decimal(w, if w == w.trunc() { 0 } else { 1 })))
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    french_spacing(&s)
}

/// Joins "label : value" pairs with semicolons.
fn pairs(items: &[(String, String)]) -> String {
    items.iter().map(|(l, v)| format!("{l} : {v}")).collect::<Vec<_>>().join(" ; ")
}

/// Description of the share chart comparing two scopes (its `<desc>`).
pub fn compared_share_description(goal: f64, sides: &[(String, String)]) -> String {
    let sides = sides.iter().map(|(l, v)| format!("{l} : {v}.")).collect::<Vec<_>>().join(" ");
    french_spacing(&format!("Barres horizontales de 0 à 100 %, avec une ligne à l'objectif de {}. {sides}", target(goal)))
}

/// Description of the chart with one bar per ministry.
pub fn ministries_share_description(goal: f64, bars: &[(String, String)]) -> String {
    french_spacing(&format!(
        "Une barre par ministère, de 0 à 100 %, avec une ligne à l'objectif de {}. {}.",
        target(goal),
        pairs(bars)
    ))
}

/// Description of the distribution chart of two scopes: `levels` holds (level, count in the
/// first scope, count in the second).
pub fn distribution_description(first: &str, second: &str, levels: &[(String, u64, u64)]) -> String {
    let detail = levels
        .iter()
        .map(|(l, a, b)| format!("{l} : {} et {}", format_count(*a), format_count(*b)))
        .collect::<Vec<_>>()
        .join(" ; ");
    french_spacing(&format!(
        "Barres empilées, une pour {first} puis une pour {second}. Nombre de démarches par niveau, {detail}."
    ))
}

/// Description of the evolution chart: (edition, share) per point, then the caption.
pub fn evolution_description(points: &[(String, String)], note: &str) -> String {
    french_spacing(&format!("Courbe de la part des démarches à l'objectif par édition. {}. {note}", pairs(points)))
}

/// Description of the satisfaction bands chart: (band, count) per band.
pub fn satisfaction_bands_description(demarches: u64, bands: &[(String, String)]) -> String {
    french_spacing(&format!(
        "Barre empilée des {} démarches observées par tranche de note de satisfaction : {}.",
        format_count(demarches),
        pairs(bands)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use obs_domain::synthesis::BucketCount;

    fn ind(at_goal: u64, evaluated: u64) -> IndicatorSynthesis {
        IndicatorSynthesis {
            slug: "satisfaction".into(),
            label: "Satisfaction".into(),
            key: true,
            at_goal,
            evaluated,
            share: (evaluated > 0).then(|| 100.0 * at_goal as f64 / evaluated as f64),
            levels: Vec::new(),
            buckets: Vec::<BucketCount>::new(),
        }
    }

    /// French typography: no ordinary space before `: ; ? ! %` nor inside « », no decimal point.
    fn typographic(s: &str) {
        for p in [" :", " ;", " ?", " !", " %", "« ", " »"] {
            assert!(!s.contains(p), "ordinary space in « {p} » of: {s}");
        }
        let b = s.as_bytes();
        assert!(!(1..b.len().saturating_sub(1)).any(|i| b[i] == b'.' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit()), "decimal point in: {s}");
    }

    #[test]
    fn spacing_follows_french_typography() {
        assert_eq!(french_spacing("a : b ; c ? d ! 5 % « e »"), "a\u{a0}: b\u{202f}; c\u{202f}? d\u{202f}! 5\u{202f}% «\u{a0}e\u{a0}»");
        assert_eq!(french_spacing("https://x.fr/a:b"), "https://x.fr/a:b", "a colon without a space stays");
        typographic(&french_spacing("Objectif : 80 % ; « Oui » !"));
    }

    #[test]
    fn figures_use_the_decimal_comma() {
        let i = ind(181, 250);
        assert_eq!(share(Some(&i)), "72,4\u{202f}%");
        assert_eq!(ratio(Some(&i)), "181 / 250");
        assert_eq!(share_with_ratio(Some(&i)), "72,4\u{202f}% (181 / 250)");
        assert_eq!(share_with_ratio(Some(&ind(0, 0))), "non évalué");
        assert_eq!(share(None), "—");
        assert_eq!(percent_of(1, 8), "12,5\u{202f}%");
        assert_eq!(percent_of(1, 0), "—");
        assert_eq!(count_and_percent(1234, 2468), "1\u{202f}234 (50,0\u{202f}%)");
        assert_eq!(target(80.0), "80\u{202f}%");
        assert_eq!(count_of(Some(&i), |i| i.evaluated), "250");
    }

    #[test]
    fn sentences_are_typographic() {
        let i = ind(181, 250);
        let s = goal_statement(Some(&i), true, 80.0);
        assert_eq!(s, "72,4\u{202f}% des démarches évaluées sont à l'objectif (181 sur 250)\u{202f}; objectif du Gouvernement\u{a0}: 80\u{202f}%.");
        let all = [
            s,
            goal_statement(Some(&ind(0, 0)), true, 80.0),
            goal_statement(Some(&i), false, 80.0),
            comparison_statement("Ensemble de l'observatoire", Some(&i)),
            evolution_note(75.5, "règles 2025", "Décembre 2025"),
            weights(&[]),
            compared_share_description(80.0, &[("A".into(), share_with_ratio(Some(&i))), ("B".into(), "non évalué".into())]),
            ministries_share_description(80.0, &[("A".into(), "50,0\u{202f}%".into())]),
            distribution_description("A", "B", &[("Vert".into(), 3, 1_200)]),
            evolution_description(&[("Juin 2023".into(), "61,2\u{202f}%".into())], "Note."),
            satisfaction_bands_description(1_500, &[("8 et plus".into(), "12".into())]),
        ];
        for s in &all {
            typographic(s);
        }
        assert!(all[4].contains("objectif de 75\u{202f}%"), "target truncated, never rounded");
        assert!(all[8].contains("1\u{202f}200"), "thousands grouped");
    }

    #[test]
    fn evolution_details_say_why_a_figure_is_missing() {
        assert_eq!(evolution_detail(GroupKind::Administration, false, None), "aucune démarche de cette administration dans l'édition");
        assert_eq!(evolution_detail(GroupKind::Ministere, true, None), "indicateur absent des règles de l'édition");
        assert_eq!(evolution_detail(GroupKind::Ministere, true, Some(&ind(0, 0))), "aucune démarche évaluée");
        assert_eq!(evolution_detail(GroupKind::Domaine, true, Some(&ind(3, 4))), "3 à l'objectif sur 4 évaluées");
        assert_eq!(at_goal_over_evaluated(&ind(3, 4)), "3 démarches à l'objectif sur 4 évaluées");
        assert_eq!(delta_since(3.25, "Juin 2023"), "+3,2\u{202f}pts depuis Juin 2023");
    }

    #[test]
    fn deltas_need_both_sides() {
        let cur = Synthesis { demarches: 2, indicators: vec![ind(2, 2)] };
        let prev = Synthesis { demarches: 2, indicators: vec![ind(1, 2)] };
        assert_eq!(delta_text(Some(&cur), Some(&prev), "satisfaction"), "+50,0\u{202f}pts");
        assert_eq!(delta_text(Some(&cur), None, "satisfaction"), "—");
        assert_eq!(delta_text(Some(&cur), Some(&prev), "autre"), "—");
    }
}
