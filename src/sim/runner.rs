//! Driving an app tick by tick. Each `step` runs exactly one tick; the pace
//! only decides how long to wait between steps, so a fast run and a
//! real-time run of the same seed produce the same states.

use std::time::Instant;

use bevy::prelude::*;

use super::{RunConfig, SimClock, TICK, build_app};
use crate::record::{RunStats, TickFrame};
use crate::scenario::Scenario;
use crate::store::{StoreError, StoreSink, StoreSummary};

/// How ticks follow each other on the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pace {
    /// Back to back, in virtual time.
    Fast,
    /// One tick per 100 ms of wall clock.
    Realtime,
}

/// A running simulation of one scenario.
pub struct Simulation {
    app: App,
    pace: Pace,
    next_deadline: Option<Instant>,
}

impl Simulation {
    /// A simulation of `scenario`; if `config.store` is set, every event is
    /// recorded there (creating the store may fail).
    pub fn new(scenario: &Scenario, config: &RunConfig, pace: Pace) -> Simulation {
        Simulation::build(scenario, config, pace, None)
    }

    /// A simulation that records into the store described by `config.store`.
    pub fn recorded(
        scenario: &Scenario,
        config: &RunConfig,
        pace: Pace,
    ) -> Result<Simulation, StoreError> {
        let sink = config.store.as_ref().map(StoreSink::create).transpose()?;
        Ok(Simulation::build(scenario, config, pace, sink))
    }

    fn build(
        scenario: &Scenario,
        config: &RunConfig,
        pace: Pace,
        sink: Option<StoreSink>,
    ) -> Simulation {
        Simulation {
            app: build_app(scenario, config, sink),
            pace,
            next_deadline: None,
        }
    }

    /// Whether the store's writer has failed (the run should stop).
    pub fn store_failed(&self) -> bool {
        self.app
            .world()
            .get_resource::<StoreSink>()
            .is_some_and(|s| s.failed())
    }

    /// Flushes and closes the store, if recording; `None` if not.
    pub fn finish_store(&mut self) -> Option<Result<StoreSummary, StoreError>> {
        let mut sink = self.app.world_mut().remove_resource::<StoreSink>()?;
        Some(sink.finish())
    }

    /// Runs one tick (waiting first if the pace is real time) and returns its frame.
    pub fn step(&mut self) -> &TickFrame {
        if self.pace == Pace::Realtime {
            let now = Instant::now();
            let deadline = *self.next_deadline.get_or_insert(now);
            if deadline > now {
                std::thread::sleep(deadline - now);
            }
            // Late ticks do not pile up into a burst: the schedule restarts.
            self.next_deadline = Some(deadline.max(now) + TICK);
        }
        let before = self.tick();
        let start = Instant::now();
        self.app.update();
        let elapsed = start.elapsed();
        let world = self.app.world_mut();
        debug_assert_eq!(world.resource::<SimClock>().tick, before + 1);
        world.resource_scope(|world, mut stats: Mut<RunStats>| {
            stats.finish_tick(world.resource::<TickFrame>(), elapsed);
        });
        world.resource::<TickFrame>()
    }

    /// Where external inputs come from from the next tick on (a live
    /// server's channel, or a replay's recorded inputs).
    pub fn set_input_feed(&mut self, feed: crate::input::InputFeed) {
        self.app.world_mut().insert_resource(feed);
    }

    /// The run's statistics so far.
    pub fn stats(&self) -> &RunStats {
        self.app.world().resource::<RunStats>()
    }

    pub fn tick(&self) -> u64 {
        self.app.world().resource::<SimClock>().tick
    }

    pub fn world(&self) -> &World {
        self.app.world()
    }

    pub fn world_mut(&mut self) -> &mut World {
        self.app.world_mut()
    }
}
