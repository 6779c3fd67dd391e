//! Values per edition over coloured bands showing the thresholds of the levels.

use std::fmt::Write;

use obs_domain::Color;
use obs_domain::display::french_decimal;

use super::{INK, TEXT, TOP_STRIP, W, band_fill, clip, empty_chart, halo_text, open, text};

/// One point of a line chart.
#[derive(Debug, Clone)]
pub struct LinePoint {
    /// X label (an edition).
    pub label: String,
    /// The value, or `None` when not measured.
    pub value: Option<f64>,
    /// The value as written next to the point.
    pub text: String,
}

/// A horizontal band: the values of one level, `[from, to)`.
#[derive(Debug, Clone)]
pub struct Band {
    /// Lower bound (none: unbounded).
    pub from: Option<f64>,
    /// Upper bound (none: unbounded).
    pub to: Option<f64>,
    /// Level colour.
    pub color: Color,
    /// Text written in the band.
    pub label: String,
}

/// The vertical axis of a line chart.
#[derive(Debug, Clone, Default)]
pub struct YAxis {
    /// Values that must be visible (e.g. 0 and 10 for a score).
    pub include: Vec<f64>,
    /// Limits of the quantity itself (0 and 100 for a rate); the axis never goes past them.
    pub lower: Option<f64>,
    /// Upper limit.
    pub upper: Option<f64>,
    /// Unit appended to tick labels ("%", "/ 10", "ms").
    pub unit: String,
}

/// A "nice" step (1, 2, 2.5 or 5 × 10ⁿ) close to `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * p
}

/// The value range and ticks of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// Bottom of the axis.
    pub lo: f64,
    /// Top of the axis.
    pub hi: f64,
    /// Tick step.
    pub step: f64,
}

impl Scale {
    /// Computes the range from the values, band bounds and axis hints.
    pub fn new(values: &[f64], bands: &[Band], axis: &YAxis) -> Scale {
        let mut all: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        all.extend(bands.iter().flat_map(|b| [b.from, b.to]).flatten().filter(|v| v.is_finite()));
        all.extend(axis.include.iter().copied());
        let (mut lo, mut hi) = all.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-9 {
            let pad = if lo.abs() > 1.0 { lo.abs() * 0.1 } else { 1.0 };
            lo -= pad;
            hi += pad;
        } else {
            let pad = (hi - lo) * 0.08;
            lo -= pad;
            hi += pad;
        }
        let clamp = |v: f64| {
            let v = axis.lower.map_or(v, |l| v.max(l));
            axis.upper.map_or(v, |u| v.min(u))
        };
        let (lo, hi) = (clamp(lo), clamp(hi));
        let step = nice_step((hi - lo) / 5.0);
        let lo = clamp((lo / step).floor() * step);
        let hi = clamp((hi / step).ceil() * step);
        let hi = if hi - lo < 1e-9 { lo + step } else { hi };
        Scale { lo, hi, step }
    }

    /// Decimals needed to write the ticks.
    fn decimals(&self) -> usize {
        let mut d = 0;
        let mut s = self.step;
        while d < 3 && (s - s.round()).abs() > 1e-9 {
            s *= 10.0;
            d += 1;
        }
        d
    }

    /// The tick values.
    pub fn ticks(&self) -> Vec<f64> {
        let first = (self.lo / self.step).ceil();
        let last = (self.hi / self.step + 1e-9).floor();
        let n = (last - first).max(0.0) as usize;
        (0..=n.min(20)).map(|i| (first + i as f64) * self.step).filter(|t| *t >= self.lo - 1e-9 && *t <= self.hi + 1e-9).collect()
    }
}

/// Geometry of the plot area of a line chart.
#[derive(Debug, Clone)]
pub struct LineFrame {
    /// The value scale.
    pub scale: Scale,
    /// Plot area: left, right, top, bottom.
    pub left: f64,
    /// Right edge.
    pub right: f64,
    /// Top edge.
    pub top: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl LineFrame {
    /// The vertical position of a value (clamped to the plot area).
    pub fn y(&self, v: f64) -> f64 {
        let Scale { lo, hi, .. } = self.scale;
        let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
        self.bottom - t * (self.bottom - self.top)
    }

    /// The horizontal position of point `i` of `n`.
    pub fn x(&self, i: usize, n: usize) -> f64 {
        let pad = 40.0;
        if n <= 1 {
            (self.left + self.right) / 2.0
        } else {
            self.left + pad + (self.right - self.left - 2.0 * pad) * i as f64 / (n - 1) as f64
        }
    }

    /// The visible rectangle of a band: (top y, height), or `None` when outside the scale.
    pub fn band_rect(&self, b: &Band) -> Option<(f64, f64)> {
        let from = b.from.unwrap_or(f64::NEG_INFINITY).max(self.scale.lo);
        let to = b.to.unwrap_or(f64::INFINITY).min(self.scale.hi);
        if to <= from {
            // A level that starts exactly at the top of the axis (e.g. "100 %" when rates stop at
            // 100): a thin strip above the plot area, so that it still shows.
            if b.from.is_some_and(|f| (f - self.scale.hi).abs() < 1e-9) && b.to.is_none_or(|t| t > self.scale.hi) {
                return Some((self.top - TOP_STRIP, TOP_STRIP));
            }
            return None;
        }
        let (y0, y1) = (self.y(to), self.y(from));
        Some((y0, y1 - y0))
    }
}

/// The frame a line chart uses for these values and bands.
pub fn line_frame(points: &[LinePoint], bands: &[Band], axis: &YAxis) -> LineFrame {
    let values: Vec<f64> = points.iter().filter_map(|p| p.value).collect();
    LineFrame { scale: Scale::new(&values, bands, axis), left: 64.0, right: W - 170.0, top: 14.0, bottom: 214.0 }
}

/// A line of values per edition over coloured bands showing the levels' thresholds.
pub fn line_with_bands(id: &str, title: &str, desc: &str, points: &[LinePoint], bands: &[Band], axis: &YAxis) -> String {
    if points.iter().all(|p| p.value.is_none()) {
        return empty_chart(id, title, desc);
    }
    let f = line_frame(points, bands, axis);
    let height = f.bottom + 40.0;
    let mut out = String::new();
    open(&mut out, id, title, desc, height);
    // Bands, then their labels on the right.
    for b in bands {
        if let Some((y, h)) = f.band_rect(b) {
            let _ = write!(
                out,
                "<rect class=\"obs-band\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                f.left,
                f.right - f.left,
                band_fill(b.color)
            );
        }
    }
    let mut last_label_y = f64::NEG_INFINITY;
    for b in bands {
        if let Some((y, h)) = f.band_rect(b) {
            // Centre of the band, kept apart from the previous label.
            let ly = (y + h / 2.0 + 4.0).max(last_label_y + 14.0).min(f.bottom);
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\" stroke=\"#161616\" stroke-width=\"0.5\"/>",
                f.right + 6.0,
                ly - 9.0,
                band_fill(b.color)
            );
            text(&mut out, f.right + 20.0, ly, "start", TEXT, &clip(&b.label, 24));
            last_label_y = ly;
        }
    }
    // Grid and ticks.
    let unit = if axis.unit.is_empty() { String::new() } else { format!("\u{202f}{}", axis.unit) };
    let decimals = f.scale.decimals();
    for t in f.scale.ticks() {
        let y = f.y(t);
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#cecece\" stroke-width=\"1\"/>",
            f.left,
            f.right
        );
        text(&mut out, f.left - 6.0, y + 4.0, "end", TEXT, &format!("{}{unit}", french_decimal(t, decimals)));
    }
    let _ = write!(
        out,
        "<line x1=\"{l:.1}\" y1=\"{t:.1}\" x2=\"{l:.1}\" y2=\"{b:.1}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>\
         <line x1=\"{l:.1}\" y1=\"{b:.1}\" x2=\"{r:.1}\" y2=\"{b:.1}\" stroke=\"{TEXT}\" stroke-width=\"1\"/>",
        l = f.left,
        r = f.right,
        t = f.top,
        b = f.bottom
    );
    let n = points.len();
    for (i, p) in points.iter().enumerate() {
        text(&mut out, f.x(i, n), f.bottom + 18.0, "middle", "#161616", &clip(&p.label, 24));
        if p.value.is_none() {
            text(&mut out, f.x(i, n), f.bottom + 32.0, "middle", TEXT, "non mesuré");
        }
    }
    // The line, broken where a value is missing.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => run.push((f.x(i, n), f.y(v))),
            None => runs.push(std::mem::take(&mut run)),
        }
    }
    runs.push(run);
    for r in runs.iter().filter(|r| r.len() > 1) {
        let pts: Vec<String> = r.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(out, "<polyline class=\"obs-line\" points=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2.5\"/>", pts.join(" "));
    }
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            let (x, y) = (f.x(i, n), f.y(v));
            let _ = write!(out, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{INK}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>");
            // Value above the point, or below when the point is near the top.
            let ty = if y - 10.0 < f.top + 10.0 { y + 20.0 } else { y - 10.0 };
            halo_text(&mut out, x, ty, "middle", &p.text);
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::well_formed;
    use super::*;

    fn sat_bands() -> Vec<Band> {
        vec![
            Band { from: Some(8.0), to: None, color: Color::Green, label: "Vert".into() },
            Band { from: Some(5.0), to: Some(8.0), color: Color::Yellow, label: "Orange".into() },
            Band { from: None, to: Some(5.0), color: Color::Red, label: "Rouge".into() },
        ]
    }


    #[test]
    fn bands_sit_at_their_thresholds() {
        let points = vec![
            LinePoint { label: "2023".into(), value: Some(7.5), text: "7,5".into() },
            LinePoint { label: "2024".into(), value: None, text: "—".into() },
            LinePoint { label: "2025".into(), value: Some(8.4), text: "8,4".into() },
        ];
        let axis = YAxis { include: vec![0.0, 10.0], lower: Some(0.0), upper: Some(10.0), unit: "/ 10".into() };
        let f = line_frame(&points, &sat_bands(), &axis);
        assert_eq!(f.scale, Scale { lo: 0.0, hi: 10.0, step: 2.0 });
        // 0–10 over y 214 (bottom) to 14 (top): 8 is at 54, 5 at 114.
        assert!((f.y(8.0) - 54.0).abs() < 1e-9);
        assert!((f.y(5.0) - 114.0).abs() < 1e-9);
        assert_eq!(f.band_rect(&sat_bands()[0]), Some((14.0, 40.0)));
        assert_eq!(f.band_rect(&sat_bands()[1]), Some((54.0, 60.0)));
        assert_eq!(f.band_rect(&sat_bands()[2]), Some((114.0, 100.0)));
        let svg = line_with_bands("l", "Satisfaction", "d", &points, &sat_bands(), &axis);
        well_formed(&svg, "l");
        assert!(svg.contains("class=\"obs-band\" x=\"64.0\" y=\"54.0\" width=\"406.0\" height=\"60.0\" fill=\"#feecc2\""), "{svg}");
        assert_eq!(svg.matches("class=\"obs-band\"").count(), 3);
        // The missing value breaks the line: two lone points, no polyline.
        assert_eq!(svg.matches("<circle ").count(), 2);
        assert_eq!(svg.matches("<polyline ").count(), 0);
        assert!(svg.contains("non mesuré"));
        assert!(svg.contains(">8\u{202f}/ 10</text>"));
    }


    #[test]
    fn scale_zooms_on_narrow_ranges_within_bounds() {
        let bands = vec![
            Band { from: Some(99.9), to: None, color: Color::Green, label: "Optimal".into() },
            Band { from: Some(98.5), to: Some(99.9), color: Color::Yellow, label: "Partiel".into() },
            Band { from: None, to: Some(98.5), color: Color::Red, label: "Faible".into() },
        ];
        let axis = YAxis { lower: Some(0.0), upper: Some(100.0), unit: "%".into(), ..YAxis::default() };
        let s = Scale::new(&[99.95, 100.0], &bands, &axis);
        assert!(s.lo <= 98.5 && s.lo >= 97.0, "{s:?}");
        assert_eq!(s.hi, 100.0);
        assert!(s.ticks().iter().all(|t| *t >= s.lo && *t <= 100.0));
        assert_eq!(s.decimals(), 1);
        // Bands entirely out of range are not drawn.
        let f = LineFrame { scale: Scale { lo: 50.0, hi: 60.0, step: 2.0 }, left: 0.0, right: 1.0, top: 0.0, bottom: 100.0 };
        assert_eq!(f.band_rect(&Band { from: None, to: Some(40.0), color: Color::Red, label: String::new() }), None);
        // A band starting at the top of a bounded axis ("Oui" at 100 %) becomes a strip above it.
        let f = LineFrame { scale: Scale { lo: 40.0, hi: 100.0, step: 20.0 }, left: 0.0, right: 1.0, top: 14.0, bottom: 214.0 };
        assert_eq!(f.band_rect(&Band { from: Some(100.0), to: None, color: Color::Green, label: String::new() }), Some((8.0, 6.0)));
        let (y, h) = f.band_rect(&Band { from: Some(50.0), to: Some(100.0), color: Color::Yellow, label: String::new() }).unwrap();
        assert!((y - 14.0).abs() < 1e-9 && (h - 200.0 * 50.0 / 60.0).abs() < 1e-9);
    }

}
