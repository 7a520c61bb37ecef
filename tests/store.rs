//! The event store on real SQLite files: tampering and truncation are caught
//! by `verify`, a killed run leaves a database that verifies up to its last
//! committed tick, `replay` confirms a run and finds where an altered input
//! makes it diverge, and a whole city run keeps causal order, the depth
//! limit and its books.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use seedsim::core::scenario::load_file;
use seedsim::run::replay::replay;
use seedsim::run::{Pace, RunConfig, Simulation};
use seedsim::store::recording::Outcome;
use seedsim::store::verify::{Verdict, verify};
use seedsim::store::{StoreConfig, StoreSummary};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Records `ticks` ticks of a shipped scenario into `dir/events.db`.
fn record(name: &str, seed: u64, ticks: u64, dir: &Path) -> (Simulation, StoreSummary) {
    let path = scenario_path(name);
    let (scenario, text) = load_file(&path).expect("scenario loads");
    let config = RunConfig {
        seed,
        threads: None,
        store: Some(StoreConfig {
            path: dir.join("events.db"),
            scenario_file: path.display().to_string(),
            scenario_text: text,
            seed,
            ticks,
            narrative_pack: scenario.narrative_text(),
        }),
    };
    let mut sim = Simulation::recorded(&scenario, &config, Pace::Fast).expect("store opens");
    for _ in 0..ticks {
        sim.step();
    }
    let summary = sim
        .finish_store()
        .expect("recording")
        .expect("store finishes");
    (sim, summary)
}

fn writable(db: &Path) -> Connection {
    Connection::open(db).expect("db opens")
}

#[test]
fn a_flipped_payload_byte_is_reported_at_its_seq() {
    let dir = scratch("flip");
    let (_, summary) = record("smoke.ron", 7, 120, &dir);
    let db = dir.join("events.db");
    assert!(matches!(
        verify(&db).expect("verifies"),
        Verdict::Intact { complete: true, .. }
    ));
    let target = summary.events / 2;
    let conn = writable(&db);
    let payload: String = conn
        .query_row(
            "SELECT payload FROM events WHERE seq = ?1",
            [target as i64],
            |r| r.get(0),
        )
        .expect("row");
    let mut bytes = payload.into_bytes();
    let at = bytes
        .iter()
        .position(|b| b.is_ascii_alphabetic())
        .expect("a letter");
    bytes[at] ^= 0x20; // flip one bit of one byte: case change
    let tampered = String::from_utf8(bytes).expect("still UTF-8");
    conn.execute(
        "UPDATE events SET payload = ?1 WHERE seq = ?2",
        rusqlite::params![tampered, target as i64],
    )
    .expect("update");
    drop(conn);
    match verify(&db).expect("verifies") {
        Verdict::Broken { seq, .. } => assert_eq!(seq, target),
        other => panic!("tampering not caught: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn deleted_tail_rows_are_reported_as_truncation() {
    let dir = scratch("truncate");
    let (_, summary) = record("smoke.ron", 7, 80, &dir);
    let db = dir.join("events.db");
    let conn = writable(&db);
    let keep = summary.last_seq - 5;
    conn.execute("DELETE FROM events WHERE seq > ?1", [keep as i64])
        .expect("delete");
    drop(conn);
    assert_eq!(
        verify(&db).expect("verifies"),
        Verdict::Truncated {
            last_seq: keep,
            recorded_seq: summary.last_seq,
            recorded_tick: 80,
        }
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn recorded_ticks(db: &Path) -> i64 {
    let Ok(conn) = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM ticks", [], |r| r.get(0))
        .unwrap_or(0)
}

#[test]
fn a_killed_run_verifies_up_to_its_last_committed_tick() {
    let dir = scratch("kill");
    let mut child = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet", "--ticks", "1000000", "--out"])
        .arg(&dir)
        .arg(scenario_path("town.ron"))
        .spawn()
        .expect("seedsim starts");
    let db = dir.join("events.db");
    let deadline = Instant::now() + Duration::from_secs(120);
    while recorded_ticks(&db) < 30 {
        assert!(
            Instant::now() < deadline,
            "the run recorded nothing in time"
        );
        assert!(
            child.try_wait().expect("child status").is_none(),
            "the run ended early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix
    let _ = child.wait();
    match verify(&db).expect("the database opens after a crash") {
        Verdict::Intact {
            complete,
            last_tick,
            ..
        } => {
            assert!(!complete, "the run was killed, not finished");
            assert!(last_tick >= 29, "{last_tick}");
        }
        other => panic!("a crash broke the chain: {other:?}"),
    }
    // What was committed is also a faithful record: it replays identically.
    assert!(matches!(
        replay(&db, None).expect("replays"),
        Outcome::Identical { .. }
    ));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn replay_is_identical_and_altered_inputs_diverge_where_they_bite() {
    let dir = scratch("replay");
    let (_, summary) = record("smoke.ron", 7, 200, &dir);
    let db = dir.join("events.db");
    assert_eq!(
        replay(&db, None).expect("replays"),
        Outcome::Identical {
            ticks: 201,
            events: summary.events
        }
    );
    let conn = writable(&db);
    let text: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'scenario_text'",
            [],
            |r| r.get(0),
        )
        .expect("scenario text");
    // The smoke scenario's wave arrives at tick 150: give it one more monster.
    let wave = "(tick: 150, kind: monster, count: 10, zone: \"forest\")";
    assert!(text.contains(wave), "smoke.ron still has its wave");
    let altered = text.replace(
        wave,
        "(tick: 150, kind: monster, count: 11, zone: \"forest\")",
    );
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'scenario_text'",
        [altered],
    )
    .expect("update");
    drop(conn);
    match replay(&db, None).expect("replays") {
        Outcome::Diverged(d) => assert_eq!(d.tick, 150, "{d:?}"),
        other => panic!("altered input not detected: {other:?}"),
    }
    let conn = writable(&db);
    conn.execute("UPDATE meta SET value = '8' WHERE key = 'seed'", [])
        .expect("update");
    drop(conn);
    match replay(&db, None).expect("replays") {
        Outcome::Diverged(d) => assert_eq!((d.tick, d.seq), (0, 1), "{d:?}"),
        other => panic!("altered seed not detected: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_city_run_keeps_causal_order_depth_limit_and_its_books() {
    let dir = scratch("city");
    let (mut sim, summary) = record("city.ron", 3, 600, &dir);
    let db = dir.join("events.db");
    let conn = writable(&db);
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(q("SELECT count(*) FROM events"), summary.events as i64);
    assert_eq!(
        q("SELECT count(*) FROM events WHERE cause IS NOT NULL AND cause >= seq"),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM events e WHERE cause IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events c WHERE c.seq = e.cause)"
        ),
        0
    );
    let limit = sim
        .world()
        .resource::<seedsim::population::SimParams>()
        .depth_limit as i64;
    assert!(q("SELECT max(depth) FROM events") <= limit);
    assert!(q("SELECT count(*) FROM events WHERE kind = 'death'") > 0);
    assert!(q("SELECT count(*) FROM events WHERE kind = 'loot_picked'") > 0);
    // Coins enter only with spawned agents and leave only with departing
    // players; everything else moves them. The books must balance.
    let minted = q(
        "SELECT coalesce(sum(json_extract(payload, '$.wealth')), 0) FROM events WHERE kind = 'spawn'",
    );
    let departed = q(
        "SELECT coalesce(sum(json_extract(payload, '$.wealth')), 0) FROM events WHERE kind = 'departure'",
    );
    let world = sim.world_mut();
    let held: u64 = world
        .query::<&seedsim::core::agent::components::Purse>()
        .iter(world)
        .map(|p| p.wealth)
        .sum();
    let treasury: u64 = world
        .resource::<seedsim::world::ZoneLedger>()
        .treasury
        .iter()
        .sum();
    assert_eq!((held + treasury) as i64, minted - departed);
    assert!(matches!(
        verify(&db).expect("verifies"),
        Verdict::Intact { complete: true, .. }
    ));
    let _ = std::fs::remove_dir_all(dir);
}

fn seedsim(args: &[&str], db: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(args)
        .arg(db)
        .output()
        .expect("seedsim runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_commands_report_through_their_exit_codes() {
    let dir = scratch("cli");
    let (_, summary) = record("smoke.ron", 7, 60, &dir);
    let db = dir.join("events.db");
    let (code, out) = seedsim(&["verify"], &db);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("{} events", summary.events)), "{out}");
    let (code, out) = seedsim(&["replay"], &db);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = seedsim(
        &["events", "--kind", "spawn", "--limit", "3", "--json"],
        &db,
    );
    assert_eq!(code, Some(0));
    let listed: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
    assert_eq!(listed[0]["payload"]["kind"], "spawn");
    let (code, out) = seedsim(&["events", "--chain", "1"], &db);
    assert_eq!(code, Some(0));
    assert!(out.lines().any(|l| l.starts_with("> ")), "{out}");
    let conn = writable(&db);
    conn.execute("UPDATE events SET tick = tick + 1 WHERE seq = 3", [])
        .expect("update");
    drop(conn);
    let (code, out) = seedsim(&["verify"], &db);
    assert_eq!(code, Some(1));
    assert!(out.contains("seq 3"), "{out}");
    let (code, _) = seedsim(&["verify"], &dir.join("missing.db"));
    assert_eq!(code, Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn queries_by_ticks_and_entity_match_a_plain_scan() {
    use seedsim::store::query::{Filter, select};
    let dir = scratch("query");
    record("smoke.ron", 7, 80, &dir);
    let conn = writable(&dir.join("events.db"));
    let scan = |sql: &str| -> Vec<i64> {
        let mut stmt = conn.prepare(sql).expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let seqs = |f: Filter| -> Vec<i64> {
        select(&conn, &f)
            .expect("select")
            .iter()
            .map(|r| r.header.seq as i64)
            .collect()
    };
    for (a, b) in [(0, 0), (1, 1), (10, 25), (79, 200), (300, 400)] {
        let expected = scan(&format!(
            "SELECT seq FROM events WHERE tick BETWEEN {a} AND {b} ORDER BY seq"
        ));
        let got = seqs(Filter {
            ticks: Some((a, b)),
            limit: usize::MAX >> 1,
            ..Filter::default()
        });
        assert_eq!(got, expected, "ticks {a}..{b}");
        assert!(b >= 300 || !got.is_empty(), "ticks {a}..{b} has events");
    }
    let entity = scan("SELECT actor FROM events WHERE actor IS NOT NULL LIMIT 1")[0];
    let expected = scan(&format!(
        "SELECT seq FROM events WHERE actor = {entity} OR target = {entity} ORDER BY seq"
    ));
    let got = seqs(Filter {
        entity: Some(entity as u64),
        kind: None,
        ticks: Some((0, 80)),
        limit: 1000,
    });
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    let _ = std::fs::remove_dir_all(dir);
}

/// A finished market-day store (it has scripted actors, so inputs) and a
/// fresh copy of just its `events.db` for each mutation.
struct Finished {
    dir: PathBuf,
    db: PathBuf,
}

impl Finished {
    fn new(name: &str) -> Finished {
        let dir = scratch(name);
        let (_, summary) = record("market-day.ron", 11, 120, &dir.join("run"));
        Finished {
            db: summary.path,
            dir,
        }
    }

    /// A copy of the store alone, changed by `sql` (None: as it is).
    fn copy(&self, name: &str, sql: Option<&str>) -> PathBuf {
        let to = self.dir.join(name);
        std::fs::create_dir_all(&to).expect("dir");
        let db = to.join("events.db");
        std::fs::copy(&self.db, &db).expect("copy");
        if let Some(sql) = sql {
            writable(&db).execute_batch(sql).expect(sql);
        }
        db
    }
}

#[test]
fn verify_alone_catches_cuts_edits_and_damage_and_passes_a_lone_copy() {
    let run = Finished::new("complete");
    let folder = run.db.parent().expect("run folder");
    for junk in ["events.db-wal", "events.db-shm"] {
        assert!(!folder.join(junk).exists(), "a finished store left {junk}");
    }
    let inputs: i64 = writable(&run.db)
        .query_row("SELECT count(*) FROM inputs", [], |r| r.get(0))
        .expect("count");
    assert!(inputs > 0, "market-day records its actors' inputs");
    // The store alone, copied without anything beside it, is whole.
    let (code, text) = seedsim(&["verify"], &run.copy("alone", None));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("run complete"), "{text}");

    let cases = [
        (
            "cut",
            "DELETE FROM events WHERE tick > 100; DELETE FROM ticks WHERE tick > 100; DELETE FROM inputs WHERE tick > 100;",
        ),
        (
            "emptied",
            "DELETE FROM events; DELETE FROM ticks; DELETE FROM inputs;",
        ),
        ("seed", "UPDATE meta SET value = '12' WHERE key = 'seed';"),
        (
            "scenario",
            "UPDATE meta SET value = value || ' ' WHERE key = 'scenario_text';",
        ),
        (
            "state",
            "UPDATE ticks SET state_hash = '00000000000000000000000000000000' WHERE tick = 50;",
        ),
        (
            "input",
            "UPDATE inputs SET payload = payload || ' ' WHERE id = (SELECT min(id) FROM inputs);",
        ),
        (
            "status",
            "UPDATE meta SET value = 'running' WHERE key = 'status';",
        ),
        (
            "pack",
            "UPDATE meta SET value = value || ' ' WHERE key = 'narrative_pack';",
        ),
    ];
    for (name, sql) in cases {
        let (code, text) = seedsim(&["verify"], &run.copy(name, Some(sql)));
        assert_eq!(code, Some(1), "{name}: {text}");
        assert!(!text.starts_with("ok"), "{name}: {text}");
    }
    // A file cut short by a byte.
    let cut = run.copy("truncated", None);
    let len = std::fs::metadata(&cut).expect("size").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&cut)
        .and_then(|f| f.set_len(len - 1))
        .expect("truncate");
    let (code, text) = seedsim(&["verify"], &cut);
    assert_eq!(code, Some(1), "truncated: {text}");
    let _ = std::fs::remove_dir_all(&run.dir);
}

#[test]
fn the_store_commands_refuse_a_fifo_instead_of_blocking() {
    let dir = scratch("fifo");
    let fifo = dir.join("events.db");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here: nothing to check
    }
    for cmd in ["verify", "replay", "events"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .arg(cmd)
            .arg(&fifo)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("seedsim runs");
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("{cmd} blocked on a FIFO");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(2), "{cmd}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
