//! Stepping the simulation from the window's frame loop: a tick is due every
//! 100 ms of wall clock divided by the speed; a frame runs the ticks due, at
//! most [`MAX_TICKS_PER_FRAME`], and a backlog beyond that is dropped (the run
//! falls behind its speed instead of bursting). Pause, resume and step change
//! only *when* ticks run; each is also queued as an `Input::Control`, as the
//! live server does, so the run's record shows them.

use std::time::Instant;

use bevy::prelude::*;

use super::events_panel::{self, EventRing};
use super::{MAX_TICKS_PER_FRAME, SimHandle};
use crate::input::{ControlAction, Input, QueuedInputs};
use crate::sim::TICK;

/// Slowest and fastest speed the panel offers (1 = real time).
pub const MIN_SPEED: f32 = 0.25;
pub const MAX_SPEED: f32 = 64.0;

/// When ticks run, and what the last one cost.
#[derive(Resource, Debug)]
pub struct Pacing {
    pub paused: bool,
    pub speed: f32,
    /// Ticks owed by the wall clock, fractional.
    owed: f64,
    /// Single steps asked for while paused.
    steps: u32,
    pub last_tick_ms: f64,
    /// The run has reached its last tick, or stopped (panic, store, threshold).
    pub finished: bool,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            paused: false,
            speed: 1.0,
            owed: 0.0,
            steps: 0,
            last_tick_ms: 0.0,
            finished: false,
        }
    }
}

impl Pacing {
    /// How many ticks this frame runs after `dt` seconds of wall clock.
    fn due(&mut self, dt: f64) -> u32 {
        if self.paused {
            let n = self.steps.min(MAX_TICKS_PER_FRAME);
            self.steps -= n;
            return n;
        }
        self.owed += dt * f64::from(self.speed.clamp(MIN_SPEED, MAX_SPEED)) / TICK.as_secs_f64();
        let n = (self.owed.floor() as u32).min(MAX_TICKS_PER_FRAME);
        self.owed -= f64::from(n);
        if self.owed >= 1.0 {
            // Behind: keep the phase, drop the backlog.
            self.owed = self.owed.fract();
        }
        n
    }

    /// Pause, resume or step: applied here and recorded in the simulation
    /// (taken at its next tick, like the live server's controls).
    pub fn control(&mut self, handle: &SimHandle, action: ControlAction) {
        match action {
            ControlAction::Pause => self.paused = true,
            ControlAction::Resume => {
                self.paused = false;
                self.owed = 0.0;
            }
            ControlAction::Step => {
                if !self.paused {
                    // Stepping a running simulation means: stop, then one tick.
                    self.control(handle, ControlAction::Pause);
                }
                self.steps += 1;
            }
        }
        let mut driven = handle.0.borrow_mut();
        driven
            .sim
            .world_mut()
            .resource_mut::<QueuedInputs>()
            .0
            .push(Input::Control { action });
    }
}

/// Whether the simulation changed this frame: systems that mirror its state
/// redo their work only then. Frame one counts as changed, so that it shows
/// the world as Startup left it.
#[derive(Resource, Debug)]
pub struct Ticked {
    /// Ticks run this frame.
    pub count: u32,
    pub changed: bool,
    first: bool,
}

/// Runs before everything that reads the simulation.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct StepSet;

pub struct PacePlugin;

impl Plugin for PacePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Pacing>()
            .insert_resource(Ticked {
                count: 0,
                changed: true,
                first: true,
            })
            .add_systems(Update, step_simulation.in_set(StepSet));
    }
}

fn step_simulation(
    handle: NonSend<SimHandle>,
    time: Res<Time<Real>>,
    mut pacing: ResMut<Pacing>,
    mut ticked: ResMut<Ticked>,
    mut ring: Option<ResMut<EventRing>>,
) {
    ticked.count = 0;
    let due = pacing.due(time.delta_secs_f64());
    let mut driven = handle.0.borrow_mut();
    let driven = &mut *driven;
    for _ in 0..due {
        if driven.stopped || driven.sim.tick() >= driven.ticks {
            pacing.finished = true;
            break;
        }
        let start = Instant::now();
        if driven.sim.try_step().is_err() {
            // The teardown after the window reports the panic.
            driven.stopped = true;
            break;
        }
        pacing.last_tick_ms = start.elapsed().as_secs_f64() * 1000.0;
        // The tick's sealed events are let go when the next tick begins.
        if let Some(ring) = ring.as_deref_mut() {
            events_panel::capture(ring, driven.sim.world());
        }
        ticked.count += 1;
        if driven.sim.store_failed()
            || (!driven.judge.is_empty() && driven.judge.after_tick(driven.sim.world_mut()))
        {
            driven.stopped = true;
        }
    }
    if driven.stopped || driven.sim.tick() >= driven.ticks {
        pacing.finished = true;
    }
    ticked.changed = ticked.count > 0 || std::mem::take(&mut ticked.first);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_time_owes_one_tick_per_100_ms_and_drops_a_backlog() {
        let mut p = Pacing::default();
        assert_eq!(p.due(0.05), 0);
        assert_eq!(p.due(0.05), 1);
        p.speed = 64.0;
        // 6.4 s of ticks owed in one slow frame: four run, the rest is dropped.
        assert_eq!(p.due(1.0), MAX_TICKS_PER_FRAME);
        assert!(p.owed < 1.0);
        p.paused = true;
        p.steps = 2;
        assert_eq!(p.due(1.0), 2);
        assert_eq!(p.due(1.0), 0);
    }
}
