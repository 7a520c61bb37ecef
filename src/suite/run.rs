//! Doing the runs: each is a child `seedsim run`, so each has its own Bevy
//! App and address space, and a panic, abort or runaway allocation in one
//! cannot touch another or the suite. At most `parallel` children live at
//! once; each child's stderr is kept as a bounded tail for the reports, and
//! its exit status and `report.json` decide how the run went.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use serde::Serialize;

use super::plan::PlannedRun;
use super::report_file::read_report;
use super::tail::Tail;
use crate::core::scenario::Verdict;
use crate::report::Report;
use crate::run::folder::move_aside;

/// How much of a child's stderr is kept (its end, where the error is).
pub const STDERR_TAIL_BYTES: usize = 64 * 1024;

/// How a run went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Exit 0 and every verdict passed.
    Passed,
    /// The run completed and a verdict failed (exit 1 with a report).
    Failed,
    /// The scenario or the command line was rejected (exit 2).
    Invalid,
    /// Anything else: another exit code, a signal, no readable report.
    Crashed,
}

impl RunStatus {
    pub fn symbol(self) -> &'static str {
        match self {
            RunStatus::Passed => "✓",
            _ => "✗",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Passed => "passed",
            RunStatus::Failed => "failed",
            RunStatus::Invalid => "invalid",
            RunStatus::Crashed => "crashed",
        }
    }
}

/// How a child ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    /// It could not be started or waited for.
    NotRun(String),
    /// No child: the suite could not load the scenario (the loader's message).
    Rejected(String),
}

/// One run, done.
#[derive(Clone, Debug, Serialize)]
pub struct RunOutcome {
    pub file: String,
    pub scenario: String,
    pub seed: Option<u64>,
    pub status: RunStatus,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// Wall time of the child, start to exit (0 for a file that did not load).
    pub wall_secs: f64,
    pub run_dir: String,
    pub verdicts: Vec<Verdict>,
    /// The command that does this run again.
    pub repro: String,
    /// Why a run that did not pass went wrong, in one line (the scenario
    /// error, the exit status, the missing report).
    pub problem: Option<String>,
    /// The end of the child's stderr (at most [`STDERR_TAIL_BYTES`]).
    pub stderr_tail: String,
    /// The report read back, for the plots (not repeated in summary.json).
    #[serde(skip)]
    pub report: Option<Report>,
    /// `<scenario>[seed=S]`.
    #[serde(skip)]
    pub label: String,
}

impl RunOutcome {
    pub fn checks_failed(&self) -> usize {
        self.verdicts.iter().filter(|v| !v.passed).count()
    }
}

/// Does every planned run, `parallel` at a time, and returns the outcomes
/// in plan order. `on_done` sees each as it finishes (for progress).
pub fn execute(
    exe: &Path,
    plan: &[PlannedRun],
    parallel: usize,
    mut on_done: impl FnMut(&RunOutcome),
) -> Vec<RunOutcome> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    let mut done: Vec<Option<RunOutcome>> = vec![None; plan.len()];
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, plan.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(run) = plan.get(i) else { break };
                    if tx.send((i, run_one(exe, run))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, outcome) in rx {
            on_done(&outcome);
            done[i] = Some(outcome);
        }
    });
    done.into_iter().flatten().collect()
}

fn run_one(exe: &Path, run: &PlannedRun) -> RunOutcome {
    if let Some(message) = &run.invalid {
        let tail = format!("error: {message}\n");
        return outcome(
            run,
            Exit::Rejected(message.clone()),
            0.0,
            Err(String::new()),
            tail,
        );
    }
    // A report left by an earlier suite must not stand in for a child that
    // dies before writing its own, and the child writes only into a free
    // folder: an earlier run's folder is moved aside (never deleted).
    if run.run_dir.exists()
        && let Err(e) = move_aside(&run.run_dir)
    {
        let why = format!("cannot move {} aside: {e}", run.run_dir.display());
        return outcome(run, Exit::NotRun(why), 0.0, Err(String::new()), "".into());
    }
    let started = Instant::now();
    let (exit, tail) = spawn_and_wait(exe, run);
    let wall = started.elapsed().as_secs_f64();
    let report = match exit {
        Exit::Code(0 | 1) => read_report(&run.run_dir),
        _ => Err(String::new()),
    };
    outcome(run, exit, wall, report, tail)
}

fn spawn_and_wait(exe: &Path, run: &PlannedRun) -> (Exit, String) {
    let child = Command::new(exe)
        .args(run.child_args())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return (
                Exit::NotRun(format!("cannot start seedsim: {e}")),
                "".into(),
            );
        }
    };
    let mut tail = Tail::new(STDERR_TAIL_BYTES);
    if let Some(mut err) = child.stderr.take() {
        let mut buf = [0u8; 8192];
        // Read to the end so the child never blocks on a full pipe.
        while let Ok(n) = err.read(&mut buf)
            && n > 0
        {
            tail.push(&buf[..n]);
        }
    }
    let exit = match child.wait() {
        Ok(status) => exit_of(status),
        Err(e) => Exit::NotRun(format!("cannot wait for seedsim: {e}")),
    };
    (exit, tail.into_string())
}

#[cfg(unix)]
fn exit_of(status: std::process::ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => Exit::Code(c),
        (None, Some(s)) => Exit::Signal(s),
        (None, None) => Exit::NotRun("ended without an exit status".into()),
    }
}

#[cfg(not(unix))]
fn exit_of(status: std::process::ExitStatus) -> Exit {
    match status.code() {
        Some(c) => Exit::Code(c),
        None => Exit::NotRun("ended without an exit status".into()),
    }
}

/// `: <where>: <message>` of the last panic in a stderr tail, if any: a
/// crash's one line should say what broke, not only how it ended.
fn panic_of(tail: &str) -> String {
    let lines: Vec<&str> = tail.lines().collect();
    let Some(i) = lines.iter().rposition(|l| l.contains(" panicked at ")) else {
        return String::new();
    };
    let at = lines[i].split(" panicked at ").nth(1).unwrap_or("");
    let message = lines.get(i + 1).copied().unwrap_or("");
    format!(": panicked at {} {message}", at.trim_end_matches(':'))
        .trim_end()
        .to_string()
}

/// Judges a run from how its child ended and its report.
pub fn outcome(
    run: &PlannedRun,
    exit: Exit,
    wall_secs: f64,
    report: Result<Report, String>,
    stderr_tail: String,
) -> RunOutcome {
    let last_line = || {
        stderr_tail
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim_start_matches("error: ").to_string())
    };
    let (status, problem, report) = match (&exit, report) {
        (Exit::Code(0), Ok(r)) if r.passed => (RunStatus::Passed, None, Some(r)),
        (Exit::Code(c @ (0 | 1)), Ok(r)) => {
            let problem = (!r.verdicts.iter().any(|v| !v.passed)).then(|| {
                let why = last_line().map(|l| format!(": {l}")).unwrap_or_default();
                format!("exit code {c}, but no verdict failed{why}")
            });
            (RunStatus::Failed, problem, Some(r))
        }
        (Exit::Code(c @ (0 | 1)), Err(why)) => {
            let why = last_line().filter(|_| *c == 1).unwrap_or(why);
            (
                RunStatus::Crashed,
                Some(format!("exit code {c}: {why}")),
                None,
            )
        }
        (Exit::Code(2), _) => (RunStatus::Invalid, last_line(), None),
        (Exit::Rejected(why), _) => (RunStatus::Invalid, Some(why.clone()), None),
        (Exit::Code(c), _) => {
            let why = format!("exit code {c}{}", panic_of(&stderr_tail));
            (RunStatus::Crashed, Some(why), None)
        }
        (Exit::Signal(s), _) => {
            let why = format!("killed by signal {s}{}", panic_of(&stderr_tail));
            (RunStatus::Crashed, Some(why), None)
        }
        (Exit::NotRun(why), _) => (RunStatus::Crashed, Some(why.clone()), None),
    };
    let (exit_code, signal) = match exit {
        Exit::Code(c) => (Some(c), None),
        Exit::Signal(s) => (None, Some(s)),
        Exit::NotRun(_) | Exit::Rejected(_) => (None, None),
    };
    RunOutcome {
        file: run.file.display().to_string(),
        scenario: run.scenario.clone(),
        seed: run.seed,
        status,
        exit_code,
        signal,
        wall_secs,
        run_dir: run.run_dir.display().to_string(),
        verdicts: report
            .as_ref()
            .map(|r| r.verdicts.clone())
            .unwrap_or_default(),
        repro: run.repro(),
        problem,
        stderr_tail,
        report,
        label: run.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::fixtures::{planned, report, verdict};

    fn status(exit: Exit, r: Result<Report, String>, tail: &str) -> (RunStatus, Option<String>) {
        let o = outcome(&planned("market", Some(17)), exit, 1.0, r, tail.into());
        (o.status, o.problem)
    }

    #[test]
    fn exit_and_report_decide_the_status() {
        let pass = || Ok(report("market", vec![verdict("a", true)]));
        let fail = || {
            Ok(report(
                "market",
                vec![verdict("a", true), verdict("b", false)],
            ))
        };
        assert_eq!(status(Exit::Code(0), pass(), ""), (RunStatus::Passed, None));
        assert_eq!(status(Exit::Code(1), fail(), ""), (RunStatus::Failed, None));
        // A report that disagrees with its exit code still fails the run.
        assert_eq!(status(Exit::Code(0), fail(), "").0, RunStatus::Failed);
        let (s, why) = status(Exit::Code(1), pass(), "");
        assert_eq!(s, RunStatus::Failed);
        assert_eq!(why.as_deref(), Some("exit code 1, but no verdict failed"));
        let (s, why) = status(
            Exit::Code(2),
            Err("x".into()),
            "error: a.ron:1:2: seed: bad\n",
        );
        assert_eq!(
            (s, why.as_deref()),
            (RunStatus::Invalid, Some("a.ron:1:2: seed: bad"))
        );
        let (s, why) = status(
            Exit::Code(1),
            Err("no report".into()),
            "error: disk full\n\n",
        );
        assert_eq!(
            (s, why.as_deref()),
            (RunStatus::Crashed, Some("exit code 1: disk full"))
        );
        let (s, why) = status(Exit::Code(0), Err("no report at x".into()), "");
        assert_eq!(
            (s, why.as_deref()),
            (RunStatus::Crashed, Some("exit code 0: no report at x"))
        );
        let (s, why) = status(Exit::Code(101), Err(String::new()), "panicked");
        assert_eq!(
            (s, why.as_deref()),
            (RunStatus::Crashed, Some("exit code 101"))
        );
        let (s, why) = status(Exit::Signal(9), Err(String::new()), "");
        assert_eq!(
            (s, why.as_deref()),
            (RunStatus::Crashed, Some("killed by signal 9"))
        );
        let (s, why) = status(
            Exit::Rejected("bad.ron:1:1: x".into()),
            Err(String::new()),
            "",
        );
        assert_eq!(
            (s, why.as_deref()),
            (RunStatus::Invalid, Some("bad.ron:1:1: x"))
        );
    }
}
