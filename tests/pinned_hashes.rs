//! Behaviour pinned across restructurings: shipped scenarios at fixed seeds
//! must end in the hashes recorded in `tests/fixtures/pinned_hashes.txt`
//! (final state, the chain of every tick's state hash, the event store's
//! last chain hash). A change that alters any of them changes what a seed
//! means; it must say so and re-record them on purpose.

use std::path::PathBuf;
use std::process::Command;

struct Pinned {
    scenario: String,
    seed: String,
    ticks: String,
    hashes: [String; 3],
}

fn pinned() -> Vec<Pinned> {
    let text = include_str!("fixtures/pinned_hashes.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.get(6) == Some(&"test"))
        .map(|f| Pinned {
            scenario: f[0].to_string(),
            seed: f[1].to_string(),
            ticks: f[2].to_string(),
            hashes: [f[3].to_string(), f[4].to_string(), f[5].to_string()],
        })
        .collect()
}

#[test]
fn shipped_scenarios_end_in_their_pinned_hashes() {
    let rows = pinned();
    assert!(rows.len() >= 5, "the fixture lists the scenarios to check");
    let root = std::env::temp_dir().join(format!("seedsim-pinned-{}", std::process::id()));
    let mut wrong = Vec::new();
    for p in &rows {
        let out: PathBuf = root.join(format!("{}-{}", p.scenario, p.ticks));
        let status = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .args(["run", &format!("scenarios/{}.ron", p.scenario), "--quiet"])
            .args(["--seed", &p.seed, "--ticks", &p.ticks, "--out"])
            .arg(&out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("seedsim runs");
        assert!(
            status.status.success(),
            "{}: {}",
            p.scenario,
            String::from_utf8_lossy(&status.stderr)
        );
        let text = std::fs::read_to_string(out.join("report.json")).expect("report.json");
        let r: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let got = ["final_state_hash", "state_hash_chain", "last_hash"]
            .map(|k| r[k].as_str().unwrap_or("null").to_string());
        if got != p.hashes {
            wrong.push(format!(
                "{} seed {} ticks {}: expected {:?}, got {:?}",
                p.scenario, p.seed, p.ticks, p.hashes, got
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(wrong.is_empty(), "hashes changed:\n{}", wrong.join("\n"));
}
