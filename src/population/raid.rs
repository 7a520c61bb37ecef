//! Raids the director ordered (`RaidOrders`, written in the last tick's
//! Narrate): the monsters arrive at the edge of their zone and head for its
//! point of interest, travelling until they get there or their time is up;
//! then they behave as monsters do (they fight what they meet). Each spawn
//! cites the director's decision.

use bevy::math::Vec2;

use super::spawn::{Newcomer, Spawner, announce_caused, life_length, spawn_agent};
use crate::core::agent::components::EntityId;
use crate::core::agent::intent::Target;
use crate::core::agent::kinds::{AgentKind, Archetype};
use crate::core::rng::Draw;
use crate::core::scenario::director::RaidOrder;
use crate::events::Cause;
use crate::world::Zone;

/// Ticks a raider travels before it may turn to something else.
const MARCH_TICKS: u64 = 300;

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

pub(super) fn raid(s: &mut Spawner, order: RaidOrder) {
    let Some(zone) = s.zones.all().get(order.zone as usize).cloned() else {
        return;
    };
    let kind = AgentKind::Npc(Archetype::Monster);
    let cause = Cause {
        seq: order.decision,
        depth: 0,
        correlation: None,
    };
    for _ in 0..order.monsters {
        let pos = edge_point(s, &zone);
        let len = life_length(s.rng, s.params, kind);
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
                ends: s.tick + len,
                generation: 1,
                parent: EntityId(0),
                busy_until: s.tick as u64 + MARCH_TICKS,
                parents: None,
                heading: Some(zone.poi),
            },
        );
        let who = Target { id, entity };
        announce_caused(s.log, s.counters, who, (kind, pos, wealth), Some(cause));
    }
}
