//! Raids the director ordered (`RaidOrders`, written in the last tick's
//! Narrate): the monsters arrive at the edge of their zone and head for its
//! point of interest, travelling until they get there or their time is up;
//! then they behave as monsters do (they fight what they meet), and
//! withdraw when the raid is over. Each spawn cites the director's decision.

use bevy::math::Vec2;

use super::spawn::{Newcomer, SpawnParams, Spawner, announce_caused, spawn_agent};
use crate::core::agent::components::{EntityId, Kind, Purse, Vitals};
use crate::core::agent::intent::Target;
use crate::core::agent::kinds::{AgentKind, Archetype};
use crate::core::rng::Draw;
use crate::events::{Cause, Payload};
use crate::world::Zone;

/// Ticks a raider travels before it may turn to something else.
const MARCH_TICKS: u64 = 300;
/// Ticks a raid lasts from its arrival: then the raiders who live withdraw
/// (they leave the world with what they took, as players log out), so a
/// raid is an episode, not a new population.
const RAID_TICKS: i64 = 600;

/// Marks a raider of a zone: at the end of its raid, or when the director
/// calls it off, it leaves rather than dies.
#[derive(bevy::prelude::Component, Clone, Copy, Debug)]
pub struct Raider {
    pub zone: u16,
}

/// What withdrawing a raider needs of it.
pub(super) type RaiderFacts = (
    bevy::prelude::Entity,
    &'static EntityId,
    &'static Raider,
    &'static Kind,
    &'static Purse,
    &'static Vitals,
);

/// The zone's living raiders leave, in id order, each departure citing
/// the director's decision.
pub(super) fn withdraw(p: &mut SpawnParams, zone: u16, decision: u64) {
    let mut leaving: Vec<_> = p
        .raiders
        .iter()
        .filter(|(_, _, r, _, _, v)| r.zone == zone && v.alive())
        .map(|(e, id, _, kind, purse, _)| (*id, e, kind.0, purse.wealth))
        .collect();
    leaving.sort_unstable_by_key(|(id, ..)| *id);
    let cause = Cause {
        seq: decision,
        depth: 0,
        correlation: None,
    };
    for (id, entity, kind, wealth) in leaving {
        p.log.emit(
            Payload::Departure { wealth },
            Some(Target { id, entity }),
            None,
            Some(cause),
        );
        p.counters.departures += 1;
        p.counters.wealth_departed += wealth;
        p.census.alive[kind.index()] -= 1;
        p.index.remove(id);
        p.commands.entity(entity).despawn();
    }
}

/// A point on the zone's edge: a side, then a place along it.
fn edge_point(s: &mut Spawner, zone: &Zone) -> Vec2 {
    let (min, max) = (zone.min, zone.max);
    let along = s.rng.unit();
    let p = match s.rng.below(4) {
        0 => Vec2::new(min.x + (max.x - min.x) * along, min.y),
        1 => Vec2::new(min.x + (max.x - min.x) * along, max.y),
        2 => Vec2::new(min.x, min.y + (max.y - min.y) * along),
        _ => Vec2::new(max.x, min.y + (max.y - min.y) * along),
    };
    s.zones.clamp(p)
}

pub(super) fn raid(s: &mut Spawner, zone: u16, monsters: u16, decision: u64) {
    let Some(zone) = s.zones.all().get(zone as usize).cloned() else {
        return;
    };
    let kind = AgentKind::Npc(Archetype::Monster);
    let cause = Cause {
        seq: decision,
        depth: 0,
        correlation: None,
    };
    for _ in 0..monsters {
        let pos = edge_point(s, &zone);
        let wealth = s.rng.between(5, 40) as u64;
        let faction = s.rng.below(4) as u8;
        let (id, entity) = spawn_agent(
            &mut s.commands,
            &mut s.reg,
            Newcomer {
                kind,
                pos,
                wealth,
                goods: 0,
                faction,
                born: s.tick,
                ends: s.tick + RAID_TICKS,
                generation: 1,
                parent: EntityId(0),
                busy_until: s.tick as u64 + MARCH_TICKS,
                parents: None,
                heading: Some(zone.poi),
            },
        );
        s.commands.entity(entity).insert(Raider { zone: zone.id.0 });
        let who = Target { id, entity };
        announce_caused(s.log, s.counters, who, (kind, pos, wealth), Some(cause));
    }
}
