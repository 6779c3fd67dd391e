//! Property tests over the three shipped rule sets (2025, 2023, 2019).
//!
//! - every finite number in a sensible range classifies into exactly one numeric level;
//! - the truncated figure shown for it, read back, falls in the same level (the display never
//!   contradicts the colour), and is never above the exact value;
//! - the minimum sample is applied exactly;
//! - the 2019–2022 combined score matches the spec tables of spec/checks.md §2.6;
//! - spelling variants of every label reach the same level.

use obs_domain::display::{NNBSP, format_number};
use obs_domain::{ClassifyError, Format, Indicator, RawValue, RuleSet, classify};
use proptest::prelude::*;
use proptest::sample::Index;
use std::sync::LazyLock;

/// The rule sets, parsed once for all cases.
static RULE_SETS: LazyLock<Vec<RuleSet>> = LazyLock::new(|| {
    [
        include_str!("../../../rules/2025.toml"),
        include_str!("../../../rules/2023.toml"),
        include_str!("../../../rules/2019.toml"),
    ]
    .iter()
    .map(|t| RuleSet::from_toml(t).expect("rule set loads"))
    .collect()
});

fn rule_sets() -> &'static [RuleSet] {
    &RULE_SETS
}

fn no_inputs(_: &str) -> Option<f64> {
    None
}

/// Reads a displayed figure back as a number: "7,9 / 10" → 7.9, "1 234 ms" → 1234.
fn parse_display(s: &str) -> f64 {
    let body: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '-' || *c == NNBSP)
        .filter(|c| *c != NNBSP)
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    body.parse()
        .unwrap_or_else(|e| panic!("cannot read back {s:?}: {e}"))
}

/// Digits after the decimal comma for a format.
fn decimals(f: Format) -> i32 {
    match f {
        Format::Score10 | Format::Percent => 1,
        _ => 0,
    }
}

/// A sensible range of values for an indicator's format.
fn range(ind: &Indicator) -> (f64, f64) {
    match ind.format {
        // The legacy combined score goes from −10 to 10.
        Format::Score10 if ind.derived.is_some() => (-10.0, 10.0),
        Format::Score10 => (0.0, 10.0),
        Format::Percent | Format::PercentInt => (0.0, 100.0),
        Format::Millis => (0.0, 10_000.0),
        Format::Count => (0.0, 50.0),
        Format::Points => (-10.0, 10.0),
        Format::Label => (0.0, 0.0),
    }
}

fn numeric_indicators(rs: &RuleSet) -> impl Iterator<Item = &Indicator> {
    rs.indicators
        .iter()
        .filter(|i| i.levels.iter().any(|l| l.is_numeric()))
}

/// All thresholds of an indicator.
fn thresholds(ind: &Indicator) -> Vec<f64> {
    ind.levels
        .iter()
        .flat_map(|l| [l.min, l.max])
        .flatten()
        .collect()
}

/// A value for an indicator: uniform in its range, or just around one of its thresholds.
fn pick_value(ind: &Indicator, mode: u8, u: f64, which: &Index, offset: f64, ulps: u8) -> f64 {
    let (lo, hi) = range(ind);
    let th = thresholds(ind);
    if th.is_empty() || mode == 0 {
        return lo + u * (hi - lo);
    }
    let t = th[which.index(th.len())];
    match mode {
        1 => t + offset,
        _ => {
            // A few floating-point steps either side of the threshold.
            let mut v = t;
            for _ in 0..(ulps % 4) {
                v = if ulps >= 4 {
                    v.next_up()
                } else {
                    v.next_down()
                };
            }
            v
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn numbers_get_exactly_one_level_and_an_honest_figure(
        mode in 0u8..3,
        u in 0.0f64..=1.0,
        which in any::<Index>(),
        offset in prop_oneof![Just(0.0), -1e-9f64..1e-9, -0.05f64..0.05, -2.0f64..2.0],
        ulps in 0u8..8,
    ) {
        for rs in rule_sets() {
            for ind in numeric_indicators(rs) {
                let v = pick_value(ind, mode, u, &which, offset, ulps);
                let ctx = format!("rule set {} / {} / value {v:?}", rs.id, ind.slug);

                // Classification succeeds (no count: the sample size rule is tested apart).
                let cell = classify(ind, Some(&RawValue::number(v)), no_inputs)
                    .map_err(|e| TestCaseError::fail(format!("{ctx}: {e}")))?;
                let level = cell.level(ind);
                prop_assert!(level.is_numeric(), "{}: numeric level expected", ctx);
                prop_assert_eq!(cell.value, Some(v));

                // Exactly one level contains the number, and it is the one picked.
                let containing: Vec<usize> =
                    (0..ind.levels.len()).filter(|&i| ind.levels[i].contains(v)).collect();
                prop_assert_eq!(&containing, &vec![cell.level], "{}", ctx);

                // The figure shown never contradicts the level.
                let shown = cell.display_value(ind).unwrap();
                let d = parse_display(&shown);
                let unit = 10f64.powi(-decimals(ind.format));
                prop_assert!(d <= v, "{}: shown {} is above the value", ctx, shown);
                prop_assert!(v - d < unit * (1.0 + 1e-9), "{}: shown {} is more than one unit below", ctx, shown);
                if let Some(min) = level.min {
                    // The threshold is itself shown exactly; the figure is at or above it.
                    let min_shown = parse_display(&format_number(min, ind.format));
                    prop_assert!(d >= min_shown, "{}: shown {} below threshold {}", ctx, shown, min);
                }
                if let Some(max) = level.max {
                    prop_assert!(d < max, "{}: shown {} reaches the next threshold {}", ctx, shown, max);
                }
                // Read back and classified again, the figure lands in the same level.
                prop_assert_eq!(ind.level_for_number(d), Some(cell.level), "{}: shown {}", ctx, shown);
                // When the badge shows a figure, it is the same truncated one.
                if ind.badge_shows_value {
                    prop_assert_eq!(cell.badge(ind), shown);
                }
            }
        }
    }

    #[test]
    fn minimum_sample_is_applied_exactly(v in 0.0f64..=10.0, count in 0u64..400) {
        for rs in rule_sets() {
            for ind in rs.indicators.iter().filter(|i| i.min_count.is_some()) {
                let min = ind.min_count.unwrap();
                let value = if ind.format == Format::Percent { v * 10.0 } else { v };
                let cell = classify(ind, Some(&RawValue::counted(value, count)), no_inputs).unwrap();
                let level = cell.level(ind);
                if count < min {
                    prop_assert_eq!(Some(&level.key), ind.insufficient.as_ref());
                    prop_assert!(level.is_gray());
                    prop_assert_eq!(cell.value, None);
                } else {
                    prop_assert!(level.is_numeric() && !level.is_gray());
                    prop_assert_eq!(cell.value, Some(value));
                }
                prop_assert_eq!(cell.count, Some(count));
            }
        }
    }

    #[test]
    fn legacy_speed_score_matches_the_spec_tables(
        up in prop_oneof![0.0f64..=100.0, 94.0f64..=100.0, prop::sample::select(vec![95.0, 98.0, 99.0, 99.5, 99.9, 100.0])],
        ms in prop_oneof![0.0f64..=5000.0, prop::sample::select(vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0])],
    ) {
        // Reference tables, written independently in the "≤" form of spec/checks.md §2.6.
        let avail = if up <= 95.0 { -6 } else if up <= 98.0 { 0 } else if up <= 99.0 { 2 }
            else if up <= 99.5 { 3 } else if up <= 99.9 { 4 } else { 6 };
        let resp = if ms < 200.0 { 4 } else if ms < 400.0 { 3 } else if ms < 600.0 { 2 }
            else if ms < 800.0 { 1 } else if ms < 1000.0 { 0 } else { -4 };
        let score = avail + resp;
        prop_assert!((-10..=10).contains(&score));

        let rs = rule_sets().iter().find(|r| r.id == "2019").unwrap();
        let ind = rs.indicator("speed").unwrap();
        let cell = classify(ind, None, |k| match k {
            "uptime" => Some(up),
            "performance" => Some(ms),
            _ => None,
        }).unwrap();
        prop_assert_eq!(cell.value, Some(f64::from(score)), "uptime {} / {} ms", up, ms);
        let expected = if score >= 8 { "vert" } else if score >= 5 { "orange" } else { "rouge" };
        prop_assert_eq!(&cell.level(ind).key, expected);
    }

    #[test]
    fn label_spelling_variants_reach_the_same_level(
        which_rs in any::<Index>(),
        which_ind in any::<Index>(),
        which_label in any::<Index>(),
        flips in prop::collection::vec(any::<bool>(), 64),
        strip_accents in any::<bool>(),
        pad_left in 0usize..3,
        pad_right in 0usize..3,
        double_spaces in any::<bool>(),
    ) {
        let sets = rule_sets();
        let rs = &sets[which_rs.index(sets.len())];
        let ind = &rs.indicators[which_ind.index(rs.indicators.len())];
        let names: Vec<(usize, &String)> = ind
            .levels
            .iter()
            .enumerate()
            .flat_map(|(i, l)| std::iter::once(&l.label).chain(&l.aliases).map(move |n| (i, n)))
            .collect();
        let (level, name) = names[which_label.index(names.len())];

        // Random case, optional accent stripping, extra and odd spaces.
        let mut variant = String::new();
        for (k, c) in name.chars().enumerate() {
            let c = if strip_accents {
                match c {
                    'é' | 'è' | 'ê' => 'e',
                    'É' | 'Ê' => 'E',
                    'à' | 'â' => 'a',
                    'À' => 'A',
                    'î' | 'ï' => 'i',
                    'ô' => 'o',
                    'ç' => 'c',
                    c => c,
                }
            } else {
                c
            };
            if c == ' ' && double_spaces {
                variant.push_str(" \u{a0}");
                continue;
            }
            if flips[k % flips.len()] {
                variant.extend(c.to_uppercase());
            } else {
                variant.extend(c.to_lowercase());
            }
        }
        let variant = format!("{}{}{}", " ".repeat(pad_left), variant, "\t".repeat(pad_right));
        let cell = classify(ind, Some(&RawValue::text(variant.clone())), no_inputs);
        prop_assert!(cell.is_ok(), "rule set {} / {} / {:?}: {:?}", rs.id, ind.slug, variant, cell);
        prop_assert_eq!(cell.unwrap().level, level, "rule set {} / {} / {:?}", rs.id, ind.slug, variant);
    }

    #[test]
    fn unknown_texts_are_errors_never_dropped(word in "[A-Za-z]{3,12}") {
        // Random words that are no label: an import error naming the text.
        for rs in rule_sets() {
            for ind in &rs.indicators {
                let known = ind.levels.iter().any(|l| {
                    std::iter::once(&l.label).chain(&l.aliases)
                        .any(|n| obs_domain::text::fold(n) == obs_domain::text::fold(&word))
                });
                let r = classify(ind, Some(&RawValue::text(word.clone())), no_inputs);
                if known {
                    prop_assert!(r.is_ok());
                } else {
                    let is_unknown = matches!(&r, Err(ClassifyError::UnknownLabel { text, .. }) if *text == word);
                    prop_assert!(is_unknown, "rule set {} / {} / {:?}: {:?}", rs.id, ind.slug, word, r);
                }
            }
        }
    }

    #[test]
    fn display_is_a_floor_at_the_shown_precision(v in -1.0e6f64..1.0e6) {
        for f in [Format::Score10, Format::Percent, Format::PercentInt, Format::Millis, Format::Count, Format::Points] {
            let shown = format_number(v, f);
            let d = parse_display(&shown);
            let unit = 10f64.powi(-decimals(f));
            prop_assert!(d <= v, "{:?} {}: shown {}", f, v, shown);
            prop_assert!(v - d < unit * (1.0 + 1e-9), "{:?} {}: shown {}", f, v, shown);
        }
    }
}
