use std::time::Duration;

use super::*;
use crate::assault::config::AssaultConfig;
use crate::assault::error_class::ErrorClass;
use crate::assault::profile::Profile;
use crate::assault::stats::{Stats, bump};
use crate::core::protocol::{Decision, ErrorCode};

/// A report of a small run: a trader acked twice (one denial), a griefer
/// mutated once, one action never answered, one refused connection.
fn sample() -> AssaultReport {
    let config = AssaultConfig::new("ws://127.0.0.1:8765", 2);
    let stats = Stats::new();
    for _ in 0..3 {
        bump(&stats.attempted);
    }
    bump(&stats.succeeded);
    bump(&stats.succeeded);
    bump(&stats.failed);
    bump(&stats.reconnects);
    // Both players were welcomed (they went on to act).
    bump(&stats.logins);
    bump(&stats.logins);
    stats.error(ErrorClass::ConnectRefused);
    stats.error(ErrorClass::Server(ErrorCode::EntityGone));
    bump(&stats.profiles[Profile::Trader.index()].clients);
    bump(&stats.profiles[Profile::Griefer.index()].clients);
    for _ in 0..2 {
        stats.sent(Profile::Trader);
    }
    stats.sent(Profile::Griefer);
    stats.sent(Profile::Griefer);
    stats.acked(
        Profile::Trader,
        Duration::from_millis(4),
        Decision::Permitted,
        None,
    );
    stats.acked(
        Profile::Trader,
        Duration::from_millis(6),
        Decision::Denied,
        Some("solvency"),
    );
    stats.acked(
        Profile::Griefer,
        Duration::from_millis(250),
        Decision::Mutated,
        Some("speed_limit"),
    );
    bump(&stats.events_expected);
    bump(&stats.events_expected);
    stats.event_seen(Profile::Trader, Duration::from_millis(9));
    AssaultReport::build(&config, &stats, Duration::from_secs(2), false, 2, 0)
}

#[test]
fn report_counts_what_happened() {
    let r = sample();
    assert_eq!(r.actions, 4);
    assert_eq!(r.acks, 3);
    assert_eq!(r.acks_missing, 1);
    assert_eq!(r.actions_per_s, 2.0);
    assert_eq!(r.events_missing, 1);
    assert_eq!(r.event_latency.count, 1);
    assert_eq!(r.ack_latency.count, 3);
    let p50 = r.ack_latency.p50_ms.unwrap();
    assert!((5.9..=6.1).contains(&p50), "{p50}");
    let max = r.ack_latency.max_ms.unwrap();
    assert!((249.0..=251.0).contains(&max), "{max}");
    assert_eq!(
        r.by_profile.len(),
        2,
        "profiles without clients are left out"
    );
    assert_eq!(r.by_profile[&Profile::Trader].acks, 2);
    let failures = r.failures();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures[0].contains("1 of 3 connection attempts"));
    assert!(failures[1].contains("1 of 4 actions"));
}

#[test]
fn buckets_rebuild_the_histogram_exactly() {
    let r = sample();
    let mut h = crate::assault::stats::histogram();
    for [us, n] in &r.ack_latency.buckets {
        h.record_n(*us, *n).unwrap();
    }
    assert_eq!(Latency::of(&h), r.ack_latency);
}

#[test]
fn json_has_the_documented_shape() {
    let v = serde_json::to_value(sample()).unwrap();
    assert_eq!(v["model"], "closed");
    assert_eq!(v["profile"], "mixed");
    assert_eq!(v["connections"]["attempted"], 3);
    assert_eq!(v["connections"]["reconnects"], 1);
    assert_eq!(v["decisions"]["denied"], 1);
    assert_eq!(v["denied_by_rule"]["solvency"], 1);
    assert_eq!(v["mutated_by_rule"]["speed_limit"], 1);
    assert_eq!(v["errors"]["connect_refused"], 1);
    assert_eq!(v["errors"]["entity_gone"], 1);
    assert!(v["errors"].get("timeout").is_none(), "only what happened");
    assert!(v["ack_latency"]["p99_ms"].is_f64());
    // A profile that measured no events has no percentiles, not zeros.
    let griefer = &v["by_profile"]["griefer"];
    assert_eq!(griefer["event_latency"]["count"], 0);
    assert!(griefer["event_latency"]["p50_ms"].is_null());
    assert_eq!(griefer["clients"], 1);
    assert_eq!(griefer["decisions"]["mutated"], 1);
    assert_eq!(v["by_profile"]["trader"]["decisions"]["denied"], 1);
}

#[test]
fn summary_shows_the_verdict_numbers_and_latencies() {
    let text = render(&sample());
    for needle in [
        "assault ws://127.0.0.1:8765: closed model, mixed, 2/2 clients started",
        "attempted 3  succeeded 2  failed 1  reconnects 1",
        "sent 4  acks 3  missing 1",
        "permitted 1  mutated 1  denied 1",
        "denied by       solvency 1",
        "errors          connect_refused 1, entity_gone 1",
        "action -> ack",
        "griefer ack",
        "trader event",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains("griefer event"), "nothing measured:\n{text}");
    let empty = AssaultReport::build(
        &AssaultConfig::new("ws://h:1", 1),
        &Stats::new(),
        Duration::ZERO,
        true,
        0,
        0,
    );
    let text = render(&empty);
    assert!(text.contains("stopped early"), "{text}");
    assert!(text.contains("errors          none"), "{text}");
    let overall = text
        .lines()
        .find(|l| l.contains("action -> event"))
        .unwrap();
    assert!(overall.contains('-'), "no samples, no numbers: {overall}");
}

#[test]
fn a_run_where_nobody_logs_in_or_the_protocol_differs_fails() {
    let config = AssaultConfig::new("ws://127.0.0.1:8765", 2);
    let stats = Stats::new();
    bump(&stats.attempted);
    bump(&stats.succeeded);
    let r = AssaultReport::build(&config, &stats, Duration::from_secs(2), false, 2, 0);
    let failures = r.failures();
    assert!(
        failures.iter().any(|f| f.contains("could log in")),
        "{failures:?}"
    );
    stats.error(ErrorClass::Protocol);
    bump(&stats.logins);
    let r = AssaultReport::build(&config, &stats, Duration::from_secs(2), false, 2, 0);
    let failures = r.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("protocol version"), "{failures:?}");
}
