//! `run --window`: the run (its ticks, store and report) goes to a thread of
//! its own, `seedsim-sim`, and the main thread, which winit needs, runs the
//! window. A run of its own is driven by the window's feed (its speed,
//! pause and step, its tunes); a served run (`--serve`, or a scenario with
//! clients, whose thinking happens in wall-clock time) is served exactly as
//! without a window, and the window attaches to it as any viewer would,
//! over its WebSocket stream and REST API with the run's token. Closing the
//! window ends the run there; the exit code is the run's, or a failure if
//! the window failed.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;

use super::EXIT_FAILED;
use super::run::{Plan, Shown, execute};
use super::serve::Served;
use crate::window::WindowOpts;
use crate::window::feed::{self, Feed};

/// Runs `plan` shown in a window.
pub fn show(plan: Plan) -> ExitCode {
    let opts = WindowOpts {
        screenshot: plan.args.window.screenshot.clone(),
        frames: plan.args.window.frames,
        fps_log: plan.args.window.fps_log,
        speed: plan.args.window.speed,
    };
    if plan.served() {
        return served(plan, &opts);
    }
    let (feed, source) = feed::channel();
    let Some(run) = spawn(plan, Shown::Local(source)) else {
        return ExitCode::from(EXIT_FAILED);
    };
    // None: the run could not start (it said why) and its thread is ending.
    let window_failed = match feed.info() {
        Some(info) => open(feed, info, &opts),
        None => false,
    };
    finish(run, window_failed)
}

/// A served run, watched through its own sockets.
fn served(plan: Plan, opts: &WindowOpts) -> ExitCode {
    use crate::window::feed::remote::{self, Config, Endpoints};

    let (tx, rx) = crossbeam_channel::bounded::<Served>(1);
    let Some(run) = spawn(plan, Shown::Served(tx)) else {
        return ExitCode::from(EXIT_FAILED);
    };
    // Err: the run ended before it served (it said why).
    let Ok(served) = rx.recv() else {
        return finish(run, false);
    };
    let stop = || served.stop.store(true, Ordering::Relaxed);
    let endpoints = Endpoints::parse(
        &format!("ws://{}", served.ws),
        Some(&format!("http://{}", served.http)),
    );
    let started = endpoints.map_err(|e| e.to_string()).and_then(|endpoints| {
        remote::start(Config {
            endpoints,
            token: Some(served.token.clone()),
        })
        .map_err(|e| e.to_string())
    });
    let window_failed = match started {
        Ok((feed, session)) => {
            let failed = match feed.info() {
                Some(info) => open(feed, info, opts),
                None => {
                    match session.join() {
                        Ok(Err(e)) => eprintln!("error: the window cannot watch the run: {e}"),
                        _ => eprintln!("error: the window cannot watch the run"),
                    }
                    stop();
                    return finish(run, true);
                }
            };
            // The window has gone: the run stops as on Ctrl-C.
            stop();
            let _ = session.join();
            failed
        }
        Err(e) => {
            eprintln!("error: the window cannot watch the run: {e}");
            true
        }
    };
    stop();
    finish(run, window_failed)
}

fn spawn(plan: Plan, shown: Shown) -> Option<JoinHandle<ExitCode>> {
    match std::thread::Builder::new()
        .name("seedsim-sim".into())
        .spawn(move || execute(plan, Some(shown)))
    {
        Ok(handle) => Some(handle),
        Err(e) => {
            eprintln!("error: cannot start the simulation's thread: {e}");
            None
        }
    }
}

/// Opens the window; true if it failed.
fn open(feed: Feed, info: feed::Info, opts: &WindowOpts) -> bool {
    match crate::window::run(feed, info, opts) {
        Ok(_) => false,
        Err(e) => {
            eprintln!("error: {e}");
            true
        }
    }
}

fn finish(run: JoinHandle<ExitCode>, window_failed: bool) -> ExitCode {
    match run.join() {
        Ok(_) if window_failed => ExitCode::from(EXIT_FAILED),
        Ok(code) => code,
        Err(_) => {
            eprintln!("error: the simulation's thread panicked; its store may be unfinished");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
