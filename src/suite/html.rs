//! `report.html`: the whole suite on one page that opens from disk, offline
//! and forever: inline CSS, plots as inline SVG (see [`super::plot`]), no
//! script, no font or image fetched from anywhere. A table of runs and one
//! of checks (pass and fail coloured), then per run its figures, plots from
//! its `report.json` and, when it did not complete, its stderr. Everything
//! taken from reports or scenario files goes through [`esc`].

use std::fmt::Write;
use std::path::Path;

use super::SuiteResult;
use super::plot::{Agg, Line, MAX_POINTS, bar_chart, downsample, line_chart};
use super::run::{RunOutcome, RunStatus};
use crate::report::Report;

/// `s` safe as HTML text and as a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&#39;",
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1320px;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1.5em}\
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
td.n{text-align:right}th{background:#f3f3f3}\
tr.pass td.s{background:#d9f2dd}tr.fail td.s{background:#f9d6d5}\
tr.fail{background:#fff4f3}\
code,pre{font:12px/1.35 ui-monospace,monospace}\
pre{background:#f6f6f6;border:1px solid #ddd;padding:.5em;overflow-x:auto;max-height:24em}\
section{border-top:2px solid #ddd;margin-top:1.5em}\
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:.5em 1.5em}\
svg.plot{width:100%;height:auto;font-size:11px;fill:#333}\
svg .title{font-size:13px;font-weight:600}svg .grid{stroke:#e4e4e4}svg .unit{fill:#777}\
.note{color:#666;font-size:12px}";

const BLUE: &str = "#1f77b4";
const ORANGE: &str = "#ff7f0e";
const GREEN: &str = "#2ca02c";
const RED: &str = "#d62728";

/// The page.
pub fn html_report(result: &SuiteResult) -> String {
    let t = result.totals();
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>seedsim test: {}</title><style>{STYLE}</style></head><body>\n\
         <h1>seedsim test</h1>\n<p><b>runs</b>: {} passed, {} failed, {} invalid, {} crashed, \
         {} skipped &nbsp; <b>checks</b>: {} passed, {} failed &nbsp; {:.1} s &nbsp; \
         <span class=\"note\">seedsim {}, {}</span></p>\n",
        esc(&result.report_dir.display().to_string()),
        t.runs_passed,
        t.runs_failed,
        t.runs_invalid,
        t.runs_crashed,
        t.skipped,
        t.checks_passed,
        t.checks_failed,
        result.wall_secs,
        env!("CARGO_PKG_VERSION"),
        esc(&result.report_dir.display().to_string()),
    );
    runs_table(&mut s, result);
    checks_table(&mut s, result);
    if !result.skipped.is_empty() {
        s += "<h2>Skipped</h2>\n<ul>";
        for k in &result.skipped {
            let _ = write!(
                s,
                "<li><code>{}</code> ({}): {}</li>",
                esc(&k.file),
                esc(&k.scenario),
                esc(&k.reason)
            );
        }
        s += "</ul>\n";
    }
    for (i, run) in result.runs.iter().enumerate() {
        run_section(&mut s, i, run);
    }
    s += "</body></html>\n";
    s
}

fn row_class(passed: bool) -> &'static str {
    if passed { "pass" } else { "fail" }
}

fn runs_table(s: &mut String, result: &SuiteResult) {
    *s += "<h2>Runs</h2>\n<table><tr><th>status</th><th>scenario</th><th>file</th><th>seed</th>\
          <th>wall</th><th>checks</th><th>problem / reproduce</th></tr>\n";
    for (i, run) in result.runs.iter().enumerate() {
        let failed = run.checks_failed();
        let why = match (&run.problem, run.status) {
            (_, RunStatus::Passed) => String::new(),
            (Some(p), _) => format!("{}<br><code>{}</code>", esc(p), esc(&run.repro)),
            (None, _) => format!("<code>{}</code>", esc(&run.repro)),
        };
        let _ = writeln!(
            s,
            "<tr class=\"{}\"><td class=\"s\">{} {}</td><td><a href=\"#run-{i}\">{}</a></td>\
             <td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{:.2} s</td>\
             <td class=\"n\">{} / {}</td><td>{why}</td></tr>",
            row_class(run.status == RunStatus::Passed),
            run.status.symbol(),
            run.status.as_str(),
            esc(&run.scenario),
            esc(&run.file),
            run.seed.map(|n| n.to_string()).unwrap_or_default(),
            run.wall_secs,
            run.verdicts.len() - failed,
            run.verdicts.len(),
        );
    }
    *s += "</table>\n";
}

fn checks_table(s: &mut String, result: &SuiteResult) {
    if result.runs.iter().all(|r| r.verdicts.is_empty()) {
        *s += "<p class=\"note\">No run reported assertions or thresholds.</p>\n";
        return;
    }
    *s += "<h2>Checks</h2>\n<table><tr><th></th><th>run</th><th>check</th><th>measured</th>\
          <th>expected</th><th>tick</th><th>detail</th></tr>\n";
    for (i, run) in result.runs.iter().enumerate() {
        for v in &run.verdicts {
            let _ = writeln!(
                s,
                "<tr class=\"{}\"><td class=\"s\">{}</td><td><a href=\"#run-{i}\">{}</a></td>\
                 <td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                row_class(v.passed),
                v.symbol(),
                esc(&run.label),
                esc(&v.name),
                esc(&v.measured),
                esc(&v.expected),
                v.tick,
                esc(&v.detail),
            );
        }
    }
    *s += "</table>\n";
}

fn run_section(s: &mut String, i: usize, run: &RunOutcome) {
    let _ = writeln!(
        s,
        "<section id=\"run-{i}\"><h2>{} {} <small>({})</small></h2>",
        run.status.symbol(),
        esc(&run.label),
        run.status.as_str()
    );
    let _ = write!(s, "<p><code>{}</code>", esc(&run.file));
    if run.report.is_some()
        && let Some(dir) = Path::new(&run.run_dir).file_name()
    {
        let dir = dir.to_string_lossy();
        let _ = write!(
            s,
            " &nbsp; <a href=\"{}/report.json\">report.json</a>",
            esc(&dir)
        );
    }
    *s += "</p>\n";
    if run.status != RunStatus::Passed {
        if let Some(p) = &run.problem {
            let _ = writeln!(s, "<p><b>{}</b></p>", esc(p));
        }
        let _ = writeln!(s, "<p>reproduce: <code>{}</code></p>", esc(&run.repro));
        if matches!(run.status, RunStatus::Crashed | RunStatus::Invalid)
            && !run.stderr_tail.is_empty()
        {
            let _ = writeln!(s, "<pre>{}</pre>", esc(&run.stderr_tail));
        }
    }
    if let Some(r) = &run.report {
        figures(s, r);
        plots(s, r);
        if let Some(n) = &r.narrative {
            super::html_narrative::section(s, n);
        }
    }
    *s += "</section>\n";
}

fn figures(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "<p>{} ticks in {:.2} s; tick ms p50 {:.3}, p99 {:.3}, max {:.3}, mean {:.3}; {} events</p>",
        r.ticks,
        r.wall_secs,
        r.tick_ms.p50,
        r.tick_ms.p99,
        r.tick_ms.max,
        r.tick_ms.mean,
        r.events.total
    );
}

fn plots(s: &mut String, r: &Report) {
    let c = &r.series;
    let ticks: Vec<f64> = c.tick.iter().map(|&t| t as f64).collect();
    let f = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<f64>>();
    // A point holds the sums of the ticks since the previous point; a tick
    // is a tenth of a simulated second.
    let per_second = |v: &[u64]| -> Vec<f64> {
        let mut prev = 0;
        c.tick
            .iter()
            .zip(v)
            .map(|(&t, &a)| {
                let span = t.saturating_sub(prev).max(1);
                prev = t;
                a as f64 * 10.0 / span as f64
            })
            .collect()
    };
    let denied: Vec<(String, u64)> = r
        .governance
        .iter()
        .map(|(rule, d)| (rule.clone(), d.denied))
        .collect();
    *s += "<div class=\"plots\">\n";
    *s += &line_chart(
        "Tick time",
        "ms",
        &[
            Line {
                label: "mean",
                colour: BLUE,
                points: downsample(&ticks, &c.tick_ms, MAX_POINTS, Agg::Mean),
            },
            Line {
                label: "max",
                colour: ORANGE,
                points: downsample(&ticks, &c.tick_ms_max, MAX_POINTS, Agg::Max),
            },
        ],
    );
    *s += &line_chart(
        "Population",
        "agents",
        &[Line {
            label: "population",
            colour: GREEN,
            points: downsample(&ticks, &f(&c.population), MAX_POINTS, Agg::Mean),
        }],
    );
    let mut rates = vec![Line {
        label: "actions",
        colour: BLUE,
        points: downsample(&ticks, &per_second(&c.actions), MAX_POINTS, Agg::Mean),
    }];
    // Reports from before the series counted events have only actions.
    if c.events.len() == c.tick.len() && !c.events.is_empty() {
        rates.insert(
            0,
            Line {
                label: "events",
                colour: GREEN,
                points: downsample(&ticks, &per_second(&c.events), MAX_POINTS, Agg::Mean),
            },
        );
    }
    *s += &line_chart("Events and actions per simulated second", "/s", &rates);
    *s += &bar_chart("Denials by governance rule", &denied, RED);
    if let Some(clients) = &r.clients {
        *s += &bar_chart(
            "Clients: action → ack latency",
            &latency_bins(&clients.ack_latency.buckets),
            BLUE,
        );
        *s += &bar_chart(
            "Clients: action → its event on the stream",
            &latency_bins(&clients.event_latency.buckets),
            GREEN,
        );
    }
    *s += "</div>\n";
}

/// Upper edges of the latency histogram's bars, in milliseconds.
const LATENCY_EDGES_MS: [u64; 10] = [5, 10, 20, 50, 100, 150, 200, 500, 1000, 5000];

/// An HDR histogram's buckets (`[µs, count]`) as counts per latency band.
fn latency_bins(buckets: &[[u64; 2]]) -> Vec<(String, u64)> {
    let mut counts = [0u64; LATENCY_EDGES_MS.len() + 1];
    for [us, n] in buckets {
        let band = LATENCY_EDGES_MS
            .iter()
            .position(|edge| *us <= edge * 1000)
            .unwrap_or(LATENCY_EDGES_MS.len());
        counts[band] += n;
    }
    let mut lower = 0;
    let mut out = Vec::new();
    for (i, n) in counts.into_iter().enumerate() {
        let label = match LATENCY_EDGES_MS.get(i) {
            Some(edge) => {
                let l = format!("{lower}–{edge} ms");
                lower = *edge;
                l
            }
            None => format!("> {lower} ms"),
        };
        out.push((label, n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::fixtures;

    #[test]
    fn page_is_self_contained_escaped_and_plotted() {
        let page = html_report(&fixtures::suite());
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(!page.contains("<script") && !page.contains("<link"));
        // Two runs have reports: four plots each.
        assert_eq!(page.matches("<svg").count(), 8);
        assert!(
            page.contains("market &lt;&amp;&gt;[seed=17]"),
            "escaped label"
        );
        assert!(!page.contains("market <&>"), "unescaped text");
        assert!(page.contains("tick_ms: p99 &lt; 20"));
        assert!(page.contains("killed by signal 6"));
        assert!(page.contains("no-pvp-in-safe-zones"));
        assert!(page.contains("href=\"smoke-7/report.json\""));
        for polyline in page.split("points=\"").skip(1) {
            let points = polyline.split('"').next().unwrap_or("");
            assert!(
                points.split(' ').count() <= MAX_POINTS,
                "a line of too many points"
            );
        }
        assert!(page.len() < 200_000, "{} bytes", page.len());
    }

    #[test]
    fn latency_bands_count_every_bucket_once() {
        let bins = latency_bins(&[
            [800, 2],
            [5_000, 1],
            [5_001, 4],
            [149_000, 3],
            [9_000_000, 1],
        ]);
        assert_eq!(bins.len(), LATENCY_EDGES_MS.len() + 1);
        assert_eq!(bins[0], ("0–5 ms".to_string(), 3));
        assert_eq!(bins[1], ("5–10 ms".to_string(), 4));
        assert_eq!(bins[5], ("100–150 ms".to_string(), 3));
        assert_eq!(bins[10], ("> 5000 ms".to_string(), 1));
        assert_eq!(bins.iter().map(|b| b.1).sum::<u64>(), 11);
    }

    #[test]
    fn esc_covers_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
