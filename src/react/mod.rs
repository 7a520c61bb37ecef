//! React: cascades. Reaction rules (data, see [`rules`]) turn the tick's
//! events into further events — an attack damages, damage kills, death drops
//! loot, grieves friends and passes on wealth, a birth registers lineage and
//! may crowd a zone into migration. The [`engine`] runs them breadth first
//! within the tick or schedules them for a later one, bounded by a depth
//! limit and a per-tick budget (tunable in `SimParams`).

mod combat;
pub mod engine;
mod kin;
mod society;

use bevy::prelude::*;

pub use crate::core::scenario::{Reaction, ReactionSet, RuleSpec};
pub use combat::Ground;
pub use engine::{ReactStats, ReactionRules, Scheduled};

use crate::core::ReactStep;
use crate::core::agent::intent::Target;
use crate::events::Event;

pub struct ReactPlugin {
    pub rules: ReactionSet,
}

impl Plugin for ReactPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ReactionRules::new(self.rules.clone()))
            .init_resource::<ReactStats>()
            .init_resource::<Scheduled>()
            .init_resource::<Ground>()
            .add_systems(
                FixedUpdate,
                (
                    engine::react.in_set(ReactStep::Cascade),
                    combat::clear_ground.in_set(ReactStep::ClearGround),
                ),
            );
    }
}

/// The event's actor as a target handle.
fn actor_of(ev: &Event) -> Option<Target> {
    Some(Target {
        id: ev.actor?,
        entity: ev.handles.0?,
    })
}

/// The event's target as a target handle.
fn target_of(ev: &Event) -> Option<Target> {
    Some(Target {
        id: ev.target?,
        entity: ev.handles.1?,
    })
}
