//! Text normalisation used to match labels typed by people.
//!
//! Spreadsheets and scanners spell labels with varying case, accents, apostrophes and spaces
//! ("A venir", "à venir", "FranceConnect+", "Nombre d’avis insuffisant"). Matching happens on a
//! folded form so those variants meet, while the stored label keeps its official spelling.

use unicode_normalization::UnicodeNormalization;

/// Folds a label for comparison: removes accents, lowercases, unifies apostrophes and dashes,
/// removes spaces around `+` and collapses runs of whitespace.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' => '\'',
            '\u{2010}'..='\u{2015}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out.replace(" +", "+").replace("+ ", "+")
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_accents_case_spaces_and_apostrophes() {
        assert_eq!(fold("  À   venir "), "a venir");
        assert_eq!(fold("Nombre d’avis insuffisant"), "nombre d'avis insuffisant");
        assert_eq!(fold("FranceConnect +"), fold("franceconnect+"));
        assert_eq!(fold("Bêta"), "beta");
    }
}
