//! The command line: `seedsim run`, `bench`, `verify`, `replay` and
//! `events`. Exit codes: 0 when the command did what was asked (and a chain
//! is intact, a replay identical), 1 when it failed while running or found a
//! broken chain or a divergence, 2 when the command line, the scenario or the
//! database given is invalid.

mod assault;
mod clients;
mod fd_limit;
mod progress;
mod run;
mod serve;
mod store_cmds;
mod story;
mod story_director;
mod story_lint;
mod story_sift;
mod test_cmd;
mod values;
mod view;
#[cfg(feature = "window")]
mod window;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::run::Pace;

/// Simulates and stress-tests the population of an MMO world.
#[derive(Debug, Parser)]
#[command(name = "seedsim", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs a scenario headless and writes report.json.
    Run(RunArgs),
    /// Runs a scenario live in real time with the admin REST API and the
    /// WebSocket stream, until Ctrl-C (or --ticks).
    Serve(ServeArgs),
    /// Measures throughput and memory at several population sizes.
    Bench(crate::bench::BenchArgs),
    /// Recomputes a run's hash chain: exit 0 if intact, 1 with the first bad seq.
    Verify(store_cmds::VerifyArgs),
    /// Re-simulates a run from its events.db and compares every event hash.
    Replay(store_cmds::ReplayArgs),
    /// Queries a run's events (by entity, kind, ticks) or one event's causal chain.
    Events(store_cmds::EventsArgs),
    /// Tells the lives of a stored run: an entity's moments, or the N that weigh most.
    Story(story::StoryArgs),
    /// Loads a live server with WebSocket clients playing profiles; reports latency.
    Assault(assault::AssaultArgs),
    /// Runs scenario files as a suite, each in its own process, and writes
    /// summary.json, junit.xml and report.html.
    Test(test_cmd::TestArgs),
    /// Opens the window on a live server (`serve`) over its WebSocket
    /// stream; pauses, steps and tunes it with --token.
    View(view::ViewArgs),
}

/// What to run, shared by `run` and `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScenarioOpts {
    /// The scenario file (RON).
    pub scenario: PathBuf,
    /// Overrides the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Compute threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: Option<u64>,
    /// Run folder for events.db and report.json; it must be new or empty
    /// (default: runs/<scenario>-<seed>/, then -2, -3…; runs/latest names the newest).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// With --out: move an occupied folder aside to DIR.replaced-N first (nothing is deleted).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Do not record events.db (measures the simulation alone).
    #[arg(long)]
    pub no_store: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: ScenarioOpts,
    /// Overrides the scenario's number of ticks.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub ticks: Option<u64>,
    /// fast: ticks back to back; realtime: one tick per 100 ms.
    #[arg(long, value_parser = values::pace(), default_value = "fast")]
    pub pace: Pace,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also serve the REST API and WebSocket stream while running.
    #[arg(long)]
    pub serve: bool,
    #[command(flatten)]
    pub net: NetOpts,
    #[command(flatten)]
    pub window: WindowArgs,
}

/// `run --window`: show the run in a window (needs the `window` feature).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WindowArgs {
    /// Show the run in a window, at real-time pace (speed set in its Run
    /// panel). Needs a build with the `window` feature (the default).
    #[arg(long)]
    pub window: bool,
    /// Render --frames frames once the scene is drawn, save the window as
    /// this PNG and exit.
    #[arg(long, requires = "window", value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot.
    #[arg(long, requires = "screenshot", default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub frames: u32,
    /// Print the window's frame rate every this many seconds.
    #[arg(long, requires = "window", value_name = "SECS")]
    pub fps_log: Option<f64>,
    /// The speed to start at, 0.25 to 64 (× real time; the Run panel changes it).
    #[arg(long, requires = "window", value_name = "X", value_parser = parse_speed)]
    pub speed: Option<f32>,
}

/// Refuses a `--screenshot` name that is not a PNG's (said on stderr).
pub(crate) fn screenshot_ok(path: Option<&std::path::Path>) -> bool {
    match path {
        Some(p) if p.extension().is_none_or(|e| !e.eq_ignore_ascii_case("png")) => {
            eprintln!(
                "error: --screenshot {}: the file name must end in .png",
                p.display()
            );
            false
        }
        _ => true,
    }
}

fn parse_speed(s: &str) -> Result<f32, String> {
    let x: f32 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.25..=64.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is out of range: the speed is 0.25 to 64"))
    }
}

/// `seedsim serve`: a live run (real time by default, until stopped).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: ScenarioOpts,
    /// Stop after this many ticks (default: run until Ctrl-C).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub ticks: Option<u64>,
    #[arg(long, value_parser = values::pace(), default_value = "realtime")]
    pub pace: Pace,
    #[command(flatten)]
    pub net: NetOpts,
}

/// Where a live run listens.
#[derive(Debug, Clone, clap::Args)]
pub struct NetOpts {
    /// Admin REST API address.
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub http: std::net::SocketAddr,
    /// WebSocket stream address.
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub ws: std::net::SocketAddr,
    /// Bearer token for control and tunables (default: a random one, printed).
    #[arg(long)]
    pub token: Option<String>,
}

pub use crate::exit::{EXIT_FAILED, EXIT_INVALID};

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_INVALID)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_logging();
    // Live servers and big assaults hold a descriptor per connection.
    fd_limit::raise();
    match cli.command {
        Command::Run(args) => run::run(&args, false),
        Command::Serve(args) => run::run(
            &RunArgs {
                common: args.common,
                ticks: args.ticks,
                pace: args.pace,
                quiet: true,
                serve: true,
                net: args.net.clone(),
                window: WindowArgs::default(),
            },
            args.ticks.is_none(),
        ),
        Command::Bench(args) => crate::bench::run(&args),
        Command::Verify(args) => store_cmds::verify_cmd(&args),
        Command::Replay(args) => store_cmds::replay_cmd(&args),
        Command::Events(args) => store_cmds::events_cmd(&args),
        Command::Story(args) => story::story_cmd(&args),
        Command::Assault(args) => assault::run(&args),
        Command::Test(args) => test_cmd::test(&args),
        Command::View(args) => view::view(&args),
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
