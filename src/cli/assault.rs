//! `seedsim assault`: the command line over [`crate::assault`]. It turns
//! flags into an [`AssaultConfig`], shows a live line while the run goes
//! (a spinner on a terminal, a plain line every five seconds in a log),
//! stops early on Ctrl-C with a report of what ran, prints the summary and
//! optionally writes the JSON report. Exit 0 when every connection attempt
//! succeeded and every action was answered, 1 otherwise, 2 for a bad command
//! line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{EXIT_FAILED, EXIT_INVALID};
use crate::assault::{self, AssaultConfig, AssaultError, Live, Load, Progress, default_ramp};
use crate::core::scenario::ProfileChoice;

#[derive(Debug, clap::Args)]
pub struct AssaultArgs {
    /// The server's WebSocket URL, e.g. ws://127.0.0.1:8765.
    #[arg(long)]
    pub target: String,
    /// Clients playing at once (closed model), or in all (open model).
    #[arg(long, default_value_t = 10)]
    pub clients: u64,
    /// Viewers besides the players: each subscribes to every event and
    /// checks that every batch arrives whole, and how late after its tick.
    #[arg(long, default_value_t = 0)]
    pub viewers: u64,
    /// Open model: clients arriving per second, up to --clients.
    #[arg(long)]
    pub arrival_rate: Option<f64>,
    /// Closed model: start the clients evenly over this long (e.g. 10s;
    /// default a tenth of the duration, at most 5s).
    #[arg(long, value_parser = parse_duration)]
    pub ramp: Option<Duration>,
    /// Open model: how long each client plays before leaving (default: to the end).
    #[arg(long, value_parser = parse_duration)]
    pub session: Option<Duration>,
    /// How long clients act (e.g. 30s, 2m; a bare number is seconds).
    #[arg(long, value_parser = parse_duration, default_value = "30s")]
    pub duration: Duration,
    /// How the clients play; mixed assigns profiles by client index.
    #[arg(long, value_parser = super::values::profile(), default_value = "mixed")]
    pub profile: ProfileChoice,
    /// A weighted mix of profiles instead, e.g. `trader=3,griefer=1`.
    #[arg(long, value_parser = parse_mix, conflicts_with = "profile")]
    pub mix: Option<Mix>,
    /// Mean time between one client's actions (jittered ±50%).
    #[arg(long, value_parser = parse_duration, default_value = "1s")]
    pub think: Duration,
    /// Seeds every client's choices.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Reconnect attempts in a row (after a refused or lost connection)
    /// before a client gives up.
    #[arg(long, default_value_t = 6)]
    pub max_retries: u32,
    /// Limit for connecting, for the server's hello and welcome, and for a send.
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    pub timeout: Duration,
    /// Subscribe each client to its own entity's deltas, as a game client
    /// watching its avatar would (honest steps then start from where the
    /// entity really is). Off by default: the load is the actions, and a
    /// delta per player per tick multiplies the server's output.
    #[arg(long)]
    pub track_self: bool,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// No progress line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A humantime duration (`500ms`, `2m`), or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).map_err(|e| format!("{s:?}: {e}"));
    }
    humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 30s, 500ms, 2m)"))
}

/// Profiles and their weights, as `--mix` gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct Mix(pub Vec<(crate::core::agent::Profile, u32)>);

/// `name=weight,...` with profile names and weights that add up to 1..=10000.
fn parse_mix(s: &str) -> Result<Mix, String> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let (name, weight) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?}: expected profile=weight, e.g. trader=3"))?;
        let profile = crate::core::agent::Profile::ALL
            .into_iter()
            .find(|p| p.name() == name.trim())
            .ok_or_else(|| {
                format!("{name:?} is not a profile (trader, fighter, chatter, explorer, griefer)")
            })?;
        let weight: u32 = weight
            .trim()
            .parse()
            .map_err(|_| format!("{weight:?} is not a weight (a whole number)"))?;
        out.push((profile, weight));
    }
    let total: u64 = out.iter().map(|(_, w)| *w as u64).sum();
    if !(1..=10_000).contains(&total) {
        return Err(format!("the weights add up to {total}: expected 1..=10000"));
    }
    Ok(Mix(out))
}

/// The configuration the flags describe.
pub fn config_of(args: &AssaultArgs) -> Result<AssaultConfig, AssaultError> {
    let mut config = AssaultConfig::new(args.target.clone(), args.clients);
    config.load = match args.arrival_rate {
        Some(rate) => {
            if args.ramp.is_some() {
                return Err(AssaultError::InvalidConfig(
                    "--ramp belongs to the closed model; with --arrival-rate clients arrive at that rate".into(),
                ));
            }
            Load::Open {
                rate,
                max_clients: args.clients,
                session: args.session,
            }
        }
        None => {
            if args.session.is_some() {
                return Err(AssaultError::InvalidConfig(
                    "--session needs the open model (--arrival-rate)".into(),
                ));
            }
            let ramp = args.ramp.unwrap_or(default_ramp(args.duration));
            Load::Closed {
                clients: args.clients,
                ramp,
            }
        }
    };
    config.duration = args.duration;
    config.profile = args.profile;
    config.mix = args
        .mix
        .as_ref()
        .map(|m| crate::assault::weighted_cycle(&m.0))
        .unwrap_or_default();
    config.think = args.think;
    config.seed = args.seed;
    config.retry.retries = args.max_retries;
    config.timeout = args.timeout;
    config.track_self = args.track_self;
    config.viewers = args.viewers;
    config.validate()?;
    Ok(config)
}

fn live_line(l: &Live) -> String {
    let p99 = l
        .ack_p99_ms
        .map_or_else(|| "-".to_string(), |v| format!("{v:.1} ms"));
    let phase = if l.finishing { " (finishing)" } else { "" };
    format!(
        "{:>5.1}s  connected {}  actions {} ({:.0}/s)  acks {}  ack p99 {p99}{phase}",
        l.elapsed.as_secs_f64(),
        l.connected,
        l.actions,
        l.actions_per_s,
        l.acks
    )
}

/// The live line: a spinner on a terminal, a plain line every 5 s otherwise.
fn progress(quiet: bool) -> (Option<Progress>, Option<ProgressBar>) {
    if quiet {
        return (None, None);
    }
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        let shown = bar.clone();
        let update: Progress = Box::new(move |l: &Live| shown.set_message(live_line(l)));
        (Some(update), Some(bar))
    } else {
        let mut calls = 0u64;
        let update: Progress = Box::new(move |l: &Live| {
            if calls.is_multiple_of(10) || l.finishing {
                eprintln!("{}", live_line(l));
            }
            calls += 1;
        });
        (Some(update), None)
    }
}

pub fn run(args: &AssaultArgs) -> ExitCode {
    let config = match config_of(args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let (update, bar) = progress(args.quiet);
    let ctrl_c = async {
        // Without a signal handler the run simply goes to its end.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let result = runtime.block_on(assault::run_until(config, update, ctrl_c));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = match result {
        Ok(report) => report,
        Err(e @ (AssaultError::InvalidTarget { .. } | AssaultError::InvalidConfig(_))) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    print!("{}", assault::render_summary(&report));
    if let Some(path) = &args.json {
        let written = serde_json::to_string_pretty(&report)
            .map_err(|e| e.to_string())
            .and_then(|text| std::fs::write(path, text + "\n").map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(EXIT_FAILED);
        }
    }
    let failures = report.failures();
    if failures.is_empty() {
        println!("result: pass");
        ExitCode::SUCCESS
    } else {
        println!("result: FAIL");
        for why in &failures {
            println!("  - {why}");
        }
        ExitCode::from(EXIT_FAILED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: AssaultArgs,
    }

    fn parse(line: &str) -> Result<AssaultConfig, String> {
        let argv = std::iter::once("assault").chain(line.split_whitespace());
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        config_of(&cli.args).map_err(|e| e.to_string())
    }

    #[test]
    fn flags_become_a_config() {
        let c = parse("--target ws://127.0.0.1:8765 --clients 50 --ramp 10 --duration 1m --profile griefer --think 250ms --seed 9").unwrap();
        assert_eq!(
            c.load,
            Load::Closed {
                clients: 50,
                ramp: Duration::from_secs(10)
            }
        );
        assert_eq!(c.duration, Duration::from_secs(60));
        assert_eq!(c.think, Duration::from_millis(250));
        assert_eq!((c.profile, c.seed), (ProfileChoice::Griefer, 9));
        assert!(!c.track_self);
        assert!(parse("--target ws://h:1 --track-self").unwrap().track_self);
        let c = parse("--target ws://h:1 --clients 100 --arrival-rate 2.5 --session 20s").unwrap();
        assert_eq!(
            c.load,
            Load::Open {
                rate: 2.5,
                max_clients: 100,
                session: Some(Duration::from_secs(20))
            }
        );
        let c = parse("--target ws://h:1 --duration 3s").unwrap();
        assert_eq!(
            c.load,
            Load::Closed {
                clients: 10,
                ramp: Duration::from_millis(300)
            }
        );
    }

    #[test]
    fn viewers_alone_are_an_assault() {
        let c = parse("--target ws://h:1 --clients 0 --viewers 5").unwrap();
        assert_eq!((c.client_count(), c.viewers), (0, 5));
    }

    #[test]
    fn bad_command_lines_are_refused() {
        for (line, why) in [
            ("--target http://h:1", "ws://"),
            ("--target ws://h:1 --clients 0", "clients"),
            ("--target ws://h:1 --clients 1000000000", "at most"),
            ("--target ws://h:99999", "65535"),
            ("--target ws://h:1 --duration soon", "soon"),
            ("--target ws://h:1 --ramp 40s", "ramp"),
            ("--target ws://h:1 --arrival-rate 1 --ramp 2s", "--ramp"),
            ("--target ws://h:1 --session 2s", "--session"),
            ("--target ws://h:1 --arrival-rate 0", "rate"),
            ("--target ws://h:1 --profile wizard", "wizard"),
            ("--target ws://h:1 --think 0", "think"),
        ] {
            let e = parse(line).expect_err(line);
            assert!(e.contains(why), "{line}: {e}");
        }
    }
}
