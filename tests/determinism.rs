//! Determinism: the same scenario and seed give the same state
//! after every tick, across runs and thread counts; different seeds differ.
//! Thread pools are process-wide, so thread counts are compared by running
//! the real binary; per-tick hashes are compared in-process too.

use std::path::{Path, PathBuf};
use std::process::Command;

use seedsim::core::scenario::load_file;
use seedsim::record::StateHash;
use seedsim::run::{Pace, RunConfig, Simulation};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `seedsim run` and returns the parsed report.json.
fn run_binary(scenario: &str, extra: &[&str], out: &Path) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", scenario, "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("seedsim runs");
    assert!(
        output.status.success(),
        "seedsim failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json written");
    serde_json::from_str(&text).expect("report.json is JSON")
}

fn fingerprint(r: &serde_json::Value) -> (String, String, serde_json::Value) {
    (
        r["final_state_hash"].as_str().expect("hash").to_string(),
        r["state_hash_chain"].as_str().expect("chain").to_string(),
        r["series"]["state_hash"].clone(),
    )
}

#[test]
fn same_seed_same_states_on_one_thread_and_many() {
    let dir = scratch("threads");
    let a = run_binary("scenarios/smoke.ron", &["--seed", "7"], &dir.join("a"));
    let b = run_binary("scenarios/smoke.ron", &["--seed", "7"], &dir.join("b"));
    let one = run_binary(
        "scenarios/smoke.ron",
        &["--seed", "7", "--threads", "1"],
        &dir.join("one"),
    );
    let four = run_binary(
        "scenarios/smoke.ron",
        &["--seed", "7", "--threads", "4"],
        &dir.join("four"),
    );
    assert_eq!(one["threads"], 1);
    assert_eq!(four["threads"], 4);
    assert_eq!(a["ticks"], 300);
    assert_eq!(
        a["series"]["state_hash"].as_array().map(Vec::len),
        Some(300),
        "one hash per tick"
    );
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_eq!(fingerprint(&a), fingerprint(&one));
    assert_eq!(fingerprint(&a), fingerprint(&four));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn different_seeds_give_different_states() {
    let dir = scratch("seeds");
    let a = run_binary(
        "scenarios/smoke.ron",
        &["--seed", "7", "--ticks", "50"],
        &dir.join("a"),
    );
    let b = run_binary(
        "scenarios/smoke.ron",
        &["--seed", "8", "--ticks", "50"],
        &dir.join("b"),
    );
    assert_ne!(a["final_state_hash"], b["final_state_hash"]);
    assert_ne!(a["series"]["state_hash"][0], b["series"]["state_hash"][0]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn per_tick_hashes_match_in_process_and_pace_does_not_matter() {
    let (scenario, _) = load_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/smoke.ron"
    )))
    .expect("smoke loads");
    let config = RunConfig {
        seed: 7,
        threads: None,
        store: None,
    };
    let mut fast = Simulation::new(&scenario, &config, Pace::Fast);
    let mut again = Simulation::new(&scenario, &config, Pace::Fast);
    let mut hashes = Vec::new();
    for _ in 0..60 {
        let h = fast.step().state_hash;
        assert_eq!(h, again.step().state_hash);
        hashes.push(h);
    }
    // Real-time pace waits between ticks but must compute the same states.
    let mut slow = Simulation::new(&scenario, &config, Pace::Realtime);
    for expected in hashes.iter().take(5) {
        assert_eq!(slow.step().state_hash, *expected);
    }
    let distinct: std::collections::BTreeSet<u128> = hashes.iter().map(|h| h.value).collect();
    assert_eq!(distinct.len(), hashes.len(), "the state changes every tick");
}

#[test]
fn parallel_state_hash_equals_a_sequential_recount() {
    let (scenario, _) = load_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/smoke.ron"
    )))
    .expect("smoke loads");
    let mut sim = Simulation::new(
        &scenario,
        &RunConfig {
            seed: 3,
            threads: None,
            store: None,
        },
        Pace::Fast,
    );
    for _ in 0..20 {
        sim.step();
    }
    let published = sim.world().resource::<StateHash>().value;
    assert_eq!(seedsim::record::hash_state_now(sim.world_mut()), published);
}
