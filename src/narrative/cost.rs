//! What Warbler costs, measured where it runs: the wall time of the whole
//! Narrate stage each tick (a histogram, in microseconds; measured only,
//! it never steers the simulation) and an estimate of the narrative state
//! it holds, from the sizes of what it keeps (per agent: chronicle, traits,
//! stage, pursuit; per goal holder: its book, calendar and hunt entries; per zone:
//! headlines). `seedsim bench --narrative` reports both.

use std::time::Instant;

use bevy::prelude::*;
use hdrhistogram::Histogram;

use super::{GoalBook, Held, ZoneChronicle};
use crate::core::agent::components::EntityId;
use crate::core::agent::story::{Chronicle, LifeArc, Pursuit, Traits};

/// The Narrate stage's time per tick.
#[derive(Resource)]
pub struct NarrateCost {
    started: Option<Instant>,
    /// Microseconds per tick.
    pub micros: Histogram<u64>,
}

impl Default for NarrateCost {
    fn default() -> Self {
        NarrateCost {
            started: None,
            // 1 µs to 1 hour, 3 significant figures: always valid bounds.
            micros: Histogram::new_with_bounds(1, 3_600_000_000, 3)
                .unwrap_or_else(|_| Histogram::new(3).expect("3 sigfigs is valid")),
        }
    }
}

impl NarrateCost {
    /// The `q` quantile of the stage's time per tick, in milliseconds.
    pub fn ms(&self, q: f64) -> f64 {
        self.micros.value_at_quantile(q) as f64 / 1000.0
    }

    pub fn reset(&mut self) {
        self.micros.reset();
    }

    /// The stage begins (its first system calls this first).
    pub(super) fn begin(&mut self) {
        self.started = Some(Instant::now());
    }

    /// The stage ends.
    fn end(&mut self) {
        if let Some(t) = self.started.take() {
            let us = (t.elapsed().as_micros() as u64).max(1);
            let _ = self.micros.record(us);
        }
    }
}

/// Bytes of a B-tree entry beyond its key and value (node overhead,
/// averaged over the fill of std's nodes).
const BTREE_ENTRY_OVERHEAD: usize = 16;

/// An estimate of the narrative state held now, in bytes, and the agents
/// it is spread over.
pub fn state_bytes(world: &mut World) -> (usize, usize) {
    let agents = world
        .query::<(&Chronicle, &Traits, &LifeArc, &Pursuit)>()
        .iter(world)
        .count();
    let per_agent =
        size_of::<Chronicle>() + size_of::<Traits>() + size_of::<LifeArc>() + size_of::<Pursuit>();
    let holders = world
        .get_resource::<GoalBook>()
        .map_or(0, |b| b.active() as usize);
    let per_holder =
        size_of::<(EntityId, Held)>() + 2 * size_of::<(u64, EntityId)>() + 3 * BTREE_ENTRY_OVERHEAD;
    let zones = world
        .get_resource::<ZoneChronicle>()
        .map_or(0, |z| z.bytes());
    (agents * per_agent + holders * per_holder + zones, agents)
}

/// Narrate's last step: the stage's clock stops.
pub(super) fn close(mut cost: ResMut<NarrateCost>) {
    cost.end();
}
