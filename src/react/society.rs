//! Reactions of society: reputation from trade, overcrowding and the
//! migration it causes.

use bevy::prelude::*;

use super::{actor_of, target_of};
use crate::core::SimClock;
use crate::core::agent::components::{Behaviour, Motion, Position, Standing, Vitals};
use crate::core::agent::kinds::Activity;
use crate::events::{Event, EventLog, Payload};
use crate::world::{ZoneLedger, Zones};

/// trade → reputation_changed, for both parties.
pub(super) fn reputation(world: &mut World, ev: &Event, delta: i16) {
    for (me, other) in [(actor_of(ev), target_of(ev)), (target_of(ev), actor_of(ev))] {
        let Some(me) = me else {
            continue;
        };
        // The dead gain no standing: a party who died in this tick's
        // cascade before its trade's reactions (a cataclysm strikes after
        // the trade, in the same tick) is left as it died.
        if !world.get::<Vitals>(me.entity).is_some_and(|v| v.alive()) {
            continue;
        }
        let Some(mut standing) = world.get_mut::<Standing>(me.entity) else {
            continue;
        };
        standing.reputation = standing.reputation.saturating_add(delta);
        let reputation = standing.reputation;
        world.resource_mut::<EventLog>().emit(
            Payload::ReputationChanged { delta, reputation },
            Some(me),
            other,
            Some(ev.as_cause()),
        );
    }
}

/// birth/spawn → overcrowded, when the agent's zone is at `threshold` × cap.
pub(super) fn overcrowding(world: &mut World, ev: &Event, threshold: f32) {
    let Some(pos) = ev
        .handles
        .0
        .and_then(|a| world.get::<Position>(a))
        .map(|p| p.0)
    else {
        return;
    };
    let zone = world.resource::<Zones>().zone_at(pos).clone();
    let Some(cap) = zone.population_cap else {
        return;
    };
    let population = world.resource::<ZoneLedger>().population[zone.id.0 as usize];
    if (population as f32) < cap as f32 * threshold {
        return;
    }
    world.resource_mut::<EventLog>().emit(
        Payload::Overcrowded {
            zone: zone.id.0,
            population,
            cap,
        },
        actor_of(ev),
        None,
        Some(ev.as_cause()),
    );
}

/// Ticks a migrant may travel before reconsidering.
const MIGRATION_TICKS: u64 = 3000;

/// overcrowded → migration: the agent heads for the emptiest zone with room
/// (ties by zone order).
pub(super) fn migration(world: &mut World, ev: &Event) {
    let Payload::Overcrowded { zone: from, .. } = ev.payload else {
        return;
    };
    let Some(agent) = ev
        .handles
        .0
        .filter(|a| world.get::<Vitals>(*a).is_some_and(|v| v.alive()))
    else {
        return;
    };
    let destination = {
        let zones = world.resource::<Zones>();
        let ledger = world.resource::<ZoneLedger>();
        zones
            .all()
            .iter()
            .filter(|z| z.id.0 != from)
            .filter(|z| {
                z.population_cap
                    .is_none_or(|cap| ledger.population[z.id.0 as usize] < cap)
            })
            .min_by_key(|z| (ledger.population[z.id.0 as usize], z.id))
            .map(|z| (z.id, z.poi))
    };
    let Some((to, poi)) = destination else {
        return;
    };
    let tick = world.resource::<SimClock>().tick;
    if let Some(mut motion) = world.get_mut::<Motion>(agent) {
        motion.target = poi;
        motion.moving = true;
    }
    if let Some(mut b) = world.get_mut::<Behaviour>(agent) {
        *b = Behaviour {
            activity: Activity::Travel,
            since: tick,
            until: tick + MIGRATION_TICKS,
            with: None,
        };
    }
    world.resource_mut::<EventLog>().emit(
        Payload::Migration {
            from_zone: from,
            to_zone: to.0,
        },
        actor_of(ev),
        None,
        Some(ev.as_cause()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::EntityId;

    fn party(world: &mut World, health: f32) -> Entity {
        world
            .spawn((
                Standing {
                    faction: 0,
                    reputation: 5,
                    mood: 0.0,
                },
                Vitals {
                    health,
                    energy: 50.0,
                },
            ))
            .id()
    }

    #[test]
    fn a_party_dead_before_its_trades_reactions_gains_no_standing() {
        let mut world = World::new();
        world.init_resource::<EventLog>();
        let (buyer, seller) = (party(&mut world, 80.0), party(&mut world, 0.0));
        let trade = Event {
            seq: 1,
            tick: 3,
            actor: Some(EntityId(1)),
            target: Some(EntityId(2)),
            cause: None,
            correlation: None,
            depth: 0,
            payload: Payload::Trade {
                buyer: 1,
                seller: 2,
                goods: 1,
                price: 10,
            },
            handles: (Some(buyer), Some(seller)),
        };
        reputation(&mut world, &trade, 1);
        let told: Vec<Option<EntityId>> = world
            .resource::<EventLog>()
            .pending()
            .iter()
            .map(|e| e.actor)
            .collect();
        assert_eq!(told, vec![Some(EntityId(1))], "only the living buyer");
        assert_eq!(world.get::<Standing>(buyer).unwrap().reputation, 6);
        assert_eq!(world.get::<Standing>(seller).unwrap().reputation, 5);
    }
}
