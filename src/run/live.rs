//! The loop of a live simulation: between ticks it answers the network's
//! queries and controls (so answers always see a whole tick); at each tick
//! boundary it runs one tick and hands the tick's frame to the hub without
//! waiting. In real time it keeps a 100 ms cadence; paused, it only answers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{RecvTimeoutError, TrySendError};

use crate::core::TICK;
use crate::fault::restart;
use crate::input::{ControlAction, Input, InputFeed, QueuedInputs};
use crate::net::answer::{Effect, answer};
use crate::net::bridge::{ControlState, SimQuery, SimSide};
use crate::net::frame::{NetLink, collect};
use crate::run::{Pace, Simulation};

/// When the loop stops by itself.
#[derive(Clone, Copy, Debug)]
pub struct LiveLimits {
    pub pace: Pace,
    /// Stop after this tick (`None`: run until stopped).
    pub until_tick: Option<u64>,
    /// Wait for a resume (or steps) before the first tick.
    pub start_paused: bool,
}

/// Why the loop returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveEnd {
    /// Stopped, at the tick limit, on a failed store or tick, or by a check.
    Stopped,
    /// The tick that just ran is a restart fault's (`fault` is its index):
    /// the caller restarts the server ([`super::restart`]) and goes on.
    Restart { fault: usize },
}

/// Runs ticks until `stop` is set, the tick limit is reached or the store
/// fails. The simulation must be built with the server's inputs in mind:
/// this sets its input feed to the server's channel.
pub fn run(sim: &mut Simulation, side: &SimSide, limits: LiveLimits, stop: &AtomicBool) -> LiveEnd {
    run_with(sim, side, limits, stop, &mut |_| false)
}

/// [`run`], calling `after_tick` with the world after every tick; it
/// returns `true` to stop (a scenario's check that aborts the run).
pub fn run_with(
    sim: &mut Simulation,
    side: &SimSide,
    limits: LiveLimits,
    stop: &AtomicBool,
    after_tick: &mut dyn FnMut(&mut bevy::prelude::World) -> bool,
) -> LiveEnd {
    let end = ticks(sim, side, limits, stop, after_tick);
    // What the connections did to the links counts against the faults.
    side.gauges.links.fold_into(sim.world_mut());
    end
}

fn ticks(
    sim: &mut Simulation,
    side: &SimSide,
    limits: LiveLimits,
    stop: &AtomicBool,
    after_tick: &mut dyn FnMut(&mut bevy::prelude::World) -> bool,
) -> LiveEnd {
    sim.set_input_feed(InputFeed::Live(side.inputs.clone(), side.ended.clone()));
    sim.world_mut().insert_resource(NetLink {
        gauges: side.gauges.clone(),
    });
    let mut paused = limits.start_paused;
    side.gauges.paused.store(paused, Ordering::Relaxed);
    let mut steps = 0u32;
    let mut next = Instant::now();
    loop {
        if stop.load(Ordering::Relaxed)
            || sim.store_failed()
            || limits.until_tick.is_some_and(|t| sim.tick() >= t)
        {
            return LiveEnd::Stopped;
        }
        // Answer until the next tick is due (fast pace: only what is queued).
        loop {
            let due = !paused || steps > 0;
            let now = Instant::now();
            let wait = if !due {
                Duration::from_millis(50)
            } else if limits.pace == Pace::Fast {
                Duration::ZERO
            } else {
                next.saturating_duration_since(now)
            };
            match side.queries.recv_timeout(wait) {
                Ok(q) => handle(sim, side, q, &mut paused, &mut steps),
                Err(RecvTimeoutError::Timeout) if due => break,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    if due {
                        break;
                    }
                    std::thread::sleep(wait);
                }
            }
            if stop.load(Ordering::Relaxed) {
                return LiveEnd::Stopped;
            }
            if due && limits.pace == Pace::Fast && side.queries.is_empty() {
                break;
            }
        }
        steps = steps.saturating_sub(1);
        let now = Instant::now();
        // A late tick does not cause a burst of catch-up ticks.
        next = next.max(now) + TICK;
        let restart = restart::due_at(sim.world(), sim.tick() + 1);
        if restart.is_some() {
            // The server goes down after this tick: from now on connections
            // refuse new inputs (answered, so clients know), and this tick
            // takes and answers everything already handed over.
            side.close_intake();
        }
        let start = Instant::now();
        if sim.try_step().is_err() {
            // The caller tears down and reports it (`Simulation::panicked`).
            return LiveEnd::Stopped;
        }
        let tick_ms = start.elapsed().as_secs_f64() * 1000.0;
        side.gauges.tick_p99_us.store(
            (sim.stats().tick_ms(0.99) * 1000.0) as u64,
            Ordering::Relaxed,
        );
        let tick = sim.tick();
        side.gauges.links.publish(sim.world());
        let frame = collect(sim.world_mut(), tick, tick_ms);
        if let Err(TrySendError::Full(_)) = side.frames.try_send(frame) {
            side.gauges.frames_dropped.fetch_add(1, Ordering::Relaxed);
        }
        if after_tick(sim.world_mut()) {
            return LiveEnd::Stopped;
        }
        if let Some(fault) = restart {
            return LiveEnd::Restart { fault };
        }
    }
}

fn queue(sim: &mut Simulation, input: Input) {
    sim.world_mut().resource_mut::<QueuedInputs>().0.push(input);
}

fn handle(sim: &mut Simulation, side: &SimSide, q: SimQuery, paused: &mut bool, steps: &mut u32) {
    match q {
        SimQuery::Control(action, reply) => {
            match action {
                ControlAction::Pause => *paused = true,
                ControlAction::Resume => *paused = false,
                ControlAction::Step => *steps += 1,
            }
            side.gauges.paused.store(*paused, Ordering::Relaxed);
            // Recorded like every outside command (taken at the next tick).
            queue(sim, Input::Control { action });
            let _ = reply.send(ControlState {
                tick: sim.tick(),
                paused: *paused,
            });
        }
        other => {
            if let Effect::Input(input) = answer(sim.world_mut(), other) {
                queue(sim, input);
            }
        }
    }
}
