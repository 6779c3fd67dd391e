//! Server-side SVG charts, written by hand (no plotting crate).
//!
//! Every chart is an inline `<svg role="img">` labelled by its `<title>` and `<desc>`, sized by
//! its `viewBox` and `width="100%"`, without any `style` attribute or element (the CSP only allows
//! style sheets from the site): colours are presentation attributes, fonts come from `app.css`
//! (`.obs-chart`). Colour is never the only carrier of meaning: every figure is also written as
//! text in the chart, and the page puts a data table with the same numbers next to each chart.
//! Every text placed in the SVG goes through [`xml_escape`].
//!
//! One module per chart kind: [`share_bars`] (share at goal against the target),
//! [`distribution`] (stacked bars per level) and [`line_with_bands`] (values per edition over
//! the threshold bands of the levels). This module holds the SVG primitives they share.

mod distribution;
mod line;
mod share;

pub use distribution::{Segment, StackRow, distribution};
pub use line::{Band, LineFrame, LinePoint, Scale, YAxis, line_frame, line_with_bands};
pub use share::{ShareBar, share_bars};

use std::fmt::Write;

use obs_domain::Color;

/// Width of every chart in viewBox units.
const W: f64 = 640.0;
/// Colour of bars and lines (DSFR "bleu France").
const INK: &str = "#000091";
/// Colour of axis text and reference lines.
const TEXT: &str = "#3a3a3a";
/// Light grid and tracks.
const TRACK: &str = "#eeeeee";
/// Height of the strip drawn for a band that starts at the top of the axis.
const TOP_STRIP: f64 = 6.0;
/// Largest number of characters of a label drawn in a chart (the table shows it whole).
const MAX_LABEL: usize = 80;

/// Escapes a text for XML content or attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Cuts a label to `max` characters, with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Light tint of a level colour, for threshold bands.
pub fn band_fill(c: Color) -> &'static str {
    match c {
        Color::Green => "#b8fec9",
        Color::Yellow => "#feecc2",
        Color::Red => "#ffe2e2",
        Color::Blue => "#e3e3fd",
        Color::Gray => "#f0f0f0",
    }
}

/// Strong colour of a level, for distribution segments, and the text colour readable on it.
/// `shade` tells apart levels sharing a colour (two greens, two greys): 0 is the main shade.
pub fn segment_fill(c: Color, shade: usize) -> (&'static str, &'static str) {
    let shades: [(&str, &str); 3] = match c {
        Color::Green => [("#18753c", "#ffffff"), ("#6fd28e", "#161616"), ("#0d4a25", "#ffffff")],
        Color::Yellow => [("#f6c43c", "#161616"), ("#fde7a6", "#161616"), ("#b38600", "#161616")],
        Color::Red => [("#ce0500", "#ffffff"), ("#f7a79f", "#161616"), ("#7a0300", "#ffffff")],
        Color::Blue => [("#0063cb", "#ffffff"), ("#9fc4f2", "#161616"), ("#003b7a", "#ffffff")],
        Color::Gray => [("#b5b5b5", "#161616"), ("#e5e5e5", "#161616"), ("#6a6a6a", "#ffffff")],
    };
    shades[shade % shades.len()]
}

/// Opens the `<svg>` element with its title and description.
fn open(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let id = xml_escape(id);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"obs-chart\" width=\"100%\" viewBox=\"0 0 {W} {height:.0}\" \
         preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-labelledby=\"{id}-titre {id}-desc\" focusable=\"false\">\
         <title id=\"{id}-titre\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        xml_escape(title),
        xml_escape(desc)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, fill: &str, s: &str) {
    // `app.css` sets the text colour of charts; white text on dark segments needs its class.
    let class = match fill {
        "#ffffff" => " class=\"obs-on-dark\"",
        "#161616" => " class=\"obs-on-light\"",
        _ => "",
    };
    let _ = write!(out, "<text{class} x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>", xml_escape(s));
}

/// A text with a white halo, readable over bands and lines.
fn halo_text(out: &mut String, x: f64, y: f64, anchor: &str, s: &str) {
    let _ = write!(
        out,
        "<text class=\"obs-on-light\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"#161616\" stroke=\"#ffffff\" stroke-width=\"3\" \
         paint-order=\"stroke\" font-weight=\"bold\">{}</text>",
        xml_escape(s)
    );
}

fn empty_chart(id: &str, title: &str, desc: &str) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc, 40.0);
    text(&mut out, 8.0, 24.0, "start", TEXT, "Aucune donnée à représenter.");
    out.push_str("</svg>");
    out
}

/// Checks shared by the tests of every chart kind.
#[cfg(test)]
pub(crate) mod test_support {
    pub(crate) fn well_formed(svg: &str, id: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(&format!("aria-labelledby=\"{id}-titre {id}-desc\"")));
        assert!(svg.contains(&format!("<title id=\"{id}-titre\">")));
        assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
        assert!(svg.contains("width=\"100%\"") && svg.contains("viewBox=\"0 0 640 "));
        assert!(!svg.contains("style"), "no style attribute nor element: {svg}");
        // Tags balance (every opened element is closed or self-closed).
        for tag in ["svg", "title", "desc", "text"] {
            assert_eq!(svg.matches(&format!("<{tag} ")).count() + svg.matches(&format!("<{tag}>")).count(), svg.matches(&format!("</{tag}>")).count(), "{tag}");
        }
        let leaves: usize = ["rect", "line", "circle", "polyline"].iter().map(|t| svg.matches(&format!("<{t} ")).count()).sum();
        assert_eq!(leaves, svg.matches("/>").count());
    }

}

#[cfg(test)]
mod tests {
    use super::test_support::well_formed;
    use super::*;

    #[test]
    fn escapes_every_text() {
        assert_eq!(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        let svg = share_bars(
            "g",
            "Titre <script>",
            "Desc & co",
            &[ShareBar { label: "Ministère \"A\" & <B>".into(), share: Some(50.0), text: "50 %".into() }],
            80.0,
        );
        well_formed(&svg, "g");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("Titre &lt;script&gt;"));
        assert!(svg.contains("Desc &amp; co"));
        assert!(svg.contains("Ministère &quot;A&quot; &amp; &lt;B&gt;"));
    }


    #[test]
    fn empty_data_gives_a_labelled_placeholder() {
        for svg in [
            share_bars("a", "t", "d", &[], 80.0),
            distribution("b", "t", "d", &[]),
            line_with_bands("c", "t", "d", &[], &[Band { from: Some(8.0), to: None, color: Color::Green, label: "Vert".into() }], &YAxis::default()),
            line_with_bands("c", "t", "d", &[LinePoint { label: "x".into(), value: None, text: String::new() }], &[], &YAxis::default()),
        ] {
            assert!(svg.contains("role=\"img\"") && svg.contains("Aucune donnée"));
        }
        // One point, no band: still a chart, centred.
        let one = line_with_bands("o", "t", "d", &[LinePoint { label: "x".into(), value: Some(3.0), text: "3".into() }], &[], &YAxis::default());
        well_formed(&one, "o");
        assert!(one.contains("<circle cx=\"267.0\""));
    }
}
