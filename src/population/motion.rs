//! Movement between decisions is state, not an event: every agent that is
//! walking takes one step towards its target each tick, in parallel (each
//! agent only touches its own position). Travellers who arrive are collected
//! per thread and announced in id order. The tick's dead stand still.

use bevy::prelude::*;
use bevy::utils::Parallel;

use crate::core::TICK;
use crate::core::agent::components::{Behaviour, EntityId, Kind, Motion, Position, Vitals};
use crate::core::agent::intent::Target;
use crate::core::agent::kinds::Activity;
use crate::events::{EventLog, Payload};

/// Travellers who arrived this tick (sorted before they are announced).
#[derive(Resource, Default)]
pub(super) struct Arrivals(Parallel<Vec<(EntityId, Entity, Vec2)>>);

pub(super) fn integrate_motion(
    arrivals: Res<Arrivals>,
    mut agents: Query<(
        Entity,
        &EntityId,
        &Kind,
        &Behaviour,
        &Vitals,
        &mut Position,
        &mut Motion,
    )>,
) {
    let dt = TICK.as_secs_f32();
    agents.par_iter_mut().for_each_init(
        || arrivals.0.borrow_local_mut(),
        |out, (entity, id, kind, behaviour, vitals, mut pos, mut motion)| {
            // The dead of this tick (buried at the end of React) walk no
            // further and arrive nowhere: the story checker caught a
            // traveller arriving after its death.
            if !motion.moving || !vitals.alive() {
                return;
            }
            let step = kind.0.speed() * dt;
            let to_go = motion.target - pos.0;
            let dist = to_go.length();
            if dist <= step {
                pos.0 = motion.target;
                motion.moving = false;
                if behaviour.activity == Activity::Travel {
                    out.push((*id, entity, pos.0));
                }
            } else {
                pos.0 += to_go * (step / dist);
            }
        },
    );
}

pub(super) fn announce_arrivals(mut arrivals: ResMut<Arrivals>, mut log: ResMut<EventLog>) {
    let mut arrived = Vec::new();
    arrivals.0.drain_into(&mut arrived);
    arrived.sort_unstable_by_key(|(id, _, _)| *id);
    for (id, entity, pos) in arrived {
        log.emit(
            Payload::Arrived { x: pos.x, y: pos.y },
            Some(Target { id, entity }),
            None,
            None,
        );
    }
}
