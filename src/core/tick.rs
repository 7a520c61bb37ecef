//! The tick: one fixed 100 ms step of `FixedUpdate`, cut into eight system
//! sets that run in order (DESIGN §3). Data flows one way through them:
//! inputs become intents, intents are judged, applied, reacted to, narrated,
//! recorded and published. This module owns that order, the tick counter
//! and the run seed.

use std::time::Duration;

use bevy::prelude::*;

use super::rng;

/// The length of one tick of simulated time.
pub const TICK: Duration = Duration::from_millis(100);

/// The stages of a tick, chained in this order inside `FixedUpdate`.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TickSet {
    /// External and scripted inputs become intents or arrivals.
    Input,
    /// Brains choose intents (in parallel; collected in `EntityId` order).
    Decide,
    /// Governance permits, mutates or denies every intent.
    Govern,
    /// Permitted intents change the world.
    Apply,
    /// Reaction rules turn events into further events.
    React,
    /// Warbler advances life stories and sets goals.
    Narrate,
    /// Metrics and the state hash are computed.
    Record,
    /// The tick's frame is handed to whoever watches.
    Publish,
}

/// The simulation's clock: the number of the tick being (or last) run.
/// Tick 0 is the initial state; the first `FixedUpdate` runs tick 1.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct SimClock {
    pub tick: u64,
}

/// The clock's system in `FixedFirst`; per-tick resets run after it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdvanceClock;

/// The seed the run was started with.
#[derive(Resource, Clone, Copy, Debug)]
pub struct RunSeed(pub u64);

/// Sets up the fixed 100 ms step, the ordered sets and the clock.
pub struct SimPlugin {
    pub seed: u64,
}

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Time::<Fixed>::from_duration(TICK))
            .insert_resource(SimClock::default())
            .insert_resource(RunSeed(self.seed))
            .insert_resource(rng::WorldRng::new(self.seed))
            .configure_sets(
                FixedUpdate,
                (
                    TickSet::Input,
                    TickSet::Decide,
                    TickSet::Govern,
                    TickSet::Apply,
                    TickSet::React,
                    TickSet::Narrate,
                    TickSet::Record,
                    TickSet::Publish,
                )
                    .chain(),
            )
            .add_systems(FixedFirst, advance_clock.in_set(AdvanceClock));
    }
}

fn advance_clock(mut clock: ResMut<SimClock>) {
    clock.tick += 1;
}
