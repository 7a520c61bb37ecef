//! Scenario faults through the real binary, on real SQLite files: a
//! cataclysm is reproducible from the seed (same victims and event-log hash
//! for the same seed, other victims for another), kills its share, cascades
//! and replays identically; a stalled writer makes the tick wait, is
//! measured, and loses nothing; bad fault specs name their field; and
//! clients on real loopback sockets through disconnects, network chaos,
//! malformed frames and slow viewers still get every action answered.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;

fn scratch(name: &str) -> PathBuf {
    support::scratch("faults", name)
}

/// smoke.ron shortened to `ticks`, its checks replaced by `faults`.
fn scenario(dir: &Path, ticks: u64, faults: &str) -> PathBuf {
    scenario_with(dir, ticks, &format!("    faults: [{faults}],\n"))
}

/// smoke.ron shortened to `ticks`, its checks replaced by `body`.
fn scenario_with(dir: &Path, ticks: u64, body: &str) -> PathBuf {
    support::smoke_with(dir, "faulty.ron", ticks, body)
}

fn seedsim(args: &[&str], path: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(args)
        .arg(path)
        .args(extra)
        .output()
        .expect("seedsim runs");
    (
        o.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn run(path: &Path, out: &Path, seed: u64) -> serde_json::Value {
    let seed = seed.to_string();
    let (code, text) = seedsim(
        &["run"],
        path,
        &[
            "--quiet",
            "--seed",
            &seed,
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    let report = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    serde_json::from_str(&report).expect("report parses")
}

/// The cataclysm's victims, in id order.
fn victims(db: &Path) -> Vec<i64> {
    let conn = Connection::open(db).expect("events.db opens");
    let mut stmt = conn
        .prepare(
            "SELECT actor FROM events WHERE kind = 'death'
             AND json_extract(payload, '$.cause') = 'cataclysm' ORDER BY actor",
        )
        .expect("query");
    stmt.query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids")
}

const CATACLYSM: &str = r#"(at: 40, fault: Cataclysm(zone: "village", fraction: 0.5))"#;

#[test]
fn a_cataclysm_is_reproducible_from_the_seed() {
    let dir = scratch("seeded");
    let path = scenario(&dir, 60, CATACLYSM);
    let a = run(&path, &dir.join("a"), 3);
    let b = run(&path, &dir.join("b"), 3);
    let c = run(&path, &dir.join("c"), 4);
    assert_eq!(a["last_hash"], b["last_hash"]);
    assert_eq!(a["final_state_hash"], b["final_state_hash"]);
    assert_eq!(a["faults"], b["faults"]);
    assert_ne!(a["last_hash"], c["last_hash"]);
    let (va, vb, vc) = (
        victims(&dir.join("a/events.db")),
        victims(&dir.join("b/events.db")),
        victims(&dir.join("c/events.db")),
    );
    assert!(!va.is_empty());
    assert_eq!(va, vb, "same seed, same victims");
    assert_ne!(va, vc, "another seed, other victims");
}

#[test]
fn a_cataclysm_kills_its_share_cascades_and_replays() {
    let dir = scratch("cascade");
    let path = scenario(&dir, 60, CATACLYSM);
    let report = run(&path, &dir.join("out"), 7);
    let fault = &report["faults"][0];
    assert_eq!(fault["fault"], "cataclysm");
    assert_eq!(fault["reached"], true);
    let killed = fault["effects"]["killed"].as_u64().expect("killed");
    let candidates = fault["effects"]["candidates"].as_u64().expect("candidates");
    assert!(candidates >= 20, "{fault}");
    assert_eq!(killed, (candidates as f64 * 0.5).round() as u64, "{fault}");
    assert!(
        fault["summary"]
            .as_str()
            .is_some_and(|s| s.contains(&format!("killed {killed} of {candidates}"))),
        "{fault}"
    );

    let db = dir.join("out/events.db");
    assert_eq!(victims(&db).len() as u64, killed);
    let conn = Connection::open(&db).expect("events.db opens");
    // Recorded as an input of its own.
    let (input_id, tick): (i64, i64) = conn
        .query_row(
            "SELECT id, tick FROM inputs WHERE source = 'fault'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("one fault input");
    assert_eq!(tick, 40);
    // One root event; every death is its effect, carrying the input's id.
    let (root, victims_said): (i64, i64) = conn
        .query_row(
            "SELECT seq, json_extract(payload, '$.victims') FROM events WHERE kind = 'cataclysm'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("one cataclysm event");
    assert_eq!(victims_said as u64, killed);
    let linked: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'death' AND cause = ?1 AND correlation = ?2 AND depth = 1",
            [root, input_id],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(linked as u64, killed);
    // The deaths cascade through the ordinary reactions.
    for kind in ["inheritance", "loot_dropped"] {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM events e JOIN events d ON e.cause = d.seq
                 WHERE e.kind = ?1 AND d.cause = ?2 AND e.correlation = ?3",
                rusqlite::params![kind, root, input_id],
                |r| r.get(0),
            )
            .expect("count");
        assert!(n > 0, "no {kind} caused by the cataclysm's deaths");
    }
    drop(conn);
    let (code, text) = seedsim(&["replay"], &db, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("identical"), "{text}");
}

#[test]
fn a_stalled_writer_makes_the_tick_wait_and_loses_nothing() {
    let dir = scratch("stall");
    // The tick waits only once the writer is 256 ticks behind: a stall long
    // enough that even a slow debug build on a loaded machine outruns it
    // (256 ticks in 1.5 s is under 6 ms a tick).
    let path = scenario(&dir, 400, "(at: (1, 400), fault: StallWriter(ms: 1500))");
    let report = run(&path, &dir.join("out"), 7);
    let store = &report["store"];
    assert!(store["stall_secs"].as_f64().unwrap_or(0.0) > 0.0, "{store}");
    assert!(store["stalled_ticks"].as_u64().unwrap_or(0) > 0, "{store}");
    assert_eq!(store["events_written"], report["events"]["total"]);
    assert_eq!(store["ticks_written"].as_u64(), Some(401));
    let fault = &report["faults"][0];
    let stalls = fault["effects"]["writer_stalls"].as_u64().unwrap_or(0);
    assert!(stalls >= 2, "{fault}");
    assert_eq!(
        fault["effects"]["writer_stalled_ms"].as_u64(),
        Some(stalls * 1500),
        "{fault}"
    );
    let (code, text) = seedsim(&["verify"], &dir.join("out/events.db"), &[]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn bad_fault_specs_name_their_field() {
    let dir = scratch("invalid");
    for (faults, field) in [
        (
            r#"(at: 10, fault: StallWriter(ms: 5)), (at: 20, fault: Cataclysm(zone: "village", fraction: 1.5))"#,
            "faults[1].fault.fraction: 1.5 is out of range",
        ),
        (
            r#"(at: 10, fault: Cataclysm(zone: "atlantis", fraction: 0.5))"#,
            "faults[0].fault.zone: no zone is named \"atlantis\"",
        ),
        (
            r#"(at: (30, 20), fault: StallWriter(ms: 5))"#,
            "faults[0].at: (30, 20) ends before it starts",
        ),
        (
            r#"(at: 61, fault: StallWriter(ms: 5))"#,
            "faults[0].at: tick 61 is past the run's end",
        ),
        (
            r#"(at: 10, fault: Disconnect(fraction: 0.3))"#,
            "faults[0].fault: disconnect acts on client links: the scenario needs `clients`",
        ),
    ] {
        let path = scenario(&dir, 60, faults);
        let (code, text) = seedsim(&["run"], &path, &["--quiet", "--no-store"]);
        assert_eq!(code, Some(2), "{faults}: {text}");
        assert!(text.contains(field), "{faults}: {text}");
        assert!(text.contains("faulty.ron:"), "the file is named: {text}");
    }
}

#[test]
fn clients_get_every_action_answered_through_link_faults() {
    let dir = scratch("links");
    let path = scenario_with(
        &dir,
        60,
        r#"    clients: (count: 50, ramp_ticks: 5, profile: mixed, think_ms: 300, viewers: 4),
    faults: [
        (at: 20, fault: Disconnect(fraction: 0.3)),
        (at: (10, 45), fault: Network(delay_ms: 30, drop: 0.1, duplicate: 0.1)),
        (at: (15, 40), fault: Malformed(rate: 0.1)),
        (at: (10, 40), fault: SlowConsumers(fraction: 0.5)),
    ],
    assertions: [Integrity(name: "the store holds", replay: true)],
    thresholds: { "acks_missing": ["count == 0"], "connections_failed": ["count == 0"] },
"#,
    );
    let report = run(&path, &dir.join("out"), 7);
    assert_eq!(report["passed"], true, "{}", report["verdicts"]);
    let clients = &report["clients"];
    assert_eq!(clients["acks_missing"], 0, "{clients}");
    assert_eq!(clients["acks_unmatched"], 0, "{clients}");
    assert!(clients["resent"].as_u64().unwrap_or(0) > 0, "{clients}");
    let effect = |i: usize, name: &str| report["faults"][i]["effects"][name].as_u64().unwrap_or(0);
    assert!(effect(0, "disconnected") >= 1, "{}", report["faults"]);
    assert!(
        clients["connections"]["reconnects"].as_u64().unwrap_or(0) >= effect(0, "disconnected"),
        "{clients}"
    );
    for name in ["dropped", "duplicated", "delayed"] {
        assert!(effect(1, name) >= 1, "{name}: {}", report["faults"]);
    }
    assert!(effect(2, "malformed") >= 1, "{}", report["faults"]);
    assert!(effect(3, "slowed") >= 1, "{}", report["faults"]);
}
