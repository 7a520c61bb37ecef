//! Publish: the compact summary of a tick that watchers consume (today the
//! run command's progress and statistics; later the WebSocket stream and the
//! window). Building it never blocks the tick.

use bevy::prelude::*;

use super::state_hash::StateHash;
use crate::core::agent::kinds::KIND_COUNT;
use crate::population::{Census, TickCounters};

/// What happened in one tick, in a few hundred bytes.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct TickFrame {
    pub tick: u64,
    pub population: u64,
    pub by_kind: [u32; KIND_COUNT],
    pub counters: TickCounters,
    pub state_hash: StateHash,
}

pub(super) fn publish_frame(
    census: Res<Census>,
    counters: Res<TickCounters>,
    hash: Res<StateHash>,
    mut frame: ResMut<TickFrame>,
) {
    *frame = TickFrame {
        tick: hash.tick,
        population: census.total(),
        by_kind: census.alive,
        counters: counters.clone(),
        state_hash: *hash,
    };
}
