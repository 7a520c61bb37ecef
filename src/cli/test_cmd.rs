//! `seedsim test`: the command line of the suite runner (see [`crate::suite`]).
//! Progress goes to stderr as runs finish, the summary to stdout in plan
//! order once all have, and the reports into the report folder.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_FAILED, EXIT_INVALID};
use crate::suite::{self, SeedRange, Seeds, SuiteOptions};

/// Runs scenario files as a suite, each run in its own process.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
A scenario file with a line starting with `// suite: skip` (a top-level comment, \
optionally followed by a reason) is skipped when found in a directory, and listed \
as skipped; naming the file itself runs it.\n\n\
Writes summary.json, junit.xml and report.html (self-contained) into the report \
folder, and each run's report.json into <report-dir>/<stem>-<seed>/.\n\n\
Exit code: 0 all passed, 1 a run failed or crashed, 2 a scenario or the command \
line is invalid.")]
pub struct TestArgs {
    /// Scenario files, or directories meaning every *.ron directly in them.
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// How many runs at once.
    #[arg(long, short = 'j', default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub parallel: u64,
    /// Only scenarios whose file stem or name contains this.
    #[arg(long)]
    pub filter: Option<String>,
    /// Runs every scenario with this seed instead of its own.
    #[arg(long, conflicts_with = "seeds")]
    pub seed: Option<u64>,
    /// Runs every scenario once per seed from A to B (inclusive).
    #[arg(long, value_name = "A..B")]
    pub seeds: Option<SeedRange>,
    /// Overrides every scenario's number of ticks (for quick subsets).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub ticks: Option<u64>,
    /// Where the runs and the reports go.
    #[arg(long, default_value = "runs/test")]
    pub report_dir: PathBuf,
}

pub fn test(args: &TestArgs) -> ExitCode {
    let seeds = match (args.seed, args.seeds) {
        (Some(s), _) => Seeds::One(s),
        (None, Some(r)) => Seeds::Range(r),
        (None, None) => Seeds::Scenario,
    };
    let opts = SuiteOptions {
        paths: args.paths.clone(),
        filter: args.filter.clone(),
        seeds,
        ticks: args.ticks,
        parallel: args.parallel as usize,
        report_dir: args.report_dir.clone(),
    };
    let (planned, skipped) = match suite::prepare(&opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("error: cannot find own executable: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&opts.report_dir) {
        eprintln!("error: cannot create {}: {e}", opts.report_dir.display());
        return ExitCode::from(EXIT_FAILED);
    }
    let total = planned.len();
    eprintln!(
        "seedsim test: {total} run(s), {} at a time, into {}",
        opts.parallel.min(total.max(1)),
        opts.report_dir.display()
    );
    let mut finished = 0;
    let result = suite::run_suite(&exe, &opts, &planned, skipped, |run| {
        finished += 1;
        eprintln!(
            "[{finished}/{total}] {} {:<7} {} ({:.2} s)",
            run.status.symbol(),
            run.status.as_str(),
            run.label,
            run.wall_secs
        );
    });
    // A closed stdout (piped into `head`) must not stop the reports.
    let mut stdout = std::io::stdout().lock();
    let _ = write!(stdout, "\n{}", suite::summary_text(&result));
    match suite::write_reports(&result) {
        Ok(w) => {
            let _ = writeln!(
                stdout,
                "\nreports: {}, {}, {}",
                w.summary_json.display(),
                w.junit_xml.display(),
                w.report_html.display()
            );
            ExitCode::from(result.exit_code())
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the reports into {}: {e}",
                opts.report_dir.display()
            );
            ExitCode::from(result.exit_code().max(EXIT_FAILED))
        }
    }
}
