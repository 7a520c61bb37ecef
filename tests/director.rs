//! The director through the real binary on `scenarios/valley.ron`: its
//! decisions are `director` events with their reasons, each raid's monsters
//! arrive the next tick at the zone's edge citing the decision, raids on a
//! zone keep their cooldown, only raiders withdraw when a peak fades, the report gives every zone's time in band;
//! switched off, it decides nothing and still measures.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-director-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Runs `scenario` for `ticks`; (summary, report.json, events.db).
fn run(scenario: &Path, out: &Path, ticks: u32) -> (String, serde_json::Value, Connection) {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--out"])
        .arg(out)
        .args(["--ticks", &ticks.to_string()])
        .arg(scenario)
        .output()
        .expect("seedsim runs");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = std::fs::read_to_string(out.join("report.json")).expect("report");
    let report = serde_json::from_str(&report).expect("report parses");
    let conn = Connection::open(out.join("events.db")).expect("store opens");
    (text, report, conn)
}

/// `seedsim story <db> --director [--json]`'s output; it must succeed.
fn story_director(db: &Path, json: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedsim"));
    cmd.arg("story").arg(db).arg("--director");
    if json {
        cmd.arg("--json");
    }
    let o = cmd.output().expect("seedsim story runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A scenario's text with its director switched off, and without its
/// `Director` assertions (which judge a director at work).
fn switched_off(text: &str) -> String {
    text.replace("    director: (\n", "    director: (\n        on: false,\n")
        .lines()
        .filter(|l| !l.trim_start().starts_with("Director("))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn valley() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/valley.ron")
}

#[test]
fn the_director_raids_a_quiet_zone_and_every_raid_is_explained() {
    let dir = scratch("on");
    let (text, report, conn) = run(&valley(), &dir.join("run"), 2000);
    assert!(
        text.contains("director") && text.contains("in band"),
        "{text}"
    );
    let zones = report["narrative"]["director"].as_array().expect("zones");
    assert_eq!(zones.len(), 3, "{zones:?}");
    for z in zones {
        let share = z["time_in_band"].as_f64().expect("measured");
        assert!((0.0..=100.0).contains(&share), "{z}");
    }
    let mut stmt = conn
        .prepare(
            "SELECT seq, tick, cause, json_extract(payload, '$.zone'), json_extract(payload, '$.monsters')
             FROM events WHERE kind = 'director' AND json_extract(payload, '$.act') = 'raid' ORDER BY seq",
        )
        .expect("query");
    let raids: Vec<(i64, i64, Option<i64>, i64, i64)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("raids")
        .map(|r| r.expect("row"))
        .collect();
    assert!(raids.len() >= 2, "the quiet valley is raided: {raids:?}");
    let mut last: std::collections::BTreeMap<i64, i64> = Default::default();
    for (seq, tick, cause, zone, monsters) in &raids {
        assert!(
            (1..=6).contains(monsters),
            "within valley.ron's cap: {monsters}"
        );
        if let Some(c) = cause {
            assert!(c < seq, "a decision cites an earlier event");
        }
        if let Some(before) = last.insert(*zone, *tick) {
            assert!(
                tick - before >= 80,
                "valley.ron's cooldown kept in zone {zone}: {before} then {tick}"
            );
        }
        if *tick == 2000 {
            continue; // the run ends before the raid's tick comes
        }
        // Its monsters arrive the next tick, citing it, on the edge of the
        // valley (30..190 x 60..240) when it was the valley they raided.
        let edge = if *zone == 1 {
            "(json_extract(payload, '$.x') IN (30.0, 190.0) OR json_extract(payload, '$.y') IN (60.0, 240.0))"
        } else {
            "1"
        };
        let (arrived, at_edge): (i64, i64) = conn
            .query_row(
                &format!(
                    "SELECT count(*), sum(json_extract(payload, '$.agent') = 'monster' AND {edge})
                     FROM events WHERE kind = 'spawn' AND cause = ?1 AND tick = ?2"
                ),
                [*seq, tick + 1],
                |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0))),
            )
            .expect("spawns");
        assert_eq!(arrived, *monsters, "raid #{seq}");
        assert_eq!(at_edge, *monsters);
    }
    // Peaks held long enough end with the raiders withdrawing: each
    // departure citing a withdrawal is a raider's.
    let (withdrawn, strangers): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(actor NOT IN (SELECT s.actor FROM events s JOIN events r ON s.cause = r.seq
                                              WHERE s.kind = 'spawn' AND r.kind = 'director'))
             FROM events WHERE kind = 'departure' AND cause IN
               (SELECT seq FROM events WHERE kind = 'director' AND json_extract(payload, '$.act') = 'withdraw')",
            [],
            |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0))),
        )
        .expect("withdrawals");
    assert!(withdrawn > 0, "some raiders were called off");
    assert_eq!(strangers, 0, "only raiders withdraw");
    // `story --director` tells the same decisions from the file alone.
    let db = dir.join("run").join("events.db");
    let told = story_director(&db, true);
    let told: serde_json::Value = serde_json::from_str(&told).expect("JSON");
    let valley = told
        .as_array()
        .expect("zones")
        .iter()
        .find(|z| z["name"] == "valley")
        .expect("the valley's decisions");
    let reported = zones
        .iter()
        .find(|z| z["zone"] == "valley")
        .expect("valley");
    assert_eq!(valley["raids"], reported["raids"], "{valley}");
    let seqs: Vec<u64> = valley["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["seq"].as_u64().expect("seq"))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order");
    let text = story_director(&db, false);
    assert!(
        text.contains("zone valley:") && text.contains("raid 6 monsters"),
        "{text}"
    );
    let unexplained: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'director' AND json_extract(payload, '$.tension') IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(unexplained, 0, "every decision names its tension");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn switched_off_the_director_decides_nothing_and_still_measures() {
    let dir = scratch("off");
    let text = std::fs::read_to_string(valley()).expect("valley");
    let off = switched_off(&text);
    assert_ne!(off, text);
    let path = dir.join("valley-off.ron");
    std::fs::write(&path, off).expect("write");
    let (_, report, conn) = run(&path, &dir.join("run"), 400);
    let decisions: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'director'",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(decisions, 0);
    let zones = report["narrative"]["director"].as_array().expect("zones");
    assert_eq!(zones.len(), 3);
    assert!(zones.iter().all(|z| z["raids"] == 0), "{zones:?}");
    let text = story_director(&dir.join("run").join("events.db"), false);
    assert!(text.contains("no director decisions"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Each directed zone's time in band (percent) for `seed`, director on or
/// off: (valley, march).
fn in_band(dir: &Path, seed: u64, on: bool) -> (f64, f64) {
    let text = std::fs::read_to_string(valley()).expect("valley");
    let text = if on { text } else { switched_off(&text) };
    let path = dir.join(format!("valley-{seed}-{on}.ron"));
    std::fs::write(&path, text.replace("seed: 31,", &format!("seed: {seed},"))).expect("write");
    let (_, report, _) = run(&path, &dir.join(format!("run-{seed}-{on}")), 2000);
    let zones = report["narrative"]["director"].as_array().expect("zones");
    let zone = |name: &str| {
        zones
            .iter()
            .find(|z| z["zone"] == name)
            .and_then(|z| z["time_in_band"].as_f64())
            .expect("measured")
    };
    (zone("valley"), zone("march"))
}

#[test]
fn the_director_holds_both_zones_in_their_bands_which_they_leave_without_one() {
    let dir = scratch("ablation");
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for seed in [31, 32, 33] {
        on.push(in_band(&dir, seed, true));
        off.push(in_band(&dir, seed, false));
    }
    type Zone = fn(&(f64, f64)) -> f64;
    let mean = |v: &[(f64, f64)], f: Zone| v.iter().map(f).sum::<f64>() / v.len() as f64;
    let (valley, march): (Zone, Zone) = (|z| z.0, |z| z.1);
    assert!(
        mean(&on, valley) >= 80.0,
        "the valley with the director: {on:?}"
    );
    assert!(
        off.iter().all(|z| z.0 <= 50.0),
        "the valley without: {off:?}"
    );
    assert!(
        mean(&on, march) >= 80.0,
        "the march with the director: {on:?}"
    );
    // The march's war keeps it near its band by itself more than half the
    // time; the director's festivals and raids still gain it a fifth.
    assert!(
        mean(&on, march) >= mean(&off, march) + 20.0,
        "the march: {on:?} with, {off:?} without"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plague_is_seeded_by_a_decision_spreads_by_company_and_ends_within_its_caps() {
    let dir = scratch("plague");
    let (_, _, conn) = run(&valley(), &dir.join("run"), 2000);
    type Row = (i64, i64, Option<i64>, Option<i64>, String);
    let rows = |sql: &str| -> Vec<Row> {
        let mut stmt = conn.prepare(sql).expect("query");
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
    };
    let infected = rows(
        "SELECT i.seq, i.actor, i.target, json_extract(i.payload, '$.plague'), c.kind \
         FROM events i JOIN events c ON c.seq = i.cause WHERE i.kind = 'infected' ORDER BY i.seq",
    );
    assert!(
        infected.len() >= 3,
        "valley.ron's director sends a plague: {infected:?}"
    );
    let mut victims: std::collections::BTreeMap<i64, u32> = Default::default();
    for (seq, _, giver, plague, cause) in &infected {
        let plague = plague.expect("names its plague");
        *victims.entry(plague).or_default() += 1;
        match cause.as_str() {
            // Its first victims: the decision itself, which is a plague.
            "director" => {
                assert!(
                    giver.is_none(),
                    "#{seq}: a first victim caught it from nobody"
                );
                let act: String = conn
                    .query_row(
                        "SELECT json_extract(payload, '$.act') FROM events WHERE seq = ?1",
                        [plague],
                        |r| r.get(0),
                    )
                    .expect("the decision");
                assert_eq!(act, "plague");
            }
            "chat" | "socialise" => assert!(giver.is_some(), "#{seq}: passed on by someone"),
            other => panic!("#{seq}: an infection caused by {other}"),
        }
    }
    assert!(
        victims.values().all(|n| *n <= 20),
        "the default cap of 20: {victims:?}"
    );
    // Every end cites the infection of the same agent.
    let ends = rows(
        "SELECT e.seq, e.actor, c.actor, c.seq, e.kind FROM events e JOIN events c ON c.seq = e.cause \
         WHERE e.kind = 'recovered' OR (e.kind = 'death' AND json_extract(e.payload, '$.cause') = 'plague')",
    );
    assert!(!ends.is_empty());
    for (seq, who, caught_by, _, kind) in &ends {
        assert_eq!(
            Some(*who),
            *caught_by,
            "#{seq} ({kind}) cites its own infection"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn director_assertions_judge_a_zone_and_a_bad_one_is_refused_at_load() {
    let dir = scratch("assert");
    let text = std::fs::read_to_string(valley()).expect("valley");
    let failing = text.replace(
        "measure: Raids, expect: \">= 1\"",
        "measure: Raids, expect: \"== 0\"",
    );
    assert_ne!(failing, text);
    let path = dir.join("failing.ron");
    std::fs::write(&path, failing).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet", "--ticks", "400", "--out"])
        .arg(dir.join("run"))
        .arg(&path)
        .output()
        .expect("seedsim runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("the director raids the quiet valley"), "{out}");
    let bad = text.replace(
        "zone: \"valley\", measure: Raids",
        "zone: \"atlantis\", measure: Raids",
    );
    let path = dir.join("bad.ron");
    std::fs::write(&path, bad).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet", "--out"])
        .arg(dir.join("bad"))
        .arg(&path)
        .output()
        .expect("seedsim runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no zone \"atlantis\""), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
