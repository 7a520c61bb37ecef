//! `GET /metrics` in Prometheus' text exposition format. The figures are the
//! gauges both sides keep anyway; governance decisions are asked of the
//! simulation. Writing this format takes a few lines, so no client library
//! (and its registry of metric objects) is pulled in for it.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::bridge::SimQuery;
use super::rest::ApiState;

fn metric(out: &mut String, name: &str, kind: &str, help: &str, value: f64) {
    let _ = writeln!(out, "# HELP seedsim_{name} {help}");
    let _ = writeln!(out, "# TYPE seedsim_{name} {kind}");
    let _ = writeln!(out, "seedsim_{name} {value}");
}

/// A label value, escaped as the format requires.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub async fn metrics(State(s): State<ApiState>) -> impl IntoResponse {
    let g = &s.net.gauges;
    let v = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed) as f64;
    let mut out = String::with_capacity(4096);
    metric(&mut out, "tick", "gauge", "The last tick run.", v(&g.tick));
    metric(
        &mut out,
        "tick_seconds",
        "gauge",
        "Wall time of the last tick.",
        v(&g.tick_us) / 1e6,
    );
    metric(
        &mut out,
        "tick_p99_seconds",
        "gauge",
        "99th percentile tick wall time over the run.",
        v(&g.tick_p99_us) / 1e6,
    );
    metric(
        &mut out,
        "population",
        "gauge",
        "Entities alive.",
        v(&g.population),
    );
    metric(
        &mut out,
        "events_total",
        "counter",
        "Events emitted since the run began.",
        v(&g.events),
    );
    metric(
        &mut out,
        "connections",
        "gauge",
        "Open WebSocket connections.",
        v(&g.connections),
    );
    metric(
        &mut out,
        "players",
        "gauge",
        "Connections logged in as players.",
        v(&g.players),
    );
    metric(
        &mut out,
        "viewers",
        "gauge",
        "Connections with a subscription.",
        v(&g.viewers),
    );
    metric(
        &mut out,
        "input_queue_depth",
        "gauge",
        "Inputs waiting for the next tick.",
        (s.input_depth)() as f64,
    );
    metric(
        &mut out,
        "inputs_refused_total",
        "counter",
        "Inputs refused because the queue was full.",
        v(&g.inputs_refused_busy),
    );
    metric(
        &mut out,
        "frames_dropped_total",
        "counter",
        "Tick frames the hub could not take in time.",
        v(&g.frames_dropped),
    );
    metric(
        &mut out,
        "messages_sent_total",
        "counter",
        "Messages queued to connections.",
        v(&g.messages_sent),
    );
    metric(
        &mut out,
        "messages_dropped_total",
        "counter",
        "Messages dropped at full connection queues.",
        v(&g.messages_dropped),
    );
    metric(
        &mut out,
        "lagged_total",
        "counter",
        "Times a connection's queue overflowed.",
        v(&g.lagged),
    );
    metric(
        &mut out,
        "paused",
        "gauge",
        "1 while the simulation is paused.",
        if g.paused.load(Ordering::Relaxed) {
            1.0
        } else {
            0.0
        },
    );
    if let Ok(gov) = s.net.ask(SimQuery::Governance).await
        && let Some(rules) = gov["by_rule"].as_object()
    {
        let _ = writeln!(
            out,
            "# HELP seedsim_governance_decisions_total Governance decisions by rule."
        );
        let _ = writeln!(out, "# TYPE seedsim_governance_decisions_total counter");
        for (rule, d) in rules {
            for decision in ["permitted", "mutated", "denied"] {
                let n = d[decision].as_u64().unwrap_or(0);
                let _ = writeln!(
                    out,
                    "seedsim_governance_decisions_total{{rule=\"{}\",decision=\"{decision}\"}} {n}",
                    label(rule)
                );
            }
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
}
