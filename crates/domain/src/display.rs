//! French display of numbers, truncating rather than rounding.
//!
//! Levels are decided on the exact value; the shown figure is cut (not rounded) to the displayed
//! precision so that it never contradicts its colour: 7.96 is yellow and reads "7,9 / 10", an
//! uptime of 99.86 % is "Partiel" and reads "99,8 %".

use crate::ruleset::Format;

/// A day in French, as the site writes it: « 1er octobre 2026 », « 31 décembre 2025 ».
pub fn french_day(d: time::Date) -> String {
    const MONTHS: [&str; 12] = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ];
    let day = if d.day() == 1 { "1er".to_string() } else { d.day().to_string() };
    format!("{day} {} {}", MONTHS[usize::from(u8::from(d.month())) - 1], d.year())
}

/// Narrow no-break space (U+202F), used before "%" and as the thousands separator.
pub const NNBSP: char = '\u{202f}';

/// Cuts `v` to `decimals` digits after the point, toward −∞ (spec/checks.md §2.6), working on the
/// shortest decimal representation that round-trips (so 8.2 stays 8.2 instead of becoming
/// 8.19999…). Positive numbers are simply truncated; a negative number with dropped non-zero
/// digits moves one unit away from zero (−4.25 → −4.3), so the figure is never above the value.
pub fn truncate(v: f64, decimals: usize) -> (bool, String, String) {
    let s = format!("{}", v.abs());
    let (mut int, all_frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (s.clone(), String::new()),
    };
    let mut frac: String = all_frac.chars().take(decimals).collect();
    while frac.len() < decimals {
        frac.push('0');
    }
    if v < 0.0 && all_frac.chars().skip(decimals).any(|c| c != '0') {
        // Add one unit in the last kept place to the magnitude, with carry.
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
        let split = digits.len() - decimals;
        int = digits[..split].iter().map(|&b| char::from(b)).collect();
        frac = digits[split..].iter().map(|&b| char::from(b)).collect();
    }
    let negative = v < 0.0 && (int.chars().any(|c| c != '0') || frac.chars().any(|c| c != '0'));
    (negative, int, frac)
}

/// Formats `v` with `decimals` digits (truncated), a decimal comma and grouped thousands.
pub fn french_decimal(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let (negative, int, frac) = truncate(v, decimals);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group_thousands(&int));
    if decimals > 0 {
        out.push(',');
        out.push_str(&frac);
    }
    out
}

/// Groups the digits of a whole number by three with narrow no-break spaces: "1 234 567".
pub fn group_thousands(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

/// Formats a whole count: "1 234".
pub fn format_count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// Formats a number for display in an indicator's format.
pub fn format_number(v: f64, format: Format) -> String {
    match format {
        Format::Score10 => format!("{} / 10", french_decimal(v, 1)),
        Format::Percent => format!("{}{NNBSP}%", french_decimal(v, 1)),
        Format::PercentInt => format!("{}{NNBSP}%", french_decimal(v, 0)),
        Format::Millis => format!("{}{NNBSP}ms", french_decimal(v, 0)),
        Format::Count | Format::Label => french_decimal(v, 0),
        Format::Points => format!("{}{NNBSP}pts", french_decimal(v, 0)),
    }
}

/// Formats a share in % for synthesis figures: "72,4 %".
pub fn format_share(v: f64) -> String {
    format_number(v, Format::Percent)
}

/// Formats a change in points with its sign: "+3,2 pts", "−1,0 pt", "0,0 pt".
pub fn format_delta_points(d: f64) -> String {
    let body = french_decimal(d.abs(), 1);
    let unit = if d.abs() >= 2.0 { "pts" } else { "pt" };
    let sign = if body.chars().all(|c| !c.is_ascii_digit() || c == '0') {
        ""
    } else if d > 0.0 {
        "+"
    } else {
        "\u{2212}"
    };
    format!("{sign}{body}{NNBSP}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_the_french_way() {
        assert_eq!(french_day(time::macros::date!(2026 - 10 - 01)), "1er octobre 2026");
        assert_eq!(french_day(time::macros::date!(2025 - 12 - 31)), "31 décembre 2025");
    }

    #[test]
    fn truncates_instead_of_rounding() {
        assert_eq!(format_number(7.96, Format::Score10), "7,9 / 10");
        assert_eq!(format_number(8.0, Format::Score10), "8,0 / 10");
        assert_eq!(format_number(8.2, Format::Score10), "8,2 / 10");
        assert_eq!(format_number(7.999999999, Format::Score10), "7,9 / 10");
        assert_eq!(format_number(99.86, Format::Percent), "99,8\u{202f}%");
        assert_eq!(format_number(99.896, Format::Percent), "99,8\u{202f}%");
        assert_eq!(format_number(399.6, Format::Millis), "399\u{202f}ms");
        assert_eq!(format_number(100.0, Format::Percent), "100,0\u{202f}%");
        assert_eq!(format_number(42.9, Format::PercentInt), "42\u{202f}%");
    }

    #[test]
    fn groups_thousands_and_keeps_signs() {
        assert_eq!(format_count(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(format_count(999), "999");
        assert_eq!(french_decimal(-6.0, 0), "-6");
        assert_eq!(french_decimal(-0.04, 1), "-0,1");
        assert_eq!(french_decimal(-0.0, 1), "0,0");
        assert_eq!(french_decimal(-9.9, 1), "-9,9");
        assert_eq!(french_decimal(-9.96, 1), "-10,0");
        assert_eq!(french_decimal(-999.5, 0), "-1\u{202f}000");
        assert_eq!(format_delta_points(3.25), "+3,2\u{202f}pts");
        assert_eq!(format_delta_points(-1.0), "\u{2212}1,0\u{202f}pt");
        assert_eq!(format_delta_points(0.0), "0,0\u{202f}pt");
    }
}
