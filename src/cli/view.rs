//! `seedsim view ws://HOST:PORT`: the window attached to a live server.
//! The connection runs on a thread of its own (the remote feed source) and
//! the main thread, which winit needs, runs the window. A URL that does not
//! parse is an invalid command line (exit 2); a server that cannot be
//! reached, or that is not a seedsim server, is a failure (exit 1), told
//! before any window opens. Closing the window closes the connection.

use std::path::PathBuf;
use std::process::ExitCode;

use super::EXIT_INVALID;

/// The environment variable `view` reads the token from without `--token`.
#[cfg(feature = "window")]
pub const TOKEN_ENV: &str = "SEEDSIM_TOKEN";

#[derive(Debug, Clone, clap::Args)]
pub struct ViewArgs {
    /// The server's WebSocket address, e.g. ws://127.0.0.1:8765.
    pub url: String,
    /// The server's REST API (default: the stream's host, port 8000).
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
    /// The server's bearer token, to pause, step and tune (default: the
    /// SEEDSIM_TOKEN variable; without one the window is read only).
    #[arg(long)]
    pub token: Option<String>,
    /// Render --frames frames once the scene is drawn, save the window as
    /// this PNG and exit.
    #[arg(long, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot.
    #[arg(long, requires = "screenshot", default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub frames: u32,
    /// Print the window's frame rate every this many seconds.
    #[arg(long, value_name = "SECS")]
    pub fps_log: Option<f64>,
}

/// Runs `view`.
pub fn view(args: &ViewArgs) -> ExitCode {
    #[cfg(not(feature = "window"))]
    {
        let _ = args;
        eprintln!(
            "error: view needs a build with the `window` feature (this binary was built with --no-default-features); rebuild with `cargo build --features window`"
        );
        ExitCode::from(EXIT_INVALID)
    }
    #[cfg(feature = "window")]
    {
        windowed(args)
    }
}

#[cfg(feature = "window")]
fn windowed(args: &ViewArgs) -> ExitCode {
    use super::EXIT_FAILED;
    use crate::window::WindowOpts;
    use crate::window::feed::remote::{self, Config, Endpoints};

    let endpoints = match Endpoints::parse(&args.url, args.api.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if !super::screenshot_ok(args.screenshot.as_deref()) {
        return ExitCode::from(EXIT_INVALID);
    }
    if args.fps_log.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
        eprintln!("error: --fps-log takes a number of seconds above 0");
        return ExitCode::from(EXIT_INVALID);
    }
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var(TOKEN_ENV).ok())
        .filter(|t| !t.is_empty());
    let read_only = token.is_none();
    let (feed, session) = match remote::start(Config { endpoints, token }) {
        Ok(started) => started,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    // None: the session could not start; its thread says why.
    let Some(info) = feed.info() else {
        return match session.join() {
            Ok(Err(e)) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_FAILED)
            }
            Ok(Ok(_)) => ExitCode::from(EXIT_FAILED),
            Err(_) => {
                eprintln!("error: the connection's thread panicked");
                ExitCode::from(EXIT_FAILED)
            }
        };
    };
    eprintln!(
        "viewing {}{}",
        args.url,
        if read_only {
            " (read only: no --token)"
        } else {
            ""
        }
    );
    let opts = WindowOpts {
        screenshot: args.screenshot.clone(),
        frames: args.frames,
        fps_log: args.fps_log,
        // A live server runs at its own pace.
        speed: None,
    };
    // The window tells the source to quit when it goes (and drops the feed).
    let window = crate::window::run(feed, info, &opts);
    let ended = session.join();
    match (window, ended) {
        (Err(e), _) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILED)
        }
        (Ok(_), Ok(Ok(ended))) => {
            if let Some(why) = ended.lost {
                eprintln!("note: {why}");
            }
            ExitCode::SUCCESS
        }
        (Ok(_), Ok(Err(e))) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILED)
        }
        (Ok(_), Err(_)) => {
            eprintln!("error: the connection's thread panicked");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
