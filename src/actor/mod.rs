//! Scripted actors: named entities of a scenario that play a script — act,
//! say, wait for a message or an event, assert, repeat — so a scenario can
//! stage a story (two traders haggle, a thief tries his luck) and check
//! that the world answers as it should.
//!
//! Each actor is isolated: its own script position, memory, bounded inbox
//! and errors ([`cast`]); its own lifecycle (it enters at its spawn tick as a
//! player of its own, runs, and leaves when its script ends or stops). What
//! it does enters the simulation like a client's actions: as inputs at the
//! Input stage ([`script`]), judged by the same governance (`own_entity`
//! included), recorded in the store, so `seedsim replay` feeds them back
//! instead of running the scripts again. It learns what happened at the
//! Record stage ([`observe`]), from acks, chats aimed at it and the tick's
//! events. Every step runs in its own error boundary; errors are collected
//! for the report ([`report`]).

pub mod cast;
mod observe;
pub mod report;
pub mod script;

#[cfg(test)]
mod script_tests;

use bevy::prelude::*;

pub use crate::core::scenario::{ActorSpec, Step, Who};
pub use cast::{Actor, Cast, Status, StepError};
pub use report::{ActorSummary, MessageWatches};

use crate::core::agent::EntityId;
use crate::core::agent::components::{Life, Purse, Standing, Vitals};
use crate::core::scenario::Scenario;
use crate::core::scenario::actor_program::Program;
use crate::core::scenario::checks::Field;
use crate::core::{InputStep, RecordStep, SimClock};
use crate::events::TickEvents;
use crate::input::{Input, InputFeed, QueuedInputs, Replies};
use crate::population::EntityIndex;
use crate::world::Zones;

pub struct ActorPlugin {
    pub scenario: Scenario,
}

impl Plugin for ActorPlugin {
    fn build(&self, app: &mut App) {
        let actors = self
            .scenario
            .actors
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let program = Program::compile(&format!("actors[{i}]"), &spec.steps)
                    // Validated when the scenario loaded; an empty script is
                    // the safe reading of one that somehow is not.
                    .unwrap_or_default();
                Actor::new(i, spec, program)
            })
            .collect();
        app.insert_resource(Cast { actors })
            .insert_resource(MessageWatches::new(&self.scenario))
            .add_systems(
                FixedUpdate,
                run_scripts.in_set(InputStep::Scripts).run_if(scripted),
            )
            .add_systems(
                FixedUpdate,
                observe_tick.in_set(RecordStep::Actors).run_if(scripted),
            );
    }
}

/// A replay feeds back the inputs the scripts made; they do not run again.
fn scripted(feed: Res<InputFeed>, cast: Res<Cast>) -> bool {
    !cast.actors.is_empty() && !matches!(*feed, InputFeed::Replay(_))
}

/// The world as scripts see it at the Input stage.
struct WorldStage<'a, 'w, 's> {
    tick: u64,
    zones: &'a Zones,
    index: &'a EntityIndex,
    agents: &'a Query<
        'w,
        's,
        (
            &'static Purse,
            &'static Vitals,
            &'static Standing,
            &'static Life,
        ),
    >,
    out: &'a mut Vec<Input>,
}

impl script::Stage for WorldStage<'_, '_, '_> {
    fn tick(&self) -> u64 {
        self.tick
    }

    fn field(&self, id: EntityId, field: Field) -> Option<f64> {
        let (purse, vitals, standing, life) = self.agents.get(self.index.get(id)?).ok()?;
        if !vitals.alive() {
            return None;
        }
        Some(field.read(purse, vitals, standing, life))
    }

    fn zone(&self, name: &str) -> Option<u16> {
        self.zones.by_name(name).map(|z| z.id.0)
    }

    fn send(&mut self, input: Input) {
        self.out.push(input);
    }
}

fn run_scripts(
    clock: Res<SimClock>,
    zones: Res<Zones>,
    index: Res<EntityIndex>,
    agents: Query<(
        &'static Purse,
        &'static Vitals,
        &'static Standing,
        &'static Life,
    )>,
    mut cast: ResMut<Cast>,
    mut queued: ResMut<QueuedInputs>,
) {
    let dir = cast.directory();
    let mut stage = WorldStage {
        tick: clock.tick,
        zones: &zones,
        index: &index,
        agents: &agents,
        out: &mut queued.0,
    };
    for actor in &mut cast.actors {
        script::advance(actor, &mut stage, &dir);
    }
}

fn observe_tick(
    clock: Res<SimClock>,
    replies: Res<Replies>,
    events: Res<TickEvents>,
    mut cast: ResMut<Cast>,
    mut watches: ResMut<MessageWatches>,
) {
    let dir = cast.directory();
    for actor in &mut cast.actors {
        let delivered = observe::observe(actor, clock.tick, &replies.0, &events.0, &dir);
        if !delivered.is_empty() {
            watches.offer(actor, &delivered, &dir);
        }
    }
}
