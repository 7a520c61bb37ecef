//! Driving an app tick by tick. Each `step` runs exactly one tick; the pace
//! only decides how long to wait between steps, so a fast run and a
//! real-time run of the same seed produce the same states.

use std::time::Instant;

use bevy::prelude::*;

use super::{RunConfig, build_app};
use crate::core::panic::panic_message;
use crate::core::scenario::Scenario;
use crate::core::{SimClock, TICK};
use crate::record::{RunStats, TickFrame};
use crate::store::{StoreError, StoreSink, StoreSummary};

/// How ticks follow each other on the wall clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pace {
    /// Back to back, in virtual time.
    #[default]
    Fast,
    /// One tick per 100 ms of wall clock.
    Realtime,
}

/// A running simulation of one scenario.
pub struct Simulation {
    app: App,
    pace: Pace,
    next_deadline: Option<Instant>,
    panicked: Option<TickPanic>,
}

/// A tick that panicked: the run cannot go on, but its teardown (store
/// finished, sockets closed, report written) still can.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the simulation panicked in tick {tick}: {message}")]
pub struct TickPanic {
    pub tick: u64,
    pub message: String,
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
            panicked: None,
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
            let events = world.resource::<crate::events::TickEvents>().0.len() as u64;
            stats.finish_tick(world.resource::<TickFrame>(), events, elapsed);
        });
        world.resource::<TickFrame>()
    }

    /// [`Simulation::step`] inside an error boundary: a panic anywhere in
    /// the tick is caught and kept, and every later call refuses at once,
    /// so the caller can stop and still tear down cleanly. (Bevy runs the
    /// rest of the schedule before it re-raises a system's panic, so the
    /// store keeps the tick that panicked too.)
    pub fn try_step(&mut self) -> Result<&TickFrame, TickPanic> {
        if let Some(p) = &self.panicked {
            return Err(p.clone());
        }
        let tick = self.tick() + 1;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.step();
        }));
        if let Err(payload) = outcome {
            let p = TickPanic {
                tick,
                message: panic_message(payload.as_ref()),
            };
            self.panicked = Some(p.clone());
            return Err(p);
        }
        Ok(self.app.world().resource::<TickFrame>())
    }

    /// The panic that ended the run, if one did.
    pub fn panicked(&self) -> Option<&TickPanic> {
        self.panicked.as_ref()
    }

    /// Where external inputs come from from the next tick on (a live
    /// server's channel, or a replay's recorded inputs).
    pub fn set_input_feed(&mut self, feed: crate::input::InputFeed) {
        self.app.world_mut().insert_resource(feed);
    }

    /// How ticks follow each other from now on (a world rebuilt by replay
    /// goes on at its run's pace).
    pub fn set_pace(&mut self, pace: Pace) {
        self.pace = pace;
        self.next_deadline = None;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{StoreConfig, verify::Verdict, verify::verify};

    #[test]
    fn a_tick_that_panics_is_caught_and_the_store_still_finishes() {
        let text = include_str!("../../scenarios/smoke.ron");
        let scenario = crate::core::scenario::parse_str("smoke.ron", text).unwrap();
        let dir = std::env::temp_dir().join(format!("seedsim-panic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = RunConfig {
            seed: 7,
            threads: Some(2),
            store: Some(StoreConfig {
                path: dir.join("events.db"),
                scenario_file: "smoke.ron".into(),
                scenario_text: text.into(),
                seed: 7,
                ticks: 10,
                narrative_pack: crate::core::scenario::narrative::SHIPPED.into(),
            }),
        };
        let mut sim = Simulation::recorded(&scenario, &config, Pace::Fast).unwrap();
        sim.app.add_systems(
            FixedUpdate,
            (|clock: Res<SimClock>| {
                if clock.tick == 3 {
                    panic!("a system broke");
                }
            })
            .in_set(crate::core::TickSet::Apply),
        );
        assert!(sim.try_step().is_ok());
        assert!(sim.try_step().is_ok());
        let p = sim.try_step().unwrap_err();
        assert_eq!(p.tick, 3);
        assert!(p.message.contains("a system broke"), "{}", p.message);
        // Refused from then on, without running anything.
        assert_eq!(sim.try_step().unwrap_err(), p);
        assert_eq!(sim.panicked(), Some(&p));
        // Teardown still works and the chain verifies. Bevy's executor runs
        // the rest of a schedule before it re-raises a system's panic, so
        // the tick that panicked was recorded too.
        let summary = sim.finish_store().unwrap().unwrap();
        match verify(&summary.path).unwrap() {
            Verdict::Intact { last_tick, .. } => assert_eq!(last_tick, 3),
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
