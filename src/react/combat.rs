//! Reactions of violence: a blow damages, the damaged may die, the dead drop
//! loot and the killer picks it up. Coins never vanish: loot nobody picks
//! goes to the zone's treasury (goods to its stock).

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::{actor_of, target_of};
use crate::core::SimClock;
use crate::core::agent::ZoneId;
use crate::core::agent::components::{Life, Position, Purse, Vitals};
use crate::events::{DeathCause, Event, EventLog, Payload};
use crate::population::{Dead, Graveyard};
use crate::world::{ZoneLedger, Zones};

/// Loot on the ground, by the seq of the event that dropped it; picked up
/// (or claimed by the zone) before the tick ends.
#[derive(Resource, Debug, Default)]
pub struct Ground(BTreeMap<u64, Pile>);

#[derive(Clone, Copy, Debug)]
struct Pile {
    wealth: u64,
    goods: u32,
    zone: ZoneId,
}

/// attack → damage.
pub(super) fn damage(world: &mut World, ev: &Event) {
    let Payload::Attack { damage } = ev.payload else {
        return;
    };
    let Some(mut vitals) = ev.handles.1.and_then(|v| world.get_mut::<Vitals>(v)) else {
        return;
    };
    // Every attack Apply carried out struck a living target; when two blows
    // fall in one tick and the first kills, the second still lands (on the
    // body: its death reaction happens once), so the log explains both.
    vitals.health -= damage as f32;
    let health = vitals.health;
    world.resource_mut::<EventLog>().emit(
        Payload::Damage {
            amount: damage,
            health,
        },
        actor_of(ev),
        target_of(ev),
        Some(ev.as_cause()),
    );
}

/// damage → death, once, when the victim has no health left.
pub(super) fn death(world: &mut World, ev: &Event) {
    let (Some(victim), Some(id)) = (ev.handles.1, ev.target) else {
        return;
    };
    let (Some(vitals), Some(life)) = (world.get::<Vitals>(victim), world.get::<Life>(victim))
    else {
        return;
    };
    if vitals.alive() || world.resource::<Graveyard>().holds(id) {
        return;
    }
    let age = world.resource::<SimClock>().tick as i64 - life.born;
    let zone = world
        .get::<Position>(victim)
        .map_or(0, |p| world.resource::<Zones>().zone_at(p.0).id.0);
    world.resource_mut::<EventLog>().emit(
        Payload::Death {
            cause: DeathCause::Killed,
            age,
            zone,
        },
        target_of(ev),
        actor_of(ev),
        Some(ev.as_cause()),
    );
    world.resource_mut::<Graveyard>().0.push(Dead {
        id,
        entity: victim,
        killed: true,
    });
}

/// death → loot_dropped: all goods, and half the coins of the killed
/// (by a blow or a cataclysm).
pub(super) fn loot_drop(world: &mut World, ev: &Event) {
    let Payload::Death { cause, .. } = ev.payload else {
        return;
    };
    let Some(dead) = ev.handles.0 else {
        return;
    };
    let Some(pos) = world.get::<Position>(dead).map(|p| p.0) else {
        return;
    };
    let Some(mut purse) = world.get_mut::<Purse>(dead) else {
        return;
    };
    let wealth = if matches!(cause, DeathCause::Killed | DeathCause::Cataclysm) {
        purse.wealth / 2
    } else {
        0
    };
    let goods = purse.goods;
    if wealth == 0 && goods == 0 {
        return;
    }
    purse.wealth -= wealth;
    purse.goods = 0;
    let zone = world.resource::<Zones>().zone_at(pos).id;
    let seq = world.resource_mut::<EventLog>().emit(
        Payload::LootDropped { wealth, goods },
        actor_of(ev),
        target_of(ev),
        Some(ev.as_cause()),
    );
    world.resource_mut::<Ground>().0.insert(
        seq,
        Pile {
            wealth,
            goods,
            zone,
        },
    );
}

/// loot_dropped → loot_picked: the killer, if alive, takes the pile;
/// otherwise the zone does (coins to the treasury, goods to the stock).
pub(super) fn loot_pick(world: &mut World, ev: &Event) {
    let Some(pile) = world.resource_mut::<Ground>().0.remove(&ev.seq) else {
        return;
    };
    let Payload::LootDropped { wealth, goods } = ev.payload else {
        return;
    };
    let picker = ev
        .handles
        .1
        .filter(|k| world.get::<Vitals>(*k).is_some_and(|v| v.alive()));
    match picker.and_then(|k| world.get_mut::<Purse>(k)) {
        Some(mut purse) => {
            purse.wealth += pile.wealth;
            purse.goods += pile.goods;
        }
        None => to_zone(world, pile),
    }
    let by = if picker.is_some() {
        target_of(ev)
    } else {
        None
    };
    world.resource_mut::<EventLog>().emit(
        Payload::LootPicked { wealth, goods },
        by,
        actor_of(ev),
        Some(ev.as_cause()),
    );
}

fn to_zone(world: &mut World, pile: Pile) {
    let mut ledger = world.resource_mut::<ZoneLedger>();
    let z = pile.zone.0 as usize;
    ledger.treasury[z] += pile.wealth;
    ledger.stock[z] = (ledger.stock[z] + pile.goods).min(ledger.capacity[z]);
}

/// End of React: loot nobody reacted to goes to its zone.
pub(super) fn clear_ground(world: &mut World) {
    let piles = std::mem::take(&mut world.resource_mut::<Ground>().0);
    for pile in piles.into_values() {
        to_zone(world, pile);
    }
}
