//! The suite as JUnit XML, for CI test views: one `<testsuite>` per scenario
//! file, and in it, per run, a test case `<scenario>[seed=S] run` (did the
//! run complete?) and one per verdict `<scenario>[seed=S] <check name>`.
//! A failed check is a `<failure>` (the measured value, what was expected,
//! the detail and the seed); a run that was invalid or crashed is an
//! `<error>` on its `run` case (its checks never ran), with the stderr tail.
//! Skipped files are skipped test cases. The XML itself is written by
//! `quick-junit`, which escapes and drops characters XML cannot hold.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::SuiteResult;
use super::run::{RunOutcome, RunStatus};
use crate::core::scenario::{CheckKind, Verdict};

/// The JUnit report of a suite.
pub fn junit_report(result: &SuiteResult) -> Report {
    let mut suites: Vec<TestSuite> = Vec::new();
    let mut suite_for = |file: &str| -> usize {
        match suites.iter().position(|s| s.name.as_str() == file) {
            Some(i) => i,
            None => {
                suites.push(TestSuite::new(file));
                suites.len() - 1
            }
        }
    };
    let mut cases: Vec<(usize, TestCase)> = Vec::new();
    for run in &result.runs {
        let i = suite_for(&run.file);
        cases.push((i, run_case(run)));
        cases.extend(run.verdicts.iter().map(|v| (i, verdict_case(run, v))));
    }
    for skip in &result.skipped {
        let i = suite_for(&skip.file);
        let mut status = TestCaseStatus::skipped();
        status.set_message(skip.reason.as_str());
        cases.push((i, TestCase::new(format!("{} run", skip.scenario), status)));
    }
    for (i, case) in cases {
        suites[i].add_test_case(case);
    }
    let mut report = Report::new("seedsim test");
    report.set_time(secs(result.wall_secs));
    report.add_test_suites(suites);
    report
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or_default()
}

fn run_case(run: &RunOutcome) -> TestCase {
    let problem = run.problem.clone().unwrap_or_default();
    let status = match run.status {
        RunStatus::Passed => TestCaseStatus::success(),
        // A completed run whose failure is its checks' (reported on them).
        RunStatus::Failed if run.checks_failed() > 0 => TestCaseStatus::success(),
        RunStatus::Failed => non_success(NonSuccessKind::Failure, "failed", &problem, run),
        RunStatus::Invalid => non_success(NonSuccessKind::Error, "invalid", &problem, run),
        RunStatus::Crashed => non_success(NonSuccessKind::Error, "crashed", &problem, run),
    };
    let mut case = TestCase::new(format!("{} run", run.label), status);
    if run.wall_secs > 0.0 {
        case.set_time(secs(run.wall_secs));
    }
    if run.status != RunStatus::Passed && !run.stderr_tail.is_empty() {
        case.set_system_err(run.stderr_tail.as_str());
    }
    case
}

fn non_success(kind: NonSuccessKind, ty: &str, message: &str, run: &RunOutcome) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status
        .set_type(ty)
        .set_message(message)
        .set_description(format!("{message}\nreproduce: {}", run.repro));
    status
}

fn verdict_case(run: &RunOutcome, v: &Verdict) -> TestCase {
    let status = if v.passed {
        TestCaseStatus::success()
    } else {
        let seed = run.seed.map(|s| format!("seed {s}, ")).unwrap_or_default();
        let mut message = format!("measured {}, expected {}", v.measured, v.expected);
        if !v.detail.is_empty() {
            message += &format!(": {}", v.detail);
        }
        message += &format!(" ({seed}tick {})", v.tick);
        let ty = match v.kind {
            CheckKind::Assertion => "assertion",
            CheckKind::Threshold => "threshold",
            CheckKind::Actor => "actor",
        };
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_type(ty)
            .set_description(format!("{message}\nreproduce: {}", run.repro))
            .set_message(message);
        status
    };
    TestCase::new(format!("{} {}", run.label, v.name), status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::fixtures;

    #[test]
    fn one_suite_per_file_one_case_per_run_and_verdict() {
        let xml = junit_report(&fixtures::suite())
            .to_string()
            .expect("serialises");
        assert_eq!(xml.matches("<testsuite ").count(), 5, "{xml}");
        // 4 run cases, 3 verdicts, 1 skipped file.
        assert_eq!(xml.matches("<testcase ").count(), 8, "{xml}");
        assert!(
            xml.contains(
                r#"<testsuites name="seedsim test" tests="8" skipped="1" failures="1" errors="2""#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="smoke[seed=7] run""#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="smoke[seed=7] tick_ms: p99 &lt; 50""#),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"message="measured p99 = 31.0 ms, expected &lt; 20: over by 11.0 ms (seed 17, tick 300)""#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(r#"name="market &lt;&amp;&gt;[seed=17] run" time="2.500"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<error message="killed by signal 6: panicked at src/sim/mod.rs:1:1 boom" type="crashed">"#),
            "{xml}"
        );
        assert!(
            xml.contains("<system-err>thread &apos;main&apos; panicked"),
            "{xml}"
        );
        assert!(xml.contains(r#"<testcase name="broken run">"#), "{xml}");
        assert!(xml.contains(r#"type="invalid""#), "{xml}");
        assert!(
            xml.contains(r#"<skipped message="100,000 agents take minutes"/>"#),
            "{xml}"
        );
    }
}
