//! Fault injection: a scenario's `faults` list, what is active
//! at each tick, and the faults the simulation itself strikes. This module
//! owns the fault syntax ([`spec`]) and its checks ([`validate`]), the
//! schedule that turns the list into per-tick work ([`schedule`]), the
//! cataclysm that kills part of a zone ([`cataclysm`]), the world's side of
//! a server restart ([`restart`]) and the record of what every fault did
//! ([`outcome`]). The writer stall is carried out by
//! the store's writer thread and the link faults by the server's connection
//! tasks; this module only tells them when.
//!
//! Faults that change the world are external inputs (`Input::Fault`): they
//! are queued at the Input stage of their tick, recorded in the store's
//! `inputs` table with the rest, and a replay takes them from there instead
//! of the schedule, so a replay strikes exactly what the run struck. Every
//! random choice is drawn from the run seed.

pub mod cataclysm;
pub mod links;
pub mod outcome;
pub mod restart;
pub mod schedule;

use bevy::prelude::*;

pub use crate::core::scenario::{Fault, FaultSpec, FaultTime};
pub use outcome::{FaultLog, FaultReport};
pub use schedule::{ActiveFaults, LinkFaults, WriterStall};

use crate::core::{ApplyStep, InputStep};

/// The scenario's faults, in the order written (their index names them).
#[derive(Resource, Clone, Debug, Default)]
pub struct FaultPlan(pub Vec<FaultSpec>);

/// Schedules a scenario's faults and strikes those that change the world.
pub struct FaultPlugin {
    pub faults: Vec<FaultSpec>,
}

impl Plugin for FaultPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(FaultPlan(self.faults.clone()))
            .insert_resource(FaultLog::new(&self.faults))
            .init_resource::<ActiveFaults>()
            .add_systems(
                FixedUpdate,
                (
                    schedule::inject.in_set(InputStep::Faults),
                    restart::end_sessions.in_set(InputStep::EndSessions),
                    cataclysm::strike.in_set(ApplyStep::Cataclysm),
                ),
            );
    }
}
