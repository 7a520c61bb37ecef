//! `seedsim run`: load a scenario, run it at the chosen pace with progress
//! (or served live, or shown in a window), recording every event into
//! `events.db` (unless `--no-store`), then print the summary and write
//! `report.json` into the run folder. With `--window` the run, teardown
//! included, happens on a thread of its own while the main thread runs the
//! window (see `window`).

use crate::check::NarrativeReport;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::progress::Progress;
use super::{EXIT_FAILED, EXIT_INVALID, RunArgs};
use crate::check::Judge;
use crate::core::scenario::load_file;
use crate::report::{Report, RunInfo, summary_table};
use crate::run::drive::{self, Ended, Watch};
use crate::run::folder::{FolderError, RunFolder};
use crate::run::{RunConfig, Simulation};
use crate::store::StoreConfig;

/// Runs `args`; a live run (`--serve`) with `forever` runs until stopped.
pub fn run(args: &RunArgs, forever: bool) -> ExitCode {
    if args.window.window && !cfg!(feature = "window") {
        eprintln!(
            "error: --window needs a build with the `window` feature (this binary was built with --no-default-features); rebuild with `cargo build --features window`"
        );
        return ExitCode::from(EXIT_INVALID);
    }
    let (scenario, text) = match load_file(&args.common.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let seed = args.common.seed.unwrap_or(scenario.seed);
    let ticks = args.ticks.unwrap_or(scenario.ticks.0);
    if args.window.window && !super::screenshot_ok(args.window.screenshot.as_deref()) {
        return ExitCode::from(EXIT_INVALID);
    }
    // Claimed last, once the command is known to be valid: a refused
    // command leaves no folder behind.
    let folder = match claim_folder(args, &scenario.name, seed) {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    let out_dir = folder.path().to_path_buf();
    let store = (!args.common.no_store).then(|| StoreConfig {
        path: out_dir.join("events.db"),
        scenario_file: args.common.scenario.display().to_string(),
        scenario_text: text,
        seed,
        ticks,
        narrative_pack: scenario.narrative_text(),
    });
    let config = RunConfig {
        seed,
        threads: args.common.threads.map(|t| t as usize),
        store,
    };
    let judge = Judge::new(&scenario);
    let plan = Plan {
        args: args.clone(),
        forever,
        scenario,
        seed,
        ticks,
        folder,
        config,
        judge,
    };
    #[cfg(feature = "window")]
    if args.window.window {
        return super::window::show(plan);
    }
    execute(plan, None)
}

/// Everything a run needs once its command line and scenario are checked.
pub struct Plan {
    pub args: RunArgs,
    forever: bool,
    pub scenario: crate::core::scenario::Scenario,
    seed: u64,
    pub ticks: u64,
    folder: RunFolder,
    config: RunConfig,
    judge: Judge,
}

impl Plan {
    /// Whether the run is served live (`--serve`, or clients to answer).
    #[cfg(feature = "window")]
    pub fn served(&self) -> bool {
        self.args.serve || self.scenario.clients.is_some()
    }
}

/// The feed end a windowed run is driven by (none without the feature).
#[cfg(feature = "window")]
type LocalSource = crate::window::feed::Source;
#[cfg(not(feature = "window"))]
type LocalSource = std::convert::Infallible;

/// How a window shows the run.
#[cfg_attr(not(feature = "window"), allow(dead_code))]
pub enum Shown {
    /// The window's feed drives the ticks (`window::feed::local`).
    #[cfg(feature = "window")]
    Local(crate::window::feed::Source),
    /// The run is served as usual; the window attaches as a viewer to
    /// where this is told it listens.
    Served(crossbeam_channel::Sender<super::serve::Served>),
}

/// Runs `plan` to the end and tears it down: store, sockets, report. With a
/// window, its commands pace the ticks ([`Shown::Local`]) or it watches the
/// live server ([`Shown::Served`]).
pub fn execute(plan: Plan, window: Option<Shown>) -> ExitCode {
    let Plan {
        args,
        forever,
        scenario,
        seed,
        ticks,
        folder,
        config,
        judge,
    } = plan;
    let out_dir = folder.path().to_path_buf();
    let args = &args;
    // Clients think in wall-clock time: a run with clients is served in
    // real time, on loopback ports of its own unless told where.
    let live_args = if scenario.clients.is_some() && !args.serve {
        RunArgs {
            common: args.common.clone(),
            ticks: args.ticks,
            pace: crate::run::Pace::Realtime,
            quiet: args.quiet,
            serve: true,
            net: super::NetOpts {
                http: "127.0.0.1:0".parse().expect("a literal address"),
                ws: "127.0.0.1:0".parse().expect("a literal address"),
                token: args.net.token.clone(),
            },
            window: args.window.clone(),
        }
    } else {
        RunArgs {
            common: args.common.clone(),
            ticks: args.ticks,
            pace: if scenario.clients.is_some() || args.window.window {
                crate::run::Pace::Realtime
            } else {
                args.pace
            },
            quiet: args.quiet,
            serve: args.serve,
            net: args.net.clone(),
            window: args.window.clone(),
        }
    };
    let started = Instant::now();
    let (local, announce): (Option<LocalSource>, _) = match window {
        #[cfg(feature = "window")]
        Some(Shown::Local(source)) => (Some(source), None),
        Some(Shown::Served(tx)) => (None, Some(tx)),
        None => (None, None),
    };
    // The window paces the ticks itself (real time × its speed).
    let pace = if local.is_some() {
        crate::run::Pace::Fast
    } else {
        args.pace
    };
    let sim = match Simulation::recorded(&scenario, &config, pace) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("error: cannot create the event store: {e}");
            folder.abandon();
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let mut sim = sim;
    let mut judge = judge;
    let mut clients = None;
    #[cfg_attr(not(feature = "window"), allow(unused_mut))]
    let mut cut_short = false;
    let server = if let Some(source) = local {
        #[cfg(feature = "window")]
        {
            cut_short = crate::window::feed::local::drive(
                &mut sim,
                &mut judge,
                ticks,
                &scenario.name,
                &source,
            )
            .cut_short;
            None
        }
        #[cfg(not(feature = "window"))]
        match source {}
    } else if args.serve || scenario.clients.is_some() {
        let until = (!forever).then_some(ticks);
        match super::serve::live(
            &mut sim,
            &scenario,
            seed,
            &live_args,
            until,
            &mut judge,
            announce.as_ref(),
        ) {
            Ok((server, report)) => {
                clients = report;
                Some(server)
            }
            Err(e) => {
                eprintln!("error: {e}");
                if sim.tick() == 0 {
                    // It never served a tick: the folder it claimed goes.
                    let _ = sim.finish_store();
                    folder.abandon();
                }
                return ExitCode::from(EXIT_FAILED);
            }
        }
    } else {
        let mut watch = Watching {
            progress: Progress::new(ticks, args.quiet),
            judge: &mut judge,
        };
        drive::to_the_end(&mut sim, ticks, &mut watch);
        watch.progress.finish();
        None
    };
    // Whatever happened above, teardown runs: the store is finished, the
    // sockets get their close frames, the report is written.
    if let Some(p) = sim.panicked() {
        eprintln!("error: {p}; stopping the run");
    }
    let Ended { panicked, stored } = match drive::finish(&mut sim) {
        Ok(ended) => ended,
        Err(e) => {
            eprintln!("error: the event store failed: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    if let Some(server) = server {
        // Sockets get their close frames once the store is safe.
        server.stop();
        if let Some(s) = &stored {
            super::serve::check_intact(&s.path);
        }
    }

    let info = RunInfo {
        scenario: scenario.name.clone(),
        scenario_file: args.common.scenario.display().to_string(),
        seed,
        pace: live_args.pace,
        threads: bevy::tasks::ComputeTaskPool::get().thread_num(),
        wall_secs: started.elapsed().as_secs_f64(),
    };
    let report = Report::from_world(sim.world_mut(), info, stored.as_ref());
    // The story checker reads the finished store: every run is checked.
    let narrative = NarrativeReport::build(sim.world(), stored.as_ref().map(|s| s.path.as_path()));
    let verdicts = judge.finish(
        sim.world_mut(),
        stored.as_ref().map(|s| s.path.as_path()),
        stored.as_ref().map(|s| s.stall.as_secs_f64() * 1000.0),
        config.threads,
        clients.as_ref(),
        Some(&narrative),
    );
    let mut report = report.judged(verdicts);
    report.narrative = Some(narrative);
    if let Some(p) = &panicked {
        report.passed = false;
        report.panic = Some(p.to_string());
    }
    report.clients = clients;
    // A closed stdout (e.g. piped into `head`) must not stop the report.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", summary_table(&report));
    match report.write_json(&out_dir) {
        Ok(path) => {
            let _ = writeln!(stdout, "  report: {}", path.display());
            // A served run's client and admin inputs cannot be made again:
            // only its store replays it.
            let reproduce = match (&stored, live_args.serve) {
                (Some(s), true) => format!("seedsim replay {}", s.path.display()),
                _ => format!(
                    "seedsim run {} --seed {seed}{}",
                    args.common.scenario.display(),
                    args.ticks
                        .map_or(String::new(), |t| format!(" --ticks {t}"))
                ),
            };
            if let Some(p) = &panicked {
                let _ = writeln!(stdout, "  FAILED: {p}; reproduce with: {reproduce}");
                ExitCode::from(EXIT_FAILED)
            } else if cut_short {
                // The run's checks are about a whole run; a window closed
                // early (or after its screenshot) did not fail them.
                let _ = writeln!(
                    stdout,
                    "  the window closed at tick {} of {ticks}: checks judged on a partial run, not counted in the exit code",
                    sim.tick()
                );
                ExitCode::SUCCESS
            } else if report.passed {
                ExitCode::SUCCESS
            } else {
                let failed = report.verdicts.iter().filter(|v| !v.passed).count();
                let _ = writeln!(
                    stdout,
                    "  FAILED: {failed} of {} checks; reproduce with: {reproduce}",
                    report.verdicts.len(),
                );
                ExitCode::from(EXIT_FAILED)
            }
        }
        Err(e) => {
            eprintln!("error: cannot write report to {}: {e}", out_dir.display());
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// A headless run's watch: its progress line and its checks.
struct Watching<'a> {
    progress: Progress,
    judge: &'a mut Judge,
}

impl Watch for Watching<'_> {
    fn after_tick(&mut self, world: &mut bevy::prelude::World, done: u64) -> ControlFlow<()> {
        self.progress
            .tick(world.resource::<crate::record::TickFrame>(), done);
        // A threshold failed and the scenario asked to stop there.
        if !self.judge.is_empty() && self.judge.after_tick(world) {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

/// The run's folder: `--out` exactly (new or empty, or moved aside with
/// `--force`), else the next free `runs/<name>-<seed>[-N]`.
fn claim_folder(args: &RunArgs, name: &str, seed: u64) -> Result<RunFolder, ExitCode> {
    let claimed = match &args.common.out {
        Some(dir) => RunFolder::exact(dir, args.common.force),
        None => RunFolder::numbered(&PathBuf::from("runs").join(format!("{name}-{seed}"))),
    };
    match claimed {
        Ok(folder) => {
            if let Some(aside) = folder.moved_aside() {
                eprintln!(
                    "--force: moved the earlier {} aside to {}",
                    folder.path().display(),
                    aside.display()
                );
            }
            Ok(folder)
        }
        Err(e) => {
            eprintln!("error: {e}");
            let code = match e {
                FolderError::Occupied(_) | FolderError::NotAFolder(_) => EXIT_INVALID,
                _ => EXIT_FAILED,
            };
            Err(ExitCode::from(code))
        }
    }
}
