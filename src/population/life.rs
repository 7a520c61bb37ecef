//! Ageing and the end of lives. Each agent's last tick is fixed when it
//! appears and kept in a calendar, so ending lives costs O(deaths) per tick
//! instead of a scan of the whole population. Life stage (STAT7 horizon) is
//! derived from age on demand.

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::census::{Census, EntityIndex, TickCounters};
use super::raid::Raider;
use crate::core::SimClock;
use crate::core::agent::components::{EntityId, Kind, Life, Position, Purse, Vitals};
use crate::core::agent::intent::Target;
use crate::core::stat7::Horizon;
use crate::events::{DeathCause, EventLog, Payload};
use crate::world::{ZoneLedger, Zones};

/// Agents due to die (NPCs) or log out (players), by tick. One entry per
/// agent that appeared; an agent killed before its time keeps its entry
/// until then (it is skipped when due), so the calendar is bounded by the
/// agents that appeared within one maximum lifespan.
#[derive(Resource, Default, Debug)]
pub struct Calendar {
    due: BTreeMap<i64, Vec<(EntityId, Entity)>>,
}

impl Calendar {
    pub fn schedule(&mut self, tick: i64, id: EntityId, entity: Entity) {
        self.due.entry(tick).or_default().push((id, entity));
    }

    /// Moves `id`'s end from `from` to `to` (a player logging out ends its
    /// session now); the old entry goes, so nothing stale piles up.
    pub fn reschedule(&mut self, from: i64, to: i64, id: EntityId, entity: Entity) {
        if let Some(list) = self.due.get_mut(&from) {
            list.retain(|(i, _)| *i != id);
            if list.is_empty() {
                self.due.remove(&from);
            }
        }
        self.schedule(to, id, entity);
    }

    /// Removes and returns everyone due at or before `tick`, in id order.
    fn take_due(&mut self, tick: i64) -> Vec<(EntityId, Entity)> {
        let later = self.due.split_off(&(tick + 1));
        let mut due: Vec<_> = std::mem::replace(&mut self.due, later)
            .into_values()
            .flatten()
            .collect();
        due.sort_unstable_by_key(|(id, _)| *id);
        due
    }
}

/// Longest life or session, in ticks (about three years of simulated time):
/// keeps tick arithmetic far from overflow whatever `death_rate` says.
pub const MAX_LIFE_TICKS: i64 = 1_000_000_000;

/// A drawn lifespan `len` scaled by the death rate, in [1, MAX_LIFE_TICKS].
pub fn scaled_lifespan(len: u32, death_rate: f32) -> i64 {
    let ticks = len as f64 / death_rate.max(f32::MIN_POSITIVE) as f64;
    (ticks as i64).clamp(1, MAX_LIFE_TICKS)
}

impl Life {
    /// Life stage at `tick`, by the fraction of the lifespan lived.
    pub fn horizon(&self, tick: u64) -> Horizon {
        let span = (self.ends - self.born).max(1) as f64;
        let lived = (tick as i64 - self.born) as f64 / span;
        match lived {
            x if x < 0.05 => Horizon::Genesis,
            x if x < 0.25 => Horizon::Emergence,
            x if x < 0.60 => Horizon::Peak,
            x if x < 0.90 => Horizon::Decay,
            _ => Horizon::Crystallization,
        }
    }
}

/// An agent that died this tick, waiting to be buried at the end of React
/// (reactions to its death still read its components).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dead {
    pub id: EntityId,
    pub entity: Entity,
    pub killed: bool,
}

/// This tick's dead.
#[derive(Resource, Debug, Default)]
pub struct Graveyard(pub Vec<Dead>);

impl Graveyard {
    pub fn holds(&self, id: EntityId) -> bool {
        self.0.iter().any(|d| d.id == id)
    }
}

/// What ending a life reads and writes of the agent.
type Ending = (
    &'static Kind,
    &'static Purse,
    &'static Life,
    &'static Position,
    &'static mut Vitals,
    Has<Raider>,
);

/// Apply: NPCs whose time has come die (a death event; reactions decide
/// what becomes of what they leave); players whose session is over log out
/// and raiders whose raid is over withdraw, leaving with their coins. Agents killed earlier are skipped.
#[allow(clippy::too_many_arguments)]
pub(super) fn end_lives(
    mut commands: Commands,
    clock: Res<SimClock>,
    mut calendar: ResMut<Calendar>,
    mut census: ResMut<Census>,
    mut counters: ResMut<TickCounters>,
    mut index: ResMut<EntityIndex>,
    mut graveyard: ResMut<Graveyard>,
    mut log: ResMut<EventLog>,
    zones: Res<Zones>,
    mut agents: Query<Ending>,
) {
    for (id, entity) in calendar.take_due(clock.tick as i64) {
        let Ok((kind, purse, life, pos, mut vitals, raider)) = agents.get_mut(entity) else {
            continue;
        };
        if !vitals.alive() {
            continue;
        }
        let me = Some(Target { id, entity });
        // Players log out; raiders withdraw when their raid is over.
        if kind.0.is_player() || raider {
            log.emit(
                Payload::Departure {
                    wealth: purse.wealth,
                },
                me,
                None,
                None,
            );
            counters.departures += 1;
            counters.wealth_departed += purse.wealth;
            census.alive[kind.0.index()] -= 1;
            index.remove(id);
            commands.entity(entity).despawn();
        } else {
            vitals.health = 0.0;
            let age = clock.tick as i64 - life.born;
            log.emit(
                Payload::Death {
                    cause: DeathCause::Age,
                    age,
                    zone: zones.zone_at(pos.0).id.0,
                },
                me,
                None,
                None,
            );
            graveyard.0.push(Dead {
                id,
                entity,
                killed: false,
            });
        }
    }
}

/// End of React: the dead leave the world. Coins no reaction passed on go to
/// the treasury of the zone they died in, so none are lost.
#[allow(clippy::too_many_arguments)]
pub(super) fn bury(
    mut commands: Commands,
    zones: Res<Zones>,
    mut graveyard: ResMut<Graveyard>,
    mut ledger: ResMut<ZoneLedger>,
    mut census: ResMut<Census>,
    mut counters: ResMut<TickCounters>,
    mut index: ResMut<EntityIndex>,
    agents: Query<(&Kind, &Position, &Purse)>,
) {
    for dead in graveyard.0.drain(..) {
        let Ok((kind, pos, purse)) = agents.get(dead.entity) else {
            continue;
        };
        ledger.treasury[zones.zone_at(pos.0).id.0 as usize] += purse.wealth;
        census.alive[kind.0.index()] -= 1;
        counters.deaths += 1;
        counters.killed += dead.killed as u32;
        index.remove(dead.id);
        commands.entity(dead.entity).despawn();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizon_follows_the_lifespan() {
        let life = Life {
            born: -100,
            ends: 900,
            generation: 1,
            parent: EntityId(0),
        };
        assert_eq!(life.horizon(0), Horizon::Emergence);
        assert_eq!(life.horizon(400), Horizon::Peak);
        assert_eq!(life.horizon(700), Horizon::Decay);
        assert_eq!(life.horizon(899), Horizon::Crystallization);
    }

    #[test]
    fn calendar_hands_out_due_entries_in_id_order() {
        let mut c = Calendar::default();
        c.schedule(5, EntityId(9), Entity::PLACEHOLDER);
        c.schedule(3, EntityId(4), Entity::PLACEHOLDER);
        c.schedule(6, EntityId(1), Entity::PLACEHOLDER);
        let ids: Vec<u64> = c.take_due(5).into_iter().map(|(id, _)| id.0).collect();
        assert_eq!(ids, vec![4, 9]);
        assert_eq!(c.take_due(5).len(), 0);
        assert_eq!(c.take_due(6).len(), 1);
    }
}
