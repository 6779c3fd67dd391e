//! Share at goal against the target: horizontal bars from 0 to 100 % and a line at the target.

use std::fmt::Write;

use obs_domain::display::french_decimal;

use super::{INK, MAX_LABEL, TEXT, TRACK, clip, empty_chart, open, text};

/// One bar of a "share at goal" chart.
#[derive(Debug, Clone)]
pub struct ShareBar {
    /// What the bar is about (a group, an edition).
    pub label: String,
    /// Share at goal in %, or `None` when nothing was evaluated.
    pub share: Option<f64>,
    /// The text written at the end of the bar ("72,4 % (181 / 250)").
    pub text: String,
}

/// Horizontal bars of the share at goal (0–100 %) with a vertical line at the target.
pub fn share_bars(id: &str, title: &str, desc: &str, bars: &[ShareBar], target: f64) -> String {
    if bars.is_empty() {
        return empty_chart(id, title, desc);
    }
    const TOP: f64 = 28.0;
    const ROW: f64 = 46.0;
    const X0: f64 = 8.0;
    const X1: f64 = 470.0;
    let x = |v: f64| X0 + (X1 - X0) * v.clamp(0.0, 100.0) / 100.0;
    let height = TOP + ROW * bars.len() as f64 + 26.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    // Scale, under the bars.
    let axis_y = TOP + ROW * bars.len() as f64;
    let _ = write!(out, "<line x1=\"{X0:.1}\" y1=\"{axis_y:.1}\" x2=\"{X1:.1}\" y2=\"{axis_y:.1}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>");
    for t in (0..=100).step_by(20) {
        let tx = x(f64::from(t));
        let _ = write!(out, "<line x1=\"{tx:.1}\" y1=\"{axis_y:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>", axis_y + 4.0);
        let anchor = match t {
            0 => "start",
            100 => "end",
            _ => "middle",
        };
        text(&mut out, tx, axis_y + 18.0, anchor, TEXT, &format!("{t}\u{202f}%"));
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        text(&mut out, X0, y + 12.0, "start", "#161616", &clip(&b.label, MAX_LABEL));
        let _ = write!(out, "<rect x=\"{X0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"18\" fill=\"{TRACK}\"/>", y + 18.0, X1 - X0);
        if let Some(v) = b.share {
            let w = x(v) - X0;
            if w > 0.0 {
                let _ = write!(out, "<rect class=\"obs-bar\" x=\"{X0:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{INK}\"/>", y + 18.0);
            }
        }
        text(&mut out, X1 + 8.0, y + 32.0, "start", "#161616", &b.text);
    }
    // The target, over the bars only (labels stay readable).
    let tx = x(target);
    for i in 0..bars.len() {
        let y = TOP + ROW * i as f64;
        let (y1, y2) = (if i == 0 { TOP - 10.0 } else { y + 15.0 }, if i + 1 == bars.len() { axis_y } else { y + 40.0 });
        let _ = write!(
            out,
            "<line class=\"obs-target\" x1=\"{tx:.1}\" y1=\"{y1:.1}\" x2=\"{tx:.1}\" y2=\"{y2:.1}\" stroke=\"#161616\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
        );
    }
    text(&mut out, tx, TOP - 14.0, "middle", "#161616", &format!("Objectif {}\u{202f}%", french_decimal(target, 0)));
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::well_formed;
    use super::*;

    #[test]
    fn share_bars_place_the_target_and_the_values() {
        let svg = share_bars(
            "p",
            "Part",
            "d",
            &[
                ShareBar { label: "Groupe".into(), share: Some(100.0), text: "100 %".into() },
                ShareBar { label: "Vide".into(), share: None, text: "non évalué".into() },
            ],
            80.0,
        );
        well_formed(&svg, "p");
        // 0–100 % maps to x 8–470: the target at 80 % is at 8 + 462 × 0.8 = 377.6.
        assert!(svg.contains("class=\"obs-target\" x1=\"377.6\""), "{svg}");
        assert!(svg.contains("Objectif 80\u{202f}%"));
        assert_eq!(svg.matches("class=\"obs-bar\"").count(), 1);
        assert!(svg.contains("width=\"462.0\" height=\"18\" fill=\"#000091\""));
        assert!(svg.contains("non évalué"));
    }

}
