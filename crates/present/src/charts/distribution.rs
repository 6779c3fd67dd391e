//! Distribution per level: stacked horizontal bars (100 % each) with a text legend.

use std::fmt::Write;

use obs_domain::Color;

use super::{MAX_LABEL, TRACK, W, clip, empty_chart, open, segment_fill, text};

/// One part of a distribution bar.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Level or bucket label.
    pub label: String,
    /// Its colour.
    pub color: Color,
    /// Number of démarches.
    pub count: u64,
}

/// One stacked bar: a group and its distribution per level.
#[derive(Debug, Clone)]
pub struct StackRow {
    /// What the bar is about.
    pub label: String,
    /// The parts, in level order.
    pub segments: Vec<Segment>,
}

/// Stacked horizontal bars (100 % each) of the distribution per level, with a text legend.
pub fn distribution(id: &str, title: &str, desc: &str, rows: &[StackRow]) -> String {
    if rows.is_empty() {
        return empty_chart(id, title, desc);
    }
    const ROW: f64 = 52.0;
    const X0: f64 = 8.0;
    const X1: f64 = W - 8.0;
    const BAR: f64 = 26.0;
    // Legend: one entry per label, in order of appearance, each with its fill (levels sharing a
    // colour get different shades).
    let mut legend: Vec<(String, (&str, &str))> = Vec::new();
    for r in rows {
        for s in &r.segments {
            if !legend.iter().any(|(l, _)| *l == s.label) {
                let same = rows
                    .iter()
                    .flat_map(|r| &r.segments)
                    .filter(|x| x.color == s.color)
                    .map(|x| x.label.as_str())
                    .fold(Vec::<&str>::new(), |mut v, l| {
                        if !v.contains(&l) {
                            v.push(l);
                        }
                        v
                    });
                let shade = same.iter().position(|l| *l == s.label).unwrap_or(0);
                legend.push((s.label.clone(), segment_fill(s.color, shade)));
            }
        }
    }
    let fill_of = |label: &str| legend.iter().find(|(l, _)| l == label).map_or(segment_fill(Color::Gray, 0), |(_, f)| *f);
    let bars_h = ROW * rows.len() as f64;
    let height = 8.0 + bars_h + 8.0 + 20.0 * legend.len() as f64;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    for (i, r) in rows.iter().enumerate() {
        let y = 8.0 + ROW * i as f64;
        text(&mut out, X0, y + 12.0, "start", "#161616", &clip(&r.label, MAX_LABEL));
        let total: u64 = r.segments.iter().map(|s| s.count).sum();
        let by = y + 18.0;
        if total == 0 {
            let _ = write!(out, "<rect x=\"{X0:.1}\" y=\"{by:.1}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{TRACK}\"/>", X1 - X0);
            text(&mut out, X0 + 8.0, by + 17.0, "start", "#161616", "Aucune démarche");
            continue;
        }
        let mut x = X0;
        for s in &r.segments {
            if s.count == 0 {
                continue;
            }
            let w = (X1 - X0) * s.count as f64 / total as f64;
            let (fill, ink) = fill_of(&s.label);
            let _ = write!(
                out,
                "<rect class=\"obs-segment\" x=\"{x:.1}\" y=\"{by:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
            );
            let n = s.count.to_string();
            // Write the count in the segment when it fits.
            if w >= 8.0 * n.len() as f64 + 8.0 {
                text(&mut out, x + w / 2.0, by + 17.0, "middle", ink, &n);
            }
            x += w;
        }
    }
    let ly = 8.0 + bars_h + 8.0;
    for (i, (label, (fill, _))) in legend.iter().enumerate() {
        let y = ly + 20.0 * i as f64;
        let _ = write!(out, "<rect x=\"{X0:.1}\" y=\"{:.1}\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#161616\" stroke-width=\"0.5\"/>", y + 1.0);
        text(&mut out, X0 + 22.0, y + 13.0, "start", "#161616", &clip(label, MAX_LABEL));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::well_formed;
    use super::*;

    #[test]
    fn distribution_writes_counts_and_legend() {
        let rows = vec![StackRow {
            label: "Tout".into(),
            segments: vec![
                Segment { label: "Vert".into(), color: Color::Green, count: 30 },
                Segment { label: "Orange".into(), color: Color::Yellow, count: 10 },
                Segment { label: "Vide".into(), color: Color::Red, count: 0 },
            ],
        }];
        let svg = distribution("d", "Répartition", "desc", &rows);
        well_formed(&svg, "d");
        assert_eq!(svg.matches("class=\"obs-segment\"").count(), 2);
        // 30 of 40 over 624 units.
        assert!(svg.contains("width=\"468.0\""), "{svg}");
        assert!(svg.contains(">30</text>") && svg.contains(">10</text>"));
        for l in ["Vert", "Orange", "Vide"] {
            assert!(svg.contains(&format!(">{l}</text>")));
        }
        // Two levels of the same colour get different shades.
        let two = distribution(
            "s",
            "t",
            "d",
            &[StackRow {
                label: "x".into(),
                segments: vec![
                    Segment { label: "Oui".into(), color: Color::Green, count: 1 },
                    Segment { label: "Local".into(), color: Color::Green, count: 1 },
                ],
            }],
        );
        assert!(two.contains(segment_fill(Color::Green, 0).0) && two.contains(segment_fill(Color::Green, 1).0));
        let empty = distribution("e", "t", "d", &[StackRow { label: "Rien".into(), segments: vec![] }]);
        well_formed(&empty, "e");
        assert!(empty.contains("Aucune démarche"));
    }

}
