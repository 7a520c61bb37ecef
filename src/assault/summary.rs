//! The end-of-run summary as a plain-text table for a terminal or a CI log:
//! the same numbers as the JSON report, laid out so that the verdict-relevant
//! lines (connections, missing acks) come first and latencies line up by
//! column. Rendering is a pure function of the report, so it is tested
//! without a server.

use std::fmt::Write;

use super::report::{AssaultReport, Latency, Model};

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "-".into(),
    }
}

fn latency_cells(l: &Latency) -> String {
    format!(
        "{:>8} {:>8} {:>8} {:>8} {:>8}",
        ms(l.p50_ms),
        ms(l.p95_ms),
        ms(l.p99_ms),
        ms(l.max_ms),
        l.count
    )
}

fn counts<K: std::fmt::Display>(items: impl Iterator<Item = (K, u64)>) -> String {
    let parts: Vec<String> = items.map(|(k, n)| format!("{k} {n}")).collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// The summary table.
pub fn render(r: &AssaultReport) -> String {
    let mut out = String::new();
    let model = match r.model {
        Model::Closed => "closed model",
        Model::Open => "open model",
    };
    let profile = r.profile.name();
    let stopped = if r.stopped_early {
        ", stopped early"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "assault {}: {model}, {profile}, {}/{} clients started, {:.1}s of {:.1}s{stopped} (seed {})",
        r.target, r.clients_started, r.clients_planned, r.active_s, r.duration_s, r.seed
    );
    let c = &r.connections;
    let mut row = |label: &str, value: String| {
        let _ = writeln!(out, "  {label:<16}{value}");
    };
    row(
        "connections",
        format!(
            "attempted {}  succeeded {}  failed {}  reconnects {}  logins {}",
            c.attempted, c.succeeded, c.failed, c.reconnects, r.logins
        ),
    );
    if let Some(v) = &r.viewers {
        let ms = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.1}"));
        row(
            "viewers",
            format!(
                "{} of {} connected  batches {}  events {}  missing {}  lagged {}  lost {}",
                v.connected, v.viewers, v.batches, v.events, v.gaps, v.lagged, v.lost
            ),
        );
        row(
            "batch delay",
            format!(
                "after tick end: p50 {} ms  p95 {} ms  p99 {} ms  max {} ms",
                ms(v.delay.p50_ms),
                ms(v.delay.p95_ms),
                ms(v.delay.p99_ms),
                ms(v.delay.max_ms)
            ),
        );
    }
    row(
        "actions",
        format!(
            "sent {}  acks {}  missing {}  unmatched {}  resent {}  ({:.1}/s)",
            r.actions, r.acks, r.acks_missing, r.acks_unmatched, r.resent, r.actions_per_s
        ),
    );
    row(
        "events",
        format!(
            "expected {}  arrived {}  missing {}  lagged frames {}",
            r.events_expected, r.event_latency.count, r.events_missing, r.lagged
        ),
    );
    let d = &r.decisions;
    row(
        "decisions",
        format!(
            "permitted {}  mutated {}  denied {}",
            d.permitted, d.mutated, d.denied
        ),
    );
    row(
        "denied by",
        counts(r.denied_by_rule.iter().map(|(k, n)| (k, *n))),
    );
    row(
        "mutated by",
        counts(r.mutated_by_rule.iter().map(|(k, n)| (k, *n))),
    );
    row(
        "errors",
        counts(r.errors.iter().map(|(k, n)| (k.name(), *n))),
    );
    if r.client_crashes > 0 {
        row("client crashes", r.client_crashes.to_string());
    }
    let _ = writeln!(
        out,
        "\n  {:<22}{:>8} {:>8} {:>8} {:>8} {:>8}",
        "latency (ms)", "p50", "p95", "p99", "max", "count"
    );
    let mut lat = |label: String, l: &Latency| {
        let _ = writeln!(out, "  {label:<22}{}", latency_cells(l));
    };
    lat("action -> ack".into(), &r.ack_latency);
    lat("action -> event".into(), &r.event_latency);
    // Per profile only where something was measured: a refused run would
    // otherwise print a wall of dashes.
    for (profile, p) in &r.by_profile {
        let name = profile.name();
        if p.ack_latency.count > 0 {
            lat(format!("{name} ack"), &p.ack_latency);
        }
        if p.event_latency.count > 0 {
            lat(format!("{name} event"), &p.event_latency);
        }
    }
    if !r.by_profile.is_empty() {
        let _ = writeln!(
            out,
            "\n  {:<22}{:>8} {:>8} {:>8} {:>9} {:>8} {:>8}",
            "profile", "clients", "actions", "acks", "permitted", "mutated", "denied"
        );
        for (profile, p) in &r.by_profile {
            let d = &p.decisions;
            let _ = writeln!(
                out,
                "  {:<22}{:>8} {:>8} {:>8} {:>9} {:>8} {:>8}",
                profile.name(),
                p.clients,
                p.actions,
                p.acks,
                d.permitted,
                d.mutated,
                d.denied
            );
        }
    }
    out
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
