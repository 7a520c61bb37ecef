//! `seedsim verify`, `seedsim replay` and `seedsim events`: the commands that
//! read a run's `events.db`. `replay --window` plays the run back in the
//! window under a timeline instead of comparing it in one go: the replay
//! runs on a thread of its own (`seedsim-replay`) and the main thread, which
//! winit needs, runs the window on its feed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_FAILED, EXIT_INVALID};
use crate::events::chain::Row;
use crate::run::replay::replay;
use crate::store::query::{Filter, chain, select};
use crate::store::recording::Outcome;
use crate::store::verify::{Verdict, open_read_only, verify};

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The run's events.db.
    pub db: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The run's events.db.
    pub db: PathBuf,
    /// Compute threads (the result must not depend on it).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: Option<u64>,
    /// `--window`: play the run back in a window with a timeline (every
    /// tick's state hash is still checked as it is stepped).
    #[command(flatten)]
    pub window: super::WindowArgs,
}

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// The run's events.db.
    pub db: PathBuf,
    /// Events whose actor or target is this entity id.
    #[arg(long)]
    pub entity: Option<u64>,
    /// Events of this kind (e.g. trade, death, intent_denied).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::core::event::EVENT_KINDS))]
    pub kind: Option<String>,
    /// Tick range `A..B` (inclusive).
    #[arg(long, value_parser = parse_ticks)]
    pub ticks: Option<(u64, u64)>,
    /// Show this event's causes up to the root and all its effects.
    #[arg(long)]
    pub chain: Option<u64>,
    /// At most this many events.
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
    /// JSON (one array) instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_ticks(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("{s:?}: expected A..B, e.g. 10..20"))?;
    let a: u64 = a.trim().parse().map_err(|e| format!("{a:?}: {e}"))?;
    let b: u64 = b.trim().parse().map_err(|e| format!("{b:?}: {e}"))?;
    if a > b {
        return Err(format!("{s:?}: the range is empty ({a} > {b})"));
    }
    Ok((a, b))
}

pub fn verify_cmd(args: &VerifyArgs) -> ExitCode {
    match verify(&args.db) {
        Ok(Verdict::Intact {
            events,
            last_tick,
            complete,
            ..
        }) => {
            let state = if complete {
                "run complete"
            } else {
                "run did not finish: verified up to its last committed tick"
            };
            println!("ok: {events} events, chain intact through tick {last_tick} ({state})");
            ExitCode::SUCCESS
        }
        Ok(Verdict::Broken { seq, reason }) => {
            println!("broken at seq {seq}: {reason}");
            ExitCode::from(EXIT_FAILED)
        }
        Ok(Verdict::Damaged { reason }) => {
            println!("damaged: {reason}");
            ExitCode::from(EXIT_FAILED)
        }
        Ok(Verdict::Truncated {
            last_seq,
            recorded_seq,
            recorded_tick,
        }) => {
            println!(
                "truncated: events end at seq {last_seq}, but tick {recorded_tick} was recorded up to seq {recorded_seq}"
            );
            ExitCode::from(EXIT_FAILED)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

pub fn replay_cmd(args: &ReplayArgs) -> ExitCode {
    if args.window.window {
        return replay_window(args);
    }
    match replay(&args.db, args.threads.map(|t| t as usize)) {
        Ok(Outcome::Identical { ticks, events }) => {
            println!("identical: {ticks} ticks, {events} events, every hash matches");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Diverged(d)) => {
            println!(
                "diverged at tick {}, seq {}:\n  expected {}\n  actual   {}",
                d.tick, d.seq, d.expected, d.actual
            );
            ExitCode::from(EXIT_FAILED)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// `replay --window`: checked here, shown by the window; the exit code is
/// 2 for a bad command line or recording, 1 if the window failed or the
/// replay diverged from the recording, else 0.
fn replay_window(args: &ReplayArgs) -> ExitCode {
    #[cfg(not(feature = "window"))]
    {
        let _ = args;
        eprintln!(
            "error: --window needs a build with the `window` feature (this binary was built with --no-default-features); rebuild with `cargo build --features window`"
        );
        ExitCode::from(EXIT_INVALID)
    }
    #[cfg(feature = "window")]
    {
        if !super::screenshot_ok(args.window.screenshot.as_deref()) {
            return ExitCode::from(EXIT_INVALID);
        }
        show_replay(args)
    }
}

#[cfg(feature = "window")]
fn show_replay(args: &ReplayArgs) -> ExitCode {
    use crate::window::feed::{self, replay};
    let opts = crate::window::WindowOpts {
        screenshot: args.window.screenshot.clone(),
        frames: args.window.frames,
        fps_log: args.window.fps_log,
        speed: args.window.speed,
    };
    let replay_opts = replay::ReplayOpts {
        threads: args.threads.map(|t| t as usize),
        ..replay::ReplayOpts::default()
    };
    let (feed, source) = feed::channel();
    let db = args.db.clone();
    // The simulation is not Send: it is built on the thread that steps it.
    let thread = std::thread::Builder::new()
        .name("seedsim-replay".into())
        .spawn(move || replay::play(&db, replay_opts, &source));
    let thread = match thread {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("error: cannot start the replay's thread: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    // None: the recording could not be read; the thread says why.
    let window_failed = match feed.info() {
        Some(info) => match crate::window::run(feed, info, &opts) {
            Ok(_) => false,
            Err(e) => {
                eprintln!("error: {e}");
                true
            }
        },
        None => false,
    };
    match thread.join() {
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
        Ok(Ok(played)) => match played.diverged {
            Some(tick) => {
                println!("diverged at tick {tick}: the replay's state differs from the recording");
                ExitCode::from(EXIT_FAILED)
            }
            None if window_failed => ExitCode::from(EXIT_FAILED),
            None => ExitCode::SUCCESS,
        },
        Err(_) => {
            eprintln!("error: the replay's thread panicked");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn line(r: &Row) -> String {
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |x| x.to_string());
    format!(
        "{:>8} {:>6} {:<18} {:>7} {:>7} {:>8} {:>2}  {}",
        r.header.seq,
        r.header.tick,
        r.kind,
        opt(r.header.actor),
        opt(r.header.target),
        opt(r.header.cause),
        r.header.depth,
        r.payload
    )
}

fn json(r: &Row, role: &str) -> serde_json::Value {
    serde_json::json!({
        "seq": r.header.seq, "tick": r.header.tick, "kind": r.kind, "actor": r.header.actor, "target": r.header.target,
        "cause": r.header.cause, "correlation": r.header.correlation, "depth": r.header.depth,
        "payload": serde_json::from_str::<serde_json::Value>(&r.payload).unwrap_or(serde_json::Value::String(r.payload.clone())),
        "role": role,
    })
}

pub fn events_cmd(args: &EventsArgs) -> ExitCode {
    let conn = match open_read_only(&args.db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let listed: Result<Vec<(Row, &str)>, String> = match args.chain {
        Some(seq) => match chain(&conn, seq, args.limit) {
            Ok(Some(c)) => Ok(c
                .causes
                .into_iter()
                .map(|r| (r, "cause"))
                .chain(std::iter::once((c.event, "event")))
                .chain(c.effects.into_iter().map(|r| (r, "effect")))
                .collect()),
            Ok(None) => Err(format!("no event has seq {seq}")),
            Err(e) => Err(e.to_string()),
        },
        None => {
            let filter = Filter {
                entity: args.entity,
                kind: args.kind.clone(),
                ticks: args.ticks,
                limit: args.limit,
            };
            select(&conn, &filter)
                .map(|rows| rows.into_iter().map(|r| (r, "")).collect())
                .map_err(|e| e.to_string())
        }
    };
    let rows = match listed {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {}: {e}", args.db.display());
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let all: Vec<_> = rows.iter().map(|(r, role)| json(r, role)).collect();
        let _ = writeln!(out, "{}", serde_json::Value::Array(all));
    } else {
        let indent = if args.chain.is_some() { "  " } else { "" };
        let _ = writeln!(
            out,
            "{indent}{:>8} {:>6} {:<18} {:>7} {:>7} {:>8} {:>2}  payload",
            "seq", "tick", "kind", "actor", "target", "cause", "d"
        );
        for (r, role) in &rows {
            // In a chain, the event asked about is marked; columns stay aligned.
            let mark = match (args.chain.is_some(), *role) {
                (false, _) => "",
                (true, "event") => "> ",
                (true, _) => "  ",
            };
            let _ = writeln!(out, "{mark}{}", line(r));
        }
    }
    ExitCode::SUCCESS
}
