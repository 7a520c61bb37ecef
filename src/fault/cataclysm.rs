//! Cataclysm: at the end of Apply, a fault taken as an input this tick
//! kills a share of a zone's living agents. One `cataclysm` event is the
//! root; each victim's `death` (cause `cataclysm`) is its effect, so loot,
//! grief and inheritance follow through the ordinary reactions, and every
//! event of the cascade carries the fault input's id as its correlation.

use bevy::prelude::*;

use super::FaultLog;
use crate::core::agent::components::{EntityId, Life, Position, Vitals};
use crate::core::agent::intent::Target;
use crate::core::rng::{Draw, entity_rng};
use crate::core::{RunSeed, SimClock};
use crate::events::{Cause, DeathCause, EventLog, Payload};
use crate::input::Strike;
use crate::input::{Input, TickInputs};
use crate::population::{Dead, Graveyard};
use crate::world::Zones;

/// Keeps the cataclysm's stream apart from every other stream of the seed.
const SALT: u64 = 0xca7a_c1a5_0000_0000;

/// How many of `living` a `fraction` kills: rounded to the nearest.
pub fn victims_of(living: usize, fraction: f32) -> usize {
    ((living as f64 * fraction.clamp(0.0, 1.0) as f64).round() as usize).min(living)
}

/// Picks `n` of `candidates` (sorted by id) with a partial Fisher-Yates
/// shuffle from the fault's own stream; returns them in id order.
pub fn choose<T: Copy + Ord>(mut candidates: Vec<T>, n: usize, seed: u64, index: usize) -> Vec<T> {
    let mut rng = entity_rng(seed ^ SALT, index as u64);
    let len = candidates.len();
    for i in 0..n.min(len) {
        let j = i + rng.below((len - i) as u32) as usize;
        candidates.swap(i, j);
    }
    candidates.truncate(n);
    candidates.sort_unstable();
    candidates
}

#[allow(clippy::too_many_arguments)]
pub(super) fn strike(
    clock: Res<SimClock>,
    seed: Res<RunSeed>,
    zones: Res<Zones>,
    inputs: Res<TickInputs>,
    mut log: ResMut<EventLog>,
    mut graveyard: ResMut<Graveyard>,
    mut faults: ResMut<FaultLog>,
    mut agents: Query<(Entity, &EntityId, &Position, &Life, &mut Vitals)>,
) {
    for (input_id, input) in &inputs.0 {
        let Input::Fault {
            index,
            strike: Strike::Cataclysm { zone, fraction },
        } = input
        else {
            continue;
        };
        // A recording edited by hand may name a zone that is not there.
        let Some(zone) = zones.by_name(zone).map(|z| z.id) else {
            continue;
        };
        let mut living: Vec<(EntityId, Entity)> = agents
            .iter()
            .filter(|(_, id, pos, _, vitals)| {
                vitals.alive() && !graveyard.holds(**id) && zones.zone_at(pos.0).id == zone
            })
            .map(|(entity, id, ..)| (*id, entity))
            .collect();
        living.sort_unstable();
        let candidates = living.len();
        let chosen = choose(living, victims_of(candidates, *fraction), seed.0, *index);
        log.correlate(Some(*input_id));
        let root = log.emit(
            Payload::Cataclysm {
                zone: zone.0,
                victims: chosen.len() as u32,
            },
            None,
            None,
            None,
        );
        log.correlate(None);
        let cause = Cause {
            seq: root,
            depth: 0,
            correlation: Some(*input_id),
        };
        for (id, entity) in &chosen {
            let Ok((_, _, _, life, mut vitals)) = agents.get_mut(*entity) else {
                continue;
            };
            vitals.health = 0.0;
            log.emit(
                Payload::Death {
                    cause: DeathCause::Cataclysm,
                    age: clock.tick as i64 - life.born,
                    zone: zone.0,
                },
                Some(Target {
                    id: *id,
                    entity: *entity,
                }),
                None,
                Some(cause),
            );
            graveyard.0.push(Dead {
                id: *id,
                entity: *entity,
                killed: true,
            });
        }
        faults.add(*index, "candidates", candidates as u64);
        faults.add(*index, "killed", chosen.len() as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_rounded_and_bounded() {
        assert_eq!(victims_of(40, 0.5), 20);
        assert_eq!(victims_of(3, 0.5), 2);
        assert_eq!(victims_of(7, 0.0), 0);
        assert_eq!(victims_of(7, 1.0), 7);
        assert_eq!(victims_of(0, 1.0), 0);
    }

    #[test]
    fn choices_follow_the_seed() {
        let all: Vec<u64> = (1..=100).collect();
        let a = choose(all.clone(), 30, 7, 0);
        assert_eq!(a, choose(all.clone(), 30, 7, 0));
        assert_eq!(a.len(), 30);
        assert!(a.windows(2).all(|w| w[0] < w[1]), "in id order, no repeats");
        assert_ne!(a, choose(all.clone(), 30, 8, 0), "another seed");
        assert_ne!(a, choose(all.clone(), 30, 7, 1), "another fault");
        assert_eq!(choose(all.clone(), 100, 7, 0), all);
    }
}
