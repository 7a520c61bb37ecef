//! Reactions of family and friendship: grief, inheritance and the lineage of
//! newborns. Relationships name agents by `EntityId`; the entity index turns
//! those into entities.

use bevy::prelude::*;

use super::{actor_of, target_of};
use crate::core::agent::components::{EntityId, Position, Purse, Relations, Standing, Vitals};
use crate::core::agent::intent::Target;
use crate::events::{Event, EventLog, Payload};
use crate::population::EntityIndex;
use crate::world::{ZoneLedger, Zones};

/// The living agent behind `id`, if any.
fn living(world: &World, id: EntityId) -> Option<Target> {
    let entity = world.resource::<EntityIndex>().get(id)?;
    world
        .get::<Vitals>(entity)
        .is_some_and(|v| v.alive())
        .then_some(Target { id, entity })
}

/// death → grief: every friend of the dead still alive loses `mood`.
pub(super) fn grief(world: &mut World, ev: &Event, mood: f32) {
    let (Some(dead), Some(dead_id)) = (ev.handles.0, ev.actor) else {
        return;
    };
    let Some(relations) = world.get::<Relations>(dead).copied() else {
        return;
    };
    let mut friends: Vec<EntityId> = relations
        .iter()
        .filter(|(_, a)| *a > 0)
        .map(|(id, _)| id)
        .collect();
    friends.sort_unstable();
    for friend in friends {
        let Some(kin) = living(world, friend) else {
            continue;
        };
        let Some(mut standing) = world.get_mut::<Standing>(kin.entity) else {
            continue;
        };
        standing.mood = (standing.mood + mood).clamp(-1.0, 1.0);
        let now = standing.mood;
        world.resource_mut::<EventLog>().emit(
            Payload::Grief {
                for_whom: dead_id.0,
                mood: now,
            },
            Some(kin),
            actor_of(ev),
            Some(ev.as_cause()),
        );
    }
}

/// death → inheritance: the coins the dead still hold go to their closest
/// living friend (ties by id), else to the treasury of the zone they died in.
pub(super) fn inheritance(world: &mut World, ev: &Event) {
    let Some(dead) = ev.handles.0 else {
        return;
    };
    let (Some(relations), Some(pos)) = (
        world.get::<Relations>(dead).copied(),
        world.get::<Position>(dead).map(|p| p.0),
    ) else {
        return;
    };
    let wealth = match world.get_mut::<Purse>(dead) {
        Some(mut purse) => std::mem::take(&mut purse.wealth),
        None => return,
    };
    if wealth == 0 {
        return;
    }
    let mut candidates: Vec<(i8, EntityId)> = relations
        .iter()
        .filter(|(_, a)| *a > 0)
        .map(|(id, a)| (a, id))
        .collect();
    candidates.sort_by_key(|(a, id)| (std::cmp::Reverse(*a), *id));
    let heir = candidates.iter().find_map(|(_, id)| living(world, *id));
    match heir.and_then(|h| world.get_mut::<Purse>(h.entity)) {
        Some(mut purse) => purse.wealth += wealth,
        None => {
            let zone = world.resource::<Zones>().zone_at(pos).id.0 as usize;
            world.resource_mut::<ZoneLedger>().treasury[zone] += wealth;
        }
    }
    world.resource_mut::<EventLog>().emit(
        Payload::Inheritance {
            wealth,
            to_treasury: heir.is_none(),
        },
        actor_of(ev),
        heir,
        Some(ev.as_cause()),
    );
}

/// birth → lineage_registered: both parents and the child bond.
pub(super) fn lineage(world: &mut World, ev: &Event, affinity: i8) {
    let Payload::Birth {
        partner,
        generation,
        ..
    } = ev.payload
    else {
        return;
    };
    let (Some(parent), Some(child)) = (actor_of(ev), target_of(ev)) else {
        return;
    };
    let partner = world
        .resource::<EntityIndex>()
        .get(EntityId(partner))
        .map(|entity| Target {
            id: EntityId(partner),
            entity,
        });
    for p in [Some(parent), partner].into_iter().flatten() {
        if let Some(mut r) = world.get_mut::<Relations>(p.entity) {
            r.adjust(child.id, affinity);
        }
        if let Some(mut r) = world.get_mut::<Relations>(child.entity) {
            r.adjust(p.id, affinity);
        }
    }
    world.resource_mut::<EventLog>().emit(
        Payload::LineageRegistered {
            child: child.id.0,
            generation,
        },
        Some(parent),
        Some(child),
        Some(ev.as_cause()),
    );
}
