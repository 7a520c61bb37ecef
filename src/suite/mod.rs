//! `seedsim test`: runs a suite of scenarios and reports on all of them. The
//! suite is chosen up front ([`select`], [`plan`]), every run is a child
//! `seedsim run` in its own process ([`execute`]), and the results, in plan
//! order, become a terminal summary and `summary.json` ([`summary_text`],
//! [`summary_json`]), JUnit XML for CI ([`junit_report`]) and one
//! self-contained HTML page with plots ([`html_report`]).
//!
//! A scenario file opts out of directory suites with a line starting with
//! `// suite: skip` (see [`SKIP_MARKER`]); it is listed as skipped.
//!
//! Exit code: 2 if a scenario (or the command line) is invalid, else 1 if a
//! run failed or crashed, else 0.

mod html;
mod html_narrative;
mod junit;
mod plan;
mod plot;
mod report_file;
mod run;
mod select;
mod summary;
mod tail;

#[cfg(test)]
mod fixtures;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

pub use html::html_report;
pub use junit::junit_report;
pub use plan::{MAX_SEEDS, PlannedRun, SeedRange, Seeds, plan, shell_word};
pub use report_file::read_report;
pub use run::{Exit, RunOutcome, RunStatus, STDERR_TAIL_BYTES, execute, outcome};
pub use select::{Loaded, SKIP_MARKER, ScenarioFile, SelectError, Selection, Skipped, select};
pub use summary::{summary_json, summary_text};

use crate::exit::{EXIT_FAILED, EXIT_INVALID};

/// What to run.
#[derive(Clone, Debug)]
pub struct SuiteOptions {
    /// Scenario files and directories (every `*.ron` directly inside).
    pub paths: Vec<PathBuf>,
    /// Keeps the files whose stem or scenario name contains this.
    pub filter: Option<String>,
    pub seeds: Seeds,
    pub ticks: Option<u64>,
    /// Children at once (at least 1).
    pub parallel: usize,
    pub report_dir: PathBuf,
}

/// The runs of a suite, in plan order, and the files skipped.
#[derive(Clone, Debug)]
pub struct SuiteResult {
    pub report_dir: PathBuf,
    pub runs: Vec<RunOutcome>,
    pub skipped: Vec<Skipped>,
    pub wall_secs: f64,
}

/// Counts over a suite.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub runs_passed: usize,
    pub runs_failed: usize,
    pub runs_invalid: usize,
    pub runs_crashed: usize,
    pub skipped: usize,
    pub checks_passed: usize,
    pub checks_failed: usize,
}

impl SuiteResult {
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            skipped: self.skipped.len(),
            ..Totals::default()
        };
        for run in &self.runs {
            *match run.status {
                RunStatus::Passed => &mut t.runs_passed,
                RunStatus::Failed => &mut t.runs_failed,
                RunStatus::Invalid => &mut t.runs_invalid,
                RunStatus::Crashed => &mut t.runs_crashed,
            } += 1;
            let failed = run.checks_failed();
            t.checks_failed += failed;
            t.checks_passed += run.verdicts.len() - failed;
        }
        t
    }

    /// 2 if anything was invalid, else 1 if a run failed or crashed, else 0.
    pub fn exit_code(&self) -> u8 {
        let any = |s: RunStatus| self.runs.iter().any(|r| r.status == s);
        if any(RunStatus::Invalid) {
            EXIT_INVALID
        } else if any(RunStatus::Failed) || any(RunStatus::Crashed) {
            EXIT_FAILED
        } else {
            0
        }
    }
}

/// The suite's runs before any starts, and the files skipped.
pub fn prepare(opts: &SuiteOptions) -> Result<(Vec<PlannedRun>, Vec<Skipped>), SelectError> {
    let selection = select(&opts.paths, opts.filter.as_deref())?;
    let runs = plan(&selection.files, opts.seeds, opts.ticks, &opts.report_dir);
    Ok((runs, selection.skipped))
}

/// Runs `planned` with the `seedsim` at `exe`; `on_done` sees each run as it
/// finishes.
pub fn run_suite(
    exe: &Path,
    opts: &SuiteOptions,
    planned: &[PlannedRun],
    skipped: Vec<Skipped>,
    on_done: impl FnMut(&RunOutcome),
) -> SuiteResult {
    let started = Instant::now();
    let runs = execute(exe, planned, opts.parallel, on_done);
    SuiteResult {
        report_dir: opts.report_dir.clone(),
        runs,
        skipped,
        wall_secs: started.elapsed().as_secs_f64(),
    }
}

/// Where [`write_reports`] put the reports.
#[derive(Clone, Debug)]
pub struct Written {
    pub summary_json: PathBuf,
    pub junit_xml: PathBuf,
    pub report_html: PathBuf,
}

/// Writes `summary.json`, `junit.xml` and `report.html` into the report folder.
pub fn write_reports(result: &SuiteResult) -> std::io::Result<Written> {
    let dir = &result.report_dir;
    std::fs::create_dir_all(dir)?;
    let written = Written {
        summary_json: dir.join("summary.json"),
        junit_xml: dir.join("junit.xml"),
        report_html: dir.join("report.html"),
    };
    std::fs::write(&written.summary_json, summary_json(result)? + "\n")?;
    let xml = junit_report(result)
        .to_string()
        .map_err(std::io::Error::other)?;
    std::fs::write(&written.junit_xml, xml)?;
    std::fs::write(&written.report_html, html_report(result))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::fixtures;
    use super::*;

    #[test]
    fn totals_and_exit_code_follow_the_worst_run() {
        let mut suite = fixtures::suite();
        assert_eq!(suite.totals(), fixtures::totals());
        assert_eq!(suite.exit_code(), EXIT_INVALID);
        suite.runs.retain(|r| r.status != RunStatus::Invalid);
        assert_eq!(suite.exit_code(), EXIT_FAILED);
        suite.runs.retain(|r| r.status != RunStatus::Crashed);
        assert_eq!(suite.exit_code(), EXIT_FAILED);
        suite.runs.retain(|r| r.status == RunStatus::Passed);
        assert_eq!(suite.exit_code(), 0);
        suite.runs.clear();
        assert_eq!(suite.exit_code(), 0);
    }
}
