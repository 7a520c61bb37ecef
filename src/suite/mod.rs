//! `seedsim test`: runs a suite of scenarios and reports on all of them. The
//! suite is chosen up front: which files ([`select`]) and which runs, with
//! which seeds, into which folders ([`plan`]).
//!
//! A scenario file opts out of directory suites with a line starting with
//! `// suite: skip` (see [`SKIP_MARKER`]); it is listed as skipped.

mod plan;
mod select;

use std::path::PathBuf;

pub use plan::{MAX_SEEDS, PlannedRun, SeedRange, Seeds, plan, shell_word};
pub use select::{Loaded, SKIP_MARKER, ScenarioFile, SelectError, Selection, Skipped, select};

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

/// The suite's runs before any starts, and the files skipped.
pub fn prepare(opts: &SuiteOptions) -> Result<(Vec<PlannedRun>, Vec<Skipped>), SelectError> {
    let selection = select(&opts.paths, opts.filter.as_deref())?;
    let runs = plan(&selection.files, opts.seeds, opts.ticks, &opts.report_dir);
    Ok((runs, selection.skipped))
}
