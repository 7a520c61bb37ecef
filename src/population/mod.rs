//! The population: players and NPCs, what they are (components, kinds), how
//! they choose what to do (brain, Decide), how their choices change the world
//! (Apply), how they move, and how they are born, age and die. The tunable
//! parameters that steer all of it live in [`SimParams`].

mod apply;
mod brain;
mod census;
mod decide;
mod encounter;
mod life;
mod motion;
pub mod params;
mod spawn;

use bevy::prelude::*;

use crate::core::agent::{ChatTexts, Intents};

pub use census::{ActionTally, Census, EntityIndex, NextId, TickCounters};
pub use life::{Calendar, Dead, Graveyard};
pub use params::SimParams;
pub use spawn::{Newcomer, Registry, SpawnPlan, announce_arrival, spawn_agent};

use crate::core::TickSet;
use crate::core::scenario::Scenario;

/// The brains' part of Decide; the world's grid is rebuilt before it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecideSystems;

/// Apply's own systems (intents, ends of lives, motion); what else changes
/// the world in Apply runs after them.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplySystems;

/// Spawns the scenario's population and runs its part of every tick.
pub struct PopulationPlugin {
    pub scenario: Scenario,
}

impl Plugin for PopulationPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(SimParams::from_scenario(&self.scenario))
            .insert_resource(SpawnPlan::from_scenario(&self.scenario))
            .init_resource::<Census>()
            .init_resource::<ActionTally>()
            .init_resource::<TickCounters>()
            .init_resource::<NextId>()
            .init_resource::<Calendar>()
            .init_resource::<Intents>()
            .init_resource::<ChatTexts>()
            .init_resource::<EntityIndex>()
            .init_resource::<Graveyard>()
            .init_resource::<motion::Arrivals>()
            .add_systems(Startup, spawn::spawn_initial)
            .add_systems(FixedFirst, census::reset_counters)
            .add_systems(FixedUpdate, spawn::arrivals.in_set(TickSet::Input))
            .add_systems(
                FixedUpdate,
                decide::decide.in_set(TickSet::Decide).in_set(DecideSystems),
            )
            .add_systems(
                FixedUpdate,
                (
                    // Lives and sessions that end this tick end before
                    // anyone acts: nobody acts after their end, and no blow
                    // lands on someone who is leaving (its damage would
                    // find no one).
                    life::end_lives,
                    apply::apply_intents,
                    motion::integrate_motion,
                    motion::announce_arrivals,
                )
                    .chain()
                    .in_set(TickSet::Apply)
                    .in_set(ApplySystems),
            )
            .add_systems(
                FixedUpdate,
                life::bury
                    .in_set(TickSet::React)
                    .after(crate::react::ReactSystems),
            );
    }
}
