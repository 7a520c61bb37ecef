//! Scripted actors through the real binary: the shipped market day passes
//! and replays; a deliberately broken copy fails with exit 1, the failing
//! step in context and the command that reproduces it; mistakes in a script
//! are invalid scenarios (exit 2) naming the field; actors are
//! deterministic (same seed ⇒ same event log, on 1 thread or 2); and two
//! scenarios run side by side by `seedsim test --parallel 2` record exactly
//! what each records alone.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const MARKET: &str = include_str!("../scenarios/market-day.ron");

fn scratch(name: &str) -> PathBuf {
    support::scratch("actors", name)
}

/// The market day with `edits` applied (each `(from, to)` must match).
fn market(dir: &Path, file: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = MARKET.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "market-day.ron no longer has {from:?}");
        text = text.replacen(from, to, 1);
    }
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write scenario");
    path
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

fn report(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    serde_json::from_str(&text).expect("report.json is JSON")
}

#[test]
fn the_market_day_passes_and_its_actors_finish() {
    let dir = scratch("pass");
    let path = market(&dir, "market.ron", &[]);
    let (code, out, err) = run(&path, &dir.join("out"), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    for line in [
        "✓ bob hears a price",
        "✓ alice hears the deal",
        "✓ the spam limit holds the thief back",
        "✓ the run replays from its store",
        "✓ actor alice",
        "✓ actor bob",
        "✓ actor finn",
    ] {
        assert!(out.contains(line), "{line}:\n{out}");
    }
    let r = report(&dir.join("out"));
    let actors = r["actors"].as_array().expect("actors in report.json");
    let names: Vec<&str> = actors.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alice", "bob", "finn"]);
    for a in actors {
        assert_eq!(a["status"], "finished", "{a}");
        assert_eq!(a["errors_total"], 0, "{a}");
    }
    // Every actor input is in the store, with its source.
    let db = rusqlite::Connection::open(dir.join("out/events.db")).expect("events.db");
    let actor_inputs: i64 = db
        .query_row(
            "SELECT count(*) FROM inputs WHERE source = 'actor'",
            [],
            |r| r.get(0),
        )
        .expect("inputs");
    assert!(actor_inputs >= 15, "{actor_inputs} actor inputs recorded");
    let words: String = db
        .query_row(
            "SELECT json_extract(payload, '$.text') FROM events WHERE kind = 'chat'
             AND json_extract(payload, '$.text') IS NOT NULL ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a chat with words");
    assert_eq!(words, "fresh fish, 3 coins a crate");
}

#[test]
fn a_broken_script_fails_with_its_step_and_how_to_reproduce() {
    let dir = scratch("broken");
    // Alice names no price: Bob's wait for one times out, and so the rest
    // of the story never happens.
    let path = market(
        &dir,
        "broken.ron",
        &[("fresh fish, 3 coins a crate", "fresh fish, cheap")],
    );
    let (code, out, err) = run(&path, &dir.join("out"), &["--seed", "4"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("✗ bob hears a price"), "{out}");
    assert!(
        out.contains("the last one said \"fresh fish, cheap\""),
        "{out}"
    );
    assert!(out.contains("✗ actor bob"), "{out}");
    assert!(
        out.contains("actors[1].steps[0] (wait for a message): timed out after 50 ticks"),
        "{out}"
    );
    // Alice waits for Bob's word in vain too; Finn's story never starts.
    assert!(out.contains("✗ actor alice"), "{out}");
    assert!(
        out.contains(&format!(
            "reproduce with: seedsim run {} --seed 4",
            path.display()
        )),
        "{out}"
    );
    let r = report(&dir.join("out"));
    let bob = &r["actors"][1];
    assert_eq!(bob["status"], "stopped");
    assert_eq!(bob["errors"][0]["step"], "actors[1].steps[0]");
    // Bob enters at tick 1, starts waiting at tick 2, gives up 50 ticks on.
    assert_eq!(bob["errors"][0]["tick"], 52);
}

#[test]
fn mistakes_in_a_script_are_invalid_scenarios_naming_the_field() {
    let dir = scratch("invalid");
    let cases: [(&str, &str, &str); 6] = [
        (
            r#"Say(to: Actor("bob"), text: "fresh fish, 3 coins a crate"),"#,
            r#"Say(to: Actor("carol"), text: "fresh fish, 3 coins a crate"),"#,
            "actors[0].steps[0].to: no actor \"carol\"",
        ),
        (
            r#"(name: "alice", kind: trader,"#,
            r#"(name: "alice", kind: merchant,"#,
            "actors[0].kind: merchant is an NPC kind",
        ),
        (
            r#"Say(to: Remembered("seller"), text: "deal"),"#,
            r#"Say(to: Remembered("buyer"), text: "deal"),"#,
            "actors[1].steps[1].to: nothing is ever remembered as \"buyer\"",
        ),
        (
            r#"WaitMessage(regex: "[0-9]+ coins","#,
            r#"WaitMessage(regex: "[0-9+ coins","#,
            "actors[1].steps[0].regex",
        ),
        (
            r#"on_rules: ["chat_spam"]"#,
            r#"on_rules: ["chat_spamm"]"#,
            "actors[2].steps[3].steps[0].retry.on_rules: no rule \"chat_spamm\"",
        ),
        (
            r#"Message(name: "bob hears a price", actor: "bob","#,
            r#"Message(name: "bob hears a price", actor: "rob","#,
            "assertions[0].actor: no actor \"rob\"",
        ),
    ];
    for (i, (from, to, want)) in cases.into_iter().enumerate() {
        let path = market(&dir, &format!("bad{i}.ron"), &[(from, to)]);
        let (code, out, err) = run(&path, &dir.join(format!("out{i}")), &[]);
        assert_eq!(code, Some(2), "case {i}: {out}{err}");
        assert!(err.contains(want), "case {i}: want {want:?} in\n{err}");
        assert!(
            err.contains(&format!("bad{i}.ron:")),
            "case {i}: names the file\n{err}"
        );
    }
}

#[test]
fn actors_are_deterministic_on_any_number_of_threads() {
    let dir = scratch("determinism");
    let path = market(&dir, "market.ron", &[]);
    let mut hashes = Vec::new();
    for (i, threads) in ["1", "2", "1"].into_iter().enumerate() {
        let out = dir.join(format!("out{i}"));
        let (code, o, e) = run(&path, &out, &["--threads", threads, "--seed", "21"]);
        assert!(code == Some(0) || code == Some(1), "{o}{e}");
        let r = report(&out);
        hashes.push((
            r["last_hash"].as_str().expect("last_hash").to_string(),
            r["final_state_hash"].as_str().expect("state").to_string(),
        ));
    }
    assert_eq!(hashes[0], hashes[1], "1 thread vs 2");
    assert_eq!(hashes[0], hashes[2], "run again");
    let out = dir.join("other-seed");
    run(&path, &out, &["--seed", "22"]);
    assert_ne!(report(&out)["last_hash"].as_str().unwrap(), hashes[0].0);
}

#[test]
fn scenarios_run_in_parallel_do_not_see_each_other() {
    let dir = scratch("parallel");
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).expect("dir");
    market(
        &scenarios,
        "a.ron",
        &[("name: \"market-day\"", "name: \"market-a\"")],
    );
    market(
        &scenarios,
        "b.ron",
        &[
            ("name: \"market-day\"", "name: \"market-b\""),
            ("seed: 11,", "seed: 12,"),
        ],
    );
    // Each alone, then both at once.
    let mut alone = Vec::new();
    for file in ["a.ron", "b.ron"] {
        let out = dir.join(format!("alone-{file}"));
        let (code, o, e) = run(&scenarios.join(file), &out, &[]);
        assert_eq!(code, Some(0), "{o}{e}");
        alone.push(report(&out)["last_hash"].as_str().unwrap().to_string());
    }
    let reports = dir.join("reports");
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("test")
        .arg(&scenarios)
        .args(["--parallel", "2", "--report-dir"])
        .arg(&reports)
        .output()
        .expect("seedsim test runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(reports.join("summary.json")).expect("summary.json"),
    )
    .expect("json");
    let runs = summary["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    for run in runs {
        let want = match run["scenario"].as_str() {
            Some("market-a") => &alone[0],
            Some("market-b") => &alone[1],
            other => panic!("unexpected run {other:?}"),
        };
        let dir = PathBuf::from(run["run_dir"].as_str().expect("run_dir"));
        let got = report(&dir)["last_hash"].as_str().unwrap().to_string();
        assert_eq!(&got, want, "{} differs from its run alone", run["scenario"]);
    }
    assert_ne!(alone[0], alone[1]);
}
