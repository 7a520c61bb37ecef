//! The per-tick state hash: a 128-bit digest of every agent's state that two
//! runs share if and only if (with overwhelming probability) their states are
//! the same. Each agent's fields are hashed on their own into a 64-bit digest
//! (two agents' states collide with probability about 2^-64), finished into
//! two lanes and added (mod 2^64 per lane), so the sum does not depend on
//! iteration order and can be computed in parallel; the tick, the head count
//! and the zone ledger are folded in at the end.

use bevy::prelude::*;
use bevy::utils::Parallel;

use crate::core::SimClock;
use crate::core::agent::components::*;
use crate::core::rng::mix64;
use crate::population::{Census, NextId};
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

/// A multiply-fold hash chain over an agent's words: each 64×64→128-bit
/// multiply absorbs two words. It is the hot loop of Record (every agent,
/// every tick), hence no general hasher. Its 64-bit state is finished into
/// two lanes with different finalisers; the state hash sums the lanes.
#[derive(Clone, Copy)]
struct Lanes(u64, u64);

const KEYS: [u64; 4] = [
    0x243f_6a88_85a3_08d3,
    0x1319_8a2e_0370_7344,
    0xa409_3822_299f_31d0,
    0x082e_fa98_ec4e_6c89,
];

#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = a as u128 * b as u128;
    (p as u64) ^ ((p >> 64) as u64)
}

/// The chain's running state.
#[derive(Clone, Copy)]
struct Chain(u64);

impl Chain {
    fn new(seed: u64) -> Chain {
        Chain(fold_mul(seed ^ KEYS[0], KEYS[1]))
    }

    #[inline(always)]
    fn pair(&mut self, w0: u64, w1: u64) -> &mut Self {
        self.0 = fold_mul(self.0 ^ w0 ^ KEYS[2], w1 ^ KEYS[3]);
        self
    }

    fn word(&mut self, w: u64) -> &mut Self {
        self.pair(w, 0)
    }

    fn finish(self) -> Lanes {
        Lanes(mix64(self.0), mix64(self.0 ^ KEYS[3]).rotate_left(23))
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
    &'a Conduct,
);

/// A kind as one number without a branchy match: archetype or profile tag.
fn kind_code(k: crate::core::agent::kinds::AgentKind) -> u32 {
    use crate::core::agent::kinds::AgentKind;
    match k {
        AgentKind::Npc(a) => a as u32,
        AgentKind::Player(p) => 0x100 | p as u32,
    }
}

fn bits2(a: f32, b: f32) -> u64 {
    a.to_bits() as u64 | (b.to_bits() as u64) << 32
}

#[inline]
fn agent_lanes(
    (id, kind, pos, motion, vitals, purse, standing, relations, life, behaviour, conduct): AgentState,
) -> Lanes {
    let mut h = Chain::new(id.0);
    h.pair(
        bits2(pos.0.x, pos.0.y),
        bits2(motion.target.x, motion.target.y),
    )
    .pair(bits2(vitals.health, vitals.energy), purse.wealth)
    .pair(
        purse.goods as u64 | (kind_code(kind.0) as u64) << 32 | (motion.moving as u64) << 40,
        standing.faction as u64
            | (standing.reputation as u16 as u64) << 8
            | (standing.mood.to_bits() as u64) << 32,
    )
    .pair(life.born as u64, life.ends as u64)
    .pair(
        life.generation as u64 | life.parent.0 << 32,
        behaviour.activity as u64 | behaviour.since << 8,
    )
    .pair(behaviour.until, conduct.window_start)
    .pair(
        conduct.chat_window_start,
        conduct.actions as u64 | (conduct.chats as u64) << 16,
    );
    let mut rel = relations.iter();
    while let Some((a, x)) = rel.next() {
        let tag = |id: EntityId, affinity: i8| id.0 ^ (affinity as u8 as u64) << 56;
        match rel.next() {
            Some((b, y)) => h.pair(tag(a, x), tag(b, y)),
            None => h.word(tag(a, x)),
        };
    }
    h.finish()
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
    let mut h = Chain::new(tick);
    h.pair(sum.0, sum.1).pair(census.total(), next_id.0);
    for i in 0..ledger.stock.len() {
        h.pair(
            ledger.stock[i] as u64 | (ledger.population[i] as u64) << 32,
            ledger.treasury[i],
        );
    }
    let lanes = h.pair(sum.1, sum.0).finish();
    (lanes.0 as u128) << 64 | lanes.1 as u128
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
