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
mod plague;
mod raid;
mod spawn;

use bevy::prelude::*;

use crate::core::agent::{ChatTexts, Intents};

pub use census::{ActionTally, Census, EntityIndex, NextId, TickCounters};
pub use life::{Calendar, Dead, Graveyard};
pub use params::SimParams;
pub use spawn::{Newcomer, Registry, SpawnPlan, announce_arrival, spawn_agent};

use crate::core::scenario::Scenario;
use crate::core::{ApplyStep, BeginStep, DecideStep, InputStep, ReactStep};

/// Spawns the scenario's population and runs its part of every tick.
pub struct PopulationPlugin {
    pub scenario: Scenario,
}

impl Plugin for PopulationPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(SimParams::from_scenario(&self.scenario))
            .insert_resource(SpawnPlan::from_scenario(&self.scenario))
            .init_resource::<Census>()
            .init_resource::<crate::core::scenario::director::RaidOrders>()
            .init_resource::<crate::core::scenario::festival::ZoneFestivals>()
            .init_resource::<crate::core::scenario::plague::PlagueOrders>()
            .init_resource::<plague::Plagues>()
            .init_resource::<ActionTally>()
            .init_resource::<TickCounters>()
            .init_resource::<NextId>()
            .init_resource::<Calendar>()
            .init_resource::<Intents>()
            .init_resource::<ChatTexts>()
            .init_resource::<EntityIndex>()
            .init_resource::<Graveyard>()
            .init_resource::<crate::core::agent::story::StageNotices>()
            .init_resource::<motion::Arrivals>()
            .add_systems(Startup, spawn::spawn_initial)
            .add_systems(
                FixedFirst,
                census::reset_counters.in_set(BeginStep::ResetCounters),
            )
            .add_systems(
                FixedUpdate,
                (
                    spawn::arrivals.in_set(InputStep::Arrivals),
                    decide::decide.in_set(DecideStep::Brains),
                    life::end_lives.in_set(ApplyStep::EndLives),
                    apply::apply_intents.in_set(ApplyStep::Intents),
                    motion::integrate_motion.in_set(ApplyStep::Motion),
                    motion::announce_arrivals.in_set(ApplyStep::Arrived),
                    plague::run_plagues.in_set(ApplyStep::Plague),
                    life::bury.in_set(ReactStep::Bury),
                ),
            );
    }
}
