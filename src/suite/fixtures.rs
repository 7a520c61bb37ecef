//! Synthetic runs for the unit tests of the reports: outcomes built the way
//! `run` builds them, from planned runs, exits and reports made up here, so
//! the summary, JUnit and HTML can be checked for every status without
//! starting a child.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::plan::PlannedRun;
use super::run::{Exit, RunOutcome, outcome};
use super::select::Skipped;
use super::{SuiteResult, Totals};
use crate::core::scenario::{CheckKind, Verdict};
use crate::govern::Decisions;
use crate::report::{EventsReport, Report, SeriesColumns, TickMs};

pub fn planned(scenario: &str, seed: Option<u64>) -> PlannedRun {
    PlannedRun {
        file: PathBuf::from(format!("scenarios/{scenario}.ron")),
        scenario: scenario.into(),
        seed,
        ticks: None,
        run_dir: PathBuf::from(format!("runs/test/{scenario}-{}", seed.unwrap_or(0))),
        invalid: None,
    }
}

pub fn verdict(name: &str, passed: bool) -> Verdict {
    Verdict {
        kind: CheckKind::Threshold,
        name: name.into(),
        passed,
        measured: "p99 = 31.0 ms".into(),
        expected: "< 20".into(),
        detail: if passed {
            String::new()
        } else {
            "over by 11.0 ms".into()
        },
        tick: 300,
    }
}

pub fn report(scenario: &str, verdicts: Vec<Verdict>) -> Report {
    let n = 1200u64;
    Report {
        scenario: scenario.into(),
        seed: 17,
        ticks: n,
        wall_secs: 1.5,
        tick_ms: TickMs {
            p50: 1.0,
            p99: 3.0,
            max: 4.0,
            mean: 1.2,
        },
        events: EventsReport {
            total: 5000,
            ..Default::default()
        },
        governance: BTreeMap::from([
            (
                "no-pvp-in-safe-zones".to_string(),
                Decisions {
                    permitted: 90,
                    mutated: 0,
                    denied: 12,
                },
            ),
            (
                "tax".to_string(),
                Decisions {
                    permitted: 80,
                    mutated: 20,
                    denied: 0,
                },
            ),
        ]),
        series: SeriesColumns {
            ticks_per_point: 1,
            tick: (1..=n).collect(),
            population: (1..=n).map(|t| 200 + t % 17).collect(),
            tick_ms: (1..=n).map(|t| 1.0 + (t % 7) as f64 / 10.0).collect(),
            tick_ms_max: (1..=n).map(|t| 2.0 + (t % 5) as f64 / 10.0).collect(),
            actions: (1..=n).map(|t| 50 + t % 9).collect(),
            events: (1..=n).map(|t| 80 + t % 13).collect(),
            ..Default::default()
        },
        passed: verdicts.iter().all(|v| v.passed),
        verdicts,
        clients: None,
        ..Default::default()
    }
}

/// A passed run, a run with a failed threshold, an invalid file and a crash.
pub fn outcomes() -> Vec<RunOutcome> {
    let mut bad = planned("broken", None);
    bad.invalid = Some("scenarios/broken.ron:8:71: zones[1].richness: must be <= 1".into());
    vec![
        outcome(
            &planned("smoke", Some(7)),
            Exit::Code(0),
            1.25,
            Ok(report("smoke", vec![verdict("tick_ms: p99 < 50", true)])),
            String::new(),
        ),
        outcome(
            &planned("market <&>", Some(17)),
            Exit::Code(1),
            2.5,
            Ok(report(
                "market <&>",
                vec![
                    verdict("population: final > 100", true),
                    verdict("tick_ms: p99 < 20", false),
                ],
            )),
            String::new(),
        ),
        outcome(
            &bad,
            Exit::Rejected(bad.invalid.clone().unwrap_or_default()),
            0.0,
            Err(String::new()),
            "error: scenarios/broken.ron:8:71: zones[1].richness: must be <= 1\n".into(),
        ),
        outcome(
            &planned("town", Some(3)),
            Exit::Signal(6),
            0.5,
            Err(String::new()),
            "thread 'main' panicked at src/sim/mod.rs:1:1:\nboom\n".into(),
        ),
    ]
}

pub fn suite() -> SuiteResult {
    SuiteResult {
        report_dir: PathBuf::from("runs/test"),
        runs: outcomes(),
        skipped: vec![Skipped {
            file: "scenarios/metropolis.ron".into(),
            scenario: "metropolis".into(),
            reason: "100,000 agents take minutes".into(),
        }],
        wall_secs: 4.0,
    }
}

pub fn totals() -> Totals {
    Totals {
        runs_passed: 1,
        runs_failed: 1,
        runs_invalid: 1,
        runs_crashed: 1,
        skipped: 1,
        checks_passed: 2,
        checks_failed: 1,
    }
}
