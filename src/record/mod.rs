//! Record and Publish: what a tick leaves behind for people and tools. The
//! per-tick state hash (the determinism witness), the run's statistics and
//! bounded time series, and the tick's frame handed to whoever watches.

mod frame;
pub mod memory;
mod series;
mod state_hash;
mod stats;

use bevy::prelude::*;

pub use frame::TickFrame;
pub use series::{Fold, Point, Series};
pub use state_hash::{StateHash, hash_state_now};
pub use stats::RunStats;

use crate::core::{PublishStep, RecordStep};

/// Adds the state hash (Record), the tick frame (Publish) and run statistics.
pub struct RecordPlugin;

impl Plugin for RecordPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<StateHash>()
            .init_resource::<TickFrame>()
            .init_resource::<RunStats>()
            .add_systems(
                PostStartup,
                (
                    state_hash::hash_state.in_set(RecordStep::StateHash),
                    stats::count_initial.in_set(RecordStep::InitialStats),
                    frame::publish_frame.in_set(PublishStep::Frame),
                ),
            )
            .add_systems(
                FixedUpdate,
                (
                    state_hash::hash_state.in_set(RecordStep::StateHash),
                    frame::publish_frame.in_set(PublishStep::Frame),
                ),
            );
    }
}
