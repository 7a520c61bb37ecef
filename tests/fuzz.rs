//! Fuzzing that stays: seeded property tests that feed random and mutated
//! input to the three doors outside data comes in by — the scenario parser,
//! the WebSocket protocol decoder and the store verifier — and require no
//! panic and an error of the right class. Bounded in cases so `cargo test`
//! stays fast; proptest shrinks a failure to its smallest input.

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use seedsim::core::protocol::parse_client;
use seedsim::core::scenario::{ScenarioError, parse_str};
use seedsim::store::StoreError;
use seedsim::store::verify::{Verdict, verify};

const SMOKE: &str = include_str!("../scenarios/smoke.ron");
const MARKET: &str = include_str!("../scenarios/market-day.ron");

/// A runner with a fixed seed: the same cases on every run and machine.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]))
}

/// `text` with up to 8 bytes replaced, inserted or removed at random places.
fn mutated(text: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let len = text.len();
    prop::collection::vec((0..len, any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut bytes = text.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match how {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        bytes
    })
}

#[test]
fn the_scenario_parser_never_panics_and_positions_its_errors() {
    runner(300)
        .run(
            &prop_oneof![
                mutated(SMOKE),
                mutated(MARKET),
                prop::collection::vec(any::<u8>(), 0..400)
            ],
            |bytes| {
                let text = String::from_utf8_lossy(&bytes);
                match parse_str("fuzz.ron", &text) {
                    Ok(_) => {}
                    Err(ScenarioError::Invalid {
                        line, col, file, ..
                    }) => {
                        prop_assert!(line >= 1 && col >= 1, "{line}:{col}");
                        prop_assert_eq!(file, "fuzz.ron");
                    }
                    Err(e) => prop_assert!(false, "an io error from text: {}", e),
                }
                Ok(())
            },
        )
        .expect("the parser holds");
}

const FRAMES: [&str; 4] = [
    r#"{"type":"login","name":"ada"}"#,
    r#"{"type":"action","req_id":7,"kind":"trade","args":{"with":3,"goods":2,"price":10}}"#,
    r#"{"type":"subscribe","events":["death","trade"],"zones":[1],"deltas":true}"#,
    r#"{"type":"unsubscribe"}"#,
];

#[test]
fn the_protocol_decoder_never_panics_and_names_the_error() {
    let frames = prop_oneof![
        mutated(FRAMES[0]),
        mutated(FRAMES[1]),
        mutated(FRAMES[2]),
        mutated(FRAMES[3]),
        prop::collection::vec(any::<u8>(), 0..200),
    ];
    runner(1000)
        .run(&frames, |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            if let Err(refusal) = parse_client(&text) {
                prop_assert!(!refusal.message.is_empty());
                // The refusal serializes to an error frame a client can read.
                let frame = refusal.to_msg().to_text();
                prop_assert!(frame.contains("\"type\":\"error\""), "{}", frame);
            }
            Ok(())
        })
        .expect("the decoder holds");
}

/// A small finished store to corrupt.
fn small_store(dir: &std::path::Path) -> PathBuf {
    let out = dir.join("run");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet", "--ticks", "20", "--out"])
        .arg(&out)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron"))
        .output()
        .expect("seedsim runs");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.join("events.db")
}

#[test]
fn the_verifier_never_panics_on_a_corrupted_store() {
    let dir = std::env::temp_dir().join(format!("seedsim-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = small_store(&dir);
    let original = std::fs::read(&db).expect("store");
    assert!(matches!(
        verify(&db),
        Ok(Verdict::Intact { complete: true, .. })
    ));
    let len = original.len();
    let corruption = prop::collection::vec((0..len, any::<u8>()), 1..6);
    let target = dir.join("corrupt.db");
    let (caught, cases) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner(48)
        .run(&(corruption, any::<bool>()), |(flips, cut)| {
            let mut bytes = original.clone();
            for (at, byte) in &flips {
                bytes[*at] ^= byte | 1;
            }
            if cut {
                bytes.truncate(flips[0].0);
            }
            std::fs::write(&target, &bytes).expect("write");
            cases.set(cases.get() + 1);
            match verify(&target) {
                Ok(Verdict::Intact { .. }) => {}
                Ok(
                    Verdict::Broken { .. } | Verdict::Damaged { .. } | Verdict::Truncated { .. },
                ) => caught.set(caught.get() + 1),
                Err(StoreError::Invalid { .. } | StoreError::Sqlite { .. }) => {
                    caught.set(caught.get() + 1)
                }
                Err(e) => prop_assert!(false, "an error of the wrong class: {}", e),
            }
            Ok(())
        })
        .expect("the verifier holds");
    // Bytes in free pages or padding change nothing; most corruption is seen.
    let (caught, cases) = (caught.get(), cases.get());
    assert!(
        caught * 2 > cases,
        "only {caught} of {cases} corruptions caught"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
