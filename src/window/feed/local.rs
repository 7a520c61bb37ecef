//! The local source (`run --window`): the run's own simulation, stepped on
//! the run's thread (not the window's) at real-time pace × the window's
//! speed. Between ticks it takes the window's commands — pause, resume and
//! step are queued as `Input::Control` and tunes as `Input::Tune`, exactly
//! as the live server does, so the run's record has them and the run
//! replays — and it hands the window frames as `wake::Throttle` allows. The
//! window can be as slow as it likes: the ticks do not wait for it.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::observe::{self, Observer};
use super::{
    Command, EVENT_BACKLOG, Frame, Info, Notice, Pacing, Source, SourceKind, Throttle, Woken,
};
use crate::check::Judge;
use crate::input::tunables;
use crate::input::{Input, QueuedInputs};
use crate::population::SimParams;
use crate::run::Simulation;

/// Longest a batch of ticks may run before commands are looked at again.
const BATCH: Duration = Duration::from_millis(50);

/// How the local run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// The window closed before the run's last tick, nothing having stopped it.
    pub cut_short: bool,
}

/// Checks a patch as the REST API does (parse, then apply to a copy):
/// the parameters it would give, or the error text to show.
pub fn check_patch(patch: &Value, params: &SimParams) -> Result<SimParams, String> {
    tunables::check(patch.clone(), params)
        .map(|(_, tuned)| tuned)
        .map_err(|e| e.to_string())
}

/// Checks `patch` as `PUT /api/tunables` does and, if it applies, queues it
/// as the recorded input that the next tick takes; else the error text.
pub fn submit(world: &mut bevy::prelude::World, patch: Value) -> Result<(), String> {
    let params = world
        .get_resource::<SimParams>()
        .ok_or("the simulation has no parameters")?;
    let (change, _) = tunables::check(patch, params).map_err(|e| e.to_string())?;
    world
        .get_resource_mut::<QueuedInputs>()
        .ok_or("the simulation takes no inputs")?
        .0
        .push(Input::Tune { patch: change });
    Ok(())
}

/// The state of a run driven for the window.
struct Drive<'a> {
    sim: &'a mut Simulation,
    judge: &'a mut Judge,
    ticks: u64,
    source: &'a Source,
    pacing: Pacing,
    observer: Observer,
    inspect: Option<u64>,
    stopped: bool,
    last_tick_ms: f64,
}

impl Drive<'_> {
    fn finished(&self) -> bool {
        self.stopped || self.sim.tick() >= self.ticks
    }

    /// Applies one command; false when the window is closing.
    fn command(&mut self, command: Command) -> bool {
        match command {
            Command::Quit => return false,
            Command::Control(action) => {
                if !self.finished() {
                    self.pacing.control(action);
                    self.queue(Input::Control { action });
                }
            }
            Command::Speed(speed) => self.pacing.set_speed(speed),
            Command::Tune(patch) => {
                let tick = self.sim.tick();
                let result = if self.finished() {
                    Err("the run is over: no tick will take the change".to_string())
                } else {
                    submit(self.sim.world_mut(), patch)
                };
                self.source.notify(Notice::Tuned { tick, result });
            }
            Command::Inspect(id) => self.inspect = id,
            Command::Seek(_) => self.source.notify(Notice::Problem(
                "a running simulation cannot seek: replay its events.db to scrub".into(),
            )),
        }
        true
    }

    fn queue(&mut self, input: Input) {
        if let Some(mut q) = self.sim.world_mut().get_resource_mut::<QueuedInputs>() {
            q.0.push(input);
        }
    }

    /// Runs the ticks due, for at most [`BATCH`]; how many ran.
    fn run_due(&mut self) -> u32 {
        let started = Instant::now();
        let mut ran = 0;
        while !self.finished() && self.pacing.take() {
            let t = Instant::now();
            if self.sim.try_step().is_err() {
                // The teardown after the window reports the panic.
                self.stopped = true;
                break;
            }
            self.last_tick_ms = t.elapsed().as_secs_f64() * 1000.0;
            // The tick's sealed events are let go when the next tick begins.
            self.source
                .log(observe::events(self.sim.world(), EVENT_BACKLOG));
            ran += 1;
            if self.sim.store_failed()
                || (!self.judge.is_empty() && self.judge.after_tick(self.sim.world_mut()))
            {
                self.stopped = true;
            }
            if started.elapsed() >= BATCH {
                break;
            }
        }
        ran
    }

    fn publish(&mut self) {
        let tick_ms = self.last_tick_ms;
        let frame = self.observer.frame(self.sim.world(), tick_ms);
        let inspected = self
            .inspect
            .and_then(|id| observe::inspect(self.sim.world_mut(), id));
        self.source.publish(Frame {
            inspected,
            paused: self.pacing.paused,
            speed: self.pacing.speed(),
            finished: self.finished(),
            ..frame
        });
    }
}

/// Drives `sim` for the window until it closes (a `Quit`, or the feed
/// dropped). The run's checks follow every tick; a failed threshold, a
/// store failure or a panicking tick stops the ticks, not the window.
pub fn drive(
    sim: &mut Simulation,
    judge: &mut Judge,
    ticks: u64,
    title: &str,
    source: &Source,
) -> Ended {
    let (size, zones) = observe::zones(sim.world());
    source.describe(Info {
        title: title.to_string(),
        kind: SourceKind::Local,
        size,
        zones,
        ticks: Some(ticks),
    });
    let mut d = Drive {
        sim,
        judge,
        ticks,
        source,
        pacing: Pacing::default(),
        observer: Observer::default(),
        inspect: None,
        stopped: false,
        last_tick_ms: 0.0,
    };
    // The world as Startup left it, with its first events.
    d.source.log(observe::events(d.sim.world(), EVENT_BACKLOG));
    d.publish();
    let mut last = Instant::now();
    let mut throttle = Throttle::default();
    let mut news = false;
    loop {
        let wait = if d.finished() {
            None
        } else {
            d.pacing.until_next()
        };
        let source = d.source;
        match source.wait_commands(throttle.limit(news, wait), |c| d.command(c)) {
            Woken::Quit => break,
            Woken::Commands => news = true,
            Woken::Timeout => {}
        }
        let now = Instant::now();
        d.pacing.elapse(now - last);
        last = now;
        if d.run_due() > 0 {
            news = true;
        }
        if throttle.due(news, d.source) {
            d.publish();
            throttle.sent();
            news = false;
        }
    }
    Ended {
        cut_short: !d.stopped && d.sim.tick() < d.ticks,
    }
}

#[cfg(test)]
#[path = "local_tests.rs"]
mod tests;
