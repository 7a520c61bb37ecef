//! Events: the record of everything that happens in a run (spawns, births,
//! deaths, travel, trades, fights, governance decisions, reactions). Systems
//! emit typed events into the [`EventLog`] as they act; Record seals each
//! tick's events in seq order into [`TickEvents`], where the store and other
//! watchers pick them up. [`chain`] defines their stored form and hash chain.

pub mod chain;
mod log;
mod payload;

use bevy::prelude::*;

pub use crate::core::event::{EVENT_KINDS, EventKind};
pub use log::{Cause, DEPTH_BUCKETS, Event, EventLog, TickEvents};
pub use payload::{DeathCause, Payload, Ruling, SiftMatch};

use crate::core::{BeginStep, RecordStep, SimClock};

pub struct EventsPlugin;

impl Plugin for EventsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<EventLog>()
            .init_resource::<TickEvents>()
            .add_systems(FixedFirst, begin_tick.in_set(BeginStep::ReleaseEvents))
            .add_systems(FixedUpdate, seal.in_set(RecordStep::Seal))
            // The initial population's spawn events are sealed as tick 0.
            .add_systems(PostStartup, seal.in_set(RecordStep::Seal));
    }
}

/// A new tick: the last tick's sealed events have been handed to everyone
/// who watches (the store holds its own reference), so let them go now
/// rather than keep two ticks of events alive at once.
fn begin_tick(clock: Res<SimClock>, mut log: ResMut<EventLog>, mut sealed: ResMut<TickEvents>) {
    log.begin(clock.tick);
    sealed.0 = Default::default();
}

fn seal(mut log: ResMut<EventLog>, mut sealed: ResMut<TickEvents>) {
    sealed.0 = std::sync::Arc::new(log.seal());
}
