//! Server-side SVG charts, written by hand (no plotting crate).
//!
//! Every chart is an inline `<svg role="img">` labelled by its `<title>` and `<desc>`, sized by
//! its `viewBox` and `width="100%"`, without any `style` attribute or element (the CSP only allows
//! style sheets from the site): colours are presentation attributes, fonts come from `app.css`
//! (`.obs-chart`). Colour is never the only carrier of meaning: every figure is also written as
//! text in the chart, and the page puts a data table with the same numbers next to each chart.
//! Every text placed in the SVG goes through [`xml_escape`].

use std::fmt::Write;

use obs_domain::Color;
use obs_domain::display::french_decimal;

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

// ---------------------------------------------------------------- share at goal vs target

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

// ---------------------------------------------------------------- distribution

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

// ---------------------------------------------------------------- line with threshold bands

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
    use super::*;

    fn well_formed(svg: &str, id: &str) {
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

    #[test]
    fn empty_data_gives_a_labelled_placeholder() {
        for svg in [
            share_bars("a", "t", "d", &[], 80.0),
            distribution("b", "t", "d", &[]),
            line_with_bands("c", "t", "d", &[], &sat_bands(), &YAxis::default()),
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
