//! The suite's summary for people (plain text for the terminal; stdout may be
//! a pipe or a CI log, so no colours and no cursor tricks) and for machines
//! (`summary.json`). Both list the runs in plan order and end with what it
//! takes to reproduce each run that did not pass.

use std::fmt::Write;

use serde::Serialize;

use super::run::{RunOutcome, RunStatus};
use super::select::Skipped;
use super::{SuiteResult, Totals};

/// Lines of a crashed run's stderr shown in the terminal (all of the kept
/// tail is in summary.json and the HTML report).
const STDERR_LINES: usize = 8;

/// The terminal summary.
pub fn summary_text(result: &SuiteResult) -> String {
    let mut s = String::new();
    for run in &result.runs {
        run_text(&mut s, run);
    }
    for skip in &result.skipped {
        let _ = writeln!(
            s,
            "- skipped {}  ({})  {}",
            skip.file, skip.scenario, skip.reason
        );
    }
    let t = result.totals();
    let _ = writeln!(
        s,
        "\nruns: {} passed, {} failed, {} invalid, {} crashed, {} skipped; \
         checks: {} passed, {} failed; {:.1} s",
        t.runs_passed,
        t.runs_failed,
        t.runs_invalid,
        t.runs_crashed,
        t.skipped,
        t.checks_passed,
        t.checks_failed,
        result.wall_secs
    );
    let repro: Vec<&RunOutcome> = result
        .runs
        .iter()
        .filter(|r| r.status != RunStatus::Passed)
        .collect();
    if !repro.is_empty() {
        s += "\nreproduce:\n";
        for run in repro {
            let _ = writeln!(s, "  {}", run.repro);
        }
    }
    s
}

fn run_text(s: &mut String, run: &RunOutcome) {
    let seed = run.seed.map(|n| format!("  seed {n}")).unwrap_or_default();
    let wall = if run.wall_secs > 0.0 {
        format!("  {:.2} s", run.wall_secs)
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "{} {:<7} {}{seed}  ({}){wall}",
        run.status.symbol(),
        run.status.as_str(),
        run.file,
        run.scenario
    );
    for v in &run.verdicts {
        let _ = write!(
            s,
            "    {} {}  {} ({})",
            v.symbol(),
            v.name,
            v.measured,
            v.expected
        );
        if !v.passed {
            let _ = write!(s, " at tick {}", v.tick);
        }
        if !v.detail.is_empty() {
            let _ = write!(s, ": {}", v.detail);
        }
        s.push('\n');
    }
    if let Some(problem) = &run.problem {
        let _ = writeln!(s, "    {problem}");
    }
    if run.status == RunStatus::Crashed {
        let lines: Vec<&str> = run.stderr_tail.lines().collect();
        for line in &lines[lines.len().saturating_sub(STDERR_LINES)..] {
            let _ = writeln!(s, "    | {line}");
        }
    }
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    seedsim_version: &'static str,
    report_dir: String,
    wall_secs: f64,
    exit_code: u8,
    totals: Totals,
    runs: &'a [RunOutcome],
    skipped: &'a [Skipped],
}

/// `summary.json`: every run with its status, exit, verdicts, reproducing
/// command and stderr tail.
pub fn summary_json(result: &SuiteResult) -> std::io::Result<String> {
    let doc = SummaryJson {
        seedsim_version: env!("CARGO_PKG_VERSION"),
        report_dir: result.report_dir.display().to_string(),
        wall_secs: result.wall_secs,
        exit_code: result.exit_code(),
        totals: result.totals(),
        runs: &result.runs,
        skipped: &result.skipped,
    };
    serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::fixtures;

    #[test]
    fn text_lists_runs_verdicts_totals_and_how_to_reproduce() {
        let text = summary_text(&fixtures::suite());
        let expected = [
            "✓ passed  scenarios/smoke.ron  seed 7  (smoke)  1.25 s",
            "    ✓ tick_ms: p99 < 50  p99 = 31.0 ms (< 20)",
            "✗ failed  scenarios/market <&>.ron  seed 17  (market <&>)  2.50 s",
            "    ✗ tick_ms: p99 < 20  p99 = 31.0 ms (< 20) at tick 300: over by 11.0 ms",
            "✗ invalid scenarios/broken.ron  (broken)",
            "    scenarios/broken.ron:8:71: zones[1].richness: must be <= 1",
            "✗ crashed scenarios/town.ron  seed 3  (town)  0.50 s",
            "    killed by signal 6",
            "    | boom",
            "- skipped scenarios/metropolis.ron  (metropolis)  100,000 agents take minutes",
            "runs: 1 passed, 1 failed, 1 invalid, 1 crashed, 1 skipped; \
             checks: 2 passed, 1 failed; 4.0 s",
            "reproduce:",
            "  seedsim run 'scenarios/market <&>.ron' --seed 17",
            "  seedsim run scenarios/broken.ron",
            "  seedsim run scenarios/town.ron --seed 3",
        ];
        let mut rest = text.as_str();
        for line in expected {
            let at = rest
                .find(line)
                .unwrap_or_else(|| panic!("{line:?} missing or out of order in\n{text}"));
            rest = &rest[at + line.len()..];
        }
        assert!(!text.contains("seedsim run scenarios/smoke.ron"), "{text}");
    }

    #[test]
    fn json_has_every_run_with_its_status() {
        let json: serde_json::Value =
            serde_json::from_str(&summary_json(&fixtures::suite()).expect("json")).expect("parse");
        let runs = json["runs"].as_array().expect("runs");
        let status: Vec<&str> = runs.iter().filter_map(|r| r["status"].as_str()).collect();
        assert_eq!(status, ["passed", "failed", "invalid", "crashed"]);
        assert_eq!(json["exit_code"], 2);
        assert_eq!(json["totals"]["checks_failed"], 1);
        assert_eq!(
            runs[1]["repro"],
            "seedsim run 'scenarios/market <&>.ron' --seed 17"
        );
        assert_eq!(runs[1]["verdicts"][1]["passed"], false);
        assert_eq!(runs[2]["seed"], serde_json::Value::Null);
        assert_eq!(runs[3]["signal"], 6);
        assert!(
            runs[3]["stderr_tail"]
                .as_str()
                .is_some_and(|t| t.contains("boom"))
        );
        assert_eq!(json["skipped"][0]["scenario"], "metropolis");
    }
}
