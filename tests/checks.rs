//! Scenario assertions and thresholds through the real binary: each kind
//! of assertion can fail (exit 1, its ✗ line and the reproduce command),
//! everything passes on a sound scenario (exit 0), an unknown threshold
//! metric is an invalid scenario (exit 2), and `abort_on_fail` stops a run
//! at the failing threshold.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    support::scratch("checks", name)
}

/// smoke.ron shortened to `ticks`, its own checks replaced by `checks`.
fn scenario(dir: &Path, ticks: u64, checks: &str) -> PathBuf {
    support::smoke_with(dir, "checked.ron", ticks, checks)
}

/// The `report.json` a run wrote into `out`.
fn report(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    serde_json::from_str(&text).expect("report.json is JSON")
}

fn run(path: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("run")
        .arg(path)
        .args(["--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("seedsim runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn every_kind_of_assertion_can_fail() {
    let dir = scratch("fail");
    let path = scenario(
        &dir,
        60,
        r#"
    assertions: [
        State(name: "a crowd of villagers", measure: Count, filter: (kind: Some("villager")), expect: ">= 100000"),
        State(name: "everyone is poor", measure: Max(wealth), expect: "< 1", when: Always),
        Action(name: "nobody trades", action: "trade", expect: "== 0"),
        Governance(name: "nothing permitted", rule: "rate_limit", decision: permitted, expect: "== 0"),
        Timing(name: "attacks make babies", first: "attack", then: "birth", within_ticks: 0),
        Memory(name: "tiny", peak_mib: Some(1.0)),
        Narrative(name: "a thousand feuds", measure: Adopted(Some(revenge)), expect: ">= 1000"),
    ],
    thresholds: { "tick_ms": ["max < 0.0001"] },"#,
    );
    let (code, out, err) = run(&path, &dir.join("out"), &["--seed", "5"]);
    assert_eq!(code, Some(1), "{out}{err}");
    for name in [
        "a crowd of villagers",
        "everyone is poor",
        "nobody trades",
        "nothing permitted",
        "attacks make babies",
        "tiny",
        "a thousand feuds",
        "tick_ms: max < 0.0001",
    ] {
        assert!(out.contains(&format!("✗ {name}")), "{name}:\n{out}");
    }
    assert!(out.contains("first broken at tick 1"), "{out}");
    assert!(
        out.contains(&format!(
            "reproduce with: seedsim run {} --seed 5",
            path.display()
        )),
        "{out}"
    );
    let report = report(&dir.join("out"));
    assert_eq!(report["passed"], false);
    assert_eq!(report["verdicts"].as_array().map(Vec::len), Some(8));
    assert!(
        report["narrative"]["checked"] == true,
        "the story is checked"
    );

    // Integrity needs the store: without it, it fails and says why.
    let path = scenario(
        &dir,
        20,
        r#"
    assertions: [
        Integrity(name: "stored", replay: true),
        Narrative(name: "consistent", measure: Findings, expect: "== 0"),
    ],"#,
    );
    let (code, out, _) = run(&path, &dir.join("nostore"), &["--no-store"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("✗ stored") && out.contains("no events.db"),
        "{out}"
    );
    assert!(
        out.contains("✗ consistent") && out.contains("no store"),
        "the story check needs the store: {out}"
    );
}

#[test]
fn a_sound_scenario_passes_every_check() {
    let dir = scratch("pass");
    let path = scenario(
        &dir,
        120,
        r#"
    assertions: [
        State(name: "villagers remain", measure: Count, filter: (kind: Some("villager"), zone: Some("village")), expect: ">= 1"),
        State(name: "health stays in range", measure: Max(health), expect: "<= 100", when: Always),
        Action(name: "trades happen", action: "trade", expect: ">= 1"),
        Governance(name: "no teleports", rule: "speed_limit", decision: denied, expect: "== 0"),
        Timing(name: "attacks hurt at once", first: "attack", then: "damage", within_ticks: 0),
        Integrity(name: "the store holds", replay: true),
    ],
    thresholds: { "population": ["min > 0"], "events{kind:trade}": ["count >= 1"] },"#,
    );
    let (code, out, err) = run(&path, &dir.join("out"), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("checks: 8 of 8 passed"), "{out}");
}

#[test]
fn an_unknown_threshold_metric_is_an_invalid_scenario() {
    let dir = scratch("unknown");
    for (checks, needle) in [
        (
            r#"thresholds: { "tick_time": ["p99 < 20"] },"#,
            "unknown metric \"tick_time\"",
        ),
        (
            r#"thresholds: { "denied{rule:no_such_rule}": ["count == 0"] },"#,
            "no_such_rule",
        ),
        (
            r#"thresholds: { "tick_ms": ["p99 about 20"] },"#,
            "about 20",
        ),
        (
            r#"assertions: [Governance(name: "x", rule: "nope", decision: denied, expect: "== 0")],"#,
            "nope",
        ),
        (
            r#"assertions: [Action(name: "x", action: "fly", expect: "== 0")],"#,
            "fly",
        ),
    ] {
        let path = scenario(&dir, 10, &format!("\n    {checks}"));
        let (code, _, err) = run(&path, &dir.join("out"), &[]);
        assert_eq!(code, Some(2), "{checks}: {err}");
        assert!(err.contains(needle), "{checks}: {err}");
    }
}

#[test]
fn abort_on_fail_stops_the_run_at_the_failing_threshold() {
    let dir = scratch("abort");
    let path = scenario(
        &dir,
        300,
        r#"
    thresholds: { "population": ["max < 10"] },
    abort_on_fail: true,"#,
    );
    let (code, out, _) = run(&path, &dir.join("out"), &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("aborted the run at tick 10"), "{out}");
    let report = report(&dir.join("out"));
    assert_eq!(
        report["ticks"], 10,
        "the run stopped at the first judgement"
    );
}

#[test]
fn a_scenario_with_clients_is_served_assaulted_and_judged_on_their_latency() {
    let dir = scratch("clients");
    let path = scenario(
        &dir,
        30,
        r#"
    clients: (count: 12, ramp_ticks: 3, think_ms: 300),
    assertions: [Integrity(name: "replays with the clients' inputs", replay: true)],
    thresholds: {
        "acks_missing": ["count == 0"],
        "ack_ms{profile:griefer}": ["count >= 1"],
        "ack_ms": ["max < 0.001"],
    },"#,
    );
    let (code, out, err) = run(&path, &dir.join("out"), &[]);
    // The last threshold cannot hold: the run fails on it alone.
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("✓ replays with the clients' inputs"), "{out}");
    assert!(out.contains("✓ acks_missing: count == 0"), "{out}");
    assert!(
        out.contains("✓ ack_ms{profile:griefer}: count >= 1"),
        "{out}"
    );
    assert!(out.contains("✗ ack_ms: max < 0.001"), "{out}");
    let report = report(&dir.join("out"));
    assert_eq!(report["clients"]["connections"]["succeeded"], 12);
    // Client metrics need clients.
    let path = scenario(
        &dir,
        10,
        r#"
    thresholds: { "ack_ms": ["p99 < 100"] },"#,
    );
    let (code, _, err) = run(&path, &dir.join("out2"), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no `clients`"), "{err}");
}

#[test]
fn clients_can_arrive_at_a_rate_with_a_mix_of_profiles_for_a_while() {
    let dir = scratch("open-clients");
    let path = scenario(
        &dir,
        40,
        r#"
    clients: (count: 8, arrival_rate: 20.0, session_ticks: 15, duration_ticks: 25, think_ms: 200,
              mix: { trader: 1, griefer: 1 }),
    thresholds: { "acks_missing": ["count == 0"], "connections_failed": ["count == 0"] },"#,
    );
    let (code, out, err) = run(&path, &dir.join("out"), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    let report = report(&dir.join("out"));
    let c = &report["clients"];
    assert_eq!(c["model"], "open", "{c}");
    assert_eq!(c["clients_started"], 8, "{c}");
    assert!(c["duration_s"].as_f64().unwrap() <= 2.6, "{c}");
    let profiles: Vec<&str> = c["by_profile"]
        .as_object()
        .expect("by_profile")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(profiles, ["griefer", "trader"], "{c}");
    assert_eq!(c["by_profile"]["trader"]["clients"], 4, "{c}");
    // Sessions only exist in the open model.
    let path = scenario(
        &dir,
        10,
        r#"
    clients: (count: 3, session_ticks: 5),"#,
    );
    let (code, _, err) = run(&path, &dir.join("out2"), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("clients.session_ticks"), "{err}");
}

#[test]
fn clients_can_run_in_a_child_process_and_a_load_too_big_for_the_machine_is_refused() {
    let dir = scratch("child-clients");
    let path = scenario(
        &dir,
        30,
        r#"
    clients: (count: 10, ramp_ticks: 3, think_ms: 300, viewers: 1, process: child),
    thresholds: { "acks_missing": ["count == 0"], "connections_failed": ["count == 0"] },"#,
    );
    let (code, out, err) = run(&path, &dir.join("out"), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    let report = report(&dir.join("out"));
    let c = &report["clients"];
    assert_eq!(c["connections"]["succeeded"], 10, "{c}");
    assert!(c["acks"].as_u64().unwrap() > 0, "{c}");
    assert_eq!(c["viewers"]["connected"], 1, "{c}");
    // Past what one process may drive: an invalid scenario, refused when it
    // loads, before anything is served (the run-time check of descriptors
    // is for smaller loads on machines with low limits).
    let path = scenario(
        &dir,
        30,
        r#"
    clients: (count: 600000000),"#,
    );
    let (code, _, err) = run(&path, &dir.join("out2"), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("clients.count"), "{err}");
    assert!(err.contains("at most 100000"), "{err}");
    assert!(
        !dir.join("out2").exists(),
        "a refused scenario leaves no folder"
    );
}

#[test]
fn no_blow_lands_on_a_player_who_is_leaving() {
    // Fighters and griefers whose sessions end while others attack them:
    // a session that ends this tick ends before anyone acts, so every
    // attack that is carried out finds its target and does its damage.
    let dir = scratch("leaving");
    let path = scenario(
        &dir,
        120,
        r#"
    clients: (count: 120, arrival_rate: 30.0, session_ticks: 20, think_ms: 150, mix: { fighter: 2, griefer: 1 }),
    assertions: [
        Timing(name: "every attack does its damage at once", first: "attack", then: "damage", within_ticks: 0),
    ],"#,
    );
    let (code, out, err) = run(&path, &dir.join("out"), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    let report = report(&dir.join("out"));
    assert!(
        report["totals"]["departures"].as_u64().unwrap() >= 50,
        "{}",
        report["totals"]
    );
    assert!(report["events"]["by_kind"]["attack"].as_u64().unwrap() >= 100);
}
