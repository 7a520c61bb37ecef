//! The tick: one fixed 100 ms step of `FixedUpdate`, cut into eight stages
//! that run in order (the order itself is [`super::order`]). Data
//! flows one way through them: inputs become intents, intents are judged,
//! applied, reacted to, narrated, recorded and published. This module owns
//! the step's length, the tick counter and the run seed.

use std::time::Duration;

use bevy::prelude::*;

use super::order::{self, BeginStep};
use super::rng;

/// The length of one tick of simulated time.
pub const TICK: Duration = Duration::from_millis(100);

/// The simulation's clock: the number of the tick being (or last) run.
/// Tick 0 is the initial state; the first `FixedUpdate` runs tick 1.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct SimClock {
    pub tick: u64,
}

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
            .add_systems(FixedFirst, advance_clock.in_set(BeginStep::Clock));
        order::configure(app);
    }
}

fn advance_clock(mut clock: ResMut<SimClock>) {
    clock.tick += 1;
}
