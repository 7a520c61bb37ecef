//! The director's plagues, carried out in Apply: a plague ordered last tick
//! is seeded in a few people near its zone's heart (found through the
//! spatial grid, never a scan); each chat or social of the tick between an
//! infected and a healthy person passes it on by a hashed chance of the
//! event's seq, while its victims stay under the cap; each tick the
//! infected lose health, and die of it (a `plague` death) or recover when
//! their time is up. The infected are held here, in id order, so the work
//! is proportional to them alone.

use std::collections::BTreeMap;

use bevy::prelude::*;

use crate::core::agent::components::{EntityId, Vitals};
use crate::core::agent::intent::Target;
use crate::core::rng::mix64;
use crate::core::scenario::plague::{PlagueOrders, PlagueSpec};
use crate::core::{RunSeed, SimClock};
use crate::events::{Cause, DeathCause, EventLog, Payload};
use crate::population::{Dead, Graveyard};
use crate::world::{SpatialGrid, Zones};

/// One infection.
#[derive(Clone, Copy, Debug)]
pub struct Infection {
    pub entity: Entity,
    /// The director's decision.
    pub plague: u64,
    /// The `infected` event, which its end cites.
    pub caught: u64,
    pub until: u64,
    pub zone: u16,
    /// Its `Life::born`, for its age should it die of it.
    pub born: i64,
}

/// The infected, by id, and each plague's victims so far (a plague is
/// forgotten when its last infection ends).
#[derive(Resource, Debug, Default)]
pub struct Plagues {
    pub infected: BTreeMap<EntityId, Infection>,
    pub victims: BTreeMap<u64, u32>,
}

impl Plagues {
    fn infect(&mut self, id: EntityId, i: Infection) {
        *self.victims.entry(i.plague).or_default() += 1;
        self.infected.insert(id, i);
    }

    fn end(&mut self, id: EntityId) {
        let Some(i) = self.infected.remove(&id) else {
            return;
        };
        if !self.infected.values().any(|o| o.plague == i.plague) {
            self.victims.remove(&i.plague);
        }
    }

    fn room(&self, plague: u64, spec: &PlagueSpec) -> bool {
        self.victims.get(&plague).copied().unwrap_or(0) < spec.max_victims
    }
}

/// A hashed chance in [0, 1) for `seq` under `salt`.
fn draw(seed: u64, seq: u64, salt: u64) -> f32 {
    (mix64(seed ^ mix64(seq ^ salt)) >> 40) as f32 / (1u64 << 24) as f32
}

/// Apply, last: plagues seeded, passed on, draining, ending.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_plagues(
    clock: Res<SimClock>,
    seed: Res<RunSeed>,
    zones: Res<Zones>,
    grid: Res<SpatialGrid>,
    mut orders: ResMut<PlagueOrders>,
    mut plagues: ResMut<Plagues>,
    mut graveyard: ResMut<Graveyard>,
    mut log: ResMut<EventLog>,
    mut agents: Query<(&mut Vitals, &crate::core::agent::components::Life)>,
) {
    let spec = orders.spec;
    let now = clock.tick;
    for (zone, decision) in std::mem::take(&mut orders.orders) {
        seed_plague(
            &zones,
            &grid,
            &agents,
            &mut plagues,
            &mut log,
            &spec,
            (seed.0, now),
            (zone, decision),
        );
    }
    if plagues.infected.is_empty() {
        return;
    }
    spread(
        &mut plagues,
        &mut log,
        &graveyard,
        &agents,
        &spec,
        seed.0,
        now,
    );
    drain(
        &mut plagues,
        &mut graveyard,
        &mut log,
        &mut agents,
        &spec,
        now,
    );
}

/// The first victims: breeders near the zone's heart, chosen by hash.
#[allow(clippy::too_many_arguments)]
fn seed_plague(
    zones: &Zones,
    grid: &SpatialGrid,
    agents: &Query<(&mut Vitals, &crate::core::agent::components::Life)>,
    plagues: &mut Plagues,
    log: &mut EventLog,
    spec: &PlagueSpec,
    (seed, now): (u64, u64),
    (zone, decision): (u16, u64),
) {
    let Some(z) = zones.all().get(zone as usize) else {
        return;
    };
    let mut near: Vec<(EntityId, Entity)> = Vec::new();
    grid.for_each_near(z.poi, |n| {
        if n.kind.breeds()
            && zones.zone_at(n.pos).id == z.id
            && !plagues.infected.contains_key(&n.id)
        {
            near.push((n.id, n.entity));
        }
    });
    near.sort_unstable();
    near.dedup();
    near.retain(|(_, e)| agents.get(*e).is_ok_and(|(v, _)| v.alive()));
    let cause = Cause {
        seq: decision,
        depth: 0,
        correlation: None,
    };
    for k in 0..spec.seeds.min(near.len() as u32) {
        let pick = (mix64(seed ^ mix64(decision ^ u64::from(k))) % near.len() as u64) as usize;
        let (id, entity) = near.swap_remove(pick);
        let born = agents.get(entity).map_or(0, |(_, l)| l.born);
        let caught = log.emit(
            Payload::Infected {
                zone,
                plague: decision,
            },
            Some(Target { id, entity }),
            None,
            Some(cause),
        );
        let until = now + u64::from(spec.ticks);
        plagues.infect(
            id,
            Infection {
                entity,
                plague: decision,
                caught,
                until,
                zone,
                born,
            },
        );
    }
}

/// The tick's chats and socials pass it on.
fn spread(
    plagues: &mut Plagues,
    log: &mut EventLog,
    graveyard: &Graveyard,
    agents: &Query<(&mut Vitals, &crate::core::agent::components::Life)>,
    spec: &PlagueSpec,
    seed: u64,
    now: u64,
) {
    let mut caught: Vec<(EntityId, Entity, EntityId, Infection, Cause, i64)> = Vec::new();
    for ev in log.pending() {
        if !matches!(ev.payload, Payload::Chat { .. } | Payload::Socialise { .. }) {
            continue;
        }
        let (Some(a), Some(b)) = (ev.actor, ev.target) else {
            continue;
        };
        let (ha, hb) = ev.handles;
        let pair = [(a, b, hb), (b, a, ha)];
        for (from, to, handle) in pair {
            let (Some(inf), Some(entity)) = (plagues.infected.get(&from).copied(), handle) else {
                continue;
            };
            let healthy = !plagues.infected.contains_key(&to)
                && !graveyard.holds(to)
                && agents.get(entity).is_ok_and(|(v, _)| v.alive());
            if healthy
                && !caught.iter().any(|(id, ..)| *id == to)
                && plagues.room(inf.plague, spec)
                && draw(seed, ev.seq, 0x706c_6167) < spec.chance
            {
                let born = agents.get(entity).map_or(0, |(_, l)| l.born);
                caught.push((to, entity, from, inf, ev.as_cause(), born));
                *plagues.victims.entry(inf.plague).or_default() += 1;
            }
        }
    }
    for (id, entity, from, inf, cause, born) in caught {
        let seq = log.emit_ids(
            Payload::Infected {
                zone: inf.zone,
                plague: inf.plague,
            },
            Some(id),
            Some(from),
            Some(cause),
        );
        let i = Infection {
            entity,
            caught: seq,
            until: now + u64::from(spec.ticks),
            born,
            ..inf
        };
        // Counted when caught, above: recorded here without counting again.
        plagues.infected.insert(id, i);
    }
}

/// The infected weaken; some die of it, the rest recover in time.
fn drain(
    plagues: &mut Plagues,
    graveyard: &mut Graveyard,
    log: &mut EventLog,
    agents: &mut Query<(&mut Vitals, &crate::core::agent::components::Life)>,
    spec: &PlagueSpec,
    now: u64,
) {
    let ids: Vec<EntityId> = plagues.infected.keys().copied().collect();
    for id in ids {
        let i = plagues.infected[&id];
        let cause = Some(Cause {
            seq: i.caught,
            depth: 0,
            correlation: None,
        });
        let Ok((mut vitals, _)) = agents.get_mut(i.entity) else {
            plagues.end(id);
            continue;
        };
        if !vitals.alive() || graveyard.holds(id) {
            // Dead of something else this tick, or already buried.
            plagues.end(id);
            continue;
        }
        vitals.health -= spec.drain;
        let target = Some(Target {
            id,
            entity: i.entity,
        });
        if !vitals.alive() {
            let zone = i.zone;
            log.emit(
                Payload::Death {
                    cause: DeathCause::Plague,
                    age: now as i64 - i.born,
                    zone,
                },
                target,
                None,
                cause,
            );
            graveyard.0.push(Dead {
                id,
                entity: i.entity,
                killed: false,
            });
            plagues.end(id);
        } else if now >= i.until {
            log.emit(Payload::Recovered { plague: i.plague }, target, None, cause);
            plagues.end(id);
        }
    }
}
