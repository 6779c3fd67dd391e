//! Numbers as people and spreadsheets write them: "8,4", "1 234", "85 %", and the decimal
//! shift that turns a fraction into a percentage without binary noise.
//!
//! Shared by the working spreadsheet (cells) and the scanner snapshots (reachability and autonomy
//! scores), which must agree on how 0.29 becomes 29 %.

/// A number read from a text cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParsedNumber {
    /// The number as written.
    pub value: f64,
    /// Whether it was written with a trailing "%" (it is then already a percentage).
    pub percent: bool,
}

/// Reads a number written by a person: "8,4", "8.4", "1 234", "85 %", "-2". Returns `None` for
/// anything else (labels, "n/c", "inf", two decimal separators).
pub fn parse_number(s: &str) -> Option<ParsedNumber> {
    let mut t = s.trim();
    let percent = t.ends_with('%');
    if percent {
        t = t[..t.len() - 1].trim_end();
    }
    let mut clean: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.contains(',') {
        if clean.contains('.') {
            return None;
        }
        clean = clean.replace(',', ".");
    }
    if !is_decimal_literal(&clean) {
        return None;
    }
    let value: f64 = clean.parse().ok()?;
    value.is_finite().then_some(ParsedNumber { value, percent })
}

/// `[+-]digits[.digits][e[+-]digits]`, with at least one digit in the mantissa.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// Multiplies by 10^`pow` on the decimal writing of `v`, so that 0.29 gives 29 and not
/// 28.999999999999996 (a figure truncated for display must not lose a unit).
pub fn scale_decimal(v: f64, pow: usize) -> f64 {
    if !v.is_finite() {
        return v;
    }
    // Rust prints the shortest representation that round-trips, never in exponent form.
    let s = format!("{}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut frac = frac.to_string();
    while frac.len() < pow {
        frac.push('0');
    }
    let shifted = format!("{int}{}.{}", &frac[..pow], &frac[pow..]);
    let r: f64 = shifted.parse().unwrap_or(v.abs() * 10f64.powi(pow as i32));
    if v < 0.0 { -r } else { r }
}
