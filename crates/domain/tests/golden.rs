//! Golden tests: the official rules of spec/indicators.md §4–6 and spec/checks.md §2.5–2.6 and
//! §4.4, pinned against the three shipped rule-set files (2025, 2023, 2019).
//!
//! Every expected value below comes from the spec, not from the implementation: thresholds on
//! both sides, minimum samples, labels and their spelling variants, missing values, the
//! 2019–2022 "Disponibilité et rapidité" score, display truncation and synthesis figures.

use std::collections::HashMap;

use obs_domain::display::{NNBSP, format_delta_points, format_number};
use obs_domain::synthesis::{delta, headline, synthesize};
use obs_domain::{Cell, ClassifyError, Color, Format, Indicator, RawValue, RuleSet, classify};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn r2025() -> RuleSet {
    RuleSet::from_toml(include_str!("../../../rules/2025.toml")).expect("rules/2025.toml must load")
}

fn r2023() -> RuleSet {
    RuleSet::from_toml(include_str!("../../../rules/2023.toml")).expect("rules/2023.toml must load")
}

fn r2019() -> RuleSet {
    RuleSet::from_toml(include_str!("../../../rules/2019.toml")).expect("rules/2019.toml must load")
}

/// The two current-style rule sets (2023 onwards), which share most rules.
fn modern() -> [RuleSet; 2] {
    [r2025(), r2023()]
}

fn ind<'a>(rs: &'a RuleSet, slug: &str) -> &'a Indicator {
    rs.indicator(slug)
        .unwrap_or_else(|| panic!("rule set {} has no indicator {slug}", rs.id))
}

fn no_inputs(_: &str) -> Option<f64> {
    None
}

/// Classifies a raw value (or its absence) and returns the cell, panicking on error.
#[track_caller]
fn cell(rs: &RuleSet, slug: &str, raw: Option<RawValue>) -> Cell {
    let i = ind(rs, slug);
    classify(i, raw.as_ref(), no_inputs).unwrap_or_else(|e| {
        panic!(
            "rule set {} / {slug} / {raw:?}: unexpected error {e}",
            rs.id
        )
    })
}

/// Asserts the level key and colour of a number (with an optional answer count).
#[track_caller]
fn assert_num(rs: &RuleSet, slug: &str, v: f64, count: Option<u64>, key: &str, color: Color) {
    let c = cell(rs, slug, Some(RawValue::Number { value: v, count }));
    let l = c.level(ind(rs, slug));
    assert_eq!(
        (l.key.as_str(), l.color),
        (key, color),
        "rule set {} / {slug} / value {v} / count {count:?}",
        rs.id
    );
    // A classified number keeps its exact, unrounded value.
    assert_eq!(
        c.value,
        Some(v),
        "rule set {} / {slug} / value {v}: exact value kept",
        rs.id
    );
    assert_eq!(c.count, count);
}

/// Asserts the level key a text maps to.
#[track_caller]
fn assert_text(rs: &RuleSet, slug: &str, text: &str, key: &str) {
    let c = cell(rs, slug, Some(RawValue::text(text)));
    let l = c.level(ind(rs, slug));
    assert_eq!(l.key, key, "rule set {} / {slug} / text {text:?}", rs.id);
    assert_eq!(c.value, None, "a label carries no number");
}

/// Asserts that a text is refused as an unknown label, naming the indicator and the text.
#[track_caller]
fn assert_unknown(rs: &RuleSet, slug: &str, text: &str) {
    let i = ind(rs, slug);
    match classify(i, Some(&RawValue::text(text)), no_inputs) {
        Err(ClassifyError::UnknownLabel {
            indicator,
            text: t,
            expected,
        }) => {
            assert_eq!(indicator, slug);
            assert_eq!(t, text);
            assert!(!expected.is_empty(), "the error lists the accepted labels");
        }
        other => panic!(
            "rule set {} / {slug} / text {text:?}: expected UnknownLabel, got {other:?}",
            rs.id
        ),
    }
}

/// Asserts that a number is refused by a label-only indicator.
#[track_caller]
fn assert_number_refused(rs: &RuleSet, slug: &str, v: f64) {
    let i = ind(rs, slug);
    match classify(i, Some(&RawValue::number(v)), no_inputs) {
        Err(ClassifyError::NumberNotAccepted {
            indicator,
            value,
            expected,
        }) => {
            assert_eq!(indicator, slug);
            assert_eq!(value, v);
            assert!(!expected.is_empty());
        }
        other => panic!(
            "rule set {} / {slug} / number {v}: expected NumberNotAccepted, got {other:?}",
            rs.id
        ),
    }
}

/// The 2019 "speed" cell computed from its two inputs.
#[track_caller]
fn speed(rs: &RuleSet, uptime: Option<f64>, perf: Option<f64>) -> Cell {
    let i = ind(rs, "speed");
    classify(i, None, |k| match k {
        "uptime" => uptime,
        "performance" => perf,
        other => panic!("unexpected input {other}"),
    })
    .expect("a derived score always classifies")
}

/// One classified row: one cell per indicator of the rule set, missing where not given.
/// Numbers given under slugs the rule set lacks (2019: `uptime`, `performance`) feed derived
/// indicators.
fn row(rs: &RuleSet, values: &[(&str, RawValue)]) -> Vec<Cell> {
    let nums: HashMap<&str, f64> = values
        .iter()
        .filter_map(|(s, v)| v.as_number().map(|n| (*s, n)))
        .collect();
    rs.indicators
        .iter()
        .map(|i| {
            let raw = values.iter().find(|(s, _)| *s == i.slug).map(|(_, v)| v);
            classify(i, raw, |k| nums.get(k).copied())
                .unwrap_or_else(|e| panic!("row for rule set {}: {e}", rs.id))
        })
        .collect()
}

fn t(s: &str) -> RawValue {
    RawValue::text(s)
}

fn n(v: f64) -> RawValue {
    RawValue::number(v)
}

fn nc(v: f64, count: u64) -> RawValue {
    RawValue::counted(v, count)
}

#[track_caller]
fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

const PCT: &str = "\u{202f}%";

// ---------------------------------------------------------------------------------------------
// Rule-set files
// ---------------------------------------------------------------------------------------------

#[test]
fn rule_sets_load_with_the_official_indicator_lists() {
    let current = [
        "online",
        "satisfaction",
        "handicap",
        "dlnuf",
        "usage",
        "simplicity",
        "help_reachable",
        "help_efficient",
        "help_used",
        "uptime",
        "performance",
        "auth",
    ];
    for rs in modern() {
        let slugs: Vec<&str> = rs.indicators.iter().map(|i| i.slug.as_str()).collect();
        assert_eq!(
            slugs, current,
            "rule set {}: indicator catalogue of §3",
            rs.id
        );
        // The five key indicators (§3).
        let keys: Vec<&str> = rs.key_indicators().map(|i| i.slug.as_str()).collect();
        assert_eq!(
            keys,
            ["online", "satisfaction", "handicap", "dlnuf", "usage"]
        );
        assert!(
            rs.indicator("speed").is_none(),
            "no combined score after 2022"
        );
        assert!(rs.indicator("mobile").is_none());
    }
    let old = r2019();
    let slugs: Vec<&str> = old.indicators.iter().map(|i| i.slug.as_str()).collect();
    for s in [
        "online",
        "satisfaction",
        "handicap",
        "dlnuf",
        "help_reachable",
        "mobile",
        "auth",
        "speed",
        "usage",
    ] {
        assert!(slugs.contains(&s), "2019 rule set lacks {s}");
    }
    // 2019–2022 published one combined score, never separate uptime / response-time levels.
    assert!(old.indicator("uptime").is_none());
    assert!(old.indicator("performance").is_none());
    for rs in [r2025(), r2023(), r2019()] {
        assert_eq!(
            rs.target, 80.0,
            "government target: 80 % of démarches at goal"
        );
        let ex = rs
            .exclude_from_shares
            .as_ref()
            .expect("shares exclude démarches not online");
        assert_eq!(ex.indicator, "online");
        assert_eq!(ex.levels, ["non"]);
    }
    assert_eq!(r2025().id, "2025");
    assert_eq!(r2023().id, "2023");
    assert_eq!(r2019().id, "2019");
}

#[test]
fn colours_and_goal_flags_are_consistent() {
    for rs in [r2025(), r2023(), r2019()] {
        for i in &rs.indicators {
            for l in &i.levels {
                let ctx = format!("rule set {} / {} / {}", rs.id, i.slug, l.key);
                match l.color {
                    Color::Green => assert!(l.goal, "{ctx}: green is goal reached"),
                    Color::Yellow | Color::Red | Color::Gray => assert!(!l.goal, "{ctx}: not goal"),
                    Color::Blue => {}
                }
            }
            // The missing level is always grey (never counted in a share).
            let missing = i.level(&i.missing).expect("missing level exists");
            assert_eq!(
                missing.color,
                Color::Gray,
                "rule set {} / {}",
                rs.id,
                i.slug
            );
        }
    }
    // FranceConnect (and FranceConnect +) are blue and at goal (§4).
    for rs in modern() {
        let auth = ind(&rs, "auth");
        for k in ["fc", "fc_plus"] {
            let l = auth.level(k).unwrap();
            assert_eq!(
                (l.color, l.goal, l.bucket()),
                (Color::Blue, true, "FranceConnect")
            );
        }
        assert_eq!(auth.level("fc").unwrap().label, "FranceConnect");
        assert_eq!(auth.level("fc_plus").unwrap().label, "FranceConnect +");
        assert_eq!(auth.level("non").unwrap().color, Color::Red);
        assert_eq!(auth.level("na").unwrap().color, Color::Gray);
        // "Démarche proactive" is blue (§4).
        assert_eq!(
            ind(&rs, "online").level("proactive").unwrap().color,
            Color::Blue
        );
    }
    let fc = ind(&r2019(), "auth").level("oui").unwrap().clone();
    assert_eq!(
        (fc.color, fc.goal, fc.bucket()),
        (Color::Blue, true, "FranceConnect")
    );
}

#[test]
fn every_threshold_is_exact_at_display_precision() {
    // Truncation never lies only if each threshold is itself a displayable figure.
    for rs in [r2025(), r2023(), r2019()] {
        for i in &rs.indicators {
            for l in &i.levels {
                for th in [l.min, l.max].into_iter().flatten() {
                    let shown = format_number(th, i.format);
                    let body: String = shown
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '-' || *c == NNBSP)
                        .filter(|c| *c != NNBSP)
                        .map(|c| if c == ',' { '.' } else { c })
                        .collect();
                    let back: f64 = body.parse().unwrap();
                    assert_eq!(
                        back, th,
                        "rule set {} / {} / {}: threshold {th} shows as {shown}",
                        rs.id, i.slug, l.key
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scores out of 10 (satisfaction, simplicity, help_efficient)
// ---------------------------------------------------------------------------------------------

#[test]
fn score_thresholds_2025_and_2023() {
    for rs in modern() {
        for slug in ["satisfaction", "simplicity", "help_efficient"] {
            for count in [Some(100), Some(5000), None] {
                assert_num(&rs, slug, 10.0, count, "vert", Color::Green);
                assert_num(&rs, slug, 8.0, count, "vert", Color::Green);
                assert_num(&rs, slug, 7.999, count, "orange", Color::Yellow);
                assert_num(&rs, slug, 7.96, count, "orange", Color::Yellow);
                assert_num(&rs, slug, 8f64.next_down(), count, "orange", Color::Yellow);
                assert_num(&rs, slug, 5.0, count, "orange", Color::Yellow);
                assert_num(&rs, slug, 4.999, count, "rouge", Color::Red);
                assert_num(&rs, slug, 5f64.next_down(), count, "rouge", Color::Red);
                assert_num(&rs, slug, 0.0, count, "rouge", Color::Red);
            }
            let i = ind(&rs, slug);
            assert!(i.level("vert").unwrap().goal);
            assert!(!i.level("orange").unwrap().goal);
        }
    }
}

#[test]
fn satisfaction_thresholds_2019() {
    // 2019–2022: ≥ 8 green, ≥ 6 orange, < 6 red (published above 100 answers).
    let rs = r2019();
    for count in [Some(101), Some(10_000), None] {
        assert_num(&rs, "satisfaction", 10.0, count, "vert", Color::Green);
        assert_num(&rs, "satisfaction", 8.0, count, "vert", Color::Green);
        assert_num(&rs, "satisfaction", 7.999, count, "orange", Color::Yellow);
        assert_num(&rs, "satisfaction", 6.0, count, "orange", Color::Yellow);
        assert_num(&rs, "satisfaction", 5.999, count, "rouge", Color::Red);
        assert_num(&rs, "satisfaction", 5.0, count, "rouge", Color::Red);
        assert_num(&rs, "satisfaction", 0.0, count, "rouge", Color::Red);
    }
}

#[test]
fn minimum_sample_2025_and_2023() {
    for rs in modern() {
        for (slug, good) in [
            ("satisfaction", 9.0),
            ("simplicity", 9.0),
            ("help_efficient", 9.0),
            ("help_reachable", 95.0),
        ] {
            let i = ind(&rs, slug);
            assert_eq!(i.min_count, Some(100), "rule set {} / {slug}", rs.id);
            for (v, count) in [(good, 99), (good, 1), (0.0, 0), (good, 0), (0.0, 99)] {
                let c = cell(&rs, slug, Some(nc(v, count)));
                let l = c.level(i);
                assert_eq!(
                    l.key, "insuffisant",
                    "rule set {} / {slug} / {v} with {count} answers",
                    rs.id
                );
                assert_eq!(l.label, "Nombre d'avis insuffisant");
                assert_eq!(l.color, Color::Gray, "too few answers is grey, never red");
                assert!(!l.goal);
                assert_eq!(c.value, None, "an unpublishable score is not shown");
                assert_eq!(c.count, Some(count), "the answer count is kept");
                assert_eq!(c.badge(i), "Nombre d'avis insuffisant");
            }
            // 100 answers is enough.
            assert_num(&rs, slug, good, Some(100), "vert", Color::Green);
            assert_num(&rs, slug, 0.0, Some(100), "rouge", Color::Red);
        }
    }
}

#[test]
fn minimum_sample_2019() {
    // "only when more than 100 answers": 100 → "En cours", 101 → classified.
    let rs = r2019();
    let i = ind(&rs, "satisfaction");
    for (v, count) in [(9.0, 100), (9.0, 0), (0.0, 0), (3.0, 50)] {
        let c = cell(&rs, "satisfaction", Some(nc(v, count)));
        let l = c.level(i);
        assert_eq!(
            (l.key.as_str(), l.label.as_str(), l.color),
            ("en_cours", "En cours", Color::Gray)
        );
        assert_eq!(c.value, None);
    }
    assert_num(&rs, "satisfaction", 9.0, Some(101), "vert", Color::Green);
    assert_num(&rs, "satisfaction", 7.0, Some(101), "orange", Color::Yellow);
    assert_num(&rs, "satisfaction", 0.0, Some(101), "rouge", Color::Red);
}

// ---------------------------------------------------------------------------------------------
// Other numeric indicators
// ---------------------------------------------------------------------------------------------

#[test]
fn help_reachable_thresholds() {
    for rs in modern() {
        for count in [Some(100), None] {
            assert_num(&rs, "help_reachable", 100.0, count, "vert", Color::Green);
            assert_num(&rs, "help_reachable", 85.0, count, "vert", Color::Green);
            assert_num(&rs, "help_reachable", 84.99, count, "orange", Color::Yellow);
            assert_num(&rs, "help_reachable", 70.0, count, "orange", Color::Yellow);
            assert_num(&rs, "help_reachable", 69.99, count, "rouge", Color::Red);
            assert_num(&rs, "help_reachable", 0.0, count, "rouge", Color::Red);
        }
    }
}

#[test]
fn handicap_rgaa_rate_2025_and_2023() {
    // checks.md §4.4: Oui at 100 %, Partiel from 50 %, Non below or without a valid declaration.
    for rs in modern() {
        let i = ind(&rs, "handicap");
        assert_num(&rs, "handicap", 100.0, None, "oui", Color::Green);
        assert_num(&rs, "handicap", 99.999, None, "partiel", Color::Yellow);
        assert_num(&rs, "handicap", 99.9, None, "partiel", Color::Yellow);
        assert_num(&rs, "handicap", 99.5, None, "partiel", Color::Yellow);
        assert_num(&rs, "handicap", 50.0, None, "partiel", Color::Yellow);
        assert_num(&rs, "handicap", 49.99, None, "non", Color::Red);
        assert_num(&rs, "handicap", 0.0, None, "non", Color::Red);
        assert_eq!(i.level("oui").unwrap().label, "Oui");
        assert_eq!(i.level("partiel").unwrap().label, "Partiel");
        assert_eq!(i.level("non").unwrap().label, "Non");
        assert!(i.level("oui").unwrap().goal);
        // The badge is the label, whatever the rate: 99.9 % is "Partiel", never "Oui".
        assert_eq!(cell(&rs, "handicap", Some(n(99.9))).badge(i), "Partiel");
        assert_eq!(cell(&rs, "handicap", Some(n(100.0))).badge(i), "Oui");
        // No (receivable) declaration is "Non".
        for s in [
            "Non",
            "non",
            "Pas de déclaration",
            "pas de declaration",
            "Aucune déclaration",
        ] {
            assert_text(&rs, "handicap", s, "non");
        }
        for s in ["À venir", "a venir"] {
            assert_text(&rs, "handicap", s, "a_venir");
        }
        assert_unknown(&rs, "handicap", "Peut-être");
    }
}

#[test]
fn handicap_2019_is_label_only() {
    // 2019–2022: Oui / Partiel / Non decided upstream (declaration age and 75 % rate).
    let rs = r2019();
    for (s, k) in [
        ("Oui", "oui"),
        ("OUI", "oui"),
        ("Partiel", "partiel"),
        ("partiel", "partiel"),
        ("Non", "non"),
        ("Non applicable", "na"),
        ("n/a", "na"),
        ("NA", "na"),
        ("Non renseigné", "non_renseigne"),
        ("non renseigne", "non_renseigne"),
        ("nr", "non_renseigne"),
    ] {
        assert_text(&rs, "handicap", s, k);
    }
    assert_number_refused(&rs, "handicap", 80.0);
    assert_number_refused(&rs, "handicap", 100.0);
    assert_unknown(&rs, "handicap", "Peut-être");
}

#[test]
fn dlnuf_bands_every_rule_set() {
    // 0–1 Optimal, 2–4 Partiel, ≥ 5 Faible (lower is better), in every rule set.
    for rs in [r2025(), r2023(), r2019()] {
        assert_num(&rs, "dlnuf", 0.0, None, "optimal", Color::Green);
        assert_num(&rs, "dlnuf", 1.0, None, "optimal", Color::Green);
        assert_num(&rs, "dlnuf", 2.0, None, "partiel", Color::Yellow);
        assert_num(&rs, "dlnuf", 3.0, None, "partiel", Color::Yellow);
        assert_num(&rs, "dlnuf", 4.0, None, "partiel", Color::Yellow);
        assert_num(&rs, "dlnuf", 5.0, None, "faible", Color::Red);
        assert_num(&rs, "dlnuf", 12.0, None, "faible", Color::Red);
        let i = ind(&rs, "dlnuf");
        assert_eq!(i.level("optimal").unwrap().label, "Optimal");
        assert_eq!(i.level("partiel").unwrap().label, "Partiel");
        assert_eq!(i.level("faible").unwrap().label, "Faible");
        assert_eq!(i.direction, obs_domain::Direction::Lower);
        assert_eq!(cell(&rs, "dlnuf", Some(n(3.0))).badge(i), "Partiel");
        for s in ["Non applicable", "non applicable", "NON  APPLICABLE"] {
            assert_text(&rs, "dlnuf", s, "na");
        }
    }
    for rs in modern() {
        assert_text(&rs, "dlnuf", "À venir", "a_venir");
    }
    assert_text(&r2019(), "dlnuf", "n/a", "na");
    assert_text(&r2019(), "dlnuf", "Non renseigné", "non_renseigne");
}

#[test]
fn uptime_thresholds_2025() {
    // checks.md §2.6, current: ≥ 99.9 Optimal, ≥ 98.5 Partiel, < 98.5 Faible.
    let rs = r2025();
    assert_num(&rs, "uptime", 100.0, None, "optimal", Color::Green);
    assert_num(&rs, "uptime", 99.9, None, "optimal", Color::Green);
    assert_num(
        &rs,
        "uptime",
        99.9f64.next_down(),
        None,
        "partiel",
        Color::Yellow,
    );
    assert_num(&rs, "uptime", 99.89, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 99.86, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 99.0, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 98.99, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 98.5, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 98.49, None, "faible", Color::Red);
    assert_num(&rs, "uptime", 0.0, None, "faible", Color::Red);
    let i = ind(&rs, "uptime");
    assert_eq!(
        ["optimal", "partiel", "faible"].map(|k| i.level(k).unwrap().label.clone()),
        ["Optimal", "Partiel", "Faible"]
    );
    assert_text(&rs, "uptime", "À venir", "a_venir");
}

#[test]
fn uptime_thresholds_2023() {
    // 2023–early 2025 (spec/indicators.md §5, checks.md §2.6, the site's code of that period):
    // ≥ 99 Optimal, ≥ 98.5 Partiel, < 98.5 Faible.
    let rs = r2023();
    assert_num(&rs, "uptime", 100.0, None, "optimal", Color::Green);
    assert_num(&rs, "uptime", 99.9, None, "optimal", Color::Green);
    assert_num(&rs, "uptime", 99.89, None, "optimal", Color::Green);
    assert_num(&rs, "uptime", 99.01, None, "optimal", Color::Green);
    assert_num(&rs, "uptime", 99.0, None, "optimal", Color::Green);
    assert_num(
        &rs,
        "uptime",
        99.0f64.next_down(),
        None,
        "partiel",
        Color::Yellow,
    );
    assert_num(&rs, "uptime", 98.99, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 98.7, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 98.51, None, "partiel", Color::Yellow);
    assert_num(&rs, "uptime", 98.5, None, "partiel", Color::Yellow);
    assert_num(
        &rs,
        "uptime",
        98.5f64.next_down(),
        None,
        "faible",
        Color::Red,
    );
    assert_num(&rs, "uptime", 98.49, None, "faible", Color::Red);
    assert_num(&rs, "uptime", 0.0, None, "faible", Color::Red);
    let i = ind(&rs, "uptime");
    assert_eq!(
        ["optimal", "partiel", "faible"].map(|k| i.level(k).unwrap().label.clone()),
        ["Optimal", "Partiel", "Faible"]
    );
    assert_text(&rs, "uptime", "À venir", "a_venir");
}

#[test]
fn same_uptime_differs_between_2025_and_2023() {
    // From 99 % up to 99.9 % (excluded) the 2023 rules already said "Optimal", the 2025 ones
    // "Partiel"; the "Partiel" and "Faible" bands below 99 % are the same in both.
    for v in [99.0, 99.5, 99.86, 99.9f64.next_down()] {
        assert_num(&r2025(), "uptime", v, None, "partiel", Color::Yellow);
        assert_num(&r2023(), "uptime", v, None, "optimal", Color::Green);
    }
    for v in [98.5, 98.7, 98.99] {
        assert_num(&r2025(), "uptime", v, None, "partiel", Color::Yellow);
        assert_num(&r2023(), "uptime", v, None, "partiel", Color::Yellow);
    }
    for v in [0.0, 98.49] {
        assert_num(&r2025(), "uptime", v, None, "faible", Color::Red);
        assert_num(&r2023(), "uptime", v, None, "faible", Color::Red);
    }
}

#[test]
fn performance_thresholds() {
    // < 400 ms Optimal, < 800 Partiel, ≥ 800 Faible (lower is better), 2025 and 2023.
    for rs in modern() {
        assert_num(&rs, "performance", 0.0, None, "optimal", Color::Green);
        assert_num(&rs, "performance", 150.0, None, "optimal", Color::Green);
        assert_num(&rs, "performance", 399.99, None, "optimal", Color::Green);
        assert_num(&rs, "performance", 399.6, None, "optimal", Color::Green);
        assert_num(&rs, "performance", 400.0, None, "partiel", Color::Yellow);
        assert_num(&rs, "performance", 799.0, None, "partiel", Color::Yellow);
        assert_num(&rs, "performance", 799.999, None, "partiel", Color::Yellow);
        assert_num(&rs, "performance", 800.0, None, "faible", Color::Red);
        assert_num(&rs, "performance", 30_000.0, None, "faible", Color::Red);
        let i = ind(&rs, "performance");
        assert_eq!(i.direction, obs_domain::Direction::Lower);
        assert_eq!(cell(&rs, "performance", Some(n(400.0))).badge(i), "Partiel");
        assert_text(&rs, "performance", "À venir", "a_venir");
    }
}

#[test]
fn usage_and_help_used_have_no_colour() {
    for rs in modern() {
        for slug in ["usage", "help_used"] {
            let i = ind(&rs, slug);
            assert!(!i.has_colors(), "{slug} has no colour levels");
            for v in [0.0, 42.9, 79.99, 80.0, 100.0] {
                let c = cell(&rs, slug, Some(n(v)));
                assert_eq!(c.level(i).color, Color::Gray);
                assert!(!c.level(i).goal);
                assert_eq!(c.value, Some(v));
            }
            assert_eq!(
                cell(&rs, slug, Some(n(42.9))).display_value(i).unwrap(),
                format!("42{PCT}")
            );
            assert_text(&rs, slug, "À venir", "a_venir");
        }
    }
    let rs = r2019();
    let i = ind(&rs, "usage");
    assert!(!i.has_colors());
    assert_eq!(
        cell(&rs, "usage", Some(n(42.9))).display_value(i).unwrap(),
        format!("42{PCT}")
    );
    assert_text(&rs, "usage", "n/a", "na");
    assert_text(&rs, "usage", "n/c", "non_renseigne");
    assert_text(&rs, "usage", "Non renseigné", "non_renseigne");
}

#[test]
fn non_finite_numbers_are_refused() {
    for rs in [r2025(), r2023(), r2019()] {
        for i in rs
            .indicators
            .iter()
            .filter(|i| i.levels.iter().any(|l| l.is_numeric()))
        {
            for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let r = classify(i, Some(&RawValue::counted(v, 500)), no_inputs);
                assert!(
                    matches!(&r, Err(ClassifyError::NotFinite { indicator }) if *indicator == i.slug),
                    "rule set {} / {} / {v}: {r:?}",
                    rs.id,
                    i.slug
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Text indicators and labels
// ---------------------------------------------------------------------------------------------

#[test]
fn online_labels_2025() {
    let rs = r2025();
    for (s, k) in [
        ("Oui", "oui"),
        ("oui", "oui"),
        (" OUI ", "oui"),
        ("En cours de déploiement local", "local"),
        ("en cours de deploiement local", "local"),
        ("EN COURS DE DÉPLOIEMENT  LOCAL", "local"),
        ("Partiel", "partiel"),
        ("PARTIEL", "partiel"),
        ("Non", "non"),
        ("non", "non"),
        ("Démarche proactive", "proactive"),
        ("demarche proactive", "proactive"),
        ("À venir", "a_venir"),
        ("A venir", "a_venir"),
        ("a venir", "a_venir"),
        ("à\u{a0}venir", "a_venir"),
    ] {
        assert_text(&rs, "online", s, k);
    }
    let i = ind(&rs, "online");
    let colours: Vec<(&str, Color, bool)> = i
        .levels
        .iter()
        .map(|l| (l.key.as_str(), l.color, l.goal))
        .collect();
    assert!(colours.contains(&("oui", Color::Green, true)));
    assert!(colours.contains(&("local", Color::Green, true)));
    assert!(colours.contains(&("partiel", Color::Yellow, false)));
    assert!(colours.contains(&("non", Color::Red, false)));
    assert!(colours.contains(&("a_venir", Color::Gray, false)));
    // "Bêta" and "Déploiement local" belong to the 2023 rules only.
    for s in [
        "Peut-être",
        "Bêta",
        "Déploiement local",
        "Entièrement en ligne",
        "Non renseigné",
    ] {
        assert_unknown(&rs, "online", s);
    }
}

#[test]
fn online_labels_2023() {
    let rs = r2023();
    for (s, k) in [
        ("Oui", "oui"),
        ("En cours de déploiement local", "local"),
        ("Déploiement local", "deploiement_local"),
        ("deploiement local", "deploiement_local"),
        ("Partiel", "partiel"),
        ("Bêta", "beta"),
        ("beta", "beta"),
        ("BÊTA", "beta"),
        ("Non", "non"),
        ("Démarche proactive", "proactive"),
        ("À venir", "a_venir"),
        ("a venir", "a_venir"),
    ] {
        assert_text(&rs, "online", s, k);
    }
    let i = ind(&rs, "online");
    let beta = i.level("beta").unwrap();
    assert_eq!((beta.color, beta.goal), (Color::Yellow, false));
    let local = i.level("deploiement_local").unwrap();
    assert_eq!((local.color, local.goal), (Color::Green, true));
    for s in ["Peut-être", "Non renseigné", "Entièrement en ligne"] {
        assert_unknown(&rs, "online", s);
    }
}

#[test]
fn online_labels_2019() {
    let rs = r2019();
    for (s, k) in [
        ("Oui", "oui"),
        ("Entièrement en ligne", "oui"),
        ("entierement en ligne", "oui"),
        ("En cours de déploiement local", "local"),
        ("Partiel", "partiel"),
        ("Déploiement partiel", "partiel"),
        ("Bêta", "beta"),
        ("beta", "beta"),
        ("Expérimentation", "beta"),
        ("experimentation", "beta"),
        ("Non", "non"),
        ("Non renseigné", "non_renseigne"),
        ("non renseigne", "non_renseigne"),
    ] {
        assert_text(&rs, "online", s, k);
    }
    let i = ind(&rs, "online");
    for (k, c, g) in [
        ("oui", Color::Green, true),
        ("local", Color::Green, true),
        ("partiel", Color::Yellow, false),
        ("beta", Color::Yellow, false),
        ("non", Color::Red, false),
        ("non_renseigne", Color::Gray, false),
    ] {
        let l = i.level(k).unwrap();
        assert_eq!((l.color, l.goal), (c, g), "2019 online / {k}");
    }
    for s in ["Peut-être", "Démarche proactive"] {
        assert_unknown(&rs, "online", s);
    }
}

#[test]
fn auth_labels() {
    for rs in modern() {
        for (s, k) in [
            ("FranceConnect", "fc"),
            ("franceconnect", "fc"),
            ("FRANCECONNECT", "fc"),
            ("FranceConnect +", "fc_plus"),
            ("FranceConnect+", "fc_plus"),
            ("franceconnect +", "fc_plus"),
            ("FranceConnect  +", "fc_plus"),
            ("FranceConnect Plus", "fc_plus"),
            ("Non", "non"),
            ("Non applicable", "na"),
            ("non applicable", "na"),
            ("À venir", "a_venir"),
        ] {
            assert_text(&rs, "auth", s, k);
        }
        assert_unknown(&rs, "auth", "Peut-être");
        assert_unknown(&rs, "auth", "Partiel");
    }
    let rs = r2019();
    for (s, k) in [
        ("Oui", "oui"),
        ("FranceConnect", "oui"),
        ("Non", "non"),
        ("n/a", "na"),
        ("Non applicable", "na"),
        ("Non renseigné", "non_renseigne"),
    ] {
        assert_text(&rs, "auth", s, k);
    }
}

#[test]
fn help_reachable_and_mobile_labels_2019() {
    let rs = r2019();
    for slug in ["help_reachable", "mobile"] {
        for (s, k) in [
            ("Oui", "oui"),
            ("Partiel", "partiel"),
            ("Non", "non"),
            ("Non renseigné", "non_renseigne"),
            ("nr", "non_renseigne"),
        ] {
            assert_text(&rs, slug, s, k);
        }
        let i = ind(&rs, slug);
        assert_eq!(i.level("oui").unwrap().color, Color::Green);
        assert_eq!(i.level("partiel").unwrap().color, Color::Yellow);
        assert_eq!(i.level("non").unwrap().color, Color::Red);
        assert_number_refused(&rs, slug, 2.0);
        assert_unknown(&rs, slug, "Peut-être");
    }
    assert_text(&rs, "mobile", "Non applicable", "na");
    assert_text(&rs, "mobile", "n/a", "na");
}

#[test]
fn feedback_labels() {
    for rs in modern() {
        for slug in [
            "satisfaction",
            "simplicity",
            "help_efficient",
            "help_reachable",
        ] {
            for s in [
                "Nombre d'avis insuffisant",
                "Nombre d\u{2019}avis insuffisant",
                "NOMBRE D'AVIS INSUFFISANT",
                "nombre d'avis  insuffisant",
            ] {
                assert_text(&rs, slug, s, "insuffisant");
            }
            for s in ["À venir", "a venir", "A VENIR"] {
                assert_text(&rs, slug, s, "a_venir");
            }
            // "En cours" is the 2019 wording only; free text is refused.
            for s in ["En cours", "Excellent", "8,2"] {
                assert_unknown(&rs, slug, s);
            }
        }
    }
    let rs = r2019();
    for (s, k) in [
        ("En cours", "en_cours"),
        ("en cours", "en_cours"),
        ("À venir", "a_venir"),
        ("a venir", "a_venir"),
        ("n/a", "na"),
        ("N/A", "na"),
        ("Non applicable", "na"),
        ("Exemptée", "na"),
        ("exemptee", "na"),
    ] {
        assert_text(&rs, "satisfaction", s, k);
    }
    assert_unknown(&rs, "satisfaction", "Nombre d'avis insuffisant");
}

#[test]
fn every_label_and_alias_maps_to_its_own_level() {
    // Generic sweep over the files: each label and alias, as written and in folded variants,
    // maps to the level that declares it, in every indicator of every rule set.
    for rs in [r2025(), r2023(), r2019()] {
        for i in &rs.indicators {
            for (idx, l) in i.levels.iter().enumerate() {
                for name in std::iter::once(&l.label).chain(&l.aliases) {
                    for variant in [
                        name.clone(),
                        name.to_uppercase(),
                        name.to_lowercase(),
                        format!("  {name}  "),
                    ] {
                        let c = classify(i, Some(&RawValue::text(variant.clone())), no_inputs)
                            .unwrap_or_else(|e| {
                                panic!("rule set {} / {} / {variant:?}: {e}", rs.id, i.slug)
                            });
                        assert_eq!(
                            c.level, idx,
                            "rule set {} / {} / {variant:?}",
                            rs.id, i.slug
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn numbers_are_refused_by_label_only_indicators() {
    for rs in modern() {
        assert_number_refused(&rs, "online", 1.0);
        assert_number_refused(&rs, "online", 100.0);
        assert_number_refused(&rs, "auth", 1.0);
    }
    let rs = r2019();
    for slug in ["online", "handicap", "help_reachable", "mobile", "auth"] {
        assert_number_refused(&rs, slug, 1.0);
    }
    // A counted number is refused too (no minimum sample applies to labels).
    let i = ind(&rs, "online");
    assert!(matches!(
        classify(i, Some(&RawValue::counted(1.0, 500)), no_inputs),
        Err(ClassifyError::NumberNotAccepted { .. })
    ));
}

#[test]
fn unknown_label_error_is_reported_in_french() {
    let rs = r2025();
    let i = ind(&rs, "online");
    let err = classify(i, Some(&RawValue::text("Peut-être")), no_inputs).unwrap_err();
    let ClassifyError::UnknownLabel { expected, .. } = &err else {
        panic!("{err:?}")
    };
    for l in [
        "« Oui »",
        "« En cours de déploiement local »",
        "« Partiel »",
        "« Non »",
        "« À venir »",
    ] {
        assert!(
            expected.contains(l),
            "expected labels {expected:?} lack {l}"
        );
    }
    let msg = err.to_string();
    assert!(msg.contains("online") && msg.contains("Peut-être"), "{msg}");
}

#[test]
fn missing_values_take_the_missing_level() {
    let expect_2019: HashMap<&str, (&str, &str)> = HashMap::from([
        ("online", ("non_renseigne", "Non renseigné")),
        ("satisfaction", ("a_venir", "À venir")),
        ("handicap", ("non_renseigne", "Non renseigné")),
        ("dlnuf", ("non_renseigne", "Non renseigné")),
        ("help_reachable", ("non_renseigne", "Non renseigné")),
        ("mobile", ("non_renseigne", "Non renseigné")),
        ("auth", ("non_renseigne", "Non renseigné")),
        ("speed", ("a_venir", "À venir")),
        ("usage", ("non_renseigne", "Non renseigné")),
    ]);
    for rs in [r2025(), r2023(), r2019()] {
        for i in &rs.indicators {
            let (key, label) = if rs.id == "2019" {
                *expect_2019
                    .get(i.slug.as_str())
                    .unwrap_or_else(|| panic!("2019 / {}", i.slug))
            } else {
                ("a_venir", "À venir")
            };
            let c = classify(i, None, no_inputs).unwrap();
            let l = c.level(i);
            assert_eq!(
                (l.key.as_str(), l.label.as_str()),
                (key, label),
                "rule set {} / {}",
                rs.id,
                i.slug
            );
            assert_eq!(l.color, Color::Gray);
            assert_eq!((c.value, c.count), (None, None));
            assert_eq!(c.badge(i), label);
            assert_eq!(c.display_value(i), None);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2019–2022 "Disponibilité et rapidité"
// ---------------------------------------------------------------------------------------------

#[test]
// Sums like `2 + 0` are written out to show availability and response points apart.
#[allow(clippy::identity_op)]
fn speed_worked_examples() {
    let rs = r2019();
    let i = ind(&rs, "speed");
    // (uptime %, response ms, availability points + response points, level)
    for (up, ms, score, key) in [
        (99.95, 150.0, 6 + 4, "vert"),
        (100.0, 0.0, 6 + 4, "vert"),
        (99.9, 400.0, 4 + 2, "orange"),
        (99.5, 199.0, 3 + 4, "orange"),
        (99.0, 999.0, 2 + 0, "rouge"),
        (95.0, 1000.0, -6 - 4, "rouge"),
        (98.01, 600.0, 2 + 1, "rouge"),
        (99.91, 399.99, 6 + 3, "vert"),
        (99.95, 450.0, 6 + 2, "vert"),
        (99.6, 300.0, 4 + 3, "orange"),
        (99.6, 700.0, 4 + 1, "orange"),
        (99.2, 650.0, 3 + 1, "rouge"),
        (50.0, 50.0, -6 + 4, "rouge"),
    ] {
        let c = speed(&rs, Some(up), Some(ms));
        assert_eq!(c.value, Some(f64::from(score)), "uptime {up} / {ms} ms");
        assert_eq!(c.level(i).key, key, "uptime {up} / {ms} ms → {score}");
    }
}

#[test]
fn speed_availability_points_boundaries() {
    // Strictly greater: > 99.9 → 6, > 99.5 → 4, > 99 → 3, > 98 → 2, > 95 → 0, otherwise −6.
    // The response time is fixed at 150 ms (4 points).
    let rs = r2019();
    for (up, pts) in [
        (100.0, 6),
        (99.91, 6),
        (99.9f64.next_up(), 6),
        (99.9, 4),
        (99.51, 4),
        (99.5, 3),
        (99.01, 3),
        (99.0, 2),
        (98.01, 2),
        (98.0, 0),
        (95.01, 0),
        (95.0, -6),
        (0.0, -6),
    ] {
        assert_eq!(
            speed(&rs, Some(up), Some(150.0)).value,
            Some(f64::from(pts + 4)),
            "uptime {up}"
        );
    }
}

#[test]
fn speed_response_points_boundaries() {
    // Strictly lower: < 200 → 4, < 400 → 3, < 600 → 2, < 800 → 1, < 1000 → 0, otherwise −4.
    // Availability is fixed at 99.95 % (6 points).
    let rs = r2019();
    for (ms, pts) in [
        (0.0, 4),
        (199.99, 4),
        (200f64.next_down(), 4),
        (200.0, 3),
        (399.99, 3),
        (400.0, 2),
        (599.99, 2),
        (600.0, 1),
        (799.99, 1),
        (800.0, 0),
        (999.99, 0),
        (1000.0, -4),
        (60_000.0, -4),
    ] {
        assert_eq!(
            speed(&rs, Some(99.95), Some(ms)).value,
            Some(f64::from(pts + 6)),
            "{ms} ms"
        );
    }
}

#[test]
fn speed_colour_bands() {
    // Score ≥ 8 green, 5–7 orange, ≤ 4 red; a published score can also be stored directly.
    let rs = r2019();
    for (score, key, colour) in [
        (10.0, "vert", Color::Green),
        (8.0, "vert", Color::Green),
        (7.0, "orange", Color::Yellow),
        (5.0, "orange", Color::Yellow),
        (4.0, "rouge", Color::Red),
        (0.0, "rouge", Color::Red),
        (-10.0, "rouge", Color::Red),
    ] {
        assert_num(&rs, "speed", score, None, key, colour);
    }
    assert!(ind(&rs, "speed").level("vert").unwrap().goal);
}

#[test]
fn speed_missing_or_not_applicable() {
    let rs = r2019();
    let i = ind(&rs, "speed");
    for (up, ms) in [(Some(99.95), None), (None, Some(150.0)), (None, None)] {
        let c = speed(&rs, up, ms);
        assert_eq!(c.level(i).key, "a_venir", "{up:?} / {ms:?}");
        assert_eq!(c.level(i).label, "À venir");
        assert_eq!(c.value, None);
    }
    // No web front (EDI only): n/a.
    for s in ["n/a", "N/A", "Non applicable", "EDI"] {
        assert_text(&rs, "speed", s, "na");
    }
    assert_eq!(i.level("na").unwrap().color, Color::Gray);
    // A row built from measured inputs carries the derived score.
    let r = row(&rs, &[("uptime", n(99.5)), ("performance", n(199.0))]);
    let idx = rs.indicator_index("speed").unwrap();
    assert_eq!(r[idx].value, Some(7.0));
}

// ---------------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------------

#[test]
fn display_truncates_and_never_contradicts_the_colour() {
    let rs = r2025();
    // Satisfaction 7.96 is yellow and reads "7,9 / 10" (the old site showed "8,0 / 10").
    let sat = ind(&rs, "satisfaction");
    let c = cell(&rs, "satisfaction", Some(nc(7.96, 250)));
    assert_eq!(c.level(sat).color, Color::Yellow);
    assert_eq!(c.badge(sat), "7,9 / 10");
    assert_eq!(c.display_value(sat).unwrap(), "7,9 / 10");
    for (v, shown, colour) in [
        (7.999, "7,9 / 10", Color::Yellow),
        (8.0, "8,0 / 10", Color::Green),
        (8.2, "8,2 / 10", Color::Green),
        (8.49, "8,4 / 10", Color::Green),
        (4.999, "4,9 / 10", Color::Red),
        (5.0, "5,0 / 10", Color::Yellow),
        (10.0, "10,0 / 10", Color::Green),
    ] {
        let c = cell(&rs, "satisfaction", Some(nc(v, 100)));
        assert_eq!(
            (c.badge(sat).as_str(), c.level(sat).color),
            (shown, colour),
            "satisfaction {v}"
        );
    }

    // Uptime 99.86 % is "Partiel" and reads "99,8 %" (narrow no-break space before %).
    let up = ind(&rs, "uptime");
    for (v, shown, key) in [
        (99.86, "99,8\u{202f}%", "partiel"),
        (99.896, "99,8\u{202f}%", "partiel"),
        (99.9, "99,9\u{202f}%", "optimal"),
        (99.99, "99,9\u{202f}%", "optimal"),
        (100.0, "100,0\u{202f}%", "optimal"),
        (98.49, "98,4\u{202f}%", "faible"),
    ] {
        let c = cell(&rs, "uptime", Some(n(v)));
        assert_eq!(c.display_value(up).unwrap(), shown, "uptime {v}");
        assert_eq!(c.level(up).key, key);
        assert_eq!(
            c.badge(up),
            c.level(up).label,
            "the uptime badge is its level label"
        );
    }
    let shown = cell(&rs, "uptime", Some(n(99.86)))
        .display_value(up)
        .unwrap();
    assert!(
        shown.ends_with("\u{202f}%") && !shown.contains(' '),
        "{shown:?}"
    );

    // Response time 399.6 ms reads "399 ms" and is "Optimal".
    let perf = ind(&rs, "performance");
    for (v, shown, key) in [
        (399.6, "399\u{202f}ms", "optimal"),
        (399.99, "399\u{202f}ms", "optimal"),
        (400.0, "400\u{202f}ms", "partiel"),
        (799.9, "799\u{202f}ms", "partiel"),
        (800.4, "800\u{202f}ms", "faible"),
        (1234.5, "1\u{202f}234\u{202f}ms", "faible"),
    ] {
        let c = cell(&rs, "performance", Some(n(v)));
        assert_eq!(c.display_value(perf).unwrap(), shown, "performance {v}");
        assert_eq!(c.level(perf).key, key);
    }

    // Usage 42.9 % reads "42 %".
    let usage = ind(&rs, "usage");
    assert_eq!(
        cell(&rs, "usage", Some(n(42.9)))
            .display_value(usage)
            .unwrap(),
        format!("42{PCT}")
    );
    assert_eq!(
        cell(&rs, "usage", Some(n(99.99)))
            .display_value(usage)
            .unwrap(),
        format!("99{PCT}")
    );

    // Help reachable shows its value in the badge, truncated.
    let help = ind(&rs, "help_reachable");
    let c = cell(&rs, "help_reachable", Some(nc(84.99, 300)));
    assert_eq!(
        (c.badge(help), c.level(help).color),
        (format!("84,9{PCT}"), Color::Yellow)
    );
    let c = cell(&rs, "help_reachable", Some(nc(85.0, 300)));
    assert_eq!(
        (c.badge(help), c.level(help).color),
        (format!("85,0{PCT}"), Color::Green)
    );
}

#[test]
fn display_of_raw_formats() {
    assert_eq!(format_number(7.96, Format::Score10), "7,9 / 10");
    assert_eq!(format_number(99.86, Format::Percent), "99,8\u{202f}%");
    assert_eq!(format_number(399.6, Format::Millis), "399\u{202f}ms");
    assert_eq!(format_number(42.9, Format::PercentInt), "42\u{202f}%");
    assert_eq!(format_number(4.0, Format::Count), "4");
    assert_eq!(format_number(4.9, Format::Count), "4");
    assert_eq!(format_delta_points(25.0), "+25,0\u{202f}pts");
    assert_eq!(format_delta_points(-0.5), "\u{2212}0,5\u{202f}pt");
    // checks.md §2.6: truncation is toward −∞, also for negative figures.
    assert_eq!(format_number(-4.25, Format::Score10), "-4,3 / 10");
    assert_eq!(format_number(-6.0, Format::Points), "-6\u{202f}pts");
    assert_eq!(format_number(-0.04, Format::Score10), "-0,1 / 10");
    assert_eq!(format_number(-0.0, Format::Score10), "0,0 / 10");
    assert_eq!(format_number(-9.99, Format::Count), "-10");
}

// ---------------------------------------------------------------------------------------------
// Synthesis
// ---------------------------------------------------------------------------------------------

#[test]
fn share_at_goal_excludes_demarches_not_online() {
    let rs = r2025();
    let rows = vec![
        // A: online, satisfied → at goal.
        row(&rs, &[("online", t("Oui")), ("satisfaction", nc(8.5, 200))]),
        // B: partly online, yellow.
        row(
            &rs,
            &[("online", t("Partiel")), ("satisfaction", nc(6.0, 200))],
        ),
        // C: not online → left out of every share denominator, though green.
        row(&rs, &[("online", t("Non")), ("satisfaction", nc(9.0, 200))]),
        // D: too few answers → grey, not in the denominator.
        row(&rs, &[("online", t("Oui")), ("satisfaction", nc(9.0, 50))]),
        // E: online level unknown (grey) → still counted; red.
        row(&rs, &[("satisfaction", nc(3.0, 300))]),
        // F: nothing measured.
        row(&rs, &[("online", t("En cours de déploiement local"))]),
    ];
    let s = synthesize(&rs, &rows);
    assert_eq!(s.demarches, 6);

    let sat = s.indicator("satisfaction").unwrap();
    assert_eq!((sat.at_goal, sat.evaluated), (1, 3), "A / (A, B, E)");
    assert_close(sat.share.unwrap(), 100.0 / 3.0);
    let counts: Vec<(&str, u64)> = sat
        .levels
        .iter()
        .map(|l| (l.key.as_str(), l.count))
        .collect();
    // The distribution still counts every démarche, C included.
    assert_eq!(
        counts,
        [
            ("vert", 2),
            ("orange", 1),
            ("rouge", 1),
            ("insuffisant", 1),
            ("a_venir", 1)
        ]
    );

    // Online itself: the exclusion does not apply to the indicator that defines it, so a
    // démarche that is not online counts against "Réalisable en ligne"; À venir is grey.
    let online = s.indicator("online").unwrap();
    assert_eq!(
        (online.at_goal, online.evaluated),
        (3, 5),
        "(A, D, F) / (A, B, C, D, F)"
    );
    assert_close(online.share.unwrap(), 60.0);

    // Without C, the share and denominator are unchanged; with C online, it counts.
    let mut rows2 = rows.clone();
    rows2[2] = row(&rs, &[("online", t("Oui")), ("satisfaction", nc(9.0, 200))]);
    let sat2 = synthesize(&rs, &rows2)
        .indicator("satisfaction")
        .unwrap()
        .clone();
    assert_eq!((sat2.at_goal, sat2.evaluated), (2, 4));
    assert_close(sat2.share.unwrap(), 50.0);

    // Indicators with nothing evaluated have no share (never 0 %), and a zero denominator.
    let h = s.indicator("handicap").unwrap();
    assert_eq!((h.at_goal, h.evaluated, h.share), (0, 0, None));
    // Indicators without colours never have a share.
    let rows3 = vec![row(&rs, &[("online", t("Oui")), ("usage", n(40.0))])];
    let u = synthesize(&rs, &rows3).indicator("usage").unwrap().clone();
    assert_eq!(u.share, None);
}

#[test]
fn share_denominator_counts_only_coloured_levels() {
    let rows_for = |rs: &RuleSet| {
        vec![
            row(
                rs,
                &[
                    ("online", t("Oui")),
                    ("uptime", n(99.95)),
                    ("performance", n(120.0)),
                ],
            ),
            row(
                rs,
                &[
                    ("online", t("Oui")),
                    // "Partiel" under both modern rule sets (98.5 ≤ v < 99).
                    ("uptime", n(98.7)),
                    ("performance", n(500.0)),
                ],
            ),
            row(
                rs,
                &[
                    ("online", t("Oui")),
                    ("uptime", n(97.0)),
                    ("performance", n(900.0)),
                ],
            ),
            row(rs, &[("online", t("Oui")), ("uptime", t("À venir"))]),
            row(
                rs,
                &[
                    ("online", t("Non")),
                    ("uptime", n(100.0)),
                    ("performance", n(10.0)),
                ],
            ),
        ]
    };
    for rs in modern() {
        let s = synthesize(&rs, &rows_for(&rs));
        let up = s.indicator("uptime").unwrap();
        // Green / (green, yellow, red): the grey row and the row not online are left out.
        assert_eq!((up.at_goal, up.evaluated), (1, 3), "rule set {}", rs.id);
        assert_close(up.share.unwrap(), 100.0 / 3.0);
        let perf = s.indicator("performance").unwrap();
        assert_eq!((perf.at_goal, perf.evaluated), (1, 3), "rule set {}", rs.id);
        assert_close(perf.share.unwrap(), 100.0 / 3.0);
        let counts: Vec<u64> = up.levels.iter().map(|l| l.count).collect();
        assert_eq!(
            counts,
            [2, 1, 1, 1],
            "rule set {}: optimal, partiel, faible, à venir",
            rs.id
        );
    }
}

#[test]
fn every_level_is_listed_even_when_empty() {
    for rs in [r2025(), r2023(), r2019()] {
        let empty: Vec<Vec<Cell>> = Vec::new();
        let s = synthesize(&rs, &empty);
        assert_eq!(s.demarches, 0);
        assert_eq!(s.indicators.len(), rs.indicators.len());
        for (si, i) in s.indicators.iter().zip(&rs.indicators) {
            assert_eq!(si.slug, i.slug);
            let keys: Vec<&str> = si.levels.iter().map(|l| l.key.as_str()).collect();
            let expected: Vec<&str> = i.levels.iter().map(|l| l.key.as_str()).collect();
            assert_eq!(keys, expected, "rule set {} / {}", rs.id, i.slug);
            assert!(si.levels.iter().all(|l| l.count == 0));
            assert!(si.buckets.iter().all(|b| b.count == 0));
            assert_eq!((si.at_goal, si.evaluated, si.share), (0, 0, None));
        }
    }
    // One row: the other levels are still listed with 0.
    let rs = r2025();
    let s = synthesize(&rs, &[row(&rs, &[("uptime", n(99.95))])]);
    let up = s.indicator("uptime").unwrap();
    let counts: Vec<(&str, u64)> = up
        .levels
        .iter()
        .map(|l| (l.label.as_str(), l.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("Optimal", 1),
            ("Partiel", 0),
            ("Faible", 0),
            ("À venir", 0)
        ]
    );
}

#[test]
fn franceconnect_levels_share_one_bucket() {
    let rs = r2025();
    let rows: Vec<Vec<Cell>> = [
        "FranceConnect",
        "FranceConnect +",
        "FranceConnect+",
        "Non",
        "Non applicable",
    ]
    .iter()
    .map(|a| row(&rs, &[("online", t("Oui")), ("auth", t(a))]))
    .collect();
    let s = synthesize(&rs, &rows);
    let auth = s.indicator("auth").unwrap();
    let levels: Vec<(&str, u64)> = auth
        .levels
        .iter()
        .map(|l| (l.key.as_str(), l.count))
        .collect();
    assert_eq!(
        levels,
        [
            ("fc", 1),
            ("fc_plus", 2),
            ("non", 1),
            ("na", 1),
            ("a_venir", 0)
        ]
    );
    let buckets: Vec<(&str, u64)> = auth
        .buckets
        .iter()
        .map(|b| (b.label.as_str(), b.count))
        .collect();
    assert_eq!(
        buckets,
        [
            ("FranceConnect", 3),
            ("Non", 1),
            ("Non applicable", 1),
            ("À venir", 0)
        ]
    );
    assert_eq!(auth.buckets[0].color, Color::Blue);
    // Each démarche counts once across buckets.
    assert_eq!(auth.buckets.iter().map(|b| b.count).sum::<u64>(), 5);
    // At goal: the three FranceConnect démarches over the four non-grey ones.
    assert_eq!((auth.at_goal, auth.evaluated), (3, 4));
    assert_close(auth.share.unwrap(), 75.0);
    let h = headline(&rs, &rows, &[false; 5]);
    assert_eq!(h.franceconnect.count, 3);
    assert_close(h.franceconnect.share.unwrap(), 60.0);

    // 2019: "Oui" and "FranceConnect" are one level in the FranceConnect bucket.
    let rs = r2019();
    let rows: Vec<Vec<Cell>> = ["Oui", "FranceConnect", "Non", "n/a"]
        .iter()
        .map(|a| row(&rs, &[("online", t("Oui")), ("auth", t(a))]))
        .collect();
    let auth = synthesize(&rs, &rows).indicator("auth").unwrap().clone();
    assert_eq!(auth.buckets[0].label, "FranceConnect");
    assert_eq!(auth.buckets[0].count, 2);
    assert_eq!(headline(&rs, &rows, &[true; 4]).franceconnect.count, 2);
}

#[test]
fn dematerialisation_rate_2019() {
    // Oui / local = 100 %, Partiel = 50 %, Bêta = 10 %, Non = 0; "Non renseigné" has no weight.
    let rs = r2019();
    let rows: Vec<Vec<Cell>> = [
        "Oui",
        "En cours de déploiement local",
        "Partiel",
        "Bêta",
        "Non",
        "Non renseigné",
    ]
    .iter()
    .map(|o| row(&rs, &[("online", t(o))]))
    .collect();
    let h = headline(&rs, &rows, &[true, true, false, false, false, false]);
    assert_eq!(h.demarches, 6);
    assert_close(
        h.dematerialisation_rate.unwrap(),
        100.0 * (1.0 + 1.0 + 0.5 + 0.1 + 0.0) / 5.0,
    );
    assert_eq!(h.fully_online.count, 1, "only Oui is fully online");
    assert_close(h.fully_online.share.unwrap(), 100.0 / 6.0);
    assert_eq!(h.online_any.count, 4, "Oui, local, Partiel and Bêta");
    assert_close(h.online_any.share.unwrap(), 400.0 / 6.0);
    assert_eq!(h.feedback_button.count, 2);
    assert_close(h.feedback_button.share.unwrap(), 200.0 / 6.0);

    // Aliases weigh like their level.
    let rows: Vec<Vec<Cell>> = [
        "Entièrement en ligne",
        "Déploiement partiel",
        "Expérimentation",
        "Non",
    ]
    .iter()
    .map(|o| row(&rs, &[("online", t(o))]))
    .collect();
    let h = headline(&rs, &rows, &[false; 4]);
    assert_close(h.dematerialisation_rate.unwrap(), 100.0 * 1.6 / 4.0);
    assert_eq!(h.fully_online.count, 1);
}

#[test]
fn dematerialisation_rate_2023() {
    let rs = r2023();
    let rows: Vec<Vec<Cell>> = [
        "Oui",
        "Déploiement local",
        "En cours de déploiement local",
        "Partiel",
        "Bêta",
        "Non",
        "Non",
        "À venir",
    ]
    .iter()
    .map(|o| row(&rs, &[("online", t(o))]))
    .collect();
    let h = headline(&rs, &rows, &[false; 8]);
    assert_eq!(h.demarches, 8);
    assert_close(h.dematerialisation_rate.unwrap(), 100.0 * 3.6 / 7.0);
    assert_eq!(h.fully_online.count, 1);
    assert_eq!(h.online_any.count, 5);
    assert_eq!(h.feedback_button.count, 0);
    assert_close(h.feedback_button.share.unwrap(), 0.0);
}

#[test]
fn headline_counts_2025() {
    let rs = r2025();
    let rows = vec![
        row(
            &rs,
            &[
                ("online", t("Oui")),
                ("auth", t("FranceConnect")),
                ("satisfaction", nc(8.5, 150)),
            ],
        ),
        row(
            &rs,
            &[
                ("online", t("Oui")),
                ("auth", t("FranceConnect +")),
                ("satisfaction", nc(6.0, 150)),
            ],
        ),
        row(
            &rs,
            &[
                ("online", t("En cours de déploiement local")),
                ("auth", t("FranceConnect+")),
                ("satisfaction", nc(4.0, 150)),
            ],
        ),
        row(
            &rs,
            &[
                ("online", t("Partiel")),
                ("auth", t("Non")),
                ("satisfaction", nc(9.0, 50)),
            ],
        ),
        row(&rs, &[("online", t("Non")), ("auth", t("Non applicable"))]),
    ];
    let h = headline(&rs, &rows, &[true, true, true, true, false]);
    assert_eq!(h.demarches, 5);
    assert_eq!(h.fully_online.count, 2);
    assert_close(h.fully_online.share.unwrap(), 40.0);
    assert_eq!(h.online_any.count, 4);
    assert_close(h.online_any.share.unwrap(), 80.0);
    assert_close(h.dematerialisation_rate.unwrap(), 100.0 * 3.5 / 5.0);
    assert_eq!(h.franceconnect.count, 3);
    assert_close(h.franceconnect.share.unwrap(), 60.0);
    assert_eq!(h.feedback_button.count, 4);
    assert_close(h.feedback_button.share.unwrap(), 80.0);
    let bands: Vec<(&str, u64)> = h
        .satisfaction_bands
        .iter()
        .map(|b| (b.label.as_str(), b.count))
        .collect();
    assert_eq!(
        bands,
        [
            ("À partir de 8 / 10", 1),
            ("De 5 à moins de 8 / 10", 1),
            ("Moins de 5 / 10", 1),
            ("Nombre d'avis insuffisant", 1),
            ("À venir", 1),
        ]
    );

    // No démarche: counts are 0 and shares undefined, never NaN.
    let empty: Vec<Vec<Cell>> = Vec::new();
    let h = headline(&rs, &empty, &[]);
    assert_eq!(h.demarches, 0);
    assert_eq!((h.fully_online.count, h.fully_online.share), (0, None));
    assert_eq!(h.dematerialisation_rate, None);
    assert_eq!(h.satisfaction_bands.iter().map(|b| b.count).sum::<u64>(), 0);
    assert_eq!(h.satisfaction_bands.len(), 5);
}

#[test]
fn delta_in_points_between_syntheses() {
    let rs = r2025();
    let mk = |sats: &[f64]| -> Vec<Vec<Cell>> {
        sats.iter()
            .map(|&v| {
                row(
                    &rs,
                    &[
                        ("online", t("Oui")),
                        ("satisfaction", nc(v, 500)),
                        ("usage", n(50.0)),
                    ],
                )
            })
            .collect()
    };
    let previous = synthesize(&rs, &mk(&[8.5, 6.0, 6.0, 4.0])); // 25 %
    let current = synthesize(&rs, &mk(&[8.5, 9.0, 8.0, 4.0])); // 75 %
    let d: HashMap<String, Option<f64>> = delta(&current, &previous).into_iter().collect();
    assert_eq!(d.len(), rs.indicators.len(), "one entry per indicator");
    assert_close(d["satisfaction"].unwrap(), 50.0);
    assert_close(d["online"].unwrap(), 0.0);
    assert_eq!(d["usage"], None, "no share, no delta");
    assert_eq!(d["handicap"], None, "nothing evaluated, no delta");
    assert_eq!(
        format_delta_points(d["satisfaction"].unwrap()),
        "+50,0\u{202f}pts"
    );
    let back: HashMap<String, Option<f64>> = delta(&previous, &current).into_iter().collect();
    assert_close(back["satisfaction"].unwrap(), -50.0);

    // Across rule sets (2023 edition → 2025 edition), indicators are matched by slug.
    let r23 = r2023();
    let prev23 = synthesize(
        &r23,
        &[
            row(&r23, &[("online", t("Bêta")), ("uptime", n(99.5))]),
            row(&r23, &[("online", t("Oui")), ("uptime", n(99.95))]),
        ],
    );
    let cur25 = synthesize(
        &rs,
        &[
            row(&rs, &[("online", t("Oui")), ("uptime", n(99.5))]),
            row(&rs, &[("online", t("Oui")), ("uptime", n(99.95))]),
        ],
    );
    let d: HashMap<String, Option<f64>> = delta(&cur25, &prev23).into_iter().collect();
    // The same 99.5 % is "Optimal" under the 2023 rules and "Partiel" under the 2025 ones: the
    // share at goal falls from 100 % to 50 %, and the delta says so.
    assert_close(d["uptime"].unwrap(), -50.0);
    assert_close(d["online"].unwrap(), 50.0);
    let count = |s: &obs_domain::synthesis::Synthesis, key: &str| {
        s.indicator("uptime")
            .unwrap()
            .levels
            .iter()
            .find(|l| l.key == key)
            .unwrap()
            .count
    };
    assert_eq!((count(&prev23, "optimal"), count(&prev23, "partiel")), (2, 0));
    assert_eq!((count(&cur25, "optimal"), count(&cur25, "partiel")), (1, 1));
}

#[test]
fn synthesis_2019_excludes_not_online_and_scores_speed() {
    let rs = r2019();
    let rows = vec![
        row(
            &rs,
            &[
                ("online", t("Oui")),
                ("uptime", n(99.95)),
                ("performance", n(150.0)),
            ],
        ), // 10 green
        row(
            &rs,
            &[
                ("online", t("Bêta")),
                ("uptime", n(99.5)),
                ("performance", n(199.0)),
            ],
        ), // 7 orange
        row(
            &rs,
            &[
                ("online", t("Non")),
                ("uptime", n(99.95)),
                ("performance", n(150.0)),
            ],
        ), // excluded
        row(&rs, &[("online", t("Oui")), ("uptime", n(99.95))]), // À venir
    ];
    let s = synthesize(&rs, &rows);
    let sp = s.indicator("speed").unwrap();
    assert_eq!((sp.at_goal, sp.evaluated), (1, 2));
    assert_close(sp.share.unwrap(), 50.0);
    let counts: Vec<(&str, u64)> = sp
        .levels
        .iter()
        .map(|l| (l.key.as_str(), l.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("vert", 2),
            ("orange", 1),
            ("rouge", 0),
            ("na", 0),
            ("a_venir", 1)
        ]
    );
    // The "Non" démarche is excluded from the speed share but counts against "online" itself.
    let online = s.indicator("online").unwrap();
    assert_eq!((online.at_goal, online.evaluated), (2, 4));
}
