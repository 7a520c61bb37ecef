//! Plots as inline SVG, drawn here so that `report.html` needs nothing from
//! the network and no script: line charts over ticks and a horizontal bar
//! chart. Lines are downsampled to at most [`MAX_POINTS`] points (buckets keep
//! their mean or their max, whichever the line means), so a page stays small
//! however long the runs were.

use std::fmt::Write;

use super::html::esc;

/// The most points one line is drawn with.
pub const MAX_POINTS: usize = 500;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 28.0;

/// How a bucket of points becomes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    Mean,
    Max,
}

/// One line of a chart.
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    pub points: Vec<(f64, f64)>,
}

/// At most `max` points: consecutive buckets of equal size, each drawn at
/// its last x (a series point stands for the ticks up to its tick).
pub fn downsample(xs: &[f64], ys: &[f64], max: usize, agg: Agg) -> Vec<(f64, f64)> {
    let n = xs.len().min(ys.len());
    if n == 0 || max == 0 {
        return Vec::new();
    }
    let size = n.div_ceil(max);
    (0..n)
        .step_by(size)
        .map(|start| {
            let end = (start + size).min(n);
            let bucket = &ys[start..end];
            let y = match agg {
                Agg::Mean => bucket.iter().sum::<f64>() / bucket.len() as f64,
                Agg::Max => bucket.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            };
            (xs[end - 1], y)
        })
        .collect()
}

/// A round step for about four gridlines up to `max`.
fn nice_step(max: f64) -> f64 {
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    if step > 0.0 && step.is_finite() {
        step
    } else {
        1.0
    }
}

/// A number short enough for an axis.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A line chart; y starts at 0. Empty lines give a chart that says so.
pub fn line_chart(title: &str, y_unit: &str, lines: &[Line]) -> String {
    let all = || {
        lines
            .iter()
            .flat_map(|l| l.points.iter())
            .filter(|p| p.0.is_finite() && p.1.is_finite())
    };
    let mut s = format!(
        r#"<svg class="plot" viewBox="0 0 {W} {H}" role="img" aria-label="{t}"><text x="{LEFT}" y="16" class="title">{t}</text>"#,
        t = esc(title)
    );
    let (Some(x0), Some(x1)) = (
        all().map(|p| p.0).reduce(f64::min),
        all().map(|p| p.0).reduce(f64::max),
    ) else {
        s += r#"<text x="320" y="120" text-anchor="middle">no data</text></svg>"#;
        return s;
    };
    let y_top = all().map(|p| p.1).fold(0.0, f64::max);
    let step = nice_step(if y_top > 0.0 { y_top } else { 1.0 });
    let y1 = (y_top / step).ceil().max(1.0) * step;
    let x_span = if x1 > x0 { x1 - x0 } else { 1.0 };
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let px = |x: f64| LEFT + (x - x0) / x_span * pw;
    let py = |y: f64| TOP + ph - y / y1 * ph;
    let mut g = 0.0;
    while g <= y1 + step / 2.0 {
        let y = py(g);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" class="grid"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            short(g)
        );
        g += step;
    }
    let base = H - BOTTOM + 16.0;
    let _ = write!(
        s,
        r#"<text x="{LEFT}" y="{base}">{}</text><text x="{:.1}" y="{base}" text-anchor="end">tick {}</text><text x="4" y="{:.1}" class="unit">{}</text>"#,
        short(x0),
        W - RIGHT,
        short(x1),
        TOP - 2.0,
        esc(y_unit)
    );
    let mut legend_x = W - RIGHT;
    for line in lines.iter().rev() {
        let _ = write!(
            s,
            r#"<text x="{legend_x:.1}" y="16" text-anchor="end" fill="{c}">■ {l}</text>"#,
            c = esc(line.colour),
            l = esc(line.label)
        );
        legend_x -= 14.0 + 7.0 * line.label.chars().count() as f64;
    }
    for line in lines {
        let mut pts = String::new();
        for &(x, y) in line
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
        {
            let _ = write!(pts, "{:.1},{:.1} ", px(x), py(y));
        }
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>"#,
            esc(line.colour),
            pts.trim_end()
        );
    }
    s += "</svg>";
    s
}

/// The most bars drawn (governance has a handful of rules; this bounds a
/// policy that has many).
pub const MAX_BARS: usize = 40;

/// Horizontal bars, one per `(label, value)`, in the order given.
pub fn bar_chart(title: &str, bars: &[(String, u64)], colour: &str) -> String {
    let bars = &bars[..bars.len().min(MAX_BARS)];
    let row = 20.0;
    let label_w = 200.0;
    let h = TOP + row * bars.len().max(1) as f64 + 8.0;
    let mut s = format!(
        r#"<svg class="plot" viewBox="0 0 {W} {h}" role="img" aria-label="{t}"><text x="4" y="16" class="title">{t}</text>"#,
        t = esc(title)
    );
    if bars.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{label_w}" y="{}">no rules</text></svg>"#,
            TOP + 14.0
        );
        return s;
    }
    let top = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let bar_w = W - label_w - 70.0;
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = TOP + row * i as f64;
        let shown: String = if label.chars().count() > 30 {
            label.chars().take(29).chain(['…']).collect()
        } else {
            label.clone()
        };
        let w = *value as f64 / top * bar_w;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end"><title>{}</title>{}</text><rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}">{value}</text>"#,
            label_w - 6.0,
            y + 14.0,
            esc(label),
            esc(&shown),
            y + 3.0,
            row - 6.0,
            esc(colour),
            label_w + w + 4.0,
            y + 14.0
        );
    }
    s += "</svg>";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_keeps_at_most_max_points_and_the_peaks() {
        let xs: Vec<f64> = (1..=2048).map(f64::from).collect();
        let ys: Vec<f64> = (1..=2048)
            .map(|i| if i == 1000 { 99.0 } else { 1.0 })
            .collect();
        let max = downsample(&xs, &ys, MAX_POINTS, Agg::Max);
        assert!(max.len() <= MAX_POINTS, "{}", max.len());
        assert_eq!(max.last(), Some(&(2048.0, 1.0)));
        assert!(max.iter().any(|p| p.1 == 99.0));
        let mean = downsample(&xs, &ys, MAX_POINTS, Agg::Mean);
        assert!(mean.iter().all(|p| p.1 < 99.0));
        let few = downsample(&xs[..3], &ys[..3], MAX_POINTS, Agg::Mean);
        assert_eq!(few, [(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]);
        assert!(downsample(&[], &[], MAX_POINTS, Agg::Mean).is_empty());
    }

    #[test]
    fn charts_escape_text_and_handle_no_data() {
        let line = Line {
            label: "a<b",
            colour: "#1f77b4",
            points: vec![(1.0, 2.0), (2.0, 3.5)],
        };
        let svg = line_chart("t&t", "ms", &[line]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("t&amp;t") && svg.contains("a&lt;b"), "{svg}");
        assert!(svg.contains("<polyline"), "{svg}");
        assert!(line_chart("empty", "", &[]).contains("no data"));
        let bars = bar_chart(
            "denied",
            &[("<rule>".into(), 3), ("other".into(), 0)],
            "#d62728",
        );
        assert!(
            bars.contains("&lt;rule&gt;") && !bars.contains("<rule>"),
            "{bars}"
        );
        assert_eq!(bars.matches("<rect").count(), 2);
    }

    #[test]
    fn axis_steps_are_round() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b;
        assert!(close(nice_step(100.0), 25.0));
        assert!(close(nice_step(7.0), 2.0));
        assert!(close(nice_step(0.3), 0.1));
        assert_eq!(short(1_500_000.0), "1.5M");
        assert_eq!(short(12.0), "12");
        assert_eq!(short(2.26), "2.3");
        assert_eq!(short(0.123), "0.12");
    }
}
