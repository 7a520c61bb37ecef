//! `run --window`: the run (its ticks, store and report) goes to a thread of
//! its own, `seedsim-sim`, and the main thread, which winit needs, runs the
//! window on the run's feed. Closing the window ends the run there; the
//! exit code is the run's, or a failure if the window failed.

use std::process::ExitCode;

use super::EXIT_FAILED;
use super::run::{Plan, execute};
use crate::window::WindowOpts;
use crate::window::feed;

/// Runs `plan` shown in a window.
pub fn show(plan: Plan) -> ExitCode {
    let opts = WindowOpts {
        screenshot: plan.args.window.screenshot.clone(),
        frames: plan.args.window.frames,
        fps_log: plan.args.window.fps_log,
    };
    let (feed, source) = feed::channel();
    let run = std::thread::Builder::new()
        .name("seedsim-sim".into())
        .spawn(move || execute(plan, Some(source)));
    let run = match run {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("error: cannot start the simulation's thread: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    // None: the run could not start (it said why) and its thread is ending.
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
    match run.join() {
        Ok(_) if window_failed => ExitCode::from(EXIT_FAILED),
        Ok(code) => code,
        Err(_) => {
            eprintln!("error: the simulation's thread panicked; its store may be unfinished");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
