//! The per-tick state hash: a 128-bit digest of every agent's state that two
//! runs share if and only if (with overwhelming probability) their states are
//! the same. Each agent's fields are hashed on their own and the results are
//! added (mod 2^64, in two independent lanes), so the digest does not depend
//! on iteration order and can be computed in parallel; the tick, the head
//! count and the zone ledger are folded in at the end.

use bevy::prelude::*;
use bevy::utils::Parallel;

use crate::population::components::*;
use crate::population::{Census, NextId};
use crate::sim::SimClock;
use crate::sim::rng::mix64;
use crate::world::ZoneLedger;

/// The digest of the state at the end of `tick`.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateHash {
    pub tick: u64,
    pub value: u128,
}

impl StateHash {
    pub fn hex(&self) -> String {
        format!("{:032x}", self.value)
    }
}

/// Hashes a sequence of words into two 64-bit lanes.
#[derive(Clone, Copy)]
struct Lanes(u64, u64);

impl Lanes {
    fn new(seed: u64) -> Lanes {
        Lanes(mix64(seed), mix64(!seed))
    }

    fn word(&mut self, w: u64) -> &mut Self {
        self.0 = mix64(self.0 ^ w);
        self.1 = mix64(self.1.rotate_left(29) ^ w.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        self
    }
}

type AgentState<'a> = (
    &'a EntityId,
    &'a Kind,
    &'a Position,
    &'a Motion,
    &'a Vitals,
    &'a Purse,
    &'a Standing,
    &'a Relations,
    &'a Life,
    &'a Behaviour,
);

fn agent_lanes(
    (id, kind, pos, motion, vitals, purse, standing, relations, life, behaviour): AgentState,
) -> Lanes {
    let mut h = Lanes::new(id.0);
    h.word(kind.0.index() as u64)
        .word(pos.0.x.to_bits() as u64 | (pos.0.y.to_bits() as u64) << 32)
        .word(
            motion.target.x.to_bits() as u64
                | (motion.target.y.to_bits() as u64) << 32
                | (motion.moving as u64) << 63,
        )
        .word(vitals.health.to_bits() as u64 | (vitals.energy.to_bits() as u64) << 32)
        .word(purse.wealth)
        .word(purse.goods as u64)
        .word(
            standing.faction as u64
                | (standing.reputation as u16 as u64) << 8
                | (standing.mood.to_bits() as u64) << 32,
        )
        .word(life.born as u64)
        .word(life.ends as u64)
        .word(life.generation as u64 | life.parent.0 << 32)
        .word(behaviour.activity as u64 | behaviour.since << 8)
        .word(behaviour.until);
    for (other, affinity) in relations.iter() {
        h.word(other.0 ^ (affinity as u8 as u64) << 56);
    }
    h
}

/// Computes the digest of the world as it is now.
pub fn hash_state_now(world: &mut World) -> u128 {
    let mut state = world.query::<AgentState>();
    let mut sum = (0u64, 0u64);
    for item in state.iter(world) {
        let l = agent_lanes(item);
        sum = (sum.0.wrapping_add(l.0), sum.1.wrapping_add(l.1));
    }
    finish(
        sum,
        world.resource::<SimClock>().tick,
        world.resource::<Census>(),
        world.resource::<NextId>(),
        world.resource::<ZoneLedger>(),
    )
}

fn finish(
    sum: (u64, u64),
    tick: u64,
    census: &Census,
    next_id: &NextId,
    ledger: &ZoneLedger,
) -> u128 {
    let mut h = Lanes::new(sum.0 ^ sum.1.rotate_left(17));
    h.word(sum.0)
        .word(sum.1)
        .word(tick)
        .word(census.total())
        .word(next_id.0);
    for i in 0..ledger.stock.len() {
        h.word(ledger.stock[i] as u64 | (ledger.population[i] as u64) << 32)
            .word(ledger.treasury[i]);
    }
    (h.0 as u128) << 64 | h.1 as u128
}

pub(super) fn hash_state(
    clock: Res<SimClock>,
    census: Res<Census>,
    next_id: Res<NextId>,
    ledger: Res<ZoneLedger>,
    mut out: ResMut<StateHash>,
    mut partial: Local<Parallel<(u64, u64)>>,
    agents: Query<AgentState>,
) {
    agents.par_iter().for_each_init(
        || partial.borrow_local_mut(),
        |acc, item| {
            let l = agent_lanes(item);
            acc.0 = acc.0.wrapping_add(l.0);
            acc.1 = acc.1.wrapping_add(l.1);
        },
    );
    let sum = partial.iter_mut().fold((0u64, 0u64), |s, p| {
        (s.0.wrapping_add(p.0), s.1.wrapping_add(p.1))
    });
    partial.clear();
    *out = StateHash {
        tick: clock.tick,
        value: finish(sum, clock.tick, &census, &next_id, &ledger),
    };
}
