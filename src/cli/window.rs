//! `run --window`: hands the simulation to the window for as long as it is
//! open and takes it back for the teardown (store, report) that every run
//! ends with.

use std::cell::RefCell;
use std::rc::Rc;

use super::WindowArgs;
use crate::check::Judge;
use crate::sim::Simulation;
use crate::window::{Driven, WindowOpts};

/// How the window ended.
pub struct WindowEnd {
    /// The window (or its screenshot) failed; reported on stderr already.
    pub failed: bool,
    /// Closed before the run's last tick, nothing having stopped the run.
    pub cut_short: bool,
}

/// Runs the window; returns the simulation, its judge, and how it ended.
pub fn show(
    sim: Simulation,
    judge: Judge,
    ticks: u64,
    scenario: &str,
    args: &WindowArgs,
) -> (Simulation, Judge, WindowEnd) {
    let driven = Rc::new(RefCell::new(Driven {
        sim,
        scenario: scenario.to_string(),
        judge,
        ticks,
        stopped: false,
    }));
    let opts = WindowOpts {
        screenshot: args.screenshot.clone(),
        frames: args.frames,
        fps_log: args.fps_log,
    };
    let result = crate::window::run(driven.clone(), &opts);
    let failed = match &result {
        Ok(_) => false,
        Err(e) => {
            eprintln!("error: {e}");
            true
        }
    };
    match Rc::try_unwrap(driven) {
        Ok(cell) => {
            let Driven {
                sim,
                judge,
                ticks,
                stopped,
                ..
            } = cell.into_inner();
            let cut_short = !stopped && sim.tick() < ticks;
            (sim, judge, WindowEnd { failed, cut_short })
        }
        // The window's app is dropped when its event loop ends, so this
        // cannot happen unless Bevy keeps the app alive; stop loudly
        // rather than report a run we cannot finish.
        Err(_) => {
            eprintln!(
                "error: the window did not hand the simulation back; the run's store was not finished"
            );
            std::process::exit(i32::from(super::EXIT_FAILED));
        }
    }
}
