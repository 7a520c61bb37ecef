//! The `Restart` fault through the real binary, on a real SQLite file and
//! real loopback sockets: players connected through two server restarts
//! get every action answered and every connection through (they come back
//! on the same port), the world rebuilt from the store has the state hash
//! it had before, the store verifies and the whole file replays bit for
//! bit; a run that cannot rebuild (no store) fails with exit 1 and a clear
//! message, never a panic.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;

fn scratch(name: &str) -> PathBuf {
    support::scratch("restart", name)
}

/// smoke.ron shortened to `ticks`, its checks replaced by `body`.
fn scenario_with(dir: &Path, ticks: u64, body: &str) -> PathBuf {
    support::smoke_with(dir, "restarting.ron", ticks, body)
}

fn seedsim(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(args)
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

const CLIENTS: &str = r#"    clients: (count: 30, ramp_ticks: 5, profile: mixed, think_ms: 300, viewers: 2),
    faults: [
        (at: 40, fault: Restart),
        (at: (50, 70), fault: Network(delay_ms: 20, drop: 0.05, duplicate: 0.05)),
        (at: 80, fault: Restart),
    ],
    assertions: [Integrity(name: "the store holds", replay: true)],
    thresholds: { "acks_missing": ["count == 0"], "connections_failed": ["count == 0"] },
"#;

#[test]
fn clients_play_on_through_two_restarts_and_the_store_replays() {
    let dir = scratch("twice");
    let path = scenario_with(&dir, 120, CLIENTS);
    let out = dir.join("out");
    let (code, text) = seedsim(&[
        "run",
        &path.display().to_string(),
        "--quiet",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("server restarted in"),
        "the summary says it: {text}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report"))
            .expect("report parses");
    assert_eq!(report["passed"], true, "{}", report["verdicts"]);
    let clients = &report["clients"];
    assert_eq!(clients["acks_missing"], 0, "{clients}");
    assert_eq!(clients["connections"]["failed"], 0, "{clients}");

    let db = out.join("events.db");
    let conn = Connection::open(&db).expect("events.db opens");
    for (i, tick) in [(0usize, 40u64), (2, 80)] {
        let f = &report["faults"][i];
        let effect = |name: &str| f["effects"][name].as_u64().unwrap_or(0);
        assert_eq!(effect("restarts"), 1, "{f}");
        assert_eq!(effect("state_hash_matches"), 1, "{f}");
        assert_eq!(effect("ticks_replayed"), tick, "{f}");
        assert!(effect("events_replayed") > 0, "{f}");
        // Every player (and the viewers) was connected, and came back.
        assert!(effect("connections_closed") >= 30, "{f}");
        assert!(effect("reconnects") >= 30, "{f}");
        assert!(effect("players_departed") >= 1, "{f}");
        // The hash before the restart is the one the record holds for that
        // tick (and the rebuilt world's: the run checked they are equal).
        let stored: String = conn
            .query_row(
                "SELECT state_hash FROM ticks WHERE tick = ?1",
                [tick as i64],
                |r| r.get(0),
            )
            .expect("the restart's tick is recorded");
        assert_eq!(f["notes"]["state_hash"], stored.as_str(), "{f}");
        // The restart is an input of the first tick after it.
        let recorded: i64 = conn
            .query_row(
                "SELECT count(*) FROM inputs WHERE tick = ?1 AND source = 'fault'
                 AND json_extract(payload, '$.strike.kind') = 'restart'",
                [tick as i64 + 1],
                |r| r.get(0),
            )
            .expect("query inputs");
        assert_eq!(recorded, 1, "restart input at tick {}", tick + 1);
    }
    let gaps: i64 = conn
        .query_row("SELECT max(seq) - count(*) FROM events", [], |r| r.get(0))
        .expect("seqs");
    assert_eq!(gaps, 0, "one gapless chain across the restarts");
    drop(conn);

    let db = db.display().to_string();
    let (code, text) = seedsim(&["verify", &db]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("intact"), "{text}");
    let (code, text) = seedsim(&["replay", &db]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("identical"), "{text}");
}

#[test]
fn a_restart_without_a_store_fails_cleanly() {
    let dir = scratch("nostore");
    let path = scenario_with(
        &dir,
        30,
        "    clients: (count: 3, ramp_ticks: 2, think_ms: 300),\n    faults: [(at: 10, fault: Restart)],\n",
    );
    let (code, text) = seedsim(&[
        "run",
        &path.display().to_string(),
        "--quiet",
        "--no-store",
        "--out",
        &dir.join("out").display().to_string(),
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("restart after tick 10: the run records no event store to rebuild from"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
}
