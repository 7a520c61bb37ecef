//! A headless run from its first tick to its end, without a command line:
//! the run layer's half of `seedsim run`. [`to_the_end`] steps the ticks and
//! lets a [`Watch`] (progress for people, checks that may stop the run)
//! see each one; [`finish`] is the teardown every run gets, however it
//! ended: the panic that stopped it, if any, and the store made whole.
//! Reports and exit codes are the tools' business, above.

use std::ops::ControlFlow;

use bevy::prelude::World;

use super::{Simulation, TickPanic};
use crate::store::{StoreError, StoreSummary};

/// What follows a run tick by tick.
pub trait Watch {
    /// After tick number `done` of the run (its `TickFrame` is in `world`);
    /// `Break` stops the run there.
    fn after_tick(&mut self, world: &mut World, done: u64) -> ControlFlow<()>;
}

/// How a run's ticks ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Every tick asked for ran.
    Done,
    /// A tick panicked (the simulation says which).
    Panicked,
    /// The event store failed; nothing more could be recorded.
    StoreFailed,
    /// The watch stopped it (a threshold failed with `abort_on_fail`).
    Watched,
}

/// Steps `sim` through `ticks` ticks, or until a tick panics, the store
/// fails or `watch` says stop.
pub fn to_the_end(sim: &mut Simulation, ticks: u64, watch: &mut impl Watch) -> Stopped {
    for done in 1..=ticks {
        if sim.try_step().is_err() {
            return Stopped::Panicked;
        }
        if sim.store_failed() {
            return Stopped::StoreFailed;
        }
        if watch.after_tick(sim.world_mut(), done).is_break() {
            return Stopped::Watched;
        }
    }
    Stopped::Done
}

/// What every run leaves, however it ended.
pub struct Ended {
    /// The tick that panicked, if one did.
    pub panicked: Option<TickPanic>,
    /// The store, finished (all committed, indexes built), if recorded.
    pub stored: Option<StoreSummary>,
}

/// The teardown of a run's simulation: its store finished.
pub fn finish(sim: &mut Simulation) -> Result<Ended, StoreError> {
    let panicked = sim.panicked().cloned();
    let stored = sim.finish_store().transpose()?;
    Ok(Ended { panicked, stored })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::parse_str;
    use crate::run::{Pace, RunConfig};

    /// Stops after `at` ticks, counting what it saw.
    struct StopAt {
        at: u64,
        seen: u64,
    }

    impl Watch for StopAt {
        fn after_tick(&mut self, _: &mut World, done: u64) -> ControlFlow<()> {
            self.seen += 1;
            if done >= self.at {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }

    #[test]
    fn a_watch_sees_every_tick_and_may_stop_the_run() {
        let text = include_str!("../../scenarios/smoke.ron");
        let scenario = parse_str("smoke.ron", text).expect("smoke loads");
        let mut sim = Simulation::new(&scenario, &RunConfig::seeded(1), Pace::Fast);
        let mut all = StopAt {
            at: u64::MAX,
            seen: 0,
        };
        assert_eq!(to_the_end(&mut sim, 5, &mut all), Stopped::Done);
        assert_eq!((all.seen, sim.tick()), (5, 5));
        let mut stop = StopAt { at: 3, seen: 0 };
        assert_eq!(to_the_end(&mut sim, 10, &mut stop), Stopped::Watched);
        assert_eq!((stop.seen, sim.tick()), (3, 8));
        let ended = finish(&mut sim).expect("no store to fail");
        assert!(ended.panicked.is_none() && ended.stored.is_none());
    }
}
